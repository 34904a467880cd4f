package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The sales pipeline in the real binary: an opportunity made from the
// customer's page shows on the board; dragged to another stage it moves
// there and the columns' counts, totals and the forecast follow; without
// dragging, the card's edit form moves it too; a lost stage asks for the
// reason.

// The seeded stages' ids (migration 0016).
const (
	stageNew, stageMeeting, stageQuote, stageNegotiation, stageWon, stageLost = 1, 2, 3, 4, 5, 6
)

func TestOpportunitiesInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	cust := seedCustomer(t, w, "company", url.Values{"title": {"Çağlar Tekstil A.Ş."}, "province": {"Bursa"}})
	page := fmt.Sprintf("/customers/%d", cust)

	// From the customer's page: the form knows the customer and comes back.
	b.open(page, 200)
	b.waitVisible("#opportunities")
	b.submit("#opportunity-new", 200)
	b.wantPath("/opportunities/new")
	if got := b.text("#f-customer_id"); got != "Çağlar Tekstil A.Ş." {
		t.Errorf("the form's customer: %q", got)
	}
	today := time.Now().Format("2006-01-02")
	b.setValue("#f-title", "Forklift kiralama")
	b.setValue("#f-amount", "200.000")
	b.setValue("#f-expected_close", today)
	b.submit("#record-save", 200)
	b.wantPath(page)
	if got := b.text("#customer-opportunities"); !strings.Contains(got, "Forklift kiralama") || !strings.Contains(got, "200.000,00 ₺") || !strings.Contains(got, "Yeni") {
		t.Errorf("the customer's opportunities: %q", got)
	}
	href, _ := b.attr("#customer-opportunities a", "href")
	id := strings.TrimPrefix(href, "/opportunities/")
	card := "#opp-" + id

	// On the board, in Yeni, weighed at 10 %.
	b.open("/opportunities/board", 200)
	b.waitVisible(fmt.Sprintf("#stage-%d %s", stageNew, card))
	b.wantColumn(stageNew, "1 fırsat", "200.000,00 ₺")
	if got := b.text("#forecast"); !strings.Contains(got, "Ağırlıklı tahmin 20.000,00 ₺ · 1 açık fırsat, toplam 200.000,00 ₺") {
		t.Errorf("the forecast at 10 %%: %q", got)
	}

	// Dragged to Teklif: moved, the totals and the forecast (50 %) follow.
	b.dragCard(card, stageQuote)
	b.wantColumn(stageNew, "0 fırsat", "0,00 ₺")
	b.wantColumn(stageQuote, "1 fırsat", "200.000,00 ₺")
	if got := b.text("#forecast"); !strings.Contains(got, "Ağırlıklı tahmin 100.000,00 ₺") {
		t.Errorf("the forecast at 50 %%: %q", got)
	}
	if got := b.flashOK(); got != "Fırsat taşındı." {
		t.Errorf("the move's message: %q", got)
	}
	b.screenshot("board-after-drag")

	// Without dragging: the card's edit form, its stage field.
	b.submit(card+" .oppedit", 200)
	b.wantPath("/opportunities/" + id + "/edit")
	b.setValue("#f-stage_id", fmt.Sprint(stageNegotiation))
	b.submit("#record-save", 200)
	b.wantPath("/opportunities/" + id)
	b.open("/opportunities/board", 200)
	b.waitVisible(fmt.Sprintf("#stage-%d %s", stageNegotiation, card))
	b.wantColumn(stageQuote, "0 fırsat", "0,00 ₺")
	b.wantColumn(stageNegotiation, "1 fırsat", "200.000,00 ₺")

	// A lost stage asks why; without a reason the card stays.
	eval[bool](b, `(() => { window.prompt = () => ""; return true; })()`)
	b.dropOnly(card, stageLost)
	if !b.exists(fmt.Sprintf("#stage-%d %s", stageNegotiation, card)) {
		t.Error("the card left without a reason")
	}
	eval[bool](b, `(() => { window.prompt = () => "Rakip daha ucuz"; return true; })()`)
	b.dragCard(card, stageLost)
	b.wantColumn(stageLost, "1 fırsat", "200.000,00 ₺")
	if got := b.text("#forecast"); strings.Contains(got, "200.000,00") {
		t.Errorf("a lost opportunity still in the forecast: %q", got)
	}
	b.open("/opportunities/"+id, 200)
	if got := b.text("dl.details"); !strings.Contains(got, "Rakip daha ucuz") || !strings.Contains(got, "Kaybedildi") {
		t.Errorf("the lost opportunity's page: %q", got)
	}
	if got := b.text("#history"); !strings.Contains(got, "Kaybedildi") {
		t.Errorf("the move is in the history: %q", got)
	}
	b.wantNoConsoleErrors()
}

// wantColumn checks a board column's count and totals.
func (b *browser) wantColumn(stage int, count, total string) {
	b.t.Helper()
	if got := b.text(fmt.Sprintf("#stage-%d-count", stage)); got != count {
		b.t.Errorf("stage %d counts %q, want %q", stage, got, count)
	}
	if got := b.text(fmt.Sprintf("#stage-%d-total", stage)); got != total {
		b.t.Errorf("stage %d totals %q, want %q", stage, got, total)
	}
}

// dropOnly drags the card onto a stage's column as a person does with the
// mouse: dragstart on the card, dragover and drop on the column.
func (b *browser) dropOnly(card string, stage int) {
	b.t.Helper()
	eval[bool](b, `(() => {
		window.__beforeMove = true;
		const card = document.querySelector(`+jsString(card)+`);
		const col = document.querySelector("#stage-`+fmt.Sprint(stage)+`");
		const dt = new DataTransfer();
		card.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		col.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt}));
		col.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		card.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
		return true; })()`)
}

// dragCard drops the card on the column and waits for the board to come
// back from the server with it there.
func (b *browser) dragCard(card string, stage int) {
	b.t.Helper()
	b.dropOnly(card, stage)
	// The page reloads meanwhile, which interrupts any one evaluation:
	// ask again until the new page answers.
	expr := fmt.Sprintf(`!window.__beforeMove && document.readyState === "complete" && !!document.querySelector("#stage-%d %s")`, stage, card)
	deadline := time.Now().Add(actionTimeout)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && done {
			break
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the board did not come back with %s in stage %d: %v", card, stage, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.checkPage("the board after a move")
}
