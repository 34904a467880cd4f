package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// AuditQuery picks entries of the whole audit trail.
type AuditQuery struct {
	UserID   int64  // 0 for everyone
	Module   string // a module key, "" for all
	RecordID int64  // 0 for every record
	Action   string // one of the Action… constants, "" for all
	// From and To bound the day (inclusive, Istanbul), as "05.01.2026" or
	// "2026-01-05"; "" for no bound.
	From, To string
	Limit    int   // at most maxLogPage; 0 for the default
	Before   int64 // the Next of the previous page; 0 for the newest
}

// AuditLogEntry is an entry of the whole trail: a history entry and the
// record it is about.
type AuditLogEntry struct {
	ID       int64
	Module   string
	RecordID int64
	AuditEntry
}

// AuditPage is one page of the audit trail, newest first.
type AuditPage struct {
	Entries []AuditLogEntry
	Next    int64 // Before for the next (older) page; 0 on the last
}

// AuditLog reads the audit trail across all records, for administrators.
// Reading it writes nothing, not even to the trail itself.
func (s *Store) AuditLog(ctx context.Context, a *Actor, q AuditQuery) (*AuditPage, error) {
	if err := authorize(a, "audit", "admin"); err != nil {
		return nil, err
	}
	where, args, err := logDayBounds("at", q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	for _, c := range []struct {
		cond string
		val  any
		set  bool
	}{
		{"user_id = ?", q.UserID, q.UserID > 0},
		{"module = ?", q.Module, q.Module != ""},
		{"record_id = ?", q.RecordID, q.RecordID > 0},
		{"action = ?", q.Action, q.Action != ""},
		{"id < ?", q.Before, q.Before > 0},
	} {
		if c.set {
			where = append(where, c.cond)
			args = append(args, c.val)
		}
	}
	limit := logPageLimit(q.Limit)
	query := "SELECT id, at, COALESCE(user_id, 0), actor, action, module, record_id, changes FROM audit_log"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.reads.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	p := &AuditPage{}
	for rows.Next() {
		var e AuditLogEntry
		var at, changes string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Module, &e.RecordID, &changes); err != nil {
			rows.Close()
			return nil, fmt.Errorf("audit log: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		if e.Changes, err = decodeChanges(changes); err != nil {
			rows.Close()
			return nil, fmt.Errorf("audit log entry %d: %w", e.ID, err)
		}
		p.Entries = append(p.Entries, e)
	}
	if err := closeRows(rows, "audit log"); err != nil {
		return nil, err
	}
	if len(p.Entries) > limit {
		p.Entries = p.Entries[:limit]
		p.Next = p.Entries[limit-1].ID
	}
	return p, nil
}

// decodeChanges reads an entry's changes column back.
func decodeChanges(body string) ([]Change, error) {
	if body == "" {
		return nil, nil
	}
	var cs []changeJSON
	if err := json.Unmarshal([]byte(body), &cs); err != nil {
		return nil, err
	}
	out := make([]Change, len(cs))
	for i, c := range cs {
		out[i] = Change(c)
	}
	return out, nil
}

// AuditUsers lists every user who can appear in the trails, those no
// longer active too (their entries stay), by name, for administrators'
// filters.
func (s *Store) AuditUsers(ctx context.Context, a *Actor) ([]User, error) {
	if err := authorize(a, "audit", "admin"); err != nil {
		return nil, err
	}
	return s.queryUsers(ctx, "audit users", "SELECT "+userColumns+" FROM users ORDER BY sort_key, id")
}
