package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ListColumns returns the columns the actor chose for a list (a module's
// list, or a named list such as "leads"), or nil for the declared default.
func (s *Store) ListColumns(ctx context.Context, a *Actor, m *Module, list string) ([]string, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, "read"); err != nil {
		return nil, err
	}
	var cols string
	err := s.reads.queryRow(ctx, "SELECT columns FROM list_columns WHERE user_id = ? AND list = ?", a.UserID, list).Scan(&cols)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	var out []string
	for _, c := range strings.Split(cols, ",") {
		if m.Columnable(c) { // a field removed since is dropped silently
			out = append(out, c)
		}
	}
	return out, nil
}

// Columnable says whether a list can show the field as a column: any field
// but long texts, phone lists and internal keys, plus created_at.
func (m *Module) Columnable(name string) bool {
	if name == "created_at" {
		return true
	}
	f, ok := m.Field(name)
	return ok && f.Kind != LongText && f.Kind != PhoneList && !f.Internal
}

// SetListColumns saves the actor's column choice; an empty choice goes
// back to the default.
func (s *Store) SetListColumns(ctx context.Context, a *Actor, m *Module, list string, cols []string) error {
	m = s.mod(m)
	if err := authorize(a, m.Key, "read"); err != nil {
		return err
	}
	var keep []string
	for _, c := range cols {
		if m.Columnable(c) && !contains(keep, c) {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		_, err := s.writer.ExecContext(ctx, "DELETE FROM list_columns WHERE user_id = ? AND list = ?", a.UserID, list)
		return wrap(err, "reset list columns")
	}
	_, err := s.writer.ExecContext(ctx, `INSERT INTO list_columns (user_id, list, columns) VALUES (?, ?, ?)
		ON CONFLICT (user_id, list) DO UPDATE SET columns = excluded.columns`, a.UserID, list, strings.Join(keep, ","))
	return wrap(err, "save list columns")
}

// SavedView is a named list query of a user.
type SavedView struct {
	ID    int64
	Name  string
	Query string // the list's URL query, without the page cursor
}

// SavedViews returns the actor's saved views of a list, by name.
func (s *Store) SavedViews(ctx context.Context, a *Actor, list string) ([]SavedView, error) {
	if a == nil || a.UserID == 0 {
		return nil, nil
	}
	rows, err := s.reads.query(ctx, "SELECT id, name, query FROM saved_views WHERE user_id = ? AND list = ? ORDER BY name", a.UserID, list)
	if err != nil {
		return nil, fmt.Errorf("saved views: %w", err)
	}
	var out []SavedView
	for rows.Next() {
		var v SavedView
		if err := rows.Scan(&v.ID, &v.Name, &v.Query); err != nil {
			rows.Close()
			return nil, fmt.Errorf("saved views: %w", err)
		}
		out = append(out, v)
	}
	return out, closeRows(rows, "saved views")
}

// SaveView stores the query under a name; saving under an existing name
// replaces that view.
func (s *Store) SaveView(ctx context.Context, a *Actor, list, name, query string) error {
	if a == nil || a.UserID == 0 {
		return ErrForbidden
	}
	name = strings.TrimSpace(name)
	v := &ValidationError{}
	switch {
	case name == "":
		v.Add("name", "error.required")
	case utf8.RuneCountInString(name) > 60:
		v.Add("name", "error.too_long", 60)
	}
	if len(query) > 2000 {
		v.Add("query", "error.too_long", 2000)
	}
	if err := v.Err(); err != nil {
		return err
	}
	_, err := s.writer.ExecContext(ctx, `INSERT INTO saved_views (user_id, list, name, query, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, list, name) DO UPDATE SET query = excluded.query`, a.UserID, list, name, query, timeText(now()))
	return wrap(err, "save view")
}

// DeleteView removes one of the actor's own views.
func (s *Store) DeleteView(ctx context.Context, a *Actor, id int64) error {
	if a == nil || a.UserID == 0 {
		return ErrForbidden
	}
	res, err := s.writer.ExecContext(ctx, "DELETE FROM saved_views WHERE id = ? AND user_id = ?", id, a.UserID)
	if err != nil {
		return fmt.Errorf("delete view: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ActiveUsers lists the active users by name, for the owner filters of
// lists: everyone in the office may see who their colleagues are. Whom a
// record may be assigned to is Assignees'. Only the ids and names are
// read: a list page asks at every view, and whole user rows (timestamps
// to parse) cost a twentieth of the customer list's time.
func (s *Store) ActiveUsers(ctx context.Context, a *Actor) ([]User, error) {
	if err := authorize(a, "profile", "read"); err != nil {
		return nil, err
	}
	if d, err := s.userDirectory(ctx); err != nil || d != nil {
		if d == nil {
			return nil, err
		}
		return slices.Clone(d.active), nil
	}
	rows, err := s.reads.query(ctx, "SELECT id, name FROM users WHERE active = 1 ORDER BY sort_key, id")
	if err != nil {
		return nil, fmt.Errorf("active users: %w", err)
	}
	var out []User
	for rows.Next() {
		u := User{Active: true}
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("active users: %w", err)
		}
		out = append(out, u)
	}
	return out, closeRows(rows, "active users")
}

// queryUsers runs a query that selects userColumns and reads its users;
// what names the list in errors.
func (s *Store) queryUsers(ctx context.Context, what, query string, args ...any) ([]User, error) {
	rows, err := s.reads.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *u)
	}
	return out, closeRows(rows, what)
}

// BulkUpdate applies the same values to many records in one transaction,
// each through the full checks of Update: all succeed or none.
func (s *Store) BulkUpdate(ctx context.Context, a *Actor, m *Module, ids []int64, in Values) error {
	m = s.mod(m)
	return s.bulkEach(ctx, a, m, ids, func(tx *sql.Tx, id int64) error {
		_, _, err := s.update(ctx, tx, a, m, id, in)
		return err
	})
}

// BulkAddTag adds a tag to many records, keeping the tags they have.
func (s *Store) BulkAddTag(ctx context.Context, a *Actor, m *Module, ids []int64, field, tag string) error {
	m = s.mod(m)
	f, ok := m.Field(field)
	if !ok || f.Kind != Tags {
		return fmt.Errorf("%w: %s has no tags field %q", ErrBadQuery, m.Key, field)
	}
	return s.bulkEach(ctx, a, m, ids, func(tx *sql.Tx, id int64) error {
		var tags []string
		rows, err := tx.QueryContext(ctx, "SELECT tag FROM "+sideTable(m, f)+" WHERE record_id = ? ORDER BY rowid", id)
		if err != nil {
			return fmt.Errorf("read tags: %w", err)
		}
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return err
			}
			tags = append(tags, t)
		}
		if err := closeRows(rows, "tags"); err != nil {
			return err
		}
		_, _, err = s.update(ctx, tx, a, m, id, Values{field: append(tags, tag)})
		return err
	})
}

func (s *Store) bulkEach(ctx context.Context, a *Actor, m *Module, ids []int64, each func(*sql.Tx, int64) error) error {
	if err := authorize(a, m.Key, "edit"); err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk %s: %w", m.Key, err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		if err := each(tx, id); err != nil {
			return err
		}
	}
	return wrap(tx.Commit(), "bulk "+m.Key)
}
