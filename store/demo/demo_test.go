package demo

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"kobicrm/store"
	"kobicrm/store/tr"
)

func init() { store.PasswordCost = bcrypt.MinCost }

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

// all pages through a module's whole list.
func all(t *testing.T, st *store.Store, m *store.Module) []*store.Record {
	t.Helper()
	var out []*store.Record
	q := store.ListQuery{Limit: store.MaxLimit, Sort: "created_at"}
	for {
		p, err := st.List(context.Background(), store.SystemActor(), m, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Records...)
		if p.Next == "" {
			return out
		}
		q.Cursor = p.Next
	}
}

func TestGenerateSmall(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	pw := "Kedi-Mavi-Tekne-42"
	admin, err := st.CreateFirstAdmin(ctx, store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr", Password: pw, PasswordAgain: pw})
	if err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	sum, err := Generate(ctx, st, "small", &progress)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Persons != 140 || sum.Companies != 60 || sum.Assets != 60 || sum.Contacts < 60 {
		t.Errorf("summary %v", sum)
	}
	if !strings.Contains(progress.String(), "customers 200/200") {
		t.Errorf("progress:\n%s", progress.String())
	}
	sys := store.SystemActor()
	org := checkOrganisation(t, st, admin, sum, progress.String())

	customers := all(t, st, store.Customers)
	if len(customers) != 200 {
		t.Fatalf("%d customers", len(customers))
	}
	byID := map[int64]*store.Record{}
	stages := map[string]int{}
	bands := map[string]int{}
	qualityField, _ := store.Customers.Field(store.QualityField)
	var oldest time.Time
	for _, listed := range customers {
		r, err := st.Get(ctx, sys, store.Customers, listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		byID[r.ID] = r
		v := r.Values
		stages[v.Str("stage")]++
		if oldest.IsZero() || r.CreatedAt.Before(oldest) {
			oldest = r.CreatedAt
		}
		if r.CreatedAt.After(time.Now()) {
			t.Errorf("%d created in the future: %v", r.ID, r.CreatedAt)
		}
		owner, _ := v.Int("owner_id")
		org.customerOwners[owner]++
		prov, ok := tr.ProvinceByName(v.Str("province"))
		if !ok || prov.Name != v.Str("province") {
			t.Errorf("%d: province %q", r.ID, v.Str("province"))
		}
		if pc, ok := tr.PostalCode(v.Str("postal_code")); v.Str("postal_code") != "" && (!ok || pc[:2] != twoDigits(prov.Code)) {
			t.Errorf("%d: postal code %q in %s", r.ID, v.Str("postal_code"), prov.Name)
		}
		q, _ := v.Int(store.QualityField)
		bands[qualityField.BandOf(q)]++
		if want := store.CustomerQuality(v).Score; int(q) != want {
			t.Errorf("%d: quality %d, its values score %d", r.ID, q, want)
		}
		phone, ok := tr.Phone(v.Str("phone"))
		if !ok || phone != v.Str("phone") {
			t.Errorf("%d: phone %q", r.ID, v.Str("phone"))
		}
		for _, p := range v.Phones("phones") {
			if _, ok := tr.Phone(p.Number); !ok || p.Label == "" {
				t.Errorf("%d: other phone %+v", r.ID, p)
			}
		}
		if e := v.Str("email"); e != "" {
			if _, ok := tr.Email(e); !ok || e != strings.ToLower(e) || !isASCII(e) {
				t.Errorf("%d: e-mail %q", r.ID, e)
			}
		}
		switch v.Str("kind") {
		case "person":
			if n := v.Str("tckn"); n != "" {
				if _, ok := tr.TCKN(n); !ok {
					t.Errorf("%d: TCKN %q", r.ID, n)
				}
			}
			if !tr.PhoneIsMobile(phone) {
				t.Errorf("%d: a person's phone %q is not a mobile", r.ID, phone)
			}
			if r.Title() != v.Str("first_name")+" "+v.Str("last_name") {
				t.Errorf("%d: name %q", r.ID, r.Title())
			}
		case "company":
			if n := v.Str("vkn"); n != "" {
				if _, ok := tr.VKN(n); !ok {
					t.Errorf("%d: VKN %q", r.ID, n)
				}
				if v.Str("tax_office") == "" {
					t.Errorf("%d: VKN without a tax office", r.ID)
				}
			}
			area := phone[3:6]
			want := []string{places[prov.Code].area}
			if prov.Code == 34 {
				want = []string{"212", "216"}
			}
			if !slices.Contains(want, area) {
				t.Errorf("%d: a company in %s has the area code %s", r.ID, prov.Name, area)
			}
			if !strings.Contains(r.Title(), "Şti.") && !strings.Contains(r.Title(), "A.Ş.") {
				t.Errorf("%d: title %q", r.ID, r.Title())
			}
		}
	}
	for _, s := range []string{"lead", "customer", "former"} {
		if stages[s] == 0 {
			t.Errorf("no %s among %v", s, stages)
		}
	}
	if stages["customer"] < 150 {
		t.Errorf("stages %v", stages)
	}
	// The data quality spreads over the bands as a real firm's does: most
	// records good, a few thin ones.
	if bands["low"] < 10 || bands["medium"] < 30 || bands["high"] < 60 || bands[""] > 0 {
		t.Errorf("quality bands %v", bands)
	}
	t.Logf("quality bands %v", bands)
	if time.Since(oldest) < 365*24*time.Hour {
		t.Errorf("the oldest customer is from %v: creation times are not spread", oldest)
	}

	// Contacts: persons linked to companies, with known roles.
	links := 0
	for id, r := range byID {
		if r.Values.Str("kind") != "company" {
			continue
		}
		cs, err := st.Contacts(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			links++
			if c.Person == nil || !slices.Contains(store.ContactRoles, c.Role) {
				t.Errorf("contact of %d: %+v", id, c)
			}
		}
	}
	if links != sum.Contacts {
		t.Errorf("%d links found, %d reported", links, sum.Contacts)
	}

	// Assets: plates of the owner's province, chassis numbers, warranty.
	assets := all(t, st, store.Assets)
	if len(assets) != 60 {
		t.Fatalf("%d assets", len(assets))
	}
	vehicles := 0
	for _, a := range assets {
		v := a.Values
		owner, _ := v.Int("customer_id")
		o := byID[owner]
		if o == nil {
			t.Fatalf("asset %d: owner %d is not a customer", a.ID, owner)
		}
		if a.CreatedAt.Before(o.CreatedAt) {
			t.Errorf("asset %d recorded before its owner", a.ID)
		}
		if w, p := v.Str("warranty_end"), v.Str("purchase_date"); w != "" && w < p {
			t.Errorf("asset %d: warranty %s before purchase %s", a.ID, w, p)
		}
		if v.Str("kind") != "vehicle" {
			if v.Str("serial_no") == "" {
				t.Errorf("device %d without a serial number", a.ID)
			}
			continue
		}
		vehicles++
		prov, _ := tr.ProvinceByName(o.Values.Str("province"))
		plate, ok := tr.Plate(v.Str("plate"))
		if !ok || plate != v.Str("plate") || plate[:2] != twoDigits(prov.Code) {
			t.Errorf("asset %d: plate %q for an owner in %s", a.ID, v.Str("plate"), prov.Name)
		}
		if vin := v.Str("serial_no"); len(vin) != 17 || strings.ContainsAny(vin, "IOQ") {
			t.Errorf("asset %d: chassis number %q", a.ID, vin)
		}
	}
	if vehicles < 30 {
		t.Errorf("only %d vehicles", vehicles)
	}
	for _, a := range assets {
		owner, _ := a.Values.Int("owner_id")
		org.assetOwners[owner]++
	}
	org.checkOwners(t, st)

	// Search finds a generated person by surname, folded.
	var someone *store.Record
	for _, r := range customers {
		if r.Values.Str("kind") == "person" {
			someone = r
			break
		}
	}
	groups, err := st.Search(ctx, sys, tr.Fold(someone.Values.Str("last_name")), 200)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range groups {
		for _, h := range g.Hits {
			found = found || h.ID == someone.ID
		}
	}
	if !found {
		t.Errorf("search for %q did not find %s", someone.Values.Str("last_name"), someone.Title())
	}
	// And a vehicle by its plate as typed.
	var plated *store.Record
	for _, a := range assets {
		if a.Values.Str("plate") != "" {
			plated = a
			break
		}
	}
	groups, _ = st.Search(ctx, sys, strings.ToLower(strings.ReplaceAll(plated.Values.Str("plate"), " ", "")), 10)
	if len(groups) != 1 || groups[0].Hits[0].ID != plated.ID {
		t.Errorf("search for plate %s: %v", plated.Values.Str("plate"), groups)
	}

	// A second run is refused: demo data never mixes into other data.
	if _, err := Generate(ctx, st, "small", nil); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second run: %v", err)
	}
	if n := len(all(t, st, store.Customers)); n != 200 {
		t.Errorf("%d customers after the refused run", n)
	}
}

func TestGenerateIsDeterministicAndRefusesData(t *testing.T) {
	ctx := context.Background()
	// names are the customers' and assets' ids, names, numbers and owners'
	// e-mails (never their ids: nothing promises users the same ids).
	names := func(st *store.Store, owners bool) []string {
		email := map[int64]string{}
		for _, u := range all(t, st, store.Users) {
			email[u.ID] = u.Values.Str("email")
		}
		var out []string
		for _, m := range []*store.Module{store.Customers, store.Assets} {
			for _, r := range all(t, st, m) {
				line := strconv.FormatInt(r.ID, 10) + " " + r.Title() + " " + r.Values.Str("tckn") + r.Values.Str("vkn") +
					" " + r.Values.Str("phone") + r.Values.Str("serial_no")
				if owners {
					id, _ := r.Values.Int("owner_id")
					line += " " + email[id]
				}
				out = append(out, line)
			}
		}
		return out
	}
	a, b := openStore(t), openStore(t)
	for _, st := range []*store.Store{a, b} {
		createAdmin(t, st)
		if _, err := Generate(ctx, st, "small", nil); err != nil {
			t.Fatal(err)
		}
	}
	if x, y := names(a, true), names(b, true); !slices.Equal(x, y) {
		t.Errorf("two runs differ:\n%v\n%v", x[:3], y[:3])
	}

	// Without an administrator there is no organisation and no owner, and
	// the records are the same: the organisation only draws their owners.
	bare := openStore(t)
	sum, err := Generate(ctx, bare, "small", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users != 0 || sum.Departments != 0 || len(all(t, bare, store.Users)) != 0 || len(all(t, bare, store.Departments)) != 0 {
		t.Errorf("an organisation without an administrator: %v", sum)
	}
	if x, y := names(a, false), names(bare, false); !slices.Equal(x, y) {
		t.Errorf("the organisation changed more than the owners:\n%v\n%v", x[:3], y[:3])
	}
	for _, m := range []*store.Module{store.Customers, store.Assets} {
		for _, r := range all(t, bare, m) {
			if r.Values["owner_id"] != nil {
				t.Fatalf("%s %d has the owner %v without any user", m.Key, r.ID, r.Values["owner_id"])
			}
		}
	}

	// A database with a customer, even one in the recycle bin, is refused.
	c := openStore(t)
	r, err := c.Create(ctx, store.SystemActor(), store.Customers, store.Values{"kind": "person", "first_name": "Gerçek", "last_name": "Müşteri"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, store.SystemActor(), store.Customers, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(ctx, c, "small", nil); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("a database with a deleted customer: %v", err)
	}
	if _, err := Generate(ctx, openStore(t), "huge", nil); err == nil {
		t.Error("an unknown size was accepted")
	}
}

func TestIdentifierGenerators(t *testing.T) {
	g := newGen(owners{}, owners{})
	for range 2000 {
		if _, ok := tr.TCKN(g.tckn()); !ok {
			t.Fatal("bad TCKN")
		}
		if _, ok := tr.VKN(g.vkn()); !ok {
			t.Fatal("bad VKN")
		}
		if p, ok := tr.Phone(g.mobile()); !ok || !tr.PhoneIsMobile(p) {
			t.Fatal("bad mobile")
		}
		code := 1 + g.r.IntN(81)
		if p, ok := tr.Plate(g.plate(code)); !ok || p[:2] != twoDigits(code) {
			t.Fatalf("bad plate %q", p)
		}
	}
	for code := 1; code <= 81; code++ {
		p := places[code]
		if p.pop <= 0 || len(p.area) != 3 || !strings.ContainsRune("234", rune(p.area[0])) {
			t.Errorf("province %d: %+v", code, p)
		}
		if _, ok := tr.Phone(g.landline(p.area)); !ok {
			t.Errorf("province %d: landline", code)
		}
		for _, d := range p.districts {
			if d.postal[:2] != twoDigits(code) || len(d.postal) != 3 {
				t.Errorf("province %d: district %+v", code, d)
			}
		}
	}
	// The chassis number check digit of a published example (ISO 3779,
	// as North America uses it): 1M8GDM9AXKP042788.
	if got := vinCheck([]byte("1M8GDM9A0KP042788")); got != 'X' {
		t.Errorf("VIN check digit %c, want X", got)
	}
	counts := map[int]int{}
	for range 20000 {
		counts[g.province()]++
	}
	if counts[34] < counts[6] || counts[6] < counts[32] || counts[32] == 0 {
		t.Errorf("province weights: İstanbul %d, Ankara %d, Isparta %d", counts[34], counts[6], counts[32])
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// cancelOn cancels a context when a progress line starts with prefix.
type cancelOn struct {
	prefix string
	cancel context.CancelFunc
}

func (c cancelOn) Write(p []byte) (int, error) {
	if strings.HasPrefix(string(p), c.prefix) {
		c.cancel()
	}
	return len(p), nil
}

func TestGenerateCancelledSaysDataIsPartial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := openStore(t)
	sum, err := Generate(ctx, st, "small", cancelOn{"customers", cancel})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "part of the demo set") {
		t.Fatalf("cancelled run: %v", err)
	}
	if sum.Customers() != 200 || sum.Assets != 0 {
		t.Errorf("summary of the part written: %v", sum)
	}
}
