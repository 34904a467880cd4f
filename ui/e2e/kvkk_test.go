package e2e

import (
	"strconv"
	"strings"
	"testing"
)

// An administrator writes the privacy notice and the explicit-consent
// text, opens a person, records that the notice was given and that
// consent was given, sees both on the page, withdraws the consent after
// the confirmation, and sees the state change.
func TestKVKKInTheBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	dlg := b.answerDialogs()

	b.open("/", 200)
	if !b.exists(`nav a[href="/admin/kvkk"]`) {
		t.Fatal("the administration menu does not link the KVKK texts")
	}
	b.open("/admin/kvkk", 200)
	// An empty text is refused and named.
	b.submit("#save-notice", 422)
	if b.text("#e-body-notice") == "" || !strings.Contains(b.text("#form-error"), "Metin") {
		t.Errorf("the empty notice's error reads %q / %q", b.text("#e-body-notice"), b.text("#form-error"))
	}
	b.setValue("#f-body-notice", "# Aydınlatma metni\n\nKişisel verileriniz **satış ve servis** için işlenir.")
	b.submit("#save-notice", 200)
	b.wantFlash("Aydınlatma metni, sürüm 1 olarak kaydedildi.")
	if got := b.text("#preview-notice strong"); got != "satış ve servis" {
		t.Errorf("the notice's preview shows %q in bold", got)
	}
	b.setValue("#f-body-consent", "Verilerimin analiz ve profilleme için işlenmesine **açık rıza** veriyorum.")
	b.submit("#save-consent", 200)
	b.wantFlash("Açık rıza metni, sürüm 1 olarak kaydedildi.")
	if got := b.text("#kvkk-history"); !strings.Contains(got, "Açık rıza metni") || !strings.Contains(got, adminName) {
		t.Errorf("the version history reads %q", got)
	}
	b.review("kvkk-texts")

	b.open("/customers/new?kind=person", 200)
	b.setValue("#f-first_name", "Deniz")
	b.setValue("#f-last_name", "Öztürk")
	b.submit("#record-save", 200)
	expect(t, strings.Contains(b.text("#kvkk-consent"), "Alınmadı"), "a new person's consent reads %q", b.text("#kvkk-consent"))
	expect(t, !b.exists("#kvkk-withdraw"), "a person without consent can withdraw it")

	b.setValue("#kvkk-note", "ıslak imzalı form")
	b.submit("#kvkk-give-notice", 200)
	b.wantFlash("Aydınlatma metninin verildiği kaydedildi.")
	if got := b.text("#kvkk-notice"); !strings.Contains(got, "Sürüm 1") {
		t.Errorf("the latest notice reads %q", got)
	}
	b.submit("#kvkk-give-consent", 200)
	b.wantFlash("Açık rıza kaydedildi.")
	if got, _ := b.attr("#kvkk-consent", "data-state"); got != "consent_given" || !strings.Contains(b.text("#kvkk-consent"), "Verildi") {
		t.Errorf("after consent the state is %q: %q", got, b.text("#kvkk-consent"))
	}
	if got := b.text("#kvkk-history"); !strings.Contains(got, "Açık rıza alındı") || !strings.Contains(got, "ıslak imzalı form") {
		t.Errorf("the KVKK history reads %q", got)
	}
	b.review("kvkk-person")

	// The text version given opens as it was.
	person := "/customers/" + strconv.FormatInt(b.recordID("customers"), 10)
	b.submit("#kvkk-notice a", 200)
	if got := b.text("#kvkk-text-body strong"); got != "satış ve servis" {
		t.Errorf("the notice version page shows %q in bold", got)
	}
	b.open(person, 200)

	// Withdrawal asks first; "Cancel" keeps the consent.
	dlg.dismissNext()
	b.click("#kvkk-withdraw")
	if got, _ := b.attr("#kvkk-consent", "data-state"); got != "consent_given" {
		t.Errorf("after cancelling the withdrawal the state is %q", got)
	}
	b.submit("#kvkk-withdraw", 200)
	if !strings.Contains(dlg.last(), "geri çekildi olarak kaydedilecek") {
		t.Errorf("the withdrawal asked %q", dlg.last())
	}
	b.wantFlash("Açık rızanın geri çekildiği kaydedildi.")
	if got, _ := b.attr("#kvkk-consent", "data-state"); got != "consent_withdrawn" || !strings.Contains(b.text("#kvkk-consent"), "Geri çekildi") {
		t.Errorf("after the withdrawal the state is %q: %q", got, b.text("#kvkk-consent"))
	}
	expect(t, !b.exists("#kvkk-withdraw"), "the withdraw button is still there")
	expect(t, strings.Contains(b.text("#history"), "açık rızanın geri çekildiğini kaydetti"), "the record's history lacks the withdrawal: %q", b.text("#history"))
	b.wantNoConsoleErrors("422")
}
