// Package store is kobicrm's domain and its persistence: types, validation,
// SQL, migrations and the permission seam. It knows nothing of HTTP or
// templates; the web UI, the JSON API and the command line all reach the
// same rules through it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Store is an open kobicrm database. It holds two pools on the same file:
// one writer connection, so that writes queue in Go instead of failing with
// SQLITE_BUSY, and a few read-only connections that WAL lets run beside it.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	reads  *readStmts   // prepared statements on reader
	writes *groupWriter // group commit on writer

	// mods is the snapshot of the modules with this database's custom
	// fields, replaced whole when an administrator adds or removes one;
	// fieldsMu keeps two such changes from interleaving.
	mods     atomic.Pointer[moduleSet]
	fieldsMu sync.Mutex

	stopMaintenance context.CancelFunc
	maintenanceDone chan struct{}
	closeOnce       sync.Once
	// walEmpty records whether Close moved the whole WAL into the .db file.
	walEmpty bool
	// imports holds the progress of the imports running now (id →
	// *Import), for runs whose counts are not committed yet.
	imports sync.Map
	// share is the firm's ETK consent share, counted at most a minute ago
	// (today.go).
	share shareCache
	// permCache keeps users' merged role rights per security generation
	// (permcache.go).
	permCache permCache
	// readLog remembers the reads of personal records logged within the
	// hour (audit.go, logRead).
	readLog readLogMemo
}

// pragmas are set on every pooled connection through the DSN. busy_timeout
// comes first so that the pragmas after it already wait instead of failing
// while another process (a backup, the command line) holds a lock.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-2000)", // KiB per connection, outside the Go heap
}

func dsn(path string, extra ...string) string {
	q := url.Values{}
	for _, p := range append(append([]string{}, pragmas...), extra...) {
		q.Add("_pragma", p)
	}
	return path + "?" + q.Encode()
}

// Open opens (or creates) the database at path, applies any pending
// migrations in one transaction, and starts nothing in the background; call
// StartMaintenance for the periodic checkpoint.
func Open(ctx context.Context, path string) (*Store, error) {
	// _txlock=immediate makes BEGIN take the write lock at once, so a
	// transaction never fails half-way when it first writes.
	// The writer gets a larger page cache than the readers: a bulk import
	// touches every index of a table (a customer has seventeen), and with
	// the default 2 MB most index pages were read from the file again on
	// each row, which made a 100,000-row import several times slower.
	// Its connection keeps the statements it runs (writer_stmts.go).
	conn, err := newWriterConnector(dsn(path, "cache_size(-32000)") + "&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer := sql.OpenDB(conn)
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := migrate(ctx, writer); err != nil {
		writer.Close()
		return nil, err
	}

	reader, err := sql.Open("sqlite", dsn(path, "query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	s := &Store{path: path, writer: writer, reader: reader,
		reads:  &readStmts{db: reader, m: map[string]*sql.Stmt{}},
		writes: newGroupWriter(writer)}
	if err := s.loadModules(ctx, writer); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.rebuildSearch(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.refillNameFolds(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.rebuildQuality(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Path is the database file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close stops the maintenance loop, checkpoints the WAL into the main file
// and closes both pools, so that the .db file alone is a complete copy.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		if s.stopMaintenance != nil {
			s.stopMaintenance()
			<-s.maintenanceDone
		}
		s.writes.close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Another process (a backup, the command line) may be reading old
		// frames for a moment; try a few times before giving up.
		for try := 0; try < 20; try++ {
			complete, cerr := s.Checkpoint(ctx)
			if cerr != nil {
				err = cerr
				break
			}
			if complete {
				s.walEmpty = true
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		s.reads.close()
		err = errors.Join(err, s.reader.Close(), s.writer.Close())
	})
	return err
}

// Checkpoint copies the WAL into the database file and truncates it. It
// says whether it could do all of it: a reader in another process that
// still uses old frames keeps them in the WAL until it is done.
func (s *Store) Checkpoint(ctx context.Context) (complete bool, err error) {
	var busy, logFrames, checkpointed int
	row := s.writer.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	if err := row.Scan(&busy, &logFrames, &checkpointed); err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	return busy == 0, nil
}

// SelfContained says whether the last Close left the .db file complete on
// its own (the WAL emptied into it). When false, the .db and .db-wal files
// together hold the data and must be copied together.
func (s *Store) SelfContained() bool { return s.walEmpty }

// StartMaintenance checkpoints the WAL, lets SQLite refresh its statistics
// and removes expired sessions every interval, until Close.
func (s *Store) StartMaintenance(every time.Duration, sessionLimit time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopMaintenance = cancel
	s.maintenanceDone = make(chan struct{})
	go func() {
		defer close(s.maintenanceDone)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.maintain(ctx, sessionLimit)
			}
		}
	}()
}

func (s *Store) maintain(ctx context.Context, sessionLimit time.Duration) {
	_, _ = s.Checkpoint(ctx)
	_, _ = s.writer.ExecContext(ctx, "PRAGMA optimize")
	_, _ = s.writer.ExecContext(ctx, "DELETE FROM sessions WHERE created_at < ?", timeText(time.Now().Add(-sessionLimit)))
}

// IntegrityCheck runs PRAGMA integrity_check and returns its first line,
// "ok" for a sound file.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	if err := s.reads.queryRow(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return "", fmt.Errorf("integrity check: %w", err)
	}
	return res, nil
}
