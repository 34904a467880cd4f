package ui

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The pipeline's pages: the board (a column per stage, cards moved by
// drag and drop, or through each card's edit form without JavaScript),
// the stages' administration, and the opportunities section of the
// customer's page. The list, form and record pages come from the
// declaration.

var opportunitiesList = &listSpec{Key: "opportunities", Module: store.Opportunities, TitleKey: "module.opportunities",
	Columns:  []string{"title", "customer_id", "stage_id", "amount", "expected_close", "owner_id"},
	New:      []link{{Label: "opportunities.new", URL: "/opportunities/new"}},
	EmptyKey: "opportunities.empty"}

// boardPath is the board's page.
const boardPath = "/opportunities/board"

func (s *Server) opportunityRoutes(in, admin *mux.Router) {
	in.HandleFunc(boardPath, s.opportunityBoard).Methods(http.MethodGet)
	s.listRoutes(in, opportunitiesList)
	s.recordRoutes(in, store.Opportunities, s.recordShow(store.Opportunities))
	in.HandleFunc("/opportunities/{id:[0-9]+}/move", s.opportunityMove).Methods(http.MethodPost)
	s.recordRoutes(in, store.OpportunityStages, s.recordShow(store.OpportunityStages))
	admin.HandleFunc(stagesPath, s.stagesPage).Methods(http.MethodGet)
	admin.HandleFunc(stagesPath+"/{id:[0-9]+}/move", s.stageMove).Methods(http.MethodPost)
}

type boardData struct {
	Columns   []boardColumnView
	Forecasts []forecastView // this month's, this quarter's
	Who       []option
	WhoValue  string
	Return    string // this board, for the move form to come back to
	CanCreate bool
	NewURL    string
	ListURL   string
	Closed    string // "won and lost since …"
}

type boardColumnView struct {
	ID          int64
	Name        string
	Kind        string // open, won, lost
	Probability int64
	Count       int
	Totals      string
	More        int    // cards not shown
	MoreURL     string // the list of the stage's opportunities
	Cards       template.HTML
}

type forecastView struct {
	Heading string
	Lines   []string
	Empty   bool
}

// opportunityBoard is the pipeline board: who=all|me|user:N|team:N|
// department:N narrows it to owners, as the calendar does.
func (s *Server) opportunityBoard(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	who := r.URL.Query().Get("who")
	if who == "" {
		who = "all"
	}
	board, err := s.store.Board(r.Context(), st.actor, store.BoardQuery{Who: who})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	f, err := s.store.Forecast(r.Context(), st.actor, store.ForecastQuery{Who: who})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	choices, err := s.store.BoardChoices(r.Context(), st.actor)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &boardData{WhoValue: who, Return: boardURL(who), ListURL: "/opportunities",
		CanCreate: st.actor.Can(s.module(store.Opportunities), store.ActCreate),
		NewURL:    "/opportunities/new?" + url.Values{"next": {boardURL(who)}}.Encode(),
		Closed:    l.T("board.closed_since", l.Date(board.ClosedSince)),
	}
	d.Who = append(d.Who, option{Value: "all", Label: l.T("board.who.all"), Selected: who == "all"})
	for _, c := range choices {
		label := c.Name
		switch c.Kind {
		case "me":
			label = l.T("board.who.me")
		case "team", "department":
			label = l.T("calendar.who."+c.Kind, c.Name)
		}
		d.Who = append(d.Who, option{Value: c.Who, Label: label, Selected: c.Who == who})
	}
	month := l.T(monthKey(f.MonthStart)) + " " + strconv.Itoa(f.MonthStart.Year())
	quarter := l.T("board.quarter_name", (int(f.QuarterStart.Month())-1)/3+1, f.QuarterStart.Year())
	d.Forecasts = []forecastView{forecastOf(l, l.T("board.forecast_month", month), f.Month),
		forecastOf(l, l.T("board.forecast_quarter", quarter), f.Quarter)}
	for _, c := range board.Columns {
		cv := boardColumnView{ID: c.Stage.ID, Name: c.Stage.Name, Kind: c.Stage.Kind, Probability: c.Stage.Probability,
			Count: c.Count, Totals: amountsText(l, c.Totals), More: c.Count - len(c.Cards),
			MoreURL: "/opportunities?" + url.Values{"stage_id": {strconv.FormatInt(c.Stage.ID, 10)}}.Encode()}
		cv.Cards = boardCardsHTML(l, c.Cards, st.user.ID)
		d.Columns = append(d.Columns, cv)
	}
	s.render(w, r, http.StatusOK, "opportunities_board", s.newPage(r, "board.title", d))
}

func boardURL(who string) string {
	if who == "" || who == "all" {
		return boardPath
	}
	return boardPath + "?" + url.Values{"who": {who}}.Encode()
}

func monthKey(t time.Time) string { return "calendar.month." + strconv.Itoa(int(t.Month())) }

// forecastOf shows one period's forecast, a line per currency.
func forecastOf(l *i18n.Locale, heading string, lines []store.ForecastLine) forecastView {
	v := forecastView{Heading: heading, Empty: len(lines) == 0}
	for _, f := range lines {
		v.Lines = append(v.Lines, l.T("board.forecast_line", moneyIn(l, f.Weighted, f.Currency), f.Count, moneyIn(l, f.Total, f.Currency)))
	}
	return v
}

// amountsText is a column's totals, "12.500,00 ₺ · 300,00 USD".
func amountsText(l *i18n.Locale, list []store.Amount) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		parts = append(parts, moneyIn(l, a.Minor, a.Currency))
	}
	if len(parts) == 0 {
		return moneyIn(l, 0, "")
	}
	return strings.Join(parts, " · ")
}

// boardCardsHTML renders a column's cards in Go, as list rows are: a
// board has over a hundred, each a draggable item that is a link to the
// opportunity and to its edit form (the way to move it without
// JavaScript).
func boardCardsHTML(l *i18n.Locale, cards []store.BoardCard, me int64) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	edit := esc(l.T("board.change_stage"))
	for _, c := range cards {
		id := strconv.FormatInt(c.ID, 10)
		url := "/opportunities/" + id
		if c.Editable {
			b.WriteString(`<li class="oppcard" draggable="true" id="opp-` + id + `" data-move="` + url + `/move">`)
		} else {
			b.WriteString(`<li class="oppcard" id="opp-` + id + `">`) // seen, not the user's to move
		}
		b.WriteString(`<a class="opptitle" href="` + url + `">` + esc(c.Title) + `</a>`)
		b.WriteString(`<span class="oppcust"><a href="/customers/` + strconv.FormatInt(c.CustomerID, 10) + `#opportunities">` + esc(c.Customer) + `</a></span>`)
		b.WriteString(`<span class="oppmeta">`)
		if c.HasAmount {
			b.WriteString(`<strong>` + esc(moneyIn(l, c.Amount, c.Currency)) + `</strong>`)
		}
		day := c.ExpectedClose
		if c.ClosedAt != "" {
			day = c.ClosedAt
		}
		if t, ok := tr.ParseDate(day[:min(len(day), 10)]); ok {
			b.WriteString(` · <span>` + esc(l.Date(t)) + `</span>`)
		}
		if c.Owner != "" {
			class := "owner"
			if c.OwnerID == me {
				class = "owner mine"
			}
			b.WriteString(` · <span class="` + class + `">` + esc(c.Owner) + `</span>`)
		}
		b.WriteString(`</span>`)
		if c.Editable {
			b.WriteString(` <a class="small oppedit" href="` + url + `/edit">` + edit + `</a>`)
		}
		b.WriteString(`</li>`)
	}
	return template.HTML(b.String()) // every piece escaped above
}

// opportunityMove puts an opportunity into another stage (stage_id, and
// lost_reason for a lost stage): the board's drag and drop posts here,
// then reloads; the result, or what was wrong, shows as a message.
func (s *Server) opportunityMove(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	stage, err := strconv.ParseInt(r.PostFormValue("stage_id"), 10, 64)
	if err != nil || stage <= 0 {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	back := r.PostFormValue("return")
	if back != boardPath && !strings.HasPrefix(back, boardPath+"?") {
		back = recordURL(store.Opportunities, id)
	}
	st := state(r)
	_, err = s.store.MoveOpportunity(r.Context(), st.actor, id, stage, r.PostFormValue("lost_reason"))
	if v, ok := store.AsValidation(err); ok {
		for _, msg := range v.Fields {
			var args []string
			for _, a := range msg.Args {
				if k, ok := a.(store.LabelKey); ok {
					args = append(args, st.locale.T(k.CatalogueKey()))
				} else {
					args = append(args, fmt.Sprint(a))
				}
			}
			s.addFlash(r, "error", msg.Key, args...)
			break
		}
		s.redirect(w, r, back)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "board.moved")
	s.redirect(w, r, back)
}

// opportunityLinks are an opportunity page's own links: its customer's
// page, the board, and for who may make one a quote for it (accepting
// the quote wins the opportunity).
func opportunityLinks(a *store.Actor, rec *store.Record) []link {
	var out []link
	if id, ok := rec.Values.Int("customer_id"); ok {
		out = append(out, link{Label: "opportunities.to_customer", URL: recordURL(store.Customers, id) + "#opportunities"})
		if a.Can(store.Quotes, store.ActCreate) {
			out = append(out, link{Label: "quotes.new", URL: "/quotes/new?" + url.Values{"customer_id": {strconv.FormatInt(id, 10)},
				"opportunity_id": {strconv.FormatInt(rec.ID, 10)}}.Encode()})
		}
	}
	return append(out, link{Label: "board.title", URL: boardPath})
}

// oppSection is the opportunities section of a customer's page.
type oppSection struct {
	Rows   []oppRow
	More   string // the list of all of them, when there are more
	NewURL string // "" without the right to add one
}

type oppRow struct {
	URL, Title, Stage, Kind, Amount, Close, Owner string
}

// customerOpportunities builds the section, or nil for a user who may
// not read opportunities.
func (s *Server) customerOpportunities(r *http.Request, customer *store.Record) (*oppSection, error) {
	st := state(r)
	m := s.module(store.Opportunities)
	if !st.actor.Can(m, store.ActRead) {
		return nil, nil
	}
	recs, more, err := s.store.CustomerOpportunities(r.Context(), st.actor, customer.ID, 10)
	if err != nil {
		return nil, err
	}
	l := st.locale
	v := &oppSection{}
	id := strconv.FormatInt(customer.ID, 10)
	if more {
		v.More = "/opportunities?" + url.Values{"customer_id": {id}}.Encode()
	}
	if st.actor.Can(m, store.ActCreate) {
		v.NewURL = "/opportunities/new?" + url.Values{"customer_id": {id}, "next": {recordURL(store.Customers, customer.ID) + "#opportunities"}}.Encode()
	}
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	for _, rec := range recs {
		v.Rows = append(v.Rows, oppRow{URL: recordURL(m, rec.ID), Title: rec.Title(), Stage: rec.Refs["stage_id"],
			Kind: rec.Values.Str("status"), Amount: displayCell(l, m, field("amount"), rec).Text,
			Close: displayCell(l, m, field("expected_close"), rec).Text, Owner: rec.Refs["owner_id"]})
	}
	return v, nil
}
