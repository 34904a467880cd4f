package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kobicrm/store/tr"
)

// The security model's tests. The permission matrix is generated from the
// declarations: every module a role can grant on, every action with a
// store entry point, every scope, against a fixture of users placed in
// teams and departments so that each scope has records inside and outside
// it. A module declared later is covered without new test code: its
// records are made from its fields by genValues.

// secFixture is the organisation the permission tests run in:
//
//	Genel Müdürlük        boss
//	└─ Satış Bölümü       me (the user under test), peer
//	   └─ İstanbul Şubesi sub
//	Servis                mate (in my team Kuzey), other (in team Güney)
//
// and the administrator, in no department. A user under test is placed
// like "me" and retired (deactivated, out of every team and department)
// when their case ends, so that the cases never widen each other's scopes.
type secFixture struct {
	st    *Store
	ctx   context.Context
	admin *Actor
	depts map[string]int64 // gm, sales, ist, service
	teams map[string]int64 // north, south
	users map[string]int64 // by label; "me" is set per case
	seq   int
}

// fixtureLabels are the owners of the records each case makes, in order.
var fixtureLabels = []string{"me", "mate", "peer", "sub", "boss", "other", "admin"}

// scopeOwners are the owners each scope reaches, for the user "me";
// ScopeAll reaches everyone and ScopeNone no one.
var scopeOwners = map[Scope][]string{
	ScopeOwn:        {"me"},
	ScopeTeam:       {"me", "mate"},
	ScopeDepartment: {"me", "mate", "peer", "sub"},
}

// reaches says whether scope sc of "me" reaches records of module m owned
// by the user with the label.
func reaches(m *Module, sc Scope, label string) bool {
	switch {
	case sc == ScopeNone:
		return false
	case sc == ScopeAll || (!m.owned() && !parentScoped(m)):
		return true
	}
	return slices.Contains(scopeOwners[sc], label)
}

// parentScoped says whether m's records take their scope from their
// parent's owner (a consent from its customer's).
func parentScoped(m *Module) bool {
	_, p := m.scopeParent()
	return p != nil
}

// scopeField is the field a record out of the actor's scope is refused
// on: its owner, or its parent for a module scoped by the parent.
func scopeField(m *Module) string {
	if f, _ := m.scopeParent(); f != nil && !m.owned() {
		return f.Name
	}
	return "owner_id"
}

func newSecFixture(t testing.TB) *secFixture {
	t.Helper()
	st := newTestStore(t)
	fx := &secFixture{
		st: st, ctx: context.Background(), admin: ActorFor(mustAdmin(t, st)),
		depts: map[string]int64{}, teams: map[string]int64{}, users: map[string]int64{},
	}
	fx.users["admin"] = fx.admin.UserID
	fx.depts["gm"] = mustCreate(t, st, fx.admin, Departments, Values{"name": "Genel Müdürlük"}).ID
	fx.depts["sales"] = mustCreate(t, st, fx.admin, Departments, Values{"name": "Satış Bölümü", "parent_id": fx.depts["gm"]}).ID
	fx.depts["ist"] = mustCreate(t, st, fx.admin, Departments, Values{"name": "İstanbul Şubesi", "parent_id": fx.depts["sales"]}).ID
	fx.depts["service"] = mustCreate(t, st, fx.admin, Departments, Values{"name": "Servis"}).ID
	fx.teams["north"] = mustCreate(t, st, fx.admin, Teams, Values{"name": "Kuzey"}).ID
	fx.teams["south"] = mustCreate(t, st, fx.admin, Teams, Values{"name": "Güney"}).ID
	// The fixture's users hold the shipped Satış role; it never matters,
	// as only "me" acts.
	for _, u := range []struct {
		label, dept, team string
	}{
		{"mate", "service", "north"},
		{"peer", "sales", ""},
		{"sub", "ist", ""},
		{"boss", "gm", ""},
		{"other", "service", "south"},
	} {
		var teams []int64
		if u.team != "" {
			teams = []int64{fx.teams[u.team]}
		}
		fx.users[u.label] = fx.user(t, u.label, fx.depts[u.dept], teams, 2)
	}
	return fx
}

// role creates a role through the generic module engine.
func (fx *secFixture) role(t testing.TB, name string, p Permissions) int64 {
	t.Helper()
	return mustCreate(t, fx.st, fx.admin, Roles, Values{"name": name, "permissions": p}).ID
}

// user creates a user through the generic module engine.
func (fx *secFixture) user(t testing.TB, name string, dept int64, teams []int64, roles ...int64) int64 {
	t.Helper()
	fx.seq++
	v := Values{"name": name, "email": fmt.Sprintf("kullanici%d@firma.com.tr", fx.seq), "roles": roles, "teams": teams}
	if dept != 0 {
		v["department_id"] = dept
	}
	return mustCreate(t, fx.st, fx.admin, Users, v).ID
}

// actor is the user as a request sees them: loaded through a session,
// with their roles as they are now.
func (fx *secFixture) actor(t testing.TB, id int64) *Actor {
	t.Helper()
	u, err := fx.session(t, id)
	if err != nil {
		t.Fatalf("session of user %d: %v", id, err)
	}
	return ActorFor(u)
}

func (fx *secFixture) session(t testing.TB, id int64) (*User, error) {
	t.Helper()
	token, err := fx.st.CreateSession(fx.ctx, id, "192.168.1.40", "test")
	if err != nil {
		t.Fatal(err)
	}
	return fx.st.SessionUser(fx.ctx, token, DefaultSessionLimits)
}

// retire takes a user out of every team and department and deactivates
// them.
func (fx *secFixture) retire(t testing.TB, id int64) {
	t.Helper()
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Users, id, Values{"active": false, "teams": []int64(nil), "department_id": nil}); err != nil {
		t.Fatalf("retire user %d: %v", id, err)
	}
}

// genValues makes valid values for a new record of m from its
// declaration: every required field that applies (by the discriminator's
// first choice) gets a value of its kind, as do the title, the phone
// fields (number phone) and the owner. Text gets word and label, so that a
// search for word finds the record by its title. A Ref to another module
// points to a record of it made the same way (once per parents map).
// genTitle is the field that names a generated record: the title, or
// for a module whose title is computed or not text (a document's
// number, a payment's date) its first searchable text field, else its
// first text field.
func genTitle(m *Module) string {
	if f, ok := m.Field(m.TitleField); ok && (f.Computed || f.Kind != Text) {
		for _, search := range []bool{true, false} {
			for i := range m.Fields {
				if g := &m.Fields[i]; g.Search == search && !g.Computed && g.Kind == Text {
					return g.Name
				}
			}
		}
	}
	return m.TitleField
}

func (fx *secFixture) genValues(t *testing.T, m *Module, word, label, phone string, owner int64, parents map[string]int64) Values {
	t.Helper()
	if phone == "" {
		phone = "0532 123 45 67"
	}
	v := Values{}
	if m.Discriminator != "" {
		f, _ := m.Field(m.Discriminator)
		v[f.Name] = f.Choices[0]
		if m.Key == Activities.Key {
			v[f.Name] = ActivityNote // a call would need the customer's ETK consent
		}
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed || !m.Applies(f, v) || f.Name == m.Discriminator {
			continue
		}
		switch {
		case f.Name == "owner_id" && m.owned():
			if owner != 0 {
				v[f.Name] = owner
			}
			continue
		case f.Required, f.Name == genTitle(m), f.Kind == Phone, f.Kind == PhoneList:
		default:
			continue
		}
		switch f.Kind {
		case Text, LongText:
			v[f.Name] = word + " " + label
			if m.Key == Consents.Key && f.Name == "recipient" {
				// A consent's recipient is an address of its channel.
				v["channel"] = ChannelEmail
				fx.seq++
				v[f.Name] = fmt.Sprintf("%s.%d@ornek.com.tr", word, fx.seq)
			}
		case Email:
			fx.seq++
			v[f.Name] = fmt.Sprintf("kayit%d@ornek.com.tr", fx.seq)
		case Phone:
			v[f.Name] = phone
		case PhoneList:
			v[f.Name] = []PhoneEntry{{Label: "iş", Number: phone}}
		case TCKN:
			v[f.Name] = "10000000146"
		case VKN:
			v[f.Name] = "4540536920"
		case PostalCode:
			v[f.Name] = "34100"
		case Plate:
			v[f.Name] = "34 ABC 123"
		case Date:
			v[f.Name] = "2026-01-15"
		case DateTime:
			v[f.Name] = "2026-01-15T09:30:00Z"
		case Int, Money:
			v[f.Name] = int64(1)
		case Choice, MultiChoice:
			v[f.Name] = f.Choices[0]
		case Bool:
			v[f.Name] = true
		case URL:
			v[f.Name] = "https://ornek.com.tr"
		case Province:
			v[f.Name] = "İstanbul"
		case Tags:
			v[f.Name] = []string{"etiket"}
		case Ref, RefList:
			var id int64
			if f.Ref == "users" {
				id = fx.admin.UserID
			} else {
				target, ok := ModuleByKey(f.Ref)
				if !ok {
					t.Fatalf("%s.%s refers to unknown module %s", m.Key, f.Name, f.Ref)
				}
				// A record scoped by its parent hangs on a parent of the
				// record's own owner; others share one of the administrator's.
				key, parentOwner := f.Ref, fx.admin.UserID
				// A payment's scope is its invoice's customer's (taken from
				// the invoice): its invoice is the owner's too.
				viaInvoice := m.Key == Payments.Key && f.Name == "invoice_id"
				if (f.Parent && parentScoped(m) && target.owned() || viaInvoice) && owner != 0 {
					key, parentOwner = fmt.Sprintf("%s/%d", f.Ref, owner), owner
				}
				// A campaign has a customer once on a channel: each member
				// gets a customer of its own.
				if id = parents[key]; id == 0 || (m.Key == CampaignMembers.Key && f.Ref == Customers.Key) {
					id = fx.genRecord(t, target, "ust"+word, "kayıt", "", parentOwner, parents).ID
					parents[key] = id
					if target.Key == Campaigns.Key && m.Key == CampaignMembers.Key {
						fx.running(t, id) // members are added to running campaigns only
					}
				}
			}
			if f.Kind == Ref {
				v[f.Name] = id
			} else {
				v[f.Name] = []int64{id}
			}
		default:
			t.Fatalf("%s.%s: no test value for kind %s; teach genValues", m.Key, f.Name, f.Kind)
		}
	}
	return v
}

// genRecord creates a record of m made by genValues, as the administrator.
func (fx *secFixture) genRecord(t *testing.T, m *Module, word, label, phone string, owner int64, parents map[string]int64) *Record {
	t.Helper()
	r := mustCreate(t, fx.st, fx.admin, m, fx.genValues(t, m, word, label, phone, owner, parents))
	if !strings.Contains(tr.Fold(r.Values.Str(genTitle(m))), tr.Fold(word)) {
		t.Fatalf("%s: the title %q of a generated record does not hold %q; teach genValues", m.Key, r.Title(), word)
	}
	if m.Key == Invoices.Key { // a payment needs an issued invoice with something open
		line := []DocLine{{Description: "Hizmet", Quantity: 1000, UnitPrice: 100000, KDVRateBP: 2000}}
		if _, err := fx.st.UpdateDocument(fx.ctx, fx.admin, Invoices, r.ID, nil, line, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.st.IssueInvoice(fx.ctx, fx.admin, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// caseWord is a search word unique to a case: no case's word is a prefix
// of another's.
func caseWord(i int) string {
	return "vaka" + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
}

// errInvalid stands for "a *ValidationError on the field" in expectations.
var errInvalid = errors.New("validation error")

// expect checks an error against what was wanted: nil, a sentinel, or
// errInvalid with the field that must carry the problem.
func expect(t *testing.T, what string, err, want error, field string) bool {
	t.Helper()
	switch {
	case want == nil && err == nil:
		return true
	case want == errInvalid:
		if v, ok := AsValidation(err); ok {
			if _, ok := v.Fields[field]; ok {
				return true
			}
		}
		t.Errorf("%s: %v, want a validation error on %s", what, err, field)
	case want != nil && errors.Is(err, want):
		return true
	default:
		t.Errorf("%s: %v, want %v", what, err, want)
	}
	return false
}

func sameIDs(got, want []int64) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// readFor is the read scope a case grants beside a write action: one step
// wider, so that some records are readable but not writable and (below
// all) some are not even readable.
func readFor(sc Scope) Scope {
	switch sc {
	case ScopeNone:
		return ScopeTeam
	case ScopeAll:
		return ScopeAll
	}
	return sc + 1
}

// TestPermissionMatrix: for every module roles grant on, every action
// with a store entry point and every scope, a user sees and changes
// exactly the records the scope reaches. Import has no store entry point
// yet (CreateMany is checked as create in bulk); when it gets one, give it
// a check in runCase.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	i := 0
	for _, m := range RoleModules() {
		for _, act := range Actions {
			if act == ActImport || (m.AppendOnly && (act == ActEdit || act == ActDelete)) {
				continue // a ledger is never edited: TestLedgersAreAppendOnly
			}
			for sc := ScopeNone; sc <= ScopeAll; sc++ {
				word, phone := caseWord(i), fmt.Sprintf("0532 %03d 45 67", 100+i)
				i++
				t.Run(m.Key+"/"+act+"/"+sc.String(), func(t *testing.T) {
					fx.runCase(t, m, act, sc, word, phone)
				})
			}
		}
	}
}

// permCase is one case of the matrix under way.
type permCase struct {
	*secFixture
	m       *Module
	sc      Scope // of the action under test
	read    Scope // read scope of the role
	a       *Actor
	owners  map[string]int64 // the fixture's users and "me"
	batch   map[string]*Record
	parents map[string]int64
	word    string
	phone   string
}

func (fx *secFixture) runCase(t *testing.T, m *Module, act string, sc Scope, word, phone string) {
	grants := map[string]string{act: sc.String()}
	read := sc
	if act != ActRead {
		read = readFor(sc)
		grants[ActRead] = read.String()
	}
	p := Permissions{Grants: map[string]map[string]string{m.Key: grants}}
	// A record refers only to records its writer may see: the role reads
	// every module m refers to.
	for i := range m.Fields {
		if f := &m.Fields[i]; (f.Kind == Ref || f.Kind == RefList) && f.Ref != m.Key {
			if target, ok := ModuleByKey(f.Ref); ok && !target.AdminOnly {
				p.Grants[target.Key] = map[string]string{ActRead: "all"}
			}
		}
	}
	roleID := fx.role(t, "Rol "+m.Key+"/"+act+"/"+sc.String(), p)
	me := fx.user(t, "Ben "+word, fx.depts["sales"], []int64{fx.teams["north"]}, roleID)
	defer fx.retire(t, me)
	c := &permCase{secFixture: fx, m: m, sc: sc, read: read, a: fx.actor(t, me), owners: map[string]int64{},
		batch: map[string]*Record{}, parents: map[string]int64{}, word: word, phone: phone}
	for k, v := range fx.users {
		c.owners[k] = v
	}
	c.owners["me"] = me
	if got := c.a.Scope(m, act); got != sc {
		t.Fatalf("the role grants %s %s, the user has %s", act, sc, got)
	}
	// The case's records, one per owner, in one bulk call (the fastest
	// way in; Create is checked by the create cases).
	rows := make([]Values, len(fixtureLabels))
	for i, label := range fixtureLabels {
		rows[i] = fx.genValues(t, m, word, label, phone, c.owners[label], c.parents)
	}
	ids, err := fx.st.CreateMany(fx.ctx, fx.admin, m, rows)
	if err != nil {
		t.Fatalf("create the records of the case: %v", err)
	}
	for i, label := range fixtureLabels {
		c.batch[label] = &Record{Module: m, ID: ids[i], Values: rows[i]}
	}
	if title, _ := c.stored(t, ids[0], genTitle(m)); !strings.Contains(tr.Fold(title), word) {
		t.Fatalf("%s: the title %q of a generated record does not hold %q; teach genValues", m.Key, title, word)
	}
	switch act {
	case ActRead:
		c.checkRead(t)
	case ActCreate:
		c.checkCreate(t)
	case ActEdit:
		c.checkEdit(t)
	case ActDelete:
		c.checkDelete(t)
	case ActExport:
		c.checkExport(t)
	default:
		t.Fatalf("no check for action %s; add one", act)
	}
}

// inBatch are the ids of the case's records owned by the labels for which
// keep is true.
func (c *permCase) inBatch(keep func(label string) bool) []int64 {
	var out []int64
	for _, label := range fixtureLabels {
		if keep(label) {
			out = append(out, c.batch[label].ID)
		}
	}
	return out
}

// reachable are the ids of every live record of the module (as the
// administrator lists them) that scope sc of "me" reaches.
func (c *permCase) reachable(t *testing.T, sc Scope) []int64 {
	label := map[int64]string{}
	for l, u := range c.owners {
		label[u] = l
	}
	var out []int64
	for _, r := range pageAll(t, c.st, c.admin, c.m, "", false, MaxLimit) {
		owner := c.scopeOwner(t, r)
		if l, known := label[owner]; (known && reaches(c.m, sc, l)) || (sc != ScopeNone && (sc == ScopeAll || (!c.m.owned() && !parentScoped(c.m)))) {
			out = append(out, r.ID)
		}
	}
	return out
}

// scopeOwner is the user a record's scope goes by: its owner, or its
// parent's for a module scoped by the parent.
func (c *permCase) scopeOwner(t *testing.T, r *Record) int64 {
	f, parent := c.m.scopeParent()
	if parent == nil {
		owner, _ := r.Values.Int("owner_id")
		return owner
	}
	var owner sql.NullInt64
	if err := c.st.reads.queryRow(c.ctx, "SELECT owner_id FROM "+parent.Table+" WHERE id = ?", r.Values[f.Name]).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	return owner.Int64
}

func (c *permCase) checkRead(t *testing.T) {
	ctx, st, m, a, sc := c.ctx, c.st, c.m, c.a, c.sc
	in := func(label string) bool { return reaches(m, sc, label) }
	want := c.inBatch(in)
	found := want // by a search on the word: nothing in a module left out of search
	if m.SearchID == 0 {
		found = nil
	}

	// List, unfiltered: what the administrator sees, cut by the scope.
	if sc == ScopeNone {
		_, err := st.List(ctx, a, m, ListQuery{})
		expect(t, "list", err, ErrForbidden, "")
	} else if got, want := ids(pageAll(t, st, a, m, "", false, 30)), c.reachable(t, sc); !sameIDs(got, want) {
		t.Errorf("list: %v, want %v", got, want)
	}

	// List with a search on the case's word.
	p, err := st.List(ctx, a, m, ListQuery{Search: c.word, Limit: MaxLimit})
	if sc == ScopeNone {
		expect(t, "search list", err, ErrForbidden, "")
	} else if err != nil {
		t.Errorf("search list: %v", err)
	} else if got := ids(p.Records); !sameIDs(got, found) {
		t.Errorf("search list: %v, want %v", got, found)
	}

	// The global search.
	groups, err := st.Search(ctx, a, c.word, 100)
	if err != nil {
		t.Errorf("search: %v", err)
	}
	var hits []int64
	for _, g := range groups {
		if g.Module.Key == m.Key {
			hits = ids(g.Hits)
		}
	}
	wantHits := found
	if m.NoGlobalSearch {
		wantHits = nil // found in its own list only
	}
	if !sameIDs(hits, wantHits) {
		t.Errorf("search: %v, want %v", hits, wantHits)
	}

	// One record at a time, and its history.
	for _, l := range fixtureLabels {
		id := c.batch[l].ID
		var wantErr error
		switch {
		case sc == ScopeNone:
			wantErr = ErrForbidden
		case !in(l):
			wantErr = ErrNotFound
		}
		r, err := st.Get(ctx, a, m, id)
		if expect(t, "get the record of "+l, err, wantErr, "") && err == nil && r.ID != id {
			t.Errorf("get %d gave %d", id, r.ID)
		}
		_, err = st.History(ctx, a, m, id, 10)
		expect(t, "history of the record of "+l, err, wantErr, "")
	}

	// The records of a parent (a customer's assets).
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind != Ref || !f.Parent {
			continue
		}
		if parentScoped(m) {
			// Each label's records hang on a parent of their own.
			for _, l := range fixtureLabels {
				kids, err := st.Children(ctx, a, m, f.Name, c.parents[fmt.Sprintf("%s/%d", f.Ref, c.owners[l])], 100)
				var wantKids []int64
				if in(l) {
					wantKids = []int64{c.batch[l].ID}
				}
				if sc == ScopeNone {
					expect(t, "children", err, ErrForbidden, "")
				} else if err != nil {
					t.Errorf("children: %v", err)
				} else if got := ids(kids); !sameIDs(got, wantKids) {
					t.Errorf("children by %s of %s's parent: %v, want %v", f.Name, l, got, wantKids)
				}
			}
			continue
		}
		kids, err := st.Children(ctx, a, m, f.Name, c.parents[f.Ref], 100)
		if sc == ScopeNone {
			expect(t, "children", err, ErrForbidden, "")
		} else if err != nil {
			t.Errorf("children: %v", err)
		} else if got := ids(kids); !sameIDs(got, want) {
			t.Errorf("children by %s: %v, want %v", f.Name, got, want)
		}
	}

	if m == Customers {
		c.checkCustomerLookups(t, want)
	}
}

// checkCustomerLookups: the phone lookup and the contact links of a
// company go through the scope too.
func (c *permCase) checkCustomerLookups(t *testing.T, want []int64) {
	ctx, st, a, sc := c.ctx, c.st, c.a, c.sc
	_, found, err := st.LookupPhone(ctx, a, c.phone)
	if sc == ScopeNone {
		expect(t, "phone lookup", err, ErrForbidden, "")
	} else if err != nil {
		t.Errorf("phone lookup: %v", err)
	} else if got := ids(found); !sameIDs(got, want) {
		t.Errorf("phone lookup: %v, want %v", got, want)
	}

	// My company, with every person of the case as a contact, and the
	// administrator's, with my person.
	firm := mustCreate(t, st, c.admin, Customers, company("Bağlantı A.Ş.", Values{"owner_id": c.owners["me"]}))
	theirs := mustCreate(t, st, c.admin, Customers, company("Yönetim A.Ş.", nil))
	links := []ContactLink{{CompanyID: theirs.ID, PersonID: c.batch["me"].ID, Role: "accounting"}}
	for _, l := range fixtureLabels {
		if c.batch[l].Values.Str("kind") == "person" {
			links = append(links, ContactLink{CompanyID: firm.ID, PersonID: c.batch[l].ID, Role: "authorized"})
		}
	}
	if err := st.AddContacts(ctx, c.admin, links); err != nil {
		t.Fatal(err)
	}
	contacts, err := st.Contacts(ctx, a, firm.ID)
	if sc == ScopeNone {
		expect(t, "contacts", err, ErrForbidden, "")
		return
	}
	if err != nil {
		t.Fatalf("contacts: %v", err)
	}
	var people []int64
	for _, ct := range contacts {
		people = append(people, ct.Person.ID)
	}
	if !sameIDs(people, want) {
		t.Errorf("contacts of a company: %v, want %v", people, want)
	}
	// The person's side: my company, and the administrator's only when
	// the scope reaches it.
	contacts, err = st.Contacts(ctx, a, c.batch["me"].ID)
	if err != nil {
		t.Fatalf("contacts of a person: %v", err)
	}
	var firms []int64
	for _, ct := range contacts {
		firms = append(firms, ct.Company.ID)
	}
	wantFirms := []int64{firm.ID}
	if sc == ScopeAll {
		wantFirms = append(wantFirms, theirs.ID)
	}
	if !sameIDs(firms, wantFirms) {
		t.Errorf("contacts of my person: %v, want %v", firms, wantFirms)
	}
}

// stored reads a column of a record straight from the table (as text,
// "" for NULL) and whether the record is in the recycle bin: checking a
// write this way logs no read and costs one query.
func (c *permCase) stored(t *testing.T, id int64, col string) (value string, deleted bool) {
	t.Helper()
	err := c.st.reader.QueryRow("SELECT COALESCE(CAST("+col+" AS TEXT), ''), deleted_at IS NOT NULL FROM "+c.m.Table+" WHERE id = ?", id).Scan(&value, &deleted)
	if err != nil {
		t.Fatalf("read %s %d: %v", c.m.Key, id, err)
	}
	return value, deleted
}

func (c *permCase) checkCreate(t *testing.T) {
	ctx, st, m, a, sc := c.ctx, c.st, c.m, c.a, c.sc
	want := func(label string) (field string, err error) {
		switch {
		case sc == ScopeNone:
			return "", ErrForbidden
		case reaches(m, sc, label):
			return "", nil
		}
		return scopeField(m), errInvalid
	}
	badBulk := false
	for _, l := range fixtureLabels {
		field, wantErr := want(l)
		v := c.genValues(t, m, c.word, "yeni "+l, c.phone, c.owners[l], c.parents)
		r, err := st.Create(ctx, a, m, v)
		if expect(t, "create for "+l, err, wantErr, field) && err == nil && m.owned() {
			if owner, _ := c.stored(t, r.ID, "owner_id"); owner != fmt.Sprint(c.owners[l]) {
				t.Errorf("created for %s: owner %s, want %d", l, owner, c.owners[l])
			}
		}

		// The same in bulk: a batch of one row, and (once) a batch whose
		// second row is refused, which must leave nothing behind.
		v = c.genValues(t, m, c.word, "toplu "+l, c.phone, c.owners[l], c.parents)
		_, err = st.CreateMany(ctx, a, m, []Values{v})
		expect(t, "create in bulk for "+l, err, wantErr, field)
		if wantErr == errInvalid && !badBulk {
			badBulk = true
			before := countRows(t, st, "SELECT count(*) FROM "+m.Table)
			mine := c.genValues(t, m, c.word, "toplu ben", c.phone, c.owners["me"], c.parents)
			_, err := st.CreateMany(ctx, a, m, []Values{mine, v})
			var rowErr *RowError
			if !errors.As(err, &rowErr) || rowErr.Row != 1 {
				t.Errorf("bulk with a bad second row: %v, want a RowError on row 1", err)
			}
			if after := countRows(t, st, "SELECT count(*) FROM "+m.Table); after != before {
				t.Errorf("a refused bulk create wrote %d rows", after-before)
			}
		}
	}
	// Without an owner, the record is the creator's. (A record scoped by
	// its parent has no owner to leave out.)
	if parentScoped(m) {
		return
	}
	v := c.genValues(t, m, c.word, "sahipsiz", c.phone, 0, c.parents)
	r, err := st.Create(ctx, a, m, v)
	_, wantErr := want("me")
	if expect(t, "create without an owner", err, wantErr, "") && err == nil && m.owned() {
		if owner, _ := r.Values.Int("owner_id"); owner != a.UserID {
			t.Errorf("owner of a record created without one: %d, want the creator %d", owner, a.UserID)
		}
	}
}

// editField is a text field of m that the generated records leave empty
// (or, failing that, any text field), for an edit to change.
func editField(t *testing.T, m *Module, v Values) *Field {
	var fallback *Field
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed || f.Sensitive || !m.Applies(f, v) || (f.Kind != Text && f.Kind != LongText) {
			continue
		}
		if !f.Required && f.Name != m.TitleField {
			return f
		}
		if fallback == nil {
			fallback = f
		}
	}
	if fallback == nil {
		t.Fatalf("%s has no text field to edit; teach editField", m.Key)
	}
	return fallback
}

// writeWant is what a write to the record of label gives: done within the
// action's scope, forbidden when only readable, not found otherwise.
func (c *permCase) writeWant(label string) error {
	switch {
	case c.sc == ScopeNone:
		return ErrForbidden
	case reaches(c.m, c.sc, label):
		return nil
	case reaches(c.m, c.read, label):
		return ErrForbidden
	}
	return ErrNotFound
}

func (c *permCase) checkEdit(t *testing.T) {
	ctx, st, m, a, sc := c.ctx, c.st, c.m, c.a, c.sc
	f := editField(t, m, c.batch["me"].Values)
	for _, l := range fixtureLabels {
		id := c.batch[l].ID
		old, _ := c.stored(t, id, f.Name)
		_, _, err := st.Update(ctx, a, m, id, Values{f.Name: old + " düzeltme"})
		wantErr := c.writeWant(l)
		expect(t, "edit the record of "+l, err, wantErr, "")
		if cur, _ := c.stored(t, id, f.Name); (cur != old) != (wantErr == nil) {
			t.Errorf("edit of the record of %s: %s is %q (was %q)", l, f.Name, cur, old)
		}
	}
	if sc == ScopeNone || !m.owned() {
		return
	}
	// Giving my record to someone: within the scope only.
	mine := c.batch["me"].ID
	for _, l := range fixtureLabels {
		wantErr, field := error(nil), ""
		if !reaches(m, sc, l) {
			wantErr, field = errInvalid, "owner_id"
		}
		_, _, err := st.Update(ctx, a, m, mine, Values{"owner_id": c.owners[l]})
		if expect(t, "assign my record to "+l, err, wantErr, field) && err == nil {
			if _, _, err := st.Update(ctx, a, m, mine, Values{"owner_id": c.owners["me"]}); err != nil {
				t.Errorf("take my record back from %s: %v", l, err)
			}
		}
	}
}

func (c *permCase) checkDelete(t *testing.T) {
	ctx, st, m, a := c.ctx, c.st, c.m, c.a
	for _, l := range fixtureLabels {
		id := c.batch[l].ID
		wantErr := c.writeWant(l)
		expect(t, "delete the record of "+l, st.Delete(ctx, a, m, id), wantErr, "")
		if _, deleted := c.stored(t, id, "id"); deleted != (wantErr == nil) {
			t.Errorf("delete of the record of %s: in the recycle bin %v", l, deleted)
		}
	}
}

// exports counts the export entries of the module in the audit trail.
func (c *permCase) exports(t *testing.T) int {
	return countRows(t, c.st, "SELECT count(*) FROM audit_log WHERE action = 'export' AND record_id = 0 AND module = '"+c.m.Key+"'")
}

func (c *permCase) checkExport(t *testing.T) {
	ctx, st, m, a, sc := c.ctx, c.st, c.m, c.a, c.sc
	all := c.reachable(t, sc)
	for _, q := range []ListQuery{{}, {Search: c.word}} {
		want := all
		if q.Search != "" {
			want = c.inBatch(func(l string) bool { return reaches(m, sc, l) })
			if m.SearchID == 0 {
				want = nil // a module left out of search finds nothing by a word
			}
		}
		before := c.exports(t)
		var got []int64
		n, err := st.Export(ctx, a, m, q, func(r *Record) error {
			got = append(got, r.ID)
			return nil
		})
		logged := c.exports(t) - before
		if sc == ScopeNone {
			expect(t, "export", err, ErrForbidden, "")
			if logged != 0 {
				t.Errorf("a refused export was logged")
			}
			continue
		}
		if err != nil {
			t.Errorf("export %+v: %v", q, err)
			continue
		}
		if !sameIDs(got, want) || n != len(got) {
			t.Errorf("export %+v: %d records %v, want %v", q, n, got, want)
		}
		if logged != 1 {
			t.Errorf("export %+v logged %d times, want once", q, logged)
		}
	}
}

// Exporting needs the read scope as well as the export scope: a role
// that lets someone export more than they see exports what they see.
func TestExportStaysWithinTheReadScope(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	for _, c := range []struct{ read, export Scope }{
		{ScopeOwn, ScopeAll}, {ScopeAll, ScopeOwn}, {ScopeTeam, ScopeDepartment},
	} {
		t.Run(c.read.String()+"-"+c.export.String(), func(t *testing.T) {
			role := fx.role(t, "Dışa aktarma "+c.read.String()+" "+c.export.String(), Permissions{Grants: map[string]map[string]string{
				"customers": {"read": c.read.String(), "export": c.export.String()}}})
			me := fx.user(t, "Aktaran", fx.depts["sales"], []int64{fx.teams["north"]}, role)
			defer fx.retire(t, me)
			owners := map[string]int64{"me": me}
			for k, v := range fx.users {
				owners[k] = v
			}
			word := "aktarim" + string(rune('a'+c.read)) + string(rune('a'+c.export))
			var want []int64
			for _, l := range fixtureLabels {
				r := mustCreate(t, st, fx.admin, Customers, person(word, l, Values{"owner_id": owners[l]}))
				if reaches(Customers, min(c.read, c.export), l) {
					want = append(want, r.ID)
				}
			}
			var got []int64
			if _, err := st.Export(ctx, fx.actor(t, me), Customers, ListQuery{Search: word}, func(r *Record) error {
				got = append(got, r.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !sameIDs(got, want) {
				t.Errorf("read %s, export %s: exported %v, want %v", c.read, c.export, got, want)
			}
		})
	}
}

// allGrants grants every action on every module roles reach, at scope sc.
func allGrants(sc Scope) Permissions {
	p := Permissions{Grants: map[string]map[string]string{}}
	for _, m := range RoleModules() {
		p.Grants[m.Key] = map[string]string{}
		for _, act := range Actions {
			p.Grants[m.Key][act] = sc.String()
		}
	}
	return p
}

func TestSeveralRolesTheWidestScopeWins(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ownRead := fx.role(t, "Okur", Permissions{Grants: map[string]map[string]string{
		"customers": {"read": "own", "edit": "all"}, "assets": {"read": "department"}}})
	teamRead := fx.role(t, "Ekip okur", Permissions{Grants: map[string]map[string]string{
		"customers": {"read": "team", "delete": "own"}}})
	me := fx.user(t, "Çift Rollü", fx.depts["sales"], []int64{fx.teams["north"]}, ownRead, teamRead)
	a := fx.actor(t, me)
	for _, c := range []struct {
		m    *Module
		act  string
		want Scope
	}{
		{Customers, ActRead, ScopeTeam}, {Customers, ActEdit, ScopeAll}, {Customers, ActDelete, ScopeOwn},
		{Customers, ActCreate, ScopeNone}, {Assets, ActRead, ScopeDepartment}, {Assets, ActEdit, ScopeNone},
	} {
		if got := a.Scope(c.m, c.act); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.m.Key, c.act, got, c.want)
		}
	}
	// And the records follow: the teammate's customer is seen, the
	// sub-department's is not.
	mate := mustCreate(t, fx.st, fx.admin, Customers, person("Ekip", "Arkadaşı", Values{"owner_id": fx.users["mate"]}))
	sub := mustCreate(t, fx.st, fx.admin, Customers, person("Şube", "Çalışanı", Values{"owner_id": fx.users["sub"]}))
	if _, err := fx.st.Get(fx.ctx, a, Customers, mate.ID); err != nil {
		t.Errorf("the teammate's customer: %v", err)
	}
	if _, err := fx.st.Get(fx.ctx, a, Customers, sub.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the sub-department's customer: %v, want ErrNotFound", err)
	}
}

func TestRoleChangesTakeEffectAtTheNextRequest(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	customers := fx.role(t, "Müşteriler", Permissions{Grants: map[string]map[string]string{"customers": {"read": "all"}}})
	assets := fx.role(t, "Varlıklar", Permissions{Grants: map[string]map[string]string{"assets": {"read": "all"}}})
	me := fx.user(t, "Değişen Roller", fx.depts["sales"], nil, customers, assets)
	if a := fx.actor(t, me); !a.Can(Assets, ActRead) || !a.Can(Customers, ActRead) {
		t.Fatal("the roles do not grant what they say")
	}
	token, err := st.CreateSession(ctx, me, "", "")
	if err != nil {
		t.Fatal(err)
	}

	// Each step reads the session first, so the server holds the user's
	// merged rights (permcache.go) when the role changes under it.
	warm := func(t *testing.T) {
		t.Helper()
		if _, err := st.SessionUser(ctx, token, DefaultSessionLimits); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("removed role", func(t *testing.T) {
		warm(t)
		if _, _, err := st.Update(ctx, fx.admin, Users, me, Values{"roles": []int64{customers}}); err != nil {
			t.Fatal(err)
		}
		u, err := st.SessionUser(ctx, token, DefaultSessionLimits)
		if err != nil {
			t.Fatal(err)
		}
		a := ActorFor(u)
		if a.Can(Assets, ActRead) {
			t.Error("a removed role still grants")
		}
		if _, err := st.List(ctx, a, Assets, ListQuery{}); !errors.Is(err, ErrForbidden) {
			t.Errorf("list of a module the removed role granted: %v", err)
		}
	})

	t.Run("deleted role", func(t *testing.T) {
		warm(t)
		if err := st.Delete(ctx, fx.admin, Roles, customers); err != nil {
			t.Fatal(err)
		}
		u, err := st.SessionUser(ctx, token, DefaultSessionLimits)
		if err != nil {
			t.Fatal(err)
		}
		if a := ActorFor(u); a.Can(Customers, ActRead) {
			t.Error("a role in the recycle bin still grants")
		}
		if err := st.Restore(ctx, fx.admin, Roles, customers); err != nil {
			t.Fatal(err)
		}
		u, _ = st.SessionUser(ctx, token, DefaultSessionLimits)
		if a := ActorFor(u); !a.Can(Customers, ActRead) {
			t.Error("a restored role grants nothing")
		}
	})

	t.Run("changed permissions", func(t *testing.T) {
		warm(t)
		if _, _, err := st.Update(ctx, fx.admin, Roles, customers, Values{"permissions": Permissions{Grants: map[string]map[string]string{"customers": {"read": "own"}}}}); err != nil {
			t.Fatal(err)
		}
		u, _ := st.SessionUser(ctx, token, DefaultSessionLimits)
		if got := ActorFor(u).Scope(Customers, ActRead); got != ScopeOwn {
			t.Errorf("read scope after the role changed: %s, want own", got)
		}
	})

	t.Run("role taken away by another process", func(t *testing.T) {
		// The command line, or any tool, writes the file over its own
		// connection: the triggers' generation still tells the server.
		warm(t)
		other, err := sql.Open("sqlite", dsn(st.path))
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if _, err := other.ExecContext(ctx, "DELETE FROM users_roles WHERE record_id = ?", me); err != nil {
			t.Fatal(err)
		}
		u, err := st.SessionUser(ctx, token, DefaultSessionLimits)
		if err != nil {
			t.Fatal(err)
		}
		if a := ActorFor(u); a.Can(Customers, ActRead) {
			t.Error("a role deleted by another process still grants")
		}
		if _, err := other.ExecContext(ctx, "INSERT INTO users_roles (record_id, ref_id) VALUES (?, ?)", me, customers); err != nil {
			t.Fatal(err)
		}
		u, _ = st.SessionUser(ctx, token, DefaultSessionLimits)
		if a := ActorFor(u); !a.Can(Customers, ActRead) {
			t.Error("a role given back by another process grants nothing")
		}
	})

	t.Run("deactivated user", func(t *testing.T) {
		if _, _, err := st.Update(ctx, fx.admin, Users, me, Values{"active": false}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionUser(ctx, token, DefaultSessionLimits); !errors.Is(err, ErrNotFound) {
			t.Errorf("session of a deactivated user: %v, want ErrNotFound", err)
		}
		// And it stays ended when the user comes back.
		if _, _, err := st.Update(ctx, fx.admin, Users, me, Values{"active": true}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SessionUser(ctx, token, DefaultSessionLimits); !errors.Is(err, ErrNotFound) {
			t.Errorf("the session of a reactivated user came back: %v", err)
		}
	})
}

func TestAdministratorRolePassesEverything(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	boss := mustCreate(t, st, fx.admin, Roles, Values{"name": "İkinci Yönetici", "is_admin": true}).ID
	me := fx.user(t, "Yardımcı Yönetici", fx.depts["ist"], nil, boss)
	a := fx.actor(t, me)
	if !a.Admin {
		t.Fatal("a user with an administrator role is no administrator")
	}
	for _, m := range Modules() {
		for _, act := range Actions {
			if m.AppendOnly && (act == ActEdit || act == ActDelete) {
				continue // nobody edits a ledger: TestLedgersAreAppendOnly
			}
			if a.Scope(m, act) != ScopeAll {
				t.Errorf("%s %s: %s, want all", m.Key, act, a.Scope(m, act))
			}
		}
		if _, err := st.List(ctx, a, m, ListQuery{}); err != nil {
			t.Errorf("list %s: %v", m.Key, err)
		}
	}
	r := mustCreate(t, st, fx.admin, Customers, person("Başkasının", "Müşterisi", Values{"owner_id": fx.users["other"], "tckn": "10000000146"}))
	got, err := st.Get(ctx, a, Customers, r.ID)
	if err != nil || got.Values.Str("tckn") != "10000000146" {
		t.Errorf("an administrator reads everything: %v, %v", got, err)
	}
	if _, _, err := st.Update(ctx, a, Customers, r.ID, Values{"owner_id": fx.users["boss"]}); err != nil {
		t.Errorf("an administrator assigns to anyone: %v", err)
	}
	if _, err := st.CreateUser(ctx, a, NewUser{Name: "Yeni", Email: "yeni@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword}); err != nil {
		t.Errorf("an administrator creates users: %v", err)
	}
}

// Users, teams, departments and roles are the administrators': a user
// whose roles grant everything else still reaches nothing of them.
func TestAdminOnlyModulesAreForbidden(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	me := fx.user(t, "Her Şeyi Gören", fx.depts["gm"], []int64{fx.teams["north"]}, fx.role(t, "Her şey", allGrants(ScopeAll)))
	a := fx.actor(t, me)
	existing := map[*Module]int64{Users: fx.users["mate"], Teams: fx.teams["north"], Departments: fx.depts["sales"], Roles: 2, OpportunityStages: 1,
		KDVRates: 1, NumberSeries: 1, ServiceCategories: 1, ServiceSLA: 1, ServiceHours: 1, ServiceHolidays: 1}
	var adminOnly int
	for _, m := range Modules() {
		if !m.AdminOnly {
			continue
		}
		adminOnly++
		id := existing[m]
		if id == 0 {
			t.Fatalf("no record of the admin module %s to try; add one to this test", m.Key)
		}
		t.Run(m.Key, func(t *testing.T) {
			for _, act := range Actions {
				// A lookup list (the pipeline's stages) is everyone's to
				// read and choose from, and only that.
				if a.Can(m, act) != (m.Lookup && act == ActRead) {
					t.Errorf("%s: a non-administrator may %s: %v", m.Key, act, a.Can(m, act))
				}
			}
			readable := error(ErrForbidden)
			if m.Lookup {
				readable = nil
			}
			_, err := st.List(ctx, a, m, ListQuery{})
			expect(t, "list", err, readable, "")
			_, err = st.Get(ctx, a, m, id)
			expect(t, "get", err, readable, "")
			_, err = st.History(ctx, a, m, id, 10)
			expect(t, "history", err, readable, "")
			_, err = st.Create(ctx, a, m, Values{"name": "Sızma"})
			expect(t, "create", err, ErrForbidden, "")
			_, err = st.CreateMany(ctx, a, m, []Values{{"name": "Sızma"}})
			expect(t, "create in bulk", err, ErrForbidden, "")
			_, _, err = st.Update(ctx, a, m, id, Values{"name": "Sızma"})
			expect(t, "edit", err, ErrForbidden, "")
			expect(t, "delete", st.Delete(ctx, a, m, id), ErrForbidden, "")
			_, err = st.Assignees(ctx, a, m, ActEdit)
			expect(t, "assignees", err, ErrForbidden, "")
			if rec, err := st.Get(ctx, fx.admin, m, id); err != nil || strings.Contains(rec.Title(), "Sızma") {
				t.Errorf("the record changed: %v, %v", rec, err)
			}
		})
	}
	if adminOnly == 0 {
		t.Fatal("no admin-only module is declared")
	}
	for _, what := range []struct {
		name string
		call func() error
	}{
		{"create user", func() error {
			_, err := st.CreateUser(ctx, a, NewUser{Name: "X", Email: "x@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
			return err
		}},
		{"user by id", func() error { _, err := st.UserByID(ctx, a, me); return err }},
	} {
		expect(t, what.name, what.call(), ErrForbidden, "")
	}
	// Nor can a role grant on them.
	for _, m := range Modules() {
		if !m.AdminOnly {
			continue
		}
		_, err := st.Create(ctx, fx.admin, Roles, Values{"name": "Gizli " + m.Key, "permissions": Permissions{Grants: map[string]map[string]string{m.Key: {"read": "all"}}}})
		expect(t, "a role granting on "+m.Key, err, errInvalid, "permissions")
	}
}

// A deleted team or department stops widening scopes.
func TestDeletedTeamAndDepartmentGrantNothing(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	me := fx.user(t, "Bölüm Okuru", fx.depts["sales"], []int64{fx.teams["north"]}, fx.role(t, "Bölüm", Permissions{Grants: map[string]map[string]string{"customers": {"read": "department"}}}))
	a := fx.actor(t, me)
	mate := mustCreate(t, st, fx.admin, Customers, person("Ekip", "Arkadaşı", Values{"owner_id": fx.users["mate"]}))
	sub := mustCreate(t, st, fx.admin, Customers, person("Şube", "Çalışanı", Values{"owner_id": fx.users["sub"]}))
	for _, r := range []*Record{mate, sub} {
		if _, err := st.Get(ctx, a, Customers, r.ID); err != nil {
			t.Fatalf("before: %v", err)
		}
	}
	if err := st.Delete(ctx, fx.admin, Teams, fx.teams["north"]); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, fx.admin, Departments, fx.depts["ist"]); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Record{mate, sub} {
		if _, err := st.Get(ctx, a, Customers, r.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s after their team or department was deleted: %v, want ErrNotFound", r.Title(), err)
		}
	}
}

// validTCKN is the n-th valid TCKN after 10000000146.
func validTCKN(t *testing.T, n int) string {
	t.Helper()
	for i := int64(10000000147); i < 10000100000; i++ {
		if s, ok := tr.TCKN(fmt.Sprint(i)); ok {
			if n--; n == 0 {
				return s
			}
		}
	}
	t.Fatal("no valid TCKN found")
	return ""
}

func TestProtectedFields(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	full := Permissions{Grants: map[string]map[string]string{"customers": {"read": "all", "create": "all", "edit": "all", "export": "all"}}}
	protected := full
	protected.Fields = map[string]map[string]string{"customers": {"tckn": "hidden", "birth_date": "readonly"}}
	hiding := fx.role(t, "Gizleyen", protected)
	me := fx.user(t, "Çağrı Görevlisi", fx.depts["sales"], nil, hiding)
	a := fx.actor(t, me)
	if a.FieldAccess(Customers, "tckn") != AccessHidden || a.FieldAccess(Customers, "birth_date") != AccessReadOnly {
		t.Fatalf("field access: %v %v", a.FieldAccess(Customers, "tckn"), a.FieldAccess(Customers, "birth_date"))
	}
	const tckn = "10000000146"
	r := mustCreate(t, st, fx.admin, Customers, person("Gizli", "Kimlikli", Values{
		"tckn": tckn, "birth_date": "1980-05-01", "phone": "0532 987 65 43", "owner_id": me}))
	other := validTCKN(t, 1)
	if _, _, err := st.Update(ctx, fx.admin, Customers, r.ID, Values{"tckn": other}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, fx.admin, Customers, r.ID, Values{"tckn": tckn}); err != nil {
		t.Fatal(err)
	}
	firm := mustCreate(t, st, fx.admin, Customers, company("Gizlilik A.Ş.", nil))
	if err := st.AddContact(ctx, fx.admin, firm.ID, r.ID, "authorized"); err != nil {
		t.Fatal(err)
	}

	noTCKN := func(what string, recs ...*Record) {
		t.Helper()
		if len(recs) == 0 {
			t.Errorf("%s: no record", what)
		}
		for _, rec := range recs {
			if _, ok := rec.Values["tckn"]; ok {
				t.Errorf("%s: the hidden tckn is there: %q", what, rec.Values["tckn"])
			}
			if rec.Values.Str("birth_date") != "1980-05-01" {
				t.Errorf("%s: the read-only birth date is not shown: %q", what, rec.Values.Str("birth_date"))
			}
		}
	}

	t.Run("hidden when read", func(t *testing.T) {
		got, err := st.Get(ctx, a, Customers, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		noTCKN("get", got)
		p, err := st.List(ctx, a, Customers, ListQuery{Search: "kimlikli"})
		if err != nil {
			t.Fatal(err)
		}
		noTCKN("list", p.Records...)
		groups, err := st.Search(ctx, a, "kimlikli", 10)
		if err != nil || len(groups) != 1 {
			t.Fatalf("search: %v, %v", groups, err)
		}
		noTCKN("search", groups[0].Hits...)
		_, found, err := st.LookupPhone(ctx, a, "0532 987 65 43")
		if err != nil {
			t.Fatal(err)
		}
		noTCKN("phone lookup", found...)
		contacts, err := st.Contacts(ctx, a, firm.ID)
		if err != nil || len(contacts) != 1 {
			t.Fatalf("contacts: %v, %v", contacts, err)
		}
		noTCKN("contacts", contacts[0].Person)
		var exported []*Record
		if _, err := st.Export(ctx, a, Customers, ListQuery{Search: "kimlikli"}, func(r *Record) error {
			exported = append(exported, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		noTCKN("export", exported...)
	})

	t.Run("not searchable", func(t *testing.T) {
		for _, q := range []string{tckn, "100000001"} {
			if groups, err := st.Search(ctx, a, q, 10); err != nil || len(groups) != 0 {
				t.Errorf("search %s by someone it is hidden from: %v, %v", q, groups, err)
			}
			if p, err := st.List(ctx, a, Customers, ListQuery{Search: q}); err != nil || len(p.Records) != 0 {
				t.Errorf("list search %s by someone it is hidden from: %v, %v", q, p, err)
			}
			groups, err := st.Search(ctx, fx.admin, q, 10)
			if err != nil || len(groups) != 1 || groups[0].Hits[0].ID != r.ID {
				t.Errorf("search %s by an administrator: %v, %v", q, groups, err)
			}
			if p, err := st.List(ctx, fx.admin, Customers, ListQuery{Search: q}); err != nil || len(p.Records) != 1 {
				t.Errorf("list search %s by an administrator: %v, %v", q, p, err)
			}
		}
		// The other fields are still searched.
		if p, err := st.List(ctx, a, Customers, ListQuery{Search: "gizli kimlik"}); err != nil || len(p.Records) != 1 {
			t.Errorf("search by name by someone a field is hidden from: %v, %v", p, err)
		}
	})

	t.Run("history", func(t *testing.T) {
		h, err := st.History(ctx, a, Customers, r.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			for _, c := range e.Changes {
				if c.Field == "tckn" {
					t.Errorf("history shows a tckn change: %+v", c)
				}
			}
		}
		h, err = st.History(ctx, fx.admin, Customers, r.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		var seen int
		for _, e := range h {
			for _, c := range e.Changes {
				if c.Field == "tckn" {
					seen++
				}
			}
		}
		if seen != 3 {
			t.Errorf("an administrator sees %d tckn changes, want 3", seen)
		}
	})

	t.Run("not changed", func(t *testing.T) {
		_, _, err := st.Update(ctx, a, Customers, r.ID, Values{"tckn": other, "birth_date": "1990-01-01", "district": "Kadıköy"})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = st.Update(ctx, a, Customers, r.ID, Values{"tckn": "", "birth_date": ""})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Get(ctx, fx.admin, Customers, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Values.Str("tckn") != tckn || got.Values.Str("birth_date") != "1980-05-01" || got.Values.Str("district") != "Kadıköy" {
			t.Errorf("after an edit by someone they are protected from: tckn %q, birth date %q, district %q",
				got.Values.Str("tckn"), got.Values.Str("birth_date"), got.Values.Str("district"))
		}
		created := mustCreate(t, st, a, Customers, person("Yeni", "Kayıt", Values{"tckn": other, "birth_date": "1990-01-01"}))
		got, err = st.Get(ctx, fx.admin, Customers, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Values.Str("tckn") != "" || got.Values.Str("birth_date") != "" {
			t.Errorf("created by someone they are protected from: tckn %q, birth date %q", got.Values.Str("tckn"), got.Values.Str("birth_date"))
		}
		ids, err := st.CreateMany(ctx, a, Customers, []Values{person("Toplu", "Kayıt", Values{"tckn": other, "birth_date": "1990-01-01"})})
		if err != nil {
			t.Fatal(err)
		}
		got, err = st.Get(ctx, fx.admin, Customers, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.Values.Str("tckn") != "" || got.Values.Str("birth_date") != "" {
			t.Errorf("created in bulk by someone they are protected from: tckn %q, birth date %q", got.Values.Str("tckn"), got.Values.Str("birth_date"))
		}
	})

	// What a write hands back (the API answers a PATCH with it) is
	// redacted like what a read does.
	t.Run("hidden in what a write returns", func(t *testing.T) {
		for i, in := range []Values{{"district": "Üsküdar"}, {"district": "Üsküdar"}, {"tckn": other}} {
			rec, _, err := st.Update(ctx, a, Customers, r.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := rec.Values["tckn"]; ok {
				t.Errorf("update %d %v returned the hidden tckn %q", i, in, v)
			}
		}
		rec, err := st.Create(ctx, a, Customers, person("Dönen", "Kayıt", Values{"tckn": other}))
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := rec.Values["tckn"]; ok && v != "" {
			t.Errorf("create returned the hidden tckn %q", v)
		}
	})

	t.Run("open when one role leaves it open", func(t *testing.T) {
		readonly := full
		readonly.Fields = map[string]map[string]string{"customers": {"tckn": "readonly"}}
		for _, c := range []struct {
			name   string
			second Permissions
			want   Access
		}{
			{"unprotected", full, AccessFull},
			{"read-only", readonly, AccessReadOnly},
			{"hidden", protected, AccessHidden},
		} {
			second := fx.role(t, "İkinci rol "+c.name, c.second)
			u := fx.user(t, "İki Rollü "+c.name, fx.depts["sales"], nil, hiding, second)
			b := fx.actor(t, u)
			if got := b.FieldAccess(Customers, "tckn"); got != c.want {
				t.Errorf("%s beside hidden: %v, want %v", c.name, got, c.want)
			}
			got, err := st.Get(ctx, b, Customers, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if shown := got.Values.Str("tckn") == tckn; shown != (c.want != AccessHidden) {
				t.Errorf("%s beside hidden: tckn shown %v", c.name, shown)
			}
		}
	})

	// A role that reaches no customer at all leaves nothing of theirs
	// open: adding an assets role to a call-centre user must not show
	// them the TCKNs their customer role hides.
	t.Run("a role without the module opens nothing", func(t *testing.T) {
		assets := fx.role(t, "Yalnız varlıklar", Permissions{Grants: map[string]map[string]string{"assets": {"read": "all"}}})
		u := fx.user(t, "Varlık Okuru", fx.depts["sales"], nil, hiding, assets)
		b := fx.actor(t, u)
		if got := b.FieldAccess(Customers, "tckn"); got != AccessHidden {
			t.Errorf("tckn beside a role without customers: %v, want hidden", got)
		}
	})
}

func TestAssignmentNotifies(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	team := fx.role(t, "Ekip satış", Permissions{Grants: map[string]map[string]string{"customers": {"read": "team", "create": "team", "edit": "team"}}})
	me := fx.user(t, "Atayan Kişi", fx.depts["sales"], []int64{fx.teams["north"]}, team)
	a := fx.actor(t, me)
	mate := fx.actor(t, fx.users["mate"])

	unread := func(who *Actor) int {
		t.Helper()
		n, err := st.UnreadNotifications(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	r := mustCreate(t, st, a, Customers, person("Atanan", "Müşteri", Values{"owner_id": fx.users["mate"]}))
	if n := unread(mate); n != 1 {
		t.Fatalf("the new owner has %d unread notifications, want 1", n)
	}
	list, err := st.Notifications(ctx, mate, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("notifications: %v, %v", list, err)
	}
	n := list[0]
	if n.Kind != "assigned" || n.Module.Key != Customers.Key || n.RecordID != r.ID || n.Title != "Atanan Müşteri" || n.By != "Atayan Kişi" || n.Read {
		t.Errorf("notification: %+v", n)
	}

	// Assigning to oneself, keeping the owner, changing other fields:
	// nothing to tell.
	mustCreate(t, st, a, Customers, person("Kendi", "Müşterim", nil))
	mine := mustCreate(t, st, a, Customers, person("Açık", "Atama", Values{"owner_id": me}))
	if _, _, err := st.Update(ctx, a, Customers, r.ID, Values{"district": "Beşiktaş", "owner_id": fx.users["mate"]}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, a, Customers, r.ID, Values{"owner_id": me}); err != nil {
		t.Fatal(err)
	}
	if n := unread(a); n != 0 {
		t.Errorf("assigning to oneself notified: %d", n)
	}
	if n := unread(mate); n != 1 {
		t.Errorf("the owner has %d unread notifications after edits that kept or took the owner, want 1", n)
	}
	// A reassignment is news again.
	if _, _, err := st.Update(ctx, a, Customers, mine.ID, Values{"owner_id": fx.users["mate"]}); err != nil {
		t.Fatal(err)
	}
	if n := unread(mate); n != 2 {
		t.Errorf("after a second assignment: %d unread, want 2", n)
	}
	// A refused assignment tells nobody.
	if _, _, err := st.Update(ctx, a, Customers, mine.ID, Values{"owner_id": fx.users["other"]}); err == nil {
		t.Error("assigned outside the scope")
	}
	if n := unread(fx.actor(t, fx.users["other"])); n != 0 {
		t.Errorf("a refused assignment notified: %d", n)
	}

	// Marking read: someone else cannot, the owner can, one or all.
	list, _ = st.Notifications(ctx, mate, 10)
	if err := st.MarkNotificationsRead(ctx, a, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := unread(mate); n != 2 {
		t.Errorf("someone else marked a notification read: %d unread", n)
	}
	if err := st.MarkNotificationsRead(ctx, mate, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := unread(mate); n != 1 {
		t.Errorf("after marking one read: %d unread, want 1", n)
	}
	list, _ = st.Notifications(ctx, mate, 10)
	if len(list) != 2 || list[0].Read || !list[1].Read {
		t.Errorf("unread notifications come first: %+v", list)
	}
	if err := st.MarkNotificationsRead(ctx, mate); err != nil {
		t.Fatal(err)
	}
	if n := unread(mate); n != 0 {
		t.Errorf("after marking all read: %d unread", n)
	}
}

func TestAssigneesFollowTheScope(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	gone := fx.user(t, "Ayrılan Ekipçi", fx.depts["sales"], []int64{fx.teams["north"]}, 2)
	fx.retire(t, gone)
	if _, _, err := st.Update(ctx, fx.admin, Users, gone, Values{"department_id": fx.depts["sales"], "teams": []int64{fx.teams["north"]}}); err != nil {
		t.Fatal(err)
	}
	for sc := ScopeNone; sc <= ScopeAll; sc++ {
		t.Run(sc.String(), func(t *testing.T) {
			role := fx.role(t, "Atama "+sc.String(), Permissions{Grants: map[string]map[string]string{"customers": {"read": "all", "edit": sc.String()}}})
			me := fx.user(t, "Atayan "+sc.String(), fx.depts["sales"], []int64{fx.teams["north"]}, role)
			defer fx.retire(t, me)
			a := fx.actor(t, me)
			got, err := st.Assignees(ctx, a, Customers, ActEdit)
			if sc == ScopeNone {
				expect(t, "assignees", err, ErrForbidden, "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			owners := map[string]int64{"me": me}
			for k, v := range fx.users {
				if k != "me" {
					owners[k] = v
				}
			}
			for _, l := range fixtureLabels {
				if reaches(Customers, sc, l) {
					want = append(want, owners[l])
				}
			}
			var gotIDs []int64
			for _, u := range got {
				gotIDs = append(gotIDs, u.ID)
				if !u.Active {
					t.Errorf("an inactive assignee: %s", u.Name)
				}
			}
			if !sameIDs(gotIDs, want) {
				t.Errorf("assignees: %v, want %v", gotIDs, want)
			}
		})
	}
}

// KVKK: opening a person's record is logged, once an hour per reader
// and record; the record's own history does not show the reads.
func TestReadsAreLoggedOncePerHour(t *testing.T) {
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	defer func() { now = time.Now }()
	base := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	now = func() time.Time { return base }
	reader := fx.role(t, "Okuyucu", Permissions{Grants: map[string]map[string]string{"customers": {"read": "all"}, "assets": {"read": "all"}}})
	me := fx.actor(t, fx.user(t, "Okuyan", fx.depts["sales"], nil, reader))
	you := fx.actor(t, fx.user(t, "Öteki Okuyan", fx.depts["sales"], nil, reader))
	r := mustCreate(t, st, fx.admin, Customers, person("Okunan", "Kişi", nil))
	asset := mustCreate(t, st, fx.admin, Assets, Values{"customer_id": r.ID, "name": "Doblo"})
	reads := func(a *Actor) int {
		t.Helper()
		return countRows(t, st, fmt.Sprintf("SELECT count(*) FROM audit_log WHERE action = 'read' AND module = 'customers' AND record_id = %d AND user_id = %d", r.ID, a.UserID))
	}
	get := func(a *Actor, after time.Duration) {
		t.Helper()
		now = func() time.Time { return base.Add(after) }
		if _, err := st.Get(ctx, a, Customers, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	get(me, 0)
	get(me, time.Minute)
	get(me, 59*time.Minute)
	if n := reads(me); n != 1 {
		t.Errorf("reads within an hour logged %d times, want 1", n)
	}
	get(you, 30*time.Minute)
	if n := reads(you); n != 1 {
		t.Errorf("another reader: %d, want 1", n)
	}
	get(me, 61*time.Minute)
	if n := reads(me); n != 2 {
		t.Errorf("a read after an hour: %d rows, want 2", n)
	}
	// Lists, searches and records of other modules are not reads of a
	// person.
	if _, err := st.List(ctx, me, Customers, ListQuery{Search: "okunan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, me, Assets, asset.ID); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, st, "SELECT count(*) FROM audit_log WHERE action = 'read'"); n != 3 {
		t.Errorf("%d reads logged in all, want 3", n)
	}
	h, err := st.History(ctx, fx.admin, Customers, r.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if e.Action == ActionRead {
			t.Errorf("the history shows a read: %+v", e)
		}
	}
	if len(h) != 1 {
		t.Errorf("history: %d entries, want the creation only", len(h))
	}
}

// A reference is checked through the scope of the one who sets it: a
// user who cannot see a customer cannot hang an asset on it, which would
// also tell them the customer's name (an asset shows its customer's).
func TestRefToAnUnseenRecordIsRefused(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	sales := fx.actor(t, fx.user(t, "Satışçı", fx.depts["sales"], nil, 2)) // the shipped Satış role: own customers and assets
	theirs := mustCreate(t, st, fx.admin, Customers, person("Başkasının", "Müşterisi", Values{"owner_id": fx.users["boss"]}))
	if _, err := st.Get(ctx, sales, Customers, theirs.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the customer is visible: %v", err)
	}
	r, err := st.Create(ctx, sales, Assets, Values{"customer_id": theirs.ID, "name": "Sızan Araç"})
	if err == nil {
		if got, err := st.Get(ctx, sales, Assets, r.ID); err == nil && got.Refs["customer_id"] != "" {
			t.Errorf("the asset shows the unseen customer's name %q", got.Refs["customer_id"])
		}
	}
	expect(t, "an asset for an unseen customer", err, errInvalid, "customer_id")
	mine := mustCreate(t, st, sales, Customers, person("Kendi", "Müşterim", nil))
	car := mustCreate(t, st, sales, Assets, Values{"customer_id": mine.ID, "name": "Kendi Aracım"})
	_, _, err = st.Update(ctx, sales, Assets, car.ID, Values{"customer_id": theirs.ID})
	expect(t, "moving an asset to an unseen customer", err, errInvalid, "customer_id")
}

// Linking contacts in bulk meets the checks of linking one: the company
// must be within the edit scope and the person within the read scope, or
// the link is refused as AddContact refuses it, and nothing is linked.
func TestAddContactsStayWithinScope(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	sales := fx.actor(t, fx.user(t, "Satışçı", fx.depts["sales"], nil, 2)) // the shipped Satış role: own customers
	myFirm := mustCreate(t, st, sales, Customers, company("Benim Firmam A.Ş.", nil))
	me := mustCreate(t, st, sales, Customers, person("Benim", "Kişim", nil))
	theirFirm := mustCreate(t, st, fx.admin, Customers, company("Onların Firması A.Ş.", Values{"owner_id": fx.users["boss"]}))
	them := mustCreate(t, st, fx.admin, Customers, person("Onların", "Kişisi", Values{"owner_id": fx.users["boss"]}))
	for _, c := range []struct {
		name    string
		link    ContactLink
		wantErr error
	}{
		{"an unseen company", ContactLink{CompanyID: theirFirm.ID, PersonID: me.ID, Role: "authorized"}, ErrNotFound},
		{"an unseen person", ContactLink{CompanyID: myFirm.ID, PersonID: them.ID, Role: "authorized"}, ErrNotFound},
		{"both unseen", ContactLink{CompanyID: theirFirm.ID, PersonID: them.ID, Role: "authorized"}, ErrNotFound},
	} {
		one := st.AddContact(ctx, sales, c.link.CompanyID, c.link.PersonID, c.link.Role)
		expect(t, "AddContact with "+c.name, one, c.wantErr, "")
		ok := ContactLink{CompanyID: myFirm.ID, PersonID: me.ID, Role: "authorized"}
		bulk := st.AddContacts(ctx, sales, []ContactLink{ok, c.link})
		expect(t, "AddContacts with "+c.name, bulk, c.wantErr, "")
	}
	if n := countRows(t, st, "SELECT count(*) FROM customer_contacts"); n != 0 {
		t.Errorf("%d links written by refused calls", n)
	}
	if err := st.AddContacts(ctx, sales, []ContactLink{{CompanyID: myFirm.ID, PersonID: me.ID, Role: "authorized"}}); err != nil {
		t.Errorf("link my own records: %v", err)
	}
}

// CreateUser takes roles, teams and a department by name, as the command
// line gives them; the shipped roles grant what their notes say.
func TestCreateUserByNamesWithShippedRoles(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	newUser := func(email string, roles ...string) (*User, error) {
		return st.CreateUser(ctx, fx.admin, NewUser{Name: "Adıyla " + email, Email: email + "@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword,
			Roles: roles, Teams: []string{"kuzey"}, Department: "satis bolumu"})
	}
	u, err := newUser("servis", "Servis", "çağrı merkezi")
	if err != nil {
		t.Fatal(err)
	}
	a := ActorFor(u)
	for _, c := range []struct {
		m    *Module
		act  string
		want Scope
	}{
		{Customers, ActRead, ScopeAll}, {Customers, ActEdit, ScopeTeam}, {Customers, ActCreate, ScopeOwn},
		{Customers, ActDelete, ScopeNone}, {Assets, ActEdit, ScopeAll}, {Assets, ActDelete, ScopeTeam},
	} {
		if got := a.Scope(c.m, c.act); got != c.want {
			t.Errorf("Servis and Çağrı Merkezi: %s %s is %s, want %s", c.m.Key, c.act, got, c.want)
		}
	}
	if a.FieldAccess(Customers, "tckn") != AccessFull {
		t.Error("Servis leaves the TCKN open, yet it is protected beside Çağrı Merkezi")
	}
	if !sameIDs(teamIDs(t, st, fx.admin, u.ID), []int64{fx.teams["north"]}) {
		t.Error("the team given by name was not joined")
	}
	if r, err := st.Get(ctx, fx.admin, Users, u.ID); err != nil || r.Values["department_id"] != fx.depts["sales"] {
		t.Errorf("the department given by name was not joined: %v", err)
	}

	for _, c := range []struct {
		role         string
		tckn, birth  Access
		create, edit bool
	}{
		{"Çağrı Merkezi", AccessHidden, AccessHidden, true, true},
		{"Salt okunur", AccessHidden, AccessFull, false, false},
		{"Pazarlama", AccessHidden, AccessReadOnly, true, true},
		{"Satış", AccessFull, AccessFull, true, true},
	} {
		u, err := newUser(strings.ToLower(tr.Fold(strings.ReplaceAll(c.role, " ", ""))), c.role)
		if err != nil {
			t.Fatal(err)
		}
		a := ActorFor(u)
		if a.FieldAccess(Customers, "tckn") != c.tckn || a.FieldAccess(Customers, "birth_date") != c.birth {
			t.Errorf("%s: tckn %v, birth date %v", c.role, a.FieldAccess(Customers, "tckn"), a.FieldAccess(Customers, "birth_date"))
		}
		if a.Can(Customers, ActCreate) != c.create || a.Can(Customers, ActEdit) != c.edit {
			t.Errorf("%s: create %v, edit %v", c.role, a.Can(Customers, ActCreate), a.Can(Customers, ActEdit))
		}
	}

	_, err = newUser("bilinmeyen", "Yok Böyle Rol")
	if v, ok := AsValidation(err); !ok || len(v.Fields) != 1 || !strings.Contains(v.Error(), "error.unknown_name") {
		t.Errorf("an unknown role name: %v", err)
	}
	if n := countRows(t, st, "SELECT count(*) FROM users WHERE email = 'bilinmeyen@firma.com.tr'"); n != 0 {
		t.Error("a user with an unknown role was created")
	}
	plain, err := st.CreateUser(ctx, fx.admin, NewUser{Name: "Rolsüz", Email: "rolsuz@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if a := ActorFor(plain); a.Admin || a.Scope(Customers, ActRead) != ScopeOwn || a.Can(Customers, ActImport) {
		t.Errorf("a user given no role is not Satış: read %s", a.Scope(Customers, ActRead))
	}
}

// teamIDs are the teams of a user, as the users module shows them.
func teamIDs(t *testing.T, st *Store, admin *Actor, id int64) []int64 {
	t.Helper()
	r, err := st.Get(context.Background(), admin, Users, id)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := r.Values["teams"].([]int64)
	return ids
}

// When someone leaves and is deactivated, their records stay editable:
// only a change of owner must name an active user.
func TestRecordsOfADeactivatedUserStayEditable(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	r := mustCreate(t, st, fx.admin, Customers, person("Ayrılanın", "Müşterisi", Values{"owner_id": fx.users["mate"]}))
	other := mustCreate(t, st, fx.admin, Customers, person("Başka", "Müşteri", nil))
	fx.retire(t, fx.users["mate"])
	if _, _, err := st.Update(ctx, fx.admin, Customers, r.ID, Values{"district": "Kadıköy"}); err != nil {
		t.Errorf("edit a customer of a deactivated user: %v", err)
	}
	_, _, err := st.Update(ctx, fx.admin, Customers, other.ID, Values{"owner_id": fx.users["mate"]})
	expect(t, "assign to a deactivated user", err, errInvalid, "owner_id")
	if _, _, err := st.Update(ctx, fx.admin, Customers, r.ID, Values{"owner_id": fx.users["peer"]}); err != nil {
		t.Errorf("reassign a customer of a deactivated user: %v", err)
	}
}
