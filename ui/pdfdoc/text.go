package pdfdoc

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// fontFamily is the name the renderer gives the Go fonts inside the PDF.
const fontFamily = "go"

// covered is a bitset of the Basic Multilingual Plane: a set bit means
// both Go Regular and Go Bold have a glyph for that rune. It is built once,
// on first use, from the fonts' character maps.
var (
	coverOnce sync.Once
	covered   *[0x10000 / 64]uint64
)

func loadCoverage() {
	var set [0x10000 / 64]uint64
	var fonts []*sfnt.Font
	for _, b := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(b)
		if err != nil {
			panic("pdfdoc: Go font does not parse: " + err.Error()) // fixed bytes from a module
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		ok := true
		for _, f := range fonts {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				ok = false
				break
			}
		}
		if ok {
			set[r/64] |= 1 << (r % 64)
		}
	}
	covered = &set
}

func hasGlyph(r rune) bool {
	coverOnce.Do(loadCoverage)
	return r >= 0 && r < 0x10000 && covered[r/64]&(1<<(r%64)) != 0
}

// clean makes s printable with the Go fonts: composed (NFC, so "s" plus a
// combining cedilla becomes the one glyph "ş"), tabs and other white space
// as plain spaces, control characters dropped, "₺" (missing from the Go
// fonts) as "TL", and any other rune the fonts lack as "?". With multiline
// set, line breaks are kept as "\n"; otherwise they become spaces.
func clean(s string, multiline bool) string {
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '₺':
			b.WriteString("TL")
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// dropped: invisible and unprintable
		case hasGlyph(r):
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return strings.TrimSpace(b.String())
}
