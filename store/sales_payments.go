package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kobicrm/store/tr"
)

// Payments against invoices, and what an invoice's payments move: its
// paid total and its status (issued, partly_paid, paid).

// AddPayment records a payment of amount kuruş against an issued
// invoice on date (YYYY-MM-DD) by method (one of PaymentMethods), which
// moves the invoice to partly_paid or paid. Errors: ErrForbidden, or a
// *ValidationError: invoice_id (error.ref_missing; error.payment_status
// for a draft or cancelled invoice), amount (error.amount_positive;
// error.overpayment naming what is open), date, method.
func (s *Store) AddPayment(ctx context.Context, a *Actor, invoiceID int64, date string, amount int64, method, note string) (*Record, error) {
	return s.Create(ctx, a, s.mod(Payments), Values{"invoice_id": invoiceID, "date": date, "amount": amount, "method": method, "note": note})
}

// invoiceDeletable keeps an issued invoice out of the recycle bin (and
// the purge): it is cancelled instead, and stays.
func invoiceDeletable(ctx context.Context, q querier, id int64, errs *ValidationError) error {
	var status string
	err := q.QueryRowContext(ctx, "SELECT status FROM invoices WHERE id = ?", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("status of invoice %d: %w", id, err)
	}
	if status != InvoiceDraft {
		errs.Add("status", "error.invoice_not_deletable")
	}
	return nil
}

func preparePayment(v Values, errs *ValidationError) {
	if n, ok := v.Int("amount"); ok && n <= 0 {
		errs.Add("amount", "error.amount_positive")
	}
}

// payInvoice is what a payment checks of its invoice.
type payInvoice struct {
	status     string
	customer   int64
	grandTotal int64
	paidOthers int64 // the live payments but the one being saved
}

func readPayInvoice(ctx context.Context, q querier, invoiceID, paymentID int64) (*payInvoice, error) {
	var p payInvoice
	err := q.QueryRowContext(ctx, `SELECT status, customer_id, grand_total,
		(SELECT coalesce(sum(amount), 0) FROM payments WHERE invoice_id = i.id AND id <> ? AND deleted_at IS NULL)
		FROM invoices i WHERE i.id = ? AND i.deleted_at IS NULL`, paymentID, invoiceID).Scan(&p.status, &p.customer, &p.grandTotal, &p.paidOthers)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("invoice %d of a payment: %w", invoiceID, err)
	}
	return &p, nil
}

// check adds what is wrong with paying amount against the invoice.
func (p *payInvoice) check(amount int64, errs *ValidationError) {
	switch p.status {
	case InvoiceIssued, InvoicePartlyPaid, InvoicePaid:
	default:
		errs.Add("invoice_id", "error.payment_status", LabelKey("choice.invoices.status."+p.status))
		return
	}
	if open := p.grandTotal - p.paidOthers; amount > open {
		errs.Add("amount", "error.overpayment", tr.Money(open))
	}
}

// verifyPayment checks the payment against its invoice (issued, and not
// paid beyond its total), keeps its invoice once written, and takes the
// invoice's customer.
func verifyPayment(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	invoiceID, _ := v.Int("invoice_id")
	if id != 0 {
		var before int64
		if err := q.QueryRowContext(ctx, "SELECT invoice_id FROM payments WHERE id = ?", id).Scan(&before); err != nil {
			return fmt.Errorf("payment %d: %w", id, err)
		}
		if before != invoiceID {
			errs.Add("invoice_id", "error.payment_invoice_fixed")
			return nil
		}
	}
	inv, err := readPayInvoice(ctx, q, invoiceID, id)
	if err != nil {
		return err
	}
	if inv == nil {
		errs.Add("invoice_id", "error.ref_missing")
		return nil
	}
	amount, _ := v.Int("amount")
	inv.check(amount, errs)
	v["customer_id"] = inv.customer
	return nil
}

// afterSavePayment brings the payment's invoice up to date.
func afterSavePayment(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
	invoiceID, _ := v.Int("invoice_id")
	return s.syncInvoicePaid(ctx, tx, a, invoiceID)
}

// afterDeletePayment brings the invoice of a deleted or restored payment
// up to date; a payment comes back from the recycle bin only if its
// invoice can take it still.
func afterDeletePayment(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, action string) error {
	var invoiceID, amount int64
	if err := tx.QueryRowContext(ctx, "SELECT invoice_id, amount FROM payments WHERE id = ?", id).Scan(&invoiceID, &amount); err != nil {
		return fmt.Errorf("payment %d: %w", id, err)
	}
	if action == ActionRestore {
		inv, err := readPayInvoice(ctx, tx, invoiceID, id)
		if err != nil {
			return err
		}
		errs := &ValidationError{}
		if inv == nil {
			errs.Add("invoice_id", "error.ref_missing")
		} else {
			inv.check(amount, errs)
		}
		if err := errs.Err(); err != nil {
			return err
		}
	}
	return s.syncInvoicePaid(ctx, tx, a, invoiceID)
}

// syncInvoicePaid sets an invoice's paid total to the sum of its live
// payments, and its status to match: issued with none, partly_paid
// below its total, paid at it. A draft or cancelled invoice is left be.
func (s *Store) syncInvoicePaid(ctx context.Context, tx *sql.Tx, a *Actor, invoiceID int64) error {
	var status string
	var grand, paid, sum int64
	err := tx.QueryRowContext(ctx, `SELECT status, grand_total, paid_total,
		(SELECT coalesce(sum(amount), 0) FROM payments WHERE invoice_id = i.id AND deleted_at IS NULL)
		FROM invoices i WHERE id = ?`, invoiceID).Scan(&status, &grand, &paid, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("payments of invoice %d: %w", invoiceID, err)
	}
	if status == InvoiceDraft || status == InvoiceCancelled {
		return nil
	}
	want := InvoiceIssued
	switch {
	case sum >= grand && sum > 0:
		want = InvoicePaid
	case sum > 0:
		want = InvoicePartlyPaid
	}
	if want == status && sum == paid {
		return nil
	}
	// The payment moves its invoice whether or not its author may edit
	// invoices: the move is the payment's, recorded under their name.
	by := &Actor{UserID: a.UserID, Name: a.Name, System: true}
	_, _, err = s.update(ctx, tx, by, s.mod(Invoices), invoiceID, Values{"status": want, "paid_total": sum, valFlow: true})
	return err
}
