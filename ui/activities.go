package ui

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// What the customer's 360° page shows of activities and ETK consent: the
// timeline, the buttons that log a contact in two clicks, the consent
// badges and the prompt to ask for a decision. The rules live in store;
// this file only turns their answers into view data.

// timelineRow is one activity on the timeline.
type timelineRow struct {
	URL         string
	Type        string // call, visit, … for the icon's class
	TypeLabel   string
	Subject     string
	When        string
	Status      string
	StatusLabel string
	Owner       string
	Detail      string // direction and outcome, place, priority
	Excerpt     string // the description's first lines, as plain text
	ConsentTask bool
	// HTML is the whole <li>, rendered in Go as the list rows are: the
	// timeline of a busy customer has dozens, and html/template reflects
	// on every field of every one.
	HTML template.HTML
}

// render writes the row's <li>; every piece is escaped. full adds the
// status, owner, details and excerpt the timeline shows beyond the
// home page's agenda.
func (row timelineRow) render(consentBadge string, full bool) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString(`<li class="tl tl-` + esc(row.Type) + ` tl-` + esc(row.Status) + `"><span class="badge">` + esc(row.TypeLabel) + `</span> `)
	if row.ConsentTask && full {
		b.WriteString(`<span class="badge consent-none">` + esc(consentBadge) + `</span> `)
	}
	b.WriteString(`<a href="` + esc(row.URL) + `">` + esc(row.Subject) + `</a> <span class="muted small">` + esc(row.When))
	if full {
		b.WriteString(` · ` + esc(row.StatusLabel))
		for _, s := range []string{row.Owner, row.Detail} {
			if s != "" {
				b.WriteString(` · ` + esc(s))
			}
		}
	}
	b.WriteString(`</span>`)
	if full && row.Excerpt != "" {
		b.WriteString(`<p class="small">` + esc(row.Excerpt) + `</p>`)
	}
	b.WriteString(`</li>`)
	return template.HTML(b.String()) // every piece escaped above
}

// timelineView is the timeline section of a customer's page. Its rows,
// filters and log links come rendered in Go, each piece escaped there: as
// template actions they were a fifth of the whole page's time.
type timelineView struct {
	Rows    template.HTML // the <li>s
	Empty   bool
	Filters template.HTML // all, then one link per type
	Type    string        // the filter in force
	OlderURL,
	NewestURL string
	Log template.HTML // log a call, an SMS, … for this customer
}

// linksHTML writes links as <a> elements, each followed by after; the
// current one is marked for screen readers and the stylesheet.
func linksHTML(links []link, class, after string) template.HTML {
	var b strings.Builder
	for _, ln := range links {
		b.WriteString(`<a`)
		if class != "" {
			b.WriteString(` class="` + class + `"`)
		}
		b.WriteString(` href="` + html.EscapeString(ln.URL) + `"`)
		if ln.Current {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>` + html.EscapeString(ln.Label) + `</a>` + after)
	}
	return template.HTML(b.String()) // every piece escaped above
}

// timelineTypeParam and timelineCursorParam carry the timeline's state in
// the customer page's URL.
const (
	timelineTypeParam   = "tl"
	timelineCursorParam = "tl_before"
	timelinePage        = 30
)

// customerTimeline builds the timeline section of a customer's page, or
// nil when the user may not read activities.
func (s *Server) customerTimeline(r *http.Request, customer *store.Record, canLog bool) (*timelineView, error) {
	st := state(r)
	m := s.module(store.Activities)
	if !st.actor.Can(m, store.ActRead) {
		return nil, nil
	}
	l := st.locale
	q := r.URL.Query()
	typ := q.Get(timelineTypeParam)
	if !contains(store.ActivityTypes, typ) {
		typ = ""
	}
	page, err := s.store.Timeline(r.Context(), st.actor, customer.ID, store.TimelineQuery{Type: typ, Before: q.Get(timelineCursorParam), Limit: timelinePage})
	if err != nil {
		return nil, err
	}
	base := recordURL(store.Customers, customer.ID)
	v := &timelineView{Type: typ}
	typeField, _ := m.Field("type")
	filters := []link{{Label: l.T("timeline.all"), URL: base + "#timeline", Current: typ == ""}}
	for _, t := range store.ActivityTypes {
		filters = append(filters, link{Label: l.T(m.ChoiceKey(typeField, t)),
			URL: base + "?" + url.Values{timelineTypeParam: {t}}.Encode() + "#timeline", Current: typ == t})
	}
	v.Filters = linksHTML(filters, "", "")
	if page.Next != "" {
		older := url.Values{timelineCursorParam: {page.Next}}
		if typ != "" {
			older.Set(timelineTypeParam, typ)
		}
		v.OlderURL = base + "?" + older.Encode() + "#timeline"
	}
	if q.Get(timelineCursorParam) != "" {
		v.NewestURL = base + "#timeline"
	}
	badge := l.T("activities.consent_task_badge")
	var rows strings.Builder
	for _, a := range page.Items {
		row := activityRow(l, m, a)
		rows.WriteString(string(row.render(badge, true)) + "\n")
	}
	v.Rows, v.Empty = template.HTML(rows.String()), len(page.Items) == 0 // escaped in render
	if canLog && st.actor.Can(m, store.ActCreate) {
		v.Log = linksHTML(logLinks(l, m, customer.ID), "button small", " ")
	}
	return v, nil
}

// activityRow shows one activity the Turkish way.
func activityRow(l *i18n.Locale, m *store.Module, a *store.Record) timelineRow {
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	row := timelineRow{
		URL: recordURL(m, a.ID), Type: a.Values.Str("type"), Subject: a.Title(),
		TypeLabel:   displayCell(l, m, field("type"), a).Text,
		When:        displayCell(l, m, field("starts_at"), a).Text,
		Status:      a.Values.Str("status"),
		StatusLabel: displayCell(l, m, field("status"), a).Text,
		Owner:       a.Refs["owner_id"],
	}
	row.ConsentTask, _ = a.Values["consent_task"].(bool)
	var detail []string
	for _, name := range []string{"direction", "outcome", "place", "priority"} {
		if f := field(name); m.Applies(f, a.Values) {
			if c := displayCell(l, m, f, a); c.Text != "" {
				detail = append(detail, c.Text)
			}
		}
	}
	if n, ok := a.Values.Int("duration_min"); ok {
		detail = append(detail, l.T("timeline.minutes", n))
	}
	row.Detail = strings.Join(detail, " · ")
	row.Excerpt = excerpt(a.Values.Str("description"), 160)
	return row
}

// markdownMarks are the Markdown signs an excerpt leaves out.
var markdownMarks = strings.NewReplacer("#", "", "*", "", "_", "", "`", "", ">", "")

// excerpt is the start of a Markdown text as one plain line.
func excerpt(md string, n int) string {
	s := strings.Join(strings.Fields(markdownMarks.Replace(md)), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// logLinks open the new-activity form for the customer with the type,
// now and a subject filled in: a call is logged with two clicks.
func logLinks(l *i18n.Locale, m *store.Module, customerID int64) []link {
	typeField, _ := m.Field("type")
	// The query is written out in url.Values.Encode's order (its keys
	// sorted), the parts every link shares made once: seven maps encoded
	// were a tenth of the timeline's time.
	common := "/activities/new?customer_id=" + strconv.FormatInt(customerID, 10) +
		"&next=" + url.QueryEscape(recordURL(store.Customers, customerID)+"#timeline")
	now := "&starts_at=" + url.QueryEscape(time.Now().In(tr.Istanbul).Format("2006-01-02T15:04"))
	out := make([]link, 0, len(store.ActivityTypes))
	for _, t := range store.ActivityTypes {
		label := l.T(m.ChoiceKey(typeField, t))
		when := now
		if t == store.ActivityMeeting || t == store.ActivityTask {
			when = "&status=planned"
		}
		out = append(out, link{Label: label, URL: common + when + "&subject=" + url.QueryEscape(label) + "&type=" + url.QueryEscape(t)})
	}
	return out
}

// consentBadge is one channel's standing next to an address.
type consentBadge struct {
	Channel string // its label
	Class   string // granted, trader, refused, none
	Text    string
	Title   string // why
	Allowed bool   // for commercial messages
}

// consentRow is one address's standing in the ETK section.
type consentRow struct {
	Channel   string
	Recipient string
	Badge     consentBadge
	Since     string
	Source    string
}

type consentView struct {
	Rows      []consentRow
	Undecided string // the channels without a decision, named; "" when none
	CanRecord bool
	NewURL    string // the full consent form for this customer
	// HistoryURL lists the customer's whole ledger.
	HistoryURL string
	Channels   template.HTML // the form's <option>s, rendered in Go
	Sources    template.HTML
	Back       string
	// Badges by address, for the page's phone and e-mail.
	Phone []consentBadge
	Email []consentBadge
}

// customerConsent builds the ETK section and badges of a customer's page.
func (s *Server) customerConsent(r *http.Request, customer *store.Record) (*consentView, error) {
	st := state(r)
	states, err := s.store.ConsentStatesOfRecord(r.Context(), st.actor, customer)
	if err != nil {
		return nil, err
	}
	l := st.locale
	m := s.module(store.Consents)
	channelField, _ := m.Field("channel")
	sourceField, _ := m.Field("source")
	v := &consentView{Back: recordURL(store.Customers, customer.ID) + "#consent"}
	v.CanRecord = st.actor.Can(m, store.ActCreate)
	v.HistoryURL = "/consents?customer_id=" + strconv.FormatInt(customer.ID, 10)
	v.NewURL = "/consents/new?" + url.Values{"customer_id": {strconv.FormatInt(customer.ID, 10)}, "next": {v.Back}}.Encode()
	for _, c := range states.States {
		row := consentRow{Channel: l.T(m.ChoiceKey(channelField, c.Channel)), Recipient: c.Recipient, Badge: badgeOf(l, m, c)}
		if c.Channel != store.ChannelEmail {
			row.Recipient = tr.FormatPhone(c.Recipient)
		}
		if c.Status != "" {
			row.Since = l.DateTime(c.Date)
			row.Source = l.T(m.ChoiceKey(sourceField, c.Source))
		}
		v.Rows = append(v.Rows, row)
		switch {
		case c.Channel == store.ChannelEmail && c.Recipient == customer.Values.Str("email"):
			v.Email = append(v.Email, row.Badge)
		case c.Channel != store.ChannelEmail && c.Recipient == customer.Values.Str("phone"):
			v.Phone = append(v.Phone, row.Badge)
		}
	}
	var names []string
	for _, ch := range states.Undecided {
		names = append(names, l.T(m.ChoiceKey(channelField, ch)))
	}
	v.Undecided = strings.Join(names, ", ")
	v.Channels = optionsHTML(choiceOptions(l, m, channelField, "", false))
	v.Sources = optionsHTML(choiceOptions(l, m, sourceField, "HS_CAGRI_MERKEZI", false))
	return v, nil
}

// badgeOf shows a standing as a coloured badge with its reason.
func badgeOf(l *i18n.Locale, m *store.Module, c store.Contactability) consentBadge {
	channelField, _ := m.Field("channel")
	class := "none"
	switch c.Reason {
	case "granted", "trader", "refused":
		class = c.Reason
	}
	return consentBadge{Channel: l.T(m.ChoiceKey(channelField, c.Channel)), Class: class, Allowed: c.Allowed,
		Text: l.T("consent.badge." + c.Reason), Title: l.T("consent.reason." + c.Reason)}
}

// contactBadges are the ETK standing of a listed person's or company's
// main phone and e-mail, from the standing read with its record.
func contactBadges(l *i18n.Locale, m *store.Module, rec *store.Record) []consentBadge {
	var out []consentBadge
	for _, c := range store.ListedAddressStates(rec) {
		out = append(out, badgeOf(l, m, c))
	}
	return out
}

// listConsentBadges are the ETK badges of a customer list's phone and
// e-mail cells, a rowBadges for each record in order, from the standing
// the list read with its rows; none when the list shows neither. A page
// has only a handful of distinct badges, so each is made once (found by a
// look along the few made: cheaper than a map for every row).
func (s *Server) listConsentBadges(r *http.Request, m *store.Module, columns []string, recs []*store.Record) []rowBadges {
	if m.Key != store.Customers.Key || len(recs) == 0 || (!contains(columns, "phone") && !contains(columns, "email")) {
		return nil
	}
	st := state(r)
	cm := s.module(store.Consents)
	type made struct {
		channel, reason string
		allowed         bool
		badge           consentBadge
	}
	var seen []made
	out := make([]rowBadges, len(recs))
	// A row has at most two phone badges (calls, SMS) and one e-mail
	// badge: one array holds them all, so appending allocates nothing.
	room := make([]consentBadge, 3*len(recs))
	for i, rec := range recs {
		out[i].phone, out[i].email = room[3*i:3*i:3*i+2], room[3*i+2:3*i+2:3*i+3]
		for _, c := range store.ListedAddressStates(rec) {
			j := slices.IndexFunc(seen, func(k made) bool { return k.channel == c.Channel && k.reason == c.Reason && k.allowed == c.Allowed })
			if j < 0 {
				seen = append(seen, made{c.Channel, c.Reason, c.Allowed, badgeOf(st.locale, cm, c)})
				j = len(seen) - 1
			}
			if c.Channel == store.ChannelEmail {
				out[i].email = append(out[i].email, seen[j].badge)
			} else {
				out[i].phone = append(out[i].phone, seen[j].badge)
			}
		}
	}
	return out
}

// rowBadges are one list row's consent badges, by the column they go in.
type rowBadges struct{ phone, email []consentBadge }

// of is the badges of a column: none but on the phone and e-mail.
func (b rowBadges) of(column string) []consentBadge {
	switch column {
	case "phone":
		return b.phone
	case "email":
		return b.email
	}
	return nil
}

// activityLinks are an activity page's own links: its calendar file, and
// back to its customer's timeline.
func activityLinks(rec *store.Record) []link {
	out := []link{{Label: "activities.ics", URL: recordURL(store.Activities, rec.ID) + "/ics"}}
	if id, ok := rec.Values.Int("customer_id"); ok {
		out = append(out, link{Label: "activities.to_customer", URL: recordURL(store.Customers, id) + "#timeline"})
	}
	return out
}
