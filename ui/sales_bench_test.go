package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"kobicrm/store"
)

// The sales pages as whole handlers (session, store, template) on
// generated documents, made here as the store's BenchmarkSales makes
// them: 3,000 invoices of four lines over 30 customers, 200 of them on
// one customer, two thirds issued with due dates over half a year, a
// third of those partly paid; and one invoice of 50 lines for the PDF.

var salesBench struct {
	once    sync.Once
	err     error
	dir     string
	st      *store.Store
	handler http.Handler
	cookie  string
	big     int64 // the customer with 200 invoices
	long    int64 // the invoice of 50 lines
	invoice int64 // an issued four-line invoice
}

func salesBenchSetup(b *testing.B) {
	salesBench.once.Do(func() { salesBench.err = salesBenchBuild() })
	if salesBench.err != nil {
		b.Fatalf("sales benchmark setup: %v", salesBench.err)
	}
}

func salesBenchBuild() error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kobicrm-salesbench-")
	if err != nil {
		return err
	}
	salesBench.dir = dir
	st, err := store.Open(ctx, filepath.Join(dir, "sales.db"))
	if err != nil {
		return err
	}
	salesBench.st = st
	sys := store.SystemActor()
	u, err := st.CreateUser(ctx, sys, store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr",
		Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42", Admin: true})
	if err != nil {
		return err
	}
	admin := store.ActorFor(u)
	var custs []int64
	for i := range 30 {
		c, err := st.Create(ctx, admin, store.Customers, store.Values{"kind": "company", "title": fmt.Sprintf("Müşteri %d A.Ş.", i),
			"province": "İstanbul", "address": "Moda Cad. 12"})
		if err != nil {
			return err
		}
		custs = append(custs, c.ID)
	}
	salesBench.big = custs[0]
	lines := []store.DocLine{
		{Description: "Danışmanlık", Quantity: 3000, Unit: "saat", UnitPrice: 33333, KDVRateBP: 2000},
		{Description: "Kitap", Quantity: 1500, Unit: "adet", UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Description: "Ekmek", Quantity: 2000, Unit: "adet", UnitPrice: 12345, KDVRateBP: 100},
		{Description: "Kış lastiği 205/55 R16", Quantity: 4000, Unit: "adet", UnitPrice: 250000, KDVRateBP: 2000},
	}
	const n = 3000
	jobs := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	base := time.Now().AddDate(0, 0, -200)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				cust := custs[i%len(custs)]
				if i < 200 {
					cust = salesBench.big
				}
				issue := base.AddDate(0, 0, i%180).Format(time.DateOnly)
				d, err := st.CreateDocument(ctx, admin, store.Invoices, store.Values{"customer_id": cust, "issue_date": issue}, lines)
				if err == nil && i%3 != 0 {
					_, err = st.IssueInvoice(ctx, admin, d.ID)
					if err == nil && i%3 == 1 {
						_, err = st.AddPayment(ctx, admin, d.ID, issue, 10000, "nakit", "")
					}
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	salesBench.invoice = 2
	var long []store.DocLine
	for i := range 50 {
		long = append(long, store.DocLine{Description: fmt.Sprintf("Şanzıman yağı, ürün %d (İğneada deposu)", i+1),
			Quantity: 1500, Unit: "lt", UnitPrice: int64(1999 + 137*i), DiscountBP: int64(i % 3 * 500), KDVRateBP: []int64{2000, 1000, 100}[i%3]})
	}
	d, err := st.CreateDocument(ctx, admin, store.Invoices, store.Values{"customer_id": custs[1], "issue_date": base.Format(time.DateOnly)}, long)
	if err != nil {
		return err
	}
	salesBench.long = d.ID
	srv, err := New(ctx, st, Config{Version: "bench", Logger: discardLogger()})
	if err != nil {
		return err
	}
	salesBench.handler = srv.Handler()
	salesBench.cookie, err = benchLogin(salesBench.handler, "ayse@firma.com.tr")
	return err
}

// salesBenchGet measures GET path through the whole handler and reports
// the median as ms-p50 beside Go's mean ns/op.
func salesBenchGet(b *testing.B, path string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", salesBench.cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		salesBench.handler.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

func BenchmarkPageSales(b *testing.B) {
	salesBenchSetup(b)
	b.Run("InvoiceList", func(b *testing.B) { salesBenchGet(b, "/invoices") })
	b.Run("Receivables", func(b *testing.B) { salesBenchGet(b, receivablesPath) })
	b.Run("Customer200Invoices", func(b *testing.B) {
		salesBenchGet(b, "/customers/"+strconv.FormatInt(salesBench.big, 10))
	})
	b.Run("Invoice", func(b *testing.B) { salesBenchGet(b, "/invoices/"+strconv.FormatInt(salesBench.invoice, 10)) })
	b.Run("PDF50Lines", func(b *testing.B) { salesBenchGet(b, "/invoices/"+strconv.FormatInt(salesBench.long, 10)+"/pdf") })
	b.Run("Print50Lines", func(b *testing.B) { salesBenchGet(b, "/invoices/"+strconv.FormatInt(salesBench.long, 10)+"/print") })
}
