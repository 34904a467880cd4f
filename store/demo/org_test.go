package demo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"kobicrm/store"
)

func createAdmin(t *testing.T, st *store.Store) *store.User {
	t.Helper()
	pw := "Kedi-Mavi-Tekne-42"
	u, err := st.CreateFirstAdmin(context.Background(), store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr", Password: pw, PasswordAgain: pw})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// orgSeen is what a test learnt of the demo organisation, and the owners
// it counts among the records.
type orgSeen struct {
	admin          *store.User
	roleOf         map[int64]string // user → their (one) role's name
	email          map[int64]string
	customerOwners map[int64]int // owner → customers owned
	assetOwners    map[int64]int
}

// checkOrganisation checks the organisation Generate made beside the
// administrator: its departments, teams and users, and what it printed.
func checkOrganisation(t *testing.T, st *store.Store, admin *store.User, sum Summary, progress string) *orgSeen {
	t.Helper()
	if sum.Departments != 6 || sum.Teams != 3 || sum.Users != 12 || !strings.Contains(sum.String(), "6 departments, 3 teams, 12 users, 200 customers") {
		t.Errorf("summary %v", sum)
	}
	if !strings.Contains(progress, "organisation: 6 departments, 3 teams, 12 users") {
		t.Errorf("progress does not tell the organisation:\n%s", progress)
	}

	depts := all(t, st, store.Departments)
	deptByName := map[string]*store.Record{}
	for _, d := range depts {
		deptByName[d.Title()] = d
	}
	if len(depts) != 6 || len(deptByName) != 6 {
		t.Fatalf("%d departments: %v", len(depts), deptByName)
	}
	parent := func(name string) string {
		id, ok := deptByName[name].Values.Int("parent_id")
		for n, d := range deptByName {
			if ok && d.ID == id {
				return n
			}
		}
		return ""
	}
	for child, want := range map[string]string{"Genel Müdürlük": "", "Satış": "Genel Müdürlük", "İstanbul Satış": "Satış",
		"Ankara Satış": "Satış", "Servis": "Genel Müdürlük", "Pazarlama": "Genel Müdürlük"} {
		if deptByName[child] == nil || parent(child) != want {
			t.Errorf("department %s under %q, want %q", child, parent(child), want)
		}
	}
	teams := all(t, st, store.Teams)
	if len(teams) != 3 {
		t.Errorf("%d teams", len(teams))
	}

	roleName := map[int64]string{}
	for _, r := range all(t, st, store.Roles) {
		roleName[r.ID] = r.Title()
	}
	seen := &orgSeen{admin: admin, roleOf: map[int64]string{}, email: map[int64]string{},
		customerOwners: map[int64]int{}, assetOwners: map[int64]int{}}
	users := all(t, st, store.Users)
	if len(users) != 13 {
		t.Fatalf("%d users, want the administrator and 12", len(users))
	}
	roles := map[string]int{}
	twoTeams := 0
	for _, u := range users {
		v := u.Values
		ids, _ := v["roles"].([]int64)
		if len(ids) != 1 {
			t.Errorf("user %s has the roles %v, want one", u.Title(), ids)
			continue
		}
		roles[roleName[ids[0]]]++
		seen.roleOf[u.ID] = roleName[ids[0]]
		seen.email[u.ID] = v.Str("email")
		if e := v.Str("email"); !strings.HasSuffix(e, "@firma.com.tr") || !isASCII(e) || !strings.Contains(progress, e) {
			t.Errorf("user %s: e-mail %q (or not in the progress)", u.Title(), e)
		}
		if _, ok := v.Int("department_id"); !ok || v["active"] != true {
			t.Errorf("user %s: department %v, active %v", u.Title(), v["department_id"], v["active"])
		}
		if tids, _ := v["teams"].([]int64); len(tids) == 2 {
			twoTeams++
		}
		full, err := st.UserByID(context.Background(), store.SystemActor(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Admin != (u.ID == admin.ID) {
			t.Errorf("user %s: administrator %v", u.Title(), full.Admin)
		}
	}
	want := map[string]int{"Yönetici": 1, "Satış": 7, "Servis": 2, "Pazarlama": 1, "Çağrı Merkezi": 1, "Salt okunur": 1}
	for name, n := range want {
		if roles[name] != n {
			t.Errorf("%d users with the role %s, want %d (all: %v)", roles[name], name, n, roles)
		}
	}
	if twoTeams < 2 {
		t.Errorf("%d users in two teams", twoTeams)
	}
	for _, u := range users {
		if u.ID == admin.ID {
			if id, _ := u.Values.Int("department_id"); id != deptByName["Genel Müdürlük"].ID {
				t.Errorf("the administrator is in department %d, not Genel Müdürlük", id)
			}
		}
	}
	return seen
}

// checkOwners checks that the customers belong to the administrator and
// the salespeople, each of whom owns some (and a few to the service
// staff), and the assets to the administrator and the service staff, and
// that a salesperson's own scope then reaches exactly their customers.
func (o *orgSeen) checkOwners(t *testing.T, st *store.Store) {
	t.Helper()
	for _, c := range []struct {
		what   string
		owners map[int64]int
		role   string // every user with it owns some
		also   string // may own some
		total  int
	}{{"customers", o.customerOwners, "Satış", "Servis", 200}, {"assets", o.assetOwners, "Servis", "", 60}} {
		staff := 0
		for id, n := range c.owners {
			switch {
			case id == o.admin.ID:
				// The administrator keeps the largest share (60 and 40 %).
				if n < c.total/4 || n > c.total*3/4 {
					t.Errorf("the administrator owns %d of %d %s", n, c.total, c.what)
				}
			case o.roleOf[id] == c.role:
				staff++
				if n > c.total/2 {
					t.Errorf("user %d owns %d of %d %s", id, n, c.total, c.what)
				}
			case c.also != "" && o.roleOf[id] == c.also:
				if n > c.total/20 {
					t.Errorf("user %d (%s) owns %d of %d %s", id, c.also, n, c.total, c.what)
				}
			default:
				t.Errorf("%d %s belong to %d (%q), not the administrator or %s", n, c.what, id, o.roleOf[id], c.role)
			}
		}
		var want int
		for _, role := range o.roleOf {
			if role == c.role {
				want++
			}
		}
		if staff != want {
			t.Errorf("%s: %d of the %d users with the role %s own some: %v", c.what, staff, want, c.role, c.owners)
		}
	}

	// A salesperson sees their own customers, all of them, and nothing else.
	ctx := context.Background()
	var seller int64
	for id, role := range o.roleOf {
		if role == "Satış" && (seller == 0 || o.customerOwners[id] > o.customerOwners[seller]) {
			seller = id
		}
	}
	u, err := st.UserByEmail(ctx, store.SystemActor(), o.email[seller])
	if err != nil {
		t.Fatal(err)
	}
	a := store.ActorFor(u)
	n := 0
	q := store.ListQuery{Limit: store.MaxLimit}
	for {
		p, err := st.List(ctx, a, store.Customers, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			if owner, _ := r.Values.Int("owner_id"); owner != seller {
				t.Errorf("%s sees customer %d of %d", u.Name, r.ID, owner)
			}
		}
		n += len(p.Records)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if n != o.customerOwners[seller] || n == 0 {
		t.Errorf("%s sees %d customers and owns %d", u.Name, n, o.customerOwners[seller])
	}
}

// A database where the firm has begun its own organisation keeps it: the
// records go to the administrator and no demo user is added.
func TestGenerateKeepsTheFirmsOrganisation(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	admin := createAdmin(t, st)
	if _, err := st.Create(ctx, store.SystemActor(), store.Teams, store.Values{"name": "Muhasebe"}); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	sum, err := Generate(ctx, st, "small", &progress)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users != 0 || len(all(t, st, store.Users)) != 1 || len(all(t, st, store.Departments)) != 0 {
		t.Errorf("an organisation was added: %v", sum)
	}
	if !strings.Contains(progress.String(), "the firm's own") {
		t.Errorf("progress:\n%s", progress.String())
	}
	for _, r := range all(t, st, store.Customers) {
		if owner, _ := r.Values.Int("owner_id"); owner != admin.ID {
			t.Fatalf("customer %d belongs to %d, not the administrator", r.ID, owner)
		}
	}
}

// A run stopped after the organisation, before any customer, says the
// database holds part of the demo set.
func TestGenerateCancelledAfterTheOrganisation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := openStore(t)
	createAdmin(t, st)
	sum, err := Generate(ctx, st, "small", cancelOn{"organisation", cancel})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "part of the demo set") {
		t.Fatalf("cancelled run: %v", err)
	}
	if sum.Users != 12 || sum.Customers() != 0 || len(all(t, st, store.Users)) != 13 {
		t.Errorf("summary of the part written: %v", sum)
	}
}
