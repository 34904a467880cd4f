package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

// pipelineSetUp is a logged-in administrator, a customer of theirs, and a
// salesperson (the shipped Satış role) with a customer of her own.
type pipeline struct {
	e          *env
	admin      *client
	adminActor *store.Actor
	sales      *store.User
	customer   int64 // the administrator's
	hers       int64 // the salesperson's
	stages     map[string]int64
}

func pipelineSetUp(t *testing.T) *pipeline {
	t.Helper()
	e, c := setUp(t)
	ctx := context.Background()
	admin, err := e.st.UserByEmail(ctx, store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline{e: e, admin: c, adminActor: store.ActorFor(admin), stages: map[string]int64{}}
	p.sales = e.addUser("Elif Kaya", "elif@firma.com.tr", "Deniz-Kum-Fener-77")
	cust, err := e.st.Create(ctx, p.adminActor, store.Customers, store.Values{"kind": "company", "title": "Çağlar Tekstil A.Ş."})
	if err != nil {
		t.Fatal(err)
	}
	p.customer = cust.ID
	hers, err := e.st.Create(ctx, p.adminActor, store.Customers, store.Values{"kind": "company", "title": "Elif'in Müşterisi Ltd.", "owner_id": p.sales.ID})
	if err != nil {
		t.Fatal(err)
	}
	p.hers = hers.ID
	stages, err := e.st.Stages(ctx, p.adminActor, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stages {
		p.stages[s.Name] = s.ID
	}
	return p
}

// opp creates an opportunity through the store, as the administrator.
func (p *pipeline) opp(t *testing.T, title string, customer int64, stage string, amount int64, close string) int64 {
	t.Helper()
	rec, err := p.e.st.Create(context.Background(), p.adminActor, store.Opportunities, store.Values{"title": title,
		"customer_id": customer, "stage_id": p.stages[stage], "amount": amount, "expected_close": close})
	if err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

func (p *pipeline) stageOf(t *testing.T, id int64) int64 {
	t.Helper()
	rec, err := p.e.st.Get(context.Background(), p.adminActor, store.Opportunities, id)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := rec.Values.Int("stage_id")
	return s
}

func thisMonth(day int) string {
	t := time.Now().In(tr.Istanbul)
	return time.Date(t.Year(), t.Month(), day, 0, 0, 0, 0, tr.Istanbul).Format(time.DateOnly)
}

func TestOpportunityFromTheCustomerPage(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	cid := strconv.FormatInt(p.customer, 10)
	page := c.get("/customers/" + cid)
	wantStatus(t, page, http.StatusOK)
	newURL := "/opportunities/new?" + url.Values{"customer_id": {cid}, "next": {"/customers/" + cid + "#opportunities"}}.Encode()
	wantBody(t, page, `id="opportunities"`, p.e.tr("opportunities.none"), `href="`+strings.ReplaceAll(newURL, "&", "&amp;")+`"`)

	form := c.get(newURL)
	wantStatus(t, form, http.StatusOK)
	// The required stage offers no empty choice: the first stage is chosen.
	wantBody(t, form, "Çağlar Tekstil A.Ş.", `<option value="`+strconv.FormatInt(p.stages["Yeni"], 10)+`">Yeni</option>`)
	wantNoBody(t, form, `<select id="f-stage_id" name="stage_id" required><option value="" selected>`)
	// Lost without a reason: the form comes back filled, the field named.
	r := c.submit(newURL, "/opportunities", url.Values{"title": {"Filo kiralama"}, "customer_id": {cid}, "amount": {"125.000,50"},
		"currency": {"TRY"}, "expected_close": {thisMonth(20)}, "stage_id": {strconv.FormatInt(p.stages["Kaybedildi"], 10)},
		"next": {"/customers/" + cid + "#opportunities"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, `value="Filo kiralama"`, `value="125.000,50"`, p.e.tr("error.lost_reason_required", p.e.tr("field.opportunities.lost_reason")))
	r = c.submit(newURL, "/opportunities", url.Values{"title": {"Filo kiralama"}, "customer_id": {cid}, "amount": {"125.000,50"},
		"currency": {"TRY"}, "expected_close": {thisMonth(20)}, "stage_id": {strconv.FormatInt(p.stages["Teklif"], 10)},
		"next": {"/customers/" + cid + "#opportunities"}})
	wantRedirect(t, r, "/customers/"+cid+"#opportunities")
	page = c.get("/customers/" + cid)
	wantBody(t, page, "Filo kiralama", "125.000,50 ₺", "Teklif", adminName)

	board := c.get("/opportunities/board")
	wantStatus(t, board, http.StatusOK)
	wantBody(t, board, "Filo kiralama", "Çağlar Tekstil A.Ş.", "Yeni", "Görüşme", "Pazarlık", "Kazanıldı", "Kaybedildi",
		p.e.tr("board.count", 1), "125.000,50 ₺", `data-kind="lost"`, `/opportunities/`)
	// The forecast weighs it by Teklif's 50 %: 62.500,25 ₺ (half a kuruş up).
	wantBody(t, board, p.e.tr("board.forecast_line", "62.500,25 ₺", 1, "125.000,50 ₺"))
}

func TestOpportunityMoveEndpoint(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	id := p.opp(t, "Servis sözleşmesi", p.customer, "Yeni", 1000000, thisMonth(10))
	move := "/opportunities/" + strconv.FormatInt(id, 10) + "/move"
	stage := func(name string) string { return strconv.FormatInt(p.stages[name], 10) }

	r := c.post(move, url.Values{"stage_id": {stage("Görüşme")}})
	wantStatus(t, r, http.StatusForbidden)
	if p.stageOf(t, id) != p.stages["Yeni"] {
		t.Fatal("moved without a CSRF token")
	}
	r = c.submit(boardPath, move, url.Values{"stage_id": {stage("Görüşme")}, "return": {"/opportunities/board?who=me"}})
	wantRedirect(t, r, "/opportunities/board?who=me")
	if p.stageOf(t, id) != p.stages["Görüşme"] {
		t.Fatal("not moved")
	}
	wantBody(t, c.get("/opportunities/board?who=me"), p.e.tr("board.moved"))
	// A lost stage without a reason stays put and says why.
	r = c.submit(boardPath, move, url.Values{"stage_id": {stage("Kaybedildi")}, "return": {boardPath}})
	wantRedirect(t, r, boardPath)
	wantBody(t, c.get(boardPath), p.e.tr("error.lost_reason_required", p.e.tr("field.opportunities.lost_reason")))
	if p.stageOf(t, id) != p.stages["Görüşme"] {
		t.Fatal("moved to lost without a reason")
	}
	r = c.submit(boardPath, move, url.Values{"stage_id": {stage("Kaybedildi")}, "lost_reason": {"Rakip ucuz"}, "return": {"https://kotu.example/"}})
	wantRedirect(t, r, "/opportunities/"+strconv.FormatInt(id, 10))
	if p.stageOf(t, id) != p.stages["Kaybedildi"] {
		t.Fatal("not lost")
	}
	wantStatus(t, c.submit(boardPath, move, url.Values{"stage_id": {"x"}}), http.StatusBadRequest)

	// The salesperson reaches only her customers' opportunities.
	s := p.e.client()
	s.login("elif@firma.com.tr", "Deniz-Kum-Fener-77")
	wantStatus(t, s.submit(boardPath, move, url.Values{"stage_id": {stage("Yeni")}}), http.StatusNotFound)
	mine := p.opp(t, "Elif'in fırsatı", p.hers, "Yeni", 5000, thisMonth(12))
	board := s.get(boardPath)
	wantBody(t, board, "Elif&#39;in fırsatı")
	wantNoBody(t, board, "Servis sözleşmesi")
	r = s.submit(boardPath, "/opportunities/"+strconv.FormatInt(mine, 10)+"/move", url.Values{"stage_id": {stage("Pazarlık")}, "return": {boardPath}})
	wantRedirect(t, r, boardPath)
	if p.stageOf(t, mine) != p.stages["Pazarlık"] {
		t.Error("the salesperson could not move her own")
	}
	wantStatus(t, s.get("/opportunities/board?who=user:"+strconv.FormatInt(p.adminActor.UserID, 10)), http.StatusForbidden)
	wantStatus(t, s.get("/opportunities/board?who=nobody"), http.StatusBadRequest)
	// Her nav has the pipeline, not the administrators' settings.
	home := s.get("/")
	wantBody(t, home, `href="/opportunities/board"`, `href="/opportunities"`)
	wantNoBody(t, home, `href="/settings/firm"`, `href="/settings/stages"`)
	wantStatus(t, s.get("/settings/stages"), http.StatusNotFound) // the administrators' pages are not there for her
	// She reads the stages to choose from, never changes them.
	wantStatus(t, s.get("/opportunity_stages/"+stage("Yeni")), http.StatusOK)
	wantStatus(t, s.get("/opportunity_stages/"+stage("Yeni")+"/edit"), http.StatusForbidden)
	wantStatus(t, s.submit(boardPath, "/opportunity_stages/"+stage("Yeni"), url.Values{"name": {"X"}, "probability": {"1"}, "kind": {"open"}}), http.StatusForbidden)
}

func TestStagesPage(t *testing.T) {
	p := pipelineSetUp(t)
	c := p.admin
	r := c.get(stagesPath)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "Yeni", "%10", "Pazarlık", "%75", `href="/opportunity_stages/new?next=%2Fsettings%2Fstages"`)
	teklif := strconv.FormatInt(p.stages["Teklif"], 10)
	r = c.submit(stagesPath, stagesPath+"/"+teklif+"/move", url.Values{"dir": {"up"}})
	wantRedirect(t, r, stagesPath)
	body := c.get(stagesPath).Body
	if strings.Index(body, ">Teklif<") > strings.Index(body, ">Görüşme<") {
		t.Error("Teklif did not move up")
	}
	// A new stage through the declared form, back to this page.
	r = c.submit("/opportunity_stages/new?next=%2Fsettings%2Fstages", "/opportunity_stages", url.Values{"name": {"Demo"},
		"probability": {"40"}, "kind": {"open"}, "active": {"1"}, "next": {stagesPath}})
	wantRedirect(t, r, stagesPath)
	wantBody(t, c.get(stagesPath), "Demo", "%40")
	r = c.submit("/opportunity_stages/new?next=%2Fsettings%2Fstages", "/opportunity_stages", url.Values{"name": {"Olmaz"},
		"probability": {"150"}, "kind": {"open"}, "next": {stagesPath}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, p.e.tr("error.probability_range"))
	// Deactivated, it leaves the board and the opportunity form.
	demo, err := p.e.st.Stages(context.Background(), p.adminActor, true)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(demo[len(demo)-1].ID, 10)
	r = c.submit("/opportunity_stages/"+id+"/edit", "/opportunity_stages/"+id, url.Values{"name": {"Demo"}, "probability": {"40"}, "kind": {"open"}})
	wantRedirect(t, r, "/opportunity_stages/"+id)
	wantNoBody(t, c.get(boardPath), ">Demo <")
	wantNoBody(t, c.get("/opportunities/new?customer_id="+strconv.FormatInt(p.customer, 10)), ">Demo</option>")
	wantBody(t, c.get(stagesPath), `class="muted"`)
}

func TestOpportunityListShowsCurrency(t *testing.T) {
	p := pipelineSetUp(t)
	_, err := p.e.st.Create(context.Background(), p.adminActor, store.Opportunities, store.Values{"title": "İhracat",
		"customer_id": p.customer, "stage_id": p.stages["Yeni"], "amount": int64(123456), "currency": "USD", "expected_close": "2031-01-10"})
	if err != nil {
		t.Fatal(err)
	}
	r := p.admin.get("/opportunities")
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, "İhracat", "1.234,56 USD", "10.01.2031")
	wantNoBody(t, r, "1.234,56 ₺")
	board := p.admin.get(boardPath)
	wantBody(t, board, "1.234,56 USD")
}
