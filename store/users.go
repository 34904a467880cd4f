package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"kobicrm/store/tr"
)

// User is a person who logs in to kobicrm.
type User struct {
	ID     int64
	Email  string
	Name   string
	Admin  bool
	Active bool
	// Lang is the chosen interface language ("tr", "en"), or "" to follow
	// the browser.
	Lang      string
	CreatedAt string
	UpdatedAt string
	// Unread counts the user's unread notifications up to UnreadCap, for
	// the badge on every page; SessionUser reads it with the session.
	Unread int

	perms *perms // read with the user, so each request sees its roles as they are
}

// Languages the interface speaks; the first is the default.
var Languages = []string{"tr", "en"}

// NewUser is the input for creating a user.
type NewUser struct {
	Email         string
	Name          string
	Password      string
	PasswordAgain string
	Admin         bool // gives the user the shipped administrator role
	Lang          string
	// Roles, Teams and Department are names. A user given no role (and
	// not Admin) gets the shipped Satış role: the narrowest one that works.
	Roles      []string
	Teams      []string
	Department string
}

// userColumns are a user's columns; whether they are an administrator is
// their live roles' flag, read with them every time.
var userColumns = userColumnsOf("users")

// userColumnsOf is userColumns of the users table under an alias, for
// queries that join it (sessions, tokens).
func userColumnsOf(alias string) string {
	return alias + ".id, " + alias + ".email, " + alias + ".name, " +
		"EXISTS (SELECT 1 FROM users_roles ur JOIN roles r ON r.id = ur.ref_id AND r.deleted_at IS NULL AND r.is_admin = 1 WHERE ur.record_id = " + alias + ".id), " +
		alias + ".active, " + alias + ".lang, " + alias + ".created_at, " + alias + ".updated_at"
}

// withPerms reads the user's merged role rights into u.
func (s *Store) withPerms(ctx context.Context, u *User) (*User, error) {
	p, err := loadPerms(ctx, s.reads, u.ID, s.mods.Load())
	if err != nil {
		return nil, err
	}
	u.perms = p
	return u, nil
}

// userDest is where a row's userColumns scan into, after any columns the
// query selects before them.
func userDest(u *User, before ...any) []any {
	return append(before, &u.ID, &u.Email, &u.Name, &u.Admin, &u.Active, &u.Lang, &u.CreatedAt, &u.UpdatedAt)
}

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	if err := row.Scan(userDest(&u)...); err != nil {
		return nil, err
	}
	return &u, nil
}

// HasUsers says whether setup is done: until the first user exists, every
// page leads to the setup form.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var n int
	if err := s.reads.queryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users)").Scan(&n); err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 1, nil
}

// CreateFirstAdmin creates the first administrator. It refuses with
// ErrSetupDone once any user exists, checked inside the same write
// transaction, so two browsers racing through setup cannot both win.
func (s *Store) CreateFirstAdmin(ctx context.Context, in NewUser) (*User, error) {
	in.Admin = true
	return s.createUser(ctx, in, true)
}

// CreateUser adds a user; only an administrator or the command line may.
func (s *Store) CreateUser(ctx context.Context, a *Actor, in NewUser) (*User, error) {
	if err := authorize(a, "users", "admin"); err != nil {
		return nil, err
	}
	return s.createUser(ctx, in, false)
}

func (s *Store) createUser(ctx context.Context, in NewUser, firstOnly bool) (*User, error) {
	v := &ValidationError{}
	in.Name = strings.TrimSpace(in.Name)
	email, emailOK := normEmail(in.Email)
	checkName(v, in.Name)
	switch {
	case strings.TrimSpace(in.Email) == "":
		v.Add("email", "error.required")
	case !emailOK:
		v.Add("email", "error.email")
	}
	checkNewPassword(v, "password", in.Password, in.PasswordAgain, email, in.Name)
	if in.Lang != "" && !validLang(in.Lang) {
		v.Add("lang", "error.choice")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}

	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	defer tx.Rollback()
	// The first user is always an administrator, however created: without
	// one nobody could ever reach the administration pages.
	var users int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&users); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if users == 0 {
		in.Admin = true
	} else if firstOnly {
		return nil, ErrSetupDone
	}
	var exists int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email = ?", email).Scan(&exists); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if exists > 0 {
		v.Add("email", "error.email_taken")
		return nil, v
	}
	ts := timeText(now())
	res, err := tx.ExecContext(ctx, `
		INSERT INTO users (email, name, sort_key, password_hash, lang, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		email, in.Name, hex.EncodeToString(tr.SortKey(in.Name)), hash, in.Lang, ts, ts)
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	if err := joinByName(ctx, tx, id, in, v); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	u, err := scanUser(s.reads.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return s.withPerms(ctx, u)
}

// joinByName gives a new user the roles, teams and department named, as
// the command line takes them. An unknown name is the caller's mistake,
// reported on its field.
func joinByName(ctx context.Context, tx *sql.Tx, id int64, in NewUser, v *ValidationError) error {
	roles := in.Roles
	if in.Admin {
		var admin string
		err := tx.QueryRowContext(ctx, "SELECT name FROM roles WHERE is_admin = 1 AND deleted_at IS NULL ORDER BY id LIMIT 1").Scan(&admin)
		if errors.Is(err, sql.ErrNoRows) {
			// Every administrator role was deleted: bring the shipped one back.
			if _, err := tx.ExecContext(ctx, "UPDATE roles SET deleted_at = NULL, is_admin = 1 WHERE id = 1"); err != nil {
				return fmt.Errorf("create user: %w", err)
			}
			err = tx.QueryRowContext(ctx, "SELECT name FROM roles WHERE id = 1").Scan(&admin)
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		roles = append(roles, admin)
	}
	if len(roles) == 0 {
		roles = []string{"Satış"}
	}
	for _, link := range []struct {
		field, table, side string
		names              []string
	}{{"role", "roles", "users_roles", roles}, {"team", "teams", "users_teams", in.Teams}} {
		for _, name := range link.names {
			ref, err := idByName(ctx, tx, link.table, name)
			if err != nil {
				return err
			}
			if ref == 0 {
				v.Add(link.field, "error.unknown_name", name)
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO "+link.side+" (record_id, ref_id) VALUES (?, ?)", id, ref); err != nil {
				return fmt.Errorf("create user: %w", err)
			}
		}
	}
	if in.Department != "" {
		ref, err := idByName(ctx, tx, "departments", in.Department)
		if err != nil {
			return err
		}
		if ref == 0 {
			v.Add("department", "error.unknown_name", in.Department)
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET department_id = ? WHERE id = ?", ref, id); err != nil {
			return fmt.Errorf("create user: %w", err)
		}
	}
	return nil
}

// idByName finds a live team, role or department by its name, in any
// case and with or without Turkish letters typed as ASCII; 0 when none.
func idByName(ctx context.Context, q querier, table, name string) (int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, name FROM "+table+" WHERE deleted_at IS NULL ORDER BY id")
	if err != nil {
		return 0, fmt.Errorf("find %s %q: %w", table, name, err)
	}
	want := tr.Fold(strings.TrimSpace(name))
	var found int64
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find %s %q: %w", table, name, err)
		}
		if found == 0 && tr.Fold(n) == want {
			found = id
		}
	}
	return found, closeRows(rows, table)
}

// normEmail checks an e-mail and lower-cases all of it: people type their
// address in any case, and two accounts differing only in case would be a
// trap. Turkish dotted/dotless i never reach here, as addresses are ASCII
// in practice; strings.ToLower leaves other letters alone.
func normEmail(s string) (string, bool) {
	e, ok := tr.Email(s)
	return strings.ToLower(e), ok
}

func checkName(v *ValidationError, name string) {
	switch {
	case name == "":
		v.Add("name", "error.required")
	case utf8.RuneCountInString(name) > 100:
		v.Add("name", "error.too_long", 100)
	}
}

func validLang(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// Authenticate checks an e-mail and password. Whatever is wrong — no such
// e-mail, a deactivated user, a wrong password — the answer is the same
// ErrBadCredentials after the same bcrypt work, so a failed login never
// tells whether the e-mail exists.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*User, error) {
	email, _ = normEmail(email)
	var hash string
	row := s.reads.queryRow(ctx,
		"SELECT password_hash, "+userColumns+" FROM users WHERE email = ?", email)
	var u User
	err := row.Scan(userDest(&u, &hash)...)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || !u.Active {
		return nil, ErrBadCredentials
	}
	return s.withPerms(ctx, &u)
}

// UserByID returns a user the actor may see.
func (s *Store) UserByID(ctx context.Context, a *Actor, id int64) (*User, error) {
	if err := authorize(a, "users", "admin"); err != nil {
		return nil, err
	}
	u, err := scanUser(s.reads.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	return s.withPerms(ctx, u)
}

// UserByEmail returns the user with the e-mail (any case).
func (s *Store) UserByEmail(ctx context.Context, a *Actor, email string) (*User, error) {
	if err := authorize(a, "users", "admin"); err != nil {
		return nil, err
	}
	email, _ = normEmail(email)
	u, err := scanUser(s.reads.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", email, err)
	}
	return s.withPerms(ctx, u)
}

// ProfileInput is what a user may change about themselves.
type ProfileInput struct {
	Name string
	Lang string
}

// UpdateProfile changes the actor's own name and language.
func (s *Store) UpdateProfile(ctx context.Context, a *Actor, in ProfileInput) error {
	if err := authorize(a, "profile", "edit"); err != nil {
		return err
	}
	v := &ValidationError{}
	in.Name = strings.TrimSpace(in.Name)
	checkName(v, in.Name)
	if in.Lang != "" && !validLang(in.Lang) {
		v.Add("lang", "error.choice")
	}
	if err := v.Err(); err != nil {
		return err
	}
	_, err := s.writer.ExecContext(ctx, "UPDATE users SET name = ?, lang = ?, updated_at = ? WHERE id = ?",
		in.Name, in.Lang, timeText(now()), a.UserID)
	if err != nil {
		return fmt.Errorf("update profile: %w", err)
	}
	return nil
}

// SetLanguage changes only the actor's interface language.
func (s *Store) SetLanguage(ctx context.Context, a *Actor, lang string) error {
	if err := authorize(a, "profile", "edit"); err != nil {
		return err
	}
	if lang != "" && !validLang(lang) {
		v := &ValidationError{}
		v.Add("lang", "error.choice")
		return v
	}
	_, err := s.writer.ExecContext(ctx, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?",
		lang, timeText(now()), a.UserID)
	if err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	return nil
}

// ChangePassword changes the actor's own password after checking the
// current one, and ends their other sessions: whoever knew the old
// password is logged out everywhere but here.
func (s *Store) ChangePassword(ctx context.Context, a *Actor, keepSession, current, pw, again string) error {
	if err := authorize(a, "profile", "edit"); err != nil {
		return err
	}
	var hash, email, name string
	err := s.reads.queryRow(ctx, "SELECT password_hash, email, name FROM users WHERE id = ?", a.UserID).
		Scan(&hash, &email, &name)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	v := &ValidationError{}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		v.Add("current", "error.password_wrong")
	}
	checkNewPassword(v, "password", pw, again, email, name)
	if err := v.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, a.UserID, pw, sessionID(keepSession))
}

// ResetPassword sets the password of the user with the e-mail: the
// command line's way back in for an administrator who is locked out. All of
// that user's sessions end.
func (s *Store) ResetPassword(ctx context.Context, a *Actor, email, pw, again string) error {
	if err := authorize(a, "users", "admin"); err != nil {
		return err
	}
	u, err := s.UserByEmail(ctx, a, email)
	if err != nil {
		return err
	}
	v := &ValidationError{}
	checkNewPassword(v, "password", pw, again, u.Email, u.Name)
	if err := v.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, u.ID, pw, "")
}

func (s *Store) setPassword(ctx context.Context, userID int64, pw, keepSessionID string) error {
	hash, err := hashPassword(pw)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
		hash, timeText(now()), userID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", userID, keepSessionID); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}
