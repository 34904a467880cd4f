package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// countRefs counts the rows of a table whose column holds id.
func (fx *secFixture) countRefs(t *testing.T, ref fkRef, id int64) int {
	t.Helper()
	var n int
	if err := fx.st.writer.QueryRowContext(fx.ctx, "SELECT count(*) FROM "+ref.Table+" WHERE "+ref.Column+" = ?", id).Scan(&n); err != nil {
		t.Fatalf("count %s.%s: %v", ref.Table, ref.Column, err)
	}
	return n
}

// TestMergeMovesEveryReference merges a person into a person and a
// company into a company, each of the merged records having rows in every
// table that refers to customers. The tables come from the schema's
// foreign keys, so a module added later is covered here without a change;
// a table this test does not know how to fill stops it.
func TestMergeMovesEveryReference(t *testing.T) {
	fx := newSecFixture(t)
	refs, err := referencesTo(fx.ctx, fx.st.reads, Customers.Table)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) < 5 {
		t.Fatalf("found only %v referring to customers; the schema has at least the tags, phones, contact links and assets", refs)
	}
	tables := map[string]*Module{}
	for _, m := range Modules() {
		tables[m.Table] = m
	}
	filled := map[fkRef]bool{}
	for _, kind := range []string{"person", "company"} {
		t.Run(kind, func(t *testing.T) {
			mk := func(name, email, phone string, tags []string, phones ...string) *Record {
				v := Values{"kind": kind, "email": email, "phone": phone, "tags": tags, "province": "Bursa"}
				if kind == "person" {
					v["first_name"], v["last_name"] = name, "Kaya"
				} else {
					v["title"] = name + " Kaya A.Ş."
				}
				for _, p := range phones {
					v["phones"] = append(v.Phones("phones"), PhoneEntry{Label: "eski", Number: p})
				}
				return mustCreate(t, fx.st, fx.admin, Customers, v)
			}
			surv := mk("Elif", "elif@ornek.com.tr", "0532 100 00 01", []string{"VIP"}, "0224 200 00 01")
			other := mk("Elİf", "muhasebe.fatura@ornek.com.tr", "0532 100 00 02", []string{"vip", "fuar"}, "0224 200 00 02")
			// The other kind, to link contacts with.
			counterpart := func(name string) *Record {
				v := Values{"kind": "company", "title": name + " Ltd."}
				if kind == "company" {
					v = Values{"kind": "person", "first_name": name, "last_name": "Yetkili"}
				}
				return mustCreate(t, fx.st, fx.admin, Customers, v)
			}
			shared, alone := counterpart("Ortak"), counterpart("Yalnız")
			var assets []int64
			for _, ref := range refs {
				switch {
				case isSideTable(Customers, ref.Table):
					// The record's own values: merged as values below.
				case ref.Table == "customer_contacts":
					// Both records are contacts of the same counterpart (the
					// link is kept once) and the other of one more.
					if (ref.Column == "person_id") != (kind == "person") {
						continue // a company is never a person_id, nor a person a company_id
					}
					for _, link := range [][2]*Record{{surv, shared}, {other, shared}, {other, alone}} {
						company, person := link[1].ID, link[0].ID
						if kind == "company" {
							company, person = person, company
						}
						if err := fx.st.AddContact(fx.ctx, fx.admin, company, person, "authorized"); err != nil {
							t.Fatal(err)
						}
					}
				case ref.Table == "kvkk_events":
					if kind == "company" {
						continue // KVKK protects natural persons: a company has no KVKK record
					}
					kvkkTexts(t, fx.st, fx.admin)
					mustRecordKVKK(t, fx.st, fx.admin, other.ID, KVKKEventNotice, "")
					mustRecordKVKK(t, fx.st, fx.admin, other.ID, KVKKEventConsentGiven, "")
				case ref.Table == "payments":
					// A payment's customer is its invoice's: pay an issued
					// invoice of the other.
					inv, err := fx.st.CreateDocument(fx.ctx, fx.admin, Invoices, Values{"customer_id": other.ID, "issue_date": "2026-01-15"},
						[]DocLine{{Description: "Hizmet", Quantity: 1000, UnitPrice: 100000, KDVRateBP: 2000}})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := fx.st.IssueInvoice(fx.ctx, fx.admin, inv.ID); err != nil {
						t.Fatal(err)
					}
					if _, err := fx.st.AddPayment(fx.ctx, fx.admin, inv.ID, "2026-01-20", 1000, "nakit", ""); err != nil {
						t.Fatal(err)
					}
				case tables[ref.Table] != nil:
					child := tables[ref.Table]
					v := fx.genValues(t, child, "bagli", ref.Column, "", fx.admin.UserID, map[string]int64{"customers": other.ID})
					v[ref.Column] = other.ID
					rec := mustCreate(t, fx.st, fx.admin, child, v)
					if child == Assets {
						assets = append(assets, rec.ID)
					}
				default:
					t.Fatalf("%s.%s refers to customers, and this test does not know how to fill it: teach it, and make sure Merge moves it right", ref.Table, ref.Column)
				}
				if n := fx.countRefs(t, ref, other.ID); n == 0 {
					t.Fatalf("%s.%s: no row refers to the record to merge", ref.Table, ref.Column)
				}
				filled[ref] = true
			}

			take := map[string]string{"email": TakeOther, "phone": TakeSurvivor, "first_name": TakeOther, "title": TakeOther}
			got, err := fx.st.Merge(fx.ctx, fx.admin, Customers, surv.ID, other.ID, take)
			if err != nil {
				t.Fatal(err)
			}

			for _, ref := range refs {
				if isSideTable(Customers, ref.Table) {
					continue // the record in the recycle bin keeps its own values
				}
				if n := fx.countRefs(t, ref, other.ID); n != 0 {
					t.Errorf("%s.%s: %d rows still refer to the merged record", ref.Table, ref.Column, n)
				}
			}
			contacts, err := fx.st.Contacts(fx.ctx, fx.admin, surv.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range contacts {
				r := c.Company
				if r == nil {
					r = c.Person
				}
				names = append(names, r.Title())
			}
			want := []string{alone.Title(), shared.Title()}
			slices.Sort(names)
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Errorf("the survivor's contacts are %v, want %v once each", names, want)
			}
			kids, err := fx.st.Children(fx.ctx, fx.admin, Assets, "customer_id", surv.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(kids) != len(assets) {
				t.Errorf("the survivor has %d assets, want the other's %d", len(kids), len(assets))
			}

			// The values as chosen; the numbers and tags of both.
			wantTitle := "Elİf Kaya"
			if kind == "company" {
				wantTitle = "Elİf Kaya A.Ş."
			}
			if got.Title() != wantTitle || got.Values.Str("email") != "muhasebe.fatura@ornek.com.tr" || got.Values.Str("phone") != "+905321000001" {
				t.Errorf("the survivor is %q %s %s, want the other's name and e-mail and its own phone", got.Title(), got.Values.Str("email"), got.Values.Str("phone"))
			}
			reread, err := fx.st.Get(fx.ctx, fx.admin, Customers, surv.ID)
			if err != nil {
				t.Fatal(err)
			}
			var numbers []string
			for _, p := range reread.Values.Phones("phones") {
				numbers = append(numbers, p.Number)
			}
			if want := []string{"+902242000001", "+902242000002", "+905321000002"}; !slices.Equal(numbers, want) {
				t.Errorf("the survivor's more numbers are %v, want both records' and the other's main number %v", numbers, want)
			}
			if tags := reread.Values.Tags("tags"); !slices.Equal(tags, []string{"VIP", "fuar"}) {
				t.Errorf("the survivor's tags are %v, want both records' once", tags)
			}
			// The search index follows the new values.
			groups, err := fx.st.Search(fx.ctx, fx.admin, "fatura", 10)
			if err != nil || len(groups) == 0 || !slices.ContainsFunc(groups[0].Hits, func(r *Record) bool { return r.ID == surv.ID }) {
				t.Errorf("searching the taken e-mail found %+v, %v", groups, err)
			}

			// The other is in the recycle bin, whole.
			if _, err := fx.st.Get(fx.ctx, fx.admin, Customers, other.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("the merged record is still live: %v", err)
			}
			binned, err := fx.st.GetDeleted(fx.ctx, fx.admin, Customers, other.ID)
			if err != nil || binned.Values.Str("email") != "muhasebe.fatura@ornek.com.tr" || len(binned.Values.Phones("phones")) != 1 {
				t.Errorf("the merged record in the bin: %+v, %v", binned, err)
			}

			// The other's KVKK record is the survivor's now.
			if kind == "person" {
				if st, err := fx.st.KVKKStatus(fx.ctx, fx.admin, surv.ID); err != nil || st.Consent != KVKKEventConsentGiven || st.Notice == nil {
					t.Errorf("the survivor's KVKK status: %+v, %v; want the other's notice and consent", st, err)
				}
			}

			// Both histories tell of the merge; each moved asset's too.
			checkMergeEntry(t, fx, surv.ID, MergedFrom, other.ID)
			checkMergeEntry(t, fx, other.ID, MergedInto, surv.ID)
			for _, id := range assets {
				h, err := fx.st.History(fx.ctx, fx.admin, Assets, id, 10)
				if err != nil || len(h) == 0 || h[0].Action != ActionUpdate || len(h[0].Changes) != 1 ||
					h[0].Changes[0].Field != "customer_id" || h[0].Changes[0].New != float64(surv.ID) {
					t.Errorf("asset %d's history: %+v, %v; want its move to %d", id, h, err, surv.ID)
				}
			}
		})
	}
	for _, ref := range refs {
		if !filled[ref] && !isSideTable(Customers, ref.Table) {
			t.Errorf("%s.%s was never filled", ref.Table, ref.Column)
		}
	}
}

// checkMergeEntry finds the merge entry of a record's history and checks
// whom it names and what it says was taken and moved.
func checkMergeEntry(t *testing.T, fx *secFixture, id int64, field string, otherID int64) {
	t.Helper()
	h, err := fx.st.History(fx.ctx, fx.admin, Customers, id, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if e.Action != ActionMerge {
			continue
		}
		got := map[string]any{}
		for _, c := range e.Changes {
			got[c.Field] = c.New
		}
		ref, _ := got[field].(map[string]any)
		taken, _ := got[MergeFields].([]any)
		moved, _ := got[MergeMoved].(map[string]any)
		if ref["id"] != float64(otherID) || ref["title"] == "" || len(taken) != 2 || moved["assets"] == nil || got[MergeDropped] == nil {
			t.Errorf("record %d's merge entry: %+v", id, e.Changes)
		}
		return
	}
	t.Errorf("record %d's history has no merge entry: %+v", id, h)
}

func TestMergeNeedsEditAndDeleteRights(t *testing.T) {
	fx := newSecFixture(t)
	grants := func(read, edit, del string) int64 {
		g := map[string]string{"read": read, "edit": edit}
		if del != "" {
			g["delete"] = del
		}
		return fx.role(t, "Rol "+read+edit+del, Permissions{Grants: map[string]map[string]string{"customers": g}})
	}
	editor := fx.actor(t, fx.user(t, "Düzenler", 0, nil, grants("all", "all", "")))
	deletesOwn := fx.actor(t, fx.user(t, "Kendini siler", 0, nil, grants("all", "all", "own")))
	seesOwn := fx.actor(t, fx.user(t, "Kendini görür", 0, nil, grants("own", "own", "own")))
	mk := func(first string, owner int64) *Record {
		return mustCreate(t, fx.st, fx.admin, Customers, Values{"kind": "person", "first_name": first, "last_name": "Aksoy", "owner_id": owner})
	}
	a, b := mk("Deniz", fx.admin.UserID), mk("Deniz", fx.admin.UserID)
	mine := mk("Deniz", deletesOwn.UserID)
	ownA, ownB := mk("Deniz", seesOwn.UserID), mk("Deniz", seesOwn.UserID)
	asset := mustCreate(t, fx.st, fx.admin, Assets, Values{"customer_id": b.ID, "name": "Kamyonet"})

	for _, m := range []*Module{Users, Roles, Teams} {
		x, y := fx.users["mate"], fx.users["peer"]
		if m != Users {
			x, y = mustCreate(t, fx.st, fx.admin, m, Values{"name": "Bir"}).ID, mustCreate(t, fx.st, fx.admin, m, Values{"name": "İki"}).ID
		}
		if _, err := fx.st.Merge(fx.ctx, fx.admin, m, x, y, nil); !errors.Is(err, ErrForbidden) {
			t.Errorf("merging %s: %v, want ErrForbidden", m.Key, err)
		}
	}

	for _, c := range []struct {
		name        string
		actor       *Actor
		survivor    int64
		other       int64
		take        map[string]string
		want        error
		stillThere  int64 // a record that must still be live after the refusal
		assetParent int64
	}{
		{"edit rights without delete rights", editor, a.ID, b.ID, nil, ErrForbidden, b.ID, b.ID},
		{"delete rights that do not reach the other", deletesOwn, a.ID, b.ID, nil, ErrForbidden, b.ID, b.ID},
		{"a survivor out of sight", seesOwn, a.ID, ownB.ID, nil, ErrNotFound, ownB.ID, b.ID},
		{"an other out of sight", seesOwn, ownA.ID, b.ID, nil, ErrNotFound, b.ID, b.ID},
		{"a record into itself", fx.admin, a.ID, a.ID, nil, ErrBadQuery, a.ID, b.ID},
		{"a computed field", fx.admin, a.ID, b.ID, map[string]string{"display_name": TakeOther}, ErrBadQuery, b.ID, b.ID},
		{"an unknown choice", fx.admin, a.ID, b.ID, map[string]string{"email": "both"}, ErrBadQuery, b.ID, b.ID},
		{"a deleted survivor", fx.admin, 999999, b.ID, nil, ErrNotFound, b.ID, b.ID},
		{"delete rights on one's own", deletesOwn, a.ID, mine.ID, nil, nil, a.ID, b.ID},
		{"one's own into one's own", seesOwn, ownA.ID, ownB.ID, nil, nil, ownA.ID, b.ID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := fx.st.Merge(fx.ctx, c.actor, Customers, c.survivor, c.other, c.take)
			if !errors.Is(err, c.want) {
				t.Fatalf("Merge: %v, want %v", err, c.want)
			}
			if _, err := fx.st.Get(fx.ctx, fx.admin, Customers, c.stillThere); err != nil {
				t.Errorf("record %d after the merge: %v", c.stillThere, err)
			}
			if c.want != nil {
				if _, err := fx.st.Get(fx.ctx, fx.admin, Customers, c.other); err != nil && c.other != 999999 {
					t.Errorf("a refused merge binned record %d: %v", c.other, err)
				}
			}
			rec, err := fx.st.Get(fx.ctx, fx.admin, Assets, asset.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := rec.Values.Int("customer_id"); p != c.assetParent {
				t.Errorf("the asset belongs to %d, want %d", p, c.assetParent)
			}
		})
	}
}

// A merge whose values do not validate changes nothing at all.
func TestRefusedMergeChangesNothing(t *testing.T) {
	fx := newSecFixture(t)
	surv := mustCreate(t, fx.st, fx.admin, Customers, Values{"kind": "person", "first_name": "Umut", "last_name": "Er"})
	other := mustCreate(t, fx.st, fx.admin, Customers, Values{"kind": "company", "title": "Umut Er Ltd."})
	asset := mustCreate(t, fx.st, fx.admin, Assets, Values{"customer_id": other.ID, "name": "Forklift"})
	// The company's kind without its title leaves a company without a name.
	_, err := fx.st.Merge(fx.ctx, fx.admin, Customers, surv.ID, other.ID, map[string]string{"kind": TakeOther})
	v, ok := AsValidation(err)
	if !ok || v.Fields["title"].Key != "error.required" {
		t.Fatalf("Merge: %v, want the title required", err)
	}
	rec, err := fx.st.Get(fx.ctx, fx.admin, Assets, asset.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := rec.Values.Int("customer_id"); p != other.ID {
		t.Errorf("the asset moved to %d in a refused merge", p)
	}
	if _, err := fx.st.Get(fx.ctx, fx.admin, Customers, other.ID); err != nil {
		t.Errorf("the other record after a refused merge: %v", err)
	}
	h, err := fx.st.History(fx.ctx, fx.admin, Customers, surv.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if e.Action != ActionCreate {
			t.Errorf("a refused merge left %q in the history", e.Action)
		}
	}
	// With the title too, the person becomes the company.
	got, err := fx.st.Merge(fx.ctx, fx.admin, Customers, surv.ID, other.ID, map[string]string{"kind": TakeOther, "title": TakeOther})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title() != "Umut Er Ltd." || got.Values.Str("first_name") != "" || !strings.EqualFold(got.Values.Str("kind"), "company") {
		t.Errorf("the survivor is %+v", got.Values)
	}
}

// A table that a later version adds, unknown to Merge, is moved through
// its foreign key; a row the survivor has already is kept once.
func TestMergeMovesATableAddedLater(t *testing.T) {
	fx := newSecFixture(t)
	if _, err := fx.st.writer.ExecContext(fx.ctx, `CREATE TABLE mailing_members (
		customer_id INTEGER NOT NULL REFERENCES customers (id),
		list        TEXT    NOT NULL,
		PRIMARY KEY (customer_id, list)) STRICT`); err != nil {
		t.Fatal(err)
	}
	surv := mustCreate(t, fx.st, fx.admin, Customers, Values{"kind": "person", "first_name": "Ece", "last_name": "Tan"})
	other := mustCreate(t, fx.st, fx.admin, Customers, Values{"kind": "person", "first_name": "Ece", "last_name": "Tan"})
	if _, err := fx.st.writer.ExecContext(fx.ctx, "INSERT INTO mailing_members VALUES (?, 'bülten'), (?, 'bülten'), (?, 'kampanya')",
		surv.ID, other.ID, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.st.Merge(fx.ctx, fx.admin, Customers, surv.ID, other.ID, nil); err != nil {
		t.Fatal(err)
	}
	ref := fkRef{"mailing_members", "customer_id"}
	if n, m := fx.countRefs(t, ref, surv.ID), fx.countRefs(t, ref, other.ID); n != 2 || m != 0 {
		t.Errorf("the survivor is on %d lists and the merged record on %d, want 2 and 0", n, m)
	}
	h, err := fx.st.History(fx.ctx, fx.admin, Customers, surv.ID, 5)
	if err != nil || len(h) == 0 || h[0].Action != ActionMerge {
		t.Fatalf("history: %+v, %v", h, err)
	}
	got := map[string]any{}
	for _, c := range h[0].Changes {
		got[c.Field] = c.New
	}
	if moved, _ := got[MergeMoved].(map[string]any); moved["mailing_members"] != float64(1) {
		t.Errorf("the merge entry's moved rows: %v, want mailing_members 1", got[MergeMoved])
	}
	if dropped, _ := got[MergeDropped].(map[string]any); dropped["mailing_members"] != float64(1) {
		t.Errorf("the merge entry's dropped rows: %v, want mailing_members 1", got[MergeDropped])
	}
	if _, ok := got[MergeFields]; ok {
		t.Errorf("nothing was taken from the other, yet the entry says %v", got[MergeFields])
	}
}
