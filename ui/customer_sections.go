package ui

import (
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
)

// The sections of the customer's 360° page that repeat a row per contact
// person are rendered here in Go, every piece escaped, as the list rows
// and the timeline are: html/template spends a microsecond or two on each
// action, and a company's people were a sixth of the page's time.

// contactsHTML is the <li>s of a customer's people (or a person's
// companies): the name, the role, the phone with its ETK badges, and for
// a user who may edit, the button that removes the link.
func contactsHTML(r *http.Request, rows []contactRow, customerURL string, canEdit bool) template.HTML {
	st := state(r)
	esc := html.EscapeString
	var b strings.Builder
	var remove string
	if canEdit {
		csrf, _ := st.session.Values[keyCSRF].(string)
		remove = `<form method="post" action="` + esc(customerURL) + `/contacts/remove" class="inline" data-confirm="` +
			esc(st.locale.T("contacts.remove_confirm")) + `"><input type="hidden" name="csrf_token" value="` + esc(csrf) + `">`
	}
	for _, c := range rows {
		b.WriteString(`<li class="contactrow"><a href="` + esc(c.URL) + `">` + esc(c.Name) + `</a> <span class="badge">` + esc(c.Role) + `</span>`)
		if c.Phone.Text != "" {
			b.WriteString(` <span class="muted">`)
			c.Phone.renderTo(&b)
			b.WriteString(`</span>`)
		}
		for _, badge := range c.Badges {
			b.WriteString(` <span class="badge consent-` + esc(badge.Class) + `" title="` + esc(badge.Title) + `">` +
				esc(badge.Channel) + `: ` + esc(badge.Text) + `</span>`)
		}
		if canEdit {
			b.WriteString(remove + `<input type="hidden" name="other_id" value="` + strconv.FormatInt(c.ID, 10) + `">` +
				`<button type="submit" class="linklike small">` + esc(st.locale.T("contacts.remove")) + `</button></form>`)
		}
		b.WriteString("</li>\n")
	}
	return template.HTML(b.String()) // every piece escaped above
}
