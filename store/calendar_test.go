package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"kobicrm/store/tr"
)

// calFixture is the security fixture with "me" holding a role that reads
// activities of their team and edits their own, in department Satış and
// team Kuzey, and a customer the activities belong to.
type calFixture struct {
	*secFixture
	me       *Actor
	customer int64
	ids      map[string]int64 // activities by label
}

func newCalFixture(t *testing.T) *calFixture {
	t.Helper()
	fx := &calFixture{secFixture: newSecFixture(t), ids: map[string]int64{}}
	role := fx.role(t, "Takvim ekibi", Permissions{Grants: map[string]map[string]string{
		"activities": {ActRead: "team", ActCreate: "own", ActEdit: "own"},
		"customers":  {ActRead: "all"},
	}})
	fx.users["me"] = fx.user(t, "me", fx.depts["sales"], []int64{fx.teams["north"]}, role)
	fx.me = fx.actor(t, fx.users["me"])
	fx.customer = mustCreate(t, fx.st, fx.admin, Customers, company("Takvim Ticaret A.Ş.", nil)).ID
	return fx
}

// at is a moment of 2031 in Istanbul, as "MM-DD HH:MM", in the stored form.
func at(s string) string {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2031-"+s, tr.Istanbul)
	if err != nil {
		panic(err)
	}
	return t.UTC().Format(tr.DateTimeLayout)
}

// add makes an activity owned by the user with the label.
func (fx *calFixture) add(t *testing.T, label, owner, typ, start, end string, participants ...string) {
	t.Helper()
	v := Values{"type": typ, "subject": "Etkinlik " + label, "customer_id": fx.customer, "status": "planned",
		"starts_at": at(start), "owner_id": fx.users[owner]}
	if end != "" {
		v["ends_at"] = at(end)
	}
	var ps []int64
	for _, p := range participants {
		ps = append(ps, fx.users[p])
	}
	if ps != nil {
		v["participants"] = ps
	}
	fx.ids[label] = mustCreate(t, fx.st, fx.admin, Activities, v).ID
}

func (fx *calFixture) calendar(t *testing.T, a *Actor, who string) ([]string, error) {
	t.Helper()
	from, _ := time.ParseInLocation("2006-01-02", "2031-03-01", tr.Istanbul)
	res, err := fx.st.Calendar(fx.ctx, a, CalendarQuery{From: from, To: from.AddDate(0, 1, 0), Who: who})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range res.Items {
		out = append(out, strings.TrimPrefix(r.Title(), "Etkinlik "))
	}
	return out, nil
}

func TestCalendarRangeAndScopes(t *testing.T) {
	fx := newCalFixture(t)
	fx.add(t, "A", "me", ActivityMeeting, "03-10 10:00", "03-10 11:00")
	fx.add(t, "B", "mate", ActivityTask, "03-12 09:00", "")
	fx.add(t, "C", "peer", ActivityTask, "03-15 09:00", "")
	fx.add(t, "D", "other", ActivityTask, "03-16 09:00", "")
	fx.add(t, "E", "me", ActivityTask, "04-01 00:00", "")                       // the next month, from its first moment
	fx.add(t, "F", "mate", ActivityVisit, "02-27 09:00", "03-02 17:00")         // a trip reaching into March
	fx.add(t, "G", "me", ActivityVisit, "02-20 09:00", "02-21 17:00")           // over before March
	fx.add(t, "H", "other", ActivityMeeting, "03-05 14:00", "", "me")           // me takes part, other owns it
	fx.add(t, "I", "peer", ActivityMeeting, "03-01 00:00", "03-01 01:00", "me") // March's first moment
	fx.add(t, "J", "me", ActivityTask, "02-28 23:59", "")                       // the last minute of February

	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, fx.ids["B"], Values{"status": "done"}); err != nil {
		t.Fatal(err)
	}
	del := mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityTask, "subject": "Etkinlik X",
		"customer_id": fx.customer, "starts_at": at("03-11 09:00"), "owner_id": fx.users["me"]})
	if err := fx.st.Delete(fx.ctx, fx.admin, Activities, del.ID); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		actor *Actor
		name  string
		who   string
		want  []string
		err   error
	}{
		// Team scope: own and team mates' activities, never others', even
		// where "me" takes part (H, I: scopes go by the owner).
		{fx.me, "me", "me", []string{"A"}, nil},
		{fx.me, "me", "", []string{"A"}, nil},
		{fx.me, "me", "user:" + itoa(fx.users["me"]), []string{"A"}, nil},
		{fx.me, "me", "team:" + itoa(fx.teams["north"]), []string{"F", "A", "B"}, nil},
		{fx.me, "me", "user:" + itoa(fx.users["mate"]), []string{"F", "B"}, nil},
		{fx.me, "me", "department:" + itoa(fx.depts["sales"]), []string{"A"}, nil},
		{fx.me, "me", "team:" + itoa(fx.teams["south"]), nil, ErrForbidden},
		{fx.me, "me", "user:" + itoa(fx.users["other"]), nil, ErrForbidden},
		{fx.me, "me", "user:" + itoa(fx.users["peer"]), nil, ErrForbidden},
		{fx.me, "me", "department:" + itoa(fx.depts["service"]), nil, ErrForbidden},
		{fx.me, "me", "department:" + itoa(fx.depts["gm"]), nil, ErrForbidden}, // above theirs
		{fx.me, "me", "team:99999", nil, ErrForbidden},
		{fx.me, "me", "everyone", nil, ErrBadQuery},
		{fx.me, "me", "user:01", nil, ErrBadQuery},
		// The administrator sees everything, participants included.
		{fx.admin, "admin", "user:" + itoa(fx.users["me"]), []string{"I", "H", "A"}, nil},
		{fx.admin, "admin", "team:" + itoa(fx.teams["south"]), []string{"H", "D"}, nil},
		{fx.admin, "admin", "department:" + itoa(fx.depts["gm"]), []string{"I", "H", "A", "C"}, nil},
		{fx.admin, "admin", "department:" + itoa(fx.depts["ist"]), nil, nil},
		{fx.admin, "admin", "me", nil, nil},
	}
	for _, c := range cases {
		got, err := fx.calendar(t, c.actor, c.who)
		if !errors.Is(err, c.err) || (c.err == nil && !slices.Equal(got, c.want)) {
			t.Errorf("%s, calendar of %q: %v, %v; want %v, %v", c.name, c.who, got, err, c.want, c.err)
		}
	}

	// A salesperson (the shipped role: own activities) in team Kuzey may
	// open the team's calendar and sees only their own in it.
	seller := fx.user(t, "seller", fx.depts["sales"], []int64{fx.teams["north"]}, 2)
	fx.users["seller"] = seller
	fx.add(t, "S", "seller", ActivityTask, "03-20 09:00", "")
	sa := fx.actor(t, seller)
	for who, want := range map[string][]string{"me": {"S"}, "team:" + itoa(fx.teams["north"]): {"S"}} {
		if got, err := fx.calendar(t, sa, who); err != nil || !slices.Equal(got, want) {
			t.Errorf("salesperson, calendar of %s: %v, %v; want %v", who, got, err, want)
		}
	}
	if _, err := fx.calendar(t, sa, "user:"+itoa(fx.users["mate"])); !errors.Is(err, ErrForbidden) {
		t.Errorf("salesperson, a team mate's calendar: %v, want forbidden", err)
	}

	// The limit cuts the list and says so.
	from, _ := time.ParseInLocation("2006-01-02", "2031-03-01", tr.Istanbul)
	res, err := fx.st.Calendar(fx.ctx, fx.admin, CalendarQuery{From: from, To: from.AddDate(0, 1, 0), Who: "team:" + itoa(fx.teams["north"]), Limit: 2})
	if err != nil || len(res.Items) != 2 || !res.More {
		t.Errorf("limited calendar: %d items, more %v, %v", len(res.Items), res.More, err)
	}
	if res != nil && len(res.Items) > 0 && res.Items[0].Refs["customer_id"] != "Takvim Ticaret A.Ş." {
		t.Errorf("customer name: %q", res.Items[0].Refs["customer_id"])
	}
	if _, err := fx.st.Calendar(fx.ctx, fx.admin, CalendarQuery{From: from, To: from}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("empty range: %v", err)
	}
}

// TestCalendarQueryPlan checks that no calendar reads the activities
// table whole: every way in goes through an index.
func TestCalendarQueryPlan(t *testing.T) {
	fx := newCalFixture(t)
	m := fx.st.mod(Activities)
	from := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		a   *Actor
		who string
	}{
		{fx.me, "me"}, {fx.me, "team:1"}, {fx.me, "department:1"}, {fx.admin, "user:2"}, {fx.admin, "me"},
	} {
		w, _ := ParseWho(c.who)
		query, args, err := calendarSQL(c.a, m, w, from, from.AddDate(0, 1, 0), 100)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := fx.st.reader.QueryContext(fx.ctx, "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for _, d := range plan {
			if strings.HasPrefix(d, "SCAN activities") || strings.HasPrefix(d, "SCAN t") {
				t.Errorf("%s: full scan of activities: %q\nplan: %s", c.who, d, strings.Join(plan, "\n  "))
			}
		}
		if !strings.Contains(strings.Join(plan, "\n"), "activities_owner_time") {
			t.Errorf("%s: plan does not use activities_owner_time:\n  %s", c.who, strings.Join(plan, "\n  "))
		}
	}
}

func TestCalendarMoveActivity(t *testing.T) {
	fx := newCalFixture(t)
	fx.add(t, "A", "me", ActivityMeeting, "03-10 10:00", "03-10 11:30")
	fx.add(t, "B", "mate", ActivityTask, "03-12 09:00", "")
	fx.add(t, "D", "other", ActivityTask, "03-16 09:00", "")
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, fx.ids["A"], Values{"reminder_min": int64(15)}); err != nil {
		t.Fatal(err)
	}

	to, _ := time.Parse(tr.DateTimeLayout, at("03-13 15:00"))
	moved, err := fx.st.MoveActivity(fx.ctx, fx.me, fx.ids["A"], to)
	if err != nil {
		t.Fatalf("move own meeting: %v", err)
	}
	if s, e := moved.Values.Str("starts_at"), moved.Values.Str("ends_at"); s != at("03-13 15:00") || e != at("03-13 16:30") {
		t.Errorf("moved to %s – %s, want %s – %s", s, e, at("03-13 15:00"), at("03-13 16:30"))
	}
	if r := moved.Values.Str("remind_at"); r != at("03-13 14:45") {
		t.Errorf("reminder after the move: %s, want %s", r, at("03-13 14:45"))
	}
	hist, err := fx.st.History(fx.ctx, fx.admin, Activities, fx.ids["A"], 10)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history: %v, %v", hist, err)
	}
	last := hist[0]
	if last.Action != ActionUpdate || last.UserID != fx.users["me"] || len(last.Changes) < 2 {
		t.Errorf("audit of the move: %+v", last)
	}
	fields := map[string]bool{}
	for _, c := range last.Changes {
		fields[c.Field] = true
	}
	if !fields["starts_at"] || !fields["ends_at"] {
		t.Errorf("audit of the move names %v, want starts_at and ends_at", last.Changes)
	}

	// A team mate's task is seen but not editable; another's not even seen.
	if _, err := fx.st.MoveActivity(fx.ctx, fx.me, fx.ids["B"], to); !errors.Is(err, ErrForbidden) {
		t.Errorf("move a team mate's task: %v, want forbidden", err)
	}
	if _, err := fx.st.MoveActivity(fx.ctx, fx.me, fx.ids["D"], to); !errors.Is(err, ErrNotFound) {
		t.Errorf("move another team's task: %v, want not found", err)
	}
	got, err := fx.st.Get(fx.ctx, fx.admin, Activities, fx.ids["B"])
	if err != nil || got.Values.Str("starts_at") != at("03-12 09:00") {
		t.Errorf("refused move changed the task: %v, %v", got.Values.Str("starts_at"), err)
	}
}

func TestCalendarFeedSecret(t *testing.T) {
	fx := newCalFixture(t)
	fx.add(t, "A", "me", ActivityMeeting, "03-10 10:00", "03-10 11:00")
	fx.add(t, "B", "mate", ActivityTask, "03-12 09:00", "", "me")
	fx.add(t, "D", "other", ActivityTask, "03-16 09:00", "", "me") // out of my scope

	if created, err := fx.st.CalendarFeedCreated(fx.ctx, fx.me); err != nil || !created.IsZero() {
		t.Fatalf("no feed yet: %v, %v", created, err)
	}
	first, err := fx.st.CreateCalendarFeed(fx.ctx, fx.me)
	if err != nil || !strings.HasPrefix(first, FeedPrefix) || len(first) < 40 {
		t.Fatalf("create feed: %q, %v", first, err)
	}
	var stored string
	if err := fx.st.reader.QueryRow("SELECT token_hash FROM calendar_feeds WHERE user_id = ?", fx.users["me"]).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == first || strings.Contains(stored, first[len(FeedPrefix):]) {
		t.Error("the secret itself is stored")
	}
	u, err := fx.st.FeedUser(fx.ctx, first)
	if err != nil || u.ID != fx.users["me"] {
		t.Fatalf("feed user: %v, %v", u, err)
	}

	march := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	_, items, err := fx.st.CalendarFeed(fx.ctx, first, march)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, r := range items {
		titles = append(titles, r.Title())
	}
	if !slices.Equal(titles, []string{"Etkinlik A", "Etkinlik B"}) {
		t.Errorf("feed of me: %v", titles)
	}
	// Read twice within the hour: logged once, as an export of activities.
	if _, _, err := fx.st.CalendarFeed(fx.ctx, first, march); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := fx.st.reader.QueryRow(`SELECT count(*) FROM audit_log WHERE module = 'activities' AND action = 'export'
		AND user_id = ? AND changes LIKE '%ics-feed%'`, fx.users["me"]).Scan(&n); err != nil || n != 1 {
		t.Errorf("feed reads logged %d times, %v; want 1", n, err)
	}

	second, err := fx.st.CreateCalendarFeed(fx.ctx, fx.me)
	if err != nil || second == first {
		t.Fatalf("replace feed: %v", err)
	}
	if _, err := fx.st.FeedUser(fx.ctx, first); !errors.Is(err, ErrNotFound) {
		t.Errorf("the replaced secret: %v, want not found", err)
	}
	if _, err := fx.st.FeedUser(fx.ctx, second); err != nil {
		t.Errorf("the new secret: %v", err)
	}
	if created, err := fx.st.CalendarFeedCreated(fx.ctx, fx.me); err != nil || created.IsZero() {
		t.Errorf("feed created: %v, %v", created, err)
	}
	if err := fx.st.RevokeCalendarFeed(fx.ctx, fx.me); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{second, "", "kcal_", "kcal_x", second + "x", strings.Repeat("k", 500)} {
		if _, err := fx.st.FeedUser(fx.ctx, s); !errors.Is(err, ErrNotFound) {
			t.Errorf("secret %.20q after revoking: %v, want not found", s, err)
		}
	}

	// A deactivated user's feed stops.
	third, err := fx.st.CreateCalendarFeed(fx.ctx, fx.me)
	if err != nil {
		t.Fatal(err)
	}
	fx.retire(t, fx.users["me"])
	if _, _, err := fx.st.CalendarFeed(fx.ctx, third, march); !errors.Is(err, ErrNotFound) {
		t.Errorf("feed of a deactivated user: %v, want not found", err)
	}
	if _, err := fx.st.CreateCalendarFeed(fx.ctx, SystemActor()); !errors.Is(err, ErrForbidden) {
		t.Errorf("feed for the system actor: %v", err)
	}
}

func FuzzCalendarParseWho(f *testing.F) {
	for _, s := range []string{"", "me", "user:1", "team:12", "department:3", "user:", "user:-1", "user:01", "team:1:2", "x:1", "user:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWho(s)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("%q: %v is not a bad query", s, err)
			}
			return
		}
		if w.Kind != "me" && w.ID <= 0 {
			t.Fatalf("%q: %+v without an id", s, w)
		}
		again, err := ParseWho(w.String())
		if err != nil || again != w {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, w, w.String(), again, err)
		}
		if s != "" && w.String() != s {
			t.Fatalf("%q read as %q", s, w.String())
		}
	})
}

func TestCalendarChoicesOpen(t *testing.T) {
	fx := newCalFixture(t)
	for _, c := range []struct {
		name string
		a    *Actor
		want []string
		not  []string
	}{
		{"me", fx.me, []string{"me", "user:" + itoa(fx.users["mate"]), "team:" + itoa(fx.teams["north"]),
			"department:" + itoa(fx.depts["sales"]), "department:" + itoa(fx.depts["ist"])},
			[]string{"team:" + itoa(fx.teams["south"]), "user:" + itoa(fx.users["other"]), "department:" + itoa(fx.depts["gm"])}},
		{"admin", fx.admin, []string{"me", "user:" + itoa(fx.users["other"]), "team:" + itoa(fx.teams["south"]), "department:" + itoa(fx.depts["gm"])}, nil},
	} {
		list, err := fx.st.CalendarChoices(fx.ctx, c.a)
		if err != nil {
			t.Fatal(err)
		}
		var whos []string
		for _, ch := range list {
			whos = append(whos, ch.Who)
			if _, err := fx.calendar(t, c.a, ch.Who); err != nil {
				t.Errorf("%s may pick %s (%s) but it does not open: %v", c.name, ch.Who, ch.Name, err)
			}
		}
		for _, w := range c.want {
			if !slices.Contains(whos, w) {
				t.Errorf("%s: %s missing from %v", c.name, w, whos)
			}
		}
		for _, w := range c.not {
			if slices.Contains(whos, w) {
				t.Errorf("%s: %s offered", c.name, w)
			}
		}
	}
}

// A busy day shows its first few and says it has more: the month view's
// "more" link.
func TestCalendarCapsABusyDay(t *testing.T) {
	fx := newCalFixture(t)
	var rows []Values
	for i := range 10 {
		rows = append(rows, Values{"type": ActivityTask, "subject": fmt.Sprintf("İş %d", i), "customer_id": fx.customer,
			"owner_id": fx.users["me"], "status": "planned", "starts_at": at(fmt.Sprintf("03-10 %02d:00", 8+i))})
	}
	// 23:30 in Istanbul is 20:30 UTC: still the 10th in Istanbul.
	rows = append(rows, Values{"type": ActivityTask, "subject": "Gece işi", "customer_id": fx.customer,
		"owner_id": fx.users["me"], "status": "planned", "starts_at": at("03-10 23:30")})
	rows = append(rows, Values{"type": ActivityTask, "subject": "Ertesi gün", "customer_id": fx.customer,
		"owner_id": fx.users["me"], "status": "planned", "starts_at": at("03-11 00:30")})
	if _, err := fx.st.CreateMany(fx.ctx, fx.admin, Activities, rows); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2031, 3, 1, 0, 0, 0, 0, tr.Istanbul)
	res, err := fx.st.Calendar(fx.ctx, fx.me, CalendarQuery{From: from, To: from.AddDate(0, 1, 0), PerDay: 3})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Items {
		got = append(got, r.Title())
	}
	if fmt.Sprint(got) != "[İş 0 İş 1 İş 2 Ertesi gün]" {
		t.Errorf("capped at three a day: %q", got)
	}
	if !res.Busy["2031-03-10"] || res.Busy["2031-03-11"] || len(res.Busy) != 1 {
		t.Errorf("busy days: %v, want only the 10th", res.Busy)
	}
}
