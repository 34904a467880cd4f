package ui

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"testing"

	"kobicrm/store"
)

func TestRecordPageShowsHistory(t *testing.T) {
	e, c := setUp(t)
	ctx := context.Background()
	admin, _ := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	a := store.ActorFor(admin)
	rec, err := e.st.Create(ctx, a, store.Customers, store.Values{"kind": "person", "first_name": "Ali", "last_name": "Veli", "stage": "lead"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Update(ctx, a, store.Customers, rec.ID, store.Values{"last_name": "Kaya", "stage": "customer"}); err != nil {
		t.Fatal(err)
	}
	r := c.get(fmt.Sprintf("/customers/%d", rec.ID))
	if r.Status != http.StatusOK {
		t.Fatalf("360 page: %d", r.Status)
	}
	for _, want := range []string{`id="history"`, "Geçmiş", "değiştirdi", "oluşturdu", "<del>Veli</del> → <ins>Kaya</ins>",
		"<del>Aday</del> → <ins>Müşteri</ins>", admin.Name} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	// The edit comes before the creation: newest first.
	if strings.Index(r.Body, "değiştirdi") > strings.Index(r.Body, "oluşturdu") {
		t.Error("the history is not newest first")
	}
}

// historyHTML writes what the history template wrote before it moved to
// Go: the template is kept here as the reference, and both are run on
// rows with every kind of change and text that needs escaping.
func TestHistoryHTMLWritesTheTemplatesMarkup(t *testing.T) {
	const reference = `<section class="card" id="history">
  <h2>{{.Title}}</h2>
  {{if .Rows}}
  <ol class="history">
  {{range .Rows}}<li>
    <p class="muted small"><time>{{.When}}</time> · {{.Actor}} · <strong>{{.Action}}</strong></p>
    {{if .Changes}}<ul class="changes">{{range .Changes}}<li><span class="field">{{.Label}}:</span> {{if .Old}}<del>{{.Old}}</del> → {{end}}{{if .New}}<ins>{{.New}}</ins>{{else}}<em>{{.Cleared}}</em>{{end}}</li>{{end}}</ul>{{end}}
  </li>{{end}}
  </ol>
  {{else}}<p class="muted">{{.None}}</p>{{end}}
</section>`
	ref := template.Must(template.New("history").Parse(reference))
	l := catalogue(t).Locale("tr")
	cases := map[string][]historyRow{
		"none": nil,
		"rows": {
			{When: "4 Ara 2026 10:00", Actor: "Ayşe <Yılmaz>", Action: "güncelledi", Changes: []historyChange{
				{Label: "Ad", Old: "Eski & \"tırnak\"", New: "Yeni 'ad'"},
				{Label: "Not", Old: "silinen", Cleared: "(boş)"},
				{Label: "E-posta", New: "a+b@ornek.com.tr"},
			}},
			{When: "3 Ara 2026 09:00", Actor: "Sistem", Action: "oluşturdu"},
		},
	}
	for name, rows := range cases {
		var want strings.Builder
		if err := ref.Execute(&want, map[string]any{"Title": l.T("history.title"), "None": l.T("history.none"), "Rows": rows}); err != nil {
			t.Fatal(err)
		}
		got := string(historyHTML(l, rows))
		// html/template writes + as &#43;, html.EscapeString leaves it.
		if norm := strings.ReplaceAll(want.String(), "&#43;", "+"); got != norm {
			t.Errorf("%s:\n got %s\nwant %s", name, got, norm)
		}
	}
}
