package ui

import (
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

type binGroup struct {
	Module  *store.Module
	Label   string
	Rows    []binRow
	NextURL string // the module's next page of the bin, "" on the last
}

type binRow struct {
	ID        int64
	Title     string
	DeletedAt string
	Action    string // the form action prefix: /recycle/{module}/{id}
}

// recycleBin lists deleted records per module, the latest deleted first;
// an administrator restores them or removes them for good. Each module's
// list pages on (?module=…&cursor=…), so nothing in the bin is out of reach.
func (s *Server) recycleBin(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	only, cursor := r.URL.Query().Get("module"), r.URL.Query().Get("cursor")
	var groups []binGroup
	for _, m := range s.store.Modules() {
		if only != "" && m.Key != only {
			continue
		}
		q := store.ListQuery{Deleted: true, Sort: "deleted_at", Desc: true, Limit: 50}
		if m.Key == only {
			q.Cursor = cursor
		}
		page, err := s.store.List(r.Context(), st.actor, m, q)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if len(page.Records) == 0 {
			continue
		}
		g := binGroup{Module: m, Label: l.T(m.Label)}
		if page.Next != "" {
			g.NextURL = "/recycle?" + url.Values{"module": {m.Key}, "cursor": {page.Next}}.Encode()
		}
		for _, rec := range page.Records {
			g.Rows = append(g.Rows, binRow{ID: rec.ID, Title: rec.Title(), DeletedAt: l.DateTime(rec.DeletedAt),
				Action: "/recycle/" + m.Key + "/" + itoa(int(rec.ID))})
		}
		groups = append(groups, g)
	}
	s.render(w, r, http.StatusOK, "recycle", s.newPage(r, "recycle.title", groups))
}

func (s *Server) recycleAction(w http.ResponseWriter, r *http.Request) {
	m, ok := s.store.Module(mux.Vars(r)["module"])
	id, idOK := pathID(r)
	if !ok || !idOK {
		s.notFound(w, r)
		return
	}
	st := state(r)
	l := st.locale
	var err error
	switch mux.Vars(r)["action"] {
	case "restore":
		err = s.store.Restore(r.Context(), st.actor, m, id)
		if err == nil {
			s.addFlash(r, "ok", "recycle.restored")
		}
	case "purge":
		rec, gerr := s.store.GetDeleted(r.Context(), st.actor, m, id)
		if gerr != nil {
			s.storeError(w, r, gerr)
			return
		}
		if !s.confirmed(w, r, l.T("recycle.purge_heading", rec.Title()), l.T("recycle.purge_body"), "/recycle") {
			return
		}
		err = s.store.Purge(r.Context(), st.actor, m, id)
		if err == nil {
			s.addFlash(r, "ok", "recycle.purged")
		}
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.redirect(w, r, "/recycle")
}
