package ui

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

type searchGroup struct {
	Label   string
	Rows    []searchRow
	More    bool
	MoreURL string
}

type searchRow struct {
	Title string
	URL   string
	Sub   []string
}

type searchData struct {
	Query    string
	TooShort bool
	Groups   []searchGroup
	HTML     template.HTML // the page's content, from searchHTML
}

// search is the global search: names, phone numbers in any format, e-mail,
// TCKN/VKN, plates and serial numbers across modules, folded the Turkish
// way, grouped by module.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &searchData{Query: q, TooShort: q != "" && utf8.RuneCountInString(q) < 2}
	groups, err := s.store.Search(r.Context(), st.actor, q, 10)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, g := range groups {
		sg := searchGroup{Label: l.T(g.Module.Label), More: g.More,
			MoreURL: "/" + g.Module.Key + "?" + url.Values{"q": {q}}.Encode()}
		for _, rec := range g.Hits {
			row := searchRow{Title: rec.Title(), URL: recordURL(g.Module, rec.ID)}
			for _, f := range g.Module.ListFields() {
				if f.Name == g.Module.TitleField || len(row.Sub) >= 3 {
					continue
				}
				if c := displayCell(l, g.Module, f, rec); c.Text != "" {
					row.Sub = append(row.Sub, c.Text)
				}
			}
			sg.Rows = append(sg.Rows, row)
		}
		d.Groups = append(d.Groups, sg)
	}
	d.HTML = searchHTML(l, d)
	p := s.newPage(r, "search.title", d)
	s.render(w, r, http.StatusOK, "search", p)
}

// searchHTML is the search page's content, written in Go, every piece
// escaped, as the lists are: as template actions it was a tenth of the
// page's time. The markup is the one the template had (kept in testdata;
// TestSearchHTMLWritesTheTemplatesMarkup checks them against each other).
func searchHTML(l *i18n.Locale, d *searchData) template.HTML {
	esc := html.EscapeString
	t := func(key string, args ...any) string { return esc(l.T(key, args...)) }
	var b strings.Builder
	b.Grow(4096)
	w := b.WriteString
	w("\n<h1>" + t("search.title") + "</h1>\n" +
		`<form method="get" action="/search" class="inline-form searchform" role="search">` + "\n" +
		`  <label for="search-q" class="visually-hidden">` + t("search.label") + "</label>\n" +
		`  <input id="search-q" name="q" type="search" value="` + esc(d.Query) + `" placeholder="` + t("search.placeholder") + `" autofocus>` + "\n" +
		`  <button type="submit" class="primary">` + t("action.search") + "</button>\n</form>\n")
	switch {
	case d.TooShort:
		w("\n  <p class=\"muted\" id=\"search-short\">" + t("search.too_short") + "</p>\n")
	case d.Query != "" && len(d.Groups) > 0:
		w("\n  \n    ")
		for _, g := range d.Groups {
			w("\n    <section class=\"card searchgroup\">\n      <h2>" + esc(g.Label) + "</h2>\n      <ul class=\"plain\">")
			for _, r := range g.Rows {
				w(`<li><a href="` + attrURL(r.URL) + `">` + esc(r.Title) + `</a>`)
				for _, sub := range r.Sub {
					w(` <span class="muted">· ` + esc(sub) + `</span>`)
				}
				w(`</li>`)
			}
			w("</ul>\n      ")
			if g.More {
				w(`<p><a href="` + attrURL(g.MoreURL) + `">` + t("search.more") + `</a></p>`)
			}
			w("\n    </section>\n    ")
		}
		w("\n  \n")
	case d.Query != "":
		w("\n  \n    <section class=\"card empty\" id=\"search-empty\"><p>" + t("search.none", d.Query) + "</p><p>" + t("search.tips") + "</p></section>\n  \n")
	default:
		w("\n  <p class=\"muted\">" + t("search.tips") + "</p>\n")
	}
	w("\n")
	return template.HTML(b.String()) // every piece escaped above
}

type lookupData struct {
	Phone   string
	Error   string
	Matches []searchRow
	NewURL  string
}

// lookup is the call-centre screen: /lookup?phone=… in any format opens
// the caller's record, offers a choice when several share the number, or
// a new-customer form with the number filled in.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	raw := strings.TrimSpace(r.URL.Query().Get("phone"))
	d := &lookupData{Phone: raw}
	if raw == "" {
		s.render(w, r, http.StatusOK, "lookup", s.newPage(r, "lookup.title", d))
		return
	}
	number, found, err := s.store.LookupPhone(r.Context(), st.actor, raw)
	var verr *store.ValidationError
	if errors.As(err, &verr) {
		d.Error = l.T("error.phone")
		s.render(w, r, http.StatusUnprocessableEntity, "lookup", s.newPage(r, "lookup.title", d))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.NewURL = "/customers/new?" + url.Values{"kind": {"person"}, "phone": {formatPhoneQuery(number)}}.Encode()
	switch len(found) {
	case 0:
		s.redirect(w, r, d.NewURL)
		return
	case 1:
		s.redirect(w, r, recordURL(store.Customers, found[0].ID))
		return
	}
	for _, rec := range found {
		row := searchRow{Title: rec.Title(), URL: recordURL(store.Customers, rec.ID)}
		kind, _ := store.Customers.Field("kind")
		row.Sub = append(row.Sub, l.T(store.Customers.ChoiceKey(kind, rec.Values.Str("kind"))), rec.Values.Str("province"))
		d.Matches = append(d.Matches, row)
	}
	s.render(w, r, http.StatusOK, "lookup", s.newPage(r, "lookup.title", d))
}
