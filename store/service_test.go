package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// svcFixture is the security fixture with "desk" a service desk user
// (the shipped Servis role, team Kuzey), "me" a salesperson (Satış, her
// own customers), a customer of hers and one of a colleague's, and the
// clock at Tuesday 1 December 2026, 10:00 in Istanbul.
type svcFixture struct {
	*secFixture
	me, desk    *Actor
	mine, other int64
	clock       time.Time
}

func newSvcFixture(t *testing.T) *svcFixture {
	t.Helper()
	fx := &svcFixture{secFixture: newSecFixture(t), clock: time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)}
	now = func() time.Time { return fx.clock }
	t.Cleanup(func() { now = time.Now })
	fx.users["me"] = fx.user(t, "me", fx.depts["sales"], nil, 2)
	fx.users["desk"] = fx.user(t, "desk", fx.depts["service"], []int64{fx.teams["north"]}, 4)
	fx.me, fx.desk = fx.actor(t, fx.users["me"]), fx.actor(t, fx.users["desk"])
	fx.mine = mustCreate(t, fx.st, fx.admin, Customers, person("Şükrü", "Çağlar", Values{"owner_id": fx.users["me"], "phone": "+905321234567"})).ID
	fx.other = mustCreate(t, fx.st, fx.admin, Customers, company("Başkasının Müşterisi Ltd.", Values{"owner_id": fx.users["other"]})).ID
	return fx
}

func (fx *svcFixture) update(t *testing.T, a *Actor, id int64, v Values) (*Record, error) {
	t.Helper()
	rec, _, err := fx.st.Update(fx.ctx, a, ServiceRequests, id, v)
	return rec, err
}

func wantFieldError(t *testing.T, err error, field, key string) {
	t.Helper()
	v, ok := AsValidation(err)
	if !ok {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	if got := v.Fields[field].Key; got != key {
		t.Fatalf("want %s on %s, got %v", key, field, v.Fields)
	}
}

func TestServiceRequestFlowAndClock(t *testing.T) {
	fx := newSvcFixture(t)
	// A complaint taken by phone on Tuesday at 10:00 (Istanbul): normal
	// priority answers in 4 business hours and resolves in 27.
	rec, err := fx.st.Create(fx.ctx, fx.desk, ServiceRequests, Values{"subject": "Araç servisten geç teslim edildi",
		"type": "sikayet", "customer_id": fx.mine, "channel": "telefon"})
	if err != nil {
		t.Fatal(err)
	}
	id := rec.ID
	if rec.Values.Str("status") != ServiceNew || rec.Values.Str("response_due_at") != "2026-12-01T11:00:00Z" ||
		rec.Values.Str("resolve_due_at") != "2026-12-04T07:00:00Z" {
		t.Fatalf("new request: %v %v %v", rec.Values["status"], rec.Values["response_due_at"], rec.Values["resolve_due_at"])
	}
	// The flow refuses a jump: new cannot close.
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceClosed, "resolution": "x"})
	wantFieldError(t, err, "status", "error.service_move")
	// Assigning someone makes it assigned; assigned without anyone is refused.
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceAssigned})
	wantFieldError(t, err, "assignee_id", "error.service_assignee_required")
	rec, err = fx.update(t, fx.desk, id, Values{"assignee_id": fx.users["desk"], "priority": "high"})
	if err != nil || rec.Values.Str("status") != ServiceAssigned {
		t.Fatalf("assign: %v %v", err, rec)
	}
	// Priority high: 2 and 9 business hours from Tuesday 10:00.
	if rec.Values.Str("response_due_at") != "2026-12-01T09:00:00Z" || rec.Values.Str("resolve_due_at") != "2026-12-02T07:00:00Z" {
		t.Fatalf("high priority due: %v %v", rec.Values["response_due_at"], rec.Values["resolve_due_at"])
	}
	// Working on it is the first response; then the customer is awaited
	// from Tuesday 17:00 to Thursday 11:00: 1 + 9 + 2 business hours.
	fx.clock = time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	rec, err = fx.update(t, fx.desk, id, Values{"status": ServiceWaiting})
	if err != nil || rec.Values.Str("responded_at") != "2026-12-01T14:00:00Z" || rec.Values.Str("waiting_since") != "2026-12-01T14:00:00Z" {
		t.Fatalf("waiting: %v %v", err, rec.Values)
	}
	fx.clock = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	rec, err = fx.update(t, fx.desk, id, Values{"status": ServiceWorking})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := rec.Values.Int("paused_min"); p != 12*60 || rec.Values.Str("waiting_since") != "" {
		t.Fatalf("paused %d min, waiting since %q", p, rec.Values.Str("waiting_since"))
	}
	// Due 9 + 12 business hours after Tuesday 10:00: Thursday 13:00.
	if got := rec.Values.Str("resolve_due_at"); got != "2026-12-03T10:00:00Z" {
		t.Fatalf("due after the pause: %s", got)
	}
	// Resolving needs a note; a score waits for the close.
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceResolved})
	wantFieldError(t, err, "resolution", "error.service_resolution_required")
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceResolved, "resolution": "Özür dilendi, bakım ücretsiz yapıldı.", "satisfaction": int64(4)})
	wantFieldError(t, err, "satisfaction", "error.service_satisfaction_closed")
	rec, err = fx.update(t, fx.desk, id, Values{"status": ServiceResolved, "resolution": "Özür dilendi, bakım ücretsiz yapıldı."})
	if err != nil || rec.Values.Str("resolved_at") == "" {
		t.Fatalf("resolve: %v", err)
	}
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceClosed, "satisfaction": int64(6)})
	wantFieldError(t, err, "satisfaction", "error.satisfaction_range")
	rec, err = fx.update(t, fx.desk, id, Values{"status": ServiceClosed, "satisfaction": int64(5)})
	if err != nil || rec.Values.Str("closed_at") == "" {
		t.Fatalf("close: %v", err)
	}
	// Closed cannot go back to waiting, but reopens to in progress,
	// losing its score and close time.
	_, err = fx.update(t, fx.desk, id, Values{"status": ServiceWaiting})
	wantFieldError(t, err, "status", "error.service_move")
	rec, err = fx.update(t, fx.desk, id, Values{"status": ServiceWorking})
	if err != nil || rec.Values["satisfaction"] != nil || rec.Values.Str("closed_at") != "" || rec.Values.Str("resolved_at") != "" {
		t.Fatalf("reopen: %v %v", err, rec.Values)
	}
	// Every change is in the history.
	entries, err := fx.st.History(fx.ctx, fx.admin, ServiceRequests, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 7 {
		t.Errorf("history has %d entries", len(entries))
	}
}

func TestServiceMovesAllowedAndRefused(t *testing.T) {
	for from, tos := range serviceMoves {
		for _, to := range ServiceStatuses {
			allowed := false
			for _, x := range tos {
				allowed = allowed || x == to
			}
			if from == to {
				continue
			}
			if (from == ServiceClosed && to == ServiceResolved) && allowed {
				t.Errorf("a closed request cannot be resolved again")
			}
			if from == ServiceNew && to == ServiceClosed && allowed {
				t.Errorf("new cannot jump to closed")
			}
		}
	}
	if !contains(serviceMoves[ServiceClosed], ServiceWorking) || !contains(serviceMoves[ServiceResolved], ServiceWorking) {
		t.Error("resolved and closed requests reopen")
	}
}

func TestServiceScopeAndQueues(t *testing.T) {
	fx := newSvcFixture(t)
	mine := mustCreate(t, fx.st, fx.desk, ServiceRequests, Values{"subject": "Fatura sorusu", "customer_id": fx.mine, "team_id": fx.teams["north"]})
	other := mustCreate(t, fx.st, fx.desk, ServiceRequests, Values{"subject": "Arıza", "customer_id": fx.other, "priority": "urgent"})
	// The salesperson sees her customer's request only.
	if _, err := fx.st.Get(fx.ctx, fx.me, ServiceRequests, other.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a salesperson reads a colleague's customer's request: %v", err)
	}
	if _, err := fx.st.Get(fx.ctx, fx.me, ServiceRequests, mine.ID); err != nil {
		t.Errorf("a salesperson reads her customer's request: %v", err)
	}
	if _, err := fx.st.Create(fx.ctx, fx.me, ServiceRequests, Values{"subject": "x", "customer_id": fx.other}); err == nil {
		t.Error("a salesperson opened a request on a customer she cannot see")
	}
	q, err := fx.st.ServiceQueue(fx.ctx, fx.desk, QueueUnassigned, 50)
	if err != nil || q.Total != 2 || q.ByPriority["urgent"] != 1 || q.ByStatus[ServiceNew] != 2 {
		t.Fatalf("unassigned: %v %+v", err, q)
	}
	if q.Records[0].ID != other.ID {
		t.Errorf("the urgent one is due first")
	}
	q, _ = fx.st.ServiceQueue(fx.ctx, fx.desk, QueueTeam, 50)
	if q.Total != 1 || q.Records[0].ID != mine.ID {
		t.Errorf("team queue: %+v", q)
	}
	// Taking one puts it in my queue, and nobody else can take it.
	if _, err := fx.st.TakeServiceRequest(fx.ctx, fx.desk, other.ID); err != nil {
		t.Fatal(err)
	}
	q, _ = fx.st.ServiceQueue(fx.ctx, fx.desk, QueueMine, 50)
	if q.Total != 1 || q.ByStatus[ServiceAssigned] != 1 || q.Records[0].Refs["team_id"] != "Kuzey" {
		t.Errorf("my queue after taking: %+v", q)
	}
	admin := fx.admin
	if _, err := fx.st.TakeServiceRequest(fx.ctx, admin, other.ID); !errors.Is(err, ErrServiceTaken) {
		t.Errorf("taken twice: %v", err)
	}
	// Past its resolution time (urgent: 4 business hours), it is overdue.
	fx.clock = fx.clock.Add(6 * time.Hour)
	q, _ = fx.st.ServiceQueue(fx.ctx, fx.desk, QueueOverdue, 50)
	if q.Total != 1 || q.Records[0].ID != other.ID {
		t.Errorf("overdue: %+v", q)
	}
	if _, err := fx.st.ServiceQueue(fx.ctx, fx.desk, "nobody", 50); !errors.Is(err, ErrBadQuery) {
		t.Errorf("an unknown queue: %v", err)
	}
}

func TestServiceRequestLeavesAConsentTask(t *testing.T) {
	fx := newSvcFixture(t)
	mustCreate(t, fx.st, fx.desk, ServiceRequests, Values{"subject": "Randevu", "customer_id": fx.mine})
	page, err := fx.st.List(fx.ctx, fx.admin, Activities, ListQuery{Filters: map[string]string{"customer_id": itoa(fx.mine), "consent_task": "1"}})
	if err != nil || len(page.Records) != 1 || page.Records[0].Values["owner_id"] != fx.users["desk"] {
		t.Fatalf("consent task: %v %v", err, page)
	}
}

func TestServiceSettingsChecks(t *testing.T) {
	fx := newSvcFixture(t)
	_, err := fx.st.Create(fx.ctx, fx.admin, ServiceHours, Values{"weekday": "1", "opens": "08:00", "closes": "17:00"})
	wantFieldError(t, err, "weekday", "error.hours_weekday_taken")
	page, _ := fx.st.List(fx.ctx, fx.admin, ServiceHours, ListQuery{Filters: map[string]string{"weekday": "6"}})
	sat := page.Records[0].ID
	_, _, err = fx.st.Update(fx.ctx, fx.admin, ServiceHours, sat, Values{"opens": "9.30", "closes": "09:00"})
	wantFieldError(t, err, "closes", "error.hours_order")
	_, _, err = fx.st.Update(fx.ctx, fx.admin, ServiceHours, sat, Values{"opens": "25:00", "closes": "13:00"})
	wantFieldError(t, err, "opens", "error.clock_time")
	if _, _, err = fx.st.Update(fx.ctx, fx.admin, ServiceHours, sat, Values{"opens": "9.30", "closes": "13:00"}); err != nil {
		t.Fatal(err)
	}
	// Saturday mornings now count: a low priority request opened on Friday
	// at 17:00 answers in 9 business hours: 1 on Friday, 3.5 on Saturday,
	// 4.5 on Monday.
	fx.clock = time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	rec := mustCreate(t, fx.st, fx.desk, ServiceRequests, Values{"subject": "Öneri", "type": "oneri", "priority": "low", "customer_id": fx.mine})
	if got := rec.Values.Str("response_due_at"); got != "2026-12-07T10:30:00Z" {
		t.Errorf("response due with Saturday hours: %s", got)
	}
	if _, err := fx.st.Create(fx.ctx, fx.desk, ServiceHours, Values{"weekday": "7", "opens": "10:00", "closes": "12:00"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("the desk edits the working hours: %v", err)
	}
}

// A request names the product it is about and an article the products it
// is about: both are checked references, both filter their lists, and a
// product in the recycle bin can no longer be chosen.
func TestServiceProducts(t *testing.T) {
	fx := newSvcFixture(t)
	kombi := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Kombi bakımı", "unit": "hizmet", "unit_price": int64(150000), "kdv_rate_id": int64(1)}).ID
	klima := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Klima montajı", "unit": "hizmet", "unit_price": int64(90000), "kdv_rate_id": int64(1)}).ID
	old := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Eski ürün", "kdv_rate_id": int64(1)}).ID
	if err := fx.st.Delete(fx.ctx, fx.admin, Products, old); err != nil {
		t.Fatal(err)
	}
	req, err := fx.st.Create(fx.ctx, fx.desk, ServiceRequests, Values{"subject": "Kombi basınç düşürüyor", "customer_id": fx.mine, "product_id": kombi})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.st.Create(fx.ctx, fx.desk, ServiceRequests, Values{"subject": "Klima su damlatıyor", "customer_id": fx.mine, "product_id": klima}); err != nil {
		t.Fatal(err)
	}
	_, err = fx.st.Create(fx.ctx, fx.desk, ServiceRequests, Values{"subject": "Eski", "customer_id": fx.mine, "product_id": old})
	wantFieldError(t, err, "product_id", "error.ref_missing")
	got, err := fx.st.Get(fx.ctx, fx.desk, ServiceRequests, req.ID)
	if err != nil || got.Values["product_id"] != kombi || got.Refs["product_id"] != "Kombi bakımı" {
		t.Fatalf("request's product: %v %v %v", err, got.Values["product_id"], got.Refs)
	}
	page, err := fx.st.List(fx.ctx, fx.desk, ServiceRequests, ListQuery{Filters: map[string]string{"product_id": itoa(kombi)}})
	if err != nil || len(page.Records) != 1 || page.Records[0].ID != req.ID {
		t.Fatalf("requests of the product: %v %d", err, len(page.Records))
	}

	art, err := fx.st.Create(fx.ctx, fx.desk, KBArticles, Values{"title": "Kombi basıncı düşerse", "body": "Musluğu açın.", "product_ids": []int64{kombi, klima}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.st.Create(fx.ctx, fx.desk, KBArticles, Values{"title": "Klima filtresi", "body": "Yıkayın.", "product_ids": []int64{klima}}); err != nil {
		t.Fatal(err)
	}
	_, err = fx.st.Create(fx.ctx, fx.desk, KBArticles, Values{"title": "Eski", "body": "x", "product_ids": []int64{old}})
	wantFieldError(t, err, "product_ids", "error.ref_missing")
	got, err = fx.st.Get(fx.ctx, fx.desk, KBArticles, art.ID)
	if ids, _ := got.Values["product_ids"].([]int64); err != nil || len(ids) != 2 || !strings.Contains(got.Refs["product_ids"], "Kombi bakımı") {
		t.Fatalf("article's products: %v %v %v", err, got.Values["product_ids"], got.Refs)
	}
	for _, c := range []struct {
		product int64
		want    int
	}{{kombi, 1}, {klima, 2}, {old, 0}} {
		page, err := fx.st.List(fx.ctx, fx.me, KBArticles, ListQuery{Filters: map[string]string{"product_ids": itoa(c.product)}})
		if err != nil || len(page.Records) != c.want {
			t.Fatalf("articles of product %d: %v %d, want %d", c.product, err, len(page.Records), c.want)
		}
	}
	// Changing the article's products replaces them.
	if _, _, err := fx.st.Update(fx.ctx, fx.desk, KBArticles, art.ID, Values{"product_ids": []int64{klima}}); err != nil {
		t.Fatal(err)
	}
	page, err = fx.st.List(fx.ctx, fx.desk, KBArticles, ListQuery{Filters: map[string]string{"product_ids": itoa(kombi)}})
	if err != nil || len(page.Records) != 0 {
		t.Fatalf("after the change: %v %d", err, len(page.Records))
	}
}
