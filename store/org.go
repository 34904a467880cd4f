package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"kobicrm/store/tr"
)

// The firm's own organisation, declared as modules so that administrators
// manage it with the same lists, forms, history and JSON API as customers:
// departments (a tree), teams, security roles, and the users who belong to
// them. Only administrators reach these modules.

// Departments form a tree: a department may sit under another, and a
// department scope reaches every department below the user's own.
var Departments = register(&Module{
	Key: "departments", Table: "departments", Label: "module.departments",
	TitleField: "name", DefaultSort: "name", AdminOnly: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 100},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "parent_id", Kind: Ref, Ref: "departments", List: true, Filter: true},
		{Name: "notes", Kind: LongText},
	},
	Prepare: sortByName,
	Verify:  verifyDepartment,
})

// Teams group users across departments; a user may be in several. A
// lookup: everyone reads the list to choose from it (a service request's
// team, the queues), only administrators change it.
var Teams = register(&Module{
	Key: "teams", Table: "teams", Label: "module.teams",
	TitleField: "name", DefaultSort: "name", AdminOnly: true, Lookup: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 100},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "notes", Kind: LongText},
	},
	Prepare: sortByName,
	Verify:  uniqueName("teams"),
})

// Roles are the security roles: see security.go.
var Roles = register(&Module{
	Key: "roles", Table: "roles", Label: "module.roles",
	TitleField: "name", DefaultSort: "name", AdminOnly: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 100},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "is_admin", Kind: Bool, List: true, Filter: true},
		{Name: "permissions", Kind: Grants},
		{Name: "notes", Kind: LongText, List: true},
	},
	Prepare: sortByName,
	Verify:  uniqueName("roles"),
})

// Users are the people who log in. They are never deleted, only
// deactivated: their names stay in every record's history. A user created
// here has no password until they follow an invitation link.
var Users = register(&Module{
	Key: "users", Table: "users", Label: "module.users",
	TitleField: "name", DefaultSort: "name", AdminOnly: true, NoDelete: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 100},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "email", Kind: Email, Required: true, List: true, Sort: true},
		{Name: "active", Kind: Bool, Default: "true", List: true, Filter: true},
		{Name: "department_id", Kind: Ref, Ref: "departments", List: true, Filter: true},
		{Name: "teams", Kind: RefList, Ref: "teams", List: true, Filter: true},
		{Name: "roles", Kind: RefList, Ref: "roles", Required: true, List: true, Filter: true},
		{Name: "lang", Kind: Choice, Choices: []string{"tr", "en"}},
	},
	Prepare: func(v Values, errs *ValidationError) {
		// Addresses are compared in lower case: two accounts differing only
		// in case would be a trap (see normEmail).
		v["email"] = strings.ToLower(v.Str("email"))
		sortByName(v, errs)
	},
	Verify:         verifyUser,
	InsertDefaults: map[string]any{"password_hash": ""},
})

func sortByName(v Values, _ *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
}

// uniqueName refuses a second live team or role of the same name (in any
// case, with or without Turkish letters): people pick them by name, on the
// command line too.
func uniqueName(table string) func(context.Context, querier, int64, Values, *ValidationError) error {
	return func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
		other, err := idByName(ctx, q, table, v.Str("name"))
		if err != nil {
			return err
		}
		if other != 0 && other != id {
			errs.Add("name", "error.name_taken")
		}
		return nil
	}
}

// verifyDepartment keeps the tree a tree: a department cannot sit under
// itself or under one of its own sub-departments.
func verifyDepartment(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if err := uniqueName("departments")(ctx, q, id, v, errs); err != nil {
		return err
	}
	parent, ok := v.Int("parent_id")
	if !ok || id == 0 {
		return nil
	}
	var loops int
	err := q.QueryRowContext(ctx, `
		WITH RECURSIVE up (id) AS (
			SELECT ? UNION SELECT d.parent_id FROM departments d JOIN up ON d.id = up.id WHERE d.parent_id IS NOT NULL
		) SELECT count(*) FROM up WHERE id = ?`, parent, id).Scan(&loops)
	if err != nil {
		return fmt.Errorf("check department %d: %w", id, err)
	}
	if loops > 0 {
		errs.Add("parent_id", "error.department_loop")
	}
	return nil
}

// verifyUser keeps e-mail addresses unique.
func verifyUser(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE email = ? AND id <> ?", v.Str("email"), id).Scan(&n); err != nil {
		return fmt.Errorf("check user e-mail: %w", err)
	}
	if n > 0 {
		errs.Add("email", "error.email_taken")
	}
	return nil
}

// checkAdminLeft refuses a change that leaves no active administrator:
// nobody could then reach the admin screens to undo it.
func checkAdminLeft(ctx context.Context, q querier) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM users u WHERE u.active = 1 AND EXISTS (
		SELECT 1 FROM users_roles ur JOIN roles r ON r.id = ur.ref_id AND r.deleted_at IS NULL AND r.is_admin = 1
		WHERE ur.record_id = u.id)`).Scan(&n)
	if err != nil {
		return fmt.Errorf("count administrators: %w", err)
	}
	if n == 0 {
		errs := &ValidationError{}
		errs.Add("roles", "error.last_admin")
		return errs
	}
	return nil
}
