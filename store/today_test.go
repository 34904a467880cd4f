package store

import (
	"context"
	"fmt"
	"testing"
)

// "Bugün" lists the customers the user opened, newest first, each once,
// without the deleted ones, however many other entries the user wrote
// into the audit trail since.
func TestRecentlyViewedNewestFirst(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	var ids []int64
	for _, name := range []string{"Ali", "Banu", "Cem"} {
		ids = append(ids, mustCreate(t, st, a, Customers, person(name, "Kaya", nil)).ID)
	}
	for _, id := range append(ids, ids[0]) { // reopened within the hour: logged once
		if _, err := st.Get(ctx, a, Customers, id); err != nil {
			t.Fatal(err)
		}
	}
	// The user's writes after the reads, as an import leaves them, more
	// than the 200 read entries the page looks at.
	for i := range 500 {
		if _, err := st.writer.Exec(`INSERT INTO audit_log (at, user_id, actor, action, module, record_id)
			VALUES (?, ?, 'Ayşe Yılmaz', 'update', 'customers', ?)`, timeText(now()), a.UserID, ids[i%3]); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Delete(ctx, a, Customers, ids[1]); err != nil {
		t.Fatal(err)
	}
	viewed, err := st.RecentlyViewed(ctx, a, 8)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range viewed {
		got = append(got, rec.Title())
	}
	if want := "[Cem Kaya Ali Kaya]"; fmt.Sprint(got) != want {
		t.Fatalf("recently viewed %v, want %s", got, want)
	}
	if other, err := st.RecentlyViewed(ctx, ActorFor(mustUser(t, st, "Can Demir", "can@firma.com.tr")), 8); err != nil || len(other) != 0 {
		t.Fatalf("another user's recently viewed: %d, %v", len(other), err)
	}
}
