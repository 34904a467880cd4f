package ui

import (
	"net/http"
	"runtime"
	"time"
)

// admission lets at most as many reading requests run at once as the
// machine has cores, and serves the rest in the order they came. Without
// it every request that arrived started at once and they all shared the
// cores, so under load some finished in 5 ms and some, overtaken again
// and again, in 25 ms. In turn, each runs almost alone, and a page takes
// its own time plus its wait in the queue: the same throughput with a
// much shorter slowest percent (README, performance).
//
// Only GET and HEAD wait: a write may wait for SQLite's write lock, and
// must not hold a turn while it does. A request that has waited maxWait
// runs anyway, so one that holds its turn for long (an export still
// running) delays the others by at most that. A rendered page gives its
// turn back before it is sent, as the client may take its time to read
// it; handlers known to run long give theirs back at once (releaseTurn).
type admission struct {
	turns   chan struct{}
	maxWait time.Duration
}

func newAdmission(turns int, maxWait time.Duration) *admission {
	return &admission{turns: make(chan struct{}, turns), maxWait: maxWait}
}

// defaultAdmission has a turn per core the Go scheduler uses.
func defaultAdmission() *admission {
	return newAdmission(runtime.GOMAXPROCS(0), 100*time.Millisecond)
}

// wrap queues the reading requests. A channel serves goroutines blocked
// on sending to it first come, first served, which is the queue.
func (a *admission) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		turn, ok := a.enter(r)
		if !ok {
			return // the client left while it waited
		}
		if turn {
			st := state(r)
			st.release = a.leave
			defer st.releaseTurn()
		}
		next.ServeHTTP(w, r)
	})
}

// enter takes a turn (turn), or lets the request run without one once it
// has waited maxWait; ok is false when the client went away first.
func (a *admission) enter(r *http.Request) (turn, ok bool) {
	select {
	case a.turns <- struct{}{}:
		return true, true
	default:
	}
	t := time.NewTimer(a.maxWait)
	defer t.Stop()
	select {
	case a.turns <- struct{}{}:
		return true, true
	case <-t.C:
		return false, true
	case <-r.Context().Done():
		return false, false
	}
}

func (a *admission) leave() { <-a.turns }

// releaseTurn gives the request's turn back, once; a handler that will
// run long (an export) calls it before it starts, the gate again after.
func (st *request) releaseTurn() {
	if st.release != nil {
		release := st.release
		st.release = nil
		release()
	}
}
