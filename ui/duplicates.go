package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// Duplicates: the warning on the customer form, the page of likely
// duplicate pairs, and the page that merges two records field by field.
// What counts as a duplicate, who may see and merge what, and the merge
// itself are the store's (store/duplicates.go, store/merge.go).

// dupRow is a likely duplicate shown in a form's warning.
type dupRow struct {
	Title    string
	URL      string
	Reasons  string // translated, the strongest first
	Score    int
	MergeURL string // on an edit: compare the two and merge them
}

// reasonsText translates a duplicate's reasons into one line.
func reasonsText(l *i18n.Locale, reasons []string) string {
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = l.T("dup.reason." + r)
	}
	return strings.Join(parts, ", ")
}

func mergeURL(m *store.Module, a, b int64) string {
	return "/" + m.Key + "/merge?" + url.Values{"a": {strconv.FormatInt(a, 10)}, "b": {strconv.FormatInt(b, 10)}}.Encode()
}

func dupRows(l *i18n.Locale, m *store.Module, found []store.Duplicate, editing int64) []dupRow {
	rows := make([]dupRow, 0, len(found))
	for _, d := range found {
		row := dupRow{Title: d.Title, URL: recordURL(m, d.ID), Reasons: reasonsText(l, d.Reasons), Score: d.Score}
		if editing > 0 {
			row.MergeURL = mergeURL(m, min(editing, d.ID), max(editing, d.ID))
		}
		rows = append(rows, row)
	}
	return rows
}

// duplicateWarning returns the likely duplicates a customer form must
// warn of before it saves: none for a form that does not validate (the
// save shows its problems), nor once the person confirmed. An edit warns
// only of the duplicates it brings: those the record had already are the
// duplicates page's business, not a nag at every save.
func (s *Server) duplicateWarning(r *http.Request, m *store.Module, vals store.Values, id int64) ([]store.Duplicate, error) {
	if !m.HasDuplicateDetection() || r.PostFormValue("confirm_duplicate") == "1" {
		return nil, nil
	}
	errs := &store.ValidationError{}
	m.Check(vals, errs)
	if errs.Err() != nil {
		return nil, nil
	}
	a := state(r).actor
	found, err := s.store.FindDuplicates(r.Context(), a, m, vals, id)
	if err != nil || id == 0 || len(found) == 0 {
		return found, err
	}
	stored, err := s.store.Get(r.Context(), a, m, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // the save answers for a record that is gone
	}
	if err != nil {
		return nil, err
	}
	before, err := s.store.FindDuplicates(r.Context(), a, m, stored.Values, id)
	if err != nil {
		return nil, err
	}
	had := map[int64][]string{}
	for _, d := range before {
		had[d.ID] = d.Reasons
	}
	var out []store.Duplicate
	for _, d := range found {
		if old, ok := had[d.ID]; !ok || !reflect.DeepEqual(old, d.Reasons) {
			out = append(out, d)
		}
	}
	return out, nil
}

// pairRow is one line of the duplicates page.
type pairRow struct {
	TitleA, URLA string
	TitleB, URLB string
	Reasons      string
	Score        int
	MergeURL     string
}

type duplicatesData struct {
	Pairs    []pairRow
	NextURL  string
	FirstURL string
	CanMerge bool // the user may edit and delete some customers
}

// duplicatesPage lists the likely duplicate pairs among the customers the
// user sees, surest first.
func (s *Server) duplicatesPage(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		st := state(r)
		l := st.locale
		after := r.URL.Query().Get("after")
		pairs, next, err := s.store.ScanDuplicates(r.Context(), st.actor, m, 50, after)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		d := &duplicatesData{CanMerge: st.actor.Can(m, store.ActEdit) && st.actor.Can(m, store.ActDelete)}
		for _, p := range pairs {
			row := pairRow{TitleA: p.TitleA, URLA: recordURL(m, p.A), TitleB: p.TitleB, URLB: recordURL(m, p.B),
				Reasons: reasonsText(l, p.Reasons), Score: p.Score}
			if d.CanMerge {
				row.MergeURL = mergeURL(m, p.A, p.B)
			}
			d.Pairs = append(d.Pairs, row)
		}
		base := "/" + m.Key + "/duplicates"
		if next != "" {
			d.NextURL = base + "?" + url.Values{"after": {next}}.Encode()
		}
		if after != "" {
			d.FirstURL = base
		}
		s.render(w, r, http.StatusOK, "duplicates", s.newPage(r, "dup.title", d))
	}
}

// mergeSide is one of the two records on the merge page.
type mergeSide struct {
	Key      string // "a" or "b", as the form names it
	ID       int64
	Title    string
	URL      string
	Survives bool // chosen to survive
	Allowed  bool // the user may keep this one and bin the other
}

// mergeField is one field's row on the merge page.
type mergeField struct {
	Name   string
	Label  string
	Cells  []mergeCell // a's, then b's
	Choose bool        // the values differ: a radio for each
	Take   string      // "a" or "b": the chosen value
	Note   string      // why there is no choice: both kept, the same, read-only
}

// mergeCell is one record's value of a field.
type mergeCell struct {
	Key  string // "a" or "b"
	Cell cell
}

type mergeData struct {
	Module  *store.Module
	A, B    mergeSide
	Sides   []mergeSide // A and B, for the template's columns
	Fields  []mergeField
	Message string
	Confirm bool
}

// mergeForm shows two records side by side, field by field.
func (s *Server) mergeForm(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		d, ok := s.mergeData(w, r, m, r.URL.Query())
		if !ok {
			return
		}
		s.render(w, r, http.StatusOK, "merge", s.newPage(r, "dup.merge_title", d))
	}
}

// mergeData reads the two records of a merge (a and b in q) and lays them
// out, with the choices in q (survivor, take_<field>) or the defaults: the
// first record the user may keep survives, and each field takes the
// survivor's value if it has one, else the other's. It answers the
// request itself when the records cannot be merged by this user.
func (s *Server) mergeData(w http.ResponseWriter, r *http.Request, m *store.Module, q url.Values) (*mergeData, bool) {
	st := state(r)
	l := st.locale
	ida, erra := strconv.ParseInt(q.Get("a"), 10, 64)
	idb, errb := strconv.ParseInt(q.Get("b"), 10, 64)
	if erra != nil || errb != nil || ida <= 0 || idb <= 0 || ida == idb {
		s.renderError(w, r, http.StatusBadRequest)
		return nil, false
	}
	recs := [2]*store.Record{}
	for i, id := range []int64{ida, idb} {
		rec, err := s.store.Get(r.Context(), st.actor, m, id)
		if err != nil {
			s.storeError(w, r, err)
			return nil, false
		}
		recs[i] = rec
	}
	d := &mergeData{Module: m, Confirm: q.Get("confirm") == "1"}
	sides := []*mergeSide{&d.A, &d.B}
	for i, key := range []string{"a", "b"} {
		keep, other := recs[i], recs[1-i]
		canEdit, err := s.store.Allowed(r.Context(), st.actor, m, store.ActEdit, keep.ID)
		if err != nil {
			s.serverError(w, r, err)
			return nil, false
		}
		canDelete, err := s.store.Allowed(r.Context(), st.actor, m, store.ActDelete, other.ID)
		if err != nil {
			s.serverError(w, r, err)
			return nil, false
		}
		*sides[i] = mergeSide{Key: key, ID: keep.ID, Title: keep.Title(), URL: recordURL(m, keep.ID), Allowed: canEdit && canDelete}
	}
	if !d.A.Allowed && !d.B.Allowed {
		s.storeError(w, r, store.ErrForbidden) // the store refuses the merge anyway
		return nil, false
	}
	survivor := q.Get("survivor")
	if survivor != "b" || !d.B.Allowed {
		survivor = "a"
	}
	if !d.A.Allowed {
		survivor = "b"
	}
	d.A.Survives, d.B.Survives = survivor == "a", survivor == "b"
	d.Sides = []mergeSide{d.A, d.B}
	first, second := recs[0], recs[1]
	if survivor == "b" {
		first, second = second, first
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed || (!m.Applies(f, recs[0].Values) && !m.Applies(f, recs[1].Values)) {
			continue
		}
		ca, cb := displayCell(l, m, f, recs[0]), displayCell(l, m, f, recs[1])
		row := mergeField{Name: f.Name, Label: l.T(m.LabelKey(f)), Cells: []mergeCell{{"a", ca}, {"b", cb}}}
		va, vb := recs[0].Values[f.Name], recs[1].Values[f.Name]
		switch {
		case emptyCell(ca) && emptyCell(cb):
			continue
		case f.Kind == store.Tags || f.Kind == store.PhoneList || f.Kind == store.RefList:
			row.Note = l.T("dup.both_kept")
		case reflect.DeepEqual(va, vb):
			row.Note = l.T("dup.same")
		case st.actor.FieldAccess(m, f.Name) != store.AccessFull:
			row.Note = l.T("dup.read_only")
		default:
			row.Choose = true
			row.Take = q.Get("take_" + f.Name)
			if row.Take != "a" && row.Take != "b" {
				// The survivor's value, unless it has none.
				row.Take = survivor
				if emptyCell(displayCell(l, m, f, first)) && !emptyCell(displayCell(l, m, f, second)) {
					row.Take = map[string]string{"a": "b", "b": "a"}[survivor]
				}
			}
		}
		d.Fields = append(d.Fields, row)
	}
	return d, true
}

func emptyCell(c cell) bool { return c.Text == "" && c.URL == "" && len(c.Chips) == 0 && c.HTML == "" }

// mergeSubmit merges as the form chose and goes to the survivor.
func (s *Server) mergeSubmit(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		st := state(r)
		l := st.locale
		q := r.PostForm
		d, ok := s.mergeData(w, r, m, q)
		if !ok {
			return
		}
		// The survivor must be the one the person chose, never the other
		// quietly swapped in for one they may not keep.
		if chosen := q.Get("survivor"); (chosen != "a" || !d.A.Survives) && (chosen != "b" || !d.B.Survives) {
			s.storeError(w, r, store.ErrForbidden)
			return
		}
		if !d.Confirm {
			d.Message = l.T("dup.confirm_missing")
			s.render(w, r, http.StatusUnprocessableEntity, "merge", s.newPage(r, "dup.merge_title", d))
			return
		}
		survivor, other := d.A, d.B
		if d.B.Survives {
			survivor, other = d.B, d.A
		}
		take := map[string]string{}
		for _, f := range d.Fields {
			if !f.Choose {
				continue
			}
			take[f.Name] = store.TakeSurvivor
			if f.Take == other.Key {
				take[f.Name] = store.TakeOther
			}
		}
		_, err := s.store.Merge(r.Context(), st.actor, m, survivor.ID, other.ID, take)
		if v, ok := store.AsValidation(err); ok {
			var labels []string
			for name, msg := range v.Fields {
				label := name
				if f, ok := m.Field(name); ok {
					label = l.T(m.LabelKey(f))
				}
				labels = append(labels, fmt.Sprintf("%s: %s", label, l.T(msg.Key, msg.Args...)))
			}
			d.Message = l.T("dup.merge_invalid", strings.Join(labels, "; "))
			s.render(w, r, http.StatusUnprocessableEntity, "merge", s.newPage(r, "dup.merge_title", d))
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "dup.merged")
		s.redirect(w, r, recordURL(m, survivor.ID))
	}
}
