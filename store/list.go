package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// ListQuery is what a list asks for. Filters are by field name; their
// meaning comes from the field's kind.
type ListQuery struct {
	Search  string
	Filters map[string]string
	// CreatedFrom and CreatedTo bound the creation day (inclusive), as
	// YYYY-MM-DD or dd.MM.yyyy, in Istanbul time.
	CreatedFrom string
	CreatedTo   string
	Sort        string // a Sort field, or "created_at"; "" for the default
	Desc        bool
	Limit       int
	Cursor      string
	// Deleted lists the recycle bin instead of the live records.
	Deleted bool
	// Fields, when set, are the only fields read: a list page shows six
	// of thirty. The title, the discriminator and the sort column are
	// always read; the records' Values hold nothing else.
	Fields []string
	// Phones loads the phone lists too, which lists leave out by default
	// (the JSON API shows every field of every record).
	Phones bool
}

// Page is one page of a list. Next is the cursor of the following page,
// "" on the last one.
type Page struct {
	Records []*Record
	Next    string
}

// MaxLimit is the most records one page returns.
const MaxLimit = 200

// ErrBadQuery marks a list query that names an unknown sort, filter or
// cursor: the caller's mistake (400), not the server's.
var ErrBadQuery = errors.New("bad list query")

// cursor is where a page ends: the sort value and the id of its last row.
type cursor struct {
	V  string `json:"v"`
	ID int64  `json:"id"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, fmt.Errorf("%w: cursor", ErrBadQuery)
	}
	return c, nil
}

// SortKeyField is the hidden column a module may declare to sort its title
// the Turkish way: the hex of a collation key, whose byte order is the
// alphabet's (c < ç < d, ı < i).
const SortKeyField = "sort_key"

// sortColumn maps a sort name to its column.
func (m *Module) sortColumn(name string) (string, error) {
	switch name {
	case "":
		if m.DefaultSort == "" {
			return "created_at", nil
		}
		name = m.DefaultSort
	case "created_at", "updated_at":
		return name, nil
	}
	f, ok := m.fields[name]
	if !ok || !f.Sort {
		return "", fmt.Errorf("%w: cannot sort %s by %q", ErrBadQuery, m.Key, name)
	}
	if f.Name == m.TitleField {
		if _, ok := m.fields[SortKeyField]; ok {
			return SortKeyField, nil
		}
	}
	if _, ok := m.fields[f.Name+keySuffix]; ok {
		return f.Name + keySuffix, nil
	}
	return f.Name, nil
}

// keySuffix names the hidden companion column of a sortable text field
// that holds its Turkish collation key (province → province_key), filled
// by the engine on every write.
const keySuffix = "_key"

// Sortable says whether a list can sort by the field.
func (m *Module) Sortable(name string) bool {
	_, err := m.sortColumn(name)
	return err == nil && name != ""
}

// List returns one page of a module's records through the actor's scope,
// filtered and sorted, using keyset paging: the next page starts after the
// last row's (sort value, id), so a page deep in the list costs what the
// first does, and no page counts the whole table.
func (s *Store) List(ctx context.Context, a *Actor, m *Module, q ListQuery) (*Page, error) {
	m = s.mod(m)
	action := ActRead
	if q.Deleted {
		action = "admin" // the recycle bin is the administrators'
	}
	return s.list(ctx, a, m, q, action)
}

// list is List for an action: reading, or exporting, whose scope a role
// may set narrower than reading's.
func (s *Store) list(ctx context.Context, a *Actor, m *Module, q ListQuery, action string) (*Page, error) {
	if err := authorize(a, m.Key, action); err != nil {
		return nil, err
	}
	col, err := m.sortColumn(q.Sort)
	if q.Deleted && q.Sort == "deleted_at" {
		col, err = "deleted_at", nil
	}
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = 50
	}
	where := []string{"t.deleted_at IS NULL"}
	if q.Deleted {
		where[0] = "t.deleted_at IS NOT NULL"
	}
	for name := range q.Filters {
		if hiddenField(a, m, name) && q.Filters[name] != "" {
			return nil, fmt.Errorf("%w: %s is hidden from you", ErrBadQuery, name)
		}
	}
	if hiddenField(a, m, q.Sort) {
		return nil, fmt.Errorf("%w: %s is hidden from you", ErrBadQuery, q.Sort)
	}
	fw, args, err := m.filterSQL(q)
	if err != nil {
		return nil, err
	}
	where = append(where, fw...)
	// The scope goes into the same WHERE as the filters, so a page is
	// always full and the keyset cursor stays right.
	scope, scopeArgs, err := scopeCond(a, m, action)
	if err != nil && !q.Deleted {
		return nil, err
	}
	if scope != "" {
		where = append(where, scope)
		args = append(args, scopeArgs...)
	}
	if action == ActExport {
		// Exporting takes away only what the actor may also read.
		read, readArgs, err := scopeCond(a, m, ActRead)
		if err != nil {
			return nil, err
		}
		if read != "" {
			where = append(where, read)
			args = append(args, readArgs...)
		}
	}
	if q.Search != "" {
		match := a.restrictMatch(matchQuery(q.Search))
		if match == "" {
			return &Page{}, nil
		}
		lo, hi := searchRange(m)
		where = append(where, searchIn+")")
		args = append(args, lo, match, lo, hi)
	}
	op, dir := ">", "ASC"
	if q.Desc {
		op, dir = "<", "DESC"
	}
	if q.Cursor != "" {
		c, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		v, err := m.cursorValue(col, c.V)
		if err != nil {
			return nil, err
		}
		where = append(where, "(t."+col+", t.id) "+op+" (?, ?)")
		args = append(args, v, c.ID)
	}
	join := ""
	if !q.Deleted {
		join = m.parentJoin("t")
	}
	cols := m.listColumns(q.Fields, col)
	// A page that names its fields reads the record's times only when it
	// names them, sorts by them or lists the recycle bin: three columns
	// of a customer list's sixteen, read and parsed on every row.
	times := len(q.Fields) == 0 || q.Deleted || col == "created_at" || col == "updated_at" ||
		contains(q.Fields, "created_at") || contains(q.Fields, "updated_at")
	query := "SELECT " + selectColumnsOf(cols, times) + " FROM " + m.Table + " t" + join +
		" WHERE " + strings.Join(where, " AND ") +
		" ORDER BY t." + col + " " + dir + ", t.id " + dir + " LIMIT ?"
	args = append(args, limit+1)

	rows, err := s.reads.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", m.Key, err)
	}
	recs := make([]*Record, 0, limit+1)
	rs := m.newRowScannerOf(cols, times)
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list %s: %w", m.Key, err)
		}
		recs = append(recs, r)
	}
	if err := closeRows(rows, "list "+m.Key); err != nil {
		return nil, err
	}
	page := &Page{Records: recs}
	if len(recs) > limit {
		page.Records = recs[:limit]
		last := page.Records[limit-1]
		page.Next = encodeCursor(cursor{V: sortValue(last, col), ID: last.ID})
	}
	if err := s.loadSides(ctx, s.reads, m, page.Records, q.Phones, q.Fields...); err != nil {
		return nil, err
	}
	if err := s.loadRefs(ctx, m, page.Records); err != nil {
		return nil, err
	}
	redact(a, m, page.Records...)
	return page, nil
}

func sortValue(r *Record, col string) string {
	switch col {
	case "created_at":
		return timeText(r.CreatedAt)
	case "updated_at":
		return timeText(r.UpdatedAt)
	case "deleted_at":
		return timeText(r.DeletedAt)
	}
	if n, ok := r.Values.Int(col); ok {
		return strconv.FormatInt(n, 10)
	}
	return r.Values.Str(col)
}

// cursorValue is a cursor's sort value as the column holds it: an integer
// column's is bound as a number, so that the keyset comparison never
// rests on SQLite's type affinity, and a cursor that holds no number is
// the caller's mistake.
func (m *Module) cursorValue(col, v string) (any, error) {
	f, ok := m.fields[col]
	if !ok || !f.sortsAsInt() {
		return v, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: cursor", ErrBadQuery)
	}
	return n, nil
}

// filterSQL turns the query's filters into SQL conditions on the alias t.
// Only fields declared as filters may be filtered on.
func (m *Module) filterSQL(q ListQuery) ([]string, []any, error) {
	var where []string
	var args []any
	for _, name := range sortedKeys(q.Filters) {
		val := strings.TrimSpace(q.Filters[name])
		if val == "" {
			continue
		}
		f, ok := m.fields[name]
		if !ok || !f.Filter {
			return nil, nil, fmt.Errorf("%w: %s has no filter %q", ErrBadQuery, m.Key, name)
		}
		switch f.Kind {
		case Tags:
			where = append(where, "t.id IN (SELECT record_id FROM "+sideTable(m, f)+" WHERE tag = ?)")
			args = append(args, val)
		case RefList:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: filter %s needs a number", ErrBadQuery, name)
			}
			where = append(where, "t.id IN (SELECT record_id FROM "+sideTable(m, f)+" WHERE ref_id = ?)")
			args = append(args, n)
		case Int:
			if len(f.Bands) == 0 {
				n, err := strconv.ParseInt(val, 10, 64)
				if err != nil {
					return nil, nil, fmt.Errorf("%w: filter %s needs a number", ErrBadQuery, name)
				}
				where = append(where, "t."+f.Name+" = ?")
				args = append(args, n)
				continue
			}
			i := slices.IndexFunc(f.Bands, func(b Band) bool { return b.Name == val })
			if i < 0 {
				return nil, nil, fmt.Errorf("%w: %s is not a band of %s", ErrBadQuery, val, name)
			}
			// A band is a range of the field's own index. Sorted by another
			// column, SQLite would read the whole band through that index and
			// sort it (27 ms for the low band of 100,000 customers); the unary
			// + keeps the index out, so the list walks its order's index and
			// keeps the band's rows as they come (0.1 ms).
			col := "t." + f.Name
			if sortCol, _ := m.sortColumn(q.Sort); sortCol != f.Name {
				col = "+" + col
			}
			where = append(where, col+" >= ? AND "+col+" < ?")
			args = append(args, f.Bands[i].Lo, f.Bands[i].Hi)
		case Ref:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: filter %s needs a number", ErrBadQuery, name)
			}
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, n)
		case Bool:
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, val == "1" || val == "true")
		case Choice:
			if !contains(f.Choices, val) {
				return nil, nil, fmt.Errorf("%w: %s is not a choice of %s", ErrBadQuery, val, name)
			}
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, val)
		case MultiChoice:
			if !contains(f.Choices, val) {
				return nil, nil, fmt.Errorf("%w: %s is not a choice of %s", ErrBadQuery, val, name)
			}
			// Values never hold the separator, so ",v," framed by commas
			// is found only as a whole value.
			where = append(where, "instr('"+multiSep+"' || t."+f.Name+" || '"+multiSep+"', ?) > 0")
			args = append(args, multiSep+val+multiSep)
		case Money:
			n, ok := tr.ParseMoney(val)
			if !ok {
				return nil, nil, fmt.Errorf("%w: filter %s needs an amount", ErrBadQuery, name)
			}
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, n)
		case DateTime:
			// A day, or a range of days "from..to" with either end open,
			// in Istanbul: the moments from the first day's midnight to
			// the last day's end.
			from, to, isRange := strings.Cut(val, "..")
			if !isRange {
				to = from
			}
			for _, b := range []struct {
				day, op string
				next    bool
			}{{from, ">=", false}, {to, "<", true}} {
				if strings.TrimSpace(b.day) == "" {
					continue
				}
				d, ok := tr.ParseDate(strings.TrimSpace(b.day))
				if !ok {
					return nil, nil, fmt.Errorf("%w: date %q", ErrBadQuery, b.day)
				}
				if b.next {
					d = d.AddDate(0, 0, 1)
				}
				where = append(where, "t."+f.Name+" "+b.op+" ?")
				args = append(args, d.UTC().Format(tr.DateTimeLayout))
			}
			where = append(where, "t."+f.Name+" <> ''")
		case Date:
			// A day, or a range "from..to" with either end open.
			from, to, isRange := strings.Cut(val, "..")
			if !isRange {
				to = from
			}
			for _, b := range []struct{ day, op string }{{from, ">="}, {to, "<="}} {
				if strings.TrimSpace(b.day) == "" {
					continue
				}
				d, ok := tr.ParseDate(strings.TrimSpace(b.day))
				if !ok {
					return nil, nil, fmt.Errorf("%w: date %q", ErrBadQuery, b.day)
				}
				where = append(where, "t."+f.Name+" "+b.op+" ?")
				args = append(args, d.Format(time.DateOnly))
			}
			where = append(where, "t."+f.Name+" <> ''")
		case Province:
			p, ok := tr.ProvinceByName(val)
			if !ok {
				return nil, nil, fmt.Errorf("%w: unknown province %q", ErrBadQuery, val)
			}
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, p.Name)
		default:
			where = append(where, "t."+f.Name+" = ?")
			args = append(args, val)
		}
	}
	for _, bound := range []struct {
		day  string
		op   string
		next bool
	}{{q.CreatedFrom, ">=", false}, {q.CreatedTo, "<", true}} {
		if strings.TrimSpace(bound.day) == "" {
			continue
		}
		d, ok := tr.ParseDate(bound.day)
		if !ok {
			return nil, nil, fmt.Errorf("%w: date %q", ErrBadQuery, bound.day)
		}
		if bound.next {
			d = d.AddDate(0, 0, 1)
		}
		where = append(where, "t.created_at "+bound.op+" ?")
		args = append(args, timeText(d.In(time.UTC)))
	}
	return where, args, nil
}

// listColumns are the columns a list reads: all of them, or the asked-for
// fields plus what every list needs.
func (m *Module) listColumns(fields []string, sortCol string) []*Field {
	want := map[string]bool{m.TitleField: true, m.Discriminator: true, sortCol: true}
	for _, f := range fields {
		want[f] = true
		if mf, ok := m.fields[f]; ok && mf.Currency != "" {
			want[mf.Currency] = true // an amount is shown in its currency
		}
	}
	cols := make([]*Field, 0, len(want)+len(m.Derived))
	for _, f := range m.columns() {
		if len(fields) == 0 || want[f.Name] {
			cols = append(cols, f)
		}
	}
	for i := range m.Derived {
		cols = append(cols, &m.Derived[i])
	}
	return cols
}
