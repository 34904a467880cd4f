package ui

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"kobicrm/ui/i18n"
)

// listPageHTML is a list page's content around its rows (d.RowsHTML):
// before them, its heading and New buttons, the filters, saved views and
// column chooser and the table's head; after them, the bulk bar, the
// pager and the export links; or, without rows, the empty state. It is
// written in Go, every piece escaped, as the rows are: as template
// actions the page around the rows was a tenth of a list page's time.
// The markup is the one the template had
// (TestListPageHTMLWritesTheTemplatesMarkup checks them against each
// other); the rows go between the two parts in the template, copied once.
func listPageHTML(l *i18n.Locale, d *listData, csrf string) (before, after template.HTML) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	base := esc("/" + d.Spec.Key)
	csrfInput := `<input type="hidden" name="csrf_token" value="` + esc(csrf) + `">`
	var b strings.Builder
	b.Grow(len(d.FiltersHTML) + len(d.ColumnsHTML) + len(d.HeadHTML) + 8192)
	w := b.WriteString

	w("\n<div class=\"pagehead\">\n  <h1>" + t(d.Spec.TitleKey) + "</h1>\n  <div class=\"actions\">")
	if d.CanCreate {
		for _, n := range d.Spec.New {
			w(`<a class="button primary" href="` + attrURL(n.URL) + `">` + t(n.Label) + `</a> `)
		}
	}
	if d.DupsURL != "" {
		w(`<a class="button" href="` + attrURL(d.DupsURL) + `" id="duplicates-link">` + t("dup.title") + `</a>`)
	}
	if d.SegmentURL != "" {
		w(` <a class="button" href="` + attrURL(d.SegmentURL) + `" id="save-segment">` + t("segments.save_from_list") + `</a>`)
	}
	w("</div>\n</div>\n")
	if d.Error != "" {
		w(`<p class="flash flash-error" role="alert">` + esc(d.Error) + `</p>`)
	}
	writeListFilters(&b, l, d, base)
	writeListTools(&b, l, d, base, csrfInput)
	if d.Rows > 0 {
		writeListTableHead(&b, l, d, base, csrfInput)
		before = template.HTML(b.String())
		var a strings.Builder
		a.Grow(len(d.Users) + 2048)
		writeListTableFoot(&a, l, d, base)
		a.WriteString("\n")
		return before, template.HTML(a.String()) // every piece escaped here or where it was made
	} else {
		w("\n<section class=\"card empty\" id=\"empty-state\">\n  ")
		if d.Filtered {
			w("\n  <p>" + t("list.no_match") + "</p>\n  <p><a href=\"" + base + "\">" + t("list.clear") + "</a></p>\n  ")
		} else {
			w("\n  <p>" + t(d.Spec.EmptyKey) + "</p>\n  ")
			if d.CanCreate {
				w(`<p>`)
				for _, n := range d.Spec.New {
					w(`<a class="button primary" href="` + attrURL(n.URL) + `">` + t(n.Label) + `</a> `)
				}
				w(`</p>`)
			}
			w("\n  ")
			if d.ImportURL != "" {
				w(`<p><a href="` + attrURL(d.ImportURL) + `" id="import-link">` + t("import.link_empty") + `</a></p>`)
			}
			w("\n  ")
		}
		w("\n</section>\n")
	}
	w("\n")
	return template.HTML(b.String()), "" // every piece escaped here or where it was made
}

// writeListFilters is the search box and the filters form.
func writeListFilters(b *strings.Builder, l *i18n.Locale, d *listData, base string) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	w := b.WriteString
	w("\n\n<form method=\"get\" action=\"" + base + "\" class=\"filters\" id=\"list-filters\">\n  <div class=\"field grow\">\n    <label for=\"list-q\">" +
		t("list.search") + "</label>\n    <input id=\"list-q\" name=\"q\" type=\"search\" value=\"" + esc(d.Search) + "\" placeholder=\"" +
		t("list.search_placeholder") + "\">\n  </div>\n  <div class=\"field buttons\"><button type=\"submit\" class=\"primary\" id=\"filter-submit\">" +
		t("list.apply") + "</button>")
	if d.Filtered {
		w(` <a href="` + base + `">` + t("list.clear") + `</a>`)
	}
	w("</div>\n  <details class=\"morefilters\"")
	if d.Filtered {
		w(` open`)
	}
	w(">\n  <summary>" + t("list.filters") + "</summary>\n  <div class=\"filtergrid\">\n  " + string(d.FiltersHTML) +
		"\n  <div class=\"field\"><label for=\"created_from\">" + t("list.created_from") +
		"</label><input id=\"created_from\" name=\"created_from\" type=\"date\" value=\"" + esc(d.CreatedFrom) + "\"></div>\n" +
		"  <div class=\"field\"><label for=\"created_to\">" + t("list.created_to") +
		"</label><input id=\"created_to\" name=\"created_to\" type=\"date\" value=\"" + esc(d.CreatedTo) + "\"></div>\n  </div>\n  </details>\n  ")
	if d.Sort != "" {
		w(`<input type="hidden" name="sort" value="` + esc(d.Sort) + `">`)
	}
	w("\n  ")
	if d.Desc {
		w(`<input type="hidden" name="desc" value="1">`)
	}
	w("\n</form>\n")
}

// writeListTools is the saved views, saving one, and the column chooser.
func writeListTools(b *strings.Builder, l *i18n.Locale, d *listData, base, csrfInput string) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	w := b.WriteString
	w("\n<div class=\"listtools\">\n  ")
	if len(d.Views) > 0 {
		w(`<nav class="views" aria-label="` + t("views.title") + `"><span>` + t("views.title") + ":</span>\n    ")
		for _, v := range d.Views {
			w(`<a href="` + attrURL(v.URL) + `"`)
			if v.Active {
				w(` aria-current="true"`)
			}
			w(`>` + esc(v.Name) + "</a>\n    " + `<form method="post" action="` + base + `/views/` + strconv.FormatInt(v.ID, 10) +
				`/delete" class="inline" data-confirm="` + t("views.delete_confirm") + `">` + csrfInput +
				`<button type="submit" class="linklike small" title="` + t("action.delete") + `">✕</button></form>`)
		}
		w("\n  </nav>")
	}
	w("\n  ")
	if d.Filtered {
		w("\n  <details class=\"tool\"><summary>" + t("views.save") + "</summary>\n    <form method=\"post\" action=\"" + base +
			"/views\" class=\"inline-form\">\n      " + csrfInput + `<input type="hidden" name="query" value="` + esc(d.Query) + "\">\n" +
			"      <label for=\"view-name\" class=\"visually-hidden\">" + t("views.name") + "</label>\n" +
			"      <input id=\"view-name\" name=\"name\" placeholder=\"" + t("views.name") + "\" required maxlength=\"60\">\n" +
			"      <button type=\"submit\">" + t("action.save") + "</button>\n    </form>\n  </details>")
	}
	w("\n  <details class=\"tool\"><summary>" + t("list.columns") + "</summary>\n    <form method=\"post\" action=\"" + base +
		"/columns\" class=\"columns-form\">\n      " + csrfInput + `<input type="hidden" name="query" value="` + esc(d.Query) + "\">\n      " +
		string(d.ColumnsHTML) + "\n      <button type=\"submit\">" + t("action.save") + "</button>\n    </form>\n  </details>\n</div>\n\n")
}

// writeListTableHead opens the bulk form and the table, up to its rows.
func writeListTableHead(b *strings.Builder, l *i18n.Locale, d *listData, base, csrfInput string) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	b.WriteString("\n<form method=\"post\" action=\"" + base + "/bulk\" id=\"bulk-form\" data-delete-confirm=\"" + t("bulk.delete_confirm") + "\">\n" +
		csrfInput + `<input type="hidden" name="query" value="` + esc(d.Query) + "\">\n<div class=\"tablewrap\">\n<table class=\"list\">\n" +
		"  <thead><tr>\n    <th class=\"sel\"><span class=\"visually-hidden\">" + t("bulk.select") + "</span></th>\n    " +
		string(d.HeadHTML) + "\n  </tr></thead>\n  <tbody>\n  ")
}

// writeListTableFoot closes the table after its rows, then writes the
// bulk bar, the pager and the export and import links.
func writeListTableFoot(b *strings.Builder, l *i18n.Locale, d *listData, base string) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	w := b.WriteString
	w("  </tbody>\n</table>\n</div>\n")
	if d.CanAssign || d.CanTag || d.CanDelete {
		w("<div class=\"bulkbar\">\n  <label for=\"bulk-action\">" + t("bulk.with_selected") + "</label>\n" +
			"  <select id=\"bulk-action\" name=\"action\">\n    <option value=\"\">—</option>\n    ")
		if d.CanAssign {
			w(`<option value="assign">` + t("bulk.assign") + `</option>`)
		}
		w("\n    ")
		if d.CanTag {
			w(`<option value="tag">` + t("bulk.tag") + `</option>`)
		}
		w("\n    ")
		if d.CanDelete {
			w(`<option value="delete">` + t("bulk.delete") + `</option>`)
		}
		w("\n  </select>\n  ")
		if d.CanAssign {
			w(`<label for="bulk-owner" class="visually-hidden">` + t("bulk.owner") + "</label>\n" +
				`  <select id="bulk-owner" name="owner_id"><option value="">` + t("bulk.owner") + `</option>` + string(d.Users) + `</select>`)
		}
		w("\n  ")
		if d.CanTag {
			w(`<label for="bulk-tag" class="visually-hidden">` + t("bulk.tag_name") + "</label>\n" +
				`  <input id="bulk-tag" name="tag" placeholder="` + t("bulk.tag_name") + `" maxlength="40">`)
		}
		w("\n  <button type=\"submit\" id=\"bulk-submit\">" + t("bulk.apply_selected") + "</button>\n</div>")
	}
	w("\n</form>\n<nav class=\"pager\">\n  ")
	if d.FirstURL != "" {
		w(`<a href="` + attrURL(d.FirstURL) + `">← ` + t("list.first_page") + `</a>`)
	}
	w("\n  ")
	if d.NextURL != "" {
		w(`<a href="` + attrURL(d.NextURL) + `" rel="next" id="next-page">` + t("list.next_page") + ` →</a>`)
	}
	w("\n</nav>\n")
	if d.ExportURL != "" || d.ImportURL != "" {
		w(`<p class="export muted">`)
		if d.ExportURL != "" {
			u := attrURL(d.ExportURL)
			w(t("export.label") + `: <a href="` + u + `&amp;format=csv" id="export-csv" download>CSV</a> · <a href="` + u +
				`&amp;format=xlsx" id="export-xlsx" download>Excel</a>`)
			if d.ExportVCard {
				w(` · <a href="` + u + `&amp;format=vcf" id="export-vcf" download title="` + t("vcard.list_hint") + `">vCard</a>`)
			}
		}
		if d.ExportURL != "" && d.ImportURL != "" {
			w(` · `)
		}
		if d.ImportURL != "" {
			w(`<a href="` + attrURL(d.ImportURL) + `" id="import-link">` + t("import.link") + `</a>`)
		}
		w(`</p>`)
	}
	w("\n")
}

// attrURL is a URL for an href, as html/template writes one: the bytes a
// URL may not hold as they are percent-encoded (an escape already there
// kept), then escaped for the attribute. The links of a list are the
// server's own, relative ones; no scheme is checked.
func attrURL(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!#$&*+,/:;=?@[]%", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString("%" + strconv.FormatUint(uint64(c)>>4, 16) + strconv.FormatUint(uint64(c)&15, 16))
		}
	}
	return html.EscapeString(b.String())
}
