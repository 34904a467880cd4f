package store_test

import (
	"context"
	"fmt"
	"testing"

	"kobicrm/store"
)

// Sales benchmarks on the large demo set: 50,000 quotes, orders and
// invoices with 200,000 lines over two years, the invoices' payments, and
// 200 documents on the key account. Read by the administrator and by a
// salesperson (Satış, her own customers: 8 % of them); the key account's
// sales by the administrator, whose customer it is.

func BenchmarkSales(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	admin := scopeActor(b, st, "ayse@firma.com.tr", "")
	seller := scopeActor(b, st, "elif.kaya@firma.com.tr", "")
	key, err := st.Get(ctx, store.SystemActor(), store.Customers, keyAccount(b, st))
	if err != nil {
		b.Fatal(err)
	}
	for _, who := range []struct {
		name string
		a    *store.Actor
	}{{"admin", admin}, {"salesperson", seller}} {
		b.Run("InvoiceList/"+who.name, func(b *testing.B) {
			measure(b, func() error {
				p, err := st.List(ctx, who.a, store.Invoices, store.ListQuery{Limit: 50})
				if err == nil && len(p.Records) != 50 {
					err = fmt.Errorf("%d invoices", len(p.Records))
				}
				return err
			})
		})
		b.Run("InvoiceListByNumber/"+who.name, func(b *testing.B) {
			measure(b, func() error {
				_, err := st.List(ctx, who.a, store.Invoices, store.ListQuery{Limit: 50, Sort: "number", Desc: true})
				return err
			})
		})
		b.Run("Receivables/"+who.name, func(b *testing.B) {
			measure(b, func() error {
				r, err := st.Receivables(ctx, who.a, store.ReceivablesQuery{Limit: 50})
				if err == nil && len(r.Items) == 0 {
					err = fmt.Errorf("no receivables")
				}
				return err
			})
		})
	}
	// The key account belongs to the administrator in the demo set.
	for _, who := range []struct {
		name string
		a    *store.Actor
	}{{"admin", admin}} {
		b.Run("CustomerSales200/"+who.name, func(b *testing.B) {
			measure(b, func() error {
				cs, err := st.CustomerSales(ctx, who.a, key.ID, 200)
				if err == nil && cs.QuoteCount+cs.OrderCount+cs.InvoiceCount != 200 {
					err = fmt.Errorf("the key account has %d+%d+%d documents", cs.QuoteCount, cs.OrderCount, cs.InvoiceCount)
				}
				return err
			})
		})
	}
	p, err := st.List(ctx, admin, store.Invoices, store.ListQuery{Limit: 1})
	if err != nil || len(p.Records) == 0 {
		b.Fatal(err)
	}
	b.Run("LoadDocument", func(b *testing.B) {
		measure(b, func() error {
			_, err := st.LoadDocument(ctx, admin, store.Invoices, p.Records[0].ID)
			return err
		})
	})
}
