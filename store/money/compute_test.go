package money

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func qty(t *testing.T, s string) Qty {
	t.Helper()
	q, err := ParseQty(s)
	if err != nil {
		t.Fatalf("ParseQty(%q): %v", s, err)
	}
	return q
}

// DOMAIN.md's worked example, to the kuruş.
func TestComputeDomainExample(t *testing.T) {
	lines := []Line{
		{Quantity: qty(t, "3"), UnitPrice: 33333, KDVRateBP: 2000},
		{Quantity: qty(t, "1,5"), UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Quantity: qty(t, "2"), UnitPrice: 12345, KDVRateBP: 100},
	}
	got, err := Compute(lines, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []LineTotal{
		{Gross: 99999, Discount: 0, Net: 99999, Taxable: 99999, KDV: 20000},
		// 1,5 × 19,99 = 29,985 → 29,99 gross; × 0,9 = 26,9865 → 26,99 net.
		{Gross: 2999, Discount: 300, Net: 2699, Taxable: 2699, KDV: 270},
		{Gross: 24690, Discount: 0, Net: 24690, Taxable: 24690, KDV: 247},
	}
	for i, w := range want {
		if got.Lines[i] != w {
			t.Errorf("line %d = %+v, want %+v", i+1, got.Lines[i], w)
		}
	}
	if got.Subtotal != 127388 || got.DiscountTotal != 0 || got.KDVTotal != 20517 || got.GrandTotal != 147905 {
		t.Errorf("totals = %d − %d + %d = %d, want 127388 − 0 + 20517 = 147905",
			got.Subtotal, got.DiscountTotal, got.KDVTotal, got.GrandTotal)
	}
	wantRates := []RateTotal{{100, 24690, 247}, {1000, 2699, 270}, {2000, 99999, 20000}}
	if len(got.Breakdown) != len(wantRates) {
		t.Fatalf("breakdown = %+v", got.Breakdown)
	}
	for i, w := range wantRates {
		if got.Breakdown[i] != w {
			t.Errorf("breakdown[%d] = %+v, want %+v", i, got.Breakdown[i], w)
		}
	}
	if w := Words(got.GrandTotal); w != "Bin dört yüz yetmiş dokuz Türk lirası beş kuruş" {
		t.Errorf("Words = %q", w)
	}
}

func TestRoundDivHalfAwayFromZero(t *testing.T) {
	for _, c := range []struct{ num, den, want int64 }{
		{5, 10, 1}, {-5, 10, -1}, {15, 10, 2}, {-15, 10, -2}, {25, 10, 3}, {-25, 10, -3},
		{4, 10, 0}, {-4, 10, 0}, {6, 10, 1}, {-6, 10, -1}, {14999, 10000, 1}, {-14999, 10000, -1},
		{15000, 10000, 2}, {-15000, 10000, -2}, {0, 7, 0}, {7, 7, 1}, {-7, 7, -1},
		{1, 2, 1}, {-1, 2, -1}, {1, 3, 0}, {2, 3, 1}, {-2, 3, -1},
	} {
		got, ok := roundDiv(big.NewInt(c.num), big.NewInt(c.den))
		if !ok || got != c.want {
			t.Errorf("roundDiv(%d, %d) = %d, %v; want %d", c.num, c.den, got, ok, c.want)
		}
	}
	var huge big.Int
	huge.Lsh(big.NewInt(1), 70)
	if _, ok := roundDiv(&huge, big.NewInt(3)); ok {
		t.Error("roundDiv(2^70, 3) fits an int64?")
	}
}

// Half a kuruş rounds up in the line net and in the KDV.
func TestComputeRoundsHalvesUp(t *testing.T) {
	for _, c := range []struct {
		name     string
		line     Line
		net, kdv int64
	}{
		// 0,5 × 0,01 = 0,005 → 0,01; KDV 20 % of 0,01 = 0,002 → 0.
		{"half kuruş net", Line{Quantity: 500, UnitPrice: 1, KDVRateBP: 2000}, 1, 0},
		// 0,499 × 0,01 = 0,00499 → 0.
		{"under half", Line{Quantity: 499, UnitPrice: 1, KDVRateBP: 2000}, 0, 0},
		// 2,50 at 1 % = 0,025 → 0,03.
		{"half kuruş KDV", Line{Quantity: 1000, UnitPrice: 250, KDVRateBP: 100}, 250, 3},
		// 2,49 at 1 % = 0,0249 → 0,02.
		{"KDV under half", Line{Quantity: 1000, UnitPrice: 249, KDVRateBP: 100}, 249, 2},
		// 1 × 0,05 less 10 % = 0,045 → 0,05 (not banker's 0,04).
		{"half after discount", Line{Quantity: 1000, UnitPrice: 5, DiscountBP: 1000, KDVRateBP: 0}, 5, 0},
		// 0 % KDV.
		{"zero rate", Line{Quantity: 3000, UnitPrice: 1000, KDVRateBP: 0}, 3000, 0},
		// 100 % line discount.
		{"free", Line{Quantity: 3000, UnitPrice: 1000, DiscountBP: 10000, KDVRateBP: 2000}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Compute([]Line{c.line}, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Lines[0].Net != c.net || got.Lines[0].KDV != c.kdv {
				t.Errorf("net, KDV = %d, %d; want %d, %d", got.Lines[0].Net, got.Lines[0].KDV, c.net, c.kdv)
			}
			if got.GrandTotal != c.net+c.kdv {
				t.Errorf("grand total %d", got.GrandTotal)
			}
		})
	}
}

func TestComputeZeroRateLines(t *testing.T) {
	got, err := Compute([]Line{
		{Quantity: 1000, UnitPrice: 10000, KDVRateBP: 0},
		{Quantity: 2000, UnitPrice: 500, KDVRateBP: 2000},
		{Quantity: 1000, UnitPrice: 700, KDVRateBP: 0},
	}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []RateTotal{{0, 10700, 0}, {2000, 1000, 200}}
	if len(got.Breakdown) != 2 || got.Breakdown[0] != want[0] || got.Breakdown[1] != want[1] {
		t.Errorf("breakdown = %+v, want %+v", got.Breakdown, want)
	}
	if got.GrandTotal != 11900 {
		t.Errorf("grand = %d", got.GrandTotal)
	}
}

func TestComputeDocumentDiscount(t *testing.T) {
	// Three equal lines, 1,00 off: 0,33 each and one kuruş to the first.
	three := []Line{
		{Quantity: 1000, UnitPrice: 1000, KDVRateBP: 2000},
		{Quantity: 1000, UnitPrice: 1000, KDVRateBP: 1000},
		{Quantity: 1000, UnitPrice: 1000, KDVRateBP: 100},
	}
	got, err := Compute(three, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	shares := []int64{got.Lines[0].DocDiscount, got.Lines[1].DocDiscount, got.Lines[2].DocDiscount}
	if shares[0] != 34 || shares[1] != 33 || shares[2] != 33 {
		t.Errorf("shares = %v, want [34 33 33]", shares)
	}
	// KDV on the discounted amounts: 9,66 × 20 % = 1,932 → 1,93;
	// 9,67 × 10 % = 0,967 → 0,97; 9,67 × 1 % = 0,0967 → 0,10.
	if got.Lines[0].KDV != 193 || got.Lines[1].KDV != 97 || got.Lines[2].KDV != 10 {
		t.Errorf("KDVs = %d %d %d", got.Lines[0].KDV, got.Lines[1].KDV, got.Lines[2].KDV)
	}
	if got.Subtotal != 3000 || got.DiscountTotal != 100 || got.KDVTotal != 300 || got.GrandTotal != 3200 {
		t.Errorf("totals = %+v", got)
	}
	if got.Breakdown[0] != (RateTotal{100, 967, 10}) {
		t.Errorf("breakdown[0] = %+v", got.Breakdown[0])
	}

	// 10 % of DOMAIN's example: 127,388 → 127,39, spread 100,00 / 2,70 / 24,69.
	dom := []Line{
		{Quantity: 3000, UnitPrice: 33333, KDVRateBP: 2000},
		{Quantity: 1500, UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Quantity: 2000, UnitPrice: 12345, KDVRateBP: 100},
	}
	got, err = Compute(dom, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.DiscountTotal != 12739 {
		t.Errorf("discount = %d, want 12739", got.DiscountTotal)
	}
	var sum int64
	for _, l := range got.Lines {
		sum += l.DocDiscount
		if l.Taxable != l.Net-l.DocDiscount {
			t.Errorf("taxable %+v", l)
		}
	}
	if sum != got.DiscountTotal {
		t.Errorf("shares sum to %d, want %d", sum, got.DiscountTotal)
	}
	// Exact shares 9999,9·… : 99999×12739/127388 = 10000,04…, 2699×… = 269,90…, 24690×… = 2469,05…
	if got.Lines[0].DocDiscount != 10000 || got.Lines[1].DocDiscount != 270 || got.Lines[2].DocDiscount != 2469 {
		t.Errorf("shares = %d %d %d", got.Lines[0].DocDiscount, got.Lines[1].DocDiscount, got.Lines[2].DocDiscount)
	}

	// The whole subtotal off: nothing taxable is left.
	got, err = Compute(dom, 10000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.GrandTotal != 0 || got.KDVTotal != 0 {
		t.Errorf("100 %% off: %+v", got)
	}
	for _, l := range got.Lines {
		if l.DocDiscount != l.Net {
			t.Errorf("100 %% off line %+v", l)
		}
	}

	// Many small lines and an awkward amount still sum exactly, and no
	// share exceeds its line.
	var many []Line
	for i := range 97 {
		many = append(many, Line{Quantity: Qty(1000 + i*7), UnitPrice: int64(1 + i*13), KDVRateBP: []int64{0, 100, 1000, 2000}[i%4]})
	}
	base, err := Compute(many, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int64{1, 2, 96, 97, 98, 12345, base.Subtotal - 1, base.Subtotal} {
		got, err := Compute(many, 0, d)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, many, got)
		if got.DiscountTotal != d {
			t.Errorf("discount %d → %d", d, got.DiscountTotal)
		}
	}
}

func TestComputeErrors(t *testing.T) {
	ok := Line{Quantity: 1000, UnitPrice: 100, KDVRateBP: 2000}
	for _, c := range []struct {
		name    string
		lines   []Line
		bp, amt int64
		want    error
	}{
		{"negative quantity", []Line{{Quantity: -1, UnitPrice: 1}}, 0, 0, ErrNegative},
		{"negative price", []Line{{Quantity: 1, UnitPrice: -1}}, 0, 0, ErrNegative},
		{"negative discount", []Line{{Quantity: 1, UnitPrice: 1, DiscountBP: -1}}, 0, 0, ErrNegative},
		{"negative rate", []Line{{Quantity: 1, UnitPrice: 1, KDVRateBP: -1}}, 0, 0, ErrNegative},
		{"line discount over 100 %", []Line{{Quantity: 1, UnitPrice: 1, DiscountBP: 10001}}, 0, 0, ErrDiscount},
		{"rate over 100 %", []Line{{Quantity: 1, UnitPrice: 1, KDVRateBP: 10001}}, 0, 0, ErrRate},
		{"negative doc discount", []Line{ok}, -1, 0, ErrNegative},
		{"negative doc amount", []Line{ok}, 0, -1, ErrNegative},
		{"doc discount over 100 %", []Line{ok}, 10001, 0, ErrDiscount},
		{"doc amount over subtotal", []Line{ok}, 0, 101, ErrDiscount},
		{"doc amount with no lines", nil, 0, 1, ErrDiscount},
		{"both discounts", []Line{ok}, 100, 1, ErrTwoDiscounts},
		{"line overflow", []Line{{Quantity: math.MaxInt64, UnitPrice: math.MaxInt64}}, 0, 0, ErrOverflow},
		{"subtotal overflow", []Line{{Quantity: 1000, UnitPrice: math.MaxInt64}, {Quantity: 1000, UnitPrice: 1}}, 0, 0, ErrOverflow},
		{"grand total overflow", []Line{{Quantity: 1000, UnitPrice: math.MaxInt64 - 10, KDVRateBP: 100}}, 0, 0, ErrOverflow},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compute(c.lines, c.bp, c.amt)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
		})
	}
	// Large but valid: a line at the edge of int64 with a 100 % discount.
	if _, err := Compute([]Line{{Quantity: math.MaxInt64, UnitPrice: math.MaxInt64, DiscountBP: 10000}}, 0, 0); !errors.Is(err, ErrOverflow) {
		// Its gross does not fit, so it is still refused: the document
		// shows the gross.
		t.Errorf("err = %v", err)
	}
	got, err := Compute(nil, 0, 0)
	if err != nil || got.GrandTotal != 0 || len(got.Breakdown) != 0 {
		t.Errorf("empty document: %+v, %v", got, err)
	}
}

// checkInvariants checks what must hold for any successful Compute.
func checkInvariants(t *testing.T, lines []Line, got Totals) {
	t.Helper()
	if len(got.Lines) != len(lines) {
		t.Fatalf("%d line totals for %d lines", len(got.Lines), len(lines))
	}
	var net, disc, kdv int64
	rates := map[int64]RateTotal{}
	for i, l := range got.Lines {
		if l.Gross-l.Discount != l.Net || l.Net-l.DocDiscount != l.Taxable {
			t.Fatalf("line %d inconsistent: %+v", i, l)
		}
		if l.Discount < 0 || l.DocDiscount < 0 || l.DocDiscount > l.Net || l.KDV < 0 || l.KDV > l.Taxable {
			t.Fatalf("line %d out of range: %+v", i, l)
		}
		net += l.Net
		disc += l.DocDiscount
		kdv += l.KDV
		r := rates[lines[i].KDVRateBP]
		r.RateBP = lines[i].KDVRateBP
		r.Base += l.Taxable
		r.KDV += l.KDV
		rates[r.RateBP] = r
	}
	if net != got.Subtotal {
		t.Fatalf("Σ nets %d ≠ subtotal %d", net, got.Subtotal)
	}
	if disc != got.DiscountTotal {
		t.Fatalf("Σ shares %d ≠ discount %d", disc, got.DiscountTotal)
	}
	if kdv != got.KDVTotal {
		t.Fatalf("Σ KDV %d ≠ KDV total %d", kdv, got.KDVTotal)
	}
	if got.GrandTotal != got.Subtotal-got.DiscountTotal+got.KDVTotal {
		t.Fatalf("grand %d ≠ %d − %d + %d", got.GrandTotal, got.Subtotal, got.DiscountTotal, got.KDVTotal)
	}
	if len(got.Breakdown) != len(rates) {
		t.Fatalf("breakdown has %d rates, lines use %d", len(got.Breakdown), len(rates))
	}
	var base, bk int64
	for i, r := range got.Breakdown {
		if i > 0 && got.Breakdown[i-1].RateBP >= r.RateBP {
			t.Fatalf("breakdown not ascending: %+v", got.Breakdown)
		}
		if rates[r.RateBP] != r {
			t.Fatalf("breakdown %+v, lines give %+v", r, rates[r.RateBP])
		}
		base += r.Base
		bk += r.KDV
	}
	if base != got.Subtotal-got.DiscountTotal || bk != got.KDVTotal {
		t.Fatalf("breakdown sums %d, %d; want %d, %d", base, bk, got.Subtotal-got.DiscountTotal, got.KDVTotal)
	}
}

func BenchmarkCompute20(b *testing.B) {
	var lines []Line
	for i := range 20 {
		lines = append(lines, Line{Quantity: Qty(1500 + i*250), UnitPrice: int64(1999 + i*1234), DiscountBP: int64(i%3) * 500, KDVRateBP: []int64{2000, 1000, 100, 0}[i%4]})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(lines, 250, 0); err != nil {
			b.Fatal(err)
		}
	}
}
