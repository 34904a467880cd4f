package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"kobicrm/store/tr"
)

// Sales: products, the KDV rate table, numbering series, and the three
// sales documents (quotes → orders → invoices) with their lines, and
// payments against invoices. The documents are declared modules like any
// other; their lines, totals, numbers and status flows are the code in
// sales_*.go beside these declarations. A document is within a user's
// scope when its customer is (ScopeByParent), as opportunities are.

// Units a product or a document line is counted in; their labels are
// "choice.products.unit.<value>".
var Units = []string{"adet", "saat", "gun", "ay", "yil", "kg", "g", "ton", "m", "m2", "m3", "lt", "paket", "kutu", "takim", "hizmet"}

// KDVRates are the KDV rates in force, an administrator's list: rates
// change by decree, so they are data. rate is in basis points (2000 =
// 20 %); 0 % carries the exemption reason a document prints. A line
// keeps the rate it was written with.
var KDVRates = register(&Module{
	Key: "kdv_rates", Table: "kdv_rates", Label: "module.kdv_rates",
	TitleField: "name", DefaultSort: "name", AdminOnly: true, Lookup: true, NoDelete: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 60},
		{Name: "rate", Kind: Int, Required: true, List: true},
		{Name: "exemption_reason", Kind: Text, List: true, Max: 500},
		{Name: "active", Kind: Bool, Default: "true", List: true, Filter: true},
	},
	Prepare: prepareKDVRate,
})

// Products are the goods and services the firm sells: a line of a
// document may name one, and then starts with its name, unit, price and
// KDV rate.
var Products = register(&Module{
	Key: "products", Table: "products", Label: "module.products",
	SearchID: 6, TitleField: "name", DefaultSort: "name",
	Fields: []Field{
		{Name: "code", Kind: Text, Search: true, List: true, Sort: true, Max: 50},
		{Name: "name", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "description", Kind: LongText},
		{Name: "unit", Kind: Choice, Choices: Units, Default: "adet", Required: true, List: true, Filter: true},
		{Name: "unit_price", Kind: Money, Currency: "currency", List: true},
		{Name: "currency", Kind: Choice, Choices: Currencies, Default: "TRY", Required: true, Filter: true},
		{Name: "kdv_rate_id", Kind: Ref, Ref: "kdv_rates", Required: true, List: true, Filter: true},
		{Name: "category", Kind: Text, List: true, Sort: true, Max: 100},
		{Name: "active", Kind: Bool, Default: "true", List: true, Filter: true},
	},
	Prepare: prepareProduct,
	Verify:  verifyProduct,
})

// NumberSeries are the prefixes of the document numbers, one series per
// document type, edited by administrators: quotes and orders are
// numbered PREFIX-YEAR-0001, invoices in the e-Arşiv form of three
// letters or digits, the year and a nine-digit counter
// (ABC2026000000001). The counters are per prefix and year: a new
// prefix or a new year starts at 1, so no number is ever given twice.
var NumberSeries = register(&Module{
	Key: "number_series", Table: "number_series", Label: "module.number_series",
	TitleField: "prefix", AdminOnly: true, NoDelete: true,
	Fields: []Field{
		{Name: "doc_type", Kind: Choice, Choices: []string{"quotes", "orders", "invoices"}, Computed: true, List: true},
		{Name: "prefix", Kind: Text, Required: true, List: true, Max: 6},
	},
	Prepare: prepareSeries,
	Verify:  verifySeries,
})

// The statuses of the documents.
const (
	QuoteDraft    = "draft"
	QuoteSent     = "sent"
	QuoteAccepted = "accepted"
	QuoteRejected = "rejected"
	QuoteExpired  = "expired"

	OrderOpen      = "open"
	OrderDelivered = "delivered"
	OrderCompleted = "completed"
	OrderCancelled = "cancelled"

	InvoiceDraft      = "draft"
	InvoiceIssued     = "issued"
	InvoicePartlyPaid = "partly_paid"
	InvoicePaid       = "paid"
	InvoiceCancelled  = "cancelled"
)

// The statuses of each document type, in their flow's order.
var (
	QuoteStatuses   = []string{QuoteDraft, QuoteSent, QuoteAccepted, QuoteRejected, QuoteExpired}
	OrderStatuses   = []string{OrderOpen, OrderDelivered, OrderCompleted, OrderCancelled}
	InvoiceStatuses = []string{InvoiceDraft, InvoiceIssued, InvoicePartlyPaid, InvoicePaid, InvoiceCancelled}
)

// PaymentMethods are how a payment was made: cash, bank transfer (havale
// / EFT), credit card, cheque or promissory note.
var PaymentMethods = []string{"nakit", "havale_eft", "kredi_karti", "cek_senet"}

// docHeader are the fields every sales document has, around its own:
// extra comes after the dates (a quote's validity, an order's delivery
// date, an invoice's due date) and tail after the totals.
func docHeader(statuses []string, dates, links, tail []Field) []Field {
	fields := []Field{
		// The document's number from its series, given when it is
		// created, inside the same transaction.
		{Name: "number", Kind: Text, Computed: true, Search: true, List: true, Sort: true, Max: 40},
		// What the document is about, as the customer reads it.
		{Name: "subject", Kind: Text, Search: true, List: true, Max: 200},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		// The customer's contact person (yetkili), a person customer.
		{Name: "contact_id", Kind: Ref, Ref: "customers"},
	}
	fields = append(fields, links...)
	fields = append(fields,
		Field{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		Field{Name: "issue_date", Kind: Date, Required: true, List: true, Sort: true, Filter: true},
	)
	fields = append(fields, dates...)
	fields = append(fields,
		Field{Name: "payment_terms", Kind: Text, Max: 1000},
		Field{Name: "currency", Kind: Choice, Choices: Currencies, Default: "TRY", Required: true, Filter: true},
		Field{Name: "notes", Kind: LongText},
		// A discount on the whole document, in kuruş, spread over the
		// lines before KDV (money.Compute).
		Field{Name: "discount_amount", Kind: Money, Currency: "currency"},
		// Moved only by the flow's functions (SetStatus, Convert, Issue,
		// Cancel, payments), never by a form.
		Field{Name: "status", Kind: Choice, Choices: statuses, Default: statuses[0], Computed: true, List: true, Filter: true},
		// The totals, computed from the lines on every save.
		Field{Name: "subtotal", Kind: Money, Currency: "currency", Computed: true},
		Field{Name: "discount_total", Kind: Money, Currency: "currency", Computed: true},
		Field{Name: "kdv_total", Kind: Money, Currency: "currency", Computed: true},
		Field{Name: "grand_total", Kind: Money, Currency: "currency", Computed: true, List: true},
	)
	return append(fields, tail...)
}

// Quotes (teklif): draft → sent → accepted / rejected / expired. An
// accepted quote wins its opportunity and converts to an order.
var Quotes = register(&Module{
	Key: "quotes", Table: "quotes", Label: "module.quotes",
	SearchID: 7, TitleField: "number", ScopeByParent: true,
	Fields: docHeader(QuoteStatuses,
		[]Field{{Name: "valid_until", Kind: Date, List: true, Sort: true, Filter: true}},
		[]Field{{Name: "opportunity_id", Kind: Ref, Ref: "opportunities", Filter: true}},
		nil),
	Prepare:   prepareDoc,
	Verify:    verifyDoc("quotes"),
	AfterSave: afterSaveDoc("quotes"),
})

// Orders (sipariş): open → delivered → completed, or cancelled. quote_id
// is the quote it was converted from.
var Orders = register(&Module{
	Key: "orders", Table: "orders", Label: "module.orders",
	SearchID: 8, TitleField: "number", ScopeByParent: true,
	Fields: docHeader(OrderStatuses,
		[]Field{{Name: "delivery_date", Kind: Date, List: true, Sort: true, Filter: true}},
		[]Field{{Name: "quote_id", Kind: Ref, Ref: "quotes", Computed: true, Filter: true}},
		nil),
	Prepare:   prepareDoc,
	Verify:    verifyDoc("orders"),
	AfterSave: afterSaveDoc("orders"),
})

// Invoices (fatura): draft → issued → partly_paid / paid, or cancelled.
// An issued invoice is never edited nor deleted: it is cancelled, and
// Reissue makes a new draft naming it (reissued_from); both stay.
var Invoices = register(&Module{
	Key: "invoices", Table: "invoices", Label: "module.invoices",
	SearchID: 9, TitleField: "number", ScopeByParent: true,
	Fields: docHeader(InvoiceStatuses,
		[]Field{{Name: "due_date", Kind: Date, List: true, Sort: true, Filter: true}},
		[]Field{
			{Name: "order_id", Kind: Ref, Ref: "orders", Computed: true, Filter: true},
			{Name: "reissued_from", Kind: Ref, Ref: "invoices", Computed: true},
		},
		[]Field{
			// The sum of the invoice's live payments.
			{Name: "paid_total", Kind: Money, Currency: "currency", Computed: true, List: true},
			{Name: "issued_at", Kind: DateTime, Computed: true},
			{Name: "cancelled_at", Kind: DateTime, Computed: true},
			{Name: "cancel_reason", Kind: Text, Computed: true, Max: 500},
		}),
	Prepare:   prepareDoc,
	Verify:    verifyDoc("invoices"),
	AfterSave: afterSaveDoc("invoices"),
	Deletable: invoiceDeletable,
})

// Payments against an issued invoice. A payment moves its invoice to
// partly_paid or paid (and deleting it moves it back); no payment on a
// draft or cancelled invoice, and none over what is open. customer_id is
// the invoice's, kept beside it for the scope.
var Payments = register(&Module{
	Key: "payments", Table: "payments", Label: "module.payments",
	SearchID: 10, NoGlobalSearch: true, TitleField: "date", DefaultSort: "date",
	Fields: []Field{
		{Name: "invoice_id", Kind: Ref, Ref: "invoices", Required: true, List: true, Filter: true},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Computed: true, Parent: true, List: true, Filter: true},
		{Name: "date", Kind: Date, Required: true, List: true, Sort: true, Filter: true},
		{Name: "amount", Kind: Money, Required: true, List: true},
		{Name: "method", Kind: Choice, Choices: PaymentMethods, Default: "havale_eft", Required: true, List: true, Filter: true},
		{Name: "note", Kind: Text, Search: true, Max: 500},
	},
	Prepare:     preparePayment,
	Verify:      verifyPayment,
	AfterSave:   afterSavePayment,
	AfterDelete: afterDeletePayment,
})

func prepareKDVRate(v Values, errs *ValidationError) {
	if r, ok := v.Int("rate"); ok && (r < 0 || r > 10000) {
		errs.Add("rate", "error.kdv_rate_range")
	}
	if r, ok := v.Int("rate"); ok && r == 0 && strings.TrimSpace(v.Str("exemption_reason")) == "" {
		errs.Add("exemption_reason", "error.exemption_reason_required")
	}
}

func prepareProduct(v Values, errs *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
	if n, ok := v.Int("unit_price"); ok && n < 0 {
		errs.Add("unit_price", "error.amount_negative")
	}
}

// verifyProduct keeps a new or changed product's KDV rate an active
// one.
func verifyProduct(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	rate, _ := v.Int("kdv_rate_id")
	var active bool
	var before int64
	// (Codes are the firm's own labels; two products may share one.)
	if id != 0 {
		if err := q.QueryRowContext(ctx, "SELECT coalesce(kdv_rate_id, 0) FROM products WHERE id = ?", id).Scan(&before); err != nil {
			return fmt.Errorf("product %d: %w", id, err)
		}
	}
	if err := q.QueryRowContext(ctx, "SELECT active FROM kdv_rates WHERE id = ?", rate).Scan(&active); err != nil {
		return fmt.Errorf("product kdv rate: %w", err)
	}
	if !active && rate != before {
		errs.Add("kdv_rate_id", "error.kdv_rate_inactive")
	}
	return nil
}

var (
	invoicePrefix = regexp.MustCompile(`^[A-Z0-9]{3}$`)
	seriesPrefix  = regexp.MustCompile(`^[A-Z0-9]{1,6}$`)
	// InvoiceNumberPattern is the e-Arşiv / e-Fatura invoice number:
	// three letters or digits, the year, a nine-digit counter.
	InvoiceNumberPattern = regexp.MustCompile(`^[A-Z0-9]{3}20[0-9]{2}[0-9]{9}$`)
)

func prepareSeries(v Values, errs *ValidationError) {
	p := strings.ToUpper(strings.TrimSpace(v.Str("prefix")))
	v["prefix"] = p
	if p == "" {
		return
	}
	if v.Str("doc_type") == "invoices" {
		if !invoicePrefix.MatchString(p) {
			errs.Add("prefix", "error.invoice_prefix")
		}
	} else if !seriesPrefix.MatchString(p) {
		errs.Add("prefix", "error.series_prefix")
	}
}

// verifySeries keeps the three shipped series: one per document type,
// none added.
func verifySeries(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if id == 0 {
		errs.Add("doc_type", "error.series_fixed")
	}
	return nil
}
