package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"kobicrm/store"
)

func TestProductPagesAndTheirUseOnALine(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	form := c.get("/products/new")
	wantStatus(t, form, http.StatusOK)
	// The KDV rate is chosen from the rate table.
	wantBody(t, form, `name="kdv_rate_id"`, "Genel oran %20", "İndirimli oran %1", `name="unit_price"`)
	r := c.submit("/products/new", "/products", url.Values{"code": {"LST-01"}, "name": {"Kış lastiği 205/55 R16"}, "unit": {"adet"},
		"unit_price": {"2.500,00"}, "currency": {"TRY"}, "kdv_rate_id": {"1"}, "category": {"Lastik"}, "active": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	id := regexp.MustCompile(`^/products/([0-9]+)$`).FindStringSubmatch(r.location())
	if id == nil {
		t.Fatalf("created product at %q", r.location())
	}
	list := c.get("/products")
	wantStatus(t, list, http.StatusOK)
	wantBody(t, list, "Kış lastiği 205/55 R16", "2.500,00 ₺", "Genel oran %20", "LST-01")
	r = c.submit("/products/new", "/products", url.Values{"name": {"Bozuk"}, "unit": {"adet"}, "unit_price": {"on lira"}, "currency": {"TRY"}, "kdv_rate_id": {"1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `value="on lira"`, `value="Bozuk"`)

	// A line naming the product with its price left empty takes the
	// product's name, unit, price and rate.
	cid := strconv.FormatInt(p.customer, 10)
	newURL := "/quotes/new?customer_id=" + cid
	wantBody(t, c.get(newURL), `data-price="2.500,00"`, "LST-01 · Kış lastiği 205/55 R16")
	r = c.submit(newURL, "/quotes", url.Values{"customer_id": {cid}, "issue_date": {"2026-03-02"}, "currency": {"TRY"},
		lineProduct: {id[1]}, lineDesc: {""}, lineQty: {"4"}, lineUnit: {""}, linePrice: {""}, lineDiscount: {""}, lineRate: {""}})
	qid := created(t, r, "quotes")
	page := c.get("/quotes/" + qid)
	// 4 × 2.500,00 = 10.000,00 + 20 % = 12.000,00.
	wantBody(t, page, "Kış lastiği 205/55 R16", "10.000,00 ₺", "12.000,00 ₺")
}

func TestKDVRatesAndSeriesPages(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	r := c.get(kdvRatesPath)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Genel oran %20", "%10", "%1", "KDV Kanunu 11/1-a")
	// A 0 % rate needs its exemption reason.
	r = c.submit(kdvRatesPath, "/kdv_rates", url.Values{"name": {"Yeni istisna"}, "rate": {"0"}, "active": {"1"}, "next": {kdvRatesPath}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, p.e.tr("error.exemption_reason_required"), `value="Yeni istisna"`)
	r = c.submit(kdvRatesPath, "/kdv_rates", url.Values{"name": {"İndirimli oran %8"}, "rate": {"800"}, "active": {"1"}, "next": {kdvRatesPath}})
	wantRedirect(t, r, kdvRatesPath)
	wantBody(t, c.get(kdvRatesPath), "İndirimli oran %8", "%8")
	// The line editor offers the new rate.
	wantBody(t, c.get("/quotes/new?customer_id="+strconv.FormatInt(p.customer, 10)), `<option value="800">İndirimli oran %8</option>`)

	r = c.get(seriesPath)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "TKL", "FTR", "SIP", p.e.tr("number_series.example"))
	r = c.submit("/number_series/3/edit", "/number_series/3", url.Values{"prefix": {"AB"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, p.e.tr("error.invoice_prefix"), `value="AB"`)
	edit := c.get("/number_series/3/edit")
	seen := regexp.MustCompile(`name="updated_at" value="([^"]+)"`).FindStringSubmatch(edit.Body)[1]
	r = c.submit("/number_series/3/edit", "/number_series/3", url.Values{"prefix": {"abc"}, "updated_at": {seen}})
	wantRedirect(t, r, "/number_series/3")
	wantBody(t, c.get(seriesPath), "ABC")
	id := salesDoc(t, p, store.Invoices, p.customer, threeRates(), nil)
	wantBody(t, c.get("/invoices/"+strconv.FormatInt(id, 10)), "ABC2026000000001")

	// A salesperson sees neither page; the navigation offers them neither.
	elif := p.e.client()
	elif.login("elif@firma.com.tr", "Deniz-Kum-Fener-77")
	wantStatus(t, elif.get(kdvRatesPath), http.StatusNotFound)
	wantStatus(t, elif.get(seriesPath), http.StatusNotFound)
	home := elif.get("/")
	wantNoBody(t, home, `href="`+kdvRatesPath+`"`, `href="`+seriesPath+`"`)
	wantBody(t, home, `href="/quotes"`, `href="/invoices"`, `href="/receivables"`)
}
