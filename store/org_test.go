package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// The organisation's own rules: a department tree stays a tree, team,
// role and department names are unique the way people read them, users
// are never deleted, and an administrator always remains.

func TestDepartmentCannotBeItsOwnAncestor(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	gm := mustCreate(t, st, admin, Departments, Values{"name": "Genel Müdürlük"})
	sales := mustCreate(t, st, admin, Departments, Values{"name": "Satış Bölümü", "parent_id": gm.ID})
	ist := mustCreate(t, st, admin, Departments, Values{"name": "İstanbul Şubesi", "parent_id": sales.ID})
	for _, c := range []struct {
		name         string
		dept, parent int64
	}{
		{"itself", gm.ID, gm.ID},
		{"its child", gm.ID, sales.ID},
		{"its grandchild", gm.ID, ist.ID},
		{"a child under its own child", sales.ID, ist.ID},
	} {
		_, _, err := st.Update(ctx, admin, Departments, c.dept, Values{"parent_id": c.parent})
		if v, ok := AsValidation(err); !ok || v.Fields["parent_id"].Key != "error.department_loop" {
			t.Errorf("a department under %s: %v, want error.department_loop on parent_id", c.name, err)
		}
	}
	got, err := st.Get(ctx, admin, Departments, gm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Values["parent_id"] != nil {
		t.Errorf("a refused move was kept: parent %v", got.Values["parent_id"])
	}
	// Moving a branch elsewhere, or to the top, is fine.
	if _, _, err := st.Update(ctx, admin, Departments, ist.ID, Values{"parent_id": gm.ID}); err != nil {
		t.Errorf("move a department up: %v", err)
	}
	if _, _, err := st.Update(ctx, admin, Departments, sales.ID, Values{"parent_id": ist.ID}); err != nil {
		t.Errorf("move a department under its former child: %v", err)
	}
	if _, _, err := st.Update(ctx, admin, Departments, sales.ID, Values{"parent_id": nil}); err != nil {
		t.Errorf("move a department to the top: %v", err)
	}
}

func TestOrganisationNamesAreUnique(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	for _, c := range []struct {
		m       *Module
		taken   string
		clashes []string
	}{
		{Teams, "Kuzey Ekibi", []string{"Kuzey Ekibi", "KUZEY EKİBİ", "kuzey ekibi", "kuzey ekıbı", " Kuzey Ekibi "}},
		{Roles, "Satış", []string{"SATIŞ", "satış", "Satis", "SATIS", "satis"}}, // the shipped role
		{Departments, "Çağrı Merkezi", []string{"ÇAĞRI MERKEZİ", "cagri merkezi", "Cagri Merkezi"}},
	} {
		t.Run(c.m.Key, func(t *testing.T) {
			var first *Record
			if c.m != Roles {
				first = mustCreate(t, st, admin, c.m, Values{"name": c.taken})
			}
			for _, name := range c.clashes {
				_, err := st.Create(ctx, admin, c.m, Values{"name": name})
				if v, ok := AsValidation(err); !ok || v.Fields["name"].Key != "error.name_taken" {
					t.Errorf("a second %q beside %q: %v, want error.name_taken", name, c.taken, err)
				}
			}
			other := mustCreate(t, st, admin, c.m, Values{"name": "Başka " + c.taken})
			_, _, err := st.Update(ctx, admin, c.m, other.ID, Values{"name": c.clashes[0]})
			if v, ok := AsValidation(err); !ok || v.Fields["name"].Key != "error.name_taken" {
				t.Errorf("renamed to %q: %v, want error.name_taken", c.clashes[0], err)
			}
			// Keeping one's own name, or changing only its case, is no clash.
			if _, _, err := st.Update(ctx, admin, c.m, other.ID, Values{"name": "BAŞKA " + c.taken}); err != nil {
				t.Errorf("a record keeps its own name: %v", err)
			}
			// A name in the recycle bin is free again.
			if first != nil {
				if err := st.Delete(ctx, admin, c.m, first.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := st.Create(ctx, admin, c.m, Values{"name": c.clashes[1]}); err != nil {
					t.Errorf("the name of a deleted record: %v", err)
				}
			}
		})
	}
}

func TestUsersAreNeverDeleted(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	u := mustUser(t, st, "Can Demir", "can@firma.com.tr")
	err := st.Delete(ctx, admin, Users, u.ID)
	if v, ok := AsValidation(err); !ok || v.Fields["id"].Key != "error.not_deletable" {
		t.Errorf("delete a user: %v, want error.not_deletable", err)
	}
	if _, err := st.Get(ctx, admin, Users, u.ID); err != nil {
		t.Errorf("the user is gone: %v", err)
	}
	// Nor is an administrator, nor several at once.
	err = st.Delete(ctx, admin, Users, u.ID, admin.UserID)
	if _, ok := AsValidation(err); !ok {
		t.Errorf("delete users: %v, want a validation error", err)
	}
	if n := countRows(t, st, "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL"); n != 0 {
		t.Errorf("%d users in the recycle bin", n)
	}
}

// lastAdminRefused checks that err refuses a change for leaving no
// administrator.
func lastAdminRefused(t *testing.T, what string, err error) {
	t.Helper()
	if v, ok := AsValidation(err); !ok || v.Fields["roles"].Key != "error.last_admin" {
		t.Errorf("%s: %v, want error.last_admin", what, err)
	}
}

func TestTheLastAdministratorStays(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	adminUser := mustAdmin(t, st)
	admin := ActorFor(adminUser)
	ctx := context.Background()
	token, err := st.CreateSession(ctx, adminUser.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	before, err := st.Get(ctx, admin, Users, admin.UserID)
	if err != nil {
		t.Fatal(err)
	}
	adminRole, err := st.Get(ctx, admin, Roles, 1)
	if err != nil {
		t.Fatal(err)
	}
	stillAdmin := func(what string) {
		t.Helper()
		u, err := st.SessionUser(ctx, token, DefaultSessionLimits)
		if err != nil || !u.Admin || !u.Active {
			t.Errorf("after a refused %s: %+v, %v", what, u, err)
		}
		after, err := st.Get(ctx, admin, Users, admin.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after.Values, before.Values) {
			t.Errorf("after a refused %s the user changed: %v, was %v", what, after.Values, before.Values)
		}
		role, err := st.Get(ctx, admin, Roles, 1)
		if err != nil {
			t.Fatalf("after a refused %s the administrator role: %v", what, err)
		}
		if !reflect.DeepEqual(role.Values, adminRole.Values) {
			t.Errorf("after a refused %s the role changed: %v, was %v", what, role.Values, adminRole.Values)
		}
	}

	_, _, err = st.Update(ctx, admin, Users, admin.UserID, Values{"active": false})
	lastAdminRefused(t, "deactivate the last administrator", err)
	stillAdmin("deactivation")
	_, _, err = st.Update(ctx, admin, Users, admin.UserID, Values{"roles": []int64{2}})
	lastAdminRefused(t, "take the last administrator's role", err)
	stillAdmin("role change")
	_, _, err = st.Update(ctx, admin, Roles, 1, Values{"is_admin": false})
	lastAdminRefused(t, "unflag the only administrator role", err)
	stillAdmin("role flag change")
	lastAdminRefused(t, "delete the only administrator role", st.Delete(ctx, admin, Roles, 1))
	stillAdmin("role deletion")

	// With a second administrator the first may go, and then the second
	// is the last.
	second, err := st.CreateUser(ctx, admin, NewUser{Name: "İkinci Yönetici", Email: "ikinci@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, admin, Users, admin.UserID, Values{"active": false}); err != nil {
		t.Fatalf("deactivate one of two administrators: %v", err)
	}
	if _, err := st.SessionUser(ctx, token, DefaultSessionLimits); !errors.Is(err, ErrNotFound) {
		t.Errorf("the deactivated administrator's session: %v", err)
	}
	_, _, err = st.Update(ctx, ActorFor(second), Users, second.ID, Values{"active": false})
	lastAdminRefused(t, "deactivate the new last administrator", err)
	// A second administrator role may be deleted while the first remains.
	other := mustCreate(t, st, admin, Roles, Values{"name": "Yedek Yönetici", "is_admin": true})
	if err := st.Delete(ctx, admin, Roles, other.ID); err != nil {
		t.Errorf("delete a spare administrator role: %v", err)
	}
}

// A role's permissions come back from the store as they were given,
// normalised: scope none and empty protections are left out.
func TestRolePermissionsRoundTrip(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	in := Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all", "edit": "team", "delete": "none"}, "assets": {"read": "none"}},
		Fields: map[string]map[string]string{"customers": {"tckn": "hidden", "birth_date": ""}},
	}
	want := Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all", "edit": "team"}},
		Fields: map[string]map[string]string{"customers": {"tckn": "hidden"}},
	}
	r := mustCreate(t, st, admin, Roles, Values{"name": "Gidiş Dönüş", "permissions": in})
	got, err := st.Get(ctx, admin, Roles, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := got.Values["permissions"].(Permissions); !reflect.DeepEqual(p, want) {
		t.Errorf("permissions: %+v, want %+v", p, want)
	}
	page, err := st.List(ctx, admin, Roles, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range page.Records {
		if rec.ID == r.ID {
			if p, _ := rec.Values["permissions"].(Permissions); !reflect.DeepEqual(p, want) {
				t.Errorf("permissions in the list: %+v, want %+v", p, want)
			}
		}
	}
	// Saving the same permissions again is no change.
	_, changes, err := st.Update(ctx, admin, Roles, r.ID, Values{"permissions": in})
	if err != nil || len(changes) != 0 {
		t.Errorf("saving the same permissions: %v, %v", changes, err)
	}
}
