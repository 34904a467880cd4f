package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/sms"
)

// The SMS gateway settings page (administrators): any provider's HTTP
// API as a request template, the İYS brand code and the opt-out text.

const smsPath = "/settings/sms"

func (s *Server) smsRoutes(admin *mux.Router) {
	admin.HandleFunc(smsPath, s.smsForm).Methods(http.MethodGet)
	admin.HandleFunc(smsPath, s.smsSubmit).Methods(http.MethodPost)
}

// smsFields are the form's inputs: name, input type, required.
var smsFields = []struct {
	name, input string
	required    bool
}{
	{"url", "text", true}, {"method", "select", true}, {"body_kind", "select", true}, {"body", "textarea", false},
	{"header", "text", false}, {"status", "number", true}, {"success", "text", false}, {"title", "text", false},
	{"brand_code", "text", true}, {"opt_out", "text", true}, {"rate", "number", true},
}

func smsValues(m *store.SMSSettings) url.Values {
	g := m.Gateway
	return url.Values{"url": {g.URL}, "method": {g.Method}, "body_kind": {g.BodyKind}, "body": {g.Body}, "header": {g.Header},
		"status": {strconv.Itoa(g.Status)}, "success": {g.Success}, "title": {g.Title}, "brand_code": {m.BrandCode},
		"opt_out": {m.OptOut}, "rate": {strconv.Itoa(m.Rate)}}
}

func (s *Server) smsForm(w http.ResponseWriter, r *http.Request) {
	m, err := s.store.SMSSettings(r.Context(), state(r).actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.renderSMS(w, r, http.StatusOK, smsValues(m), nil)
}

func (s *Server) smsSubmit(w http.ResponseWriter, r *http.Request) {
	in, errs := store.ParseSMSForm(r.PostForm)
	if errs.Err() == nil {
		err := s.store.SaveSMSSettings(r.Context(), state(r).actor, in)
		if v, ok := store.AsValidation(err); ok {
			errs = v
		} else if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	if errs.Err() != nil {
		s.renderSMS(w, r, http.StatusUnprocessableEntity, r.PostForm, errs)
		return
	}
	s.addFlash(r, "ok", "sms.saved")
	s.redirect(w, r, smsPath)
}

func (s *Server) renderSMS(w http.ResponseWriter, r *http.Request, status int, vals url.Values, errs *store.ValidationError) {
	l := state(r).locale
	d := &mailData{}
	var bad []string
	for _, sf := range smsFields {
		f := formField{Name: sf.name, Label: l.T("field.sms." + sf.name), Input: sf.input, Value: vals.Get(sf.name), Required: sf.required}
		switch sf.name {
		case "method":
			f.Options = []option{{Value: http.MethodPost, Label: "POST"}, {Value: http.MethodGet, Label: "GET"}}
		case "body_kind":
			for _, k := range sms.BodyKinds {
				f.Options = append(f.Options, option{Value: k, Label: l.T("choice.sms.body_kind." + k)})
			}
		}
		if key := "hint.sms." + sf.name; l.T(key) != key {
			f.Hint = l.T(key)
		}
		if errs != nil {
			if msg, ok := errs.Fields[sf.name]; ok {
				f.Error = l.T(msg.Key, msg.Args...)
				f.Focus = len(bad) == 0
				bad = append(bad, f.Label)
			}
		}
		d.Fields = append(d.Fields, f)
	}
	if len(bad) > 0 {
		d.Message = l.T("form.fix_errors", strings.Join(bad, ", "))
	}
	s.render(w, r, status, "sms", s.newPage(r, "sms.title", d))
}
