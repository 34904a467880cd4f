package ui

import (
	"net/http"
	"strconv"

	"kobicrm/store"
)

type profileData struct {
	Profile  *form
	Password *form
	Tokens   tokenCard // filled by renderProfile (tokens.go)
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) {
	u := state(r).user
	data := profileData{
		Profile:  &form{Values: map[string][]string{"name": {u.Name}, "lang": {u.Lang}}},
		Password: &form{},
	}
	s.renderProfile(w, r, http.StatusOK, data)
}

func (s *Server) profileSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	err := s.store.UpdateProfile(r.Context(), st.actor, store.ProfileInput{
		Name: r.PostFormValue("name"),
		Lang: r.PostFormValue("lang"),
	})
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(st.locale, v)
		data := profileData{Profile: f, Password: &form{}}
		s.renderProfile(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// The language may have changed; drop the visitor choice so the
	// profile's wins.
	delete(st.session.Values, keyLang)
	s.addFlash(r, "ok", "profile.saved")
	s.redirect(w, r, "/profile")
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	err := s.store.ChangePassword(r.Context(), st.actor, st.token,
		r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password_again"))
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(st.locale, v)
		u := st.user
		data := profileData{
			Profile:  &form{Values: map[string][]string{"name": {u.Name}, "lang": {u.Lang}}},
			Password: f,
		}
		s.renderProfile(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "profile.password_changed")
	s.redirect(w, r, "/profile")
}

func itoa(n int) string { return strconv.Itoa(n) }
