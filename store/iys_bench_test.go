package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkIYSExport makes the batches of 100,000 waiting consents (ten
// files of 10,000): one b.N round is the whole ledger, so ns/op is the
// time to send everything, and each batch's time is a tenth of it.
func BenchmarkIYSExport(b *testing.B) {
	ctx := context.Background()
	st := newTestStore(b)
	admin := ActorFor(mustAdmin(b, st))
	cust := mustCreate(b, st, admin, Customers, person("Toplu", "Alıcı", Values{"phone": "0532 123 45 67"}))
	const total = 100000
	base := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	fill := func() {
		for start := 0; start < total; start += 5000 {
			rows := make([]Values, 0, 5000)
			for i := start; i < start+5000; i++ {
				status := ConsentGranted
				if i%4 == 3 {
					status = ConsentRefused
				}
				rows = append(rows, Values{"customer_id": cust.ID, "channel": []string{ChannelSMS, ChannelEmail}[i%2],
					"recipient": []string{fmt.Sprintf("+9053%08d", i), fmt.Sprintf("kisi%d@ornek.com.tr", i)}[i%2],
					"status":    status, "source": "HS_WEB", "consent_date": base.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05Z")})
			}
			if _, err := st.CreateMany(ctx, admin, Consents, rows); err != nil {
				b.Fatal(err)
			}
		}
	}
	for b.Loop() {
		b.StopTimer()
		if _, err := st.writer.Exec("UPDATE consents SET iys_state = '', iys_export_id = NULL"); err != nil {
			b.Fatal(err)
		}
		var n int
		if err := st.writer.QueryRow("SELECT count(*) FROM consents").Scan(&n); err != nil || n == 0 {
			fill()
		}
		b.StartTimer()
		batches := 0
		for {
			_, _, err := st.IYSExport(ctx, admin)
			if err == ErrNothingToExport {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			batches++
		}
		if batches != total/10000 {
			b.Fatalf("%d batches", batches)
		}
	}
}

// BenchmarkContactable asks the one rule for a customer with a long
// ledger (1,000 decisions over several addresses).
func BenchmarkContactable(b *testing.B) {
	ctx := context.Background()
	st := newTestStore(b)
	admin := ActorFor(mustAdmin(b, st))
	cust := mustCreate(b, st, admin, Customers, person("Uzun", "Defter", Values{"phone": "0532 123 45 67", "email": "uzun@ornek.com.tr"}))
	rows := make([]Values, 1000)
	base := time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = Values{"customer_id": cust.ID, "channel": Channels[i%3], "status": []string{ConsentGranted, ConsentRefused}[i%2],
			"source": "HS_WEB", "consent_date": base.Add(time.Duration(i) * time.Hour).Format("2006-01-02T15:04:05Z")}
	}
	if _, err := st.CreateMany(ctx, admin, Consents, rows); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := st.Contactable(ctx, admin, cust.ID, ChannelSMS, PurposeCommercial); err != nil {
			b.Fatal(err)
		}
	}
}
