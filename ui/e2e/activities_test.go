package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// Activities and ETK consent in the real binary: a commercial call to a
// person without consent is refused with the reason beside the purpose;
// recording the person's ONAY turns the badge green and the same call
// logs; another user opening a customer with no ETK decision sees the
// prompt to ask, and contacting them leaves that user a consent task.

func TestActivitiesAndConsentInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	sukru := seedCustomer(t, w, "person", person("Şükrü", "Çağlar", "İstanbul", "phone", sukruPhone, "email", "sukru@ornek.com.tr"))
	other := seedCustomer(t, w, "person", person("Oğuz", "Ünal", "Isparta", "phone", "0505 111 22 33"))
	page := fmt.Sprintf("/customers/%d", sukru)

	// No decision yet: the prompt, and amber badges beside the number.
	b.open(page, 200)
	b.waitVisible("#consent-prompt")
	if got := b.text("#consent-prompt"); !strings.Contains(got, "Arama, SMS, E-posta") {
		t.Errorf("the prompt reads %q", got)
	}
	if got := b.text(".keyfacts"); !strings.Contains(got, "Arama: ETK izni yok") {
		t.Errorf("the phone's badge: %q", got)
	}

	// Log a call: two clicks, the second refused for want of consent.
	b.submit(`.loglinks a[href*="type=call"]`, 200)
	b.wantPath("/activities/new")
	b.submit("#record-save", 422)
	if got := b.text("#e-purpose"); !strings.Contains(got, "ETK onayı") {
		t.Errorf("the warning beside the purpose reads %q", got)
	}
	if got := b.value("#f-subject"); got != "Telefon görüşmesi" {
		t.Errorf("the subject was not kept: %q", got)
	}

	// Record the ONAY for calls on the customer's page.
	b.open(page+"#consent", 200)
	b.setValue("#consent-channel", "ARAMA")
	b.setValue("#consent-status", "ONAY")
	b.setValue("#consent-evidence", "Telefonda sözlü onay verdi.")
	b.submit("#consent-save", 200)
	b.wantPath(page)
	if got := b.text(".keyfacts"); !strings.Contains(got, "Arama: ETK onaylı") || !strings.Contains(got, "SMS: ETK izni yok") {
		t.Errorf("after ONAY the badges read %q", got)
	}
	if !b.exists(".keyfacts .consent-granted") {
		t.Error("the call badge is not green after ONAY")
	}
	if got := b.text("#consent-prompt"); !strings.Contains(got, "SMS, E-posta") || strings.Contains(got, "Arama") {
		t.Errorf("the prompt after the call's ONAY reads %q", got)
	}

	// The customer list carries the same standing beside the number.
	b.open("/customers", 200)
	if got := b.rowCells("Şükrü Çağlar")["Telefon"]; got != sukruPhone+" Arama ✓ SMS ✗" {
		t.Errorf("the list's phone cell reads %q", got)
	}
	b.open(page, 200)

	// The same call logs now. It left the admin a task to collect the
	// rest, due now: the newest entry, the call right after it.
	b.submit(`.loglinks a[href*="type=call"]`, 200)
	b.setValue("#f-subject", "Kampanya araması")
	b.submit("#record-save", 200)
	b.wantPath(page)
	if got := b.text("#timeline .timeline li:nth-child(1)"); !strings.Contains(got, "ETK izni isteyin: SMS, E-posta") {
		t.Errorf("the timeline's first entry, the consent task: %q", got)
	}
	if got := b.text("#timeline .timeline li:nth-child(2)"); !strings.Contains(got, "Kampanya araması") {
		t.Errorf("the timeline's second entry, the call: %q", got)
	}
	// The call's own page offers it to a calendar and leads back.
	b.submit(`#timeline .timeline li:nth-child(2) a`, 200)
	if !b.exists(`a[href$="/ics"]`) || !b.exists(`a[href="`+page+`#timeline"]`) {
		t.Error("the activity page lacks its .ics link or the way back to the customer")
	}
	b.open(page, 200)
	// Filter the timeline by type.
	b.submit(`#timeline .tabs a[href*="tl=task"]`, 200)
	if got := b.text("#timeline"); strings.Contains(got, "Kampanya araması") || !strings.Contains(got, "ETK izni isteyin") {
		t.Errorf("the task filter shows %q", got)
	}

	// "Bugün": the consent task is today's work, Şükrü was viewed lately,
	// and one customer in two granted calls.
	b.open("/", 200)
	if got := b.text("#home-agenda"); !strings.Contains(got, "ETK izni isteyin: SMS, E-posta") {
		t.Errorf("today's work on the home page: %q", got)
	}
	if got := b.text("#home-viewed"); !strings.Contains(got, "Şükrü Çağlar") {
		t.Errorf("recently viewed: %q", got)
	}
	if got := b.text("#home-consent"); !strings.Contains(got, "Arama: yüzde 50 (1 müşteri)") || !strings.Contains(got, "SMS: yüzde 0") {
		t.Errorf("the consent share: %q", got)
	}

	// A colleague opening a customer with no decision sees the prompt.
	if _, errOut, code := srv.runCLI(t, userPassword+"\n", "user", "add", "-email", "mehmet@firma.com.tr", "-name", "Mehmet Öztürk", "-role", "Servis"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	b.logout()
	b.login("mehmet@firma.com.tr", userPassword)
	b.open(fmt.Sprintf("/customers/%d", other), 200)
	b.waitVisible("#consent-prompt")
	if got := b.text("#consent-prompt"); !strings.Contains(got, "Arama, SMS") {
		t.Errorf("the colleague's prompt reads %q", got)
	}
	// The refused save answered 422 with the form, as it should.
	b.wantNoConsoleErrors("422")
}
