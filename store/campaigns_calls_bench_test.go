package store_test

import (
	"context"
	"fmt"
	"testing"

	"kobicrm/store"
)

// BenchmarkCampaignDistribute8k hands out a call campaign to the 8,333
// companies of one province among the 50,000 customers of launchSet (the
// calls pass the ETK rule as traders), round-robin to five callers: each
// task a planned call through the engine (checked, audited, indexed),
// with the ETK consent task it leaves for the undecided channels.
func BenchmarkCampaignDistribute8k(b *testing.B) {
	st, a, _ := launchSet(b)
	ctx := context.Background()
	seg, err := st.Create(ctx, a, store.Segments, store.Values{"name": "Isparta", "criteria": "province=Isparta"})
	if err != nil {
		b.Fatal(err)
	}
	var callers []int64
	for i := range 5 {
		u, err := st.CreateUser(ctx, store.SystemActor(), store.NewUser{Name: fmt.Sprintf("Arayan %d", i), Email: fmt.Sprintf("arayan%d@firma.com.tr", i),
			Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42"})
		if err != nil {
			b.Fatal(err)
		}
		callers = append(callers, u.ID)
	}
	i := 0
	measure(b, func() error {
		i++
		b.StopTimer()
		c, err := st.Create(ctx, a, store.Campaigns, store.Values{"name": fmt.Sprintf("Arama %d", i), "channels": "call",
			"segment_id": seg.ID, "starts_on": "2026-12-01", "callers": callers, "script": "Merhaba, **kış bakımı** için arıyoruz."})
		if err == nil {
			_, err = st.LaunchCampaign(ctx, a, c.ID)
		}
		b.StartTimer()
		if err != nil {
			return err
		}
		d, err := st.DistributeCampaignTasks(ctx, a, c.ID)
		if err == nil && (d.Tasks != 8333 || d.Excluded != 0) {
			err = fmt.Errorf("distributed %+v", d)
		}
		return err
	})
}
