package ui

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
)

// pdfText extracts a PDF's text with poppler's pdftotext. Without the
// tool the test is skipped, except under CI=true, which installs it.
func pdfText(t *testing.T, pdf []byte) string {
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

// A person customer in İstanbul, the firm's letterhead with its logo, and
// DOMAIN.md's three lines: the PDF and the print page carry them all.
func TestSalesInvoicePDFText(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	ctx := context.Background()
	r := c.submit(firmPath, firmPath, url.Values{"legal_title": {"Örnek Ticaret A.Ş."}, "vkn": {"4540536920"},
		"tax_office": {"Kadıköy"}, "address": {"Moda Cad. 12, Kadıköy / İstanbul"}, "iban": {"TR33 0006 1005 1978 6457 8413 26"},
		"phone": {"0216 123 45 67"}, "payment_days": {"30"}})
	wantRedirect(t, r, firmPath)
	wantRedirect(t, c.uploadLogo(c.token(firmPath), "firma.png", testPNG(t)), firmPath+"#logo")
	cust, err := p.e.st.Create(ctx, p.adminActor, store.Customers, store.Values{"kind": "person", "first_name": "Şükrü",
		"last_name": "Çağlar", "province": "İstanbul", "district": "Üsküdar", "address": "Çiçek Sok. 3", "phone": "+905321234567"})
	if err != nil {
		t.Fatal(err)
	}
	id := salesDoc(t, p, store.Invoices, cust.ID, threeRates(), store.Values{"notes": "Teşekkür ederiz."})
	inv := "/invoices/" + strconv.FormatInt(id, 10)

	pdf := c.get(inv + "/pdf")
	wantStatus(t, pdf, http.StatusOK)
	if !strings.HasPrefix(pdf.Body, "%PDF-") {
		t.Fatalf("not a PDF: %q", pdf.Body[:min(20, len(pdf.Body))])
	}
	text := pdfText(t, []byte(pdf.Body))
	for _, want := range []string{"Şükrü Çağlar", "İstanbul", "Üsküdar", "Örnek Ticaret A.Ş.", "Kadıköy", "FATURA", "FTR2026000000001",
		"Danışmanlık", "1.479,05", "1.273,88", "200,00", "2,70", "2,47", "Bin dört yüz yetmiş dokuz Türk lirası beş kuruş", "Teşekkür ederiz."} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// The English interface labels the PDF in English.
	wantStatus(t, c.submit(inv, "/language", url.Values{"lang": {"en"}, "next": {inv}}), http.StatusSeeOther)
	en := pdfText(t, []byte(c.get(inv+"/pdf").Body))
	if !strings.Contains(en, "INVOICE") || !strings.Contains(en, "Grand total") || !strings.Contains(en, "Şükrü Çağlar") {
		t.Errorf("the English PDF:\n%s", en)
	}
	wantStatus(t, c.submit(inv, "/language", url.Values{"lang": {"tr"}, "next": {inv}}), http.StatusSeeOther)

	pr := c.get(inv + "/print")
	wantStatus(t, pr, http.StatusOK)
	wantBody(t, pr, "Şükrü Çağlar", "İstanbul", "Örnek Ticaret A.Ş.", "TR33 0006 1005 1978 6457 8413 26", `src="/firm/logo"`,
		"Kadıköy", "1.479,05 ₺", "%20", "Teşekkür ederiz.")
}
