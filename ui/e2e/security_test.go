package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Security roles seen from the outside: an administrator builds a team and
// a role in the browser, the users come from "kobicrm user add -role
// -team", and then each user's browser shows exactly the customers their
// roles reach — in the list, the global search and by a direct address —
// while the JSON API refuses a read-only user's writes. A change to a role
// and the deactivation of a user take effect on the very next page load.

// anotherPerson opens another person's browser in b's Chromium: a tab in a
// browser context of its own, so with its own cookies. Like newBrowser, it
// saves a screenshot of its page when the test fails.
func (b *browser) anotherPerson(name string) *browser {
	t := b.t
	t.Helper()
	s := &browser{t: t, srv: b.srv, output: b.output}
	tab, cancelTab := chromedp.NewContext(b.tab, chromedp.WithNewBrowserContext(), chromedp.WithListener(s.listen))
	s.tab = tab
	var cancelCtx context.CancelFunc
	s.ctx, cancelCtx = context.WithTimeout(tab, browserTimeout)
	t.Cleanup(func() {
		cancelCtx()
		cancelTab()
	})
	// The first action makes the tab, whose life chromedp binds to the
	// context of that call: the tab's own, with a timer beside it.
	started := make(chan error, 1)
	go func() {
		started <- chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := cdp.Call(ctx, tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": "tr-TR,tr"},
			})
			return err
		}))
	}()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("open a browser session for %s: %v", name, err)
		}
	case <-time.After(actionTimeout):
		cancelTab()
		t.Fatalf("the browser session for %s did not open within %s", name, actionTimeout)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if loc, err := s.tryLocation(); err == nil {
			t.Logf("%s's browser was at %s", name, loc)
		}
		if path, err := s.saveScreenshot(t.Name() + "-" + name); err == nil {
			t.Logf("screenshot of %s's page: %s", name, path)
		}
	})
	return s
}

// bearerCall calls the JSON API with a bearer token and returns the status and
// the body.
func bearerCall(t testing.TB, srv *server, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, srv.URL+"/api/v1"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	switch method {
	case http.MethodPost:
		req.Header.Set("Content-Type", "application/json")
	case http.MethodPatch:
		req.Header.Set("Content-Type", "application/merge-patch+json")
	}
	c := &http.Client{Timeout: actionTimeout}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// bearerList decodes the data of a list answer.
func bearerList(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var page struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("decode API list: %v\n%s", err, body)
	}
	return page.Data
}

// customerNames opens /customers and returns the names listed, sorted.
func (b *browser) customerNames() []string {
	b.t.Helper()
	b.open("/customers", 200)
	names := b.listNames()
	slices.Sort(names)
	return names
}

// searchTitles searches everything for q and returns the titles found.
func (b *browser) searchTitles(q string) []string {
	b.t.Helper()
	b.open("/search?q="+url.QueryEscape(q), 200)
	hits := eval[[]string](b, `[...document.querySelectorAll("section.searchgroup li a")].map(a => a.innerText.trim())`)
	slices.Sort(hits)
	return hits
}

// wantNotFoundPage fails the test unless path answers with the not-found
// page, which names nothing of the record.
func (b *browser) wantNotFoundPage(path string, secret string) {
	b.t.Helper()
	if status := b.navigate(path); status != 404 {
		b.t.Errorf("GET %s answered %d, want 404", path, status)
	}
	if got := b.text(".error-page h1"); got != "Sayfa bulunamadı" {
		b.t.Errorf("GET %s shows the heading %q, want the not-found page", path, got)
	}
	if body := eval[string](b, "document.body.innerText"); strings.Contains(body, secret) {
		b.t.Errorf("the not-found page of %s names %q", path, secret)
	}
}

// setRoleScope changes one cell of a role's matrix in the browser, as the
// administrator: open the role's form, pick the scope, save.
func (b *browser) setRoleScope(roleID int64, module, action, scope string) {
	b.t.Helper()
	b.open(fmt.Sprintf("/roles/%d/edit", roleID), 200)
	b.setValue(fmt.Sprintf(`select[name="permissions.%s.%s"]`, module, action), scope)
	b.submit("#record-save", 200)
	b.wantPath(fmt.Sprintf("/roles/%d", roleID))
}

// TestSecurityRoles: record-level security through the real executable.
func TestSecurityRoles(t *testing.T) {
	srv := startServer(t)
	admin := newBrowser(t, srv)
	admin.completeSetup(adminName, adminEmail, adminPassword)

	// 1. The administrator makes a team and a role in the browser.
	admin.open("/teams", 200)
	admin.submit(`.pagehead a[href="/teams/new"]`, 200)
	admin.setValue("#f-name", "Anadolu Yakası")
	admin.submit("#record-save", 200)
	admin.recordID("teams")
	if got := admin.text("#record-title"); got != "Anadolu Yakası" {
		t.Errorf("the new team's page is titled %q", got)
	}

	admin.open("/roles", 200)
	admin.submit(`.pagehead a[href="/roles/new"]`, 200)
	admin.setValue("#f-name", "Takım lideri")
	for sel, scope := range map[string]string{
		"permissions.customers.read":   "team",
		"permissions.customers.create": "own",
		"permissions.customers.edit":   "team",
		"permissions.assets.read":      "team",
	} {
		admin.setValue(`select[name="`+sel+`"]`, scope)
	}
	admin.submit("#record-save", 200)
	admin.recordID("roles")
	// The role's page shows the matrix as saved, a row per module.
	matrix := eval[map[string][]string](admin, `Object.fromEntries([...document.querySelectorAll("table.grants tbody tr:not(.fieldrow)")].map(
		tr => [tr.querySelector("th").innerText.trim(), [...tr.querySelectorAll("td")].map(td => td.innerText.trim())]))`)
	for module, want := range map[string][]string{
		"Müşteriler": {"Takımının", "Kendi kayıtları", "Takımının", "Yok", "Yok", "Yok"},
		"Varlıklar":  {"Takımının", "Yok", "Yok", "Yok", "Yok", "Yok"},
	} {
		if got := matrix[module]; !slices.Equal(got, want) {
			t.Errorf("the new role's %s row reads %q, want %q", module, got, want)
		}
	}

	// The users, from the command line while the server runs.
	const team = "Anadolu Yakası"
	users := []struct {
		email, name string
		args        []string
	}{
		{"ali@firma.com.tr", "Ali Satış", []string{"-role", "Satış", "-team", team}},
		{"ayten@firma.com.tr", "Ayten Satış", []string{"-role", "Satış", "-team", team}},
		{"osman@firma.com.tr", "Osman Dışarıda", []string{"-role", "Satış"}},
		{"lider@firma.com.tr", "Leyla Lider", []string{"-role", "Takım lideri", "-team", team}},
		{"okur@firma.com.tr", "Oya Okur", []string{"-role", "Salt okunur"}},
	}
	for _, u := range users {
		args := append([]string{"user", "add", "-email", u.email, "-name", u.name}, u.args...)
		out, errOut, code := srv.runCLI(t, userPassword+"\n", args...)
		if code != 0 {
			t.Fatalf("kobicrm %s exited %d: %s", strings.Join(args, " "), code, errOut)
		}
		if !strings.Contains(out, "added user "+u.name) {
			t.Errorf("user add %s printed %q", u.email, out)
		}
		if slices.Contains(u.args, "-team") && !strings.Contains(out, "teams: "+team) {
			t.Errorf("user add %s does not confirm the team: %q", u.email, out)
		}
	}

	// Customers, one per owner, made by the administrator through the API.
	adminToken, errOut, code := srv.runCLI(t, "", "token", "create", "-email", adminEmail, "-name", "e2e")
	if code != 0 {
		t.Fatalf("token create for the admin exited %d: %s", code, errOut)
	}
	adminToken = strings.TrimSpace(adminToken)
	status, body := bearerCall(t, srv, adminToken, http.MethodGet, "/users?limit=50", nil)
	if status != 200 {
		t.Fatalf("GET /api/v1/users as the admin: %d %s", status, body)
	}
	userID := map[string]int64{}
	for _, u := range bearerList(t, body) {
		email, _ := u["email"].(string)
		id, _ := u["id"].(float64)
		userID[email] = int64(id)
	}
	for _, u := range users {
		if userID[u.email] == 0 {
			t.Fatalf("the API lists no user %s: %s", u.email, body)
		}
	}
	lead := fmt.Sprintf("/users/%d", userID["lider@firma.com.tr"])
	admin.open(lead, 200)
	if got := admin.text("main"); !strings.Contains(got, team) || !strings.Contains(got, "Takım lideri") {
		t.Errorf("the team lead's page %s does not show the team and role given on the command line: %q", lead, got)
	}

	customerID := map[string]int64{}
	newCustomer := func(first, ownerEmail string, more map[string]any) {
		t.Helper()
		rec := map[string]any{"kind": "person", "first_name": first, "last_name": "Özkan", "stage": "customer", "owner_id": userID[ownerEmail]}
		for k, v := range more {
			rec[k] = v
		}
		status, body := bearerCall(t, srv, adminToken, http.MethodPost, "/customers", rec)
		if status != http.StatusCreated {
			t.Fatalf("POST /api/v1/customers %v as the admin: %d %s", rec, status, body)
		}
		var created struct{ ID int64 }
		if err := json.Unmarshal(body, &created); err != nil || created.ID == 0 {
			t.Fatalf("POST /api/v1/customers answered %s", body)
		}
		customerID[first+" Özkan"] = created.ID
	}
	newCustomer("Aslı", "ali@firma.com.tr", map[string]any{"tckn": validTCKN})
	newCustomer("Bora", "ayten@firma.com.tr", nil)
	newCustomer("Cem", "osman@firma.com.tr", nil)
	newCustomer("Derya", "lider@firma.com.tr", nil)
	newCustomer("Ece", adminEmail, nil)
	all := []string{"Aslı Özkan", "Bora Özkan", "Cem Özkan", "Derya Özkan", "Ece Özkan"}
	if got := admin.customerNames(); !slices.Equal(got, all) {
		t.Errorf("the administrator's list shows %q, want %q", got, all)
	}

	// 2. A sales user sees their own customers only.
	ali := admin.anotherPerson("ali")
	ali.login("ali@firma.com.tr", userPassword)
	if got := ali.customerNames(); !slices.Equal(got, []string{"Aslı Özkan"}) {
		t.Errorf("Ali (Satış) sees %q in /customers, want only his own", got)
	}
	if got := ali.searchTitles("ozkan"); !slices.Equal(got, []string{"Aslı Özkan"}) {
		t.Errorf("Ali's search for ozkan finds %q, want only his own", got)
	}
	ali.wantNotFoundPage(fmt.Sprintf("/customers/%d", customerID["Bora Özkan"]), "Bora")
	ali.wantNotFoundPage(fmt.Sprintf("/customers/%d/edit", customerID["Cem Özkan"]), "Cem")
	ali.open(fmt.Sprintf("/customers/%d", customerID["Aslı Özkan"]), 200)
	expect(t, ali.exists("#edit-record"), "Ali has no edit button on his own customer")

	// 3. The team lead sees the team's customers, not the outsider's, and
	// may edit a team mate's.
	other := admin.anotherPerson("others")
	other.login("lider@firma.com.tr", userPassword)
	if got := other.customerNames(); !slices.Equal(got, []string{"Aslı Özkan", "Bora Özkan", "Derya Özkan"}) {
		t.Errorf("the team lead sees %q, want the team's three", got)
	}
	if got := other.searchTitles("ozkan"); !slices.Equal(got, []string{"Aslı Özkan", "Bora Özkan", "Derya Özkan"}) {
		t.Errorf("the team lead's search finds %q, want the team's three", got)
	}
	other.wantNotFoundPage(fmt.Sprintf("/customers/%d", customerID["Cem Özkan"]), "Cem")
	other.open(fmt.Sprintf("/customers/%d", customerID["Bora Özkan"]), 200)
	other.submit("#edit-record", 200)
	other.setValue("#f-district", "Kadıköy")
	other.submit("#record-save", 200)
	other.wantPath(fmt.Sprintf("/customers/%d", customerID["Bora Özkan"]))
	expect(t, strings.Contains(other.text("main"), "Kadıköy"), "the team lead's edit of a team mate's customer did not show")
	other.logout()

	// 4. The read-only user sees everything but the TCKN, and changes
	// nothing.
	other.login("okur@firma.com.tr", userPassword)
	if got := other.customerNames(); !slices.Equal(got, all) {
		t.Errorf("the read-only user sees %q, want all", got)
	}
	expect(t, !other.exists(`a[href^="/customers/new"]`), "the read-only user's list offers a New button")
	expect(t, !other.exists("#bulk-action"), "the read-only user's list offers bulk actions")
	other.open(fmt.Sprintf("/customers/%d", customerID["Aslı Özkan"]), 200)
	expect(t, !other.exists("#edit-record"), "the read-only user has an edit button")
	expect(t, !other.exists("#delete-record"), "the read-only user has a delete button")
	page := eval[string](other, "document.documentElement.outerHTML")
	expect(t, !strings.Contains(page, validTCKN), "the read-only user's page shows the hidden TCKN")
	if got := other.searchTitles(validTCKN); len(got) != 0 {
		t.Errorf("the read-only user finds %q by the hidden TCKN", got)
	}
	// Typed in by hand, the edit and new forms are refused: no form that
	// could never be saved (a forged POST is refused too, checked with the
	// API below and in the HTTP tests).
	for _, path := range []string{fmt.Sprintf("/customers/%d/edit", customerID["Aslı Özkan"]), "/customers/new?kind=person"} {
		if status := other.navigate(path); status != http.StatusForbidden {
			t.Errorf("the read-only user's GET %s answered %d, want 403", path, status)
		}
		expect(t, !other.exists("#record-save"), "the read-only user is shown a form at %s", path)
	}

	readToken, errOut, code := srv.runCLI(t, "", "token", "create", "-email", "okur@firma.com.tr", "-name", "rapor")
	if code != 0 {
		t.Fatalf("token create for the read-only user exited %d: %s", code, errOut)
	}
	readToken = strings.TrimSpace(readToken)
	status, body = bearerCall(t, srv, readToken, http.MethodGet, "/customers", nil)
	if status != 200 || len(bearerList(t, body)) != len(all) {
		t.Errorf("GET /api/v1/customers with the read-only token: %d, %d records, want 200 and %d", status, len(bearerList(t, body)), len(all))
	}
	asli := fmt.Sprintf("/customers/%d", customerID["Aslı Özkan"])
	status, body = bearerCall(t, srv, readToken, http.MethodGet, asli, nil)
	if status != 200 || strings.Contains(string(body), validTCKN) || strings.Contains(string(body), `"tckn"`) {
		t.Errorf("GET /api/v1%s with the read-only token: %d %s (want 200, no tckn)", asli, status, body)
	}
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/customers", map[string]any{"kind": "person", "first_name": "Sızma", "last_name": "Özkan"}},
		{http.MethodPatch, asli, map[string]any{"first_name": "Değişti"}},
		{http.MethodDelete, asli, nil},
	} {
		if status, body := bearerCall(t, srv, readToken, call.method, call.path, call.body); status != http.StatusForbidden {
			t.Errorf("%s /api/v1%s with the read-only token: %d %s, want 403", call.method, call.path, status, body)
		}
	}
	status, body = bearerCall(t, srv, adminToken, http.MethodGet, "/customers?limit=50", nil)
	var names []string
	for _, c := range bearerList(t, body) {
		name, _ := c["display_name"].(string)
		names = append(names, name)
	}
	slices.Sort(names)
	if status != 200 || !slices.Equal(names, all) {
		t.Errorf("after the refused writes the customers are %q (%d), want %q", names, status, all)
	}

	// 5. A wider Satış role shows in Ali's very next page load; reverted,
	// so does the narrower one.
	const salesRoleID = 2 // the shipped Satış role
	admin.open(fmt.Sprintf("/roles/%d", salesRoleID), 200)
	expect(t, admin.text("#record-title") == "Satış", "role %d is titled %q, want Satış", salesRoleID, admin.text("#record-title"))
	admin.setRoleScope(salesRoleID, "customers", "read", "all")
	if got := ali.customerNames(); !slices.Equal(got, all) {
		t.Errorf("after Satış got read=all, Ali sees %q, want all", got)
	}
	admin.setRoleScope(salesRoleID, "customers", "read", "own")
	if got := ali.customerNames(); !slices.Equal(got, []string{"Aslı Özkan"}) {
		t.Errorf("after Satış was set back to own, Ali sees %q", got)
	}

	// Deactivating Ali ends his session and his token on their next use.
	aliToken, errOut, code := srv.runCLI(t, "", "token", "create", "-email", "ali@firma.com.tr")
	if code != 0 {
		t.Fatalf("token create for Ali exited %d: %s", code, errOut)
	}
	aliToken = strings.TrimSpace(aliToken)
	if status, body := bearerCall(t, srv, aliToken, http.MethodGet, "/customers", nil); status != 200 || len(bearerList(t, body)) != 1 {
		t.Errorf("Ali's token lists %d customers (%d), want his one", len(bearerList(t, body)), status)
	}
	admin.open(fmt.Sprintf("/users/%d", userID["ali@firma.com.tr"]), 200)
	admin.submit("#edit-record", 200)
	expect(t, eval[bool](admin, `document.querySelector("#f-active").checked`), "Ali's form shows him inactive already")
	admin.click("#f-active")
	admin.submit("#record-save", 200)
	admin.wantPath(fmt.Sprintf("/users/%d", userID["ali@firma.com.tr"]))

	ali.navigate("/customers")
	ali.wantPath("/login")
	ali.waitVisible("#login-submit")
	if status := ali.submitLogin("ali@firma.com.tr", userPassword); status != http.StatusUnauthorized || !strings.HasPrefix(ali.path(), "/login") {
		t.Errorf("the deactivated Ali's login answered %d at %s, want 401 on the login page", status, ali.path())
	}
	if status, _ := bearerCall(t, srv, aliToken, http.MethodGet, "/customers", nil); status != http.StatusUnauthorized {
		t.Errorf("the deactivated Ali's token answered %d, want 401", status)
	}
	// Teams are untouched: the team lead still sees Ali's customer.
	other.logout()
	other.login("lider@firma.com.tr", userPassword)
	if got := other.customerNames(); !slices.Contains(got, "Aslı Özkan") {
		t.Errorf("after Ali's deactivation the team lead sees %q", got)
	}

	for _, b := range []*browser{admin, ali, other} {
		b.wantNoConsoleErrors("status of 404", "status of 401", "status of 403")
	}
}
