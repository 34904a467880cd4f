package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"kobicrm/store"
)

// homeSection is the HTML of one section of the home page, by its id.
func homeSection(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("the home page has no section %q:\n%s", id, body)
	}
	end := strings.Index(body[start:], "</section>")
	if end < 0 {
		t.Fatalf("section %q is not closed", id)
	}
	return body[start : start+end]
}

// wantInOrder fails the test unless every name is in html, in the given
// order.
func wantInOrder(t *testing.T, what, html string, names ...string) {
	t.Helper()
	at := -1
	for _, n := range names {
		i := strings.Index(html, n)
		if i < 0 {
			t.Errorf("%s lacks %q:\n%s", what, n, html)
			return
		}
		if i < at {
			t.Errorf("%s shows %q out of order (want %q):\n%s", what, n, names, html)
			return
		}
		at = i
	}
}

// TestHomeEmptyThenNewest: a firm without customers sees how to start; once
// there are customers, the home page shows the newest of them and the
// newest leads, newest first, each linked to its page.
func TestHomeEmptyThenNewest(t *testing.T) {
	e, c := setUp(t)
	ctx := context.Background()

	r := c.get("/")
	wantStatus(t, r, 200)
	wantBody(t, r, e.tr("home.empty_heading"), e.tr("home.empty_body"),
		`href="/customers/new?kind=person"`, `href="/customers/new?kind=company"`,
		"kobicrm user add", "kobicrm -addr 0.0.0.0:8080", e.tr("home.backup_link"))
	wantNoBody(t, r, e.tr("home.recent_heading"), e.tr("home.leads_heading"))

	// Two customers and a lead: the first through the form, as a person
	// adds one, the others through the store.
	tok := c.token("/customers/new?kind=person")
	res := c.post("/customers", url.Values{csrfField: {tok}, "kind": {"person"}, "first_name": {"Ali"}, "last_name": {"Demir"},
		"stage": {"customer"}, "province": {"Isparta"}, "phone": {"0532 111 22 33"}})
	if res.Status != 303 || !strings.HasPrefix(res.location(), "/customers/") {
		t.Fatalf("create through the form: status %d Location %q\n%s", res.Status, res.location(), res.Body)
	}
	aliURL := res.location()
	admin, err := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	actor := store.ActorFor(admin)
	create := func(v store.Values) *store.Record {
		t.Helper()
		rec, err := e.st.Create(ctx, actor, store.Customers, v)
		if err != nil {
			t.Fatalf("create %v: %v", v, err)
		}
		return rec
	}
	yildiz := create(store.Values{"kind": "company", "title": "Yıldız Ticaret A.Ş.", "stage": "customer"})
	lead := create(store.Values{"kind": "person", "first_name": "Zeynep", "last_name": "Aday", "stage": "lead"})

	r = c.get("/")
	wantStatus(t, r, 200)
	wantNoBody(t, r, e.tr("home.empty_heading"))
	wantBody(t, r, e.tr("home.greeting", adminName), e.tr("home.backup_link"))
	actions := r.Body[strings.Index(r.Body, `id="home-actions"`):]
	actions = actions[:strings.Index(actions, "</nav>")]
	for _, href := range []string{"/customers/new?kind=person", "/customers/new?kind=company", "/lookup"} {
		if !strings.Contains(actions, `href="`+href+`"`) {
			t.Errorf("the quick actions lack a link to %s:\n%s", href, actions)
		}
	}

	recent := homeSection(t, r.Body, "home-recent")
	wantInOrder(t, "the newest customers", recent, "Zeynep Aday", "Yıldız Ticaret A.Ş.", "Ali Demir")
	for _, href := range []string{recordURL(store.Customers, lead.ID), recordURL(store.Customers, yildiz.ID), aliURL} {
		if !strings.Contains(recent, `href="`+href+`"`) {
			t.Errorf("the newest customers lack a link to %s:\n%s", href, recent)
		}
	}
	if !strings.Contains(recent, "Isparta") || !strings.Contains(recent, "0532 111 22 33") {
		t.Errorf("the newest customers do not show Ali's province and phone:\n%s", recent)
	}
	leads := homeSection(t, r.Body, "home-leads")
	wantInOrder(t, "the new leads", leads, "Zeynep Aday")
	if strings.Contains(leads, "Ali Demir") || strings.Contains(leads, "Yıldız") {
		t.Errorf("a customer that is no lead is among the new leads:\n%s", leads)
	}
	if !strings.Contains(leads, `href="/leads"`) {
		t.Errorf("the new leads do not link to the leads list:\n%s", leads)
	}

	// Each section shows the eight newest only; a section without records
	// says so.
	e.exec(t, "UPDATE customers SET stage = 'customer' WHERE id = ?", lead.ID)
	var newer []string
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("Firma %02d", i)
		create(store.Values{"kind": "company", "title": name})
		newer = append([]string{name}, newer...)
	}
	r = c.get("/")
	recent = homeSection(t, r.Body, "home-recent")
	wantInOrder(t, "the newest customers", recent, newer...)
	if n := strings.Count(recent, "<li"); n != 8 {
		t.Errorf("the newest customers show %d rows, want 8:\n%s", n, recent)
	}
	if strings.Contains(recent, "Zeynep Aday") {
		t.Errorf("the ninth newest customer is still shown:\n%s", recent)
	}
	leads = homeSection(t, r.Body, "home-leads")
	if !strings.Contains(leads, e.tr("home.leads_empty")) || strings.Contains(leads, "<li") {
		t.Errorf("with no leads the section does not say so:\n%s", leads)
	}
}

// TestHomeHidesAdminLinkFromUsers: a user who is no administrator sees the
// home page without the backup link.
func TestHomeHidesAdminLinkFromUsers(t *testing.T) {
	e, _ := setUp(t)
	e.addUser("Mehmet Öztürk", "mehmet@firma.com.tr", "Bulut-Yaprak-Kalem-19")
	c := e.client()
	c.login("mehmet@firma.com.tr", "Bulut-Yaprak-Kalem-19")
	r := c.get("/")
	wantStatus(t, r, 200)
	wantBody(t, r, e.tr("home.empty_heading"))
	wantNoBody(t, r, e.tr("home.backup_link"))
}
