package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"kobicrm/store"
)

// launchSet is a database of 50,000 customers — two persons to each
// company, every one with an e-mail address and a mobile number, and an
// ETK ledger like a firm's that has collected consent for a while: 35 %
// of the e-mail addresses with ONAY, 5 % with ONAY then RET — and a
// segment that takes them all.
func launchSet(b *testing.B) (*store.Store, *store.Actor, int64) {
	b.Helper()
	ctx, sys := context.Background(), store.SystemActor()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "launch.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	u, err := st.CreateUser(ctx, sys, store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr",
		Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42", Admin: true})
	if err != nil {
		b.Fatal(err)
	}
	a := store.ActorFor(u)
	const n = 50000
	rows := make([]store.Values, 0, n)
	provinces := []string{"İstanbul", "Ankara", "İzmir", "Isparta", "Bursa", "Antalya"}
	for i := range n {
		v := store.Values{"email": fmt.Sprintf("musteri%d@ornek.com.tr", i), "phone": fmt.Sprintf("+90532%07d", i),
			"province": provinces[i%len(provinces)], "tags": []string{"bülten"}}
		if i%3 == 0 {
			v["kind"], v["title"] = "company", fmt.Sprintf("Örnek Ticaret %d A.Ş.", i)
		} else {
			v["kind"], v["first_name"], v["last_name"] = "person", "Müşteri", fmt.Sprintf("Numara %d", i)
		}
		rows = append(rows, v)
	}
	ids, err := st.CreateMany(ctx, sys, store.Customers, rows)
	if err != nil {
		b.Fatal(err)
	}
	var ledger []store.Values
	for i, id := range ids {
		switch {
		case i%20 == 0:
			ledger = append(ledger,
				store.Values{"customer_id": id, "channel": store.ChannelEmail, "status": store.ConsentGranted, "source": "HS_WEB", "consent_date": "2026-01-05T09:00:00Z"},
				store.Values{"customer_id": id, "channel": store.ChannelEmail, "status": store.ConsentRefused, "source": "HS_EPOSTA", "consent_date": "2026-06-05T09:00:00Z"})
		case i%5 < 2:
			ledger = append(ledger, store.Values{"customer_id": id, "channel": store.ChannelEmail, "status": store.ConsentGranted, "source": "HS_WEB"})
		}
	}
	if _, err := st.CreateMany(ctx, sys, store.Consents, ledger); err != nil {
		b.Fatal(err)
	}
	seg, err := st.Create(ctx, a, store.Segments, store.Values{"name": "Bülten", "criteria": "tags=bülten"})
	if err != nil {
		b.Fatal(err)
	}
	return st, a, seg.ID
}

// BenchmarkCampaignLaunch50k launches an e-mail campaign to the 50,000
// customers: the target list frozen, each member through the ETK rule.
func BenchmarkCampaignLaunch50k(b *testing.B) {
	st, a, seg := launchSet(b)
	ctx := context.Background()
	i := 0
	measure(b, func() error {
		i++
		b.StopTimer()
		c, err := st.Create(ctx, a, store.Campaigns, store.Values{"name": fmt.Sprintf("Bülten %d", i), "channels": "email",
			"segment_id": seg, "starts_on": "2026-12-01"})
		b.StartTimer()
		if err != nil {
			return err
		}
		l, err := st.LaunchCampaign(ctx, a, c.ID)
		if err == nil && (l.Members != 50000 || l.Excluded != 22500) {
			err = fmt.Errorf("launched %+v", l)
		}
		return err
	})
}
