package store

import (
	"context"
	"fmt"
	"sync"
)

// permCache keeps each user's merged role rights, and the users' names,
// between requests. An entry holds for one security generation (migration
// 0025: a counter that triggers raise on every change to users, roles,
// grants and role holders, in the change's own transaction) and one set
// of module declarations. The
// session's and the token's queries read the generation with the user, so
// a changed role still takes effect on the next request, also when
// another process (the command line) changed it.
type permCache struct {
	mu     sync.Mutex
	gen    int64
	set    *moduleSet
	byUser map[int64]*perms
	dir    *directory // the users' names at gen, read when first asked
}

// directory is every user's name, and the active ones in name order: what
// the pages show as owners and offer as assignees.
type directory struct {
	names  map[int64]string
	active []User
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
	// A newer generation, or new declarations at the same one (a custom
	// field added), starts the cache over; an older request never takes
	// it back to its generation.
	if gen > c.gen || (gen == c.gen && set != c.set) {
		c.gen, c.set, c.byUser, c.dir = gen, set, map[int64]*perms{}, nil
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

// userDirectory is the users' names for a page whose user was read at a
// security generation (noted in its context by the session or token
// read), kept between pages until a user changes; nil for a request with
// no generation or an older one than the cache's, which read the users
// table themselves.
func (s *Store) userDirectory(ctx context.Context) (*directory, error) {
	gen := requestGeneration(ctx)
	if gen == 0 {
		return nil, nil
	}
	c := &s.permCache
	c.mu.Lock()
	if gen > c.gen {
		c.gen, c.set, c.byUser, c.dir = gen, s.mods.Load(), map[int64]*perms{}, nil
	}
	d, current := c.dir, gen == c.gen
	c.mu.Unlock()
	if !current {
		return nil, nil
	}
	if d != nil {
		return d, nil
	}
	rows, err := s.reads.query(ctx, "SELECT id, name, active FROM users ORDER BY sort_key, id")
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	d = &directory{names: map[int64]string{}}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Name, &u.Active); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read users: %w", err)
		}
		d.names[u.ID] = u.Name
		if u.Active {
			d.active = append(d.active, u)
		}
	}
	if err := closeRows(rows, "users"); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.dir = d
	}
	c.mu.Unlock()
	return d, nil
}
