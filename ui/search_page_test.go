package ui

import (
	"html/template"
	"os"
	"strings"
	"testing"
)

// searchHTML writes what the search template wrote before it moved to
// Go. That template is kept in testdata as the reference, and both are
// run on every state of the page (no query, too short, no hits, hits with
// and without more) and on text and links that need escaping.
func TestSearchHTMLWritesTheTemplatesMarkup(t *testing.T) {
	src, err := os.ReadFile("testdata/search_reference.html")
	if err != nil {
		t.Fatal(err)
	}
	ref := template.Must(template.New("").Parse(string(src)))
	groups := []searchGroup{
		{Label: "Müşteriler <&>", More: true, MoreURL: "/customers?q=y%C4%B1lmaz+\"x\"", Rows: []searchRow{
			{Title: `Yılmaz "Gıda" & Oğulları`, URL: "/customers/12", Sub: []string{"0532 123 45 67", "İzmir <merkez>", "a'b"}},
			{Title: "Ayşe Yılmaz", URL: "/customers/13?x=ş y"},
		}},
		{Label: "Aktiviteler", Rows: []searchRow{{Title: "Arama + not", URL: "/activities/7", Sub: []string{"ok"}}}},
	}
	for _, lang := range []string{"tr", "en"} {
		l := catalogue(t).Locale(lang)
		for name, d := range map[string]searchData{
			"nothing asked": {},
			"too short":     {Query: "y", TooShort: true},
			"no hits":       {Query: `"Ayşe" <&> 'Y' + 1`},
			"hits":          {Query: "yılmaz & co", Groups: groups},
			"one group":     {Query: "arama", Groups: groups[1:]},
		} {
			var want strings.Builder
			if err := ref.ExecuteTemplate(&want, "content", &page{L: l, Data: &d}); err != nil {
				t.Fatal(err)
			}
			got := string(searchHTML(l, &d))
			// html/template writes + as &#43;, html.EscapeString leaves it.
			if norm := strings.ReplaceAll(want.String(), "&#43;", "+"); got != norm {
				t.Errorf("%s, %s:\n got %q\nwant %q", lang, name, got, norm)
			}
		}
	}
}
