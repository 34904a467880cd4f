package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// readStmts caches prepared statements on the reader pool by their SQL.
// Queries are built from the module declarations, so their texts are a
// small bounded set, and preparing a list query anew on every request cost
// a quarter of the list's time in SQLite's parser. database/sql prepares a
// cached statement once per pooled connection and reuses it after.
type readStmts struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxCachedStmts bounds the cache; a query past it is prepared each time.
const maxCachedStmts = 512

func (c *readStmts) stmt(ctx context.Context, query string) (*sql.Stmt, bool, error) {
	c.mu.Lock()
	st, ok := c.m[query]
	c.mu.Unlock()
	if ok {
		return st, true, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if other, ok := c.m[query]; ok { // prepared meanwhile by another request
		st.Close()
		return other, true, nil
	}
	if len(c.m) >= maxCachedStmts {
		return st, false, nil
	}
	c.m[query] = st
	return st, true, nil
}

// query runs a read query through the cache.
func (c *readStmts) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = uncancelled(ctx)
	st, cached, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if !cached {
		// An uncached statement must outlive its rows; database/sql closes
		// the rows' statement resources with them.
		defer st.Close()
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a one-row read query through the cache.
func (c *readStmts) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = uncancelled(ctx)
	st, cached, err := c.stmt(ctx, query)
	if err != nil {
		// A failed prepare surfaces at Scan, as with DB.QueryRowContext.
		return c.db.QueryRowContext(ctx, query, args...)
	}
	if !cached {
		defer st.Close()
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *readStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// QueryContext, QueryRowContext and ExecContext let the cache stand where
// a querier is taken. The reader pool is query-only, so Exec is refused.
func (c *readStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.query(ctx, query, args...)
}

func (c *readStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.queryRow(ctx, query, args...)
}

func (c *readStmts) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, errReadOnly
}

var errReadOnly = errors.New("store: a write on the read-only pool")

// txStmts is a transaction that prepares each statement once. A bulk path
// runs the same few statements (the insert, the reference checks, the
// side tables) for thousands of rows, and parsing them again for every
// row was a sixth of an import's time. It closes its statements with
// close, before the transaction ends.
type txStmts struct {
	tx *sql.Tx
	m  map[string]*sql.Stmt
}

func newTxStmts(tx *sql.Tx) *txStmts { return &txStmts{tx: tx, m: map[string]*sql.Stmt{}} }

func (c *txStmts) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = st
	return st, nil
}

func (c *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext falls back to the plain transaction when the statement
// does not prepare, so that its *sql.Row carries the error.
func (c *txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *txStmts) close() {
	for _, st := range c.m {
		st.Close()
	}
	clear(c.m)
}

// uncancelled is a read's context without its cancellation (its values
// stay). For a context that can be cancelled, database/sql and the driver
// each start a goroutine per query to watch it — two goroutines for every
// read of a page, a tenth of a list page's time on two cores — while a
// page's reads take milliseconds: a request whose browser went away ends
// at its next write to the connection instead.
func uncancelled(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}
