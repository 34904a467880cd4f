package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"kobicrm/store"
)

// The administrators' page of the pipeline's stages: their board order,
// probabilities and kinds, moved up and down here; added and edited
// through the stage's declared form.

const stagesPath = "/settings/stages"

type stagesData struct {
	Stages []stageRow
	NewURL string
}

type stageRow struct {
	ID          int64
	Name        string
	Probability int64
	Kind        string
	KindLabel   string
	Active      bool
	EditURL     string
	MoveURL     string
	First, Last bool
}

func (s *Server) stagesPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	stages, err := s.store.Stages(r.Context(), st.actor, true)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	m := s.module(store.OpportunityStages)
	kind, _ := m.Field("kind")
	next := url.Values{"next": {stagesPath}}.Encode()
	d := &stagesData{NewURL: "/opportunity_stages/new?" + next}
	for i, sg := range stages {
		id := strconv.FormatInt(sg.ID, 10)
		d.Stages = append(d.Stages, stageRow{ID: sg.ID, Name: sg.Name, Probability: sg.Probability, Kind: sg.Kind,
			KindLabel: choiceLabel(st.locale, m, kind, sg.Kind), Active: sg.Active,
			EditURL: "/opportunity_stages/" + id + "/edit", MoveURL: stagesPath + "/" + id + "/move",
			First: i == 0, Last: i == len(stages)-1})
	}
	s.render(w, r, http.StatusOK, "opportunities_stages", s.newPage(r, "stages.title", d))
}

// stageMove moves a stage one place up or down (dir=up|down).
func (s *Server) stageMove(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	delta := 1
	if r.PostFormValue("dir") == "up" {
		delta = -1
	}
	if err := s.store.MoveStage(r.Context(), state(r).actor, id, delta); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.redirect(w, r, stagesPath)
}

// stageLinks are a stage page's own link back to the stages' page, for
// the administrators who keep them.
func stageLinks(a *store.Actor) []link {
	if a == nil || !a.Admin {
		return nil
	}
	return []link{{Label: "stages.title", URL: stagesPath}}
}
