package ui

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/money"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The sales documents' pages: quotes, orders and invoices listed by the
// engine's lists, each shown with its lines, totals and KDV breakdown,
// the buttons of its flow (send, accept, convert, issue, cancel,
// reissue), its print page and PDF, and on an invoice its payments. The
// store does every rule; these handlers parse, call and render.

var (
	quotesList = &listSpec{Key: "quotes", Module: store.Quotes, TitleKey: "module.quotes",
		Columns: []string{"number", "subject", "customer_id", "issue_date", "valid_until", "status", "grand_total"},
		New:     []link{{Label: "quotes.new", URL: "/quotes/new"}}, EmptyKey: "quotes.empty", NewestFirst: true}
	ordersList = &listSpec{Key: "orders", Module: store.Orders, TitleKey: "module.orders",
		Columns: []string{"number", "subject", "customer_id", "issue_date", "delivery_date", "status", "grand_total"},
		New:     []link{{Label: "orders.new", URL: "/orders/new"}}, EmptyKey: "orders.empty", NewestFirst: true}
	invoicesList = &listSpec{Key: "invoices", Module: store.Invoices, TitleKey: "module.invoices",
		Columns: []string{"number", "customer_id", "issue_date", "due_date", "status", "grand_total", "paid_total"},
		New:     []link{{Label: "invoices.new", URL: "/invoices/new"}}, EmptyKey: "invoices.empty", NewestFirst: true}
	// Payments are recorded on their invoice's page, so the list offers
	// no "new" button of its own.
	paymentsList = &listSpec{Key: "payments", Module: store.Payments, TitleKey: "module.payments",
		Columns:  []string{"date", "invoice_id", "customer_id", "amount", "method"},
		EmptyKey: "payments.empty", NewestFirst: true}
)

// docModules are the three sales documents, in their flow's order.
var docModules = []*store.Module{store.Quotes, store.Orders, store.Invoices}

func (s *Server) salesRoutes(in *mux.Router) {
	for _, spec := range []*listSpec{quotesList, ordersList, invoicesList, paymentsList} {
		s.listRoutes(in, spec)
	}
	for _, m := range docModules {
		base := "/" + m.Key
		id := base + "/{id:[0-9]+}"
		in.HandleFunc(base, s.docCreate(m)).Methods(http.MethodPost)
		in.HandleFunc(base+"/new", s.docNew(m)).Methods(http.MethodGet)
		in.HandleFunc(id, s.docShow(m)).Methods(http.MethodGet)
		in.HandleFunc(id, s.docUpdate(m)).Methods(http.MethodPost)
		in.HandleFunc(id+"/edit", s.docEdit(m)).Methods(http.MethodGet)
		in.HandleFunc(id+"/delete", s.docDelete(m)).Methods(http.MethodPost)
		in.HandleFunc(id+"/print", s.docPrint(m)).Methods(http.MethodGet)
		in.HandleFunc(id+"/pdf", s.docPDF(m)).Methods(http.MethodGet)
	}
	in.HandleFunc("/quotes/{id:[0-9]+}/status", s.docStatus(store.Quotes)).Methods(http.MethodPost)
	in.HandleFunc("/orders/{id:[0-9]+}/status", s.docStatus(store.Orders)).Methods(http.MethodPost)
	in.HandleFunc("/quotes/{id:[0-9]+}/convert", s.docConvert(store.Quotes)).Methods(http.MethodPost)
	in.HandleFunc("/orders/{id:[0-9]+}/convert", s.docConvert(store.Orders)).Methods(http.MethodPost)
	in.HandleFunc("/invoices/{id:[0-9]+}/issue", s.invoiceIssue).Methods(http.MethodPost)
	in.HandleFunc("/invoices/{id:[0-9]+}/cancel", s.invoiceCancel).Methods(http.MethodPost)
	in.HandleFunc("/invoices/{id:[0-9]+}/reissue", s.invoiceReissue).Methods(http.MethodPost)
	in.HandleFunc("/invoices/{id:[0-9]+}/payments", s.paymentAdd).Methods(http.MethodPost)
	// A payment's own page (and its correction or deletion) is the
	// declared one; a new payment is made on its invoice's page.
	in.HandleFunc("/payments/{id:[0-9]+}", s.recordShow(store.Payments)).Methods(http.MethodGet)
	in.HandleFunc("/payments/{id:[0-9]+}", s.recordUpdate(store.Payments)).Methods(http.MethodPost)
	in.HandleFunc("/payments/{id:[0-9]+}/edit", s.recordEdit(store.Payments)).Methods(http.MethodGet)
	in.HandleFunc("/payments/{id:[0-9]+}/delete", s.recordDelete(store.Payments)).Methods(http.MethodPost)
	in.HandleFunc(receivablesPath, s.receivablesPage).Methods(http.MethodGet)
}

// docPage is a document's page.
type docPage struct {
	Module      *store.Module
	Record      *store.Record
	URL         string
	Status      string
	StatusLabel string
	Customer    string
	CustomerURL string
	Details     []detail
	Lines       []docLineRow
	Totals      []totalRow
	Words       string // the grand total in Turkish words (lira only)
	Related     []relatedDoc
	Actions     []docAction
	CanEdit     bool // the form: the right to edit and a status that allows it
	CanDelete   bool
	Payments    []paymentRow
	Pay         *payForm // nil when the invoice takes no payment
	Open        string   // an invoice's amount still to pay
	History     []historyRow
}

type docLineRow struct {
	No                                                     int
	Description, Quantity, Unit, UnitPrice, Discount, Rate string
	Net                                                    string
}

type totalRow struct {
	Label, Amount string
	Grand         bool
}

type relatedDoc struct {
	Label, Number, URL string
	Forward            bool // made from this document (its order, its invoice, its reissue)
}

// docAction is a button of the document's flow, a POST form.
type docAction struct {
	URL, ID, Label string
	Status         string // the status to move to, for /status
	Confirm        string // asked before posting; "" for none
	Reason         bool   // a cancellation reason goes with it
	Danger         bool
}

func docURL(m *store.Module, id int64) string { return "/" + m.Key + "/" + strconv.FormatInt(id, 10) }

// statusLabel is a document status's label.
func statusLabel(l *i18n.Locale, m *store.Module, status string) string {
	return l.T("choice." + m.Key + ".status." + status)
}

// docLineRows formats a document's lines.
func docLineRows(l *i18n.Locale, d *store.Document) []docLineRow {
	cur := d.Values.Str("currency")
	rows := make([]docLineRow, len(d.Lines))
	for i, ln := range d.Lines {
		rows[i] = docLineRow{No: i + 1, Description: ln.Description, Quantity: ln.Quantity.String(),
			Unit: l.T("choice.products.unit." + ln.Unit), UnitPrice: moneyIn(l, ln.UnitPrice, cur),
			Rate: percentText(ln.KDVRateBP)}
		if ln.DiscountBP != 0 {
			rows[i].Discount = percentText(ln.DiscountBP)
		}
		if i < len(d.Totals.Lines) {
			rows[i].Net = moneyIn(l, d.Totals.Lines[i].Net, cur)
		}
	}
	return rows
}

// totalRows are the foot of a document: subtotal, discount, KDV per
// rate (with its base), KDV total and grand total.
func totalRows(l *i18n.Locale, t money.Totals, cur string) []totalRow {
	rows := []totalRow{{Label: l.T("doc.subtotal"), Amount: moneyIn(l, t.Subtotal, cur)}}
	if t.DiscountTotal != 0 {
		rows = append(rows, totalRow{Label: l.T("doc.discount"), Amount: "−" + moneyIn(l, t.DiscountTotal, cur)})
	}
	for _, b := range t.Breakdown {
		rows = append(rows, totalRow{Label: l.T("doc.kdv_rate_line", percentText(b.RateBP), moneyIn(l, b.Base, cur)), Amount: moneyIn(l, b.KDV, cur)})
	}
	rows = append(rows, totalRow{Label: l.T("doc.kdv_total"), Amount: moneyIn(l, t.KDVTotal, cur)},
		totalRow{Label: l.T("doc.grand_total"), Amount: moneyIn(l, t.GrandTotal, cur), Grand: true})
	return rows
}

// amountWords is the grand total in Turkish words, as Turkish documents
// print it ("Yalnız …"); only for lira.
func amountWords(t money.Totals, cur string) string {
	if cur != "" && cur != "TRY" {
		return ""
	}
	return money.Words(t.GrandTotal)
}

func (s *Server) docShow(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		st := state(r)
		l := st.locale
		doc, err := s.store.LoadDocument(r.Context(), st.actor, m, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		rights, err := s.recordRights(r, m, id)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		status := doc.Values.Str("status")
		cur := doc.Values.Str("currency")
		d := &docPage{Module: m, Record: doc.Record, URL: docURL(m, id), Status: status, StatusLabel: statusLabel(l, m, status),
			Customer: doc.Refs["customer_id"], Lines: docLineRows(l, doc), Totals: totalRows(l, doc.Totals, cur),
			Words: amountWords(doc.Totals, cur),
			// An issued invoice is only ever cancelled (the store refuses its deletion).
			CanDelete: rights.Delete && (m.Key != store.Invoices.Key || status == store.InvoiceDraft),
			CanEdit:   rights.Edit && store.DocumentEditable(m, status)}
		if c, ok := doc.Values.Int("customer_id"); ok {
			d.CustomerURL = recordURL(store.Customers, c)
		}
		d.Details = details(l, m, doc.Record, "number", "subject", "customer_id", "currency")
		if d.Related, err = s.relatedDocs(r, m, doc.Record); err != nil {
			s.serverError(w, r, err)
			return
		}
		if rights.Edit {
			d.Actions = docActions(l, m, doc.Record, d.Related)
		}
		if m.Key == store.Invoices.Key {
			if err := s.invoicePayments(r, doc, d); err != nil {
				s.storeError(w, r, err)
				return
			}
		}
		if d.History, err = s.history(r, m, id); err != nil {
			s.serverError(w, r, err)
			return
		}
		p := s.newPage(r, m.Label, d)
		p.Title = l.T("doc.title_"+m.Key, doc.Values.Str("number"))
		s.render(w, r, http.StatusOK, "sales_document", p)
	}
}

// relatedDocs are the documents this one came from (its quote, its
// order, the invoice it replaces) and went to (the order made of a
// quote, the invoice of an order, the invoice reissued for a cancelled
// one), those the user may see.
func (s *Server) relatedDocs(r *http.Request, m *store.Module, rec *store.Record) ([]relatedDoc, error) {
	st := state(r)
	l := st.locale
	var out []relatedDoc
	back := map[string][2]string{"quote_id": {"quotes", "doc.from_quote"}, "order_id": {"orders", "doc.from_order"},
		"reissued_from": {"invoices", "doc.reissued_from"}}
	for _, f := range []string{"quote_id", "order_id", "reissued_from"} {
		if _, ok := m.Field(f); !ok {
			continue
		}
		if id, ok := rec.Values.Int(f); ok {
			target, _ := store.ModuleByKey(back[f][0])
			out = append(out, relatedDoc{Label: l.T(back[f][1]), Number: rec.Refs[f], URL: docURL(target, id)})
		}
	}
	forward := map[string]struct {
		m     *store.Module
		field string
		label string
	}{
		"quotes":   {store.Orders, "quote_id", "doc.to_order"},
		"orders":   {store.Invoices, "order_id", "doc.to_invoice"},
		"invoices": {store.Invoices, "reissued_from", "doc.reissued_as"},
	}
	fw := forward[m.Key]
	recs, err := s.store.DerivedDocuments(r.Context(), st.actor, fw.m, fw.field, rec.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range recs {
		out = append(out, relatedDoc{Label: l.T(fw.label), Number: x.Values.Str("number"), URL: docURL(fw.m, x.ID), Forward: true})
	}
	return out, nil
}

// docActions are the flow's buttons for a document in its status, for a
// user who may edit it; the store checks every move again.
func docActions(l *i18n.Locale, m *store.Module, rec *store.Record, related []relatedDoc) []docAction {
	id := rec.ID
	url := docURL(m, id)
	status := rec.Values.Str("status")
	converted := false
	for _, rd := range related {
		converted = converted || rd.Forward
	}
	var out []docAction
	for _, next := range store.NextStatuses(m, status) {
		a := docAction{URL: url + "/status", ID: "status-" + next, Status: next, Label: l.T("doc.move." + m.Key + "." + next)}
		if next == store.QuoteRejected || next == store.QuoteExpired || next == store.OrderCancelled {
			a.Confirm = l.T("doc.move_confirm", statusLabel(l, m, next))
			a.Danger = true
		}
		out = append(out, a)
	}
	switch m.Key {
	case "quotes":
		if status == store.QuoteAccepted && !converted {
			out = append(out, docAction{URL: url + "/convert", ID: "convert", Label: l.T("doc.convert_order")})
		}
	case "orders":
		if status != store.OrderCancelled && !converted {
			out = append(out, docAction{URL: url + "/convert", ID: "convert", Label: l.T("doc.convert_invoice")})
		}
	case "invoices":
		paid, _ := rec.Values.Int("paid_total")
		switch {
		case status == store.InvoiceDraft:
			out = append(out, docAction{URL: url + "/issue", ID: "issue", Label: l.T("doc.issue"), Confirm: l.T("doc.issue_confirm")})
		case status == store.InvoiceIssued && paid == 0:
			out = append(out, docAction{URL: url + "/cancel", ID: "cancel", Label: l.T("doc.cancel"), Confirm: l.T("doc.cancel_confirm"), Reason: true, Danger: true})
		case status == store.InvoiceCancelled && !converted:
			out = append(out, docAction{URL: url + "/reissue", ID: "reissue", Label: l.T("doc.reissue")})
		}
	}
	return out
}

// flowResult answers a flow action: on success a message and the page
// to go to; a refused move (a *ValidationError) as a message back on
// the document's page.
func (s *Server) flowResult(w http.ResponseWriter, r *http.Request, back string, err error, okKey, to string) {
	if v, ok := store.AsValidation(err); ok {
		st := state(r)
		for _, name := range sortedFieldNames(v) {
			msg := v.Fields[name]
			s.addFlash(r, "error", "doc.refused", st.locale.T(msg.Key, msg.Args...))
			break
		}
		s.redirect(w, r, back)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", okKey)
	s.redirect(w, r, to)
}

// sortedFieldNames are a validation error's field names in order, so
// that the message shown is always the same one.
func sortedFieldNames(v *store.ValidationError) []string {
	return slices.Sorted(maps.Keys(v.Fields))
}

// docStatus moves a quote or an order to the posted status.
func (s *Server) docStatus(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		l := state(r).locale
		next := r.PostFormValue("status")
		if next == store.QuoteRejected || next == store.QuoteExpired || next == store.OrderCancelled {
			if !s.confirmed(w, r, l.T("doc.move_confirm", statusLabel(l, m, next)), "", docURL(m, id)) {
				return
			}
		}
		_, err := s.store.SetStatus(r.Context(), state(r).actor, m, id, next)
		s.flowResult(w, r, docURL(m, id), err, "doc.status_moved", docURL(m, id))
	}
}

// docConvert makes the next document of the flow and lands on it.
func (s *Server) docConvert(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		doc, err := s.store.Convert(r.Context(), state(r).actor, m, id)
		to := ""
		if err == nil {
			to = docURL(doc.Module, doc.ID)
		}
		s.flowResult(w, r, docURL(m, id), err, "doc.converted", to)
	}
}

func (s *Server) invoiceIssue(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	l := state(r).locale
	back := docURL(store.Invoices, id)
	if !s.confirmed(w, r, l.T("doc.issue_confirm"), "", back) {
		return
	}
	_, err := s.store.IssueInvoice(r.Context(), state(r).actor, id)
	s.flowResult(w, r, back, err, "doc.issued", back)
}

func (s *Server) invoiceCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	l := state(r).locale
	back := docURL(store.Invoices, id)
	if !s.confirmed(w, r, l.T("doc.cancel_confirm"), "", back) {
		return
	}
	_, err := s.store.CancelInvoice(r.Context(), state(r).actor, id, r.PostFormValue("reason"))
	s.flowResult(w, r, back, err, "doc.cancelled", back)
}

func (s *Server) invoiceReissue(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	doc, err := s.store.ReissueInvoice(r.Context(), state(r).actor, id)
	to := ""
	if err == nil {
		to = docURL(store.Invoices, doc.ID)
	}
	s.flowResult(w, r, docURL(store.Invoices, id), err, "doc.reissued", to)
}

// dayOf reads a YYYY-MM-DD value as a day in Istanbul, zero when empty.
func dayOf(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, tr.Istanbul)
	if err != nil {
		return time.Time{}
	}
	return t
}

// docLink is the URL of the document a summary row names.
func docLink(module string, id int64) string {
	return "/" + module + "/" + strconv.FormatInt(id, 10)
}

// next query helper for the new-document form opened from elsewhere.
func newDocURL(m *store.Module, customer int64, next string) string {
	q := url.Values{"customer_id": {strconv.FormatInt(customer, 10)}}
	if next != "" {
		q.Set("next", next)
	}
	return "/" + m.Key + "/new?" + q.Encode()
}

// docDelete moves a document to the recycle bin, once confirmed; one
// the store keeps (an issued invoice) stays, with the reason shown.
func (s *Server) docDelete(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		rec, ok := s.loadRecord(w, r, m)
		if !ok {
			return
		}
		l := state(r).locale
		if !s.confirmed(w, r, l.T("delete.heading", rec.Title()), l.T("delete.body"), docURL(m, rec.ID)) {
			return
		}
		s.flowResult(w, r, docURL(m, rec.ID), s.store.Delete(r.Context(), state(r).actor, m, rec.ID), "record.deleted", "/"+m.Key)
	}
}
