package store

import (
	"context"
	"sync"
)

// permCache keeps each user's merged role rights between requests. An
// entry holds for one security generation (migration 0025: a counter that
// triggers raise on every change to roles, grants and role holders, in
// the change's own transaction) and one set of module declarations. The
// session's and the token's queries read the generation with the user, so
// a changed role still takes effect on the next request, also when
// another process (the command line) changed it.
type permCache struct {
	mu     sync.Mutex
	gen    int64
	set    *moduleSet
	byUser map[int64]*perms
}

// securityGeneration is the column the session and token queries add to
// read the generation with the user.
const securityGeneration = "(SELECT n FROM security_generation WHERE id = 1)"

// maxCachedPerms bounds the cache; past it, it starts over.
const maxCachedPerms = 1000

// withCachedPerms is withPerms for a user read at security generation
// gen: the rights merged at that generation when known, else read now.
func (s *Store) withCachedPerms(ctx context.Context, u *User, gen int64) (*User, error) {
	set := s.mods.Load()
	c := &s.permCache
	c.mu.Lock()
	if gen > c.gen || set != c.set {
		c.gen, c.set, c.byUser = gen, set, map[int64]*perms{}
	}
	p, ok := c.byUser[u.ID]
	hit := ok && gen == c.gen
	c.mu.Unlock()
	if hit {
		u.perms = p
		return u, nil
	}
	// A request that read an older generation than the cache's (it began
	// before a role changed) reads the roles itself and keeps nothing.
	p, err := loadPerms(ctx, s.reads, u.ID, set)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen && c.set == set {
		if len(c.byUser) >= maxCachedPerms {
			c.byUser = map[int64]*perms{}
		}
		c.byUser[u.ID] = p
	}
	c.mu.Unlock()
	u.perms = p
	return u, nil
}
