package ui

import (
	"errors"
	"math"
	"net/http"
	"strings"

	"kobicrm/store"
)

// setupForm shows the first-run form that creates the administrator.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSetUp(w, r) {
		return
	}
	s.render(w, r, http.StatusOK, "setup", s.newPage(r, "setup.title", &form{}))
}

func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	if s.redirectIfSetUp(w, r) {
		return
	}
	st := state(r)
	u, err := s.store.CreateFirstAdmin(r.Context(), store.NewUser{
		Name:          r.PostFormValue("name"),
		Email:         r.PostFormValue("email"),
		Password:      r.PostFormValue("password"),
		PasswordAgain: r.PostFormValue("password_again"),
		Lang:          st.locale.Lang,
	})
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(st.locale, v)
		s.render(w, r, http.StatusUnprocessableEntity, "setup", s.newPage(r, "setup.title", f))
		return
	}
	if errors.Is(err, store.ErrSetupDone) {
		s.redirect(w, r, loginPath)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setupDone.Store(true)
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "setup.done")
	s.redirect(w, r, "/")
}

func (s *Server) redirectIfSetUp(w http.ResponseWriter, r *http.Request) bool {
	done, err := s.store.HasUsers(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return true
	}
	if done {
		s.redirect(w, r, loginPath)
	}
	return done
}

type loginData struct {
	*form
	Next string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if state(r).user != nil {
		s.redirect(w, r, safeNext(r.URL.Query().Get(nextParameter)))
		return
	}
	data := loginData{form: &form{}, Next: safeNext(r.URL.Query().Get(nextParameter))}
	s.render(w, r, http.StatusOK, "login", s.newPage(r, "login.title", data))
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	keys := []string{accountKey(email), addressKey(clientIP(r))}
	data := loginData{form: newForm(r), Next: safeNext(r.PostFormValue(nextParameter))}

	from := store.LoginClient{IP: clientIP(r), UserAgent: r.UserAgent()}

	if wait := s.limiter.wait(keys...); wait > 0 {
		if err := s.store.RecordRateLimited(r.Context(), r.PostFormValue("email"), from); err != nil {
			s.serverError(w, r, err)
			return
		}
		minutes := int(math.Ceil(wait.Minutes()))
		data.Message = st.locale.T("login.too_many", minutes)
		w.Header().Set("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		s.render(w, r, http.StatusTooManyRequests, "login", s.newPage(r, "login.title", data))
		return
	}
	// Login records the attempt in the login history, with the e-mail as
	// typed: a mistyped address is part of what an administrator looks for.
	u, err := s.store.Login(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), from)
	if errors.Is(err, store.ErrBadCredentials) {
		s.limiter.fail(keys...)
		s.log.Info("login failed", "remote", clientIP(r))
		data.Message = st.locale.T("login.failed")
		s.render(w, r, http.StatusUnauthorized, "login", s.newPage(r, "login.title", data))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.limiter.reset(keys[0])
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, data.Next)
}

// startSession logs u in: a new login session in the database, a fresh
// CSRF token, and the language the user chose.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *store.User) error {
	st := state(r)
	if old := st.token; old != "" {
		_ = s.store.EndSession(r.Context(), old)
	}
	token, err := s.store.CreateSession(r.Context(), u.ID, clientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	st.session.Values[keySessionID] = token
	st.session.Values[keyCSRF] = randomToken(32)
	st.dirty = true
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if err := s.store.EndSession(r.Context(), st.token); err != nil {
		s.serverError(w, r, err)
		return
	}
	delete(st.session.Values, keySessionID)
	st.session.Values[keyCSRF] = randomToken(32)
	st.dirty = true
	s.addFlash(r, "ok", "logout.done")
	s.redirect(w, r, loginPath)
}

// languageSubmit switches the interface language: for a logged-in user it
// is saved on their profile, for a visitor in their cookie.
func (s *Server) languageSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	lang := r.PostFormValue("lang")
	if !s.catalog.Has(lang) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if st.user != nil {
		if err := s.store.SetLanguage(r.Context(), st.actor, lang); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	st.session.Values[keyLang] = lang
	st.dirty = true
	s.redirect(w, r, safeNext(r.PostFormValue(nextParameter)))
}
