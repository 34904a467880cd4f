package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"kobicrm/store/tr"
)

// The "Bugün" (today) page's questions: what is overdue or due today for
// me, what comes next, which customers I opened lately, and how far the
// firm is with ETK consent.

// Agenda is a user's planned work around now.
type Agenda struct {
	Overdue []*Record // planned before now
	Today   []*Record // planned for the rest of today
	Next    []*Record // appointments (calls, visits, meetings) after today
}

// agendaLimit bounds each part of the agenda.
const agendaLimit = 20

// AgendaOf reads the actor's planned activities, as owner or participant:
// the overdue ones and today's (tasks, calls, meetings …), and the next
// appointments in the coming two weeks. Each goes through the actor's
// read scope like any list.
func (s *Store) AgendaOf(ctx context.Context, a *Actor, at time.Time) (*Agenda, error) {
	m := s.mod(Activities)
	if !a.Can(m, ActRead) || a.UserID == 0 {
		return &Agenda{}, nil
	}
	local := at.In(tr.Istanbul)
	dayEnd := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, tr.Istanbul)
	nowText := at.UTC().Format(tr.DateTimeLayout)
	endText := dayEnd.UTC().Format(tr.DateTimeLayout)
	horizon := dayEnd.AddDate(0, 0, 14).UTC().Format(tr.DateTimeLayout)

	due, err := s.myPlanned(ctx, a, m, "", endText, "", 2*agendaLimit)
	if err != nil {
		return nil, err
	}
	out := &Agenda{}
	for _, r := range due {
		if r.Values.Str("starts_at") < nowText {
			if len(out.Overdue) < agendaLimit {
				out.Overdue = append(out.Overdue, r)
			}
		} else if len(out.Today) < agendaLimit {
			out.Today = append(out.Today, r)
		}
	}
	if out.Next, err = s.myPlanned(ctx, a, m, endText, horizon, "t.type IN ('call', 'visit', 'meeting')", 8); err != nil {
		return nil, err
	}
	return out, nil
}

// myPlanned lists the actor's planned activities starting in [from, to)
// ("" leaves an end open), oldest first: the ones they own, read along
// the (owner, status, time) index so that a user with tens of thousands
// of planned activities reads only a page of them, and the few they take
// part in, merged in.
func (s *Store) myPlanned(ctx context.Context, a *Actor, m *Module, from, to, extra string, limit int) ([]*Record, error) {
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	cond := []string{"t.status = 'planned'", "t.deleted_at IS NULL"}
	var params []any
	if from != "" {
		cond = append(cond, "t.starts_at >= ?")
		params = append(params, from)
	}
	if to != "" {
		cond = append(cond, "t.starts_at < ?")
		params = append(params, to)
	}
	if extra != "" {
		cond = append(cond, extra)
	}
	if scope != "" {
		cond = append(cond, scope)
		params = append(params, args...)
	}
	where := strings.Join(cond, " AND ")
	var out []*Record
	// The participant's are read from their side: CROSS JOIN keeps SQLite
	// from walking every planned activity by time to find the few.
	for _, from := range []string{
		"activities t WHERE t.owner_id = ?",
		"activities_participants p CROSS JOIN activities t ON t.id = p.record_id WHERE p.ref_id = ? AND t.owner_id IS NOT p.ref_id",
	} {
		all := append([]any{a.UserID}, params...)
		rows, err := s.reads.query(ctx, "SELECT "+m.selectList("t")+" FROM "+from+" AND "+where+
			" ORDER BY t.starts_at, t.id LIMIT ?", append(all, limit)...)
		if err != nil {
			return nil, fmt.Errorf("agenda: %w", err)
		}
		rs := m.newRowScanner(m.columns())
		for rows.Next() {
			r, err := rs.scan(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("agenda: %w", err)
			}
			out = append(out, r)
		}
		if err := closeRows(rows, "agenda"); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(x, y *Record) int {
		return cmp.Or(strings.Compare(x.Values.Str("starts_at"), y.Values.Str("starts_at")), cmp.Compare(x.ID, y.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	if err := s.loadRefs(ctx, m, out); err != nil {
		return nil, err
	}
	redact(a, m, out...)
	return out, nil
}

// RecentlyViewed are the customers the actor opened most recently, newest
// first, as the audit trail's read entries tell (KVKK logs each user's
// opening of a record once an hour), still within the actor's scope.
func (s *Store) RecentlyViewed(ctx context.Context, a *Actor, limit int) ([]*Record, error) {
	m := s.mod(Customers)
	if !a.Can(m, ActRead) || a.UserID == 0 {
		return nil, nil
	}
	// The reads' own index (migration 0028), named so that a user's other
	// entries, however many, are never walked.
	rows, err := s.reads.query(ctx, `SELECT record_id FROM audit_log INDEXED BY audit_reads
		WHERE user_id = ? AND module = ? AND action = 'read'
		ORDER BY id DESC LIMIT 200`, a.UserID, m.Key)
	if err != nil {
		return nil, fmt.Errorf("recently viewed: %w", err)
	}
	var ids []any
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("recently viewed: %w", err)
		}
		if !seen[id] && len(ids) < limit {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if err := closeRows(rows, "recently viewed"); err != nil || len(ids) == 0 {
		return nil, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	cond := "t.deleted_at IS NULL"
	if scope != "" {
		cond += " AND " + scope
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("recently viewed: %w", err)
	}
	// The ids drive the join, or a scope's owner would walk all their
	// customers to find these few.
	cols := m.listColumns([]string{"display_name", "kind", "stage", "phone"}, "")
	recs, err := s.reads.query(ctx, "SELECT "+selectColumns(cols)+" FROM json_each(?) ids CROSS JOIN customers t ON t.id = ids.value WHERE "+cond,
		append([]any{string(list)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("recently viewed: %w", err)
	}
	byID := map[int64]*Record{}
	for recs.Next() {
		r, err := m.scanColumns(recs, cols)
		if err != nil {
			recs.Close()
			return nil, fmt.Errorf("recently viewed: %w", err)
		}
		byID[r.ID] = r
	}
	if err := closeRows(recs, "recently viewed"); err != nil {
		return nil, err
	}
	out := make([]*Record, 0, len(byID))
	for _, id := range ids {
		if r := byID[id.(int64)]; r != nil {
			out = append(out, r)
		}
	}
	redact(a, m, out...)
	return out, nil
}

// ConsentShare is the firm's standing in ETK consent: of its live
// customers, how many granted consent (ONAY, latest decision on at least
// one address) on each channel.
type ConsentShare struct {
	Customers int
	Granted   map[string]int // by channel
	At        time.Time      // when it was counted
}

// shareTTL is how long a counted share is served before it is counted
// again. The figure is a company goal watched over weeks; counting it
// over every consent for each home page would cost more than the page.
const shareTTL = time.Minute

// shareCache keeps the last count per store.
type shareCache struct {
	mu       sync.Mutex
	share    *ConsentShare
	counting bool
}

// ConsentShareOf returns the firm's consent share, counted at most a
// minute ago. A stale figure is served while a fresh one is counted in the
// background, so that no page waits for the count but the very first.
func (s *Store) ConsentShareOf(ctx context.Context, a *Actor) (*ConsentShare, error) {
	if !a.Can(s.mod(Customers), ActRead) {
		return nil, ErrForbidden
	}
	c := &s.share
	c.mu.Lock()
	cur := c.share
	stale := cur == nil || now().Sub(cur.At) > shareTTL
	if stale && cur != nil && !c.counting {
		c.counting = true
		go func() {
			fresh, err := s.countConsentShare(context.Background())
			c.mu.Lock()
			defer c.mu.Unlock()
			c.counting = false
			if err == nil {
				c.share = fresh
			}
		}()
	}
	c.mu.Unlock()
	if cur != nil {
		return cur, nil
	}
	fresh, err := s.countConsentShare(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.share = fresh
	c.mu.Unlock()
	return fresh, nil
}

// countConsentShare counts the share: the latest decision per customer,
// channel and address, of live customers only.
func (s *Store) countConsentShare(ctx context.Context) (*ConsentShare, error) {
	out := &ConsentShare{Granted: map[string]int{}, At: now()}
	if err := s.reads.queryRow(ctx, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").Scan(&out.Customers); err != nil {
		return nil, fmt.Errorf("count customers: %w", err)
	}
	rows, err := s.reads.query(ctx, `SELECT channel, count(DISTINCT customer_id) FROM (
			SELECT c.customer_id, c.channel, c.status,
				row_number() OVER (PARTITION BY c.customer_id, c.channel, c.recipient ORDER BY c.consent_date DESC, c.id DESC) AS n
			FROM consents c WHERE c.deleted_at IS NULL)
		WHERE n = 1 AND status = 'ONAY' AND customer_id IN (SELECT id FROM customers WHERE deleted_at IS NULL)
		GROUP BY channel`)
	if err != nil {
		return nil, fmt.Errorf("count consent share: %w", err)
	}
	for rows.Next() {
		var ch string
		var n int
		if err := rows.Scan(&ch, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("count consent share: %w", err)
		}
		out.Granted[ch] = n
	}
	return out, closeRows(rows, "consent share")
}
