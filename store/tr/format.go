package tr

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	// Embed the zone database: Windows and minimal containers have no
	// zoneinfo, and without it LoadLocation fails and every date shown
	// would silently be in the wrong zone.
	_ "time/tzdata"
)

// Istanbul is Turkey's time zone. Turkey has kept UTC+3 all year since
// 2016; the named zone still matters for dates before that.
var Istanbul = loadIstanbul()

func loadIstanbul() *time.Location {
	loc, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		// Cannot happen with time/tzdata linked in; keep the current
		// offset rather than fall back to UTC.
		return time.FixedZone("TRT", 3*3600)
	}
	return loc
}

// Money shows an amount in kuruş (1/100 TL) the Turkish way: "1.234,56 ₺".
// The symbol goes after the number, as on Turkish invoices and receipts.
// All of int64 is handled, including math.MinInt64.
func Money(kurus int64) string {
	return Decimal(kurus, 2) + " ₺"
}

// Int shows an integer with Turkish digit grouping: 1234567 → "1.234.567".
func Int(n int64) string {
	return Decimal(n, 0)
}

// Decimal shows a fixed-point number, units × 10^-scale, with a dot between
// thousands and a comma before the decimals: Decimal(123456789, 2) →
// "1.234.567,89". Scale 0 is an integer; a negative scale appends zeros
// (Decimal(12, -3) → "12.000"). It panics if scale is outside ±100, which
// is always a programming error and would otherwise build huge strings.
func Decimal(units int64, scale int) string {
	if scale < -100 || scale > 100 {
		panic("tr.Decimal: scale out of range: " + strconv.Itoa(scale))
	}
	neg := units < 0
	// Work on the magnitude as uint64: -math.MinInt64 does not fit an
	// int64, but its magnitude fits a uint64, and uint64(-x) wraps to it.
	mag := uint64(units)
	if neg {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)
	if scale < 0 {
		digits += strings.Repeat("0", -scale)
		scale = 0
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	intPart, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]

	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3 + 2)
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(intPart[i])
	}
	if scale > 0 {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// Date shows the calendar day of t in Istanbul as "05.01.2026". A time
// stored in UTC late in the evening is already the next day in Turkey, and
// that is the day the user saw. The zero time shows as "" (no date).
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Istanbul).Format("02.01.2006")
}

// DateTime shows t in Istanbul as "05.01.2026 14:30"; the zero time as "".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Istanbul).Format("02.01.2006 15:04")
}

var monthNames = [...]string{
	"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran",
	"Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
}

// LongDate shows the day of t in Istanbul as "5 Ocak 2026", the form used
// in letters and documents. Go's time package knows only English month
// names. The zero time shows as "".
func LongDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.In(Istanbul).Date()
	return strconv.Itoa(d) + " " + monthNames[m-1] + " " + strconv.Itoa(y)
}

// ParseDate reads a date typed by a user or sent by an HTML date input:
// "05.01.2026", "5.1.2026" or "2026-01-05". It returns midnight of that day
// in Istanbul. Impossible dates (31.02.2026) are rejected, not rolled over
// as time.Date would. Surrounding white space is ignored.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	var y, m, d int
	var ok bool
	if parts := strings.Split(s, "."); len(parts) == 3 {
		d, ok = parseDigits(parts[0], 1, 2)
		if !ok {
			return time.Time{}, false
		}
		m, ok = parseDigits(parts[1], 1, 2)
		if !ok {
			return time.Time{}, false
		}
		y, ok = parseDigits(parts[2], 4, 4)
	} else if parts := strings.Split(s, "-"); len(parts) == 3 {
		y, ok = parseDigits(parts[0], 4, 4)
		if !ok {
			return time.Time{}, false
		}
		m, ok = parseDigits(parts[1], 2, 2)
		if !ok {
			return time.Time{}, false
		}
		d, ok = parseDigits(parts[2], 2, 2)
	}
	if !ok || y < 1 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, Istanbul)
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false
	}
	return t, true
}

// parseDigits parses an unsigned decimal of minLen to maxLen ASCII digits.
// strconv.Atoi would also take signs and "+1".
func parseDigits(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen || !allDigits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// ParseMoney reads an amount typed by a user, or taken from a spreadsheet,
// into kuruş. It accepts the Turkish form ("1.234,56", "1234,5") and the
// dot-decimal form ("1234.56", "1,234.56"), an optional "₺" or "TL" before
// or after the number, white space anywhere, and a leading minus sign.
//
// The rules for separators:
//   - With both "." and ",", the later one is the decimal mark and the
//     other must group digits in threes.
//   - A lone "," is the decimal mark ("12,5" is 12,50 TL).
//   - A lone "." followed by exactly three digits groups thousands:
//     "1.234" is one thousand two hundred thirty-four lira, as a Turkish
//     user means it. With one or two digits after it, it is a decimal mark.
//   - Several dots are thousands separators ("1.234.567").
//
// More than two decimals, bad grouping ("12.34.567") and values outside
// int64 kuruş are rejected. The arithmetic is integer-only: no float can
// turn 0,29 into 28 kuruş.
func ParseMoney(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	cur := false
	if rest, ok := cutCurrencyPrefix(s); ok {
		s, cur = rest, true
	}
	neg := false
	if rest, ok := cutSign(s); ok {
		s, neg = rest, true
	} else if rest, ok := strings.CutPrefix(s, "+"); ok {
		s = rest
	}
	if !cur {
		if rest, ok := cutCurrencyPrefix(s); ok {
			s, cur = rest, true
		}
	}
	if !cur {
		s, _ = cutCurrencySuffix(s)
	}

	intPart, frac, ok := splitAmount(s)
	if !ok {
		return 0, false
	}
	// Magnitude limit: an int64 reaches one further below zero than above.
	limit := uint64(1<<63 - 1)
	if neg {
		limit = 1 << 63
	}
	var whole uint64
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c == '.' || c == ',' {
			continue
		}
		d := uint64(c - '0')
		if whole > (limit-d)/10 {
			return 0, false
		}
		whole = whole*10 + d
	}
	var cents uint64
	switch len(frac) {
	case 1:
		cents = uint64(frac[0]-'0') * 10
	case 2:
		cents = uint64(frac[0]-'0')*10 + uint64(frac[1]-'0')
	}
	if whole > (limit-cents)/100 {
		return 0, false
	}
	mag := whole*100 + cents
	if neg {
		return int64(-mag), true // wraps correctly for 1<<63
	}
	return int64(mag), true
}

// splitAmount splits a number without sign or currency into its integer
// part (digits, possibly with group separators) and its 0–2 decimal digits,
// following the separator rules in ParseMoney's comment.
func splitAmount(s string) (intPart, frac string, ok bool) {
	if s == "" || strings.Trim(s, "0123456789.,") != "" {
		return "", "", false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var dec int // index of the decimal mark, or -1
	var group byte
	switch {
	case dots == 0 && commas == 0:
		return s, "", true
	case dots > 0 && commas > 0:
		dec = max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ','))
		group = '.'
		if s[dec] == '.' {
			group = ','
		}
		if strings.Count(s, s[dec:dec+1]) != 1 {
			return "", "", false
		}
	case commas == 1:
		dec = strings.IndexByte(s, ',')
	case commas > 1:
		return "", "", false
	case dots == 1:
		dec = strings.IndexByte(s, '.')
		if len(s)-dec-1 == 3 {
			// "1.234": thousands, if it is a well-formed grouping.
			if validGrouping(s, '.') {
				return s, "", true
			}
			return "", "", false
		}
	default: // several dots, no comma
		if validGrouping(s, '.') {
			return s, "", true
		}
		return "", "", false
	}
	intPart, frac = s[:dec], s[dec+1:]
	if len(frac) < 1 || len(frac) > 2 || !allDigits(frac) {
		return "", "", false
	}
	if group != 0 {
		if !validGrouping(intPart, group) {
			return "", "", false
		}
	} else if !allDigits(intPart) {
		return "", "", false
	}
	return intPart, frac, true
}

// validGrouping reports whether s is digits grouped in threes by sep, with
// a first group of one to three digits that does not start with 0
// ("1.234", "12.345.678"; not "1234.567", "12.34", "0.500").
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

func cutCurrencyPrefix(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "₺"); ok {
		return rest, true
	}
	if len(s) >= 2 && strings.EqualFold(s[:2], "TL") {
		return s[2:], true
	}
	return s, false
}

func cutCurrencySuffix(s string) (string, bool) {
	if rest, ok := strings.CutSuffix(s, "₺"); ok {
		return rest, true
	}
	if len(s) >= 2 && strings.EqualFold(s[len(s)-2:], "TL") {
		return s[:len(s)-2], true
	}
	return s, false
}

// cutSign removes a leading minus: ASCII "-" or the typographic "−"
// (U+2212) that word processors and some spreadsheets produce.
func cutSign(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return rest, true
	}
	return strings.CutPrefix(s, "−")
}

// DateTimeLayout is how a moment is stored: UTC to the second, so that
// text order is time order and other SQLite tools can read it.
const DateTimeLayout = "2006-01-02T15:04:05Z"

// ParseDateTime reads a moment typed by a user, sent by an HTML
// datetime-local input or written by a program: "05.01.2026 14:30",
// "2026-01-05T14:30", "2026-01-05 14:30:15" (all in Istanbul time), or
// RFC 3339 with its own zone ("2026-01-05T11:30:00Z"). A day alone is its
// midnight in Istanbul. Impossible dates and times are rejected.
func ParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	day, clock, found := strings.Cut(strings.Replace(s, "T", " ", 1), " ")
	d, ok := ParseDate(day)
	if !ok {
		return time.Time{}, false
	}
	if !found {
		return d.UTC(), true
	}
	parts := strings.Split(strings.TrimSpace(clock), ":")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, false
	}
	var hms [3]int
	for i, p := range parts {
		n, ok := parseDigits(p, 1, 2)
		if !ok {
			return time.Time{}, false
		}
		hms[i] = n
	}
	if hms[0] > 23 || hms[1] > 59 || hms[2] > 59 {
		return time.Time{}, false
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, hms[0], hms[1], hms[2], 0, Istanbul).UTC(), true
}
