package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kobicrm/store"
)

// addUserWith creates a user with roles (by name) through the store.
func (e *env) addUserWith(name, email string, roles ...string) *store.User {
	e.t.Helper()
	u, err := e.st.CreateUser(context.Background(), store.SystemActor(), store.NewUser{
		Name: name, Email: email, Password: userPassword, PasswordAgain: userPassword, Roles: roles,
	})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

const userPassword = "Kestane-Kebap-42"

// createCustomer makes a customer owned by owner, through the store.
func (e *env) createCustomer(first, last string, owner int64) int64 {
	e.t.Helper()
	rec, err := e.st.Create(context.Background(), store.SystemActor(), store.Customers,
		store.Values{"kind": "person", "first_name": first, "last_name": last, "owner_id": owner})
	if err != nil {
		e.t.Fatalf("create customer: %v", err)
	}
	return rec.ID
}

func TestAdminPagesOfTheOrganisation(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	for _, path := range []string{"/users", "/users/new", "/teams", "/teams/new", "/departments", "/departments/new",
		"/roles", "/roles/new", "/roles/2", "/roles/2/edit", "/users/1", "/users/1/edit", "/notifications"} {
		wantStatus(t, admin.get(path), http.StatusOK)
	}
	wantBody(t, admin.get("/roles/2"), "Satış", e.tr("roles.scope.own"))

	// A team and a department, then a role made with the matrix form.
	r := admin.submit("/teams/new", "/teams", url.Values{"name": {"Anadolu Yakası"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = admin.submit("/departments/new", "/departments", url.Values{"name": {"Satış Bölümü"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = admin.submit("/roles/new", "/roles", url.Values{"name": {"Takım lideri"},
		"permissions.customers.read": {"team"}, "permissions.customers.edit": {"own"},
		"permissions.customers.field.tckn": {"readonly"}})
	wantStatus(t, r, http.StatusSeeOther)
	rolePage := admin.get(r.location())
	wantBody(t, rolePage, "Takım lideri", e.tr("roles.scope.team"), e.tr("roles.access.readonly"))
	// Its history says in words what it grants.
	wantBody(t, rolePage, e.tr("roles.action.read")+" "+e.tr("roles.scope.team"))
	// A bad matrix comes back with the field named, nothing saved.
	r = admin.submit("/roles/new", "/roles", url.Values{"name": {"Bozuk"}, "permissions.customers.read": {"everything"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.perm_scope", "everything"))
	if n := e.count(t, "SELECT count(*) FROM roles WHERE name = 'Bozuk'"); n != 0 {
		t.Error("a refused role was saved")
	}

	// A user made by the admin, with a team and the new role, then invited.
	var team, role int64
	e.db(t).QueryRow("SELECT id FROM teams WHERE name = 'Anadolu Yakası'").Scan(&team)
	e.db(t).QueryRow("SELECT id FROM roles WHERE name = 'Takım lideri'").Scan(&role)
	r = admin.submit("/users/new", "/users", url.Values{"name": {"Zeynep Ak"}, "email": {"Zeynep@Firma.com.tr"},
		"active": {"1"}, "teams": {fmt.Sprint(team)}, "roles": {fmt.Sprint(role)}})
	wantStatus(t, r, http.StatusSeeOther)
	userPage := r.location()
	wantBody(t, admin.get(userPage), "zeynep@firma.com.tr", "Anadolu Yakası", "Takım lideri")
	r = admin.submit(userPage, userPage+"/invite", nil)
	wantStatus(t, r, http.StatusOK)
	link := regexp.MustCompile(`http://[^"]+/invite/[A-Za-z0-9_-]+`).FindString(r.Body)
	if link == "" {
		t.Fatalf("no invitation link:\n%s", r.Body)
	}
	invitePath := link[strings.Index(link, "/invite/"):]
	newcomer := e.client()
	wantBody(t, newcomer.get(invitePath), "Zeynep Ak")
	// A refused password comes back on the same form, the link still good.
	r = newcomer.submit(invitePath, invitePath, url.Values{"password": {"kısa"}, "password_again": {"kısa"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, "Zeynep Ak", `id="password-err"`)
	r = newcomer.submit(invitePath, invitePath, url.Values{"password": {userPassword}, "password_again": {userPassword}})
	wantRedirect(t, r, "/")
	newcomer.wantLoggedIn("Zeynep Ak")
	// The link works once.
	wantStatus(t, e.client().get(invitePath), http.StatusNotFound)

	// Users are deactivated, never deleted.
	r = admin.submit(userPage, userPage+"/delete", url.Values{"confirm": {"1"}})
	if r.Status == http.StatusSeeOther {
		t.Fatalf("a user was deleted")
	}
}

func TestNonAdminsCannotReachTheOrganisation(t *testing.T) {
	t.Parallel()
	e, _ := setUp(t)
	e.addUserWith("Satışçı", "satis@firma.com.tr", "Satış")
	c := e.client()
	c.login("satis@firma.com.tr", userPassword)
	// The admin pages do not even say they exist (as the recycle bin).
	for _, path := range []string{"/users", "/users/1", "/roles", "/roles/2/edit", "/teams/new", "/departments"} {
		wantStatus(t, c.get(path), http.StatusNotFound)
	}
	// Nor through the API.
	r := c.get("/api/v1/users")
	wantStatus(t, r, http.StatusForbidden)
	wantNoBody(t, c.get("/"), `href="/users"`, `href="/roles"`)
}

// A sales user sees their own customers only: a direct URL to another's is
// a 404 that does not tell it exists, and a forged POST changes nothing.
func TestScopeOnPagesAndForgedPosts(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ali := e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	ayse := e.addUserWith("Ayten Satış", "ayten@firma.com.tr", "Satış")
	reader := e.addUserWith("Okur", "okur@firma.com.tr", "Salt okunur")
	_ = reader
	mine := e.createCustomer("Kendi", "Müşterim", ali.ID)
	theirs := e.createCustomer("Başkasının", "Müşterisi", ayse.ID)

	c := e.client()
	c.login("ali@firma.com.tr", userPassword)
	wantBody(t, c.get("/customers"), "Kendi Müşterim")
	wantNoBody(t, c.get("/customers"), "Başkasının")
	wantNoBody(t, c.get("/search?q=Başkasının"), "Başkasının Müşterisi")
	wantStatus(t, c.get(fmt.Sprintf("/customers/%d", theirs)), http.StatusNotFound)
	wantStatus(t, c.get(fmt.Sprintf("/customers/%d/edit", theirs)), http.StatusNotFound)
	tok := c.token("/customers")
	r := c.post(fmt.Sprintf("/customers/%d", theirs), url.Values{csrfField: {tok}, "kind": {"person"}, "first_name": {"Ele"}, "last_name": {"Geçirildi"}, "stage": {"customer"}})
	wantStatus(t, r, http.StatusNotFound)
	r = c.post(fmt.Sprintf("/customers/%d/delete", theirs), url.Values{csrfField: {tok}, "confirm": {"1"}})
	wantStatus(t, r, http.StatusNotFound)
	if n := e.count(t, "SELECT count(*) FROM customers WHERE id = ? AND first_name = 'Başkasının' AND deleted_at IS NULL", theirs); n != 1 {
		t.Error("a forged POST changed another's customer")
	}
	// Assigning one's own customer to a colleague is outside the Satış role.
	r = c.post(fmt.Sprintf("/customers/%d", mine), url.Values{csrfField: {tok}, "kind": {"person"}, "first_name": {"Kendi"}, "last_name": {"Müşterim"}, "stage": {"customer"}, "owner_id": {fmt.Sprint(ayse.ID)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.owner_scope"))

	// The read-only user sees both, with no edit or delete button, and a
	// forged POST is refused.
	ro := e.client()
	ro.login("okur@firma.com.tr", userPassword)
	page := ro.get(fmt.Sprintf("/customers/%d", theirs))
	wantStatus(t, page, http.StatusOK)
	wantNoBody(t, page, `id="edit-record"`, `id="delete-record"`, `id="contact-search"`, `id="consent-form"`)
	wantBody(t, page, `id="consent"`, `id="quality"`, `id="contacts"`)
	wantNoBody(t, ro.get("/customers"), `id="bulk-action"`, "/customers/new")
	tok = ro.token("/customers")
	r = ro.post(fmt.Sprintf("/customers/%d", theirs), url.Values{csrfField: {tok}, "kind": {"person"}, "first_name": {"X"}, "last_name": {"Y"}, "stage": {"customer"}})
	wantStatus(t, r, http.StatusForbidden)
	// The admin sees the edit button.
	wantBody(t, admin.get(fmt.Sprintf("/customers/%d", theirs)), `id="edit-record"`, `id="contact-search"`, `id="consent-form"`)
}

func TestAssignmentNotifiesTheNewOwner(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ali := e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	id := e.createCustomer("Devredilen", "Müşteri", 1)
	page := fmt.Sprintf("/customers/%d/edit", id)
	r := admin.submit(page, fmt.Sprintf("/customers/%d", id), url.Values{"kind": {"person"}, "first_name": {"Devredilen"},
		"last_name": {"Müşteri"}, "stage": {"customer"}, "owner_id": {fmt.Sprint(ali.ID)}})
	wantStatus(t, r, http.StatusSeeOther)
	c := e.client()
	c.login("ali@firma.com.tr", userPassword)
	wantBody(t, c.get("/"), `id="unread-count">1<`)
	wantBody(t, c.get("/notifications"), "Devredilen Müşteri", adminName)
	r = c.submit("/notifications", "/notifications/read", nil)
	wantStatus(t, r, http.StatusSeeOther)
	wantNoBody(t, c.get("/"), `id="unread-count"`)
}
