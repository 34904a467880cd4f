package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
)

// Two people edit the same customer: the second save, made on the stale
// form, is refused with 409, keeps what was typed and says why; saved
// again after the warning, it goes through.
func TestFormEditConflict(t *testing.T) {
	e, c := setUp(t)
	ctx := context.Background()
	admin, _ := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	rec, err := e.st.Create(ctx, store.ActorFor(admin), store.Customers,
		store.Values{"kind": "person", "first_name": "Ali", "last_name": "Veli"})
	if err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("/customers/%d/edit", rec.ID)
	page := c.get(edit)
	seen := regexp.MustCompile(`name="updated_at" value="([^"]+)"`).FindStringSubmatch(page.Body)
	if seen == nil {
		t.Fatalf("the edit form carries no updated_at:\n%s", page.Body)
	}
	// Somebody else saves first, a moment later.
	time.Sleep(5 * time.Millisecond)
	if _, _, err := e.st.Update(ctx, store.ActorFor(admin), store.Customers, rec.ID, store.Values{"last_name": "Kaya"}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrf_token": {tokenFrom(t, page.Body)}, "kind": {"person"}, "first_name": {"Ali"},
		"last_name": {"Demir"}, "stage": {"customer"}, "updated_at": {seen[1]}}
	r := c.post(fmt.Sprintf("/customers/%d", rec.ID), form)
	if r.Status != http.StatusConflict {
		t.Fatalf("saving a stale form: status %d, want 409", r.Status)
	}
	if !strings.Contains(r.Body, "başka biri tarafından değiştirildi") || !strings.Contains(r.Body, `value="Demir"`) {
		t.Errorf("the conflict page does not explain, or lost the typing:\n%s", r.Body)
	}
	got, _ := e.st.Get(ctx, store.ActorFor(admin), store.Customers, rec.ID)
	if got.Values.Str("last_name") != "Kaya" {
		t.Fatalf("the stale form overwrote the other edit: %q", got.Values.Str("last_name"))
	}
	// Saving again from the conflict page is a deliberate overwrite.
	again := regexp.MustCompile(`name="updated_at" value="([^"]+)"`).FindStringSubmatch(r.Body)
	form.Set("updated_at", again[1])
	form.Set("csrf_token", tokenFrom(t, r.Body))
	if r := c.post(fmt.Sprintf("/customers/%d", rec.ID), form); r.Status != http.StatusSeeOther {
		t.Fatalf("saving after the warning: status %d", r.Status)
	}
	got, _ = e.st.Get(ctx, store.ActorFor(admin), store.Customers, rec.ID)
	if got.Values.Str("last_name") != "Demir" {
		t.Errorf("after the warning the save did not go through: %q", got.Values.Str("last_name"))
	}
}

func TestAPIPatchConflict(t *testing.T) {
	a := apiSetUp(t)
	auth := map[string]string{"Authorization": "Bearer " + a.token, "Content-Type": "application/json"}
	created := apiCall(t, a.browser, http.MethodPost, "/api/v1/customers", []byte(`{"kind":"company","title":"Çatışma Ltd."}`), auth)
	if created.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	var rec map[string]any
	_ = json.Unmarshal(created.Body, &rec)
	path := fmt.Sprintf("/api/v1/customers/%v", rec["id"])
	stale := rec["updated_at"].(string)
	time.Sleep(5 * time.Millisecond)
	if r := apiCall(t, a.browser, http.MethodPatch, path, []byte(`{"sector":"Gıda"}`), auth); r.Status != http.StatusOK {
		t.Fatalf("plain PATCH: %d", r.Status)
	}
	body := []byte(`{"sector":"İnşaat","updated_at":"` + stale + `"}`)
	r := apiCall(t, a.browser, http.MethodPatch, path, body, auth)
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), `"error"`) {
		t.Fatalf("PATCH with a stale updated_at: %d %s, want 409 with an error body", r.Status, r.Body)
	}
	var cur map[string]any
	_ = json.Unmarshal(apiCall(t, a.browser, http.MethodGet, path, nil, auth).Body, &cur)
	if cur["sector"] != "Gıda" {
		t.Errorf("the stale PATCH changed the record: %v", cur["sector"])
	}
	body = []byte(`{"sector":"İnşaat","updated_at":"` + cur["updated_at"].(string) + `"}`)
	if r := apiCall(t, a.browser, http.MethodPatch, path, body, auth); r.Status != http.StatusOK {
		t.Errorf("PATCH with the current updated_at: %d %s", r.Status, r.Body)
	}
	if r := apiCall(t, a.browser, http.MethodPatch, path, []byte(`{"updated_at":"dün"}`), auth); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a malformed updated_at: %d, want 422", r.Status)
	}
}
