package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
)

// dbTime writes a time the way the store keeps times.
func dbTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func TestSetupRedirectsEveryPageWhileNoUserExists(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	for _, path := range []string{"/", "/login", "/profile", "/admin/backup", "/no/such/page", "/login?next=%2Fprofile"} {
		wantRedirect(t, c.get(path), "/setup")
	}
	// A form post, with a valid token, goes to setup as well.
	tok := c.token("/setup")
	wantRedirect(t, c.post("/login", url.Values{csrfField: {tok}, "email": {adminEmail}, "password": {adminPassword}}), "/setup")

	r := c.get("/setup")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("setup.heading"), `name="password_again"`)
}

func TestSetupValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	cases := []struct {
		name                string
		email, pw, pwAgain  string
		field, key          string
		keyArgs             []any
		wantOtherFieldsKept bool
	}{
		{"short password", adminEmail, "kisa-123", "kisa-123", "password", "error.password_short", []any{10}, true},
		{"common password", adminEmail, "1234567890", "1234567890", "password", "error.password_common", nil, true},
		{"common password any case", adminEmail, "QwertyUiop", "QwertyUiop", "password", "error.password_common", nil, true},
		{"mismatched passwords", adminEmail, adminPassword, adminPassword + "x", "password_again", "error.password_mismatch", nil, true},
		{"bad e-mail", "ayse@", adminPassword, adminPassword, "email", "error.email", nil, true},
		{"no e-mail", "", adminPassword, adminPassword, "email", "error.required", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := c.in(t)
			r := c.submit("/setup", "/setup", url.Values{
				"name": {adminName}, "email": {tc.email},
				"password": {tc.pw}, "password_again": {tc.pwAgain},
			})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			msg := e.tr(tc.key, tc.keyArgs...)
			wantBody(t, r, msg, `id="`+tc.field+`-err"`, `value="`+adminName+`"`)
			if tc.email != "" {
				wantBody(t, r, `value="`+tc.email+`"`)
			}
			// Passwords never come back in the page.
			if strings.Contains(r.Body, tc.pw) {
				t.Errorf("the page repeats the password %q", tc.pw)
			}
			if n := e.count(t, "SELECT count(*) FROM users"); n != 0 {
				t.Fatalf("%d users after a refused setup, want 0", n)
			}
		})
	}
	// The error text is translated too.
	c.lang = "en"
	r := c.submit("/setup", "/setup", url.Values{
		"name": {adminName}, "email": {adminEmail}, "password": {"1234567890"}, "password_again": {"1234567890"},
	})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.en("error.password_common"))
}

func TestSetupSuccessLogsIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	r := c.submit("/setup", "/setup", url.Values{
		"name": {adminName}, "email": {"  Ayse@Firma.com.tr "},
		"password": {adminPassword}, "password_again": {adminPassword},
	})
	wantRedirect(t, r, "/")
	home := c.get("/")
	wantStatus(t, home, http.StatusOK)
	wantBody(t, home, adminName, e.tr("setup.done"), `href="/admin/backup"`)

	u, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Admin || !u.Active || u.Email != adminEmail {
		t.Errorf("first user = %+v, want an active administrator with %s", u, adminEmail)
	}
	// The flash shows once.
	wantNoBody(t, c.get("/"), e.tr("setup.done"))
}

func TestSecondSetupIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.client()
	// The other browser opened the setup form before the first one finished.
	other := e.client()
	tok := other.token("/setup")
	e.completeSetup(first)

	wantRedirect(t, other.get("/setup"), "/login")
	r := other.post("/setup", url.Values{
		csrfField: {tok}, "name": {"Mallory"}, "email": {"mallory@example.com"},
		"password": {"Uzun-Parola-9876"}, "password_again": {"Uzun-Parola-9876"},
	})
	wantRedirect(t, r, "/login")
	other.wantLoggedOut()
	if n := e.count(t, "SELECT count(*) FROM users"); n != 1 {
		t.Fatalf("%d users, want 1", n)
	}
	// The logged-in administrator is sent on from /setup too.
	wantRedirect(t, first.get("/setup"), "/login")
}

func TestLoginSuccess(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	admin.wantLoggedIn(adminName)

	c := e.client()
	c.wantLoggedOut()
	page := c.get("/login")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, e.tr("login.heading"), `lang="tr"`)
	r := c.login(strings.ToUpper(adminEmail), adminPassword)
	wantRedirect(t, r, "/")
	c.wantLoggedIn(adminName)
	// A logged-in visitor of the login form goes on.
	wantRedirect(t, c.get("/login"), "/")
}

var loginError = func(body string) string {
	const open = `id="login-error">`
	i := strings.Index(body, open)
	if i < 0 {
		return ""
	}
	rest := body[i+len(open):]
	return rest[:strings.Index(rest, "<")]
}

func TestLoginWrongPasswordIsGeneric(t *testing.T) {
	t.Parallel()
	e, _ := setUp(t)
	c := e.client()

	wrong := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {"yanlis-parola-1"}})
	wantStatus(t, wrong, http.StatusUnauthorized)
	wantBody(t, wrong, e.tr("login.failed"), `value="`+adminEmail+`"`)
	wantNoBody(t, wrong, "yanlis-parola-1")

	unknown := c.submit("/login", "/login", url.Values{"email": {"kimse@firma.com.tr"}, "password": {"yanlis-parola-1"}})
	wantStatus(t, unknown, http.StatusUnauthorized)
	if a, b := loginError(wrong.Body), loginError(unknown.Body); a == "" || a != b {
		t.Errorf("wrong password says %q, unknown e-mail says %q: want the same message", a, b)
	}
	c.wantLoggedOut()

	c.lang = "en"
	r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {"wrong-password-1"}})
	wantStatus(t, r, http.StatusUnauthorized)
	if got := loginError(r.Body); got != e.en("login.failed") {
		t.Errorf("English message = %q, want %q", got, e.en("login.failed"))
	}
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnvWith(t, envOptions{before: func(s *Server) { s.limiter.now = clock.now }})
	e.completeSetup(e.client())
	c := e.client()

	for i := range 5 {
		r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {"yanlis-parola-" + strconv.Itoa(i)}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	// Even the right password is refused now, and the page says for how long.
	r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if got := r.Header.Get("Retry-After"); got != "900" {
		t.Errorf("Retry-After = %q, want 900", got)
	}
	wantBody(t, r, e.tr("login.too_many", 15), "15 dakika")
	c.wantLoggedOut()

	// The account is blocked from another browser too (same address here,
	// but the address has only 6 failures of its 20).
	other := e.client()
	other.lang = "en"
	r = other.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	wantBody(t, r, e.en("login.too_many", 15))

	// Another account from the same address may still log in.
	e.addUser("Mehmet Demir", "mehmet@firma.com.tr", "Uzun-Parola-9876")
	other.login("mehmet@firma.com.tr", "Uzun-Parola-9876")
	other.wantLoggedIn("Mehmet Demir")

	clock.advance(14 * time.Minute)
	r = c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if got := r.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q after 14 minutes, want 60", got)
	}
	wantBody(t, r, e.tr("login.too_many", 1))

	clock.advance(time.Minute)
	wantRedirect(t, c.login(adminEmail, adminPassword), "/")
	c.wantLoggedIn(adminName)
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	e := newEnvWith(t, envOptions{before: func(s *Server) { s.limiter.now = clock.now }})
	e.completeSetup(e.client())
	c := e.client()

	for i := range 20 {
		email := "deneme" + strconv.Itoa(i) + "@firma.com.tr"
		r := c.submit("/login", "/login", url.Values{"email": {email}, "password": {"yanlis-parola-1"}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	// The address is blocked, whatever the account.
	r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	wantStatus(t, r, http.StatusTooManyRequests)
	if got := r.Header.Get("Retry-After"); got != "900" {
		t.Errorf("Retry-After = %q, want 900", got)
	}
	wantBody(t, r, e.tr("login.too_many", 15))

	clock.advance(15 * time.Minute)
	wantRedirect(t, c.login(adminEmail, adminPassword), "/")
}

func TestLogoutEndsTheSessionServerSide(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	c.wantLoggedIn(adminName)
	stolen := c.cookies()
	if e.count(t, "SELECT count(*) FROM sessions") != 1 {
		t.Fatal("want one session after setup")
	}

	// Logging out needs the token.
	wantStatus(t, c.post("/logout", nil), http.StatusForbidden)
	c.wantLoggedIn(adminName)

	r := c.submit("/", "/logout", nil)
	wantRedirect(t, r, "/login")
	wantBody(t, c.get("/login"), e.tr("logout.done"))
	c.wantLoggedOut()
	if n := e.count(t, "SELECT count(*) FROM sessions"); n != 0 {
		t.Errorf("%d sessions left after logout, want 0", n)
	}

	// The cookie from before the logout, replayed, opens nothing.
	replay := e.client()
	u, _ := url.Parse(e.ts.URL)
	replay.hc.Jar.SetCookies(u, stolen)
	replay.wantLoggedOut()
	wantRedirect(t, replay.get("/profile"), "/login?next=%2Fprofile")
}

func TestRedirectToLoginAndNext(t *testing.T) {
	t.Parallel()
	e, _ := setUp(t)
	c := e.client()

	wantRedirect(t, c.get("/"), "/login")
	wantRedirect(t, c.get("/profile"), "/login?next=%2Fprofile")
	wantRedirect(t, c.get("/admin/backup?x=1"), "/login?next=%2Fadmin%2Fbackup%3Fx%3D1")
	// A logged-out POST is sent to the login form, without a next.
	tok := c.token("/login")
	wantRedirect(t, c.post("/profile", url.Values{csrfField: {tok}, "name": {"x"}}), "/login")

	// The login form carries next on to the post.
	page := c.get("/login?next=%2Fprofile")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, `name="next" value="/profile"`)
	r := c.submit("/login?next=%2Fprofile", "/login", url.Values{
		"email": {adminEmail}, "password": {adminPassword}, "next": {"/profile"},
	})
	wantRedirect(t, r, "/profile")
	wantStatus(t, c.get("/profile"), http.StatusOK)
}

func TestNextIsLocalOnly(t *testing.T) {
	t.Parallel()
	e, _ := setUp(t)
	for _, next := range []string{
		"//evil.example",
		"https://evil.example",
		"http://evil.example/profile",
		`/\evil.example`,
		"evil.example",
		"javascript:alert(1)",
		"/\t/evil.example",
		"/\n/evil.example",
		"",
	} {
		t.Run(next, func(t *testing.T) {
			c := e.clientFor(t)
			page := c.get("/login?next=" + url.QueryEscape(next))
			wantStatus(t, page, http.StatusOK)
			wantBody(t, page, `name="next" value="/"`)

			r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {next}})
			wantRedirect(t, r, "/")
			// Logged in, the login form sends next on at once: also only
			// to a local path.
			wantRedirect(t, c.get("/login?next="+url.QueryEscape(next)), "/")
		})
	}
	// A local path with a query is kept.
	c := e.client()
	r := c.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {"/profile?x=1"}})
	wantRedirect(t, r, "/profile?x=1")
}

func TestRestartKeepsPeopleLoggedIn(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	c.wantLoggedIn(adminName)
	var keys int
	if keys = e.count(t, "SELECT count(*) FROM settings WHERE key LIKE 'secret.cookie-%'"); keys != 2 {
		t.Fatalf("%d cookie keys in the database, want 2", keys)
	}

	e.restart()
	// The new server listens on another port; cookies do not depend on
	// the port, so the jar sends the old cookie.
	c.wantLoggedIn(adminName)
	tok := c.token("/profile")
	wantRedirect(t, c.post("/profile", url.Values{csrfField: {tok}, "name": {"Ayşe Kaya"}}), "/profile")
	c.wantLoggedIn("Ayşe Kaya")
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)

	// Active 7 hours ago: still in (the default idle limit is 8 hours),
	// and the request counts as activity.
	e.exec(t, "UPDATE sessions SET last_seen_at = ?", dbTime(time.Now().Add(-7*time.Hour)))
	c.wantLoggedIn(adminName)
	var seen string
	if err := e.db(t).QueryRow("SELECT last_seen_at FROM sessions").Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seenAt, _ := time.Parse("2006-01-02T15:04:05.000Z", seen); time.Since(seenAt) > time.Minute {
		t.Errorf("last_seen_at = %s after a request, want about now", seen)
	}

	e.exec(t, "UPDATE sessions SET last_seen_at = ?", dbTime(time.Now().Add(-8*time.Hour-time.Minute)))
	c.wantLoggedOut()
	if n := e.count(t, "SELECT count(*) FROM sessions"); n != 0 {
		t.Errorf("%d sessions after the idle timeout, want the expired one removed", n)
	}
	// Logging in again works.
	c.login(adminEmail, adminPassword)
	c.wantLoggedIn(adminName)
}

func TestAbsoluteLimit(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	// Busy all the time, but logged in for more than the default week.
	e.exec(t, "UPDATE sessions SET created_at = ?, last_seen_at = ?",
		dbTime(time.Now().Add(-7*24*time.Hour-time.Minute)), dbTime(time.Now()))
	c.wantLoggedOut()
}

func TestSessionLimitsFromConfig(t *testing.T) {
	t.Parallel()
	lim := store.SessionLimits{Idle: 10 * time.Minute, Absolute: time.Hour}
	e := newEnvWith(t, envOptions{cfg: Config{Sessions: lim}})
	c := e.client()
	e.completeSetup(c)
	c.wantLoggedIn(adminName)

	r := e.client().login(adminEmail, adminPassword)
	if ck := r.sessionCookie(); ck == nil || ck.MaxAge != 3600 {
		t.Errorf("session cookie %v, want Max-Age 3600 (the absolute limit)", ck)
	}

	e.exec(t, "UPDATE sessions SET last_seen_at = ?", dbTime(time.Now().Add(-11*time.Minute)))
	c.wantLoggedOut()

	c.login(adminEmail, adminPassword)
	e.exec(t, "UPDATE sessions SET created_at = ?", dbTime(time.Now().Add(-61*time.Minute)))
	c.wantLoggedOut()
}

func TestSessionLimitsInRealTime(t *testing.T) {
	t.Parallel()
	// A tiny idle limit, real clock: the session ends by itself. (The idle
	// limit, not the absolute one: the cookie's Max-Age follows the
	// absolute limit, and the jar would drop an expired cookie itself.)
	lim := store.SessionLimits{Idle: 1500 * time.Millisecond, Absolute: time.Hour}
	e := newEnvWith(t, envOptions{cfg: Config{Sessions: lim}})
	c := e.client()
	e.completeSetup(c)
	c.wantLoggedIn(adminName)
	time.Sleep(1600 * time.Millisecond)
	c.wantLoggedOut()
}

func TestDeactivatedUserIsLoggedOut(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	e.addUser("Mehmet Demir", "mehmet@firma.com.tr", "Uzun-Parola-9876")
	c := e.client()
	c.login("mehmet@firma.com.tr", "Uzun-Parola-9876")
	c.wantLoggedIn("Mehmet Demir")

	if n := e.exec(t, "UPDATE users SET active = 0 WHERE email = ?", "mehmet@firma.com.tr"); n != 1 {
		t.Fatalf("deactivated %d users, want 1", n)
	}
	c.wantLoggedOut()
	// And they cannot log in again, with the same answer as a wrong password.
	r := c.submit("/login", "/login", url.Values{"email": {"mehmet@firma.com.tr"}, "password": {"Uzun-Parola-9876"}})
	wantStatus(t, r, http.StatusUnauthorized)
	if got := loginError(r.Body); got != e.tr("login.failed") {
		t.Errorf("message %q, want %q", got, e.tr("login.failed"))
	}
	admin.wantLoggedIn(adminName)
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		t.Run("tls="+strconv.FormatBool(tls), func(t *testing.T) {
			t.Parallel()
			e := newEnvWith(t, envOptions{tls: tls})
			e.completeSetup(e.client())
			c := e.client()
			first := c.get("/login")
			wantStatus(t, first, http.StatusOK)
			r := c.login(adminEmail, adminPassword)
			for name, res := range map[string]*resp{"login form": first, "login": r} {
				ck := res.sessionCookie()
				if ck == nil {
					t.Fatalf("%s: no %s cookie set", name, sessionName)
				}
				if !ck.HttpOnly {
					t.Errorf("%s: cookie is not HttpOnly", name)
				}
				if ck.SameSite != http.SameSiteLaxMode {
					t.Errorf("%s: SameSite = %v, want Lax", name, ck.SameSite)
				}
				if ck.Secure != tls {
					t.Errorf("%s: Secure = %v, want %v", name, ck.Secure, tls)
				}
				if ck.Path != "/" {
					t.Errorf("%s: Path = %q, want /", name, ck.Path)
				}
			}
			c.wantLoggedIn(adminName)
		})
	}
}

func TestLoginStartsANewSession(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	before := c.token("/")
	// Logging in again from the same browser replaces the session and the
	// CSRF token, so that a token or session fixed before login is useless.
	r := c.post("/login", url.Values{csrfField: {before}, "email": {adminEmail}, "password": {adminPassword}})
	wantRedirect(t, r, "/")
	if after := c.token("/"); after == before {
		t.Error("the CSRF token survived a new login")
	}
	if n := e.count(t, "SELECT count(*) FROM sessions"); n != 1 {
		t.Errorf("%d sessions after logging in again, want the old one ended", n)
	}
}
