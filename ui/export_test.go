package ui

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"kobicrm/store/sheet"
)

// An export holds exactly what the user may export, in Turkish Excel's
// CSV (UTF-8 with BOM, ';'), and is recorded in the audit trail.
func TestExportFollowsTheRoles(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ali := e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	e.addUserWith("Pelin Pazarlama", "pelin@firma.com.tr", "Pazarlama")
	e.addUserWith("Okur", "okur@firma.com.tr", "Salt okunur")
	e.createCustomer("Şükrü", "Çağlar", ali.ID)
	e.createCustomer("İsmail", "Işık", 1)
	e.exec(t, "UPDATE customers SET tckn = '10000000146' WHERE first_name = 'Şükrü'")

	read := func(r *resp) *sheet.Table {
		t.Helper()
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Body, "\ufeff") {
			t.Fatalf("no BOM: %q", r.Body[:min(20, len(r.Body))])
		}
		tab, _, err := sheet.ReadAll(bytes.NewReader([]byte(r.Body)), "x.csv")
		if err != nil {
			t.Fatal(err)
		}
		return tab
	}
	all := admin.get("/customers/export?format=csv")
	wantBody(t, all, "Şükrü", "İsmail", "10000000146", "Ad / ünvan")

	c := e.client()
	c.login("ali@firma.com.tr", userPassword)
	own := c.get("/customers/export?format=csv")
	wantBody(t, own, "Şükrü")
	wantNoBody(t, own, "İsmail")
	read(own)

	// Pazarlama exports everything, without the TCKN its role hides.
	p := e.client()
	p.login("pelin@firma.com.tr", userPassword)
	tab := read(p.get("/customers/export?format=csv"))
	if strings.Contains(strings.Join(tab.Header, ";"), e.tr("field.customers.tckn")) {
		t.Errorf("the hidden TCKN column is exported: %v", tab.Header)
	}
	wantBody(t, p.get("/customers"), `id="export-csv"`)

	// Salt okunur may read but not take away.
	o := e.client()
	o.login("okur@firma.com.tr", userPassword)
	wantStatus(t, o.get("/customers/export?format=csv"), http.StatusForbidden)
	wantNoBody(t, o.get("/customers"), `id="export-csv"`)

	if n := e.count(t, "SELECT count(*) FROM audit_log WHERE action = 'export' AND module = 'customers'"); n != 3 {
		t.Errorf("%d export entries in the audit trail, want 3", n)
	}
	xlsx := admin.get("/leads/export?format=xlsx")
	wantStatus(t, xlsx, http.StatusOK)
	if !strings.HasPrefix(xlsx.Body, "PK") {
		t.Error("the xlsx export is not a zip")
	}
}
