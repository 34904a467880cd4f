package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestUpdateIfUnchangedRefusesAStaleEdit(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	r := mustCreate(t, st, a, Customers, person("Ali", "Veli", nil))
	seen := r.UpdatedAt
	now = func() time.Time { return time.Now().Add(time.Second) } // the other edit is later
	defer func() { now = time.Now }()
	if _, _, err := st.UpdateIfUnchanged(ctx, a, Customers, r.ID, Values{"last_name": "Kaya"}, seen); err != nil {
		t.Fatalf("the first edit: %v", err)
	}
	_, _, err := st.UpdateIfUnchanged(ctx, a, Customers, r.ID, Values{"last_name": "Demir"}, seen)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("an edit of a stale copy: %v, want ErrConflict", err)
	}
	got, _ := st.Get(ctx, a, Customers, r.ID)
	if got.Values.Str("last_name") != "Kaya" {
		t.Errorf("the stale edit was saved: %q", got.Values.Str("last_name"))
	}
	if _, _, err := st.UpdateIfUnchanged(ctx, a, Customers, r.ID, Values{"last_name": "Demir"}, got.UpdatedAt); err != nil {
		t.Errorf("an edit of the current copy: %v", err)
	}
}

func TestCreateContactPersonIsOneStep(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	c := mustCreate(t, st, a, Customers, company("Firma A.Ş.", nil))
	p, err := st.CreateContactPerson(ctx, a, c.ID, person("Ayşe", "Yetkili", nil), "accounting")
	if err != nil {
		t.Fatal(err)
	}
	contacts, _ := st.Contacts(ctx, a, c.ID)
	if len(contacts) != 1 || contacts[0].Person.ID != p.ID || contacts[0].Role != "accounting" {
		t.Errorf("contacts: %+v", contacts)
	}
	// A company cannot be a contact person: nothing is created at all.
	_, err = st.CreateContactPerson(ctx, a, c.ID, company("Başka Ltd.", nil), "authorized")
	if v, ok := AsValidation(err); !ok || v.Fields["kind"].Key != "error.contact_person" {
		t.Fatalf("a company as contact: %v", err)
	}
	if page, _ := st.List(ctx, a, Customers, ListQuery{Search: "başka"}); len(page.Records) != 0 {
		t.Error("the refused contact was created anyway")
	}
	if _, err := st.CreateContactPerson(ctx, a, 9999, person("X", "Y", nil), ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown company: %v", err)
	}
}

// The recycle bin and backups are the administrators': the store refuses
// others whatever the page shows.
func TestAdminOnlyActionsAreRefusedInStore(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	u, err := st.CreateUser(ctx, admin, NewUser{Name: "Can", Email: "can@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	clerk := ActorFor(u)
	r := mustCreate(t, st, clerk, Customers, person("Silinen", "Kişi", nil))
	if err := st.Delete(ctx, clerk, Customers, r.ID); err != nil {
		t.Fatalf("a user deletes their own record: %v", err)
	}
	checks := map[string]error{
		"restore":     st.Restore(ctx, clerk, Customers, r.ID),
		"purge":       st.Purge(ctx, clerk, Customers, r.ID),
		"backup":      st.Backup(ctx, clerk, filepath.Join(t.TempDir(), "x.db")),
		"reindex":     st.Reindex(ctx, clerk, Customers),
		"recycle bin": func() error { _, err := st.List(ctx, clerk, Customers, ListQuery{Deleted: true}); return err }(),
		"bin record":  func() error { _, err := st.GetDeleted(ctx, clerk, Customers, r.ID); return err }(),
	}
	for what, err := range checks {
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s by a non-admin: %v, want ErrForbidden", what, err)
		}
	}
	if err := st.Restore(ctx, admin, Customers, r.ID); err != nil {
		t.Errorf("restore by an admin: %v", err)
	}
}

func TestRecycleBinPagesByDeletionTime(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	base := time.Now()
	defer func() { now = time.Now }()
	var ids []int64
	for i := 0; i < 5; i++ {
		r := mustCreate(t, st, a, Customers, person("Kutu", string(rune('A'+i)), nil))
		ids = append(ids, r.ID)
	}
	// Deleted in reverse order of creation: the bin shows the latest first.
	for i := len(ids) - 1; i >= 0; i-- {
		now = func() time.Time { return base.Add(time.Duration(len(ids)-i) * time.Minute) }
		if err := st.Delete(ctx, a, Customers, ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	var got []int64
	q := ListQuery{Deleted: true, Sort: "deleted_at", Desc: true, Limit: 2}
	for {
		p, err := st.List(ctx, a, Customers, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got = append(got, r.ID)
		}
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	want := ids // ids[0] was deleted last
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("bin order %v, want %v", got, want)
		}
	}
}
