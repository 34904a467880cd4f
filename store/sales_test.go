package store

import (
	"testing"

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
