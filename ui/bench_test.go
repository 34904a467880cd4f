package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/demo"
)

// The page benchmarks run the real handler (session lookup, store query,
// template) on the large demo set: 100,000 customers. The set is generated
// once and cached under the system temp folder, keyed by schema and
// generator version; each run works on a copy of it.

var bench struct {
	once    sync.Once
	err     error
	handler http.Handler
	cookie  string
	apiKey  string
	st      *store.Store
	dir     string
	// users are the logged-in users of benchScopes, by case name.
	users map[string]benchUser
}

type benchUser struct {
	cookie string
	actor  *store.Actor
}

// benchScopes are the users the list and search pages are measured for,
// one per record scope, so that each scoped figure sits beside the
// administrator's (the store benchmarks measure the same users). A role
// of "team" or "department" replaces the user's shipped role with one
// whose customers and assets reach that scope.
var benchScopes = []struct{ name, email, role string }{
	{"admin", "ayse@firma.com.tr", ""},                        // Yönetici: every customer
	{"own", "elif.kaya@firma.com.tr", ""},                     // Satış: her own, 8 %
	{"team", "burak.sahin@firma.com.tr", "team"},              // Kurumsal Satış: 25 %
	{"department", "mehmet.demir@firma.com.tr", "department"}, // Satış and below, and his teams: 41 %
	{"team-small", "gulay.kilic@firma.com.tr", "team"},        // Saha Servisi: 2 %
}

func benchCache() (string, error) {
	name := fmt.Sprintf("kobicrm-bench-large-s%d-g%d.db", store.SchemaVersion(), demo.Version)
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	ctx := context.Background()
	// Built under a name of its own and renamed when complete, so a
	// parallel run (the store package's benchmarks share the cache) never
	// sees half a database.
	f, err := os.CreateTemp(os.TempDir(), name+".*.building")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	st, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	if _, err := st.CreateUser(ctx, store.SystemActor(), store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr",
		Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42", Admin: true}); err != nil {
		st.Close()
		return "", err
	}
	if _, err := demo.Generate(ctx, st, "large", io.Discard); err != nil {
		st.Close()
		return "", err
	}
	if err := st.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

func benchSetup(b *testing.B) {
	bench.once.Do(func() {
		cache, err := benchCache()
		if err != nil {
			bench.err = err
			return
		}
		bench.dir, err = os.MkdirTemp("", "kobicrm-bench-")
		if err != nil {
			bench.err = err
			return
		}
		db := filepath.Join(bench.dir, "bench.db")
		body, err := os.ReadFile(cache)
		if err == nil {
			err = os.WriteFile(db, body, 0o600)
		}
		if err != nil {
			bench.err = err
			return
		}
		ctx := context.Background()
		st, err := store.Open(ctx, db)
		if err != nil {
			bench.err = err
			return
		}
		srv, err := New(ctx, st, Config{Version: "bench", Logger: discardLogger()})
		if err != nil {
			bench.err = err
			return
		}
		bench.st, bench.handler = st, srv.Handler()
		bench.cookie, bench.err = benchLogin(bench.handler, "ayse@firma.com.tr")
		if bench.err != nil {
			return
		}
		u, err := st.UserByEmail(ctx, store.SystemActor(), "ayse@firma.com.tr")
		if err != nil {
			bench.err = err
			return
		}
		bench.apiKey, _, bench.err = st.CreateToken(ctx, store.ActorFor(u), "bench")
		if bench.err == nil {
			bench.users, bench.err = benchScopeUsers(ctx, st, bench.handler)
		}
	})
	if bench.err != nil {
		b.Fatalf("benchmark setup: %v", bench.err)
	}
}

// TestMain removes the benchmarks' working copy of the demo database.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench.st != nil {
		bench.st.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	if salesBench.st != nil {
		salesBench.st.Close()
	}
	if salesBench.dir != "" {
		os.RemoveAll(salesBench.dir)
	}
	os.Exit(code)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// benchScopeUsers gives each user of benchScopes their role and a
// password (demo users have none), and logs them in.
func benchScopeUsers(ctx context.Context, st *store.Store, h http.Handler) (map[string]benchUser, error) {
	sys := store.SystemActor()
	out := map[string]benchUser{}
	for _, c := range benchScopes {
		u, err := st.UserByEmail(ctx, sys, c.email)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", c.email, err)
		}
		if c.role != "" {
			role, err := st.Create(ctx, sys, store.Roles, store.Values{"name": "Bench " + c.name, "permissions": store.Permissions{
				Grants: map[string]map[string]string{"customers": {"read": c.role}, "assets": {"read": c.role}, "opportunities": {"read": c.role}}}})
			if err != nil {
				return nil, err
			}
			if _, _, err := st.Update(ctx, sys, store.Users, u.ID, store.Values{"roles": []int64{role.ID}}); err != nil {
				return nil, err
			}
		}
		if c.email != "ayse@firma.com.tr" {
			if err := st.ResetPassword(ctx, sys, c.email, "Kedi-Mavi-Tekne-42", "Kedi-Mavi-Tekne-42"); err != nil {
				return nil, err
			}
		}
		cookie, err := benchLogin(h, c.email)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.email, err)
		}
		if u, err = st.UserByEmail(ctx, sys, c.email); err != nil {
			return nil, err
		}
		out[c.name] = benchUser{cookie: cookie, actor: store.ActorFor(u)}
	}
	return out, nil
}

func benchLogin(h http.Handler, email string) (string, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
	m := csrfInput.FindStringSubmatch(rec.Body.String())
	if m == nil {
		return "", fmt.Errorf("no CSRF token on the login page (status %d)", rec.Code)
	}
	cookie := strings.Split(rec.Header().Get("Set-Cookie"), ";")[0]
	form := url.Values{"csrf_token": {m[1]}, "email": {email}, "password": {"Kedi-Mavi-Tekne-42"}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		return "", fmt.Errorf("login: status %d", rec.Code)
	}
	return strings.Split(rec.Header().Get("Set-Cookie"), ";")[0], nil
}

// benchGet measures GET path through the whole handler and reports the
// median server time per request as ms-p50 beside Go's mean ns/op.
func benchGet(b *testing.B, path string, want int, api bool) {
	b.Helper()
	if api {
		benchGetAs(b, path, want, "")
		return
	}
	benchGetAs(b, path, want, bench.cookie)
}

// benchGetAs is benchGet with a session cookie, or the API key when
// cookie is "".
func benchGetAs(b *testing.B, path string, want int, cookie string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if cookie == "" {
			req.Header.Set("Authorization", "Bearer "+bench.apiKey)
		} else {
			req.Header.Set("Cookie", cookie)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		bench.handler.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != want {
			b.Fatalf("GET %s: status %d, want %d", path, rec.Code, want)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

// The customer list page for each scope's user.
func BenchmarkPageCustomerList(b *testing.B) {
	benchSetup(b)
	for _, c := range benchScopes {
		b.Run(c.name, func(b *testing.B) {
			benchGetAs(b, "/customers", http.StatusOK, bench.users[c.name].cookie)
		})
	}
}

// The page halfway through what each user sees — for the administrator
// 1,000 pages (50,000 rows) in — costs what the first does.
func BenchmarkPageCustomerListDeep(b *testing.B) {
	benchSetup(b)
	ctx := context.Background()
	for _, c := range benchScopes {
		u := bench.users[c.name]
		var cursors []string
		q := store.ListQuery{Limit: 50}
		for {
			p, err := bench.st.List(ctx, u.actor, store.Customers, q)
			if err != nil {
				b.Fatalf("walking the list: page %d: %v", len(cursors), err)
			}
			if p.Next == "" {
				break
			}
			cursors = append(cursors, p.Next)
			q.Cursor = p.Next
		}
		b.Run(c.name, func(b *testing.B) {
			benchGetAs(b, "/customers?cursor="+url.QueryEscape(cursors[len(cursors)/2]), http.StatusOK, u.cookie)
		})
	}
}

// A changed role takes effect on the user's next click: each round sets
// the team user's role to own or team scope (alternately) and requests
// their customer list, which shows the new scope at once (the store's
// BenchmarkPermissionChange checks the rows). No cached privileges are
// rebuilt: the figure is the role's write plus an ordinary page.
func BenchmarkPagePermissionChange(b *testing.B) {
	benchSetup(b)
	ctx, sys := context.Background(), store.SystemActor()
	u := bench.users["team"]
	rec, err := bench.st.Get(ctx, sys, store.Users, u.actor.UserID)
	if err != nil {
		b.Fatal(err)
	}
	role := rec.Values["roles"].([]int64)[0]
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		scope := []string{"own", "team"}[i%2]
		start := time.Now()
		perm := store.Permissions{Grants: map[string]map[string]string{"customers": {"read": scope}, "assets": {"read": scope}}}
		if _, _, err := bench.st.Update(ctx, sys, store.Roles, role, store.Values{"permissions": perm}); err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "/customers", nil)
		req.Header.Set("Cookie", u.cookie)
		w := httptest.NewRecorder()
		bench.handler.ServeHTTP(w, req)
		times = append(times, time.Since(start))
		if w.Code != http.StatusOK {
			b.Fatalf("GET /customers: status %d", w.Code)
		}
	}
	b.StopTimer()
	// Put the team scope back for the benchmarks that follow.
	perm := store.Permissions{Grants: map[string]map[string]string{"customers": {"read": "team"}, "assets": {"read": "team"}}}
	if _, _, err := bench.st.Update(ctx, sys, store.Roles, role, store.Values{"permissions": perm}); err != nil {
		b.Fatal(err)
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

func BenchmarkPageCustomerFilterProvince(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/customers?province=Isparta", http.StatusOK, false)
}

func BenchmarkPageCustomerSortByName(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/customers?sort=display_name&desc=1", http.StatusOK, false)
}

// The search page for a common surname and for the start of a mobile
// number, for each scope's user.
func BenchmarkPageGlobalSearch(b *testing.B) {
	benchSetup(b)
	for _, q := range []struct{ name, text string }{{"surname", "yılmaz"}, {"partial-phone", "0532 4"}} {
		for _, c := range benchScopes {
			b.Run(q.name+"/"+c.name, func(b *testing.B) {
				benchGetAs(b, "/search?q="+url.QueryEscape(q.text), http.StatusOK, bench.users[c.name].cookie)
			})
		}
	}
}

func BenchmarkPagePhoneLookup(b *testing.B) {
	benchSetup(b)
	ctx := context.Background()
	p, err := bench.st.List(ctx, store.SystemActor(), store.Customers, store.ListQuery{Filters: map[string]string{"kind": "person"}, Limit: 1})
	if err != nil || len(p.Records) == 0 {
		b.Fatalf("a person to look up: %v", err)
	}
	phone := p.Records[0].Values.Str("phone")
	benchGet(b, "/lookup?phone="+url.QueryEscape(phone), http.StatusSeeOther, false)
}

// The 360° page of a company with contact persons and assets.
func BenchmarkPageCustomer360(b *testing.B) {
	benchSetup(b)
	ctx := context.Background()
	sys := store.SystemActor()
	var id int64
	q := store.ListQuery{Filters: map[string]string{"kind": "company"}, Limit: 200}
	for id == 0 {
		p, err := bench.st.List(ctx, sys, store.Customers, q)
		if err != nil || p.Next == "" {
			b.Fatalf("no company with contacts and assets in the demo set: %v", err)
		}
		for _, c := range p.Records {
			contacts, err1 := bench.st.Contacts(ctx, sys, c.ID)
			assets, err2 := bench.st.Children(ctx, sys, store.Assets, "customer_id", c.ID, 1)
			if err1 == nil && err2 == nil && len(contacts) > 0 && len(assets) > 0 {
				id = c.ID
				break
			}
		}
		q.Cursor = p.Next
	}
	benchGet(b, fmt.Sprintf("/customers/%d", id), http.StatusOK, false)
}

func BenchmarkAPICustomerList(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/api/v1/customers?limit=50", http.StatusOK, true)
}

// Creating customers through the API: parse, check, insert with tags and
// the search entry, answer with the record.
func BenchmarkAPICustomerCreate(b *testing.B) {
	benchSetup(b)
	b.ReportAllocs()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := fmt.Sprintf(`{"kind":"person","first_name":"Yük","last_name":"Testi %d","phone":"0532 %03d %02d %02d","province":"Isparta","tags":["yük"]}`,
			i, i%1000, i%100, (i/100)%100)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/customers", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+bench.apiKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		start := time.Now()
		bench.handler.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusCreated {
			b.Fatalf("POST: status %d: %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

// The customer list sorted by data quality, the weakest first, and the
// low band the home page links to.
func BenchmarkPageCustomerSortByQuality(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/customers?sort=quality", http.StatusOK, false)
}

func BenchmarkPageCustomerQualityLow(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/customers?quality=low&sort=quality", http.StatusOK, false)
}

// The home page, with the data-quality figure of each scope's customers.
func BenchmarkPageHome(b *testing.B) {
	benchSetup(b)
	for _, c := range benchScopes {
		b.Run(c.name, func(b *testing.B) {
			benchGetAs(b, "/", http.StatusOK, bench.users[c.name].cookie)
		})
	}
}

// keyAccount is the demo customer with the longest contact history: the
// generator gives one company 2,000 activities and tags it.
func keyAccount(b *testing.B) int64 {
	b.Helper()
	p, err := bench.st.List(context.Background(), store.SystemActor(), store.Customers,
		store.ListQuery{Filters: map[string]string{"tags": demo.KeyAccountTag}, Limit: 1})
	if err != nil || len(p.Records) != 1 {
		b.Fatalf("the key account: %v", err)
	}
	return p.Records[0].ID
}

// The 360° page of the customer with 2,000 activities: its timeline's
// newest page, consent badges and prompt, contacts, assets and history.
func BenchmarkPageCustomer360Activities(b *testing.B) {
	benchSetup(b)
	benchGet(b, fmt.Sprintf("/customers/%d", keyAccount(b)), http.StatusOK, false)
}

// The activities list, newest first, and filtered to planned calls.
func BenchmarkPageActivityList(b *testing.B) {
	benchSetup(b)
	b.Run("newest", func(b *testing.B) { benchGet(b, "/activities", http.StatusOK, false) })
	b.Run("planned-calls", func(b *testing.B) { benchGet(b, "/activities?type=call&status=planned", http.StatusOK, false) })
}

// The calendar's month, week and day views of the user's own activities,
// for the administrator (who owns 58 % of the demo customers and their
// contact history) and a salesperson.
func BenchmarkPageCalendar(b *testing.B) {
	benchSetup(b)
	for _, c := range benchScopes[:2] {
		for _, view := range []string{"month", "week", "day"} {
			b.Run(c.name+"/"+view, func(b *testing.B) {
				benchGetAs(b, "/calendar?view="+view, http.StatusOK, bench.users[c.name].cookie)
			})
		}
	}
}

// A page with little of its own (the notifications): what every page
// costs before its content — session, user and roles, unread count,
// navigation, layout.
func BenchmarkPageFixedCost(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/notifications", http.StatusOK, false)
}
