package ui

import (
	"bytes"
	"context"
	"database/sql"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"kobicrm/store"
)

func init() { store.PasswordCost = bcrypt.MinCost }

// The administrator every test that needs one sets up.
const (
	adminName     = "Ayşe Yılmaz"
	adminEmail    = "ayse@firma.com.tr"
	adminPassword = "Kedi-Mavi-Tekne-42"
)

// lockedBuffer is a log destination the server writes to from its
// goroutines while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// envOptions change how newEnvWith builds the server.
type envOptions struct {
	cfg Config
	tls bool
	// before runs on the server before it starts taking requests, e.g. to
	// give the login limiter a fake clock.
	before func(*Server)
}

// env is one server on a fresh database file, served by httptest.
type env struct {
	t      *testing.T
	dbPath string
	st     *store.Store
	srv    *Server
	ts     *httptest.Server
	logs   *lockedBuffer
	opts   envOptions
}

func newEnv(t *testing.T) *env { return newEnvWith(t, envOptions{}) }

// newEnvWith opens a new store in t.TempDir() (a real SQLite file) and
// serves srv.Handler() on it.
func newEnvWith(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{t: t, dbPath: filepath.Join(t.TempDir(), "kobicrm.db"), logs: &lockedBuffer{}, opts: o}
	e.open()
	return e
}

func (e *env) open() {
	t := e.t
	t.Helper()
	st, err := store.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	cfg := e.opts.cfg
	cfg.Version = "test"
	cfg.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(context.Background(), st, cfg)
	if err != nil {
		t.Fatalf("ui.New: %v", err)
	}
	t.Cleanup(srv.Close) // background imports end before the store closes
	if e.opts.before != nil {
		e.opts.before(srv)
	}
	var ts *httptest.Server
	if e.opts.tls {
		ts = httptest.NewTLSServer(srv.Handler())
	} else {
		ts = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(ts.Close) // runs before the store's Close: cleanups run last first
	e.st, e.srv, e.ts = st, srv, ts
}

// restart stops the server, closes the database, and starts a new server
// on the same file, as when the office restarts kobicrm.
func (e *env) restart() {
	e.t.Helper()
	e.ts.Close()
	e.srv.Close()
	if err := e.st.Close(); err != nil {
		e.t.Fatalf("close store: %v", err)
	}
	e.open()
}

// db is a second database/sql handle on the same file, for the tests that
// change rows behind the store's back.
func (e *env) db(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", e.dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("open second handle: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// exec runs a statement on a second handle and returns the rows changed.
func (e *env) exec(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	res, err := e.db(t).Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// count runs a query for one number on a second handle.
func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db(t).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// client is a browser without JavaScript: a cookie jar and no automatic
// redirects, so that tests see every 303 and its Location.
type client struct {
	t    *testing.T
	e    *env
	hc   *http.Client
	lang string // Accept-Language, "" for none
}

func (e *env) client() *client { return e.clientFor(e.t) }

// clientFor is a new client reporting to t (a subtest's).
func (e *env) clientFor(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, e: e, hc: &http.Client{
		Transport: e.ts.Client().Transport,
		Jar:       jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Timeout: 30 * time.Second,
	}}
}

// resp is a finished response with its body read.
type resp struct {
	Status int
	Header http.Header
	Body   string
	cookie []*http.Cookie
}

func (r *resp) location() string { return r.Header.Get("Location") }

// sessionCookie is the Set-Cookie of the session, or nil.
func (r *resp) sessionCookie() *http.Cookie {
	for _, c := range r.cookie {
		if c.Name == sessionName {
			return c
		}
	}
	return nil
}

// in is the client (same cookies) reporting to t, for use in a subtest.
func (c *client) in(t *testing.T) *client {
	c2 := *c
	c2.t = t
	return &c2
}

func (c *client) url(path string) string { return c.e.ts.URL + path }

// do sends req with the client's language and returns the read response.
func (c *client) do(req *http.Request) *resp {
	c.t.Helper()
	if c.lang != "" && req.Header.Get("Accept-Language") == "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return &resp{Status: res.StatusCode, Header: res.Header, Body: string(body), cookie: res.Cookies()}
}

func (c *client) get(path string) *resp {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.url(path), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// postRaw posts the form exactly as given, with extra headers.
func (c *client) postRaw(path string, vals url.Values, header http.Header) *resp {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.url(path), strings.NewReader(vals.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return c.do(req)
}

// post posts the form without a CSRF token (unless vals holds one).
func (c *client) post(path string, vals url.Values) *resp {
	c.t.Helper()
	return c.postRaw(path, vals, nil)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// tokenFrom reads the csrf_token hidden input of a page.
func tokenFrom(t *testing.T, body string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		t.Fatalf("no csrf_token input in page:\n%s", body)
	}
	return html.UnescapeString(m[1])
}

// token opens page and reads its csrf_token.
func (c *client) token(page string) string {
	c.t.Helper()
	r := c.get(page)
	if r.Status != http.StatusOK {
		c.t.Fatalf("GET %s: status %d, want 200 (Location %q)", page, r.Status, r.location())
	}
	return tokenFrom(c.t, r.Body)
}

// submit does what a person does with a form: open page, then post vals
// with the page's csrf_token to action.
func (c *client) submit(page, action string, vals url.Values) *resp {
	c.t.Helper()
	tok := c.token(page)
	v := url.Values{}
	for k, vs := range vals {
		v[k] = vs
	}
	v.Set(csrfField, tok)
	return c.post(action, v)
}

// login submits the login form and fails the test unless it succeeds.
func (c *client) login(email, password string) *resp {
	c.t.Helper()
	r := c.submit("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d, want 303\n%s", email, r.Status, r.Body)
	}
	return r
}

// cookies are the cookies the client would send to the server.
func (c *client) cookies() []*http.Cookie {
	u, _ := url.Parse(c.e.ts.URL)
	return c.hc.Jar.Cookies(u)
}

// completeSetup creates the administrator through the setup form; the
// client is logged in as them afterwards.
func (e *env) completeSetup(c *client) {
	e.t.Helper()
	r := c.submit("/setup", "/setup", url.Values{
		"name": {adminName}, "email": {adminEmail},
		"password": {adminPassword}, "password_again": {adminPassword},
	})
	if r.Status != http.StatusSeeOther || r.location() != "/" {
		e.t.Fatalf("setup: status %d Location %q, want 303 to /\n%s", r.Status, r.location(), r.Body)
	}
}

// setUp makes a server whose setup is done and returns a client logged in
// as the administrator.
func setUp(t *testing.T) (*env, *client) {
	t.Helper()
	e := newEnv(t)
	c := e.client()
	e.completeSetup(c)
	return e, c
}

// addUser creates a (non-administrator) user with the store, as the command
// line does.
func (e *env) addUser(name, email, password string) *store.User {
	e.t.Helper()
	u, err := e.st.CreateUser(context.Background(), store.SystemActor(), store.NewUser{
		Name: name, Email: email, Password: password, PasswordAgain: password,
	})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// wantStatus fails the test unless r has the status.
func wantStatus(t *testing.T, r *resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d (Location %q)\n%s", r.Status, status, r.location(), r.Body)
	}
}

// wantRedirect fails the test unless r is a 303 to location.
func wantRedirect(t *testing.T, r *resp, location string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.location() != location {
		t.Fatalf("got status %d Location %q, want 303 to %q\n%s", r.Status, r.location(), location, r.Body)
	}
}

// wantBody fails the test unless the page shows every text (HTML-escaped
// as the templates escape it).
func wantBody(t *testing.T, r *resp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) && !strings.Contains(r.Body, html.EscapeString(s)) &&
			!strings.Contains(html.UnescapeString(r.Body), s) {
			t.Errorf("page lacks %q:\n%s", s, r.Body)
		}
	}
}

// wantNoBody fails the test if the page shows any of texts.
func wantNoBody(t *testing.T, r *resp, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(html.UnescapeString(r.Body), s) {
			t.Errorf("page shows %q but should not:\n%s", s, r.Body)
		}
	}
}

// wantLoggedIn fails the test unless the client sees the home page of name.
func (c *client) wantLoggedIn(name string) {
	c.t.Helper()
	r := c.get("/")
	if r.Status != http.StatusOK {
		c.t.Fatalf("GET /: status %d Location %q, want 200 (logged in)", r.Status, r.location())
	}
	wantBody(c.t, r, name)
}

// wantLoggedOut fails the test unless the client is sent to the login form.
func (c *client) wantLoggedOut() {
	c.t.Helper()
	wantRedirect(c.t, c.get("/"), "/login")
}

// tr is a Turkish catalogue message; en an English one.
func (e *env) tr(key string, args ...any) string { return e.srv.catalog.Locale("tr").T(key, args...) }
func (e *env) en(key string, args ...any) string { return e.srv.catalog.Locale("en").T(key, args...) }
