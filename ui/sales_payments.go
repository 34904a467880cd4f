package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// Payments on an invoice's page, the receivables by age, and the sales
// section of the customer's 360° page.

const receivablesPath = "/receivables"

// receivablesLimit is how many overdue invoices the page lists, the most
// overdue first; the buckets' counts and sums cover them all.
const receivablesLimit = 100

// paymentRow is one payment of an invoice.
type paymentRow struct {
	URL, Date, Amount, Method, Note string
}

// payForm is the payment form of an issued invoice, as typed.
type payForm struct {
	Action  string
	Date    string
	Amount  string
	Method  string
	Note    string
	Methods []option
	Errors  map[string]string
}

// invoicePayments fills an invoice page's payments, its open amount and,
// when it takes payments and the user may record one, the form.
func (s *Server) invoicePayments(r *http.Request, doc *store.Document, d *docPage) error {
	st := state(r)
	l := st.locale
	cur := doc.Values.Str("currency")
	paid, _ := doc.Values.Int("paid_total")
	status := doc.Values.Str("status")
	open := doc.Totals.GrandTotal - paid
	if status == store.InvoiceIssued || status == store.InvoicePartlyPaid {
		d.Open = moneyIn(l, open, cur)
	}
	pm := s.module(store.Payments)
	if !st.actor.Can(pm, store.ActRead) {
		return nil
	}
	page, err := s.store.List(r.Context(), st.actor, pm, store.ListQuery{Filters: map[string]string{"invoice_id": strconv.FormatInt(doc.ID, 10)},
		Sort: "date", Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	method, _ := pm.Field("method")
	for _, p := range page.Records {
		amount, _ := p.Values.Int("amount")
		d.Payments = append(d.Payments, paymentRow{URL: recordURL(pm, p.ID), Date: l.Date(dayOf(p.Values.Str("date"))),
			Amount: moneyIn(l, amount, cur), Method: choiceLabel(l, pm, method, p.Values.Str("method")), Note: p.Values.Str("note")})
	}
	if (status == store.InvoiceIssued || status == store.InvoicePartlyPaid) && st.actor.Can(pm, store.ActCreate) {
		d.Pay = newPayForm(l, pm, docURL(store.Invoices, doc.ID)+"/payments")
		d.Pay.Amount = tr.Decimal(open, 2)
	}
	return nil
}

func newPayForm(l *i18n.Locale, pm *store.Module, action string) *payForm {
	f := &payForm{Action: action, Date: time.Now().In(tr.Istanbul).Format(time.DateOnly), Method: "havale_eft", Errors: map[string]string{}}
	method, _ := pm.Field("method")
	for _, m := range store.PaymentMethods {
		f.Methods = append(f.Methods, option{Value: m, Label: choiceLabel(l, pm, method, m)})
	}
	return f
}

// paymentAdd records a payment on the invoice; what is wrong comes back
// on the invoice's page with the form filled in.
func (s *Server) paymentAdd(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	st := state(r)
	l := st.locale
	pm := s.module(store.Payments)
	f := newPayForm(l, pm, docURL(store.Invoices, id)+"/payments")
	f.Date, f.Amount, f.Method, f.Note = r.PostFormValue("date"), r.PostFormValue("amount"), r.PostFormValue("method"), r.PostFormValue("note")
	date := f.Date
	if t, ok := tr.ParseDate(date); ok {
		date = t.Format(time.DateOnly)
	} else {
		f.Errors["date"] = l.T("doc.pay_date_invalid")
	}
	amount, valid := tr.ParseMoney(f.Amount)
	if !valid {
		f.Errors["amount"] = l.T("doc.pay_amount_invalid")
	}
	var err error
	if len(f.Errors) == 0 {
		_, err = s.store.AddPayment(r.Context(), st.actor, id, date, amount, f.Method, f.Note)
		if v, ok := store.AsValidation(err); ok {
			for name, msg := range v.Fields {
				f.Errors[name] = l.T(msg.Key, msg.Args...)
			}
			err = nil
		} else if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	if len(f.Errors) == 0 {
		s.addFlash(r, "ok", "doc.paid")
		s.redirect(w, r, docURL(store.Invoices, id)+"#payments")
		return
	}
	// Shown again: the invoice's page with this form and its problems.
	m := s.module(store.Invoices)
	doc, err := s.store.LoadDocument(r.Context(), st.actor, m, id)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &docPage{Module: m, Record: doc.Record, URL: docURL(m, id), Status: doc.Values.Str("status"),
		StatusLabel: statusLabel(l, m, doc.Values.Str("status")), Customer: doc.Refs["customer_id"],
		Lines: docLineRows(l, doc), Totals: totalRows(l, doc.Totals, doc.Values.Str("currency")),
		Words: amountWords(doc.Totals, doc.Values.Str("currency"))}
	if c, ok := doc.Values.Int("customer_id"); ok {
		d.CustomerURL = recordURL(store.Customers, c)
	}
	d.Details = details(l, m, doc.Record, "number", "subject", "customer_id", "currency")
	if err := s.invoicePayments(r, doc, d); err != nil {
		s.storeError(w, r, err)
		return
	}
	if d.Pay == nil {
		d.Pay = f // the invoice no longer takes payments: show why
	} else {
		f.Methods = d.Pay.Methods
		d.Pay = f
	}
	p := s.newPage(r, m.Label, d)
	p.Title = l.T("doc.title_invoices", doc.Values.Str("number"))
	s.render(w, r, http.StatusUnprocessableEntity, "sales_document", p)
}

// receivablesData is the receivables page.
type receivablesData struct {
	Buckets []bucketView
	Bucket  string
	Rows    []receivableRow
	AllURL  string
	Total   string // of the rows shown, per currency
	Capped  bool   // more are overdue than the page lists
}

type bucketView struct {
	Name, Label, URL, Totals string
	Count                    int
	Current                  bool
}

type receivableRow struct {
	URL, Number, CustomerURL, Customer, Due, Total, Open, Bucket string
	DaysLate                                                     int
}

// receivablesPage lists the overdue invoices by age: the four buckets'
// counts and totals, and the invoices of one bucket (or all), the most
// overdue first.
func (s *Server) receivablesPage(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	bucket := r.URL.Query().Get("bucket")
	rec, err := s.store.Receivables(r.Context(), st.actor, store.ReceivablesQuery{Bucket: bucket, Limit: receivablesLimit})
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &receivablesData{Bucket: bucket, AllURL: receivablesPath, Capped: len(rec.Items) == receivablesLimit}
	for _, b := range rec.Buckets {
		d.Buckets = append(d.Buckets, bucketView{Name: b.Name, Label: l.T("receivables.bucket", b.Name), Count: b.Count,
			URL: receivablesPath + "?" + url.Values{"bucket": {b.Name}}.Encode(), Totals: amountsText(l, b.Totals), Current: b.Name == bucket})
	}
	sums := map[string]int64{}
	var order []string
	for _, it := range rec.Items {
		if _, seen := sums[it.Currency]; !seen {
			order = append(order, it.Currency)
		}
		sums[it.Currency] += it.Open
		d.Rows = append(d.Rows, receivableRow{URL: docURL(store.Invoices, it.InvoiceID), Number: it.Number,
			CustomerURL: recordURL(store.Customers, it.CustomerID), Customer: it.Customer, Due: l.Date(dayOf(it.DueDate)),
			Total: moneyIn(l, it.GrandTotal, it.Currency), Open: moneyIn(l, it.Open, it.Currency), Bucket: it.Bucket, DaysLate: it.DaysLate})
	}
	var totals []store.Amount
	for _, c := range order {
		totals = append(totals, store.Amount{Currency: c, Minor: sums[c]})
	}
	d.Total = amountsText(l, totals)
	s.render(w, r, http.StatusOK, "sales_receivables", s.newPage(r, "receivables.title", d))
}

// salesSection is the sales part of a customer's page: the documents
// and the open balance.
type salesSection struct {
	Groups  []docGroup
	Balance string
	NewURL  string // a new quote for this customer; "" without the right
}

type docGroup struct {
	Key     string // module key
	Label   string
	Count   int
	Rows    []docSummaryRow
	MoreURL string
}

type docSummaryRow struct {
	URL, Number, Date, Status, StatusKey, Total, Paid string
}

// customerSales builds the section, or nil for a user who may read no
// sales document.
func (s *Server) customerSales(r *http.Request, customer *store.Record) (*salesSection, error) {
	st := state(r)
	l := st.locale
	readable := false
	for _, m := range docModules {
		readable = readable || st.actor.Can(s.module(m), store.ActRead)
	}
	if !readable {
		return nil, nil
	}
	cs, err := s.store.CustomerSales(r.Context(), st.actor, customer.ID, 10)
	if err != nil {
		return nil, err
	}
	v := &salesSection{Balance: amountsText(l, cs.OpenBalance)}
	if st.actor.Can(s.module(store.Quotes), store.ActCreate) {
		v.NewURL = newDocURL(store.Quotes, customer.ID, "")
	}
	id := strconv.FormatInt(customer.ID, 10)
	for _, g := range []struct {
		m     *store.Module
		docs  []store.DocSummary
		count int
	}{{store.Quotes, cs.Quotes, cs.QuoteCount}, {store.Orders, cs.Orders, cs.OrderCount}, {store.Invoices, cs.Invoices, cs.InvoiceCount}} {
		if !st.actor.Can(s.module(g.m), store.ActRead) {
			continue
		}
		grp := docGroup{Key: g.m.Key, Label: l.T(g.m.Label), Count: g.count}
		if g.count > len(g.docs) {
			grp.MoreURL = "/" + g.m.Key + "?" + url.Values{"customer_id": {id}}.Encode()
		}
		for _, ds := range g.docs {
			row := docSummaryRow{URL: docLink(ds.Module, ds.ID), Number: ds.Number, Date: l.Date(dayOf(ds.IssueDate)),
				Status: statusLabel(l, g.m, ds.Status), StatusKey: ds.Status, Total: moneyIn(l, ds.GrandTotal, ds.Currency)}
			if g.m.Key == store.Invoices.Key {
				row.Paid = moneyIn(l, ds.PaidTotal, ds.Currency)
			}
			grp.Rows = append(grp.Rows, row)
		}
		v.Groups = append(v.Groups, grp)
	}
	return v, nil
}
