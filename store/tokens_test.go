package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenCreateListRevoke(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	admin := mustAdmin(t, st)
	a := ActorFor(admin)

	token, tok, err := st.CreateToken(ctx, a, "  muhasebe betiği  ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "kcrm_") || len(token) != len("kcrm_")+43 {
		t.Errorf("token %q: want kcrm_ and 43 base64url characters", token)
	}
	if tok.Name != "muhasebe betiği" || tok.UserID != admin.ID || tok.ID == 0 || tok.CreatedAt.IsZero() {
		t.Errorf("token record: %+v", tok)
	}
	second, _, err := st.CreateToken(ctx, a, "yedekleme")
	if err != nil {
		t.Fatal(err)
	}
	if second == token {
		t.Fatal("two tokens are the same")
	}

	list, err := st.Tokens(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != "yedekleme" || list[1].Name != "muhasebe betiği" {
		t.Fatalf("list: %+v", list)
	}
	if !list[1].LastUsedAt.IsZero() {
		t.Error("an unused token has a last use")
	}

	u, err := st.TokenUser(ctx, token)
	if err != nil || u.ID != admin.ID || u.Email != admin.Email {
		t.Fatalf("TokenUser: %v %+v", err, u)
	}

	// Another user sees none of them and cannot revoke them.
	other, err := st.CreateUser(ctx, SystemActor(), NewUser{Name: "Mehmet Demir", Email: "mehmet@firma.com.tr",
		Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := st.Tokens(ctx, ActorFor(other)); err != nil || len(l) != 0 {
		t.Errorf("another user's list: %v %+v", err, l)
	}
	if err := st.RevokeToken(ctx, ActorFor(other), tok.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another user revoked a token: %v", err)
	}
	if err := st.RevokeToken(ctx, a, 99999); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking an unknown token: %v", err)
	}

	if err := st.RevokeToken(ctx, a, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenUser(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if err := st.RevokeToken(ctx, a, tok.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := st.TokenUser(ctx, second); err != nil {
		t.Errorf("revoking one token ended another: %v", err)
	}
	if list, _ := st.Tokens(ctx, a); len(list) != 1 {
		t.Errorf("after revoking: %+v", list)
	}
}

func TestTokenUnknownAndMalformed(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	mustAdmin(t, st)
	for _, token := range []string{"", "kcrm_", "kcrm_yok", "Bearer kcrm_x", "xyz", strings.Repeat("kcrm_a", 100)} {
		if _, err := st.TokenUser(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: %v, want ErrNotFound", token, err)
		}
	}
}

func TestTokenNameValidation(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	for name, key := range map[string]string{
		"":                      "error.required",
		"   ":                   "error.required",
		strings.Repeat("ş", 61): "error.too_long",
	} {
		_, _, err := st.CreateToken(ctx, a, name)
		v, ok := AsValidation(err)
		if !ok || v.Fields["name"].Key != key {
			t.Errorf("name %q: %v, want %s", name, err, key)
		}
	}
	if _, _, err := st.CreateToken(ctx, a, strings.Repeat("ş", 60)); err != nil {
		t.Errorf("60 characters: %v", err)
	}
	if _, _, err := st.CreateToken(ctx, SystemActor(), "sistem"); !errors.Is(err, ErrForbidden) {
		t.Errorf("the system actor made a token: %v", err)
	}
	if _, _, err := st.CreateToken(ctx, nil, "yok"); !errors.Is(err, ErrForbidden) {
		t.Errorf("no actor made a token: %v", err)
	}
}

// Only the SHA-256 of a token is stored: a copy of the database file lets
// nobody call the API.
func TestTokenStoredHashed(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	token, _, err := st.CreateToken(ctx, a, "betik")
	if err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := st.reader.QueryRowContext(ctx, "SELECT token_hash FROM api_tokens").Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash != tokenHash(token) || len(hash) != 64 {
		t.Errorf("stored %q, want the SHA-256 hex of the token", hash)
	}
	secret := strings.TrimPrefix(token, TokenPrefix)
	var n int
	if err := st.reader.QueryRowContext(ctx, "SELECT count(*) FROM api_tokens WHERE instr(token_hash, ?) > 0 OR instr(name, ?) > 0",
		secret, secret).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the token itself is in the database")
	}
}

func TestTokenLastUsed(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	defer func() { now = time.Now }()
	now = func() time.Time { return base }
	token, tok, err := st.CreateToken(ctx, a, "betik")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		list, err := st.Tokens(ctx, a)
		if err != nil || len(list) != 1 || list[0].ID != tok.ID {
			t.Fatalf("tokens: %v %+v", err, list)
		}
		return list[0].LastUsedAt
	}
	use := func(at time.Time) {
		t.Helper()
		now = func() time.Time { return at }
		if _, err := st.TokenUser(ctx, token); err != nil {
			t.Fatal(err)
		}
	}

	use(base.Add(10 * time.Second))
	if got := lastUsed(); !got.Equal(base.Add(10 * time.Second)) {
		t.Errorf("first use: last used %v", got)
	}
	// Within a minute of the last recorded use nothing is written.
	use(base.Add(50 * time.Second))
	if got := lastUsed(); !got.Equal(base.Add(10 * time.Second)) {
		t.Errorf("use within a minute: last used %v, want it unchanged", got)
	}
	use(base.Add(2 * time.Minute))
	if got := lastUsed(); !got.Equal(base.Add(2 * time.Minute)) {
		t.Errorf("use after a minute: last used %v", got)
	}
}

func TestTokenInactiveOrDeletedUser(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	mustAdmin(t, st)
	clerk, err := st.CreateUser(ctx, SystemActor(), NewUser{Name: "Mehmet Demir", Email: "mehmet@firma.com.tr",
		Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := st.CreateToken(ctx, ActorFor(clerk), "betik")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.writer.ExecContext(ctx, "UPDATE users SET active = 0 WHERE id = ?", clerk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenUser(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deactivated user's token works: %v", err)
	}
	if _, err := st.writer.ExecContext(ctx, "UPDATE users SET active = 1 WHERE id = ?", clerk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenUser(ctx, token); err != nil {
		t.Errorf("reactivated: %v", err)
	}
	// Removing the user removes their tokens (ON DELETE CASCADE).
	if _, err := st.writer.ExecContext(ctx, "DELETE FROM users WHERE id = ?", clerk.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.reader.QueryRowContext(ctx, "SELECT count(*) FROM api_tokens").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d tokens outlived their user", n)
	}
}
