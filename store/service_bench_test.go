package store_test

import (
	"context"
	"fmt"
	"testing"

	"kobicrm/store"
)

// The service desk's queues on the large demo set (20,000 requests over
// two years, most of them closed): the team queue of a technician of
// Saha Servisi (the shipped Servis role: every request), the overdue
// list, and the unassigned queue, each with its counts per status and
// priority and its first 100 requests.
func BenchmarkServiceQueues(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	actor := func(email string) *store.Actor {
		u, err := st.UserByEmail(ctx, store.SystemActor(), email)
		if err != nil {
			b.Fatalf("demo user %s: %v", email, err)
		}
		return store.ActorFor(u)
	}
	desk, admin := actor("gulay.kilic@firma.com.tr"), actor("ayse@firma.com.tr")
	for _, c := range []struct {
		name  string
		a     *store.Actor
		queue string
	}{{"team", desk, store.QueueTeam}, {"overdue", desk, store.QueueOverdue}, {"unassigned", desk, store.QueueUnassigned},
		{"mine", desk, store.QueueMine}, {"overdue-admin", admin, store.QueueOverdue}} {
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() error {
				q, err := st.ServiceQueue(ctx, c.a, c.queue, 100)
				if err == nil && q.Total == 0 && c.queue != store.QueueMine {
					err = fmt.Errorf("queue %s is empty", c.queue)
				}
				return err
			})
		})
	}
}
