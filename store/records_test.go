package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"kobicrm/store/tr"
)

func person(first, last string, extra Values) Values {
	v := Values{"kind": "person", "first_name": first, "last_name": last}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func company(title string, extra Values) Values {
	v := Values{"kind": "company", "title": title}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func mustCreate(t testing.TB, st *Store, a *Actor, m *Module, v Values) *Record {
	t.Helper()
	r, err := st.Create(context.Background(), a, m, v)
	if err != nil {
		t.Fatalf("create %s %v: %v", m.Key, v, err)
	}
	return r
}

func TestCustomerFormValidationNamesFields(t *testing.T) {
	form := url.Values{
		"kind": {"person"}, "first_name": {"Şükrü"}, "last_name": {"Çağlar"},
		"tckn": {"10000000147"}, "email": {"sukru@"}, "phone": {"0532 123 456"},
		"postal_code": {"3471"}, "province": {"Atlantis"}, "title": {"ignored for a person"},
	}
	vals, errs := Customers.ParseForm(form)
	for field, key := range map[string]string{
		"tckn": "error.tckn", "email": "error.email", "phone": "error.phone",
		"postal_code": "error.postal_code", "province": "error.province",
	} {
		if errs.Fields[field].Key != key {
			t.Errorf("%s: %q, want %q", field, errs.Fields[field].Key, key)
		}
	}
	if _, ok := vals["title"]; ok {
		t.Error("a company-only field was read for a person")
	}
	if vals.Str("first_name") != "Şükrü" {
		t.Errorf("good values are kept: %v", vals)
	}
}

func TestCustomerCreateNormalisesAndChecks(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	vals, errs := Customers.ParseForm(url.Values{
		"kind": {"person"}, "first_name": {" Ayşe "}, "last_name": {"Yılmaz"},
		"tckn": {"10000000146"}, "phone": {"+90 (532) 123-45-67"}, "email": {"Ayse@Firma.COM.TR"},
		"province": {"isparta"}, "postal_code": {"32100"}, "tags": {"vip, toptan, VIP"},
		"phones_label": {"iş", ""}, "phones_number": {"0212 555 12 12", ""},
	})
	if err := errs.Err(); err != nil {
		t.Fatal(err)
	}
	r := mustCreate(t, st, admin, Customers, vals)
	got, err := st.Get(ctx, admin, Customers, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"display_name": "Ayşe Yılmaz", "phone": "+905321234567", "email": "ayse@firma.com.tr",
		"province": "Isparta", "stage": "customer", "tckn": "10000000146"}
	for k, w := range want {
		if got.Values.Str(k) != w {
			t.Errorf("%s = %q, want %q", k, got.Values.Str(k), w)
		}
	}
	if tags := got.Values.Tags("tags"); len(tags) != 2 || tags[0] != "vip" || tags[1] != "toptan" {
		t.Errorf("tags = %v", tags)
	}
	if p := got.Values.Phones("phones"); len(p) != 1 || p[0].Number != "+902125551212" || p[0].Label != "iş" {
		t.Errorf("phones = %v", p)
	}
	if owner, _ := got.Values.Int("owner_id"); owner != admin.UserID || got.Refs["owner_id"] != "Ayşe Yılmaz" {
		t.Errorf("owner = %d %q", owner, got.Refs["owner_id"])
	}

	_, err = st.Create(ctx, admin, Customers, Values{"kind": "company"})
	if v, ok := AsValidation(err); !ok || v.Fields["title"].Key != "error.required" {
		t.Errorf("company without a title: %v", err)
	}
	_, err = st.Create(ctx, admin, Customers, person("A", "B", Values{"province": "İstanbul", "postal_code": "06100"}))
	if v, ok := AsValidation(err); !ok || v.Fields["postal_code"].Key != "error.postal_province" {
		t.Errorf("postal code of another province: %v", err)
	}
	// Through the Go API a malformed value reaches the hooks' checks only
	// as an error, never as a panic.
	_, err = st.Create(ctx, admin, Customers, company("X", Values{"postal_code": "1", "province": "Isparta"}))
	if v, ok := AsValidation(err); !ok || v.Fields["postal_code"].Key != "error.postal_code" {
		t.Errorf("short postal code through the Go API: %v", err)
	}
	_, err = st.Create(ctx, admin, Customers, person("A", "B", Values{"owner_id": int64(999)}))
	if v, ok := AsValidation(err); !ok || v.Fields["owner_id"].Key != "error.ref_missing" {
		t.Errorf("owner who does not exist: %v", err)
	}
}

func TestUpdateReturnsChangeSetAndClearsOtherGroup(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	r := mustCreate(t, st, admin, Customers, person("Mehmet", "Kaya", Values{"tckn": "10000000146", "tags": []string{"a"}}))
	got, changes, err := st.Update(ctx, admin, Customers, r.ID, Values{"last_name": "Demir", "tags": []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	byField := map[string]Change{}
	for _, c := range changes {
		byField[c.Field] = c
	}
	if c := byField["last_name"]; c.Old != "Kaya" || c.New != "Demir" {
		t.Errorf("last_name change: %+v", c)
	}
	if _, ok := byField["display_name"]; !ok {
		t.Error("the computed name change is not in the change set")
	}
	if _, ok := byField["first_name"]; ok {
		t.Error("an unchanged field is in the change set")
	}
	if got.Values.Str("display_name") != "Mehmet Demir" {
		t.Errorf("display name %q", got.Values.Str("display_name"))
	}
	if _, changes, _ := st.Update(ctx, admin, Customers, r.ID, Values{"last_name": "Demir"}); len(changes) != 0 {
		t.Errorf("a no-op update reported changes: %v", changes)
	}
	// Turning the person into a company drops the person-only fields.
	got, _, err = st.Update(ctx, admin, Customers, r.ID, Values{"kind": "company", "title": "Demir Ltd."})
	if err != nil {
		t.Fatal(err)
	}
	if got.Values.Str("tckn") != "" || got.Values.Str("first_name") != "" {
		t.Errorf("person fields kept on a company: %v", got.Values)
	}
	if _, _, err := st.Update(ctx, admin, Customers, 12345, Values{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing record: %v", err)
	}
}

func TestListKeysetPagingInTurkishOrder(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	names := []string{"Zeynep", "Çağla", "Cem", "Ömer", "Oya", "İsmail", "Irmak", "Ilgın", "Şule", "Sevgi", "Ümit", "Ufuk", "Ahmet", "Deniz", "Gül", "Ğ"}
	for _, n := range names {
		mustCreate(t, st, admin, Customers, person(n, "Test", nil))
	}
	var seen []string
	q := ListQuery{Limit: 3}
	for pages := 0; ; pages++ {
		p, err := st.List(ctx, admin, Customers, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			seen = append(seen, r.Values.Str("first_name"))
		}
		if p.Next == "" {
			break
		}
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		q.Cursor = p.Next
	}
	if len(seen) != len(names) {
		t.Fatalf("paged through %d of %d: %v", len(seen), len(names), seen)
	}
	for i := 1; i < len(seen); i++ {
		if tr.Compare(seen[i-1]+" Test", seen[i]+" Test") > 0 {
			t.Errorf("not in Turkish order: %v", seen)
			break
		}
	}
	// Descending, from the last page backwards, gives the reverse.
	p, err := st.List(ctx, admin, Customers, ListQuery{Desc: true, Limit: 1})
	if err != nil || p.Records[0].Values.Str("first_name") != seen[len(seen)-1] {
		t.Errorf("descending first = %v, want %s (%v)", p.Records[0].Values.Str("first_name"), seen[len(seen)-1], err)
	}
	if _, err := st.List(ctx, admin, Customers, ListQuery{Sort: "notes"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("sort by an unsortable field: %v", err)
	}
	if _, err := st.List(ctx, admin, Customers, ListQuery{Cursor: "%%%"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestListFilters(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	a := ActorFor(admin)
	ctx := context.Background()
	other, _ := st.CreateUser(ctx, a, NewUser{Name: "Can", Email: "can@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	mustCreate(t, st, a, Customers, person("Ali", "Isparta", Values{"province": "Isparta", "tags": []string{"vip"}}))
	mustCreate(t, st, a, Customers, person("Veli", "Ankara", Values{"province": "Ankara", "stage": "lead", "owner_id": other.ID}))
	mustCreate(t, st, a, Customers, company("Gül Ltd.", Values{"province": "Isparta"}))
	count := func(q ListQuery) int {
		t.Helper()
		p, err := st.List(ctx, a, Customers, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Records)
	}
	cases := []struct {
		q    ListQuery
		want int
	}{
		{ListQuery{}, 3},
		{ListQuery{Filters: map[string]string{"province": "ısparta"}}, 2},
		{ListQuery{Filters: map[string]string{"kind": "company"}}, 1},
		{ListQuery{Filters: map[string]string{"stage": "lead"}}, 1},
		{ListQuery{Filters: map[string]string{"owner_id": fmt.Sprint(other.ID)}}, 1},
		{ListQuery{Filters: map[string]string{"tags": "vip"}}, 1},
		{ListQuery{Filters: map[string]string{"province": "Isparta", "kind": "person"}}, 1},
		{ListQuery{CreatedFrom: "2000-01-01", CreatedTo: "2999-12-31"}, 3},
		{ListQuery{CreatedTo: "01.01.2001"}, 0},
		{ListQuery{Search: "gul"}, 1},
	}
	for _, c := range cases {
		if got := count(c.q); got != c.want {
			t.Errorf("%+v: %d records, want %d", c.q, got, c.want)
		}
	}
	for _, bad := range []ListQuery{
		{Filters: map[string]string{"notes": "x"}},
		{Filters: map[string]string{"owner_id": "abc"}},
		{Filters: map[string]string{"province": "Mordor"}},
		{Filters: map[string]string{"kind": "robot"}},
		{CreatedFrom: "yesterday"},
	} {
		if _, err := st.List(ctx, a, Customers, bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%+v: %v, want ErrBadQuery", bad, err)
		}
	}
}

func TestSearchFoldsTurkish(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	isparta := mustCreate(t, st, a, Customers, company("ISPARTA Ltd.", Values{"vkn": "4540536920"}))
	cicek := mustCreate(t, st, a, Customers, person("Çiçekçi", "Işık", Values{"phone": "0532 123 45 67", "tckn": "28765432164"}))
	car := mustCreate(t, st, a, Assets, Values{"customer_id": cicek.ID, "name": "Doblo", "plate": "34 abc 123", "serial_no": "nm4ka123"})
	find := func(q string) map[int64]bool {
		t.Helper()
		groups, err := st.Search(ctx, a, q, 10)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		ids := map[int64]bool{}
		for _, g := range groups {
			for _, r := range g.Hits {
				ids[r.ID*10+int64(g.Module.SearchID)] = true
			}
		}
		return ids
	}
	key := func(r *Record) int64 { return r.ID*10 + int64(r.Module.SearchID) }
	for _, q := range []string{"isparta", "ISPARTA", "Isparta", "ısparta", "İsparta", "ispar", "4540536920"} {
		if !find(q)[key(isparta)] {
			t.Errorf("%q does not find ISPARTA Ltd.", q)
		}
	}
	for _, q := range []string{"cicekci", "ÇİÇEKÇİ", "isik", "IŞIK", "05321234567", "+90 532 123 45 67", "532 123", "(0532) 123-45-67", "28765432164"} {
		if !find(q)[key(cicek)] {
			t.Errorf("%q does not find Çiçekçi Işık", q)
		}
	}
	for _, q := range []string{"34 ABC 123", "34abc123", "34 abc", "NM4KA123", "doblo"} {
		if !find(q)[key(car)] {
			t.Errorf("%q does not find the asset", q)
		}
	}
	for _, q := range []string{"", "a", `"`, "*", "NEAR(", "-", "AND OR NOT"} {
		if _, err := st.Search(ctx, a, q, 10); err != nil {
			t.Errorf("search %q failed: %v", q, err)
		}
	}
	// Deleted records, and assets of a deleted customer, are not found.
	if err := st.Delete(ctx, a, Customers, cicek.ID); err != nil {
		t.Fatal(err)
	}
	if ids := find("cicekci"); ids[key(cicek)] {
		t.Error("a deleted customer is found")
	}
	if ids := find("doblo"); ids[key(car)] {
		t.Error("the asset of a deleted customer is found")
	}
}

func TestLookupPhone(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	one := mustCreate(t, st, a, Customers, person("Ali", "Bir", Values{"phone": "05321234567"}))
	two := mustCreate(t, st, a, Customers, person("Ayşe", "İki", Values{"phones": []PhoneEntry{{Label: "ev", Number: "+905321234567"}}}))
	mustCreate(t, st, a, Customers, person("Can", "Üç", Values{"phone": "05329999999"}))
	number, found, err := st.LookupPhone(ctx, a, "+90 (532) 123 45 67")
	if err != nil || number != "+905321234567" || len(found) != 2 {
		t.Fatalf("lookup: %s %d %v", number, len(found), err)
	}
	if found[0].ID != one.ID || found[1].ID != two.ID {
		t.Errorf("found %d, %d", found[0].ID, found[1].ID)
	}
	if _, found, _ := st.LookupPhone(ctx, a, "0212 000 00 00"); len(found) != 0 {
		t.Errorf("unknown number found %d", len(found))
	}
	if _, _, err := st.LookupPhone(ctx, a, "12"); err == nil {
		t.Error("a non-number was looked up")
	}
}

func TestConvertLeadKeepsRecordAndLinksCompany(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	lead := mustCreate(t, st, a, Customers, person("Deniz", "Aday", Values{"stage": "lead", "notes": "Fuarda tanıştık."}))
	if lead.Values.Str("lead_status") != "new" {
		t.Errorf("a new lead's status is %q", lead.Values.Str("lead_status"))
	}
	_, _, err := st.ConvertLead(ctx, a, lead.ID, ConvertInput{CompanyTitle: "Aday A.Ş.", CompanyVKN: "123"})
	if v, ok := AsValidation(err); !ok || v.Fields["company_vkn"].Key != "error.vkn" {
		t.Fatalf("bad VKN: %v", err)
	}
	if got, _ := st.Get(ctx, a, Customers, lead.ID); got.Values.Str("stage") != "lead" {
		t.Fatal("a failed conversion changed the lead")
	}
	p, c, err := st.ConvertLead(ctx, a, lead.ID, ConvertInput{CompanyTitle: "Aday A.Ş.", CompanyVKN: "4540536920", Role: "purchasing"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != lead.ID || p.Values.Str("stage") != "customer" || p.Values.Str("notes") != "Fuarda tanıştık." {
		t.Errorf("converted: %+v", p.Values)
	}
	contacts, err := st.Contacts(ctx, a, c.ID)
	if err != nil || len(contacts) != 1 || contacts[0].Person.ID != lead.ID || contacts[0].Role != "purchasing" {
		t.Errorf("company contacts: %+v, %v", contacts, err)
	}
	back, _ := st.Contacts(ctx, a, lead.ID)
	if len(back) != 1 || back[0].Company.ID != c.ID {
		t.Errorf("person's companies: %+v", back)
	}
	if _, _, err := st.ConvertLead(ctx, a, lead.ID, ConvertInput{}); err == nil {
		t.Error("a customer was converted again")
	}
}

func TestContactsNeedCompanyAndPerson(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	p := mustCreate(t, st, a, Customers, person("Ali", "Yetkili", nil))
	c := mustCreate(t, st, a, Customers, company("Firma", nil))
	if err := st.AddContact(ctx, a, p.ID, c.ID, "authorized"); err == nil {
		t.Error("a company was linked as a person's contact")
	}
	if err := st.AddContact(ctx, a, c.ID, p.ID, "boss"); err == nil {
		t.Error("an unknown role was accepted")
	}
	if err := st.AddContact(ctx, a, c.ID, p.ID, "authorized"); err != nil {
		t.Fatal(err)
	}
	if err := st.AddContact(ctx, a, c.ID, p.ID, "accounting"); err != nil {
		t.Fatalf("changing the role: %v", err)
	}
	got, _ := st.Contacts(ctx, a, c.ID)
	if len(got) != 1 || got[0].Role != "accounting" {
		t.Errorf("contacts: %+v", got)
	}
	if err := st.RemoveContact(ctx, a, c.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveContact(ctx, a, c.ID, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
}

func TestRecycleBin(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	a := ActorFor(admin)
	ctx := context.Background()
	c := mustCreate(t, st, a, Customers, company("Silinecek Ltd.", nil))
	car := mustCreate(t, st, a, Assets, Values{"customer_id": c.ID, "name": "Kamyon", "plate": "06 AB 1234"})
	if err := st.Delete(ctx, a, Customers, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, a, Customers, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted record is still served: %v", err)
	}
	if p, _ := st.List(ctx, a, Assets, ListQuery{}); len(p.Records) != 0 {
		t.Error("the asset of a deleted customer is listed")
	}
	bin, _ := st.List(ctx, a, Customers, ListQuery{Deleted: true})
	if len(bin.Records) != 1 || bin.Records[0].DeletedAt.IsZero() {
		t.Fatalf("recycle bin: %+v", bin.Records)
	}
	if err := st.Restore(ctx, a, Customers, c.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.List(ctx, a, Assets, ListQuery{}); len(p.Records) != 1 {
		t.Error("restoring the customer did not bring its asset back")
	}
	if err := st.Purge(ctx, a, Customers, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a live record was purged: %v", err)
	}
	clerkUser, _ := st.CreateUser(ctx, a, NewUser{Name: "Can", Email: "can@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	_ = st.Delete(ctx, a, Customers, c.ID)
	if err := st.Purge(ctx, ActorFor(clerkUser), Customers, c.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin purged: %v", err)
	}
	if err := st.Purge(ctx, a, Customers, c.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = st.reader.QueryRow("SELECT count(*) FROM assets WHERE id = ?", car.ID).Scan(&n)
	if n != 0 {
		t.Error("purging the customer left its asset")
	}
	groups, _ := st.Search(ctx, a, "kamyon", 5)
	if len(groups) != 0 {
		t.Error("the purged asset is still in the search index")
	}
}

func TestParseJSON(t *testing.T) {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal([]byte(`{"id": 5, "kind": "person", "first_name": "Ali", "tags": ["a", "b"], "employee_count": "x",
		"phones": [{"label": "iş", "number": "0212 555 12 12"}], "nope": 1, "display_name": "ignored", "tckn": 10000000146}`), &obj)
	vals, errs := Customers.ParseJSON(obj)
	if errs.Fields["nope"].Key != "error.unknown_field" || errs.Fields["employee_count"].Key != "error.json_type" || errs.Fields["tckn"].Key != "error.json_type" {
		t.Errorf("errors: %v", errs.Fields)
	}
	if vals.Str("first_name") != "Ali" || len(vals.Tags("tags")) != 2 || vals.Phones("phones")[0].Number != "+902125551212" {
		t.Errorf("values: %v", vals)
	}
	if _, ok := vals["display_name"]; ok {
		t.Error("a computed field was taken from input")
	}
}

func TestSortByProvinceIsTurkish(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	for _, p := range []string{"Zonguldak", "İzmir", "Çanakkale", "Isparta", "Ankara", "Şanlıurfa", "Sakarya", "Uşak", "Ordu"} {
		mustCreate(t, st, a, Customers, person("A", p, Values{"province": p}))
	}
	var got []string
	q := ListQuery{Sort: "province", Limit: 4}
	for {
		p, err := st.List(ctx, a, Customers, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got = append(got, r.Values.Str("province"))
		}
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	want := []string{"Ankara", "Çanakkale", "Isparta", "İzmir", "Ordu", "Sakarya", "Şanlıurfa", "Uşak", "Zonguldak"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("by province: %v\nwant %v", got, want)
	}
}

// A yes/no field declared on by default starts a new record on, as a
// bool: the form shows it ticked and an API create without it saves it on.
func TestNewValuesBoolDefault(t *testing.T) {
	t.Parallel()
	v := KBArticles.NewValues()
	if b, ok := v["published"].(bool); !ok || !b {
		t.Fatalf("published starts as %#v, want true", v["published"])
	}
	if b, ok := Products.NewValues()["active"].(bool); !ok || !b {
		t.Fatalf("a product's active starts as %#v, want true", Products.NewValues()["active"])
	}
}
