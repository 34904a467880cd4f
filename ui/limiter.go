package ui

import (
	"sync"
	"time"
)

// loginLimiter slows password guessing: after too many failures for one
// account, or from one address, login is refused for a while, and the
// person is told for how long. Failures are kept in memory; a restart
// forgets them, which only helps whoever restarts the server in the office.
type loginLimiter struct {
	mu         sync.Mutex
	failures   map[string][]time.Time
	window     time.Duration
	perAccount int
	perAddress int
	now        func() time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{
		failures:   map[string][]time.Time{},
		window:     15 * time.Minute,
		perAccount: 5,
		perAddress: 20,
		now:        time.Now,
	}
}

func accountKey(email string) string { return "account:" + email }
func addressKey(ip string) string    { return "address:" + ip }

func (l *loginLimiter) limitFor(key string) int {
	if len(key) > 8 && key[:8] == "address:" {
		return l.perAddress
	}
	return l.perAccount
}

// wait says how long the keys are still blocked; 0 means go ahead.
func (l *loginLimiter) wait(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	var longest time.Duration
	for _, k := range keys {
		fs := l.recent(k, t)
		if len(fs) >= l.limitFor(k) {
			// Free again when the oldest failure that still counts leaves
			// the window.
			if d := fs[len(fs)-l.limitFor(k)].Add(l.window).Sub(t); d > longest {
				longest = d
			}
		}
	}
	return longest
}

// fail records a failed attempt against every key.
func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if len(l.failures) > 10000 {
		for k := range l.failures {
			if len(l.recent(k, t)) == 0 {
				delete(l.failures, k)
			}
		}
	}
	for _, k := range keys {
		l.failures[k] = append(l.recent(k, t), t)
	}
}

// reset forgets an account's failures after a successful login.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *loginLimiter) recent(key string, t time.Time) []time.Time {
	fs := l.failures[key]
	i := 0
	for i < len(fs) && t.Sub(fs[i]) >= l.window {
		i++
	}
	if i > 0 {
		fs = append([]time.Time(nil), fs[i:]...)
		if len(fs) == 0 {
			delete(l.failures, key)
		} else {
			l.failures[key] = fs
		}
	}
	return fs
}
