package ui

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// The generic record pages: one set of handlers serves every declared
// module; a module with more to show (customers' 360° page) adds its own
// show handler beside these.

// localPath is p when it is a path on this server ("/customers/7#consent"),
// else "": a form's "next" must never send anyone to another site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n\\") {
		return ""
	}
	return p
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	return id, err == nil && id > 0
}

type formData struct {
	Module  *store.Module
	ID      int64 // 0 for a new record
	Action  string
	Cancel  string
	Group   string // the discriminator value (person, company)
	Groups  []link // links to switch the discriminator on a new record
	Fields  []formField
	Hidden  []option // extra hidden inputs (contact_of)
	Seen    string   // the record's updated_at as shown, for the conflict check
	Message string
	// Duplicates are the likely duplicates to confirm before saving.
	Duplicates []dupRow
}

// recordForm shows the form for a new record; query parameters preset
// fields (kind, stage, a phone number from the call-centre lookup, an
// asset's customer).
func (s *Server) recordNew(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		if !state(r).actor.Can(m, store.ActCreate) {
			s.storeError(w, r, store.ErrForbidden) // no form that could never be saved
			return
		}
		q := r.URL.Query()
		if parent := parentField(m); parent != nil && q.Get(parent.Name) == "" {
			s.pickParent(w, r, m, parent)
			return
		}
		// A new record starts from the declared defaults, owned by whoever
		// creates it; the query may preset fields (kind, stage, the phone
		// of a caller, an asset's customer). Problems show when saving.
		vals := m.NewValues()
		if _, ok := m.Field("owner_id"); ok {
			vals["owner_id"] = state(r).user.ID
		}
		presets, _ := m.ParseForm(q)
		for k, v := range presets {
			if q.Has(k) {
				vals[k] = v
			}
		}
		raw := url.Values{}
		for k, v := range q {
			raw[k] = v
		}
		s.renderRecordForm(w, r, http.StatusOK, m, formInput{vals: vals, raw: raw})
	}
}

func (s *Server) recordCreate(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		st := state(r)
		vals, errs := m.ParseForm(r.PostForm)
		if err := errs.Err(); err != nil {
			m.Check(vals, errs) // every problem at once, the missing fields too
			s.renderRecordForm(w, r, http.StatusUnprocessableEntity, m, formInput{vals: vals, raw: r.PostForm, errs: errs})
			return
		}
		dups, err := s.duplicateWarning(r, m, vals, 0)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if len(dups) > 0 {
			s.renderRecordForm(w, r, http.StatusOK, m, formInput{vals: vals, raw: r.PostForm, dups: dups})
			return
		}
		// A person created from a company's page is created and linked as
		// its contact in one step.
		company, _ := strconv.ParseInt(r.PostFormValue("contact_of"), 10, 64)
		var rec *store.Record
		if m.Key == store.Customers.Key && company > 0 {
			rec, err = s.store.CreateContactPerson(r.Context(), st.actor, company, vals, "authorized")
		} else {
			rec, err = s.store.Create(r.Context(), st.actor, m, vals)
		}
		if v, ok := store.AsValidation(err); ok {
			s.renderRecordForm(w, r, http.StatusUnprocessableEntity, m, formInput{vals: vals, raw: r.PostForm, errs: v})
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if rec.Module.Key == store.Customers.Key && company > 0 {
			s.addFlash(r, "ok", "contacts.added")
			s.redirect(w, r, recordURL(m, company))
			return
		}
		s.addFlash(r, "ok", "record.added")
		if next := localPath(r.PostFormValue("next")); next != "" {
			s.redirect(w, r, next)
			return
		}
		s.redirect(w, r, recordURL(m, rec.ID))
	}
}

func (s *Server) recordEdit(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		rec, ok := s.loadRecord(w, r, m)
		if !ok {
			return
		}
		if can, err := s.store.Allowed(r.Context(), state(r).actor, m, store.ActEdit, rec.ID); err != nil || !can {
			s.storeError(w, r, cmp.Or(err, store.ErrForbidden))
			return
		}
		s.renderRecordForm(w, r, http.StatusOK, m, formInput{id: rec.ID, vals: rec.Values, refs: rec.Refs, seen: rec.UpdatedAt})
	}
}

func (s *Server) recordUpdate(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		vals, errs := m.ParseForm(r.PostForm)
		// The form carries the record's updated_at as it was shown: a save
		// over somebody else's newer edit is refused, with the typing kept.
		seen, _ := time.Parse(time.RFC3339Nano, r.PostFormValue("updated_at"))
		in := formInput{id: id, vals: vals, raw: r.PostForm, errs: errs, seen: seen}
		if err := errs.Err(); err != nil {
			m.Check(vals, errs)
			s.renderRecordForm(w, r, http.StatusUnprocessableEntity, m, in)
			return
		}
		dups, err := s.duplicateWarning(r, m, vals, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if len(dups) > 0 {
			in.dups = dups
			s.renderRecordForm(w, r, http.StatusOK, m, in)
			return
		}
		_, _, err = s.store.UpdateIfUnchanged(r.Context(), state(r).actor, m, id, vals, seen)
		if v, ok := store.AsValidation(err); ok {
			in.errs = v
			s.renderRecordForm(w, r, http.StatusUnprocessableEntity, m, in)
			return
		}
		if errors.Is(err, store.ErrConflict) {
			// Shown the warning, the person may save again on purpose: the
			// form now carries the current version's time.
			cur, gerr := s.store.Get(r.Context(), state(r).actor, m, id)
			if gerr != nil {
				s.storeError(w, r, gerr)
				return
			}
			in.errs, in.conflict, in.seen = nil, true, cur.UpdatedAt
			s.renderRecordForm(w, r, http.StatusConflict, m, in)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "record.saved")
		s.redirect(w, r, recordURL(m, id))
	}
}

// formInput is what a record form shows.
type formInput struct {
	id       int64 // 0 for a new record
	vals     store.Values
	raw      url.Values // what the person typed, shown back as typed
	errs     *store.ValidationError
	refs     map[string]string // names of referenced records
	seen     time.Time         // the record's updated_at when the form was opened
	conflict bool              // somebody else saved the record meanwhile
	dups     []store.Duplicate // likely duplicates to confirm first
}

// renderRecordForm renders a module's form; errors sit beside their fields.
func (s *Server) renderRecordForm(w http.ResponseWriter, r *http.Request, status int, m *store.Module, in formInput) {
	id, vals, raw, verr, refs := in.id, in.vals, in.raw, in.errs, in.refs
	if verr != nil && verr.Err() == nil {
		verr = nil
	}
	st := state(r)
	l := st.locale
	errs := map[string]string{}
	if verr != nil {
		for f, msg := range verr.Fields {
			errs[f] = l.T(msg.Key, msg.Args...)
		}
	}
	if refs == nil {
		refs = map[string]string{}
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind != store.Ref || f.Ref == "users" || refs[f.Name] != "" {
			continue
		}
		if rid, ok := vals.Int(f.Name); ok {
			target, _ := s.store.Module(f.Ref)
			if rec, err := s.store.Get(r.Context(), st.actor, target, rid); err == nil {
				refs[f.Name] = rec.Title()
			}
		}
	}
	fc, err := s.formContext(r, m, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &formData{Module: m, ID: id, Action: "/" + m.Key, Cancel: "/" + m.Key}
	if !in.seen.IsZero() {
		d.Seen = in.seen.UTC().Format(time.RFC3339Nano)
	}
	if id > 0 {
		d.Action = recordURL(m, id)
		d.Cancel = d.Action
	}
	if m.Discriminator != "" {
		d.Group = vals.Str(m.Discriminator)
		f, _ := m.Field(m.Discriminator)
		if d.Group == "" {
			d.Group = f.Choices[0]
			vals[m.Discriminator] = d.Group
		}
		if id == 0 {
			for _, c := range f.Choices {
				q := withParams(cleanQuery(raw), m.Discriminator, c)
				if c != "person" {
					q.Del("contact_of") // only a person can be a company's contact
				}
				d.Groups = append(d.Groups, link{Label: m.ChoiceKey(f, c), URL: "/" + m.Key + "/new?" + q.Encode(), Current: c == d.Group})
			}
		}
	}
	d.Fields = formFields(l, m, vals, refs, errs, fc)
	if raw != nil {
		for i := range d.Fields {
			ff := &d.Fields[i]
			switch ff.Input {
			case "phones":
				ff.Phones = nil
				labels, numbers := raw[ff.Name+"_label"], raw[ff.Name+"_number"]
				for j, n := range numbers {
					if strings.TrimSpace(n) == "" {
						continue // the empty row to add a number is added once below
					}
					p := store.PhoneEntry{Number: n}
					if j < len(labels) {
						p.Label = labels[j]
					}
					ff.Phones = append(ff.Phones, p)
				}
				ff.Phones = append(ff.Phones, store.PhoneEntry{})
			case "checkbox":
				ff.Checked = raw.Get(ff.Name) != ""
			case "checks":
				for j := range ff.Options {
					ff.Options[j].Selected = slices.Contains(raw[ff.Name], ff.Options[j].Value)
				}
			case "grants":
				// The matrix comes back from the parsed values, which the
				// form's own selects always produce.
			case "select":
				if !raw.Has(ff.Name) {
					continue // not typed: keep the value's own selection
				}
				v := raw.Get(ff.Name)
				for j := range ff.Options {
					ff.Options[j].Selected = ff.Options[j].Value == v
				}
			default:
				if _, typed := raw[ff.Name]; typed {
					ff.Value = raw.Get(ff.Name)
				}
			}
		}
		if c := raw.Get("contact_of"); c != "" && m.Key == store.Customers.Key && id == 0 {
			d.Hidden = append(d.Hidden, option{Value: c, Label: "contact_of"})
		}
		if next := localPath(raw.Get("next")); next != "" {
			// Opened from another page (a call logged from the customer's):
			// saving and cancelling go back there.
			d.Hidden = append(d.Hidden, option{Value: next, Label: "next"})
			d.Cancel = next
		}
	}
	if verr != nil {
		// Name the fields to fix, in form order, and put the cursor in the
		// first one.
		var labels []string
		for i := range d.Fields {
			if d.Fields[i].Error != "" {
				if len(labels) == 0 {
					d.Fields[i].Focus = true
				}
				labels = append(labels, d.Fields[i].Label)
			}
		}
		for f := range verr.Fields {
			if !containsField(d.Fields, f) {
				labels = append(labels, f) // a field the form does not show
			}
		}
		d.Message = l.T("form.fix_errors", strings.Join(labels, ", "))
	}
	if in.conflict {
		d.Message = l.T("record.conflict")
	}
	d.Duplicates = dupRows(l, m, in.dups, id)
	p := s.newPage(r, m.Label, d)
	p.Title = formTitle(l, m, vals, id, refs, raw)
	s.render(w, r, status, "form", p)
}

// formContext gathers what a module's form offers to choose from: the
// users the actor may assign the record to (for a new record, within their
// create scope; for an existing one, their edit scope), and the firm's
// departments, teams and roles for the admin modules' references.
func (s *Server) formContext(r *http.Request, m *store.Module, id int64) (formContext, error) {
	st := state(r)
	fc := formContext{refOpts: map[string][]option{}, access: func(f *store.Field) store.Access {
		return st.actor.FieldAccess(m, f.Name)
	}}
	action := store.ActCreate
	if id > 0 {
		action = store.ActEdit
	}
	users, err := s.store.Assignees(r.Context(), st.actor, m, action)
	if err != nil && !errors.Is(err, store.ErrForbidden) {
		return fc, err
	}
	for _, u := range users {
		fc.users = append(fc.users, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind == store.RefList && f.Ref == "users" {
			// Anyone in the office can take part (an activity's
			// participants), whoever may be made its owner.
			opts, err := s.userOptions(r)
			if err != nil {
				return fc, err
			}
			fc.refOpts[f.Name] = opts
			continue
		}
		target, ok := s.store.Module(f.Ref)
		if f.Kind == store.RefList && !f.Computed && f.Ref != "users" && ok && !target.AdminOnly {
			// A reference list to records of a module (an article's
			// products) offers all of them the user may read.
			opts, err := s.allOptions(r, target)
			if err != nil {
				return fc, err
			}
			fc.refOpts[f.Name] = opts
			continue
		}
		if (f.Kind != store.Ref && f.Kind != store.RefList) || f.Ref == "users" || !ok || !target.AdminOnly {
			continue
		}
		page, err := s.store.List(r.Context(), st.actor, target, store.ListQuery{Limit: store.MaxLimit})
		if err != nil {
			return fc, err
		}
		for _, rec := range page.Records {
			if target == m && rec.ID == id {
				continue // a department is not its own parent
			}
			if active, ok := rec.Values["active"].(bool); ok && !active {
				continue // a deactivated entry of a list (a stage) is no longer offered
			}
			fc.refOpts[f.Name] = append(fc.refOpts[f.Name], option{Value: strconv.FormatInt(rec.ID, 10), Label: rec.Title()})
		}
	}
	return fc, nil
}

// maxRefListOptions bounds the records a reference list's checkboxes
// offer: a firm's products are hundreds, not tens of thousands.
const maxRefListOptions = 5000

// allOptions are the live records of a module the user may read, in its
// default order, as choices of a reference list; none when the user may
// not read the module. Inactive ones stay offered: the checkboxes are the
// whole list, so one chosen before it was deactivated stays chosen.
func (s *Server) allOptions(r *http.Request, target *store.Module) ([]option, error) {
	var opts []option
	q := store.ListQuery{Limit: store.MaxLimit, Fields: []string{target.TitleField}}
	for len(opts) < maxRefListOptions {
		page, err := s.store.List(r.Context(), state(r).actor, target, q)
		if errors.Is(err, store.ErrForbidden) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for _, rec := range page.Records {
			opts = append(opts, option{Value: strconv.FormatInt(rec.ID, 10), Label: rec.Title()})
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	return opts, nil
}

// loadRecord reads the record named in the URL, answering 404 itself when
// it does not exist or the user may not see it.
func (s *Server) loadRecord(w http.ResponseWriter, r *http.Request, m *store.Module) (*store.Record, bool) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	rec, err := s.store.Get(r.Context(), state(r).actor, m, id)
	if err != nil {
		s.storeError(w, r, err)
		return nil, false
	}
	return rec, true
}

// storeError answers a store error: 404 for a missing or hidden record
// (never telling which), 403 for a refused action, 400 for a bad query.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, store.ErrForbidden):
		s.renderError(w, r, http.StatusForbidden)
	case errors.Is(err, store.ErrBadQuery):
		s.renderError(w, r, http.StatusBadRequest)
	case errors.Is(err, store.ErrConflict):
		s.renderMessage(w, r, http.StatusConflict, "error.409_title", "record.conflict")
	default:
		s.serverError(w, r, err)
	}
}

type recordData struct {
	Module  *store.Module
	Record  *store.Record
	Details []detail
	History []historyRow
	Can     recordRights
	Actions []recordAction // module-specific buttons (a user's invitation link)
	Links   []link         // module-specific links (an activity's .ics file); Label is a catalogue key
}

// recordAction is a button on a record page that posts to URL.
type recordAction struct {
	URL   string
	ID    string
	Label string
}

// recordRights are the buttons a record page shows: a user who may only
// read a record sees none (the store refuses a forged POST regardless).
type recordRights struct {
	Edit   bool
	Delete bool
}

func (s *Server) recordRights(r *http.Request, m *store.Module, id int64) (recordRights, error) {
	var c recordRights
	var err error
	a := state(r).actor
	if c.Edit, err = s.store.Allowed(r.Context(), a, m, store.ActEdit, id); err != nil {
		return c, err
	}
	c.Delete, err = s.store.Allowed(r.Context(), a, m, store.ActDelete, id)
	return c, err
}

// recordShow is the generic record page.
func (s *Server) recordShow(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		rec, ok := s.loadRecord(w, r, m)
		if !ok {
			return
		}
		l := state(r).locale
		d := &recordData{Module: m, Record: rec, Details: details(l, m, rec)}
		var err error
		if d.Can, err = s.recordRights(r, m, rec.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		if m.Key == store.Users.Key {
			d.Actions = userActions(rec)
		}
		switch m.Key {
		case store.Activities.Key:
			d.Links = activityLinks(rec)
		case store.Opportunities.Key:
			d.Links = opportunityLinks(state(r).actor, rec)
		case store.OpportunityStages.Key:
			d.Links = stageLinks(state(r).actor)
		}
		if d.History, err = s.history(r, m, rec.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, m.Label, d)
		p.Title = rec.Title()
		s.render(w, r, http.StatusOK, "record", p)
	}
}

type confirmData struct {
	Heading string
	Body    string
	Action  string
	Cancel  string
	Hidden  []option
	Button  string
}

// confirmed says whether a destructive form was confirmed. Without the
// confirmed field (no JavaScript to ask), a confirmation page asks first.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, heading, body, cancel string) bool {
	if r.PostFormValue("confirmed") == "1" {
		return true
	}
	l := state(r).locale
	d := &confirmData{Heading: heading, Body: body, Action: r.URL.Path, Cancel: cancel, Button: l.T("action.confirm")}
	for k, vs := range r.PostForm {
		if k == csrfField || k == "confirmed" {
			continue
		}
		for _, v := range vs {
			d.Hidden = append(d.Hidden, option{Label: k, Value: v})
		}
	}
	s.render(w, r, http.StatusOK, "confirm", s.newPage(r, "action.confirm", d))
	return false
}

func (s *Server) recordDelete(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		rec, ok := s.loadRecord(w, r, m)
		if !ok {
			return
		}
		l := state(r).locale
		if !s.confirmed(w, r, l.T("delete.heading", rec.Title()), l.T("delete.body"), recordURL(m, rec.ID)) {
			return
		}
		if err := s.store.Delete(r.Context(), state(r).actor, m, rec.ID); err != nil {
			s.storeError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "record.deleted")
		s.redirect(w, r, "/"+m.Key)
	}
}

// bulk applies one action to the records ticked in a list.
func (s *Server) bulk(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		l := st.locale
		m := s.module(spec.Module)
		back := "/" + spec.Key + "?" + r.PostFormValue("query")
		var ids []int64
		for _, v := range r.PostForm["ids"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			s.addFlash(r, "error", "bulk.none_selected")
			s.redirect(w, r, back)
			return
		}
		var err error
		switch r.PostFormValue("action") {
		case "assign":
			owner, perr := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
			if perr != nil {
				s.addFlash(r, "error", "bulk.choose_owner")
				s.redirect(w, r, back)
				return
			}
			err = s.store.BulkUpdate(r.Context(), st.actor, m, ids, store.Values{"owner_id": owner})
		case "tag":
			tag := strings.TrimSpace(r.PostFormValue("tag"))
			if tag == "" {
				s.addFlash(r, "error", "bulk.enter_tag")
				s.redirect(w, r, back)
				return
			}
			err = s.store.BulkAddTag(r.Context(), st.actor, m, ids, "tags", tag)
		case "delete":
			if !s.confirmed(w, r, l.T("bulk.delete_heading", len(ids)), l.T("delete.body"), back) {
				return
			}
			err = s.store.Delete(r.Context(), st.actor, m, ids...)
		default:
			s.addFlash(r, "error", "bulk.choose_action")
			s.redirect(w, r, back)
			return
		}
		if v, ok := store.AsValidation(err); ok {
			for _, msg := range v.Fields {
				st.session.AddFlash("error:" + msg.Key)
				st.dirty = true
				break
			}
			s.redirect(w, r, back)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "bulk.done")
		s.redirect(w, r, back)
	}
}

// parentField is the reference to the record a record belongs to (an
// asset's customer), or nil.
func parentField(m *store.Module) *store.Field {
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Kind == store.Ref && f.Parent {
			return f
		}
	}
	return nil
}

type pickData struct {
	Module  *store.Module
	Parent  *store.Module
	Field   string
	Query   string
	Results []searchRow
}

// pickParent is the first step of a new record that belongs to another
// (an asset to its customer): find the owner, then fill in the form.
func (s *Server) pickParent(w http.ResponseWriter, r *http.Request, m *store.Module, f *store.Field) {
	st := state(r)
	parent, _ := s.store.Module(f.Ref)
	d := &pickData{Module: m, Parent: parent, Field: f.Name, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	if d.Query != "" {
		page, err := s.store.List(r.Context(), st.actor, parent, store.ListQuery{Search: d.Query, Limit: 20})
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for _, rec := range page.Records {
			d.Results = append(d.Results, searchRow{Title: rec.Title(),
				URL: "/" + m.Key + "/new?" + url.Values{f.Name: {strconv.FormatInt(rec.ID, 10)}}.Encode()})
		}
	}
	p := s.newPage(r, m.Key+".new", d)
	s.render(w, r, http.StatusOK, "pick", p)
}

func containsField(fields []formField, name string) bool {
	for _, f := range fields {
		if f.Name == name || strings.HasPrefix(name, f.Name+"_") {
			return true
		}
	}
	return false
}

// formTitle names what the form does: "Yeni kurumsal müşteri", "Yeni aday
// (kişi)", or "Düzenle: <name>".
func formTitle(l *i18n.Locale, m *store.Module, vals store.Values, id int64, refs map[string]string, raw url.Values) string {
	if id > 0 {
		name := vals.Str(m.TitleField)
		if raw != nil || name == "" {
			return l.T("record.edit", l.T(m.Label))
		}
		return l.T("record.edit", name)
	}
	if m.Discriminator != "" {
		prefix := m.Key
		if m.Key == store.Customers.Key && vals.Str("stage") == "lead" {
			prefix = "leads"
		}
		return l.T(prefix + ".new_" + vals.Str(m.Discriminator))
	}
	return l.T(m.Key + ".new") // every module's catalogue has "<module>.new"
}
