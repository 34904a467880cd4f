package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kobicrm/store"
)

func TestRecordPageShowsHistory(t *testing.T) {
	e, c := setUp(t)
	ctx := context.Background()
	admin, _ := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	a := store.ActorFor(admin)
	rec, err := e.st.Create(ctx, a, store.Customers, store.Values{"kind": "person", "first_name": "Ali", "last_name": "Veli", "stage": "lead"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.Update(ctx, a, store.Customers, rec.ID, store.Values{"last_name": "Kaya", "stage": "customer"}); err != nil {
		t.Fatal(err)
	}
	r := c.get(fmt.Sprintf("/customers/%d", rec.ID))
	if r.Status != http.StatusOK {
		t.Fatalf("360 page: %d", r.Status)
	}
	for _, want := range []string{`id="history"`, "Geçmiş", "değiştirdi", "oluşturdu", "<del>Veli</del> → <ins>Kaya</ins>",
		"<del>Aday</del> → <ins>Müşteri</ins>", admin.Name} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	// The edit comes before the creation: newest first.
	if strings.Index(r.Body, "değiştirdi") > strings.Index(r.Body, "oluşturdu") {
		t.Error("the history is not newest first")
	}
}
