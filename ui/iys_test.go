package ui

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
	"kobicrm/store/iys"
)

// person makes a person with a mobile number and an e-mail through the API.
func (a *apiEnv) person(t *testing.T) int64 {
	t.Helper()
	return apiID(t, a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar",
		"phone": "0532 123 45 67", "email": "sukru@ornek.com.tr"}))
}

func TestAPIContactable(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	id := a.person(t)
	path := func(q string) string { return fmt.Sprintf("/api/v1/customers/%d/contactable?%s", id, q) }

	got := a.call(t, http.MethodGet, path("channel=MESAJ&purpose=commercial"), nil).want(t, http.StatusOK).object(t)
	if got["allowed"] != false || got["reason"] != "no_consent" || got["recipient"] != "+905321234567" || got["status"] != "" ||
		got["message"] != a.tr("consent.reason.no_consent") {
		t.Errorf("before consent: %v", got)
	}
	got = a.call(t, http.MethodGet, path("channel=MESAJ&purpose=transactional"), nil).want(t, http.StatusOK).object(t)
	if got["allowed"] != true || got["reason"] != "transactional" {
		t.Errorf("transactional: %v", got)
	}
	a.create(t, "consents", map[string]any{"customer_id": id, "channel": "MESAJ", "status": "ONAY", "source": "HS_WEB"})
	got = a.call(t, http.MethodGet, path("channel=MESAJ&purpose=commercial"), nil, "Accept-Language", "en").want(t, http.StatusOK).object(t)
	if got["allowed"] != true || got["reason"] != "granted" || got["status"] != "ONAY" || got["message"] != a.en("consent.reason.granted") {
		t.Errorf("after ONAY: %v", got)
	}

	if e := a.call(t, http.MethodGet, path("channel=FAKS&purpose=commercial"), nil).want(t, http.StatusBadRequest).err(t); e.Message != a.tr("api.contactable_channel") {
		t.Errorf("bad channel: %q", e.Message)
	}
	if e := a.call(t, http.MethodGet, path("channel=ARAMA"), nil).want(t, http.StatusBadRequest).err(t); e.Message != a.tr("api.contactable_purpose") {
		t.Errorf("no purpose: %q", e.Message)
	}
	a.call(t, http.MethodGet, "/api/v1/customers/99999/contactable?channel=ARAMA&purpose=commercial", nil).want(t, http.StatusNotFound)
	a.call(t, http.MethodPost, path("channel=ARAMA&purpose=commercial"), map[string]any{}).want(t, http.StatusMethodNotAllowed)
}

func TestAPIConsentLedgerIsAppendOnly(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	id := a.person(t)
	rec := a.create(t, "consents", map[string]any{"customer_id": id, "channel": "EPOSTA", "status": "ONAY", "source": "HS_WEB",
		"consent_date": "2026-03-02T10:00:00Z"})
	if rec["recipient"] != "sukru@ornek.com.tr" || rec["recipient_type"] != "BIREYSEL" {
		t.Errorf("created %v", rec)
	}
	cid := apiID(t, rec)
	if l := a.call(t, http.MethodGet, "/api/v1/consents?customer_id="+strconv.FormatInt(id, 10), nil).want(t, http.StatusOK).list(t); len(l.Data) != 1 {
		t.Errorf("list: %v", l.Data)
	}
	item := fmt.Sprintf("/api/v1/consents/%d", cid)
	a.call(t, http.MethodGet, item, nil).want(t, http.StatusOK)
	for _, m := range []string{http.MethodPatch, http.MethodDelete} {
		e := a.call(t, m, item, map[string]any{"status": "RET"}).want(t, http.StatusForbidden).err(t)
		if e.Message != a.tr("api.append_only") {
			t.Errorf("%s: %q", m, e.Message)
		}
	}
	a.call(t, http.MethodGet, item, nil).want(t, http.StatusOK) // still there
}

func TestAPIIYSExport(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	id := a.person(t)
	a.create(t, "consents", map[string]any{"customer_id": id, "channel": "MESAJ", "status": "ONAY", "source": "HS_WEB", "consent_date": "2026-03-02T07:30:00Z"})
	a.create(t, "consents", map[string]any{"customer_id": id, "channel": "EPOSTA", "status": "RET", "source": "HS_WEB", "consent_date": "2026-03-02T07:30:00Z"})

	first := a.call(t, http.MethodGet, "/api/v1/iys/export", nil).want(t, http.StatusOK)
	if n, err := iys.ValidateBulk(first.Body); err != nil || n != 1 || first.Header.Get("X-IYS-Batch") != "1" {
		t.Fatalf("export: %d records, %v, batch %q\n%s", n, err, first.Header.Get("X-IYS-Batch"), first.Body)
	}
	if !strings.Contains(string(first.Body), `"consentDate":"2026-03-02 10:30:00","source":"HS_WEB","recipient":"+905321234567"`) {
		t.Errorf("export body:\n%s", first.Body)
	}
	// The records are marked: the next call has nothing, and makes no batch.
	empty := a.call(t, http.MethodGet, "/api/v1/iys/export", nil).want(t, http.StatusOK)
	if n, err := iys.ValidateBulk(empty.Body); err != nil || n != 0 || empty.Header.Get("X-IYS-Batch") != "" {
		t.Errorf("second export: %d, %v, %q", n, err, empty.Header.Get("X-IYS-Batch"))
	}
	again := a.call(t, http.MethodGet, "/api/v1/iys/export?batch=1", nil).want(t, http.StatusOK)
	if !bytes.Equal(again.Body, first.Body) {
		t.Errorf("batch 1 again differs:\n%s", again.Body)
	}
	a.call(t, http.MethodGet, "/api/v1/iys/export?batch=x", nil).want(t, http.StatusBadRequest)
	a.call(t, http.MethodGet, "/api/v1/iys/export?batch=7", nil).want(t, http.StatusNotFound)
	a.call(t, http.MethodHead, "/api/v1/iys/export", nil)
	if n := a.count(t, "SELECT count(*) FROM iys_exports"); n != 1 {
		t.Errorf("%d batches, want 1 (HEAD and reads make none)", n)
	}

	doc := string(a.call(t, http.MethodGet, "/api/v1/openapi.json", nil).want(t, http.StatusOK).Body)
	for _, want := range []string{`"/api/v1/customers/{id}/contactable"`, `"/api/v1/iys/export"`, "MARKS ITS RECORDS AS EXPORTED"} {
		if !strings.Contains(doc, want) {
			t.Errorf("openapi.json lacks %s", want)
		}
	}
}

func TestAPIIYSExportNeedsTheRight(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	u := a.addUser("Satışçı", "satis@firma.com.tr", "Kedi-Mavi-Tekne-42")
	a.exec(t, "INSERT OR IGNORE INTO users_roles (record_id, ref_id) VALUES (?, 2)", u.ID) // Satış
	tok, _, err := a.st.CreateToken(t.Context(), store.ActorFor(u), "t")
	if err != nil {
		t.Fatal(err)
	}
	r := apiCall(t, a.clientFor(t), http.MethodGet, "/api/v1/iys/export", nil, map[string]string{"Authorization": "Bearer " + tok})
	r.want(t, http.StatusForbidden)
}

// uploadTo posts a file as a multipart form to action, with the CSRF
// token of page.
func (c *client) uploadTo(page, action, name string, data []byte) *resp {
	c.t.Helper()
	tok := c.token(page)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField(csrfField, tok)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.url(action), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestIYSPage(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	c := a.browser
	id := a.person(t)
	// Dated long ago: surely past the 3 business days.
	a.create(t, "consents", map[string]any{"customer_id": id, "channel": "MESAJ", "status": "ONAY", "source": "HS_WEB", "consent_date": "2026-01-05T07:30:00Z"})

	r := c.get("/")
	wantBody(t, r, `id="home-iys-overdue"`, a.tr("iys.home_overdue", "1"))
	r = c.get("/consents/iys")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, a.tr("iys.heading"), a.tr("iys.pending", 1), `id="iys-overdue"`, a.tr("iys.overdue", 1))

	r = c.submit("/consents/iys", "/consents/iys/export", nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Header.Get("Content-Disposition"), "iys-1.json") {
		t.Errorf("download: %v", r.Header)
	}
	if n, err := iys.ValidateBulk([]byte(r.Body)); err != nil || n != 1 {
		t.Errorf("downloaded file: %d %v", n, err)
	}
	r = c.get("/consents/iys")
	wantNoBody(t, r, `id="iys-overdue"`)
	wantBody(t, r, `href="/consents/iys/1/csv"`)
	wantNoBody(t, c.get("/"), `id="home-iys-overdue"`)
	csv := c.get("/consents/iys/1/csv")
	wantStatus(t, csv, http.StatusOK)
	wantBody(t, csv, "2026-01-05 10:30:00;HS_WEB;+905321234567;BIREYSEL;ONAY;MESAJ")

	status := "consentDate;source;recipient;recipientType;status;type\n" +
		"2026-02-01 10:00:00;HS_MESAJ;+905321234567;BIREYSEL;RET;MESAJ\n" +
		"2026-02-01 10:00:00;HS_MESAJ;+905000000000;BIREYSEL;RET;MESAJ\n" +
		"2026-02-01 10:00:00;HS_MESAJ;+905321234567;BIREYSEL;EVET;MESAJ\n"
	r = c.uploadTo("/consents/iys", "/consents/iys/import", "durum.csv", []byte(status))
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="iys-report"`, a.tr("iys.report_counts", 2, 1, 0), a.tr("iys.unmatched"),
		a.tr("iys.report_place", 3, 4), "EVET")

	r = c.uploadTo("/consents/iys", "/consents/iys/import", "bozuk.json", []byte("{\"consents\": [\n{]}"))
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, a.tr("iys.file_error", 2, a.tr("iys.err.syntax")))
}
