package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to dest with VACUUM INTO
// (an administrator's or the command line's job: the copy holds everything),
// while the server goes on serving. It runs on the writer connection, so
// writers wait for the moment of the copy and the copy holds every
// committed write. The copy is written under a temporary name, checked,
// and linked into place, so dest never names a half-written file.
func (s *Store) Backup(ctx context.Context, a *Actor, dest string) error {
	if err := authorize(a, "backup", "admin"); err != nil {
		return err
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := dest + ".partial"
	_ = os.Remove(tmp)
	if _, err := s.writer.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	if err := checkCopy(ctx, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	// A hard link never replaces an existing file, so two backups racing
	// to the same name cannot overwrite each other.
	err := os.Link(tmp, dest)
	_ = os.Remove(tmp)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// checkCopy opens a fresh copy read-only and runs quick_check on it: a
// backup nobody can restore is worse than none, because it is trusted.
func checkCopy(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("open copy: %w", err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("check copy: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("check copy: %s", res)
	}
	return nil
}
