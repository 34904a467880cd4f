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

func TestKVKKAdminPage(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)

	page := admin.get("/admin/kvkk")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, e.tr("kvkk.kind.notice"), e.tr("kvkk.kind.consent"), e.tr("kvkk.none_yet"))
	wantBody(t, admin.get("/"), `href="/admin/kvkk"`)

	// An empty text is refused, naming the field; what was typed comes back.
	r := admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"notice"}, "body": {"  \r\n "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("form.fix_errors", e.tr("kvkk.body")), e.tr("error.required"), `id="e-body-notice"`)

	// Markdown without raw HTML: the preview shows it rendered, never a script.
	body := "# Aydınlatma metni\n\nVerileriniz **satış** için işlenir.\n\n<script>alert(1)</script>"
	r = admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"notice"}, "body": {body}})
	wantRedirect(t, r, "/admin/kvkk#kvkk-notice")
	page = admin.get("/admin/kvkk")
	wantBody(t, page, e.tr("kvkk.saved", e.tr("kvkk.kind.notice"), "1"), "<strong>satış</strong>", e.tr("kvkk.current", 1, "", adminName)[:len("Geçerli sürüm 1")])
	if _, preview, _ := strings.Cut(page.Body, `id="preview-notice">`); preview == "" || strings.Contains(preview[:strings.Index(preview, "</div>")], "<script") {
		t.Errorf("the preview is missing or carries the script: %q", preview)
	}
	// Saving it unchanged makes no new version; changing it does.
	r = admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"notice"}, "body": {body + "\n"}})
	wantRedirect(t, r, "/admin/kvkk#kvkk-notice")
	wantBody(t, admin.get("/admin/kvkk"), e.tr("kvkk.unchanged"))
	admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"notice"}, "body": {"# Aydınlatma metni, ikinci sürüm"}})
	if n := e.count(t, "SELECT count(*) FROM kvkk_texts WHERE kind = 'notice'"); n != 2 {
		t.Errorf("%d notice versions, want 2", n)
	}
	// The first version still reads as it was.
	var first int64
	if err := e.db(t).QueryRow("SELECT id FROM kvkk_texts WHERE kind = 'notice' AND version = 1").Scan(&first); err != nil {
		t.Fatal(err)
	}
	wantBody(t, admin.get("/kvkk/texts/"+strconv.FormatInt(first, 10)), "<strong>satış</strong>", e.tr("kvkk.text_heading", e.tr("kvkk.kind.notice"), 1))
	wantStatus(t, admin.get("/kvkk/texts/999"), http.StatusNotFound)

	// Someone who is not an administrator never reaches the editor.
	e.addUserWith("Satışçı", "satis@firma.com.tr", "Satış")
	seller := e.client()
	seller.login("satis@firma.com.tr", userPassword)
	wantStatus(t, seller.get("/admin/kvkk"), http.StatusNotFound)
	wantStatus(t, seller.post("/admin/kvkk", url.Values{csrfField: {seller.token("/")}, "kind": {"notice"}, "body": {"başka"}}), http.StatusNotFound)
	wantNoBody(t, seller.get("/"), `href="/admin/kvkk"`)
	if n := e.count(t, "SELECT count(*) FROM kvkk_texts"); n != 2 {
		t.Errorf("%d texts after a salesperson's post, want 2", n)
	}
}

func TestKVKKOnTheCustomerPage(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	seller := e.addUserWith("Satışçı", "satis@firma.com.tr", "Satış")
	id := e.createCustomer("Elif", "Kaya", seller.ID)
	var adminID int64
	if err := e.db(t).QueryRow("SELECT id FROM users WHERE email = ?", adminEmail).Scan(&adminID); err != nil {
		t.Fatal(err)
	}
	other := e.createCustomer("Can", "Demir", adminID)
	co, err := e.st.Create(context.Background(), store.SystemActor(), store.Customers, store.Values{"kind": "company", "title": "Kaya Ticaret A.Ş."})
	if err != nil {
		t.Fatal(err)
	}
	page := "/customers/" + strconv.FormatInt(id, 10)
	post := page + "/kvkk"

	// Before the texts exist: no buttons, a word to ask an administrator;
	// a post anyway is refused with that word.
	r := admin.get(page)
	wantBody(t, r, `id="kvkk"`, e.tr("kvkk.no_text"), e.tr("kvkk.state.none"))
	wantNoBody(t, r, `id="kvkk-give-notice"`)
	wantRedirect(t, admin.submit(page, post, url.Values{"kind": {"notice"}}), page+"#kvkk")
	wantBody(t, admin.get(page), e.tr("error.kvkk_no_text_notice"))

	admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"notice"}, "body": {"Aydınlatma metni"}})
	admin.submit("/admin/kvkk", "/admin/kvkk", url.Values{"kind": {"consent"}, "body": {"Açık rıza metni"}})

	// The salesperson who owns the customer records both.
	c := e.client()
	c.login("satis@firma.com.tr", userPassword)
	r = c.get(page)
	wantBody(t, r, `id="kvkk-give-notice"`, `id="kvkk-give-consent"`, e.tr("kvkk.no_notice"))
	wantNoBody(t, r, `id="kvkk-withdraw"`)
	wantRedirect(t, c.submit(page, post, url.Values{"kind": {"notice"}, "note": {"ıslak imzalı form"}}), page+"#kvkk")
	wantRedirect(t, c.submit(page, post, url.Values{"kind": {"consent_given"}}), page+"#kvkk")
	r = c.get(page)
	wantBody(t, r, e.tr("kvkk.recorded.consent_given"), `data-state="consent_given"`, e.tr("kvkk.state.consent_given"),
		"ıslak imzalı form", e.tr("kvkk.event.notice"), `id="kvkk-withdraw"`, e.tr("history.kvkk_consent_given"))
	// A too long note names the field.
	long := make([]byte, 501)
	for i := range long {
		long[i] = 'a'
	}
	c.submit(page, post, url.Values{"kind": {"notice"}, "note": {string(long)}})
	wantBody(t, c.get(page), e.tr("kvkk.error_field", e.tr("kvkk.note"), e.tr("error.too_long", 500)))

	// Withdrawing asks first (without JavaScript, a page), then records.
	r = c.submit(page, post, url.Values{"kind": {"consent_withdrawn"}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("kvkk.withdraw_heading"))
	wantRedirect(t, c.submit(page, post, url.Values{"kind": {"consent_withdrawn"}, "confirmed": {"1"}}), page+"#kvkk")
	r = c.get(page)
	wantBody(t, r, `data-state="consent_withdrawn"`, e.tr("kvkk.event.consent_withdrawn"))
	wantNoBody(t, r, `id="kvkk-withdraw"`)
	if ok, err := e.st.MayBeAnalysed(context.Background(), store.SystemActor(), id); err != nil || ok {
		t.Errorf("after the withdrawal MayBeAnalysed = %v, %v", ok, err)
	}

	// Another's customer, out of the salesperson's scope, is not found.
	otherPage := "/customers/" + strconv.FormatInt(other, 10)
	wantStatus(t, c.post(otherPage+"/kvkk", url.Values{csrfField: {c.token("/")}, "kind": {"notice"}}), http.StatusNotFound)
	if n := e.count(t, "SELECT count(*) FROM kvkk_events WHERE customer_id = ?", other); n != 0 {
		t.Errorf("%d events on a customer out of scope", n)
	}

	// A company has no KVKK section, and a post is refused in words.
	coPage := "/customers/" + strconv.FormatInt(co.ID, 10)
	wantNoBody(t, admin.get(coPage), `id="kvkk"`)
	wantRedirect(t, admin.submit(coPage, coPage+"/kvkk", url.Values{"kind": {"notice"}}), coPage+"#kvkk")
	wantBody(t, admin.get(coPage), e.tr("error.kvkk_company"))
}
