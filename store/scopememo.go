package store

import (
	"context"
	"sync"
)

// A scope memo remembers, for one page being read, the answers of
// inScope: whether the actor may take an action on a record. The 360°
// page asks it of the same customer for each of its sections (activities,
// sales, service, consents …), each a query before; with the memo the
// first asks and the rest reuse the answer. It is for reads only: a
// write's transaction asks its own transaction, never the memo, so a
// record changed within the request is seen as it is now.
type scopeMemo struct {
	mu sync.Mutex
	m  map[scopeQuestion]bool
	// gen is the security generation the request's user was read at
	// (permcache.go), 0 until then: the users' names may come from the
	// directory kept at that generation.
	gen int64
}

// scopeQuestion is inScope's query and its arguments: the scope's
// condition already names the actor.
type scopeQuestion struct {
	query, args string
}

type scopeMemoKey struct{}

// WithScopeMemo returns a context whose reads remember their scope
// answers: a request's context, for as long as the request lasts.
func WithScopeMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, scopeMemoKey{}, &scopeMemo{m: map[scopeQuestion]bool{}})
}

// memoFor is the memo of a read through the shared read connections; a
// query inside a transaction gets none.
func memoFor(ctx context.Context, q querier) *scopeMemo {
	if _, ok := q.(*readStmts); !ok {
		return nil
	}
	return requestMemo(ctx)
}

// requestMemo is the request's memo, nil outside a page's read.
func requestMemo(ctx context.Context) *scopeMemo {
	memo, _ := ctx.Value(scopeMemoKey{}).(*scopeMemo)
	return memo
}

func (c *scopeMemo) get(k scopeQuestion) (ok, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ok, known = c.m[k]
	return ok, known
}

func (c *scopeMemo) put(k scopeQuestion, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = ok
}

// noteGeneration records in the request's memo the security generation
// its user was read at.
func noteGeneration(ctx context.Context, gen int64) {
	if memo := requestMemo(ctx); memo != nil {
		memo.mu.Lock()
		memo.gen = gen
		memo.mu.Unlock()
	}
}

// requestGeneration is the security generation noted for the request, 0
// when none was (a write, the command line, a test's direct call).
func requestGeneration(ctx context.Context) int64 {
	memo := requestMemo(ctx)
	if memo == nil {
		return 0
	}
	memo.mu.Lock()
	defer memo.mu.Unlock()
	return memo.gen
}
