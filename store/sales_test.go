package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kobicrm/store/money"
)

// salesFixture is the opportunities fixture (a salesperson "me" with the
// Satış role, a customer of hers and a colleague's) with a product.
type salesFixture struct {
	*oppFixture
	product int64
}

func newSalesFixture(t *testing.T) *salesFixture {
	t.Helper()
	fx := &salesFixture{oppFixture: newOppFixture(t)}
	fx.product = mustCreate(t, fx.st, fx.admin, Products, Values{"code": "LST-01", "name": "Kış lastiği 205/55 R16",
		"unit": "adet", "unit_price": int64(250000), "kdv_rate_id": int64(1)}).ID
	return fx
}

// domainLines are DOMAIN.md's worked example: 3 × 333,33 at 20 %;
// 1,5 × 19,99 less 10 % at 10 %; 2 × 123,45 at 1 %.
func domainLines() []DocLine {
	return []DocLine{
		{Description: "Danışmanlık", Quantity: 3000, Unit: "saat", UnitPrice: 33333, KDVRateBP: 2000},
		{Description: "Kitap", Quantity: 1500, Unit: "adet", UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Description: "Ekmek", Quantity: 2000, Unit: "adet", UnitPrice: 12345, KDVRateBP: 100},
	}
}

func (fx *salesFixture) doc(t *testing.T, a *Actor, m *Module, customer int64, lines []DocLine, extra Values) *Document {
	t.Helper()
	v := Values{"customer_id": customer, "issue_date": "2026-03-02"}
	for k, x := range extra {
		v[k] = x
	}
	d, err := fx.st.CreateDocument(fx.ctx, a, m, v, lines)
	if err != nil {
		t.Fatalf("create %s: %v", m.Key, err)
	}
	return d
}

func TestDocumentCreateLoadTotals(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	lines := append(domainLines(), DocLine{ProductID: fx.product, Quantity: 4000, UnitPrice: 250000, KDVRateBP: 2000})
	d := fx.doc(t, fx.me, Quotes, fx.mine, lines, Values{"valid_until": "2026-04-01"})
	if d.Values.Str("number") != "TKL-2026-0001" {
		t.Errorf("number %q", d.Values.Str("number"))
	}
	if d.Values.Str("status") != QuoteDraft {
		t.Errorf("status %q", d.Values.Str("status"))
	}
	if len(d.Lines) != 4 || d.Lines[3].Description != "Kış lastiği 205/55 R16" || d.Lines[3].Unit != "adet" {
		t.Fatalf("lines %+v", d.Lines)
	}
	// DOMAIN.md: subtotal 1.273,88, KDV 205,17, total 1.479,05; plus 4 ×
	// 2.500,00 at 20 % = 10.000,00 + 2.000,00.
	if d.Totals.Subtotal != 127388+1000000 || d.Totals.KDVTotal != 20517+200000 || d.Totals.GrandTotal != 147905+1200000 {
		t.Errorf("totals %+v", d.Totals)
	}
	for _, f := range []string{"subtotal", "kdv_total", "grand_total"} {
		n, _ := d.Values.Int(f)
		want := map[string]int64{"subtotal": d.Totals.Subtotal, "kdv_total": d.Totals.KDVTotal, "grand_total": d.Totals.GrandTotal}[f]
		if n != want {
			t.Errorf("header %s %d, want %d", f, n, want)
		}
	}
	if len(d.Totals.Breakdown) != 3 || d.Totals.Breakdown[2] != (money.RateTotal{RateBP: 2000, Base: 99999 + 1000000, KDV: 20000 + 200000}) {
		t.Errorf("breakdown %+v", d.Totals.Breakdown)
	}
	second := fx.doc(t, fx.admin, Quotes, fx.other, nil, nil)
	if second.Values.Str("number") != "TKL-2026-0002" || len(second.Lines) != 0 || second.Totals.GrandTotal != 0 {
		t.Errorf("second quote %v %+v", second.Values["number"], second.Totals)
	}
}

func TestInvoiceNumbersConcurrentGapless(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, NumberSeries, 3, Values{"prefix": "abc"}); err != nil {
		t.Fatalf("set the invoice prefix: %v", err)
	}
	const n = 100
	numbers := make(chan string, n)
	errc := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := fx.admin
			cust := fx.other
			if i%2 == 0 {
				a, cust = fx.me, fx.mine
			}
			d, err := fx.st.CreateDocument(fx.ctx, a, Invoices, Values{"customer_id": cust, "issue_date": "2026-06-01"}, domainLines())
			if err != nil {
				errc <- err
				return
			}
			numbers <- d.Values.Str("number")
		}()
	}
	wg.Wait()
	close(numbers)
	close(errc)
	for err := range errc {
		t.Fatalf("create: %v", err)
	}
	seen := map[string]bool{}
	for num := range numbers {
		if !InvoiceNumberPattern.MatchString(num) {
			t.Errorf("%q is not an e-Arşiv number", num)
		}
		seen[num] = true
	}
	for i := 1; i <= n; i++ {
		want := fmt.Sprintf("ABC2026%09d", i)
		if !seen[want] {
			t.Errorf("%s missing: the numbers have a gap or a duplicate", want)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct numbers, want %d", len(seen), n)
	}
	// A failed creation takes no number.
	_, err := fx.st.CreateDocument(fx.ctx, fx.admin, Invoices, Values{"customer_id": fx.other, "issue_date": "2026-06-01"},
		[]DocLine{{Description: "x", Quantity: 1000, UnitPrice: 100, KDVRateBP: 1800}})
	expect(t, "an unknown rate", err, errInvalid, "lines.0.kdv_rate")
	d := fx.doc(t, fx.admin, Invoices, fx.other, domainLines(), Values{"issue_date": "2026-06-02"})
	if got := d.Values.Str("number"); got != "ABC2026000000101" {
		t.Errorf("after a failed creation: %s", got)
	}
}

func TestQuoteOrderInvoiceFlow(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	ctx, st := fx.ctx, fx.st
	opp := fx.opp(t, "Lastik alımı", fx.mine, "Teklif", 100000, "2026-04-01", nil)
	lines := append(domainLines(), DocLine{ProductID: fx.product, Quantity: 2500, UnitPrice: 250000, DiscountBP: 1250, KDVRateBP: 2000})
	q := fx.doc(t, fx.me, Quotes, fx.mine, lines, Values{"opportunity_id": opp.ID, "valid_until": "2026-04-01", "discount_amount": int64(5000)})

	_, err := st.Convert(ctx, fx.me, Quotes, q.ID)
	expect(t, "converting a draft quote", err, errInvalid, "status")
	_, err = st.SetStatus(ctx, fx.me, Quotes, q.ID, QuoteAccepted)
	expect(t, "accepting a draft", err, errInvalid, "status")
	if _, err := st.SetStatus(ctx, fx.me, Quotes, q.ID, QuoteSent); err != nil {
		t.Fatal(err)
	}
	// Editable while sent; the lines and totals change together.
	if _, err := st.UpdateDocument(ctx, fx.me, Quotes, q.ID, Values{"notes": "**Not**"}, lines, time.Time{}); err != nil {
		t.Fatalf("edit a sent quote: %v", err)
	}
	if _, err := st.SetStatus(ctx, fx.me, Quotes, q.ID, QuoteAccepted); err != nil {
		t.Fatal(err)
	}
	won, err := st.Get(ctx, fx.admin, Opportunities, opp.ID)
	if err != nil || won.Values.Str("status") != StageWon {
		t.Errorf("the opportunity after acceptance: %v %v", won.Values["status"], err)
	}
	_, err = st.UpdateDocument(ctx, fx.me, Quotes, q.ID, Values{"notes": "sonra"}, nil, time.Time{})
	expect(t, "editing an accepted quote", err, errInvalid, "status")

	order, err := st.Convert(ctx, fx.me, Quotes, q.ID)
	if err != nil {
		t.Fatalf("convert the quote: %v", err)
	}
	if !slices.Equal(order.Lines, q.Lines) || order.Totals.GrandTotal != q.Totals.GrandTotal || order.Values["quote_id"] != q.ID {
		t.Errorf("order %+v lines %+v, quote lines %+v", order.Values, order.Lines, q.Lines)
	}
	if order.Values.Str("status") != OrderOpen || order.Values.Str("number") != "SIP-"+order.Values.Str("issue_date")[:4]+"-0001" {
		t.Errorf("order status %v number %v", order.Values["status"], order.Values["number"])
	}
	_, err = st.Convert(ctx, fx.me, Quotes, q.ID)
	expect(t, "converting twice", err, errInvalid, "status")
	_, err = st.SetStatus(ctx, fx.me, Orders, order.ID, OrderCompleted)
	expect(t, "completing an open order", err, errInvalid, "status")
	if _, err := st.SetStatus(ctx, fx.me, Orders, order.ID, OrderDelivered); err != nil {
		t.Fatal(err)
	}
	inv, err := st.Convert(ctx, fx.me, Orders, order.ID)
	if err != nil {
		t.Fatalf("convert the order: %v", err)
	}
	if !slices.Equal(inv.Lines, q.Lines) || inv.Totals.GrandTotal != order.Totals.GrandTotal || inv.Values["order_id"] != order.ID {
		t.Errorf("invoice %+v", inv.Values)
	}
	if inv.Values.Str("due_date") == "" || !InvoiceNumberPattern.MatchString(inv.Values.Str("number")) {
		t.Errorf("invoice due %q number %q", inv.Values.Str("due_date"), inv.Values.Str("number"))
	}

	// A draft invoice is edited; an issued one is not, nor deleted.
	if _, err := st.UpdateDocument(ctx, fx.me, Invoices, inv.ID, Values{"payment_terms": "30 gün"}, nil, time.Time{}); err != nil {
		t.Fatalf("edit a draft invoice: %v", err)
	}
	if _, err := st.IssueInvoice(ctx, fx.me, inv.ID); err != nil {
		t.Fatalf("issue: %v", err)
	}
	_, err = st.UpdateDocument(ctx, fx.me, Invoices, inv.ID, Values{"payment_terms": "60 gün"}, nil, time.Time{})
	expect(t, "editing an issued invoice", err, errInvalid, "status")
	_, err = st.UpdateDocument(ctx, fx.admin, Invoices, inv.ID, nil, domainLines(), time.Time{})
	expect(t, "changing an issued invoice's lines", err, errInvalid, "status")
	_, _, err = st.Update(ctx, fx.admin, Invoices, inv.ID, Values{"notes": "x"})
	expect(t, "the generic update of an issued invoice", err, errInvalid, "status")
	err = st.Delete(ctx, fx.admin, Invoices, inv.ID)
	expect(t, "deleting an issued invoice", err, errInvalid, "status")
	if err := st.Delete(ctx, fx.admin, Customers, fx.mine); err != nil {
		t.Fatal(err)
	}
	err = st.Purge(ctx, fx.admin, Customers, fx.mine)
	expect(t, "purging the customer of an issued invoice", err, errInvalid, "status")
	if err := st.Restore(ctx, fx.admin, Customers, fx.mine); err != nil {
		t.Fatal(err)
	}

	// Payments.
	total := inv.Totals.GrandTotal
	_, err = st.AddPayment(ctx, fx.me, inv.ID, "2026-03-10", total+1, "nakit", "")
	expect(t, "an overpayment", err, errInvalid, "amount")
	_, err = st.AddPayment(ctx, fx.me, inv.ID, "2026-03-10", 0, "nakit", "")
	expect(t, "a zero payment", err, errInvalid, "amount")
	_, err = st.AddPayment(ctx, fx.me, inv.ID, "2026-03-10", 100, "bitcoin", "")
	expect(t, "an unknown method", err, errInvalid, "method")
	p1, err := st.AddPayment(ctx, fx.me, inv.ID, "2026-03-10", 10000, "havale_eft", "ilk taksit")
	if err != nil {
		t.Fatal(err)
	}
	fx.wantInvoice(t, inv.ID, InvoicePartlyPaid, 10000)
	_, err = st.CancelInvoice(ctx, fx.me, inv.ID, "yanlış")
	expect(t, "cancelling a paid invoice", err, errInvalid, "status")
	p2, err := st.AddPayment(ctx, fx.me, inv.ID, "2026-03-11", total-10000, "kredi_karti", "")
	if err != nil {
		t.Fatal(err)
	}
	fx.wantInvoice(t, inv.ID, InvoicePaid, total)
	if err := st.Delete(ctx, fx.me, Payments, p2.ID); err != nil {
		t.Fatal(err)
	}
	fx.wantInvoice(t, inv.ID, InvoicePartlyPaid, 10000)
	if err := st.Delete(ctx, fx.me, Payments, p1.ID); err != nil {
		t.Fatal(err)
	}
	fx.wantInvoice(t, inv.ID, InvoiceIssued, 0)
	if err := st.Restore(ctx, fx.admin, Payments, p1.ID); err != nil {
		t.Fatal(err)
	}
	fx.wantInvoice(t, inv.ID, InvoicePartlyPaid, 10000)
	if err := st.Delete(ctx, fx.admin, Payments, p1.ID); err != nil {
		t.Fatal(err)
	}

	// Cancel and reissue: both stay.
	if _, err := st.CancelInvoice(ctx, fx.me, inv.ID, "Adres hatalı"); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	_, err = st.AddPayment(ctx, fx.me, inv.ID, "2026-03-12", 100, "nakit", "")
	expect(t, "a payment on a cancelled invoice", err, errInvalid, "invoice_id")
	re, err := st.ReissueInvoice(ctx, fx.me, inv.ID)
	if err != nil {
		t.Fatalf("reissue: %v", err)
	}
	if re.Values["reissued_from"] != inv.ID || re.Values.Str("status") != InvoiceDraft || !slices.Equal(re.Lines, inv.Lines) ||
		re.Values.Str("number") == inv.Values.Str("number") {
		t.Errorf("reissued %+v", re.Values)
	}
	_, err = st.ReissueInvoice(ctx, fx.me, inv.ID)
	expect(t, "reissuing twice", err, errInvalid, "status")
	if old, err := st.Get(ctx, fx.me, Invoices, inv.ID); err != nil || old.Values.Str("status") != InvoiceCancelled || old.Values.Str("cancel_reason") != "Adres hatalı" {
		t.Errorf("the cancelled invoice: %v %v", old, err)
	}
	draft := fx.doc(t, fx.me, Invoices, fx.mine, nil, nil)
	_, err = st.IssueInvoice(ctx, fx.me, draft.ID)
	expect(t, "issuing an invoice without lines", err, errInvalid, "lines")
	if err := st.Delete(ctx, fx.me, Invoices, draft.ID); err != nil {
		t.Errorf("deleting a draft invoice: %v", err)
	}

	// The history holds the moves and the lines.
	hist, err := st.History(ctx, fx.admin, Quotes, q.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var sawLines, sawStatus bool
	for _, e := range hist {
		for _, c := range e.Changes {
			sawLines = sawLines || (c.Field == "lines" && strings.Contains(fmt.Sprint(c.New), "Kış lastiği"))
			sawStatus = sawStatus || (c.Field == "status" && c.New == QuoteAccepted)
		}
	}
	if !sawLines || !sawStatus {
		t.Errorf("history %+v", hist)
	}
}

func (fx *salesFixture) wantInvoice(t *testing.T, id int64, status string, paid int64) {
	t.Helper()
	r, err := fx.st.Get(fx.ctx, fx.admin, Invoices, id)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Values.Int("paid_total"); r.Values.Str("status") != status || p != paid {
		t.Errorf("invoice %s paid %d, want %s %d", r.Values.Str("status"), p, status, paid)
	}
}

func TestSalesScope(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	ctx, st := fx.ctx, fx.st
	mine := fx.doc(t, fx.me, Invoices, fx.mine, domainLines(), nil)
	theirs := fx.doc(t, fx.admin, Invoices, fx.other, domainLines(), nil)
	_, err := st.CreateDocument(ctx, fx.me, Quotes, Values{"customer_id": fx.other, "issue_date": "2026-03-02"}, domainLines())
	expect(t, "a quote for another's customer", err, errInvalid, "customer_id")
	_, err = st.LoadDocument(ctx, fx.me, Invoices, theirs.ID)
	expect(t, "reading another's invoice", err, ErrNotFound, "")
	_, err = st.IssueInvoice(ctx, fx.me, theirs.ID)
	expect(t, "issuing another's invoice", err, ErrNotFound, "")
	_, err = st.Convert(ctx, fx.me, Orders, theirs.ID)
	expect(t, "converting what is not seen", err, ErrNotFound, "")
	page, err := st.List(ctx, fx.me, Invoices, ListQuery{Limit: 50})
	if err != nil || len(page.Records) != 1 || page.Records[0].ID != mine.ID {
		t.Errorf("the salesperson's invoice list: %v %v", page, err)
	}
	for _, id := range []int64{mine.ID, theirs.ID} {
		if _, err := st.IssueInvoice(ctx, fx.admin, id); err != nil {
			t.Fatal(err)
		}
	}
	_, err = st.AddPayment(ctx, fx.me, theirs.ID, "2026-03-05", 100, "nakit", "")
	expect(t, "paying what is not seen", err, errInvalid, "invoice_id")
	rec, err := st.Receivables(ctx, fx.me, ReceivablesQuery{At: time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Items) != 1 || rec.Items[0].InvoiceID != mine.ID {
		t.Errorf("the salesperson's receivables: %+v", rec.Items)
	}
	_, err = st.CustomerSales(ctx, fx.me, fx.other, 10)
	expect(t, "another's customer's sales", err, ErrNotFound, "")
	cs, err := st.CustomerSales(ctx, fx.me, fx.mine, 10)
	if err != nil || cs.InvoiceCount != 1 || len(cs.OpenBalance) != 1 || cs.OpenBalance[0].Minor != mine.Totals.GrandTotal {
		t.Errorf("customer sales %+v %v", cs, err)
	}
	// The counts are of all the documents, the lists of the newest few.
	second := fx.doc(t, fx.me, Invoices, fx.mine, domainLines(), nil)
	cs, err = st.CustomerSales(ctx, fx.me, fx.mine, 1)
	if err != nil || cs.InvoiceCount != 2 || cs.QuoteCount != 0 || len(cs.Invoices) != 1 || cs.Invoices[0].ID != second.ID {
		t.Errorf("customer sales with room for one: %+v %v", cs, err)
	}
	// Each kind lands in its own list, read in the one query with the
	// others and the balance.
	quote := fx.doc(t, fx.me, Quotes, fx.mine, domainLines(), nil)
	cs, err = st.CustomerSales(ctx, fx.me, fx.mine, 10)
	if err != nil || cs.QuoteCount != 1 || len(cs.Quotes) != 1 || cs.Quotes[0].ID != quote.ID || cs.Quotes[0].Module != Quotes.Key ||
		len(cs.Invoices) != 2 || cs.Invoices[0].ID != second.ID || cs.Invoices[0].Module != Invoices.Key || len(cs.OpenBalance) != 1 {
		t.Errorf("customer sales of two kinds: %+v %v", cs, err)
	}
}

func TestReceivablesBuckets(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	at := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC) // Istanbul day 2026-07-01
	dues := map[string]string{"2026-06-30": Aging0to30, "2026-06-01": Aging0to30, "2026-05-31": Aging31to60,
		"2026-05-02": Aging31to60, "2026-05-01": Aging61to90, "2026-04-02": Aging61to90, "2026-04-01": Aging90Plus, "2025-01-01": Aging90Plus}
	var sum int64
	for due := range dues {
		d := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), Values{"due_date": due})
		if _, err := fx.st.IssueInvoice(fx.ctx, fx.admin, d.ID); err != nil {
			t.Fatal(err)
		}
		sum = d.Totals.GrandTotal
	}
	// Not overdue: due today, and a draft.
	fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), Values{"due_date": "2026-05-01"})
	d := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), Values{"due_date": "2026-07-01"})
	if _, err := fx.st.IssueInvoice(fx.ctx, fx.admin, d.ID); err != nil {
		t.Fatal(err)
	}
	rec, err := fx.st.Receivables(fx.ctx, fx.admin, ReceivablesQuery{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Items) != len(dues) {
		t.Fatalf("%d overdue, want %d", len(rec.Items), len(dues))
	}
	for _, it := range rec.Items {
		if it.Bucket != dues[it.DueDate] {
			t.Errorf("due %s (%d days) in %s, want %s", it.DueDate, it.DaysLate, it.Bucket, dues[it.DueDate])
		}
	}
	for _, b := range rec.Buckets {
		if b.Count != 2 || len(b.Totals) != 1 || b.Totals[0].Minor != 2*sum {
			t.Errorf("bucket %+v", b)
		}
	}
	one, err := fx.st.Receivables(fx.ctx, fx.admin, ReceivablesQuery{At: at, Bucket: Aging90Plus})
	if err != nil || len(one.Items) != 2 || one.Items[0].DueDate != "2025-01-01" {
		t.Errorf("the 90+ bucket: %+v %v", one, err)
	}
}

func TestExpireQuotes(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	old := fx.doc(t, fx.admin, Quotes, fx.mine, domainLines(), Values{"valid_until": "2026-03-10"})
	sent := fx.doc(t, fx.admin, Quotes, fx.mine, domainLines(), Values{"valid_until": "2026-03-10"})
	if _, err := fx.st.SetStatus(fx.ctx, fx.admin, Quotes, sent.ID, QuoteSent); err != nil {
		t.Fatal(err)
	}
	current := fx.doc(t, fx.admin, Quotes, fx.mine, domainLines(), Values{"valid_until": "2026-03-11"})
	n, err := fx.st.ExpireQuotes(fx.ctx, time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC)) // 11 March in Istanbul
	if err != nil || n != 2 {
		t.Fatalf("expired %d: %v", n, err)
	}
	for id, want := range map[int64]string{old.ID: QuoteExpired, sent.ID: QuoteExpired, current.ID: QuoteDraft} {
		r, _ := fx.st.Get(fx.ctx, fx.admin, Quotes, id)
		if r.Values.Str("status") != want {
			t.Errorf("quote %d: %s, want %s", id, r.Values.Str("status"), want)
		}
	}
}

// TestTotalsProperties saves many random documents and checks the
// totals the store keeps: line nets sum to the subtotal, the breakdown
// sums to the KDV total, every line rounded on its own.
func TestTotalsProperties(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	rnd := rand.New(rand.NewPCG(11, 17))
	rates := []int64{0, 100, 1000, 2000}
	for i := range 60 {
		lines := make([]DocLine, 1+rnd.IntN(8))
		for j := range lines {
			lines[j] = DocLine{Description: fmt.Sprintf("Satır %d", j), Quantity: money.Qty(1 + rnd.Int64N(50000)),
				UnitPrice: rnd.Int64N(5_000_000), DiscountBP: rnd.Int64N(3) * rnd.Int64N(5000), KDVRateBP: rates[rnd.IntN(4)]}
		}
		d := fx.doc(t, fx.admin, Orders, fx.mine, lines, nil)
		tot := d.Totals
		var nets, kdvs, base, bkdv int64
		for j, lt := range tot.Lines {
			nets += lt.Net
			kdvs += lt.KDV
			l := lines[j]
			// net = q × p × (1 − d), half away from zero, in integers.
			num := int64(l.Quantity) * l.UnitPrice * (10000 - l.DiscountBP)
			want := (num + 5000*1000) / (10000 * 1000)
			if lt.Net != want {
				t.Errorf("doc %d line %d net %d, want %d", i, j, lt.Net, want)
			}
		}
		for _, b := range tot.Breakdown {
			base += b.Base
			bkdv += b.KDV
		}
		g, _ := d.Values.Int("grand_total")
		if nets != tot.Subtotal || kdvs != tot.KDVTotal || bkdv != tot.KDVTotal || base != tot.Subtotal || g != tot.Subtotal+tot.KDVTotal {
			t.Errorf("doc %d: nets %d kdvs %d breakdown %d/%d, totals %+v, stored grand %d", i, nets, kdvs, base, bkdv, tot, g)
		}
	}
}

// TestNoFloatInSales: money in the sales code is integers only.
func TestNoFloatInSales(t *testing.T) {
	files, err := filepath.Glob("sales*.go")
	if err != nil || len(files) < 5 {
		t.Fatalf("sales files %v %v", files, err)
	}
	for _, f := range append(files, "money/compute.go", "money/qty.go") {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("float32")) || bytes.Contains(b, []byte("float64")) || bytes.Contains(b, []byte("ParseFloat")) {
			t.Errorf("%s uses floating point", f)
		}
	}
}
