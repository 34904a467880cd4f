package ui

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// historyRow is one line of a record's history: who did what, when, and
// each field from what to what.
type historyRow struct {
	When    string
	Actor   string
	Action  string
	Changes []historyChange
}

type historyChange struct {
	Label string
	Old   string
	New   string
	// Cleared is the translated word shown when New is empty, so that the
	// "changes" partial needs nothing but the row.
	Cleared string
}

// historyLimit is how many entries a record page shows.
const historyLimit = 50

func (s *Server) history(r *http.Request, m *store.Module, id int64) ([]historyRow, error) {
	st := state(r)
	l := st.locale
	entries, err := s.store.History(r.Context(), st.actor, m, id, historyLimit)
	if err != nil {
		return nil, err
	}
	rows := make([]historyRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, historyRowOf(l, m, e))
	}
	return rows, nil
}

// historyRowOf formats an audit entry of a record of m, for the record's
// history and for the audit trail page alike. m is nil for a module that
// is no longer declared: its old entries still show, field names as kept.
func historyRowOf(l *i18n.Locale, m *store.Module, e store.AuditEntry) historyRow {
	row := historyRow{When: l.DateTime(e.At), Actor: e.Actor, Action: l.T("history." + e.Action)}
	if e.UserID == 0 {
		row.Actor = l.T("history.system")
	}
	for _, c := range e.Changes {
		ch := historyChange{Label: c.Field, Cleared: l.T("history.cleared")}
		if m != nil {
			ch.Label = historyLabel(l, m, c.Field)
			ch.Old, ch.New = historyValue(l, m, c.Field, c.Old), historyValue(l, m, c.Field, c.New)
		} else {
			ch.Old, ch.New = rawHistoryValue(c.Old), rawHistoryValue(c.New)
		}
		row.Changes = append(row.Changes, ch)
	}
	return row
}

func rawHistoryValue(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// historyLabel names a changed field; the contact links' own keys have
// labels of their own.
func historyLabel(l *i18n.Locale, m *store.Module, field string) string {
	if f, ok := m.Field(field); ok {
		return fieldLabel(l, m, f)
	}
	if strings.HasPrefix(field, "cf_") {
		return field // a custom field removed since, or the entry of its adding or removal
	}
	return l.T("history.field." + field)
}

// historyValue shows a recorded value the way the record page would.
// Values come back from JSON: strings, numbers as float64, lists.
func historyValue(l *i18n.Locale, m *store.Module, field string, v any) string {
	if v == nil {
		return ""
	}
	if field == "role" {
		return l.T(fmt.Sprint("contact_role.", v))
	}
	if text, ok := mergeHistoryValue(l, m, field, v); ok {
		return text
	}
	f, ok := m.Field(field)
	switch x := v.(type) {
	case string:
		if !ok {
			return x
		}
		switch f.Kind {
		case store.Choice:
			return choiceLabel(l, m, f, x)
		case store.MultiChoice:
			return strings.Join(multiChoiceLabels(l, m, f, x), ", ")
		case store.Phone:
			return tr.FormatPhone(x)
		case store.Date:
			if t, err := time.ParseInLocation("2006-01-02", x, tr.Istanbul); err == nil {
				return l.Date(t)
			}
		case store.DateTime:
			if t, err := time.Parse(tr.DateTimeLayout, x); err == nil {
				return l.DateTime(t)
			}
		case store.LongText:
			if len([]rune(x)) > 120 {
				return string([]rune(x)[:120]) + "…"
			}
		}
		return x
	case float64:
		if ok && f.Kind == store.Money {
			return l.Money(int64(x))
		}
		if ok && f.Kind == store.Ref || !ok {
			return fmt.Sprintf("#%d", int64(x))
		}
		return l.Int(int64(x))
	case bool:
		if x {
			return l.T("value.yes")
		}
		return l.T("value.no")
	case map[string]any:
		if ok && f.Kind == store.Grants {
			return grantsText(l, x)
		}
	case []any:
		var parts []string
		for _, item := range x {
			if p, isMap := item.(map[string]any); isMap {
				parts = append(parts, strings.TrimSpace(fmt.Sprint(tr.FormatPhone(fmt.Sprint(p["number"])), " ", p["label"])))
				continue
			}
			if n, isNum := item.(float64); isNum && ok && f.Kind == store.RefList {
				parts = append(parts, fmt.Sprintf("#%d", int64(n)))
				continue
			}
			parts = append(parts, fmt.Sprint(item))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// grantsText is a role's permissions in a history line, in words:
// "Müşteriler: Görüntüleme Tümü, Düzenleme Kendi kayıtları; TC kimlik no Gizli".
func grantsText(l *i18n.Locale, raw map[string]any) string {
	b, err := json.Marshal(raw)
	var p store.Permissions
	if err != nil || json.Unmarshal(b, &p) != nil {
		return fmt.Sprint(raw)
	}
	var mods []string
	for _, row := range p.Matrix() {
		var parts []string
		for i, act := range store.Actions {
			if row.Scopes[i] != "none" {
				parts = append(parts, l.T("roles.action."+act)+" "+l.T("roles.scope."+row.Scopes[i]))
			}
		}
		for _, fp := range row.Fields {
			if fp.Access != "" {
				parts = append(parts, l.T(row.Module.LabelKey(fp.Field))+" "+l.T("roles.access."+fp.Access))
			}
		}
		if len(parts) > 0 {
			mods = append(mods, l.T(row.Module.Label)+": "+strings.Join(parts, ", "))
		}
	}
	return strings.Join(mods, "; ")
}

// mergeHistoryValue shows the values of a merge entry: the other record
// by name and number, the fields taken by their labels, and the linked
// rows moved by what they are ("Varlıklar: 2").
func mergeHistoryValue(l *i18n.Locale, m *store.Module, field string, v any) (string, bool) {
	switch field {
	case store.MergedFrom, store.MergedInto:
		ref, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		id, _ := ref["id"].(float64)
		return fmt.Sprintf("%v (#%d)", ref["title"], int64(id)), true
	case store.MergeFields:
		names, ok := v.([]any)
		if !ok {
			return "", false
		}
		labels := make([]string, 0, len(names))
		for _, n := range names {
			labels = append(labels, historyLabel(l, m, fmt.Sprint(n)))
		}
		return strings.Join(labels, ", "), true
	case store.MergeMoved, store.MergeDropped:
		counts, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		tables := make([]string, 0, len(counts))
		for t := range counts {
			tables = append(tables, t)
		}
		slices.Sort(tables)
		parts := make([]string, 0, len(tables))
		for _, t := range tables {
			n, _ := counts[t].(float64)
			parts = append(parts, tableLabel(l, t)+": "+l.Int(int64(n)))
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// tableLabel names a table for people: a module's by its label, others
// by their catalogue entry, and a table this version does not know (a
// later version's) by its name.
func tableLabel(l *i18n.Locale, table string) string {
	for _, mod := range store.Modules() {
		if mod.Table == table {
			return l.T(mod.Label)
		}
	}
	if key := "history.table." + table; l.T(key) != key {
		return l.T(key)
	}
	return table
}

// historyHTML is a record page's history section, rendered in Go (every
// piece escaped): up to fifty entries of a few changes each were hundreds
// of template actions on every record page.
func historyHTML(l *i18n.Locale, rows []historyRow) template.HTML {
	esc := html.EscapeString
	var b strings.Builder
	b.Grow(512 + 256*len(rows))
	b.WriteString(`<section class="card" id="history">
  <h2>` + esc(l.T("history.title")) + `</h2>
  `)
	if len(rows) == 0 {
		b.WriteString(`<p class="muted">` + esc(l.T("history.none")) + `</p>`)
	} else {
		b.WriteString("\n  <ol class=\"history\">\n  ")
		for _, h := range rows {
			b.WriteString("<li>\n    <p class=\"muted small\"><time>" + esc(h.When) + "</time> · " + esc(h.Actor) + " · <strong>" +
				esc(h.Action) + "</strong></p>\n    ")
			if len(h.Changes) > 0 {
				b.WriteString(`<ul class="changes">`)
				for _, c := range h.Changes {
					b.WriteString(`<li><span class="field">` + esc(c.Label) + `:</span> `)
					if c.Old != "" {
						b.WriteString(`<del>` + esc(c.Old) + `</del> → `)
					}
					if c.New != "" {
						b.WriteString(`<ins>` + esc(c.New) + `</ins>`)
					} else {
						b.WriteString(`<em>` + esc(c.Cleared) + `</em>`)
					}
					b.WriteString(`</li>`)
				}
				b.WriteString(`</ul>`)
			}
			b.WriteString("\n  </li>")
		}
		b.WriteString("\n  </ol>\n  ")
	}
	b.WriteString("\n</section>")
	return template.HTML(b.String()) // every piece escaped above
}
