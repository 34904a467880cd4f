package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Notification is an in-app notice: a record was assigned to the user.
type Notification struct {
	ID       int64
	At       time.Time
	Kind     string // "assigned", or "reminder" (an activity is due: SendDueReminders)
	Module   *Module
	RecordID int64
	Title    string // the record's name when it happened
	By       string // who did it
	Read     bool
}

// notifyAssigned tells a record's new owner that it is theirs now, in the
// write's transaction, unless they made the change themselves. old is nil
// for a new record.
func notifyAssigned(ctx context.Context, tx *sql.Tx, a *Actor, m *Module, id int64, old, vals Values) error {
	if !m.owned() {
		return nil
	}
	owner, ok := vals.Int("owner_id")
	if !ok || owner == a.UserID {
		return nil
	}
	if old != nil {
		if before, ok := old.Int("owner_id"); ok && before == owner {
			return nil
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, at, kind, module, record_id, title, by_name)
		VALUES (?, ?, 'assigned', ?, ?, ?, ?)`, owner, timeText(now()), m.Key, id, vals.Str(m.TitleField), a.Name)
	if err != nil {
		return fmt.Errorf("notify owner of %s %d: %w", m.Key, id, err)
	}
	return nil
}

// Notifications returns the actor's newest notices, unread first.
func (s *Store) Notifications(ctx context.Context, a *Actor, limit int) ([]Notification, error) {
	if err := authorize(a, "profile", "read"); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx, `SELECT id, at, kind, module, record_id, title, by_name, read_at IS NOT NULL
		FROM notifications WHERE user_id = ? ORDER BY read_at IS NOT NULL, id DESC LIMIT ?`, a.UserID, limit)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	var out []Notification
	for rows.Next() {
		var n Notification
		var at, mod string
		if err := rows.Scan(&n.ID, &at, &n.Kind, &mod, &n.RecordID, &n.Title, &n.By, &n.Read); err != nil {
			rows.Close()
			return nil, fmt.Errorf("notifications: %w", err)
		}
		if n.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		var ok bool
		if n.Module, ok = s.Module(mod); !ok {
			continue // a module this version does not have
		}
		out = append(out, n)
	}
	return out, closeRows(rows, "notifications")
}

// UnreadCap is where the unread count stops: the badge then reads "99+".
const UnreadCap = 100

// UnreadNotifications counts the actor's unread notices, for the badge
// on every page, up to UnreadCap.
func (s *Store) UnreadNotifications(ctx context.Context, a *Actor) (int, error) {
	if a == nil || a.UserID == 0 {
		return 0, nil
	}
	// Triggers keep the count as notifications change (migration 0026).
	var n int
	if err := s.reads.queryRow(ctx, "SELECT coalesce((SELECT min(n, ?) FROM unread_counts WHERE user_id = ?), 0)", UnreadCap, a.UserID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationsRead marks the actor's notices read: the given ones,
// or all when none are given.
func (s *Store) MarkNotificationsRead(ctx context.Context, a *Actor, ids ...int64) error {
	if err := authorize(a, "profile", "edit"); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		ts := timeText(now())
		if len(ids) == 0 {
			_, err := tx.ExecContext(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", ts, a.UserID)
			return wrap(err, "mark notifications read")
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", ts, id, a.UserID); err != nil {
				return fmt.Errorf("mark notification %d read: %w", id, err)
			}
		}
		return nil
	})
}
