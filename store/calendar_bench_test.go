package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"kobicrm/store/tr"
)

// BenchmarkCalendarMonth is one month view over a generated set:
// $KOBICRM_CAL_BENCH_N activities (default 200,000) over three years,
// spread over 20 users, one in twenty with a participant. Each user has
// about 280 activities a month at 200,000 (1,400 at 1,000,000).
//
//	go test -run '^$' -bench CalendarMonth -benchtime 200x ./store/
//	KOBICRM_CAL_BENCH_N=1000000 go test -run '^$' -bench CalendarMonth -benchtime 100x ./store/
func BenchmarkCalendarMonth(b *testing.B) {
	n := 200_000
	if s := os.Getenv("KOBICRM_CAL_BENCH_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	st := newTestStore(b)
	admin := ActorFor(mustAdmin(b, st))
	var users []int64
	for i := range 20 {
		users = append(users, mustCreate(b, st, admin, Users, Values{"name": fmt.Sprintf("Kullanıcı %d", i),
			"email": fmt.Sprintf("k%d@firma.com.tr", i), "roles": []int64{2}}).ID)
	}
	cust := mustCreate(b, st, admin, Customers, company("Takvim Ticaret A.Ş.", nil)).ID
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(3 * 365 * 24 * time.Hour / time.Minute)
	tx, err := st.writer.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO activities (id, type, subject, customer_id, status, starts_at, ends_at, owner_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	part, err := tx.PrepareContext(ctx, "INSERT INTO activities_participants (record_id, ref_id) VALUES (?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	created := timeText(start)
	x := uint64(88172645463325252)
	for i := 1; i <= n; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		at := start.Add(time.Duration(int64(x>>1)%span) * time.Minute)
		typ := ActivityTypes[i%len(ActivityTypes)]
		end := ""
		if typ == ActivityMeeting || typ == ActivityVisit {
			end = at.Add(time.Hour).Format(tr.DateTimeLayout)
		}
		status := "done"
		if i%3 == 0 {
			status = "planned"
		}
		if _, err := ins.ExecContext(ctx, i, typ, "Etkinlik "+strconv.Itoa(i), cust, status, at.Format(tr.DateTimeLayout), end,
			users[i%len(users)], created, created); err != nil {
			b.Fatal(err)
		}
		if i%20 == 0 {
			if _, err := part.ExecContext(ctx, i, users[(i+7)%len(users)]); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := st.writer.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	seller, err := st.UserByID(ctx, admin, users[3])
	if err != nil {
		b.Fatal(err)
	}
	seller, err = st.withPerms(ctx, seller)
	if err != nil {
		b.Fatal(err)
	}
	month := time.Date(2025, 6, 1, 0, 0, 0, 0, tr.Istanbul)
	for _, c := range []struct {
		name string
		a    *Actor
		who  string
	}{
		{"own", ActorFor(seller), "me"},
		{"admin-user", admin, "user:" + strconv.FormatInt(users[3], 10)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			items := 0
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				res, err := st.Calendar(ctx, c.a, CalendarQuery{From: month, To: month.AddDate(0, 1, 0), Who: c.who})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
				items = len(res.Items)
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
			b.ReportMetric(float64(items), "activities")
		})
	}
}
