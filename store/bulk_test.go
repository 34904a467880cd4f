package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func countRows(t *testing.T, st *Store, query string) int {
	t.Helper()
	var n int
	if err := st.reader.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestCreateManyCreatesSearchableRows(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	created := time.Date(2024, 3, 15, 9, 30, 0, 0, time.UTC)
	rows := []Values{
		person("Şükrü", "Çağlayan", Values{"tckn": "10000000146", "phone": "0532 111 22 33", "tags": []string{"vip"},
			"phones": []PhoneEntry{{Label: "ev", Number: "0246 222 33 44"}}, CreatedAtKey: created}),
		company("Yıldız Gıda San. ve Tic. Ltd. Şti.", Values{"vkn": "4540536920", "province": "Isparta", "postal_code": "32100"}),
	}
	for i := range 20 {
		rows = append(rows, person(fmt.Sprintf("Kişi%d", i), "Toplu", nil))
	}
	ids, err := st.CreateMany(ctx, admin, Customers, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(rows) {
		t.Fatalf("%d ids for %d rows", len(ids), len(rows))
	}
	if _, ok := rows[0][SortKeyField]; ok {
		t.Error("CreateMany changed the caller's row")
	}
	got, err := st.Get(ctx, admin, Customers, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Values.Str("phone") != "+905321112233" || got.Values.Str("display_name") != "Şükrü Çağlayan" {
		t.Errorf("not normalised like Create: %v", got.Values)
	}
	if p := got.Values.Phones("phones"); len(p) != 1 || p[0].Number != "+902462223344" {
		t.Errorf("phones side table: %v", p)
	}
	if tags := got.Values.Tags("tags"); len(tags) != 1 || tags[0] != "vip" {
		t.Errorf("tags side table: %v", tags)
	}
	if owner, _ := got.Values.Int("owner_id"); owner != admin.UserID {
		t.Errorf("owner = %d, want the actor %d", owner, admin.UserID)
	}
	if !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(created) {
		t.Errorf("created %v updated %v, want %v", got.CreatedAt, got.UpdatedAt, created)
	}
	other, _ := st.Get(ctx, admin, Customers, ids[1])
	if time.Since(other.CreatedAt) > time.Minute {
		t.Errorf("a row without a creation time got %v", other.CreatedAt)
	}
	// The same answers from the index as written and once merged (as
	// after a bulk load), and a record deleted after the merge is gone.
	for _, merged := range []bool{false, true} {
		if merged {
			if err := st.OptimizeSearch(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int64{"caglayan": ids[0], "ŞÜKRÜ": ids[0], "5321112": ids[0], "2462223344": ids[0],
			"yildiz gida": ids[1], "4540536920": ids[1], "isparta": ids[1]} {
			groups, err := st.Search(ctx, admin, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(groups) != 1 || len(groups[0].Hits) != 1 || groups[0].Hits[0].ID != want {
				t.Errorf("search %q (merged %v): %v", q, merged, groups)
			}
		}
	}
	page, err := st.List(ctx, admin, Customers, ListQuery{Search: "toplu", Limit: 100})
	if err != nil || len(page.Records) != 20 {
		t.Errorf("list search found %d of 20 (%v)", len(page.Records), err)
	}
	if err := st.Delete(ctx, admin, Customers, ids[2]); err != nil {
		t.Fatal(err)
	}
	if groups, err := st.Search(ctx, admin, "kisi0", 10); err != nil || len(groups) != 0 {
		t.Errorf("a record deleted after the merge: %v, %v", groups, err)
	}

	// Assets refer to the new customers, and their checks run too.
	aids, err := st.CreateMany(ctx, admin, Assets, []Values{
		{"customer_id": ids[1], "name": "Ford Transit", "plate": "32abc123", "purchase_date": "2023-05-01", "warranty_end": "2026-05-01"},
		{"customer_id": ids[0], "kind": "device", "name": "Kombi", "serial_no": "dd123"},
	})
	if err != nil {
		t.Fatal(err)
	}
	kids, err := st.Children(ctx, admin, Assets, "customer_id", ids[1], 10)
	if err != nil || len(kids) != 1 || kids[0].ID != aids[0] || kids[0].Values.Str("plate") != "32 ABC 123" {
		t.Errorf("children: %v %v", kids, err)
	}
	if groups, _ := st.Search(ctx, admin, "32abc123", 10); len(groups) != 1 || groups[0].Module.Key != Assets.Key {
		t.Errorf("asset search by plate: %v", groups)
	}
	if ids, err := st.CreateMany(ctx, admin, Customers, nil); err != nil || ids != nil {
		t.Errorf("no rows: %v %v", ids, err)
	}
}

func TestCreateManyBadRowWritesNothing(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	var rows []Values
	for i := range 10 {
		rows = append(rows, person("Ali", fmt.Sprintf("Veli%d", i), Values{"tags": []string{"toptan"}, "phone": "05321234567"}))
	}
	rows[6]["tckn"] = "10000000147" // a wrong check digit
	_, err := st.CreateMany(ctx, admin, Customers, rows)
	var re *RowError
	if !errors.As(err, &re) || re.Row != 6 || re.Err.Fields["tckn"].Key != "error.tckn" {
		t.Fatalf("error = %v, want row 6 tckn", err)
	}
	if v, ok := AsValidation(err); !ok || v.Fields["tckn"].Key != "error.tckn" {
		t.Errorf("a RowError does not unwrap to its ValidationError: %v", err)
	}
	if msg := err.Error(); msg != "row 6: invalid input: tckn (error.tckn)" {
		t.Errorf("message %q does not name the row and field", msg)
	}
	for _, q := range []string{"SELECT count(*) FROM customers", "SELECT count(*) FROM customers_tags", "SELECT count(*) FROM search_fts"} {
		if n := countRows(t, st, q); n != 0 {
			t.Errorf("%s = %d after a refused batch", q, n)
		}
	}

	// A reference to a missing record is a row error as well.
	_, err = st.CreateMany(ctx, admin, Assets, []Values{{"customer_id": int64(4242), "name": "Egea"}})
	if !errors.As(err, &re) || re.Row != 0 || re.Err.Fields["customer_id"].Key != "error.ref_missing" {
		t.Errorf("missing customer: %v", err)
	}
	// So is a creation time in the future or of the wrong type.
	_, err = st.CreateMany(ctx, admin, Customers, []Values{person("A", "B", nil), person("C", "D", Values{CreatedAtKey: time.Now().Add(time.Hour)})})
	if !errors.As(err, &re) || re.Row != 1 || re.Err.Fields[CreatedAtKey].Key != "error.date" {
		t.Errorf("future creation time: %v", err)
	}
	if n := countRows(t, st, "SELECT count(*) FROM customers"); n != 0 {
		t.Errorf("%d customers after refused batches", n)
	}
	if _, err := st.CreateMany(ctx, nil, Customers, rows[:1]); !errors.Is(err, ErrForbidden) {
		t.Errorf("no actor: %v", err)
	}
}

func TestAddContacts(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	ids, err := st.CreateMany(ctx, admin, Customers, []Values{
		company("Akdeniz İnşaat A.Ş.", nil), company("Ege Tekstil Ltd. Şti.", nil),
		person("Ayşe", "Kaya", nil), person("Mehmet", "Demir", nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	c1, c2, p1, p2 := ids[0], ids[1], ids[2], ids[3]
	links := []ContactLink{{c1, p1, "authorized"}, {c1, p2, "accounting"}, {c2, p1, "purchasing"}}
	if err := st.AddContacts(ctx, admin, links); err != nil {
		t.Fatal(err)
	}
	cs, err := st.Contacts(ctx, admin, c1)
	if err != nil || len(cs) != 2 {
		t.Fatalf("contacts of c1: %v %v", cs, err)
	}
	if cs, _ := st.Contacts(ctx, admin, p1); len(cs) != 2 {
		t.Errorf("companies of p1: %v", cs)
	}

	// One bad link in a batch refuses the batch, naming the link.
	bad := []ContactLink{{c2, p2, "technical"}, {c2, c1, "other"}}
	err = st.AddContacts(ctx, admin, bad)
	var re *RowError
	if !errors.As(err, &re) || re.Row != 1 || re.Err.Fields["person_id"].Key != "error.contact_person" {
		t.Errorf("a company as a person: %v", err)
	}
	err = st.AddContacts(ctx, admin, []ContactLink{{c2, p2, "boss"}})
	if !errors.As(err, &re) || re.Err.Fields["role"].Key != "error.choice" {
		t.Errorf("unknown role: %v", err)
	}
	if err := st.AddContacts(ctx, admin, []ContactLink{{c2, p2, "other"}, {c2, 9999, "other"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing person: %v", err)
	}
	if cs, _ := st.Contacts(ctx, admin, c2); len(cs) != 1 {
		t.Errorf("a refused batch wrote links: %v", cs)
	}
	// An existing link takes the new role, as with AddContact.
	if err := st.AddContacts(ctx, admin, []ContactLink{{c1, p1, "management"}}); err != nil {
		t.Fatal(err)
	}
	cs, _ = st.Contacts(ctx, admin, c1)
	for _, c := range cs {
		if c.Person.ID == p1 && c.Role != "management" {
			t.Errorf("role not updated: %q", c.Role)
		}
	}
}
