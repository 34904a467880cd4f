package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestDuplicatesAndMerge: a customer entered a second time, typed another
// way, is caught by the form's warning and saved anyway; the second
// record gets a vehicle; the duplicates page, reached from the customer
// list, pairs the two; the merge page merges them with one value taken
// from the second record, and the survivor's page then shows the
// second's vehicle, the chosen e-mail and the merge in its history.
func TestDuplicatesAndMerge(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)

	b.open("/customers/new?kind=person", 200)
	b.setValue("#f-first_name", "Hatice")
	b.setValue("#f-last_name", "Aydın")
	b.setValue("#f-phone", "0532 765 43 21")
	b.setValue("#f-province", "Eskişehir")
	b.setValue("#f-email", "hatice@ornek.com.tr")
	b.submit("#record-save", 200)
	first := b.recordID("customers")

	// The same woman again, in capitals and with the number written
	// another way: warned, with a link to the first record, not saved.
	b.open("/customers/new?kind=person", 200)
	b.setValue("#f-first_name", "HATİCE")
	b.setValue("#f-last_name", "AYDIN")
	b.setValue("#f-phone", "+90 (532) 765-43-21")
	b.setValue("#f-province", "Eskişehir")
	b.setValue("#f-email", "h.aydin@ornek.com.tr")
	b.submit("#record-save", 200)
	b.wantPath("/customers")
	b.waitVisible("#duplicates")
	warning := b.text("#duplicates")
	for _, want := range []string{"Bu müşteri zaten kayıtlı olabilir", "Hatice Aydın", "aynı telefon, aynı ilde aynı ad"} {
		expect(t, strings.Contains(warning, want), "the warning reads %q, want %q in it", warning, want)
	}
	if href, _ := b.attr("#duplicates a.dup-link", "href"); href != fmt.Sprintf("/customers/%d", first) {
		t.Errorf("the warning links to %q, want the first record", href)
	}
	expect(t, b.value("#f-first_name") == "HATİCE", "the warned form holds %q, want what was typed", b.value("#f-first_name"))
	b.review("duplicate-warning")
	b.submit("#save-anyway", 200)
	second := b.recordID("customers")
	b.wantFlash("Kayıt eklendi.")

	b.open(fmt.Sprintf("/assets/new?customer_id=%d", second), 200)
	b.setValue("#f-name", "Renault Clio")
	b.setValue("#f-plate", "26 HA 2026")
	b.submit("#record-save", 200)

	// From the list to the pair, and from the pair to the merge page.
	b.open("/customers", 200)
	b.submit("#duplicates-link", 200)
	b.wantPath("/customers/duplicates")
	pair := b.text("tr.dup-pair")
	for _, want := range []string{"Hatice Aydın", "HATİCE AYDIN", "aynı telefon"} {
		expect(t, strings.Contains(pair, want), "the pair reads %q, want %q in it", pair, want)
	}
	b.review("duplicates-page")
	b.submit("tr.dup-pair a.merge-link", 200)
	b.wantPath("/customers/merge")
	expect(t, eval[bool](b, `document.querySelector("#survivor-a").checked`), "the older record is not the default survivor")
	expect(t, eval[bool](b, `document.querySelector("#take-email-a").checked`), "the survivor's e-mail is not the default")
	b.click("#take-email-b")
	b.review("merge-page")
	b.submit("#merge-submit", 422) // not yet confirmed
	if got := b.text("#form-error"); got != "Birleştirmek için onay kutusunu işaretleyin." {
		t.Errorf("#form-error reads %q", got)
	}
	expect(t, eval[bool](b, `document.querySelector("#take-email-b").checked`), "the choice was lost on the refused form")
	b.click("#merge-confirm")
	b.submit("#merge-submit", 200)
	b.wantPath(fmt.Sprintf("/customers/%d", first))
	b.wantFlash("Kayıtlar birleştirildi.")

	// The survivor has the other's vehicle, the chosen e-mail, and says
	// whom it merged.
	b.waitVisible("#assets")
	expect(t, strings.Contains(b.text("#assets"), "Renault Clio"), "the survivor's assets read %q", b.text("#assets"))
	expect(t, strings.Contains(b.text(".keyfacts"), "h.aydin@ornek.com.tr"), "the survivor's facts read %q", b.text(".keyfacts"))
	history := b.text("#history")
	for _, want := range []string{"birleştirdi", fmt.Sprintf("HATİCE AYDIN (#%d)", second), "Varlıklar: 1"} {
		expect(t, strings.Contains(history, want), "the history reads %q, want %q in it", history, want)
	}
	b.review("merged")

	b.open(fmt.Sprintf("/customers/%d", second), 404)
	b.open("/customers/duplicates", 200)
	b.waitVisible("#duplicates-none")
	b.wantNoConsoleErrors("status of 404", "status of 422")
}
