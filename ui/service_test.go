package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
)

// TestServiceRequestPages walks a complaint through the pages: opened
// from the customer's page, a refused jump shown with the reason and the
// note kept, taken, resolved with a note, closed with a score; the
// customer's page and the queues show it.
func TestServiceRequestPages(t *testing.T) {
	a := apiSetUp(t)
	c := a.browser
	ctx := context.Background()
	cust, err := a.st.Create(ctx, store.ActorFor(a.admin), store.Customers, store.Values{"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar", "phone": "+905321234567"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(cust.ID, 10)
	page := c.get("/customers/" + id)
	wantBody(t, page, `id="service-request-new"`, a.tr("service.none"))
	r := c.submit("/service_requests/new?customer_id="+id, "/service_requests", url.Values{"subject": {"Teslimat gecikti"},
		"type": {"sikayet"}, "customer_id": {id}, "channel": {"telefon"}, "priority": {"high"}, "status": {"new"}})
	wantStatus(t, r, http.StatusSeeOther)
	reqURL := r.location()
	show := c.get(reqURL)
	wantBody(t, show, a.tr("choice.service_requests.status.new"), `id="service-take"`, `id="consent-prompt"`)
	// A jump the flow refuses: the page comes back with the reason and the typed note.
	r = c.submit(reqURL, reqURL+"/status", url.Values{"status": {"closed"}, "resolution": {"Not yazıldı"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Not yazıldı", a.tr("error.service_move", a.tr("choice.service_requests.status.new"), a.tr("choice.service_requests.status.closed")))
	// Take it, then resolve without a note (refused), with one, and close with a score.
	wantStatus(t, c.submit(reqURL, reqURL+"/take", nil), http.StatusSeeOther)
	wantBody(t, c.get(reqURL), a.tr("choice.service_requests.status.assigned"))
	r = c.submit(reqURL, reqURL+"/status", url.Values{"status": {"resolved"}, "resolution": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, a.tr("error.service_resolution_required"))
	wantStatus(t, c.submit(reqURL, reqURL+"/status", url.Values{"status": {"resolved"}, "resolution": {"Kargo firmasıyla görüşüldü."}}), http.StatusSeeOther)
	wantStatus(t, c.submit(reqURL, reqURL+"/status", url.Values{"status": {"closed"}, "satisfaction": {"4"}}), http.StatusSeeOther)
	show = c.get(reqURL)
	wantBody(t, show, a.tr("choice.service_requests.status.closed"), "Kargo firmasıyla görüşüldü.")
	page = c.get("/customers/" + id)
	wantBody(t, page, `id="customer-service"`, "Teslimat gecikti", a.tr("choice.service_requests.status.closed"))
	// The queues: closed ones are in none; the list shows it.
	q := c.get(queuesPath + "?q=mine")
	wantStatus(t, q, http.StatusOK)
	wantBody(t, q, a.tr("service.queue_empty"))
	wantStatus(t, c.get(queuesPath+"?q=nope"), http.StatusNotFound)
	wantBody(t, c.get("/service_requests"), "Teslimat gecikti")

	// A knowledge base article linked, and its answer copied into the note (without JavaScript).
	art, err := a.st.Create(ctx, store.ActorFor(a.admin), store.KBArticles, store.Values{"title": "Kargo gecikmesi", "body": "Kargo takip numarasıyla firmayı arayın."})
	if err != nil {
		t.Fatal(err)
	}
	aid := strconv.FormatInt(art.ID, 10)
	wantBody(t, c.get(reqURL+"?kb_q=kargo"), "Kargo gecikmesi")
	wantStatus(t, c.submit(reqURL, reqURL+"/articles", url.Values{"article_id": {aid}}), http.StatusSeeOther)
	wantStatus(t, c.submit(reqURL, reqURL+"/status", url.Values{"status": {"in_progress"}}), http.StatusSeeOther) // reopened
	wantStatus(t, c.submit(reqURL, reqURL+"/articles/"+aid+"/copy", nil), http.StatusSeeOther)
	wantBody(t, c.get(reqURL), "Kargo takip numarasıyla firmayı arayın.", `data-copy=`)
}

// TestServiceAPI: the request through the JSON API, with its field names
// and values, and a status move the flow refuses answered 422.
func TestServiceAPI(t *testing.T) {
	a := apiSetUp(t)
	cust := a.call(t, "POST", "/api/v1/customers", map[string]any{"kind": "company", "title": "Kuzey Oto Ltd."}).want(t, http.StatusCreated).object(t)
	req := a.call(t, "POST", "/api/v1/service_requests", map[string]any{"subject": "Fren sesi", "type": "sikayet",
		"customer_id": cust["id"], "priority": "urgent", "channel": "magaza"}).want(t, http.StatusCreated).object(t)
	if req["status"] != "new" || req["response_due_at"] == "" || req["resolve_due_at"] == "" {
		t.Fatalf("created: %v", req)
	}
	path := "/api/v1/service_requests/" + string(mustJSONNumber(t, req["id"]))
	r := a.call(t, "PATCH", path, map[string]any{"status": "closed"})
	r.want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.Body), "status") {
		t.Errorf("no message on the status: %s", r.Body)
	}
	a.call(t, "PATCH", path, map[string]any{"status": "in_progress"}).want(t, http.StatusOK)
	list := a.call(t, "GET", "/api/v1/service_requests?status=in_progress&priority=urgent", nil).want(t, http.StatusOK)
	if !strings.Contains(string(list.Body), "Fren sesi") {
		t.Errorf("list: %s", list.Body)
	}
	a.call(t, "GET", "/api/v1/kb_articles", nil).want(t, http.StatusOK)
}

func mustJSONNumber(t *testing.T, v any) []byte {
	t.Helper()
	switch n := v.(type) {
	case interface{ String() string }:
		return []byte(n.String())
	case float64:
		return []byte(strconv.FormatInt(int64(n), 10))
	}
	t.Fatalf("not a number: %v", v)
	return nil
}

// TestPublicRequestForm: off by default; turned on, it makes a lead and a
// request, matches a known phone, drops a bot's post, refuses a flood.
func TestPublicRequestForm(t *testing.T) {
	e, admin := setUp(t)
	anon := e.client()
	wantStatus(t, anon.get(publicPath), http.StatusNotFound)
	wantStatus(t, admin.submit(serviceSettingsPath, serviceSettingsPath, url.Values{"public_form": {"on"}}), http.StatusSeeOther)
	r := anon.submit(publicPath, publicPath, url.Values{"name": {"Ayşe Yıldız"}, "phone": {"0532 111 22 33"}, "message": {"Kombim su akıtıyor.\nAcil bakım lazım."}})
	wantRedirect(t, r, publicPath+"?sent=1")
	if n := e.count(t, "SELECT count(*) FROM customers WHERE stage = 'lead' AND phone = '+905321112233' AND first_name = 'Ayşe'"); n != 1 {
		t.Fatalf("leads: %d", n)
	}
	if n := e.count(t, "SELECT count(*) FROM service_requests WHERE channel = 'web' AND subject = 'Kombim su akıtıyor.'"); n != 1 {
		t.Fatalf("requests: %d", n)
	}
	// The same phone is the same customer; the answer says nothing of it.
	r = anon.submit(publicPath, publicPath, url.Values{"name": {"Ayşe Yıldız"}, "phone": {"+90 532 111 2233"}, "message": {"Tekrar yazıyorum."}})
	wantRedirect(t, r, publicPath+"?sent=1")
	if n := e.count(t, "SELECT count(*) FROM customers WHERE phone = '+905321112233'"); n != 1 {
		t.Errorf("a second lead for a known phone: %d", n)
	}
	// Bad input comes back filled in, naming the field.
	r = anon.submit(publicPath, publicPath, url.Values{"name": {"Ayşe"}, "message": {"Merhaba"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.public_name"), e.tr("error.public_contact"), "Merhaba")
	// A bot fills the honeypot: thanked, nothing saved.
	before := e.count(t, "SELECT count(*) FROM service_requests")
	wantStatus(t, anon.submit(publicPath, publicPath, url.Values{"name": {"Bot Bot"}, "email": {"bot@spam.example.com"}, "message": {"x"}, honeypotField: {"http://spam"}}), http.StatusSeeOther)
	if e.count(t, "SELECT count(*) FROM service_requests") != before {
		t.Error("the honeypot's post was saved")
	}
	// Five posts from one address in ten minutes is the limit.
	wantStatus(t, anon.submit(publicPath, publicPath, url.Values{"name": {"Can Demir"}, "email": {"can@ornek.com.tr"}, "message": {"Beşinci"}}), http.StatusSeeOther)
	r = anon.submit(publicPath, publicPath, url.Values{"name": {"Ali Veli"}, "email": {"ali@ornek.com.tr"}, "message": {"Bir"}})
	wantStatus(t, r, http.StatusTooManyRequests)
	wantBody(t, r, `id="public-error"`)
	if e.count(t, "SELECT count(*) FROM customers WHERE email = 'ali@ornek.com.tr'") != 0 {
		t.Error("a flooded post was saved")
	}
}

func FuzzParsePublicRequest(f *testing.F) {
	f.Add("Ayşe Yıldız", "0532 111 22 33", "", "Kombim su akıtıyor.")
	f.Add("A", "", "a@b", "")
	f.Add("  İsmail   Işık ", "+90 (212) 555-12-12", "ISIK@FIRMA.COM.TR", "\xff\xfe")
	f.Fuzz(func(t *testing.T, name, phone, email, message string) {
		p, err := store.ParsePublicRequest(name, phone, email, message)
		if err != nil {
			if _, ok := store.AsValidation(err); !ok {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		if len(strings.Fields(p.Name)) < 2 || (p.Phone == "" && p.Email == "") || p.Message == "" {
			t.Fatalf("accepted an incomplete request: %+v", p)
		}
		if p.Phone != "" && !strings.HasPrefix(p.Phone, "+90") {
			t.Fatalf("phone not E.164: %q", p.Phone)
		}
	})
}
