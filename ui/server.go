// Package ui is kobicrm's web interface: routes, login sessions, CSRF,
// security headers, handlers and server-side rendering. Handlers are short:
// parse the request, call the store with the current user, render.
package ui

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"kobicrm/assets"
	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// Config is what the server needs to know about its surroundings.
type Config struct {
	Version  string
	Sessions store.SessionLimits
	// OfficeURL is the address other computers in the office can use, or ""
	// when the server listens on loopback only.
	OfficeURL string
	Logger    *slog.Logger
}

// Server holds what every request needs. One value serves all requests.
type Server struct {
	store   *store.Store
	cfg     Config
	log     *slog.Logger
	catalog *i18n.Catalog
	views   *views
	static  *staticFiles
	cookies *sessions.CookieStore
	limiter *loginLimiter
	// publicLimiter counts the public request form's submissions.
	publicLimiter *loginLimiter
	jobs          *jobs
	// sends run campaigns' e-mail queues, by campaign id.
	sends *jobs

	// admission queues the reading requests, a turn per core.
	admission *admission

	// setupDone caches "a user exists" once it is true; it never turns false.
	setupDone atomic.Bool
}

// New prepares the server: it parses the templates, fingerprints the static
// files and loads (or makes) the session cookie keys.
func New(ctx context.Context, st *store.Store, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Sessions == (store.SessionLimits{}) {
		cfg.Sessions = store.DefaultSessionLimits
	}
	catalog, err := i18n.Load(assets.FS, "locale")
	if err != nil {
		return nil, err
	}
	views, err := parseViews(assets.FS, catalog)
	if err != nil {
		return nil, err
	}
	static, err := loadStatic(assets.FS, "static")
	if err != nil {
		return nil, err
	}
	hashKey, err := st.SecretKey(ctx, "cookie-hash", 64)
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	blockKey, err := st.SecretKey(ctx, "cookie-block", 32)
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	cookies := sessions.NewCookieStore(hashKey, blockKey)
	for _, c := range cookies.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(cookieJSON{})
		}
	}
	cookies.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(cfg.Sessions.Absolute.Seconds()),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	s := &Server{
		store:         st,
		cfg:           cfg,
		log:           cfg.Logger,
		catalog:       catalog,
		views:         views,
		static:        static,
		cookies:       cookies,
		limiter:       newLoginLimiter(),
		admission:     defaultAdmission(),
		publicLimiter: newPublicLimiter(),
		jobs:          newJobs(),
		sends:         newJobs(),
	}
	// Campaigns that were sending when the server last stopped go on.
	if err := s.resumeSending(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops the server's background work: a running import stops after
// the batch it is saving (its status becomes interrupted, and what it
// saved can be undone). Close returns once every job has; call it after
// the HTTP server has shut down and before the store is closed.
func (s *Server) Close() {
	s.jobs.close()
	s.sends.close()
}
