package store

import (
	"context"
	"database/sql"
	"testing"
)

// A call and visit campaign hands one task per allowed member to the
// chosen users round-robin, leaves out calls the ETK rule refuses (also a
// RET since the launch), shows the script on the task, and the tasks'
// outcomes become the members' statuses and the results per channel.
func TestCallCampaignTasksConsentAndOutcomes(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	tag := func(v Values) Values { v["tags"] = []string{"arama"}; return v }
	granted := mustCreate(t, fx.st, fx.admin, Customers, person("İzin", "Veren", tag(Values{"phone": "0532 111 22 33", "address": "Çarşı Cad. 5", "province": "Isparta"}))).ID
	fx.consent(t, granted, ChannelCall, ConsentGranted, "")
	trader := mustCreate(t, fx.st, fx.admin, Customers, company("Tacir A.Ş.", tag(Values{"phone": "0212 555 11 22", "address": "Sanayi Sit. 3", "province": "Ankara"}))).ID
	silent := mustCreate(t, fx.st, fx.admin, Customers, person("Sessiz", "Kişi", tag(Values{"phone": "0533 999 88 77"}))).ID
	later := mustCreate(t, fx.st, fx.admin, Customers, person("Sonra", "Ret", tag(Values{"phone": "0534 123 45 67", "address": "Pazar Sok. 1", "province": "Isparta"}))).ID
	fx.consent(t, later, ChannelCall, ConsentGranted, "")

	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Arama", "criteria": "tags=arama"}).ID
	id := fx.campaign(t, "Bakım kampanyası", "call,visit", seg)
	if _, _, err := fx.st.Update(fx.ctx, fx.mkt, Campaigns, id, Values{"script": "**Merhaba**, kış bakımı için arıyoruz."}); err != nil {
		t.Fatal(err)
	}
	// Not launched: nothing to hand out.
	_, err := fx.st.DistributeCampaignTasks(fx.ctx, fx.mkt, id)
	wantFieldError(t, err, "status", "error.campaign_not_running")
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	// Nobody chosen to call: refused naming the field, nothing written.
	_, err = fx.st.DistributeCampaignTasks(fx.ctx, fx.mkt, id)
	wantFieldError(t, err, "callers", "error.campaign_no_callers")
	if n, err := fx.st.UntaskedMembers(fx.ctx, fx.mkt, id); err != nil || n != 6 {
		t.Fatalf("untasked %d, %v; want 3 calls (granted, trader, later) + 3 visits with an address", n, err)
	}
	callerA, callerB := fx.users["me"], fx.users["other"]
	visitor := fx.users["mkt"]
	if _, _, err := fx.st.Update(fx.ctx, fx.mkt, Campaigns, id, Values{"callers": []int64{callerA, callerB}, "visitors": []int64{visitor}}); err != nil {
		t.Fatal(err)
	}
	// The customer refuses calls after the launch: no task for her.
	fx.consent(t, later, ChannelCall, ConsentRefused, "")
	d, err := fx.st.DistributeCampaignTasks(fx.ctx, fx.mkt, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Tasks != 5 || d.Excluded != 1 {
		t.Fatalf("distribution %+v; want 2 calls + 3 visits, 1 refused", d)
	}
	if again, err := fx.st.DistributeCampaignTasks(fx.ctx, fx.mkt, id); err != nil || again.Tasks != 0 {
		t.Errorf("second distribution %+v, %v; want nothing new", again, err)
	}

	members, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id)}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		customer int64
		channel  string
	}
	task := map[key]int64{}
	owners := map[string][]int64{}
	for _, r := range members.Records {
		cust, _ := r.Values.Int("customer_id")
		ch := r.Values.Str("channel")
		act, ok := r.Values.Int("activity_id")
		if cust == silent && ch == CampaignCall || cust == later && ch == CampaignCall {
			if ok || r.Values.Str("status") != MemberExcluded {
				t.Errorf("customer %d call: task %v, status %q; want excluded without task", cust, ok, r.Values.Str("status"))
			}
			continue
		}
		if cust == silent && ch == CampaignVisit {
			continue // no address: excluded at the launch
		}
		if !ok {
			t.Fatalf("customer %d on %s has no task", cust, ch)
		}
		task[key{cust, ch}] = act
		a, err := fx.st.Get(fx.ctx, fx.admin, Activities, act)
		if err != nil {
			t.Fatal(err)
		}
		if a.Values.Str("type") != ch || a.Values.Str("status") != "planned" || a.Values.Str("related_module") != "campaigns" ||
			a.Values.Str("description") != "**Merhaba**, kış bakımı için arıyoruz." {
			t.Errorf("task %d: %v", act, a.Values)
		}
		if c, _ := a.Values.Int("customer_id"); c != cust {
			t.Errorf("task %d for customer %d, want %d", act, c, cust)
		}
		o, _ := a.Values.Int("owner_id")
		owners[ch] = append(owners[ch], o)
	}
	// Round-robin in member order among the chosen callers; every visit to
	// the one visitor.
	if got := owners[CampaignCall]; len(got) != 2 || got[0] == got[1] {
		t.Errorf("call owners %v; want one each", got)
	}
	for _, o := range owners[CampaignVisit] {
		if o != visitor {
			t.Errorf("visit owner %d, want %d", o, visitor)
		}
	}

	// Outcomes: the granted customer reached, the trader did not answer,
	// one visit made, one cancelled.
	done := func(act int64, v Values) {
		t.Helper()
		v["status"] = "done"
		if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, act, v); err != nil {
			t.Fatal(err)
		}
	}
	done(task[key{granted, CampaignCall}], Values{"outcome": "reached"})
	done(task[key{trader, CampaignCall}], Values{"outcome": "no_answer"})
	done(task[key{granted, CampaignVisit}], Values{})
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, task[key{trader, CampaignVisit}], Values{"status": "cancelled"}); err != nil {
		t.Fatal(err)
	}
	res, err := fx.st.CampaignResults(fx.ctx, fx.mkt, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ChannelResult{}
	for _, c := range res.Channels {
		got[c.Channel] = c
	}
	if c := got[CampaignCall]; c.Responded != 1 || c.Delivered != 1 || c.Failed != 1 {
		t.Errorf("call results %+v; want 1 responded, 1 failed", c)
	}
	if c := got[CampaignVisit]; c.Responded != 1 || c.Failed != 1 {
		t.Errorf("visit results %+v; want 1 responded, 1 failed", c)
	}
	// Planned again: the member waits again.
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, task[key{trader, CampaignCall}], Values{"status": "planned"}); err != nil {
		t.Fatal(err)
	}
	m, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id), "customer_id": itoa(trader), "channel": "call"}, Limit: 1})
	if err != nil || len(m.Records) != 1 || m.Records[0].Values.Str("status") != MemberPending {
		t.Errorf("replanned call's member: %v, %v", m, err)
	}
	// The salesperson may not hand out the campaign's tasks.
	if _, err := fx.st.DistributeCampaignTasks(fx.ctx, fx.me, id); err == nil {
		t.Error("salesperson distributed a campaign's tasks")
	}
}

// A customer writing back (an incoming e-mail) after a campaign e-mail
// was sent marks that member responded.
func TestInboundMessageMarksEmailMemberResponded(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	c := mustCreate(t, fx.st, fx.admin, Customers, company("Yanıt A.Ş.", Values{"email": "info@yanit.com.tr", "tags": []string{"yanit"}})).ID
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Yanıt", "criteria": "tags=yanit"}).ID
	id := fx.campaign(t, "E-posta", "email", seg)
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	page, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id)}, Limit: 1})
	if err != nil || len(page.Records) != 1 {
		t.Fatal(page, err)
	}
	member := page.Records[0].ID
	// Before anything was sent, an answer is no response to the campaign.
	in := Values{"type": ActivityEmail, "subject": "Bilgi", "customer_id": c, "direction": "in"}
	mustCreate(t, fx.st, fx.admin, Activities, in)
	if r, _ := fx.st.Get(fx.ctx, fx.mkt, CampaignMembers, member); r.Values.Str("status") != MemberPending {
		t.Fatalf("member %q before sending", r.Values.Str("status"))
	}
	// Sent (as the sender records it); then the customer writes back.
	err = fx.st.writes.run(fx.ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, _, err := fx.st.update(ctx, tx, SystemActor(), fx.st.mod(CampaignMembers), member, Values{"status": MemberSent})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivitySMS, "subject": "SMS", "customer_id": c, "direction": "in"})
	if r, _ := fx.st.Get(fx.ctx, fx.mkt, CampaignMembers, member); r.Values.Str("status") != MemberSent {
		t.Fatalf("an SMS answered the e-mail: %q", r.Values.Str("status"))
	}
	mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityEmail, "subject": "Ynt: Kampanya", "customer_id": c, "direction": "in"})
	if r, _ := fx.st.Get(fx.ctx, fx.mkt, CampaignMembers, member); r.Values.Str("status") != MemberResponded {
		t.Fatalf("member %q after the answer, want responded", r.Values.Str("status"))
	}
}

// An opportunity or a lead attributed to a campaign is the response of
// the customer's members that were reached; members not reached stay.
func TestAttributionMarksReachedMembersResponded(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	a := mustCreate(t, fx.st, fx.admin, Customers, company("Atıf A.Ş.", Values{"email": "info@atif.com.tr", "tags": []string{"atif"}})).ID
	b := mustCreate(t, fx.st, fx.admin, Customers, company("Atıf B A.Ş.", Values{"email": "info@atifb.com.tr", "tags": []string{"atif"}})).ID
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Atıf", "criteria": "tags=atif"}).ID
	id := fx.campaign(t, "Atıflı", "email", seg)
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	page, err := fx.st.List(fx.ctx, fx.mkt, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id)}})
	if err != nil || len(page.Records) != 2 {
		t.Fatal(page, err)
	}
	member := map[int64]int64{}
	for _, r := range page.Records {
		c, _ := r.Values.Int("customer_id")
		member[c] = r.ID
	}
	status := func(c int64) string {
		r, err := fx.st.Get(fx.ctx, fx.mkt, CampaignMembers, member[c])
		if err != nil {
			t.Fatal(err)
		}
		return r.Values.Str("status")
	}
	// An opportunity before the message was sent is no response to it.
	stages, err := fx.st.Stages(fx.ctx, fx.admin, true)
	if err != nil {
		t.Fatal(err)
	}
	opp := Values{"title": "Fırsat", "customer_id": a, "stage_id": stages[0].ID, "amount": int64(1000), "expected_close": "2026-12-20", "campaign_id": id}
	mustCreate(t, fx.st, fx.admin, Opportunities, opp)
	if got := status(a); got != MemberPending {
		t.Fatalf("member %q before sending", got)
	}
	err = fx.st.writes.run(fx.ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, m := range member {
			if _, _, err := fx.st.update(ctx, tx, SystemActor(), fx.st.mod(CampaignMembers), m, Values{"status": MemberSent}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A salesperson's opportunity for A names the campaign: A responded.
	opp2 := Values{"title": "Fırsat 2", "customer_id": a, "stage_id": stages[0].ID, "amount": int64(1000), "expected_close": "2026-12-20", "campaign_id": id}
	mustCreate(t, fx.st, fx.admin, Opportunities, opp2)
	if got := status(a); got != MemberResponded {
		t.Errorf("A after the opportunity: %q, want responded", got)
	}
	if got := status(b); got != MemberSent {
		t.Errorf("B after A's opportunity: %q, want sent", got)
	}
	// B is marked as the campaign's lead by an edit: B responded.
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Customers, b, Values{"campaign_id": id}); err != nil {
		t.Fatal(err)
	}
	if got := status(b); got != MemberResponded {
		t.Errorf("B after becoming the campaign's lead: %q, want responded", got)
	}
}
