package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kobicrm/store"
	"kobicrm/store/vcard"
)

// cards reads a vCard answer.
func cards(t *testing.T, r *resp) []vcard.Card {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/vcard; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	cs, err := vcard.Decode(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("decode the answer: %v\n%s", err, r.Body)
	}
	return cs
}

// TestCustomerVCard: the customer page offers the card to those who may
// export the record; the card carries nothing hidden from them and never
// the TCKN, is named after the customer, and its export is recorded.
func TestCustomerVCard(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ctx, sys := context.Background(), store.SystemActor()
	if _, err := e.st.Create(ctx, sys, store.Roles, store.Values{"name": "Kartçı", "permissions": store.Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all", "export": "all"}},
		Fields: map[string]map[string]string{"customers": {"birth_date": "hidden"}},
	}}); err != nil {
		t.Fatal(err)
	}
	e.addUserWith("Kartçı", "kart@firma.com.tr", "Kartçı")
	e.addUserWith("Okur", "okur@firma.com.tr", "Salt okunur")
	e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	rec, err := e.st.Create(ctx, sys, store.Customers, store.Values{"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar",
		"phone": "0532 123 45 67", "tckn": "10000000146", "birth_date": "1980-05-01", "email": "sukru@ornek.com.tr", "owner_id": int64(1),
		"phones": []store.PhoneEntry{{Label: "ev", Number: "0246 222 11 33"}}})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/customers/%d", rec.ID)

	wantBody(t, admin.get(page), `href="`+page+`/vcard" id="vcard-link" download`)
	r := admin.get(page + "/vcard")
	got := cards(t, r)
	if len(got) != 1 || got[0].FN != "Şükrü Çağlar" || got[0].Birthday != "1980-05-01" || len(got[0].Tels) != 2 || got[0].Emails[0].Address != "sukru@ornek.com.tr" {
		t.Errorf("the card: %#v", got)
	}
	if strings.Contains(r.Body, "10000000146") {
		t.Errorf("the TCKN is in the card:\n%s", r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="sukru-caglar.vcf"; filename*=UTF-8''%C5%9E%C3%BCkr%C3%BC%20%C3%87a%C4%9Flar.vcf` {
		t.Errorf("Content-Disposition %q", cd)
	}

	// Kartçı may export every customer, without the birth date.
	k := e.client()
	k.login("kart@firma.com.tr", userPassword)
	r = k.get(page + "/vcard")
	if got := cards(t, r); len(got) != 1 || got[0].Birthday != "" || strings.Contains(r.Body, "1980") {
		t.Errorf("the hidden birth date is in the card:\n%s", r.Body)
	}
	if n := e.count(t, "SELECT count(*) FROM audit_log WHERE action = 'export' AND module = 'customers' AND record_id = ?", rec.ID); n != 2 {
		t.Errorf("%d export entries in the record's audit trail, want 2", n)
	}
	wantBody(t, admin.get(page), e.tr("history.export"), e.tr("history.field.format"))

	// Salt okunur reads but may not take away; Ali does not see the record.
	o := e.client()
	o.login("okur@firma.com.tr", userPassword)
	wantNoBody(t, o.get(page), "vcard-link")
	wantStatus(t, o.get(page+"/vcard"), http.StatusForbidden)
	a := e.client()
	a.login("ali@firma.com.tr", userPassword)
	wantStatus(t, a.get(page+"/vcard"), http.StatusNotFound)
}

// TestListExportVCard: the customer lists export their filtered records as
// one .vcf file; the asset list has no such link.
func TestListExportVCard(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	e.qualityCustomers(1)
	wantBody(t, admin.get("/customers"), `id="export-vcf"`)
	wantNoBody(t, admin.get("/assets"), `id="export-vcf"`)

	all := cards(t, admin.get("/customers/export?format=vcf"))
	if len(all) != 4 {
		t.Errorf("%d cards, want 4", len(all))
	}
	r := admin.get("/customers/export?quality=low&sort=quality&format=vcf")
	low := cards(t, r)
	var names []string
	for _, c := range low {
		names = append(names, c.FN)
	}
	if fmt.Sprint(names) != "[Boş Ltd. Şti. Oğuz Ünal]" {
		t.Errorf("the low band's cards: %v", names)
	}
	if low[0].Kind != "org" || low[0].Org[0] != "Boş Ltd. Şti." {
		t.Errorf("the company's card: %#v", low[0])
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="musteriler-`) || !strings.Contains(cd, `.vcf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if n := e.count(t, "SELECT count(*) FROM audit_log WHERE action = 'export' AND module = 'customers' AND record_id = 0"); n != 2 {
		t.Errorf("%d list exports in the audit trail, want 2", n)
	}
}
