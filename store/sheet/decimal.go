package sheet

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNumber: a text is not a number written with the given decimal mark.
var ErrNumber = errors.New("not a number")

// DecimalMark is the character that separates a number's fraction: ',' in
// Turkish (1.234,56), '.' in English and in the plain form (1,234.56; 1234.56).
type DecimalMark byte

const (
	Comma DecimalMark = ','
	Point DecimalMark = '.'
)

func (m DecimalMark) group() byte {
	if m == Comma {
		return '.'
	}
	return ','
}

// DecimalVotes gathers evidence about a column's decimal mark one value at a
// time, so that an importer streaming rows can feed it as they come.
//
// Each value votes by its shape, after spaces, a sign, parentheses and a
// currency (₺, TL, TRY) are set aside:
//
//   - both ',' and '.' present: the last one is the decimal mark
//     ("1.234,56" votes ',', "1,234.56" votes '.');
//   - one of them, twice or more: it groups thousands, the other is the mark
//     ("1.234.567" votes ',');
//   - one of them, once, not followed by exactly three digits: it is the mark
//     ("12,5", "0.75", "3,1415" vote for their own character);
//   - one of them, once, before exactly three digits: it is the mark if what
//     precedes it cannot be a first thousands group — empty, starting with 0,
//     or longer than three digits ("0,125", "1234,567") — or if the value
//     already groups with spaces ("1 234,567");
//   - otherwise ("1.234", "12,500", or no mark at all) the value is ambiguous
//     and does not vote.
type DecimalVotes struct {
	Comma, Point int
}

// Add counts the vote of one value.
func (v *DecimalVotes) Add(s string) {
	body, ok := numberBody(s)
	if !ok {
		return
	}
	switch voteOf(body) {
	case Comma:
		v.Comma++
	case Point:
		v.Point++
	}
}

// Decide returns the mark with more votes, and true; or fallback and false
// when no value voted or the votes tie. The fallback should come from the
// file (Table.DecimalHint): a column of nothing but "1.234" and "2.500" means
// thousands in a file from Turkish Excel and decimals in one from elsewhere.
// A column that is mostly one way and partly the other takes the majority,
// and the minority values then fail NormalizeNumber, by row, rather than
// importing as numbers a thousand times off.
func (v DecimalVotes) Decide(fallback DecimalMark) (DecimalMark, bool) {
	switch {
	case v.Comma > v.Point:
		return Comma, true
	case v.Point > v.Comma:
		return Point, true
	}
	return fallback, false
}

// DetectDecimalMark tells the decimal mark of a numeric column from sample
// values; see DecimalVotes for the rule.
func DetectDecimalMark(samples []string, fallback DecimalMark) (DecimalMark, bool) {
	var v DecimalVotes
	for _, s := range samples {
		v.Add(s)
	}
	return v.Decide(fallback)
}

func voteOf(body string) DecimalMark {
	lastComma, lastPoint := strings.LastIndexByte(body, ','), strings.LastIndexByte(body, '.')
	switch {
	case lastComma >= 0 && lastPoint >= 0:
		if lastComma > lastPoint {
			return Comma
		}
		return Point
	case lastComma < 0 && lastPoint < 0:
		return 0
	}
	c, other := byte(','), Point
	if lastPoint >= 0 {
		c, other = '.', Comma
	}
	if strings.Count(body, string(c)) > 1 {
		return other
	}
	mark := DecimalMark(c)
	intPart, frac, _ := strings.Cut(body, string(c))
	if len(frac) != 3 || strings.ContainsFunc(frac, notDigit) {
		return mark
	}
	if intPart == "" || intPart[0] == '0' || strings.IndexByte(intPart, ' ') >= 0 {
		return mark
	}
	if len(intPart) > 3 {
		return mark
	}
	return 0
}

func notDigit(r rune) bool { return r < '0' || r > '9' }

// NormalizeNumber turns a number as a person or Excel wrote it into the plain
// form "-1234.56" that strconv and the store's parsers read: no grouping, a
// '.' mark, a '-' sign, no leading zeros. It accepts surrounding spaces,
// grouping by the other mark (in threes) or by spaces, a leading '+' or '-'
// or U+2212, accounting parentheses for a negative, an exponent ("1,5E+03"),
// and a currency: ₺, TL or TRY before or after, or a trailing " ?", which is
// what becomes of ₺ when Turkish Excel saves "CSV" in Windows-1254 (that code
// page has no ₺). Anything else is ErrNumber, including a grouping that does
// not fit the mark: with Comma, "12.5" is refused rather than read as 125.
func NormalizeNumber(s string, mark DecimalMark) (string, error) {
	if mark != Comma && mark != Point {
		return "", fmt.Errorf("%w: %q: decimal mark %q", ErrNumber, s, rune(mark))
	}
	body, neg, ok := numberParts(s)
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrNumber, s)
	}
	mant, exp, hasExp := body, "", false
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		mant, exp, hasExp = body[:i], body[i+1:], true
	}
	intPart, frac, _ := strings.Cut(mant, string(rune(mark)))
	intDigits, ok := ungroup(intPart, mark.group())
	if !ok || strings.ContainsFunc(frac, notDigit) || intDigits == "" && frac == "" {
		return "", fmt.Errorf("%w: %q", ErrNumber, s)
	}
	if hasExp {
		e, ok := parseExp(exp)
		if !ok {
			return "", fmt.Errorf("%w: %q: exponent", ErrNumber, s)
		}
		intDigits, frac = shiftPoint(intDigits, frac, e)
	}
	intDigits = strings.TrimLeft(intDigits, "0")
	frac = strings.TrimRight(frac, "0")
	if intDigits == "" {
		intDigits = "0"
	}
	var b strings.Builder
	if neg && (intDigits != "0" || frac != "") {
		b.WriteByte('-')
	}
	b.WriteString(intDigits)
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String(), nil
}

// maxExp bounds the exponent NormalizeNumber expands, so that "1E999999"
// cannot become a megabyte of zeros; Excel's own limit is 308.
const maxExp = 400

func parseExp(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || len(s) > 4 || strings.ContainsFunc(s, notDigit) {
		return 0, false
	}
	e := 0
	for _, c := range s {
		e = e*10 + int(c-'0')
	}
	if e > maxExp {
		return 0, false
	}
	if neg {
		e = -e
	}
	return e, true
}

// shiftPoint moves the decimal point of intDigits.frac by e places.
func shiftPoint(intDigits, frac string, e int) (string, string) {
	digits := intDigits + frac
	point := len(intDigits) + e
	switch {
	case point <= 0:
		return "", strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits)), ""
	}
	return digits[:point], digits[point:]
}

// ungroup checks the thousands grouping of an integer part and removes it:
// either no separator, or groups of three after a first group of one to
// three digits, all separated by the same character (group, or a space).
func ungroup(s string, group byte) (string, bool) {
	sep := byte(0)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == group || c == ' ' {
			if sep != 0 && c != sep {
				return "", false
			}
			sep = c
		} else if c < '0' || c > '9' {
			return "", false
		}
	}
	if sep == 0 {
		return s, true
	}
	parts := strings.Split(s, string(sep))
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// numberBody is numberParts without the sign, for voting.
func numberBody(s string) (string, bool) {
	body, _, ok := numberParts(s)
	if i := strings.IndexAny(body, "eE"); i >= 0 {
		body = body[:i]
	}
	return body, ok
}

// numberParts strips what surrounds the digits of a number: spaces, a
// currency, a sign or accounting parentheses. The body it returns has its
// inner spaces (of any kind) turned into ' ' and holds only digits, ',', '.',
// ' ' and an exponent; ok is false for anything else.
func numberParts(s string) (body string, neg, ok bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimFunc(s[1:len(s)-1], unicode.IsSpace)
	}
	s = trimCurrency(s)
	if r, n := utf8.DecodeRuneInString(s); r == '-' || r == '+' || r == '−' {
		if neg {
			return "", false, false
		}
		neg, s = r != '+', strings.TrimFunc(s[n:], unicode.IsSpace)
		s = trimCurrency(s)
	}
	if s == "" {
		return "", false, false
	}
	var b strings.Builder
	b.Grow(len(s))
	exp := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == ',', r == '.':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case (r == 'e' || r == 'E') && !exp && i > 0:
			exp = true
			b.WriteRune(r)
		case (r == '+' || r == '-') && exp && i > 0 && (s[i-1] == 'e' || s[i-1] == 'E'):
			b.WriteRune(r)
		default:
			return "", false, false
		}
	}
	return b.String(), neg, true
}

// trimCurrency removes one currency sign or code from either end.
func trimCurrency(s string) string {
	for _, c := range []string{"₺", "TRY", "TL"} {
		if len(s) > len(c) && strings.EqualFold(s[:len(c)], c) {
			return strings.TrimFunc(s[len(c):], unicode.IsSpace)
		}
		if len(s) > len(c) && strings.EqualFold(s[len(s)-len(c):], c) {
			return strings.TrimFunc(s[:len(s)-len(c)], unicode.IsSpace)
		}
	}
	if n := len(s); n > 2 && s[n-1] == '?' && unicode.IsSpace(rune(s[n-2])) {
		return strings.TrimFunc(s[:n-1], unicode.IsSpace)
	}
	return s
}
