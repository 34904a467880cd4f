package ui

import (
	"html/template"
	"os"
	"strings"
	"testing"

	"kobicrm/assets"
	"kobicrm/store"
)

// The layout written in Go is the one the template wrote: that template
// is kept in testdata as the reference, and both are run for a logged-in
// user and a visitor, with and without flashes, unread notifications,
// the refresh and the current page, in both languages.
func TestLayoutWritesTheTemplatesMarkup(t *testing.T) {
	src, err := os.ReadFile("testdata/layout_reference.html")
	if err != nil {
		t.Fatal(err)
	}
	const content = `<p>içerik</p>`
	ref := template.Must(template.Must(template.New("").Parse(string(src))).Parse(`{{define "content"}}` + content + `{{end}}`))
	static, err := loadStatic(assets.FS, "static")
	if err != nil {
		t.Fatal(err)
	}
	cat := catalogue(t)
	user := &store.User{Name: `Ayşe "Yılmaz" <Satış>`}
	base := page{Title: `Müşteriler & "adaylar"`, Nonce: "n0nce", CSRF: `tok"en`, Path: "/customers?q=a b", Version: "1.2.3",
		Nav: `<ul><li><a href="/customers">Müşteriler</a></li></ul>`, assets: static}
	cases := map[string]func(p *page){
		"user":             func(p *page) { p.User, p.L = user, cat.Locale("tr") },
		"user, english":    func(p *page) { p.User, p.L = user, cat.Locale("en") },
		"user, 7 unread":   func(p *page) { p.User, p.L, p.Unread = user, cat.Locale("tr"), 7 },
		"user, 100 unread": func(p *page) { p.User, p.L, p.Unread = user, cat.Locale("tr"), 100 },
		"user, home, flash": func(p *page) {
			p.User, p.L, p.Path = user, cat.Locale("tr"), "/"
			p.Flashes = []flash{{"ok", "Kaydedildi <tamam>"}}
		},
		"user, refreshing": func(p *page) { p.User, p.L, p.Refresh = user, cat.Locale("tr"), true },
		"visitor":          func(p *page) { p.L, p.Bare, p.Nav = cat.Locale("tr"), true, "" },
		"visitor, english, two flashes": func(p *page) {
			p.L, p.Bare, p.Nav = cat.Locale("en"), true, ""
			p.Flashes = []flash{{"error", "Hatalı"}, {"ok", "Çıkış yapıldı"}}
		},
	}
	for name, change := range cases {
		p := base
		change(&p)
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "layout", &p); err != nil {
			t.Fatal(err)
		}
		got := string(p.Top()) + content + string(p.Bottom())
		// html/template writes + as &#43;, html.EscapeString leaves it.
		if norm := strings.ReplaceAll(want.String(), "&#43;", "+"); got != norm {
			t.Errorf("%s:\n got %q\nwant %q", name, got, norm)
		}
	}
}
