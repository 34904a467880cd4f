package ui

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// Call and visit campaigns on the pages: the campaign page offers to hand
// out the tasks of the call and visit members still without one (a
// launch does it at once when the users are chosen), and the API does
// the same at POST /api/v1/campaigns/{id}/distribute.

// campaignTasks fills the page's hand-out state.
func (s *Server) campaignTasks(r *http.Request, d *campaignData) error {
	n, err := s.store.UntaskedMembers(r.Context(), state(r).actor, d.Record.ID)
	if err != nil {
		return err
	}
	d.Untasked = n
	d.CanDistribute = n > 0 && d.Can.Edit && d.Record.Values.Str("status") == store.CampaignRunning
	return nil
}

// distributeAfterLaunch hands out a just-launched campaign's call and
// visit tasks; a refusal (nobody chosen to take them) is shown on the
// page, where the button stays until it is done.
func (s *Server) distributeAfterLaunch(r *http.Request, id int64) error {
	n, err := s.store.UntaskedMembers(r.Context(), state(r).actor, id)
	if err != nil || n == 0 {
		return err
	}
	return s.distribute(r, id)
}

func (s *Server) distribute(r *http.Request, id int64) error {
	d, err := s.store.DistributeCampaignTasks(r.Context(), state(r).actor, id)
	if s.flashValidation(r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	s.addFlash(r, "ok", "campaigns.distributed", strconv.Itoa(d.Tasks), strconv.Itoa(d.Excluded))
	return nil
}

// campaignDistribute hands out the campaign's call and visit tasks.
func (s *Server) campaignDistribute(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.distribute(r, id); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.redirect(w, r, recordURL(store.Campaigns, id))
}

// apiCampaignDistribute hands out the tasks: {"tasks": …, "excluded": …}.
func (s *Server) apiCampaignDistribute(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.apiMethodNotAllowed(w, r, "POST")
		return
	}
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	d, err := s.store.DistributeCampaignTasks(r.Context(), apiState(r).actor, id)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	s.apiJSON(w, http.StatusOK, struct {
		ID       int64 `json:"id"`
		Tasks    int   `json:"tasks"`
		Excluded int   `json:"excluded"`
	}{id, d.Tasks, d.Excluded})
}
