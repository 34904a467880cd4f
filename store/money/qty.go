// Package money holds the arithmetic of sales documents (quotes, orders,
// invoices) as /work/shared/DOMAIN.md states it: quantities with up to
// three decimals, line nets rounded to kuruş half away from zero, a
// document discount spread over the lines, KDV per rate, and the amount in
// Turkish words printed on an invoice. Everything is exact integer
// arithmetic; no float ever touches an amount. The package has no database
// dependency so that the store, the UI and the PDF writer can share it.
package money

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Qty is a quantity with up to 3 decimals, stored as thousandths
// (1,5 = 1500). It is a whole number of thousandths so that sums and
// comparisons are exact; a document line's quantity is never negative.
type Qty int64

// QtyScale is the number of Qty units in one whole unit.
const QtyScale = 1000

// qtyDecimals is the number of decimals a Qty can hold (10^3 = QtyScale).
const qtyDecimals = 3

// maxQtyLen bounds the text a parser looks at: the longest valid quantity
// ("9.223.372.036.854.775,807" and the like) is far shorter. It keeps a
// fuzzer or a hostile form from making a parser walk megabytes.
const maxQtyLen = 64

var (
	errQtySyntax    = errors.New("money: not a quantity")
	errQtyDecimals  = errors.New("money: a quantity has at most 3 decimals")
	errQtyNegative  = errors.New("money: a quantity cannot be negative")
	errQtyOverflow  = errors.New("money: quantity too large")
	errQtyEmptyJSON = errors.New("money: empty JSON number")
)

// ParseQty reads a quantity typed by a user, the Turkish way or the
// English way:
//
//   - "1,5", "1.234,5", "1.234.567,125": comma decimal mark, dots group
//     thousands;
//   - "1.5", "1234.125", "1,234.5": dot decimal mark (commas group);
//   - "1.234" with exactly three digits after a lone dot is one thousand two
//     hundred thirty-four, as a Turkish user means it and as String writes
//     it (the same rule as tr.ParseMoney); where the dot cannot group
//     thousands ("0.001", "1234.567") it is the decimal mark. Programs that
//     send decimals with a dot should use QtyFromJSON.
//
// At most three decimals, well-formed grouping, no sign (a quantity is
// never negative; "+" is tolerated) and values that fit a Qty are
// accepted; anything else is an error. Surrounding white space is ignored.
// No float is involved: "0,001" is exactly 1.
func ParseQty(s string) (Qty, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxQtyLen {
		return 0, errQtySyntax
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return 0, errQtyNegative
	}
	s = strings.TrimPrefix(s, "+")
	intPart, frac, err := splitQty(s)
	if err != nil {
		return 0, err
	}
	return qtyFromDigits(strings.NewReplacer(".", "", ",", "").Replace(intPart), frac)
}

// splitQty splits an unsigned number into its integer part (digits,
// possibly grouped) and its 0–3 decimal digits, following ParseQty's
// rules.
func splitQty(s string) (intPart, frac string, err error) {
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return "", "", errQtySyntax
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var dec int // index of the decimal mark
	var group byte
	switch {
	case dots == 0 && commas == 0:
		return s, "", nil
	case dots > 0 && commas > 0:
		dec = max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ','))
		group = '.'
		if s[dec] == '.' {
			group = ','
		}
		if strings.Count(s, s[dec:dec+1]) != 1 {
			return "", "", errQtySyntax
		}
	case commas == 1:
		dec = strings.IndexByte(s, ',')
	case commas > 1:
		return "", "", errQtySyntax
	case dots == 1:
		dec = strings.IndexByte(s, '.')
		if len(s)-dec-1 == 3 && validGrouping(s, '.') {
			// "1.234": thousands. A dot that cannot be grouping
			// ("0.001", "1234.567") is a decimal mark.
			return s, "", nil
		}
	default: // several dots, no comma: thousands groups
		if validGrouping(s, '.') {
			return s, "", nil
		}
		return "", "", errQtySyntax
	}
	intPart, frac = s[:dec], s[dec+1:]
	if frac == "" || !allDigits(frac) || intPart == "" {
		return "", "", errQtySyntax
	}
	if len(frac) > qtyDecimals {
		return "", "", errQtyDecimals
	}
	if group != 0 {
		if !validGrouping(intPart, group) {
			return "", "", errQtySyntax
		}
	} else if !allDigits(intPart) {
		return "", "", errQtySyntax
	}
	return intPart, frac, nil
}

// validGrouping reports whether s is digits grouped in threes by sep, with
// a first group of one to three digits that does not start with 0.
func validGrouping(s string, sep byte) bool {
	groups := strings.Split(s, string(sep))
	if len(groups) < 2 {
		return false
	}
	first := groups[0]
	if len(first) < 1 || len(first) > 3 || first[0] == '0' || !allDigits(first) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// qtyFromDigits builds a Qty from plain integer digits and 0–3 decimal
// digits, checking for overflow.
func qtyFromDigits(whole, frac string) (Qty, error) {
	if len(frac) > qtyDecimals {
		return 0, errQtyDecimals
	}
	const limit = uint64(1<<63 - 1)
	var n uint64
	for i := 0; i < len(whole); i++ {
		d := uint64(whole[i] - '0')
		if n > (limit-d)/10 {
			return 0, errQtyOverflow
		}
		n = n*10 + d
	}
	var f uint64
	for i := 0; i < qtyDecimals; i++ {
		f *= 10
		if i < len(frac) {
			f += uint64(frac[i] - '0')
		}
	}
	if n > (limit-f)/QtyScale {
		return 0, errQtyOverflow
	}
	return Qty(n*QtyScale + f), nil
}

// String shows the quantity the Turkish way, without needless zeros:
// "1,5", "2", "1.234,125", "0,001". A negative Qty (which no parser
// returns) shows with a leading "-".
func (q Qty) String() string {
	whole, frac, neg := q.parts()
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// JSON gives the quantity as a JSON number with a dot decimal mark and no
// needless zeros: "1.5", "2", "1234.125".
func (q Qty) JSON() json.Number {
	whole, frac, neg := q.parts()
	s := whole
	if frac != "" {
		s += "." + frac
	}
	if neg {
		s = "-" + s
	}
	return json.Number(s)
}

// parts splits q into the digits of its whole part, its decimals without
// trailing zeros ("" when whole) and its sign. math.MinInt64 is handled:
// its magnitude fits a uint64.
func (q Qty) parts() (whole, frac string, neg bool) {
	neg = q < 0
	mag := uint64(q)
	if neg {
		mag = -mag
	}
	whole = strconv.FormatUint(mag/QtyScale, 10)
	if r := mag % QtyScale; r != 0 {
		frac = strings.TrimRight(strconv.FormatUint(r+QtyScale, 10)[1:], "0")
	}
	return whole, frac, neg
}

// QtyFromJSON reads a quantity sent as a JSON number ("2", "1.5",
// "1.5e2", "1500E-3"), exactly: the value must be a whole number of
// thousandths, not negative, and fit a Qty. "0.0005" and "-1" are errors;
// "1.500" and "15e-1" are 1,5. Grouping marks are not part of JSON and are
// rejected.
func QtyFromJSON(n json.Number) (Qty, error) {
	s := string(n)
	if s == "" {
		return 0, errQtyEmptyJSON
	}
	if len(s) > maxQtyLen {
		return 0, errQtySyntax
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	// JSON's grammar: int = "0" | [1-9][0-9]*; frac = "." digits+;
	// exp = [eE] [+-]? digits+.
	if whole == "" || !allDigits(whole) || (len(whole) > 1 && whole[0] == '0') {
		return 0, errQtySyntax
	}
	if hasDot && (frac == "" || !allDigits(frac)) {
		return 0, errQtySyntax
	}
	e := 0
	if hasExp {
		es := strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if es == "" || !allDigits(es) || len(exp)-len(es) > 1 {
			return 0, errQtySyntax
		}
		// The text is at most maxQtyLen long, so any exponent that
		// could matter is small; a longer one is out of range.
		if len(es) > 4 {
			if strings.Trim(whole+frac, "0") == "" {
				return 0, nil // 0e99999 is zero
			}
			if exp[0] == '-' {
				return 0, errQtyDecimals
			}
			return 0, errQtyOverflow
		}
		e, _ = strconv.Atoi(es)
		if exp[0] == '-' {
			e = -e
		}
	}
	// The value is digits × 10^(e − len(frac)); shift the decimal point.
	digits := whole + frac
	point := len(whole) + e // position of the decimal point in digits
	var intDigits, fracDigits string
	switch {
	case point <= 0:
		intDigits, fracDigits = "0", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		if strings.Trim(digits, "0") != "" && point-len(digits) > 20 {
			return 0, errQtyOverflow
		}
		intDigits = digits + strings.Repeat("0", min(point-len(digits), 20))
	default:
		intDigits, fracDigits = digits[:point], digits[point:]
	}
	fracDigits = strings.TrimRight(fracDigits, "0")
	if len(fracDigits) > qtyDecimals {
		return 0, errQtyDecimals
	}
	intDigits = strings.TrimLeft(intDigits, "0")
	if len(intDigits) > 20 {
		return 0, errQtyOverflow
	}
	q, err := qtyFromDigits(intDigits, fracDigits)
	if err != nil {
		return 0, err
	}
	if neg && q != 0 {
		return 0, errQtyNegative
	}
	return q, nil
}
