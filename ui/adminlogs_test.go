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

const (
	clerkName     = "Can Demir"
	clerkEmail    = "can@firma.com.tr"
	clerkPassword = "Deniz-Yeşil-Kayık-7"
	firefox       = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
)

// loginWith submits the login form with a browser's User-Agent.
func (c *client) loginWith(userAgent, email, password string) *resp {
	c.t.Helper()
	tok := c.token("/login")
	return c.postRaw("/login", url.Values{csrfField: {tok}, "email": {email}, "password": {password}},
		http.Header{"User-Agent": {userAgent}})
}

// section is the part of a page from the element with the id to the end
// of its list or table, so that a check is not fooled by the filters'
// option labels.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no #%s in page:\n%s", id, body)
	}
	rest := body[i:]
	for _, end := range []string{"</ol>", "</table>"} {
		if j := strings.Index(rest, end); j >= 0 {
			return rest[:j]
		}
	}
	return rest
}

func TestLoginHistoryShowsAttempts(t *testing.T) {
	e, admin := setUp(t)
	clerk := e.addUser(clerkName, clerkEmail, clerkPassword)
	other := e.client()
	wantStatus(t, other.loginWith(firefox, "Can@Firma.com.tr", "yanlış-şifre-123"), http.StatusUnauthorized)
	wantStatus(t, other.loginWith(firefox, "kimse@firma.com.tr", "yanlış-şifre-123"), http.StatusUnauthorized)
	wantRedirect(t, other.loginWith(firefox, clerkEmail, clerkPassword), "/")

	r := admin.get("/admin/logins")
	wantStatus(t, r, http.StatusOK)
	rows := section(t, r.Body, "logins-table")
	wantBody(t, &resp{Body: rows}, "Can@Firma.com.tr", "kimse@firma.com.tr", clerkName, "127.0.0.1", "Firefox · Windows",
		firefox, e.tr("logins.ok"), e.tr("logins.failed"), e.tr("logins.reason_bad_password"), e.tr("logins.reason_unknown_user"))
	if strings.Index(rows, e.tr("logins.ok")) > strings.Index(rows, e.tr("logins.failed")) {
		t.Error("the login history is not newest first")
	}

	r = admin.get("/admin/logins?result=failed")
	rows = section(t, r.Body, "logins-table")
	wantNoBody(t, &resp{Body: rows}, e.tr("logins.ok"))
	wantBody(t, &resp{Body: rows}, "kimse@firma.com.tr")

	r = admin.get(fmt.Sprintf("/admin/logins?user=%d&result=ok", clerk.ID))
	rows = section(t, r.Body, "logins-table")
	wantBody(t, &resp{Body: rows}, clerkEmail)
	wantNoBody(t, &resp{Body: rows}, "kimse@", "Can@Firma")

	// Turkish dates are read; a day with no logins says what it would show.
	r = admin.get("/admin/logins?from=01.01.2000&to=31.12.2000")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="logins-empty"`, e.tr("logins.empty_filtered"), `value="2000-01-01"`)
	r = admin.get("/admin/logins?from=dün")
	wantStatus(t, r, http.StatusBadRequest)
	wantBody(t, r, e.tr("audit.bad_query"))
}

func TestLoginHistoryRecordsRateLimitedAttempts(t *testing.T) {
	e, admin := setUp(t)
	e.addUser(clerkName, clerkEmail, clerkPassword)
	other := e.client()
	for range e.srv.limiter.perAccount {
		wantStatus(t, other.loginWith(firefox, clerkEmail, "yanlış-şifre-123"), http.StatusUnauthorized)
	}
	wantStatus(t, other.loginWith(firefox, clerkEmail, clerkPassword), http.StatusTooManyRequests)
	r := admin.get("/admin/logins")
	wantBody(t, &resp{Body: section(t, r.Body, "logins-table")}, e.tr("logins.reason_rate_limited"))
}

func TestAdminLogPagesAreForAdminsOnly(t *testing.T) {
	e, admin := setUp(t)
	e.addUser(clerkName, clerkEmail, clerkPassword)
	clerk := e.client()
	clerk.login(clerkEmail, clerkPassword)

	for _, p := range []string{"/admin/audit", "/admin/logins", "/admin/sessions"} {
		wantStatus(t, clerk.get(p), http.StatusForbidden)
		wantStatus(t, admin.get(p), http.StatusOK)
	}
	home := clerk.get("/")
	wantNoBody(t, home, `href="/admin/audit"`, `href="/admin/logins"`, `href="/admin/sessions"`)
	wantBody(t, admin.get("/"), `href="/admin/audit"`, `href="/admin/logins"`, `href="/admin/sessions"`)

	// Ending a session is refused too, even with a good token and the
	// confirmation given, and the admin's session lives on.
	ref := sessionRefs(t, admin.get("/admin/sessions").Body)[adminEmail]
	tok := clerk.token("/")
	wantStatus(t, clerk.post("/admin/sessions/"+ref+"/end", url.Values{csrfField: {tok}, "confirmed": {"1"}}), http.StatusForbidden)
	admin.wantLoggedIn(adminName)
}

var sessionTableRow = regexp.MustCompile(`(?s)<tr>.*?</tr>`)
var endAction = regexp.MustCompile(`action="/admin/sessions/([0-9a-f]+)/end"`)

// sessionRefs reads the sessions page: e-mail → the ref its end button
// posts to.
func sessionRefs(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, row := range sessionTableRow.FindAllString(section(t, body, "sessions-table"), -1) {
		m := endAction.FindStringSubmatch(row)
		if m == nil {
			continue
		}
		for _, email := range []string{adminEmail, clerkEmail} {
			if strings.Contains(row, email) {
				out[email] = m[1]
			}
		}
	}
	return out
}

func TestAdminEndsAnotherUsersSession(t *testing.T) {
	e, admin := setUp(t)
	e.addUser(clerkName, clerkEmail, clerkPassword)
	clerk := e.client()
	wantRedirect(t, clerk.loginWith(firefox, clerkEmail, clerkPassword), "/")

	r := admin.get("/admin/sessions")
	wantStatus(t, r, http.StatusOK)
	table := section(t, r.Body, "sessions-table")
	wantBody(t, &resp{Body: table}, clerkName, clerkEmail, adminName, "127.0.0.1", "Firefox · Windows", e.tr("sessions.current"))
	refs := sessionRefs(t, r.Body)
	if len(refs) != 2 || refs[clerkEmail] == refs[adminEmail] {
		t.Fatalf("session refs %v", refs)
	}
	// The page names sessions without their key.
	var stored []string
	rows, err := e.db(t).Query("SELECT id FROM sessions")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, id)
	}
	rows.Close()
	for _, id := range stored {
		if strings.Contains(r.Body, id[:16]) {
			t.Errorf("the page shows the stored session key %s", id)
		}
	}

	// Without JavaScript, the server asks first.
	tok := tokenFrom(t, r.Body)
	action := "/admin/sessions/" + refs[clerkEmail] + "/end"
	ask := admin.post(action, url.Values{csrfField: {tok}})
	wantStatus(t, ask, http.StatusOK)
	wantBody(t, ask, e.tr("sessions.end_heading", clerkName), e.tr("sessions.end_body"), `id="confirm-submit"`)
	clerk.wantLoggedIn(clerkName)

	wantRedirect(t, admin.post(action, url.Values{csrfField: {tok}, "confirmed": {"1"}}), "/admin/sessions")
	after := admin.get("/admin/sessions")
	wantBody(t, after, e.tr("sessions.ended"))
	if _, still := sessionRefs(t, after.Body)[clerkEmail]; still {
		t.Error("the ended session is still listed")
	}
	// The clerk's next request goes to the login form; the admin stays.
	wantRedirect(t, clerk.get("/customers"), "/login?next=%2Fcustomers")
	admin.wantLoggedIn(adminName)

	// Ending it again (an old tab) says it had already ended.
	wantRedirect(t, admin.post(action, url.Values{csrfField: {tok}, "confirmed": {"1"}}), "/admin/sessions")
	wantBody(t, admin.get("/admin/sessions"), e.tr("sessions.gone"))
}

func TestAdminEndsOwnSession(t *testing.T) {
	_, admin := setUp(t)
	r := admin.get("/admin/sessions")
	ref := sessionRefs(t, r.Body)[adminEmail]
	tok := tokenFrom(t, r.Body)
	action := "/admin/sessions/" + ref + "/end"
	ask := admin.post(action, url.Values{csrfField: {tok}})
	wantStatus(t, ask, http.StatusOK)
	wantBody(t, ask, admin.e.tr("sessions.end_own_body"))
	wantBody(t, r, admin.e.tr("sessions.end_own_confirm"))

	wantRedirect(t, admin.post(action, url.Values{csrfField: {tok}, "confirmed": {"1"}}), "/login")
	wantBody(t, admin.get("/login"), admin.e.tr("sessions.ended_own"))
	admin.wantLoggedOut()
}

func TestEndSessionRefusesForgedPost(t *testing.T) {
	e, admin := setUp(t)
	e.addUser(clerkName, clerkEmail, clerkPassword)
	clerk := e.client()
	clerk.login(clerkEmail, clerkPassword)
	ref := sessionRefs(t, admin.get("/admin/sessions").Body)[clerkEmail]
	action := "/admin/sessions/" + ref + "/end"

	r := admin.post(action, url.Values{"confirmed": {"1"}})
	wantStatus(t, r, http.StatusForbidden)
	wantBody(t, r, e.tr("error.csrf_title"))
	r = admin.post(action, url.Values{csrfField: {"not-the-token"}, "confirmed": {"1"}})
	wantStatus(t, r, http.StatusForbidden)
	clerk.wantLoggedIn(clerkName)
}

func TestAuditPageFiltersByModuleAndUser(t *testing.T) {
	e, admin := setUp(t)
	ctx := context.Background()
	// A second administrator: the page tells whose entries are whose,
	// whatever a role lets a user do.
	clerkUser, err := e.st.CreateUser(ctx, store.SystemActor(), store.NewUser{Name: clerkName, Email: clerkEmail,
		Password: clerkPassword, PasswordAgain: clerkPassword, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	adminUser, err := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	a, cl := store.ActorFor(adminUser), store.ActorFor(clerkUser)
	cust, err := e.st.Create(ctx, a, store.Customers, store.Values{"kind": "person", "first_name": "Ali", "last_name": "Veli"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Update(ctx, cl, store.Customers, cust.ID, store.Values{"last_name": "Kaya"}); err != nil {
		t.Fatal(err)
	}
	car, err := e.st.Create(ctx, cl, store.Assets, store.Values{"customer_id": cust.ID, "name": "Doblo", "plate": "34 abc 123"})
	if err != nil {
		t.Fatal(err)
	}

	r := admin.get("/admin/audit")
	wantStatus(t, r, http.StatusOK)
	all := section(t, r.Body, "audit-entries")
	wantBody(t, &resp{Body: all}, adminName, clerkName, e.tr("module.customers"), e.tr("module.assets"),
		"<del>Veli</del> → <ins>Kaya</ins>", fmt.Sprintf(`href="/customers/%d"`, cust.ID), fmt.Sprintf(`href="/assets/%d"`, car.ID),
		e.tr("history.create"), e.tr("history.update"))
	if strings.Count(all, "<li>\n") != 3 {
		t.Errorf("want 3 entries:\n%s", all)
	}

	r = admin.get("/admin/audit?module=assets")
	wantStatus(t, r, http.StatusOK)
	only := section(t, r.Body, "audit-entries")
	wantBody(t, &resp{Body: only}, fmt.Sprintf(`href="/assets/%d"`, car.ID), "Doblo")
	wantNoBody(t, &resp{Body: only}, "/customers/")
	wantBody(t, r, `<option value="assets" selected>`)

	r = admin.get(fmt.Sprintf("/admin/audit?user=%d", clerkUser.ID))
	only = section(t, r.Body, "audit-entries")
	wantBody(t, &resp{Body: only}, clerkName, "Kaya", "Doblo")
	wantNoBody(t, &resp{Body: only}, adminName)
	wantBody(t, r, fmt.Sprintf(`<option value="%d" selected>%s</option>`, clerkUser.ID, clerkName))

	r = admin.get(fmt.Sprintf("/admin/audit?module=customers&record=%d&action=update&from=01.01.2000", cust.ID))
	only = section(t, r.Body, "audit-entries")
	if strings.Count(only, "<li>\n") != 1 || !strings.Contains(only, "Kaya") {
		t.Errorf("one update wanted:\n%s", only)
	}

	// Entries about a whole list (record 0) and about a module no longer
	// declared show without a broken link.
	e.exec(t, `INSERT INTO audit_log (at, user_id, actor, action, module, record_id, changes) VALUES
		('2026-01-05T09:00:00.000Z', NULL, 'system', 'export', 'customers', 0, '[{"field":"rows","new":3}]'),
		('2026-01-05T09:00:01.000Z', NULL, 'system', 'update', 'gone', 7, '[{"field":"x","old":"a","new":"b"}]')`)
	r = admin.get("/admin/audit")
	all = section(t, r.Body, "audit-entries")
	wantBody(t, &resp{Body: all}, e.tr("history.export"), e.tr("history.system"), "gone #7", "<del>a</del> → <ins>b</ins>")
	wantNoBody(t, &resp{Body: all}, "/customers/0", "#0")

	r = admin.get("/admin/audit?module=customers&to=01.01.2000")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="audit-empty"`, e.tr("audit.empty_filtered"))
	for _, bad := range []string{"?from=31.02.2026", "?record=abc", "?before=-1"} {
		r = admin.get("/admin/audit" + bad)
		wantStatus(t, r, http.StatusBadRequest)
		wantBody(t, r, e.tr("audit.bad_query"))
	}
}

func TestAuditPagePagesOlderEntries(t *testing.T) {
	e, admin := setUp(t)
	ctx := context.Background()
	adminUser, err := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	a := store.ActorFor(adminUser)
	for i := range 52 {
		if _, err := e.st.Create(ctx, a, store.Customers, store.Values{"kind": "company", "title": fmt.Sprintf("Firma %02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	r := admin.get("/admin/audit?module=customers")
	first := section(t, r.Body, "audit-entries")
	if n := strings.Count(first, "<li>\n"); n != 50 {
		t.Fatalf("first page: %d entries, want 50", n)
	}
	m := regexp.MustCompile(`href="([^"]+)" rel="next" id="log-older"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no link to older entries:\n%s", r.Body)
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(next, "module=customers") {
		t.Errorf("the older link %q drops the filter", next)
	}
	r = admin.get(next)
	wantStatus(t, r, http.StatusOK)
	older := section(t, r.Body, "audit-entries")
	if n := strings.Count(older, "<li>\n"); n != 2 || !strings.Contains(older, "Firma 00") || strings.Contains(first, "Firma 00") {
		t.Errorf("second page: %d entries\n%s", n, older)
	}
	wantBody(t, r, e.tr("audit.newest"))
	wantNoBody(t, r, `id="log-older"`)
}
