package ui

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// KVKK: the administrators' page of the two texts (the privacy notice and
// the explicit-consent text, each in versions), a page showing one
// version as it was, and the KVKK section of a person's 360° page with
// what they were given and gave.

// kvkkRoutes registers the KVKK pages: the texts' versions for everyone
// logged in (in), their editing for administrators (admin).
func (s *Server) kvkkRoutes(in, admin *mux.Router) {
	in.HandleFunc("/kvkk/texts/{id:[0-9]+}", s.kvkkTextShow).Methods(http.MethodGet)
	in.HandleFunc("/customers/{id:[0-9]+}/kvkk", s.kvkkRecord).Methods(http.MethodPost)
	admin.HandleFunc("/admin/kvkk", s.kvkkAdmin).Methods(http.MethodGet)
	admin.HandleFunc("/admin/kvkk", s.kvkkSave).Methods(http.MethodPost)
}

// kvkkTextRow is one version of a text in a list or a heading.
type kvkkTextRow struct {
	ID      int64
	Kind    string // the kind's label
	Version int
	When    string
	By      string
	URL     string
}

func newKVKKTextRow(l *i18n.Locale, t *store.KVKKText) *kvkkTextRow {
	if t == nil {
		return nil
	}
	return &kvkkTextRow{ID: t.ID, Kind: l.T("kvkk.kind." + t.Kind), Version: t.Version, When: l.DateTime(t.CreatedAt),
		By: t.CreatedBy, URL: "/kvkk/texts/" + strconv.FormatInt(t.ID, 10)}
}

// kvkkTextForm is the editor of one kind of text.
type kvkkTextForm struct {
	Kind    string
	Label   string
	Body    string // what the textarea holds: the current version, or what was typed
	Current *kvkkTextRow
	Preview template.HTML // the current version, rendered safely
	Error   string
	Message string
}

type kvkkAdminData struct {
	Forms   []kvkkTextForm
	History []kvkkTextRow
}

func (s *Server) kvkkAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderKVKKAdmin(w, r, http.StatusOK, "", "", nil)
}

// renderKVKKAdmin shows the texts; typed (for kind) is a body that was
// not saved, shown back with what to fix.
func (s *Server) renderKVKKAdmin(w http.ResponseWriter, r *http.Request, status int, kind, typed string, verr *store.ValidationError) {
	st := state(r)
	l := st.locale
	set, err := s.store.KVKKTexts(r.Context(), st.actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &kvkkAdminData{}
	for _, k := range store.KVKKTextKinds {
		f := kvkkTextForm{Kind: k, Label: l.T("kvkk.kind." + k)}
		if cur := set.Current(k); cur != nil {
			f.Body, f.Current, f.Preview = cur.Body, newKVKKTextRow(l, cur), markdown(cur.Body)
		}
		if k == kind && verr != nil {
			f.Body = typed
			if msg, ok := verr.Fields["body"]; ok {
				f.Error = l.T(msg.Key, msg.Args...)
			}
			f.Message = l.T("form.fix_errors", l.T("kvkk.body"))
		}
		d.Forms = append(d.Forms, f)
	}
	for i := range set.History {
		d.History = append(d.History, *newKVKKTextRow(l, &set.History[i]))
	}
	s.render(w, r, status, "kvkk", s.newPage(r, "kvkk.texts_title", d))
}

// kvkkSave saves a text as its next version, or shows it back.
func (s *Server) kvkkSave(w http.ResponseWriter, r *http.Request) {
	kind, body := r.PostFormValue("kind"), r.PostFormValue("body")
	t, created, err := s.store.SaveKVKKText(r.Context(), state(r).actor, kind, body)
	if v, ok := store.AsValidation(err); ok {
		s.renderKVKKAdmin(w, r, http.StatusUnprocessableEntity, kind, body, v)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if created {
		s.addFlash(r, "ok", "kvkk.saved", state(r).locale.T("kvkk.kind."+t.Kind), strconv.Itoa(t.Version))
	} else {
		s.addFlash(r, "ok", "kvkk.unchanged")
	}
	s.redirect(w, r, "/admin/kvkk#kvkk-"+t.Kind)
}

type kvkkTextData struct {
	Text *kvkkTextRow
	Body template.HTML
}

// kvkkTextShow shows one version of a text as it was given.
func (s *Server) kvkkTextShow(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	st := state(r)
	t, err := s.store.KVKKText(r.Context(), st.actor, id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	row := newKVKKTextRow(st.locale, t)
	p := s.newPage(r, "kvkk.texts_title", &kvkkTextData{Text: row, Body: markdown(t.Body)})
	p.Title = st.locale.T("kvkk.text_heading", row.Kind, row.Version)
	s.render(w, r, http.StatusOK, "kvkk_text", p)
}

// kvkkEventRow is one KVKK event as the customer page shows it.
type kvkkEventRow struct {
	Kind    string // the event kind, for ids and classes
	Label   string
	Version int
	TextURL string
	When    string
	By      string
	Note    string
}

func newKVKKEventRow(l *i18n.Locale, e *store.KVKKEvent) *kvkkEventRow {
	if e == nil {
		return nil
	}
	row := &kvkkEventRow{Kind: e.Kind, Label: l.T("kvkk.event." + e.Kind), Version: e.Version, When: l.DateTime(e.At), By: e.User, Note: e.Note}
	if e.TextID > 0 {
		row.TextURL = "/kvkk/texts/" + strconv.FormatInt(e.TextID, 10)
	}
	return row
}

// kvkkSectionData is the KVKK section of a person's 360° page.
type kvkkSectionData struct {
	Action       string // where the buttons post
	CanEdit      bool
	Notice       *kvkkEventRow // the latest notice given
	Consent      string        // consent_given, consent_withdrawn, or none
	ConsentLabel string
	ConsentEvent *kvkkEventRow
	// The current texts (nil: none written yet, so nothing can be given).
	NoticeText, ConsentText *kvkkTextRow
	History                 []kvkkEventRow // the latest few
	More                    int            // how many older events are left out
}

// kvkkSectionLimit is how many events the section lists; every one is in
// the customer's history too.
const kvkkSectionLimit = 5

// kvkkSection builds the KVKK section of a customer's page; nil for a
// company, which KVKK does not cover.
func (s *Server) kvkkSection(r *http.Request, rec *store.Record) (*kvkkSectionData, error) {
	if rec.Values.Str("kind") != "person" {
		return nil, nil
	}
	st := state(r)
	l := st.locale
	status, err := s.store.KVKKStatus(r.Context(), st.actor, rec.ID)
	if err != nil {
		return nil, err
	}
	texts, err := s.store.KVKKTexts(r.Context(), st.actor)
	if err != nil {
		return nil, err
	}
	d := &kvkkSectionData{Action: recordURL(store.Customers, rec.ID) + "/kvkk", Consent: status.Consent,
		Notice: newKVKKEventRow(l, status.Notice), ConsentEvent: newKVKKEventRow(l, status.ConsentEvent),
		NoticeText: newKVKKTextRow(l, texts.Notice), ConsentText: newKVKKTextRow(l, texts.Consent)}
	if d.Consent == "" {
		d.Consent = "none"
	}
	d.ConsentLabel = l.T("kvkk.state." + d.Consent)
	if d.CanEdit, err = s.store.Allowed(r.Context(), st.actor, store.Customers, store.ActEdit, rec.ID); err != nil {
		return nil, err
	}
	for i := range status.Events {
		if i == kvkkSectionLimit {
			d.More = len(status.Events) - i
			break
		}
		d.History = append(d.History, *newKVKKEventRow(l, &status.Events[i]))
	}
	return d, nil
}

// kvkkRecord records a KVKK event on a person from their page; a
// withdrawal is confirmed first.
func (s *Server) kvkkRecord(w http.ResponseWriter, r *http.Request) {
	id, _ := pathID(r)
	st := state(r)
	l := st.locale
	back := recordURL(store.Customers, id) + "#kvkk"
	kind := r.PostFormValue("kind")
	if kind == store.KVKKEventConsentWithdrawn && !s.confirmed(w, r, l.T("kvkk.withdraw_heading"), l.T("kvkk.withdraw_confirm"), back) {
		return
	}
	_, err := s.store.RecordKVKK(r.Context(), st.actor, id, kind, r.PostFormValue("note"))
	if v, ok := store.AsValidation(err); ok {
		s.kvkkFlashError(r, v)
		s.redirect(w, r, back)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "kvkk.recorded."+kind)
	s.redirect(w, r, back)
}

// kvkkFlashError tells what was refused: a note's problem names the
// field; the others (no text yet, a company, nothing to withdraw) say it
// all themselves.
func (s *Server) kvkkFlashError(r *http.Request, v *store.ValidationError) {
	l := state(r).locale
	if msg, ok := v.Fields["note"]; ok {
		s.addFlash(r, "error", "kvkk.error_field", l.T("kvkk.note"), l.T(msg.Key, msg.Args...))
		return
	}
	for _, msg := range v.Fields {
		s.addFlash(r, "error", msg.Key)
		return
	}
}
