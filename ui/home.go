package ui

import (
	"context"
	"net/http"
	"time"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// homeRow is one customer in a section of the home page.
type homeRow struct {
	Name       string
	URL        string
	Kind       string
	Stage      string
	StageValue string // for the badge's colour
	Province   string
	Phone      cell
}

type homeData struct {
	Today     time.Time
	OfficeURL string
	// Empty: the firm has no customers yet, and the page shows how to
	// start instead of the day's sections.
	Empty  bool
	Recent []homeRow // the newest customers, any stage
	Leads  []homeRow // the newest leads
	// Quality is the average data quality of the customers the user may
	// read; nil for a role without customers.
	Quality *homeQuality
	IYS     *iysWarning // consents late for İYS (ui/iys.go), for those who send them
}

type homeQuality struct {
	View      qualityView
	Customers int
	Low       int    // customers in the low band
	LowBelow  int    // where the low band ends
	LowURL    string // the list of them, the weakest first
}

// homeLimit is how many records each section of the home page shows.
const homeLimit = 8

// homeFields are the only columns the home page reads.
var homeFields = []string{"display_name", "kind", "stage", "province", "phone"}

// home is the "Bugün" page: what the day holds. A new office sees how to
// get everyone connected; afterwards it shows quick actions and the
// newest customers and leads.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	data := &homeData{Today: time.Now(), OfficeURL: s.cfg.OfficeURL, IYS: s.iysHomeWarning(r)}
	// The newest customers, read first, also answer whether there are any
	// at all: no COUNT over the table.
	recent, err := s.newestCustomers(r.Context(), st.actor, st.locale, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(recent) == 0 {
		data.Empty = true
	} else {
		data.Recent = recent
		data.Leads, err = s.newestCustomers(r.Context(), st.actor, st.locale, map[string]string{"stage": "lead"})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if data.Quality, err = s.homeQuality(r.Context(), st.actor, st.locale); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "home", s.newPage(r, "home.title", data))
}

// newestCustomers lists the most recently added customers that match the
// filters, newest first.
func (s *Server) newestCustomers(ctx context.Context, a *store.Actor, l *i18n.Locale, filters map[string]string) ([]homeRow, error) {
	m := store.Customers
	if !a.Can(m, store.ActRead) {
		return nil, nil // a role without customers sees the page's other parts
	}
	page, err := s.store.List(ctx, a, m, store.ListQuery{
		Sort: "created_at", Desc: true, Limit: homeLimit, Filters: filters, Fields: homeFields,
	})
	if err != nil {
		return nil, err
	}
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	rows := make([]homeRow, 0, len(page.Records))
	for _, rec := range page.Records {
		rows = append(rows, homeRow{
			Name:       rec.Title(),
			URL:        recordURL(m, rec.ID),
			Kind:       displayCell(l, m, field("kind"), rec).Text,
			Stage:      displayCell(l, m, field("stage"), rec).Text,
			StageValue: rec.Values.Str("stage"),
			Province:   displayCell(l, m, field("province"), rec).Text,
			Phone:      displayCell(l, m, field("phone"), rec),
		})
	}
	return rows, nil
}

// homeQuality is the firm's data-quality figure as the user sees it,
// averaged by the store within their read scope.
func (s *Server) homeQuality(ctx context.Context, a *store.Actor, l *i18n.Locale) (*homeQuality, error) {
	if !a.Can(store.Customers, store.ActRead) {
		return nil, nil
	}
	sum, err := s.store.CustomerQualitySummary(ctx, a)
	if err != nil {
		return nil, err
	}
	low := store.QualityBands[0]
	return &homeQuality{View: newQualityView(l, sum.Average), Customers: sum.Customers, Low: sum.Low,
		LowBelow: int(low.Hi), LowURL: "/customers?" + store.QualityField + "=" + low.Name + "&sort=" + store.QualityField}, nil
}
