package ui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kobicrm/store"
)

var recordPath = regexp.MustCompile(`^/(segments|campaigns)/([0-9]+)$`)

func createdID(t *testing.T, r *resp) int64 {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303\n%s", r.Status, r.Body)
	}
	m := recordPath.FindStringSubmatch(r.location())
	if m == nil {
		t.Fatalf("redirected to %q", r.location())
	}
	id, _ := strconv.ParseInt(m[2], 10, 64)
	return id
}

// The marketing path through the pages: filter the customer list, save
// it as a segment, start a campaign from it, launch it, and read on its
// page how many the ETK rule left out and why.
func TestSegmentToLaunchedCampaignPages(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	ctx := context.Background()
	admin := store.ActorFor(a.admin)
	mk := func(v store.Values) int64 {
		rec, err := a.st.Create(ctx, admin, store.Customers, v)
		if err != nil {
			t.Fatal(err)
		}
		return rec.ID
	}
	yes := mk(store.Values{"kind": "person", "first_name": "Onaylı", "last_name": "Kişi", "email": "onay@ornek.com.tr", "province": "Isparta"})
	if _, err := a.st.Create(ctx, admin, store.Consents, store.Values{"customer_id": yes, "channel": store.ChannelEmail, "status": store.ConsentGranted, "source": "HS_WEB"}); err != nil {
		t.Fatal(err)
	}
	mk(store.Values{"kind": "person", "first_name": "İzinsiz", "last_name": "Kişi", "email": "izinsiz@ornek.com.tr", "province": "Isparta"})
	mk(store.Values{"kind": "company", "title": "Ankara Ticaret", "email": "info@ankara.com.tr", "province": "Ankara"})

	c := a.browser
	list := c.get("/customers?province=Isparta")
	wantStatus(t, list, http.StatusOK)
	wantBody(t, list, `id="save-segment"`, "/segments/new?criteria=province%3DIsparta")
	wantNoBody(t, c.get("/customers"), `id="save-segment"`)

	form := "/segments/new?criteria=" + url.QueryEscape("province=Isparta")
	wantBody(t, c.get(form), `value="province=Isparta"`)
	// Bad criteria come back in the form, filled in, named.
	r := c.submit(form, "/segments", url.Values{"name": {"Isparta"}, "goal": {"keep"}, "criteria": {"province=Atlantis"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `value="province=Atlantis"`, a.tr("error.segment_criteria", "unknown province \"Atlantis\""))
	seg := createdID(t, c.submit(form, "/segments", url.Values{"name": {"Isparta müşterileri"}, "goal": {"keep"}, "criteria": {"province=Isparta"}}))
	page := c.get("/segments/" + strconv.FormatInt(seg, 10))
	wantBody(t, page, `<strong id="segment-matched">2</strong>`, `id="new-campaign"`)

	newCampaign := "/campaigns/new?segment_id=" + strconv.FormatInt(seg, 10)
	camp := createdID(t, c.submit(newCampaign, "/campaigns", url.Values{"name": {"Bahar bülteni"}, "goal": {"keep"},
		"channels": {"email"}, "segment_id": {strconv.FormatInt(seg, 10)}, "starts_on": {"01.03.2027"}, "budget": {"1.500,00"}}))
	campURL := "/campaigns/" + strconv.FormatInt(camp, 10)
	wantBody(t, c.get(campURL), `id="launch"`, `id="not-launched"`)

	r = c.submit(campURL, campURL+"/launch", url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, campURL)
	page = c.get(campURL)
	wantBody(t, page, a.tr("campaigns.launched", "2", "1"), a.tr("campaigns.members_summary", 2, 1),
		a.tr("choice.campaign_members.reason.no_consent")+": 1", a.tr("choice.campaigns.status.running"))
	wantNoBody(t, page, `id="launch"`)

	// A second launch is refused with the reason on the page.
	r = c.submit(campURL, campURL+"/launch", url.Values{"confirmed": {"1"}})
	wantRedirect(t, r, campURL)
	wantBody(t, c.get(campURL), a.tr("error.campaign_launched"))

	// The members' list, filtered by campaign and reason.
	members := c.get("/campaign_members?campaign_id=" + strconv.FormatInt(camp, 10) + "&reason=no_consent")
	wantBody(t, members, "izinsiz@ornek.com.tr")
	wantNoBody(t, members, "onay@ornek.com.tr")
}

func TestCampaignLaunchAPI(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	ctx := context.Background()
	admin := store.ActorFor(a.admin)
	if _, err := a.st.Create(ctx, admin, store.Customers, store.Values{"kind": "company", "title": "Tacir Ltd.", "phone": "0212 555 11 22", "tags": []string{"bayi"}}); err != nil {
		t.Fatal(err)
	}
	seg := a.call(t, http.MethodPost, "/api/v1/segments", map[string]any{"name": "Bayiler", "criteria": "tags=bayi"}).want(t, http.StatusCreated).object(t)
	camp := a.call(t, http.MethodPost, "/api/v1/campaigns", map[string]any{"name": "Bayi araması", "channels": "call,sms",
		"segment_id": seg["id"], "starts_on": "2027-01-10"}).want(t, http.StatusCreated).object(t)
	id := camp["id"].(interface{ String() string }).String()
	a.call(t, http.MethodGet, "/api/v1/campaigns/"+id+"/launch", nil).want(t, http.StatusMethodNotAllowed)
	got := a.call(t, http.MethodPost, "/api/v1/campaigns/"+id+"/launch", nil).want(t, http.StatusOK).object(t)
	if got["members"].(interface{ String() string }).String() != "2" || got["status"] != "running" {
		t.Errorf("launch answered %v", got)
	}
	again := a.call(t, http.MethodPost, "/api/v1/campaigns/"+id+"/launch", nil).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(again.Body), "status") {
		t.Errorf("second launch: %s", again.Body)
	}
	list := a.call(t, http.MethodGet, "/api/v1/campaign_members?campaign_id="+id, nil).want(t, http.StatusOK)
	if !strings.Contains(string(list.Body), `"reason":"trader"`) {
		t.Errorf("members: %s", list.Body)
	}
}

// A call campaign through the pages: launched with its callers chosen,
// each allowed member's call lands on a caller's "Bugün" page with the
// script; the call recorded as reached shows as responded in the results.
// Without callers the launch says so and the page offers the hand-out
// once they are chosen.
func TestCallCampaignTasksOnPages(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	ctx := context.Background()
	admin := store.ActorFor(a.admin)
	cust, err := a.st.Create(ctx, admin, store.Customers, store.Values{"kind": "company", "title": "Aranan Ticaret", "phone": "0212 555 11 22", "tags": []string{"ara"}})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := a.st.Create(ctx, admin, store.Segments, store.Values{"name": "Aranacaklar", "criteria": "tags=ara"})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := a.st.Create(ctx, admin, store.Campaigns, store.Values{"name": "Bayi araması", "channels": "call", "segment_id": seg.ID,
		"starts_on": "2026-01-01", "script": "Merhaba, **bayi fiyatlarımız** için arıyoruz."})
	if err != nil {
		t.Fatal(err)
	}
	c := a.browser
	campURL := "/campaigns/" + strconv.FormatInt(camp.ID, 10)
	wantRedirect(t, c.submit(campURL, campURL+"/launch", url.Values{"confirmed": {"1"}}), campURL)
	page := c.get(campURL)
	wantBody(t, page, a.tr("error.campaign_no_callers"), a.tr("campaigns.untasked", 1), `id="distribute"`)

	if _, _, err := a.st.Update(ctx, admin, store.Campaigns, camp.ID, store.Values{"callers": []int64{a.admin.ID}}); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, c.submit(campURL, campURL+"/distribute", url.Values{}), campURL)
	page = c.get(campURL)
	wantBody(t, page, a.tr("campaigns.distributed", "1", "0"))
	wantNoBody(t, page, `id="distribute"`)
	wantBody(t, c.get("/"), "Bayi araması")

	tl, err := a.st.Timeline(ctx, admin, cust.ID, store.TimelineQuery{Type: store.ActivityCall})
	if err != nil || len(tl.Items) != 1 {
		t.Fatalf("timeline %v, %v", tl, err)
	}
	task := "/activities/" + strconv.FormatInt(tl.Items[0].ID, 10)
	wantBody(t, c.get(task), "<strong>bayi fiyatlarımız</strong>")
	if _, _, err := a.st.Update(ctx, admin, store.Activities, tl.Items[0].ID, store.Values{"status": "done", "outcome": "reached"}); err != nil {
		t.Fatal(err)
	}
	wantBody(t, c.get(campURL), `<tr id="result-call"><td>`+a.tr("choice.campaigns.channels.call")+`</td><td class="delivered">1</td><td class="failed">0</td><td class="unsubscribed">0</td><td class="responded">1</td>`)

	// The API hands out what is new: nothing now.
	got := a.call(t, http.MethodPost, "/api/v1/campaigns/"+strconv.FormatInt(camp.ID, 10)+"/distribute", nil).want(t, http.StatusOK).object(t)
	if got["tasks"].(interface{ String() string }).String() != "0" {
		t.Errorf("distribute answered %v", got)
	}
}
