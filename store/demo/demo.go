// Package demo fills an empty kobicrm database with realistic but
// fictitious Turkish data — people and companies with valid identity and
// tax numbers, real provinces, phone numbers with the right area codes,
// contact persons and vehicles with plates — for a first look at the
// program, for demonstrations and for the benchmarks.
//
// The data goes in through the store's bulk path (CreateMany), so every
// record meets the checks a form or an import meets. Beside an
// administrator it first makes a small firm's organisation (org.go) and
// spreads the records' owners over its staff. Later modules extend the
// generator with their own records.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// Version changes whenever the generator makes different data, so that
// caches of generated databases (the benchmarks keep one) are rebuilt.
const Version = 10

// Size is how much a demo set holds.
type Size struct {
	Persons, Companies, Assets int
	Activities                 int
	Opportunities              int
	ServiceRequests, Articles  int
	// Products, and sales documents (quotes, orders, invoices, four
	// lines each on average) with the payments of the issued invoices.
	Products, Documents int
}

// Sizes are the demo sets by name: small for a first look, large for
// measuring the program at the size of a busy firm.
var Sizes = map[string]Size{
	"small": {Persons: 140, Companies: 60, Assets: 60, Activities: 2000, Opportunities: 40, ServiceRequests: 40, Articles: 12,
		Products: 24, Documents: 150},
	"large": {Persons: 70000, Companies: 30000, Assets: 30000, Activities: 1000000, Opportunities: 20000, ServiceRequests: 20000, Articles: 300,
		Products: 300, Documents: 50000},
}

// Summary counts what Generate wrote.
type Summary struct {
	Departments, Teams, Users            int // the organisation made, if any
	Persons, Companies, Contacts, Assets int
	Consents, Activities                 int
	Opportunities                        int
	ServiceRequests, Articles            int
	Products, Documents, Lines, Payments int
}

// Customers is the number of customers, persons and companies.
func (s Summary) Customers() int { return s.Persons + s.Companies }

func (s Summary) String() string {
	org := ""
	if s.Users > 0 {
		org = fmt.Sprintf("%d departments, %d teams, %d users, ", s.Departments, s.Teams, s.Users)
	}
	return org + fmt.Sprintf("%d customers (%d persons, %d companies), %d contact links, %d assets, %d consent records, %d activities, %d opportunities, %d products, %d sales documents with %d lines, %d payments, %d service requests, %d knowledge base articles",
		s.Customers(), s.Persons, s.Companies, s.Contacts, s.Assets, s.Consents, s.Activities, s.Opportunities, s.Products, s.Documents, s.Lines, s.Payments, s.ServiceRequests, s.Articles)
}

// ErrNotEmpty is returned for a database that already holds customers:
// demo data must never mix into a firm's real data.
var ErrNotEmpty = errors.New("the database already has customers; demo data goes only into an empty database")

// batchSize is how many rows one CreateMany call writes.
const batchSize = 2000

// seed makes every run produce the same people, companies and numbers;
// only the dates move with the day of the run.
const seed1, seed2 = 0x4b4f4249, 0x44454d4f

// Generate writes the demo set of the named size ("small" or "large") into
// an empty database, as the system actor, and reports progress lines to
// progress (which may be nil). Beside an administrator, in a database
// without an organisation of its own, it first makes the demo firm's
// departments, teams and users (see org.go) and spreads the records'
// owners over them; where the firm has its own, the records belong to the
// first administrator, and without any administrator to nobody. Creation
// times spread over the last three years.
//
// It writes in batches of a few thousand rows, each in its own
// transaction, so that a running server stays responsive; a run that
// fails or is cancelled half-way leaves the batches written so far, and
// says so.
func Generate(ctx context.Context, st *store.Store, size string, progress io.Writer) (sum Summary, err error) {
	sz, ok := Sizes[size]
	if !ok {
		return Summary{}, fmt.Errorf("unknown demo size %q: say small or large", size)
	}
	if progress == nil {
		progress = io.Discard
	}
	sys := store.SystemActor()
	if err := checkEmpty(ctx, st, sys); err != nil {
		return Summary{}, err
	}
	start := time.Now()
	defer func() {
		if err != nil && (sum.Customers() > 0 || sum.Users > 0) {
			err = fmt.Errorf("%w (the database now holds part of the demo set: start again with a new file)", err)
		}
	}()
	customers, assets, err := organisation(ctx, st, sys, progress, &sum)
	if err != nil {
		return sum, err
	}
	g := newGen(customers, assets)

	if err := g.customers(ctx, st, sys, sz, progress, start, &sum); err != nil {
		return sum, err
	}
	links := g.contacts()
	for i := 0; i < len(links); i += 5 * batchSize {
		if err := st.AddContacts(ctx, sys, links[i:min(i+5*batchSize, len(links))]); err != nil {
			return sum, fmt.Errorf("demo contacts: %w", err)
		}
	}
	sum.Contacts = len(links)
	fmt.Fprintf(progress, "contact links %d (%.1f s)\n", len(links), time.Since(start).Seconds())

	if err := g.assets(ctx, st, sys, sz.Assets, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := g.consents(ctx, st, sys, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := g.activities(ctx, st, sys, sz.Activities, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := g.opportunities(ctx, st, sys, sz.Opportunities, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := g.sales(ctx, st, sys, sz, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := g.service(ctx, st, sys, sz.ServiceRequests, sz.Articles, progress, start, &sum); err != nil {
		return sum, err
	}
	if err := firm(ctx, st, sys); err != nil {
		return sum, err
	}
	// A bulk load: the search index merged, as after a large import.
	return sum, st.OptimizeSearch(ctx)
}

func checkEmpty(ctx context.Context, st *store.Store, a *store.Actor) error {
	for _, deleted := range []bool{false, true} {
		p, err := st.List(ctx, a, store.Customers, store.ListQuery{Limit: 1, Deleted: deleted})
		if err != nil {
			return err
		}
		if len(p.Records) > 0 {
			return ErrNotEmpty
		}
	}
	return nil
}

// party is what the generator remembers of a customer it wrote.
type party struct {
	id      int64
	company bool
	prov    int
	created time.Time
	owner   any  // the owner's user id, or nil
	phone   bool // has a phone number
	email   bool // has an e-mail address
	// granted and refused are the channels whose latest ETK decision is
	// ONAY or RET (bits by position in store.Channels), set by consents().
	granted, refused uint8
}

type gen struct {
	r       *rand.Rand
	owners  owners // of customers
	assetBy owners // of assets
	end     time.Time
	provCum []int // cumulative population weights, by plate code - 1

	seen    map[string]bool // TCKNs, VKNs, phones, e-mails, domains, plates
	parties []party
	prods   []product // written by sales
}

func newGen(customers, assets owners) *gen {
	g := &gen{
		r:       rand.New(rand.NewPCG(seed1, seed2)),
		owners:  customers,
		assetBy: assets,
		// Midnight UTC: never in the future, the same all day.
		end:  time.Now().UTC().Truncate(24 * time.Hour),
		seen: map[string]bool{},
	}
	total := 0
	for code := 1; code <= 81; code++ {
		total += places[code].pop
		g.provCum = append(g.provCum, total)
	}
	return g
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance is true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// province draws a plate code weighted by population.
func (g *gen) province() int {
	n := g.r.IntN(g.provCum[len(g.provCum)-1])
	i, _ := slices.BinarySearch(g.provCum, n+1)
	return i + 1
}

// unique calls next until it returns a value not seen before.
func (g *gen) unique(next func() string) string {
	for {
		s := next()
		if !g.seen[s] {
			g.seen[s] = true
			return s
		}
	}
}

// tckn makes a national ID number: nine random digits (the first not 0)
// and the two check digits of the algorithm in DOMAIN.md.
func (g *gen) tckn() string {
	return g.unique(func() string {
		var d [11]int
		d[0] = 1 + g.r.IntN(9)
		for i := 1; i < 9; i++ {
			d[i] = g.r.IntN(10)
		}
		odd := d[0] + d[2] + d[4] + d[6] + d[8]
		even := d[1] + d[3] + d[5] + d[7]
		d[9] = ((odd*7-even)%10 + 10) % 10
		sum := 0
		for _, x := range d[:10] {
			sum += x
		}
		d[10] = sum % 10
		s := digitString(d[:])
		if _, ok := tr.TCKN(s); !ok {
			panic("demo: generated an invalid TCKN " + s)
		}
		return s
	})
}

// vkn makes a tax number: nine random digits and the check digit.
func (g *gen) vkn() string {
	return g.unique(func() string {
		var d [10]int
		d[0] = 1 + g.r.IntN(9)
		for i := 1; i < 9; i++ {
			d[i] = g.r.IntN(10)
		}
		sum := 0
		for i := 1; i <= 9; i++ {
			c := (d[i-1] + 10 - i) % 10
			if c == 0 {
				continue
			}
			p := (c << (10 - i)) % 9
			if p == 0 {
				p = 9
			}
			sum += p
		}
		d[9] = (10 - sum%10) % 10
		s := digitString(d[:])
		if _, ok := tr.VKN(s); !ok {
			panic("demo: generated an invalid VKN " + s)
		}
		return s
	})
}

func digitString(d []int) string {
	b := make([]byte, len(d))
	for i, x := range d {
		b[i] = byte('0' + x)
	}
	return string(b)
}

// mobile is a mobile number as people write it: "0532 123 45 67".
func (g *gen) mobile() string {
	return g.unique(func() string {
		return "0" + pick(g.r, mobilePrefixes) + " " + g.digits(3) + " " + g.digits(2) + " " + g.digits(2)
	})
}

// landline is a number of the area code, with a local number that does
// not start with 0 or 1.
func (g *gen) landline(area string) string {
	return g.unique(func() string {
		return "0" + area + " " + strconv.Itoa(2+g.r.IntN(7)) + g.digits(2) + " " + g.digits(2) + " " + g.digits(2)
	})
}

// slug is the ASCII, lower-case, letters-only form of words for e-mail
// addresses and domains.
func slug(words ...string) string {
	var b strings.Builder
	for _, w := range words {
		for _, r := range tr.Fold(w) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// address fills province, district, postal code and street address, and
// returns the area code of the place.
func (g *gen) address(v store.Values, prov int, company bool) string {
	p := places[prov]
	area := p.area
	dist := "Merkez"
	postal := fmt.Sprintf("%02d%d%s", prov, g.r.IntN(3), g.digits(2))
	if len(p.districts) > 0 {
		d := pick(g.r, p.districts)
		dist, postal = d.name, d.postal+g.digits(2)
		if d.area != "" {
			area = d.area
		}
	}
	v["province"] = tr.Provinces[prov-1].Name
	v["district"] = dist
	v["postal_code"] = postal
	street := pick(g.r, streets)
	if g.chance(0.15) {
		street = strconv.Itoa(1000+g.r.IntN(2000)) + ". Sok."
	}
	addr := pick(g.r, neighbourhoods) + " Mah. " + street + " No: " + strconv.Itoa(1+g.r.IntN(180))
	switch {
	case company && g.chance(0.25):
		addr = "Organize Sanayi Bölgesi " + strconv.Itoa(1+g.r.IntN(12)) + ". Cad. No: " + strconv.Itoa(1+g.r.IntN(90))
	case !company || g.chance(0.5):
		addr += " D: " + strconv.Itoa(1+g.r.IntN(24))
	}
	v["address"] = addr
	return area
}

// common fills what persons and companies share: stage, source, owner.
func (g *gen) common(v store.Values, created time.Time) {
	switch x := g.r.Float64(); {
	case x < 0.10:
		v["stage"] = "lead"
		v["lead_status"] = pick(g.r, leadStatuses)
	case x < 0.95:
		v["stage"] = "customer"
	default:
		v["stage"] = "former"
	}
	if g.chance(0.9) {
		v["source"] = pick(g.r, sources)
	}
	if owner := g.owners.draw(g.r); owner != nil {
		v["owner_id"] = owner
	}
	if g.chance(0.05) {
		v["notes"] = pick(g.r, notes)
	}
	v[store.CreatedAtKey] = created
}

func (g *gen) tags(from []string, p float64) []string {
	var out []string
	for g.chance(p) && len(out) < 3 {
		t := pick(g.r, from)
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
		p /= 2
	}
	return out
}

// custSpec is a customer whose name is drawn; the rest is drawn when it
// is written.
type custSpec struct {
	party
	first, last string // a person's
	title       string // a company's
	sector      sector
	key         []byte // the Turkish sort key of the name
}

func (g *gen) name(c *custSpec) {
	if c.company {
		c.sector = pick(g.r, sectors)
		var stem string
		switch x := g.r.Float64(); {
		case x < 0.45:
			stem = pick(g.r, surnames)
		case x < 0.55:
			stem = pick(g.r, surnames) + " Kardeşler"
		default:
			stem = pick(g.r, companyStems)
		}
		c.first = stem
		c.title = stem + " " + c.sector.word + " " + pick(g.r, legalForms)
		c.key = tr.SortKey(c.title)
		return
	}
	names := maleNames
	if g.chance(0.5) {
		names = femaleNames
	}
	c.first, c.last = pick(g.r, names), pick(g.r, surnames)
	c.key = tr.SortKey(c.first + " " + c.last)
}

// sparse says whether a record is one of the thin ones every firm has: a
// lead taken on the phone, a walk-in customer, a line of an old list,
// with a name, a number and a town and little else. They give the data
// quality score (store/quality.go) its low band; the postal code, the
// field people skip most, is missing from almost a third of the others.
func (g *gen) sparse(v store.Values) bool {
	p := 0.1
	if v.Str("stage") == "lead" {
		p = 0.5
	}
	if g.chance(p) {
		delete(v, "district")
		delete(v, "address")
		delete(v, "postal_code")
		return true
	}
	if g.chance(0.3) {
		delete(v, "postal_code")
	}
	return false
}

func (g *gen) person(c *custSpec) store.Values {
	first, last, prov := c.first, c.last, c.prov
	v := store.Values{"kind": "person", "first_name": first, "last_name": last}
	g.common(v, c.created)
	area := g.address(v, prov, false)
	thin := g.sparse(v)
	if !thin && g.chance(0.6) {
		v["tckn"] = g.tckn()
	}
	if !thin && g.chance(0.35) {
		born := g.end.AddDate(-18-g.r.IntN(62), 0, -g.r.IntN(365))
		v["birth_date"] = born.Format("2006-01-02")
	}
	v["phone"] = g.mobile()
	if g.chance(0.2) {
		if g.chance(0.5) {
			v["phones"] = []store.PhoneEntry{{Label: "ev", Number: g.landline(area)}}
		} else {
			v["phones"] = []store.PhoneEntry{{Label: "iş", Number: g.landline(area)}}
		}
	}
	if !thin && g.chance(0.6) {
		local := slug(first) + "." + slug(last)
		domain := pick(g.r, personDomains)
		email := local + "@" + domain
		for n := 100; g.seen[email]; n *= 2 {
			email = local + strconv.Itoa(g.r.IntN(n)) + "@" + domain
		}
		g.seen[email] = true
		v["email"] = email
	}
	if t := g.tags(personTags, 0.3); t != nil {
		v["tags"] = t
	}
	return v
}

func (g *gen) company(c *custSpec) store.Values {
	sec, stem, prov := c.sector, c.first, c.prov
	v := store.Values{"kind": "company", "title": c.title, "sector": sec.name}
	g.common(v, c.created)
	area := g.address(v, prov, true)
	thin := g.sparse(v)
	if thin {
		delete(v, "sector")
	}
	if !thin && g.chance(0.85) {
		v["vkn"] = g.vkn()
		offices := places[prov].taxOffices
		switch {
		case len(offices) > 0 && g.chance(0.7):
			v["tax_office"] = pick(g.r, offices)
		case v.Str("district") != "Merkez":
			v["tax_office"] = v.Str("district")
		default:
			v["tax_office"] = tr.Provinces[prov-1].Name
		}
	}
	v["employee_count"] = int64(1 + int(g.r.ExpFloat64()*12))
	v["phone"] = g.landline(area)
	if g.chance(0.35) {
		phones := []store.PhoneEntry{{Label: "muhasebe", Number: g.landline(area)}}
		if g.chance(0.5) {
			phones = append(phones, store.PhoneEntry{Label: "cep", Number: g.mobile()})
		}
		v["phones"] = phones
	}
	base := slug(strings.TrimSuffix(stem, " Kardeşler"), sec.word)
	domain := base + ".com.tr"
	for n := 2; g.seen[domain]; n++ {
		domain = base + strconv.Itoa(n) + ".com.tr"
	}
	g.seen[domain] = true
	if !thin && g.chance(0.45) {
		v["website"] = "https://www." + domain
	}
	if !thin && g.chance(0.7) {
		v["email"] = pick(g.r, []string{"info", "info", "muhasebe", "satis", "iletisim"}) + "@" + domain
	}
	if t := g.tags(companyTags, 0.45); t != nil {
		v["tags"] = t
	}
	return v
}

// customers writes the persons and companies, mixed, with creation times
// spread over three years. They go in in the Turkish order of their names,
// not of their creation: the five indexes that lead with the name's sort
// key then grow at a few places instead of everywhere, which halves the
// time of a large load and cuts its disk writes to a fraction. (Their ids
// therefore do not follow their creation times; lists sort by the
// creation time itself.)
func (g *gen) customers(ctx context.Context, st *store.Store, a *store.Actor, sz Size, progress io.Writer, start time.Time, sum *Summary) error {
	n := sz.Persons + sz.Companies
	specs := make([]custSpec, n)
	for i := range sz.Companies {
		specs[i].company = true
	}
	g.r.Shuffle(n, func(i, j int) { specs[i], specs[j] = specs[j], specs[i] })
	times := g.times(n, g.end.AddDate(-3, 0, 0))
	for i := range specs {
		specs[i].prov = g.province()
		specs[i].created = times[i]
		g.name(&specs[i])
	}
	slices.SortStableFunc(specs, func(x, y custSpec) int { return bytes.Compare(x.key, y.key) })
	rows := make([]store.Values, 0, batchSize)
	batch := make([]party, 0, batchSize)
	for i := range specs {
		c := &specs[i]
		if c.company {
			rows = append(rows, g.company(c))
		} else {
			rows = append(rows, g.person(c))
		}
		c.key = nil
		batch = append(batch, c.party)
		if len(rows) < batchSize && i < n-1 {
			continue
		}
		ids, err := st.CreateMany(ctx, a, store.Customers, rows)
		if err != nil {
			return fmt.Errorf("demo customers: %w", err)
		}
		for j, id := range ids {
			batch[j].id = id
			batch[j].owner = rows[j]["owner_id"]
			batch[j].phone = rows[j].Str("phone") != ""
			batch[j].email = rows[j].Str("email") != ""
			if batch[j].company {
				sum.Companies++
			} else {
				sum.Persons++
			}
		}
		g.parties = append(g.parties, batch...)
		report(progress, "customers", len(g.parties), n, start)
		rows, batch = rows[:0], batch[:0]
	}
	return nil
}

// times returns n sorted times between from and g.end, denser towards the
// end (the density grows linearly), as a growing firm gains customers.
func (g *gen) times(n int, from time.Time) []time.Time {
	span := g.end.Sub(from)
	out := make([]time.Time, n)
	for i := range out {
		u := math.Sqrt(g.r.Float64())
		out[i] = from.Add(time.Duration(u * float64(span))).Truncate(time.Second)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// report prints a progress line about every tenth of the way.
func report(w io.Writer, what string, done, total int, start time.Time) {
	if done == total || done*10/total != (done-batchSize)*10/total {
		fmt.Fprintf(w, "%s %d/%d (%.1f s)\n", what, done, total, time.Since(start).Seconds())
	}
}

// contacts links one to three persons to most companies, mostly people of
// the same province; the first is the authorised person (yetkili).
func (g *gen) contacts() []store.ContactLink {
	byProv := map[int][]int64{}
	var all []int64
	for _, p := range g.parties {
		if !p.company {
			byProv[p.prov] = append(byProv[p.prov], p.id)
			all = append(all, p.id)
		}
	}
	if len(all) == 0 {
		return nil
	}
	var links []store.ContactLink
	for _, c := range g.parties {
		if !c.company || g.chance(0.15) {
			continue
		}
		k := 1
		if x := g.r.Float64(); x > 0.5 {
			k = 2
			if x > 0.85 {
				k = 3
			}
		}
		pool := byProv[c.prov]
		if len(pool) < 10 {
			pool = all
		}
		var chosen []int64
		for tries := 0; len(chosen) < k && tries < 10; tries++ {
			p := pick(g.r, pool)
			if slices.Contains(chosen, p) {
				continue
			}
			role := "authorized"
			if len(chosen) > 0 {
				role = pick(g.r, otherRoles)
			}
			chosen = append(chosen, p)
			links = append(links, store.ContactLink{CompanyID: c.id, PersonID: p, Role: role})
		}
	}
	return links
}

const plateLetters = "ABCDEFGHIJKLMNOPRSTUVYZ"

// plate makes a civil plate of the province: "34 ABC 123" and the other
// letter and digit patterns.
func (g *gen) plate(prov int) string {
	return g.unique(func() string {
		var letters, digits int
		switch x := g.r.IntN(100); {
		case x < 10:
			letters, digits = 1, 4
		case x < 45:
			letters, digits = 2, 3
		case x < 60:
			letters, digits = 2, 4
		case x < 75:
			letters, digits = 3, 2
		default:
			letters, digits = 3, 3
		}
		b := make([]byte, letters)
		for i := range b {
			b[i] = plateLetters[g.r.IntN(len(plateLetters))]
		}
		num := g.digits(digits)
		if num[0] == '0' {
			num = "1" + num[1:]
		}
		s := fmt.Sprintf("%02d %s %s", prov, b, num)
		if _, ok := tr.Plate(s); !ok {
			panic("demo: generated an invalid plate " + s)
		}
		return s
	})
}

const vinChars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"

// vin makes a 17-character chassis number: the maker's WMI, random
// descriptor characters, the ISO 3779 check digit in place 9 and the model
// year code in place 10.
func (g *gen) vin(wmi string, year int) string {
	b := []byte(wmi)
	for len(b) < 8 {
		b = append(b, vinChars[g.r.IntN(len(vinChars))])
	}
	b = append(b, '0', "ABCDEFGHJKLMNPRSTVWXY123456789"[(year-1980)%30], vinChars[g.r.IntN(23)])
	b = append(b, g.digits(6)...)
	b[8] = vinCheck(b)
	return string(b)
}

// vinCheck computes the check digit of a 17-character chassis number.
func vinCheck(b []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range b {
		sum += vinValue(c) * weights[i]
	}
	if d := sum % 11; d < 10 {
		return byte('0' + d)
	}
	return 'X'
}

func vinValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int("12345678 12345 7 923456789"[c-'A'] - '0') // I, O, Q are never used
}

// assetSpec is an asset before its details are drawn.
type assetSpec struct {
	owner   party
	created time.Time
}

// assets gives vehicles and devices to customers: firms own most of the
// vans and a few firms own fleets; persons own cars and appliances.
func (g *gen) assets(ctx context.Context, st *store.Store, a *store.Actor, n int, progress io.Writer, start time.Time, sum *Summary) error {
	var persons, fleets []party
	for _, p := range g.parties {
		if !p.company {
			persons = append(persons, p)
		} else if g.chance(0.3) {
			fleets = append(fleets, p)
		}
	}
	if len(fleets) == 0 {
		fleets = persons
	}
	if len(persons) == 0 {
		persons = fleets
	}
	if len(persons) == 0 {
		return nil
	}
	specs := make([]assetSpec, n)
	for i := range specs {
		owner := pick(g.r, persons)
		if g.chance(0.5) {
			owner = pick(g.r, fleets)
		}
		// Most assets are recorded soon after their owner.
		u := g.r.Float64()
		span := g.end.Sub(owner.created)
		specs[i] = assetSpec{owner: owner, created: owner.created.Add(time.Duration(u * u * u * float64(span))).Truncate(time.Second)}
	}
	slices.SortStableFunc(specs, func(x, y assetSpec) int { return x.created.Compare(y.created) })
	rows := make([]store.Values, 0, batchSize)
	for i, s := range specs {
		rows = append(rows, g.asset(s))
		if len(rows) < batchSize && i < n-1 {
			continue
		}
		if _, err := st.CreateMany(ctx, a, store.Assets, rows); err != nil {
			return fmt.Errorf("demo assets: %w", err)
		}
		sum.Assets += len(rows)
		report(progress, "assets", sum.Assets, n, start)
		rows = rows[:0]
	}
	return nil
}

func (g *gen) asset(s assetSpec) store.Values {
	v := store.Values{"customer_id": s.owner.id, store.CreatedAtKey: s.created}
	if owner := g.assetBy.draw(g.r); owner != nil {
		v["owner_id"] = owner
	}
	bought := s.created.AddDate(0, 0, -g.r.IntN(60))
	deviceShare := 0.35
	if s.owner.company {
		deviceShare = 0.15
	}
	if g.chance(deviceShare) {
		d := pick(g.r, devices)
		v["kind"] = "device"
		v["name"] = d.name
		v["serial_no"] = d.serial + g.digits(10)
		v["purchase_date"] = bought.Format("2006-01-02")
		v["warranty_end"] = bought.AddDate(d.warranty, 0, 0).Format("2006-01-02")
		return v
	}
	var veh vehicle
	for {
		veh = pick(g.r, vehicles)
		// Firms mostly buy vans, persons mostly cars.
		if veh.van == (s.owner.company && g.chance(0.7)) || g.chance(0.2) {
			break
		}
	}
	year := bought.Year()
	used := g.chance(0.25)
	if used {
		year -= 1 + g.r.IntN(9)
	}
	v["kind"] = "vehicle"
	v["name"] = fmt.Sprintf("%s %s (%d)", veh.make, veh.model, year)
	v["plate"] = g.plate(s.owner.prov)
	v["serial_no"] = g.vin(veh.wmi, year)
	if g.chance(0.9) {
		v["purchase_date"] = bought.Format("2006-01-02")
		if !used {
			v["warranty_end"] = bought.AddDate(3, 0, 0).Format("2006-01-02")
		}
	}
	return v
}
