package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"kobicrm/store/tr"
)

// The search index is one FTS5 table for every module. Its rowid packs the
// module's SearchID into the high bits and the record id into the low 40
// (rowid = SearchID<<40 | id), so an entry is found and replaced by rowid
// without a lookup table, and each module's entries are one rowid range
// that FTS5 seeks to instead of walking every module's matches. It is
// contentless: it stores only the index, and the body is our own folded
// text, so "ISPARTA", "ısparta" and "Isparta" meet, as do "cicekci" and
// "Çiçekçi" (FTS5's own folding never maps ı to i).
const (
	searchModules = 64 // SearchIDs are 1..63
	searchIDBits  = 40 // record ids up to a trillion
)

func searchRowID(m *Module, id int64) int64 { return int64(m.SearchID)<<searchIDBits | id }

// searchRange is the first and last rowid of a module's entries.
func searchRange(m *Module) (lo, hi int64) {
	lo = int64(m.SearchID) << searchIDBits
	return lo, lo + 1<<searchIDBits - 1
}

// searchIn is the SQL condition "t.id is among the module's matches".
const searchIn = "t.id IN (SELECT rowid - ? FROM search_fts WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?"

// searchBody is the folded text a record is found by: the public part,
// and the part made of protected fields (a TCKN), which the index keeps in
// its own column so that whoever may not see them cannot search by them.
func searchBody(m *Module, v Values) (body, private string) {
	var parts, secret []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	add(tr.Fold(v.Str(m.TitleField)))
	for i := range m.Fields {
		f := &m.Fields[i]
		if !f.Search {
			continue
		}
		if f.Sensitive {
			if s, ok := v[f.Name].(string); ok && s != "" {
				secret = append(secret, tr.Fold(s))
			}
			continue
		}
		switch f.Kind {
		case Phone:
			add(phoneTokens(v.Str(f.Name)))
		case PhoneList:
			for _, p := range v.Phones(f.Name) {
				add(phoneTokens(p.Number))
			}
		case Plate:
			p := tr.Fold(v.Str(f.Name))
			add(p + " " + strings.ReplaceAll(p, " ", ""))
		case Tags:
			for _, t := range v.Tags(f.Name) {
				add(tr.Fold(t))
			}
		case Choice, MultiChoice:
			if f.Custom { // found by the labels people read, not the stored values
				for _, l := range f.searchLabels(v.Str(f.Name)) {
					add(l)
				}
			}
		case Int, Money:
			if n, ok := v.Int(f.Name); ok {
				add(strconv.FormatInt(n, 10))
			}
		default:
			if s, ok := v[f.Name].(string); ok {
				add(tr.Fold(s))
			}
		}
	}
	return strings.Join(parts, " "), strings.Join(secret, " ")
}

// restrictMatch keeps a search away from the protected column for an
// actor who may not see some protected field.
func (a *Actor) restrictMatch(match string) string {
	if match == "" || !a.hidesSearchable() {
		return match
	}
	return "body : (" + match + ")"
}

// phoneTokens indexes a number by its ten national digits (5321234567), so
// that any way of typing it, reduced to digits without 0 or 90, matches it
// from the start; the 444 service numbers keep their seven digits.
func phoneTokens(e164 string) string {
	return strings.TrimPrefix(e164, "+90")
}

func indexRecord(ctx context.Context, tx *sql.Tx, m *Module, id int64, v Values) error {
	if m.SearchID == 0 {
		return nil
	}
	rowid := searchRowID(m, id)
	if _, err := tx.ExecContext(ctx, "DELETE FROM search_fts WHERE rowid = ?", rowid); err != nil {
		return fmt.Errorf("index %s %d: %w", m.Key, id, err)
	}
	body, private := searchBody(m, v)
	if _, err := tx.ExecContext(ctx, "INSERT INTO search_fts (rowid, body, private) VALUES (?, ?, ?)", rowid, body, private); err != nil {
		return fmt.Errorf("index %s %d: %w", m.Key, id, err)
	}
	return nil
}

func unindexRecord(ctx context.Context, tx *sql.Tx, m *Module, id int64) error {
	if m.SearchID == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM search_fts WHERE rowid = ?", searchRowID(m, id)); err != nil {
		return fmt.Errorf("unindex %s %d: %w", m.Key, id, err)
	}
	return nil
}

// matchQuery turns what a person typed into an FTS5 query over the folded
// index: every word must start a word of the record (prefix search), and a
// phone number typed in any format is reduced to its national digits.
// Every term is quoted, so FTS5 syntax in the input is never interpreted.
// An empty result means there is nothing worth searching for.
func matchQuery(q string) string {
	q = strings.TrimSpace(q)
	if digits, ok := phoneDigits(q); ok {
		terms := []string{`"` + digits + `"*`}
		national := strings.TrimPrefix(digits, "90")
		if len(digits) <= 10 {
			national = digits
		}
		national = strings.TrimPrefix(national, "0")
		if national != digits && len(national) >= 3 {
			terms = append(terms, `"`+national+`"*`)
		}
		return strings.Join(terms, " OR ")
	}
	words := strings.FieldsFunc(tr.Fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	var terms []string
	for _, w := range words {
		terms = append(terms, `"`+w+`"*`)
	}
	if len(terms) == 0 || (len(terms) == 1 && len([]rune(words[0])) < 2) {
		return ""
	}
	return strings.Join(terms, " AND ")
}

// phoneDigits accepts input made only of digits and the punctuation people
// put in numbers, with at least three digits, and returns the digits.
func phoneDigits(q string) (string, bool) {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +()-./", r):
		default:
			return "", false
		}
	}
	return b.String(), b.Len() >= 3
}

// SearchGroup is the hits of one module.
type SearchGroup struct {
	Module *Module
	Hits   []*Record
	More   bool // there were more hits than shown
}

// Search looks for q across every module, through the actor's scope, and
// returns the hits grouped by module in declaration order, each group in
// Turkish name order.
func (s *Store) Search(ctx context.Context, a *Actor, q string, perModule int) ([]SearchGroup, error) {
	match := a.restrictMatch(matchQuery(q))
	if match == "" {
		return nil, nil
	}
	// Someone who sees only part of a module needs every hit of it, not
	// the first few, or their own records could all be past the cut.
	limit := map[int]int{}
	for _, m := range s.Modules() {
		if m.NoGlobalSearch {
			continue
		}
		limit[m.SearchID] = perModule*4 + 1
		if m.SearchID != 0 && a.Scope(m, ActRead) != ScopeAll && a.Scope(m, ActRead) != ScopeNone && m.scoped() {
			limit[m.SearchID] = maxSearchHits
		}
	}
	hits, err := s.searchHits(ctx, match, limit)
	if err != nil {
		return nil, err
	}
	var groups []SearchGroup
	for _, m := range s.Modules() {
		if m.SearchID == 0 || m.NoGlobalSearch || authorize(a, m.Key, "read") != nil || len(hits[m.SearchID]) == 0 {
			continue
		}
		recs, more, err := s.searchModule(ctx, a, m, hits[m.SearchID], perModule)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			continue
		}
		groups = append(groups, SearchGroup{Module: m, Hits: recs, More: more})
	}
	return groups, nil
}

// maxSearchHits bounds one search's pass over the index; past it (a
// two-letter prefix matching half the firm) the lists do the rest.
const maxSearchHits = 2000

// searchHits runs the FTS query once for every module and returns up to
// perModule record ids of each module by SearchID. One pass matters: a
// prefix query merges the doclists of every term with that prefix, which
// was most of a search's time when each module ran its own. The hits come
// back as one comma-separated text rather than a row each: for a common
// surname's thousand hits, stepping the rows through the driver one by
// one cost more than SQLite's finding them.
func (s *Store) searchHits(ctx context.Context, match string, perModule map[int]int) (map[int][]int64, error) {
	var list string
	err := s.reads.queryRow(ctx, "SELECT coalesce(group_concat(rowid), '') FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT ?)",
		match, maxSearchHits).Scan(&list)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := map[int][]int64{}
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		rowid, err := strconv.ParseInt(item, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("search: hit %q: %w", item, err)
		}
		sid := int(rowid >> searchIDBits)
		if len(hits[sid]) < perModule[sid] {
			hits[sid] = append(hits[sid], rowid&(1<<searchIDBits-1))
		}
	}
	return hits, nil
}

// searchModule returns up to limit live records of m among the ids the
// index found. The hits are shown in Turkish name order, so no relevance
// rank is computed: ranking every match with bm25 cost about 2 ms per
// module for a common surname. A search with more hits than shown links to
// the module's list.
func (s *Store) searchModule(ctx context.Context, a *Actor, m *Module, ids []int64, limit int) ([]*Record, bool, error) {
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, false, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, false, err
	}
	// The ids go in as one JSON array, so the statement's text is the same
	// for every search and stays prepared.
	// The hits drive the join (CROSS JOIN keeps them the outer loop), so
	// its cost follows their number: left to itself, the planner walks a
	// user's thousands of records in the owner index to meet a few ids.
	q := "SELECT " + m.selectList("t") + " FROM json_each(?) hit CROSS JOIN " + m.Table + " t ON t.id = hit.value" + m.parentJoin("t") +
		" WHERE t.deleted_at IS NULL" + scope +
		" ORDER BY t." + m.titleOrder() + " LIMIT ?"
	qargs := append(append([]any{string(list)}, args...), limit+1)
	if scope != "" {
		// Of every hit, the first few within the scope, as the whole
		// module's first few hits for someone who sees it all: the
		// scope stops the walk as soon as it has them.
		q = "SELECT " + m.selectList("t") + " FROM (SELECT t.id FROM json_each(?) hit CROSS JOIN " + m.Table + " t ON t.id = hit.value" + m.parentJoin("t") +
			" WHERE t.deleted_at IS NULL" + scope + " LIMIT ?) pick CROSS JOIN " + m.Table + " t ON t.id = pick.id" +
			" ORDER BY t." + m.titleOrder() + " LIMIT ?"
		qargs = append(append(append([]any{string(list)}, args...), limit+1), limit+1)
	}
	rows, err := s.reads.query(ctx, q, qargs...)
	if err != nil {
		return nil, false, fmt.Errorf("search %s: %w", m.Key, err)
	}
	var recs []*Record
	rs := m.newRowScanner(m.columns())
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("search %s: %w", m.Key, err)
		}
		recs = append(recs, r)
	}
	if err := closeRows(rows, "search "+m.Key); err != nil {
		return nil, false, err
	}
	more := len(recs) > limit
	if more {
		recs = recs[:limit]
	}
	if err := s.loadRefs(ctx, m, recs); err != nil {
		return nil, false, err
	}
	redact(a, m, recs...)
	return recs, more, nil
}

// parentJoin leaves out records whose parent (an asset's customer) is in
// the recycle bin.
func (m *Module) parentJoin(alias string) string {
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind == Ref && f.Parent {
			p, _ := m.related(f.Ref)
			return " JOIN " + p.Table + " parent ON parent.id = " + alias + "." + f.Name + " AND parent.deleted_at IS NULL"
		}
	}
	return ""
}

// Reindex rebuilds the search entries of every record of m: after a bulk
// load that wrote rows without them, which is many times faster than
// indexing row by row, and after a searchable custom field is added or
// removed. It works in batches of its own transactions, to keep memory
// flat and to let the office's writes in between: rebuilding 100,000
// customers takes some twenty seconds, too long to hold every writer.
// A record written meanwhile is indexed by its own write, so no batch
// leaves a stale entry.
func (s *Store) Reindex(ctx context.Context, a *Actor, m *Module) error {
	m = s.mod(m)
	if err := authorize(a, m.Key, "admin"); err != nil {
		return err
	}
	if m.SearchID == 0 {
		return nil
	}
	var last int64
	for {
		next, err := s.reindexBatch(ctx, m, last)
		if err != nil {
			return fmt.Errorf("reindex %s: %w", m.Key, err)
		}
		if next == last {
			return nil
		}
		last = next
	}
}

// reindexBatch indexes the records of m after id last, a thousand at
// most, in one transaction, and returns the last id it indexed (last when
// there were none).
func (s *Store) reindexBatch(ctx context.Context, m *Module, last int64) (int64, error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return last, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE t.id > ? ORDER BY t.id LIMIT 1000", last)
	if err != nil {
		return last, err
	}
	var recs []*Record
	rs := m.newRowScanner(m.columns())
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return last, err
		}
		recs = append(recs, r)
	}
	if err := closeRows(rows, m.Table); err != nil {
		return last, err
	}
	if len(recs) == 0 {
		return last, nil
	}
	if err := s.loadSides(ctx, tx, m, recs, true); err != nil {
		return last, err
	}
	for _, r := range recs {
		if err := indexRecord(ctx, tx, m, r.ID, r.Values); err != nil {
			return last, err
		}
	}
	return recs[len(recs)-1].ID, tx.Commit()
}

// rebuildSearch refills the search index when a migration asked for it
// (the settings key search_rebuild), as after a change of its columns.
func (s *Store) rebuildSearch(ctx context.Context) error {
	var flag int
	err := s.writer.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = 'search_rebuild'").Scan(&flag)
	if err != nil || flag == 0 {
		return wrap(err, "check search index")
	}
	for _, m := range s.Modules() {
		if err := s.Reindex(ctx, SystemActor(), m); err != nil {
			return err
		}
	}
	if _, err = s.writer.ExecContext(ctx, "DELETE FROM settings WHERE key = 'search_rebuild'"); err != nil {
		return wrap(err, "rebuild search index")
	}
	return s.OptimizeSearch(ctx)
}

// bulkRows is how many rows an import must bring before the search index
// is merged after it (OptimizeSearch).
const bulkRows = 10000

// OptimizeSearch merges the search index into one b-tree. Written a row
// at a time, FTS5 keeps it as many segments merged now and then, and a
// prefix query reads every one: after a bulk load (a large import, the
// index rebuilt, the demo set) merging them made the search for a common
// surname's prefix a quarter faster. It is one write transaction of a few
// seconds on a hundred thousand customers with their history.
func (s *Store) OptimizeSearch(ctx context.Context) error {
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO search_fts (search_fts) VALUES ('optimize')")
		return wrap(err, "optimize search index")
	})
}

// titleOrder is the column that puts records in Turkish name order.
func (m *Module) titleOrder() string {
	if _, ok := m.fields[SortKeyField]; ok {
		return SortKeyField
	}
	return m.TitleField
}
