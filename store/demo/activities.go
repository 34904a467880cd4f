package demo

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// The demo firm's contact history: the ETK decisions most customers made
// when they were recorded (some changed their mind later), and years of
// calls, messages, visits, meetings, tasks and notes. Outgoing commercial
// calls, SMS and e-mails go only to those who may receive them, as the
// store refuses the rest; the others are transactional or incoming.

// consents records an ETK decision per channel for most customers:
// persons mostly grant, companies (traders, allowed until they refuse)
// record fewer decisions.
func (g *gen) consents(ctx context.Context, st *store.Store, a *store.Actor, progress io.Writer, start time.Time, sum *Summary) error {
	rows := make([]store.Values, 0, batchSize)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		if _, err := st.CreateMany(ctx, a, store.Consents, rows); err != nil {
			return fmt.Errorf("demo consents: %w", err)
		}
		sum.Consents += len(rows)
		rows = rows[:0]
		return nil
	}
	for i := range g.parties {
		p := &g.parties[i]
		recordShare, grantShare := 0.85, 0.62
		if p.company {
			recordShare, grantShare = 0.3, 0.5
		}
		if !g.chance(recordShare) {
			continue
		}
		for bit, ch := range store.Channels {
			if (ch == store.ChannelEmail && !p.email) || (ch != store.ChannelEmail && !p.phone) {
				continue
			}
			at := p.created.Add(time.Duration(g.r.IntN(30*24)) * time.Hour)
			if at.After(g.end) {
				at = g.end.Add(-time.Hour)
			}
			status := store.ConsentRefused
			if g.chance(grantShare) {
				status = store.ConsentGranted
			}
			rows = append(rows, g.consent(p, ch, status, at))
			// Some change their mind later.
			if later := at.Add(time.Duration(g.r.IntN(300*24)) * time.Hour); g.chance(0.08) && later.Before(g.end) {
				status = map[string]string{store.ConsentGranted: store.ConsentRefused, store.ConsentRefused: store.ConsentGranted}[status]
				rows = append(rows, g.consent(p, ch, status, later))
			}
			if status == store.ConsentGranted {
				p.granted |= 1 << bit
			} else {
				p.refused |= 1 << bit
			}
		}
		if len(rows) >= batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(progress, "consent records %d (%.1f s)\n", sum.Consents, time.Since(start).Seconds())
	return nil
}

var consentSources = []string{"HS_FIZIKSEL_ORTAM", "HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_WEB", "HS_WEB", "HS_CAGRI_MERKEZI",
	"HS_CAGRI_MERKEZI", "HS_MESAJ", "HS_EPOSTA", "HS_ETKINLIK", "HS_MOBIL"}

func (g *gen) consent(p *party, channel, status string, at time.Time) store.Values {
	v := store.Values{"customer_id": p.id, "channel": channel, "status": status, "source": pick(g.r, consentSources),
		"consent_date": at.UTC().Format(tr.DateTimeLayout), store.CreatedAtKey: at}
	if g.chance(0.3) {
		v["evidence"] = pick(g.r, consentEvidence)
	}
	return v
}

var consentEvidence = []string{"Mağazada imzalı form, dosya no. 2024/118.", "Web sitesindeki form, IP kaydı sistemde.",
	"Çağrı merkezi kaydı, ses kaydı arşivde.", "Fuar standında kartvizit formu.", "Servis kabulünde sözlü onay."}

// activityKinds are the activity types in the mix a service-heavy KOBİ
// has: many calls, fewer visits.
var activityKinds = []struct {
	typ   string
	share int
}{{store.ActivityCall, 35}, {store.ActivityEmail, 14}, {store.ActivitySMS, 10}, {store.ActivityVisit, 9},
	{store.ActivityMeeting, 8}, {store.ActivityTask, 14}, {store.ActivityNote, 10}}

var activitySubjects = map[string][]string{
	store.ActivityCall: {"Bakım randevusu araması", "Teklif görüşmesi", "Ödeme hatırlatma", "Memnuniyet araması",
		"Yeni model tanıtımı", "Sigorta yenileme", "Geri arama talebi", "Servis dönüşü bilgilendirme", "Kampanya araması"},
	store.ActivitySMS:   {"Randevu hatırlatma", "Kampanya duyurusu", "Araç hazır bilgisi", "Ödeme hatırlatma", "Bayram kutlaması"},
	store.ActivityEmail: {"Teklif gönderimi", "Fatura bilgilendirme", "Bülten", "Sözleşme taslağı", "Bakım planı", "Katalog gönderimi"},
	store.ActivityVisit: {"Müşteri ziyareti", "Saha keşfi", "Teslimat ve kurulum", "Şikayet yerinde inceleme", "Tanışma ziyareti"},
	store.ActivityMeeting: {"Yıllık değerlendirme toplantısı", "Filo yenileme görüşmesi", "Fiyat pazarlığı", "Proje toplantısı",
		"Sözleşme imzası"},
	store.ActivityTask: {"Teklif hazırla", "Fatura kes", "Yedek parça siparişi ver", "Kampanya listesini gözden geçir",
		"Garanti belgesini gönder", "Müşteriyi geri ara"},
	store.ActivityNote: {"Müşteri fiyat hassas", "Karar verici satın alma müdürü", "Hafta içi öğleden sonra aranmak istiyor",
		"Rakip firmadan teklif almış", "Ödemelerini düzenli yapar"},
}

var activityPlaces = []string{"Müşterinin ofisi", "Showroom", "Servis atölyesi", "Şantiye", "Fuar alanı", "Kafe"}

var activityNotes = []string{
	"Müşteri **yeni model** hakkında bilgi istedi; fiyat listesi gönderilecek.",
	"Görüşme olumlu geçti. Bir sonraki adım: teklif.",
	"Yetkili izindeydi, haftaya tekrar aranacak.",
	"Bakım geçmişi incelendi, iki parça değişimi önerildi.\n\n- fren balatası\n- hava filtresi",
	"Ödeme planı konuşuldu: 3 taksit.",
}

// KeyAccountTag marks the demo company with the longest contact history,
// which the benchmarks open.
const KeyAccountTag = "kilit müşteri"

// activitySpec is an activity before its details are drawn.
type activitySpec struct {
	p   *party
	at  time.Time
	typ string
}

// activities spreads n activities over the customers, from each one's
// creation to a few weeks ahead (those ahead are planned), in time order.
// One company, the firm's key account, gets a long history of its own.
func (g *gen) activities(ctx context.Context, st *store.Store, a *store.Actor, n int, progress io.Writer, start time.Time, sum *Summary) error {
	if n == 0 || len(g.parties) == 0 {
		return nil
	}
	key := g.keyAccount()
	keyShare := min(2000, n/10)
	if _, _, err := st.Update(ctx, a, store.Customers, key.id, store.Values{"tags": []string{KeyAccountTag}}); err != nil {
		return fmt.Errorf("demo key account: %w", err)
	}
	total := 0
	for _, k := range activityKinds {
		total += k.share
	}
	ahead := g.end.AddDate(0, 0, 45)
	specs := make([]activitySpec, n)
	for i := range specs {
		p := key
		if i >= keyShare {
			p = &g.parties[g.r.IntN(len(g.parties))]
		}
		u := g.r.Float64()
		at := p.created.Add(time.Duration(u * float64(ahead.Sub(p.created)))).Truncate(time.Minute)
		roll := g.r.IntN(total)
		typ := activityKinds[0].typ
		for _, k := range activityKinds {
			if roll < k.share {
				typ = k.typ
				break
			}
			roll -= k.share
		}
		specs[i] = activitySpec{p: p, at: at, typ: typ}
	}
	slices.SortStableFunc(specs, func(x, y activitySpec) int { return x.at.Compare(y.at) })
	rows := make([]store.Values, 0, batchSize)
	for i := range specs {
		rows = append(rows, g.activity(specs[i]))
		if len(rows) < batchSize && i < n-1 {
			continue
		}
		if _, err := st.CreateMany(ctx, a, store.Activities, rows); err != nil {
			return fmt.Errorf("demo activities: %w", err)
		}
		sum.Activities += len(rows)
		report(progress, "activities", sum.Activities, n, start)
		rows = rows[:0]
	}
	return nil
}

func (g *gen) activity(s activitySpec) store.Values {
	p, typ := s.p, s.typ
	// A message goes where the customer can be reached.
	if (typ == store.ActivityEmail && !p.email) || ((typ == store.ActivityCall || typ == store.ActivitySMS) && !p.phone) {
		typ = store.ActivityNote
	}
	v := store.Values{"type": typ, "customer_id": p.id, "subject": pick(g.r, activitySubjects[typ]),
		"starts_at": s.at.UTC().Format(tr.DateTimeLayout)}
	if p.owner != nil {
		v["owner_id"] = p.owner
	}
	created := s.at
	switch {
	case s.at.After(g.end):
		v["status"] = "planned"
		created = g.end.Add(-time.Duration(g.r.IntN(20*24)) * time.Hour)
	case typ == store.ActivityNote:
		v["status"] = "done"
	case g.chance(0.02):
		v["status"] = "cancelled"
	case (typ == store.ActivityTask || typ == store.ActivityMeeting) && g.chance(0.03):
		v["status"] = "planned" // forgotten: overdue on someone's "Bugün"
	default:
		v["status"] = "done"
	}
	v[store.CreatedAtKey] = created
	switch typ {
	case store.ActivityCall, store.ActivitySMS, store.ActivityEmail:
		bit := slices.Index(store.Channels, map[string]string{store.ActivityCall: store.ChannelCall,
			store.ActivitySMS: store.ChannelSMS, store.ActivityEmail: store.ChannelEmail}[typ])
		v["direction"] = "out"
		if typ == store.ActivityCall && g.chance(0.3) {
			v["direction"] = "in"
		}
		// Commercial only where the rule allows it: the store refuses the rest.
		allowed := p.granted&(1<<bit) != 0 || (p.company && p.refused&(1<<bit) == 0)
		v["purpose"] = store.PurposeTransactional
		if allowed && g.chance(0.6) {
			v["purpose"] = store.PurposeCommercial
		}
		if typ == store.ActivityCall {
			v["duration_min"] = int64(1 + g.r.IntN(25))
			v["outcome"] = pick(g.r, []string{"reached", "reached", "reached", "no_answer", "busy", "voicemail", "callback"})
		}
	case store.ActivityVisit, store.ActivityMeeting:
		v["place"] = pick(g.r, activityPlaces)
		v["ends_at"] = s.at.Add(time.Duration(30+30*g.r.IntN(4)) * time.Minute).UTC().Format(tr.DateTimeLayout)
		if v["status"] == "planned" {
			v["reminder_min"] = int64(15)
		}
	case store.ActivityTask:
		v["priority"] = pick(g.r, []string{"low", "normal", "normal", "high"})
	}
	if g.chance(0.3) {
		v["description"] = pick(g.r, activityNotes)
	}
	return v
}
