package e2e

import (
	"bytes"
	"mime"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store/mail/mailtest"
)

// Marketing in the real binary: the customer list filtered by province
// saved as a segment, whose page counts it; a campaign started from the
// segment and launched, its page showing how many the ETK rule left out
// and why; its e-mail sent through an SMTP server inside the test, the
// progress reaching "sent", and the unsubscribe link in the message
// recording RET in the customer's consent ledger.
func TestMarketingInBrowser(t *testing.T) {
	smtp := mailtest.Start(t)
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	// A trader may be e-mailed until it refuses; an individual only after
	// consenting, which this one has not.
	trader := seedCustomer(t, w, "company", url.Values{"title": {"Gül Yağı Ticaret A.Ş."}, "province": {"Isparta"}, "email": {"info@gulyagi.com.tr"}})
	seedCustomer(t, w, "person", url.Values{"first_name": {"Şule"}, "last_name": {"Işık"}, "province": {"Isparta"}, "email": {"sule@ornek.com.tr"}})
	seedCustomer(t, w, "person", url.Values{"first_name": {"Ankaralı"}, "last_name": {"Müşteri"}, "province": {"Ankara"}, "email": {"ankara@ornek.com.tr"}})

	// The filtered list becomes a segment.
	b.open("/customers?province=Isparta", 200)
	b.submit("#save-segment", 200)
	b.wantPath("/segments/new")
	b.setValue("#f-name", "Isparta müşterileri")
	b.submit("#record-save", 200)
	b.recordID("segments")
	if got := b.text("#segment-matched"); got != "2" {
		t.Errorf("the segment counts %q, want 2", got)
	}

	segmentURL := b.location()

	// The SMTP settings, tried with a test send.
	b.open("/settings/mail", 200)
	b.setValue("#f-host", smtp.Host)
	b.setValue("#f-port", strconv.Itoa(smtp.Port))
	b.setValue("#f-security", "none")
	b.setValue("#f-from_addr", "bilgi@gulyagi.com.tr")
	b.setValue("#f-from_name", "Gül Yağı")
	b.setValue("#f-base_url", srv.URL)
	b.setValue("#f-rate", "50")
	b.submit("#mail-save", 200)
	b.wantFlash("E-posta ayarları kaydedildi.")
	b.setValue("#test-to", "deneme@gulyagi.com.tr")
	b.submit("#test-send", 200)
	b.wantFlash("Deneme iletisi deneme@gulyagi.com.tr adresine gönderildi.")
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("the test send delivered %d messages", n)
	}

	// A template: an unknown merge field is named, the form comes back
	// filled in.
	b.open("/email_templates/new", 200)
	b.setValue("#f-name", "Hasat bülteni")
	b.setValue("#f-subject", "Şubat kampanyası: İndirim ğüşıöç")
	b.setValue("#f-body", "Sayın {{isim}},\n\nGül yağında **indirim**.")
	b.submit("#record-save", 422)
	if got := b.text(`[data-field="body"] .err`); !strings.Contains(got, "{{isim}}") {
		t.Errorf("the unknown merge field reads %q", got)
	}
	if got := b.value("#f-subject"); got != "Şubat kampanyası: İndirim ğüşıöç" {
		t.Errorf("the form came back with subject %q", got)
	}
	b.setValue("#f-body", "Sayın {{ad}},\n\nGül yağında **indirim**.")
	b.submit("#record-save", 200)
	tmpl := b.recordID("email_templates")

	// A campaign on it, by e-mail, launched.
	b.open(segmentURL, 200)
	b.submit("#new-campaign", 200)
	b.wantPath("/campaigns/new")
	b.setValue("#f-name", "Gül hasadı bülteni")
	b.setValue("#f-email_template_id", strconv.FormatInt(tmpl, 10))
	b.click(`input[name="channels"][value="email"]`)
	b.setValue("#f-starts_on", "2027-05-01")
	b.submit("#record-save", 200)
	b.recordID("campaigns")
	if got := b.text("#not-launched"); got == "" {
		t.Error("a draft campaign shows no target list yet")
	}
	b.answerDialogs()
	b.submit("#launch", 200)
	b.wantFlash("Kampanya başlatıldı: 2 üye, ETK kuralıyla dışarıda kalan 1.")
	if got := b.text("#campaign-status"); got != "Yürüyor" {
		t.Errorf("status after the launch: %q", got)
	}
	members := b.text("#campaign-members")
	for _, want := range []string{"2 üye; ETK kuralıyla dışarıda kalan 1", "Bireysel: ONAY yok: 1"} {
		if !strings.Contains(members, want) {
			t.Errorf("the target list reads %q, want %q in it", members, want)
		}
	}
	if b.exists("#launch") {
		t.Error("a running campaign still offers Launch")
	}
	b.screenshot("campaign-launched")

	// The queue sends in the background; the page refreshes itself until
	// the one allowed member is sent.
	campaignURL := b.location()
	deadline := time.Now().Add(20 * time.Second)
	for b.text("#tally-email .sent") != "1" || b.exists("#sending") {
		if time.Now().After(deadline) {
			t.Fatalf("sending never finished: %q", b.text("#campaign-members"))
		}
		time.Sleep(300 * time.Millisecond)
		b.open(campaignURL, 200)
	}
	msgs := smtp.Messages()
	if len(msgs) != 2 || msgs[1].To[0] != "info@gulyagi.com.tr" {
		t.Fatalf("delivered %+v", msgs)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[1].Data))
	if err != nil {
		t.Fatal(err)
	}
	if subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || subject != "Şubat kampanyası: İndirim ğüşıöç" {
		t.Errorf("subject arrived as %q, %v", subject, err)
	}
	link := strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(link, srv.URL+"/u/") {
		t.Fatalf("unsubscribe link %q", link)
	}

	// The customer opens the link: no login, RET recorded.
	anon := newBrowser(t, srv)
	anon.open(link, 200)
	if got := anon.text("#unsubscribe-text"); !strings.Contains(got, "info@gulyagi.com.tr") {
		t.Errorf("unsubscribe page reads %q", got)
	}
	b.open(campaignURL, 200)
	if got := b.text("#result-email .unsubscribed"); got != "1" {
		t.Errorf("the campaign's results count %q unsubscribed, want 1", got)
	}
	b.open("/customers/"+strconv.FormatInt(trader, 10), 200)
	row := eval[string](b, `[...document.querySelectorAll("#consent tbody tr")].map(r => r.innerText).find(t => t.includes("info@gulyagi.com.tr")) || ""`)
	if !strings.Contains(row, "E-posta") || !strings.Contains(row, "ETK reddetti") {
		t.Errorf("the consent ledger's e-mail row reads %q, want a refusal (RET)", row)
	}
}
