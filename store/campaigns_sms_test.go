package store

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fakeGateway is an SMS provider inside the test: it answers OK, 500 or
// garbage by the number it is sent to, and keeps what it accepted.
type fakeGateway struct {
	*httptest.Server
	mu   sync.Mutex
	sent map[string]string // number → text
}

func newFakeGateway(t *testing.T) *fakeGateway {
	g := &fakeGateway{sent: map[string]string{}}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		to := form.Get("to")
		switch {
		case r.Header.Get("Authorization") != "Bearer anahtar":
			http.Error(w, "unauthorised", http.StatusUnauthorized)
		case strings.HasSuffix(to, "500"):
			http.Error(w, "sunucu hatası", http.StatusInternalServerError)
		case strings.HasSuffix(to, "999"):
			_, _ = w.Write([]byte("<html>\x00\xff çöp"))
		default:
			g.mu.Lock()
			g.sent[to] = form.Get("msg")
			g.mu.Unlock()
			_, _ = w.Write([]byte("OK 12345"))
		}
	}))
	t.Cleanup(g.Close)
	return g
}

func TestCampaignSMSThroughAGateway(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	gw := newFakeGateway(t)
	m, errs := ParseSMSForm(map[string][]string{"url": {gw.URL + "/api/send"}, "method": {"POST"}, "body_kind": {"form"},
		"body": {"to={{telefon}}&msg={{mesaj}}&from={{baslik}}"}, "header": {"Authorization: Bearer anahtar"}, "status": {"200"},
		"success": {"^OK [0-9]+"}, "title": {"FIRMA"}, "brand_code": {"B0012"}, "opt_out": {"RET yazıp 3333'e gönderin"}, "rate": {"1000"}})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.SaveSMSSettings(fx.ctx, fx.admin, m); err != nil {
		t.Fatal(err)
	}
	tag := []string{"sms"}
	ok := mustCreate(t, fx.st, fx.admin, Customers, company("Gül A.Ş.", Values{"phone": "0532 111 22 33", "tags": tag})).ID
	mustCreate(t, fx.st, fx.admin, Customers, company("Hata A.Ş.", Values{"phone": "0532 111 25 00", "tags": tag}))
	mustCreate(t, fx.st, fx.admin, Customers, company("Çöp A.Ş.", Values{"phone": "0532 111 29 99", "tags": tag}))
	mustCreate(t, fx.st, fx.admin, Customers, person("İzinsiz", "Kişi", Values{"phone": "0532 111 33 44", "tags": tag}))
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "SMS", "criteria": "tags=sms"}).ID
	_, err := fx.st.Create(fx.ctx, fx.mkt, Campaigns, Values{"name": "x", "channels": "sms", "starts_on": "2026-12-01", "sms_text": "Merhaba {{isim}}"})
	wantFieldError(t, err, "sms_text", "error.merge_unknown")
	id := mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": "Şubat SMS", "channels": "sms", "segment_id": seg,
		"starts_on": "2026-12-01", "sms_text": "Sayın {{ad}}, Şubat indirimi başladı!"}).ID
	if p, err := fx.st.SMSProblem(fx.ctx, fx.mkt, id); err != nil || p != "" {
		t.Fatalf("problem %q, %v", p, err)
	}
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.SendCampaign(fx.ctx, id); err != nil {
		t.Fatal(err)
	}
	st := fx.memberStatuses(t, id)
	want := map[string]string{"+905321112233": MemberSent, "+905321112500": MemberFailed, "+905321112999": MemberFailed, "+905321113344": MemberExcluded}
	for r, w := range want {
		if st[r] != w {
			t.Errorf("%s: %s, want %s", r, st[r], w)
		}
	}
	if got := gw.sent["905321112233"]; got != "Sayın Gül A.Ş., Şubat indirimi başladı! B0012 RET yazıp 3333'e gönderin" {
		t.Errorf("the gateway got %q", got)
	}
	if len(gw.sent) != 1 {
		t.Errorf("sent %v", gw.sent)
	}
	page, err := fx.st.List(fx.ctx, fx.admin, CampaignMembers, ListQuery{Filters: map[string]string{"campaign_id": itoa(id), "status": MemberFailed}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		e := r.Values.Str("error")
		if !strings.Contains(e, "500") && !strings.Contains(e, "not a success") {
			t.Errorf("failed member %s: error %q", r.Values.Str("recipient"), e)
		}
	}
	tl, err := fx.st.Timeline(fx.ctx, fx.admin, ok, TimelineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range tl.Items {
		found = found || a.Values.Str("type") == ActivitySMS && a.Values.Str("status") == "done" && strings.Contains(a.Values.Str("description"), "B0012")
	}
	if !found {
		t.Error("no SMS activity on the timeline")
	}

	_, errs = ParseSMSForm(map[string][]string{"url": {"http://gw/?to={{numara}}"}, "method": {"PUT"}, "body_kind": {"form"},
		"status": {"20"}, "success": {"(x"}, "brand_code": {"B1"}, "opt_out": {"RET"}, "rate": {"5"}})
	for _, f := range []string{"url", "method", "status"} {
		if _, ok := errs.Fields[f]; !ok {
			t.Errorf("no error on %s: %v", f, errs)
		}
	}
	if msg := errs.Fields["url"]; msg.Key != "error.merge_unknown" || msg.Args[0] != "{{numara}}" {
		t.Errorf("the unknown placeholder is not named: %+v", msg)
	}
}
