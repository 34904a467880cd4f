package ui

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"kobicrm/store"
)

// A company's page lists its people with the ETK standing of each one's
// phone and e-mail beside them, as a list shows them: read with the
// people, and following the ledger.
func TestCompanyPageShowsItsPeoplesConsentBadges(t *testing.T) {
	e, c := setUp(t)
	ctx, sys := context.Background(), store.SystemActor()
	create := func(v store.Values) *store.Record {
		t.Helper()
		rec, err := e.st.Create(ctx, sys, store.Customers, v)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	company := create(store.Values{"kind": "company", "title": "Çağlar Tekstil A.Ş.", "phone": "0212 555 12 12"})
	person := create(store.Values{"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar",
		"phone": "0532 123 45 67", "email": "sukru@ornek.com.tr"})
	if err := e.st.AddContact(ctx, sys, company.ID, person.ID, "accounting"); err != nil {
		t.Fatal(err)
	}
	contacts := regexp.MustCompile(`(?s)<section class="card" id="contacts">.*?</section>`)
	badges := func() string {
		t.Helper()
		r := c.get(fmt.Sprintf("/customers/%d", company.ID))
		if r.Status != 200 {
			t.Fatalf("company page: %d", r.Status)
		}
		section := contacts.FindString(r.Body)
		if section == "" {
			t.Fatal("no contacts section on the company's page")
		}
		var out string
		for _, m := range regexp.MustCompile(`class="badge consent-([a-z]+)"[^>]*>([^<]*)<`).FindAllStringSubmatch(section, -1) {
			out += m[1] + ":" + m[2] + " "
		}
		return out
	}
	// No decision yet: every channel of the person waits for one.
	if got, want := badges(), "none:Arama: ETK izni yok none:SMS: ETK izni yok none:E-posta: ETK izni yok "; got != want {
		t.Errorf("badges before any decision: %q, want %q", got, want)
	}
	for _, d := range []struct{ channel, status string }{{store.ChannelSMS, "RET"}, {store.ChannelCall, "ONAY"}} {
		if _, err := e.st.Create(ctx, sys, store.Consents, store.Values{"customer_id": person.ID, "channel": d.channel,
			"status": d.status, "source": "HS_CAGRI_MERKEZI", "consent_date": "2026-04-01 10:00"}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := badges(), "granted:Arama: ETK onaylı refused:SMS: ETK reddetti none:E-posta: ETK izni yok "; got != want {
		t.Errorf("badges after the person's decisions: %q, want %q", got, want)
	}
}
