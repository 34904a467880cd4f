package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// The products and services the firm sells (the declared module's list,
// form and page: the KDV rate is chosen from the rate table, the price
// shows in the firm's format), and the administrators' pages of the KDV
// rates and the documents' numbering series.

var productsList = &listSpec{Key: "products", Module: store.Products, TitleKey: "module.products",
	Columns: []string{"code", "name", "category", "unit", "unit_price", "kdv_rate_id", "active"},
	New:     []link{{Label: "products.new", URL: "/products/new"}}, EmptyKey: "products.empty"}

const (
	kdvRatesPath = "/settings/kdv_rates"
	seriesPath   = "/settings/number_series"
)

func (s *Server) productRoutes(in, admin *mux.Router) {
	s.listRoutes(in, productsList)
	s.recordRoutes(in, store.Products, s.recordShow(store.Products))
	admin.HandleFunc(kdvRatesPath, s.kdvRatesPage).Methods(http.MethodGet)
	s.recordRoutes(admin, store.KDVRates, s.recordShow(store.KDVRates))
	admin.HandleFunc(seriesPath, s.seriesPage).Methods(http.MethodGet)
	// The three series are fixed: changed, never added or deleted.
	admin.HandleFunc("/number_series/{id:[0-9]+}", s.recordShow(store.NumberSeries)).Methods(http.MethodGet)
	admin.HandleFunc("/number_series/{id:[0-9]+}", s.recordUpdate(store.NumberSeries)).Methods(http.MethodPost)
	admin.HandleFunc("/number_series/{id:[0-9]+}/edit", s.recordEdit(store.NumberSeries)).Methods(http.MethodGet)
}

// settingsTable is an administrators' page listing a short table of the
// firm's own with a link to each entry's form.
type settingsTable struct {
	Heading string
	Intro   string
	NewURL  string // "" when entries are not added
	NewKey  string
	Columns []string
	Rows    []settingsRow
}

type settingsRow struct {
	ID      int64
	EditURL string
	Cells   []string
	Muted   bool
}

func (s *Server) kdvRatesPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	m := s.module(store.KDVRates)
	page, err := s.store.List(r.Context(), st.actor, m, store.ListQuery{Limit: store.MaxLimit})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &settingsTable{Heading: l.T("kdv_rates.title"), Intro: l.T("kdv_rates.intro"),
		NewURL: "/kdv_rates/new?next=" + kdvRatesPath, NewKey: "kdv_rates.new",
		Columns: []string{l.T("field.kdv_rates.name"), l.T("kdv_rates.rate"), l.T("field.kdv_rates.exemption_reason"), l.T("field.kdv_rates.active")}}
	for _, rec := range page.Records {
		bp, _ := rec.Values.Int("rate")
		active, _ := rec.Values["active"].(bool)
		yes := l.T("value.no")
		if active {
			yes = l.T("value.yes")
		}
		d.Rows = append(d.Rows, settingsRow{ID: rec.ID, EditURL: "/kdv_rates/" + strconv.FormatInt(rec.ID, 10) + "/edit",
			Cells: []string{rec.Title(), percentText(bp), rec.Values.Str("exemption_reason"), yes}, Muted: !active})
	}
	s.render(w, r, http.StatusOK, "products_settings", s.newPage(r, "kdv_rates.title", d))
}

func (s *Server) seriesPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	m := s.module(store.NumberSeries)
	page, err := s.store.List(r.Context(), st.actor, m, store.ListQuery{Limit: store.MaxLimit})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	docType, _ := m.Field("doc_type")
	d := &settingsTable{Heading: l.T("number_series.title"), Intro: l.T("number_series.intro"),
		Columns: []string{l.T("field.number_series.doc_type"), l.T("field.number_series.prefix"), l.T("number_series.example")}}
	year := time.Now().In(tr.Istanbul).Year()
	for _, rec := range page.Records {
		t, prefix := rec.Values.Str("doc_type"), rec.Values.Str("prefix")
		example, err := store.FormatNumber(t, prefix, year, 1)
		if err != nil {
			example = ""
		}
		d.Rows = append(d.Rows, settingsRow{ID: rec.ID, EditURL: "/number_series/" + strconv.FormatInt(rec.ID, 10) + "/edit",
			Cells: []string{choiceLabel(l, m, docType, t), prefix, example}})
	}
	s.render(w, r, http.StatusOK, "products_settings", s.newPage(r, "number_series.title", d))
}
