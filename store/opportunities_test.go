package store

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"kobicrm/store/tr"
)

// oppFixture is the security fixture with "me" a salesperson holding the
// shipped Satış role (her own customers, and their opportunities), a
// customer of hers and one of a colleague's.
type oppFixture struct {
	*secFixture
	me          *Actor
	mine, other int64 // customers
	stages      map[string]int64
}

func newOppFixture(t testing.TB) *oppFixture {
	t.Helper()
	fx := &oppFixture{secFixture: newSecFixture(t), stages: map[string]int64{}}
	fx.users["me"] = fx.user(t, "me", fx.depts["sales"], []int64{fx.teams["north"]}, 2)
	fx.me = fx.actor(t, fx.users["me"])
	fx.mine = mustCreate(t, fx.st, fx.admin, Customers, company("Benim Müşterim A.Ş.", Values{"owner_id": fx.users["me"]})).ID
	fx.other = mustCreate(t, fx.st, fx.admin, Customers, company("Başkasının Müşterisi Ltd.", Values{"owner_id": fx.users["other"]})).ID
	stages, err := fx.st.Stages(fx.ctx, fx.admin, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stages {
		fx.stages[s.Name] = s.ID
	}
	return fx
}

func (fx *oppFixture) opp(t *testing.T, title string, customer int64, stage string, amount int64, close string, extra Values) *Record {
	t.Helper()
	v := Values{"title": title, "customer_id": customer, "stage_id": fx.stages[stage], "amount": amount, "expected_close": close}
	for k, x := range extra {
		v[k] = x
	}
	return mustCreate(t, fx.st, fx.admin, Opportunities, v)
}

func TestStagesSeededInBoardOrder(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	stages, err := fx.st.Stages(fx.ctx, fx.me, false)
	if err != nil {
		t.Fatalf("a salesperson reads the stages: %v", err)
	}
	want := []struct {
		name string
		prob int64
		kind string
	}{{"Yeni", 10, StageOpen}, {"Görüşme", 25, StageOpen}, {"Teklif", 50, StageOpen}, {"Pazarlık", 75, StageOpen},
		{"Kazanıldı", 100, StageWon}, {"Kaybedildi", 0, StageLost}}
	if len(stages) != len(want) {
		t.Fatalf("stages: %+v", stages)
	}
	for i, w := range want {
		if s := stages[i]; s.Name != w.name || s.Probability != w.prob || s.Kind != w.kind || !s.Active {
			t.Errorf("stage %d: %+v, want %+v", i, s, w)
		}
	}
}

func TestOpportunityStageRules(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	base := Values{"title": "Yazılım lisansı", "customer_id": fx.mine, "amount": int64(100000), "expected_close": "2031-03-15"}
	with := func(extra Values) Values {
		v := Values{}
		for k, x := range base {
			v[k] = x
		}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	_, err := st.Create(ctx, fx.admin, Opportunities, with(nil))
	expect(t, "no stage", err, errInvalid, "stage_id")
	_, err = st.Create(ctx, fx.admin, Opportunities, with(Values{"stage_id": int64(999)}))
	expect(t, "an unknown stage", err, errInvalid, "stage_id")
	_, err = st.Create(ctx, fx.admin, Opportunities, with(Values{"stage_id": fx.stages["Kaybedildi"]}))
	expect(t, "lost without a reason", err, errInvalid, "lost_reason")
	if v, ok := AsValidation(err); ok {
		if args := v.Fields["lost_reason"].Args; len(args) != 1 || args[0] != LabelKey("field.opportunities.lost_reason") {
			t.Errorf("the message names the field: %v", args)
		}
	}
	lost, err := st.Create(ctx, fx.admin, Opportunities, with(Values{"stage_id": fx.stages["Kaybedildi"], "lost_reason": "Fiyat yüksek bulundu"}))
	if err != nil {
		t.Fatal(err)
	}
	if lost.Values.Str("status") != StageLost || lost.Values.Str("closed_at") == "" {
		t.Errorf("a lost opportunity: %v", lost.Values)
	}
	// A deactivated stage takes no new opportunity, and none moved in;
	// one already there may still be edited.
	open := mustCreate(t, st, fx.admin, Opportunities, with(Values{"stage_id": fx.stages["Görüşme"]}))
	extra := mustCreate(t, st, fx.admin, OpportunityStages, Values{"name": "Demo", "probability": int64(40)})
	if p, _ := extra.Values.Int("position"); p != 7 {
		t.Errorf("a new stage's position: %d, want 7", p)
	}
	inExtra := mustCreate(t, st, fx.admin, Opportunities, with(Values{"stage_id": extra.ID}))
	_, _, err = st.Update(ctx, fx.admin, OpportunityStages, extra.ID, Values{"active": false})
	expect(t, "deactivating an open stage that holds one", err, errInvalid, "active")
	if _, err := st.MoveOpportunity(ctx, fx.admin, inExtra.ID, fx.stages["Yeni"], ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Update(ctx, fx.admin, OpportunityStages, extra.ID, Values{"active": false}); err != nil {
		t.Fatalf("deactivate an empty stage: %v", err)
	}
	_, err = st.Create(ctx, fx.admin, Opportunities, with(Values{"stage_id": extra.ID}))
	expect(t, "a new one in an inactive stage", err, errInvalid, "stage_id")
	_, err = st.MoveOpportunity(ctx, fx.admin, open.ID, extra.ID, "")
	expect(t, "moved to an inactive stage", err, errInvalid, "stage_id")
	// Stages keep the board whole.
	_, _, err = st.Update(ctx, fx.admin, OpportunityStages, fx.stages["Kaybedildi"], Values{"kind": StageOpen})
	expect(t, "the kind of a stage in use", err, errInvalid, "kind")
	_, _, err = st.Update(ctx, fx.admin, OpportunityStages, fx.stages["Kazanıldı"], Values{"active": false})
	expect(t, "the last won stage", err, errInvalid, "active")
	_, err = st.Create(ctx, fx.admin, OpportunityStages, Values{"name": "Olmaz", "probability": int64(101)})
	expect(t, "a probability over 100", err, errInvalid, "probability")
	_, err = st.Create(ctx, fx.me, OpportunityStages, Values{"name": "Benim aşamam", "probability": int64(5)})
	expect(t, "a salesperson adds a stage", err, ErrForbidden, "")
	if err := st.MoveStage(ctx, fx.me, extra.ID, -1); !errors.Is(err, ErrForbidden) {
		t.Errorf("a salesperson reorders: %v", err)
	}
	// Reordering swaps neighbours, in both histories.
	if err := st.MoveStage(ctx, fx.admin, fx.stages["Teklif"], -1); err != nil {
		t.Fatal(err)
	}
	all, _ := st.Stages(ctx, fx.admin, true)
	if all[1].Name != "Teklif" || all[2].Name != "Görüşme" {
		t.Errorf("after moving Teklif up: %v, %v", all[1].Name, all[2].Name)
	}
	h, err := st.History(ctx, fx.admin, OpportunityStages, fx.stages["Görüşme"], 5)
	if err != nil || len(h) == 0 || h[0].Changes[0].Field != "position" {
		t.Errorf("the neighbour's history: %+v, %v", h, err)
	}
	if err := st.MoveStage(ctx, fx.admin, all[0].ID, -1); err != nil {
		t.Errorf("the first stage moved up stays: %v", err)
	}
}

func TestMoveOpportunityAndBack(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	o := fx.opp(t, "Servis sözleşmesi", fx.mine, "Yeni", 500000, "2031-04-30", Values{"owner_id": fx.users["me"]})
	_, err := st.MoveOpportunity(ctx, fx.me, o.ID, fx.stages["Kaybedildi"], "  ")
	expect(t, "to lost without a reason", err, errInvalid, "lost_reason")
	rec, err := st.MoveOpportunity(ctx, fx.me, o.ID, fx.stages["Kaybedildi"], "Rakip daha ucuz")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Values.Str("status") != StageLost || rec.Values.Str("lost_reason") != "Rakip daha ucuz" || rec.Values.Str("closed_at") == "" {
		t.Errorf("lost: %v", rec.Values)
	}
	rec, err = st.MoveOpportunity(ctx, fx.me, o.ID, fx.stages["Pazarlık"], "")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Values.Str("status") != StageOpen || rec.Values.Str("closed_at") != "" {
		t.Errorf("reopened: %v", rec.Values)
	}
	h, err := st.History(ctx, fx.me, Opportunities, o.ID, 10)
	if err != nil || len(h) != 3 {
		t.Fatalf("history: %+v, %v", h, err)
	}
	found := false
	for _, c := range h[1].Changes {
		found = found || (c.Field == "stage_id" && c.New == float64(fx.stages["Kaybedildi"])) // JSON numbers
	}
	if !found {
		t.Errorf("the move to lost is in the history: %+v", h[1])
	}
}

func TestMarkWon(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	o := fx.opp(t, "Teklif kabul", fx.mine, "Teklif", 250000, "2031-05-10", nil)
	theirs := fx.opp(t, "Başkasının fırsatı", fx.other, "Teklif", 1000, "2031-05-10", nil)
	if err := st.MarkWon(ctx, fx.me, theirs.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("winning an opportunity out of scope: %v", err)
	}
	if err := st.MarkWon(ctx, fx.me, o.ID); err != nil {
		t.Fatal(err)
	}
	got, err := st.Get(ctx, fx.me, Opportunities, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := got.Values.Int("stage_id"); s != fx.stages["Kazanıldı"] || got.Values.Str("status") != StageWon || got.Values.Str("closed_at") == "" {
		t.Errorf("won: %v", got.Values)
	}
	closed := got.Values.Str("closed_at")
	if err := st.MarkWon(ctx, fx.me, o.ID); err != nil {
		t.Errorf("winning again: %v", err)
	}
	h, _ := st.History(ctx, fx.admin, Opportunities, o.ID, 10)
	if len(h) != 2 {
		t.Errorf("winning twice writes one change: %d entries", len(h))
	}
	again, _ := st.Get(ctx, fx.me, Opportunities, o.ID)
	if again.Values.Str("closed_at") != closed {
		t.Errorf("the closing time moved")
	}
	if err := st.MarkWon(ctx, fx.me, 987654); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such opportunity: %v", err)
	}
}

// A salesperson's board, totals and forecast hold only the opportunities
// of her own customers, whoever owns the opportunity.
func TestPipelineFollowsTheCustomersScope(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	at := time.Date(2031, 3, 10, 12, 0, 0, 0, tr.Istanbul)
	fx.opp(t, "Benim", fx.mine, "Teklif", 100000, "2031-03-20", Values{"owner_id": fx.users["other"]})
	fx.opp(t, "Benim de", fx.mine, "Yeni", 50000, "2031-03-25", Values{"owner_id": fx.users["me"]})
	hidden := fx.opp(t, "Onun", fx.other, "Teklif", 900000, "2031-03-20", Values{"owner_id": fx.users["me"]})

	b, err := st.Board(ctx, fx.me, BoardQuery{At: at})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	var count int
	var sum int64
	for _, c := range b.Columns {
		for _, card := range c.Cards {
			titles = append(titles, card.Title)
		}
		count += c.Count
		for _, a := range c.Totals {
			sum += a.Minor
		}
	}
	if len(titles) != 2 || count != 2 || sum != 150000 {
		t.Errorf("her board: %v, %d cards, %d kuruş", titles, count, sum)
	}
	f, err := st.Forecast(ctx, fx.me, ForecastQuery{At: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Month) != 1 || f.Month[0].Total != 150000 || f.Month[0].Weighted != 55000 {
		t.Errorf("her forecast: %+v", f.Month)
	}
	if _, err := st.Get(ctx, fx.me, Opportunities, hidden.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("an opportunity she owns on another's customer: %v", err)
	}
	if _, err := st.MoveOpportunity(ctx, fx.me, hidden.ID, fx.stages["Pazarlık"], ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("moving it: %v", err)
	}
	_, err = st.Create(ctx, fx.me, Opportunities, Values{"title": "Sızma", "customer_id": fx.other, "stage_id": fx.stages["Yeni"], "expected_close": "2031-03-01"})
	expect(t, "an opportunity on another's customer", err, errInvalid, "customer_id")
	// The owner filter narrows within the scope.
	b, err = st.Board(ctx, fx.me, BoardQuery{At: at, Who: "me"})
	if err != nil {
		t.Fatal(err)
	}
	count = 0
	for _, c := range b.Columns {
		count += c.Count
	}
	if count != 1 {
		t.Errorf("her own opportunities on her board: %d", count)
	}
	if _, err := st.Board(ctx, fx.me, BoardQuery{Who: "team:" + strconv.FormatInt(fx.teams["south"], 10)}); !errors.Is(err, ErrForbidden) {
		t.Errorf("another team's board: %v", err)
	}
	// The administrator sees all three; a customer in the recycle bin
	// takes its opportunities off the board.
	b, _ = st.Board(ctx, fx.admin, BoardQuery{At: at})
	if n := boardCount(b); n != 3 {
		t.Errorf("the administrator's board: %d", n)
	}
	if err := st.Delete(ctx, fx.admin, Customers, fx.mine); err != nil {
		t.Fatal(err)
	}
	b, _ = st.Board(ctx, fx.admin, BoardQuery{At: at})
	if n := boardCount(b); n != 1 {
		t.Errorf("with her customer deleted: %d", n)
	}
	if _, _, err := st.CustomerOpportunities(ctx, fx.admin, fx.mine, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted customer's opportunities: %v", err)
	}
}

func boardCount(b *Board) int {
	n := 0
	for _, c := range b.Columns {
		n += c.Count
	}
	return n
}

func TestBoardColumnsCapsAndClosedQuarter(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	for i := range 5 {
		fx.opp(t, "Açık "+string(rune('A'+i)), fx.mine, "Görüşme", int64(1000*(i+1)), "2031-06-0"+string(rune('1'+i)), nil)
	}
	fx.opp(t, "Dolar", fx.mine, "Görüşme", 700, "2031-06-09", Values{"currency": "USD"})
	fx.opp(t, "Kazanılan", fx.mine, "Kazanıldı", 4200, "2031-06-09", nil)
	b, err := st.Board(ctx, fx.admin, BoardQuery{PerStage: 3})
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) BoardColumn {
		for _, c := range b.Columns {
			if c.Stage.Name == name {
				return c
			}
		}
		t.Fatalf("no column %s", name)
		return BoardColumn{}
	}
	g := col("Görüşme")
	if len(g.Cards) != 3 || g.Count != 6 || g.Cards[0].Title != "Açık A" || g.Cards[0].Customer != "Benim Müşterim A.Ş." {
		t.Errorf("a capped column: %d cards of %d, first %+v", len(g.Cards), g.Count, g.Cards[0])
	}
	if len(g.Totals) != 2 || g.Totals[0] != (Amount{"TRY", 15000}) || g.Totals[1] != (Amount{"USD", 700}) {
		t.Errorf("totals per currency, lira first: %+v", g.Totals)
	}
	if w := col("Kazanıldı"); w.Count != 1 || w.Totals[0].Minor != 4200 {
		t.Errorf("won this quarter: %+v", w)
	}
	// A year on, the won column is empty and the open ones are as they were.
	b, err = st.Board(ctx, fx.admin, BoardQuery{At: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if w := col("Kazanıldı"); w.Count != 0 || len(w.Cards) != 0 {
		t.Errorf("won a year ago: %+v", w)
	}
	if g := col("Görüşme"); g.Count != 6 {
		t.Errorf("open a year on: %d", g.Count)
	}
	if _, err := st.Board(ctx, fx.admin, BoardQuery{Who: "nobody"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("a bad owner filter: %v", err)
	}
}

func TestForecastArithmetic(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	// 31 May 2031 23:30 in Istanbul is still May there (20:30 UTC).
	at := time.Date(2031, 5, 31, 20, 30, 0, 0, time.UTC)
	fx.opp(t, "Mayıs Görüşme", fx.mine, "Görüşme", 33333, "2031-05-31", nil) // 25 %: 8333,25
	fx.opp(t, "Mayıs Teklif", fx.mine, "Teklif", 10001, "2031-05-01", nil)   // 50 %: 5000,5
	fx.opp(t, "Haziran Pazarlık", fx.mine, "Pazarlık", 200000, "2031-06-30", nil)
	fx.opp(t, "Nisan Yeni", fx.mine, "Yeni", 100000, "2031-04-01", nil)
	fx.opp(t, "Temmuz", fx.mine, "Pazarlık", 999999, "2031-07-01", nil)
	fx.opp(t, "Mart", fx.mine, "Pazarlık", 999999, "2031-03-31", nil)
	fx.opp(t, "Kazanılan Mayıs", fx.mine, "Kazanıldı", 777777, "2031-05-15", nil)
	fx.opp(t, "Euro", fx.mine, "Teklif", 1001, "2031-05-20", Values{"currency": "EUR"})
	fx.opp(t, "Tutarsız", fx.mine, "Teklif", 0, "2031-05-21", Values{"amount": nil})
	f, err := st.Forecast(ctx, fx.admin, ForecastQuery{At: at})
	if err != nil {
		t.Fatal(err)
	}
	wantStart := time.Date(2031, 5, 1, 0, 0, 0, 0, tr.Istanbul)
	if !f.MonthStart.Equal(wantStart) || !f.QuarterStart.Equal(time.Date(2031, 4, 1, 0, 0, 0, 0, tr.Istanbul)) ||
		!f.QuarterEnd.Equal(time.Date(2031, 7, 1, 0, 0, 0, 0, tr.Istanbul)) {
		t.Errorf("periods: %v %v %v", f.MonthStart, f.QuarterStart, f.QuarterEnd)
	}
	// May: 33333 × 25 % + 10001 × 50 % = 8333,25 + 5000,5 = 13333,75 → 13334.
	wantMonth := []ForecastLine{{"TRY", 3, 43334, 13334}, {"EUR", 1, 1001, 501}}
	if len(f.Month) != 2 || f.Month[0] != wantMonth[0] || f.Month[1] != wantMonth[1] {
		t.Errorf("month: %+v, want %+v", f.Month, wantMonth)
	}
	// The quarter adds June's 200000 × 75 % and April's 100000 × 10 %.
	wantQuarter := ForecastLine{"TRY", 5, 343334, 13334 + 150000 + 10000}
	if len(f.Quarter) != 2 || f.Quarter[0] != wantQuarter {
		t.Errorf("quarter: %+v, want %+v", f.Quarter, wantQuarter)
	}
	if percentOf(50) != 1 || percentOf(49) != 0 || percentOf(-50) != -1 || percentOf(150) != 2 {
		t.Error("percentOf rounds half away from zero")
	}
}

func TestCustomerOpportunitiesOrder(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	fx.opp(t, "Kaybedilen", fx.mine, "Kaybedildi", 1, "2031-01-01", Values{"lost_reason": "Bütçe yok"})
	fx.opp(t, "Geç", fx.mine, "Yeni", 1, "2031-09-01", nil)
	fx.opp(t, "Erken", fx.mine, "Teklif", 1, "2031-02-01", nil)
	recs, more, err := st.CustomerOpportunities(ctx, fx.me, fx.mine, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !more || len(recs) != 2 || recs[0].Title() != "Erken" || recs[1].Title() != "Geç" {
		t.Errorf("open first by close: %v, more %v", titlesOf(recs), more)
	}
	if recs[0].Refs["stage_id"] != "Teklif" {
		t.Errorf("the stage's name: %v", recs[0].Refs)
	}
	if _, _, err := st.CustomerOpportunities(ctx, fx.me, fx.other, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("another's customer: %v", err)
	}
}

func titlesOf(recs []*Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Title())
	}
	return out
}

// A role may show the whole pipeline but let one change only one's own:
// the board marks which cards the actor may move.
func TestBoardCardsSayWhichTheActorMayEdit(t *testing.T) {
	t.Parallel()
	fx := newOppFixture(t)
	ctx, st := fx.ctx, fx.st
	fx.opp(t, "Benim fırsatım", fx.mine, "Görüşme", 1000, "2031-06-01", nil)
	fx.opp(t, "Başkasının fırsatı", fx.other, "Görüşme", 2000, "2031-06-02", nil)
	viewer := fx.role(t, "Her şeyi görür, kendininkini değiştirir", Permissions{Grants: map[string]map[string]string{
		"customers":     {"read": "all", "edit": "own"},
		"opportunities": {"read": "all", "edit": "own"}}})
	me := fx.actor(t, fx.user(t, "İzleyen Satışçı", fx.depts["sales"], nil, viewer))
	if _, _, err := st.Update(ctx, fx.admin, Customers, fx.mine, Values{"owner_id": me.UserID}); err != nil {
		t.Fatal(err)
	}
	editable := func(a *Actor) map[string]bool {
		t.Helper()
		b, err := st.Board(ctx, a, BoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, c := range b.Columns {
			for _, card := range c.Cards {
				out[card.Title] = card.Editable
			}
		}
		return out
	}
	if got := editable(me); len(got) != 2 || !got["Benim fırsatım"] || got["Başkasının fırsatı"] {
		t.Errorf("viewer's cards: %v; want both, only their own editable", got)
	}
	if got := editable(fx.admin); !got["Benim fırsatım"] || !got["Başkasının fırsatı"] {
		t.Errorf("administrator's cards: %v; want all editable", got)
	}
}
