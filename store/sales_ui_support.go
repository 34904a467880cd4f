package store

import (
	"context"
	"errors"
	"fmt"
)

// What the sales pages ask of the store beyond the documents' own
// functions (sales_docs.go, sales_flow.go): small questions a page needs
// to decide which buttons it shows. The store still refuses whatever a
// forged request asks regardless.

// DocumentEditable says whether a document of m (quotes, orders or
// invoices) in status may still be changed by its form, the rule
// UpdateDocument enforces: a quote until it is decided, an order while
// open, an invoice while a draft.
func DocumentEditable(m *Module, status string) bool {
	return IsSalesDocument(m) && editable(m.Key, status)
}

// DerivedDocuments are the live documents of m that were made from the
// document id through m's reference field (the orders converted from a
// quote by quote_id, the invoices from an order by order_id, the
// invoice reissued for a cancelled one by reissued_from): what a
// document page links forward to. Only those within the actor's read
// scope are returned; every such field is indexed (0017_sales.sql).
func (s *Store) DerivedDocuments(ctx context.Context, a *Actor, m *Module, field string, id int64) ([]*Record, error) {
	m = s.mod(m)
	f, ok := m.Field(field)
	if !IsSalesDocument(m) || !ok || f.Kind != Ref || !IsSalesDocument(registry[f.Ref]) {
		return nil, fmt.Errorf("store: %s.%s is not a link between sales documents", m.Key, field)
	}
	if !a.Can(m, ActRead) {
		return nil, nil
	}
	rows, err := s.reads.QueryContext(ctx, "SELECT id FROM "+m.Table+" WHERE "+f.Name+" = ? AND deleted_at IS NULL ORDER BY id LIMIT 20", id)
	if err != nil {
		return nil, fmt.Errorf("documents from %d by %s.%s: %w", id, m.Key, field, err)
	}
	var ids []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("documents by %s.%s: %w", m.Key, field, err)
		}
		ids = append(ids, n)
	}
	if err := closeRows(rows, "derived documents"); err != nil {
		return nil, err
	}
	var out []*Record
	for _, n := range ids {
		rec, err := s.Get(ctx, a, m, n)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}
