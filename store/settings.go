package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// SecretKey returns the random key stored under name, creating it with size
// random bytes on first use. Session cookie keys live here, so that a
// restart keeps people logged in and no key is ever shipped in the binary.
func (s *Store) SecretKey(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	key := "secret." + name
	if _, err := s.writer.ExecContext(ctx,
		"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var val []byte
	if err := s.writer.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&val); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return val, nil
}
