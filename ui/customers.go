package ui

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The customer's 360° page: everything the firm knows of one customer on
// one screen. Later modules (activities, consents, sales documents,
// service requests, history) add their sections here.

type contactRow struct {
	ID        int64
	Name      string
	URL       string
	Role      string
	RoleValue string
	Phone     cell
	Email     cell
	Badges    []consentBadge // the phone's and e-mail's ETK standing
}

type customer360 struct {
	Record     *store.Record
	Kind       string
	Stage      string
	LeadStatus string
	Phone      cell
	Email      cell
	Owner      string
	Province   string
	Details    []detail
	Notes      cell
	Contacts   []contactRow // a company's people, or a person's companies
	// ContactsHTML is Contacts rendered (customer_sections.go).
	ContactsHTML template.HTML
	Assets       template.HTML // the asset table's rows, rendered in Go
	AssetCols    []string
	IsLead       bool
	IsCompany    bool
	// Adding a contact: a search among the other kind, then a role.
	ContactQuery   string
	ContactResults []contactRow
	Roles          []option
	History        []historyRow
	Can            recordRights
	CanAssets      bool // the user may see assets at all
	CanAddAsset    bool
	CanVCard       bool // the user may take the record away as a contact card
	Quality        qualityView
	Timeline       *timelineView // nil without the right to read activities
	Consent        *consentView
	Opportunities  *oppSection      // nil without the right to read opportunities
	Service        *serviceSection  // nil without the right to read service requests
	Sales          *salesSection    // nil without the right to read sales documents
	KVKK           *kvkkSectionData // a person's notice and explicit consent; nil for a company
	// The header, the ETK section and the cards, rendered in Go from the
	// fields above (customer_sections.go).
	HeadHTML, ConsentHTML, CardsHTML template.HTML
}

// qualityView is a data-quality score as the pages show it: a meter
// coloured by the bands, and the gaps, each linked to its input when the
// user may edit the record.
type qualityView struct {
	Score     int
	ScoreText string // "72/100"
	Band      string // low, medium, high
	BandLabel string
	Low, High int // the meter's thresholds: where the medium and high bands start
	Gaps      []gapView
}

type gapView struct {
	Text   string
	Points int
	URL    string // the field in the edit form; "" without the right
}

func newQualityView(l *i18n.Locale, score int) qualityView {
	f, _ := store.Customers.Field(store.QualityField)
	band := f.BandOf(int64(score))
	return qualityView{Score: score, ScoreText: l.T("quality.score", score), Band: band, BandLabel: l.T(store.Customers.ChoiceKey(f, band)),
		Low: int(store.QualityBands[1].Lo), High: int(store.QualityBands[2].Lo)}
}

// customerQuality is the score of a record read whole, with the gaps the
// user may be told of.
func customerQuality(l *i18n.Locale, a *store.Actor, rec *store.Record, canEdit bool) qualityView {
	q := store.QualityOf(a, rec)
	v := newQualityView(l, q.Score)
	for _, g := range q.Gaps {
		gv := gapView{Text: l.T(g.Key), Points: g.Points}
		if canEdit {
			gv.URL = recordURL(store.Customers, rec.ID) + "/edit#f-" + g.Field
		}
		v.Gaps = append(v.Gaps, gv)
	}
	return v
}

func (s *Server) customerShow(w http.ResponseWriter, r *http.Request) {
	m := s.module(store.Customers)
	rec, ok := s.loadRecord(w, r, m)
	if !ok {
		return
	}
	st := state(r)
	l := st.locale
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	d := &customer360{
		Record: rec, Kind: l.T(m.ChoiceKey(field("kind"), rec.Values.Str("kind"))),
		Stage: l.T(m.ChoiceKey(field("stage"), rec.Values.Str("stage"))),
		Phone: displayCell(l, m, field("phone"), rec), Email: displayCell(l, m, field("email"), rec),
		Owner: rec.Refs["owner_id"], Province: rec.Values.Str("province"),
		Notes:  displayCell(l, m, field("notes"), rec),
		IsLead: rec.Values.Str("stage") == "lead", IsCompany: rec.Values.Str("kind") == "company",
		Details: details(l, m, rec, "kind", "stage", "display_name", "first_name", "last_name", "title", "notes", "owner_id", "email", "phone"),
	}
	if d.IsLead {
		d.LeadStatus = l.T(m.ChoiceKey(field("lead_status"), rec.Values.Str("lead_status")))
	}
	contacts, err := s.store.Contacts(r.Context(), st.actor, rec.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	consents := s.module(store.Consents)
	for _, c := range contacts {
		other := c.Person
		if other == nil {
			other = c.Company
		}
		d.Contacts = append(d.Contacts, contactRow{ID: other.ID, Name: other.Title(), URL: recordURL(m, other.ID),
			Role: l.T("contact_role." + c.Role), RoleValue: c.Role,
			Phone: displayCell(l, m, field("phone"), other), Email: displayCell(l, m, field("email"), other),
			Badges: contactBadges(l, consents, other)})
	}
	if d.Can, err = s.recordRights(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Quality = customerQuality(l, st.actor, rec, d.Can.Edit)
	if d.CanVCard, err = s.store.Allowed(r.Context(), st.actor, m, store.ActExport, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.CanAssets, d.CanAddAsset = st.actor.Can(store.Assets, store.ActRead), st.actor.Can(store.Assets, store.ActCreate)
	var assets []*store.Record
	if d.CanAssets {
		if assets, err = s.store.Children(r.Context(), st.actor, store.Assets, "customer_id", rec.ID, 100); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	cols := []string{"name", "kind", "plate", "serial_no", "warranty_end"}
	for _, c := range cols {
		d.AssetCols = append(d.AssetCols, columnLabel(l, store.Assets, c))
	}
	var rows strings.Builder
	for _, a := range assets {
		rows.WriteString(`<tr>`)
		for i, c := range cols {
			cell := columnCell(l, store.Assets, c, a)
			if i == 0 {
				cell.URL = template.URL(recordURL(store.Assets, a.ID))
			}
			rows.WriteString(`<td>`)
			cell.renderTo(&rows)
			rows.WriteString(`</td>`)
		}
		rows.WriteString("</tr>\n")
	}
	d.Assets = template.HTML(rows.String()) // each cell escaped in renderTo
	for _, role := range store.ContactRoles {
		d.Roles = append(d.Roles, option{Value: role, Label: l.T("contact_role." + role)})
	}
	if q := strings.TrimSpace(r.URL.Query().Get("contact_q")); q != "" {
		d.ContactQuery = q
		want := "company"
		if d.IsCompany {
			want = "person"
		}
		page, err := s.store.List(r.Context(), st.actor, m, store.ListQuery{Search: q, Filters: map[string]string{"kind": want}, Limit: 10})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, c := range page.Records {
			d.ContactResults = append(d.ContactResults, contactRow{ID: c.ID, Name: c.Title(), URL: recordURL(m, c.ID),
				Phone: displayCell(l, m, field("phone"), c)})
		}
	}
	if d.KVKK, err = s.kvkkSection(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.History, err = s.history(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Timeline, err = s.customerTimeline(r, rec, true); err != nil {
		s.storeError(w, r, err)
		return
	}
	if d.Consent, err = s.customerConsent(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.ContactsHTML = contactsHTML(r, d.Contacts, recordURL(m, rec.ID), d.Can.Edit)
	if d.Opportunities, err = s.customerOpportunities(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Service, err = s.customerService(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Sales, err = s.customerSales(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	csrf, _ := st.session.Values[keyCSRF].(string)
	d.HeadHTML, d.ConsentHTML, d.CardsHTML = customerHeadHTML(l, d), consentHTML(l, d, csrf), customerCardsHTML(l, d, csrf)
	p := s.newPage(r, "module.customers", d)
	p.Title = rec.Title()
	s.render(w, r, http.StatusOK, "customer", p)
}

// contactPair reads a contact form posted on either side's page: the
// record of the page, and which of the two is the company.
func (s *Server) contactPair(w http.ResponseWriter, r *http.Request) (rec *store.Record, company, person int64, ok bool) {
	rec, ok = s.loadRecord(w, r, store.Customers)
	if !ok {
		return nil, 0, 0, false
	}
	other, err := strconv.ParseInt(r.PostFormValue("other_id"), 10, 64)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return nil, 0, 0, false
	}
	if rec.Values.Str("kind") == "person" {
		return rec, other, rec.ID, true
	}
	return rec, rec.ID, other, true
}

// contactAdd links a person and a company from either one's page.
func (s *Server) contactAdd(w http.ResponseWriter, r *http.Request) {
	rec, company, person, ok := s.contactPair(w, r)
	if !ok {
		return
	}
	err := s.store.AddContact(r.Context(), state(r).actor, company, person, r.PostFormValue("role"))
	if v, ok := store.AsValidation(err); ok {
		for _, msg := range v.Fields {
			s.addFlash(r, "error", msg.Key)
			break
		}
		s.redirect(w, r, recordURL(store.Customers, rec.ID))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "contacts.added")
	s.redirect(w, r, recordURL(store.Customers, rec.ID)+"#contacts")
}

func (s *Server) contactRemove(w http.ResponseWriter, r *http.Request) {
	rec, company, person, ok := s.contactPair(w, r)
	if !ok {
		return
	}
	l := state(r).locale
	if !s.confirmed(w, r, l.T("contacts.remove_heading"), l.T("contacts.remove_confirm"), recordURL(store.Customers, rec.ID)+"#contacts") {
		return
	}
	if err := s.store.RemoveContact(r.Context(), state(r).actor, company, person); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "contacts.removed")
	s.redirect(w, r, recordURL(store.Customers, rec.ID)+"#contacts")
}

type convertData struct {
	Record   *store.Record
	IsPerson bool
	Form     *form
	Roles    []option
}

func (s *Server) convertForm(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.loadRecord(w, r, store.Customers)
	if !ok {
		return
	}
	s.renderConvert(w, r, http.StatusOK, rec, &form{Errors: map[string]string{}})
}

func (s *Server) renderConvert(w http.ResponseWriter, r *http.Request, status int, rec *store.Record, f *form) {
	l := state(r).locale
	d := &convertData{Record: rec, IsPerson: rec.Values.Str("kind") == "person", Form: f}
	for _, role := range store.ContactRoles {
		d.Roles = append(d.Roles, option{Value: role, Label: l.T("contact_role." + role), Selected: role == f.Get("role")})
	}
	p := s.newPage(r, "convert.title", d)
	s.render(w, r, status, "convert", p)
}

func (s *Server) convertSubmit(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.loadRecord(w, r, store.Customers)
	if !ok {
		return
	}
	st := state(r)
	_, company, err := s.store.ConvertLead(r.Context(), st.actor, rec.ID, store.ConvertInput{
		CompanyTitle: r.PostFormValue("company_title"), CompanyVKN: r.PostFormValue("company_vkn"), Role: r.PostFormValue("role"),
	})
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(st.locale, v)
		if msg, ok := v.Fields["stage"]; ok {
			f.Message = st.locale.T(msg.Key)
		}
		s.renderConvert(w, r, http.StatusUnprocessableEntity, rec, f)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if company != nil {
		s.addFlash(r, "ok", "convert.done_company")
	} else {
		s.addFlash(r, "ok", "convert.done")
	}
	s.redirect(w, r, recordURL(store.Customers, rec.ID))
}

// formatPhoneQuery shows a looked-up number the Turkish way for the new
// customer form.
func formatPhoneQuery(e164 string) string { return tr.FormatPhone(e164) }
