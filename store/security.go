package store

import (
	"context"
	"fmt"
	"strings"
)

// Security roles, as the seeds and the established CRMs have them: for
// each module, each action reaches a scope of records, judged by the
// record's owner. A user with several roles gets, per module and action,
// the widest scope any of them grants, and a protected field stays
// protected only if every role protects it. An administrator (a role with
// the administrator flag) passes every check and reaches the admin
// screens.
//
// Nothing is cached between requests: the session lookup reads the user's
// roles on every request (two indexed queries), so a changed role, a
// removed role or a deactivated user takes effect on the very next click.

// Scope is how far an action reaches. Each scope includes the narrower
// ones, so "the widest of several roles" is simply the largest.
type Scope int8

const (
	ScopeNone       Scope = iota
	ScopeOwn              // records the user owns
	ScopeTeam             // and records owned by anyone sharing a team with them
	ScopeDepartment       // and by anyone in their department or below it
	ScopeAll              // every record
)

// Scopes are the scopes in order, by name.
var Scopes = []string{"none", "own", "team", "department", "all"}

func (s Scope) String() string { return Scopes[s] }

// ParseScope reads a scope's name.
func ParseScope(name string) (Scope, bool) {
	for i, n := range Scopes {
		if n == name {
			return Scope(i), true
		}
	}
	return ScopeNone, false
}

// The actions a role grants per module.
const (
	ActRead   = "read"
	ActCreate = "create"
	ActEdit   = "edit"
	ActDelete = "delete"
	ActExport = "export"
	ActImport = "import"
)

// Actions are the actions in the order the role form shows them.
var Actions = [numActions]string{ActRead, ActCreate, ActEdit, ActDelete, ActExport, ActImport}

const numActions = 6

func actionIndex(action string) int {
	for i, a := range Actions {
		if a == action {
			return i
		}
	}
	return -1
}

// Access is what a role lets a user do with a protected field.
type Access int8

const (
	AccessFull     Access = iota
	AccessReadOnly        // shown, never changed
	AccessHidden          // neither shown, nor searched, nor changed
)

// Accesses are the protections a role can set, by name.
var Accesses = []string{"", "readonly", "hidden"}

// Permissions is the value of a role's permissions field: per module, the
// scope of each action (absent means none) and the protection of each
// protected field (absent means unprotected). Its JSON form is what the
// API shows and takes.
type Permissions struct {
	Grants map[string]map[string]string `json:"grants,omitempty"` // module → action → scope
	Fields map[string]map[string]string `json:"fields,omitempty"` // module → field → readonly | hidden
}

// RoleModules are the modules roles grant access to: all but the
// administrators' own (users, teams, departments, roles).
func RoleModules() []*Module { return (*moduleSet)(nil).roleModules() }

func (set *moduleSet) roleModules() []*Module {
	var out []*Module
	for _, m := range set.list() {
		if !m.AdminOnly {
			out = append(out, m)
		}
	}
	return out
}

// ProtectableFields are the fields of m a role may hide or make read-only:
// the sensitive ones (TCKN, birth date) and an admin's custom fields.
func (m *Module) ProtectableFields() []*Field {
	var out []*Field
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Sensitive && !f.Computed {
			out = append(out, f)
		}
	}
	return out
}

// normalise drops what grants nothing (scope none, no protection), so
// that two ways of writing the same role compare equal, and checks every
// name against the declarations of set (nil: the registry's, without
// custom fields).
func (p Permissions) normalise(set *moduleSet) (Permissions, *Msg) {
	out := Permissions{}
	for mod, acts := range p.Grants {
		m, ok := set.lookup(mod)
		if !ok || m.AdminOnly {
			return Permissions{}, &Msg{Key: "error.perm_module", Args: []any{mod}}
		}
		for act, sc := range acts {
			if actionIndex(act) < 0 {
				return Permissions{}, &Msg{Key: "error.perm_action", Args: []any{act}}
			}
			s, ok := ParseScope(sc)
			if !ok {
				return Permissions{}, &Msg{Key: "error.perm_scope", Args: []any{sc}}
			}
			if s == ScopeNone {
				continue
			}
			out.set(mod, act, s.String(), false)
		}
	}
	for mod, fields := range p.Fields {
		m, ok := set.lookup(mod)
		if !ok || m.AdminOnly {
			return Permissions{}, &Msg{Key: "error.perm_module", Args: []any{mod}}
		}
		for name, acc := range fields {
			f, ok := m.Field(name)
			if !ok || !f.Sensitive || f.Computed {
				return Permissions{}, &Msg{Key: "error.perm_field", Args: []any{mod + "." + name}}
			}
			switch acc {
			case "":
				continue
			case "readonly", "hidden":
			default:
				return Permissions{}, &Msg{Key: "error.perm_access", Args: []any{acc}}
			}
			out.set(mod, name, acc, true)
		}
	}
	return out, nil
}

// parsePermissionsForm reads the role form's matrix: one select per module
// and action named "<field>.<module>.<action>" with a scope, and one per
// protected field named "<field>.<module>.field.<name>".
func parsePermissionsForm(form map[string][]string, field string, set *moduleSet) (Permissions, *Msg) {
	p := Permissions{Grants: map[string]map[string]string{}, Fields: map[string]map[string]string{}}
	prefix := field + "."
	for _, key := range sortedKeys(form) {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		vals := form[key]
		if len(vals) == 0 {
			continue
		}
		val := strings.TrimSpace(vals[len(vals)-1])
		mod, item, ok := strings.Cut(rest, ".")
		if !ok || mod == "" || item == "" {
			return Permissions{}, &Msg{Key: "error.perm_module", Args: []any{rest}}
		}
		name, isField := strings.CutPrefix(item, "field.")
		p.set(mod, name, val, isField)
	}
	return p.normalise(set)
}

// set puts one entry in p: a field's protection when field is set, else
// an action's scope.
func (p *Permissions) set(mod, name, value string, field bool) {
	m := &p.Grants
	if field {
		m = &p.Fields
	}
	if *m == nil {
		*m = map[string]map[string]string{}
	}
	if (*m)[mod] == nil {
		(*m)[mod] = map[string]string{}
	}
	(*m)[mod][name] = value
}

// perms is a user's effective rights, merged from their roles.
type perms struct {
	set *moduleSet // the declarations the roles were read with

	scopes map[string][numActions]Scope // module → scope per action
	fields map[string]map[string]Access // module → protected field → protection
}

// loadPerms reads and merges the live roles of a user.
func loadPerms(ctx context.Context, q querier, userID int64, set *moduleSet) (*perms, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT r.id, rp.module, rp.item, rp.value
		FROM users_roles ur
		JOIN roles r ON r.id = ur.ref_id AND r.deleted_at IS NULL
		LEFT JOIN roles_permissions rp ON rp.record_id = r.id
		WHERE ur.record_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("read roles of user %d: %w", userID, err)
	}
	p := &perms{set: set, scopes: map[string][numActions]Scope{}, fields: map[string]map[string]Access{}}
	// A field stays protected only if every role that reads its module
	// protects it; a role that does not read the module leaves nothing of
	// it open (nor does its protection count).
	readers := map[string]map[int64]bool{}    // module → roles reading it
	protects := map[string]map[int64]Access{} // module.field → role → protection
	for rows.Next() {
		var role int64
		var mod, item, value *string
		if err := rows.Scan(&role, &mod, &item, &value); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read roles of user %d: %w", userID, err)
		}
		if mod == nil {
			continue // a role that grants nothing
		}
		if name, ok := strings.CutPrefix(*item, "field:"); ok {
			acc := AccessReadOnly
			if *value == "hidden" {
				acc = AccessHidden
			}
			key := *mod + "." + name
			if protects[key] == nil {
				protects[key] = map[int64]Access{}
			}
			protects[key][role] = acc
			continue
		}
		i := actionIndex(*item)
		sc, ok := ParseScope(*value)
		if i < 0 || !ok {
			continue // written by a newer version; grants nothing here
		}
		if *item == ActRead && sc > ScopeNone {
			if readers[*mod] == nil {
				readers[*mod] = map[int64]bool{}
			}
			readers[*mod][role] = true
		}
		s := p.scopes[*mod]
		s[i] = max(s[i], sc)
		p.scopes[*mod] = s
	}
	if err := closeRows(rows, "roles"); err != nil {
		return nil, err
	}
	for key, byRole := range protects {
		mod, name, _ := strings.Cut(key, ".")
		weakest, open := AccessHidden, false
		for role := range readers[mod] {
			acc, ok := byRole[role]
			if !ok {
				open = true // this role reads the module and leaves the field open
				break
			}
			weakest = min(weakest, acc)
		}
		if open {
			continue
		}
		if len(readers[mod]) == 0 {
			weakest = AccessReadOnly
			for _, acc := range byRole {
				weakest = max(weakest, acc)
			}
		}
		if p.fields[mod] == nil {
			p.fields[mod] = map[string]Access{}
		}
		p.fields[mod][name] = weakest
	}
	return p, nil
}

// Scope is how far the actor may take an action on m's records.
func (a *Actor) Scope(m *Module, action string) Scope {
	if a == nil || (m.AppendOnly && (action == ActEdit || action == ActDelete)) {
		return ScopeNone
	}
	if a.Admin || a.System {
		return ScopeAll
	}
	if m.AdminOnly && m.Lookup && action == ActRead && a.UserID > 0 {
		return ScopeAll
	}
	if m.AdminOnly || a.perms == nil {
		return ScopeNone
	}
	i := actionIndex(action)
	if i < 0 {
		return ScopeNone
	}
	return a.perms.scopes[m.Key][i]
}

// Can says whether the actor may take an action on at least some of m's
// records: the question a page asks before offering a button.
func (a *Actor) Can(m *Module, action string) bool { return a.Scope(m, action) > ScopeNone }

// FieldAccess is what the actor may do with a field of m.
func (a *Actor) FieldAccess(m *Module, field string) Access {
	if a == nil || a.Admin || a.System || a.perms == nil {
		return AccessFull
	}
	return a.perms.fields[m.Key][field]
}

// hidesSearchable says whether a field the search index keeps apart is
// hidden from the actor in any module; their searches then leave that
// part of the index out.
func (a *Actor) hidesSearchable() bool {
	if a == nil || a.Admin || a.System || a.perms == nil {
		return false
	}
	for mod, fields := range a.perms.fields {
		m, ok := a.perms.set.lookup(mod)
		if !ok {
			continue
		}
		for name, acc := range fields {
			if f, ok := m.Field(name); ok && f.Search && acc == AccessHidden {
				return true
			}
		}
	}
	return false
}

// scopeCond is the SQL condition, on the module's table under alias t,
// that keeps the records within the actor's scope for an action; "" when
// the actor sees them all. No scope at all is ErrForbidden.
func scopeCond(a *Actor, m *Module, action string) (string, []any, error) {
	sc := a.Scope(m, action)
	if sc == ScopeNone {
		return "", nil, ErrForbidden
	}
	if sc == ScopeAll {
		return "", nil, nil
	}
	if f, parent := m.scopeParent(); parent != nil {
		// A record without an owner of its own (a consent) is within scope
		// when the record it belongs to (its customer) is.
		cond, args := ownerCond(sc, "p.owner_id", a.UserID)
		return "EXISTS (SELECT 1 FROM " + parent.Table + " p WHERE p.id = t." + f.Name + " AND " + cond + ")", args, nil
	}
	if m.owned() {
		cond, args := ownerCond(sc, "t.owner_id", a.UserID)
		return cond, args, nil
	}
	return "", nil, nil
}

// scopeIndexes are the parent tables with a covering index of their
// ids and owners, "<table>_scope" (migration 0020), for parentScopeCond.
var scopeIndexes = map[string]bool{"customers": true}

// parentScopeCond is scopeCond for a query that checks the scope of many
// rows of a ScopeByParent module read in an order of its own (the
// receivables, by due date): each row's parent is looked up in the
// parent's small (id, owner_id) index instead of its table. The planner
// takes the primary key for p.id = …, and a row of the customers table
// is a random read of a large table: a salesperson's receivables cost
// 25 ms over 4,000 open invoices of the large demo set that way, 5 ms
// this way.
func parentScopeCond(a *Actor, m *Module, action string) (string, []any, error) {
	f, parent := m.scopeParent()
	sc := a.Scope(m, action)
	if parent == nil || sc == ScopeNone || sc == ScopeAll || !scopeIndexes[parent.Table] {
		return scopeCond(a, m, action)
	}
	cond, args := ownerCond(sc, "p.owner_id", a.UserID)
	return "EXISTS (SELECT 1 FROM " + parent.Table + " p INDEXED BY " + parent.Table + "_scope WHERE p.id = t." + f.Name + " AND " + cond + ")", args, nil
}

// scoped says whether m's records are narrowed by a scope below all: by
// their owner, or by their parent's.
func (m *Module) scoped() bool {
	_, p := m.scopeParent()
	return m.owned() || p != nil
}

// scopeParent is the Parent reference an unowned module's records (or a
// ScopeByParent module's) take their scope from, and the owned module it
// points to; nil when there is none.
func (m *Module) scopeParent() (*Field, *Module) {
	if m.owned() && !m.ScopeByParent {
		return nil, nil
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Kind != Ref || !f.Parent {
			continue
		}
		if p, ok := m.related(f.Ref); ok && p.owned() {
			return f, p
		}
	}
	return nil, nil
}

// owned says whether m's records have an owner that scopes go by.
func (m *Module) owned() bool {
	f, ok := m.fields["owner_id"]
	return ok && f.Kind == Ref && f.Ref == "users"
}

// The users sharing a live team with a user, and the users in a user's
// department or any live department below it.
const (
	teamMates = `SELECT b.record_id FROM users_teams a
		JOIN teams tm ON tm.id = a.ref_id AND tm.deleted_at IS NULL
		JOIN users_teams b ON b.ref_id = a.ref_id
		WHERE a.record_id = ?`
	departmentUsers = `SELECT u.id FROM users u WHERE u.department_id IN (
		WITH RECURSIVE sub (id) AS (
			SELECT d.id FROM users me JOIN departments d ON d.id = me.department_id AND d.deleted_at IS NULL WHERE me.id = ?
			UNION
			SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id WHERE d.deleted_at IS NULL
		) SELECT id FROM sub)`
)

// ownerCond is the condition that the user id in col is within scope sc
// of user me (for sc between own and department).
func ownerCond(sc Scope, col string, me int64) (string, []any) {
	switch sc {
	case ScopeOwn:
		return col + " = ?", []any{me}
	case ScopeTeam:
		return "(" + col + " = ? OR " + col + " IN (" + teamMates + "))", []any{me, me}
	default:
		return "(" + col + " = ? OR " + col + " IN (" + teamMates + ") OR " + col + " IN (" + departmentUsers + "))", []any{me, me, me}
	}
}

// inScope says whether live record id of m is within the actor's scope
// for an action.
func inScope(ctx context.Context, q querier, a *Actor, m *Module, action string, id int64) (bool, error) {
	query, args, k, err := scopeQuery(a, m, action, id)
	if err != nil {
		return false, nil
	}
	memo := memoFor(ctx, q)
	if memo != nil {
		if ok, known := memo.get(k); known {
			return ok, nil
		}
	}
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("check scope of %s %d: %w", m.Key, id, err)
	}
	if memo != nil {
		memo.put(k, n > 0)
	}
	return n > 0, nil
}

// scopeQuery is the query inScope asks, and its question in the memo.
// The memo's question is the query itself: actions whose scopes are the
// same (all of them, for an administrator) share one answer.
func scopeQuery(a *Actor, m *Module, action string, id int64) (string, []any, scopeQuestion, error) {
	cond, args, err := scopeCond(a, m, action)
	if err != nil {
		return "", nil, scopeQuestion{}, err
	}
	query := "SELECT count(*) FROM " + m.Table + " t WHERE t.id = ? AND t.deleted_at IS NULL"
	if cond != "" {
		query += " AND " + cond
	}
	args = append([]any{id}, args...)
	return query, args, scopeQuestion{query, fmt.Sprintf("%#v", args)}, nil
}

// noteInScope tells the request's memo that live record id of m was just
// read through the actor's read scope, so the page's later questions
// about it (a section that checks the customer first) need no query.
// The read was through the shared read connections, where the memo holds.
func noteInScope(ctx context.Context, a *Actor, m *Module, id int64) {
	memo := requestMemo(ctx)
	if memo == nil {
		return
	}
	if _, _, k, err := scopeQuery(a, m, ActRead, id); err == nil {
		memo.put(k, true)
	}
}

// checkOwner refuses to make someone the owner of a record unless the
// actor may assign to them: with an action's scope of own, only to
// themselves; team, their team mates; department, their department; all,
// anyone active.
func checkOwner(ctx context.Context, q querier, a *Actor, m *Module, action string, owner int64, errs *ValidationError) error {
	sc := a.Scope(m, action)
	if sc == ScopeAll || owner == a.UserID || !m.owned() {
		return nil
	}
	ok := false
	if sc > ScopeOwn {
		cond, args := ownerCond(sc, "u.id", a.UserID)
		var n int
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM users u WHERE u.id = ? AND u.active = 1 AND "+cond,
			append([]any{owner}, args...)...).Scan(&n); err != nil {
			return fmt.Errorf("check owner: %w", err)
		}
		ok = n > 0
	}
	if !ok {
		errs.Add("owner_id", "error.owner_scope")
	}
	return nil
}

// Assignees are the active users the actor may make owners of m's records
// for an action (create or edit), in name order.
func (s *Store) Assignees(ctx context.Context, a *Actor, m *Module, action string) ([]User, error) {
	m = s.mod(m)
	sc := a.Scope(m, action)
	if sc == ScopeNone {
		return nil, ErrForbidden
	}
	query := "SELECT " + userColumnsOf("u") + " FROM users u WHERE u.active = 1"
	var args []any
	if sc != ScopeAll && m.owned() {
		cond, cargs := ownerCond(sc, "u.id", a.UserID)
		query += " AND " + cond
		args = cargs
	}
	return s.queryUsers(ctx, "assignees", query+" ORDER BY u.sort_key, u.id", args...)
}

// protect applies the actor's field protection to values coming in: a
// protected field keeps its stored value (old; nil for a new record, which
// leaves it empty), whatever the input says. Read-only fields are shown
// disabled and not sent back by forms, so refusing input for them would
// refuse every save; the stored value winning is the rule.
func protect(a *Actor, m *Module, in, old Values) {
	for _, f := range m.ProtectableFields() {
		if a.FieldAccess(m, f.Name) == AccessFull {
			continue
		}
		if old == nil {
			delete(in, f.Name)
		} else {
			in[f.Name] = old[f.Name]
		}
	}
}

// redact removes the fields hidden from the actor from records read.
func redact(a *Actor, m *Module, recs ...*Record) {
	if a == nil || a.Admin || a.System || a.perms == nil || len(a.perms.fields[m.Key]) == 0 {
		return
	}
	for name, acc := range a.perms.fields[m.Key] {
		if acc != AccessHidden {
			continue
		}
		for _, r := range recs {
			delete(r.Values, name)
		}
	}
}

// hiddenField says whether a list may not filter or sort by the field.
func hiddenField(a *Actor, m *Module, name string) bool {
	return a.FieldAccess(m, name) == AccessHidden
}

// PermissionRow is the role form's matrix for a role's permissions, one
// row per module in declaration order.
type PermissionRow struct {
	Module *Module
	Scopes []string // per action, in Actions order
	Fields []FieldProtection
}

// FieldProtection is one protected field's setting in a role.
type FieldProtection struct {
	Field  *Field
	Access string // "", readonly, hidden
}

// Matrix lays a role's permissions out for the role form, over the
// registry's modules.
func (p Permissions) Matrix() []PermissionRow { return p.MatrixOf(RoleModules()) }

// MatrixOf lays a role's permissions out over the given modules: a
// store's, whose custom fields may be protected too.
func (p Permissions) MatrixOf(mods []*Module) []PermissionRow {
	var out []PermissionRow
	for _, m := range mods {
		row := PermissionRow{Module: m, Scopes: make([]string, len(Actions))}
		for i, act := range Actions {
			row.Scopes[i] = "none"
			if sc, ok := p.Grants[m.Key][act]; ok {
				row.Scopes[i] = sc
			}
		}
		for _, f := range m.ProtectableFields() {
			row.Fields = append(row.Fields, FieldProtection{Field: f, Access: p.Fields[m.Key][f.Name]})
		}
		out = append(out, row)
	}
	return out
}

// writePermissions stores a role's permissions in its side table.
func writePermissions(ctx context.Context, tx querier, table string, id int64, p Permissions) error {
	for mod, acts := range p.Grants {
		for act, sc := range acts {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (record_id, module, item, value) VALUES (?, ?, ?, ?)", id, mod, act, sc); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
		}
	}
	for mod, fields := range p.Fields {
		for name, acc := range fields {
			if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" (record_id, module, item, value) VALUES (?, ?, ?, ?)", id, mod, "field:"+name, acc); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
		}
	}
	return nil
}

// readPermissions fills the permissions of the roles in byID (whose ids
// are args, for the IN list in).
func readPermissions(ctx context.Context, q querier, table, in string, args []any, byID map[int64]*Record, field string, set *moduleSet) error {
	rows, err := q.QueryContext(ctx, "SELECT record_id, module, item, value FROM "+table+" WHERE record_id IN "+in, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	raw := map[int64]*Permissions{}
	for rows.Next() {
		var id int64
		var mod, item, value string
		if err := rows.Scan(&id, &mod, &item, &value); err != nil {
			rows.Close()
			return fmt.Errorf("read %s: %w", table, err)
		}
		p := raw[id]
		if p == nil {
			p = &Permissions{}
			raw[id] = p
		}
		name, isField := strings.CutPrefix(item, "field:")
		p.set(mod, name, value, isField)
	}
	if err := closeRows(rows, table); err != nil {
		return err
	}
	for id, r := range byID {
		p := Permissions{}
		if raw[id] != nil {
			// What an older or newer version wrote and this one does not
			// know is left out rather than failing the page.
			p = lenientNormalise(*raw[id], set)
		}
		r.Values[field] = p
	}
	return nil
}

// lenientNormalise is normalise that drops unknown names instead of
// refusing them: for reading what is stored.
func lenientNormalise(p Permissions, set *moduleSet) Permissions {
	for mod, acts := range p.Grants {
		for act, sc := range acts {
			if _, msg := (Permissions{Grants: map[string]map[string]string{mod: {act: sc}}}).normalise(set); msg != nil {
				delete(acts, act)
			}
		}
	}
	for mod, fields := range p.Fields {
		for name, acc := range fields {
			if _, msg := (Permissions{Fields: map[string]map[string]string{mod: {name: acc}}}).normalise(set); msg != nil {
				delete(fields, name)
			}
		}
	}
	n, _ := p.normalise(set)
	return n
}

// requireScope is nil when record id of m is within the actor's scope for
// the action; ErrForbidden when the actor can see it but not do that; and
// ErrNotFound when they cannot even see it, so nothing tells it exists.
func requireScope(ctx context.Context, q querier, a *Actor, m *Module, action string, id int64) error {
	ok, err := inScope(ctx, q, a, m, action, id)
	if err != nil || ok {
		return err
	}
	if action != ActRead {
		if seen, err := inScope(ctx, q, a, m, ActRead, id); err != nil {
			return err
		} else if seen {
			return ErrForbidden
		}
	}
	return ErrNotFound
}

// Allowed says whether the actor may take an action (edit, delete) on a
// live record: what a page asks before showing the button. The store
// refuses the action itself anyway.
func (s *Store) Allowed(ctx context.Context, a *Actor, m *Module, action string, id int64) (bool, error) {
	m = s.mod(m)
	if a.Scope(m, action) == ScopeNone || (action == ActDelete && m.NoDelete) {
		return false, nil
	}
	return inScope(ctx, s.reads, a, m, action, id)
}
