package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
)

// writerStmts reads what the writer connection keeps.
func writerStmts(t *testing.T, st *Store) map[string]bool {
	t.Helper()
	conn, err := st.writer.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	kept := map[string]bool{}
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stmtConn)
		if !ok {
			return fmt.Errorf("the writer's connection is a %T", dc)
		}
		for q := range sc.stmts {
			kept[q] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return kept
}

// A kept statement runs again in later transactions, after a failed run,
// and after the schema changed under it.
func TestWriterKeepsItsStatements(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	write := func(fn func(ctx context.Context, tx *sql.Tx) error) error { return st.writes.run(ctx, fn) }
	if err := write(func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "CREATE TABLE kept (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const insert = "INSERT INTO kept (name) VALUES (?)"
	add := func(name string) error {
		return write(func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, insert, name)
			return err
		})
	}
	for _, name := range []string{"Şükrü", "Çağla"} {
		if err := add(name); err != nil {
			t.Fatalf("insert %s: %v", name, err)
		}
	}
	if err := add("Şükrü"); err == nil {
		t.Fatal("a duplicate name was inserted")
	}
	if err := add("Ilgın"); err != nil {
		t.Fatalf("the kept insert after a failed run: %v", err)
	}
	if err := write(func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "ALTER TABLE kept ADD COLUMN note TEXT NOT NULL DEFAULT 'yeni'")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := add("Ömer"); err != nil {
		t.Fatalf("the kept insert after the schema changed: %v", err)
	}
	if !writerStmts(t, st)[insert] {
		t.Fatal("the insert is not kept on the writer's connection")
	}
	var got string
	if err := st.writer.QueryRowContext(ctx, "SELECT group_concat(name || ':' || note, ' ') FROM (SELECT name, note FROM kept ORDER BY id)").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "Şükrü:yeni Çağla:yeni Ilgın:yeni Ömer:yeni"; got != want {
		t.Fatalf("rows %q, want %q", got, want)
	}
}

// The writer keeps at most maxCachedStmts statements; those past it run
// once and are closed.
func TestWriterStatementsAreBounded(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	err := st.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i := range maxCachedStmts + 20 {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("UPDATE settings SET value = value WHERE key = 'none-%d'", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(writerStmts(t, st)); n > maxCachedStmts {
		t.Fatalf("%d statements kept, at most %d", n, maxCachedStmts)
	}
	if err := st.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf("UPDATE settings SET value = value WHERE key = 'none-%d'", maxCachedStmts+19))
		return err
	}); err != nil {
		t.Fatalf("a statement past the bound, run again: %v", err)
	}
	if err := st.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE no_such_table SET x = 1")
		return err
	}); err == nil || errors.Is(err, errClosed) {
		t.Fatalf("a statement that does not prepare: %v", err)
	}
}
