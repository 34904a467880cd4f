package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The administrators' logs: the audit trail of every record, the login
// history and the open sessions. They are routed for every logged-in user
// and refused by the store for anyone else, so that a non-administrator
// gets 403 from the same check the command line and any future API meet.

// auditActions are the audit trail's actions, in the order the filter
// offers them.
var auditActions = []string{store.ActionCreate, store.ActionUpdate, store.ActionDelete,
	store.ActionRestore, store.ActionPurge, store.ActionLink, store.ActionUnlink,
	store.ActionRead, store.ActionExport, store.ActionImport, store.ActionMerge,
	"invite", // written by store/invites.go, which has no constant for it
	store.ActionFieldAdd, store.ActionFieldRemove,
}

// logFilters are the filters the log pages share, as typed.
type logFilters struct {
	Users    []option
	From, To string // for the date inputs: yyyy-mm-dd when readable, else as typed
	Filtered bool
	Error    string // the filters could not be read
	NextURL  string // the next (older) page, "" on the last
	FirstURL string // back to the newest, "" on the first page
}

type auditData struct {
	logFilters
	Modules  []option
	Actions  []option
	RecordID string
	Entries  []auditRow
}

type auditRow struct {
	historyRow
	Module    string // the module's label
	Record    string // "#12"
	RecordURL string // "" when the record page cannot be opened
}

// auditLog is the audit trail page.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	q := r.URL.Query()
	aq := store.AuditQuery{Module: q.Get("module"), Action: q.Get("action"), From: q.Get("from"), To: q.Get("to")}
	var userOK, recordOK, beforeOK bool
	aq.UserID, userOK = queryID(q, "user")
	aq.RecordID, recordOK = queryID(q, "record")
	aq.Before, beforeOK = queryID(q, "before")
	bad := !userOK || !recordOK || !beforeOK

	d := &auditData{RecordID: q.Get("record")}
	if err := s.fillLogFilters(r, &d.logFilters, aq.UserID); err != nil {
		s.storeError(w, r, err)
		return
	}
	for _, m := range store.Modules() {
		d.Modules = append(d.Modules, option{Value: m.Key, Label: l.T(m.Label), Selected: m.Key == aq.Module})
	}
	for _, a := range auditActions {
		d.Actions = append(d.Actions, option{Value: a, Label: l.T("audit.action_" + a), Selected: a == aq.Action})
	}
	d.Filtered = aq.UserID > 0 || aq.Module != "" || aq.RecordID > 0 || aq.Action != "" || aq.From != "" || aq.To != "" || bad

	var page *store.AuditPage
	var err error
	if !bad {
		page, err = s.store.AuditLog(r.Context(), st.actor, aq)
	}
	if bad || errors.Is(err, store.ErrBadQuery) {
		d.Error = l.T("audit.bad_query")
		s.render(w, r, http.StatusBadRequest, "audit", s.newPage(r, "audit.title", d))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d.Entries = auditRows(l, s.store.Module, page.Entries)
	d.pager(r, aq.Before, page.Next)
	s.render(w, r, http.StatusOK, "audit", s.newPage(r, "audit.title", d))
}

// auditRows formats trail entries the way a record's history shows them,
// with the record each is about.
func auditRows(l *i18n.Locale, module func(string) (*store.Module, bool), entries []store.AuditLogEntry) []auditRow {
	rows := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		m, declared := module(e.Module)
		row := auditRow{Module: e.Module}
		if e.RecordID > 0 { // 0: an entry about the module as a whole
			row.Record = "#" + strconv.FormatInt(e.RecordID, 10)
		}
		if declared {
			row.Module = l.T(m.Label)
			if e.RecordID > 0 && e.Action != store.ActionPurge {
				row.RecordURL = recordURL(m, e.RecordID)
			}
		} else {
			m = nil
		}
		row.historyRow = historyRowOf(l, m, e.AuditEntry)
		rows = append(rows, row)
	}
	return rows
}

type loginsData struct {
	logFilters
	Results  []option
	Attempts []loginRow
}

type loginRow struct {
	When      string
	Email     string
	User      string
	OK        bool
	Reason    string
	IP        string
	Browser   string
	UserAgent string
}

// loginHistory is the login history page.
func (s *Server) loginHistory(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	q := r.URL.Query()
	lq := store.LoginQuery{From: q.Get("from"), To: q.Get("to")}
	var userOK, beforeOK bool
	lq.UserID, userOK = queryID(q, "user")
	lq.Before, beforeOK = queryID(q, "before")
	bad := !userOK || !beforeOK
	result := q.Get("result")
	switch result {
	case "ok", "failed":
		ok := result == "ok"
		lq.OK = &ok
	case "":
	default:
		bad = true
	}

	d := &loginsData{}
	if err := s.fillLogFilters(r, &d.logFilters, lq.UserID); err != nil {
		s.storeError(w, r, err)
		return
	}
	for _, v := range []string{"ok", "failed"} {
		d.Results = append(d.Results, option{Value: v, Label: l.T("logins." + v), Selected: v == result})
	}
	d.Filtered = lq.UserID > 0 || lq.OK != nil || lq.From != "" || lq.To != "" || bad

	var page *store.LoginPage
	var err error
	if !bad {
		page, err = s.store.LoginHistory(r.Context(), st.actor, lq)
	}
	if bad || errors.Is(err, store.ErrBadQuery) {
		d.Error = l.T("audit.bad_query")
		s.render(w, r, http.StatusBadRequest, "logins", s.newPage(r, "logins.title", d))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	for _, a := range page.Attempts {
		row := loginRow{When: l.DateTime(a.At), Email: a.Email, User: a.UserName, OK: a.OK, IP: a.IP,
			Browser: browserLabel(a.UserAgent), UserAgent: a.UserAgent}
		if !a.OK {
			row.Reason = l.T("logins.reason_" + a.Reason)
		}
		d.Attempts = append(d.Attempts, row)
	}
	d.pager(r, lq.Before, page.Next)
	s.render(w, r, http.StatusOK, "logins", s.newPage(r, "logins.title", d))
}

// queryID reads an optional positive number from the query: 0 when it
// is not there, and not ok when something else is.
func queryID(q url.Values, name string) (int64, bool) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0
}

// fillLogFilters fills what the log pages' filters share: the users to pick
// from and the dates as the date inputs want them.
func (s *Server) fillLogFilters(r *http.Request, f *logFilters, userID int64) error {
	users, err := s.store.AuditUsers(r.Context(), state(r).actor)
	if err != nil {
		return err
	}
	for _, u := range users {
		label := u.Name
		if !u.Active {
			label += " (" + state(r).locale.T("audit.inactive") + ")"
		}
		f.Users = append(f.Users, option{Value: strconv.FormatInt(u.ID, 10), Label: label, Selected: u.ID == userID})
	}
	f.From, f.To = dateInput(r.URL.Query().Get("from")), dateInput(r.URL.Query().Get("to"))
	return nil
}

// dateInput shows a day typed the Turkish way (05.01.2026) in the form a
// date input takes, so that it is still filled in on the next page.
func dateInput(v string) string {
	if t, ok := tr.ParseDate(v); ok {
		return t.Format("2006-01-02")
	}
	return v
}

// pager links the next (older) page, keeping the filters.
func (f *logFilters) pager(r *http.Request, before, next int64) {
	q := cleanQuery(r.URL.Query())
	q.Del("before")
	if next > 0 {
		f.NextURL = r.URL.Path + "?" + withParams(q, "before", strconv.FormatInt(next, 10)).Encode()
	}
	if before > 0 {
		f.FirstURL = r.URL.Path
		if enc := q.Encode(); enc != "" {
			f.FirstURL += "?" + enc
		}
	}
}

type sessionsData struct {
	Sessions []sessionRow
}

type sessionRow struct {
	Ref       string
	User      string
	Email     string
	Started   string
	LastSeen  string
	IP        string
	Browser   string
	UserAgent string
	Current   bool // the administrator's own session, the one they are using
}

// activeSessions lists who is logged in, with a button to end each.
func (s *Server) activeSessions(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	list, err := s.store.ActiveSessions(r.Context(), st.actor, s.cfg.Sessions)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	mine := store.SessionRef(st.token)
	d := &sessionsData{}
	for _, x := range list {
		d.Sessions = append(d.Sessions, sessionRow{Ref: x.Ref, User: x.UserName, Email: x.UserEmail,
			Started: l.DateTime(x.CreatedAt), LastSeen: l.DateTime(x.LastSeen), IP: x.IP,
			Browser: browserLabel(x.UserAgent), UserAgent: x.UserAgent, Current: x.Ref == mine})
	}
	s.render(w, r, http.StatusOK, "sessions", s.newPage(r, "sessions.title", d))
}

// endSession logs a session out after a confirmation. Ending one's own
// session is allowed, and the confirmation says that it logs you out.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	ref := mux.Vars(r)["ref"]
	// The list is read first: it refuses non-administrators before any
	// confirmation page, and names the user in the question.
	list, err := s.store.ActiveSessions(r.Context(), st.actor, s.cfg.Sessions)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	var target *store.ActiveSession
	for i := range list {
		if list[i].Ref == ref {
			target = &list[i]
		}
	}
	if target == nil {
		s.addFlash(r, "error", "sessions.gone")
		s.redirect(w, r, "/admin/sessions")
		return
	}
	own := ref == store.SessionRef(st.token)
	if r.PostFormValue("confirmed") != "1" {
		body := l.T("sessions.end_body")
		if own {
			body = l.T("sessions.end_own_body")
		}
		d := &confirmData{Heading: l.T("sessions.end_heading", target.UserName), Body: body,
			Action: r.URL.Path, Cancel: "/admin/sessions", Button: l.T("sessions.end")}
		s.render(w, r, http.StatusOK, "confirm", s.newPage(r, "sessions.end", d))
		return
	}
	err = s.store.EndSessionByRef(r.Context(), st.actor, ref)
	if errors.Is(err, store.ErrNotFound) {
		s.addFlash(r, "error", "sessions.gone")
		s.redirect(w, r, "/admin/sessions")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if own {
		// As at logout: the cookie forgets the session and gets a fresh
		// CSRF token.
		delete(st.session.Values, keySessionID)
		st.session.Values[keyCSRF] = randomToken(32)
		st.dirty = true
		s.addFlash(r, "ok", "sessions.ended_own")
		s.redirect(w, r, loginPath)
		return
	}
	s.addFlash(r, "ok", "sessions.ended")
	s.redirect(w, r, "/admin/sessions")
}

// browserLabel names the browser and system of a user agent the way a
// person says it ("Firefox · Windows"); the page keeps the full text in a
// tooltip. Order matters: Edge and Opera also say Chrome, Chrome also says
// Safari, and an iPhone also says "like Mac OS X".
func browserLabel(ua string) string {
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(ua, x) {
				return true
			}
		}
		return false
	}
	var browser, system string
	switch {
	case has("Edg/", "EdgA/", "EdgiOS/"):
		browser = "Edge"
	case has("OPR/", "Opera"):
		browser = "Opera"
	case has("YaBrowser/"):
		browser = "Yandex"
	case has("Firefox/", "FxiOS/"):
		browser = "Firefox"
	case has("Chrome/", "CriOS/", "Chromium/"):
		browser = "Chrome"
	case has("Safari/"):
		browser = "Safari"
	}
	switch {
	case has("Windows"):
		system = "Windows"
	case has("Android"):
		system = "Android"
	case has("iPhone", "iPad", "iPod"):
		system = "iOS"
	case has("Macintosh", "Mac OS X"):
		system = "macOS"
	case has("CrOS"):
		system = "ChromeOS"
	case has("Linux"):
		system = "Linux"
	}
	switch {
	case browser != "" && system != "":
		return browser + " · " + system
	case browser != "" || system != "":
		return browser + system
	}
	// A script or an unusual client: its own first word says most.
	name, _, _ := strings.Cut(ua, " ")
	if len([]rune(name)) > 40 {
		name = string([]rune(name)[:40]) + "…"
	}
	return name
}
