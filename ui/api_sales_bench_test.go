package ui

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"kobicrm/store"
)

// The sales API as whole handlers on the large demo set (50,000
// documents): the first page of 50 invoices for the administrator (API
// key) and for a salesperson (her session: her own customers' invoices),
// and one invoice with its lines and KDV breakdown.
func BenchmarkAPIInvoiceList(b *testing.B) {
	benchSetup(b)
	b.Run("admin", func(b *testing.B) { benchGet(b, "/api/v1/invoices?limit=50", http.StatusOK, true) })
	b.Run("salesperson", func(b *testing.B) {
		benchGetAs(b, "/api/v1/invoices?limit=50", http.StatusOK, bench.users["own"].cookie)
	})
}

func BenchmarkAPIInvoice(b *testing.B) {
	benchSetup(b)
	p, err := bench.st.List(context.Background(), store.SystemActor(), store.Invoices, store.ListQuery{Limit: 1})
	if err != nil || len(p.Records) == 0 {
		b.Fatal(err)
	}
	benchGet(b, fmt.Sprintf("/api/v1/invoices/%d", p.Records[0].ID), http.StatusOK, true)
}
