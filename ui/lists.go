package ui

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// listSpec is one list page: a module's records, perhaps narrowed by
// fixed filters (the leads list is customers in stage "lead").
type listSpec struct {
	Key      string // URL path and the name per-user settings are kept under
	Module   *store.Module
	TitleKey string
	Fixed    map[string]string
	Columns  []string // the default columns, when not the declared list fields
	New      []link
	EmptyKey string // what to do when the list is empty
	// NewestFirst lists in descending order unless the person chose an
	// order (activities: the latest contact on top).
	NewestFirst bool
	// Decorate, when set, may change a cell of a list row before it is
	// rendered (a due time turns amber as it nears and red once passed);
	// Reads are the fields it needs, read with the rows even when they
	// are not shown; "created_at" or "updated_at" for the record's times,
	// which a list reads only when it shows, sorts by or reads them.
	Decorate func(l *i18n.Locale, name string, rec *store.Record, c cell) cell
	Reads    []string
}

type link struct {
	Label   string
	URL     string
	Current bool
}

var (
	customersList = &listSpec{Key: "customers", Module: store.Customers, TitleKey: "module.customers",
		New:      []link{{Label: "customers.new_person", URL: "/customers/new?kind=person"}, {Label: "customers.new_company", URL: "/customers/new?kind=company"}},
		EmptyKey: "customers.empty"}
	leadsList = &listSpec{Key: "leads", Module: store.Customers, TitleKey: "module.leads",
		Fixed:    map[string]string{"stage": "lead"},
		Columns:  []string{"display_name", "kind", "lead_status", "source", "phone", "owner_id", "created_at"},
		New:      []link{{Label: "leads.new_person", URL: "/customers/new?kind=person&stage=lead"}, {Label: "leads.new_company", URL: "/customers/new?kind=company&stage=lead"}},
		EmptyKey: "leads.empty"}
	assetsList = &listSpec{Key: "assets", Module: store.Assets, TitleKey: "module.assets",
		New: []link{{Label: "assets.new", URL: "/assets/new"}}, EmptyKey: "assets.empty"}
	activitiesList = &listSpec{Key: "activities", Module: store.Activities, TitleKey: "module.activities",
		Columns: []string{"starts_at", "type", "subject", "customer_id", "status", "owner_id"},
		New: []link{{Label: "activities.new_call", URL: "/activities/new?type=call"}, {Label: "activities.new_meeting", URL: "/activities/new?type=meeting&status=planned"},
			{Label: "activities.new_task", URL: "/activities/new?type=task&status=planned"}},
		EmptyKey: "activities.empty", NewestFirst: true}
	consentsList = &listSpec{Key: "consents", Module: store.Consents, TitleKey: "module.consents",
		Columns: []string{"consent_date", "customer_id", "channel", "recipient", "status", "recipient_type", "recorded_by"},
		New:     []link{{Label: "consents.new", URL: "/consents/new"}}, EmptyKey: "consents.empty", NewestFirst: true}
)

type column struct {
	Name    string
	Label   string
	SortURL string // "" when the list cannot sort by it
	Sorted  bool
	Desc    bool
}

type listRow struct {
	ID    int64
	URL   string
	Cells []cell
}

type filterInput struct {
	Name    string
	Label   string
	Options template.HTML // "": a free text input
	Value   string
	// Range: two date inputs, <name>_from and <name>_to (a custom date).
	Range    bool
	From, To string
}

type columnChoice struct {
	Name    string
	Label   string
	Checked bool
}

type viewLink struct {
	ID     int64
	Name   string
	URL    string
	Active bool
}

type listData struct {
	Spec    *listSpec
	Columns []column
	Filters []filterInput
	// RowsHTML is the table's <tr>s (Rows of them) and FiltersHTML the
	// filter fields, rendered in Go: a template action costs a
	// microsecond or two of reflection, and a page of fifty rows had
	// hundreds. The rows are written as they are made, into one reused
	// row: keeping them all (fifty rows of seven cells) was the page's
	// largest allocation.
	Rows        int
	RowsHTML    template.HTML
	FiltersHTML template.HTML
	Search      string
	CreatedFrom string
	CreatedTo   string
	Sort        string
	Desc        bool
	NextURL     string
	FirstURL    string // set when this is not the first page
	Filtered    bool
	ColumnsAll  []columnChoice
	// ColumnsHTML is ColumnsAll as the column chooser's checkboxes, and
	// HeadHTML the table's header cells, rendered in Go like the rows:
	// a list has dozens of columns to offer, and each template action
	// costs reflection on every page view.
	ColumnsHTML template.HTML
	HeadHTML    template.HTML
	Views       []viewLink
	Query       string        // the list's query without the cursor, for saving a view
	Users       template.HTML // the owner <option>s of the bulk bar
	CanTag      bool          // the module has tags to add in bulk
	CanCreate   bool          // the New buttons show
	CanAssign   bool          // the bulk bar offers assigning
	CanDelete   bool          // and deleting
	ExportURL   string        // the list as it is filtered, as a file; "" without the right
	ImportURL   string        // the module's import wizard; "" without the right
	DupsURL     string        // the likely duplicates, for those who may edit the records
	SegmentURL  string        // a new segment with the customer list's filters (segments.go)
	ExportVCard bool          // and as contact cards (customers)
	SelectLabel string
	Error       string
	// PageHTML and PageTailHTML are all of the above as the page shows
	// it, before and after RowsHTML (listPageHTML).
	PageHTML, PageTailHTML template.HTML
}

// listQuery reads a list's URL query into a store query for m (the
// store's current declaration of the spec's module), the way both the
// page and its saved views write it.
func listQuery(spec *listSpec, m *store.Module, q url.Values) store.ListQuery {
	lq := store.ListQuery{
		Search: strings.TrimSpace(q.Get("q")), Filters: map[string]string{},
		CreatedFrom: q.Get("created_from"), CreatedTo: q.Get("created_to"),
		Sort: q.Get("sort"), Desc: q.Get("desc") == "1", Cursor: q.Get("cursor"), Limit: 50,
	}
	if spec.NewestFirst && !q.Has("desc") {
		lq.Desc = true
	}
	for _, f := range m.FilterFields() {
		if v := q.Get(f.Name); v != "" {
			lq.Filters[f.Name] = v
		}
		// A date field filters by a range of days, "from..to" to the store.
		if from, to := q.Get(f.Name+"_from"), q.Get(f.Name+"_to"); (f.Kind == store.Date || f.Kind == store.DateTime) && (from != "" || to != "") {
			lq.Filters[f.Name] = from + ".." + to
		}
	}
	for k, v := range spec.Fixed {
		lq.Filters[k] = v
	}
	return lq
}

func (s *Server) list(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		m := s.module(spec.Module)
		q := r.URL.Query()
		lq := listQuery(spec, m, q)
		chosen, err := s.listColumns(r, spec, m)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		lq.Fields = append(slices.Clip(chosen), spec.Reads...)
		page, err := s.store.List(r.Context(), st.actor, m, lq)
		status := http.StatusOK
		if errors.Is(err, store.ErrBadQuery) {
			// A hand-edited or outdated link: show the list unfiltered with a
			// note instead of an error page.
			status = http.StatusBadRequest
			page, err = s.store.List(r.Context(), st.actor, m, store.ListQuery{Filters: spec.Fixed, Limit: 50, Fields: chosen})
			if err == nil {
				page.Next = ""
			}
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		data, err := s.listData(r, spec, m, q, lq, page, chosen)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if status == http.StatusBadRequest {
			data.Error = st.locale.T("list.bad_query")
		}
		csrf, _ := st.session.Values[keyCSRF].(string)
		data.PageHTML, data.PageTailHTML = listPageHTML(st.locale, data, csrf)
		s.render(w, r, status, "list", s.newPage(r, spec.TitleKey, data))
	}
}

// listColumns are the columns the person chose for the list, or its
// default, the title first.
func (s *Server) listColumns(r *http.Request, spec *listSpec, m *store.Module) ([]string, error) {
	chosen, err := s.store.ListColumns(r.Context(), state(r).actor, m, spec.Key)
	if err != nil {
		return nil, err
	}
	if len(chosen) == 0 {
		chosen = defaultColumns(spec, m)
	}
	if len(chosen) == 0 || chosen[0] != m.TitleField {
		chosen = append([]string{m.TitleField}, without(chosen, m.TitleField)...)
	}
	return chosen, nil
}

func (s *Server) listData(r *http.Request, spec *listSpec, m *store.Module, q url.Values, lq store.ListQuery, page *store.Page, chosen []string) (*listData, error) {
	st := state(r)
	l := st.locale
	users, err := s.userOptions(r)
	if err != nil {
		return nil, err
	}
	// The bulk bar and the New buttons follow the user's roles; the store
	// checks each record again when the form comes back.
	a := st.actor
	d := &listData{Spec: spec, Search: lq.Search, CreatedFrom: lq.CreatedFrom, CreatedTo: lq.CreatedTo,
		Sort: lq.Sort, Desc: lq.Desc, SelectLabel: l.T("bulk.select"),
		CanCreate: a.Can(m, store.ActCreate), CanDelete: a.Can(m, store.ActDelete) && !m.NoDelete}
	if f, ok := m.Field("tags"); ok && f.Kind == store.Tags {
		d.CanTag = a.Can(m, store.ActEdit)
	}
	if f, ok := m.Field("owner_id"); ok && f.Ref == "users" && a.Can(m, store.ActEdit) {
		opts := users // who may edit every record may assign to every active user
		if a.Scope(m, store.ActEdit) != store.ScopeAll {
			assignees, err := s.store.Assignees(r.Context(), a, m, store.ActEdit)
			if err != nil {
				return nil, err
			}
			opts = nil
			for _, u := range assignees {
				opts = append(opts, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
			}
		}
		d.CanAssign, d.Users = true, optionsHTML(opts)
	}
	base := cleanQuery(q)
	d.Query = base.Encode()
	if a.Can(m, store.ActExport) {
		d.ExportURL = "/" + spec.Key + "/export?" + d.Query
		d.ExportVCard = CanExportAs(m, "vcf")
	}
	if a.Can(m, store.ActImport) && hasImportWizard(m) {
		// A list of some of the module's records (the leads) imports
		// records of its kind. Only modules with the wizard offer it.
		d.ImportURL = "/" + m.Key + "/import"
		if len(spec.Fixed) > 0 {
			fixed := url.Values{}
			for k, v := range spec.Fixed {
				fixed.Set(k, v)
			}
			d.ImportURL += "?" + fixed.Encode()
		}
	}
	if m.HasDuplicateDetection() && a.Can(m, store.ActEdit) {
		d.DupsURL = "/" + m.Key + "/duplicates"
	}
	if m.Key == store.Customers.Key {
		d.SegmentURL = s.segmentFromList(a, lq.Filters)
	}
	d.Filtered = lq.Search != "" || lq.CreatedFrom != "" || lq.CreatedTo != "" || len(lq.Filters) > len(spec.Fixed)

	for _, name := range chosen {
		c := column{Name: name, Label: columnLabel(l, m, name)}
		if m.Sortable(name) || name == "created_at" {
			sorted := lq.Sort == name || (lq.Sort == "" && name == m.DefaultSort)
			desc := boolParam(sorted && !lq.Desc)
			if desc == "" && spec.NewestFirst {
				desc = "0" // ascending said aloud: unsaid is newest first
			}
			next := withParams(base, "sort", name, "desc", desc)
			c.SortURL, c.Sorted, c.Desc = "/"+spec.Key+"?"+next.Encode(), sorted, sorted && lq.Desc
		}
		d.Columns = append(d.Columns, c)
	}
	badges := s.listConsentBadges(r, m, chosen, page.Records)
	var rows strings.Builder
	rows.Grow(len(page.Records) * 1024) // a row is most of a kilobyte
	row := listRow{Cells: make([]cell, 0, len(chosen))}
	for i, rec := range page.Records {
		row.ID, row.URL, row.Cells = rec.ID, recordURL(m, rec.ID), row.Cells[:0]
		for _, name := range chosen {
			c := columnCell(l, m, name, rec)
			if badges != nil {
				c.Badges = badges[i].of(name)
			}
			if spec.Decorate != nil {
				c = spec.Decorate(l, name, rec, c)
			}
			row.Cells = append(row.Cells, c)
		}
		row.Cells[0].URL = template.URL(row.URL)
		writeListRow(&rows, row, d.SelectLabel)
		d.Rows++
	}
	d.RowsHTML = template.HTML(rows.String()) // escaped in writeListRow
	if page.Next != "" {
		d.NextURL = "/" + spec.Key + "?" + withParams(base, "cursor", page.Next).Encode()
	}
	if lq.Cursor != "" {
		d.FirstURL = "/" + spec.Key + "?" + base.Encode()
	}
	for _, f := range m.FilterFields() {
		if _, fixed := spec.Fixed[f.Name]; fixed {
			continue
		}
		fi := filterInput{Name: f.Name, Label: fieldLabel(l, m, f), Value: q.Get(f.Name)}
		switch f.Kind {
		case store.Date, store.DateTime:
			fi.Range, fi.From, fi.To = true, q.Get(f.Name+"_from"), q.Get(f.Name+"_to")
		case store.Choice, store.MultiChoice:
			fi.Options = optionsHTML(choiceOptions(l, m, f, fi.Value, true))
		case store.Province:
			fi.Options = provinceOptionsHTML(fi.Value)
		case store.Ref, store.RefList:
			switch target, _ := s.store.Module(f.Ref); {
			case f.Ref == "users":
				fi.Options = optionsHTML(selectOptions(users, fi.Value, true))
			case target != nil && target.AdminOnly:
				// The firm's departments, teams and roles are short lists.
				page, err := s.store.List(r.Context(), a, target, store.ListQuery{Limit: store.MaxLimit})
				if err != nil {
					return nil, err
				}
				var opts []option
				for _, rec := range page.Records {
					opts = append(opts, option{Value: strconv.FormatInt(rec.ID, 10), Label: rec.Title()})
				}
				fi.Options = optionsHTML(selectOptions(opts, fi.Value, true))
			default:
				continue // reached through the parent's page, not a list filter
			}
		case store.Int:
			if len(f.Bands) > 0 {
				opts := []option{{Value: "", Label: "—"}}
				for _, b := range f.Bands {
					opts = append(opts, option{Value: b.Name, Label: l.T(m.ChoiceKey(f, b.Name)), Selected: fi.Value == b.Name})
				}
				fi.Options = optionsHTML(opts)
			}
		case store.Bool:
			fi.Options = optionsHTML([]option{{Value: "", Label: "—"}, {Value: "1", Label: l.T("value.yes"), Selected: fi.Value == "1"},
				{Value: "0", Label: l.T("value.no"), Selected: fi.Value == "0"}})
		}
		d.Filters = append(d.Filters, fi)
	}
	d.FiltersHTML = filtersHTML(l, d.Filters)
	for _, name := range allColumns(m) {
		d.ColumnsAll = append(d.ColumnsAll, columnChoice{Name: name, Label: columnLabel(l, m, name), Checked: contains(chosen, name)})
	}
	d.ColumnsHTML, d.HeadHTML = columnChooserHTML(d.ColumnsAll), listHeadHTML(d.Columns)
	views, err := s.store.SavedViews(r.Context(), st.actor, spec.Key)
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		d.Views = append(d.Views, viewLink{ID: v.ID, Name: v.Name, URL: "/" + spec.Key + "?" + v.Query, Active: v.Query == d.Query})
	}
	return d, nil
}

func defaultColumns(spec *listSpec, m *store.Module) []string {
	if len(spec.Columns) > 0 {
		// A named list's own columns, and the custom fields marked for lists.
		out := spec.Columns
		for _, f := range m.ListFields() {
			if f.Custom {
				out = append(slices.Clone(out), f.Name)
			}
		}
		return out
	}
	var out []string
	for _, f := range m.ListFields() {
		if _, fixed := spec.Fixed[f.Name]; !fixed {
			out = append(out, f.Name)
		}
	}
	return out
}

func allColumns(m *store.Module) []string {
	var out []string
	for i := range m.Fields {
		if m.Columnable(m.Fields[i].Name) {
			out = append(out, m.Fields[i].Name)
		}
	}
	return append(out, "created_at")
}

func columnLabel(l *i18n.Locale, m *store.Module, name string) string {
	if name == "created_at" {
		return l.T("field.created_at")
	}
	f, _ := m.Field(name)
	return fieldLabel(l, m, f)
}

func columnCell(l *i18n.Locale, m *store.Module, name string, r *store.Record) cell {
	if name == "created_at" {
		return cell{Text: l.Date(r.CreatedAt)}
	}
	f, _ := m.Field(name)
	return displayCell(l, m, f, r)
}

func without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// cleanQuery keeps the list parameters that define what is shown, without
// the page cursor and without empty values.
func cleanQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if k == "cursor" || len(vs) == 0 || vs[0] == "" {
			continue
		}
		out.Set(k, vs[0])
	}
	return out
}

func withParams(q url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// userOptions are the active users, for owner filters and assignment.
func (s *Server) userOptions(r *http.Request) ([]option, error) {
	users, err := s.store.ActiveUsers(r.Context(), state(r).actor)
	if err != nil {
		return nil, err
	}
	out := make([]option, len(users))
	for i, u := range users {
		out[i] = option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name}
	}
	return out, nil
}

// listColumnsSubmit saves the person's column choice for a list.
func (s *Server) listColumnsSubmit(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if err := s.store.SetListColumns(r.Context(), st.actor, s.module(spec.Module), spec.Key, r.PostForm["columns"]); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.redirect(w, r, "/"+spec.Key+"?"+r.PostFormValue("query"))
	}
}

// viewSubmit saves the list's current filters under a name.
func (s *Server) viewSubmit(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		query := r.PostFormValue("query")
		err := s.store.SaveView(r.Context(), st.actor, spec.Key, r.PostFormValue("name"), query)
		if v, ok := store.AsValidation(err); ok {
			for _, msg := range v.Fields {
				st.session.AddFlash("error:" + msg.Key)
				st.dirty = true
				break
			}
		} else if err != nil {
			s.serverError(w, r, err)
			return
		} else {
			s.addFlash(r, "ok", "views.saved")
		}
		s.redirect(w, r, "/"+spec.Key+"?"+query)
	}
}

func (s *Server) viewDelete(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		err := s.store.DeleteView(r.Context(), state(r).actor, id)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "views.deleted")
		s.redirect(w, r, "/"+spec.Key)
	}
}

// writeListRow renders one list row into b: the bulk checkbox and the
// cells, every piece escaped here or in renderTo.
func writeListRow(b *strings.Builder, row listRow, selectLabel string) {
	b.Grow(160 * (len(row.Cells) + 1))
	b.WriteString(`<tr><td class="sel"><input type="checkbox" name="ids" value="`)
	b.WriteString(strconv.FormatInt(row.ID, 10))
	b.WriteString(`" aria-label="`)
	escapeTo(b, selectLabel)
	b.WriteString(`"></td>`)
	for _, c := range row.Cells {
		b.WriteString(`<td>`)
		c.renderTo(b)
		b.WriteString(`</td>`)
	}
	b.WriteString("</tr>\n")
}

// filtersHTML is a list's filter fields: a select of the choices, two
// dates for a range, or a text input; every piece escaped.
func filtersHTML(l *i18n.Locale, filters []filterInput) template.HTML {
	esc := html.EscapeString
	var b strings.Builder
	b.Grow(256 * len(filters))
	for _, f := range filters {
		id := `filter-` + esc(f.Name)
		b.WriteString(`<div class="field"><label for="` + id + `">` + esc(f.Label) + `</label>`)
		switch {
		case f.Options != "":
			b.WriteString(`<select id="` + id + `" name="` + esc(f.Name) + `">` + string(f.Options) + `</select>`)
		case f.Range:
			b.WriteString(`<span class="daterange"><input type="date" id="` + id + `" name="` + esc(f.Name) + `_from" value="` + esc(f.From) +
				`" aria-label="` + esc(f.Label+" – "+l.T("list.from")) + `"> – <input type="date" name="` + esc(f.Name) + `_to" value="` + esc(f.To) +
				`" aria-label="` + esc(f.Label+" – "+l.T("list.to")) + `"></span>`)
		default:
			b.WriteString(`<input id="` + id + `" name="` + esc(f.Name) + `" value="` + esc(f.Value) + `">`)
		}
		b.WriteString("</div>\n")
	}
	return template.HTML(b.String()) // every piece escaped above; Options in optionsHTML
}

// columnChooserHTML is the column chooser's checkboxes; every piece is
// escaped.
func columnChooserHTML(cols []columnChoice) template.HTML {
	var b strings.Builder
	b.Grow(100 * len(cols))
	for _, c := range cols {
		b.WriteString(`<label class="check"><input type="checkbox" name="columns" value="` + html.EscapeString(c.Name) + `"`)
		if c.Checked {
			b.WriteString(` checked`)
		}
		b.WriteString(`> ` + html.EscapeString(c.Label) + `</label>`)
	}
	return template.HTML(b.String())
}

// listHeadHTML is a list's header cells, each a link that sorts by it
// where the list can; every piece is escaped.
func listHeadHTML(cols []column) template.HTML {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(`<th scope="col">`)
		if c.SortURL == "" {
			b.WriteString(html.EscapeString(c.Label) + `</th>`)
			continue
		}
		b.WriteString(`<a href="` + html.EscapeString(c.SortURL) + `"`)
		mark := ""
		if c.Sorted {
			dir, arrow := "ascending", " ▲"
			if c.Desc {
				dir, arrow = "descending", " ▼"
			}
			b.WriteString(` aria-sort="` + dir + `"`)
			mark = arrow
		}
		b.WriteString(`>` + html.EscapeString(c.Label) + mark + `</a></th>`)
	}
	return template.HTML(b.String())
}
