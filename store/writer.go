package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// groupWriter runs write transactions on the one writer connection and
// commits the ones that arrive together as one SQLite transaction (group
// commit). A one-record transaction costs mostly its commit: the WAL
// frames and the search index's segment flush and merge. Sharing a commit
// among the requests of the same moment multiplies throughput, while each
// request still succeeds or fails alone: it runs inside its own SAVEPOINT,
// rolled back on error, and hears its result only after the shared commit.
type groupWriter struct {
	db    *sql.DB
	queue chan *writeReq
	quit  chan struct{}
	done  sync.WaitGroup
}

type writeReq struct {
	ctx    context.Context
	fn     func(ctx context.Context, tx *sql.Tx) error
	result chan error
}

// maxGroup bounds how many requests share one commit, so that a burst
// cannot keep the writer for long.
const maxGroup = 64

func newGroupWriter(db *sql.DB) *groupWriter {
	w := &groupWriter{db: db, queue: make(chan *writeReq, maxGroup), quit: make(chan struct{})}
	w.done.Add(1)
	go w.loop()
	return w
}

// run executes fn in a transaction and returns its error, or the commit's.
// fn gets a context without the caller's cancellation: SQLite answers an
// interrupted write by rolling back the whole transaction, which here
// holds other people's work. A caller that gives up before its turn is
// skipped; one that gives up during its turn still waits for the commit,
// so that it never reports failure for a write that was kept.
func (w *groupWriter) run(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, result: make(chan error, 1)}
	select {
	case w.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return errClosed
	}
	return <-req.result
}

var errClosed = fmt.Errorf("store: closed")

func (w *groupWriter) loop() {
	defer w.done.Done()
	for {
		var first *writeReq
		select {
		case first = <-w.queue:
		case <-w.quit:
			// Answer whatever is still queued before stopping.
			for {
				select {
				case r := <-w.queue:
					r.result <- errClosed
				default:
					return
				}
			}
		}
		group := []*writeReq{first}
	drain:
		for len(group) < maxGroup {
			select {
			case r := <-w.queue:
				group = append(group, r)
			default:
				break drain
			}
		}
		w.commit(group)
	}
}

// commit runs a group in one transaction, each request in a savepoint.
func (w *groupWriter) commit(group []*writeReq) {
	errs := make([]error, len(group))
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range group {
			r.result <- fmt.Errorf("begin write: %w", err)
		}
		return
	}
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = runSavepoint(tx, r)
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
	for i, r := range group {
		r.result <- errs[i]
	}
}

func runSavepoint(tx *sql.Tx, r *writeReq) (err error) {
	ctx := context.WithoutCancel(r.ctx)
	if _, err := tx.ExecContext(ctx, "SAVEPOINT request"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: panic in a write: %v", v)
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO request"); rerr != nil {
				err = fmt.Errorf("%w (and rolling back: %v)", err, rerr)
			}
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE request"); rerr != nil && err == nil {
			err = fmt.Errorf("release savepoint: %w", rerr)
		}
	}()
	return r.fn(ctx, tx)
}

// close stops the writer after the group in progress.
func (w *groupWriter) close() {
	close(w.quit)
	w.done.Wait()
}
