package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/demo"
)

// The activity side of the large demo set: 1,000,000 activities, 2,000 of
// them for one key account, and ETK decisions for most customers.

func keyAccount(b *testing.B, st *store.Store) int64 {
	b.Helper()
	p, err := st.List(context.Background(), store.SystemActor(), store.Customers,
		store.ListQuery{Filters: map[string]string{"tags": demo.KeyAccountTag}, Limit: 1})
	if err != nil || len(p.Records) != 1 {
		b.Fatalf("the key account: %v", err)
	}
	return p.Records[0].ID
}

// The newest page of the key account's timeline, all types and calls only.
func BenchmarkTimeline(b *testing.B) {
	st := benchStore(b)
	id := keyAccount(b, st)
	ctx, sys := context.Background(), store.SystemActor()
	for _, typ := range []string{"", store.ActivityCall} {
		b.Run(fmt.Sprintf("type=%s", typ), func(b *testing.B) {
			measure(b, func() error {
				p, err := st.Timeline(ctx, sys, id, store.TimelineQuery{Type: typ, Limit: 30})
				if err == nil && len(p.Items) != 30 {
					err = fmt.Errorf("a timeline page of %d", len(p.Items))
				}
				return err
			})
		})
	}
}

// A salesperson's "Bugün": overdue, today's and the next appointments.
func BenchmarkAgenda(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, c := range scopeCases[:2] {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() error {
				_, err := st.AgendaOf(ctx, a, time.Now())
				return err
			})
		})
	}
}

// A customer's ETK standing per channel and address, for the badges.
func BenchmarkConsentStates(b *testing.B) {
	st := benchStore(b)
	id := keyAccount(b, st)
	ctx, sys := context.Background(), store.SystemActor()
	measure(b, func() error {
		_, err := st.ConsentStatesOf(ctx, sys, id)
		return err
	})
}

// The reminder loop's round (every 30 seconds while serving) on a set whose
// 200,000 planned activities hold 30,000 reminders not yet due: it must
// read only the due ones, as it holds the write lock meanwhile. The first
// round sends what is due at the moment; the rounds measured find the rest.
func BenchmarkDueReminders(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	if _, err := st.SendDueReminders(ctx); err != nil {
		b.Fatal(err)
	}
	measure(b, func() error {
		_, err := st.SendDueReminders(ctx)
		return err
	})
}

// The customers a user opened lately, on their "Bugün", after they wrote
// 100,000 records (an import, a bulk edit): the audit trail holds their
// eight reads behind those 100,000 entries of theirs.
func BenchmarkRecentlyViewed(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	a := scopeActor(b, st, "ayse@firma.com.tr", "")
	p, err := st.List(ctx, a, store.Customers, store.ListQuery{Limit: 8})
	if err != nil {
		b.Fatal(err)
	}
	for _, rec := range p.Records {
		if _, err := st.Get(ctx, a, store.Customers, rec.ID); err != nil {
			b.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
		INSERT INTO audit_log (at, user_id, actor, action, module, record_id)
		SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, 'Ayşe Yılmaz', 'update', 'customers', i FROM n`, a.UserID)
	db.Close()
	if err != nil {
		b.Fatalf("the user's writes: %v", err)
	}
	measure(b, func() error {
		viewed, err := st.RecentlyViewed(ctx, a, 8)
		if err == nil && len(viewed) != 8 {
			err = fmt.Errorf("%d recently viewed, want 8", len(viewed))
		}
		return err
	})
}
