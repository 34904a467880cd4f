package store

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// The writer connection keeps the statements it executes, by their SQL,
// for its whole life. A write runs inside a transaction the group writer
// holds, so the reader side's cache of *sql.Stmt (readStmts) cannot serve
// it: preparing a database/sql statement needs a free connection, and
// the writer has one. The cache sits below database/sql instead, on the
// driver connection. Preparing the customer's insert is costly, as SQLite
// compiles every trigger on the table into it (search index, ETK badge
// columns, unread counts, security generation): before this, parsing took
// a fifth of the writer's time when customers were created one by one.
// Only Exec is cached: a query's rows own their statement until closed.

// writerConnector opens the writer's connection through the sqlite
// driver (with the functions the store registers on it) and wraps it.
type writerConnector struct{ inner driver.Connector }

func newWriterConnector(dsn string) (driver.Connector, error) {
	inner, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("writer connector: %w", err)
	}
	return writerConnector{inner}, nil
}

func (c writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("writer connection: the driver's %T lacks an interface the store uses", conn)
	}
	return &stmtConn{sqliteConn: sc, stmts: map[string]driver.Stmt{}}, nil
}

func (c writerConnector) Driver() driver.Driver { return c.inner.Driver() }

// sqliteConn is what database/sql uses of the driver's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// stmtConn is the writer's connection with its executed statements kept.
// database/sql never uses one connection from two goroutines at once, so
// the map needs no lock.
type stmtConn struct {
	sqliteConn
	stmts map[string]driver.Stmt
}

// ExecContext runs query with the statement prepared the first time the
// query was seen. The driver resets a statement after each run, so no
// lock or transaction outlives it. Past maxCachedStmts texts, a new one
// is prepared, run and closed, as without the cache.
func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st, ok := c.stmts[query]
	if !ok {
		var err error
		if st, err = c.sqliteConn.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if len(c.stmts) < maxCachedStmts {
			c.stmts[query] = st
		} else {
			defer st.Close()
		}
	}
	exec, ok := st.(driver.StmtExecContext)
	if !ok {
		return nil, fmt.Errorf("writer statement: the driver's %T cannot execute with a context", st)
	}
	return exec.ExecContext(ctx, args)
}

// Close finalizes the kept statements, then closes the connection: SQLite
// refuses to close a connection whose statements are still open.
func (c *stmtConn) Close() error {
	var first error
	for q, st := range c.stmts {
		if err := st.Close(); err != nil && first == nil {
			first = fmt.Errorf("close statement %.40q: %w", q, err)
		}
	}
	c.stmts = nil
	if err := c.sqliteConn.Close(); err != nil {
		return err
	}
	return first
}
