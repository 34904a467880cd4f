package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The calendar in a browser: a planned meeting made through the activity
// form shows in the month, week and day views; the subscription feed made
// on the calendar page carries it to a calendar program, and stops once
// revoked.
func TestCalendar(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)

	b.navigate("/customers/new?kind=company")
	b.setValue("#f-title", "Takvim Ticaret A.Ş.")
	if status := b.clickAndWait("#record-save"); status != 200 {
		t.Fatalf("save customer: %d", status)
	}
	custPath := b.path()
	if !strings.HasPrefix(custPath, "/customers/") {
		t.Fatalf("after saving the customer: %s", custPath)
	}
	custID := strings.TrimPrefix(custPath, "/customers/")

	// A week from now, in Istanbul: inside the feed's range.
	ist := time.FixedZone("TRT", 3*3600)
	day := time.Now().In(ist).AddDate(0, 0, 7)
	date := day.Format("2006-01-02")
	b.navigate("/calendar")
	b.checkPage("empty calendar")
	b.navigate("/activities/new?type=meeting&status=planned&customer_id=" + custID)
	b.setValue("#f-subject", "Bütçe toplantısı")
	b.setValue("#f-starts_at", date+"T10:00")
	b.setValue("#f-ends_at", date+"T11:00")
	b.setValue("#f-place", "Kadıköy")
	if status := b.clickAndWait("#record-save"); status != 200 {
		t.Fatalf("save meeting: %d", status)
	}
	actPath := b.path()
	if !strings.HasPrefix(actPath, "/activities/") {
		t.Fatalf("after saving the meeting: %s", actPath)
	}

	b.navigate("/")
	b.clickAndWait(`.side a[href="/calendar"]`)
	b.navigate("/calendar?view=month&date=" + date)
	sel := `#calendar-month td[data-date="` + date + `"] a[href="` + actPath + `"]`
	b.waitVisible(sel)
	if got := b.text(sel); !strings.Contains(got, "Bütçe toplantısı") || !strings.Contains(got, "10:00") {
		t.Errorf("month cell shows %q", got)
	}
	b.checkPage("month view")
	b.clickAndWait(`.calviews a[href*="view=week"]`)
	b.waitVisible(`#calendar-week section[data-date="` + date + `"] a[href="` + actPath + `"]`)
	b.clickAndWait(`.calviews a[href*="view=day"]`)
	b.waitVisible(`#calendar-day a[href="` + actPath + `"]`)
	b.checkPage("day view")

	// The feed: made on the page, read without a session, revoked.
	b.navigate("/calendar")
	b.clickAndWait("#feed-create")
	feed := b.value("#feed-url")
	if !strings.Contains(feed, "/calendar/feed/kcal_") {
		t.Fatalf("feed URL %q", feed)
	}
	res, err := http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	uid := "UID:activity-" + strings.TrimPrefix(actPath, "/activities/") + "@kobicrm"
	if res.StatusCode != 200 || !strings.Contains(string(body), uid) || !strings.Contains(string(body), "SUMMARY:Bütçe toplantısı – Takvim Ticaret A.Ş.") {
		t.Fatalf("feed: %d\n%s", res.StatusCode, body)
	}
	b.clickAndWait("#feed-revoke")
	b.waitVisible("#feed-none")
	res, err = http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("revoked feed: %d, want 404", res.StatusCode)
	}
	b.wantNoConsoleErrors()
}
