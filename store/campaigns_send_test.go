package store

import (
	"bytes"
	"context"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"testing"

	kmail "kobicrm/store/mail"
	"kobicrm/store/mail/mailtest"
)

const sendSubject = "Şubat kampanyası: İndirim ğüşıöç"

// mailSetup points the store's SMTP settings at an in-test server and
// makes a template.
func (fx *mktFixture) mailSetup(t *testing.T, srv *mailtest.Server) int64 {
	t.Helper()
	form := map[string][]string{"host": {srv.Host}, "port": {strconv.Itoa(srv.Port)}, "security": {kmail.SecurityNone},
		"from_addr": {"bilgi@firma.com.tr"}, "from_name": {"Çağlar Ticaret"}, "base_url": {"http://crm.local:8080/"}, "rate": {"1000"}}
	m, keep, errs := ParseMailForm(form)
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.SaveMailSettings(fx.ctx, fx.admin, m, keep); err != nil {
		t.Fatal(err)
	}
	return mustCreate(t, fx.st, fx.mkt, EmailTemplates, Values{"name": "Şubat", "subject": sendSubject + " {{ad}}",
		"body": "Sayın {{ad_soyad}},\n\n**{{firma}}** için indirim. Temsilciniz: {{temsilci}}"}).ID
}

// mailCampaign launches an e-mail campaign on the customers tagged tag.
func (fx *mktFixture) mailCampaign(t *testing.T, tag string, tmpl int64) int64 {
	t.Helper()
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Etiket " + tag, "criteria": "tags=" + tag}).ID
	id := mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": "Kampanya " + tag, "channels": "email", "segment_id": seg,
		"starts_on": "2026-12-01", "email_template_id": tmpl}).ID
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// memberStatuses are a campaign's members' statuses by recipient.
func (fx *mktFixture) memberStatuses(t *testing.T, id int64) map[string]string {
	t.Helper()
	page, err := fx.st.List(fx.ctx, fx.admin, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id)}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range page.Records {
		out[r.Values.Str("recipient")] = r.Values.Str("status")
	}
	return out
}

func readMessage(t *testing.T, raw []byte) (subject string, h mail.Header) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return subject, msg.Header
}

func TestCampaignMailConsentUnsubscribeAndNextLaunch(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	srv := mailtest.Start(t)
	tmpl := fx.mailSetup(t, srv)
	tag := Values{"tags": []string{"subat"}}
	with := func(v Values) Values {
		v["tags"] = tag["tags"]
		return v
	}
	granted := mustCreate(t, fx.st, fx.admin, Customers, person("Şükrü", "Çağlar", with(Values{"email": "sukru@ornek.com.tr", "owner_id": fx.users["mkt"]}))).ID
	fx.consent(t, granted, ChannelEmail, ConsentGranted, "")
	trader := mustCreate(t, fx.st, fx.admin, Customers, company("Isparta Gül A.Ş.", with(Values{"email": "info@gul.com.tr"}))).ID
	mustCreate(t, fx.st, fx.admin, Customers, person("Sessiz", "Kişi", with(Values{"email": "sessiz@ornek.com.tr"})))
	late := mustCreate(t, fx.st, fx.admin, Customers, company("Geç Ret Ltd.", with(Values{"email": "gec@ret.com.tr"}))).ID

	id := fx.mailCampaign(t, "subat", tmpl)
	// A refusal recorded after the launch is honoured by the queue.
	fx.consent(t, late, ChannelEmail, ConsentRefused, "")
	if err := fx.st.SendCampaignMail(fx.ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	st := fx.memberStatuses(t, id)
	want := map[string]string{"sukru@ornek.com.tr": MemberSent, "info@gul.com.tr": MemberSent, "sessiz@ornek.com.tr": MemberExcluded, "gec@ret.com.tr": MemberExcluded}
	for r, w := range want {
		if st[r] != w {
			t.Errorf("%s: %s, want %s", r, st[r], w)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages sent, want 2", len(msgs))
	}
	var unsub string
	for _, m := range msgs {
		subject, h := readMessage(t, m.Data)
		switch m.To[0] {
		case "sukru@ornek.com.tr":
			if subject != sendSubject+" Şükrü" {
				t.Errorf("subject arrived as %q", subject)
			}
			unsub = strings.Trim(h.Get("List-Unsubscribe"), "<>")
			if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Error("no one-click header")
			}
		case "info@gul.com.tr":
			if subject != sendSubject+" Isparta Gül A.Ş." {
				t.Errorf("company subject %q", subject)
			}
		default:
			t.Errorf("message to %v", m.To)
		}
	}
	// Every contact is an e-mail activity on the customer's timeline.
	tl, err := fx.st.Timeline(fx.ctx, fx.admin, granted, TimelineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range tl.Items {
		if e.Values.Str("type") == ActivityEmail && e.Values.Str("status") == "done" &&
			strings.HasPrefix(e.Values.Str("subject"), "Şubat kampanyası") {
			found = true
		}
	}
	if !found {
		t.Error("no e-mail activity on the timeline")
	}
	_ = trader

	// The unsubscribe link records RET with its source and date.
	if !strings.HasPrefix(unsub, "http://crm.local:8080"+UnsubscribePath) {
		t.Fatalf("unsubscribe link %q", unsub)
	}
	token := strings.TrimPrefix(unsub, "http://crm.local:8080"+UnsubscribePath)
	got, err := fx.st.Unsubscribe(fx.ctx, token)
	if err != nil || !got.Recorded || got.Recipient != "sukru@ornek.com.tr" {
		t.Fatalf("unsubscribe: %+v, %v", got, err)
	}
	c, err := fx.st.Contactable(fx.ctx, fx.admin, granted, ChannelEmail, PurposeCommercial)
	if err != nil || c.Allowed || c.Status != ConsentRefused || c.Source != "HS_EPOSTA" || c.Date.IsZero() {
		t.Fatalf("after unsubscribe: %+v, %v", c, err)
	}
	if again, err := fx.st.Unsubscribe(fx.ctx, token); err != nil || again.Recorded {
		t.Errorf("second click: %+v, %v", again, err)
	}
	if _, err := fx.st.Unsubscribe(fx.ctx, token+"x"); err != ErrNotFound {
		t.Errorf("bad token: %v", err)
	}
	res, err := fx.st.CampaignResults(fx.ctx, fx.mkt, id)
	if err != nil || len(res.Channels) != 1 || res.Channels[0].Delivered != 2 || res.Channels[0].Unsubscribed != 1 || res.Channels[0].Failed != 0 {
		t.Errorf("results %+v, %v", res, err)
	}
	// The next launch leaves them out.
	next := fx.mailCampaign(t, "subat", tmpl)
	if s := fx.memberStatuses(t, next)["sukru@ornek.com.tr"]; s != MemberExcluded {
		t.Errorf("next campaign: %s", s)
	}
}

// cancelAfter sends through a real connection and cancels the run after
// n messages: a server stopped in the middle of a campaign.
type cancelAfter struct {
	*kmail.Conn
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Send(from, to string, msg []byte) error {
	err := c.Conn.Send(from, to, msg)
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return err
}

func TestCampaignMailResumesWithoutSendingTwice(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	srv := mailtest.Start(t)
	tmpl := fx.mailSetup(t, srv)
	for i := range 10 {
		mustCreate(t, fx.st, fx.admin, Customers, company("Firma "+strconv.Itoa(i), Values{"email": "f" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"devam"}}))
	}
	id := fx.mailCampaign(t, "devam", tmpl)
	if ids, err := fx.st.CampaignsToSend(fx.ctx); err != nil || len(ids) != 1 || ids[0] != id {
		t.Fatalf("to send: %v, %v", ids, err)
	}
	// A crash between claiming a member and recording its outcome leaves
	// it unknown.
	job, err := fx.st.sendJobOf(fx.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	crashed, err := fx.st.claimMember(fx.ctx, job)
	if err != nil || crashed == nil {
		t.Fatal(crashed, err)
	}
	// The server stops after three messages.
	ctx, cancel := context.WithCancel(fx.ctx)
	defer cancel()
	sender := &cancelAfter{Conn: kmail.NewConn(job.settings.Server()), n: 3, cancel: cancel}
	if err := fx.st.SendCampaignMail(ctx, id, sender); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("%d messages before the stop", n)
	}
	// Started again, it sends the rest.
	if err := fx.st.SendCampaignMail(fx.ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	for r, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d messages", r, n)
		}
	}
	st := fx.memberStatuses(t, id)
	if len(seen) != 9 || st[crashed.recipient] != MemberUnknown || seen[crashed.recipient] != 0 {
		t.Errorf("sent to %d; the crashed member %s is %s", len(seen), crashed.recipient, st[crashed.recipient])
	}
	if ids, _ := fx.st.CampaignsToSend(fx.ctx); len(ids) != 0 {
		t.Errorf("still to send: %v", ids)
	}

	// A campaign cancelled while it sends sends no more.
	for i := range 3 {
		mustCreate(t, fx.st, fx.admin, Customers, company("İptal "+strconv.Itoa(i), Values{"email": "i" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"iptal"}}))
	}
	cancelled := fx.mailCampaign(t, "iptal", tmpl)
	if err := fx.st.SetCampaignStatus(fx.ctx, fx.mkt, cancelled, CampaignCancelled); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Messages())
	if c, err := fx.st.claimMember(fx.ctx, &sendJob{id: cancelled, channel: CampaignEmail, settings: job.settings, key: job.key}); err != nil || c != nil {
		t.Errorf("claimed from a cancelled campaign: %+v, %v", c, err)
	}
	if err := fx.st.SendCampaignMail(fx.ctx, cancelled, nil); err != nil || len(srv.Messages()) != before {
		t.Errorf("a cancelled campaign sent: %v, %d", err, len(srv.Messages())-before)
	}
}

func TestCampaignMailFailures(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	srv := mailtest.Start(t)
	tmpl := fx.mailSetup(t, srv)
	for i := range 6 {
		mustCreate(t, fx.st, fx.admin, Customers, company("Hata "+strconv.Itoa(i), Values{"email": "h" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"hata"}}))
	}
	id := fx.mailCampaign(t, "hata", tmpl)
	// One recipient refused, one connection dropped mid-message: each its
	// member failed with the server's answer, the queue goes on.
	srv.Refuse(func(to string) bool { return to == "h1@ornek.com.tr" })
	srv.Drop(1)
	if err := fx.st.SendCampaignMail(fx.ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	st := fx.memberStatuses(t, id)
	failed, sent := 0, 0
	for _, s := range st {
		switch s {
		case MemberFailed:
			failed++
		case MemberSent:
			sent++
		}
	}
	if failed != 2 || sent != 4 || st["h1@ornek.com.tr"] != MemberFailed {
		t.Fatalf("statuses %v", st)
	}
	page, err := fx.st.List(fx.ctx, fx.admin, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id), "status": MemberFailed}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if r.Values.Str("error") == "" {
			t.Errorf("failed member %s without its error", r.Values.Str("recipient"))
		}
	}

	// A server that is not there: sending stops after a few failures and
	// says why on the campaign; the rest stays pending until resumed.
	for i := range 6 {
		mustCreate(t, fx.st, fx.admin, Customers, company("Yok "+strconv.Itoa(i), Values{"email": "y" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"yok"}}))
	}
	id2 := fx.mailCampaign(t, "yok", tmpl)
	dead := kmail.NewConn(kmail.Server{Host: "127.0.0.1", Port: 1, Security: kmail.SecurityNone})
	if err := fx.st.SendCampaignMail(fx.ctx, id2, dead); err != nil {
		t.Fatal(err)
	}
	camp, err := fx.st.Get(fx.ctx, fx.admin, Campaigns, id2)
	if err != nil || !strings.Contains(camp.Values.Str("send_error"), "connect") {
		t.Fatalf("send_error %q, %v", camp.Values.Str("send_error"), err)
	}
	st = fx.memberStatuses(t, id2)
	pending := 0
	for _, s := range st {
		if s == MemberPending {
			pending++
		}
	}
	if pending != 6-maxSendFailures {
		t.Fatalf("statuses after the stop %v", st)
	}
	if ids, _ := fx.st.CampaignsToSend(fx.ctx); len(ids) != 0 {
		t.Errorf("a stopped campaign resumes by itself: %v", ids)
	}
	if err := fx.st.ResumeCampaignMail(fx.ctx, fx.mkt, id2); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.SendCampaignMail(fx.ctx, id2, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 4+6-maxSendFailures {
		t.Errorf("%d messages in all", n)
	}
}

func TestEmailTemplateAndMailSettingsInput(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	_, err := fx.st.Create(fx.ctx, fx.mkt, EmailTemplates, Values{"name": "Hatalı", "subject": "Merhaba", "body": "Sayın {{isim}}"})
	wantFieldError(t, err, "body", "error.merge_unknown")
	if v, ok := AsValidation(err); ok && (len(v.Fields["body"].Args) != 1 || v.Fields["body"].Args[0] != "{{isim}}") {
		t.Errorf("the message does not name the field: %+v", v.Fields["body"])
	}
	_, err = fx.st.Create(fx.ctx, fx.mkt, EmailTemplates, Values{"name": "Açık", "subject": "Merhaba {{ad", "body": "x"})
	wantFieldError(t, err, "subject", "error.merge_unclosed")

	_, _, errs := ParseMailForm(map[string][]string{"host": {"smtp.firma.com.tr"}, "port": {"99999"}, "security": {"ssl"},
		"from_addr": {"yok"}, "base_url": {"ftp://x"}, "rate": {"0"}})
	for _, f := range []string{"port", "security", "from_addr", "base_url", "rate"} {
		if _, ok := errs.Fields[f]; !ok {
			t.Errorf("no error on %s", f)
		}
	}
	// Only administrators read or change them (they hold a password).
	if _, err := fx.st.MailSettings(fx.ctx, fx.mkt); err == nil {
		t.Error("marketing read the SMTP password")
	}
	// Without settings nothing is sent, and the page says why.
	if p, err := fx.st.MailProblem(fx.ctx, fx.mkt, mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": "x", "channels": "email", "starts_on": "2026-12-01"}).ID); err != nil || p != "error.campaign_no_template" {
		t.Errorf("problem %q, %v", p, err)
	}
}
