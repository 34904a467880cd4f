package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
)

// addCustomField adds a field through the admin page, as a person does.
func addCustomField(t *testing.T, c *client, form url.Values) {
	t.Helper()
	r := c.submit("/admin/fields", "/admin/fields", form)
	wantRedirect(t, r, "/admin/fields")
}

func TestCustomFieldAdminPage(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)

	// Errors come back translated, naming the fields, with the form filled in.
	r := admin.submit("/admin/fields", "/admin/fields", url.Values{"module": {"customers"}, "kind": {"choice"},
		"label_tr": {"Müşteri segmenti"}, "label_en": {"Customer segment"}, "choices": {"Büyük\nbüyük"}, "filter": {"1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("form.fix_errors", e.tr("fields.choices")), e.tr("error.cf_choice_twice", "büyük"),
		`value="Müşteri segmenti"`, `value="Customer segment"`, "Büyük\nbüyük</textarea>", `name="filter" value="1" checked`)

	addCustomField(t, admin, url.Values{"module": {"customers"}, "kind": {"choice"},
		"label_tr": {"Müşteri segmenti"}, "label_en": {"Customer segment"},
		"choices": {"Büyük | Large\nOrta | Medium\nKüçük | Small"}, "list": {"1"}, "filter": {"1"}, "search": {"1"}})
	addCustomField(t, admin, url.Values{"module": {"customers"}, "kind": {"multichoice"},
		"label_tr": {"İlgi alanları"}, "choices": {"Yedek parça\nBakım\nSigorta"}, "filter": {"1"}})
	// A sensitive field is one the role form can protect.
	addCustomField(t, admin, url.Values{"module": {"customers"}, "kind": {"text"}, "label_tr": {"Gelir düzeyi"}, "sensitive": {"1"}})
	wantBody(t, admin.get("/roles/new"), `name="permissions.customers.field.cf_gelir_duzeyi"`, "Gelir düzeyi")
	page := admin.get("/admin/fields")
	wantBody(t, page, "Müşteri segmenti", "Customer segment", "cf_musteri_segmenti", "Büyük / Large", e.tr("fields.kind.multichoice"), adminName)
	wantBody(t, admin.get("/"), `href="/admin/fields"`)

	// Someone who is not an administrator never reaches it.
	e.addUserWith("Satışçı", "satis@firma.com.tr", "Satış")
	seller := e.client()
	seller.login("satis@firma.com.tr", userPassword)
	wantStatus(t, seller.get("/admin/fields"), http.StatusNotFound)
	wantNoBody(t, seller.get("/"), `href="/admin/fields"`)
	wantStatus(t, seller.post("/admin/fields/customers/cf_musteri_segmenti/remove", url.Values{csrfField: {seller.token("/")}, "confirmed": {"1"}}), http.StatusNotFound)

	// The new customer form has the fields; a value saved shows on the
	// record page and in the list, by its label in the user's language.
	form := admin.get("/customers/new?kind=person")
	wantBody(t, form, "Müşteri segmenti", `<option value="buyuk">Büyük</option>`, `name="cf_ilgi_alanlari" value="sigorta"`)
	r = admin.submit("/customers/new?kind=person", "/customers", url.Values{"kind": {"person"}, "first_name": {"Deniz"}, "last_name": {"Öztürk"},
		"stage": {"customer"}, "cf_musteri_segmenti": {"buyuk"}, "cf_ilgi_alanlari": {"bakim", "sigorta"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.Status, r.Body)
	}
	recURL := r.location()
	if r := admin.submit("/customers/new?kind=person", "/customers", url.Values{"kind": {"person"}, "first_name": {"Ece"}, "last_name": {"Kara"},
		"stage": {"customer"}, "cf_ilgi_alanlari": {"yedek_parca"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.Status, r.Body)
	}
	wantBody(t, admin.get(recURL), "Müşteri segmenti", "Büyük", `<span class="chip">Bakım</span>`, `<span class="chip">Sigorta</span>`)

	list := admin.get("/customers")
	wantBody(t, list, "<th", "Müşteri segmenti", "<td>Büyük</td>", `id="filter-cf_musteri_segmenti"`, `id="filter-cf_ilgi_alanlari"`)
	filtered := admin.get("/customers?cf_musteri_segmenti=buyuk")
	wantBody(t, filtered, "Deniz Öztürk")
	wantNoBody(t, filtered, "Ece Kara")
	filtered = admin.get("/customers?cf_ilgi_alanlari=bakim")
	wantBody(t, filtered, "Deniz Öztürk")
	wantNoBody(t, filtered, "Ece Kara")
	wantBody(t, admin.get("/customers?q=large"), "Deniz Öztürk")
	// Sorted by the custom column.
	wantStatus(t, admin.get("/customers?sort=cf_musteri_segmenti"), http.StatusOK)

	// In English the labels are the English ones.
	en := e.client()
	en.login(adminEmail, adminPassword)
	en.post("/language", url.Values{csrfField: {en.token("/")}, "lang": {"en"}})
	wantBody(t, en.get("/customers"), "Customer segment", "<td>Large</td>")
	en.post("/language", url.Values{csrfField: {en.token("/")}, "lang": {"tr"}})

	// A form with a problem keeps the ticked choices.
	r = admin.submit("/customers/new?kind=person", "/customers", url.Values{"kind": {"person"}, "first_name": {"Boş"},
		"stage": {"customer"}, "cf_ilgi_alanlari": {"bakim"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `name="cf_ilgi_alanlari" value="bakim" checked`)

	// The export has the column with the labels.
	exp := admin.get("/customers/export?format=csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(exp.Body, "\ufeff"))).ReadAll()
	if err != nil {
		// The export uses ";", as Turkish Excel does.
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(exp.Body, "\ufeff")))
		rd.Comma = ';'
		if rows, err = rd.ReadAll(); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) < 2 {
		t.Fatalf("export: %q", exp.Body)
	}
	if !strings.Contains(strings.Join(rows[0], "|"), "Müşteri segmenti|İlgi alanları") {
		t.Errorf("export header: %v", rows[0])
	}
	if !strings.Contains(exp.Body, "Bakım; Sigorta") {
		t.Errorf("export of the multi-choice: %q", exp.Body)
	}

	// Removing asks first, then removes, and says where the backup is.
	r = admin.submit("/admin/fields", "/admin/fields/customers/cf_musteri_segmenti/remove", nil)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("fields.remove_heading", "Müşteri segmenti", e.tr("module.customers")), `name="confirmed" value="1"`)
	if e.count(t, "SELECT count(*) FROM custom_fields") != 3 {
		t.Fatal("removed before the confirmation")
	}
	r = admin.post("/admin/fields/customers/cf_musteri_segmenti/remove", url.Values{csrfField: {tokenFrom(t, r.Body)}, "confirmed": {"1"}})
	wantRedirect(t, r, "/admin/fields")
	page = admin.get("/admin/fields")
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(e.dbPath), "*-before-removing-cf_musteri_segmenti.db"))
	if len(matches) != 1 {
		t.Fatalf("backups: %v", matches)
	}
	wantBody(t, page, e.tr("fields.removed", "Müşteri segmenti", matches[0]))
	wantNoBody(t, page, "cf_musteri_segmenti</code>")
	wantBody(t, admin.get("/admin/backup"), filepath.Base(matches[0]))
	wantNoBody(t, admin.get("/customers"), "Müşteri segmenti")
	// An old link with the removed filter shows the list with a note.
	wantStatus(t, admin.get("/customers?sort=cf_musteri_segmenti"), http.StatusBadRequest)
	if err := os.Remove(matches[0]); err != nil {
		t.Error(err)
	}
	// The audit trail names both.
	wantBody(t, admin.get("/admin/audit?action=field_remove"), e.tr("audit.action_field_remove"), "cf_musteri_segmenti", filepath.Base(matches[0]))
}

func TestCustomFieldsInTheAPI(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	ctx := context.Background()
	admin := store.ActorFor(a.admin)
	for _, form := range []url.Values{
		{"module": {"customers"}, "kind": {"multichoice"}, "label_tr": {"İlgi alanları"}, "label_en": {"Interests"}, "choices": {"Yedek parça | Spare parts\nBakım | Service"}, "filter": {"1"}, "required": {"1"}},
		{"module": {"customers"}, "kind": {"money"}, "label_tr": {"Yıllık ciro"}},
		{"module": {"assets"}, "kind": {"date"}, "label_tr": {"Muayene tarihi"}, "filter": {"1"}},
	} {
		cf, errs := store.ParseCustomFieldForm(form)
		if err := errs.Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := a.st.AddCustomField(ctx, admin, cf); err != nil {
			t.Fatal(err)
		}
	}
	rec := a.create(t, "customers", map[string]any{"kind": "company", "title": "Öz Makine", "cf_ilgi_alanlari": []string{"bakim", "yedek_parca"}, "cf_yillik_ciro": 123456})
	if got, _ := json.Marshal(rec["cf_ilgi_alanlari"]); string(got) != `["yedek_parca","bakim"]` {
		t.Errorf("multi-choice in the API: %s", got)
	}
	if rec["cf_yillik_ciro"] != json.Number("123456") {
		t.Errorf("money in the API: %#v", rec["cf_yillik_ciro"])
	}
	id := strconv.FormatInt(apiID(t, rec), 10)
	bad := a.call(t, http.MethodPost, "/api/v1/customers", map[string]any{"kind": "company", "title": "Eksik"}).want(t, http.StatusUnprocessableEntity).err(t)
	if bad.Fields["cf_ilgi_alanlari"] == "" {
		t.Errorf("the required custom field is not asked for: %+v", bad)
	}
	a.call(t, http.MethodPatch, "/api/v1/customers/"+id, map[string]any{"cf_ilgi_alanlari": "Service"}).want(t, http.StatusOK)
	l := a.call(t, http.MethodGet, "/api/v1/customers?cf_ilgi_alanlari=bakim", nil).want(t, http.StatusOK).list(t)
	if len(l.Data) != 1 {
		t.Errorf("filter by multi-choice: %v", l.Data)
	}
	if l := a.call(t, http.MethodGet, "/api/v1/customers?cf_ilgi_alanlari=yedek_parca", nil).want(t, http.StatusOK).list(t); len(l.Data) != 0 {
		t.Errorf("filter after the change: %v", l.Data)
	}

	doc := a.call(t, http.MethodGet, apiOpenAPIPath, nil, "Accept-Language", "en").want(t, http.StatusOK).object(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	cust := schemas["customers"].(map[string]any)
	prop, ok := cust["properties"].(map[string]any)["cf_ilgi_alanlari"].(map[string]any)
	if !ok || prop["type"] != "array" || prop["title"] != "Interests" {
		t.Fatalf("OpenAPI schema of the multi-choice: %#v", prop)
	}
	if items := prop["items"].(map[string]any); len(items["enum"].([]any)) != 2 {
		t.Errorf("OpenAPI choices: %#v", items)
	}
	if req, _ := json.Marshal(cust["required"]); !strings.Contains(string(req), "cf_ilgi_alanlari") {
		t.Errorf("OpenAPI required: %s", req)
	}
	if p := schemas["assets"].(map[string]any)["properties"].(map[string]any)["cf_muayene_tarihi"].(map[string]any); p["format"] != "date" {
		t.Errorf("OpenAPI date: %#v", p)
	}
	params, _ := json.Marshal(doc["paths"].(map[string]any)["/api/v1/assets"].(map[string]any)["get"].(map[string]any)["parameters"])
	if !strings.Contains(string(params), `"name":"cf_muayene_tarihi"`) {
		t.Errorf("OpenAPI filter parameter: %s", params)
	}
}
