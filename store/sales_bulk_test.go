package store

import (
	"errors"
	"testing"
)

// CreateDocuments writes documents as CreateDocument does, many at once:
// the numbers continue the series without a gap, the totals are
// money.Compute's, the lines are kept in order with a product's name
// filled in; a bad document refuses the whole batch, and the series goes
// on where it stood.
func TestCreateDocuments(t *testing.T) {
	fx := newSalesFixture(t)
	product := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Kombi bakımı", "unit": "hizmet", "unit_price": int64(150000), "kdv_rate_id": int64(1)}).ID
	first := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), nil)
	lines := append(domainLines(), DocLine{ProductID: product, Quantity: 1000, UnitPrice: 150000, KDVRateBP: 2000})
	docs := []NewDocument{
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-03"}, Lines: lines},
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-04", "discount_amount": int64(5000), "status": InvoiceIssued,
			"issued_at": "2026-03-04T09:00:00Z"}, Lines: lines[:2]},
	}
	ids, err := fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, docs)
	if err != nil || len(ids) != 2 {
		t.Fatal(err, ids)
	}
	want := []string{"FTR2026000000002", "FTR2026000000003"}
	for i, id := range ids {
		d, err := fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Values.Str("number") != want[i] {
			t.Errorf("document %d: number %s, want %s (after %s)", i, d.Values.Str("number"), want[i], first.Values.Str("number"))
		}
		tot, err := DocumentTotals(docs[i].Lines, func() int64 { n, _ := docs[i].Values.Int("discount_amount"); return n }())
		if err != nil {
			t.Fatal(err)
		}
		if g, _ := d.Values.Int("grand_total"); g != tot.GrandTotal || g == 0 {
			t.Errorf("document %d: grand total %d, money.Compute %d", i, g, tot.GrandTotal)
		}
		if len(d.Lines) != len(docs[i].Lines) {
			t.Fatalf("document %d: %d lines, want %d", i, len(d.Lines), len(docs[i].Lines))
		}
	}
	d, _ := fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, ids[0])
	if d.Lines[3].Description != "Kombi bakımı" || d.Lines[3].Unit != "hizmet" || d.Lines[0].Description != "Danışmanlık" {
		t.Errorf("lines: %+v", d.Lines)
	}
	d, _ = fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, ids[1])
	if d.Values.Str("status") != InvoiceIssued || d.Values.Str("issued_at") != "2026-03-04T09:00:00Z" {
		t.Errorf("the flow's fields: %v %v", d.Values["status"], d.Values["issued_at"])
	}

	// A bad line stops the batch: nothing written, no number taken.
	_, err = fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, []NewDocument{
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-05"}, Lines: lines},
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-05"}, Lines: []DocLine{{Description: "x", Quantity: 1000, UnitPrice: 100, KDVRateBP: 1234}}},
	})
	var re *RowError
	if !errors.As(err, &re) || re.Row != 1 || re.Err.Fields["lines.0.kdv_rate"].Key != "error.line_kdv_unknown" {
		t.Fatalf("a bad rate: %v", err)
	}
	next := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), Values{"issue_date": "2026-03-06"})
	if next.Values.Str("number") != "FTR2026000000004" {
		t.Errorf("after a refused batch: %s", next.Values.Str("number"))
	}
	// Out of scope: a salesperson cannot load documents on a colleague's customer.
	if _, err := fx.st.CreateDocuments(fx.ctx, fx.me, Invoices, []NewDocument{{Values: Values{"customer_id": fx.other, "issue_date": "2026-03-05"}, Lines: lines}}); err == nil {
		t.Error("a document on a customer outside the scope was written")
	}
}
