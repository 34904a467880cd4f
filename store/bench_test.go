package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/demo"
)

// The store benchmarks run on the large demo set: 100,000 customers,
// about 42,000 contact links and 30,000 assets. The set is generated only
// when a benchmark first needs it (plain `go test` never pays for it) and
// cached under the system temp folder, keyed by the schema version and
// the generator version; the ui benchmarks share the same file. Every
// benchmark works on its own copy, so the cache is never written.

var largeSet struct {
	once sync.Once
	path string
	err  error
}

// largeCache returns the cached large demo database, generating it first
// if needed: an administrator, then the demo set, which makes the demo
// firm's organisation beside them and spreads the records' owners over it.
// It is built under a unique name and renamed into place, so a run that
// is interrupted, or another package's benchmarks building the same set at
// the same time, never leave a half-built cache behind.
func largeCache() (string, error) {
	name := fmt.Sprintf("kobicrm-bench-large-s%d-g%d.db", store.SchemaVersion(), demo.Version)
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.CreateTemp(os.TempDir(), name+".*.building")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	fmt.Fprintf(os.Stderr, "generating the large demo set into %s (once; later runs reuse it)\n", path)
	ctx := context.Background()
	st, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	_, err = st.CreateUser(ctx, store.SystemActor(), store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr",
		Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42", Admin: true})
	if err == nil {
		_, err = demo.Generate(ctx, st, "large", io.Discard)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// benchStore opens a private copy of the large demo set.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	largeSet.once.Do(func() { largeSet.path, largeSet.err = largeCache() })
	if largeSet.err != nil {
		b.Fatalf("large demo set: %v", largeSet.err)
	}
	dst := filepath.Join(b.TempDir(), "bench.db")
	if err := copyFile(largeSet.path, dst); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), dst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// measure runs op in b.Loop and reports the median time of one call as
// ms-p50 beside Go's mean ns/op: the targets are medians.
func measure(b *testing.B, op func() error) {
	b.Helper()
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

// The list and search benchmarks run for users of the demo firm, one per
// record scope, so that each scoped figure sits beside the
// administrator's: admin (all), own (a salesperson), team, department,
// and a team that owns few customers. The demo firm's organisation, and
// who owns how many customers, is in store/demo/org.go.
var scopeCases = []struct {
	name  string
	email string
	role  string // "" keeps the user's shipped role
}{
	{"admin", "ayse@firma.com.tr", ""},                        // Yönetici: every customer
	{"own", "elif.kaya@firma.com.tr", ""},                     // Satış: her own, 8 %
	{"team", "burak.sahin@firma.com.tr", "team"},              // Kurumsal Satış: four sellers and a technician, 25 %
	{"department", "mehmet.demir@firma.com.tr", "department"}, // Satış and below, and his two teams: 41 %
	{"team-small", "gulay.kilic@firma.com.tr", "team"},        // Saha Servisi: two technicians, 2 %
}

// scopeActor is the actor of a scope case's user, given first (on this
// copy of the set) a role whose customers and assets reach that scope.
func scopeActor(b *testing.B, st *store.Store, email, scope string) *store.Actor {
	b.Helper()
	ctx, sys := context.Background(), store.SystemActor()
	u, err := st.UserByEmail(ctx, sys, email)
	if err != nil {
		b.Fatalf("demo user %s: %v", email, err)
	}
	if scope != "" {
		role, err := st.Create(ctx, sys, store.Roles, store.Values{"name": "Bench " + scope + " " + email, "permissions": store.Permissions{
			Grants: map[string]map[string]string{"customers": {"read": scope}, "assets": {"read": scope}, "opportunities": {"read": scope}}}})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := st.Update(ctx, sys, store.Users, u.ID, store.Values{"roles": []int64{role.ID}}); err != nil {
			b.Fatal(err)
		}
		if u, err = st.UserByEmail(ctx, sys, email); err != nil {
			b.Fatal(err)
		}
	}
	a := store.ActorFor(u)
	want := store.ScopeAll
	if scope != "" {
		want, _ = store.ParseScope(scope)
	} else if !u.Admin {
		want = store.ScopeOwn
	}
	if got := a.Scope(store.Customers, store.ActRead); got != want {
		b.Fatalf("%s reads customers with the scope %v, want %v", email, got, want)
	}
	return a
}

// listOp is a List call that must return a full page.
func listOp(st *store.Store, a *store.Actor, q store.ListQuery) func() error {
	ctx := context.Background()
	return func() error {
		p, err := st.List(ctx, a, store.Customers, q)
		if err == nil && len(p.Records) != q.Limit {
			err = fmt.Errorf("a page of %d rows, want %d", len(p.Records), q.Limit)
		}
		return err
	}
}

// The first page of the customer list, in its default (name) order.
func BenchmarkCustomerListFirstPage(b *testing.B) {
	st := benchStore(b)
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, listOp(st, a, store.ListQuery{Limit: 50}))
		})
	}
}

// The page halfway through what the user sees — for the administrator
// 1,000 pages (50,000 rows) in — costs what the first does: keyset paging
// seeks, it never skips.
func BenchmarkCustomerListDeepPage(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		var cursors []string
		q := store.ListQuery{Limit: 50}
		for {
			p, err := st.List(ctx, a, store.Customers, q)
			if err != nil {
				b.Fatalf("walking the list, page %d: %v", len(cursors), err)
			}
			if p.Next == "" {
				break
			}
			cursors = append(cursors, p.Next)
			q.Cursor = p.Next
		}
		b.Run(c.name, func(b *testing.B) {
			measure(b, listOp(st, a, store.ListQuery{Limit: 50, Cursor: cursors[len(cursors)/2]}))
			b.ReportMetric(float64(len(cursors)/2+1), "pages-in")
		})
	}
}

func BenchmarkCustomerFilterProvince(b *testing.B) {
	st := benchStore(b)
	measure(b, listOp(st, store.SystemActor(), store.ListQuery{Limit: 50, Filters: map[string]string{"province": "Isparta"}}))
}

// Sorting by name descending walks the name index the other way.
func BenchmarkCustomerSortByName(b *testing.B) {
	st := benchStore(b)
	measure(b, listOp(st, store.SystemActor(), store.ListQuery{Limit: 50, Sort: "display_name", Desc: true}))
}

// Global search for a common surname and for the start of a mobile
// number, as typed, for each scope. A user who sees part of a module
// needs all of the index's hits (up to 2,000), not the first few, to find
// their own among them.
func BenchmarkGlobalSearch(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	actors := make([]*store.Actor, len(scopeCases))
	for i, c := range scopeCases {
		actors[i] = scopeActor(b, st, c.email, c.role)
	}
	for _, q := range []struct{ name, text string }{
		{"surname", "yılmaz"},
		{"partial-phone", "0532 4"},
	} {
		for i, c := range scopeCases {
			b.Run(q.name+"/"+c.name, func(b *testing.B) {
				hits := 0
				measure(b, func() error {
					groups, err := st.Search(ctx, actors[i], q.text, 10)
					if err == nil && len(groups) == 0 {
						err = fmt.Errorf("search %q found nothing", q.text)
					}
					hits = 0
					for _, g := range groups {
						hits += len(g.Hits)
					}
					return err
				})
				b.ReportMetric(float64(hits), "hits")
			})
		}
	}
}

// A changed role takes effect on the next request: each round sets the
// team user's role to own or team scope (alternately), then does what
// the next request of its user does — read the session's user with their
// roles, and list the first page — and checks the new scope applies.
// There is no cached privilege file to rebuild: the figure is the cost of
// the write plus an ordinary request.
func BenchmarkPermissionChange(b *testing.B) {
	st := benchStore(b)
	ctx, sys := context.Background(), store.SystemActor()
	a := scopeActor(b, st, "burak.sahin@firma.com.tr", "team")
	token, err := st.CreateSession(ctx, a.UserID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	user, err := st.Get(ctx, sys, store.Users, a.UserID)
	if err != nil {
		b.Fatal(err)
	}
	role := user.Values["roles"].([]int64)[0]
	scopes := []string{"own", "team"}
	round := 0
	measure(b, func() error {
		scope := scopes[round%2]
		round++
		perm := store.Permissions{Grants: map[string]map[string]string{"customers": {"read": scope}, "assets": {"read": scope}}}
		if _, _, err := st.Update(ctx, sys, store.Roles, role, store.Values{"permissions": perm}); err != nil {
			return err
		}
		u, err := st.SessionUser(ctx, token, store.DefaultSessionLimits)
		if err != nil {
			return err
		}
		a := store.ActorFor(u)
		if got := a.Scope(store.Customers, store.ActRead).String(); got != scope {
			return fmt.Errorf("the scope is %s after the change to %s", got, scope)
		}
		p, err := st.List(ctx, a, store.Customers, store.ListQuery{Limit: 50})
		if err != nil {
			return err
		}
		others := 0
		for _, r := range p.Records {
			if owner, _ := r.Values.Int("owner_id"); owner != u.ID {
				others++
			}
		}
		if (scope == "own") != (others == 0) {
			return fmt.Errorf("scope %s: %d of %d customers are others'", scope, others, len(p.Records))
		}
		return nil
	})
}

func BenchmarkPhoneLookup(b *testing.B) {
	st := benchStore(b)
	ctx, sys := context.Background(), store.SystemActor()
	p, err := st.List(ctx, sys, store.Customers, store.ListQuery{Filters: map[string]string{"kind": "person"}, Limit: 1})
	if err != nil || len(p.Records) == 0 {
		b.Fatalf("a person to look up: %v", err)
	}
	e164 := p.Records[0].Values.Str("phone")
	typed := "0" + e164[3:6] + " " + e164[6:9] + " " + e164[9:11] + " " + e164[11:] // as people type it
	measure(b, func() error {
		_, found, err := st.LookupPhone(ctx, sys, typed)
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("lookup %s found nothing", typed)
		}
		return err
	})
}

// The store side of the customer page: the record, its contact persons
// and its assets, for the company with the most contacts and assets.
func BenchmarkCustomer360Store(b *testing.B) {
	st := benchStore(b)
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		b.Fatal(err)
	}
	var id int64
	err = db.QueryRow(`
		SELECT c.company_id FROM customer_contacts c JOIN assets a ON a.customer_id = c.company_id
		GROUP BY c.company_id ORDER BY count(DISTINCT c.person_id) DESC, count(DISTINCT a.id) DESC, c.company_id LIMIT 1`).Scan(&id)
	db.Close()
	if err != nil {
		b.Fatalf("a company with contacts and assets: %v", err)
	}
	ctx, sys := context.Background(), store.SystemActor()
	measure(b, func() error {
		if _, err := st.Get(ctx, sys, store.Customers, id); err != nil {
			return err
		}
		contacts, err := st.Contacts(ctx, sys, id)
		if err != nil {
			return err
		}
		assets, err := st.Children(ctx, sys, store.Assets, "customer_id", id, 100)
		if err == nil && (len(contacts) == 0 || len(assets) == 0) {
			err = fmt.Errorf("company %d: %d contacts, %d assets", id, len(contacts), len(assets))
		}
		return err
	})
}

// The customer list sorted by data quality, the weakest first, for each
// scope: it walks the (quality, id) index as the name order walks its own.
func BenchmarkCustomerSortByQuality(b *testing.B) {
	st := benchStore(b)
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, listOp(st, a, store.ListQuery{Limit: 50, Sort: store.QualityField}))
		})
	}
}

// Sorted by quality, best first, halfway through the administrator's
// list: keyset paging over an integer column seeks as over a text one.
func BenchmarkCustomerSortByQualityDeep(b *testing.B) {
	st := benchStore(b)
	ctx, sys := context.Background(), store.SystemActor()
	q := store.ListQuery{Limit: 50, Sort: store.QualityField, Desc: true}
	var cursors []string
	for {
		p, err := st.List(ctx, sys, store.Customers, q)
		if err != nil {
			b.Fatal(err)
		}
		if p.Next == "" {
			break
		}
		cursors = append(cursors, p.Next)
		q.Cursor = p.Next
	}
	q.Cursor = cursors[len(cursors)/2]
	measure(b, listOp(st, sys, q))
	b.ReportMetric(float64(len(cursors)/2+1), "pages-in")
}

// The low band in the default (name) order, as the home page links to it
// sorted by quality.
func BenchmarkCustomerFilterQualityLow(b *testing.B) {
	st := benchStore(b)
	for _, sort := range []string{"", store.QualityField} {
		b.Run("sort="+sort, func(b *testing.B) {
			measure(b, listOp(st, store.SystemActor(), store.ListQuery{Limit: 50, Sort: sort, Filters: map[string]string{store.QualityField: "low"}}))
		})
	}
}

// The home page's figure: the average quality of the customers in each
// scope, counted in SQL.
func BenchmarkCustomerQualitySummary(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() error {
				sum, err := st.CustomerQualitySummary(ctx, a)
				if err == nil && (sum.Customers == 0 || sum.Average == 0) {
					err = fmt.Errorf("summary %+v", sum)
				}
				return err
			})
		})
	}
}

// Scoring every customer at start, as the first start of this version on
// an older database does: the start with the rebuild flag set, less the
// start without it.
func BenchmarkQualityRebuildAtOpen(b *testing.B) {
	st := benchStore(b)
	path := st.Path()
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	reset := func() {
		db, err := sql.Open("sqlite", path)
		if err == nil {
			_, err = db.Exec("UPDATE customers SET quality = 0; INSERT INTO settings (key, value) VALUES ('quality_rebuild', x'01') ON CONFLICT (key) DO NOTHING")
			if cerr := db.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	open := func() time.Duration {
		start := time.Now()
		st, err := store.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		return d
	}
	var with, plain []time.Duration
	for b.Loop() {
		b.StopTimer()
		reset()
		b.StartTimer()
		with = append(with, open())
		b.StopTimer()
		plain = append(plain, open())
		b.StartTimer()
	}
	slices.Sort(with)
	slices.Sort(plain)
	b.ReportMetric(float64((with[len(with)/2] - plain[len(plain)/2]).Milliseconds()), "ms-rescore")
}
