package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// views are the page templates, parsed once at start for each language.
// Each page is the shared layout and partials plus the page's own file.
type views struct {
	pages map[string]map[string]*template.Template // language → page name
}

// fixedText is a translation with no arguments written as a whole action,
// {{.T "key"}} or {{$.T "key"}}: the 760-odd fixed labels of the pages.
var fixedText = regexp.MustCompile(`\{\{\$?\.T "([a-z0-9_.\-]+)"\}\}`)

// parseViews parses every page once per catalogue language, with its
// fixed labels already in that language: a label costs nothing when a
// page is rendered, where a {{.T}} action was a method call by reflection
// and an escaping pass each (a third of the time of the 360° page went
// to such actions). The text goes in HTML-escaped, which is safe in the
// element and quoted-attribute contexts the labels are used in; a label
// with "{{" in it is left to {{.T}}.
func parseViews(fsys fs.FS, catalog *i18n.Catalog) (*views, error) {
	layouts, err := fs.Glob(fsys, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("list layout templates: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	v := &views{pages: map[string]map[string]*template.Template{}}
	for _, lang := range catalog.Languages() {
		loc := catalog.Locale(lang)
		base := template.New("").Funcs(pageFuncs)
		for _, name := range layouts {
			if err := parseIn(base, fsys, name, loc); err != nil {
				return nil, err
			}
		}
		pages := map[string]*template.Template{}
		for _, name := range names {
			t, err := base.Clone()
			if err != nil {
				return nil, fmt.Errorf("clone layout for %s: %w", name, err)
			}
			if err := parseIn(t, fsys, name, loc); err != nil {
				return nil, err
			}
			pages[strings.TrimSuffix(path.Base(name), ".html")] = t
		}
		v.pages[lang] = pages
	}
	return v, nil
}

// pageFuncs render in Go what pages show many of, each a call where the
// templates spent a dozen reflective actions: a field's value (cell) and
// a record's details, a label and a value each.
var pageFuncs = template.FuncMap{
	"cell": func(c cell) template.HTML {
		c.Badges = nil // a list's compact badges; pages show their own
		var b strings.Builder
		c.renderTo(&b)
		return template.HTML(b.String()) // renderTo escapes
	},
	"historyHTML": historyHTML,
	"details": func(ds []detail) template.HTML {
		var b strings.Builder
		writeDetails(&b, ds)
		return template.HTML(b.String()) // escaped in writeDetails
	},
}

// writeDetails writes a record's details, a label and a value each, every
// piece escaped.
func writeDetails(b *strings.Builder, ds []detail) {
	for _, d := range ds {
		b.WriteString("<dt>")
		escapeTo(b, d.Label)
		b.WriteString("</dt><dd>")
		d.Cell.Badges = nil
		d.Cell.renderTo(b)
		b.WriteString("</dd>")
	}
}

// parseIn adds one template file to set, its fixed labels in loc's words.
func parseIn(set *template.Template, fsys fs.FS, name string, loc *i18n.Locale) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read template %s: %w", name, err)
	}
	text := fixedText.ReplaceAllStringFunc(string(src), func(action string) string {
		msg := loc.T(fixedText.FindStringSubmatch(action)[1])
		if strings.Contains(msg, "{{") {
			return action
		}
		return html.EscapeString(msg)
	})
	if _, err := set.New(path.Base(name)).Parse(text); err != nil {
		return fmt.Errorf("parse template %s: %w", name, err)
	}
	return nil
}

// page is what every template receives. Page-specific data goes in Data as
// a typed struct of the handler's.
type page struct {
	Title   string
	Nonce   string
	CSRF    string
	User    *store.User
	Nav     template.HTML // the side navigation, rendered (navHTML)
	Unread  int           // the user's unread notifications, for the badge
	Path    string
	Flashes []flash
	Version string
	L       *i18n.Locale
	assets  *staticFiles
	// Bare pages (login, setup, errors when logged out) have no navigation.
	Bare bool
	// Refresh reloads the page every two seconds, without JavaScript: a
	// running import's progress.
	Refresh bool
	Data    any
}

// T translates a catalogue key in the request's language.
func (p *page) T(key string, args ...any) string { return p.L.T(key, args...) }

// Asset is the fingerprinted URL of a static file.
func (p *page) Asset(name string) string { return p.assets.url(name) }

// Lang is the page's language, for <html lang>.
func (p *page) Lang() string { return p.L.Lang }

// Languages offered by the language switch.
func (p *page) Languages() []string { return []string{"tr", "en"} }

type flash struct {
	Kind string // "ok" or "error"
	Text string
}

// unread is the user's unread notifications for the badge, read with
// their session (none when logged out).
func unread(u *store.User) int {
	if u == nil {
		return 0
	}
	return u.Unread
}

func (s *Server) newPage(r *http.Request, titleKey string, data any) *page {
	st := state(r)
	csrf, _ := st.session.Values[keyCSRF].(string)
	return &page{
		Title:   st.locale.T(titleKey),
		Nonce:   st.nonce,
		CSRF:    csrf,
		User:    st.user,
		Nav:     navHTML(st.locale, navFor(st.user, st.actor), r.URL.Path),
		Path:    r.URL.Path,
		Version: s.cfg.Version,
		L:       st.locale,
		assets:  s.static,
		Bare:    st.user == nil,
		Data:    data,
		Unread:  unread(st.user),
	}
}

// render writes a page. The page is executed into a buffer first, so that a
// template error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.views.pages[p.L.Lang][name]
	if !ok {
		s.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	st := state(r)
	if st.session != nil {
		for _, f := range st.session.Flashes() {
			if fl, ok := f.(string); ok {
				kind, text, _ := strings.Cut(fl, ":")
				parts := strings.Split(text, flashArgSep)
				args := make([]any, len(parts)-1)
				for i, a := range parts[1:] {
					args[i] = a
				}
				p.Flashes = append(p.Flashes, flash{Kind: kind, Text: st.locale.T(parts[0], args...)})
			}
			st.dirty = true
		}
	}
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	// A page is tens of kilobytes: one allocation, not a doubling series
	// each time the pool comes back empty (it is emptied at every GC).
	buf.Grow(64 << 10)
	defer bufferPool.Put(buf)
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		s.log.Error("render template", "template", name, "err", err)
		if name == "error" {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		s.renderError(w, r, http.StatusInternalServerError)
		return
	}
	s.saveSession(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// A known length spares the chunked encoding of a 50 KB list page.
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	// The page is made: its turn in the admission queue goes to the next
	// request while this one waits for the client to take its bytes.
	st.releaseTurn()
	_, _ = w.Write(buf.Bytes())
}

// bufferPool keeps page buffers between requests: a list page is about
// 100 KB, and growing a fresh buffer to that size for every request was a
// sixth of all the memory a page allocated.
var bufferPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 128<<10)) }}

// saveSession writes the cookie when the session changed.
func (s *Server) saveSession(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if st.session == nil || !st.dirty {
		return
	}
	if err := st.session.Save(r, w); err != nil {
		s.log.Error("save session cookie", "err", err)
	}
	st.dirty = false
}

// addFlash queues a message for the next page the user sees: a catalogue
// key and its arguments, translated when the page is shown.
func (s *Server) addFlash(r *http.Request, kind, key string, args ...string) {
	st := state(r)
	if st.session != nil {
		st.session.AddFlash(kind + ":" + strings.Join(append([]string{key}, args...), flashArgSep))
		st.dirty = true
	}
}

// flashArgSep separates a flash's key from its arguments.
const flashArgSep = "\x1f"

// redirect answers with 303 See Other (after a POST, the browser follows
// with a GET), saving the session first.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	s.saveSession(w, r)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type errorData struct {
	Status  int
	Heading string
	Body    string
}

var errorKeys = map[int][2]string{
	http.StatusBadRequest:            {"error.400_title", "error.400_body"},
	http.StatusForbidden:             {"error.403_title", "error.403_body"},
	http.StatusNotFound:              {"error.404_title", "error.404_body"},
	http.StatusMethodNotAllowed:      {"error.405_title", "error.405_body"},
	http.StatusRequestEntityTooLarge: {"error.413_title", "error.413_body"},
	http.StatusInternalServerError:   {"error.500_title", "error.500_body"},
}

// renderError shows the translated page for an HTTP error status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int) {
	keys, ok := errorKeys[status]
	if !ok {
		keys = errorKeys[http.StatusInternalServerError]
	}
	s.renderMessage(w, r, status, keys[0], keys[1])
}

func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, titleKey, bodyKey string) {
	st := state(r)
	if st.session == nil {
		st.session, _ = s.cookies.New(r, sessionName)
	}
	if st.locale == nil {
		st.locale = s.catalog.Locale(s.chooseLanguage(r, st))
	}
	p := s.newPage(r, titleKey, errorData{Status: status, Heading: st.locale.T(titleKey), Body: st.locale.T(bodyKey)})
	s.render(w, r, status, "error", p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound)
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusMethodNotAllowed)
}

// serverError logs err with the request and shows the 500 page; people see
// no internals.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		return
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderError(w, r, http.StatusInternalServerError)
}

// clientGone says whether err only means that the browser went away (a
// closed tab, a reload) before the answer was ready: nobody waits for a
// reply, and it is no fault of the server's worth an error in the log.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// form is a submitted form on its way back to the person: the values they
// typed and, per field, what to fix.
type form struct {
	Values url.Values
	Errors map[string]string
	// Message is a form-wide error (a wrong password, too many attempts).
	Message string
}

// Get is the submitted value of a field.
func (f *form) Get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err is the translated problem with a field, or "".
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// newForm keeps what was typed, without any password.
func newForm(r *http.Request) *form {
	vals := url.Values{}
	for k, v := range r.PostForm {
		if strings.Contains(k, "password") || k == "current" || k == csrfField {
			continue
		}
		vals[k] = v
	}
	return &form{Values: vals, Errors: map[string]string{}}
}

// fieldErrors translates a store validation error into the form.
func (f *form) addValidation(l *i18n.Locale, v *store.ValidationError) {
	for field, msg := range v.Fields {
		f.Errors[field] = l.T(msg.Key, msg.Args...)
	}
}
