package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// calendarSetUp is a logged-in administrator with a customer and a planned
// meeting made through the activity form, on 10 March 2031 at 10:00.
func calendarSetUp(t *testing.T) (*env, *client, int64) {
	t.Helper()
	e, c := setUp(t)
	admin, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	cust, err := e.st.Create(context.Background(), store.ActorFor(admin), store.Customers, store.Values{"kind": "company", "title": "Çağlar; Tekstil, A.Ş."})
	if err != nil {
		t.Fatal(err)
	}
	cid := strconv.FormatInt(cust.ID, 10)
	r := c.submit("/activities/new?type=meeting&customer_id="+cid, "/activities", url.Values{
		"type": {"meeting"}, "subject": {"Bütçe toplantısı"}, "customer_id": {cid}, "status": {"planned"},
		"starts_at": {"2031-03-10T10:00"}, "ends_at": {"2031-03-10T11:30"}, "place": {"Kadıköy, İstanbul"},
		"owner_id": {strconv.FormatInt(admin.ID, 10)},
	})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/activities/") {
		t.Fatalf("create meeting: %d %q\n%s", r.Status, r.location(), r.Body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(r.location(), "/activities/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return e, c, id
}

func TestCalendarViews(t *testing.T) {
	e, c, id := calendarSetUp(t)
	link := `href="/activities/` + strconv.FormatInt(id, 10) + `"`
	r := c.get("/calendar?view=month&date=2031-03-10")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Mart 2031", "Bütçe toplantısı", link, "ev-meeting st-planned", "Pzt", `data-date="2031-03-10"`, "10:00")
	// The grid starts on the Monday before 1 March and ends on the Sunday after the 31st.
	wantBody(t, r, `data-date="2031-02-24"`, `data-date="2031-04-06"`)
	wantNoBody(t, r, `data-date="2031-02-23"`, `data-date="2031-04-07"`, `id="calendar-empty"`)
	r = c.get("/calendar?view=week&date=2031-03-12")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Bütçe toplantısı", "10 Mart 2031 – 16 Mart 2031")
	r = c.get("/calendar?view=day&date=2031-03-10")
	wantBody(t, r, "Bütçe toplantısı", "Pazartesi, 10 Mart 2031")
	r = c.get("/calendar?view=day&date=2031-03-11")
	wantNoBody(t, r, "Bütçe toplantısı")
	wantBody(t, r, e.tr("calendar.empty"))
	r = c.get("/calendar")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `href="/calendar"`)

	for _, q := range []string{"view=year", "date=2031-02-30", "date=10.03.2031", "who=everyone", "who=user:x"} {
		wantStatus(t, c.get("/calendar?"+q), http.StatusBadRequest)
	}
	wantStatus(t, c.get("/calendar?who=team:999"), http.StatusForbidden)

	// English names from the catalogue.
	c.submit("/calendar", "/language", url.Values{"lang": {"en"}})
	wantBody(t, c.get("/calendar?view=month&date=2031-03-10"), "March 2031", "Mon", "My calendar")
}

func TestCalendarActivityICSAndMove(t *testing.T) {
	e, c, id := calendarSetUp(t)
	sid := strconv.FormatInt(id, 10)
	r := c.get("/activities/" + sid + "/ics")
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "butce-toplantisi.ics") {
		t.Errorf("Content-Disposition %q", cd)
	}
	wantBody(t, r, "UID:activity-"+sid+"@kobicrm\r\n", "DTSTART:20310310T070000Z\r\n", "DTEND:20310310T083000Z\r\n",
		`SUMMARY:Bütçe toplantısı – Çağlar\; Tekstil\, A.Ş.`, `LOCATION:Kadıköy\, İstanbul`, "STATUS:TENTATIVE",
		"URL:"+e.ts.URL+"/activities/"+sid)
	wantStatus(t, c.get("/activities/99999/ics"), http.StatusNotFound)

	// Drag and drop's move: the same time of day on another date.
	tok := c.token("/calendar?view=month&date=2031-03-10")
	back := "/calendar?view=month&date=2031-03-10"
	r = c.post("/activities/"+sid+"/move", url.Values{"csrf_token": {tok}, "date": {"2031-03-12"}, "return": {back}})
	wantRedirect(t, r, back)
	rec, err := e.st.Get(context.Background(), store.SystemActor(), store.Activities, id)
	if err != nil {
		t.Fatal(err)
	}
	if s, en := rec.Values.Str("starts_at"), rec.Values.Str("ends_at"); s != "2031-03-12T07:00:00Z" || en != "2031-03-12T08:30:00Z" {
		t.Errorf("moved to %s – %s", s, en)
	}
	// Somewhere else than the calendar is not where a move returns to.
	r = c.post("/activities/"+sid+"/move", url.Values{"csrf_token": {tok}, "start": {"2031-03-13T09:15"}, "return": {"https://example.com/"}})
	wantRedirect(t, r, "/activities/"+sid)
	wantStatus(t, c.post("/activities/"+sid+"/move", url.Values{"csrf_token": {tok}, "date": {"yarın"}}), http.StatusBadRequest)
	wantStatus(t, c.post("/activities/"+sid+"/move", url.Values{"date": {"2031-03-14"}}), http.StatusForbidden) // no CSRF token
}

var feedURL = regexp.MustCompile(`id="feed-url" readonly value="([^"]+)"`)

func TestCalendarFeedHTTP(t *testing.T) {
	e, c, id := calendarSetUp(t)
	tok := c.token("/calendar")
	r := c.post("/calendar/feed", url.Values{"csrf_token": {tok}})
	wantRedirect(t, r, "/calendar#feed")
	page := c.get("/calendar")
	m := feedURL.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no feed URL on the page after making one:\n%s", page.Body)
	}
	u, err := url.Parse(m[1])
	if err != nil || !strings.HasPrefix(u.Path, "/calendar/feed/"+store.FeedPrefix) || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("feed URL %q", m[1])
	}
	// Shown once only.
	wantNoBody(t, c.get("/calendar"), `id="feed-url"`)

	// The feed asks for no session: a client that never logged in reads it.
	anon := e.client()
	now := time.Now()
	if _, err := e.st.MoveActivity(context.Background(), store.SystemActor(), id, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r = anon.get(u.Path)
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	wantBody(t, r, "BEGIN:VCALENDAR\r\n", "UID:activity-"+strconv.FormatInt(id, 10)+"@kobicrm", "X-WR-CALNAME:kobicrm – "+adminName)
	if n := e.count(t, "SELECT count(*) FROM audit_log WHERE module = 'activities' AND action = 'export' AND changes LIKE '%ics-feed%'"); n != 1 {
		t.Errorf("feed reading logged %d times", n)
	}

	// A new one revokes the old; revoking ends the new.
	r = c.post("/calendar/feed", url.Values{"csrf_token": {tok}, "confirmed": {"1"}})
	wantRedirect(t, r, "/calendar#feed")
	wantStatus(t, anon.get(u.Path), http.StatusNotFound)
	second := feedURL.FindStringSubmatch(c.get("/calendar").Body)
	if second == nil {
		t.Fatal("no second feed URL")
	}
	u2, _ := url.Parse(second[1])
	wantStatus(t, anon.get(u2.Path), http.StatusOK)
	wantRedirect(t, c.post("/calendar/feed/revoke", url.Values{"csrf_token": {tok}}), "/calendar#feed")
	wantStatus(t, anon.get(u2.Path), http.StatusNotFound)
	wantStatus(t, anon.get("/calendar/feed/kcal_nothing.ics"), http.StatusNotFound)
	wantBody(t, c.get("/calendar"), e.tr("calendar.feed.none"))
}

func TestCalendarReminderNotification(t *testing.T) {
	e, c, id := calendarSetUp(t)
	admin, _ := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	e.exec(t, `INSERT INTO notifications (user_id, at, kind, module, record_id, title, by_name) VALUES (?, ?, 'reminder', 'activities', ?, 'Bütçe toplantısı', '')`,
		admin.ID, time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), id)
	r := c.get("/notifications")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `<a href="/activities/`+strconv.FormatInt(id, 10)+`" class="reminder">Hatırlatma: Bütçe toplantısı</a>`)
	wantBody(t, c.get("/"), `href="/calendar"`)
}

func FuzzCalendarView(f *testing.F) {
	for _, s := range [][3]string{{"month", "2031-03-10", "me"}, {"week", "2031-01-01", "team:1"}, {"day", "", "department:2"}, {"", "1900-01-01", ""}, {"year", "x", "user:"}} {
		f.Add(s[0], s[1], s[2])
	}
	now := time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, view, date, who string) {
		v, err := parseCalendarView(url.Values{"view": {view}, "date": {date}, "who": {who}}, now)
		if err != nil {
			if !errors.Is(err, store.ErrBadQuery) {
				t.Fatalf("%q %q %q: %v", view, date, who, err)
			}
			return
		}
		days := int(v.To.Sub(v.From).Hours()/24 + 0.5)
		if !v.From.Before(v.To) || days > 42 || v.From.After(v.Day) || !v.Day.Before(v.To) {
			t.Fatalf("%q %q %q: range %s – %s around %s", view, date, who, v.From, v.To, v.Day)
		}
		if v.View != "day" && v.From.In(tr.Istanbul).Weekday() != time.Monday {
			t.Fatalf("%q: a %s view starting on %s", date, v.View, v.From.Weekday())
		}
		if v.View == "month" && days%7 != 0 {
			t.Fatalf("%q: a month of %d days", date, days)
		}
		back, err := parseCalendarView(url.Values{"view": {v.View}, "date": {v.Day.Format("2006-01-02")}, "who": {v.Who}}, now)
		if err != nil || back != v {
			t.Fatalf("%q %q %q: not stable: %+v vs %+v, %v", view, date, who, v, back, err)
		}
	})
}
