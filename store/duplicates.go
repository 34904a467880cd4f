package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"kobicrm/store/tr"
)

// Duplicate detection: the same party entered twice, as a person typed in
// at the counter and again from a fair's list, or a company created by
// two salespeople. A module takes part by declaring the hidden column
// NameFoldField; its identity fields are found by their kinds:
//
//   - TCKN and VKN: the same number is almost surely the same party;
//   - e-mail, and phone (the main number or any of the more numbers, in
//     either record): very likely, though a family or an office shares them;
//   - the same folded name in the same province: worth a look.
//
// Records of different kinds (a person and a company) are never taken
// for one another: a company and its contact person share a phone as a
// rule. Only live records within the actor's read scope are compared, and
// a field hidden from the actor (a TCKN) is not matched on either, so
// that nothing tells what the actor may not see.

// NameFoldField is the hidden column that holds a record's title folded
// for matching (nameFold). A module that declares it has duplicate
// detection; its Prepare hook fills it.
const NameFoldField = "name_fold"

// The reasons a pair is taken for a duplicate, strongest first.
const (
	ReasonTCKN  = "tckn"
	ReasonVKN   = "vkn"
	ReasonEmail = "email"
	ReasonPhone = "phone"
	ReasonName  = "name" // the same folded name in the same province
)

// reasons are the reasons in strength order; a set of them is a bit mask
// over this list.
var reasons = [...]string{ReasonTCKN, ReasonVKN, ReasonEmail, ReasonPhone, ReasonName}

// reasonWeights are how sure each reason alone makes us, in per cent: one
// national ID number is one person, while a phone number may be a
// household's and a name a namesake's. Independent reasons combine as
// 1 − Π(1 − w), so e-mail and phone together (94) come close to a TCKN
// (95) but never pass it.
var reasonWeights = [len(reasons)]float64{95, 90, 80, 70, 40}

const (
	bitTCKN = iota
	bitVKN
	bitEmail
	bitPhone
	bitName
)

// MaxDuplicates bounds the likely duplicates reported for one record.
const MaxDuplicates = 10

// dupLookupLimit bounds the records one key brings back: a phone number
// shared by hundreds of records (a call centre's) is no help past that.
const dupLookupLimit = 50

// Duplicate is a record that is likely the same party as the values
// checked: its id, its title, how sure we are (1–99) and why, strongest
// reason first.
type Duplicate struct {
	ID      int64
	Title   string
	Score   int
	Reasons []string
}

// dupScore is how sure a set of reasons makes us, 1–99.
func dupScore(mask uint8) int {
	miss := 1.0
	for i, w := range reasonWeights {
		if mask&(1<<i) != 0 {
			miss *= 1 - w/100
		}
	}
	return min(99, int(math.Round(100*(1-miss))))
}

func reasonList(mask uint8) []string {
	var out []string
	for i, r := range reasons {
		if mask&(1<<i) != 0 {
			out = append(out, r)
		}
	}
	return out
}

// rankDuplicates orders duplicates best first, then oldest first (the
// record that was there first is usually the one to keep), and keeps the
// first MaxDuplicates.
func rankDuplicates(out []Duplicate) []Duplicate {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if len(out) > MaxDuplicates {
		out = out[:MaxDuplicates]
	}
	return out
}

// nameFold is a title folded for matching: the search folding (case, the
// Turkish letters, white space) and punctuation dropped, so "ABC Ltd. Şti."
// and "abc ltd sti" meet.
func nameFold(s string) string {
	words := strings.FieldsFunc(tr.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(words, " ")
}

// dupSpec is a module's duplicate rules, read from its declaration.
type dupSpec struct {
	m        *Module
	byReason [len(reasons)][]*Field // identity fields per reason bit (PhoneList in side tables)
	province *Field                 // nil: no name reason
}

func dupSpecOf(m *Module) (*dupSpec, error) {
	if _, ok := m.fields[NameFoldField]; !ok {
		return nil, fmt.Errorf("%w: %s has no duplicate detection", ErrBadQuery, m.Key)
	}
	sp := &dupSpec{m: m}
	for i := range m.Fields {
		f := &m.Fields[i]
		switch f.Kind {
		case TCKN:
			sp.byReason[bitTCKN] = append(sp.byReason[bitTCKN], f)
		case VKN:
			sp.byReason[bitVKN] = append(sp.byReason[bitVKN], f)
		case Email:
			sp.byReason[bitEmail] = append(sp.byReason[bitEmail], f)
		case Phone, PhoneList:
			sp.byReason[bitPhone] = append(sp.byReason[bitPhone], f)
		case Province:
			if sp.province == nil {
				sp.province = f
			}
		}
	}
	return sp, nil
}

// HasDuplicateDetection says whether records of m are checked for
// duplicates: what a form asks before looking.
func (m *Module) HasDuplicateDetection() bool {
	_, ok := m.fields[NameFoldField]
	return ok
}

// dupKey is one identifying value of a record: a reason bit and the value
// as stored (a name key is the folded name, a NUL and the province).
type dupKey struct {
	bit   int
	value string
}

// visible says whether the actor may match on a field: a hidden field is
// neither shown nor searched, so it must not match either.
func (sp *dupSpec) visible(a *Actor, f *Field) bool {
	return a.FieldAccess(sp.m, f.Name) != AccessHidden
}

// kindOf is a record's discriminator value; records of different kinds
// are never duplicates of each other.
func (sp *dupSpec) kindOf(v Values) string {
	if sp.m.Discriminator == "" {
		return ""
	}
	return v.Str(sp.m.Discriminator)
}

// keys are the identifying values of prepared values (their title
// computed), normalised as the store keeps them, without repeats.
func (sp *dupSpec) keys(a *Actor, v Values) []dupKey {
	var out []dupKey
	add := func(bit int, s string) {
		if s == "" {
			return
		}
		k := dupKey{bit, s}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	m := sp.m
	for bit, fields := range sp.byReason {
		for _, f := range fields {
			if !m.Applies(f, v) || !sp.visible(a, f) {
				continue
			}
			switch f.Kind {
			case TCKN:
				n, _ := tr.TCKN(v.Str(f.Name))
				add(bit, n)
			case VKN:
				n, _ := tr.VKN(v.Str(f.Name))
				add(bit, n)
			case Email:
				e, _ := tr.Email(v.Str(f.Name))
				add(bit, strings.ToLower(e))
			case Phone:
				p, _ := tr.Phone(v.Str(f.Name))
				add(bit, p)
			case PhoneList:
				for _, e := range v.Phones(f.Name) {
					p, _ := tr.Phone(e.Number)
					add(bit, p)
				}
			}
		}
	}
	if sp.province != nil && m.Applies(sp.province, v) {
		if p, ok := tr.ProvinceByName(v.Str(sp.province.Name)); ok {
			name := v.Str(NameFoldField) // computed by Prepare
			if name == "" {
				name = nameFold(v.Str(m.TitleField))
			}
			if name != "" {
				add(bitName, name+"\x00"+p.Name)
			}
		}
	}
	return out
}

// prepared is a copy of input values with the module's rules run over it,
// so that the title is computed and every value normalised as a save
// would; problems are the save's business, not ours.
func (sp *dupSpec) prepared(v Values) Values {
	c := sp.copyWithKind(v)
	sp.m.check(c, &ValidationError{})
	return c
}

// copyWithKind copies input values, with the discriminator's default
// where it is not given: a row without a kind is saved as that kind (a
// person), so it is matched as one.
func (sp *dupSpec) copyWithKind(v Values) Values {
	c := make(Values, len(v)+4)
	for k, x := range v {
		c[k] = x
	}
	if d := sp.m.Discriminator; d != "" && c.Str(d) == "" {
		f := sp.m.fields[d]
		c[d] = f.Default
	}
	return c
}

// titled is prepared for the many rows of an import: only the module's
// Prepare hook runs, which computes the title and its folded form. keys
// normalises the identity values itself, so the whole check (a fifth of
// an import's duplicate check in the benchmark) is not needed.
func (sp *dupSpec) titled(v Values) Values {
	if _, prepared := v[NameFoldField]; prepared && (sp.m.Discriminator == "" || v.Str(sp.m.Discriminator) != "") {
		return v // saved values: Prepare has run on them
	}
	c := sp.copyWithKind(v)
	if sp.m.Prepare != nil {
		sp.m.Prepare(c, &ValidationError{})
	}
	return c
}

// lookup is the condition, on the module's table as t, that a record has
// the key, and its arguments.
func (sp *dupSpec) lookup(k dupKey) (string, []any) {
	if k.bit == bitName {
		name, prov, _ := strings.Cut(k.value, "\x00")
		p := sp.province.Name
		// The "<> ''" terms repeat the partial index's condition, which
		// SQLite uses only when the query implies it.
		return "t." + NameFoldField + " = ? AND t." + p + " = ? AND t." + NameFoldField + " <> '' AND t." + p + " <> ''", []any{name, prov}
	}
	fields := sp.byReason[k.bit]
	if len(fields) == 1 && !fields[0].Kind.side() {
		c := fields[0].Name
		return "t." + c + " = ? AND t." + c + " <> ''", []any{k.value}
	}
	var parts []string
	var args []any
	for _, f := range fields {
		if f.Kind == PhoneList {
			parts = append(parts, "SELECT record_id FROM "+sideTable(sp.m, f)+" WHERE number = ?")
		} else {
			parts = append(parts, "SELECT id FROM "+sp.m.Table+" WHERE "+f.Name+" = ? AND "+f.Name+" <> ''")
		}
		args = append(args, k.value)
	}
	return "t.id IN (" + strings.Join(parts, " UNION ") + ")", args
}

// FindDuplicates returns the live records of m, within the actor's read
// scope, that are likely the same party as the values v (as a form or the
// API gives them, before saving), best first and at most MaxDuplicates.
// exceptID is the record being edited (0 for a new one), which is never
// its own duplicate. Each key is an index lookup.
func (s *Store) FindDuplicates(ctx context.Context, a *Actor, m *Module, v Values, exceptID int64) ([]Duplicate, error) {
	m = s.mod(m) // with the database's custom fields
	sp, scope, scopeArgs, err := dupReadable(a, m)
	if err != nil {
		return nil, err
	}
	vals := sp.prepared(v)
	kind := sp.kindOf(vals)
	masks := map[int64]uint8{}
	titles := map[int64]string{}
	for _, k := range sp.keys(a, vals) {
		cond, args := sp.lookup(k)
		q := "SELECT t.id, t." + m.TitleField + " FROM " + m.Table + " t WHERE " + cond + " AND t.deleted_at IS NULL AND t.id <> ?"
		args = append(args, exceptID)
		if m.Discriminator != "" {
			q += " AND t." + m.Discriminator + " = ?"
			args = append(args, kind)
		}
		q += scope + " ORDER BY t.id LIMIT ?"
		args = append(append(args, scopeArgs...), dupLookupLimit)
		rows, err := s.reads.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("find duplicates of a %s by %s: %w", m.Key, reasons[k.bit], err)
		}
		for rows.Next() {
			var id int64
			var title string
			if err := rows.Scan(&id, &title); err != nil {
				rows.Close()
				return nil, fmt.Errorf("find duplicates of a %s: %w", m.Key, err)
			}
			masks[id] |= 1 << k.bit
			titles[id] = title
		}
		if err := closeRows(rows, "duplicates"); err != nil {
			return nil, err
		}
	}
	out := make([]Duplicate, 0, len(masks))
	for id, mask := range masks {
		out = append(out, Duplicate{ID: id, Title: titles[id], Score: dupScore(mask), Reasons: reasonList(mask)})
	}
	return rankDuplicates(out), nil
}

// DupIndex holds the identifying values of a module's live records in
// memory, for checking many incoming rows (an import) against them and
// against each other without a query per row. Build it with
// DuplicateIndex; it is not safe for concurrent use.
//
// Keys are kept as 64-bit hashes, not strings, so that the index of
// 100,000 customers stays a few megabytes under the server's memory
// limit; two different keys sharing a hash (odds of about one in ten
// million at that size) would only add a reason to a warning.
type DupIndex struct {
	sp     *dupSpec
	a      *Actor
	seed   maphash.Seed
	first  map[uint64]int32   // key → the first entry with it
	more   map[uint64][]int32 // key → the further entries with it
	ids    []int64
	titles []string
}

// dupReadable is what a duplicate search of m by a needs: the module's
// keys, and the condition (" AND …", on the table as t) that keeps to the
// records a may read.
func dupReadable(a *Actor, m *Module) (*dupSpec, string, []any, error) {
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, "", nil, err
	}
	sp, err := dupSpecOf(m)
	if err != nil {
		return nil, "", nil, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, "", nil, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	return sp, scope, args, nil
}

// DuplicateIndex loads the identifying values of the live records of m
// that the actor may read (those outside their scope are never reported).
func (s *Store) DuplicateIndex(ctx context.Context, a *Actor, m *Module) (*DupIndex, error) {
	m = s.mod(m) // with the database's custom fields
	sp, scope, scopeArgs, err := dupReadable(a, m)
	if err != nil {
		return nil, err
	}
	x := &DupIndex{sp: sp, a: a, seed: maphash.MakeSeed(), first: map[uint64]int32{}, more: map[uint64][]int32{}}

	// The columns that hold keys; stored values are normalised already.
	type col struct {
		bit int
		f   *Field
	}
	var cols []col
	var sides []*Field
	for bit, fields := range sp.byReason {
		for _, f := range fields {
			switch {
			case !sp.visible(a, f):
			case f.Kind == PhoneList:
				sides = append(sides, f)
			default:
				cols = append(cols, col{bit, f})
			}
		}
	}
	sel := "t.id, t." + m.TitleField + ", " + kindColumn(m) + ", t." + NameFoldField + ", " + provinceColumn(sp)
	for _, c := range cols {
		sel += ", t." + c.f.Name
	}
	rows, err := s.reads.query(ctx, "SELECT "+sel+" FROM "+m.Table+" t WHERE t.deleted_at IS NULL"+scope+" ORDER BY t.id", scopeArgs...)
	if err != nil {
		return nil, fmt.Errorf("load duplicate keys of %s: %w", m.Key, err)
	}
	kinds := []string{} // an entry's kind, while loading
	vals := make([]string, len(cols))
	dest := make([]any, 5+len(cols))
	var id int64
	var title, kind, name, prov string
	dest[0], dest[1], dest[2], dest[3], dest[4] = &id, &title, &kind, &name, &prov
	for i := range vals {
		dest[5+i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load duplicate keys of %s: %w", m.Key, err)
		}
		e := x.entry(id, title)
		kinds = append(kinds, kind)
		for i, c := range cols {
			if vals[i] != "" {
				x.put(e, kind, dupKey{c.bit, vals[i]})
			}
		}
		if name != "" && prov != "" {
			x.put(e, kind, dupKey{bitName, name + "\x00" + prov})
		}
	}
	if err := closeRows(rows, "duplicate keys"); err != nil {
		return nil, err
	}
	for _, f := range sides {
		rows, err := s.reads.query(ctx, "SELECT p.record_id, p.number FROM "+sideTable(m, f)+" p JOIN "+m.Table+
			" t ON t.id = p.record_id WHERE t.deleted_at IS NULL"+scope, scopeArgs...)
		if err != nil {
			return nil, fmt.Errorf("load duplicate keys of %s: %w", m.Key, err)
		}
		for rows.Next() {
			var number string
			if err := rows.Scan(&id, &number); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load duplicate keys of %s: %w", m.Key, err)
			}
			if e, ok := slices.BinarySearch(x.ids, id); ok {
				x.put(int32(e), kinds[e], dupKey{bitPhone, number})
			}
		}
		if err := closeRows(rows, "duplicate keys"); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// kindColumn selects a record's discriminator, or an empty string for a
// module without one.
func kindColumn(m *Module) string {
	if m.Discriminator == "" {
		return "''"
	}
	return "t." + m.Discriminator
}

func provinceColumn(sp *dupSpec) string {
	if sp.province == nil {
		return "''"
	}
	return "t." + sp.province.Name
}

func (x *DupIndex) entry(id int64, title string) int32 {
	x.ids = append(x.ids, id)
	x.titles = append(x.titles, title)
	return int32(len(x.ids) - 1)
}

func (x *DupIndex) hash(kind string, k dupKey) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	h.WriteByte(byte(k.bit))
	h.WriteString(kind)
	h.WriteByte(0)
	h.WriteString(k.value)
	return h.Sum64()
}

func (x *DupIndex) put(e int32, kind string, k dupKey) {
	h := x.hash(kind, k)
	if _, taken := x.first[h]; !taken {
		x.first[h] = e
		return
	}
	x.more[h] = append(x.more[h], e)
}

// Len is the number of records and rows in the index.
func (x *DupIndex) Len() int { return len(x.ids) }

// Match returns the records and added rows that are likely the same party
// as the values v, best first and at most MaxDuplicates, as
// FindDuplicates would (without an exception: match a row before adding
// it).
func (x *DupIndex) Match(v Values) []Duplicate {
	vals := x.sp.titled(v)
	return x.match(x.sp.kindOf(vals), x.sp.keys(x.a, vals))
}

// MatchAdd is Match and then Add for a saved row, with one pass over its
// values: an import checks and adds every row it creates.
func (x *DupIndex) MatchAdd(id int64, v Values) []Duplicate {
	vals := x.sp.titled(v)
	kind, keys := x.sp.kindOf(vals), x.sp.keys(x.a, vals)
	found := x.match(kind, keys)
	e := x.entry(id, vals.Str(x.sp.m.TitleField))
	for _, k := range keys {
		x.put(e, kind, k)
	}
	return found
}

func (x *DupIndex) match(kind string, keys []dupKey) []Duplicate {
	var found []int32
	var masks []uint8
	note := func(e int32, bit int) {
		for i, f := range found {
			if f == e {
				masks[i] |= 1 << bit
				return
			}
		}
		found = append(found, e)
		masks = append(masks, 1<<bit)
	}
	for _, k := range keys {
		h := x.hash(kind, k)
		e, ok := x.first[h]
		if !ok {
			continue
		}
		note(e, k.bit)
		for i, e := range x.more[h] {
			if i >= dupLookupLimit {
				break
			}
			note(e, k.bit)
		}
	}
	if len(found) == 0 {
		return nil
	}
	out := make([]Duplicate, len(found))
	for i, e := range found {
		out[i] = Duplicate{ID: x.ids[e], Title: x.titles[e], Score: dupScore(masks[i]), Reasons: reasonList(masks[i])}
	}
	return rankDuplicates(out)
}

// Add puts a row into the index, so that later rows are matched against
// it too. id is what Match reports for it: the new record's id once it is
// saved, or any number the caller tells rows by (a negative row number).
func (x *DupIndex) Add(id int64, v Values) {
	vals := x.sp.titled(v)
	kind := x.sp.kindOf(vals)
	e := x.entry(id, vals.Str(x.sp.m.TitleField))
	for _, k := range x.sp.keys(x.a, vals) {
		x.put(e, kind, k)
	}
}

// DuplicatePair is two live records that are likely the same party, A the
// older (smaller id), with how sure we are and why.
type DuplicatePair struct {
	A, B           int64
	TitleA, TitleB string
	Score          int
	Reasons        []string
}

// cursor is where a page of pairs ends, in their order: score down, then
// A, then B.
func (p DuplicatePair) cursor() string {
	return fmt.Sprintf("%d-%d-%d", p.Score, p.A, p.B)
}

// after says whether p comes after the pair at cursor c.
func (p DuplicatePair) after(score int, a, b int64) bool {
	if p.Score != score {
		return p.Score < score
	}
	if p.A != a {
		return p.A > a
	}
	return p.B > b
}

func parsePairCursor(c string) (score int, a, b int64, err error) {
	parts := strings.Split(c, "-")
	if len(parts) == 3 {
		score, err = strconv.Atoi(parts[0])
		if err == nil {
			a, err = strconv.ParseInt(parts[1], 10, 64)
		}
		if err == nil {
			b, err = strconv.ParseInt(parts[2], 10, 64)
		}
		if err == nil {
			return score, a, b, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("%w: duplicates cursor", ErrBadQuery)
}

// scanParallel is how many of ScanDuplicates' passes run at once: they
// overlap on a second core, and the rest of the reader pool stays free
// for the other people in the office.
const scanParallel = 2

// maxGroupPairs is the largest group of records sharing a key whose every
// pair is listed. A bigger group (an office's switchboard number on fifty
// contacts) is listed as each member beside the group's oldest record,
// which is the one the others would be merged into, instead of a
// thousand pairs.
const maxGroupPairs = 8

// ScanDuplicates lists the likely duplicate pairs among the live records
// of m within the actor's read scope, surest first, limit pairs after the
// cursor after ("" for the first page). It returns the cursor of the next
// page, "" on the last.
//
// Each key is one pass: SQLite groups an index to find the values held by
// more than one record, then reads only those records, so the cost grows
// with the table, never with its square.
func (s *Store) ScanDuplicates(ctx context.Context, a *Actor, m *Module, limit int, after string) ([]DuplicatePair, string, error) {
	m = s.mod(m) // with the database's custom fields
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, "", err
	}
	sp, err := dupSpecOf(m)
	if err != nil {
		return nil, "", err
	}
	var ca, cb int64
	var cscore int
	if after != "" {
		if cscore, ca, cb, err = parsePairCursor(after); err != nil {
			return nil, "", err
		}
	}
	if limit <= 0 || limit > MaxLimit {
		limit = MaxLimit
	}
	scope, scopeArgs, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, "", err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	// The reasons' passes share nothing, so they run scanParallel at a
	// time on the reader pool, each into its own pairs.
	var found [len(reasons)]map[[2]int64]uint8
	var errs [len(reasons)]error
	var wg sync.WaitGroup
	slots := make(chan struct{}, scanParallel)
	for bit := range reasons {
		q, ok := sp.groupQuery(a, bit)
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			found[bit] = map[[2]int64]uint8{}
			rows, err := s.reads.query(ctx, q+scope+" ORDER BY 1, 2, 3, 4", scopeArgs...)
			if err == nil {
				err = pairGroups(rows, bit, found[bit])
			}
			if err != nil {
				errs[bit] = fmt.Errorf("scan %s for duplicates by %s: %w", m.Key, reasons[bit], err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return nil, "", err
	}
	masks := map[[2]int64]uint8{}
	for _, f := range found {
		for ab, mask := range f {
			masks[ab] |= mask
		}
	}
	pairs := make([]DuplicatePair, 0, len(masks))
	for ab, mask := range masks {
		p := DuplicatePair{A: ab[0], B: ab[1], Score: dupScore(mask)}
		if after != "" && !p.after(cscore, ca, cb) {
			continue
		}
		p.Reasons = reasonList(mask)
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[j].after(pairs[i].Score, pairs[i].A, pairs[i].B) })
	next := ""
	if len(pairs) > limit {
		pairs = pairs[:limit]
		next = pairs[limit-1].cursor()
	}
	if err := s.pairTitles(ctx, m, pairs); err != nil {
		return nil, "", err
	}
	return pairs, next, nil
}

// groupQuery selects (key, key2, kind, id) of the live records whose key
// for a reason some other record holds too (key2 is the province of a
// name, else empty); the caller appends the scope and the order. ok is
// false when the module has nothing to match by for the reason, or the
// actor may not see it.
//
// Each query first finds the repeated values from the indexes alone (a
// GROUP BY over one index, and for the phones an index probe of each
// more number into the main numbers), then reads only the records that
// hold them.
func (sp *dupSpec) groupQuery(a *Actor, bit int) (q string, ok bool) {
	m := sp.m
	T, kind := m.Table, kindColumn(m)
	if bit == bitName {
		if sp.province == nil {
			return "", false
		}
		n, p := NameFoldField, sp.province.Name
		return "SELECT t." + n + ", t." + p + ", " + kind + ", t.id FROM " + T + " t" +
			" WHERE (t." + n + ", t." + p + ") IN (SELECT " + n + ", " + p + " FROM " + T +
			" WHERE " + n + " <> '' AND " + p + " <> '' GROUP BY " + n + ", " + p + " HAVING count(*) > 1)" +
			" AND t." + n + " <> '' AND t." + p + " <> '' AND t.deleted_at IS NULL", true
	}
	var fields []*Field
	for _, f := range sp.byReason[bit] {
		if sp.visible(a, f) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return "", false
	}
	if len(fields) == 1 && fields[0].Kind != PhoneList {
		c := fields[0].Name
		return "SELECT t." + c + ", '', " + kind + ", t.id FROM " + T + " t WHERE t." + c + " IN (SELECT " + c + " FROM " + T +
			" WHERE " + c + " <> '' GROUP BY " + c + " HAVING count(*) > 1) AND t." + c + " <> '' AND t.deleted_at IS NULL", true
	}
	// A value repeats when it is twice in one field's column, or in two
	// fields' columns.
	var rep, members []string
	for i, f := range fields {
		x := sp.keySource(f)
		rep = append(rep, "SELECT "+x.col+" FROM "+x.table+" WHERE 1"+x.nonEmpty("")+" GROUP BY "+x.col+" HAVING count(*) > 1")
		for _, g := range fields[i+1:] {
			y := sp.keySource(g)
			rep = append(rep, "SELECT x."+x.col+" FROM "+x.table+" x WHERE 1"+x.nonEmpty("x.")+
				" AND EXISTS (SELECT 1 FROM "+y.table+" y WHERE y."+y.col+" = x."+x.col+y.nonEmpty("y.")+")")
		}
		members = append(members, "SELECT "+x.col+" AS k, "+x.id+" AS id FROM "+x.table+" WHERE "+x.col+" IN rep"+x.nonEmpty(""))
	}
	return "WITH rep (k) AS MATERIALIZED (" + strings.Join(rep, " UNION ") + ")" +
		" SELECT x.k, '', " + kind + ", t.id FROM (" + strings.Join(members, " UNION ") + ") x JOIN " + T + " t ON t.id = x.id" +
		" WHERE t.deleted_at IS NULL", true
}

// keySource is where a field's key values are: a column of the module's
// table, or the number column of a phone list's side table.
type keySource struct {
	table, col, id string
	side           bool
}

func (sp *dupSpec) keySource(f *Field) keySource {
	if f.Kind == PhoneList {
		return keySource{table: sideTable(sp.m, f), col: "number", id: "record_id", side: true}
	}
	return keySource{table: sp.m.Table, col: f.Name, id: "id"}
}

// nonEmpty leaves out the empty values of a column, as its partial index
// does (SQLite uses the index only when the query says so too); a side
// table holds no empty numbers.
func (k keySource) nonEmpty(alias string) string {
	if k.side {
		return ""
	}
	return " AND " + alias + k.col + " <> ''"
}

// pairGroups reads rows of (key, key2, kind, id) in that order and notes
// the pairs of each group of records that share a key and a kind.
func pairGroups(rows *sql.Rows, bit int, masks map[[2]int64]uint8) error {
	var group []int64
	var gkey, gkey2, gkind string
	flush := func() {
		if len(group) <= maxGroupPairs {
			for i := range group {
				for j := i + 1; j < len(group); j++ {
					masks[[2]int64{group[i], group[j]}] |= 1 << bit
				}
			}
		} else {
			for _, id := range group[1:] {
				masks[[2]int64{group[0], id}] |= 1 << bit
			}
		}
		group = group[:0]
	}
	for rows.Next() {
		var key, key2, kind string
		var id int64
		if err := rows.Scan(&key, &key2, &kind, &id); err != nil {
			rows.Close()
			return err
		}
		if key != gkey || key2 != gkey2 || kind != gkind {
			flush()
			gkey, gkey2, gkind = key, key2, kind
		}
		if len(group) == 0 || group[len(group)-1] != id {
			group = append(group, id)
		}
	}
	flush()
	return closeRows(rows, "duplicate groups")
}

// pairTitles fills the titles of a page of pairs.
func (s *Store) pairTitles(ctx context.Context, m *Module, pairs []DuplicatePair) error {
	if len(pairs) == 0 {
		return nil
	}
	var ids []int64
	for _, p := range pairs {
		ids = append(ids, p.A, p.B)
	}
	rows, err := s.reads.query(ctx, "SELECT id, "+m.TitleField+" FROM "+m.Table+" WHERE id IN (SELECT value FROM json_each(?))", jsonIDs(ids))
	if err != nil {
		return fmt.Errorf("names of duplicates: %w", err)
	}
	titles := map[int64]string{}
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return fmt.Errorf("names of duplicates: %w", err)
		}
		titles[id] = t
	}
	if err := closeRows(rows, "names of duplicates"); err != nil {
		return err
	}
	for i := range pairs {
		pairs[i].TitleA, pairs[i].TitleB = titles[pairs[i].A], titles[pairs[i].B]
	}
	return nil
}

// jsonIDs is a JSON array of ids, for json_each: one statement text for
// any number of them.
func jsonIDs(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// refillNameFolds fills the folded names of existing records once, when a
// migration asked for it (the settings key name_fold_rebuild): the folding
// is Go code, which SQL cannot run.
func (s *Store) refillNameFolds(ctx context.Context) error {
	var flag int
	err := s.writer.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = 'name_fold_rebuild'").Scan(&flag)
	if err != nil || flag == 0 {
		return wrap(err, "check folded names")
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fill folded names: %w", err)
	}
	defer tx.Rollback()
	for _, m := range Modules() {
		if !m.HasDuplicateDetection() {
			continue
		}
		if err := fillNameFolds(ctx, tx, m); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = 'name_fold_rebuild'"); err != nil {
		return fmt.Errorf("fill folded names: %w", err)
	}
	return wrap(tx.Commit(), "fill folded names")
}

// fillNameFolds computes the folded title of every record of m, a
// thousand at a time.
func fillNameFolds(ctx context.Context, tx *sql.Tx, m *Module) error {
	upd, err := tx.PrepareContext(ctx, "UPDATE "+m.Table+" SET "+NameFoldField+" = ? WHERE id = ?")
	if err != nil {
		return fmt.Errorf("fill folded names of %s: %w", m.Key, err)
	}
	defer upd.Close()
	var last int64
	for {
		rows, err := tx.QueryContext(ctx, "SELECT id, "+m.TitleField+" FROM "+m.Table+" WHERE id > ? ORDER BY id LIMIT 1000", last)
		if err != nil {
			return fmt.Errorf("fill folded names of %s: %w", m.Key, err)
		}
		type row struct {
			id    int64
			title string
		}
		var batch []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.title); err != nil {
				rows.Close()
				return fmt.Errorf("fill folded names of %s: %w", m.Key, err)
			}
			batch = append(batch, r)
		}
		if err := closeRows(rows, m.Table); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			if _, err := upd.ExecContext(ctx, nameFold(r.title), r.id); err != nil {
				return fmt.Errorf("fill folded names of %s: %w", m.Key, err)
			}
		}
		last = batch[len(batch)-1].id
	}
}
