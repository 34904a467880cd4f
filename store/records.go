package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Record is one row of a declared module.
type Record struct {
	Module    *Module
	ID        int64
	Values    Values
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt time.Time // zero unless in the recycle bin
	// Refs holds the display names of referenced records and users, by
	// field name, for lists and pages.
	Refs map[string]string
}

// Title is the record's display name.
func (r *Record) Title() string { return r.Values.Str(r.Module.TitleField) }

// Change is one field's change in an update, for the audit trail.
type Change struct {
	Field string
	Old   any
	New   any
}

// columns are the module's own columns, in declaration order; side-table
// kinds have none. The list is made once, when the module is registered.
func (m *Module) columns() []*Field { return m.cols }

// selectList is the module's columns for a SELECT, each prefixed with
// the table alias "t" that every query of the engine uses.
func (m *Module) selectList(alias string) string {
	if alias != "t" {
		panic("store: queries alias the module's table as t")
	}
	return m.selectT
}

// selectColumns is selectList for some of the columns.
func selectColumns(cols []*Field) string { return selectColumnsOf(cols, true) }

// selectColumnsOf is selectColumns with the record's times or without
// them (a list page that shows none: rowScanner.times).
func selectColumnsOf(cols []*Field, times bool) string {
	var b strings.Builder
	b.WriteString("t.id")
	for _, f := range cols {
		b.WriteString(", t." + f.Name)
	}
	if times {
		b.WriteString(", t.created_at, t.updated_at, t.deleted_at")
	}
	return b.String()
}

// prepareColumns fills the column caches at registration.
func (m *Module) prepareColumns() {
	m.cols = nil
	var b strings.Builder
	b.WriteString("t.id")
	for i := range m.Fields {
		if !m.Fields[i].Kind.side() {
			m.cols = append(m.cols, &m.Fields[i])
			b.WriteString(", t." + m.Fields[i].Name)
		}
	}
	b.WriteString(", t.created_at, t.updated_at, t.deleted_at")
	m.selectT = b.String()
	m.insertT = m.makeInsertQuery()
}

type scanner interface{ Scan(...any) error }

func (m *Module) scan(row scanner) (*Record, error) {
	return m.scanColumns(row, m.columns())
}

// scanColumns reads a row selected with selectColumns(cols).
func (m *Module) scanColumns(row scanner, cols []*Field) (*Record, error) {
	return m.newRowScanner(cols).scan(row)
}

// rowScanner reads rows selected with selectColumns(cols) into records,
// keeping its column holders from row to row: a list page scans fifty
// rows of thirty columns, and their holders were most of what it
// allocated.
type rowScanner struct {
	m     *Module
	cols  []*Field
	dest  []any
	strs  []string
	nums  []sql.NullInt64
	bools []bool
	id    int64
	// times says the rows carry the record's times (selectColumnsOf).
	times   bool
	created string
	updated string
	deleted sql.NullString
}

func (m *Module) newRowScanner(cols []*Field) *rowScanner { return m.newRowScannerOf(cols, true) }

func (m *Module) newRowScannerOf(cols []*Field, times bool) *rowScanner {
	rs := &rowScanner{m: m, cols: cols, times: times, strs: make([]string, len(cols)), nums: make([]sql.NullInt64, len(cols)), bools: make([]bool, len(cols))}
	rs.dest = make([]any, 0, len(cols)+4)
	rs.dest = append(rs.dest, &rs.id)
	for i, f := range cols {
		switch {
		case f.Kind.numeric():
			rs.dest = append(rs.dest, &rs.nums[i])
		case f.Kind == Bool:
			rs.dest = append(rs.dest, &rs.bools[i])
		default:
			rs.dest = append(rs.dest, &rs.strs[i])
		}
	}
	if times {
		rs.dest = append(rs.dest, &rs.created, &rs.updated, &rs.deleted)
	}
	return rs
}

// scan reads one row into a new record.
func (rs *rowScanner) scan(row scanner) (*Record, error) {
	if err := row.Scan(rs.dest...); err != nil {
		return nil, err
	}
	r := &Record{Module: rs.m, ID: rs.id, Values: make(Values, len(rs.cols)+2)}
	for i, f := range rs.cols {
		switch {
		case f.Kind.numeric():
			if rs.nums[i].Valid {
				r.Values[f.Name] = rs.nums[i].Int64
			} else {
				r.Values[f.Name] = nil
			}
		case f.Kind == Bool:
			r.Values[f.Name] = rs.bools[i]
		default:
			r.Values[f.Name] = rs.strs[i]
		}
	}
	if !rs.times {
		return r, nil
	}
	var err error
	if r.CreatedAt, err = parseTime(rs.created); err != nil {
		return nil, err
	}
	if r.UpdatedAt, err = parseTime(rs.updated); err != nil {
		return nil, err
	}
	if rs.deleted.Valid {
		if r.DeletedAt, err = parseTime(rs.deleted.String); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// dbValue is how a value goes into its column.
func dbValue(f *Field, v any) any {
	if v == nil {
		if f.Kind.numeric() {
			return nil
		}
		return emptyValue(f.Kind)
	}
	return v
}

// Create validates the values and inserts a record, its side tables and
// its search entry in one transaction. The owner defaults to the actor.
func (s *Store) Create(ctx context.Context, a *Actor, m *Module, in Values) (*Record, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "create"); err != nil {
		return nil, err
	}
	vals := m.NewValues()
	for k, v := range in {
		vals[k] = v
	}
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		rec, err = s.insert(ctx, tx, a, m, vals)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// insert checks and writes a new record inside tx, with its search entry.
// The owner defaults to the actor, and may be someone else only within the
// actor's create scope; fields protected from the actor stay empty.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, vals Values) (*Record, error) {
	protect(a, m, vals, nil)
	if m.OnCreate != nil {
		m.OnCreate(a, vals)
	}
	if m.owned() && vals["owner_id"] == nil && a.UserID > 0 {
		vals["owner_id"] = a.UserID
	}
	if owner, ok := vals.Int("owner_id"); ok && m.owned() {
		errs := &ValidationError{}
		if err := checkOwner(ctx, tx, a, m, ActCreate, owner, errs); err != nil {
			return nil, err
		}
		if err := errs.Err(); err != nil {
			return nil, err
		}
	}
	rec, err := s.insertRow(ctx, tx, a, m, vals, time.Time{})
	if err != nil {
		return nil, err
	}
	if err := indexRecord(ctx, tx, m, rec.ID, vals); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, a, ActionCreate, m, rec.ID, creationChanges(m, vals)); err != nil {
		return nil, err
	}
	if err := notifyAssigned(ctx, tx, a, m, rec.ID, nil, vals); err != nil {
		return nil, err
	}
	if m.AfterSave != nil {
		if err := m.AfterSave(ctx, s, tx, a, rec.ID, nil, vals); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// insertQuery is the module's INSERT of a new record: its columns, the
// columns of InsertDefaults in name order, and the two times, in the order
// insertRow binds them. It is made once, with the columns.
func (m *Module) insertQuery() string { return m.insertT }

func (m *Module) makeInsertQuery() string {
	cols := m.columns()
	names := make([]string, 0, len(cols)+len(m.InsertDefaults)+2)
	for _, f := range cols {
		names = append(names, f.Name)
	}
	names = append(names, sortedKeys(m.InsertDefaults)...)
	names = append(names, "created_at", "updated_at")
	return "INSERT INTO " + m.Table + " (" + strings.Join(names, ", ") + ") VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
}

// insertRow checks and writes a new record and its side tables inside tx,
// but not its search entry: CreateMany indexes a whole batch after its
// rows. A non-zero created is the record's creation time instead of now.
func (s *Store) insertRow(ctx context.Context, tx querier, a *Actor, m *Module, vals Values, created time.Time) (*Record, error) {
	errs := &ValidationError{}
	m.check(vals, errs)
	return s.insertChecked(ctx, tx, a, m, vals, created, errs)
}

// insertChecked is insertRow for values the module's checks have seen
// already, errs holding what they found: it adds the checks that need the
// database and writes.
func (s *Store) insertChecked(ctx context.Context, tx querier, a *Actor, m *Module, vals Values, created time.Time, errs *ValidationError) (*Record, error) {
	if err := checkRefs(ctx, tx, a, m, vals, nil, errs); err != nil {
		return nil, err
	}
	pf, _ := m.scopeParent()
	_, hadParent := vals.Int(parentName(pf))
	if m.Verify != nil && len(errs.Fields) == 0 {
		if err := m.Verify(ctx, tx, 0, vals, errs); err != nil {
			return nil, err
		}
	}
	// A parent reference the module's Verify fills (a payment's customer,
	// from its invoice) is held to the actor's create scope like one
	// given.
	if parent, ok := vals.Int(parentName(pf)); ok && !hadParent && len(errs.Fields) == 0 {
		if err := checkParentScope(ctx, tx, a, m, pf, parent, true, errs); err != nil {
			return nil, err
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	cols := m.columns()
	args := make([]any, 0, len(cols)+len(m.InsertDefaults)+2)
	for _, f := range cols {
		args = append(args, dbValue(f, vals[f.Name]))
	}
	for _, col := range sortedKeys(m.InsertDefaults) {
		args = append(args, m.InsertDefaults[col])
	}
	t := created
	if t.IsZero() {
		t = now()
	}
	ts := timeText(t)
	args = append(args, ts, ts)
	res, err := tx.ExecContext(ctx, m.insertQuery(), args...)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", m.Key, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", m.Key, err)
	}
	if err := writeSides(ctx, tx, m, id, vals, nil); err != nil {
		return nil, err
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &Record{Module: m, ID: id, Values: vals, CreatedAt: t, UpdatedAt: t}, nil
}

// checkRefs makes sure every Ref names a live record (or an active user).
//
// A reference the actor sets or changes must also name a record they may
// see: otherwise ids could be probed, and a record hung on someone else's
// customer. An unchanged reference (old holds the stored values) is left
// be, so a record linked before a role changed can still be edited.
func checkRefs(ctx context.Context, q querier, a *Actor, m *Module, vals, old Values, errs *ValidationError) error {
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind == RefList {
			if err := checkRefList(ctx, q, m, f, vals, errs); err != nil {
				return err
			}
			continue
		}
		id, ok := vals.Int(f.Name)
		if f.Kind != Ref || !ok {
			continue
		}
		var query string
		args := []any{id}
		if f.Ref == "users" {
			query = "SELECT count(*) FROM users WHERE id = ?"
			if before, _ := old.Int(f.Name); before != id {
				query += " AND active = 1" // a new owner must be active; a former one may stay
			}
		} else {
			target, ok := m.related(f.Ref)
			if !ok {
				return fmt.Errorf("field %s.%s: unknown module %s", m.Key, f.Name, f.Ref)
			}
			query = "SELECT count(*) FROM " + target.Table + " t WHERE t.id = ? AND t.deleted_at IS NULL"
			if before, _ := old.Int(f.Name); !target.AdminOnly && before != id {
				scope, sargs, err := scopeCond(a, target, ActRead)
				if err != nil {
					errs.Add(f.Name, "error.ref_missing")
					continue
				}
				if scope != "" {
					query += " AND " + scope
					args = append(args, sargs...)
				}
			}
		}
		var n int
		if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			return fmt.Errorf("check %s.%s: %w", m.Key, f.Name, err)
		}
		if n == 0 {
			errs.Add(f.Name, "error.ref_missing")
			continue
		}
		if before, _ := old.Int(f.Name); before != id {
			if err := checkParentScope(ctx, q, a, m, f, id, old == nil, errs); err != nil {
				return err
			}
		}
	}
	return nil
}

// parentName is the name of a scope parent field, "" for none.
func parentName(f *Field) string {
	if f == nil {
		return ""
	}
	return f.Name
}

// checkParentScope refuses to hang a record of a module scoped by its
// parent (a consent, by its customer) on a parent outside the actor's
// create scope (or edit scope, when an update moves it): such a record
// would at once be out of the actor's reach.
func checkParentScope(ctx context.Context, q querier, a *Actor, m *Module, f *Field, parentID int64, creating bool, errs *ValidationError) error {
	pf, parent := m.scopeParent()
	if pf != f {
		return nil
	}
	action := ActEdit
	if creating {
		action = ActCreate
	}
	sc := a.Scope(m, action)
	if sc == ScopeAll || sc == ScopeNone {
		return nil // none is refused before any check
	}
	cond, args := ownerCond(sc, "t.owner_id", a.UserID)
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+parent.Table+" t WHERE t.id = ? AND "+cond,
		append([]any{parentID}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("check scope of %s.%s: %w", m.Key, f.Name, err)
	}
	if n == 0 {
		errs.Add(f.Name, "error.parent_scope")
	}
	return nil
}

// checkRefList makes sure every id of a reference list names a live record.
func checkRefList(ctx context.Context, q querier, m *Module, f *Field, vals Values, errs *ValidationError) error {
	ids, _ := vals[f.Name].([]int64)
	if len(ids) == 0 {
		return nil
	}
	target, ok := m.related(f.Ref)
	if !ok {
		return fmt.Errorf("field %s.%s: unknown module %s", m.Key, f.Name, f.Ref)
	}
	list, _ := json.Marshal(ids)
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+target.Table+
		" WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL", string(list)).Scan(&n); err != nil {
		return fmt.Errorf("check %s.%s: %w", m.Key, f.Name, err)
	}
	if n != len(ids) {
		errs.Add(f.Name, "error.ref_missing")
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func sideTable(m *Module, f *Field) string { return m.Table + "_" + f.Name }

// writeSides replaces the side-table rows of tags and phone lists that
// changed (old nil: a new record).
func writeSides(ctx context.Context, tx querier, m *Module, id int64, vals, old Values) error {
	for i := range m.Fields {
		f := &m.Fields[i]
		if !f.Kind.side() {
			continue
		}
		if old != nil && reflect.DeepEqual(normalSide(old[f.Name]), normalSide(vals[f.Name])) {
			continue
		}
		table := sideTable(m, f)
		if old != nil {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE record_id = ?", id); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
		}
		switch f.Kind {
		case Tags:
			for _, t := range vals.Tags(f.Name) {
				if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (record_id, tag) VALUES (?, ?)", id, t); err != nil {
					return fmt.Errorf("write %s: %w", table, err)
				}
			}
		case PhoneList:
			for pos, p := range vals.Phones(f.Name) {
				if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (record_id, position, label, number) VALUES (?, ?, ?, ?)",
					id, pos, p.Label, p.Number); err != nil {
					return fmt.Errorf("write %s: %w", table, err)
				}
			}
		case RefList:
			ids, _ := vals[f.Name].([]int64)
			for _, ref := range ids {
				if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (record_id, ref_id) VALUES (?, ?)", id, ref); err != nil {
					return fmt.Errorf("write %s: %w", table, err)
				}
			}
		case Grants:
			p, _ := vals[f.Name].(Permissions)
			if err := writePermissions(ctx, tx, table, id, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// normalSide makes nil and empty lists compare equal.
func normalSide(v any) any {
	switch x := v.(type) {
	case []string:
		if len(x) == 0 {
			return nil
		}
	case []PhoneEntry:
		if len(x) == 0 {
			return nil
		}
	case []int64:
		if len(x) == 0 {
			return nil
		}
	case Permissions:
		if len(x.Grants) == 0 && len(x.Fields) == 0 {
			return nil
		}
	}
	return v
}

// Get returns a live record the actor may see, with its side tables and
// the names of what it refers to.
func (s *Store) Get(ctx context.Context, a *Actor, m *Module, id int64) (*Record, error) {
	m = s.mod(m)
	return s.get(ctx, a, m, id, false)
}

// GetDeleted returns a record from the recycle bin, for an administrator.
func (s *Store) GetDeleted(ctx context.Context, a *Actor, m *Module, id int64) (*Record, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "admin"); err != nil {
		return nil, err
	}
	return s.get(ctx, a, m, id, true)
}

func (s *Store) get(ctx context.Context, a *Actor, m *Module, id int64, deleted bool) (*Record, error) {
	if err := authorize(a, m.Key, "read"); err != nil {
		return nil, err
	}
	cond := "t.deleted_at IS NULL"
	if deleted {
		cond = "t.deleted_at IS NOT NULL"
	}
	// A record outside the actor's scope is not found: the answer must not
	// tell that it exists.
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	if scope != "" {
		cond += " AND " + scope
	}
	rec, err := m.scan(s.reads.queryRow(ctx,
		"SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE t.id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get %s %d: %w", m.Key, id, err)
	}
	recs := []*Record{rec}
	if err := s.loadSides(ctx, s.reads, m, recs, true); err != nil {
		return nil, err
	}
	if err := s.loadRefs(ctx, m, recs); err != nil {
		return nil, err
	}
	if !deleted {
		noteInScope(ctx, a, m, id)
	}
	redact(a, m, rec)
	if err := s.logRead(ctx, a, m, id); err != nil {
		return nil, err
	}
	return rec, nil
}

// loadSides fills tags (and, when phones is set, phone lists) for records;
// only fields if any are named.
func (s *Store) loadSides(ctx context.Context, q querier, m *Module, recs []*Record, phones bool, only ...string) error {
	if len(recs) == 0 {
		return nil
	}
	byID := make(map[int64]*Record, len(recs))
	ids := make([]any, len(recs))
	for i, r := range recs {
		byID[r.ID] = r
		ids[i] = r.ID
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	for i := range m.Fields {
		f := &m.Fields[i]
		if len(only) > 0 && !contains(only, f.Name) {
			continue
		}
		table := sideTable(m, f)
		switch {
		case f.Kind == Tags:
			// Each record's tags in the order given; by record first, so
			// SQLite reads them in its index order and sorts nothing.
			rows, err := q.QueryContext(ctx, "SELECT record_id, tag FROM "+table+" WHERE record_id IN "+in+" ORDER BY record_id, rowid", ids...)
			if err != nil {
				return fmt.Errorf("read %s: %w", table, err)
			}
			for rows.Next() {
				var id int64
				var tag string
				if err := rows.Scan(&id, &tag); err != nil {
					rows.Close()
					return fmt.Errorf("read %s: %w", table, err)
				}
				byID[id].Values[f.Name] = append(byID[id].Values.Tags(f.Name), tag)
			}
			if err := closeRows(rows, table); err != nil {
				return err
			}
		case f.Kind == PhoneList && phones:
			rows, err := q.QueryContext(ctx, "SELECT record_id, label, number FROM "+table+" WHERE record_id IN "+in+" ORDER BY record_id, position", ids...)
			if err != nil {
				return fmt.Errorf("read %s: %w", table, err)
			}
			for rows.Next() {
				var id int64
				var p PhoneEntry
				if err := rows.Scan(&id, &p.Label, &p.Number); err != nil {
					rows.Close()
					return fmt.Errorf("read %s: %w", table, err)
				}
				byID[id].Values[f.Name] = append(byID[id].Values.Phones(f.Name), p)
			}
			if err := closeRows(rows, table); err != nil {
				return err
			}
		case f.Kind == RefList:
			rows, err := q.QueryContext(ctx, "SELECT record_id, ref_id FROM "+table+" WHERE record_id IN "+in+" ORDER BY record_id, ref_id", ids...)
			if err != nil {
				return fmt.Errorf("read %s: %w", table, err)
			}
			for rows.Next() {
				var id, ref int64
				if err := rows.Scan(&id, &ref); err != nil {
					rows.Close()
					return fmt.Errorf("read %s: %w", table, err)
				}
				list, _ := byID[id].Values[f.Name].([]int64)
				byID[id].Values[f.Name] = append(list, ref)
			}
			if err := closeRows(rows, table); err != nil {
				return err
			}
		case f.Kind == Grants:
			if err := readPermissions(ctx, q, table, in, ids, byID, f.Name, m.set); err != nil {
				return err
			}
		}
	}
	return nil
}

func closeRows(rows *sql.Rows, what string) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// loadRefs fills Record.Refs with the names behind Ref fields, one query
// per field for the whole page; the fields in except are left without.
func (s *Store) loadRefs(ctx context.Context, m *Module, recs []*Record, except ...string) error {
	for i := range m.Fields {
		f := &m.Fields[i]
		if (f.Kind != Ref && f.Kind != RefList) || contains(except, f.Name) {
			continue
		}
		seen := map[int64]bool{}
		var ids []any
		for _, r := range recs {
			for _, id := range refIDs(r.Values, f) {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if len(ids) == 0 {
			continue
		}
		names, err := s.refNames(ctx, m, f, ids)
		if err != nil {
			return err
		}
		for _, r := range recs {
			refs := refIDs(r.Values, f)
			if len(refs) == 0 {
				continue
			}
			if r.Refs == nil {
				r.Refs = make(map[string]string, 2)
			}
			if len(refs) == 1 { // a Ref: no list to join
				r.Refs[f.Name] = names[refs[0]]
				continue
			}
			list := make([]string, len(refs))
			for j, id := range refs {
				list[j] = names[id]
			}
			r.Refs[f.Name] = strings.Join(list, ", ")
		}
	}
	return nil
}

// refNames reads the names of the records a reference field points to:
// a user's from the directory when the request has one (permcache.go).
func (s *Store) refNames(ctx context.Context, m *Module, f *Field, ids []any) (map[int64]string, error) {
	table, col := "users", "name"
	if f.Ref == "users" {
		if d, err := s.userDirectory(ctx); err != nil || d != nil {
			if d == nil {
				return nil, err
			}
			return d.names, nil
		}
	} else {
		target, _ := m.related(f.Ref)
		table, col = target.Table, target.TitleField
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	rows, err := s.reads.query(ctx, "SELECT id, "+col+" FROM "+table+" WHERE id IN "+in, ids...)
	if err != nil {
		return nil, fmt.Errorf("read names for %s.%s: %w", m.Key, f.Name, err)
	}
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read names for %s.%s: %w", m.Key, f.Name, err)
		}
		names[id] = name
	}
	return names, closeRows(rows, "names")
}

// refIDs are the ids a Ref or RefList value names.
func refIDs(v Values, f *Field) []int64 {
	if f.Kind == RefList {
		ids, _ := v[f.Name].([]int64)
		return ids
	}
	if id, ok := v.Int(f.Name); ok {
		return []int64{id}
	}
	return nil
}

// Update applies the given values over a live record (PATCH semantics),
// validates the whole, and saves what changed. It returns the new record
// and the change set for the audit trail.
func (s *Store) Update(ctx context.Context, a *Actor, m *Module, id int64, in Values) (*Record, []Change, error) {
	m = s.mod(m)
	return s.UpdateIfUnchanged(ctx, a, m, id, in, time.Time{})
}

// UpdateIfUnchanged is Update for someone who read the record at seen
// (its UpdatedAt then): if it has changed since, nothing is saved and the
// answer is ErrConflict, so two people editing one customer in the office
// never overwrite each other unawares. A zero seen skips the check.
func (s *Store) UpdateIfUnchanged(ctx context.Context, a *Actor, m *Module, id int64, in Values, seen time.Time) (*Record, []Change, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "edit"); err != nil {
		return nil, nil, err
	}
	var rec *Record
	var changes []Change
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		rec, changes, err = s.updateSince(ctx, tx, a, m, id, in, seen)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	redact(a, m, rec)
	return rec, changes, nil
}

func (s *Store) update(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64, in Values) (*Record, []Change, error) {
	return s.updateSince(ctx, tx, a, m, id, in, time.Time{})
}

func (s *Store) updateSince(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64, in Values, seen time.Time) (*Record, []Change, error) {
	scope, scopeArgs, err := scopeCond(a, m, ActEdit)
	if err != nil {
		return nil, nil, err
	}
	cond := "t.id = ? AND t.deleted_at IS NULL"
	if scope != "" {
		cond += " AND " + scope
	}
	old, err := m.scan(tx.QueryRowContext(ctx, "SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE "+cond, append([]any{id}, scopeArgs...)...))
	if errors.Is(err, sql.ErrNoRows) {
		// Seen but not editable is forbidden; not even seen is not found.
		if visible, err := inScope(ctx, tx, a, m, ActRead, id); err != nil {
			return nil, nil, err
		} else if visible {
			return nil, nil, ErrForbidden
		}
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("update %s %d: %w", m.Key, id, err)
	}
	if !seen.IsZero() && !old.UpdatedAt.Equal(seen.UTC().Truncate(time.Millisecond)) {
		return nil, nil, ErrConflict
	}
	if err := s.loadSides(ctx, tx, m, []*Record{old}, true); err != nil {
		return nil, nil, err
	}
	vals := make(Values, len(old.Values))
	for k, v := range old.Values {
		vals[k] = v
	}
	for k, v := range in {
		vals[k] = v
	}
	protect(a, m, vals, old.Values)
	errs := &ValidationError{}
	m.check(vals, errs)
	if err := checkRefs(ctx, tx, a, m, vals, old.Values, errs); err != nil {
		return nil, nil, err
	}
	if m.owned() && !reflect.DeepEqual(old.Values["owner_id"], vals["owner_id"]) {
		if owner, ok := vals.Int("owner_id"); ok {
			if err := checkOwner(ctx, tx, a, m, ActEdit, owner, errs); err != nil {
				return nil, nil, err
			}
		} else if a.Scope(m, ActEdit) != ScopeAll && !m.ScopeByParent {
			errs.Add("owner_id", "error.owner_scope") // an unowned record is nobody's to see but the firm's
		}
	}
	if m.Verify != nil && len(errs.Fields) == 0 {
		if err := m.Verify(ctx, tx, id, vals, errs); err != nil {
			return nil, nil, err
		}
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	var changes []Change
	for i := range m.Fields {
		f := &m.Fields[i]
		before, after := normalSide(old.Values[f.Name]), normalSide(vals[f.Name])
		if !reflect.DeepEqual(before, after) {
			changes = append(changes, Change{Field: f.Name, Old: before, New: after})
		}
	}
	if len(changes) == 0 {
		return old, nil, nil
	}
	cols := m.columns()
	sets := make([]string, 0, len(cols)+1)
	args := make([]any, 0, len(cols)+2)
	for _, f := range cols {
		sets = append(sets, f.Name+" = ?")
		args = append(args, dbValue(f, vals[f.Name]))
	}
	t := now()
	sets = append(sets, "updated_at = ?")
	args = append(args, timeText(t), id)
	if _, err := tx.ExecContext(ctx, "UPDATE "+m.Table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", args...); err != nil {
		return nil, nil, fmt.Errorf("update %s %d: %w", m.Key, id, err)
	}
	if err := writeSides(ctx, tx, m, id, vals, old.Values); err != nil {
		return nil, nil, err
	}
	if err := indexRecord(ctx, tx, m, id, vals); err != nil {
		return nil, nil, err
	}
	if err := audit(ctx, tx, a, ActionUpdate, m, id, changes); err != nil {
		return nil, nil, err
	}
	if err := notifyAssigned(ctx, tx, a, m, id, old.Values, vals); err != nil {
		return nil, nil, err
	}
	if m.AfterSave != nil {
		if err := m.AfterSave(ctx, s, tx, a, id, old.Values, vals); err != nil {
			return nil, nil, err
		}
	}
	if m.Key == Users.Key || m.Key == Roles.Key {
		if err := checkAdminLeft(ctx, tx); err != nil {
			return nil, nil, err
		}
	}
	return &Record{Module: m, ID: id, Values: vals, CreatedAt: old.CreatedAt, UpdatedAt: t.UTC().Truncate(time.Millisecond)}, changes, nil
}

// Delete moves records to the recycle bin. Nothing disappears: an
// administrator can restore or purge them.
func (s *Store) Delete(ctx context.Context, a *Actor, m *Module, ids ...int64) error {
	m = s.mod(m)
	return s.setDeleted(ctx, a, m, "delete", "deleted_at IS NULL", timeText(now()), ids)
}

// Restore takes records back out of the recycle bin; only administrators
// may, as they look after the bin.
func (s *Store) Restore(ctx context.Context, a *Actor, m *Module, ids ...int64) error {
	m = s.mod(m)
	if err := authorize(a, m.Key, "admin"); err != nil {
		return err
	}
	return s.setDeleted(ctx, a, m, "restore", "deleted_at IS NOT NULL", nil, ids)
}

func (s *Store) setDeleted(ctx context.Context, a *Actor, m *Module, action, cond string, value any, ids []int64) error {
	if err := authorize(a, m.Key, action); err != nil {
		return err
	}
	if m.NoDelete {
		errs := &ValidationError{}
		errs.Add("id", "error.not_deletable")
		return errs
	}
	var scope string
	var args []any
	if action == ActDelete {
		var err error
		if scope, args, err = scopeCond(a, m, action); err != nil {
			return err
		}
	}
	if scope != "" {
		cond += " AND " + scope
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range ids {
			if err := s.setDeletedOne(ctx, tx, a, m, action, cond, value, id, args); err != nil {
				return err
			}
		}
		if m.Key == Roles.Key {
			return checkAdminLeft(ctx, tx)
		}
		return nil
	})
}

// setDeletedOne moves one record into or out of the recycle bin inside
// tx, where cond (with its scope arguments args) holds, and records it.
func (s *Store) setDeletedOne(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, action, cond string, value any, id int64, args []any) error {
	if m.Deletable != nil && action == ActDelete {
		if err := checkDeletable(ctx, tx, m, id); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, "UPDATE "+m.Table+" AS t SET deleted_at = ? WHERE t.id = ? AND t."+cond, append([]any{value, id}, args...)...)
	if err != nil {
		return fmt.Errorf("%s %s %d: %w", action, m.Key, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if visible, err := inScope(ctx, tx, a, m, ActRead, id); err != nil {
			return err
		} else if visible && action == ActDelete {
			return ErrForbidden
		}
		return ErrNotFound
	}
	if err := audit(ctx, tx, a, action, m, id, nil); err != nil {
		return err
	}
	if m.AfterDelete != nil {
		return m.AfterDelete(ctx, s, tx, a, id, action)
	}
	return nil
}

// checkDeletable asks the module's Deletable hook about record id: its
// problems come back as a *ValidationError.
func checkDeletable(ctx context.Context, q querier, m *Module, id int64) error {
	if m.Deletable == nil {
		return nil
	}
	errs := &ValidationError{}
	if err := m.Deletable(ctx, q, id, errs); err != nil {
		return err
	}
	return errs.Err()
}

// Purge removes records from the recycle bin for good, with everything
// that hangs on them through foreign keys. Only administrators may.
func (s *Store) Purge(ctx context.Context, a *Actor, m *Module, ids ...int64) error {
	m = s.mod(m)
	if err := authorize(a, m.Key, "admin"); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("purge %s: %w", m.Key, err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		if err := checkDeletable(ctx, tx, m, id); err != nil {
			return err
		}
		if err := purgeChildren(ctx, tx, a, s.Modules(), m, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM "+m.Table+" WHERE id = ? AND deleted_at IS NOT NULL", id)
		if err != nil {
			return fmt.Errorf("purge %s %d: %w", m.Key, id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := unindexRecord(ctx, tx, m, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionPurge, m, id, nil); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("purge %s: %w", m.Key, err)
	}
	return nil
}

// purgeChildren removes the search entries of records that the foreign
// keys are about to delete with their parent (an asset with its customer),
// and records their end in their histories.
func purgeChildren(ctx context.Context, tx *sql.Tx, a *Actor, mods []*Module, parent *Module, id int64) error {
	for _, child := range mods {
		for i := range child.Fields {
			f := &child.Fields[i]
			if f.Kind != Ref || f.Ref != parent.Key || !f.Parent {
				continue
			}
			rows, err := tx.QueryContext(ctx, "SELECT id FROM "+child.Table+" WHERE "+f.Name+" = ?", id)
			if err != nil {
				return fmt.Errorf("purge %s children: %w", parent.Key, err)
			}
			var ids []int64
			for rows.Next() {
				var cid int64
				if err := rows.Scan(&cid); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, cid)
			}
			if err := closeRows(rows, child.Table); err != nil {
				return err
			}
			for _, cid := range ids {
				if err := checkDeletable(ctx, tx, child, cid); err != nil {
					return err
				}
				if err := unindexRecord(ctx, tx, child, cid); err != nil {
					return err
				}
				if err := audit(ctx, tx, a, ActionPurge, child, cid, nil); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
