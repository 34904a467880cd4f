package ui

import (
	"html/template"
	"os"
	"strings"
	"testing"
)

// listPageHTML writes what the list template wrote before it moved to
// Go. That template is kept in testdata as the reference, and both are
// run on list pages with every part on and off, and on text and links
// that need escaping.
func TestListPageHTMLWritesTheTemplatesMarkup(t *testing.T) {
	src, err := os.ReadFile("testdata/list_reference.html")
	if err != nil {
		t.Fatal(err)
	}
	ref := template.Must(template.New("").Parse(string(src)))
	l := catalogue(t).Locale("tr")
	spec := &listSpec{Key: "customers", TitleKey: "module.customers", EmptyKey: "customers.empty",
		New: []link{{Label: "customers.new_person", URL: "/customers/new?kind=person"}, {Label: "customers.new_company", URL: "/customers/new?kind=company&x=ş y"}}}
	full := listData{Spec: spec, Rows: 2,
		RowsHTML:    `<tr><td>bir</td></tr>` + "\n" + `<tr><td>iki</td></tr>` + "\n",
		FiltersHTML: `<div class="field">il</div>`, ColumnsHTML: `<label>ad</label>`, HeadHTML: `<th>Ad</th>`,
		Search: `"Ayşe" <&> 'Y' + 1`, CreatedFrom: "2026-01-01", CreatedTo: "2026-12-31", Sort: "display_name", Desc: true,
		NextURL: "/customers?cursor=abc%3D&q=ay%C5%9Fe", FirstURL: "/customers?q=ayşe hanım", Filtered: true,
		Views: []viewLink{{ID: 7, Name: `İzmir <müşteri>`, URL: "/customers?province=İzmir", Active: true}, {ID: 9, Name: "Ankara", URL: "/customers?province=Ankara"}},
		Query: "province=%C4%B0zmir&q=a+b", Users: `<option value="1">Ayşe</option>`, CanTag: true, CanCreate: true, CanAssign: true, CanDelete: true,
		ExportURL: "/customers/export?q=a+b", ImportURL: "/customers/import?stage=lead", DupsURL: "/customers/duplicates",
		SegmentURL: "/segments/new?province=Van", ExportVCard: true, Error: `Bağlantı "eski"`}
	cases := map[string]func(d *listData){
		"everything": func(d *listData) {},
		"no bulk, no export": func(d *listData) {
			d.CanAssign, d.CanTag, d.CanDelete, d.ExportURL, d.ImportURL, d.Views, d.Filtered, d.Error = false, false, false, "", "", nil, false, ""
			d.DupsURL, d.SegmentURL, d.CanCreate, d.Sort, d.Desc, d.FirstURL, d.NextURL = "", "", false, "", false, "", ""
		},
		"tag only, export only":    func(d *listData) { d.CanAssign, d.CanDelete, d.ImportURL, d.ExportVCard = false, false, "", false },
		"delete only, import only": func(d *listData) { d.CanAssign, d.CanTag, d.ExportURL = false, false, "" },
		"empty, filtered":          func(d *listData) { d.Rows, d.RowsHTML = 0, "" },
		"empty":                    func(d *listData) { d.Rows, d.RowsHTML, d.Filtered = 0, "", false },
		"empty, nothing to do":     func(d *listData) { d.Rows, d.RowsHTML, d.Filtered, d.CanCreate, d.ImportURL = 0, "", false, false, "" },
	}
	for name, change := range cases {
		d := full
		change(&d)
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "content", &page{L: l, CSRF: `tok"en`, Data: &d}); err != nil {
			t.Fatal(err)
		}
		before, after := listPageHTML(l, &d, `tok"en`)
		got := string(before)
		if d.Rows > 0 {
			got += string(d.RowsHTML) + string(after)
		} else if after != "" {
			t.Errorf("%s: a tail after no rows: %q", name, after)
		}
		// html/template writes + as &#43;, html.EscapeString leaves it.
		if norm := strings.ReplaceAll(want.String(), "&#43;", "+"); got != norm {
			t.Errorf("%s:\n got %q\nwant %q", name, got, norm)
		}
	}
}
