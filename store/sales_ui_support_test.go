package store

import "testing"

func TestDocumentEditable(t *testing.T) {
	cases := []struct {
		m      *Module
		status string
		want   bool
	}{
		{Quotes, QuoteDraft, true}, {Quotes, QuoteSent, true}, {Quotes, QuoteAccepted, false}, {Quotes, QuoteExpired, false},
		{Orders, OrderOpen, true}, {Orders, OrderDelivered, false}, {Orders, OrderCancelled, false},
		{Invoices, InvoiceDraft, true}, {Invoices, InvoiceIssued, false}, {Invoices, InvoicePaid, false}, {Invoices, InvoiceCancelled, false},
		{Customers, "", false},
	}
	for _, c := range cases {
		if got := DocumentEditable(c.m, c.status); got != c.want {
			t.Errorf("DocumentEditable(%s, %q) = %v, want %v", c.m.Key, c.status, got, c.want)
		}
	}
}

func TestDerivedDocuments(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	convert := func(customer int64) (quote, order int64) {
		q := fx.doc(t, fx.admin, Quotes, customer, domainLines(), nil)
		for _, s := range []string{QuoteSent, QuoteAccepted} {
			if _, err := fx.st.SetStatus(fx.ctx, fx.admin, Quotes, q.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		o, err := fx.st.Convert(fx.ctx, fx.admin, Quotes, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		return q.ID, o.ID
	}
	q, o := convert(fx.mine)
	got, err := fx.st.DerivedDocuments(fx.ctx, fx.me, Orders, "quote_id", q)
	if err != nil || len(got) != 1 || got[0].ID != o {
		t.Fatalf("orders from quote %d = %v, %v; want order %d", q, got, err, o)
	}
	if got, err := fx.st.DerivedDocuments(fx.ctx, fx.me, Invoices, "order_id", o); err != nil || len(got) != 0 {
		t.Errorf("invoices of a fresh order = %v, %v", got, err)
	}
	// A colleague's customer's documents stay out of the salesperson's sight.
	q2, _ := convert(fx.other)
	if got, err := fx.st.DerivedDocuments(fx.ctx, fx.me, Orders, "quote_id", q2); err != nil || len(got) != 0 {
		t.Errorf("out-of-scope orders = %v, %v", got, err)
	}
	if got, err := fx.st.DerivedDocuments(fx.ctx, fx.admin, Orders, "quote_id", q2); err != nil || len(got) != 1 {
		t.Errorf("admin's orders from quote = %v, %v", got, err)
	}
	if _, err := fx.st.DerivedDocuments(fx.ctx, fx.admin, Orders, "owner_id", q2); err == nil {
		t.Error("a non-document reference was accepted")
	}
}
