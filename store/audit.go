package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// The actions the audit trail records.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionRestore = "restore"
	ActionPurge   = "purge"
	ActionLink    = "link"   // a contact person linked to a company
	ActionUnlink  = "unlink" // and unlinked
	ActionRead    = "read"   // a person's record was opened (KVKK)
	ActionExport  = "export" // records were exported (record_id 0: the list)
	ActionImport  = "import" // records were imported (record_id 0: the run)
	ActionMerge   = "merge"  // a duplicate was merged into this record
)

// readLogEvery is how often one user's reading of one record is logged:
// KVKK asks who read personal data, not how many times they reloaded it.
const readLogEvery = time.Hour

// logRead records that a user opened a record of a personal-data module,
// at most once an hour per user and record. It writes only when there is
// something to record, so a reload stays a read.
func (s *Store) logRead(ctx context.Context, a *Actor, m *Module, id int64) error {
	if !m.Personal || a == nil || a.UserID == 0 {
		return nil
	}
	t := now()
	key := readKey{m.Key, id, a.UserID}
	if s.readLog.loggedSince(key, t.Add(-readLogEvery)) {
		return nil // this process logged or saw the read within the hour
	}
	since := timeText(t.Add(-readLogEvery))
	// By the record's entries (a few), not the user's reads (audit_reads:
	// thousands a year), which SQLite would otherwise choose.
	const recent = "SELECT coalesce(max(at), '') FROM audit_log INDEXED BY audit_record WHERE module = ? AND record_id = ? AND user_id = ? AND action = 'read' AND at > ?"
	var last string
	if err := s.reads.queryRow(ctx, recent, m.Key, id, a.UserID, since).Scan(&last); err != nil {
		return fmt.Errorf("log read of %s %d: %w", m.Key, id, err)
	}
	if last != "" {
		if at, err := parseTime(last); err == nil {
			s.readLog.note(key, at)
		}
		return nil
	}
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, recent, m.Key, id, a.UserID, since).Scan(&last); err != nil || last != "" {
			return err
		}
		return audit(ctx, tx, a, ActionRead, m, id, nil)
	})
	if err == nil {
		s.readLog.note(key, t)
	}
	return err
}

// readKey is one user's reading of one record.
type readKey struct {
	module string
	id     int64
	user   int64
}

// readLogMemo remembers when each recently read record's read was last
// logged, so that reopening a customer within the hour asks the audit
// trail nothing: the check was a query on every 360° page.
type readLogMemo struct {
	mu sync.Mutex
	at map[readKey]time.Time
}

// maxReadMemo bounds the memo; past it, it starts over (and asks the
// audit trail again).
const maxReadMemo = 10000

// loggedSince says whether the read is known to be logged after since.
func (c *readLogMemo) loggedSince(k readKey, since time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.at[k]
	return ok && at.After(since)
}

func (c *readLogMemo) note(k readKey, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at == nil || len(c.at) >= maxReadMemo {
		c.at = map[readKey]time.Time{}
	}
	if at.After(c.at[k]) {
		c.at[k] = at
	}
}

// AuditEntry is one line of a record's history.
type AuditEntry struct {
	At      time.Time
	UserID  int64 // 0 for the command line
	Actor   string
	Action  string
	Changes []Change
}

type changeJSON struct {
	Field string `json:"field"`
	Old   any    `json:"old,omitempty"`
	New   any    `json:"new,omitempty"`
}

// audit appends an entry in the caller's transaction, so the trail holds
// exactly the writes that were committed.
func audit(ctx context.Context, tx *sql.Tx, a *Actor, action string, m *Module, id int64, changes []Change) error {
	body := ""
	if len(changes) > 0 {
		out := make([]changeJSON, 0, len(changes))
		for _, c := range changes {
			if f, ok := m.fields[c.Field]; ok && f.Internal {
				continue // collation keys are the program's, not a change anyone made
			}
			out = append(out, changeJSON(c))
		}
		b, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		body = string(b)
	}
	var user any
	if a.UserID > 0 {
		user = a.UserID
	}
	_, err := tx.ExecContext(ctx,
		"INSERT INTO audit_log (at, user_id, actor, action, module, record_id, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
		timeText(now()), user, a.Name, action, m.Key, id, body)
	if err != nil {
		return fmt.Errorf("audit %s %s %d: %w", action, m.Key, id, err)
	}
	return nil
}

// creationChanges lists a new record's filled fields as changes from
// nothing, so its history starts with what it was created with.
func creationChanges(m *Module, v Values) []Change {
	var out []Change
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Internal || isEmpty(v[f.Name]) || v[f.Name] == false {
			continue
		}
		out = append(out, Change{Field: f.Name, New: normalSide(v[f.Name])})
	}
	return out
}

// History returns a record's audit entries, newest first, for those who
// may read the record.
func (s *Store) History(ctx context.Context, a *Actor, m *Module, id int64, limit int) ([]AuditEntry, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "read"); err != nil {
		return nil, err
	}
	if !a.Admin && !a.System { // administrators also read the histories in the recycle bin
		if visible, err := inScope(ctx, s.reads, a, m, ActRead, id); err != nil {
			return nil, err
		} else if !visible {
			return nil, ErrNotFound
		}
	}
	return s.historyOf(ctx, a, m, id, limit)
}

// historyOf is a record's history for an actor already allowed to read
// it: a module's record, or a thing of the program's own (the firm's
// settings) that the audit trail names as one.
func (s *Store) historyOf(ctx context.Context, a *Actor, m *Module, id int64, limit int) ([]AuditEntry, error) {
	// Who read the record is the admin audit page's business; the record's
	// own history shows what was done to it.
	rows, err := s.reads.query(ctx, `SELECT at, COALESCE(user_id, 0), actor, action, changes FROM audit_log
		WHERE module = ? AND record_id = ? AND action <> 'read' ORDER BY id DESC LIMIT ?`, m.Key, id, limit)
	if err != nil {
		return nil, fmt.Errorf("history of %s %d: %w", m.Key, id, err)
	}
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at, changes string
		if err := rows.Scan(&at, &e.UserID, &e.Actor, &e.Action, &changes); err != nil {
			rows.Close()
			return nil, fmt.Errorf("history of %s %d: %w", m.Key, id, err)
		}
		if e.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		if e.Changes, err = decodeChanges(changes); err != nil {
			rows.Close()
			return nil, fmt.Errorf("history of %s %d: %w", m.Key, id, err)
		}
		// A hidden field's old and new values are hidden in its history too.
		e.Changes = slices.DeleteFunc(e.Changes, func(c Change) bool { return hiddenField(a, m, c.Field) })
		out = append(out, e)
	}
	return out, closeRows(rows, "history")
}
