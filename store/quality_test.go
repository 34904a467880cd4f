package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fullPerson and fullCompany hold every field the quality rules look at.
func fullPerson() Values {
	return person("Şükrü", "Çağlar", Values{
		"phone": "0532 123 45 67", "email": "sukru@ornek.com.tr", "tckn": "10000000146", "birth_date": "1980-05-01",
		"province": "Isparta", "district": "Eğirdir", "address": "Yeni Mah. Göl Sok. No: 3", "postal_code": "32500", "owner_id": int64(1),
	})
}

func fullCompany() Values {
	return company("Gökkuşağı Gıda Ltd. Şti.", Values{
		"vkn": "4540536920", "tax_office": "Kadıköy", "phone": "0216 555 12 12", "email": "info@gokkusagi.com.tr",
		"province": "İstanbul", "district": "Kadıköy", "address": "Moda Cad. No: 5", "postal_code": "34710",
		"sector": "Gıda", "website": "https://www.gokkusagi.com.tr", "owner_id": int64(1),
	})
}

func without(v Values, fields ...string) Values {
	out := Values{}
	for k, x := range v {
		if !slices.Contains(fields, k) {
			out[k] = x
		}
	}
	return out
}

func gapFields(q Quality) []string {
	var out []string
	for _, g := range q.Gaps {
		out = append(out, g.Field)
	}
	return out
}

func TestCustomerQuality(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     Values
		score int
		gaps  []string // heaviest first
	}{
		{"complete person", fullPerson(), 100, nil},
		{"complete company", fullCompany(), 100, nil},
		{"a bare person", person("Ali", "Demir", nil), 10,
			[]string{"phone", "email", "tckn", "address", "province", "owner_id", "birth_date", "district", "postal_code"}},
		{"a bare company", company("Ufuk Ltd. Şti.", nil), 10,
			[]string{"vkn", "phone", "email", "tax_office", "address", "province", "sector", "owner_id", "district", "postal_code", "website"}},
		{"a person without a TCKN", without(fullPerson(), "tckn"), 85, []string{"tckn"}},
		{"a person without phone and e-mail", without(fullPerson(), "phone", "email"), 65, []string{"phone", "email"}},
		{"another number is a phone", Values(without(fullPerson(), "phone")).with("phones", []PhoneEntry{{Label: "ev", Number: "+902462221133"}}), 100, nil},
		{"an empty phone list is none", Values(without(fullPerson(), "phone")).with("phones", []PhoneEntry(nil)), 80, []string{"phone"}},
		{"a company without VKN and tax office", without(fullCompany(), "vkn", "tax_office"), 72, []string{"vkn", "tax_office"}},
		{"a company without web site", without(fullCompany(), "website"), 97, []string{"website"}},
		{"an unowned company", fullCompany().with("owner_id", nil), 95, []string{"owner_id"}},
		// A person's fields do not count for a company, nor a company's for a person.
		{"a company with a person's fields", company("Ufuk Ltd. Şti.", Values{"tckn": "10000000146", "birth_date": "1980-05-01"}), 10, nil},
		{"a person with a company's fields", person("Ali", "Demir", Values{"vkn": "4540536920", "website": "https://ali.com.tr"}), 10, nil},
		{"no kind, no score", Values{"phone": "+905321234567"}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := CustomerQuality(tc.v)
			if q.Score != tc.score {
				t.Errorf("score %d, want %d", q.Score, tc.score)
			}
			if tc.gaps != nil && !slices.Equal(gapFields(q), tc.gaps) {
				t.Errorf("gaps %v, want %v", gapFields(q), tc.gaps)
			}
			missing := 0
			for _, g := range q.Gaps {
				missing += g.Points
				if g.Key != "quality.gap."+g.Field || g.Points <= 0 {
					t.Errorf("gap %+v", g)
				}
			}
			if k := tc.v.Str("kind"); k != "" && q.Score+missing != 100 {
				t.Errorf("score %d and gaps worth %d do not make 100", q.Score, missing)
			}
		})
	}
}

func (v Values) with(k string, x any) Values {
	v[k] = x
	return v
}

// TestQualityRules: each kind's weights make 100, and every rule names
// fields of the customers that apply to its kind.
func TestQualityRules(t *testing.T) {
	sums := map[string]int{}
	for _, r := range qualityRules {
		sums[r.group] += r.weight
		if r.weight <= 0 {
			t.Errorf("rule %v weighs nothing", r.fields)
		}
		for _, name := range r.fields {
			f, ok := Customers.Field(name)
			if !ok || (f.Group != "" && f.Group != r.group) || f.Computed {
				t.Errorf("rule of %s names %q, which is not one of its input fields", r.group, name)
			}
		}
	}
	if len(sums) != 2 || sums["person"] != 100 || sums["company"] != 100 {
		t.Errorf("weights add up to %v, want 100 per kind", sums)
	}
	f, _ := Customers.Field(QualityField)
	for n, want := range map[int64]string{0: "low", 49: "low", 50: "medium", 79: "medium", 80: "high", 100: "high", 101: ""} {
		if got := f.BandOf(n); got != want {
			t.Errorf("band of %d is %q, want %q", n, got, want)
		}
	}
}

// storedQuality reads the quality column behind the store's back.
func storedQuality(t *testing.T, st *Store, id int64) int64 {
	t.Helper()
	var n int64
	if err := st.reader.QueryRow("SELECT quality FROM customers WHERE id = ?", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQualityKeptOnWrite: every write stores the score of the values it
// saves; the record page's gaps come from the same rules.
func TestQualityKeptOnWrite(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()

	r := mustCreate(t, st, admin, Customers, person("Ali", "Demir", Values{"phone": "0532 111 22 33"}))
	// The owner defaults to the creator: name 10, phone 20, owner 8.
	if got := storedQuality(t, st, r.ID); got != 38 {
		t.Errorf("created with quality %d, want 38", got)
	}
	if _, _, err := st.Update(ctx, admin, Customers, r.ID, Values{"email": "ali@ornek.com.tr", "tckn": "10000000146"}); err != nil {
		t.Fatal(err)
	}
	if got := storedQuality(t, st, r.ID); got != 68 {
		t.Errorf("after adding e-mail and TCKN the quality is %d, want 68", got)
	}
	// Moving the main number to the list of others keeps the phone.
	if _, _, err := st.Update(ctx, admin, Customers, r.ID, Values{"phone": "", "phones": []PhoneEntry{{Label: "iş", Number: "0212 555 12 12"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(ctx, admin, Customers, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := QualityOf(admin, got)
	if q.Score != 68 || storedQuality(t, st, r.ID) != 68 {
		t.Errorf("quality %d (stored %d), want 68", q.Score, storedQuality(t, st, r.ID))
	}
	if want := []string{"address", "province", "birth_date", "district", "postal_code"}; !slices.Equal(gapFields(q), want) {
		t.Errorf("gaps %v, want %v", gapFields(q), want)
	}

	ids, err := st.CreateMany(ctx, admin, Customers, []Values{fullCompany(), company("Boş A.Ş.", nil)})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := storedQuality(t, st, ids[0]), storedQuality(t, st, ids[1]); a != 100 || b != 15 {
		t.Errorf("bulk-created with quality %d and %d, want 100 and 15", a, b)
	}
	// The score is the program's: input for it is passed over.
	if _, _, err := st.Update(ctx, admin, Customers, ids[1], Values{QualityField: int64(99)}); err != nil {
		t.Fatal(err)
	}
	if got := storedQuality(t, st, ids[1]); got != 15 {
		t.Errorf("quality set from outside to %d", got)
	}
}

// TestQualityHidesHiddenGaps: a user from whom the TCKN is hidden sees
// the record's score but is never told that its TCKN is missing.
func TestQualityHidesHiddenGaps(t *testing.T) {
	fx := newSecFixture(t)
	p := Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all"}},
		Fields: map[string]map[string]string{"customers": {"tckn": "hidden"}},
	}
	me := fx.user(t, "Çağrı Görevlisi", fx.depts["sales"], nil, fx.role(t, "Kimliksiz", p))
	a := fx.actor(t, me)
	r := mustCreate(t, fx.st, fx.admin, Customers, without(fullPerson(), "tckn", "email").with("owner_id", fx.admin.UserID))
	for _, tc := range []struct {
		who  *Actor
		gaps []string
	}{{fx.admin, []string{"email", "tckn"}}, {a, []string{"email"}}} {
		got, err := fx.st.Get(fx.ctx, tc.who, Customers, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		q := QualityOf(tc.who, got)
		if q.Score != 70 || !slices.Equal(gapFields(q), tc.gaps) {
			t.Errorf("user %d: score %d gaps %v, want 70 and %v", tc.who.UserID, q.Score, gapFields(q), tc.gaps)
		}
	}
}

// TestListByQuality: the list filters by band and sorts by the score both
// ways, page by page, each record exactly once, in (score, id) order, the
// ties and the bands' edges included.
func TestListByQuality(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	var made []Values
	for i, v := range []Values{
		fullPerson(), person("A", "B", nil), fullCompany(), company("C A.Ş.", nil),
		without(fullPerson(), "tckn", "email"), without(fullPerson(), "tckn", "email"), // 70, a tie
		without(fullPerson(), "phone", "birth_date"),                     // 75
		without(fullPerson(), "email", "birth_date"),                     // 80, the high band's edge
		without(fullCompany(), "vkn", "tax_office", "website", "sector"), // 64
		without(fullPerson(), "phone", "email", "tckn"),                  // 50, the medium band's edge
		person("D", "E", Values{"phone": "0532 000 11 22"}),              // 38, with the owner
	} {
		v["owner_id"] = admin.UserID
		if i%3 == 0 {
			v["tags"] = []string{"üçte bir"}
		}
		made = append(made, v)
	}
	ids, err := st.CreateMany(ctx, admin, Customers, made)
	if err != nil {
		t.Fatal(err)
	}
	score := map[int64]int64{}
	for i, id := range ids {
		score[id] = int64(CustomerQuality(made[i]).Score)
		if got := storedQuality(t, st, id); got != score[id] {
			t.Fatalf("record %d stored %d, want %d", i, got, score[id])
		}
	}
	order := func(keep func(int64) bool, desc bool) []int64 {
		var out []int64
		for _, id := range ids {
			if keep(id) {
				out = append(out, id)
			}
		}
		slices.SortFunc(out, func(x, y int64) int {
			if c := score[x] - score[y]; c != 0 {
				return int(c)
			}
			return int(x - y)
		})
		if desc {
			slices.Reverse(out)
		}
		return out
	}
	walk := func(q ListQuery) []int64 {
		t.Helper()
		var out []int64
		for pages := 0; ; pages++ {
			p, err := st.List(ctx, admin, Customers, q)
			if err != nil {
				t.Fatalf("list %+v: %v", q, err)
			}
			if len(p.Records) > q.Limit || pages > 20 {
				t.Fatalf("a page of %d records, page %d", len(p.Records), pages)
			}
			for _, r := range p.Records {
				out = append(out, r.ID)
			}
			if p.Next == "" {
				return out
			}
			q.Cursor = p.Next
		}
	}
	all := func(int64) bool { return true }
	for _, desc := range []bool{false, true} {
		for _, limit := range []int{1, 2, 3} {
			got := walk(ListQuery{Sort: QualityField, Desc: desc, Limit: limit, Fields: []string{"display_name"}})
			if want := order(all, desc); !slices.Equal(got, want) {
				t.Errorf("by quality (desc %v, %d a page): %v, want %v", desc, limit, got, want)
			}
		}
		for _, b := range QualityBands {
			in := func(id int64) bool { return score[id] >= b.Lo && score[id] < b.Hi }
			got := walk(ListQuery{Sort: QualityField, Desc: desc, Limit: 2, Filters: map[string]string{QualityField: b.Name}})
			want := order(in, desc)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("band %s (desc %v): %v, want %v", b.Name, desc, got, want)
			}
		}
	}
	// The band filter goes with the other filters and the default order.
	p, err := st.List(ctx, admin, Customers, ListQuery{Limit: 50, Filters: map[string]string{QualityField: "high", "tags": "üçte bir"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Records {
		if n, _ := r.Values.Int(QualityField); n < 80 || !slices.Contains(r.Values.Tags("tags"), "üçte bir") {
			t.Errorf("record %d (quality %d, tags %v) passed the filters", r.ID, n, r.Values.Tags("tags"))
		}
	}
	if len(p.Records) == 0 {
		t.Error("no high-quality record among the tagged ones")
	}

	for _, q := range []ListQuery{
		{Filters: map[string]string{QualityField: "excellent"}},
		{Filters: map[string]string{QualityField: "75"}},
		{Sort: QualityField, Cursor: encodeCursor(cursor{V: "yetmiş", ID: 3})},
	} {
		if _, err := st.List(ctx, admin, Customers, q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("list %+v: %v, want ErrBadQuery", q, err)
		}
	}
}

// openAt makes a database at schema version n, as an older kobicrm left
// it, by applying the first n migrations.
func openAt(t *testing.T, path string, n int) *sql.DB {
	t.Helper()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, m := range ms[:n] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", n, applicationID)); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestOpenScoresAnOlderDatabase: customers written before the quality
// column existed get their score when this version opens the file, the
// ones in the recycle bin too, once.
func TestOpenScoresAnOlderDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ms, func(m migration) bool { return m.name == "0011_quality.sql" })
	if i < 0 {
		t.Fatal("no quality migration")
	}
	db := openAt(t, path, i)
	const at = "2025-01-02T03:04:05.000Z"
	insert := func(cols string, args ...any) int64 {
		t.Helper()
		marks := "?" + strings.Repeat(", ?", len(args)-1)
		res, err := db.Exec("INSERT INTO customers ("+cols+", created_at, updated_at) VALUES ("+marks+", '"+at+"', '"+at+"')", args...)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	bare := insert("kind, display_name, first_name, last_name", "person", "Ali Demir", "Ali", "Demir")
	rich := insert("kind, display_name, first_name, last_name, phone, email, tckn, province, district, address, postal_code",
		"person", "Şükrü Çağlar", "Şükrü", "Çağlar", "+905321234567", "sukru@ornek.com.tr", "10000000146", "Isparta", "Eğirdir", "Göl Sok. 3", "32500")
	firm := insert("kind, display_name, title, vkn, tax_office, sector", "company", "Ufuk A.Ş.", "Ufuk A.Ş.", "4540536920", "Kadıköy", "Gıda")
	other := insert("kind, display_name, first_name, last_name", "person", "Elif Kaya", "Elif", "Kaya")
	if _, err := db.Exec("INSERT INTO customers_phones (record_id, position, label, number) VALUES (?, 0, 'ev', '+902462221133')", other); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE customers SET deleted_at = ? WHERE id = ?", at, firm); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int64{bare: 10, rich: 87, firm: 43, other: 30}
	for id, score := range want {
		if got := storedQuality(t, st, id); got != score {
			t.Errorf("customer %d scored %d, want %d", id, got, score)
		}
	}
	checkQualityCounts(t, st.reader, "scoring at start")
	var flags, updated int
	if err := st.reader.QueryRow("SELECT count(*) FROM settings WHERE key = 'quality_rebuild'").Scan(&flags); err != nil || flags != 0 {
		t.Errorf("the rebuild flag is still there (%d, %v)", flags, err)
	}
	if err := st.reader.QueryRow("SELECT count(*) FROM customers WHERE updated_at <> ?", at).Scan(&updated); err != nil || updated != 0 {
		t.Errorf("%d records changed their update time (%v)", updated, err)
	}
	// Once done, a start scores nothing again.
	if _, err := st.writer.Exec("UPDATE customers SET quality = 7 WHERE id = ?", bare); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := storedQuality(t, st, bare); got != 7 {
		t.Errorf("the second start scored again: %d", got)
	}
}

// TestQualitySummaryFollowsTheScope: the home page's figure averages the
// live customers the user may read, and nobody else's.
func TestQualitySummaryFollowsTheScope(t *testing.T) {
	fx := newSecFixture(t)
	own := Permissions{Grants: map[string]map[string]string{"customers": {"read": "own", "create": "own"}}}
	me := fx.user(t, "Satışçı", fx.depts["sales"], nil, fx.role(t, "Kendi", own))
	a := fx.actor(t, me)
	for _, c := range []struct {
		v     Values
		owner int64
	}{
		{fullPerson(), me},                            // 100
		{person("Ali", "Demir", nil), me},             // 18 with the owner
		{without(fullPerson(), "tckn", "email"), me},  // 70
		{fullCompany(), fx.users["mate"]},             // 100, not mine
		{company("Boş A.Ş.", nil), fx.users["other"]}, // 15, not mine
	} {
		c.v["owner_id"] = c.owner
		mustCreate(t, fx.st, fx.admin, Customers, c.v)
	}
	gone := mustCreate(t, fx.st, fx.admin, Customers, person("Silinen", "Kişi", Values{"owner_id": me}))
	if err := fx.st.Delete(fx.ctx, fx.admin, Customers, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who  *Actor
		want QualitySummary
	}{
		{fx.admin, QualitySummary{Customers: 5, Average: 61, Low: 2}}, // 303 / 5 = 60.6
		{a, QualitySummary{Customers: 3, Average: 63, Low: 1}},        // 188 / 3 = 62.7
	} {
		got, err := fx.st.CustomerQualitySummary(fx.ctx, tc.who)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("user %d: %+v, want %+v", tc.who.UserID, got, tc.want)
		}
	}
	none := fx.user(t, "Yetkisiz", 0, nil, fx.role(t, "Hiçbir şey", Permissions{}))
	if _, err := fx.st.CustomerQualitySummary(fx.ctx, fx.actor(t, none)); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user without customers: %v, want ErrForbidden", err)
	}
}

// checkQualityCounts fails the test unless the per-owner score counts the
// triggers keep match the live customers.
func checkQualityCounts(t *testing.T, db *sql.DB, step string) {
	t.Helper()
	read := func(query string) string {
		t.Helper()
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var owner, quality, n int64
			if err := rows.Scan(&owner, &quality, &n); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%d/%d:%d", owner, quality, n))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	kept := read("SELECT owner_id, quality, n FROM customer_quality_counts WHERE n <> 0 ORDER BY 1, 2")
	want := read("SELECT COALESCE(owner_id, 0), quality, count(*) FROM customers WHERE deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2")
	if kept != want {
		t.Errorf("after %s the counts are\n%s\nwant\n%s", step, kept, want)
	}
	var negative int
	if err := db.QueryRow("SELECT count(*) FROM customer_quality_counts WHERE n < 0").Scan(&negative); err != nil || negative > 0 {
		t.Errorf("after %s: %d negative counts (%v)", step, negative, err)
	}
}

// TestQualityCountsFollowEveryWrite: whatever writes a customer (create,
// bulk create, edit, reassign, delete, restore, purge, lead conversion),
// the counts the home page adds up stay those of the live customers.
func TestQualityCountsFollowEveryWrite(t *testing.T) {
	fx := newSecFixture(t)
	ctx, st, admin := fx.ctx, fx.st, fx.admin
	check := func(step string) { t.Helper(); checkQualityCounts(t, st.reader, step) }
	check("nothing")
	a := mustCreate(t, st, admin, Customers, person("Ali", "Demir", Values{"phone": "0532 111 22 33"}))
	b := mustCreate(t, st, admin, Customers, fullCompany().with("owner_id", fx.users["mate"]))
	ids, err := st.CreateMany(ctx, admin, Customers, []Values{fullPerson(), person("Veli", "Kaya", nil), company("Boş A.Ş.", Values{"owner_id": nil})})
	if err != nil {
		t.Fatal(err)
	}
	nobodys := mustCreate(t, st, SystemActor(), Customers, company("Sahipsiz A.Ş.", nil))
	check("creating")
	if _, _, err := st.Update(ctx, admin, Customers, nobodys.ID, Values{"phone": "0212 444 55 66"}); err != nil {
		t.Fatal(err)
	}
	check("an edit of an unowned customer")
	if _, _, err := st.Update(ctx, admin, Customers, a.ID, Values{"email": "ali@ornek.com.tr"}); err != nil {
		t.Fatal(err)
	}
	check("an edit that changes the score")
	if _, _, err := st.Update(ctx, admin, Customers, b.ID, Values{"owner_id": fx.users["peer"]}); err != nil {
		t.Fatal(err)
	}
	check("reassigning")
	if _, _, err := st.Update(ctx, admin, Customers, ids[2], Values{"notes": "Sadece not."}); err != nil {
		t.Fatal(err)
	}
	check("an edit that keeps the score")
	if err := st.Delete(ctx, admin, Customers, ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	check("deleting")
	if err := st.Restore(ctx, admin, Customers, ids[0]); err != nil {
		t.Fatal(err)
	}
	check("restoring")
	if err := st.Purge(ctx, admin, Customers, ids[1]); err != nil {
		t.Fatal(err)
	}
	check("purging")
	lead := mustCreate(t, st, admin, Customers, person("Aday", "Kişi", Values{"stage": "lead", "phone": "0532 999 88 77"}))
	if _, _, err := st.ConvertLead(ctx, admin, lead.ID, ConvertInput{CompanyTitle: "Aday Ticaret Ltd. Şti.", Role: "authorized"}); err != nil {
		t.Fatal(err)
	}
	check("converting a lead")
}
