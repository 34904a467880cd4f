package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestAuditLogFiltersAndPages(t *testing.T) {
	st := newTestStore(t)
	admin := mustAdmin(t, st)
	// A second administrator: what matters here is whose entries are
	// whose, not what a role lets a user do.
	clerkUser, err := st.CreateUser(context.Background(), SystemActor(), NewUser{Name: "Can Demir", Email: "can@firma.com.tr",
		Password: goodPassword, PasswordAgain: goodPassword, Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	a, clerk := ActorFor(admin), ActorFor(clerkUser)
	ctx := context.Background()
	defer func() { now = time.Now }()
	now = func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }
	p := mustCreate(t, st, a, Customers, person("Ali", "Veli", nil))                                  // ayşe: create
	now = func() time.Time { return time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC) }                    // 3 March in Istanbul
	if _, _, err := st.Update(ctx, clerk, Customers, p.ID, Values{"last_name": "Kaya"}); err != nil { // can: update
		t.Fatal(err)
	}
	car := mustCreate(t, st, clerk, Assets, Values{"customer_id": p.ID, "name": "Doblo", "plate": "34 abc 123"}) // can: create
	now = func() time.Time { return time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC) }
	if err := st.Delete(ctx, a, Assets, car.ID); err != nil { // ayşe: delete
		t.Fatal(err)
	}

	show := func(q AuditQuery) string {
		t.Helper()
		pg, err := st.AuditLog(ctx, a, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var out []string
		for _, e := range pg.Entries {
			out = append(out, fmt.Sprintf("%s %s %s#%d", e.Actor, e.Action, e.Module, e.RecordID))
		}
		return fmt.Sprint(out)
	}
	pid, cid := p.ID, car.ID
	for _, c := range []struct {
		q    AuditQuery
		want string
	}{
		{AuditQuery{}, fmt.Sprintf("[Ayşe Yılmaz delete assets#%d Can Demir create assets#%d Can Demir update customers#%d Ayşe Yılmaz create customers#%d]", cid, cid, pid, pid)},
		{AuditQuery{Module: "customers"}, fmt.Sprintf("[Can Demir update customers#%d Ayşe Yılmaz create customers#%d]", pid, pid)},
		{AuditQuery{UserID: clerkUser.ID}, fmt.Sprintf("[Can Demir create assets#%d Can Demir update customers#%d]", cid, pid)},
		{AuditQuery{Module: "assets", RecordID: cid, Action: ActionDelete}, fmt.Sprintf("[Ayşe Yılmaz delete assets#%d]", cid)},
		{AuditQuery{From: "03.03.2026", To: "03.03.2026"}, fmt.Sprintf("[Can Demir create assets#%d Can Demir update customers#%d]", cid, pid)},
		{AuditQuery{To: "02.03.2026"}, fmt.Sprintf("[Ayşe Yılmaz create customers#%d]", pid)},
		{AuditQuery{Module: "nothing"}, "[]"},
	} {
		if got := show(c.q); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.q, got, c.want)
		}
	}

	// The changes come back field by field.
	pg, err := st.AuditLog(ctx, a, AuditQuery{Action: ActionUpdate})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ch := range pg.Entries[0].Changes {
		if ch.Field == "last_name" && ch.Old == "Veli" && ch.New == "Kaya" {
			found = true
		}
	}
	if !found || pg.Entries[0].UserID != clerkUser.ID || !pg.Entries[0].At.Equal(time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("the update entry: %+v", pg.Entries[0])
	}

	// Pages of one meet every entry once, newest first.
	var ids []int64
	q := AuditQuery{Limit: 1}
	for {
		pg, err := st.AuditLog(ctx, a, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range pg.Entries {
			ids = append(ids, e.ID)
		}
		if pg.Next == 0 || len(ids) > 10 {
			break
		}
		q.Before = pg.Next
	}
	if len(ids) != 4 || ids[0] <= ids[1] || ids[1] <= ids[2] || ids[2] <= ids[3] {
		t.Errorf("paged ids %v", ids)
	}

	if _, err := st.AuditLog(ctx, a, AuditQuery{From: "31.02.2026"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("an impossible date: %v, want ErrBadQuery", err)
	}
	if _, err := st.AuditLog(ctx, ActorFor(mustUser(t, st, "Eda Kara", "eda@firma.com.tr")), AuditQuery{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-administrator read the trail: %v", err)
	}
}

func TestReadingTheAuditLogWritesNothing(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	mustCreate(t, st, a, Customers, person("Ali", "Veli", nil))
	ctx := context.Background()
	before := countRows(t, st, "SELECT count(*) FROM audit_log")
	var changes int
	if err := st.writer.QueryRow("SELECT total_changes()").Scan(&changes); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := st.AuditLog(ctx, a, AuditQuery{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AuditUsers(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var after int
	if err := st.writer.QueryRow("SELECT total_changes()").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, st, "SELECT count(*) FROM audit_log"); n != before || after != changes {
		t.Errorf("reading the trail wrote: %d → %d entries, %d → %d changes", before, n, changes, after)
	}
}

func TestAuditUsersListsInactiveUsers(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	gone := mustUser(t, st, "Bora Eski", "bora@firma.com.tr")
	if _, err := st.writer.Exec("UPDATE users SET active = 0 WHERE id = ?", gone.ID); err != nil {
		t.Fatal(err)
	}
	us, err := st.AuditUsers(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 2 || us[0].Name != "Ayşe Yılmaz" || us[1].ID != gone.ID {
		t.Errorf("audit users: %+v", us)
	}
}
