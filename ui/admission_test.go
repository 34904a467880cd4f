package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gated serves one request through a's gate with the request state the
// middleware would have attached.
func gated(h http.Handler, method string, ctx context.Context) *httptest.ResponseRecorder {
	r := httptest.NewRequestWithContext(context.WithValue(ctx, ctxKey{}, &request{}), method, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// holder is a handler that counts who is inside and waits to be let go.
type holder struct {
	inside, most atomic.Int32
	entered      chan struct{}
	letGo        chan struct{}
	release      bool // gives its turn back at once, as an export does
}

func newHolder() *holder {
	return &holder{entered: make(chan struct{}, 100), letGo: make(chan struct{})}
}

func (h *holder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.release {
		state(r).releaseTurn()
	}
	n := h.inside.Add(1)
	for m := h.most.Load(); n > m && !h.most.CompareAndSwap(m, n); m = h.most.Load() {
	}
	h.entered <- struct{}{}
	<-h.letGo
	h.inside.Add(-1)
}

func waitEntered(t *testing.T, h *holder, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-h.entered:
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d requests got in", i, n)
		}
	}
}

func TestAdmissionLetsAsManyReadsRunAsItHasTurns(t *testing.T) {
	a := newAdmission(2, time.Minute)
	h := newHolder()
	gate := a.wrap(h)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); gated(gate, http.MethodGet, context.Background()) }()
	}
	waitEntered(t, h, 2)
	// The other three wait for a turn: none gets in while the two stay.
	select {
	case <-h.entered:
		t.Fatal("a third request ran while two held both turns")
	case <-time.After(200 * time.Millisecond):
	}
	// Each request that ends lets the next one in, until all have run.
	for range 5 {
		h.letGo <- struct{}{}
	}
	waitEntered(t, h, 3)
	wg.Wait()
	if got := h.most.Load(); got != 2 {
		t.Errorf("at most %d requests ran at once, want 2", got)
	}
	if len(a.turns) != 0 {
		t.Errorf("%d turns still held after every request ended", len(a.turns))
	}
}

func TestAdmissionDoesNotQueueWrites(t *testing.T) {
	a := newAdmission(1, time.Minute)
	h := newHolder()
	gate := a.wrap(h)
	done := make(chan struct{})
	go func() { gated(gate, http.MethodGet, context.Background()); close(done) }()
	waitEntered(t, h, 1)
	// The only turn is taken; a POST runs beside it all the same.
	go gated(gate, http.MethodPost, context.Background())
	waitEntered(t, h, 1)
	h.letGo <- struct{}{}
	h.letGo <- struct{}{}
	<-done
}

func TestAdmissionRunsARequestThatWaitedTooLong(t *testing.T) {
	a := newAdmission(1, 50*time.Millisecond)
	h := newHolder()
	gate := a.wrap(h)
	first, second := make(chan struct{}), make(chan struct{})
	go func() { gated(gate, http.MethodGet, context.Background()); close(first) }()
	waitEntered(t, h, 1)
	// The turn stays taken; the second request runs after its wait.
	go func() { gated(gate, http.MethodGet, context.Background()); close(second) }()
	waitEntered(t, h, 1)
	h.letGo <- struct{}{}
	h.letGo <- struct{}{}
	// The one that ran without a turn gives none back: had it taken the
	// first one's, the first would wait for a turn to return forever.
	for _, done := range []chan struct{}{first, second} {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("a request never finished: the turns were miscounted")
		}
	}
	if len(a.turns) != 0 {
		t.Fatalf("%d turns held after both requests ended", len(a.turns))
	}
}

func TestAdmissionReleasedTurnLetsTheNextIn(t *testing.T) {
	a := newAdmission(1, time.Minute)
	export := newHolder()
	export.release = true
	go gated(a.wrap(export), http.MethodGet, context.Background())
	waitEntered(t, export, 1)
	// The export runs on without its turn; a page gets it meanwhile.
	page := newHolder()
	done := make(chan struct{})
	go func() { gated(a.wrap(page), http.MethodGet, context.Background()); close(done) }()
	waitEntered(t, page, 1)
	page.letGo <- struct{}{}
	<-done
	export.letGo <- struct{}{}
}

func TestAdmissionDropsAWaiterWhoseClientLeft(t *testing.T) {
	a := newAdmission(1, time.Minute)
	h := newHolder()
	gate := a.wrap(h)
	go gated(gate, http.MethodGet, context.Background())
	waitEntered(t, h, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { gated(gate, http.MethodGet, ctx); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the request of a client that left still waits")
	}
	h.letGo <- struct{}{}
	select {
	case <-h.entered:
		t.Fatal("the request of a client that left was served")
	case <-time.After(100 * time.Millisecond):
	}
}
