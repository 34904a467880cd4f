package store

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Sales benchmarks on generated documents: 3,000 invoices of four lines
// (DOMAIN.md's example and a product) over 30 customers, 200 of them on
// one customer, two thirds issued with due dates over the last half
// year, a third of those partly paid; read by an administrator and by a
// salesperson whose customers hold a third of them. (The large demo set
// has no sales documents yet.)

func salesBenchFixture(b *testing.B) (*salesFixture, int64) {
	b.Helper()
	fx := &salesFixture{oppFixture: newOppFixture(b)}
	fx.product = mustCreate(b, fx.st, fx.admin, Products, Values{"name": "Ürün", "unit_price": int64(250000), "kdv_rate_id": int64(1)}).ID
	custs := []int64{fx.mine}
	for i := range 29 {
		owner := fx.users["other"]
		if i%3 == 0 {
			owner = fx.users["me"]
		}
		custs = append(custs, mustCreate(b, fx.st, fx.admin, Customers, company(fmt.Sprintf("Müşteri %d A.Ş.", i), Values{"owner_id": owner})).ID)
	}
	lines := append(domainLines(), DocLine{ProductID: fx.product, Quantity: 2000, UnitPrice: 250000, KDVRateBP: 2000})
	const n = 3000
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				cust := custs[i%len(custs)]
				if i < 200 {
					cust = fx.mine
				}
				issue := base.AddDate(0, 0, i%180).Format(time.DateOnly)
				d, err := fx.st.CreateDocument(fx.ctx, fx.admin, Invoices, Values{"customer_id": cust, "issue_date": issue}, lines)
				if err == nil && i%3 != 0 {
					_, err = fx.st.IssueInvoice(fx.ctx, fx.admin, d.ID)
					if err == nil && i%3 == 1 {
						_, err = fx.st.AddPayment(fx.ctx, fx.admin, d.ID, issue, 10000, "nakit", "")
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return fx, fx.mine
}

func BenchmarkSales(b *testing.B) {
	fx, big := salesBenchFixture(b)
	at := time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC)
	for _, who := range []struct {
		name string
		a    *Actor
	}{{"admin", fx.admin}, {"salesperson", fx.me}} {
		b.Run("InvoiceList/"+who.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fx.st.List(fx.ctx, who.a, Invoices, ListQuery{Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("InvoiceListByNumber/"+who.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := fx.st.List(fx.ctx, who.a, Invoices, ListQuery{Limit: 50, Sort: "number", Desc: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Receivables/"+who.name, func(b *testing.B) {
			for b.Loop() {
				r, err := fx.st.Receivables(fx.ctx, who.a, ReceivablesQuery{At: at, Limit: 50})
				if err != nil || len(r.Items) == 0 {
					b.Fatal(err, len(r.Items))
				}
			}
		})
		b.Run("CustomerSales200/"+who.name, func(b *testing.B) {
			for b.Loop() {
				cs, err := fx.st.CustomerSales(fx.ctx, who.a, big, 200)
				if err != nil || len(cs.Invoices) != 200 {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("LoadDocument", func(b *testing.B) {
		for b.Loop() {
			if _, err := fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, 1500); err != nil {
				b.Fatal(err)
			}
		}
	})
}
