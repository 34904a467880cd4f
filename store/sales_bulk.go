package store

import (
	"context"
	"fmt"
)

// NewDocument is one document for CreateDocuments: its header values
// and its lines.
type NewDocument struct {
	Values Values
	Lines  []DocLine
}

// CreateDocuments creates many quotes, orders or invoices (m) with their
// lines in one transaction, all of them or none, through CreateMany's
// path: every document meets the checks of CreateDocument (its lines,
// their products and KDV rates, the totals computed by money.Compute,
// the number taken from the series in the order given, so that the
// numbers stay gapless), and a bad one stops the call with a *RowError.
// As with CreateMany, a row may carry its creation time (CreatedAtKey)
// and the fields the flow keeps (status, paid_total, issued_at, quote_id,
// order_id), for a load of past documents (the demo data); what a flow
// sets off (a won opportunity, an invoice's payments) is the caller's to
// keep consistent, and no history is written per record. It returns the
// new ids in order.
func (s *Store) CreateDocuments(ctx context.Context, a *Actor, m *Module, docs []NewDocument) ([]int64, error) {
	m = s.mod(m)
	if !IsSalesDocument(m) {
		return nil, fmt.Errorf("store: %s is not a sales document", m.Key)
	}
	rows := make([]Values, len(docs))
	for i, d := range docs {
		v := Values{}
		for k, x := range d.Values {
			v[k] = x
		}
		delete(v, valFlow)
		v[valLines] = normaliseLines(d.Lines)
		rows[i] = v
	}
	col := lineColumn[m.Key]
	insert := "INSERT INTO sales_lines (" + col + ", position, product_id, description, quantity, unit, unit_price, discount_bp, kdv_rate_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	return s.createMany(ctx, a, m, rows, func(q querier, _ int, id int64, vals Values) error {
		lines, _ := vals[valLines].([]DocLine)
		for i, l := range lines {
			var product any
			if l.ProductID > 0 {
				product = l.ProductID
			}
			if _, err := q.ExecContext(ctx, insert, id, i+1, product, l.Description, int64(l.Quantity), l.Unit, l.UnitPrice, l.DiscountBP, l.KDVRateBP); err != nil {
				return fmt.Errorf("write line %d: %w", i+1, err)
			}
		}
		return nil
	})
}
