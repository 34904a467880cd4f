package ui

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kobicrm/assets"
	"kobicrm/store"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	tok := c.token("/profile")

	t.Run("no token", func(t *testing.T) {
		c := c.in(t)
		r := c.post("/profile", url.Values{"name": {"Saldırgan"}})
		wantStatus(t, r, http.StatusForbidden)
		wantBody(t, r, e.tr("error.csrf_title"), e.tr("error.csrf_body"))
		wantSecurityHeaders(t, r)

		// A visitor whose browser asks for English.
		v := e.clientFor(t)
		v.lang = "en"
		r = v.post("/login", url.Values{"email": {adminEmail}, "password": {adminPassword}})
		wantStatus(t, r, http.StatusForbidden)
		wantBody(t, r, e.en("error.csrf_title"), e.en("error.csrf_body"))
		v.wantLoggedOut()
	})
	t.Run("wrong token", func(t *testing.T) {
		c := c.in(t)
		wantStatus(t, c.post("/profile", url.Values{csrfField: {tok + "x"}, "name": {"Saldırgan"}}), http.StatusForbidden)
		wantStatus(t, c.postRaw("/profile", url.Values{"name": {"Saldırgan"}}, http.Header{csrfHeader: {"yanlis"}}), http.StatusForbidden)
		// Another browser's token is no good either.
		other := e.clientFor(t)
		otherTok := other.token("/login")
		wantStatus(t, c.post("/profile", url.Values{csrfField: {otherTok}, "name": {"Saldırgan"}}), http.StatusForbidden)
		// Nor is this browser's token in another browser.
		wantStatus(t, other.post("/login", url.Values{csrfField: {tok}, "email": {adminEmail}, "password": {adminPassword}}), http.StatusForbidden)
	})
	t.Run("refused requests changed nothing", func(t *testing.T) {
		c.in(t).wantLoggedIn(adminName)
		if e.count(t, "SELECT count(*) FROM users WHERE name = ?", "Saldırgan") != 0 {
			t.Fatal("a refused request changed the name")
		}
	})
	t.Run("token in the header", func(t *testing.T) {
		c := c.in(t)
		r := c.postRaw("/profile", url.Values{"name": {"Ayşe Kaya"}}, http.Header{csrfHeader: {tok}})
		wantRedirect(t, r, "/profile")
		c.wantLoggedIn("Ayşe Kaya")
	})
	t.Run("token in the form", func(t *testing.T) {
		c := c.in(t)
		wantRedirect(t, c.post("/profile", url.Values{csrfField: {tok}, "name": {adminName}}), "/profile")
		c.wantLoggedIn(adminName)
	})
	t.Run("cross-origin", func(t *testing.T) {
		c := c.in(t)
		for name, h := range map[string]http.Header{
			"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": {"cross-site"}},
			"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site": {"same-site"}},
			"Origin of another host":    {"Origin": {"https://evil.example"}},
		} {
			// Even with the right token.
			r := c.postRaw("/profile", url.Values{csrfField: {tok}, "name": {"Saldırgan"}}, h)
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", name, r.Status)
			}
			wantBody(t, r, e.tr("error.csrf_title"))
		}
		if e.count(t, "SELECT count(*) FROM users WHERE name = ?", "Saldırgan") != 0 {
			t.Fatal("a cross-origin request changed the name")
		}
		// The browser's own same-origin requests pass.
		same := http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {e.ts.URL}}
		wantRedirect(t, c.postRaw("/profile", url.Values{csrfField: {tok}, "name": {adminName}}, same), "/profile")
	})
}

var (
	cspNonce    = regexp.MustCompile(`'nonce-([^']+)'`)
	scriptTag   = regexp.MustCompile(`<script\b[^>]*>`)
	nonceAttr   = regexp.MustCompile(`\snonce="([^"]*)"`)
	assetURL    = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	styleInline = regexp.MustCompile(`<style\b[^>]*>`)
)

// wantSecurityHeaders checks the headers every response carries and
// returns the CSP nonce.
func wantSecurityHeaders(t *testing.T, r *resp) string {
	t.Helper()
	csp := r.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline code", csp)
	}
	m := cspNonce.FindStringSubmatch(csp)
	if m == nil || len(m[1]) < 16 {
		t.Errorf("Content-Security-Policy %q has no nonce", csp)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if m == nil {
		return ""
	}
	return m[1]
}

// wantScriptsWithNonce checks that every script and style element of an
// HTML page carries the response's CSP nonce.
func wantScriptsWithNonce(t *testing.T, r *resp, nonce string) {
	t.Helper()
	tags := append(scriptTag.FindAllString(r.Body, -1), styleInline.FindAllString(r.Body, -1)...)
	if len(scriptTag.FindAllString(r.Body, -1)) == 0 {
		t.Errorf("page has no script tag:\n%s", r.Body)
	}
	for _, tag := range tags {
		m := nonceAttr.FindStringSubmatch(tag)
		if m == nil || m[1] != nonce {
			t.Errorf("%s does not carry the CSP nonce %q", tag, nonce)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	visitor := e.client()

	pages := map[string]*resp{
		"home":             c.get("/"),
		"profile":          c.get("/profile"),
		"backup":           c.get("/admin/backup"),
		"login":            visitor.get("/login"),
		"404 logged in":    c.get("/no/such/page"),
		"404 logged out":   visitor.get("/no/such/page"),
		"403 csrf":         c.post("/profile", url.Values{"name": {"x"}}),
		"405":              c.postRaw("/", nil, http.Header{csrfHeader: {c.token("/")}}),
		"401 wrong login":  visitor.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {"yanlis-parola-1"}}),
		"400 bad language": c.submit("/", "/language", url.Values{"lang": {"xx"}}),
	}
	nonces := map[string]bool{}
	for name, r := range pages {
		t.Run(name, func(t *testing.T) {
			nonce := wantSecurityHeaders(t, r)
			wantScriptsWithNonce(t, r, nonce)
			if nonces[nonce] {
				t.Errorf("nonce %q used twice", nonce)
			}
			nonces[nonce] = true
			if got := r.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store on pages", got)
			}
			if got := r.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
		})
	}

	// Two requests for the same page get different nonces.
	a, b := c.get("/"), c.get("/")
	if na, nb := wantSecurityHeaders(t, a), wantSecurityHeaders(t, b); na == nb {
		t.Errorf("the same nonce %q twice", na)
	}

	t.Run("redirect", func(t *testing.T) {
		wantSecurityHeaders(t, visitor.in(t).get("/profile"))
	})
	t.Run("static file", func(t *testing.T) {
		m := assetURL.FindStringSubmatch(pages["login"].Body)
		if m == nil {
			t.Fatal("no asset URL in the login page")
		}
		r := visitor.in(t).get(m[1])
		wantStatus(t, r, http.StatusOK)
		wantSecurityHeaders(t, r)
		wantSecurityHeaders(t, visitor.in(t).get("/static/000000000000/app.css"))
	})
}

func TestPostToStaticFileIsRefused(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	tok := c.token("/")
	u := assetURL.FindStringSubmatch(c.get("/").Body)[1]
	for _, path := range []string{u, "/static/x"} {
		r := c.postRaw(path, nil, http.Header{csrfHeader: {tok}})
		wantStatus(t, r, http.StatusForbidden)
		wantSecurityHeaders(t, r)
	}
	if logs := e.logs.String(); strings.Contains(logs, "panic") {
		t.Errorf("a post to a static file panicked:\n%s", logs)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	tok := c.token("/profile")
	big := strings.Repeat("a", maxFormBytes+1024)

	t.Run("token in the form", func(t *testing.T) {
		c := c.in(t)
		r := c.post("/profile", url.Values{csrfField: {tok}, "name": {big}})
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		wantBody(t, r, e.tr("error.413_title"), e.tr("error.413_body"))
		wantSecurityHeaders(t, r)
	})
	t.Run("token in the header", func(t *testing.T) {
		c := c.in(t)
		r := c.postRaw("/profile", url.Values{"name": {big}}, http.Header{csrfHeader: {tok}})
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		wantBody(t, r, e.tr("error.413_title"))
	})
	t.Run("logged out, in English", func(t *testing.T) {
		v := e.clientFor(t)
		v.lang = "en"
		vt := v.token("/login")
		r := v.post("/login", url.Values{csrfField: {vt}, "email": {big}, "password": {"x"}})
		wantStatus(t, r, http.StatusRequestEntityTooLarge)
		wantBody(t, r, e.en("error.413_title"), e.en("error.413_body"))
	})
	// The server carries on, and nothing changed.
	c.in(t).wantLoggedIn(adminName)
	// Just under the limit is a normal request (here: a name too long).
	r := c.post("/profile", url.Values{csrfField: {tok}, "name": {big[:maxFormBytes-200]}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.too_long", 100))
}

func TestPanicBecomesTranslated500(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom: the test handler panicked")
	}))
	for _, tc := range []struct{ accept, lang, title, body string }{
		{"", "tr", e.tr("error.500_title"), e.tr("error.500_body")},
		{"tr-TR,tr;q=0.9", "tr", e.tr("error.500_title"), e.tr("error.500_body")},
		{"en", "en", e.en("error.500_title"), e.en("error.500_body")},
		{"en-US,en;q=0.9", "en", e.en("error.500_title"), e.en("error.500_body")},
	} {
		req := httptest.NewRequest(http.MethodGet, "/patlayan", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Language", tc.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req) // must not panic
		r := &resp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
		wantStatus(t, r, http.StatusInternalServerError)
		wantBody(t, r, tc.title, tc.body, `lang="`+tc.lang+`"`)
		wantNoBody(t, r, "boom", "goroutine")
	}
	logs := e.logs.String()
	for _, want := range []string{"panic serving request", "boom: the test handler panicked", "path=/patlayan", "level=ERROR"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}

	// http.ErrAbortHandler keeps its meaning: the connection is dropped.
	abort := e.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler passed on", v)
			}
		}()
		abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
}

func TestPanicInsideTheMiddleware(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	// The user chose English; their browser asks for Turkish.
	wantRedirect(t, c.submit("/", "/language", url.Values{"lang": {"en"}}), "/")
	c.lang = "tr"
	cookies := c.cookies()

	// The same middleware as Handler, around a handler that panics.
	panicky := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := e.srv.recoverPanics(e.srv.securityHeaders(limitBody(e.srv.loadSession(panicky))))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Language", "tr")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := &resp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
	wantStatus(t, r, http.StatusInternalServerError)
	wantBody(t, r, e.en("error.500_title"))
	nonce := wantSecurityHeaders(t, r)
	wantScriptsWithNonce(t, r, nonce)
}

func TestNotFoundPage(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	tr := e.client()
	en := e.client()
	en.lang = "en-GB,en;q=0.8"
	for name, tc := range map[string]struct {
		c           *client
		path        string
		title, body string
	}{
		"tr logged out": {tr, "/yok", e.tr("error.404_title"), e.tr("error.404_body")},
		"en logged out": {en, "/missing?x=1", e.en("error.404_title"), e.en("error.404_body")},
		"tr logged in":  {admin, "/yok/bu/sayfa", e.tr("error.404_title"), e.tr("error.404_body")},
	} {
		r := tc.c.get(tc.path)
		if r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, r.Status)
		}
		wantBody(t, r, tc.title, tc.body, `<p class="status">404</p>`)
	}
	// Wrong method on a known path: 405, translated.
	r := en.postRaw("/", nil, http.Header{csrfHeader: {en.token("/login")}})
	wantStatus(t, r, http.StatusMethodNotAllowed)
	wantBody(t, r, e.en("error.405_title"))
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	// Static files are served before setup too: the setup page needs them.
	page := c.get("/setup")
	wantStatus(t, page, http.StatusOK)
	urls := map[string]string{}
	for _, m := range assetURL.FindAllStringSubmatch(page.Body, -1) {
		urls[m[1][strings.LastIndex(m[1], "/")+1:]] = m[1]
	}
	for name, ctype := range map[string]string{
		"app.css":  "text/css; charset=utf-8",
		"app.js":   "text/javascript; charset=utf-8",
		"icon.svg": "image/svg+xml",
	} {
		t.Run(name, func(t *testing.T) {
			c := c.in(t)
			u, ok := urls[name]
			if !ok {
				t.Fatalf("the page does not link %s: %v", name, urls)
			}
			if !regexp.MustCompile(`^/static/[0-9a-f]{12}/` + regexp.QuoteMeta(name) + `$`).MatchString(u) {
				t.Errorf("URL %q is not fingerprinted", u)
			}
			r := c.get(u)
			wantStatus(t, r, http.StatusOK)
			if got := r.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", got)
			}
			if got := r.Header.Get("Content-Type"); got != ctype {
				t.Errorf("Content-Type = %q, want %q", got, ctype)
			}
			want, err := fs.ReadFile(assets.FS, "static/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if r.Body != string(want) {
				t.Errorf("body differs from the embedded file")
			}
			if r.sessionCookie() != nil {
				t.Error("a static file sets the session cookie")
			}
			// Revalidation by ETag.
			etag := r.Header.Get("ETag")
			req, _ := http.NewRequest(http.MethodGet, c.url(u), nil)
			req.Header.Set("If-None-Match", etag)
			if r := c.do(req); r.Status != http.StatusNotModified {
				t.Errorf("If-None-Match %s: status %d, want 304", etag, r.Status)
			}

			wrong := "/static/000000000000/" + name
			if r := c.get(wrong); r.Status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", wrong, r.Status)
			}
		})
	}
	for _, p := range []string{"/static/", "/static/app.css", "/static/" + strings.Repeat("0", 12) + "/nope.css"} {
		if r := c.get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, r.Status)
		}
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	e, _ := setUp(t)

	t.Run("Accept-Language when logged out", func(t *testing.T) {
		c := e.clientFor(t)
		c.lang = "en-US,en;q=0.9"
		r := c.get("/login")
		wantBody(t, r, `lang="en"`, e.en("login.heading"), e.en("field.password"))
		c.lang = "de-DE,de;q=0.9"
		wantBody(t, c.get("/login"), `lang="tr"`, e.tr("login.heading"))
		c.lang = "de,en;q=0.5,tr;q=0.7"
		wantBody(t, c.get("/login"), `lang="tr"`)
	})
	t.Run("visitor's choice", func(t *testing.T) {
		c := e.clientFor(t)
		c.lang = "tr"
		wantRedirect(t, c.submit("/login", "/language", url.Values{"lang": {"en"}, "next": {"/login"}}), "/login")
		wantBody(t, c.get("/login"), `lang="en"`)
		// Only a local next.
		wantRedirect(t, c.submit("/login", "/language", url.Values{"lang": {"tr"}, "next": {"//evil.example"}}), "/")
		wantStatus(t, c.submit("/login", "/language", url.Values{"lang": {"de"}}), http.StatusBadRequest)
	})
	t.Run("user's choice wins and lasts", func(t *testing.T) {
		c := e.clientFor(t)
		c.lang = "tr-TR,tr;q=0.9"
		c.login(adminEmail, adminPassword)
		wantBody(t, c.get("/"), `lang="tr"`, e.tr("nav.today"))
		wantRedirect(t, c.submit("/", "/language", url.Values{"lang": {"en"}, "next": {"/profile"}}), "/profile")
		wantBody(t, c.get("/profile"), `lang="en"`, e.en("profile.heading"))
		u, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
		if err != nil || u.Lang != "en" {
			t.Fatalf("user language = %v, %v; want en saved", u, err)
		}

		// A new login in a new browser that asks for Turkish is English.
		fresh := e.clientFor(t)
		fresh.lang = "tr"
		wantBody(t, fresh.get("/login"), `lang="tr"`)
		fresh.login(adminEmail, adminPassword)
		wantBody(t, fresh.get("/"), `lang="en"`, e.en("nav.today"), e.en("home.heading"))

		// Back to the browser's language from the profile.
		wantRedirect(t, fresh.submit("/profile", "/profile", url.Values{"name": {adminName}, "lang": {""}}), "/profile")
		wantBody(t, fresh.get("/"), `lang="tr"`)
	})
}

func TestProfile(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)

	t.Run("name saved", func(t *testing.T) {
		c := c.in(t)
		r := c.submit("/profile", "/profile", url.Values{"name": {"  Ayşe Kaya  "}, "lang": {"tr"}})
		wantRedirect(t, r, "/profile")
		p := c.get("/profile")
		wantBody(t, p, `value="Ayşe Kaya"`, e.tr("profile.saved"))
		c.wantLoggedIn("Ayşe Kaya")
	})
	t.Run("empty name", func(t *testing.T) {
		c := c.in(t)
		r := c.submit("/profile", "/profile", url.Values{"name": {"   "}, "lang": {"tr"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="name-err"`, e.tr("error.required"), `aria-invalid="true"`)
		c.wantLoggedIn("Ayşe Kaya")
	})
	t.Run("unknown language", func(t *testing.T) {
		c := c.in(t)
		r := c.submit("/profile", "/profile", url.Values{"name": {"Ayşe Kaya"}, "lang": {"de"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, e.tr("error.choice"))
	})

	const newPassword = "Yeni-Parola-2026!"
	t.Run("wrong current password", func(t *testing.T) {
		c := c.in(t)
		r := c.submit("/profile", "/profile/password", url.Values{
			"current": {"yanlis-parola-1"}, "password": {newPassword}, "password_again": {newPassword},
		})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="current-err"`, e.tr("error.password_wrong"))
		wantNoBody(t, r, newPassword, "yanlis-parola-1")
		// The old password still works.
		e.clientFor(t).login(adminEmail, adminPassword)
	})
	t.Run("new password checked", func(t *testing.T) {
		c := c.in(t)
		r := c.submit("/profile", "/profile/password", url.Values{
			"current": {adminPassword}, "password": {"1234567890"}, "password_again": {"1234567890"},
		})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantBody(t, r, `id="password-err"`, e.tr("error.password_common"))
	})
	t.Run("password changed", func(t *testing.T) {
		c := c.in(t)
		other := e.clientFor(t)
		other.login(adminEmail, adminPassword)
		other.wantLoggedIn("Ayşe Kaya")

		r := c.submit("/profile", "/profile/password", url.Values{
			"current": {adminPassword}, "password": {newPassword}, "password_again": {newPassword},
		})
		wantRedirect(t, r, "/profile")
		wantBody(t, c.get("/profile"), e.tr("profile.password_changed"))
		c.wantLoggedIn("Ayşe Kaya")
		other.wantLoggedOut()
		if n := e.count(t, "SELECT count(*) FROM sessions"); n != 1 {
			t.Errorf("%d sessions after the password change, want only this one", n)
		}

		fresh := e.clientFor(t)
		wantStatus(t, fresh.submit("/login", "/login", url.Values{"email": {adminEmail}, "password": {adminPassword}}), http.StatusUnauthorized)
		fresh.login(adminEmail, newPassword)
		fresh.wantLoggedIn("Ayşe Kaya")
	})
}

func TestBackupDownload(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)

	page := admin.get("/admin/backup")
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, e.tr("backup.heading"), e.dbPath)

	// Without the token: refused.
	wantStatus(t, admin.post("/admin/backup", nil), http.StatusForbidden)

	r := admin.submit("/admin/backup", "/admin/backup", nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Body, "SQLite format 3\x00") {
		n := min(len(r.Body), 32)
		t.Fatalf("download starts with %q, want an SQLite file", r.Body[:n])
	}
	cd := r.Header.Get("Content-Disposition")
	if !regexp.MustCompile(`^attachment; filename="kobicrm-\d{4}-\d{2}-\d{2}-\d{4}\.db"$`).MatchString(cd) {
		t.Errorf("Content-Disposition = %q, want an attachment", cd)
	}
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if !strings.Contains(e.logs.String(), "backup downloaded") {
		t.Error("the download was not logged")
	}

	// A user who is not an administrator sees neither page nor link.
	e.addUser("Mehmet Demir", "mehmet@firma.com.tr", "Uzun-Parola-9876")
	c := e.client()
	c.login("mehmet@firma.com.tr", "Uzun-Parola-9876")
	home := c.get("/")
	wantStatus(t, home, http.StatusOK)
	wantNoBody(t, home, `href="/admin/backup"`)
	r = c.get("/admin/backup")
	wantStatus(t, r, http.StatusNotFound)
	wantBody(t, r, e.tr("error.404_title"))
	r = c.submit("/", "/admin/backup", nil)
	wantStatus(t, r, http.StatusNotFound)
	if strings.HasPrefix(r.Body, "SQLite") {
		t.Fatal("a non-administrator downloaded the database")
	}
}
