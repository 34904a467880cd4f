package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// The demo firm's sales pipeline: opportunities with its customers over
// the last two years, the old ones won or lost, the recent ones open in
// every stage and expected to close over the coming months; and the
// firm's own details and logo.

var opportunityTitles = []string{
	"Filo kiralama teklifi", "Yıllık bakım sözleşmesi", "Yedek parça tedariki", "ERP lisans yenileme",
	"Ofis mobilyası yenileme", "Kurumsal web sitesi", "Klima montajı", "Güvenlik kamerası sistemi",
	"Servis aracı alımı", "Depo raf sistemi", "Personel eğitimi paketi", "Sunucu ve yedekleme çözümü",
	"Jeneratör bakım anlaşması", "Baskı ve kırtasiye tedariki", "Endüstriyel temizlik hizmeti",
	"Kasko ve trafik sigortası", "Forklift kiralama", "Muhasebe yazılımı geçişi", "Fuar standı tasarımı",
	"Toplu SMS hizmeti", "Lastik değişimi kampanyası", "Araç takip sistemi", "Enerji verimliliği danışmanlığı",
}

var opportunityQualifiers = []string{"", "", "", " – 2. etap", " – genişletme", " (acil)", " – yenileme", " – pilot"}

var lostReasons = []string{"Fiyat yüksek bulundu", "Rakip firma seçildi", "Bütçe ertelendi", "Karar verici değişti",
	"Teslim süresi uymadı", "Proje iptal edildi", "Müşteri yanıt vermedi"}

var opportunityNotes = []string{
	"Satın alma müdürü **üç teklif** istiyor; karar ay sonunda.",
	"Pilot uygulama başarılı olursa tüm şubelere yayılacak.",
	"Ödeme vadesi 60 gün isteniyor.",
	"Teknik şartname gönderildi, dönüş bekleniyor.\n\n- keşif yapıldı\n- fiyat onayı bekleniyor",
}

// opportunities writes n opportunities: created over the last two years,
// each expected to close two weeks to four months after; those whose
// expected close is more than a month past are won or lost, the rest open
// in a stage.
func (g *gen) opportunities(ctx context.Context, st *store.Store, a *store.Actor, n int, progress io.Writer, start time.Time, sum *Summary) error {
	if n == 0 || len(g.parties) == 0 {
		return nil
	}
	stages, err := st.Stages(ctx, a, false)
	if err != nil {
		return fmt.Errorf("demo opportunities: %w", err)
	}
	var open []store.Stage
	var won, lost int64
	for _, s := range stages {
		switch {
		case s.Kind == store.StageOpen:
			open = append(open, s)
		case s.Kind == store.StageWon && won == 0:
			won = s.ID
		case s.Kind == store.StageLost && lost == 0:
			lost = s.ID
		}
	}
	if len(open) == 0 || won == 0 || lost == 0 {
		return fmt.Errorf("demo opportunities: the pipeline needs an open, a won and a lost stage")
	}
	from := g.end.AddDate(-2, 0, 0)
	rows := make([]store.Values, 0, batchSize)
	for i := range n {
		p := &g.parties[g.r.IntN(len(g.parties))]
		if !p.company && g.chance(0.6) { // companies buy most
			p = &g.parties[g.r.IntN(len(g.parties))]
		}
		created := from.Add(time.Duration(g.r.Int64N(int64(g.end.Sub(from)))))
		if created.Before(p.created) {
			created = p.created.Add(time.Duration(g.r.IntN(72)) * time.Hour)
		}
		if created.After(g.end) {
			created = g.end.Add(-time.Hour)
		}
		closeDay := created.AddDate(0, 0, 14+g.r.IntN(110))
		v := store.Values{
			"title":            pick(g.r, opportunityTitles) + pick(g.r, opportunityQualifiers),
			"customer_id":      p.id,
			"amount":           g.amount(p.company),
			"currency":         "TRY",
			"expected_close":   closeDay.In(tr.Istanbul).Format(time.DateOnly),
			store.CreatedAtKey: created,
		}
		switch x := g.r.Float64(); {
		case x < 0.04:
			v["currency"] = "USD"
		case x < 0.07:
			v["currency"] = "EUR"
		}
		if p.owner != nil {
			v["owner_id"] = p.owner
		}
		if g.chance(0.25) {
			v["description"] = pick(g.r, opportunityNotes)
		}
		if closeDay.Before(g.end.AddDate(0, -1, 0)) {
			closed := closeDay.Add(time.Duration(g.r.IntN(30*24)-10*24) * time.Hour)
			if closed.Before(created) {
				closed = created.Add(24 * time.Hour)
			}
			if closed.After(g.end) {
				closed = g.end.Add(-time.Hour)
			}
			v["stage_id"], v["status"] = won, store.StageWon
			if g.chance(0.55) {
				v["stage_id"], v["status"] = lost, store.StageLost
				v["lost_reason"] = pick(g.r, lostReasons)
			}
			v["closed_at"] = closed.UTC().Format(tr.DateTimeLayout)
		} else {
			// The younger an opportunity, the earlier its stage, mostly.
			k := min(len(open)-1, int(float64(len(open))*g.r.Float64()*g.r.Float64()*1.6))
			if g.chance(0.5) {
				k = g.r.IntN(len(open))
			}
			v["stage_id"] = open[k].ID
		}
		rows = append(rows, v)
		if len(rows) < batchSize && i < n-1 {
			continue
		}
		if _, err := st.CreateMany(ctx, a, store.Opportunities, rows); err != nil {
			return fmt.Errorf("demo opportunities: %w", err)
		}
		sum.Opportunities += len(rows)
		report(progress, "opportunities", sum.Opportunities, n, start)
		rows = rows[:0]
	}
	return nil
}

// amount draws a sum between 5.000 and 2.500.000 lira (a person's up to
// 250.000), evenly on a log scale, in whole hundreds of lira.
func (g *gen) amount(company bool) int64 {
	lo, hi := math.Log(5_000), math.Log(2_500_000)
	if !company {
		hi = math.Log(250_000)
	}
	lira := math.Exp(lo + g.r.Float64()*(hi-lo))
	return int64(lira/100) * 100 * 100
}

// firm fills the firm's settings and logo, unless the firm wrote its own.
func firm(ctx context.Context, st *store.Store, a *store.Actor) error {
	f, err := st.Firm(ctx, a)
	if err != nil {
		return err
	}
	if f.LegalTitle != "" {
		return nil
	}
	err = st.SaveFirm(ctx, a, store.FirmSettings{
		LegalTitle:   "Anadolu Otomotiv ve Servis Hizmetleri Ticaret A.Ş.",
		Address:      "Bağdat Cad. No: 214 D: 3\nKadıköy / İstanbul 34728",
		VKN:          "4540536920",
		TaxOffice:    "Kadıköy",
		IBAN:         "TR330006100519786457841326",
		Phone:        "0216 555 12 34",
		Email:        "satis@anadoluotomotiv.com.tr",
		PaymentTerms: "Fatura tarihinden itibaren 30 gün içinde banka havalesiyle ödenir. Geç ödemelerde yasal faiz uygulanır.",
		PaymentDays:  30,
	})
	if err != nil {
		return fmt.Errorf("demo firm: %w", err)
	}
	if err := st.SetFirmLogo(ctx, a, demoLogo()); err != nil {
		return fmt.Errorf("demo firm logo: %w", err)
	}
	return nil
}

// demoLogo draws the demo firm's logo: a road between two hills.
func demoLogo() []byte {
	const w, h = 240, 80
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	brand := color.NRGBA{0x0b, 0x5c, 0x7a, 0xff}
	accent := color.NRGBA{0xf2, 0xa3, 0x3a, 0xff}
	for y := range h {
		for x := range w {
			c := color.NRGBA{0xff, 0xff, 0xff, 0xff}
			hill := h - 20 - int(18*math.Sin(float64(x)/float64(w)*math.Pi*2))
			switch {
			case y > h-12 && y < h-6 && (x/16)%2 == 0:
				c = accent // the road's dashes
			case y > hill:
				c = brand
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return buf.Bytes()
}
