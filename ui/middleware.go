package ui

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/gorilla/sessions"

	"kobicrm/store"
	"kobicrm/store/sheet"
	"kobicrm/ui/i18n"
)

const (
	sessionName   = "kobicrm"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
	maxFormBytes  = 1 << 20
	keySessionID  = "sid"
	keyCSRF       = "csrf"
	keyLang       = "lang"
	staticPrefix  = "/static/"
	loginPath     = "/login"
	setupPath     = "/setup"
	nextParameter = "next"
)

// request is what the middleware learns about a request, for the handlers.
type request struct {
	nonce   string
	session *sessions.Session
	token   string // the login session token, "" when logged out
	user    *store.User
	actor   *store.Actor
	locale  *i18n.Locale
	// dirty marks a cookie session that must be saved before the response.
	dirty bool
	// release gives back the request's turn in the admission queue
	// (releaseTurn); nil without one.
	release func()
}

type ctxKey struct{}

func state(r *http.Request) *request {
	if st, ok := r.Context().Value(ctxKey{}).(*request); ok {
		return st
	}
	return &request{}
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// recoverPanics turns a panic into a logged error and a translated 500
// page: one bad request never stops the server for the whole office.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The request state starts here, so that the 500 page sees what the
		// middleware below learnt: the nonce, the session, the language.
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &request{}))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				s.renderError(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries, and a fresh
// nonce for the Content-Security-Policy: no script or style runs unless it
// comes from our own files or carries this request's nonce.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nonce := randomToken(16)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+
			"'; style-src 'self' 'nonce-"+nonce+"'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		st, ok := r.Context().Value(ctxKey{}).(*request)
		if !ok {
			st = &request{}
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, st))
		}
		st.nonce = nonce
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies so that a stray upload cannot fill memory;
// only the import wizard's file upload may be as large as the importer
// reads.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxFormBytes)
		if isUpload(r) {
			limit = uploadMaxBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

const (
	// uploadMaxBytes is the largest file the importer reads and the form
	// around it.
	uploadMaxBytes = sheet.DefaultMaxBytes + 64<<10
	// uploadMemory is how much of an upload is held in memory while the
	// form is read; the rest waits in a temporary file.
	uploadMemory = 8 << 20
)

// isUpload says whether the request posts a file to an import page
// (/{module}/import) or the firm's logo, the forms sent as
// multipart/form-data.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost || !(strings.HasSuffix(r.URL.Path, "/import") || r.URL.Path == firmLogoPath) {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// loadSession reads the cookie session, finds the logged-in user behind it
// and chooses the language. Static files skip it: they need no user.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, staticPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		st := state(r)
		sess, err := s.cookies.Get(r, sessionName)
		if err != nil {
			// A cookie we cannot read (old keys, tampering) starts afresh.
			sess, _ = s.cookies.New(r, sessionName)
		}
		sess.Options.Secure = r.TLS != nil
		st.session = sess
		if _, ok := sess.Values[keyCSRF].(string); !ok {
			sess.Values[keyCSRF] = randomToken(32)
			st.dirty = true
		}
		if !unsafeMethod(r.Method) {
			// A page only reads: its sections may share the answers to
			// "may this user read that record", and the users' names kept
			// at the generation the session is read at (store.WithScopeMemo).
			r = r.WithContext(store.WithScopeMemo(r.Context()))
		}
		if token, _ := sess.Values[keySessionID].(string); token != "" {
			u, err := s.store.SessionUser(r.Context(), token, s.cfg.Sessions)
			switch {
			case err == nil:
				st.user, st.actor, st.token = u, store.ActorFor(u), token
			case errors.Is(err, store.ErrNotFound):
				delete(sess.Values, keySessionID)
				st.dirty = true
			default:
				s.serverError(w, r, err)
				return
			}
		}
		st.locale = s.catalog.Locale(s.chooseLanguage(r, st))
		next.ServeHTTP(w, r)
	})
}

// chooseLanguage: the user's own choice, else the one picked on the login
// page, else the browser's, else Turkish.
func (s *Server) chooseLanguage(r *http.Request, st *request) string {
	if st.user != nil && s.catalog.Has(st.user.Lang) {
		return st.user.Lang
	}
	if l, _ := st.session.Values[keyLang].(string); s.catalog.Has(l) {
		return l
	}
	if l := i18n.Negotiate(r.Header.Get("Accept-Language"), s.catalog.Languages()); l != "" {
		return l
	}
	return i18n.Default
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF requires, on every state-changing request, the session's token
// in the form field csrf_token or the X-CSRF-Token header, compared in
// constant time. Cross-origin requests were already stopped by Go's
// CrossOriginProtection; this catches the rest (old browsers, same-site
// pages of other programs on the same host).
// csrfExempt are the path prefixes whose URL carries its own secret and
// which programs other than a browser on our pages post to: the one-click
// unsubscribe link (RFC 8058) a mail program posts to without a session.
// Forging a post there needs the secret, and would only do what its owner
// may do anyway.
var csrfExempt = []string{store.UnsubscribePath}

func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !unsafeMethod(r.Method) || exemptFromCSRF(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		// Parse the body first: only the first ParseForm reports a body
		// over the limit, and such a body must get 413, not a CSRF refusal.
		// A file is read only from someone logged in.
		var err error
		upload := isUpload(r)
		if upload {
			if state(r).user == nil {
				s.csrfFailed(w, r)
				return
			}
			err = r.ParseMultipartForm(uploadMemory)
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
		} else {
			err = r.ParseForm()
		}
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			body := "error.413_body"
			if upload && r.URL.Path == firmLogoPath {
				body = "error.logo_file_too_large"
			} else if upload {
				body = "import.too_large"
			}
			s.renderMessage(w, r, http.StatusRequestEntityTooLarge, "error.413_title", body)
			return
		}
		// Static files have no session (loadSession skips them): nothing
		// to compare with, so a post there is refused, not a nil panic.
		var want string
		if st := state(r); st.session != nil {
			want, _ = st.session.Values[keyCSRF].(string)
		}
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = r.PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			s.csrfFailed(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) csrfFailed(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("refused request without a valid CSRF token", "method", r.Method, "path", r.URL.Path,
		"remote", clientIP(r))
	s.renderMessage(w, r, http.StatusForbidden, "error.csrf_title", "error.csrf_body")
}

// setupGate sends every request to the setup form until the first
// administrator exists.
func (s *Server) setupGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.setupDone.Load() || strings.HasPrefix(r.URL.Path, staticPrefix) || r.URL.Path == setupPath {
			next.ServeHTTP(w, r)
			return
		}
		done, err := s.store.HasUsers(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if done {
			s.setupDone.Store(true)
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/language" {
			next.ServeHTTP(w, r)
			return
		}
		s.redirect(w, r, setupPath)
	})
}

// requireLogin sends a logged-out visitor to the login form, remembering
// where they were going.
func (s *Server) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if state(r).user != nil {
			next.ServeHTTP(w, r)
			return
		}
		target := loginPath
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?" + nextParameter + "=" + url.QueryEscape(r.URL.RequestURI())
		}
		s.redirect(w, r, target)
	})
}

// requireAdmin keeps the administration pages to administrators. Others get
// 404, the same as for a page that does not exist.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := state(r).user; u == nil || !u.Admin {
			s.notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// safeNext accepts only a local path as a place to go after login, so the
// login form cannot be used to send people to another site. Control
// characters are refused too: browsers drop tabs and newlines from a
// Location, so "/\t/evil.example" would become "//evil.example".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// exemptFromCSRF says whether a path is under one of csrfExempt.
func exemptFromCSRF(path string) bool {
	for _, p := range csrfExempt {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
