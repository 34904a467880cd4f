package store

import "testing"

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
