package money

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
)

// Line is one line of a sales document as the arithmetic sees it.
type Line struct {
	Quantity   Qty
	UnitPrice  int64 // kuruş
	DiscountBP int64 // line discount in basis points (1000 = 10 %), 0..10000
	KDVRateBP  int64 // basis points (2000 = 20 %), 0..10000
}

// LineTotal is a line's amounts in kuruş. Gross − Discount = Net;
// Net − DocDiscount = Taxable; KDV = Taxable × rate, rounded.
type LineTotal struct {
	Gross       int64 // quantity × unit price, rounded
	Discount    int64 // line discount: Gross − Net
	Net         int64 // after the line discount, rounded once
	DocDiscount int64 // this line's share of the document discount
	Taxable     int64 // Net − DocDiscount: the KDV base
	KDV         int64
}

// RateTotal is one row of the KDV breakdown: the base charged at a rate
// and the KDV of that rate (the sum of the lines' KDVs).
type RateTotal struct {
	RateBP int64
	Base   int64
	KDV    int64
}

// Totals are a document's amounts in kuruş.
type Totals struct {
	Lines         []LineTotal
	Subtotal      int64 // Σ line nets (after line discounts)
	DiscountTotal int64 // document discount (spread over lines in proportion to their nets)
	KDVTotal      int64
	GrandTotal    int64       // Subtotal − DiscountTotal + KDVTotal
	Breakdown     []RateTotal // per rate, ascending by rate; rates no line uses are left out
}

// Errors Compute returns; callers map them to a message naming the field.
var (
	ErrNegative     = errors.New("money: negative quantity, price, discount or rate")
	ErrDiscount     = errors.New("money: discount over 100 %")
	ErrRate         = errors.New("money: KDV rate over 100 %")
	ErrTwoDiscounts = errors.New("money: a document discount is either a percentage or an amount, not both")
	ErrOverflow     = errors.New("money: amount too large")
)

// bpScale is 100 % in basis points.
const bpScale = 10000

var (
	bigBP    = big.NewInt(bpScale)
	bigQtyBP = big.NewInt(QtyScale * bpScale)
	bigQty   = big.NewInt(QtyScale)
)

// Compute applies DOMAIN.md's arithmetic. Line net = quantity × unit
// price × (1 − line discount), rounded once to kuruş half away from zero
// (1,5 × 19,99 less 10 % = 26,9865 → 26,99). The document discount is
// docDiscountBP basis points of the subtotal (rounded the same way), or
// docDiscountAmount kuruş; at most one of them may be non-zero, and it
// cannot exceed the subtotal. It is spread over the lines in proportion to
// their nets by the largest-remainder method, so the shares sum to it
// exactly (ties go to the earlier line). Line KDV = taxable × rate,
// rounded half away from zero; the KDV of a rate is the sum of its lines'
// KDVs, and the grand total is subtotal − discount + Σ KDV.
//
// Negative values, discounts or rates over 100 %, and amounts that do not
// fit an int64 are errors; the intermediate products are computed exactly
// (math/big), so nothing wraps silently.
func Compute(lines []Line, docDiscountBP, docDiscountAmount int64) (Totals, error) {
	if docDiscountBP < 0 || docDiscountAmount < 0 {
		return Totals{}, ErrNegative
	}
	if docDiscountBP > bpScale {
		return Totals{}, ErrDiscount
	}
	if docDiscountBP != 0 && docDiscountAmount != 0 {
		return Totals{}, ErrTwoDiscounts
	}
	t := Totals{Lines: make([]LineTotal, len(lines))}
	var num, a, b big.Int
	for i, l := range lines {
		if l.Quantity < 0 || l.UnitPrice < 0 || l.DiscountBP < 0 || l.KDVRateBP < 0 {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, ErrNegative)
		}
		if l.DiscountBP > bpScale {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, ErrDiscount)
		}
		if l.KDVRateBP > bpScale {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, ErrRate)
		}
		a.SetInt64(int64(l.Quantity))
		b.SetInt64(l.UnitPrice)
		num.Mul(&a, &b)
		gross, ok := roundDiv(&num, bigQty)
		if !ok {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, ErrOverflow)
		}
		b.SetInt64(bpScale - l.DiscountBP)
		num.Mul(&num, &b)
		net, ok := roundDiv(&num, bigQtyBP)
		if !ok {
			return Totals{}, fmt.Errorf("line %d: %w", i+1, ErrOverflow)
		}
		t.Lines[i] = LineTotal{Gross: gross, Discount: gross - net, Net: net}
		if t.Subtotal, ok = add(t.Subtotal, net); !ok {
			return Totals{}, ErrOverflow
		}
	}

	discount := docDiscountAmount
	if docDiscountBP != 0 {
		num.Mul(a.SetInt64(t.Subtotal), b.SetInt64(docDiscountBP))
		discount, _ = roundDiv(&num, bigBP) // ≤ subtotal: fits
	}
	if discount > t.Subtotal {
		return Totals{}, ErrDiscount
	}
	t.DiscountTotal = discount
	spread(t.Lines, discount, t.Subtotal)

	byRate := map[int64]*RateTotal{}
	for i := range t.Lines {
		lt := &t.Lines[i]
		lt.Taxable = lt.Net - lt.DocDiscount
		rate := lines[i].KDVRateBP
		num.Mul(a.SetInt64(lt.Taxable), b.SetInt64(rate))
		lt.KDV, _ = roundDiv(&num, bigBP) // rate ≤ 100 %: ≤ taxable
		var ok bool
		if t.KDVTotal, ok = add(t.KDVTotal, lt.KDV); !ok {
			return Totals{}, ErrOverflow
		}
		rt := byRate[rate]
		if rt == nil {
			rt = &RateTotal{RateBP: rate}
			byRate[rate] = rt
		}
		// Each rate's sums are bounded by the document's, checked above.
		rt.Base += lt.Taxable
		rt.KDV += lt.KDV
	}
	t.Breakdown = make([]RateTotal, 0, len(byRate))
	for _, rt := range byRate {
		t.Breakdown = append(t.Breakdown, *rt)
	}
	sort.Slice(t.Breakdown, func(i, j int) bool { return t.Breakdown[i].RateBP < t.Breakdown[j].RateBP })

	grand, ok := add(t.Subtotal-t.DiscountTotal, t.KDVTotal)
	if !ok {
		return Totals{}, ErrOverflow
	}
	t.GrandTotal = grand
	return t, nil
}

// spread shares discount (0 ≤ discount ≤ total, total = Σ nets) out over
// the lines in proportion to their nets by the largest-remainder
// (Hamilton) method: each line first gets ⌊discount × net / total⌋, and
// the kuruş left over go one each to the lines with the largest
// remainders, earlier lines first on a tie. No share exceeds its line's
// net, and the shares sum to discount exactly.
func spread(lines []LineTotal, discount, total int64) {
	if discount == 0 || total == 0 {
		return
	}
	type rem struct {
		i int
		r int64
	}
	rems := make([]rem, len(lines))
	var num, q, r, d, tot big.Int
	tot.SetInt64(total)
	d.SetInt64(discount)
	left := discount
	for i := range lines {
		num.Mul(&d, q.SetInt64(lines[i].Net))
		q.QuoRem(&num, &tot, &r) // both < 2^63: share ≤ net, remainder < total
		lines[i].DocDiscount = q.Int64()
		left -= lines[i].DocDiscount
		rems[i] = rem{i, r.Int64()}
	}
	// left < number of lines with a non-zero remainder, so each gets at
	// most one more kuruş, which keeps its share ≤ its net.
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; left > 0; k++ {
		lines[rems[k].i].DocDiscount++
		left--
	}
}

// roundDiv returns num / den rounded to the nearest integer, halves away
// from zero (2,5 → 3; −2,5 → −3), for den > 0, and whether it fits an
// int64.
func roundDiv(num, den *big.Int) (int64, bool) {
	var q, r big.Int
	q.QuoRem(num, den, &r) // truncates toward zero; r has num's sign
	r.Abs(&r)
	r.Lsh(&r, 1)
	if r.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(&q, big.NewInt(1))
		} else {
			q.Add(&q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// add returns a + b for non-negative a and b, and false on overflow.
func add(a, b int64) (int64, bool) {
	s := a + b
	if s < a {
		return 0, false
	}
	return s, true
}
