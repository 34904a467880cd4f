package ui

import (
	"net/http"
	"strconv"

	"kobicrm/store"
)

type notificationRow struct {
	store.Notification
	URL    string
	Module string
}

// notifications lists the user's notices (records assigned to them),
// unread first.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	list, err := s.store.Notifications(r.Context(), st.actor, 100)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := make([]notificationRow, 0, len(list))
	for _, n := range list {
		rows = append(rows, notificationRow{Notification: n, URL: recordURL(n.Module, n.RecordID), Module: st.locale.T(n.Module.Label)})
	}
	s.render(w, r, http.StatusOK, "notifications", s.newPage(r, "notifications.title", rows))
}

// notificationsRead marks one notice read (id) or all of them.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) {
	var ids []int64
	if id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64); err == nil && id > 0 {
		ids = append(ids, id)
	}
	if err := s.store.MarkNotificationsRead(r.Context(), state(r).actor, ids...); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications")
}
