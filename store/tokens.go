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
	"strings"
	"time"
	"unicode/utf8"
)

// TokenPrefix starts every API token, so that a token pasted in the wrong
// place (a chat, a repository) is recognisable, and so that the API can
// tell a token from anything else in an Authorization header.
const TokenPrefix = "kcrm_"

// maxTokenName is the longest name a token may have, in characters.
const maxTokenName = 60

// Token is an API token as its owner sees it in the list: never the
// secret, which exists only in the answer to CreateToken.
type Token struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
	// LastUsedAt is zero for a token never used. It is updated at most
	// once a minute (touchEvery), so it is accurate to about a minute.
	LastUsedAt time.Time
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new API token for the actor's own user and returns
// the secret, to be shown once: only its SHA-256 is stored. The name says
// what the token is for ("muhasebe betiği").
func (s *Store) CreateToken(ctx context.Context, a *Actor, name string) (string, *Token, error) {
	if err := authorize(a, "profile", "edit"); err != nil {
		return "", nil, err
	}
	if a.UserID <= 0 {
		// The system actor is nobody: a token must belong to a person.
		return "", nil, ErrForbidden
	}
	name = strings.TrimSpace(name)
	v := &ValidationError{}
	switch {
	case name == "":
		v.Add("name", "error.required")
	case utf8.RuneCountInString(name) > maxTokenName:
		v.Add("name", "error.too_long", maxTokenName)
	}
	if err := v.Err(); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := now()
	res, err := s.writer.ExecContext(ctx,
		"INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
		a.UserID, name, tokenHash(token), timeText(t))
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return token, &Token{ID: id, UserID: a.UserID, Name: name, CreatedAt: t.UTC().Truncate(time.Millisecond)}, nil
}

// Tokens lists the actor's own API tokens, newest first.
func (s *Store) Tokens(ctx context.Context, a *Actor) ([]Token, error) {
	if err := authorize(a, "profile", "read"); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx,
		"SELECT id, user_id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", a.UserID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	var out []Token
	for rows.Next() {
		var t Token
		var created string
		var used sql.NullString
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &created, &used); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		if t.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		if used.Valid {
			if t.LastUsedAt, err = parseTime(used.String); err != nil {
				rows.Close()
				return nil, err
			}
		}
		out = append(out, t)
	}
	if err := closeRows(rows, "tokens"); err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeToken ends one of the actor's own tokens at once. Someone else's
// token, or one that does not exist, is ErrNotFound: nobody learns which
// ids exist.
func (s *Store) RevokeToken(ctx context.Context, a *Actor, id int64) error {
	if err := authorize(a, "profile", "edit"); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", id, a.UserID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// TokenUser returns the active user behind an API token. An unknown or
// revoked token, or a deactivated user, gives ErrNotFound. The token's
// last use is recorded, at most once a minute so that a busy script does
// not turn every read into a write.
func (s *Store) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 200 {
		return nil, ErrNotFound
	}
	hash := tokenHash(token)
	var id int64
	var used sql.NullString
	var gen int64
	var u User
	err := s.reads.queryRow(ctx, "SELECT t.id, t.last_used_at, "+userColumnsOf("u")+", "+securityGeneration+
		" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?", hash).
		Scan(append(userDest(&u, &id, &used), &gen)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	if !u.Active {
		return nil, ErrNotFound
	}
	t := now()
	stale := !used.Valid
	if used.Valid {
		last, err := parseTime(used.String)
		if err != nil {
			return nil, err
		}
		stale = t.Sub(last) >= touchEvery
	}
	if stale {
		if _, err := s.writer.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", timeText(t), id); err != nil {
			return nil, fmt.Errorf("touch token: %w", err)
		}
	}
	noteGeneration(ctx, gen)
	return s.withCachedPerms(ctx, &u, gen)
}
