package store

// Actor is who a store call works for. Every call that reads or writes
// records takes one, so that the caller's permission scope is applied in
// the store itself and never only in a template.
type Actor struct {
	UserID int64
	Name   string
	Admin  bool
	// System marks work that no logged-in person does: the command line run
	// by whoever holds the database file, and start-up tasks.
	System bool

	perms *perms // the merged rights of the user's roles
}

// SystemActor is the actor of the command line and of start-up tasks.
func SystemActor() *Actor { return &Actor{Name: "system", System: true} }

// ActorFor is the actor of a logged-in user.
func ActorFor(u *User) *Actor {
	return &Actor{UserID: u.ID, Name: u.Name, Admin: u.Admin, perms: u.perms}
}

// authorize answers whether the actor may take an action on a module at
// all; which records it reaches is scopeCond's part. "admin" actions (the
// recycle bin, backups, the admin screens) are the administrators'. Names
// that are not modules ("profile") are the user's own things, allowed to
// anyone logged in.
func authorize(a *Actor, module, action string) error {
	if a == nil {
		return ErrForbidden
	}
	if m, ok := ModuleByKey(module); ok && m.AppendOnly && (action == ActEdit || action == ActDelete) {
		return ErrForbidden // a ledger keeps what was written, for administrators too
	}
	if a.Admin || a.System {
		return nil
	}
	if action == "admin" {
		return ErrForbidden
	}
	m, ok := ModuleByKey(module)
	if !ok {
		return nil
	}
	if a.Scope(m, action) == ScopeNone {
		return ErrForbidden
	}
	return nil
}
