package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"kobicrm/store"
	"kobicrm/store/mail"
	"kobicrm/store/mail/mailtest"
)

// BenchmarkCampaignMail sends a campaign of 1,000 e-mails to an SMTP
// server inside the test (go-smtp, on loopback), through the whole queue:
// each member claimed with the ETK rule asked again, its message written
// from a Markdown template, sent, and recorded with its activity — at the
// highest rate the settings allow. msgs/s is the figure README quotes.
func BenchmarkCampaignMail(b *testing.B) {
	ctx, sys := context.Background(), store.SystemActor()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "mail.db"))
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
	const n = 1000
	rows := make([]store.Values, 0, n)
	for i := range n {
		rows = append(rows, store.Values{"kind": "company", "title": fmt.Sprintf("Örnek Ticaret %d A.Ş.", i),
			"email": fmt.Sprintf("musteri%d@ornek.com.tr", i), "province": "Isparta", "tags": []string{"bülten"}, "owner_id": u.ID})
	}
	if _, err := st.CreateMany(ctx, sys, store.Customers, rows); err != nil {
		b.Fatal(err)
	}
	srv := mailtest.Start(b)
	settings, keep, errs := store.ParseMailForm(map[string][]string{"host": {srv.Host}, "port": {strconv.Itoa(srv.Port)},
		"security": {mail.SecurityNone}, "from_addr": {"bilgi@firma.com.tr"}, "base_url": {"http://crm.local"}, "rate": {strconv.Itoa(store.MaxMailRate)}})
	if err := errs.Err(); err != nil {
		b.Fatal(err)
	}
	if err := st.SaveMailSettings(ctx, a, settings, keep); err != nil {
		b.Fatal(err)
	}
	tmpl, err := st.Create(ctx, a, store.EmailTemplates, store.Values{"name": "Bülten", "subject": "Şubat kampanyası: İndirim ğüşıöç",
		"body": "Sayın {{ad_soyad}},\n\n**{{il}}** mağazamızda indirim var.\n\nTemsilciniz {{temsilci}}"})
	if err != nil {
		b.Fatal(err)
	}
	seg, err := st.Create(ctx, a, store.Segments, store.Values{"name": "Bülten", "criteria": "tags=bülten"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		c, err := st.Create(ctx, a, store.Campaigns, store.Values{"name": fmt.Sprintf("Bülten %d", i), "channels": "email",
			"segment_id": seg.ID, "starts_on": "2026-12-01", "email_template_id": tmpl.ID})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.LaunchCampaign(ctx, a, c.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := st.SendCampaignMail(ctx, c.ID, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := len(srv.Messages()); got != n*b.N {
		b.Fatalf("%d messages arrived, want %d", got, n*b.N)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
