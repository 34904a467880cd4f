package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
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

// TestServiceProductPages: an article's form offers the products as
// checkboxes and its page shows the chosen ones; a request with a
// product suggests that product's articles and links one in a click; the
// request list filters by product; the API reads and writes product_id
// and product_ids.
func TestServiceProductPages(t *testing.T) {
	a := apiSetUp(t)
	c := a.browser
	ctx := context.Background()
	admin := store.ActorFor(a.admin)
	mk := func(name string) string {
		p, err := a.st.Create(ctx, admin, store.Products, store.Values{"name": name, "unit": "hizmet", "unit_price": int64(150000), "kdv_rate_id": int64(1)})
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(p.ID, 10)
	}
	kombi, klima := mk("Kombi bakımı"), mk("Klima montajı")
	form := c.get("/kb_articles/new")
	wantBody(t, form, `name="product_ids" value="`+kombi+`"`, "Klima montajı")
	r := c.submit("/kb_articles/new", "/kb_articles", url.Values{"title": {"Kombi basıncı düşerse"}, "body": {"Dolum musluğunu açın."},
		"published": {"true"}, "product_ids": {kombi}})
	wantStatus(t, r, http.StatusSeeOther)
	artURL := r.location()
	wantBody(t, c.get(artURL), a.tr("field.kb_articles.product_ids"), "Kombi bakımı")
	cust := a.call(t, "POST", "/api/v1/customers", map[string]any{"kind": "company", "title": "Kuzey Oto Ltd."}).want(t, http.StatusCreated).object(t)
	cid := string(mustJSONNumber(t, cust["id"]))
	r = c.submit("/service_requests/new?customer_id="+cid, "/service_requests", url.Values{"subject": {"Kombi basınç kaybediyor"},
		"type": {"istek"}, "customer_id": {cid}, "channel": {"telefon"}, "priority": {"normal"}, "status": {"new"}, "product_id": {kombi}})
	wantStatus(t, r, http.StatusSeeOther)
	reqURL := r.location()
	show := c.get(reqURL)
	wantBody(t, show, `id="kb-suggested"`, "Kombi basıncı düşerse", a.tr("service.suggested_articles"))
	aid := strings.TrimPrefix(artURL, "/kb_articles/")
	wantStatus(t, c.submit(reqURL, reqURL+"/articles", url.Values{"article_id": {aid}}), http.StatusSeeOther)
	show = c.get(reqURL)
	wantBody(t, show, a.tr("service.no_suggested")) // linked now, so no longer suggested
	if strings.Contains(show.Body, `id="kb-suggested"`) {
		t.Error("a linked article is still suggested")
	}
	// The list filtered by product.
	wantBody(t, c.get("/service_requests?product_id="+kombi), "Kombi basınç kaybediyor")
	if strings.Contains(c.get("/service_requests?product_id="+klima).Body, "Kombi basınç kaybediyor") {
		t.Error("the list filter by product shows another product's request")
	}
	// The API: product_id on requests, product_ids on articles, both filter.
	req := a.call(t, "POST", "/api/v1/service_requests", map[string]any{"subject": "Klima su damlatıyor", "customer_id": cust["id"],
		"product_id": json.Number(klima)}).want(t, http.StatusCreated).object(t)
	if string(mustJSONNumber(t, req["product_id"])) != klima {
		t.Fatalf("request's product_id: %v", req["product_id"])
	}
	a.call(t, "POST", "/api/v1/service_requests", map[string]any{"subject": "x", "customer_id": cust["id"], "product_id": 999999}).
		want(t, http.StatusUnprocessableEntity)
	list := a.call(t, "GET", "/api/v1/service_requests?product_id="+klima, nil).want(t, http.StatusOK)
	if !strings.Contains(string(list.Body), "Klima su damlatıyor") || strings.Contains(string(list.Body), "Kombi basınç") {
		t.Errorf("requests of a product: %s", list.Body)
	}
	art := a.call(t, "POST", "/api/v1/kb_articles", map[string]any{"title": "Klima filtresi", "body": "Yıkayın.",
		"product_ids": []any{json.Number(klima), json.Number(kombi)}}).want(t, http.StatusCreated).object(t)
	if ids, _ := art["product_ids"].([]any); len(ids) != 2 {
		t.Fatalf("article's product_ids: %v", art["product_ids"])
	}
	list = a.call(t, "GET", "/api/v1/kb_articles?product_ids="+klima, nil).want(t, http.StatusOK)
	if !strings.Contains(string(list.Body), "Klima filtresi") || strings.Contains(string(list.Body), "Kombi basıncı") {
		t.Errorf("articles of a product: %s", list.Body)
	}
}

// The request list colours a due time amber once less than a quarter of
// its time is left, counted from when the request came in, and red once
// it has passed: the list reads the requests' creation time for it.
func TestServiceListColoursTheDueTimes(t *testing.T) {
	a := apiSetUp(t)
	ctx := context.Background()
	cust, err := a.st.Create(ctx, store.ActorFor(a.admin), store.Customers, store.Values{"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, c := range []struct {
		subject      string
		created, due time.Duration // from now
	}{
		{"Yakında dolacak", -10 * time.Hour, time.Hour},
		{"Süresi geçti", -10 * time.Hour, -time.Hour},
		{"Vakit var", -time.Hour, 10 * time.Hour},
	} {
		rec, err := a.st.Create(ctx, store.ActorFor(a.admin), store.ServiceRequests, store.Values{"subject": c.subject, "type": "sikayet",
			"customer_id": cust.ID, "channel": "telefon", "priority": "normal", "status": "new"})
		if err != nil {
			t.Fatal(err)
		}
		a.exec(t, "UPDATE service_requests SET created_at = ?, resolve_due_at = ? WHERE id = ?",
			now.Add(c.created).Format("2006-01-02T15:04:05.000Z"), now.Add(c.due).Format(tr.DateTimeLayout), rec.ID)
	}
	page := a.browser.get("/service_requests")
	wantStatus(t, page, http.StatusOK)
	badge := regexp.MustCompile(`(?s)>([^<>]+)</a></td>.*?<td>(?:<span class="badge badge-due-([a-z]+)">)?[0-9]`)
	got := map[string]string{}
	for _, m := range badge.FindAllStringSubmatch(page.Body, -1) {
		got[m[1]] = m[2]
	}
	want := map[string]string{"Yakında dolacak": "amber", "Süresi geçti": "red", "Vakit var": ""}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("due badges %v, want %v", got, want)
	}
}
