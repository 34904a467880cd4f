package ui

import (
	"net/http"
	"time"
)

type homeData struct {
	Today     time.Time
	OfficeURL string
}

// home is the "Bugün" page: what the day holds. Until the modules that
// fill it exist, it tells the new office how to get everyone connected.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	data := homeData{Today: time.Now(), OfficeURL: s.cfg.OfficeURL}
	s.render(w, r, http.StatusOK, "home", s.newPage(r, "home.title", data))
}
