package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"kobicrm/store/vcard"
)

// cardOf writes the customer's card and reads it back with the table the
// importer would make of it, by header name.
func cardOf(t *testing.T, r *Record) (string, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	if err := vcard.Encode(&b, CustomerCard(r)); err != nil {
		t.Fatalf("encode the card of %d: %v", r.ID, err)
	}
	cards, err := vcard.Decode(bytes.NewReader(b.Bytes()))
	if err != nil || len(cards) != 1 {
		t.Fatalf("read the card back: %v %v", cards, err)
	}
	header, rows := vcard.Rows(cards)
	row := map[string]string{}
	for i, h := range header {
		row[h] = rows[0][i]
	}
	return b.String(), row
}

// TestCustomerCardTravels: a customer's card, read back by the import's
// table, gives the same values, the TCKN never among them.
func TestCustomerCardTravels(t *testing.T) {
	fx := newSecFixture(t)
	ctx, st, admin := fx.ctx, fx.st, fx.admin
	p := mustCreate(t, st, admin, Customers, fullPerson().with("notes", "İlk satır\r\nİkinci\tsatır").with("tags", []string{"VIP", "Fuar 2025"}).
		with("phones", []PhoneEntry{{Label: "İş", Number: "0246 222 11 33"}, {Label: "yazlık", Number: "0252 444 11 22"}, {Label: "", Number: "0533 222 33 44"}}))
	got, err := st.Get(ctx, admin, Customers, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	text, row := cardOf(t, got)
	if strings.Contains(text, "10000000146") {
		t.Errorf("the TCKN is in the card:\n%s", text)
	}
	for k, want := range map[string]string{
		"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar", "email": "sukru@ornek.com.tr", "phone": "+905321234567",
		"phones": "iş: +902462221133; yazlık: +902524441122; cep: +905332223344", "province": "Isparta", "district": "Eğirdir",
		"address": "Yeni Mah. Göl Sok. No: 3", "postal_code": "32500", "birth_date": "1980-05-01", "notes": "İlk satır\nİkinci satır",
		"tags": "VIP, Fuar 2025", "title": "", "website": "",
	} {
		if row[k] != want {
			t.Errorf("%s: %q, want %q", k, row[k], want)
		}
	}

	c := mustCreate(t, st, admin, Customers, fullCompany())
	got, err = st.Get(ctx, admin, Customers, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	text, row = cardOf(t, got)
	for k, want := range map[string]string{
		"kind": "company", "title": "Gökkuşağı Gıda Ltd. Şti.", "phone": "+902165551212", "email": "info@gokkusagi.com.tr",
		"website": "https://www.gokkusagi.com.tr", "province": "İstanbul", "district": "Kadıköy", "first_name": "",
	} {
		if row[k] != want {
			t.Errorf("company %s: %q, want %q", k, row[k], want)
		}
	}
	if !strings.Contains(text, "X-ABShowAs:COMPANY") || !strings.Contains(text, "TEL;TYPE=work,pref:+902165551212") {
		t.Errorf("the company's card:\n%s", text)
	}
}

// TestExportRecord: one record's export follows the export scope as well
// as the read scope, leaves out what is hidden, and is in the audit trail.
func TestExportRecord(t *testing.T) {
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	exporter := Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all", "export": "own"}},
		Fields: map[string]map[string]string{"customers": {"birth_date": "hidden", "tckn": "hidden"}},
	}
	me := fx.user(t, "Dışa Aktaran", fx.depts["sales"], nil, fx.role(t, "Aktarıcı", exporter))
	a := fx.actor(t, me)
	mine := mustCreate(t, st, fx.admin, Customers, fullPerson().with("owner_id", me))
	theirs := mustCreate(t, st, fx.admin, Customers, fullPerson().with("owner_id", fx.users["mate"]))

	rec, err := st.ExportRecord(ctx, a, Customers, mine.ID, "vcard")
	if err != nil {
		t.Fatal(err)
	}
	text, row := cardOf(t, rec)
	if row["birth_date"] != "" || strings.Contains(text, "BDAY") || strings.Contains(text, "1980") {
		t.Errorf("the hidden birth date is in the card:\n%s", text)
	}
	var n int
	if err := st.reader.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'export' AND module = 'customers'
		AND record_id = ? AND user_id = ? AND changes LIKE '%vcard%'`, mine.ID, me).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries of the export (%v)", n, err)
	}
	if _, err := st.ExportRecord(ctx, a, Customers, theirs.ID, "vcard"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a record seen but not exportable: %v, want ErrForbidden", err)
	}
	reader := fx.user(t, "Okur", fx.depts["sales"], nil, fx.role(t, "Okur", Permissions{Grants: map[string]map[string]string{"customers": {"read": "own"}}}))
	if _, err := st.ExportRecord(ctx, fx.actor(t, reader), Customers, mine.ID, "vcard"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user without export: %v, want ErrForbidden", err)
	}
	own := fx.user(t, "Satışçı", fx.depts["sales"], nil, fx.role(t, "Kendi", Permissions{Grants: map[string]map[string]string{"customers": {"read": "own", "export": "own"}}}))
	if _, err := st.ExportRecord(ctx, fx.actor(t, own), Customers, mine.ID, "vcard"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a record out of sight: %v, want ErrNotFound", err)
	}
}
