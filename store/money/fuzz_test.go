package money

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzParseQty: no panic; whatever parses shows as a string that parses
// back to the same quantity, and its JSON form reads back the same too.
func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"1,5", "1.5", "1.234,125", "1.234", "0,001", "1,234.5", "9.223.372.036.854.775,807", "-1", "1,2345", "", "12.34.567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQty(s)
		if err != nil {
			if q != 0 {
				t.Fatalf("ParseQty(%q) = %d with error %v", s, q, err)
			}
			return
		}
		if q < 0 {
			t.Fatalf("ParseQty(%q) = %d: negative", s, q)
		}
		str := q.String()
		if again, err := ParseQty(str); err != nil || again != q {
			t.Fatalf("ParseQty(%q) = %d; String %q parses to %d, %v", s, q, str, again, err)
		}
		if again, err := QtyFromJSON(q.JSON()); err != nil || again != q {
			t.Fatalf("ParseQty(%q) = %d; JSON %q reads back %d, %v", s, q, q.JSON(), again, err)
		}
		// Whatever the separators, the digits are the same digits.
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if strings.TrimLeft(digits, "0") == "" && q != 0 {
			t.Fatalf("ParseQty(%q) = %d from no significant digit", s, q)
		}
	})
}

// FuzzQtyFromJSON: no panic; an accepted number agrees with the standard
// library's decoder where that is exact enough to compare, and reads back
// from its own JSON and Turkish forms.
func FuzzQtyFromJSON(f *testing.F) {
	for _, s := range []string{"1.5", "2", "1.5e2", "15e-1", "0.001", "0.0001", "-1", "-0", "1e99999", "01", "9223372036854775.807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := QtyFromJSON(json.Number(s))
		if err != nil {
			if q != 0 {
				t.Fatalf("QtyFromJSON(%q) = %d with error %v", s, q, err)
			}
			return
		}
		if q < 0 {
			t.Fatalf("QtyFromJSON(%q) = %d: negative", s, q)
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("QtyFromJSON(%q) accepted invalid JSON", s)
		}
		if again, err := QtyFromJSON(q.JSON()); err != nil || again != q {
			t.Fatalf("QtyFromJSON(%q) = %d; JSON %q reads back %d, %v", s, q, q.JSON(), again, err)
		}
		if again, err := ParseQty(q.String()); err != nil || again != q {
			t.Fatalf("QtyFromJSON(%q) = %d; String %q parses to %d, %v", s, q, q.String(), again, err)
		}
		// Small values are exact in a float64: compare with the decoder.
		if q < 1<<40 {
			var f float64
			if err := json.Unmarshal([]byte(s), &f); err != nil {
				t.Fatalf("json.Unmarshal(%q): %v", s, err)
			}
			if diff := f*QtyScale - float64(q); diff > 1e-3 || diff < -1e-3 {
				t.Fatalf("QtyFromJSON(%q) = %d, float decoder %v", s, q, f)
			}
		}
	})
}

// FuzzCompute: for any lines Compute accepts, the invariants hold: Σ line
// nets = subtotal, Σ shares = document discount, grand = subtotal −
// discount + KDV, the breakdown sums to the taxable base and the KDV.
// Refusals are the documented errors, never a panic.
func FuzzCompute(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 0, 0, 0, 0}, int64(3000), int64(33333), int64(0), int64(2000), int64(0), int64(0))
	f.Add([]byte{1, 5, 9, 200, 7, 7, 7, 1}, int64(1500), int64(1999), int64(1000), int64(1000), int64(1000), int64(0))
	f.Add([]byte{2, 1, 2, 3}, int64(2000), int64(12345), int64(0), int64(100), int64(0), int64(100))
	f.Add([]byte{}, int64(1), int64(1), int64(1), int64(1), int64(0), int64(1))
	f.Fuzz(func(t *testing.T, shape []byte, qty, price, disc, rate, docBP, docAmt int64) {
		// Half the time, fold the raw values into valid ranges so that
		// most runs reach the arithmetic rather than the range checks.
		if len(shape) > 0 && shape[0]%2 == 0 {
			qty, price = abs(qty)%1e9, abs(price)%1e12
			disc, rate, docBP = abs(disc)%10001, abs(rate)%10001, abs(docBP)%10001
			if docBP != 0 {
				docAmt = 0
			} else {
				docAmt = abs(docAmt) % 1e6
			}
		}
		// Derive up to 32 lines from one seed line, varied by shape bytes.
		if len(shape) > 32 {
			shape = shape[:32]
		}
		lines := []Line{{Quantity: Qty(qty), UnitPrice: price, DiscountBP: disc, KDVRateBP: rate}}
		for i, b := range shape {
			l := lines[0]
			l.Quantity = Qty(int64(l.Quantity)/int64(b%7+1) + int64(b))
			l.UnitPrice = l.UnitPrice/int64(b%5+1) + int64(i)
			l.DiscountBP = (l.DiscountBP + int64(b)*37) % 10001
			if b%3 == 0 {
				l.DiscountBP = 0
			}
			l.KDVRateBP = []int64{0, 100, 1000, 2000}[b%4]
			if lines[0].KDVRateBP < 0 || lines[0].DiscountBP < 0 {
				l.KDVRateBP, l.DiscountBP = -1, -1
			}
			lines = append(lines, l)
		}
		got, err := Compute(lines, docBP, docAmt)
		if err != nil {
			for _, e := range []error{ErrNegative, ErrDiscount, ErrRate, ErrTwoDiscounts, ErrOverflow} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		checkInvariants(t, lines, got)
		if docAmt != 0 && got.DiscountTotal != docAmt {
			t.Fatalf("discount %d, asked %d", got.DiscountTotal, docAmt)
		}
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -(n + 1) // no overflow at math.MinInt64
	}
	return n
}
