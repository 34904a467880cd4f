package ui

import (
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
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

// The top of the 360° page (its header and ETK section) and its cards of
// details, data quality and contacts are rendered here too: as template
// actions they were a fifth of the page's time. The markup is the one the
// templates had, so the browser tests and the style sheet see no change.

// customerHeadHTML is the page's header: the kind and stage, the name,
// the phone and e-mail with their ETK badges, and the record's actions.
func customerHeadHTML(l *i18n.Locale, d *customer360) template.HTML {
	esc := html.EscapeString
	r := d.Record
	url := esc(recordURL(store.Customers, r.ID))
	id := strconv.FormatInt(r.ID, 10)
	var b strings.Builder
	b.Grow(2048)
	b.WriteString(`<header class="card recordhead">
  <div>
    <p class="badges"><span class="badge">` + esc(d.Kind) + `</span> <span class="badge badge-` + esc(r.Values.Str("stage")) + `">` + esc(d.Stage) + `</span>`)
	if d.LeadStatus != "" {
		b.WriteString(` <span class="badge">` + esc(d.LeadStatus) + `</span>`)
	}
	b.WriteString(`</p>
    <h1 id="record-title">` + esc(r.Title()) + `</h1>
    <p class="keyfacts">
      `)
	keyFact := func(c cell, badges []consentBadge) {
		if c.Text == "" {
			return
		}
		b.WriteString(`<span>`)
		c.Badges = nil
		c.renderTo(&b)
		for _, badge := range badges {
			b.WriteString(` <span class="badge consent-` + esc(badge.Class) + `" title="` + esc(badge.Title) + `">` +
				esc(badge.Channel) + `: ` + esc(badge.Text) + `</span>`)
		}
		b.WriteString(`</span>`)
	}
	keyFact(d.Phone, d.Consent.Phone)
	b.WriteString("\n      ")
	keyFact(d.Email, d.Consent.Email)
	b.WriteString("\n      ")
	if d.Province != "" {
		b.WriteString(`<span>` + esc(l.T("field.customers.province")) + `: ` + esc(d.Province) + `</span>`)
	}
	b.WriteString("\n      ")
	if d.Owner != "" {
		b.WriteString(`<span>` + esc(l.T("field.customers.owner_id")) + `: ` + esc(d.Owner) + `</span>`)
	}
	b.WriteString(`
    </p>
  </div>
  <nav class="actions" aria-label="` + esc(l.T("record.actions")) + `">
    `)
	if d.Can.Edit {
		b.WriteString(`<a class="button primary" href="` + url + `/edit" id="edit-record">` + esc(l.T("action.edit")) + `</a>
    `)
		if d.IsLead {
			b.WriteString(`<a class="button" href="` + url + `/convert" id="convert-lead">` + esc(l.T("convert.action")) + `</a>`)
		}
	}
	b.WriteString("\n    ")
	if d.CanAddAsset {
		b.WriteString(`<a class="button" href="/assets/new?customer_id=` + id + `">` + esc(l.T("assets.new")) + `</a>`)
	}
	b.WriteString("\n    ")
	if d.IsCompany && d.Can.Edit {
		b.WriteString(`<a class="button" href="/customers/new?kind=person&amp;contact_of=` + id + `">` + esc(l.T("contacts.new_person")) + `</a>`)
	}
	b.WriteString("\n    ")
	if d.CanVCard {
		b.WriteString(`<a class="button" href="` + url + `/vcard" id="vcard-link" download title="` + esc(l.T("vcard.hint")) + `">` + esc(l.T("vcard.link")) + `</a>`)
	}
	b.WriteString("\n  </nav>\n</header>\n")
	return template.HTML(b.String()) // every piece escaped above and in renderTo
}

// consentHTML is the ETK section, with the prompt above it while a
// channel of the customer has no decision yet.
func consentHTML(l *i18n.Locale, d *customer360, csrf string) template.HTML {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	c := d.Consent
	var b strings.Builder
	b.Grow(4096)
	if c.Undecided != "" {
		b.WriteString(`<section class="card prompt" id="consent-prompt" role="status">
  <h2>` + t("consent.prompt_heading") + `</h2>
  <p>` + esc(l.T("consent.prompt_body", c.Undecided)) + `</p>
  `)
		if c.CanRecord {
			b.WriteString(`<p><a class="button" href="#consent">` + t("consent.record") + `</a></p>`)
		}
		b.WriteString("\n</section>")
	}
	b.WriteString(`

<section class="card" id="consent">
  <h2>` + t("consent.heading") + `</h2>
  <p class="muted small">` + t("consent.intro") + `</p>
  `)
	if len(c.Rows) > 0 {
		b.WriteString(`<table class="list compact consenttable">
    <thead><tr><th scope="col">` + t("field.consents.channel") + `</th><th scope="col">` + t("field.consents.recipient") +
			`</th><th scope="col">` + t("field.consents.status") + `</th></tr></thead>
    <tbody>`)
		for _, row := range c.Rows {
			b.WriteString(`<tr><td>` + esc(row.Channel) + `</td><td>` + esc(row.Recipient) + `</td><td><span class="badge consent-` +
				esc(row.Badge.Class) + `" title="` + esc(row.Badge.Title) + `">` + esc(row.Badge.Text) + `</span>`)
			if row.Since != "" {
				b.WriteString(` <span class="muted small">` + esc(row.Since) + `</span>`)
			}
			b.WriteString(`</td></tr>`)
		}
		b.WriteString(`</tbody>
  </table>`)
	} else {
		b.WriteString(`<p class="muted">` + t("consent.none") + `</p>`)
	}
	b.WriteString("\n  ")
	if c.CanRecord {
		b.WriteString(`<form method="post" action="/consents" class="inline-form consentform" id="consent-form">
    <input type="hidden" name="csrf_token" value="` + esc(csrf) + `"><input type="hidden" name="customer_id" value="` +
			strconv.FormatInt(d.Record.ID, 10) + `"><input type="hidden" name="next" value="` + esc(c.Back) + `">
    <label for="consent-channel">` + t("field.consents.channel") + `</label>
    <select id="consent-channel" name="channel">` + string(c.Channels) + `</select>
    <label for="consent-status">` + t("field.consents.status") + `</label>
    <select id="consent-status" name="status"><option value="ONAY">` + t("choice.consents.status.ONAY") +
			`</option><option value="RET">` + t("choice.consents.status.RET") + `</option></select>
    <label for="consent-source">` + t("field.consents.source") + `</label>
    <select id="consent-source" name="source">` + string(c.Sources) + `</select>
    <label for="consent-evidence">` + t("field.consents.evidence") + `</label>
    <input id="consent-evidence" name="evidence" maxlength="2000">
    <button type="submit" id="consent-save">` + t("consent.record") + `</button>
    <a href="` + esc(c.NewURL) + `" class="small">` + t("consents.new") + `…</a> <a href="` + esc(c.HistoryURL) + `" class="small">` +
			t("consent.history") + `</a>
  </form>`)
	}
	b.WriteString("\n</section>\n")
	return template.HTML(b.String()) // every piece escaped above; the options in optionsHTML
}

// customerCardsHTML is the cards under the timeline: the record's
// details, its data quality with what it lacks, and its contacts with the
// search that adds one.
func customerCardsHTML(l *i18n.Locale, d *customer360, csrf string) template.HTML {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	url := esc(recordURL(store.Customers, d.Record.ID))
	pick := func(company, person string) string {
		if d.IsCompany {
			return t(company)
		}
		return t(person)
	}
	var b strings.Builder
	b.Grow(4096)
	b.WriteString(`<div class="cards">
<section class="card">
  <h2>` + t("record.details") + `</h2>
  `)
	if len(d.Details) > 0 {
		b.WriteString(`<dl class="details">`)
		writeDetails(&b, d.Details)
		b.WriteString("</dl>\n  ")
	} else {
		b.WriteString(`<p class="muted">` + t("record.no_details"))
		if d.Can.Edit {
			b.WriteString(` <a href="` + url + `/edit">` + t("action.edit") + `</a>`)
		}
		b.WriteString(`</p>`)
	}
	b.WriteString(`
</section>

<section class="card" id="quality">
  <h2>` + t("quality.heading") + `</h2>
  `)
	q := d.Quality
	b.WriteString(`<p class="qualityscore"><meter min="0" max="100" low="` + strconv.Itoa(q.Low) + `" high="` + strconv.Itoa(q.High) +
		`" optimum="100" value="` + strconv.Itoa(q.Score) + `">` + strconv.Itoa(q.Score) + `</meter>
<strong class="score">` + esc(q.ScoreText) + `</strong> <span class="badge badge-quality-` + esc(q.Band) + `">` + esc(q.BandLabel) + `</span></p>
  `)
	if len(q.Gaps) > 0 {
		b.WriteString(`<p>` + t("quality.gaps_intro") + `</p>
  <ul class="plain gaps" id="quality-gaps">
  `)
		for _, g := range q.Gaps {
			b.WriteString(`<li>`)
			if g.URL != "" {
				b.WriteString(`<a href="` + esc(g.URL) + `">` + esc(g.Text) + `</a>`)
			} else {
				b.WriteString(esc(g.Text))
			}
			b.WriteString(` <span class="muted">` + esc(l.T("quality.points", g.Points)) + "</span></li>\n  ")
		}
		b.WriteString(`</ul>
  `)
	} else {
		b.WriteString(`<p class="muted" id="quality-complete">` + t("quality.complete") + `</p>`)
	}
	b.WriteString(`
</section>

<section class="card" id="contacts">
  <h2>` + pick("contacts.people", "contacts.companies") + `</h2>
  `)
	if len(d.Contacts) > 0 {
		b.WriteString("\n  <ul class=\"plain\">\n  " + string(d.ContactsHTML) + "  </ul>\n  ")
	} else {
		b.WriteString(`<p class="muted">` + pick("contacts.none_people", "contacts.none_companies") + `</p>`)
	}
	b.WriteString("\n  ")
	if d.Can.Edit {
		writeContactSearch(&b, l, d, url, csrf)
	}
	b.WriteString("\n</section>\n</div>\n")
	return template.HTML(b.String()) // every piece escaped above, in writeDetails and contactsHTML
}

// writeContactSearch is the contacts card's search among the other kind
// of customer, and its results, each with a role to link it as.
func writeContactSearch(b *strings.Builder, l *i18n.Locale, d *customer360, url, csrf string) {
	esc := html.EscapeString
	t := func(key string) string { return esc(l.T(key)) }
	find := "contacts.find_company"
	if d.IsCompany {
		find = "contacts.find_person"
	}
	b.WriteString(`<form method="get" action="` + url + `#contacts" class="inline-form">
    <label for="contact_q">` + t(find) + `</label>
    <input id="contact_q" name="contact_q" type="search" value="` + esc(d.ContactQuery) + `">
    <button type="submit" id="contact-search">` + t("action.search") + `</button>
  </form>
  `)
	if d.ContactQuery == "" {
		return
	}
	if len(d.ContactResults) == 0 {
		b.WriteString("\n    " + `<p class="muted">` + t("contacts.no_results") + "</p>\n  ")
		return
	}
	var roles strings.Builder
	for _, o := range d.Roles {
		roles.WriteString(`<option value="` + esc(o.Value) + `">` + esc(o.Label) + `</option>`)
	}
	b.WriteString("\n    \n    <ul class=\"plain results\">\n    ")
	for _, c := range d.ContactResults {
		id := strconv.FormatInt(c.ID, 10)
		b.WriteString(`<li>
      <form method="post" action="` + url + `/contacts" class="inline-form">
        <input type="hidden" name="csrf_token" value="` + esc(csrf) + `"><input type="hidden" name="other_id" value="` + id + `">
        <a href="` + esc(c.URL) + `">` + esc(c.Name) + `</a> `)
		if c.Phone.Text != "" {
			b.WriteString(`<span class="muted">` + esc(c.Phone.Text) + `</span>`)
		}
		b.WriteString(`
        <label class="visually-hidden" for="role-` + id + `">` + t("contacts.role") + `</label>
        <select id="role-` + id + `" name="role">` + roles.String() + `</select>
        <button type="submit" class="add-contact">` + t("contacts.add") + `</button>
      </form>
    </li>`)
	}
	b.WriteString("\n    </ul>\n    \n  ")
}
