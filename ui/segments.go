package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// Segments' pages: the list, form and history come from the declaration;
// a segment's own page adds its live count (and, for a behavioural one,
// how many the KVKK predicate left out), the customers it matches, and a
// campaign to start from it. A segment is built on the customer list:
// filter the list, then "Segment olarak kaydet".

var segmentsList = &listSpec{Key: "segments", Module: store.Segments, TitleKey: "module.segments",
	Columns:  []string{"name", "goal", "criteria", "asset_kind", "owner_id"},
	New:      []link{{Label: "segments.new", URL: "/segments/new"}},
	EmptyKey: "segments.empty"}

func (s *Server) segmentRoutes(in *mux.Router) {
	s.listRoutes(in, segmentsList)
	s.recordRoutes(in, store.Segments, s.segmentShow)
}

type segmentData struct {
	recordData
	Count       store.SegmentCount
	Matched     int64
	LeftOut     int64
	CustomerURL string // the customer list with the segment's filters
	CampaignURL string // a new campaign on this segment; "" without the right
}

// segmentShow is a segment's page with its live count for the viewer.
func (s *Server) segmentShow(w http.ResponseWriter, r *http.Request) {
	m := s.module(store.Segments)
	rec, ok := s.loadRecord(w, r, m)
	if !ok {
		return
	}
	st := state(r)
	d := &segmentData{recordData: recordData{Module: m, Record: rec, Details: details(st.locale, m, rec)}}
	var err error
	if d.Can, err = s.recordRights(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Count, err = s.store.CountSegment(r.Context(), st.actor, rec.ID); err != nil {
		if v, ok := store.AsValidation(err); ok {
			for _, msg := range v.Fields {
				p := s.newPage(r, m.Label, d)
				p.Flashes = append(p.Flashes, flash{Kind: "error", Text: msgText(st.locale, msg)})
				p.Title = rec.Title()
				s.render(w, r, http.StatusOK, "segments_show", p)
				return
			}
		}
		s.storeError(w, r, err)
		return
	}
	d.Matched, d.LeftOut = int64(d.Count.Matched), int64(d.Count.LeftOut)
	d.CustomerURL = "/customers?" + rec.Values.Str("criteria")
	if st.actor.Can(s.module(store.Campaigns), store.ActCreate) {
		d.CampaignURL = "/campaigns/new?" + url.Values{"segment_id": {strconv.FormatInt(rec.ID, 10)},
			"goal": {rec.Values.Str("goal")}}.Encode()
	}
	if d.History, err = s.history(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, m.Label, d)
	p.Title = rec.Title()
	s.render(w, r, http.StatusOK, "segments_show", p)
}

// segmentFromList is the address of a new segment with the customer
// list's filters as its criteria, or "" when the list is not filtered or
// the user may not create segments.
func (s *Server) segmentFromList(a *store.Actor, filters map[string]string) string {
	if len(filters) == 0 || !a.Can(s.module(store.Segments), store.ActCreate) {
		return ""
	}
	q := url.Values{}
	for k, v := range filters {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "/segments/new?" + url.Values{"criteria": {q.Encode()}}.Encode()
}

// msgText is a store message in the user's language, its label arguments
// translated too.
func msgText(l interface{ T(string, ...any) string }, msg store.Msg) string {
	args := make([]any, 0, len(msg.Args))
	for _, a := range msg.Args {
		if k, ok := a.(store.LabelKey); ok {
			args = append(args, l.T(k.CatalogueKey()))
		} else {
			args = append(args, fmt.Sprint(a))
		}
	}
	return l.T(msg.Key, args...)
}
