package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var office = LoginClient{IP: "192.168.1.23", UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"}

func mustUser(t *testing.T, st *Store, name, email string) *User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), SystemActor(), NewUser{Name: name, Email: email, Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func TestLoginRecordsEveryAttempt(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	clerk := mustUser(t, st, "Can Demir", "can@firma.com.tr")
	gone := mustUser(t, st, "Eski Çalışan", "eski@firma.com.tr")
	if _, err := st.writer.Exec("UPDATE users SET active = 0 WHERE id = ?", gone.ID); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	if u, err := st.Login(ctx, " CAN@firma.com.tr ", goodPassword, office); err != nil || u.ID != clerk.ID {
		t.Fatalf("good login: %v, %v", u, err)
	}
	for _, c := range []struct{ email, pw string }{
		{"can@firma.com.tr", "yanlış-şifre"},
		{"kimse@firma.com.tr", goodPassword},
		{"eski@firma.com.tr", goodPassword},
	} {
		if _, err := st.Login(ctx, c.email, c.pw, office); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("login %s: %v, want ErrBadCredentials", c.email, err)
		}
	}
	if err := st.RecordRateLimited(ctx, "can@firma.com.tr", office); err != nil {
		t.Fatal(err)
	}

	p, err := st.LoginHistory(ctx, ActorFor(admin), LoginQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range p.Attempts {
		got = append(got, fmt.Sprintf("%s/%d/%s/%v/%s", l.Email, l.UserID, l.UserName, l.OK, l.Reason))
		if l.IP != office.IP || l.UserAgent != office.UserAgent || l.At.IsZero() {
			t.Errorf("attempt %+v: wrong client or time", l)
		}
	}
	want := []string{
		fmt.Sprintf("can@firma.com.tr/%d/Can Demir/false/rate_limited", clerk.ID),
		fmt.Sprintf("eski@firma.com.tr/%d/Eski Çalışan/false/inactive", gone.ID),
		"kimse@firma.com.tr/0//false/unknown_user",
		fmt.Sprintf("can@firma.com.tr/%d/Can Demir/false/bad_password", clerk.ID),
		fmt.Sprintf("CAN@firma.com.tr/%d/Can Demir/true/", clerk.ID), // as typed, trimmed
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Next != 0 {
		t.Errorf("one page, yet Next = %d", p.Next)
	}
}

func TestRateLimitedRecordedOncePerMinute(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	defer func() { now = time.Now }()
	for i := range 100 {
		now = func() time.Time { return base.Add(time.Duration(i) * time.Second) }
		if err := st.RecordRateLimited(ctx, "x@y.com.tr", office); err != nil {
			t.Fatal(err)
		}
	}
	// Another address is recorded in its own right.
	if err := st.RecordRateLimited(ctx, "x@y.com.tr", LoginClient{IP: "10.0.0.9"}); err != nil {
		t.Fatal(err)
	}
	p, err := st.LoginHistory(ctx, a, LoginQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attempts) != 3 { // 09:00:00, 09:01:00 from one address, and the other one
		t.Errorf("%d rate-limited rows, want 3", len(p.Attempts))
	}
}

func TestLoginHistoryFiltersAndPages(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	clerk := mustUser(t, st, "Can Demir", "can@firma.com.tr")
	a := ActorFor(admin)
	ctx := context.Background()
	defer func() { now = time.Now }()
	// Five days of logins at 23:30 UTC, which is already the next day in
	// Istanbul: the day filters must count Istanbul days.
	for d := range 5 {
		now = func() time.Time { return time.Date(2026, 3, 1+d, 23, 30, 0, 0, time.UTC) }
		if _, err := st.Login(ctx, "can@firma.com.tr", goodPassword, office); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Login(ctx, "ayse@firma.com.tr", "yanlış-şifre-"+fmt.Sprint(d), office); err == nil {
			t.Fatal("a wrong password logged in")
		}
	}
	yes, no := true, false
	count := func(q LoginQuery) int {
		t.Helper()
		p, err := st.LoginHistory(ctx, a, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		return len(p.Attempts)
	}
	for _, c := range []struct {
		q    LoginQuery
		want int
	}{
		{LoginQuery{}, 10},
		{LoginQuery{UserID: clerk.ID}, 5},
		{LoginQuery{UserID: admin.ID, OK: &yes}, 0},
		{LoginQuery{OK: &no}, 5},
		{LoginQuery{From: "03.03.2026", To: "04.03.2026"}, 4}, // 2 and 3 March UTC evenings
		{LoginQuery{From: "2026-03-06"}, 2},
		{LoginQuery{To: "01.03.2026"}, 0},
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%+v: %d attempts, want %d", c.q, got, c.want)
		}
	}
	if _, err := st.LoginHistory(ctx, a, LoginQuery{From: "dün"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("a bad date: %v, want ErrBadQuery", err)
	}

	// Pages of three, newest first, meet every row once.
	var seen []int64
	q := LoginQuery{Limit: 3}
	for pages := 0; ; pages++ {
		p, err := st.LoginHistory(ctx, a, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range p.Attempts {
			if len(seen) > 0 && l.ID >= seen[len(seen)-1] {
				t.Fatalf("not newest first: %d after %d", l.ID, seen[len(seen)-1])
			}
			seen = append(seen, l.ID)
		}
		if p.Next == 0 {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		q.Before = p.Next
	}
	if len(seen) != 10 {
		t.Errorf("paging met %d rows, want 10", len(seen))
	}
}

func TestLoginHistoryIsAppendOnly(t *testing.T) {
	st := newTestStore(t)
	mustAdmin(t, st)
	if _, err := st.Login(context.Background(), "ayse@firma.com.tr", "yanlış", office); err == nil {
		t.Fatal("a wrong password logged in")
	}
	for _, q := range []string{"UPDATE login_attempts SET ok = 1", "DELETE FROM login_attempts"} {
		_, err := st.writer.Exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the trigger's refusal", q, err)
		}
	}
	if n := countRows(t, st, "SELECT count(*) FROM login_attempts WHERE ok = 0"); n != 1 {
		t.Errorf("%d failed attempts after the refused changes, want 1", n)
	}
}

func TestLoginTextIsClipped(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	long := strings.Repeat("ğ", 1000)
	if _, err := st.Login(ctx, long, "x", LoginClient{IP: "1.2.3.4", UserAgent: long}); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
	p, err := st.LoginHistory(ctx, a, LoginQuery{})
	if err != nil || len(p.Attempts) != 1 {
		t.Fatalf("%v %v", p, err)
	}
	l := p.Attempts[0]
	if len(l.Email) > maxLoginEmail || len(l.UserAgent) > maxLoginUserAgent || !strings.HasPrefix(long, l.Email) || !strings.HasPrefix(long, l.UserAgent) {
		t.Errorf("kept %d and %d bytes, or split a letter", len(l.Email), len(l.UserAgent))
	}
}

func TestAdminLogsNeedAnAdmin(t *testing.T) {
	st := newTestStore(t)
	mustAdmin(t, st)
	clerk := ActorFor(mustUser(t, st, "Can Demir", "can@firma.com.tr"))
	ctx := context.Background()
	for name, call := range map[string]func(*Actor) error{
		"LoginHistory": func(a *Actor) error { _, err := st.LoginHistory(ctx, a, LoginQuery{}); return err },
		"AuditLog":     func(a *Actor) error { _, err := st.AuditLog(ctx, a, AuditQuery{}); return err },
		"AuditUsers":   func(a *Actor) error { _, err := st.AuditUsers(ctx, a); return err },
		"ActiveSessions": func(a *Actor) error {
			_, err := st.ActiveSessions(ctx, a, DefaultSessionLimits)
			return err
		},
		"EndSessionByRef": func(a *Actor) error { return st.EndSessionByRef(ctx, a, "x") },
	} {
		for _, a := range []*Actor{clerk, nil} {
			if err := call(a); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s as %v: %v, want ErrForbidden", name, a, err)
			}
		}
		// The command line may read them too.
		if err := call(SystemActor()); err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s as the system: %v", name, err)
		}
	}
}

func TestActiveSessionsAndEnding(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	clerk := mustUser(t, st, "Can Demir", "can@firma.com.tr")
	a := ActorFor(admin)
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	defer func() { now = time.Now }()
	now = func() time.Time { return base }
	stale, err := st.CreateSession(ctx, clerk.ID, "10.0.0.1", "old browser")
	if err != nil {
		t.Fatal(err)
	}
	now = func() time.Time { return base.Add(9 * time.Hour) } // past the idle limit of the first
	mine, err := st.CreateSession(ctx, admin.ID, "10.0.0.2", "admin browser")
	if err != nil {
		t.Fatal(err)
	}
	now = func() time.Time { return base.Add(10 * time.Hour) }
	theirs, err := st.CreateSession(ctx, clerk.ID, "10.0.0.3", "clerk browser")
	if err != nil {
		t.Fatal(err)
	}

	list, err := st.ActiveSessions(ctx, a, DefaultSessionLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].UserName != "Can Demir" || list[0].IP != "10.0.0.3" || list[0].UserAgent != "clerk browser" ||
		list[1].UserEmail != admin.Email || list[1].Ref != SessionRef(mine) || !list[0].CreatedAt.Equal(base.Add(10*time.Hour)) {
		t.Fatalf("active sessions: %+v", list)
	}
	for _, s := range list {
		for _, tok := range []string{stale, mine, theirs} {
			if strings.Contains(s.Ref, tok) || strings.Contains(sessionID(tok), s.Ref) {
				t.Errorf("ref %q shows the token or its stored hash", s.Ref)
			}
		}
	}

	if err := st.EndSessionByRef(ctx, a, list[0].Ref); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, theirs, DefaultSessionLimits); !errors.Is(err, ErrNotFound) {
		t.Errorf("the ended session still works: %v", err)
	}
	if _, err := st.SessionUser(ctx, mine, DefaultSessionLimits); err != nil {
		t.Errorf("ending another session ended mine: %v", err)
	}
	if err := st.EndSessionByRef(ctx, a, list[0].Ref); !errors.Is(err, ErrNotFound) {
		t.Errorf("ending it twice: %v, want ErrNotFound", err)
	}
	if err := st.EndSessionByRef(ctx, a, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("an empty ref: %v, want ErrNotFound", err)
	}
	// An administrator may end their own session.
	if err := st.EndSessionByRef(ctx, a, SessionRef(mine)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SessionUser(ctx, mine, DefaultSessionLimits); !errors.Is(err, ErrNotFound) {
		t.Errorf("my ended session still works: %v", err)
	}
}
