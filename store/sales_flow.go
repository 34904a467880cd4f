package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// The status flows of the sales documents and the moves between them:
// quote draft → sent → accepted / rejected / expired (accepting wins the
// quote's opportunity); order open → delivered → completed, or
// cancelled; invoice draft → issued → partly_paid / paid (by payments),
// or cancelled, and a cancelled invoice reissued as a new draft. Every
// move is an update through the engine: scope, history and all.

// statusMoves are the moves SetStatus makes, from → to.
var statusMoves = map[string]map[string][]string{
	"quotes": {
		QuoteDraft: {QuoteSent, QuoteExpired},
		QuoteSent:  {QuoteAccepted, QuoteRejected, QuoteExpired},
	},
	"orders": {
		OrderOpen:      {OrderDelivered, OrderCancelled},
		OrderDelivered: {OrderCompleted, OrderCancelled},
	},
}

// NextStatuses are the statuses SetStatus can move a quote or order in
// status to: what a page offers as buttons. Invoices move by
// IssueInvoice, CancelInvoice and payments.
func NextStatuses(m *Module, status string) []string {
	return statusMoves[m.Key][status]
}

// SetStatus moves a quote or an order to another status, if its flow
// allows the move from where it is (NextStatuses): otherwise a
// *ValidationError on "status" (error.status_move). Accepting a quote
// wins its opportunity (opportunity_id) in the same write. Errors:
// ErrNotFound, ErrForbidden (no edit scope), *ValidationError.
func (s *Store) SetStatus(ctx context.Context, a *Actor, m *Module, id int64, status string) (*Record, error) {
	m = s.mod(m)
	if _, ok := statusMoves[m.Key]; !ok {
		return nil, fmt.Errorf("store: %s has no status moves", m.Key)
	}
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return nil, err
	}
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		rec, err = s.setStatus(ctx, tx, a, m, id, status, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// setStatus is SetStatus inside a write; extra are more values to save
// with the move.
func (s *Store) setStatus(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64, status string, extra Values) (*Record, error) {
	cur, err := docStatus(ctx, tx, a, m, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(statusMoves[m.Key][cur], status) {
		return nil, statusMoveError(m, cur, status)
	}
	in := Values{"status": status, valFlow: true}
	for k, v := range extra {
		in[k] = v
	}
	rec, _, err := s.update(ctx, tx, a, m, id, in)
	if err != nil {
		return nil, err
	}
	if m.Key == Quotes.Key && status == QuoteAccepted {
		if opp, ok := rec.Values.Int("opportunity_id"); ok {
			if err := s.markWon(ctx, tx, a, opp); err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
	}
	return stripped(rec), nil
}

func statusMoveError(m *Module, from, to string) error {
	errs := &ValidationError{}
	errs.Add("status", "error.status_move",
		LabelKey("choice."+m.Key+".status."+from), LabelKey("choice."+m.Key+".status."+to))
	return errs
}

// docStatus reads a live document's status within the actor's edit
// scope: ErrNotFound when they cannot see it, ErrForbidden when they
// cannot change it.
func docStatus(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64) (string, error) {
	if err := requireScope(ctx, tx, a, m, ActEdit, id); err != nil {
		return "", err
	}
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM "+m.Table+" WHERE id = ? AND deleted_at IS NULL", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("status of %s %d: %w", m.Key, id, err)
	}
	return status, nil
}

// stripped is a record without the values the sales code passes to its
// hooks.
func stripped(rec *Record) *Record {
	if rec != nil {
		delete(rec.Values, valLines)
		delete(rec.Values, valFlow)
	}
	return rec
}

// today is the day in Istanbul at t, as YYYY-MM-DD.
func istanbulDay(t time.Time) string { return t.In(tr.Istanbul).Format(time.DateOnly) }

// IssueInvoice issues a draft invoice: it then can no longer be edited
// or deleted, only paid or cancelled. An invoice without lines is not
// issued (a *ValidationError on "lines", error.no_lines). Errors:
// ErrNotFound, ErrForbidden, *ValidationError (error.status_move when it
// is not a draft).
func (s *Store) IssueInvoice(ctx context.Context, a *Actor, id int64) (*Record, error) {
	m := s.mod(Invoices)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return nil, err
	}
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		cur, err := docStatus(ctx, tx, a, m, id)
		if err != nil {
			return err
		}
		if cur != InvoiceDraft {
			return statusMoveError(m, cur, InvoiceIssued)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sales_lines WHERE invoice_id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("lines of invoice %d: %w", id, err)
		}
		if n == 0 {
			errs := &ValidationError{}
			errs.Add("lines", "error.no_lines")
			return errs
		}
		rec, _, err = s.update(ctx, tx, a, m, id, Values{"status": InvoiceIssued, "issued_at": timeText(now()), valFlow: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	return stripped(rec), nil
}

// CancelInvoice cancels an invoice (a draft or an issued one) with a
// reason (may be empty); it stays, visible, with its number. An invoice
// with payments is not cancelled until they are deleted (a
// *ValidationError on "status", error.invoice_has_payments). Errors as
// IssueInvoice.
func (s *Store) CancelInvoice(ctx context.Context, a *Actor, id int64, reason string) (*Record, error) {
	m := s.mod(Invoices)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		cur, err := docStatus(ctx, tx, a, m, id)
		if err != nil {
			return err
		}
		errs := &ValidationError{}
		switch {
		case cur == InvoiceCancelled:
			return statusMoveError(m, cur, InvoiceCancelled)
		case cur == InvoicePaid || cur == InvoicePartlyPaid:
			errs.Add("status", "error.invoice_has_payments")
		case len([]rune(reason)) > 500:
			errs.Add("cancel_reason", "error.too_long", 500)
		}
		if err := errs.Err(); err != nil {
			return err
		}
		rec, _, err = s.update(ctx, tx, a, m, id, Values{"status": InvoiceCancelled, "cancelled_at": timeText(now()),
			"cancel_reason": reason, valFlow: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	return stripped(rec), nil
}

// ReissueInvoice makes a new draft invoice from a cancelled one: the
// same customer, terms and lines, dated today, with reissued_from naming
// the cancelled one; both stay. A cancelled invoice is reissued once
// (error.already_reissued). Errors: ErrNotFound, ErrForbidden,
// *ValidationError (error.reissue_not_cancelled when it is not
// cancelled).
func (s *Store) ReissueInvoice(ctx context.Context, a *Actor, id int64) (*Document, error) {
	m := s.mod(Invoices)
	if err := authorize(a, m.Key, ActCreate); err != nil {
		return nil, err
	}
	var newID int64
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		src, lines, err := s.readSource(ctx, tx, a, m, id)
		if err != nil {
			return err
		}
		errs := &ValidationError{}
		if src.Values.Str("status") != InvoiceCancelled {
			errs.Add("status", "error.reissue_not_cancelled")
			return errs
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM invoices WHERE reissued_from = ? AND deleted_at IS NULL", id).Scan(&n); err != nil {
			return fmt.Errorf("reissues of invoice %d: %w", id, err)
		}
		if n > 0 {
			errs.Add("status", "error.already_reissued")
			return errs
		}
		vals := copyHeader(src.Values)
		vals["reissued_from"] = id
		vals["order_id"] = src.Values["order_id"]
		vals["due_date"] = src.Values.Str("due_date")
		if d := src.Values.Str("due_date"); d != "" && d < istanbulDay(now()) {
			vals["due_date"] = istanbulDay(now())
		}
		rec, err := s.insertDoc(ctx, tx, a, m, vals, lines)
		if err != nil {
			return err
		}
		newID = rec.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.LoadDocument(ctx, a, m, newID)
}

// Convert makes the next document from a quote (an order) or an order
// (an invoice), carrying every line and the header's customer, contact,
// terms, currency, notes and discount, linked to it (order.quote_id,
// invoice.order_id), dated today; an invoice is due after the firm's
// payment days. A quote converts when accepted, an order unless
// cancelled; each once (error.already_converted, while the earlier
// document is live and, for an invoice, not cancelled). Errors:
// ErrNotFound, ErrForbidden, *ValidationError on "status".
func (s *Store) Convert(ctx context.Context, a *Actor, from *Module, id int64) (*Document, error) {
	from = s.mod(from)
	var to *Module
	switch from.Key {
	case Quotes.Key:
		to = s.mod(Orders)
	case Orders.Key:
		to = s.mod(Invoices)
	default:
		return nil, fmt.Errorf("store: %s does not convert", from.Key)
	}
	if err := authorize(a, to.Key, ActCreate); err != nil {
		return nil, err
	}
	var newID int64
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		src, lines, err := s.readSource(ctx, tx, a, from, id)
		if err != nil {
			return err
		}
		status := src.Values.Str("status")
		errs := &ValidationError{}
		vals := copyHeader(src.Values)
		var existing string
		if from.Key == Quotes.Key {
			if status != QuoteAccepted {
				errs.Add("status", "error.convert_quote_status")
				return errs
			}
			vals["quote_id"] = id
			existing = "SELECT count(*) FROM orders WHERE quote_id = ? AND deleted_at IS NULL AND status <> 'cancelled'"
		} else {
			if status == OrderCancelled {
				errs.Add("status", "error.convert_order_status")
				return errs
			}
			vals["order_id"] = id
			firm, err := readFirmDays(ctx, tx)
			if err != nil {
				return err
			}
			vals["due_date"] = now().In(tr.Istanbul).AddDate(0, 0, firm).Format(time.DateOnly)
			existing = "SELECT count(*) FROM invoices WHERE order_id = ? AND deleted_at IS NULL AND status <> 'cancelled'"
		}
		var n int
		if err := tx.QueryRowContext(ctx, existing, id).Scan(&n); err != nil {
			return fmt.Errorf("conversions of %s %d: %w", from.Key, id, err)
		}
		if n > 0 {
			errs.Add("status", "error.already_converted")
			return errs
		}
		rec, err := s.insertDoc(ctx, tx, a, to, vals, lines)
		if err != nil {
			return err
		}
		newID = rec.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.LoadDocument(ctx, a, to, newID)
}

// readSource reads a live document within the actor's read scope, with
// its lines, inside a write.
func (s *Store) readSource(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64) (*Record, []DocLine, error) {
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, nil, err
	}
	cond := "t.id = ? AND t.deleted_at IS NULL"
	if scope != "" {
		cond += " AND " + scope
	}
	rec, err := m.scan(tx.QueryRowContext(ctx, "SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s %d: %w", m.Key, id, err)
	}
	lines, err := readLines(ctx, tx, m, id)
	if err != nil {
		return nil, nil, err
	}
	return rec, lines, nil
}

// copyHeader is what a converted or reissued document takes from its
// source, dated today.
func copyHeader(src Values) Values {
	v := Values{"issue_date": istanbulDay(now())}
	for _, k := range []string{"subject", "customer_id", "contact_id", "owner_id", "payment_terms", "currency", "notes", "discount_amount"} {
		v[k] = src[k]
	}
	return v
}

// insertDoc creates a document with its lines inside a write, through
// the engine's insert (scope, checks, number, history).
func (s *Store) insertDoc(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, in Values, lines []DocLine) (*Record, error) {
	vals := m.NewValues()
	for k, v := range in {
		vals[k] = v
	}
	vals[valLines] = lines
	rec, err := s.insert(ctx, tx, a, m, vals)
	return stripped(rec), err
}

// readFirmDays is the firm's days to pay, for a new invoice's due date.
func readFirmDays(ctx context.Context, q querier) (int, error) {
	var days sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT payment_days FROM firm WHERE id = 1").Scan(&days); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("firm payment days: %w", err)
	}
	return int(days.Int64), nil
}

// ExpireQuotes marks expired the draft and sent quotes whose validity
// ended before the day of now (Istanbul), as the system, each in its
// history; main's periodic loop calls it. It returns how many expired.
func (s *Store) ExpireQuotes(ctx context.Context, at time.Time) (int, error) {
	m := s.mod(Quotes)
	a := SystemActor()
	day := istanbulDay(at)
	rows, err := s.reads.query(ctx, "SELECT id FROM quotes INDEXED BY quotes_expiring WHERE status IN ('draft', 'sent') AND deleted_at IS NULL AND valid_until <> '' AND valid_until < ? ORDER BY valid_until, id LIMIT 1000", day)
	if err != nil {
		return 0, fmt.Errorf("expiring quotes: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("expiring quotes: %w", err)
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows, "expiring quotes"); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := s.setStatus(ctx, tx, a, m, id, QuoteExpired, nil)
			return err
		})
		if _, invalid := AsValidation(err); invalid || errors.Is(err, ErrNotFound) {
			continue // decided or deleted meanwhile
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
