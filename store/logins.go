package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// Why a login attempt failed, as the login history records it. Only
// administrators see it: the person at the form always gets the same
// answer, so that a failed login never tells whether an e-mail exists.
const (
	LoginBadPassword = "bad_password"
	LoginUnknownUser = "unknown_user"
	LoginInactive    = "inactive"
	LoginRateLimited = "rate_limited"
)

// LoginClient is where a login attempt came from.
type LoginClient struct {
	IP        string
	UserAgent string
}

// LoginAttempt is one line of the login history.
type LoginAttempt struct {
	ID        int64
	At        time.Time
	Email     string // as typed
	UserID    int64  // 0 when the e-mail matched nobody
	UserName  string // the user's name now, "" when UserID is 0
	OK        bool
	IP        string
	UserAgent string
	Reason    string // one of the Login… reasons, "" for a success
}

// What the login history keeps of free text that anyone can type or send:
// enough to recognise, not enough to fill the disk.
const (
	maxLoginEmail     = 254 // the longest valid address
	maxLoginUserAgent = 300 // as sessions keep it
)

// rateLimitedEvery: a refused-for-now attempt is recorded at most this
// often per address. The limiter answers those without any password work,
// so a script can send thousands a minute, and each would otherwise be a
// row in a table that can never be trimmed.
const rateLimitedEvery = time.Minute

// Login checks an e-mail and password like Authenticate and records the
// attempt, good or bad, in the login history. Only the web login form
// calls it: API tokens are not logins.
func (s *Store) Login(ctx context.Context, email, password string, from LoginClient) (*User, error) {
	u, err := s.Authenticate(ctx, email, password)
	switch {
	case err == nil:
		// A login that cannot be recorded does not happen: the history
		// must hold every way in.
		if rerr := s.recordLogin(ctx, email, u.ID, true, "", from); rerr != nil {
			return nil, rerr
		}
		return u, nil
	case errors.Is(err, ErrBadCredentials):
		userID, reason, lerr := s.loginFailure(ctx, email)
		if lerr != nil {
			return nil, lerr
		}
		if rerr := s.recordLogin(ctx, email, userID, false, reason, from); rerr != nil {
			return nil, rerr
		}
		return nil, err
	default:
		return nil, err
	}
}

// RecordRateLimited records a login the limiter refused before any
// password was checked.
func (s *Store) RecordRateLimited(ctx context.Context, email string, from LoginClient) error {
	var recent int
	err := s.reads.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM login_attempts
		WHERE at >= ? AND ip = ? AND reason = ?)`,
		timeText(now().Add(-rateLimitedEvery)), from.IP, LoginRateLimited).Scan(&recent)
	if err != nil {
		return fmt.Errorf("record login: %w", err)
	}
	if recent == 1 {
		return nil
	}
	userID, _, err := s.loginFailure(ctx, email)
	if err != nil {
		return err
	}
	return s.recordLogin(ctx, email, userID, false, LoginRateLimited, from)
}

// loginFailure tells, after Authenticate said no, who the e-mail belongs
// to and why the login failed. Authenticate keeps that to itself on
// purpose; this second look is for the administrators' history only.
func (s *Store) loginFailure(ctx context.Context, email string) (userID int64, reason string, err error) {
	norm, _ := normEmail(email)
	var active bool
	err = s.reads.queryRow(ctx, "SELECT id, active FROM users WHERE email = ?", norm).Scan(&userID, &active)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, LoginUnknownUser, nil
	case err != nil:
		return 0, "", fmt.Errorf("record login: %w", err)
	case !active:
		return userID, LoginInactive, nil
	}
	return userID, LoginBadPassword, nil
}

func (s *Store) recordLogin(ctx context.Context, email string, userID int64, ok bool, reason string, from LoginClient) error {
	var user any
	if userID > 0 {
		user = userID
	}
	_, err := s.writer.ExecContext(ctx, `INSERT INTO login_attempts (at, email, user_id, ok, ip, user_agent, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		timeText(now()), clipLogText(strings.TrimSpace(email), maxLoginEmail), user, ok,
		clipLogText(from.IP, 100), clipLogText(from.UserAgent, maxLoginUserAgent), reason)
	if err != nil {
		return fmt.Errorf("record login: %w", err)
	}
	return nil
}

// clipLogText cuts s to at most n bytes without splitting a character.
func clipLogText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// LoginQuery picks entries of the login history.
type LoginQuery struct {
	UserID int64 // 0 for everyone
	OK     *bool // nil for both successes and failures
	// From and To bound the day (inclusive, Istanbul), as "05.01.2026" or
	// "2026-01-05"; "" for no bound.
	From, To string
	Limit    int   // at most maxLogPage; 0 for the default
	Before   int64 // the Next of the previous page; 0 for the newest
}

// LoginPage is one page of the login history, newest first.
type LoginPage struct {
	Attempts []LoginAttempt
	Next     int64 // Before for the next (older) page; 0 on the last
}

// The page sizes of the administrators' logs.
const (
	defaultLogPage = 50
	maxLogPage     = 500
)

func logPageLimit(n int) int {
	if n <= 0 {
		return defaultLogPage
	}
	return min(n, maxLogPage)
}

// logDayBounds turns an inclusive day range into conditions on a stored time
// column. An unreadable day is ErrBadQuery.
func logDayBounds(col, from, to string) (where []string, args []any, err error) {
	for _, b := range []struct {
		day  string
		op   string
		next bool
	}{{from, ">=", false}, {to, "<", true}} {
		if strings.TrimSpace(b.day) == "" {
			continue
		}
		d, ok := tr.ParseDate(b.day)
		if !ok {
			return nil, nil, fmt.Errorf("%w: date %q", ErrBadQuery, b.day)
		}
		if b.next {
			d = d.AddDate(0, 0, 1)
		}
		where = append(where, col+" "+b.op+" ?")
		args = append(args, timeText(d))
	}
	return where, args, nil
}

// LoginHistory lists login attempts, newest first, for administrators.
func (s *Store) LoginHistory(ctx context.Context, a *Actor, q LoginQuery) (*LoginPage, error) {
	if err := authorize(a, "audit", "admin"); err != nil {
		return nil, err
	}
	where, args, err := logDayBounds("l.at", q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("login history: %w", err)
	}
	if q.UserID > 0 {
		where = append(where, "l.user_id = ?")
		args = append(args, q.UserID)
	}
	if q.OK != nil {
		where = append(where, "l.ok = ?")
		args = append(args, *q.OK)
	}
	if q.Before > 0 {
		where = append(where, "l.id < ?")
		args = append(args, q.Before)
	}
	limit := logPageLimit(q.Limit)
	query := `SELECT l.id, l.at, l.email, COALESCE(l.user_id, 0), COALESCE(u.name, ''), l.ok, l.ip, l.user_agent, l.reason
		FROM login_attempts l LEFT JOIN users u ON u.id = l.user_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// One more than the page, to know whether an older page exists.
	query += " ORDER BY l.id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.reads.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("login history: %w", err)
	}
	p := &LoginPage{}
	for rows.Next() {
		var l LoginAttempt
		var at string
		if err := rows.Scan(&l.ID, &at, &l.Email, &l.UserID, &l.UserName, &l.OK, &l.IP, &l.UserAgent, &l.Reason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("login history: %w", err)
		}
		if l.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		p.Attempts = append(p.Attempts, l)
	}
	if err := closeRows(rows, "login history"); err != nil {
		return nil, err
	}
	if len(p.Attempts) > limit {
		p.Attempts = p.Attempts[:limit]
		p.Next = p.Attempts[limit-1].ID
	}
	return p, nil
}

// ActiveSession is a login session as administrators see it. Ref names it
// for EndSessionByRef; the token's hash, which the sessions table is keyed
// by, never leaves the store.
type ActiveSession struct {
	Ref       string
	UserID    int64
	UserName  string
	UserEmail string
	CreatedAt time.Time
	LastSeen  time.Time
	IP        string
	UserAgent string
}

// SessionRef is the name administrators see for the session of a token:
// derived from the stored hash by another hash, so that neither the page
// nor a copy of it gets any closer to the token or the stored key.
func SessionRef(token string) string { return refOf(sessionID(token)) }

func refOf(storedID string) string {
	sum := sha256.Sum256([]byte("kobicrm session ref\x00" + storedID))
	return fmt.Sprintf("%x", sum[:8])
}

// ActiveSessions lists the sessions still within the limits, the most
// recently used first. Expired ones wait in the table until someone uses
// them or the maintenance removes them; they are not shown.
func (s *Store) ActiveSessions(ctx context.Context, a *Actor, lim SessionLimits) ([]ActiveSession, error) {
	if err := authorize(a, "audit", "admin"); err != nil {
		return nil, err
	}
	t := now()
	rows, err := s.reads.query(ctx, `SELECT s.id, s.user_id, u.name, u.email, s.created_at, s.last_seen_at, s.ip, s.user_agent
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE u.active = 1 AND s.last_seen_at >= ? AND s.created_at >= ?
		ORDER BY s.last_seen_at DESC, s.created_at DESC`,
		timeText(t.Add(-lim.Idle)), timeText(t.Add(-lim.Absolute)))
	if err != nil {
		return nil, fmt.Errorf("active sessions: %w", err)
	}
	var out []ActiveSession
	for rows.Next() {
		var x ActiveSession
		var id, created, seen string
		if err := rows.Scan(&id, &x.UserID, &x.UserName, &x.UserEmail, &created, &seen, &x.IP, &x.UserAgent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("active sessions: %w", err)
		}
		x.Ref = refOf(id)
		if x.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		if x.LastSeen, err = parseTime(seen); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	return out, closeRows(rows, "sessions")
}

// EndSessionByRef logs out the session an administrator picked from
// ActiveSessions; its user's next request goes to the login form. An
// administrator may end their own session too (the caller tells them, by
// comparing with SessionRef of their token). ErrNotFound when no session
// has the ref (already ended or expired).
func (s *Store) EndSessionByRef(ctx context.Context, a *Actor, ref string) error {
	if err := authorize(a, "audit", "admin"); err != nil {
		return err
	}
	// The ref is a hash of the key, so the key is found by trying each:
	// an office has tens of sessions, not millions.
	rows, err := s.reads.query(ctx, "SELECT id FROM sessions")
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	var found string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("end session: %w", err)
		}
		if ref != "" && refOf(id) == ref {
			found = id
		}
	}
	if err := closeRows(rows, "sessions"); err != nil {
		return err
	}
	if found == "" {
		return fmt.Errorf("end session: %w", ErrNotFound)
	}
	res, err := s.writer.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", found)
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("end session: %w", ErrNotFound)
	}
	return nil
}
