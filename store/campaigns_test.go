package store

import (
	"errors"
	"testing"
)

func (fx *mktFixture) consent(t *testing.T, customer int64, channel, status, recipient string) {
	t.Helper()
	v := Values{"customer_id": customer, "channel": channel, "status": status, "source": "HS_WEB"}
	if recipient != "" {
		v["recipient"] = recipient
	}
	mustCreate(t, fx.st, fx.admin, Consents, v)
}

func (fx *mktFixture) campaign(t *testing.T, name, channels string, segment int64) int64 {
	t.Helper()
	return mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": name, "channels": channels, "segment_id": segment,
		"starts_on": "2026-12-01", "budget": int64(1000000)}).ID
}

func TestLaunchAppliesTheOneConsentRule(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	tag := Values{"tags": []string{"kampanya"}}
	with := func(v Values) Values {
		if v == nil {
			v = Values{}
		}
		for k, x := range tag {
			v[k] = x
		}
		return v
	}
	granted := mustCreate(t, fx.st, fx.admin, Customers, person("Onay", "Veren", with(Values{"email": "onay@ornek.com.tr", "phone": "0532 111 22 33", "address": "Çarşı Cad. 5", "province": "Isparta"}))).ID
	fx.consent(t, granted, ChannelEmail, ConsentGranted, "")
	silent := mustCreate(t, fx.st, fx.admin, Customers, person("Sessiz", "Kişi", with(Values{"email": "sessiz@ornek.com.tr"}))).ID
	trader := mustCreate(t, fx.st, fx.admin, Customers, company("Tacir A.Ş.", with(Values{"email": "info@tacir.com.tr", "phone": "0212 555 11 22"}))).ID
	refused := mustCreate(t, fx.st, fx.admin, Customers, company("Ret Ltd.", with(Values{"email": "ret@ornek.com.tr"}))).ID
	fx.consent(t, refused, ChannelEmail, ConsentGranted, "")
	fx.consent(t, refused, ChannelEmail, ConsentRefused, "")
	noMail := mustCreate(t, fx.st, fx.admin, Customers, person("Adres", "Yok", with(nil))).ID
	// No main phone: the rule takes the first other number, and its
	// decision from the ledger.
	other := mustCreate(t, fx.st, fx.admin, Customers, person("Diğer", "Numara", with(Values{"phones": []PhoneEntry{{Label: "iş", Number: "0533 444 55 66"}}}))).ID
	fx.consent(t, other, ChannelSMS, ConsentGranted, "+905334445566")
	mustCreate(t, fx.st, fx.admin, Customers, person("Başka", "Segment", Values{"email": "baska@ornek.com.tr"}))

	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Kampanya etiketi", "criteria": "tags=kampanya"}).ID
	id := fx.campaign(t, "Kış indirimi", "email,sms,visit", seg)
	got, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Members != 18 {
		t.Errorf("members %d, want 6 customers × 3 channels", got.Members)
	}
	page, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id)}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]any]string{
		{granted, "email"}: "granted", {silent, "email"}: "no_consent", {trader, "email"}: "trader",
		{refused, "email"}: "refused", {noMail, "email"}: "no_address", {other, "sms"}: "granted",
		{granted, "sms"}: "no_consent", {trader, "sms"}: "trader", {granted, "visit"}: "visit", {noMail, "visit"}: "no_address",
	}
	excluded := 0
	for _, r := range page.Records {
		cust, _ := r.Values.Int("customer_id")
		ch := r.Values.Str("channel")
		if w, ok := want[[2]any{cust, ch}]; ok && r.Values.Str("reason") != w {
			t.Errorf("customer %d on %s: reason %q, want %q", cust, ch, r.Values.Str("reason"), w)
		}
		if r.Values.Str("status") == MemberExcluded {
			excluded++
		}
		// The launch's answer is the one rule's, as the contactable
		// endpoint gives it.
		if etk, ok := campaignETK[ch]; ok {
			c, err := fx.st.Contactable(fx.ctx, fx.admin, cust, etk, PurposeCommercial)
			if err != nil {
				t.Fatal(err)
			}
			if c.Reason != r.Values.Str("reason") || c.Allowed != (r.Values.Str("status") == MemberPending) || c.Recipient != r.Values.Str("recipient") {
				t.Errorf("customer %d on %s: launch says %s/%s/%q, contactable %v/%s/%q", cust, ch,
					r.Values.Str("status"), r.Values.Str("reason"), r.Values.Str("recipient"), c.Allowed, c.Reason, c.Recipient)
			}
		}
	}
	if excluded != got.Excluded {
		t.Errorf("excluded %d, launch said %d", excluded, got.Excluded)
	}
	camp, err := fx.st.Get(fx.ctx, fx.mkt, Campaigns, id)
	if err != nil || camp.Values.Str("status") != CampaignRunning || camp.Values.Str("launched_at") == "" {
		t.Fatalf("launched campaign %v, %v", camp, err)
	}
	tallies, err := fx.st.CampaignTallies(fx.ctx, fx.mkt, id)
	if err != nil || len(tallies) == 0 {
		t.Fatalf("tallies %v, %v", tallies, err)
	}

	// Launched once only; its target stays frozen.
	_, err = fx.st.LaunchCampaign(fx.ctx, fx.mkt, id)
	wantFieldError(t, err, "status", "error.campaign_launched")
	_, _, err = fx.st.Update(fx.ctx, fx.mkt, Campaigns, id, Values{"channels": "email"})
	wantFieldError(t, err, "channels", "error.campaign_frozen")
	if err := fx.st.SetCampaignStatus(fx.ctx, fx.mkt, id, CampaignDraft); err == nil {
		t.Error("a running campaign went back to draft")
	}
	if err := fx.st.SetCampaignStatus(fx.ctx, fx.mkt, id, CampaignCompleted); err != nil {
		t.Errorf("complete: %v", err)
	}
}

func TestLaunchRefusesAnEmptySegmentAndWritesNothing(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	mustCreate(t, fx.st, fx.admin, Customers, person("Ali", "Veli", Values{"province": "Ankara"}))
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Boş", "criteria": "province=Isparta"}).ID
	id := fx.campaign(t, "Boşa", "email", seg)
	_, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id)
	wantFieldError(t, err, "segment_id", "error.segment_empty")
	camp, _ := fx.st.Get(fx.ctx, fx.mkt, Campaigns, id)
	if camp.Values.Str("status") != CampaignDraft {
		t.Errorf("status %q after a refused launch", camp.Values.Str("status"))
	}
	noSeg := mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": "Segmentsiz", "channels": "sms", "starts_on": "2026-12-01"}).ID
	_, err = fx.st.LaunchCampaign(fx.ctx, fx.mkt, noSeg)
	wantFieldError(t, err, "segment_id", "error.campaign_no_segment")
	// Someone without edit rights on campaigns cannot launch.
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.me, id); !errors.Is(err, ErrForbidden) {
		t.Errorf("salesperson launched: %v", err)
	}
	// Bad input on the campaign itself names its field.
	_, err = fx.st.Create(fx.ctx, fx.mkt, Campaigns, Values{"name": "Ters", "channels": "email", "starts_on": "2026-12-10", "ends_on": "2026-12-01"})
	wantFieldError(t, err, "ends_on", "error.campaign_ends_before")
}

// Duplicates who were both targeted by one campaign still merge: their
// memberships move to the customer kept, with their history.
func TestMergeKeepsCampaignMemberships(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	a := mustCreate(t, fx.st, fx.admin, Customers, company("İkiz Ticaret A.Ş.", Values{"email": "info@ikiz.com.tr", "tags": []string{"ikiz"}})).ID
	b := mustCreate(t, fx.st, fx.admin, Customers, company("İkiz Ticaret AŞ", Values{"email": "satis@ikiz.com.tr", "tags": []string{"ikiz"}})).ID
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "İkizler", "criteria": "tags=ikiz"}).ID
	id := fx.campaign(t, "İkiz bülteni", "email", seg)
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.st.Merge(fx.ctx, fx.admin, Customers, a, b, nil); err != nil {
		t.Fatalf("merge of two members: %v", err)
	}
	page, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id), "customer_id": itoa(a)}})
	if err != nil || len(page.Records) != 2 {
		t.Fatalf("memberships of the customer kept: %v, %v", page, err)
	}
}

// running marks a generated campaign as launched, for the generic tests
// that add its members one by one (a launch needs a segment and adds them
// all).
func (fx *secFixture) running(t *testing.T, id int64) {
	t.Helper()
	if _, err := fx.st.writer.ExecContext(fx.ctx, "UPDATE campaigns SET status = 'running', launched_at = '2026-01-15T09:30:00Z' WHERE id = ?", id); err != nil {
		t.Fatal(err)
	}
}
