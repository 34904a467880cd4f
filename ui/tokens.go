package ui

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// keyNewToken holds a just-created API token in the (encrypted) cookie
// session between the POST that made it and the one page that shows it.
const keyNewToken = "new_token"

// tokenCard is the profile page's "API tokens" card.
type tokenCard struct {
	List []store.Token
	// New is the token just created, shown this once and never again.
	New  string
	Form *form
}

// renderProfile shows the profile page with the user's API tokens, and a
// token just created, once.
func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, data profileData) {
	st := state(r)
	list, err := s.store.Tokens(r.Context(), st.actor)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	data.Tokens.List = list
	if data.Tokens.Form == nil {
		data.Tokens.Form = &form{}
	}
	if tok, ok := st.session.Values[keyNewToken].(string); ok {
		delete(st.session.Values, keyNewToken)
		st.dirty = true
		data.Tokens.New = tok
	}
	s.render(w, r, status, "profile", s.newPage(r, "profile.title", data))
}

// tokenCreate makes an API token for the logged-in user. The token goes to
// the next page view only (post, redirect, get), so reloading the page
// neither shows it again nor makes another one.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	token, _, err := s.store.CreateToken(r.Context(), st.actor, r.PostFormValue("name"))
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(st.locale, v)
		u := st.user
		data := profileData{
			Profile:  &form{Values: map[string][]string{"name": {u.Name}, "lang": {u.Lang}}},
			Password: &form{},
			Tokens:   tokenCard{Form: f},
		}
		s.renderProfile(w, r, http.StatusUnprocessableEntity, data)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("API token created", "user", st.user.Email)
	st.session.Values[keyNewToken] = token
	st.dirty = true
	s.addFlash(r, "ok", "tokens.created")
	s.redirect(w, r, "/profile#tokens")
}

// tokenRevoke ends one of the user's own API tokens.
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.store.RevokeToken(r.Context(), st.actor, id); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("API token revoked", "user", st.user.Email, "token", id)
	s.addFlash(r, "ok", "tokens.revoked")
	s.redirect(w, r, "/profile#tokens")
}
