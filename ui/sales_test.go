package ui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
)

// domainForm is DOMAIN.md's worked example typed into the line editor:
// 3 × 333,33 at 20 %; 1,5 × 19,99 less 10 % at 10 %; 2 × 123,45 at 1 %
// (the prices typed both the Turkish and the plain way), and an empty
// row, which is skipped.
func domainForm(customer int64) url.Values {
	return url.Values{
		"customer_id": {strconv.FormatInt(customer, 10)}, "issue_date": {"2026-03-02"}, "currency": {"TRY"},
		"subject":    {"Kış kampanyası"},
		lineProduct:  {"", "", "", ""},
		lineDesc:     {"Danışmanlık", "Kitap", "", "Ekmek"},
		lineQty:      {"3", "1,5", "", "2"},
		lineUnit:     {"saat", "adet", "adet", "adet"},
		linePrice:    {"333,33", "19.99", "", "123,45"},
		lineDiscount: {"", "10", "", ""},
		lineRate:     {"2000", "1000", "2000", "100"},
	}
}

var docLocation = regexp.MustCompile(`^/(quotes|orders|invoices)/([0-9]+)$`)

// created reads the new document's id from a redirect to its page.
func created(t *testing.T, r *resp, module string) string {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	m := docLocation.FindStringSubmatch(r.location())
	if m == nil || m[1] != module {
		t.Fatalf("redirected to %q, want a %s page", r.location(), module)
	}
	return m[2]
}

func TestSalesQuoteFormWithoutJavaScript(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	cid := strconv.FormatInt(p.customer, 10)

	person, err := p.e.st.CreateContactPerson(context.Background(), p.adminActor, p.customer,
		store.Values{"kind": "person", "first_name": "Ömer", "last_name": "Işık"}, "authorized")
	if err != nil {
		t.Fatal(err)
	}
	// Without a customer the form first asks whose quote it is.
	pick := c.get("/quotes/new")
	wantStatus(t, pick, http.StatusOK)
	wantBody(t, pick, p.e.tr("quotes.new"))
	newURL := "/quotes/new?customer_id=" + cid
	form := c.get(newURL)
	wantStatus(t, form, http.StatusOK)
	wantBody(t, form, "Çağlar Tekstil A.Ş.", `name="line_description"`, `<option value="2000" selected>Genel oran %20</option>`, `id="add-line"`,
		`<option value="`+strconv.FormatInt(person.ID, 10)+`">Ömer Işık</option>`)

	// "Add line" returns the form with everything typed and one more row.
	vals := domainForm(p.customer)
	vals.Set("op", "add_line")
	r := c.submit(newURL, "/quotes", vals)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `value="Danışmanlık"`, `value="1,5"`, `value="19.99"`, `value="Kış kampanyası"`, "1.479,05 ₺")
	if n := strings.Count(r.Body, `name="line_description"`); n != 3+blankLines+1 {
		t.Errorf("%d line rows after adding one to three, want %d", n, 3+blankLines+1)
	}

	// A bad quantity and price: the form comes back filled, the line named.
	bad := domainForm(p.customer)
	bad[lineQty] = []string{"3", "bir buçuk", "", "2"}
	bad[linePrice] = []string{"333,33", "19.99", "", "12x"}
	r = c.submit(newURL, "/quotes", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `value="bir buçuk"`, `value="12x"`, `value="Danışmanlık"`, p.e.tr("error.line_quantity", 2), p.e.tr("error.line_price", 3))
	if p.e.count(t, "SELECT count(*) FROM quotes") != 0 {
		t.Fatal("a quote was saved from a bad form")
	}
	// An unknown KDV rate is the store's to refuse, named by its line.
	bad = domainForm(p.customer)
	bad[lineRate] = []string{"2000", "1800", "2000", "100"}
	r = c.submit(newURL, "/quotes", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, p.e.tr("error.line_kdv_unknown", 2), `value="Kitap"`)

	r = c.submit(newURL, "/quotes", domainForm(p.customer))
	id := created(t, r, "quotes")
	page := c.get("/quotes/" + id)
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "TKL-2026-0001", "Danışmanlık", "Kitap", "Ekmek", "1,5", "%10", "999,99 ₺", "26,99 ₺", "246,90 ₺",
		p.e.tr("doc.kdv_rate_line", "%20", "999,99 ₺"), "200,00 ₺", "2,70 ₺", "2,47 ₺", "1.273,88 ₺", "205,17 ₺", "1.479,05 ₺",
		"Bin dört yüz yetmiş dokuz Türk lirası beş kuruş", `id="edit-record"`, `id="status-sent"`)

	// Editing keeps the lines; clearing a row removes it.
	edit := c.get("/quotes/" + id + "/edit")
	wantStatus(t, edit, http.StatusOK)
	wantBody(t, edit, `value="Ekmek"`, `value="333,33"`, `value="1,5"`)
	ed := domainForm(p.customer)
	ed[lineDesc][3], ed[lineQty][3], ed[linePrice][3] = "", "", ""
	ed.Set("updated_at", regexp.MustCompile(`name="updated_at" value="([^"]+)"`).FindStringSubmatch(edit.Body)[1])
	r = c.submit("/quotes/"+id+"/edit", "/quotes/"+id, ed)
	wantRedirect(t, r, "/quotes/"+id)
	lines := docSection(c.get("/quotes/"+id).Body, `id="doc-lines"`)
	if strings.Contains(lines, "Ekmek") || !strings.Contains(lines, "Kitap") || !strings.Contains(lines, "1.229,68 ₺") {
		t.Errorf("lines after removing the third:\n%s", lines)
	}
}

// section is the part of a page from marker to the end of its section.
func docSection(body, marker string) string {
	_, rest, _ := strings.Cut(body, marker)
	s, _, _ := strings.Cut(rest, "</section>")
	return s
}

// salesDoc creates a document through the store as the administrator.
func salesDoc(t *testing.T, p *pipeline, m *store.Module, customer int64, lines []store.DocLine, extra store.Values) int64 {
	t.Helper()
	v := store.Values{"customer_id": customer, "issue_date": "2026-03-02"}
	for k, x := range extra {
		v[k] = x
	}
	d, err := p.e.st.CreateDocument(context.Background(), p.adminActor, m, v, lines)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func threeRates() []store.DocLine {
	return []store.DocLine{
		{Description: "Danışmanlık", Quantity: 3000, Unit: "saat", UnitPrice: 33333, KDVRateBP: 2000},
		{Description: "Kitap", Quantity: 1500, Unit: "adet", UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Description: "Ekmek", Quantity: 2000, Unit: "adet", UnitPrice: 12345, KDVRateBP: 100},
	}
}

func TestSalesFlowPagesToPayment(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	qid := strconv.FormatInt(salesDoc(t, p, store.Quotes, p.customer, threeRates(), nil), 10)
	q := "/quotes/" + qid

	// A status move needs the CSRF token.
	wantStatus(t, c.post(q+"/status", url.Values{"status": {"sent"}}), http.StatusForbidden)
	r := c.submit(q, q+"/status", url.Values{"status": {"sent"}})
	wantRedirect(t, r, q)
	// Rejecting is asked first without JavaScript; the page carries it on.
	r = c.submit(q, q+"/status", url.Values{"status": {"rejected"}})
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `name="confirmed"`, `value="rejected"`)
	r = c.submit(q, q+"/status", url.Values{"status": {"accepted"}})
	wantRedirect(t, r, q)
	page := c.get(q)
	wantBody(t, page, p.e.tr("choice.quotes.status.accepted"), `id="convert"`)
	wantNoBody(t, page, `id="status-sent"`)
	// A move the flow does not allow is refused with the store's reason.
	r = c.submit(q, q+"/status", url.Values{"status": {"sent"}})
	wantRedirect(t, r, q)
	wantBody(t, c.get(q), p.e.tr("error.status_move", p.e.tr("choice.quotes.status.accepted"), p.e.tr("choice.quotes.status.sent")))

	r = c.submit(q, q+"/convert", nil)
	oid := created(t, r, "orders")
	o := "/orders/" + oid
	page = c.get(o)
	wantBody(t, page, "SIP-2026-0001", p.e.tr("doc.from_quote"), "TKL-2026-0001", "1.479,05 ₺", `id="convert"`)
	page = c.get(q)
	wantBody(t, page, p.e.tr("doc.to_order"), "SIP-2026-0001")
	wantNoBody(t, page, `id="convert"`)
	// Converting twice is refused.
	r = c.submit(o, q+"/convert", nil)
	wantRedirect(t, r, q)

	r = c.submit(o, o+"/convert", nil)
	iid := created(t, r, "invoices")
	inv := "/invoices/" + iid
	page = c.get(inv)
	wantBody(t, page, "FTR2026000000001", p.e.tr("choice.invoices.status.draft"), `id="edit-record"`, `id="issue"`, p.e.tr("doc.from_order"))
	wantNoBody(t, page, `id="payment-form"`)

	r = c.submit(inv, inv+"/issue", url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, inv)
	page = c.get(inv)
	wantBody(t, page, p.e.tr("choice.invoices.status.issued"), `id="payment-form"`, `value="1.479,05"`)
	wantNoBody(t, page, `id="edit-record"`, `id="issue"`, `id="delete-record"`)
	// Deleting it anyway is refused with the store's reason.
	r = c.submit(inv, inv+"/delete", url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, inv)
	wantBody(t, c.get(inv), p.e.tr("error.invoice_not_deletable"))
	if r := c.get(inv + "/edit"); r.Status != http.StatusSeeOther {
		t.Errorf("edit form of an issued invoice: %d", r.Status)
	}

	// Too much, and a bad amount: the form comes back filled in.
	r = c.submit(inv, inv+"/payments", url.Values{"date": {"2026-03-10"}, "amount": {"2.000,00"}, "method": {"nakit"}, "note": {"kasa"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `value="2.000,00"`, `value="kasa"`, p.e.tr("error.overpayment", "1.479,05 ₺"))
	r = c.submit(inv, inv+"/payments", url.Values{"date": {"2026-03-10"}, "amount": {"on bin"}, "method": {"nakit"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, p.e.tr("doc.pay_amount_invalid"))
	r = c.submit(inv, inv+"/payments", url.Values{"date": {"10.03.2026"}, "amount": {"479,05"}, "method": {"havale_eft"}})
	wantRedirect(t, r, inv+"#payments")
	page = c.get(inv)
	wantBody(t, page, p.e.tr("choice.invoices.status.partly_paid"), "479,05 ₺", "10.03.2026", "Havale/EFT")
	wantNoBody(t, page, `id="cancel"`) // an invoice with payments is not cancelled
	cust := c.get("/customers/" + strconv.FormatInt(p.customer, 10))
	wantBody(t, cust, `id="sales"`, "TKL-2026-0001", "SIP-2026-0001", "FTR2026000000001", `<strong id="customer-balance">1.000,00 ₺</strong>`)
	r = c.submit(inv, inv+"/payments", url.Values{"date": {"2026-03-11"}, "amount": {"1000"}, "method": {"kredi_karti"}})
	wantRedirect(t, r, inv+"#payments")
	wantBody(t, c.get(inv), p.e.tr("choice.invoices.status.paid"))
	cust = c.get("/customers/" + strconv.FormatInt(p.customer, 10))
	wantBody(t, cust, `<strong id="customer-balance">0,00 ₺</strong>`)
	wantBody(t, c.get("/payments"), "FTR2026000000001", "1.000,00 ₺", "Kredi kartı")

	// The print page and the PDF.
	pr := c.get(inv + "/print")
	wantStatus(t, pr, http.StatusOK)
	wantBody(t, pr, "FATURA", "FTR2026000000001", "Çağlar Tekstil A.Ş.", "1.479,05 ₺", "Bin dört yüz yetmiş dokuz Türk lirası beş kuruş", "print.css")
	wantNoBody(t, pr, `id="nav"`)
	pdf := c.get(inv + "/pdf")
	wantStatus(t, pdf, http.StatusOK)
	if pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-") {
		t.Fatalf("PDF: %s, starts %q", pdf.Header.Get("Content-Type"), pdf.Body[:min(20, len(pdf.Body))])
	}
	if cd := pdf.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="FTR2026000000001.pdf"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
}

func TestSalesInvoiceCancelReissue(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	id := salesDoc(t, p, store.Invoices, p.customer, threeRates(), nil)
	if _, err := p.e.st.IssueInvoice(context.Background(), p.adminActor, id); err != nil {
		t.Fatal(err)
	}
	inv := "/invoices/" + strconv.FormatInt(id, 10)
	page := c.get(inv)
	wantBody(t, page, `id="cancel"`, `name="reason"`)
	r := c.submit(inv, inv+"/cancel", url.Values{"confirmed": {"1"}, "reason": {"Yanlış adres"}})
	wantRedirect(t, r, inv)
	page = c.get(inv)
	wantBody(t, page, p.e.tr("choice.invoices.status.cancelled"), "Yanlış adres", `id="reissue"`)
	r = c.submit(inv, inv+"/reissue", nil)
	nid := created(t, r, "invoices")
	wantBody(t, c.get("/invoices/"+nid), p.e.tr("doc.reissued_from"), "FTR2026000000001", p.e.tr("choice.invoices.status.draft"))
	page = c.get(inv)
	wantBody(t, page, p.e.tr("doc.reissued_as"), "FTR2026000000002")
	wantNoBody(t, page, `id="reissue"`)
	// Both stay in the list.
	wantBody(t, c.get("/invoices"), "FTR2026000000001", "FTR2026000000002")
}

func TestSalesPagesFollowTheCustomersScope(t *testing.T) {
	p := pipelineSetUp(t)
	mine := salesDoc(t, p, store.Quotes, p.customer, threeRates(), nil)
	hers := salesDoc(t, p, store.Quotes, p.hers, threeRates(), nil)
	elif := p.e.client()
	elif.login("elif@firma.com.tr", "Deniz-Kum-Fener-77")
	wantStatus(t, elif.get("/quotes/"+strconv.FormatInt(hers, 10)), http.StatusOK)
	for _, path := range []string{"", "/print", "/pdf", "/edit"} {
		wantStatus(t, elif.get("/quotes/"+strconv.FormatInt(mine, 10)+path), http.StatusNotFound)
	}
	list := elif.get("/quotes")
	wantStatus(t, list, http.StatusOK)
	wantBody(t, list, "Elif'in Müşterisi Ltd.")
	wantNoBody(t, list, "Çağlar Tekstil A.Ş.")
	r := elif.submit("/quotes/"+strconv.FormatInt(hers, 10), "/quotes/"+strconv.FormatInt(mine, 10)+"/status", url.Values{"status": {"sent"}})
	wantStatus(t, r, http.StatusNotFound)
}

func TestSalesReceivablesPage(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	ctx := context.Background()
	for _, due := range []string{"2020-01-01", "2099-01-01"} {
		id := salesDoc(t, p, store.Invoices, p.customer, threeRates(), store.Values{"issue_date": "2019-12-01", "due_date": due})
		if _, err := p.e.st.IssueInvoice(ctx, p.adminActor, id); err != nil {
			t.Fatal(err)
		}
	}
	r := c.get(receivablesPath)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "FTR2019000000001", "Çağlar Tekstil A.Ş.", `id="receivables-total">1.479,05 ₺<`, p.e.tr("receivables.bucket", "90+"))
	wantNoBody(t, r, "FTR2019000000002") // not yet due
	r = c.get(receivablesPath + "?bucket=0-30")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, p.e.tr("receivables.none"))
	wantBody(t, c.get(receivablesPath+"?bucket=90%2B"), "FTR2019000000001")
	wantStatus(t, c.get(receivablesPath+"?bucket=x"), http.StatusBadRequest)
}

// A quote made from an opportunity's page names it, and accepting the
// quote wins the opportunity.
func TestSalesQuoteFromAnOpportunity(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	opp := p.opp(t, "Filo lastikleri", p.customer, "Teklif", 1000000, thisMonth(20))
	oppURL := "/opportunities/" + strconv.FormatInt(opp, 10)
	newURL := "/quotes/new?" + url.Values{"customer_id": {strconv.FormatInt(p.customer, 10)}, "opportunity_id": {strconv.FormatInt(opp, 10)}}.Encode()
	wantBody(t, c.get(oppURL), `href="`+strings.ReplaceAll(newURL, "&", "&amp;")+`"`)
	form := c.get(newURL)
	wantBody(t, form, "Filo lastikleri", `name="opportunity_id" value="`+strconv.FormatInt(opp, 10)+`"`)
	vals := domainForm(p.customer)
	vals.Set("opportunity_id", strconv.FormatInt(opp, 10))
	q := "/quotes/" + created(t, c.submit(newURL, "/quotes", vals), "quotes")
	wantRedirect(t, c.submit(q, q+"/status", url.Values{"status": {"sent"}}), q)
	wantRedirect(t, c.submit(q, q+"/status", url.Values{"status": {"accepted"}}), q)
	if p.stageOf(t, opp) != p.stages["Kazanıldı"] {
		t.Error("accepting the quote did not win its opportunity")
	}
	wantBody(t, c.get(q), "Filo lastikleri")
}
