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

var apiTokenInPage = regexp.MustCompile(`kcrm_[A-Za-z0-9_-]{43}`)

func TestProfileTokens(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)

	r := c.get("/profile")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("tokens.heading"), e.tr("tokens.none"), `action="/profile/tokens"`)

	// Like every form, it needs the CSRF token.
	wantStatus(t, c.post("/profile/tokens", url.Values{"name": {"betik"}}), http.StatusForbidden)

	// A name is required.
	r = c.submit("/profile", "/profile/tokens", url.Values{"name": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.required"), e.tr("tokens.heading"))
	r = c.submit("/profile", "/profile/tokens", url.Values{"name": {strings.Repeat("a", 61)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("error.too_long", 60))

	// Created: the next page shows it once, with the note to copy it now.
	wantRedirect(t, c.submit("/profile", "/profile/tokens", url.Values{"name": {"<b>stok</b> betiği"}}), "/profile#tokens")
	r = c.get("/profile")
	wantStatus(t, r, http.StatusOK)
	token := apiTokenInPage.FindString(r.Body)
	if token == "" {
		t.Fatalf("the new token is not shown:\n%s", r.Body)
	}
	wantBody(t, r, e.tr("tokens.copy_now"), e.tr("tokens.created"), e.tr("tokens.never_used"))
	if strings.Contains(r.Body, "<b>stok</b>") || !strings.Contains(r.Body, "&lt;b&gt;stok&lt;/b&gt; betiği") {
		t.Error("the token name is not escaped")
	}
	if again := c.get("/profile"); apiTokenInPage.MatchString(again.Body) || strings.Contains(again.Body, e.tr("tokens.copy_now")) {
		t.Error("the token is shown a second time")
	} else {
		wantBody(t, again, "<b>stok</b> betiği")
	}

	// It works, and its use shows.
	anon := e.clientFor(t)
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": "Bearer " + token}).
		want(t, http.StatusOK)
	r = c.get("/profile")
	wantNoBody(t, r, e.tr("tokens.never_used"))

	// Revoking asks first, then ends it.
	admin, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.st.Tokens(context.Background(), store.ActorFor(admin))
	if err != nil || len(list) != 1 {
		t.Fatalf("tokens: %v %v", err, list)
	}
	revoke := fmt.Sprintf("/profile/tokens/%d/revoke", list[0].ID)
	wantBody(t, r, `action="`+revoke+`"`, `data-confirm="`)
	wantBody(t, r, e.tr("tokens.revoke_confirm", list[0].Name))

	// Someone else cannot revoke it.
	other := e.clientFor(t)
	e.addUser("Mehmet Demir", "mehmet@firma.com.tr", "Deniz-Kum-Fener-77")
	other.login("mehmet@firma.com.tr", "Deniz-Kum-Fener-77")
	wantStatus(t, other.submit("/profile", revoke, nil), http.StatusNotFound)
	if strings.Contains(other.get("/profile").Body, "stok") {
		t.Error("another user sees the token")
	}

	wantRedirect(t, c.submit("/profile", revoke, nil), "/profile#tokens")
	wantBody(t, c.get("/profile"), e.tr("tokens.revoked"), e.tr("tokens.none"))
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": "Bearer " + token}).
		want(t, http.StatusUnauthorized)
	wantStatus(t, c.submit("/profile", revoke, nil), http.StatusNotFound)
}

func TestProfileTokensWithEnglish(t *testing.T) {
	t.Parallel()
	e, c := setUp(t)
	wantRedirect(t, c.submit("/", "/language", url.Values{"lang": {"en"}}), "/")
	r := c.get("/profile")
	wantBody(t, r, e.en("tokens.heading"), e.en("tokens.intro"))
	// The other profile forms still show the card after a mistake.
	r = c.submit("/profile", "/profile", url.Values{"name": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.en("tokens.heading"))
}
