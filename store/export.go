package store

import (
	"context"
	"database/sql"
	"fmt"
)

// exportBatch is how many records an export reads at a time: memory stays
// flat however long the list.
const exportBatch = 500

// Export walks every record of a list query (its filters, search and
// sort; the limit and cursor are the export's own) that the actor may
// export, and hands each to each. Exporting needs the export scope as
// well as the read scope, as a role may let someone see more than take
// away. The export is recorded in the audit trail, with the query and
// the count, for KVKK: who took which personal data out of the program.
func (s *Store) Export(ctx context.Context, a *Actor, m *Module, q ListQuery, each func(*Record) error) (int, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return 0, err
	}
	q.Limit, q.Cursor, q.Deleted, q.Phones = exportBatch, "", false, true
	n := 0
	for {
		page, err := s.list(ctx, a, m, q, ActExport)
		if err != nil {
			return n, err
		}
		for _, r := range page.Records {
			if err := each(r); err != nil {
				return n, err
			}
			n++
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return audit(ctx, tx, a, ActionExport, m, 0, []Change{
			{Field: "count", New: n},
			{Field: "query", New: fmt.Sprintf("search=%q filters=%v sort=%s", q.Search, q.Filters, q.Sort)},
		})
	})
	return n, err
}

// ExportRecord returns one live record for the actor to take away as a
// file of its own (a vCard). It is read as Get reads it, so the fields
// hidden from the actor are not in it, and only if it is within their
// export scope as well as their read scope: ErrForbidden when they may
// see it but not take it away. The export is recorded in the audit trail
// against the record, with its format, for KVKK.
func (s *Store) ExportRecord(ctx context.Context, a *Actor, m *Module, id int64, format string) (*Record, error) {
	if err := authorize(a, m.Key, ActExport); err != nil {
		return nil, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActExport, id); err != nil {
		return nil, err
	}
	rec, err := s.Get(ctx, a, m, id)
	if err != nil {
		return nil, err
	}
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return audit(ctx, tx, a, ActionExport, m, id, []Change{{Field: "format", New: format}})
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}
