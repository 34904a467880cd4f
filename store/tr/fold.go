// Package tr holds the Turkish-specific rules of kobicrm: validators for
// Turkish identifiers (TCKN, VKN, IBAN, phone, postal code, plate), text
// folding and collation that get the dotted/dotless I right, and the
// display formats Turkish users expect (1.234,56 ₺, 05.01.2026).
//
// Everything here is a pure function and safe for concurrent use.
package tr

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// A cases.Caser keeps state between calls and must not be shared between
// goroutines. Building one per call costs an allocation and a table lookup,
// and Fold is on the hot path of every search and every save, so we keep
// them in pools. Caser.String resets the caser before use, so a pooled
// caser never leaks state from a previous string.
var (
	lowerPool = sync.Pool{New: func() any { c := cases.Lower(language.Turkish); return &c }}
	upperPool = sync.Pool{New: func() any { c := cases.Upper(language.Turkish); return &c }}
)

// Lower lower-cases s with the Turkish rules: I→ı and İ→i. strings.ToLower
// would turn "ISPARTA" into "isparta" but "IĞDIR" into "iğdir", which is
// the wrong letter in Turkish. Invalid UTF-8 is replaced by U+FFFD first so
// the result is always valid UTF-8.
func Lower(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	c := lowerPool.Get().(*cases.Caser)
	defer lowerPool.Put(c)
	return c.String(s)
}

// Upper upper-cases s with the Turkish rules: i→İ and ı→I. Invalid UTF-8 is
// replaced by U+FFFD first.
func Upper(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	c := upperPool.Get().(*cases.Caser)
	defer upperPool.Put(c)
	return c.String(s)
}

// Fold returns the search key of s, so that whatever spelling a user types
// finds the stored text: "ISPARTA", "ısparta" and "İsparta" all give
// "isparta", "IĞDIR" and "igdir" give "igdir", "Çiçekçi" gives "cicekci".
//
// The steps, and why each is needed (see DOMAIN.md, "Turkish text"):
//
//  1. Lower-case with the Turkish rules. Neither strings.ToLower (İ→i̇,
//     I→i) nor cases.Fold (keeps ı) makes every spelling meet.
//  2. Replace ı with i: after step 1 "ISPARTA" is "ısparta", and users
//     who type on a non-Turkish keyboard write "isparta".
//  3. Decompose (NFD), drop the non-spacing marks and recompose (NFC), so
//     ç→c, ğ→g, ö→o, ş→s, ü→u, â→a, and precomposed and decomposed input
//     give the same bytes.
//  4. Collapse runs of white space to one space and trim, so pasted text
//     with tabs or double spaces still matches.
//
// Invalid UTF-8 is replaced by U+FFFD; the result is always valid UTF-8.
// Fold is idempotent: Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	if isASCII(s) {
		return foldASCII(s)
	}
	return foldUnicode(s)
}

// foldUnicode is Fold's general path, for any input.
func foldUnicode(s string) string {
	s = Lower(s)
	s = strings.ReplaceAll(s, "ı", "i")
	s = norm.NFD.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
	s = norm.NFC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// foldASCII is Fold for pure ASCII input, which is most of what a CRM
// stores (e-mail addresses, codes, names typed without Turkish letters).
// For ASCII the Turkish pipeline reduces to: I→ı→i, other letters to their
// ASCII lower case, no marks to drop. It gives exactly the bytes Fold's
// general path gives, without the three allocating passes.
func foldASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if asciiSpace(c) {
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// asciiSpace reports the ASCII bytes that unicode.IsSpace (and so
// strings.Fields in Fold's general path) treats as white space.
func asciiSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// collator bundles a Turkish collator with its key buffer. Neither may be
// used by two goroutines at once, so they travel together through a pool.
type collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

var collatorPool = sync.Pool{New: func() any {
	return &collator{c: collate.New(language.Turkish)}
}}

// Compare orders a and b as a Turkish reader expects: c < ç < d, g < ğ < h,
// ı < i, o < ö < p, s < ş < t, u < ü < v. A byte-wise comparison would put
// every letter with a diacritic after z. It returns -1, 0 or +1.
func Compare(a, b string) int {
	c := collatorPool.Get().(*collator)
	defer collatorPool.Put(c)
	return c.c.CompareString(a, b)
}

// SortKey returns a byte string whose bytes.Compare order is the Turkish
// order of Compare. Store it in a BLOB column to let the database ORDER BY
// names correctly: SQLite itself knows only byte and ASCII orders. The key
// depends on the Unicode and CLDR versions in golang.org/x/text, so
// recompute stored keys after upgrading that module.
func SortKey(s string) []byte {
	c := collatorPool.Get().(*collator)
	defer collatorPool.Put(c)
	c.buf.Reset()
	key := c.c.KeyFromString(&c.buf, s)
	// The key points into the pooled buffer; copy it before the buffer is
	// handed to someone else.
	return append([]byte(nil), key...)
}
