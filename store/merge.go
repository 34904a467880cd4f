package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// Merging two records of one party: the survivor takes the values chosen
// field by field and everything that hangs on the other record, and the
// other record goes to the recycle bin, from where an administrator can
// still read what it held.
//
// "Everything that hangs on it" is read from the database itself: every
// foreign key to the module's table, whatever module declared it, so a
// module added later (activities, quotes, service requests) is merged
// without a change here.

// The choices of Merge's take, per field.
const (
	TakeSurvivor = "survivor"
	TakeOther    = "other"
)

// The audit entries of a merge carry these keys in their changes.
const (
	MergedFrom   = "merged_from"   // on the survivor: {id, title} of the other
	MergedInto   = "merged_into"   // on the other: {id, title} of the survivor
	MergeFields  = "merge_fields"  // the fields whose value came from the other
	MergeMoved   = "merge_moved"   // table → rows repointed to the survivor
	MergeDropped = "merge_dropped" // table → rows the survivor had already (a shared contact link)
)

// Merge merges record otherID of m into survivorID. take names, per field,
// whose value the survivor keeps: TakeOther takes the other's, anything
// absent keeps the survivor's. Fields kept in side tables are merged as
// values instead (the tags of both; the more phones of both, with the main
// number that was not kept among them), so no number is lost.
//
// The actor needs edit rights on the survivor and delete rights on the
// other, within their scopes. Everything happens in one transaction: the
// survivor's update goes through the normal update path (validation,
// search index, the audit of each field), every row of every table with a
// foreign key to m's table moves from the other to the survivor (a row
// the survivor already has, such as the same contact link, is kept once),
// the other moves to the recycle bin, and both records' histories get a
// "merge" entry naming the other record, the fields taken and the rows
// moved.
func (s *Store) Merge(ctx context.Context, a *Actor, m *Module, survivorID, otherID int64, take map[string]string) (*Record, error) {
	m = s.mod(m) // with the database's custom fields
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return nil, err
	}
	if err := authorize(a, m.Key, ActDelete); err != nil {
		return nil, err
	}
	if m.NoDelete || m.AdminOnly {
		// A record that cannot go to the bin cannot be merged away; and
		// the organisation's records (teams, roles) carry rules of their
		// own, such as an administrator always being left, that a merge
		// would walk past.
		return nil, ErrForbidden
	}
	if survivorID == otherID {
		return nil, fmt.Errorf("%w: a record cannot be merged into itself", ErrBadQuery)
	}
	for name, choice := range take {
		f, ok := m.fields[name]
		if !ok || f.Computed || (choice != TakeSurvivor && choice != TakeOther) {
			return nil, fmt.Errorf("%w: merge choice %s=%s", ErrBadQuery, name, choice)
		}
	}
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, m, ActEdit, survivorID); err != nil {
			return err
		}
		if err := requireScope(ctx, tx, a, m, ActDelete, otherID); err != nil {
			return err
		}
		surv, err := s.loadLive(ctx, tx, m, survivorID)
		if err != nil {
			return err
		}
		other, err := s.loadLive(ctx, tx, m, otherID)
		if err != nil {
			return err
		}
		in, taken := mergeValues(a, m, surv.Values, other.Values, take)
		if rec, _, err = s.update(ctx, tx, a, m, survivorID, in); err != nil {
			return err
		}
		moved, dropped, err := repoint(ctx, tx, a, m, survivorID, otherID)
		if err != nil {
			return err
		}
		// The other program's ids of the merged record now name the
		// survivor, so that its next import updates the one kept.
		if _, err := tx.ExecContext(ctx, "UPDATE OR REPLACE external_ids SET record_id = ? WHERE module = ? AND record_id = ?",
			survivorID, m.Key, otherID); err != nil {
			return fmt.Errorf("merge %s: external ids: %w", m.Key, err)
		}
		del, delArgs, err := scopeCond(a, m, ActDelete)
		if err != nil {
			return err
		}
		cond := "deleted_at IS NULL"
		if del != "" {
			cond += " AND " + del
		}
		if err := s.setDeletedOne(ctx, tx, a, m, ActDelete, cond, timeText(now()), otherID, delArgs); err != nil {
			return err
		}
		var common []Change
		if len(taken) > 0 {
			common = append(common, Change{Field: MergeFields, New: taken})
		}
		if len(moved) > 0 {
			common = append(common, Change{Field: MergeMoved, New: moved})
		}
		if len(dropped) > 0 {
			common = append(common, Change{Field: MergeDropped, New: dropped})
		}
		ref := func(r *Record) map[string]any { return map[string]any{"id": r.ID, "title": r.Title()} }
		if err := audit(ctx, tx, a, ActionMerge, m, survivorID, append([]Change{{Field: MergedFrom, New: ref(other)}}, common...)); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionMerge, m, otherID, append([]Change{{Field: MergedInto, New: ref(rec)}}, common...))
	})
	if err != nil {
		return nil, err
	}
	redact(a, m, rec)
	return rec, nil
}

// loadLive reads a live record with its side tables inside tx, unscoped:
// the caller has checked the scope.
func (s *Store) loadLive(ctx context.Context, tx *sql.Tx, m *Module, id int64) (*Record, error) {
	r, err := m.scan(tx.QueryRowContext(ctx, "SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE t.id = ? AND t.deleted_at IS NULL", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %d: %w", m.Key, id, err)
	}
	if err := s.loadSides(ctx, tx, m, []*Record{r}, true); err != nil {
		return nil, err
	}
	return r, nil
}

// mergeValues is the update that gives the survivor the chosen values,
// and the fields whose value came from the other. A field the actor may
// not change keeps the survivor's value, as an edit would.
func mergeValues(a *Actor, m *Module, surv, other Values, take map[string]string) (Values, []string) {
	in := Values{}
	var taken []string
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed || f.Kind.side() || take[f.Name] != TakeOther || a.FieldAccess(m, f.Name) != AccessFull {
			continue
		}
		if !reflect.DeepEqual(normalSide(surv[f.Name]), normalSide(other[f.Name])) {
			in[f.Name] = other[f.Name]
			taken = append(taken, f.Name)
		}
	}
	final := func(name string) any {
		if v, ok := in[name]; ok {
			return v
		}
		return surv[name]
	}
	// The main numbers that were not kept join the more numbers.
	var mains, dropped []string
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind != Phone {
			continue
		}
		kept, _ := final(f.Name).(string)
		mains = append(mains, kept)
		for _, v := range []Values{surv, other} {
			if n := v.Str(f.Name); n != "" && n != kept {
				dropped = append(dropped, n)
			}
		}
	}
	firstList := true
	for i := range m.Fields {
		f := &m.Fields[i]
		switch f.Kind {
		case Tags:
			in[f.Name] = append(slices.Clone(surv.Tags(f.Name)), other.Tags(f.Name)...) // the rules drop repeats
		case RefList:
			mine, _ := surv[f.Name].([]int64)
			theirs, _ := other[f.Name].([]int64)
			in[f.Name] = append(slices.Clone(mine), theirs...) // the rules sort and drop repeats
		case PhoneList:
			var list []PhoneEntry
			seen := map[string]bool{}
			for _, n := range mains {
				seen[n] = true
			}
			add := func(p PhoneEntry) {
				if p.Number != "" && !seen[p.Number] {
					seen[p.Number] = true
					list = append(list, p)
				}
			}
			for _, p := range append(slices.Clone(surv.Phones(f.Name)), other.Phones(f.Name)...) {
				add(p)
			}
			if firstList {
				for _, n := range dropped {
					add(PhoneEntry{Number: n})
				}
				firstList = false
			}
			in[f.Name] = list
		}
	}
	return in, taken
}

// fkRef is one column of a table that refers to a module's records.
type fkRef struct {
	Table, Column string
}

// referencesTo lists the columns with a foreign key to table's id, from
// the schema itself. A key over several columns, or to another column
// than id, is refused loudly: nothing here knows how to move it.
func referencesTo(ctx context.Context, q querier, table string) ([]fkRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.name, p."from", COALESCE(p."to", ''), p.seq
		FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
		WHERE m.type = 'table' AND lower(p."table") = lower(?) ORDER BY m.name, p.id, p.seq`, table)
	if err != nil {
		return nil, fmt.Errorf("foreign keys to %s: %w", table, err)
	}
	var out []fkRef
	for rows.Next() {
		var r fkRef
		var to string
		var seq int
		if err := rows.Scan(&r.Table, &r.Column, &to, &seq); err != nil {
			rows.Close()
			return nil, fmt.Errorf("foreign keys to %s: %w", table, err)
		}
		if seq != 0 || (to != "" && to != "id") {
			rows.Close()
			return nil, fmt.Errorf("foreign key %s.%s to %s(%s): only single-column keys to id can be merged", r.Table, r.Column, table, to)
		}
		out = append(out, r)
	}
	return out, closeRows(rows, "foreign keys")
}

// repoint moves every row that refers to the other record to the
// survivor, table by table, and counts the rows moved and the rows
// dropped per table.
//
// The module's own side tables (tags, phones) are left alone: mergeValues
// merged them as values, and the other record in the bin keeps its own.
// The rows of a declared module (assets) are records: each gets an update
// in its history, and one that cannot move is an error, never dropped.
// The rows of a plain link table (contact links) that the survivor has
// already (the same company and person) break its unique key: they are
// kept once, as the survivor's.
func repoint(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, survivorID, otherID int64) (moved, dropped map[string]int, err error) {
	refs, err := referencesTo(ctx, tx, m.Table)
	if err != nil {
		return nil, nil, err
	}
	tables := map[string]*Module{}
	for _, mod := range Modules() {
		tables[mod.Table] = mod
	}
	moved, dropped = map[string]int{}, map[string]int{}
	ts := timeText(now())
	for _, ref := range refs {
		if isSideTable(m, ref.Table) {
			continue
		}
		if child, ok := tables[ref.Table]; ok {
			n, err := repointRecords(ctx, tx, a, child, ref.Column, survivorID, otherID, ts)
			if err != nil {
				return nil, nil, err
			}
			if n > 0 {
				moved[ref.Table] += n
			}
			continue
		}
		res, err := tx.ExecContext(ctx, "UPDATE OR IGNORE "+ref.Table+" SET "+ref.Column+" = ? WHERE "+ref.Column+" = ?", survivorID, otherID)
		if err != nil {
			return nil, nil, fmt.Errorf("merge: move %s.%s: %w", ref.Table, ref.Column, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			moved[ref.Table] += int(n)
		}
		// What could not move is what the survivor has already.
		res, err = tx.ExecContext(ctx, "DELETE FROM "+ref.Table+" WHERE "+ref.Column+" = ?", otherID)
		if err != nil {
			return nil, nil, fmt.Errorf("merge: drop the repeated rows of %s.%s: %w", ref.Table, ref.Column, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			dropped[ref.Table] += int(n)
		}
	}
	return moved, dropped, nil
}

// repointRecords moves the records of a declared module from the other
// record to the survivor, and records the change in each one's history.
func repointRecords(ctx context.Context, tx *sql.Tx, a *Actor, child *Module, col string, survivorID, otherID int64, ts string) (int, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id FROM "+child.Table+" WHERE "+col+" = ? ORDER BY id", otherID)
	if err != nil {
		return 0, fmt.Errorf("merge: read %s.%s: %w", child.Table, col, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("merge: read %s.%s: %w", child.Table, col, err)
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows, child.Table); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+child.Table+" SET "+col+" = ?, updated_at = ? WHERE "+col+" = ?", survivorID, ts, otherID); err != nil {
		return 0, fmt.Errorf("merge: move %s.%s: %w", child.Table, col, err)
	}
	for _, id := range ids {
		if err := audit(ctx, tx, a, ActionUpdate, child, id, []Change{{Field: col, Old: otherID, New: survivorID}}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// isSideTable says whether table is one of m's own side tables.
func isSideTable(m *Module, table string) bool {
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Kind.side() && sideTable(m, f) == table {
			return true
		}
	}
	return false
}
