package store

import (
	"context"
	"database/sql"
	"testing"
)

// A page's users' names come from the directory kept at the security
// generation its session was read at; a renamed or deactivated user shows
// on the next page, whoever wrote the change.
func TestUserDirectoryFollowsChanges(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	st := fx.st
	reader := fx.role(t, "Okur", Permissions{Grants: map[string]map[string]string{"customers": {"read": "own"}}})
	seller := fx.user(t, "Eski Ad", fx.depts["sales"], nil, reader)
	c := mustCreate(t, st, fx.admin, Customers, person("Sahipli", "Müşteri", Values{"owner_id": seller}))
	token, err := st.CreateSession(fx.ctx, fx.admin.UserID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// page reads the session, the customer and the active users as a page
	// does: in a context with a memo.
	page := func(t *testing.T) (owner string, active map[int64]string) {
		t.Helper()
		ctx := WithScopeMemo(context.Background())
		u, err := st.SessionUser(ctx, token, DefaultSessionLimits)
		if err != nil {
			t.Fatal(err)
		}
		if requestGeneration(ctx) == 0 {
			t.Fatal("the session read noted no generation")
		}
		a := ActorFor(u)
		r, err := st.Get(ctx, a, Customers, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		users, err := st.ActiveUsers(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		active = map[int64]string{}
		for _, u := range users {
			active[u.ID] = u.Name
		}
		return r.Refs["owner_id"], active
	}
	if owner, active := page(t); owner != "Eski Ad" || active[seller] != "Eski Ad" {
		t.Fatalf("before: owner %q, active %v", owner, active)
	}
	page(t) // from the directory now

	if _, _, err := st.Update(fx.ctx, fx.admin, Users, seller, Values{"name": "Yeni Ad"}); err != nil {
		t.Fatal(err)
	}
	if owner, active := page(t); owner != "Yeni Ad" || active[seller] != "Yeni Ad" {
		t.Errorf("after a rename: owner %q, active %v", owner, active)
	}

	other, err := sql.Open("sqlite", dsn(st.path))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(fx.ctx, "UPDATE users SET name = 'Başka Süreçten', active = 0 WHERE id = ?", seller); err != nil {
		t.Fatal(err)
	}
	owner, active := page(t)
	if owner != "Başka Süreçten" {
		t.Errorf("after a rename by another process: owner %q", owner)
	}
	if _, ok := active[seller]; ok {
		t.Errorf("a user deactivated by another process is still offered: %v", active)
	}
}
