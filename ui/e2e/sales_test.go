package e2e

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A sale in the real binary, from the customer's page to the money: a
// quote of three lines at 20 %, 10 % and 1 % KDV typed in the line
// editor (a row added by its button, the preview following the typing)
// → sent → accepted → converted to an order → to an invoice → issued
// (confirmed in a dialog) → its PDF downloads and reads back → a payment
// of the grand total makes it paid and the customer's balance zero.

func TestSalesInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	cust := seedCustomer(t, w, "person", person("Şükrü", "Çağlar", "İstanbul", "district", "Kadıköy", "address", "Moda Cad. 12"))
	page := fmt.Sprintf("/customers/%d", cust)
	dialogs := b.answerDialogs()

	b.open(page, 200)
	b.waitVisible("#sales")
	if got := b.text("#customer-balance"); got != "0,00 ₺" {
		t.Errorf("a new customer's balance: %q", got)
	}
	b.submit("#quote-new", 200)
	if !strings.HasPrefix(b.path(), "/quotes/new?") {
		t.Fatalf("the new quote form is at %s", b.path())
	}
	if got := b.text("#f-customer_id"); got != "Şükrü Çağlar" {
		t.Errorf("the form's customer: %q", got)
	}
	b.setValue("#f-subject", "Kış bakımı")
	row := func(n int, cls string) string {
		return fmt.Sprintf("#line-editor tbody tr.lineedit:nth-of-type(%d) .%s", n, cls)
	}
	fill := func(n int, desc, qty, price, discount, rate string) {
		b.setValue(row(n, "line-desc"), desc)
		b.setValue(row(n, "line-qty"), qty)
		b.setValue(row(n, "line-price"), price)
		if discount != "" {
			b.setValue(row(n, "line-discount"), discount)
		}
		b.setValue(row(n, "line-rate"), rate)
	}
	fill(1, "Danışmanlık", "3", "333,33", "", "2000")
	fill(2, "Kitap", "1,5", "19.99", "10", "1000")
	// The form offers two rows; the button adds a third in place.
	b.click("#add-line")
	b.waitFor(`document.querySelectorAll("#line-editor tr.lineedit").length === 3`)
	if !strings.HasPrefix(b.path(), "/quotes/new") {
		t.Fatalf("adding a line left the page: %s", b.path())
	}
	fill(3, "Ekmek", "2", "123,45", "", "100")
	eval[bool](b, `document.getElementById("line-editor").dispatchEvent(new Event("input", {bubbles: true}))`)
	b.waitFor(`document.querySelector("#doc-preview tr.grand").textContent.includes("1.479,05 ₺")`)
	b.submit("#record-save", 200)
	b.wantPath("/quotes/1")
	if got := b.text("#doc-grand-total"); !strings.Contains(got, "1.479,05 ₺") {
		t.Errorf("the quote's grand total: %q", got)
	}
	totals := b.text("#doc-totals")
	for _, want := range []string{"999,99 ₺", "200,00 ₺", "2,70 ₺", "2,47 ₺", "1.273,88 ₺", "205,17 ₺"} {
		expect(t, strings.Contains(totals, want), "the quote's totals lack %s: %q", want, totals)
	}

	b.submit("#status-sent", 200)
	b.wantFlash("Belgenin durumu değişti.")
	b.submit("#status-accepted", 200)
	if got := b.text("#doc-status"); got != "Kabul edildi" {
		t.Errorf("the quote's status: %q", got)
	}
	b.submit("#convert", 200)
	b.wantPath("/orders/1")
	b.submit("#convert", 200)
	b.wantPath("/invoices/1")
	if !b.exists("#edit-record") {
		t.Error("a draft invoice shows no edit button")
	}
	b.submit("#issue", 200)
	if !strings.Contains(dialogs.last(), "kesinleşsin mi") {
		t.Errorf("issuing asked %q", dialogs.last())
	}
	if got := b.text("#doc-status"); got != "Düzenlendi" {
		t.Errorf("the issued invoice's status: %q", got)
	}
	if b.exists("#edit-record") {
		t.Error("an issued invoice shows an edit button")
	}
	number := b.text("#record-title")

	// The PDF, fetched as the download link would, in the browser's session.
	href, _ := b.attr("#doc-pdf", "href")
	enc := runValue(b, "fetch the PDF", chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.arrayBuffer()).then(buf => {
		let s = ""; new Uint8Array(buf).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, chromedp.EvalAwaitPromise))
	pdf, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the download is not a PDF (%v): %q", err, string(pdf[:min(20, len(pdf))]))
	}
	text := pdfToText(t, pdf)
	for _, want := range []string{"Şükrü Çağlar", "İstanbul", "1.479,05", strings.TrimPrefix(number, "Fatura ")} {
		expect(t, strings.Contains(text, want), "the PDF lacks %q: %s", want, text)
	}

	// A payment of the grand total: the form starts with the open amount.
	if got := b.value("#pay-amount"); got != "1.479,05" {
		t.Errorf("the payment form's amount: %q", got)
	}
	b.setValue("#pay-method", "kredi_karti")
	b.submit("#payment-save", 200)
	b.wantFlash("Tahsilat kaydedildi.")
	if got := b.text("#doc-status"); got != "Ödendi" {
		t.Errorf("the paid invoice's status: %q", got)
	}
	if got := b.text("#payment-list"); !strings.Contains(got, "1.479,05 ₺") || !strings.Contains(got, "Kredi kartı") {
		t.Errorf("the payments: %q", got)
	}
	b.open(page, 200)
	if got := b.text("#customer-balance"); got != "0,00 ₺" {
		t.Errorf("the customer's balance after paying: %q", got)
	}
	if got := b.text("#customer-invoices"); !strings.Contains(got, "Ödendi") {
		t.Errorf("the customer's invoices: %q", got)
	}
	b.open("/receivables", 200)
	b.waitVisible("#receivables-empty")
	b.wantNoConsoleErrors()
}

// pdfToText extracts a PDF's text with poppler's pdftotext, its spaces
// squashed; without the tool the test is skipped, except under CI=true.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext not installed (poppler-utils): %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
