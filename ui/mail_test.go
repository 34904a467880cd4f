package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
	kmail "kobicrm/store/mail"
	"kobicrm/store/mail/mailtest"
)

// A campaign launched while the server was down is sent when it starts;
// a mail program's one-click unsubscribe (RFC 8058: a POST without a
// session or CSRF token) records RET; a forged link is refused.
func TestCampaignMailOnBootAndOneClickUnsubscribe(t *testing.T) {
	e, _ := setUp(t)
	ctx, sys := context.Background(), store.SystemActor()
	smtp := mailtest.Start(t)
	settings, keep, errs := store.ParseMailForm(map[string][]string{"host": {smtp.Host}, "port": {strconv.Itoa(smtp.Port)},
		"security": {kmail.SecurityNone}, "from_addr": {"bilgi@firma.com.tr"}, "base_url": {e.ts.URL}, "rate": {"100"}})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SaveMailSettings(ctx, sys, settings, keep); err != nil {
		t.Fatal(err)
	}
	var customers []int64
	for i := range 3 {
		r, err := e.st.Create(ctx, sys, store.Customers, store.Values{"kind": "company", "title": "Firma " + strconv.Itoa(i),
			"email": "f" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"boot"}})
		if err != nil {
			t.Fatal(err)
		}
		customers = append(customers, r.ID)
	}
	tmpl, err := e.st.Create(ctx, sys, store.EmailTemplates, store.Values{"name": "T", "subject": "Merhaba {{ad}}", "body": "İndirim"})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := e.st.Create(ctx, sys, store.Segments, store.Values{"name": "Boot", "criteria": "tags=boot"})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := e.st.Create(ctx, sys, store.Campaigns, store.Values{"name": "Açılış", "channels": "email", "segment_id": seg.ID,
		"starts_on": "2026-12-01", "email_template_id": tmpl.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.LaunchCampaign(ctx, sys, camp.ID); err != nil {
		t.Fatal(err)
	}
	e.restart()
	deadline := time.Now().Add(10 * time.Second)
	for len(smtp.Messages()) < 3 || e.srv.sends.busy(camp.ID) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 3 sent after the restart", len(smtp.Messages()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	c := e.client()
	c.login(adminEmail, adminPassword)
	page := c.get("/campaigns/" + strconv.FormatInt(camp.ID, 10))
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(page.Body, `<td class="sent">3</td>`) {
		t.Errorf("the campaign page does not show 3 sent:\n%s", page.Body)
	}

	msg, err := mail.ReadMessage(bytes.NewReader(smtp.Messages()[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>"))
	if err != nil || !strings.HasPrefix(u.Path, store.UnsubscribePath) {
		t.Fatalf("unsubscribe link %v, %v", u, err)
	}
	link := e.ts.URL + u.Path // the restarted server listens elsewhere
	post := func(u string) int {
		resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader(url.Values{"List-Unsubscribe": {"One-Click"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(link); st != http.StatusOK {
		t.Fatalf("one-click POST answered %d", st)
	}
	to := smtp.Messages()[0].To[0]
	var who int64
	for i, id := range customers {
		if to == "f"+strconv.Itoa(i)+"@ornek.com.tr" {
			who = id
		}
	}
	got, err := e.st.Contactable(ctx, sys, who, store.ChannelEmail, store.PurposeCommercial)
	if err != nil || got.Status != store.ConsentRefused || got.Source != "HS_EPOSTA" {
		t.Fatalf("after one-click: %+v, %v", got, err)
	}
	if st := post(link[:len(link)-2] + "xx"); st != http.StatusNotFound {
		t.Errorf("a forged token answered %d", st)
	}
	// Only administrators reach the SMTP settings.
	e.addUser("Satış", "satis@firma.com.tr", "Kedi-Mavi-Tekne-42")
	other := e.client()
	other.login("satis@firma.com.tr", "Kedi-Mavi-Tekne-42")
	if r := other.get(mailPath); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("a user reached the SMTP settings: %d", r.Status)
	}
}

// The SMS gateway form: bad input comes back filled in with the field
// named; good input is saved, and a campaign on SMS then sends through it.
func TestSMSSettingsForm(t *testing.T) {
	_, c := setUp(t)
	bad := url.Values{"url": {"http://gw.local/send?to={{numara}}"}, "method": {"POST"}, "body_kind": {"form"},
		"body": {"to={{telefon}}&msg={{mesaj}}"}, "status": {"200"}, "brand_code": {"B0012"}, "opt_out": {"RET yazıp 3333'e gönderin"}, "rate": {"5"}}
	r := c.submit(smsPath, smsPath, bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Bilinmeyen birleştirme alanı: {{numara}}.") || !strings.Contains(r.Body, `value="B0012"`) {
		t.Errorf("the refused form does not name the placeholder or lost the input:\n%s", r.Body)
	}
	good := url.Values{}
	for k, v := range bad {
		good[k] = v
	}
	good.Set("url", "http://gw.local/send")
	wantStatus(t, c.submit(smsPath, smsPath, good), http.StatusSeeOther)
	if page := c.get(smsPath); !strings.Contains(page.Body, `value="http://gw.local/send"`) {
		t.Errorf("saved settings not shown:\n%s", page.Body)
	}
}

// A campaign launched through the API starts sending at once, as one
// launched on its page does.
func TestCampaignLaunchedThroughTheAPISends(t *testing.T) {
	a := apiSetUp(t)
	ctx, sys := context.Background(), store.SystemActor()
	smtp := mailtest.Start(t)
	settings, keep, errs := store.ParseMailForm(map[string][]string{"host": {smtp.Host}, "port": {strconv.Itoa(smtp.Port)},
		"security": {kmail.SecurityNone}, "from_addr": {"bilgi@firma.com.tr"}, "base_url": {a.ts.URL}, "rate": {"100"}})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	if err := a.st.SaveMailSettings(ctx, sys, settings, keep); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := a.st.Create(ctx, sys, store.Customers, store.Values{"kind": "company", "title": "API Firma " + strconv.Itoa(i),
			"email": "api" + strconv.Itoa(i) + "@ornek.com.tr", "tags": []string{"api"}}); err != nil {
			t.Fatal(err)
		}
	}
	tmpl, err := a.st.Create(ctx, sys, store.EmailTemplates, store.Values{"name": "T", "subject": "Merhaba {{ad}}", "body": "İndirim"})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := a.st.Create(ctx, sys, store.Segments, store.Values{"name": "API", "criteria": "tags=api"})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := a.st.Create(ctx, sys, store.Campaigns, store.Values{"name": "API ile", "channels": "email", "segment_id": seg.ID,
		"starts_on": "2026-12-01", "email_template_id": tmpl.ID})
	if err != nil {
		t.Fatal(err)
	}
	a.call(t, http.MethodPost, "/api/v1/campaigns/"+strconv.FormatInt(camp.ID, 10)+"/launch", nil).want(t, http.StatusOK)
	deadline := time.Now().Add(10 * time.Second)
	for len(smtp.Messages()) < 2 || a.srv.sends.busy(camp.ID) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 2 sent after the API's launch", len(smtp.Messages()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
