package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestOpenSetsPragmas(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	for _, db := range []*sql.DB{st.writer, st.reader} {
		var mode string
		var fk, sync, busy int
		if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || sync != 1 || busy < 5000 {
			t.Errorf("pragmas: journal_mode=%s foreign_keys=%d synchronous=%d busy_timeout=%d", mode, fk, sync, busy)
		}
	}
	if _, err := st.reader.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('x', 'y')"); err == nil {
		t.Error("the reader pool accepted a write; it must be query-only")
	}
}

func TestMigrationsApplyOnceAndRecordVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	ctx := context.Background()
	for i := 0; i < 2; i++ { // the second open finds nothing to do
		st, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var v, app int
		if err := st.reader.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if err := st.reader.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
			t.Fatal(err)
		}
		if v != SchemaVersion() || v < 1 || app != applicationID {
			t.Errorf("user_version=%d (want %d), application_id=%#x", v, SchemaVersion(), app)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMigrationFailureLeavesDatabaseUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// A table the first migration also creates makes it fail half-way.
	if _, err := db.Exec("CREATE TABLE sessions (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path); err == nil {
		t.Fatal("open succeeded on a database whose migration must fail")
	}
	db, _ = sql.Open("sqlite", path)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name IN ('users', 'settings')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a failed migration left %d of its tables behind", n)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.writer.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = Open(context.Background(), path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("open of a newer database: err = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "newer kobicrm") {
		t.Errorf("message does not tell the person what happened: %v", err)
	}
}

func TestForeignDatabaseIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open("sqlite", path)
	if _, err := db.Exec("CREATE TABLE invoices (id INTEGER); PRAGMA user_version = 7"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(context.Background(), path); !errors.Is(err, ErrNotKobicrm) {
		t.Fatalf("err = %v, want ErrNotKobicrm", err)
	}
}

func TestBackupWhileWriting(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	if _, err := st.writer.Exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.writer.Exec("INSERT INTO probe (payload) VALUES (?)", strings.Repeat("ğüşıöç", 20)); err != nil {
				t.Errorf("write during backup: %v", err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	dest := filepath.Join(t.TempDir(), "yedek.db")
	if err := st.Backup(ctx, SystemActor(), dest); err != nil {
		t.Fatalf("backup: %v", err)
	}
	close(stop)
	wg.Wait()

	copyDB, err := sql.Open("sqlite", dest)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	var rows int64
	if err := copyDB.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil {
		t.Fatal(err)
	}
	if err := copyDB.QueryRow("SELECT count(*) FROM probe").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if check != "ok" || rows < 200 || rows > written.Load() {
		t.Errorf("backup: integrity %q, %d rows (writer committed %d)", check, rows, written.Load())
	}
	if _, err := os.Stat(dest + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the temporary backup file was left behind: %v", err)
	}
	if err := st.Backup(ctx, SystemActor(), dest); err == nil {
		t.Error("backup overwrote an existing file")
	}
}

func TestCloseLeavesCompleteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	mustAdmin(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("after Close the WAL still holds %d bytes", fi.Size())
	}
	// The .db file alone, opened read-only, has the user.
	db, _ := sql.Open("sqlite", path+"?mode=ro")
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil || n != 1 {
		t.Errorf("users in the closed file: %d, %v", n, err)
	}
}

func TestServerLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	first, err := LockServer(path, "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockServer(path, "second")
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "http://127.0.0.1:8080") {
		t.Fatalf("second lock: %v; want ErrLocked naming the first server's address", err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := LockServer(path, "third")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Release()
}

func TestSecretKeyIsStable(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a, err := st.SecretKey(ctx, "k", 32)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.SecretKey(ctx, "k", 32)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || string(a) != string(b) {
		t.Errorf("secret changed between calls or has the wrong size (%d)", len(a))
	}
}
