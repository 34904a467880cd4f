package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
)

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
	if err := authorize(a, m.Key, "read"); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx, `SELECT at, COALESCE(user_id, 0), actor, action, changes FROM audit_log
		WHERE module = ? AND record_id = ? ORDER BY id DESC LIMIT ?`, m.Key, id, limit)
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
		if changes != "" {
			var cs []changeJSON
			if err := json.Unmarshal([]byte(changes), &cs); err != nil {
				rows.Close()
				return nil, fmt.Errorf("history of %s %d: %w", m.Key, id, err)
			}
			for _, c := range cs {
				e.Changes = append(e.Changes, Change(c))
			}
		}
		out = append(out, e)
	}
	return out, closeRows(rows, "history")
}
