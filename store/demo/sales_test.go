package demo

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"kobicrm/store"
)

// The small set's sales: every document's totals are what store/money
// computes from its lines; converted documents carry their source's
// lines; invoice numbers run gapless per year and the series continues
// after them; every invoice's paid total is the sum of its payments and
// its status agrees; the receivables fill all four age buckets; the key
// account has its share; the service desk's requests and articles name
// products.
func TestGenerateSmallSales(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	pw := "Kedi-Mavi-Tekne-42"
	if _, err := st.CreateFirstAdmin(ctx, store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr", Password: pw, PasswordAgain: pw}); err != nil {
		t.Fatal(err)
	}
	sum, err := Generate(ctx, st, "small", nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := store.SystemActor()
	sz := Sizes["small"]
	if sum.Products != sz.Products || sum.Documents != sz.Documents || sum.Lines < 2*sz.Documents || sum.Payments == 0 {
		t.Fatalf("summary: %v", sum)
	}
	rates := map[int64]bool{}
	for _, p := range all(t, st, store.Products) {
		rates[p.Values["kdv_rate_id"].(int64)] = true
	}
	if len(rates) != 4 {
		t.Errorf("the products' KDV rates: %v, want all four", rates)
	}

	lines := map[string]map[int64][]store.DocLine{}
	status := map[string]map[string]int{}
	count, lineCount := 0, 0
	for _, m := range []*store.Module{store.Quotes, store.Orders, store.Invoices} {
		lines[m.Key], status[m.Key] = map[int64][]store.DocLine{}, map[string]int{}
		for _, r := range all(t, st, m) {
			d, err := st.LoadDocument(ctx, sys, m, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct {
				name string
				want int64
			}{{"subtotal", d.Totals.Subtotal}, {"discount_total", d.Totals.DiscountTotal}, {"kdv_total", d.Totals.KDVTotal}, {"grand_total", d.Totals.GrandTotal}} {
				if got, _ := d.Values.Int(f.name); got != f.want || len(d.Lines) == 0 {
					t.Fatalf("%s %s: %s %d, money computes %d from %d lines", m.Key, d.Values.Str("number"), f.name, got, f.want, len(d.Lines))
				}
			}
			lines[m.Key][r.ID] = d.Lines
			status[m.Key][d.Values.Str("status")]++
			count++
			lineCount += len(d.Lines)
		}
	}
	if count != sum.Documents || lineCount != sum.Lines {
		t.Errorf("%d documents with %d lines, summary says %d with %d", count, lineCount, sum.Documents, sum.Lines)
	}
	for m, want := range map[string][]string{"quotes": {store.QuoteAccepted, store.QuoteSent, store.QuoteRejected, store.QuoteExpired},
		"orders":   {store.OrderCompleted},
		"invoices": {store.InvoiceIssued, store.InvoicePartlyPaid, store.InvoicePaid}} {
		for _, s := range want {
			if status[m][s] == 0 {
				t.Errorf("no %s %s: %v", s, m, status[m])
			}
		}
	}
	// Converted documents carry their source's lines.
	converted := 0
	for _, c := range []struct{ m, from, ref string }{{"orders", "quotes", "quote_id"}, {"invoices", "orders", "order_id"}} {
		mod, _ := store.ModuleByKey(c.m)
		for _, r := range all(t, st, mod) {
			src, ok := r.Values.Int(c.ref)
			if !ok {
				continue
			}
			converted++
			if !slices.Equal(lines[c.m][r.ID], lines[c.from][src]) {
				t.Fatalf("%s %d: lines differ from %s %d", c.m, r.ID, c.from, src)
			}
		}
	}
	if converted < sz.Documents/5 {
		t.Errorf("only %d converted documents", converted)
	}

	// Invoice numbers: gapless per year, in the order of issue days.
	invoices := all(t, st, store.Invoices)
	byYear := map[string][]int{}
	paid := map[int64]int64{}
	for _, p := range all(t, st, store.Payments) {
		paid[p.Values["invoice_id"].(int64)] += p.Values["amount"].(int64)
	}
	slices.SortFunc(invoices, func(x, y *store.Record) int { return int(x.ID - y.ID) })
	lastDay := ""
	for _, r := range invoices {
		n := r.Values.Str("number")
		if !store.InvoiceNumberPattern.MatchString(n) {
			t.Fatalf("invoice number %q", n)
		}
		k, _ := strconv.Atoi(n[7:])
		byYear[n[3:7]] = append(byYear[n[3:7]], k)
		if d := r.Values.Str("issue_date"); d < lastDay {
			t.Errorf("invoice %s issued %s, before the one numbered before it (%s)", n, d, lastDay)
		} else {
			lastDay = d
		}
		grand, _ := r.Values.Int("grand_total")
		got, _ := r.Values.Int("paid_total")
		if got != paid[r.ID] {
			t.Fatalf("invoice %s: paid total %d, payments %d", n, got, paid[r.ID])
		}
		st := r.Values.Str("status")
		if (st == store.InvoicePaid) != (got == grand) || (st == store.InvoicePartlyPaid) != (got > 0 && got < grand) {
			t.Fatalf("invoice %s: %s with %d of %d paid", n, st, got, grand)
		}
	}
	for year, ks := range byYear {
		for i, k := range ks {
			if k != i+1 {
				t.Fatalf("invoices of %s: numbers %v are not 1, 2, 3 …", year, ks)
			}
		}
	}
	// The series continues after the demo's invoices.
	year := strconv.Itoa(time.Now().Year())
	if len(byYear[year]) > 0 {
		cust := invoices[0].Values["customer_id"].(int64)
		d, err := st.CreateDocument(ctx, sys, store.Invoices, store.Values{"customer_id": cust, "issue_date": time.Now().Format(time.DateOnly)},
			[]store.DocLine{{Description: "Deneme", Quantity: 1000, UnitPrice: 100, KDVRateBP: 2000}})
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := store.FormatNumber("invoices", "FTR", time.Now().Year(), int64(len(byYear[year])+1)); d.Values.Str("number") != want {
			t.Errorf("the next invoice is %s, want %s", d.Values.Str("number"), want)
		}
	}

	r, err := st.Receivables(ctx, sys, store.ReceivablesQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range r.Buckets {
		if b.Count == 0 {
			t.Errorf("receivables bucket %s is empty: %+v", b.Name, r.Buckets)
		}
	}
	var key *store.Record
	for _, c := range all(t, st, store.Customers) {
		if slices.Contains(c.Values.Tags("tags"), KeyAccountTag) {
			key = c
		}
	}
	cs, err := st.CustomerSales(ctx, sys, key.ID, 200)
	if err != nil {
		t.Fatal(err)
	}
	if n := cs.QuoteCount + cs.OrderCount + cs.InvoiceCount; n != sz.Documents/10 {
		t.Errorf("the key account has %d documents, want %d", n, sz.Documents/10)
	}

	withProduct := 0
	for _, r := range all(t, st, store.ServiceRequests) {
		if _, ok := r.Values.Int("product_id"); ok {
			withProduct++
		}
	}
	related := 0
	for _, a := range all(t, st, store.KBArticles) {
		if ids, _ := a.Values["product_ids"].([]int64); len(ids) > 0 {
			related++
		}
	}
	if withProduct == 0 || withProduct == sz.ServiceRequests || related == 0 {
		t.Errorf("%d of %d requests name a product, %d articles have related products", withProduct, sz.ServiceRequests, related)
	}
}
