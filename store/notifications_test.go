package store

import (
	"math/rand/v2"
	"testing"
)

// The badge's count stops at UnreadCap, and reading them all clears it;
// the session reads the same count for the page.
func TestUnreadNotificationsStopAtTheCap(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	mate := fx.actor(t, fx.users["mate"])
	for i := 0; i < UnreadCap+20; i++ {
		if _, err := st.writer.ExecContext(ctx, `INSERT INTO notifications (user_id, at, kind, module, record_id, title)
			VALUES (?, '2026-12-01T09:00:00Z', 'assigned', 'customers', ?, 'Müşteri')`, fx.users["mate"], i+1); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.UnreadNotifications(ctx, mate)
	if err != nil || n != UnreadCap {
		t.Fatalf("unread = %d, %v; want %d", n, err, UnreadCap)
	}
	if u, err := fx.session(t, fx.users["mate"]); err != nil || u.Unread != UnreadCap {
		t.Fatalf("the session's unread = %v, %v; want %d", u, err, UnreadCap)
	}
	if err := st.MarkNotificationsRead(ctx, mate); err != nil {
		t.Fatal(err)
	}
	if n, err := st.UnreadNotifications(ctx, mate); err != nil || n != 0 {
		t.Fatalf("after reading them all: %d, %v", n, err)
	}
	if u, err := fx.session(t, fx.users["mate"]); err != nil || u.Unread != 0 {
		t.Fatalf("the session's unread after reading them all = %v, %v", u, err)
	}
}

// The count the badge reads is kept by triggers; whatever happens to the
// notifications (a new one, one read, all read, one deleted, one moved to
// another user), it stays the number of unread ones.
func TestUnreadCountFollowsEveryChange(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	users := []int64{fx.users["mate"], fx.users["boss"]}
	rng := rand.New(rand.NewPCG(7, 26))
	changes := []string{
		`INSERT INTO notifications (user_id, at, kind, module, record_id, title) VALUES (?, '2026-12-01T09:00:00Z', 'assigned', 'customers', 1, 'M')`,
		`INSERT INTO notifications (user_id, at, kind, module, record_id, title, read_at) VALUES (?, '2026-12-01T09:00:00Z', 'assigned', 'customers', 1, 'M', '2026-12-01T10:00:00Z')`,
		`UPDATE notifications SET read_at = '2026-12-02T10:00:00Z' WHERE id = (SELECT min(id) FROM notifications WHERE user_id = ? AND read_at IS NULL)`,
		`UPDATE notifications SET read_at = NULL WHERE id = (SELECT max(id) FROM notifications WHERE user_id = ? AND read_at IS NOT NULL)`,
		`DELETE FROM notifications WHERE id = (SELECT max(id) FROM notifications WHERE user_id = ?)`,
		`UPDATE notifications SET user_id = ?2 WHERE id = (SELECT min(id) FROM notifications WHERE user_id = ?1)`,
		`UPDATE notifications SET read_at = '2026-12-03T10:00:00Z' WHERE user_id = ? AND read_at IS NULL`,
	}
	for step := range 400 {
		i := rng.IntN(len(changes))
		if i == len(changes)-1 && rng.IntN(8) != 0 {
			i = 0 // reading them all is rarer, or the counts would stay near zero
		}
		from := users[rng.IntN(2)]
		args := []any{from}
		if i == 5 {
			args = append(args, users[0]+users[1]-from)
		}
		if _, err := st.writer.ExecContext(ctx, changes[i], args...); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for _, u := range users {
			var kept, counted int
			if err := st.writer.QueryRowContext(ctx, `SELECT coalesce((SELECT n FROM unread_counts WHERE user_id = ?), 0),
				(SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL)`, u, u).Scan(&kept, &counted); err != nil {
				t.Fatal(err)
			}
			if kept != counted {
				t.Fatalf("step %d (%s): user %d has %d unread, the count says %d", step, changes[i], u, counted, kept)
			}
		}
	}
}
