package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// RowError says which row of a bulk call was refused and why. Row counts
// from 0, in the order the rows were given. It unwraps to the row's
// *ValidationError, so AsValidation finds the fields.
type RowError struct {
	Row int
	Err *ValidationError
}

func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }

// Unwrap returns the row's validation error.
func (e *RowError) Unwrap() error { return e.Err }

// CreatedAtKey is the key under which a row given to CreateMany may carry
// its creation time, as a time.Time: records imported from an older system,
// or demo data, keep when they really began. Create ignores it.
const CreatedAtKey = "created_at"

// CreateMany validates and inserts many records of one module in one
// transaction: all of them, or none. Every row meets exactly the checks of
// Create (its module's rules and its references); the first bad row stops
// the call with a *RowError naming the row and its fields. The search
// entries of the rows are written after all of them are inserted, which is
// many times faster than indexing row by row in a bulk load. It returns the
// new ids in the order of the rows.
//
// Callers with very many rows should call it in batches of a few thousand,
// so that one transaction does not hold the writer for long.
func (s *Store) CreateMany(ctx context.Context, a *Actor, m *Module, rows []Values) ([]int64, error) {
	return s.createMany(ctx, a, m, rows, nil)
}

// createMany is CreateMany with a module's own part of each row: after a
// row is inserted, each (when not nil) writes what the module keeps
// beside it (a document's lines) through the batch's statements, in the
// same transaction.
func (s *Store) createMany(ctx context.Context, a *Actor, m *Module, rows []Values, each func(q querier, row int, id int64, vals Values) error) ([]int64, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "create"); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	owner, hasOwner := m.fields["owner_id"]
	hasOwner = hasOwner && owner.Kind == Ref
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", m.Key, err)
	}
	defer tx.Rollback()
	// Statements prepared once for the batch: preparing the INSERT again
	// for every row also compiled the table's triggers every time (the
	// customers' quality counts), which cost 8 s over the 100,000 rows of
	// the large demo set.
	q := newTxStmts(tx)
	defer q.close()
	ids := make([]int64, len(rows))
	saved := make([]Values, len(rows))
	for i, in := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		vals := m.NewValues()
		var created time.Time
		for k, v := range in {
			if k == CreatedAtKey {
				t, ok := v.(time.Time)
				if !ok || t.After(now()) {
					return nil, &RowError{Row: i, Err: &ValidationError{Fields: map[string]Msg{CreatedAtKey: {Key: "error.date"}}}}
				}
				created = t
				continue
			}
			vals[k] = v
		}
		protect(a, m, vals, nil)
		if hasOwner && vals["owner_id"] == nil && a.UserID > 0 {
			vals["owner_id"] = a.UserID
		}
		if id, ok := vals.Int("owner_id"); ok && hasOwner {
			errs := &ValidationError{}
			if err := checkOwner(ctx, tx, a, m, ActCreate, id, errs); err != nil {
				return nil, err
			}
			if len(errs.Fields) > 0 {
				return nil, &RowError{Row: i, Err: errs}
			}
		}
		rec, err := s.insertRow(ctx, q, a, m, vals, created)
		if v, ok := AsValidation(err); ok {
			return nil, &RowError{Row: i, Err: v}
		}
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		ids[i], saved[i] = rec.ID, rec.Values
		if each != nil {
			if err := each(q, i, rec.ID, rec.Values); err != nil {
				return nil, fmt.Errorf("row %d: %w", i, err)
			}
		}
	}
	// The search entries go in after the rows: interleaving FTS writes with
	// the table's B-tree inserts made a bulk load about 12 times slower.
	if err := indexMany(ctx, tx, m, ids, saved); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create %s: %w", m.Key, err)
	}
	return ids, nil
}

// ContactLink is one person-to-company link for AddContacts.
type ContactLink struct {
	CompanyID int64
	PersonID  int64
	Role      string
}

// AddContacts makes persons contacts of companies, many at once, in one
// transaction: all of them, or none. Each link is checked as AddContact
// checks one (a live company, a live person, a known role); a link that
// exists already gets the new role. A bad link stops the call with a
// *RowError naming it, or ErrNotFound (wrapped with its index) when one of
// its records does not exist.
func (s *Store) AddContacts(ctx context.Context, a *Actor, links []ContactLink) error {
	if err := authorize(a, Customers.Key, "edit"); err != nil {
		return err
	}
	if len(links) == 0 {
		return nil
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add contacts: %w", err)
	}
	defer tx.Rollback()

	// The kinds of every customer named, read a chunk of ids at a time
	// rather than two queries per link.
	kinds := map[int64]string{}
	var want []any
	for _, l := range links {
		for _, id := range []int64{l.CompanyID, l.PersonID} {
			if _, seen := kinds[id]; !seen {
				kinds[id] = ""
				want = append(want, id)
			}
		}
	}
	const chunk = 500
	for start := 0; start < len(want); start += chunk {
		part := want[start:min(start+chunk, len(want))]
		rows, err := tx.QueryContext(ctx, "SELECT id, kind FROM customers WHERE deleted_at IS NULL AND id IN ("+
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+")", part...)
		if err != nil {
			return fmt.Errorf("add contacts: %w", err)
		}
		for rows.Next() {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				rows.Close()
				return fmt.Errorf("add contacts: %w", err)
			}
			kinds[id] = kind
		}
		if err := closeRows(rows, "customers"); err != nil {
			return err
		}
	}
	for i, l := range links {
		errs := &ValidationError{}
		if !contains(ContactRoles, l.Role) {
			errs.Add("role", "error.choice")
		}
		if kinds[l.CompanyID] == "" || kinds[l.PersonID] == "" {
			return fmt.Errorf("contact link %d: %w", i, ErrNotFound)
		}
		if err := requireScope(ctx, tx, a, Customers, ActEdit, l.CompanyID); err != nil {
			return fmt.Errorf("contact link %d: %w", i, err)
		}
		if err := requireScope(ctx, tx, a, Customers, ActRead, l.PersonID); err != nil {
			return fmt.Errorf("contact link %d: %w", i, err)
		}
		if kinds[l.CompanyID] != "company" {
			errs.Add("company_id", "error.contact_company")
		}
		if kinds[l.PersonID] != "person" {
			errs.Add("person_id", "error.contact_person")
		}
		if errs.Err() != nil {
			return &RowError{Row: i, Err: errs}
		}
	}
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO customer_contacts (company_id, person_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (company_id, person_id) DO UPDATE SET role = excluded.role`)
	if err != nil {
		return fmt.Errorf("add contacts: %w", err)
	}
	defer stmt.Close()
	ts := timeText(now())
	for i, l := range links {
		if _, err := stmt.ExecContext(ctx, l.CompanyID, l.PersonID, l.Role, ts); err != nil {
			return fmt.Errorf("add contacts: link %d: %w", i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add contacts: %w", err)
	}
	return nil
}

// indexMany writes the search entries of new records, as indexRecord does
// one by one, with its two statements prepared once.
func indexMany(ctx context.Context, tx *sql.Tx, m *Module, ids []int64, vals []Values) error {
	bodies := make([][2]string, len(ids))
	for i := range ids {
		bodies[i][0], bodies[i][1] = searchBody(m, vals[i])
	}
	return indexBodies(ctx, tx, m, ids, bodies)
}

// indexBodies is indexMany with the entries' texts (body, private) made.
func indexBodies(ctx context.Context, tx *sql.Tx, m *Module, ids []int64, bodies [][2]string) error {
	if m.SearchID == 0 {
		return nil
	}
	del, err := tx.PrepareContext(ctx, "DELETE FROM search_fts WHERE rowid = ?")
	if err != nil {
		return fmt.Errorf("index %s: %w", m.Key, err)
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, "INSERT INTO search_fts (rowid, body, private) VALUES (?, ?, ?)")
	if err != nil {
		return fmt.Errorf("index %s: %w", m.Key, err)
	}
	defer ins.Close()
	for i, id := range ids {
		rowid := searchRowID(m, id)
		if _, err := del.ExecContext(ctx, rowid); err != nil {
			return fmt.Errorf("index %s %d: %w", m.Key, id, err)
		}
		if _, err := ins.ExecContext(ctx, rowid, bodies[i][0], bodies[i][1]); err != nil {
			return fmt.Errorf("index %s %d: %w", m.Key, id, err)
		}
	}
	return nil
}
