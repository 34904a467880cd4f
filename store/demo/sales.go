package demo

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"kobicrm/store"
	"kobicrm/store/money"
	"kobicrm/store/tr"
)

// The demo firm's sales: its products and services, and two years of
// quotes, orders and invoices, many of them converted along the chain
// quote → order → invoice with the same lines, and the payments on the
// issued invoices (paid, partly paid, and overdue in every age bucket).
// The documents go in through store.CreateDocuments, type by type in the
// order of their issue dates, so that their numbers run in time order,
// gapless, and the series' counters stand where the next document
// continues; the store computes their totals from the lines with
// store/money. An invoice's paid total and status are drawn with its
// payments, which are written after it and sum to that paid total.

// productSpec is a family of products: a category's item with the
// variants it comes in.
type productSpec struct {
	category string
	code     string
	unit     string
	kdv      int64 // the KDV rate's id in the shipped table: 1 = 20 %, 2 = 10 %, 3 = 1 %, 4 = 0 %
	names    []string
	variants []string // appended to each name; "" for none
	price    [2]int64 // the unit price's range in lira
}

var productSpecs = []productSpec{
	{category: "Yedek Parça", code: "YP", unit: "adet", kdv: 1, price: [2]int64{150, 6500},
		names: []string{"Ön fren balatası", "Arka fren balatası", "Fren diski", "Hava filtresi", "Yağ filtresi", "Polen filtresi",
			"Yakıt filtresi", "Triger seti", "Ön amortisör", "Arka amortisör", "Buji takımı", "Silecek süpürgesi", "Debriyaj seti",
			"Rot başı", "Salıncak", "Radyatör", "Termostat", "Devirdaim pompası", "V kayışı", "Far ampulü H7"},
		variants: []string{"Fiat Egea", "Renault Clio", "Toyota Corolla", "Ford Transit", "Volkswagen Passat", "Hyundai i20", "Dacia Duster", "Peugeot 3008"}},
	{category: "Akü", code: "AK", unit: "adet", kdv: 1, price: [2]int64{2200, 7800},
		names: []string{"Akü 60 Ah", "Akü 72 Ah", "Akü 90 Ah", "Akü 100 Ah", "Start-stop akü 70 Ah"}, variants: []string{"Varta", "Mutlu", "İnci"}},
	{category: "Lastik", code: "LS", unit: "adet", kdv: 1, price: [2]int64{1800, 9500},
		names: []string{"Yaz lastiği 195/65 R15", "Yaz lastiği 205/55 R16", "Kış lastiği 195/65 R15", "Kış lastiği 205/55 R16",
			"Dört mevsim lastik 215/60 R16", "Hafif ticari lastik 215/65 R16C"}, variants: []string{"Lassa", "Petlas", "Michelin", "Bridgestone", "Goodyear"}},
	{category: "Madeni Yağ", code: "MY", unit: "lt", kdv: 1, price: [2]int64{90, 650},
		names: []string{"Motor yağı 5W-30", "Motor yağı 10W-40", "Motor yağı 0W-20", "Şanzıman yağı 75W-90", "Antifriz", "Fren hidroliği DOT 4",
			"Cam suyu", "AdBlue"}, variants: []string{"Petrol Ofisi", "Opet", "Castrol"}},
	{category: "Servis İşçiliği", code: "SI", unit: "saat", kdv: 1, price: [2]int64{900, 2400},
		names: []string{"Periyodik bakım işçiliği", "Motor arıza tespiti", "Elektrik arıza tespiti", "Kaporta işçiliği", "Boya işçiliği",
			"Şanzıman onarımı", "Klima arıza onarımı"}, variants: []string{""}},
	{category: "Servis Hizmeti", code: "SH", unit: "hizmet", kdv: 1, price: [2]int64{350, 4500},
		names: []string{"Klima gazı dolumu", "Rot balans ayarı", "Lastik değişimi", "Lastik saklama (sezonluk)", "Araç yıkama ve iç temizlik",
			"Seramik kaplama", "Muayene öncesi kontrol", "Ekspertiz raporu", "Yol yardım çağrısı", "Cam filmi uygulaması"}, variants: []string{""}},
	{category: "Aksesuar", code: "AS", unit: "adet", kdv: 1, price: [2]int64{250, 12000},
		names: []string{"Havuzlu paspas seti", "Bagaj havuzu", "Araç içi kamera", "Geri görüş kamerası", "Koltuk kılıfı seti",
			"Portbagaj", "Çeki demiri", "Zincir (kar)", "İlk yardım çantası", "Reflektör ve yangın tüpü seti"},
		variants: []string{"Standart", "Premium", "Ekonomik"}},
	{category: "İş Kıyafeti", code: "IK", unit: "adet", kdv: 2, price: [2]int64{250, 1800},
		names: []string{"İş tulumu", "Reflektif yelek", "Kışlık mont", "Servis montu", "İş pantolonu"}, variants: []string{"S", "M", "L", "XL"}},
	{category: "İkram", code: "IR", unit: "kg", kdv: 3, price: [2]int64{25, 480},
		names: []string{"Ekmek", "Un", "Makarna", "Bulgur", "Pirinç", "Kuru fasulye"}, variants: []string{""}},
	{category: "İhracat", code: "IH", unit: "takim", kdv: 4, price: [2]int64{4000, 60000},
		names:    []string{"İhraç kayıtlı fren seti", "İhraç kayıtlı süspansiyon seti", "İhraç kayıtlı motor revizyon seti"},
		variants: []string{"Gürcistan", "Azerbaycan", "Irak"}},
}

// kdvBP are the shipped KDV rates by id.
var kdvBP = map[int64]int64{1: 2000, 2: 1000, 3: 100, 4: 0}

// product is what the generator remembers of a product it wrote.
type product struct {
	id       int64
	name     string
	unit     string
	price    int64 // kuruş
	kdv      int64 // basis points
	category string
}

// products writes up to n products: the k-th item (a name in a
// variant) of every family in turn, so that even a few products cover
// every family and KDV rate.
func (g *gen) products(ctx context.Context, st *store.Store, a *store.Actor, n int, sum *Summary) ([]product, error) {
	var rows []store.Values
	var out []product
	seq := map[string]int{}
	for k, more := 0, true; len(rows) < n && more; k++ {
		more = false
		for _, spec := range productSpecs {
			if len(rows) >= n || k >= len(spec.names)*len(spec.variants) {
				continue
			}
			more = true
			full := spec.names[k%len(spec.names)]
			if v := spec.variants[k/len(spec.names)]; v != "" {
				full += " – " + v
			}
			seq[spec.code]++
			lo, hi := spec.price[0], spec.price[1]
			price := (lo + g.r.Int64N(hi-lo+1)) * 100
			if price > 100_000 {
				price = price / 1000 * 1000 // whole tens of lira above a thousand
			}
			v := store.Values{"code": fmt.Sprintf("%s-%04d", spec.code, seq[spec.code]), "name": full, "unit": spec.unit,
				"unit_price": price, "kdv_rate_id": spec.kdv, "category": spec.category,
				store.CreatedAtKey: g.end.AddDate(-3, 0, 0).Add(time.Duration(len(rows)) * time.Hour)}
			if g.chance(0.3) {
				v["description"] = spec.category + " ürünü. Stoktan teslim; garanti koşulları faturada yazılıdır."
			}
			if len(rows)%33 == 32 {
				v["active"] = false // a discontinued item, still on old documents
			}
			rows = append(rows, v)
			out = append(out, product{name: full, unit: spec.unit, price: price, kdv: kdvBP[spec.kdv], category: spec.category})
		}
	}
	ids, err := st.CreateMany(ctx, a, store.Products, rows)
	if err != nil {
		return nil, fmt.Errorf("demo products: %w", err)
	}
	for i, id := range ids {
		out[i].id = id
	}
	sum.Products = len(out)
	return out, nil
}

// freeLines are the lines without a product that documents carry.
var freeLines = []struct {
	desc, unit string
	lo, hi     int64 // lira
}{{"Nakliye bedeli", "hizmet", 250, 2500}, {"Montaj işçiliği", "saat", 600, 1500}, {"Yerinde kurulum", "hizmet", 1000, 6000},
	{"Acil servis farkı", "hizmet", 500, 2000}, {"Çekici hizmeti", "hizmet", 1500, 5000}}

var docSubjects = []string{"Periyodik bakım", "Filo bakım anlaşması", "Lastik yenileme", "Yedek parça siparişi", "Kaza onarımı",
	"Kış hazırlığı", "Akü değişimi", "Aksesuar siparişi", "Servis araçları bakımı", "İş kıyafeti siparişi", "Yıllık bakım paketi",
	"İhracat siparişi", "Klima bakımı", "Fren sistemi onarımı"}

var cancelReasons = []string{"Müşteri bilgileri hatalı yazıldı", "Tutar hatalı, yeniden düzenlenecek", "Sipariş iptal edildi"}

// docChain is one sale as it went: a quote, then maybe an order, then
// maybe an invoice, with the same lines (or an order or an invoice on
// its own).
type docChain struct {
	p                      *party
	lines                  []store.DocLine
	discount               int64
	subject                string
	quote, order, invoice  bool
	qDate, oDate, iDate    time.Time // issue days
	qStatus, oStatus       string
	qID, oID, iID          int64
	iStatus                string
	due                    time.Time
	payments               []payment
	cancelReason, issuedAt string
}

type payment struct {
	day    time.Time
	amount int64
	method string
}

// docCount is how many documents a chain makes.
func (c *docChain) docCount() int {
	n := 0
	for _, b := range []bool{c.quote, c.order, c.invoice} {
		if b {
			n++
		}
	}
	return n
}

// sales writes the products and n documents with their payments. The
// key account gets keyDocs of them.
func (g *gen) sales(ctx context.Context, st *store.Store, a *store.Actor, sz Size, progress io.Writer, start time.Time, sum *Summary) error {
	if sz.Products == 0 {
		return nil
	}
	prods, err := g.products(ctx, st, a, sz.Products, sum)
	if err != nil {
		return err
	}
	g.prods = prods
	fmt.Fprintf(progress, "products %d (%.1f s)\n", len(prods), time.Since(start).Seconds())
	if sz.Documents == 0 || len(g.parties) == 0 {
		return nil
	}
	var active []product
	for i, p := range prods {
		if i%33 != 32 { // the discontinued ones are rarely sold
			active = append(active, p)
		}
	}
	key := g.keyAccount()
	keyDocs := min(200, sz.Documents/10)
	var chains []*docChain
	total, keyTotal := 0, 0
	for total < sz.Documents {
		p := key
		if keyTotal >= keyDocs {
			p = &g.parties[g.r.IntN(len(g.parties))]
			if !p.company && g.chance(0.5) { // companies buy most
				p = &g.parties[g.r.IntN(len(g.parties))]
			}
			if p == key {
				continue // the key account has its share
			}
		}
		c := g.chain(p, active)
		limit := sz.Documents - total
		if p == key {
			limit = min(limit, keyDocs-keyTotal)
		}
		// Cut a chain that would pass the count at its last step: a
		// quote accepted and not yet ordered, an order not yet invoiced.
		for c.docCount() > limit {
			switch {
			case c.invoice:
				c.invoice = false
				if c.order && c.oStatus == store.OrderCompleted {
					c.oStatus = store.OrderDelivered
				}
			case c.order:
				c.order = false
			}
		}
		total += c.docCount()
		if p == key {
			keyTotal += c.docCount()
		}
		chains = append(chains, c)
	}
	if err := g.writeDocs(ctx, st, a, chains, progress, start, sum); err != nil {
		return err
	}
	return g.writePayments(ctx, st, a, chains, progress, start, sum)
}

// keyAccount is the company with the longest history, which the
// benchmarks open: the first company with a phone number.
func (g *gen) keyAccount() *party {
	for i := range g.parties {
		if g.parties[i].company && g.parties[i].phone {
			return &g.parties[i]
		}
	}
	return &g.parties[0]
}

// chain draws one sale: its lines, its dates and how far it went.
func (g *gen) chain(p *party, prods []product) *docChain {
	c := &docChain{p: p, subject: pick(g.r, docSubjects)}
	n := 1 + g.r.IntN(4) + g.r.IntN(4) // 1..7 lines, four on average
	for range n {
		if g.chance(0.1) {
			f := pick(g.r, freeLines)
			c.lines = append(c.lines, store.DocLine{Description: f.desc, Unit: f.unit, Quantity: 1000,
				UnitPrice: (f.lo + g.r.Int64N(f.hi-f.lo+1)) * 100, KDVRateBP: 2000})
			continue
		}
		pr := pick(g.r, prods)
		l := store.DocLine{ProductID: pr.id, Quantity: g.quantity(pr.unit, p.company), UnitPrice: pr.price, KDVRateBP: pr.kdv}
		switch x := g.r.Float64(); {
		case x < 0.12:
			l.DiscountBP = 500
		case x < 0.2:
			l.DiscountBP = 1000
		case x < 0.23:
			l.DiscountBP = 1250
		}
		c.lines = append(c.lines, l)
	}
	if g.chance(0.05) {
		if t, err := store.DocumentTotals(c.lines, 0); err == nil && t.Subtotal > 100_00 {
			c.discount = t.Subtotal / 50 / 100 * 100 // 2 %, in whole lira
		}
	}
	// The sale began on a day of the last two years (more of them
	// lately), never before the customer was recorded, never today.
	yesterday := g.end.AddDate(0, 0, -1)
	from := g.end.AddDate(-2, 0, 0)
	if p.created.After(from) {
		from = p.created.Truncate(24 * time.Hour)
	}
	if !from.Before(yesterday) {
		from = yesterday
	}
	u := g.r.Float64()
	u = 1 - (1-u)*(1-u)*0.5 - (1-u)*0.5 // denser towards the end
	day := from.Add(time.Duration(u * float64(yesterday.Sub(from)))).Truncate(24 * time.Hour)
	age := func(t time.Time) int { return int(yesterday.Sub(t).Hours() / 24) }
	switch x := g.r.Float64(); {
	case x < 0.35: // a quote that stayed a quote
		c.quote, c.qDate = true, day
		switch {
		case age(day) < 30 && g.chance(0.3):
			c.qStatus = store.QuoteDraft
		case age(day) < 30:
			c.qStatus = store.QuoteSent
		case g.chance(0.45):
			c.qStatus = store.QuoteRejected
		default:
			c.qStatus = store.QuoteExpired
		}
		return c
	case x < 0.6: // quote → order → invoice
		c.quote, c.qDate, c.qStatus = true, day, store.QuoteAccepted
		c.oDate = day.AddDate(0, 0, 1+g.r.IntN(14))
		if c.oDate.After(yesterday) {
			c.qStatus = store.QuoteSent
			return c
		}
		c.order = true
	case x < 0.72: // an order on its own, then its invoice
		c.order, c.oDate = true, day
	default: // an invoice on its own (a walk-in sale)
		c.invoice, c.iDate = true, day
		g.invoiceState(c, yesterday)
		return c
	}
	c.oStatus = store.OrderCompleted
	c.iDate = c.oDate.AddDate(0, 0, g.r.IntN(10))
	switch {
	case g.chance(0.04):
		c.oStatus = store.OrderCancelled
		return c
	case c.iDate.After(yesterday):
		c.oStatus = store.OrderOpen
		return c
	case age(c.iDate) < 10 && g.chance(0.3):
		c.oStatus = store.OrderDelivered // delivered, not invoiced yet
		return c
	}
	c.invoice = true
	g.invoiceState(c, yesterday)
	return c
}

// quantity draws a line's quantity for its unit (thousandths).
func (g *gen) quantity(unit string, company bool) money.Qty {
	scale := 1
	if company {
		scale = 4
	}
	switch unit {
	case "saat":
		return money.Qty((1 + g.r.IntN(8*scale)) * 500) // half hours
	case "lt":
		return money.Qty((1 + g.r.IntN(10*scale)) * 1000)
	case "kg":
		return money.Qty(500 + g.r.IntN(25_000*scale)) // grams
	case "hizmet", "takim":
		return money.Qty((1 + g.r.IntN(scale)) * 1000)
	}
	return money.Qty((1 + g.r.IntN(4*scale)) * 1000)
}

// invoiceState draws an invoice's status and payments: a few recent
// drafts and some cancelled; issued ones due in 30 days, most paid
// within weeks of their due date, some partly, and a share overdue in
// every age bucket.
func (g *gen) invoiceState(c *docChain, yesterday time.Time) {
	c.due = c.iDate.AddDate(0, 0, 30)
	age := int(yesterday.Sub(c.iDate).Hours() / 24)
	if age < 7 && g.chance(0.25) {
		c.iStatus = store.InvoiceDraft
		return
	}
	c.issuedAt = c.iDate.Add(7 * time.Hour).UTC().Format(tr.DateTimeLayout) // 10:00 in Istanbul
	if g.chance(0.02) {
		c.iStatus, c.cancelReason = store.InvoiceCancelled, pick(g.r, cancelReasons)
		return
	}
	t, err := store.DocumentTotals(c.lines, c.discount)
	if err != nil || t.GrandTotal <= 1 {
		c.iStatus = store.InvoiceIssued
		return
	}
	late := int(g.end.Sub(c.due).Hours() / 24)
	paid, partly := 0.15, 0.15
	switch {
	case late > 90:
		paid, partly = 0.93, 0.03
	case late >= 0:
		paid, partly = 0.55, 0.2
	}
	pay := func(amount int64, after int) {
		day := c.iDate.AddDate(0, 0, after)
		if day.After(yesterday) {
			day = yesterday
		}
		c.payments = append(c.payments, payment{day: day, amount: amount, method: pick(g.r, store.PaymentMethods)})
	}
	switch x := g.r.Float64(); {
	case x < paid:
		c.iStatus = store.InvoicePaid
		if g.chance(0.2) {
			first := t.GrandTotal / 2
			pay(first, g.r.IntN(20))
			pay(t.GrandTotal-first, 20+g.r.IntN(30))
		} else {
			pay(t.GrandTotal, g.r.IntN(50))
		}
	case x < paid+partly:
		c.iStatus = store.InvoicePartlyPaid
		pay(t.GrandTotal*int64(30+g.r.IntN(41))/100, g.r.IntN(40))
	default:
		c.iStatus = store.InvoiceIssued
	}
	slices.SortFunc(c.payments, func(x, y payment) int { return x.day.Compare(y.day) })
}

// docRow is the header of one document of a chain.
func (g *gen) docRow(c *docChain, day time.Time) store.Values {
	v := store.Values{"customer_id": c.p.id, "subject": c.subject, "issue_date": day.Format(time.DateOnly),
		store.CreatedAtKey: day.Add(6*time.Hour + time.Duration(g.r.IntN(9*60))*time.Minute)}
	if c.p.owner != nil {
		v["owner_id"] = c.p.owner
	}
	if c.discount > 0 {
		v["discount_amount"] = c.discount
	}
	return v
}

// writeDocs writes the quotes, then the orders naming their quotes,
// then the invoices naming their orders, each type in the order of its
// issue days.
func (g *gen) writeDocs(ctx context.Context, st *store.Store, a *store.Actor, chains []*docChain, progress io.Writer, start time.Time, sum *Summary) error {
	total := 0
	for _, c := range chains {
		total += c.docCount()
	}
	for _, step := range []struct {
		m    *store.Module
		has  func(*docChain) bool
		day  func(*docChain) time.Time
		fill func(*docChain, store.Values)
		id   func(*docChain, int64)
	}{
		{store.Quotes, func(c *docChain) bool { return c.quote }, func(c *docChain) time.Time { return c.qDate },
			func(c *docChain, v store.Values) {
				v["status"] = c.qStatus
				v["valid_until"] = c.qDate.AddDate(0, 0, 30).Format(time.DateOnly)
			}, func(c *docChain, id int64) { c.qID = id }},
		{store.Orders, func(c *docChain) bool { return c.order }, func(c *docChain) time.Time { return c.oDate },
			func(c *docChain, v store.Values) {
				v["status"] = c.oStatus
				v["delivery_date"] = c.oDate.AddDate(0, 0, 3+g.r.IntN(10)).Format(time.DateOnly)
				if c.qID != 0 {
					v["quote_id"] = c.qID
				}
			}, func(c *docChain, id int64) { c.oID = id }},
		{store.Invoices, func(c *docChain) bool { return c.invoice }, func(c *docChain) time.Time { return c.iDate },
			func(c *docChain, v store.Values) {
				v["status"] = c.iStatus
				v["due_date"] = c.due.Format(time.DateOnly)
				v["issued_at"] = c.issuedAt
				if c.oID != 0 {
					v["order_id"] = c.oID
				}
				if c.iStatus == store.InvoiceCancelled {
					v["cancel_reason"] = c.cancelReason
					v["cancelled_at"] = c.iDate.Add(30 * time.Hour).UTC().Format(tr.DateTimeLayout)
				}
				var paid int64
				for _, p := range c.payments {
					paid += p.amount
				}
				v["paid_total"] = paid
			}, func(c *docChain, id int64) { c.iID = id }},
	} {
		var of []*docChain
		for _, c := range chains {
			if step.has(c) {
				of = append(of, c)
			}
		}
		slices.SortStableFunc(of, func(x, y *docChain) int { return step.day(x).Compare(step.day(y)) })
		docs := make([]store.NewDocument, 0, batchSize)
		batch := make([]*docChain, 0, batchSize)
		for i, c := range of {
			v := g.docRow(c, step.day(c))
			step.fill(c, v)
			docs = append(docs, store.NewDocument{Values: v, Lines: c.lines})
			batch = append(batch, c)
			if len(docs) < batchSize && i < len(of)-1 {
				continue
			}
			ids, err := st.CreateDocuments(ctx, a, step.m, docs)
			if err != nil {
				return fmt.Errorf("demo %s: %w", step.m.Key, err)
			}
			for j, id := range ids {
				step.id(batch[j], id)
				sum.Lines += len(batch[j].lines)
			}
			sum.Documents += len(ids)
			report(progress, "sales documents", sum.Documents, total, start)
			docs, batch = docs[:0], batch[:0]
		}
	}
	return nil
}

// writePayments writes the invoices' payments, in the order of their
// days.
func (g *gen) writePayments(ctx context.Context, st *store.Store, a *store.Actor, chains []*docChain, progress io.Writer, start time.Time, sum *Summary) error {
	type row struct {
		inv int64
		p   payment
	}
	var all []row
	for _, c := range chains {
		if !c.invoice {
			continue
		}
		for _, p := range c.payments {
			all = append(all, row{c.iID, p})
		}
	}
	slices.SortStableFunc(all, func(x, y row) int { return x.p.day.Compare(y.p.day) })
	rows := make([]store.Values, 0, batchSize)
	for i, r := range all {
		v := store.Values{"invoice_id": r.inv, "date": r.p.day.Format(time.DateOnly), "amount": r.p.amount, "method": r.p.method,
			store.CreatedAtKey: r.p.day.Add(8 * time.Hour)}
		if g.chance(0.1) {
			v["note"] = pick(g.r, paymentNotes)
		}
		rows = append(rows, v)
		if len(rows) < batchSize && i < len(all)-1 {
			continue
		}
		if _, err := st.CreateMany(ctx, a, store.Payments, rows); err != nil {
			return fmt.Errorf("demo payments: %w", err)
		}
		sum.Payments += len(rows)
		report(progress, "payments", sum.Payments, len(all), start)
		rows = rows[:0]
	}
	return nil
}

var paymentNotes = []string{"Havale açıklamasında fatura numarası yazılı.", "Kasada tahsil edildi.", "Vadeli çek, portföye alındı.",
	"POS cihazından tek çekim.", "Müşteri temsilcisi tahsil etti."}
