package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// The administrators' pages for the firm's organisation: users, teams,
// departments and roles are declared modules, so their lists, forms and
// histories are the generic ones; this file adds what only users have
// (the invitation link) and the page where an invited user sets a password.

var (
	usersList = &listSpec{Key: "users", Module: store.Users, TitleKey: "module.users",
		New: []link{{Label: "users.new", URL: "/users/new"}}, EmptyKey: "users.empty"}
	teamsList = &listSpec{Key: "teams", Module: store.Teams, TitleKey: "module.teams",
		New: []link{{Label: "teams.new", URL: "/teams/new"}}, EmptyKey: "teams.empty"}
	departmentsList = &listSpec{Key: "departments", Module: store.Departments, TitleKey: "module.departments",
		New: []link{{Label: "departments.new", URL: "/departments/new"}}, EmptyKey: "departments.empty"}
	rolesList = &listSpec{Key: "roles", Module: store.Roles, TitleKey: "module.roles",
		New: []link{{Label: "roles.new", URL: "/roles/new"}}, EmptyKey: "roles.empty"}
)

// orgRoutes serves the organisation modules to administrators.
func (s *Server) orgRoutes(admin *mux.Router) {
	for _, spec := range []*listSpec{usersList, teamsList, departmentsList, rolesList} {
		s.listRoutes(admin, spec)
	}
	s.recordRoutes(admin, store.Users, s.recordShow(store.Users))
	s.recordRoutes(admin, store.Teams, s.recordShow(store.Teams))
	s.recordRoutes(admin, store.Departments, s.recordShow(store.Departments))
	s.recordRoutes(admin, store.Roles, s.recordShow(store.Roles))
	admin.HandleFunc("/users/{id:[0-9]+}/invite", s.inviteCreate).Methods(http.MethodPost)
}

type inviteData struct {
	User    *store.User
	Link    string
	Expires string
}

// inviteCreate makes a one-time link for a user to set their password and
// shows it once; the administrator passes it on (the program sends no
// mail). Making a new link voids the old one.
func (s *Server) inviteCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	st := state(r)
	u, err := s.store.UserByID(r.Context(), st.actor, id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	token, expires, err := s.store.CreateInvite(r.Context(), st.actor, id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	link := (&url.URL{Scheme: "http", Host: r.Host, Path: "/invite/" + token}).String()
	p := s.newPage(r, "invite.title", &inviteData{User: u, Link: link, Expires: st.locale.DateTime(expires)})
	s.render(w, r, http.StatusOK, "invite", p)
}

type inviteForm struct {
	*form
	User *store.User
}

// inviteForm is where an invited user chooses a password.
func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) {
	s.renderInvite(w, r, http.StatusOK, mux.Vars(r)["token"], &form{})
}

// renderInvite shows the password form of an invitation, or says the
// link is no good (used, expired or never issued).
func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, token string, f *form) {
	u, err := s.store.InvitedUser(r.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		s.renderMessage(w, r, http.StatusNotFound, "invite.invalid_title", "invite.invalid")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "accept", s.newPage(r, "invite.accept_title", &inviteForm{form: f, User: u}))
}

func (s *Server) inviteSubmit(w http.ResponseWriter, r *http.Request) {
	token := mux.Vars(r)["token"]
	u, err := s.store.AcceptInvite(r.Context(), token, r.PostFormValue("password"), r.PostFormValue("password_again"))
	if v, ok := store.AsValidation(err); ok {
		f := newForm(r)
		f.addValidation(state(r).locale, v)
		s.renderInvite(w, r, http.StatusUnprocessableEntity, token, f)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		s.renderInvite(w, r, http.StatusNotFound, token, nil) // answers that the link is no good
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "invite.done")
	s.redirect(w, r, "/")
}

// userActions are the extra buttons of a user's page.
func userActions(rec *store.Record) []recordAction {
	if active, _ := rec.Values["active"].(bool); !active {
		return nil
	}
	return []recordAction{{URL: "/users/" + strconv.FormatInt(rec.ID, 10) + "/invite", ID: "invite-user", Label: "invite.create"}}
}
