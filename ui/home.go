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
	// The day's work: my overdue and today's planned activities, my next
	// appointments, the customers I opened lately, and the firm's ETK
	// consent share.
	Overdue, DueToday, Next []timelineRow
	Viewed                  []homeRow
	Consent                 *homeConsent
	IYS                     *iysWarning // consents late for İYS (ui/iys.go), for those who send them
}

// homeConsent is the firm's share of customers with ETK consent, per
// channel: the seeds make raising it a company goal.
type homeConsent struct {
	Customers int
	Rows      []homeShare
}

type homeShare struct {
	Label   string
	Percent int
	Granted int
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
		if err := s.homeToday(r, data); err != nil {
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

// homeToday fills the day's sections: the agenda, the customers opened
// lately and the consent share.
func (s *Server) homeToday(r *http.Request, data *homeData) error {
	st := state(r)
	ctx, l := r.Context(), st.locale
	agenda, err := s.store.AgendaOf(ctx, st.actor, data.Today)
	if err != nil {
		return err
	}
	m := s.module(store.Activities)
	for _, part := range []struct {
		recs []*store.Record
		rows *[]timelineRow
	}{{agenda.Overdue, &data.Overdue}, {agenda.Today, &data.DueToday}, {agenda.Next, &data.Next}} {
		for _, a := range part.recs {
			row := activityRow(l, m, a)
			row.HTML = row.render("", false)
			*part.rows = append(*part.rows, row)
		}
	}
	viewed, err := s.store.RecentlyViewed(ctx, st.actor, homeLimit)
	if err != nil {
		return err
	}
	c := s.module(store.Customers)
	field := func(name string) *store.Field { f, _ := c.Field(name); return f }
	for _, rec := range viewed {
		data.Viewed = append(data.Viewed, homeRow{Name: rec.Title(), URL: recordURL(c, rec.ID),
			Kind: displayCell(l, c, field("kind"), rec).Text, Stage: displayCell(l, c, field("stage"), rec).Text,
			StageValue: rec.Values.Str("stage"), Phone: displayCell(l, c, field("phone"), rec)})
	}
	share, err := s.store.ConsentShareOf(ctx, st.actor)
	if err != nil {
		return err
	}
	if share.Customers > 0 {
		data.Consent = &homeConsent{Customers: share.Customers}
		cm := s.module(store.Consents)
		channel, _ := cm.Field("channel")
		for _, ch := range store.Channels {
			n := share.Granted[ch]
			data.Consent.Rows = append(data.Consent.Rows, homeShare{Label: l.T(cm.ChoiceKey(channel, ch)), Granted: n, Percent: n * 100 / share.Customers})
		}
	}
	return nil
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
