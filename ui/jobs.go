package ui

import (
	"context"
	"math"
	"runtime/debug"
	"sync"

	"kobicrm/store"
)

// jobs is the server's work that outlives a request: the import runs a
// person starts and may leave and come back to. Each job gets a context
// that ends when the server closes, and close waits for every job to
// return, so the database is never closed under a running import.
type jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	running map[int64]bool // imports being run, by id
}

func newJobs() *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, running: map[int64]bool{}}
}

// start runs fn for the import id in the background. It reports false,
// running nothing, when the import is already being run or the server
// is closing.
func (j *jobs) start(id int64, fn func(ctx context.Context)) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed || j.running[id] {
		return false
	}
	j.running[id] = true
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		defer func() {
			j.mu.Lock()
			delete(j.running, id)
			j.mu.Unlock()
		}()
		fn(j.ctx)
	}()
	return true
}

// busy says whether the import is being run now.
func (j *jobs) busy(id int64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running[id]
}

// close ends every job's context and waits until each has returned.
func (j *jobs) close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.cancel()
	j.wg.Wait()
}

// The server keeps its Go heap under a soft limit (main's tuneMemory: 32
// MB), which the pages never come near. An import holds more: its file, a
// batch or two of rows and the index of likely duplicates. Under the
// page-sized limit the collector ran without pause and a 100,000-row
// import took 18 s instead of under 10, so while imports run the limit is
// raised by store.ImportHeadroom, and put back when the last one ends.
var importMemory struct {
	sync.Mutex
	running int
	saved   int64
}

// raiseMemoryLimit gives an import its headroom and returns the function
// that takes it back.
func raiseMemoryLimit() (restore func()) {
	importMemory.Lock()
	defer importMemory.Unlock()
	if importMemory.running == 0 {
		importMemory.saved = debug.SetMemoryLimit(-1) // -1 reads it
		if importMemory.saved < math.MaxInt64-store.ImportHeadroom {
			debug.SetMemoryLimit(importMemory.saved + store.ImportHeadroom)
		}
	}
	importMemory.running++
	return func() {
		importMemory.Lock()
		defer importMemory.Unlock()
		if importMemory.running--; importMemory.running == 0 {
			debug.SetMemoryLimit(importMemory.saved)
		}
	}
}
