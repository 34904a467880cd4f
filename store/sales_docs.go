package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/money"
	"kobicrm/store/tr"
)

// The lines, totals and numbers of the sales documents (quotes, orders,
// invoices). A document and its lines are saved in one write: the lines
// ride along in the values the engine passes to the module's hooks (under
// a key no field has, so no form or JSON body can set it), prepareDoc
// checks them, verifyDoc checks them against the database, computes the
// totals into the header and takes the number, and afterSaveDoc writes
// them; the engine does the rest (scope, validation, audit, search).

// DocLine is one line of a quote, order or invoice.
type DocLine struct {
	ProductID   int64     // the product the line sells; 0 for a free-text line
	Description string    // what is sold; a product's name when left empty
	Quantity    money.Qty // thousandths: 1,5 = 1500; more than 0
	Unit        string    // one of Units; the product's (or "adet") when empty
	UnitPrice   int64     // kuruş, not negative
	DiscountBP  int64     // the line's discount in basis points (1250 = 12,5 %), 0..10000
	KDVRateBP   int64     // basis points (2000 = 20 %), a rate of the KDV rate table
}

// MoneyLine is the line as the arithmetic sees it.
func (l DocLine) MoneyLine() money.Line {
	return money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, DiscountBP: l.DiscountBP, KDVRateBP: l.KDVRateBP}
}

// Document is a quote, order or invoice: its header record (with the
// totals in its values: subtotal, discount_total, kdv_total,
// grand_total), its lines in order, and the totals computed from them
// (per line and the KDV breakdown per rate).
type Document struct {
	*Record
	Lines  []DocLine
	Totals money.Totals
}

// The limits of a document's lines.
const (
	MaxDocLines       = 500
	maxLineDescLength = 1000
)

// Keys of Values that no field has: what the sales code passes from its
// functions to the module's hooks inside one write.
const (
	valLines = "\x00lines" // []DocLine: the document's new lines
	valFlow  = "\x00flow"  // true: a status move by the flow's own functions
)

// IsSalesDocument says whether m is a quote, order or invoice module.
func IsSalesDocument(m *Module) bool {
	_, ok := lineColumn[m.Key]
	return ok
}

// lineColumn is the column of sales_lines naming a document of a module.
var lineColumn = map[string]string{"quotes": "quote_id", "orders": "order_id", "invoices": "invoice_id"}

// DocumentTotals computes a document's totals from its lines and the
// document discount in kuruş, by DOMAIN.md's rules (money.Compute); the
// same numbers the store saves. The UI may call it for a preview.
func DocumentTotals(lines []DocLine, discountAmount int64) (money.Totals, error) {
	ml := make([]money.Line, len(lines))
	for i, l := range lines {
		ml[i] = l.MoneyLine()
	}
	return money.Compute(ml, 0, discountAmount)
}

// CreateDocument creates a quote, order or invoice (m) with its lines in
// one transaction: the header values as for Create (customer_id and
// issue_date required), the number taken from the document type's
// series, the totals computed. Errors: ErrForbidden, or a
// *ValidationError naming header fields and line fields as
// "lines.<index>.<field>" (index from 0; field one of product_id,
// description, quantity, unit, unit_price, discount_pct, kdv_rate).
func (s *Store) CreateDocument(ctx context.Context, a *Actor, m *Module, in Values, lines []DocLine) (*Document, error) {
	m = s.mod(m)
	if !IsSalesDocument(m) {
		return nil, fmt.Errorf("store: %s is not a sales document", m.Key)
	}
	vals := Values{}
	for k, v := range in {
		vals[k] = v
	}
	delete(vals, valFlow)
	vals[valLines] = normaliseLines(lines)
	rec, err := s.Create(ctx, a, m, vals)
	if err != nil {
		return nil, err
	}
	return s.LoadDocument(ctx, a, m, rec.ID)
}

// UpdateDocument changes a document's header (PATCH semantics, as
// Update) and, when lines is not nil, replaces its lines, in one
// transaction; a non-zero seen refuses with ErrConflict if the document
// changed since (UpdateIfUnchanged). A document is editable only while
// draft (quotes: also sent; orders: while open): otherwise a
// *ValidationError on "status" (error.document_locked). Errors as
// CreateDocument, and ErrNotFound.
func (s *Store) UpdateDocument(ctx context.Context, a *Actor, m *Module, id int64, in Values, lines []DocLine, seen time.Time) (*Document, error) {
	m = s.mod(m)
	if !IsSalesDocument(m) {
		return nil, fmt.Errorf("store: %s is not a sales document", m.Key)
	}
	vals := Values{}
	for k, v := range in {
		vals[k] = v
	}
	delete(vals, valFlow)
	if lines != nil {
		vals[valLines] = normaliseLines(lines)
	}
	if _, _, err := s.UpdateIfUnchanged(ctx, a, m, id, vals, seen); err != nil {
		return nil, err
	}
	return s.LoadDocument(ctx, a, m, id)
}

// LoadDocument reads a document through the actor's scope with its lines
// and their totals. ErrNotFound when it does not exist or is outside
// the actor's scope.
func (s *Store) LoadDocument(ctx context.Context, a *Actor, m *Module, id int64) (*Document, error) {
	m = s.mod(m)
	if !IsSalesDocument(m) {
		return nil, fmt.Errorf("store: %s is not a sales document", m.Key)
	}
	rec, err := s.Get(ctx, a, m, id)
	if err != nil {
		return nil, err
	}
	lines, err := readLines(ctx, s.reads, m, id)
	if err != nil {
		return nil, err
	}
	disc, _ := rec.Values.Int("discount_amount")
	totals, err := DocumentTotals(lines, disc)
	if err != nil {
		return nil, fmt.Errorf("totals of %s %d: %w", m.Key, id, err)
	}
	return &Document{Record: rec, Lines: lines, Totals: totals}, nil
}

// normaliseLines trims the lines' texts, without changing the caller's.
func normaliseLines(lines []DocLine) []DocLine {
	out := make([]DocLine, len(lines))
	for i, l := range lines {
		l.Description = strings.TrimSpace(l.Description)
		l.Unit = strings.TrimSpace(l.Unit)
		out[i] = l
	}
	return out
}

// lineField names a line's field in a *ValidationError.
func lineField(i int, name string) string { return "lines." + strconv.Itoa(i) + "." + name }

// checkLines checks what a line says by itself.
func checkLines(lines []DocLine, errs *ValidationError) {
	if len(lines) > MaxDocLines {
		errs.Add("lines", "error.too_many_lines", MaxDocLines)
		return
	}
	for i, l := range lines {
		n := i + 1
		if l.ProductID < 0 {
			errs.Add(lineField(i, "product_id"), "error.line_ref_missing", n)
		}
		if l.ProductID == 0 && l.Description == "" {
			errs.Add(lineField(i, "description"), "error.line_description", n)
		}
		if utf8.RuneCountInString(l.Description) > maxLineDescLength {
			errs.Add(lineField(i, "description"), "error.line_too_long", n, maxLineDescLength)
		}
		if l.Quantity <= 0 {
			errs.Add(lineField(i, "quantity"), "error.line_quantity", n)
		}
		if l.Unit != "" && !slices.Contains(Units, l.Unit) {
			errs.Add(lineField(i, "unit"), "error.line_unit", n)
		}
		if l.UnitPrice < 0 {
			errs.Add(lineField(i, "unit_price"), "error.line_price", n)
		}
		if l.DiscountBP < 0 || l.DiscountBP > 10000 {
			errs.Add(lineField(i, "discount_pct"), "error.line_discount", n)
		}
		if l.KDVRateBP < 0 || l.KDVRateBP > 10000 {
			errs.Add(lineField(i, "kdv_rate"), "error.line_kdv_rate", n)
		}
	}
}

// prepareDoc checks the new lines, when a save brings them.
func prepareDoc(v Values, errs *ValidationError) {
	if lines, ok := v[valLines].([]DocLine); ok {
		checkLines(lines, errs)
	}
	if n, ok := v.Int("discount_amount"); ok && n < 0 {
		errs.Add("discount_amount", "error.amount_negative")
	}
	if v.Str("currency") == "" {
		v["currency"] = "TRY"
	}
}

// editable says whether a document in a status may still be changed by
// its form: a quote until it is decided, an order while open, an
// invoice while a draft.
func editable(module, status string) bool {
	switch module {
	case "quotes":
		return status == QuoteDraft || status == QuoteSent
	case "orders":
		return status == OrderOpen
	default:
		return status == InvoiceDraft
	}
}

// verifyDoc is the document hooks' database part for a document type:
// an unchangeable document refused; the lines' products and rates
// checked, and the lines filled from their products; the totals
// computed into the header; a new document numbered.
func verifyDoc(docType string) func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	return func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
		flow, _ := v[valFlow].(bool)
		if id != 0 && !flow {
			var status string
			if err := q.QueryRowContext(ctx, "SELECT status FROM "+docType+" WHERE id = ?", id).Scan(&status); err != nil {
				return fmt.Errorf("status of %s %d: %w", docType, id, err)
			}
			if !editable(docType, status) {
				errs.Add("status", "error.document_locked", LabelKey("choice."+docType+".status."+status))
				return nil
			}
		}
		lines, given := v[valLines].([]DocLine)
		if given {
			if err := verifyLines(ctx, q, lines, errs); err != nil {
				return err
			}
		} else if id != 0 {
			var err error
			if lines, err = readLines(ctx, q, registry[docType], id); err != nil {
				return err
			}
		}
		if len(errs.Fields) > 0 {
			return nil
		}
		disc, _ := v.Int("discount_amount")
		t, err := DocumentTotals(lines, disc)
		switch {
		case errors.Is(err, money.ErrDiscount) && !errors.Is(err, money.ErrNegative):
			errs.Add("discount_amount", "error.discount_over_subtotal")
			return nil
		case errors.Is(err, money.ErrOverflow):
			errs.Add("lines", "error.amount_too_large")
			return nil
		case err != nil:
			errs.Add("lines", "error.lines_invalid")
			return nil
		}
		v["subtotal"], v["discount_total"], v["kdv_total"], v["grand_total"] = t.Subtotal, t.DiscountTotal, t.KDVTotal, t.GrandTotal
		if docType == "invoices" && v["paid_total"] == nil {
			v["paid_total"] = int64(0)
		}
		if id == 0 && docType == "invoices" && v.Str("due_date") == "" {
			// Due after the firm's payment days, unless given.
			if d, err := time.Parse(time.DateOnly, v.Str("issue_date")); err == nil {
				days, err := readFirmDays(ctx, q)
				if err != nil {
					return err
				}
				v["due_date"] = d.AddDate(0, 0, days).Format(time.DateOnly)
			}
		}
		if id == 0 {
			number, err := nextNumber(ctx, q, docType, v.Str("issue_date"))
			if err != nil {
				return err
			}
			v["number"] = number
		}
		return nil
	}
}

// verifyLines checks the lines against the database and fills a line's
// empty description and unit from its product: a product must be live,
// a rate one of the KDV rate table's.
func verifyLines(ctx context.Context, q querier, lines []DocLine, errs *ValidationError) error {
	rates := map[int64]bool{}
	rows, err := q.QueryContext(ctx, "SELECT rate FROM kdv_rates WHERE deleted_at IS NULL")
	if err != nil {
		return fmt.Errorf("read kdv rates: %w", err)
	}
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return fmt.Errorf("read kdv rates: %w", err)
		}
		rates[r] = true
	}
	if err := closeRows(rows, "kdv rates"); err != nil {
		return err
	}
	for i := range lines {
		l := &lines[i]
		if l.ProductID > 0 {
			var name, unit string
			err := q.QueryRowContext(ctx, "SELECT name, unit FROM products WHERE id = ? AND deleted_at IS NULL", l.ProductID).Scan(&name, &unit)
			if errors.Is(err, sql.ErrNoRows) {
				errs.Add(lineField(i, "product_id"), "error.line_ref_missing", i+1)
				continue
			}
			if err != nil {
				return fmt.Errorf("read product %d: %w", l.ProductID, err)
			}
			if l.Description == "" {
				l.Description = name
			}
			if l.Unit == "" {
				l.Unit = unit
			}
		}
		if l.Unit == "" {
			l.Unit = "adet"
		}
		if !rates[l.KDVRateBP] {
			errs.Add(lineField(i, "kdv_rate"), "error.line_kdv_unknown", i+1)
		}
	}
	return nil
}

// readLines reads a document's lines in order.
func readLines(ctx context.Context, q querier, m *Module, id int64) ([]DocLine, error) {
	col := lineColumn[m.Key]
	rows, err := q.QueryContext(ctx, "SELECT coalesce(product_id, 0), description, quantity, unit, unit_price, discount_bp, kdv_rate_bp FROM sales_lines WHERE "+
		col+" = ? ORDER BY position", id)
	if err != nil {
		return nil, fmt.Errorf("read lines of %s %d: %w", m.Key, id, err)
	}
	lines := []DocLine{}
	for rows.Next() {
		var l DocLine
		if err := rows.Scan(&l.ProductID, &l.Description, &l.Quantity, &l.Unit, &l.UnitPrice, &l.DiscountBP, &l.KDVRateBP); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read lines of %s %d: %w", m.Key, id, err)
		}
		lines = append(lines, l)
	}
	return lines, closeRows(rows, "lines")
}

// afterSaveDoc writes the lines a save of a document type brought, in
// place of the old ones, and records the change in the document's
// history.
func afterSaveDoc(docType string) func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
	return func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
		lines, ok := v[valLines].([]DocLine)
		if !ok {
			return nil
		}
		m := s.mod(registry[docType])
		col := lineColumn[docType]
		var before []DocLine
		if old != nil {
			var err error
			if before, err = readLines(ctx, tx, m, id); err != nil {
				return err
			}
			if slices.Equal(before, lines) {
				return nil
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sales_lines WHERE "+col+" = ?", id); err != nil {
			return fmt.Errorf("replace lines of %s %d: %w", docType, id, err)
		}
		if err := insertLines(ctx, tx, col, id, lines); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdate, m, id, []Change{{Field: "lines", Old: linesText(before), New: linesText(lines)}})
	}
}

// insertLines writes lines of the document whose sales_lines column is
// col.
func insertLines(ctx context.Context, tx *sql.Tx, col string, id int64, lines []DocLine) error {
	if len(lines) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO sales_lines ("+col+", position, product_id, description, quantity, unit, unit_price, discount_bp, kdv_rate_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return fmt.Errorf("write lines: %w", err)
	}
	defer stmt.Close()
	for i, l := range lines {
		var product any
		if l.ProductID > 0 {
			product = l.ProductID
		}
		if _, err := stmt.ExecContext(ctx, id, i+1, product, l.Description, int64(l.Quantity), l.Unit, l.UnitPrice, l.DiscountBP, l.KDVRateBP); err != nil {
			return fmt.Errorf("write line %d: %w", i+1, err)
		}
	}
	return nil
}

// linesText is the lines as the history shows them, one a line:
// "2 adet × 1.234,56 ₺ −%10 KDV %20: Ürün".
func linesText(lines []DocLine) string {
	if len(lines) == 0 {
		return ""
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d) %s %s × %s", i+1, l.Quantity, l.Unit, tr.Money(l.UnitPrice))
		if l.DiscountBP != 0 {
			b.WriteString(" −%" + bpText(l.DiscountBP))
		}
		b.WriteString(" KDV %" + bpText(l.KDVRateBP) + ": " + l.Description)
	}
	return b.String()
}

// bpText shows basis points as a percent the Turkish way: 1250 → "12,5".
func bpText(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%02d", r), "0")
	}
	return s
}

// nextNumber takes the next number of a document type's series inside
// the write's transaction: the counter of the series' prefix and the
// document's year (from its issue date; now's when it has none) is
// raised and read in one statement, and rolls back with the write if it
// fails, so the numbers stay gapless and distinct under any number of
// concurrent creations (there is one writer).
func nextNumber(ctx context.Context, q querier, docType, issueDate string) (string, error) {
	var prefix string
	if err := q.QueryRowContext(ctx, "SELECT prefix FROM number_series WHERE doc_type = ?", docType).Scan(&prefix); err != nil {
		return "", fmt.Errorf("number series of %s: %w", docType, err)
	}
	year := now().In(tr.Istanbul).Year()
	if d, err := time.Parse(time.DateOnly, issueDate); err == nil {
		year = d.Year()
	}
	var n int64
	err := q.QueryRowContext(ctx, `INSERT INTO number_counters (doc_type, prefix, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT (doc_type, prefix, year) DO UPDATE SET last = last + 1 RETURNING last`, docType, prefix, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next number of %s: %w", docType, err)
	}
	return FormatNumber(docType, prefix, year, n)
}

// FormatNumber writes a document number: an invoice's in the e-Arşiv
// form (prefix of three, year, nine digits: ABC2026000000001), a quote's
// or an order's as PREFIX-YEAR-0001.
func FormatNumber(docType, prefix string, year int, n int64) (string, error) {
	if docType == "invoices" {
		if n > 999_999_999 || year < 2000 || year > 2099 {
			return "", fmt.Errorf("store: invoice number %d of %d is out of the e-Arşiv range", n, year)
		}
		return fmt.Sprintf("%s%04d%09d", prefix, year, n), nil
	}
	return fmt.Sprintf("%s-%04d-%04d", prefix, year, n), nil
}
