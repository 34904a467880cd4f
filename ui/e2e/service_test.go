package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// After-sales service in the real binary: a complaint taken by phone
// from the customer's page, taken, resolved with a note and closed with a
// score, shown on the customer's page; the public form makes a lead and
// refuses a flood.
func TestServiceInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	cust := seedCustomer(t, w, "person", url.Values{"first_name": {"Şükrü"}, "last_name": {"Çağlar"}, "phone": {"0532 123 45 67"}})
	page := fmt.Sprintf("/customers/%d", cust)

	b.open(page, 200)
	b.waitVisible("#service")
	b.submit("#service-request-new", 200)
	b.wantPath("/service_requests/new")
	b.setValue("#f-subject", "Araç servisten geç teslim edildi")
	b.setValue("#f-type", "sikayet")
	b.setValue("#f-channel", "telefon")
	b.submit("#record-save", 200)
	b.wantPath(page)
	if got := b.text("#customer-service"); !strings.Contains(got, "Araç servisten geç teslim edildi") || !strings.Contains(got, "Şikayet") || !strings.Contains(got, "Yeni") {
		t.Fatalf("the customer's requests: %q", got)
	}
	b.submit("#customer-service a", 200)
	// The customer has no ETK decision: the request's page asks for one.
	b.waitVisible("#consent-prompt")
	b.submit("#service-take", 200)
	if got := b.text("#service-status"); got != "Atandı" {
		t.Errorf("after taking: %q", got)
	}
	b.setValue("#f-status", "resolved")
	b.setValue("#f-resolution", "Özür dilendi; bir sonraki bakım ücretsiz.")
	b.submit("#status-submit", 200)
	if got := b.text("#service-status"); got != "Çözüldü" {
		t.Errorf("after resolving: %q", got)
	}
	b.setValue("#f-status", "closed")
	b.setValue("#f-satisfaction", "4")
	b.submit("#status-submit", 200)
	if got := b.text("#service-status"); got != "Kapandı" {
		t.Errorf("after closing: %q", got)
	}
	b.screenshot("service-request-closed")
	b.open(page, 200)
	if got := b.text("#customer-service"); !strings.Contains(got, "Kapandı") {
		t.Errorf("the customer's page after closing: %q", got)
	}

	// A product (made through the API), an article about it chosen on the
	// article's form, and a request about the product that suggests it.
	token, errOut, code := srv.runCLI(t, "", "token", "create", "-email", adminEmail, "-name", "e2e")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	status, body := bearerCall(t, srv, strings.TrimSpace(token), http.MethodPost, "/products",
		map[string]any{"name": "Kombi bakımı", "unit": "hizmet", "unit_price": 150000, "kdv_rate_id": 1})
	if status != http.StatusCreated {
		t.Fatalf("POST /products: %d %s", status, body)
	}
	var product struct{ ID int64 }
	if err := json.Unmarshal(body, &product); err != nil {
		t.Fatal(err)
	}
	b.open("/kb_articles/new", 200)
	b.setValue("#f-title", "Kombi basıncı düşerse")
	b.setValue("#f-body", "Dolum musluğunu açın, basıncı 1,5 bara getirin.")
	b.click(fmt.Sprintf(`input[name="product_ids"][value="%d"]`, product.ID))
	b.submit("#record-save", 200)
	if got := b.text("main"); !strings.Contains(got, "Kombi bakımı") {
		t.Fatalf("the article's page does not show its product: %q", got)
	}
	b.open(fmt.Sprintf("/service_requests/new?customer_id=%d", cust), 200)
	b.setValue("#f-subject", "Kombi basınç kaybediyor")
	b.setValue("#f-product_id", fmt.Sprint(product.ID))
	b.submit("#record-save", 200)
	b.waitVisible("#kb-suggested")
	b.submit("#kb-suggested button", 200)
	if got := b.text("#articles"); !strings.Contains(got, "Kombi basıncı düşerse") || b.exists("#kb-suggested") {
		t.Errorf("after linking the suggested article: %q", got)
	}

	// The public form: off, then on; a lead is made; a flood is refused.
	anon := newWebClient(t, srv)
	if p, _ := anon.do("GET", "/service/request", nil); p.Status != http.StatusNotFound {
		t.Fatalf("the form while off: %d", p.Status)
	}
	w.submit("/settings/service", "/settings/service", url.Values{"public_form": {"on"}})
	b.open("/service/request", 200)
	b.setValue("#p-name", "Ayşe Yıldız")
	b.setValue("#p-email", "ayse.yildiz@ornek.com.tr")
	b.setValue("#p-message", "Kombim su akıtıyor.")
	b.submit("#public-submit", 200)
	b.waitVisible("#public-sent")
	if leads := w.get("/leads"); !strings.Contains(leads.Body, "Ayşe Yıldız") {
		t.Error("the public form made no lead")
	}
	refused := false
	for i := range 6 {
		p, err := anon.trySubmit("/service/request", "/service/request", url.Values{"name": {"Flood Deneme"},
			"email": {fmt.Sprintf("flood%d@ornek.com.tr", i)}, "message": {"Deneme"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Status == http.StatusTooManyRequests {
			refused = true
			break
		}
	}
	if !refused {
		t.Error("the public form took a flood")
	}
}
