package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// SessionLimits are how long a login lasts: Idle since the last request,
// Absolute since the login, whatever the activity.
type SessionLimits struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionLimits: a working day idle, a working week in all.
var DefaultSessionLimits = SessionLimits{Idle: 8 * time.Hour, Absolute: 7 * 24 * time.Hour}

// touchEvery bounds how often a busy session writes its last-seen time:
// an office clicking all day must not turn every page view into a write.
const touchEvery = time.Minute

func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a login session for the user and returns the token
// the browser keeps. Only the token's hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	ts := timeText(now())
	_, err := s.writer.ExecContext(ctx,
		"INSERT INTO sessions (id, user_id, created_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)",
		sessionID(token), userID, ts, ts, ip, userAgent)
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// SessionUser returns the active user behind a session token. An unknown,
// expired or ended session, or a deactivated user, gives ErrNotFound; an
// expired session is removed on the way.
func (s *Store) SessionUser(ctx context.Context, token string, lim SessionLimits) (*User, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	id := sessionID(token)
	var created, seen string
	var gen int64
	var u User
	// The unread notifications come with the session: the badge is on
	// every page, and a query of its own was a fiftieth of a page's time.
	// Triggers keep their count (migration 0026).
	err := s.reads.queryRow(ctx, "SELECT s.created_at, s.last_seen_at, "+userColumnsOf("u")+
		", coalesce((SELECT min(c.n, ?) FROM unread_counts c WHERE c.user_id = u.id), 0)"+
		", "+securityGeneration+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?", UnreadCap, id).
		Scan(append(userDest(&u, &created, &seen), &u.Unread, &gen)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	createdAt, err := parseTime(created)
	if err != nil {
		return nil, err
	}
	seenAt, err := parseTime(seen)
	if err != nil {
		return nil, err
	}
	t := now()
	if !u.Active || t.Sub(seenAt) > lim.Idle || t.Sub(createdAt) > lim.Absolute {
		if _, err := s.writer.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id); err != nil {
			return nil, fmt.Errorf("end session: %w", err)
		}
		return nil, ErrNotFound
	}
	if t.Sub(seenAt) > touchEvery {
		if _, err := s.writer.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", timeText(t), id); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	noteGeneration(ctx, gen)
	return s.withCachedPerms(ctx, &u, gen)
}

// EndSession logs a session out.
func (s *Store) EndSession(ctx context.Context, token string) error {
	if _, err := s.writer.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", sessionID(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
