package ui

import (
	"html"
	"strings"
	"testing"
)

// escapeTo writes what html.EscapeString returns, whatever the text.
func FuzzEscapeTo(f *testing.F) {
	for _, s := range []string{"", "Şükrü Çağlar", `<a href="x">&'</a>`, "İstanbul & Ankara", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		escapeTo(&b, s)
		if b.String() != html.EscapeString(s) {
			t.Errorf("escapeTo(%q) = %q, want %q", s, b.String(), html.EscapeString(s))
		}
	})
}
