package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A user's calendar feed: their activities as an iCalendar file that
// Google Calendar, Outlook or Thunderbird subscribe to at a secret URL.
// A calendar program cannot log in, so the secret in the URL is the key:
// only its SHA-256 is stored (as for API tokens), making a new one
// revokes the old, and the user can revoke it outright.

// FeedPrefix starts every feed secret, so that one is recognisable.
const FeedPrefix = "kcal_"

// The range a feed covers around the moment it is read.
const (
	FeedBack  = 60 * 24 * time.Hour
	FeedAhead = 400 * 24 * time.Hour
)

// feedLogEvery is how often one user's feed being read is logged: a
// calendar program polls it all day, KVKK asks who read what, not how
// often their program refreshed.
const feedLogEvery = time.Hour

// CreateCalendarFeed makes a new feed secret for the actor's own user,
// replacing (and so revoking) any earlier one, and returns it: it is
// shown once, only its hash is kept.
func (s *Store) CreateCalendarFeed(ctx context.Context, a *Actor) (string, error) {
	if err := authorize(a, "profile", ActEdit); err != nil {
		return "", err
	}
	if a.UserID <= 0 {
		return "", ErrForbidden // the system actor is nobody: a feed belongs to a person
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("create calendar feed: %w", err)
	}
	secret := FeedPrefix + base64.RawURLEncoding.EncodeToString(raw)
	_, err := s.writer.ExecContext(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
		a.UserID, tokenHash(secret), timeText(now()))
	if err != nil {
		return "", fmt.Errorf("create calendar feed: %w", err)
	}
	return secret, nil
}

// RevokeCalendarFeed ends the actor's feed at once; without one it does
// nothing.
func (s *Store) RevokeCalendarFeed(ctx context.Context, a *Actor) error {
	if err := authorize(a, "profile", ActEdit); err != nil {
		return err
	}
	if _, err := s.writer.ExecContext(ctx, "DELETE FROM calendar_feeds WHERE user_id = ?", a.UserID); err != nil {
		return fmt.Errorf("revoke calendar feed: %w", err)
	}
	return nil
}

// CalendarFeedCreated is when the actor's current feed secret was made,
// or the zero time when they have none.
func (s *Store) CalendarFeedCreated(ctx context.Context, a *Actor) (time.Time, error) {
	if err := authorize(a, "profile", ActRead); err != nil {
		return time.Time{}, err
	}
	var at string
	err := s.reads.queryRow(ctx, "SELECT created_at FROM calendar_feeds WHERE user_id = ?", a.UserID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read calendar feed: %w", err)
	}
	return parseTime(at)
}

// FeedUser returns the active user whose feed secret this is, with their
// roles. An unknown, revoked or malformed secret, or a deactivated user,
// is ErrNotFound. The lookup goes by the secret's hash, never the secret,
// and the hash found is compared again in constant time.
func (s *Store) FeedUser(ctx context.Context, secret string) (*User, error) {
	if !strings.HasPrefix(secret, FeedPrefix) || len(secret) > 100 {
		return nil, ErrNotFound
	}
	hash := tokenHash(secret)
	var stored string
	var u User
	err := s.reads.queryRow(ctx, "SELECT f.token_hash, "+userColumnsOf("u")+
		" FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ?", hash).
		Scan(userDest(&u, &stored)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read calendar feed: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(stored), []byte(hash)) != 1 || !u.Active {
		return nil, ErrNotFound
	}
	return s.withPerms(ctx, &u)
}

// CalendarFeed is what a feed URL serves: the user behind the secret and
// their activities (owned or taken part in) from FeedBack before at to
// FeedAhead after it, as they themselves may read them. The reading is
// logged like an export, at most once an hour per user.
func (s *Store) CalendarFeed(ctx context.Context, secret string, at time.Time) (*User, []*Record, error) {
	u, err := s.FeedUser(ctx, secret)
	if err != nil {
		return nil, nil, err
	}
	a := ActorFor(u)
	res, err := s.Calendar(ctx, a, CalendarQuery{From: at.Add(-FeedBack), To: at.Add(FeedAhead), Who: "me", Limit: CalendarMaxLimit})
	if errors.Is(err, ErrForbidden) {
		return u, nil, nil // a user whose roles no longer read activities gets an empty calendar
	}
	if err != nil {
		return nil, nil, fmt.Errorf("calendar feed of user %d: %w", u.ID, err)
	}
	if err := s.logFeed(ctx, a, len(res.Items)); err != nil {
		return nil, nil, err
	}
	return u, res.Items, nil
}

// logFeed records a feed's reading in the audit trail as an export of
// activities, unless the same user's feed was logged within feedLogEvery.
func (s *Store) logFeed(ctx context.Context, a *Actor, n int) error {
	m := s.mod(Activities)
	since := timeText(now().Add(-feedLogEvery))
	const recent = `SELECT count(*) FROM audit_log WHERE module = ? AND record_id = 0 AND user_id = ?
		AND action = 'export' AND at > ? AND changes LIKE '%"ics-feed"%'`
	var k int
	if err := s.reads.queryRow(ctx, recent, m.Key, a.UserID, since).Scan(&k); err != nil {
		return fmt.Errorf("log calendar feed: %w", err)
	}
	if k > 0 {
		return nil // logged lately: the read stays a read
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, recent, m.Key, a.UserID, since).Scan(&k); err != nil {
			return fmt.Errorf("log calendar feed: %w", err)
		}
		if k > 0 {
			return nil
		}
		return audit(ctx, tx, a, ActionExport, m, 0, []Change{{Field: "format", New: "ics-feed"}, {Field: "count", New: n}})
	})
}
