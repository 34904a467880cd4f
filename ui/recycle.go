package ui

import (
	"net/http"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

type binGroup struct {
	Module *store.Module
	Label  string
	Rows   []binRow
	More   bool
}

type binRow struct {
	ID        int64
	Title     string
	DeletedAt string
	Action    string // the form action prefix: /recycle/{module}/{id}
}

// recycleBin lists deleted records per module; an administrator restores
// them or removes them for good.
func (s *Server) recycleBin(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	var groups []binGroup
	for _, m := range store.Modules() {
		page, err := s.store.List(r.Context(), st.actor, m, store.ListQuery{Deleted: true, Sort: "updated_at", Desc: true, Limit: 100})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(page.Records) == 0 {
			continue
		}
		g := binGroup{Module: m, Label: l.T(m.Label), More: page.Next != ""}
		for _, rec := range page.Records {
			g.Rows = append(g.Rows, binRow{ID: rec.ID, Title: rec.Title(), DeletedAt: l.DateTime(rec.DeletedAt),
				Action: "/recycle/" + m.Key + "/" + itoa(int(rec.ID))})
		}
		groups = append(groups, g)
	}
	s.render(w, r, http.StatusOK, "recycle", s.newPage(r, "recycle.title", groups))
}

func (s *Server) recycleAction(w http.ResponseWriter, r *http.Request) {
	m, ok := store.ModuleByKey(mux.Vars(r)["module"])
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
