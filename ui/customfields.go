package ui

import (
	"net/http"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// The administrators' page of custom fields, and the helpers that let
// every page show them: routes are registered with the package's module
// declarations (store.Customers), and each request resolves its module to
// the store's current snapshot, which holds the database's custom fields.

// module is the store's current declaration of m, with its custom fields.
func (s *Server) module(m *store.Module) *store.Module {
	if c, ok := s.store.Module(m.Key); ok {
		return c
	}
	return m
}

// fieldLabel is a field's label in the page's language: a custom field's
// own text, or the catalogue's.
func fieldLabel(l *i18n.Locale, m *store.Module, f *store.Field) string {
	if f.Custom {
		return f.LabelIn(l.Lang)
	}
	return l.T(m.LabelKey(f))
}

// choiceLabel is the label of one choice of a field in the page's language.
func choiceLabel(l *i18n.Locale, m *store.Module, f *store.Field, value string) string {
	if f.Custom {
		if s := f.ChoiceLabelIn(value, l.Lang); s != "" {
			return s
		}
		return value // a value no longer among the choices
	}
	return l.T(m.ChoiceKey(f, value))
}

// multiChoiceLabels are the labels of a MultiChoice value's choices.
func multiChoiceLabels(l *i18n.Locale, m *store.Module, f *store.Field, v any) []string {
	var out []string
	for _, c := range store.MultiValues(v) {
		out = append(out, choiceLabel(l, m, f, c))
	}
	return out
}

type customFieldRow struct {
	Module    string
	Name      string
	Label     string
	LabelEN   string
	Kind      string
	Choices   []string
	Flags     []string
	CreatedAt string
	CreatedBy string
	RemoveURL string
}

type customFieldsData struct {
	Fields  []customFieldRow
	Modules []option
	Kinds   []option
	Form    url.Values // the add form as typed, to show back on a problem
	Errors  map[string]string
	Message string
}

// customFieldFlags are the add form's checkboxes, in its order.
var customFieldFlags = []string{"required", "list", "filter", "search", "sensitive"}

func (s *Server) customFields(w http.ResponseWriter, r *http.Request) {
	s.renderCustomFields(w, r, http.StatusOK, url.Values{"module": {store.Customers.Key}, "kind": {string(store.Text)}, "list": {"1"}}, nil)
}

func (s *Server) renderCustomFields(w http.ResponseWriter, r *http.Request, status int, form url.Values, verr *store.ValidationError) {
	st := state(r)
	l := st.locale
	list, err := s.store.CustomFields(r.Context(), st.actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &customFieldsData{Form: form, Errors: map[string]string{}}
	for _, cf := range list {
		m, ok := s.store.Module(cf.Module)
		if !ok {
			continue
		}
		row := customFieldRow{Module: l.T(m.Label), Name: cf.Name, Label: cf.LabelTR, LabelEN: cf.LabelEN,
			Kind: l.T("fields.kind." + string(cf.Kind)), CreatedAt: l.DateTime(cf.CreatedAt), CreatedBy: cf.CreatedBy,
			RemoveURL: "/admin/fields/" + cf.Module + "/" + cf.Name + "/remove"}
		for _, c := range cf.Choices {
			label := c.TR
			if c.EN != "" {
				label += " / " + c.EN
			}
			row.Choices = append(row.Choices, label)
		}
		for flag, on := range map[string]bool{"required": cf.Required, "list": cf.List, "filter": cf.Filter, "search": cf.Search, "sensitive": cf.Sensitive} {
			if on {
				row.Flags = append(row.Flags, flag)
			}
		}
		slices.SortFunc(row.Flags, func(a, b string) int { return slices.Index(customFieldFlags, a) - slices.Index(customFieldFlags, b) })
		for i, f := range row.Flags {
			row.Flags[i] = l.T("fields." + f)
		}
		d.Fields = append(d.Fields, row)
	}
	for _, m := range store.RoleModules() {
		d.Modules = append(d.Modules, option{Value: m.Key, Label: l.T(m.Label), Selected: form.Get("module") == m.Key})
	}
	for _, k := range store.CustomFieldKinds {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: l.T("fields.kind." + string(k)), Selected: form.Get("kind") == string(k)})
	}
	if verr != nil {
		var labels []string
		for _, name := range []string{"module", "kind", "label_tr", "label_en", "choices"} {
			if msg, ok := verr.Fields[name]; ok {
				d.Errors[name] = l.T(msg.Key, msg.Args...)
				labels = append(labels, l.T("fields."+name))
			}
		}
		d.Message = l.T("form.fix_errors", joinComma(labels))
	}
	s.render(w, r, status, "fields", s.newPage(r, "fields.title", d))
}

func joinComma(list []string) string {
	out := ""
	for i, s := range list {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// customFieldAdd adds a field from the form, or shows the form again,
// filled in, with what to fix.
func (s *Server) customFieldAdd(w http.ResponseWriter, r *http.Request) {
	cf, verr := store.ParseCustomFieldForm(r.PostForm)
	if verr.Err() == nil {
		_, err := s.store.AddCustomField(r.Context(), state(r).actor, cf)
		if v, ok := store.AsValidation(err); ok {
			verr = v
		} else if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	if verr.Err() != nil {
		s.renderCustomFields(w, r, http.StatusUnprocessableEntity, r.PostForm, verr)
		return
	}
	s.addFlash(r, "ok", "fields.added")
	s.redirect(w, r, "/admin/fields")
}

// customFieldRemove removes a field after a confirmation page that says
// its data goes, and then tells where the backup copy with the data is.
func (s *Server) customFieldRemove(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	m, ok := s.store.Module(mux.Vars(r)["module"])
	if !ok {
		s.notFound(w, r)
		return
	}
	f, ok := m.Field(mux.Vars(r)["name"])
	if !ok || !f.Custom {
		s.notFound(w, r)
		return
	}
	label := fieldLabel(l, m, f)
	if !s.confirmed(w, r, l.T("fields.remove_heading", label, l.T(m.Label)), l.T("fields.remove_body"), "/admin/fields") {
		return
	}
	backup, err := s.store.RemoveCustomField(r.Context(), st.actor, m.Key, f.Name)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("custom field removed", "module", m.Key, "field", f.Name, "backup", backup, "user", st.user.Email)
	s.addFlash(r, "ok", "fields.removed", label, backup)
	s.redirect(w, r, "/admin/fields")
}

// safetyBackups are the backup page's list of the copies written before
// custom fields were removed.
func (s *Server) safetyBackups(r *http.Request) ([]option, error) {
	list, err := s.store.SafetyBackups(r.Context(), state(r).actor)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, b := range list {
		out = append(out, option{Value: b.Path, Label: filepath.Base(b.Path) + " — " + state(r).locale.DateTime(b.ModTime)})
	}
	return out, nil
}
