package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// An invitation is a one-time link that lets a user set their password:
// a new user created by an administrator (who never learns the password),
// or someone who forgot theirs. The link works once, for a week; only its
// SHA-256 is stored, as for sessions.

// InviteValidity is how long an invitation link works.
const InviteValidity = 7 * 24 * time.Hour

// CreateInvite makes a new link for an active user, replacing any earlier
// one, and returns its token.
func (s *Store) CreateInvite(ctx context.Context, a *Actor, userID int64) (string, time.Time, error) {
	if err := authorize(a, Users.Key, "admin"); err != nil {
		return "", time.Time{}, err
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, fmt.Errorf("create invitation: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	t := now()
	expires := t.Add(InviteValidity)
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, "SELECT active FROM users WHERE id = ?", userID).Scan(&active)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !active) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM user_invites WHERE user_id = ?", userID); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_invites (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			sessionID(token), userID, timeText(t), timeText(expires)); err != nil {
			return fmt.Errorf("create invitation: %w", err)
		}
		return audit(ctx, tx, a, "invite", Users, userID, nil)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// InvitedUser returns the active user an unexpired invitation is for;
// ErrNotFound for anything else.
func (s *Store) InvitedUser(ctx context.Context, token string) (*User, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNotFound
	}
	u, err := scanUser(s.reads.queryRow(ctx, "SELECT "+userColumnsOf("u")+
		" FROM user_invites i JOIN users u ON u.id = i.user_id WHERE i.id = ? AND i.expires_at > ? AND u.active = 1",
		sessionID(token), timeText(now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read invitation: %w", err)
	}
	return u, nil
}

// AcceptInvite sets the password of the invited user and uses the link
// up; every session the user had ends.
func (s *Store) AcceptInvite(ctx context.Context, token, pw, again string) (*User, error) {
	u, err := s.InvitedUser(ctx, token)
	if err != nil {
		return nil, err
	}
	v := &ValidationError{}
	checkNewPassword(v, "password", pw, again, u.Email, u.Name)
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The link is used up first: of two tabs sending it at once, one wins.
	res, err := s.writer.ExecContext(ctx, "DELETE FROM user_invites WHERE id = ?", sessionID(token))
	if err != nil {
		return nil, fmt.Errorf("use invitation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, ErrNotFound
	}
	if err := s.setPassword(ctx, u.ID, pw, ""); err != nil {
		return nil, err
	}
	return s.withPerms(ctx, u)
}
