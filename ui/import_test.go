package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"kobicrm/store"
	"kobicrm/store/sheet"
)

// cp1254 encodes a file as Turkish Excel's plain "CSV" does.
func cp1254(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1254.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode cp1254: %v", err)
	}
	return b
}

// upload posts a file to an import page as a browser's multipart form
// does, with the page's CSRF token.
func (c *client) upload(page, name string, data []byte) *resp {
	c.t.Helper()
	return c.uploadWith(page, name, data, nil)
}

// uploadWith is upload with more form fields, as hidden inputs send them.
func (c *client) uploadWith(page, name string, data []byte, fields url.Values) *resp {
	c.t.Helper()
	tok := c.token(page)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField(csrfField, tok); err != nil {
		c.t.Fatal(err)
	}
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		c.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url(page), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// waitImport waits until the background run of an import has finished.
func (e *env) waitImport(t *testing.T, id int64) *store.Import {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		imp, err := e.st.GetImport(context.Background(), store.SystemActor(), id)
		if err != nil {
			t.Fatal(err)
		}
		if imp.Finished() {
			return imp
		}
		if time.Now().After(deadline) {
			t.Fatalf("import %d still %s after 30 s", id, imp.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// importID is the id in an /imports/{id}/… address.
func importID(t *testing.T, location string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/imports/([0-9]+)`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("%q is no import page", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// selected is the value selected in the <select name=name> of a page.
func selected(t *testing.T, body, name string) string {
	t.Helper()
	sel := regexp.MustCompile(`(?s)<select id="[^"]*" name="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if sel == nil {
		t.Fatalf("no select %s in the page", name)
	}
	opt := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(sel[1])
	if opt == nil {
		return ""
	}
	return opt[1]
}

// A file from Turkish Excel (Windows-1254, ';', decimal commas) goes
// through every step of the wizard: mapped by its Turkish headers with one
// column mapped by hand, previewed with its bad rows' errors at their
// cells, run in the background, reported with an error file, and undone.
func TestImportWizard(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	file := cp1254(t, "Tür;Ad;Soyad;Unvan;E-posta;Cep No;İl;Çalışan sayısı;TC Kimlik No;Not sütunu\r\n"+
		"Bireysel;Şükrü;Çağlar;;sukru@ornek.com.tr;0532 111 22 33;İzmir;;10000000146;x\r\n"+
		"Kurumsal;;;Öztürk Gıda A.Ş.;;0212 444 55 66;ISPARTA;1.250,00;;\r\n"+
		"Bireysel;Ayşe;;;;;Ankara;;;\r\n"+ // no last name
		"Bireysel;Ali;Veli;;bozuk-adres;;;;;\r\n") // a bad e-mail

	// The list offers the wizard next to the export.
	wantBody(t, c.get("/customers"), `id="import-link"`, `href="/customers/import"`)
	wantBody(t, c.get("/leads"), `href="/customers/import?stage=lead"`)
	// A module without the wizard does not link to one, even for the
	// administrator who may import into it.
	wantNoBody(t, c.get("/products"), `id="import-link"`)
	wantNoBody(t, c.get("/invoices"), `id="import-link"`)
	r := c.get("/customers/import")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("import.upload_heading"), `enctype="multipart/form-data"`)

	r = c.upload("/customers/import", "müşteriler.csv", file)
	wantStatus(t, r, http.StatusSeeOther)
	id := importID(t, r.location())
	if r.location() != importURL(id, "map") {
		t.Fatalf("upload went to %s", r.location())
	}

	// What the importer found, and the columns mapped by their names.
	mapPage := c.get(importURL(id, "map"))
	wantStatus(t, mapPage, http.StatusOK)
	wantBody(t, mapPage, "Windows-1254", e.tr("import.format_csv", "Windows-1254", ";", 4), "Şükrü", "Öztürk Gıda A.Ş.", "1.250,00")
	for i, want := range []string{"kind", "first_name", "last_name", "title", "email", "", "province", "employee_count", "tckn", ""} {
		if got := selected(t, mapPage.Body, "column_"+strconv.Itoa(i)); got != want {
			t.Errorf("column %d is mapped to %q, want %q", i, got, want)
		}
	}
	if got := selected(t, mapPage.Body, "decimal"); got != "," {
		t.Errorf("decimal mark %q, want ,", got)
	}

	// One field twice: refused, the form comes back as it was sent.
	form := url.Values{"decimal": {","}, "mode": {"create"}, "mapping_name": {"Eski program"}}
	for i, col := range []string{"kind", "first_name", "last_name", "title", "email", "email", "province", "employee_count", "tckn", ""} {
		form.Set("column_"+strconv.Itoa(i), col)
	}
	r = c.submit(importURL(id, "map"), importURL(id, "map"), form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.import_twice", e.tr("field.customers.email")), `value="Eski program"`)
	if got := selected(t, r.Body, "column_5"); got != "email" {
		t.Errorf("the refused form lost the choice: %q", got)
	}
	// Updating needs a key the file has.
	form.Set("column_5", "phone")
	form.Set("mode", "update")
	form.Set("key", "vkn")
	r = c.submit(importURL(id, "map"), importURL(id, "map"), form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.import_key"))

	form.Set("mode", "create")
	r = c.submit(importURL(id, "map"), importURL(id, "map"), form)
	wantRedirect(t, r, importURL(id, "preview"))

	// The preview: what each row would do, the bad cells marked.
	prev := c.get(importURL(id, "preview"))
	wantStatus(t, prev, http.StatusOK)
	wantBody(t, prev, e.tr("import.mapping_saved"), "Şükrü", e.tr("import.action.created"), e.tr("import.action.failed"),
		"E-posta: "+e.tr("error.email"), "Soyad: "+e.tr("error.required"))
	if !regexp.MustCompile(`<td class="bad" title="[^"]*">bozuk-adres</td>`).MatchString(prev.Body) {
		t.Errorf("the bad e-mail's cell is not marked:\n%s", prev.Body)
	}
	if n := e.count(t, "SELECT count(*) FROM customers"); n != 0 {
		t.Fatalf("the preview saved %d customers", n)
	}

	r = c.submit(importURL(id, "preview"), importURL(id, "run"), url.Values{})
	wantRedirect(t, r, importURL(id, ""))
	imp := e.waitImport(t, id)
	if imp.Status != store.ImportDone || imp.Created != 2 || imp.Failed != 2 {
		t.Fatalf("import = %+v", imp)
	}
	res := c.get(importURL(id, ""))
	wantStatus(t, res, http.StatusOK)
	wantBody(t, res, e.tr("import.status.done"), `id="count-created">2<`, `id="count-failed">2<`, "bozuk-adres",
		e.tr("error.email"), `href="/imports/`+strconv.FormatInt(id, 10)+`/errors.csv"`, `id="import-undo"`)
	wantNoBody(t, res, `http-equiv="refresh"`)

	// The error file: Turkish Excel's CSV, a line a problem.
	ef := c.get(importURL(id, "errors.csv"))
	wantStatus(t, ef, http.StatusOK)
	if !strings.HasPrefix(ef.Body, "\ufeff") || !strings.Contains(ef.Header.Get("Content-Disposition"), "hatalar.csv") {
		t.Errorf("error file: %q %q", ef.Header.Get("Content-Disposition"), ef.Body)
	}
	tab, rows, err := sheet.ReadAll(strings.NewReader(ef.Body), "e.csv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tab.Header, ";") != "Satır;Sütun;Değer;Sorun" || len(rows) != 2 ||
		strings.Join(rows[0].Cells, ";") != "4;Soyad;;"+e.tr("error.required") ||
		strings.Join(rows[1].Cells, ";") != "5;E-posta;bozuk-adres;"+e.tr("error.email") {
		t.Errorf("error file = %v %v", tab.Header, rows)
	}

	list := c.get("/customers")
	wantBody(t, list, "Şükrü Çağlar", "Öztürk Gıda A.Ş.", "0532 111 22 33")

	// The saved mapping maps the next file of the shape, Cep No too.
	r = c.upload("/customers/import", "ikinci.csv", cp1254(t, "Ad;Soyad;Cep No\r\nCan;Cem;0533 000 00 01\r\n"))
	second := importID(t, r.location())
	m2 := c.get(importURL(second, "map"))
	wantBody(t, m2, "Eski program")
	if got := selected(t, m2.Body, "column_2"); got != "" {
		t.Errorf("Cep No mapped before the mapping was chosen: %q", got)
	}
	mid := regexp.MustCompile(`<option value="([0-9]+)">Eski program</option>`).FindStringSubmatch(m2.Body)
	if mid == nil {
		t.Fatalf("no saved mapping offered:\n%s", m2.Body)
	}
	m2 = c.get(importURL(second, "map") + "?mapping=" + mid[1])
	if got := selected(t, m2.Body, "column_2"); got != "phone" {
		t.Errorf("the saved mapping put Cep No at %q", got)
	}
	// The recent imports list both, each with a link.
	wantBody(t, c.get("/customers/import"), "müşteriler.csv", "ikinci.csv", e.tr("import.status.uploaded"), e.tr("import.counts", 2, 0, 0, 2))

	// Undo: without JavaScript a confirmation page asks first.
	r = c.submit(importURL(id, ""), importURL(id, "undo"), url.Values{})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("import.undo_heading", "müşteriler.csv"), `name="confirmed" value="1"`)
	r = c.submit(importURL(id, ""), importURL(id, "undo"), url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, importURL(id, ""))
	res = c.get(importURL(id, ""))
	wantBody(t, res, e.tr("import.undone"), e.tr("import.status.undone"))
	wantNoBody(t, res, `id="import-undo"`)
	wantNoBody(t, c.get("/customers"), "Şükrü Çağlar")
	r = c.submit("/customers/import", importURL(id, "undo"), url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, importURL(id, ""))
	wantBody(t, c.get(importURL(id, "")), e.tr("import.undo_state"))
	// A finished import's wizard pages lead to its result.
	wantRedirect(t, c.get(importURL(id, "map")), importURL(id, ""))
	wantRedirect(t, c.get(importURL(id, "preview")), importURL(id, ""))
}

// Files the importer cannot read come back to the upload form with the
// reason in words; a file over the limit gets a 413 that says so.
func TestImportUploadRefusals(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"eski.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest of an old workbook"), e.tr("import.err_unsupported")},
		{"bos.csv", nil, e.tr("import.err_no_header")},
		{"bozuk.xlsx", []byte("PK\x03\x04 not really a zip"), e.tr("import.err_corrupt")},
		{"tirnak.csv", []byte("Ad;Soyad\n\"Ali;Veli\nx\"y;z\n"), e.tr("import.err_malformed")},
	} {
		r := c.upload("/customers/import", tc.name, tc.data)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, tc.want, e.tr("import.upload_heading"))
	}
	// No file at all.
	r := c.submit("/customers/import", "/customers/import", url.Values{})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("import.no_file"))

	// Over the limit: the body is cut off while it is read.
	tok := c.token("/customers/import")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField(csrfField, tok)
		fw, _ := mw.CreateFormFile("file", "dev.csv")
		line := []byte(strings.Repeat("x", 1023) + "\n")
		for written := 0; written <= uploadMaxBytes; written += len(line) {
			if _, err := fw.Write(line); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest(http.MethodPost, c.url("/customers/import"), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r = c.do(req)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	wantBody(t, r, e.tr("import.too_large"))

	// A file from someone logged out is not even read.
	v := e.client()
	vt := v.token("/login")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField(csrfField, vt)
	fw, _ := w.CreateFormFile("file", "a.csv")
	_, _ = fw.Write([]byte("Ad;Soyad\nA;B\n"))
	_ = w.Close()
	req, _ = http.NewRequest(http.MethodPost, c.url("/customers/import"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	wantStatus(t, v.do(req), http.StatusForbidden)
	if n := e.count(t, "SELECT count(*) FROM imports"); n != 0 {
		t.Errorf("%d imports kept from refused uploads", n)
	}
}

// Only those whose role may import see the wizard: the others get 403 on
// every page of it, and nobody but an administrator sees another's import.
func TestImportRights(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	e.addUserWith("Pelin Pazarlama", "pelin@firma.com.tr", "Pazarlama")
	e.addUserWith("Can Pazarlama", "can@firma.com.tr", "Pazarlama")

	pelin := e.client()
	pelin.login("pelin@firma.com.tr", userPassword)
	wantBody(t, pelin.get("/customers"), `id="import-link"`)
	r := pelin.upload("/customers/import", "a.csv", []byte("Ad;Soyad\nAli;Veli\n"))
	wantStatus(t, r, http.StatusSeeOther)
	id := importID(t, r.location())
	// Pazarlama reads assets but may not import them.
	wantStatus(t, pelin.get("/assets/import"), http.StatusForbidden)
	wantNoBody(t, pelin.get("/assets"), `id="import-link"`)

	pages := []string{"", "map", "preview", "errors.csv"}
	posts := []string{"map", "run", "undo"}

	ali := e.client()
	ali.login("ali@firma.com.tr", userPassword)
	wantNoBody(t, ali.get("/customers"), `id="import-link"`)
	wantStatus(t, ali.get("/customers/import"), http.StatusForbidden)
	tok := ali.token("/")
	for _, step := range pages {
		wantStatus(t, ali.get(importURL(id, step)), http.StatusForbidden)
	}
	for _, step := range posts {
		wantStatus(t, ali.post(importURL(id, step), url.Values{csrfField: {tok}, "confirmed": {"1"}, "mode": {"create"}, "decimal": {","}}), http.StatusForbidden)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField(csrfField, tok)
	fw, _ := w.CreateFormFile("file", "a.csv")
	_, _ = fw.Write([]byte("Ad;Soyad\nA;B\n"))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, ali.url("/customers/import"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	wantStatus(t, ali.do(req), http.StatusForbidden)

	can := e.client()
	can.login("can@firma.com.tr", userPassword)
	ctok := can.token("/")
	for _, step := range pages {
		wantStatus(t, can.get(importURL(id, step)), http.StatusNotFound)
	}
	for _, step := range posts {
		wantStatus(t, can.post(importURL(id, step), url.Values{csrfField: {ctok}, "confirmed": {"1"}}), http.StatusNotFound)
	}
	wantNoBody(t, can.get("/customers/import"), "a.csv")

	// The administrator sees every import; the owner runs hers.
	wantStatus(t, admin.get(importURL(id, "map")), http.StatusOK)
	wantBody(t, admin.get("/customers/import"), "a.csv")
	wantRedirect(t, pelin.submit(importURL(id, "preview"), importURL(id, "run"), url.Values{}), importURL(id, ""))
	if imp := e.waitImport(t, id); imp.Created != 1 {
		t.Fatalf("import = %+v", imp)
	}
	wantStatus(t, pelin.get(importURL(id, "")), http.StatusOK)
}

// A run is the server's background work: Close stops it between batches
// and waits, leaving it interrupted (or done), never "running"; a run
// stopped before it kept anything is ready to run again.
func TestImportStopsWithTheServer(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	var b strings.Builder
	b.WriteString("Ad;Soyad;Telefon\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "Kişi%d;Soyad%d;0532 %03d %02d %02d\n", i, i, i%1000, i%100, (i/100)%100)
	}
	r := c.upload("/customers/import", "buyuk.csv", []byte(b.String()))
	id := importID(t, r.location())
	r = c.submit(importURL(id, "preview"), importURL(id, "run"), url.Values{})
	wantRedirect(t, r, importURL(id, ""))
	page := c.get(importURL(id, ""))
	wantStatus(t, page, http.StatusOK)
	e.srv.Close()
	imp, err := e.st.GetImport(context.Background(), store.SystemActor(), id)
	if err != nil {
		t.Fatal(err)
	}
	if again := imp.Status == store.ImportUploaded && imp.Done == 0; !imp.Finished() && !again {
		t.Fatalf("after Close the import is %s, %d rows done", imp.Status, imp.Done)
	}
	t.Logf("after Close: %s, %d of %d rows", imp.Status, imp.Done, imp.Rows)
	if imp.Status == store.ImportInterrupted {
		res := c.get(importURL(id, ""))
		wantBody(t, res, e.tr("import.interrupted_body", imp.Done, imp.Rows))
		if imp.Created > 0 {
			wantBody(t, res, `id="import-undo"`)
		}
	}
	if n := e.count(t, "SELECT count(*) FROM customers"); n != imp.Created {
		t.Errorf("%d customers, the import says %d", n, imp.Created)
	}
	if strings.Contains(page.Body, e.tr("import.status.running")) {
		wantBody(t, page, `http-equiv="refresh"`, `<progress id="import-progress"`)
	}
}

// The key a person names for updating: a field, "id", or a column of the
// file, which means its field when mapped to one a record can be found by.
func TestImportKey(t *testing.T) {
	t.Parallel()
	m := store.Customers
	header := []string{"Ad", "TC Kimlik No", "Müşteri No", "Etiketler", "No"}
	columns := []string{"first_name", "tckn", "", "tags", "id"}
	for _, tc := range []struct{ name, want string }{
		{"tckn", "tckn"},
		{"tc kimlik no", "tckn"},
		{"Müşteri No", store.ExternalKeyPrefix + "Müşteri No"},
		{"MUSTERI NO", store.ExternalKeyPrefix + "Müşteri No"},
		{"Etiketler", store.ExternalKeyPrefix + "Etiketler"},
		{"id", "id"},
		{"No", "id"},
	} {
		if got, err := ImportKey(m, header, columns, tc.name); err != nil || got != tc.want {
			t.Errorf("ImportKey(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for _, name := range []string{"vkn", "email", "yok böyle", "tags"} {
		if got, err := ImportKey(m, header, columns, name); err == nil {
			t.Errorf("ImportKey(%q) = %q, want an error", name, got)
		}
	}
}

// The leads list's import makes leads: its link carries the list's stage,
// the upload form keeps it, and rows that leave the stage empty get it.
func TestImportFromTheLeadsList(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	r := c.get("/customers/import?stage=lead")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `name="default.stage" value="lead"`, e.tr("import.defaults_note"), e.tr("field.customers.stage")+": "+e.tr("choice.customers.stage.lead"))
	r = c.uploadWith("/customers/import?stage=lead", "adaylar.csv", []byte("Ad;Soyad;Telefon\nMehmet;Demir;0544 000 00 02\n"), url.Values{"default.stage": {"lead"}})
	wantStatus(t, r, http.StatusSeeOther)
	id := importID(t, r.location())
	wantBody(t, c.get(importURL(id, "map")), `id="import-defaults"`)
	if _, err := e.st.RunImport(context.Background(), store.SystemActor(), id, e.srv.vocabulary(store.Customers), nil); err != nil {
		t.Fatal(err)
	}
	page, err := e.st.List(context.Background(), store.SystemActor(), store.Customers, store.ListQuery{Search: "Mehmet", Limit: 5})
	if err != nil || len(page.Records) != 1 || page.Records[0].Values.Str("stage") != "lead" {
		t.Fatalf("imported from the leads list: %v, %v", page, err)
	}
	// A stage that is no choice is refused at the upload, with the reason.
	r = c.uploadWith("/customers/import", "x.csv", []byte("Ad;Soyad\nA;B\n"), url.Values{"default.stage": {"nope"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.choice"))
}
