package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
	"kobicrm/ui/ical"
)

// The calendar: month, week and day views of activities, the activity
// pages it links to, moving an activity to another day, an .ics file per
// activity and each user's subscription feed.

// keyNewFeed holds a just-made feed secret in the (encrypted) session
// between the POST that made it and the one page that shows it.
const keyNewFeed = "new_calendar_feed"

// calendarFeedRoute serves the feeds, outside login: a calendar program
// has no session, the secret in the URL is its key.
func (s *Server) calendarFeedRoute(r *mux.Router) {
	r.HandleFunc("/calendar/feed/{secret:"+store.FeedPrefix+"[A-Za-z0-9_-]+}.ics", s.calendarFeed).Methods(http.MethodGet)
}

// calendarRoutes serves the calendar and the activities' pages to those
// logged in.
func (s *Server) calendarRoutes(in *mux.Router) {
	in.HandleFunc("/calendar", s.calendar).Methods(http.MethodGet)
	in.HandleFunc("/calendar/feed", s.calendarFeedCreate).Methods(http.MethodPost)
	in.HandleFunc("/calendar/feed/revoke", s.calendarFeedRevoke).Methods(http.MethodPost)
	in.HandleFunc("/activities/{id:[0-9]+}/ics", s.activityICS).Methods(http.MethodGet)
	in.HandleFunc("/activities/{id:[0-9]+}/move", s.activityMove).Methods(http.MethodPost)
}

// calendarView is a calendar page's query: which view, around which day,
// whose activities, and the range of days it shows.
type calendarView struct {
	View     string    // month, week, day
	Day      time.Time // the chosen day, midnight in Istanbul
	Who      string
	From, To time.Time // the days shown, [From, To), midnights in Istanbul
}

// parseCalendarView reads view=month|week|day, date=YYYY-MM-DD and
// who=me|user:N|team:N|department:N; empty ones are a month, today and
// "me". Anything else is store.ErrBadQuery.
func parseCalendarView(q url.Values, now time.Time) (calendarView, error) {
	v := calendarView{View: q.Get("view"), Who: q.Get("who")}
	if v.View == "" {
		v.View = "month"
	}
	now = now.In(tr.Istanbul)
	v.Day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, tr.Istanbul)
	if d := q.Get("date"); d != "" {
		t, err := time.ParseInLocation("2006-01-02", d, tr.Istanbul)
		if err != nil || t.Year() < 1900 || t.Year() > 2200 {
			return v, fmt.Errorf("%w: date %q", store.ErrBadQuery, d)
		}
		v.Day = t
	}
	w, err := store.ParseWho(v.Who)
	if err != nil {
		return v, err
	}
	v.Who = w.String()
	switch v.View {
	case "month":
		first := time.Date(v.Day.Year(), v.Day.Month(), 1, 0, 0, 0, 0, tr.Istanbul)
		v.From = monday(first)
		v.To = monday(first.AddDate(0, 1, 0).AddDate(0, 0, 6))
	case "week":
		v.From = monday(v.Day)
		v.To = v.From.AddDate(0, 0, 7)
	case "day":
		v.From, v.To = v.Day, v.Day.AddDate(0, 0, 1)
	default:
		return v, fmt.Errorf("%w: view %q", store.ErrBadQuery, v.View)
	}
	return v, nil
}

// monday is the Monday on or before day: Turkish weeks start on Monday.
func monday(day time.Time) time.Time {
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// step is the day the previous (-1) or next (+1) page of the view shows.
func (v calendarView) step(dir int) time.Time {
	switch v.View {
	case "month":
		first := time.Date(v.Day.Year(), v.Day.Month(), 1, 0, 0, 0, 0, tr.Istanbul)
		return first.AddDate(0, dir, 0)
	case "week":
		return v.Day.AddDate(0, 0, 7*dir)
	}
	return v.Day.AddDate(0, 0, dir)
}

// url is the calendar page of a view, day and who.
func calendarURL(view string, day time.Time, who string) string {
	q := url.Values{"view": {view}, "date": {day.Format("2006-01-02")}}
	if who != "" && who != "me" {
		q.Set("who", who)
	}
	return "/calendar?" + q.Encode()
}

type calendarData struct {
	View      calendarView
	Heading   string
	Prev      string
	Next      string
	Today     string
	Views     []link
	Who       []option
	Weekdays  []string // Monday first
	Weeks     [][]*calendarDay
	Days      []*calendarDay // week and day views
	Empty     bool
	More      bool
	Return    string // this page, for the move form to come back to
	NewURL    string
	CanCreate bool
	Feed      feedCard
}

type calendarDay struct {
	Date    string // YYYY-MM-DD
	Label   string // "5" in a month, "Pazartesi 5 Ocak 2026" otherwise
	DayURL  string
	InMonth bool
	Today   bool
	Items   []calendarItem
	// MoreURL, on a day with more activities than shown, goes on to the
	// rest: the day view, or from there the day's list.
	MoreURL string
}

// calendarPerDay is how many activities a view shows of one day; the
// rest are behind a "more" link.
var calendarPerDay = map[string]int{"month": 4, "week": 12, "day": 100}

type calendarItem struct {
	ID       int64
	URL      string
	Time     string // "14:30", "" on the following days of a long one
	Title    string
	Customer string
	Type     string
	TypeName string
	Status   string
	State    string // the status's label
	Movable  bool
}

// feedCard is the calendar page's subscription section.
type feedCard struct {
	Since string // when the current secret was made, "" for none
	New   string // the feed URL just made, shown this once
}

// calendar is the calendar page.
func (s *Server) calendar(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	v, err := parseCalendarView(r.URL.Query(), time.Now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	res, err := s.store.Calendar(r.Context(), st.actor, store.CalendarQuery{From: v.From, To: v.To, Who: v.Who, PerDay: calendarPerDay[v.View]})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	choices, err := s.store.CalendarChoices(r.Context(), st.actor)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := buildCalendar(st.locale, st.actor, v, res, choices, time.Now())
	d.CanCreate = st.actor.Can(s.module(store.Activities), store.ActCreate)
	if d.Feed, err = s.feedCard(r); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "calendar", s.newPage(r, "calendar.title", d))
}

// buildCalendar lays a calendar's activities out on its days.
func buildCalendar(l *i18n.Locale, a *store.Actor, v calendarView, res *store.CalendarResult, choices []store.CalendarChoice, now time.Time) *calendarData {
	today := now.In(tr.Istanbul).Format("2006-01-02")
	d := &calendarData{
		View: v, Prev: calendarURL(v.View, v.step(-1), v.Who), Next: calendarURL(v.View, v.step(1), v.Who),
		Today: calendarURL(v.View, now.In(tr.Istanbul), v.Who), Return: calendarURL(v.View, v.Day, v.Who),
		Empty: len(res.Items) == 0, More: res.More,
		NewURL: "/activities/new?" + url.Values{"type": {store.ActivityMeeting}, "status": {"planned"},
			"starts_at": {v.Day.Add(9 * time.Hour).Format("2006-01-02T15:04")}}.Encode(),
	}
	for _, name := range []string{"month", "week", "day"} {
		d.Views = append(d.Views, link{Label: l.T("calendar.view." + name), URL: calendarURL(name, v.Day, v.Who), Current: name == v.View})
	}
	for _, c := range choices {
		label := c.Name
		switch c.Kind {
		case "me":
			label = l.T("calendar.who.me")
		case "team", "department":
			label = l.T("calendar.who."+c.Kind, c.Name)
		}
		d.Who = append(d.Who, option{Value: c.Who, Label: label, Selected: c.Who == v.Who})
	}
	for i := 1; i <= 7; i++ {
		d.Weekdays = append(d.Weekdays, l.T(fmt.Sprintf("calendar.weekday.%d", i%7)))
	}
	switch v.View {
	case "month":
		d.Heading = l.T(fmt.Sprintf("calendar.month.%d", int(v.Day.Month()))) + " " + strconv.Itoa(v.Day.Year())
	case "week":
		d.Heading = l.LongDate(v.From) + " – " + l.LongDate(v.To.AddDate(0, 0, -1))
	default:
		d.Heading = l.Weekday(v.Day) + ", " + l.LongDate(v.Day)
	}
	days := map[string]*calendarDay{}
	var all []*calendarDay
	for day := v.From; day.Before(v.To); day = day.AddDate(0, 0, 1) {
		cd := &calendarDay{Date: day.Format("2006-01-02"), DayURL: calendarURL("day", day, v.Who),
			InMonth: v.View != "month" || day.Month() == v.Day.Month(), Today: day.Format("2006-01-02") == today}
		cd.Label = strconv.Itoa(day.Day())
		if v.View != "month" {
			cd.Label = l.Weekday(day) + " " + l.LongDate(day)
		}
		days[cd.Date] = cd
		all = append(all, cd)
	}
	for _, rec := range res.Items {
		start, err := time.Parse(tr.DateTimeLayout, rec.Values.Str("starts_at"))
		if err != nil {
			continue
		}
		start = start.In(tr.Istanbul)
		end := start
		if e, err := time.Parse(tr.DateTimeLayout, rec.Values.Str("ends_at")); err == nil && e.After(start) {
			end = e.Add(-time.Second).In(tr.Istanbul) // ending at midnight is not on the next day
		}
		typ, status := rec.Values.Str("type"), rec.Values.Str("status")
		owner, _ := rec.Values.Int("owner_id")
		item := calendarItem{ID: rec.ID, URL: "/activities/" + strconv.FormatInt(rec.ID, 10), Title: rec.Title(),
			Customer: rec.Refs["customer_id"], Type: typ, TypeName: l.T("choice.activities.type." + typ),
			Status: status, State: l.T("choice.activities.status." + status),
			Movable: a.Scope(store.Activities, store.ActEdit) == store.ScopeAll || owner == a.UserID}
		first := true
		for day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, tr.Istanbul); !day.After(end); day = day.AddDate(0, 0, 1) {
			if cd := days[day.Format("2006-01-02")]; cd != nil {
				it := item
				if first {
					it.Time = start.Format("15:04")
				}
				cd.Items = append(cd.Items, it)
			}
			first = false
		}
	}
	for _, cd := range all {
		if res.Busy[cd.Date] {
			cd.MoreURL = cd.DayURL
			if v.View == "day" {
				cd.MoreURL = dayListURL(a, v.Who, cd.Date)
			}
		}
	}
	if v.View == "month" {
		for i := 0; i < len(all); i += 7 {
			d.Weeks = append(d.Weeks, all[i:min(i+7, len(all))])
		}
	} else {
		d.Days = all
	}
	return d
}

// feedCard reads the user's feed for the page, and the URL of one just
// made, once.
func (s *Server) feedCard(r *http.Request) (feedCard, error) {
	st := state(r)
	var c feedCard
	since, err := s.store.CalendarFeedCreated(r.Context(), st.actor)
	if err != nil {
		return c, err
	}
	if !since.IsZero() {
		c.Since = st.locale.DateTime(since)
	}
	if secret, ok := st.session.Values[keyNewFeed].(string); ok {
		delete(st.session.Values, keyNewFeed)
		st.dirty = true
		c.New = baseURL(r) + "/calendar/feed/" + secret + ".ics"
	}
	return c, nil
}

// baseURL is the address the request came to ("http://192.168.1.5:8080").
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// calendarFeedCreate makes (or replaces) the user's feed secret; the next
// page shows its URL once.
func (s *Server) calendarFeedCreate(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	secret, err := s.store.CreateCalendarFeed(r.Context(), st.actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	st.session.Values[keyNewFeed] = secret
	st.dirty = true
	s.addFlash(r, "ok", "calendar.feed.created")
	s.redirect(w, r, "/calendar#feed")
}

func (s *Server) calendarFeedRevoke(w http.ResponseWriter, r *http.Request) {
	if err := s.store.RevokeCalendarFeed(r.Context(), state(r).actor); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "calendar.feed.revoked")
	s.redirect(w, r, "/calendar#feed")
}

// calendarFeed serves a user's feed to their calendar program: no
// session, the secret in the URL is the key. An unknown or revoked
// secret is a plain 404.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	u, items, err := s.store.CalendarFeed(r.Context(), mux.Vars(r)["secret"], time.Now())
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "404 not found", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("calendar feed", "err", err)
		http.Error(w, "500 internal server error", http.StatusInternalServerError)
		return
	}
	l := s.catalog.Locale(cmpOr(u.Lang, "tr"))
	cal := ical.Calendar{ProdID: "-//kobicrm//kobicrm " + s.cfg.Version + "//TR", Name: l.T("calendar.feed.name", u.Name)}
	for _, rec := range items {
		cal.Events = append(cal.Events, activityEvent(l, rec, baseURL(r)))
	}
	writeICS(w, cal, "")
}

// activityICS is one activity as an .ics file to open in a calendar
// program.
func (s *Server) activityICS(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.loadRecord(w, r, s.module(store.Activities))
	if !ok {
		return
	}
	l := state(r).locale
	cal := ical.Calendar{ProdID: "-//kobicrm//kobicrm " + s.cfg.Version + "//TR", Events: []ical.Event{activityEvent(l, rec, baseURL(r))}}
	writeICS(w, cal, rec.Title())
}

func writeICS(w http.ResponseWriter, cal ical.Calendar, download string) {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if download != "" {
		h.Set("Content-Disposition", attachment(download, "ics"))
	}
	_ = ical.Write(w, cal) // a write error is the client gone
}

// activityEvent is an activity as a calendar event: a UID that stays
// the same across feeds, the customer in the summary, a 30-minute event
// when the activity has no end.
func activityEvent(l *i18n.Locale, rec *store.Record, base string) ical.Event {
	start, _ := time.Parse(tr.DateTimeLayout, rec.Values.Str("starts_at"))
	end, err := time.Parse(tr.DateTimeLayout, rec.Values.Str("ends_at"))
	if err != nil || !end.After(start) {
		end = start.Add(30 * time.Minute)
	}
	typ, cust := rec.Values.Str("type"), rec.Refs["customer_id"]
	summary := rec.Title()
	if cust != "" {
		summary += " – " + cust
	}
	desc := l.T("field.activities.type") + ": " + l.T("choice.activities.type."+typ)
	if cust != "" {
		desc += "\n" + l.T("field.activities.customer_id") + ": " + cust
	}
	if d := rec.Values.Str("description"); d != "" {
		desc += "\n\n" + d
	}
	e := ical.Event{
		UID: "activity-" + strconv.FormatInt(rec.ID, 10) + "@kobicrm", Stamp: rec.UpdatedAt,
		Start: start, End: end, Summary: summary, Description: desc, Location: rec.Values.Str("place"),
		Status: map[string]string{"planned": "TENTATIVE", "done": "CONFIRMED", "cancelled": "CANCELLED"}[rec.Values.Str("status")],
	}
	if base != "" && !strings.HasSuffix(base, "://") {
		e.URL = base + "/activities/" + strconv.FormatInt(rec.ID, 10)
	}
	return e
}

// activityMove moves an activity to another day (date=YYYY-MM-DD, at the
// same time of day) or moment (start=YYYY-MM-DDTHH:MM, Istanbul time):
// the calendar's drag and drop posts here.
func (s *Server) activityMove(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.loadRecord(w, r, s.module(store.Activities))
	if !ok {
		return
	}
	start, err := time.Parse(tr.DateTimeLayout, rec.Values.Str("starts_at"))
	if err != nil {
		s.serverError(w, r, fmt.Errorf("move activity %d: %w", rec.ID, err))
		return
	}
	start = start.In(tr.Istanbul)
	var to time.Time
	if d := r.PostFormValue("date"); d != "" {
		day, perr := time.ParseInLocation("2006-01-02", d, tr.Istanbul)
		err = perr
		to = time.Date(day.Year(), day.Month(), day.Day(), start.Hour(), start.Minute(), start.Second(), 0, tr.Istanbul)
	} else {
		to, err = time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("start"), tr.Istanbul)
	}
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	back := r.PostFormValue("return")
	if !strings.HasPrefix(back, "/calendar?") && back != "/calendar" {
		back = recordURL(store.Activities, rec.ID)
	}
	_, err = s.store.MoveActivity(r.Context(), state(r).actor, rec.ID, to)
	if v, ok := store.AsValidation(err); ok {
		for _, msg := range v.Fields {
			s.addFlash(r, "error", msg.Key)
			break
		}
		s.redirect(w, r, back)
		return
	}
	if errors.Is(err, store.ErrConflict) {
		s.addFlash(r, "error", "record.conflict")
		s.redirect(w, r, back)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "calendar.moved")
	s.redirect(w, r, back)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// dayListURL is the activities list of one day, of the user whose
// calendar it is (everyone's in scope for a team or department): where a
// day too busy for the day view goes on, a page at a time.
func dayListURL(a *store.Actor, who, day string) string {
	q := url.Values{"starts_at_from": {day}, "starts_at_to": {day}, "sort": {"starts_at"}, "desc": {"0"}}
	if w, err := store.ParseWho(who); err == nil {
		switch w.Kind {
		case "me", "":
			q.Set("owner_id", strconv.FormatInt(a.UserID, 10))
		case "user":
			q.Set("owner_id", strconv.FormatInt(w.ID, 10))
		}
	}
	return "/activities?" + q.Encode()
}
