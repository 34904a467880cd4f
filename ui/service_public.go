package ui

import (
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// The public request form (no login), off until an administrator turns
// it on, and the desk's settings page that turns it on and leads to the
// desk's lists (categories, SLA targets, working hours, holidays).

const (
	publicPath          = "/service/request"
	serviceSettingsPath = "/settings/service"
	// honeypotField is a form field hidden from people: a bot that fills
	// every input fills it too, and its submission is dropped.
	honeypotField = "website"
)

// newPublicLimiter allows 5 submissions per address and 60 in all in 10
// minutes: enough for an office's customers, not for a flood.
func newPublicLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, window: 10 * time.Minute,
		perAccount: 60, perAddress: 5, now: time.Now}
}

// publicRoutes are the form's own, outside the login.
func (s *Server) publicRoutes(r *mux.Router) {
	r.HandleFunc(publicPath, s.publicForm).Methods(http.MethodGet)
	r.HandleFunc(publicPath, s.publicSubmit).Methods(http.MethodPost)
}

func (s *Server) serviceSettingsRoutes(admin *mux.Router) {
	admin.HandleFunc(serviceSettingsPath, s.serviceSettings).Methods(http.MethodGet)
	admin.HandleFunc(serviceSettingsPath, s.serviceSettingsSubmit).Methods(http.MethodPost)
}

type publicData struct {
	Form     *form
	Sent     bool
	Honeypot string
}

func (s *Server) publicForm(w http.ResponseWriter, r *http.Request) {
	on, err := s.store.PublicFormEnabled(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !on {
		s.notFound(w, r)
		return
	}
	d := &publicData{Form: &form{}, Sent: r.URL.Query().Get("sent") == "1", Honeypot: honeypotField}
	s.render(w, r, http.StatusOK, "service_public", s.newPage(r, "public.title", d))
}

// publicSubmit takes a request from the public form. Whatever happens to
// it, the sender learns nothing of the firm's records: a match and a new
// lead answer alike.
func (s *Server) publicSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	on, err := s.store.PublicFormEnabled(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !on {
		s.notFound(w, r)
		return
	}
	d := &publicData{Form: newForm(r), Honeypot: honeypotField}
	d.Form.Errors = map[string]string{}
	keys := []string{accountKey("public-form"), addressKey(clientIP(r))}
	if wait := s.publicLimiter.wait(keys...); wait > 0 {
		d.Form.Message = st.locale.T("public.too_many", int(math.Ceil(wait.Minutes())))
		w.Header().Set("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		s.render(w, r, http.StatusTooManyRequests, "service_public", s.newPage(r, "public.title", d))
		return
	}
	s.publicLimiter.fail(keys...)
	if r.PostFormValue(honeypotField) != "" {
		// A bot: thanked like anyone, and forgotten.
		s.log.Info("public form: honeypot filled", "remote", clientIP(r))
		s.redirect(w, r, publicPath+"?sent=1")
		return
	}
	p, err := store.ParsePublicRequest(r.PostFormValue("name"), r.PostFormValue("phone"), r.PostFormValue("email"), r.PostFormValue("message"))
	if err == nil {
		err = s.store.SubmitPublicRequest(r.Context(), p)
	}
	if v, ok := store.AsValidation(err); ok {
		for name, msg := range v.Fields {
			d.Form.Errors[name] = st.locale.T(msg.Key, msg.Args...)
		}
		s.render(w, r, http.StatusUnprocessableEntity, "service_public", s.newPage(r, "public.title", d))
		return
	}
	if errors.Is(err, store.ErrForbidden) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, publicPath+"?sent=1")
}

type serviceSettingsData struct {
	PublicOn  bool
	PublicURL string
	Lists     []link
}

func (s *Server) serviceSettings(w http.ResponseWriter, r *http.Request) {
	on, err := s.store.PublicFormEnabled(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &serviceSettingsData{PublicOn: on, PublicURL: publicPath}
	for _, spec := range serviceSettingsLists {
		d.Lists = append(d.Lists, link{Label: spec.TitleKey, URL: "/" + spec.Key})
	}
	s.render(w, r, http.StatusOK, "service_settings", s.newPage(r, "service.settings", d))
}

func (s *Server) serviceSettingsSubmit(w http.ResponseWriter, r *http.Request) {
	if err := s.store.SetPublicForm(r.Context(), state(r).actor, r.PostFormValue("public_form") == "on"); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "service.settings_saved")
	s.redirect(w, r, serviceSettingsPath)
}
