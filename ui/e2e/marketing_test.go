package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// Marketing in the real binary: the customer list filtered by province
// saved as a segment, whose page counts it; a campaign started from the
// segment and launched, its page showing how many the ETK rule left out
// and why.
func TestMarketingInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	// A trader may be e-mailed until it refuses; an individual only after
	// consenting, which this one has not.
	seedCustomer(t, w, "company", url.Values{"title": {"Gül Yağı Ticaret A.Ş."}, "province": {"Isparta"}, "email": {"info@gulyagi.com.tr"}})
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

	// A campaign on it, by e-mail, launched.
	b.submit("#new-campaign", 200)
	b.wantPath("/campaigns/new")
	b.setValue("#f-name", "Gül hasadı bülteni")
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
}
