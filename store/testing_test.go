package store

import (
	"context"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func init() { PasswordCost = bcrypt.MinCost }

// newTestStore opens a fresh, migrated database in a temporary folder: a
// real SQLite file, as in production, never a mock.
func newTestStore(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

const goodPassword = "Kedi-Mavi-Tekne-42"

func mustAdmin(t testing.TB, st *Store) *User {
	t.Helper()
	u, err := st.CreateFirstAdmin(context.Background(), NewUser{
		Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword,
	})
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	return u
}
