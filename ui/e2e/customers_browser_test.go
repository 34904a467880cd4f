package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The customer pages in a browser: the generated record form and its
// errors, the 360° page with contacts and assets, lead conversion, the
// lists with their filters, sorting, columns, saved views, bulk actions and
// paging, the global search and its "/" key, the phone lookup, the recycle
// bin, and the same pages at a phone's width.
//
// Every page a test opens is checked with checkPage: no catalogue key such
// as "field.customers.tckn" shows instead of its text, and nothing refers
// to another host. At the end of each test the browser must have logged no
// error but the HTTP statuses the test caused on purpose.

// Valid and invalid identity numbers (their check digits are computed by
// hand, not by the code under test).
const (
	validTCKN  = "12345678950"
	wrongTCKN  = "12345678951" // the last check digit is off by one
	validVKN1  = "1234567018"
	validVKN2  = "1234567026"
	sukruPhone = "0532 123 45 67"
)

// rawKey matches a catalogue key that reached the page untranslated.
var rawKey = regexp.MustCompile(`\b(field|choice|error|list|bulk|record|contacts|convert|search|lookup|recycle|views|module|nav|form)\.[a-z_]+\b`)

// checkPage fails the test if the page shows a raw catalogue key, in its
// text (hidden text too: closed menus, option lists, labels for screen
// readers), its title, or the attributes people read (placeholder, title,
// aria-label, alt, confirmation questions); or refers to another host.
func (b *browser) checkPage(what string) {
	b.t.Helper()
	text := eval[string](b, `(() => {
		const out = [document.title, document.body.textContent];
		for (const e of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], [data-confirm], [data-delete-confirm]")) {
			for (const a of ["placeholder", "title", "aria-label", "alt", "data-confirm", "data-delete-confirm"]) {
				if (e.hasAttribute(a)) out.push(e.getAttribute(a));
			}
		}
		return out.join("\n"); })()`)
	if keys := rawKey.FindAllString(text, 5); len(keys) > 0 {
		b.t.Errorf("%s (%s) shows untranslated catalogue keys: %q", what, b.path(), keys)
	}
	b.wantOwnOriginLinks(what)
}

// wantOwnOriginLinks is assertOwnOrigin for pages that show customers'
// data: tel: and mailto: links open the office's phone or mail program, and
// a customer's web site is a link in its details or a list cell; every
// other address must be the server's.
func (b *browser) wantOwnOriginLinks(what string) {
	b.t.Helper()
	refs := eval[[]string](b, `(() => {
		const out = [];
		for (const e of document.querySelectorAll("link[href], script[src], img[src], a[href], form[action], iframe[src], source[src], video[src], audio[src], [style]")) {
			// A customer's web site, shown as a link among its details.
			if (e.matches("dl.details a, table.list td a")) continue;
			for (const a of ["href", "src", "action"]) {
				if (e.hasAttribute(a)) out.push(e.getAttribute(a));
			}
			if (e.hasAttribute("style") && /url\(/i.test(e.getAttribute("style"))) out.push("style:" + e.getAttribute("style"));
		}
		return out; })()`)
	base, _ := url.Parse(b.location())
	for _, ref := range refs {
		u, err := url.Parse(ref)
		if strings.HasPrefix(ref, "style:") || err != nil {
			b.t.Errorf("%s: bad address or inline url(): %q", what, ref)
			continue
		}
		u = base.ResolveReference(u)
		switch u.Scheme {
		case "tel", "mailto", "data":
		case "http", "https":
			if u.Host != base.Host {
				b.t.Errorf("%s (%s) refers to another host: %s", what, base.Path, ref)
			}
		default:
			b.t.Errorf("%s (%s) has an address with scheme %q: %s", what, base.Path, u.Scheme, ref)
		}
	}
}

// wantInsideCards fails the test if, at a phone's width, something in
// the page's content sticks out of its card or of the content column (a
// long e-mail address that does not wrap), though the page as a whole
// may not scroll: tables inside their own .tablewrap may.
func (b *browser) wantInsideCards(what string) {
	b.t.Helper()
	out := eval[[]string](b, `(() => {
		const out = [];
		const main = document.querySelector("main").getBoundingClientRect();
		for (const e of document.querySelectorAll("main *")) {
			if (e.closest(".tablewrap") || getComputedStyle(e).position === "fixed") continue;
			const box = e.closest(".card") || document.querySelector("main");
			const r = e.getBoundingClientRect(), c = box === e ? main : box.getBoundingClientRect();
			if (r.width > 0 && (r.right > c.right + 0.5 || r.right > main.right + 0.5)) {
				out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).replace(/ /g, ".") : "") +
					" right=" + Math.round(r.right) + " box=" + Math.round(c.right) + " " + JSON.stringify((e.innerText || "").slice(0, 40)));
			}
		}
		return out.slice(0, 8); })()`)
	if len(out) > 0 {
		b.t.Errorf("%s: at %d px these stick out of their card: %s", what, b.viewportWidth, strings.Join(out, "; "))
	}
}

// pressKey presses and releases one key as a keyboard does: the keydown
// carries the text, so a keydown handler that prevents the default also
// prevents the typing (chromedp.KeyEvent sends the text as a separate
// event, which no handler can stop).
func (b *browser) pressKey(key, code string, keyCode int64) {
	b.t.Helper()
	b.run("press "+key, chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code, Text: key, UnmodifiedText: key, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}
		if _, err := cdp.Call(ctx, tab, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}
		_, err := cdp.Call(ctx, tab, input.DispatchKeyEvent, up)
		return err
	}))
}

// pressSlash presses the "/" key.
func (b *browser) pressSlash() { b.t.Helper(); b.pressKey("/", "Slash", 191) }

// open navigates to a page, wants the status and checks it with checkPage.
func (b *browser) open(path string, wantStatus int) {
	b.t.Helper()
	if status := b.navigate(path); status != wantStatus {
		b.t.Fatalf("GET %s answered %d, want %d (page %s)", path, status, wantStatus, b.path())
	}
	b.checkPage(path)
}

// submit clicks a submit button (or link), wants the status of the page
// that follows and checks that page.
func (b *browser) submit(sel string, wantStatus int) {
	b.t.Helper()
	from := b.path()
	if status := b.clickAndWait(sel); status != wantStatus {
		msg := ""
		if b.exists(".flash-error") {
			msg = b.text(".flash-error")
		}
		b.t.Fatalf("clicking %s on %s answered %d %q, want %d (now at %s)", sel, from, status, msg, wantStatus, b.path())
	}
	b.checkPage("after clicking " + sel + " on " + from)
}

// flashOK is the text of the confirmation the page shows, "" if none.
func (b *browser) flashOK() string {
	b.t.Helper()
	if !b.exists(".flash-ok") {
		return ""
	}
	return b.text(".flash-ok")
}

// wantFlash fails the test unless the page confirms with want.
func (b *browser) wantFlash(want string) {
	b.t.Helper()
	if got := b.flashOK(); got != want {
		b.t.Errorf("confirmation on %s reads %q, want %q", b.path(), got, want)
	}
}

// recordID is the id in the page's address /module/{id}.
func (b *browser) recordID(module string) int64 {
	b.t.Helper()
	u, err := url.Parse(b.location())
	if err != nil {
		b.t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(u.Path, "/"+module+"/")
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil {
		b.t.Fatalf("page %s is not a record of %s", u.Path, module)
	}
	return id
}

// review saves a screenshot for a person to look at when
// $KOBICRM_SCREENSHOTS is set (a review run); ordinary runs save none.
func (b *browser) review(name string) {
	b.t.Helper()
	if os.Getenv("KOBICRM_SCREENSHOTS") == "" {
		return
	}
	b.t.Logf("screenshot: %s", b.screenshot(name))
}

// expect fails the test with the message unless ok.
func expect(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
}

// dialogs answers the page's JavaScript dialogs (window.confirm) and
// remembers their messages.
type dialogs struct {
	mu      sync.Mutex
	msgs    []string
	dismiss bool
}

// answerDialogs makes the browser accept every dialog from now on, until
// dismissNext is called.
func (b *browser) answerDialogs() *dialogs {
	b.t.Helper()
	d := &dialogs{}
	events := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	tab := b.tab
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.msgs = append(d.msgs, ev.Message)
			accept := !d.dismiss
			d.dismiss = false
			d.mu.Unlock()
			ctx, cancel := context.WithTimeout(tab, actionTimeout)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
			cancel()
		}
	}()
	return d
}

// dismissNext makes the next dialog be answered "Cancel".
func (d *dialogs) dismissNext() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dismiss = true
}

// last is the message of the latest dialog, "" if none opened.
func (d *dialogs) last() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.msgs) == 0 {
		return ""
	}
	return d.msgs[len(d.msgs)-1]
}

func (d *dialogs) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.msgs)
}

// listColumn reads the cells of the list column whose header is label, top
// to bottom; it fails the test when the list has no such column.
func (b *browser) listColumn(label string) []string {
	b.t.Helper()
	cells := eval[[]string](b, `(() => {
		const ths = [...document.querySelectorAll("table.list thead th")];
		const i = ths.findIndex(th => th.innerText.replace(/[▲▼]/g, "").trim() === `+jsString(label)+`);
		if (i < 0) return ["\u0000missing"];
		return [...document.querySelectorAll("table.list tbody tr")].map(tr => tr.children[i].innerText.trim()); })()`)
	if len(cells) == 1 && cells[0] == "\x00missing" {
		b.t.Fatalf("the list on %s has no column %q; its columns are %q", b.path(), label, b.listHeaders())
	}
	return cells
}

// listHeaders are the column headers of the list, without the sort arrows
// and the selection column.
func (b *browser) listHeaders() []string {
	b.t.Helper()
	return eval[[]string](b, `[...document.querySelectorAll("table.list thead th[scope=col]")].map(th => th.innerText.replace(/[▲▼]/g, "").trim())`)
}

// listNames are the titles in the first column of the list.
func (b *browser) listNames() []string {
	b.t.Helper()
	if !b.exists("table.list") {
		return nil
	}
	return b.listColumn("Ad / ünvan")
}

// tickRow ticks the selection box of the list row titled name.
func (b *browser) tickRow(name string) {
	b.t.Helper()
	id := eval[string](b, `(() => {
		for (const tr of document.querySelectorAll("#bulk-form tbody tr")) {
			const a = tr.querySelector("td:nth-child(2) a");
			if (a && a.innerText.trim() === `+jsString(name)+`) return tr.querySelector("input[name=ids]").value;
		}
		return ""; })()`)
	if id == "" {
		b.t.Fatalf("no row %q in the list on %s: %q", name, b.path(), b.listNames())
	}
	b.click(`input[name=ids][value="` + id + `"]`)
}

// rowCells are the texts of the cells of the list row titled name, by
// column header.
func (b *browser) rowCells(name string) map[string]string {
	b.t.Helper()
	cells := eval[map[string]string](b, `(() => {
		const heads = [...document.querySelectorAll("table.list thead th")].map(th => th.innerText.replace(/[▲▼]/g, "").trim());
		for (const tr of document.querySelectorAll("table.list tbody tr")) {
			if (tr.children[1] && tr.children[1].innerText.trim() === `+jsString(name)+`) {
				const out = {};
				[...tr.children].forEach((td, i) => { if (heads[i]) out[heads[i]] = td.innerText.trim(); });
				return out;
			}
		}
		return {}; })()`)
	if len(cells) == 0 {
		b.t.Fatalf("no row %q in the list on %s: %q", name, b.path(), b.listNames())
	}
	return cells
}

// trAlphabet is the Turkish alphabet (with q, w, x) in its order.
const trAlphabet = "abcçdefgğhıijklmnoöprsştuüvwxyz"

// trLess orders two names the way a Turkish phone book does: c < ç < d,
// ı < i, o < ö < p, s < ş < t, u < ü < v; case does not matter. It is the
// test's own, so that the product's collation is checked, not reused.
func trLess(a, b string) bool {
	rank := func(r rune) int {
		if i := strings.IndexRune(trAlphabet, r); i >= 0 {
			return 1000 + len([]rune(trAlphabet[:i]))
		}
		return int(r)
	}
	lower := func(s string) []rune {
		s = strings.NewReplacer("I", "ı", "İ", "i").Replace(s)
		return []rune(strings.ToLower(s))
	}
	ra, rb := lower(a), lower(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if x, y := rank(ra[i]), rank(rb[i]); x != y {
			return x < y
		}
	}
	return len(ra) < len(rb)
}

// trSorted tells whether names are in Turkish alphabetical order.
func trSorted(names []string) bool {
	for i := 1; i < len(names); i++ {
		if trLess(names[i], names[i-1]) {
			return false
		}
	}
	return true
}

// seedCustomer creates a customer over HTTP, as the new-customer form
// would, and returns its id.
func seedCustomer(t testing.TB, w *webClient, kind string, fields url.Values) int64 {
	t.Helper()
	form := url.Values{"kind": {kind}}
	for k, v := range fields {
		form[k] = v
	}
	if form.Get("stage") == "" {
		form.Set("stage", "customer")
	}
	p := w.submit("/customers/new?kind="+kind, "/customers", form)
	rest, ok := strings.CutPrefix(p.Path, "/customers/")
	id, err := strconv.ParseInt(rest, 10, 64)
	if p.Status != 200 || !ok || err != nil {
		t.Fatalf("creating customer %v answered %d at %s", fields, p.Status, p.Path)
	}
	return id
}

func person(first, last, province string, more ...string) url.Values {
	v := url.Values{"first_name": {first}, "last_name": {last}, "province": {province}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

// ---------------------------------------------------------------------------

// TestCustomerFormAndContacts: a person with a wrong TCKN is refused with
// the error beside the field and every typed value kept; fixed, it is
// saved and its 360° page shows it; a company is created and the person
// added as its contact, which both pages then show.
func TestCustomerFormAndContacts(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)

	// An empty list says what to do and offers both kinds.
	b.open("/customers", 200)
	b.waitVisible("#empty-state")
	if got := b.text("#empty-state"); !strings.Contains(got, "Henüz müşteri yok") {
		t.Errorf("#empty-state reads %q", got)
	}
	b.submit(`#empty-state a[href="/customers/new?kind=person"]`, 200)
	b.wantPath("/customers/new")
	if got := b.text("main h1"); got != "Yeni bireysel müşteri" {
		t.Errorf("new-person form h1 reads %q", got)
	}
	if v, _ := b.attr(`nav.tabs a[aria-current="page"]`, "href"); !strings.Contains(v, "kind=person") {
		t.Errorf("the current kind tab links to %q, want the person form", v)
	}
	// A new customer is a customer, not a lead, unless the form was
	// opened from the leads list.
	expect(t, b.value("#f-stage") == "customer",
		"the new-customer form preselects stage %q, want customer (the declared default)", b.value("#f-stage"))

	typed := map[string]string{
		"#f-first_name":  "Şükrü",
		"#f-last_name":   "Çelik",
		"#f-tckn":        wrongTCKN,
		"#f-birth_date":  "1979-03-14",
		"#f-email":       "sukru@celikoto.com.tr",
		"#f-phone":       sukruPhone,
		"#f-province":    "İzmir",
		"#f-district":    "Karşıyaka",
		"#f-address":     "Cemal Gürsel Cd. No: 12/3",
		"#f-postal_code": "35600",
		"#f-source":      "referral",
		"#f-tags":        "vip, toptan",
		"#f-notes":       "Her ay **yağ değişimi** için gelir.\n\n- Kasko: Ağustos",
		"#f-stage":       "customer",
	}
	for sel, v := range typed {
		b.setValue(sel, v)
	}
	b.setValue(`input[name=phones_label]`, "iş")
	b.setValue(`input[name=phones_number]`, "0232 444 55 66")
	b.review("form-filled")
	b.submit("#record-save", 422)
	b.wantPath("/customers")
	b.review("form-error-desktop")

	// The summary names the field to fix, and the cursor is put in it.
	if got := b.text("#form-error"); got != "Kaydedilmedi. Şu alanları düzeltin: TC kimlik no." {
		t.Errorf("#form-error reads %q", got)
	}
	if got := eval[string](b, `document.activeElement.id`); got != "f-tckn" {
		t.Errorf("after the failed save the cursor is in %q, want f-tckn", got)
	}
	if got := b.text("#e-tckn"); got != "TC kimlik numarası geçerli değil: 11 hane, kontrol haneleri tutmalı." {
		t.Errorf("#e-tckn reads %q", got)
	}
	if v, _ := b.attr("#f-tckn", "aria-invalid"); v != "true" {
		t.Errorf("#f-tckn aria-invalid = %q, want true", v)
	}
	if v, _ := b.attr("#f-tckn", "aria-describedby"); v != "e-tckn" {
		t.Errorf("#f-tckn aria-describedby = %q, want e-tckn", v)
	}
	if !b.exists(`.field.invalid[data-field="tckn"]`) {
		t.Error("the TCKN field is not marked invalid")
	}
	if n := eval[int](b, `document.querySelectorAll(".field.invalid, p.err").length`); n != 2 {
		t.Errorf("%d invalid fields and error texts, want only the TCKN's two", n)
	}
	// The error names the field: its label is beside the message.
	if got := b.text(`.field.invalid label`); !strings.HasPrefix(got, "TC kimlik no") {
		t.Errorf("the invalid field's label reads %q", got)
	}
	for sel, want := range typed {
		if got := b.value(sel); got != want {
			t.Errorf("after the error %s holds %q, want %q as typed", sel, got, want)
		}
	}
	if got := b.value(`input[name=phones_label]`); got != "iş" {
		t.Errorf("after the error the other phone's label is %q", got)
	}
	if got := b.value(`input[name=phones_number]`); got != "0232 444 55 66" {
		t.Errorf("after the error the other phone's number is %q", got)
	}

	// Fixing the number saves the person and opens the 360° page.
	b.setValue("#f-tckn", validTCKN)
	b.submit("#record-save", 200)
	sukru := b.recordID("customers")
	if got := b.text("#record-title"); got != "Şükrü Çelik" {
		t.Errorf("#record-title = %q", got)
	}
	flash := b.flashOK()
	if flash == "" {
		t.Error("no confirmation after saving a new customer")
	}
	expect(t, flash != "Eklendi:",
		"the confirmation after creating a record reads %q, the record page's date label", flash)
	head := b.text("header.recordhead")
	for _, want := range []string{"Bireysel", "Müşteri", sukruPhone, "sukru@celikoto.com.tr", "İzmir"} {
		if !strings.Contains(head, want) {
			t.Errorf("the 360° header lacks %q: %q", want, head)
		}
	}
	if v, _ := b.attr(`header.recordhead a[href^="tel:"]`, "href"); v != "tel:+905321234567" {
		t.Errorf("the phone links to %q, want tel:+905321234567", v)
	}
	details := b.text("dl.details")
	for _, want := range []string{"TC kimlik no", validTCKN, "14.03.1979", "Karşıyaka", "35600", "Tavsiye", "vip", "toptan", "0232 444 55 66 (iş)"} {
		if !strings.Contains(details, want) {
			t.Errorf("the details lack %q: %q", want, details)
		}
	}
	if got := eval[string](b, `document.querySelector("#notes strong") ? document.querySelector("#notes strong").innerText : ""`); got != "yağ değişimi" {
		t.Errorf("the notes' Markdown bold reads %q", got)
	}
	if got := b.text("#contacts"); !strings.Contains(got, "Bu kişi bir şirkete bağlı değil.") {
		t.Errorf("#contacts of a new person reads %q", got)
	}
	b.review("customer-360-person-desktop")

	// Editing shows the saved values back.
	b.submit("#edit-record", 200)
	if got := b.value("#f-tckn"); got != validTCKN {
		t.Errorf("edit form TCKN = %q", got)
	}
	if got := b.value("#f-phone"); got != sukruPhone {
		t.Errorf("edit form phone = %q, want %q", got, sukruPhone)
	}
	if got := b.value("#f-birth_date"); got != "1979-03-14" {
		t.Errorf("edit form birth date = %q", got)
	}
	expect(t, b.value(`input[name=phones_number]`) == "0232 444 55 66",
		"the edit form shows another phone as %q, not the Turkish way", b.value(`input[name=phones_number]`))
	b.setValue("#f-district", "Bostanlı")
	b.submit("#record-save", 200)
	b.wantFlash("Kaydedildi.")
	if got := b.text("dl.details"); !strings.Contains(got, "Bostanlı") {
		t.Errorf("the edited district is not shown: %q", got)
	}

	// A company, from the list's button.
	b.open("/customers", 200)
	b.submit(`.pagehead a[href="/customers/new?kind=company"]`, 200)
	if b.exists("#f-first_name") || !b.exists("#f-title") || !b.exists("#f-vkn") {
		t.Error("the company form shows the person's fields or lacks the company's")
	}
	b.setValue("#f-title", "ISPARTA Ltd.")
	b.setValue("#f-vkn", validVKN1)
	b.setValue("#f-province", "Isparta")
	b.setValue("#f-stage", "customer")
	b.setValue("#f-phone", "0246 223 11 22")
	b.submit("#record-save", 200)
	company := b.recordID("customers")
	if got := b.text("#record-title"); got != "ISPARTA Ltd." {
		t.Errorf("company #record-title = %q", got)
	}
	if got := b.text("#contacts h2"); got != "Yetkililer ve çalışanlar" {
		t.Errorf("a company's contacts section is titled %q", got)
	}

	// Adding the person as its contact: search, choose the role, add.
	b.setValue("#contact_q", "celik")
	b.submit("#contact-search", 200)
	if got := b.value("#contact_q"); got != "celik" {
		t.Errorf("the contact search box holds %q after searching", got)
	}
	rows := eval[[]string](b, `[...document.querySelectorAll("#contacts ul.results li")].map(li => li.innerText.trim())`)
	if len(rows) != 1 || !strings.Contains(rows[0], "Şükrü Çelik") {
		t.Fatalf("contact search for \"celik\" found %q, want Şükrü Çelik only", rows)
	}
	b.setValue("#contacts ul.results select[name=role]", "accounting")
	b.submit("#contacts .add-contact", 200)
	b.wantPath(fmt.Sprintf("/customers/%d", company))
	b.wantFlash("Bağlantı kaydedildi.")
	if got := b.text("#contacts .contactrow"); !strings.Contains(got, "Şükrü Çelik") || !strings.Contains(got, "Muhasebe") || !strings.Contains(got, sukruPhone) {
		t.Errorf("the company's contact row reads %q", got)
	}
	if b.exists("#contacts ul.results") {
		t.Error("the search results still show after adding the contact")
	}
	b.review("customer-360-company-desktop")

	// A company is not a person's contact the other way round: searching
	// a company from a company finds none.
	b.setValue("#contact_q", "isparta")
	b.submit("#contact-search", 200)
	if got := b.text("#contacts"); !strings.Contains(got, "Eşleşen kayıt yok.") {
		t.Errorf("searching a company from a company's page: %q", got)
	}

	// The person's page shows the company.
	b.submit(`#contacts .contactrow a[href="/customers/`+strconv.FormatInt(sukru, 10)+`"]`, 200)
	if got := b.text("#contacts h2"); got != "Çalıştığı şirketler" {
		t.Errorf("a person's contacts section is titled %q", got)
	}
	if got := b.text("#contacts .contactrow"); !strings.Contains(got, "ISPARTA Ltd.") || !strings.Contains(got, "Muhasebe") {
		t.Errorf("the person's contact row reads %q", got)
	}

	// The list shows both, in Turkish order.
	b.open("/customers", 200)
	if got := b.listNames(); !slices.Equal(got, []string{"ISPARTA Ltd.", "Şükrü Çelik"}) {
		t.Errorf("the list shows %q", got)
	}
	cells := b.rowCells("Şükrü Çelik")
	// A phone and an e-mail carry their ETK badges: no consent yet.
	for col, want := range map[string]string{"Tür": "Bireysel", "Aşama": "Müşteri", "E-posta": "sukru@celikoto.com.tr E-posta ✗",
		"Telefon": sukruPhone + " Arama ✗ SMS ✗", "İl": "İzmir", "Etiketler": "vip toptan", "Sorumlu": adminName} {
		if cells[col] != want {
			t.Errorf("list cell %s of Şükrü Çelik = %q, want %q", col, cells[col], want)
		}
	}
	b.assertRequestsOwnOrigin()
	b.wantNoConsoleErrors("status of 422")
}

// TestLeadConversion: a lead made from the leads list is converted, with a
// new company for it; the record keeps its id, notes, tags, phone and date
// of creation, and leaves the leads list for the customers list.
func TestLeadConversion(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)

	b.open("/leads", 200)
	if got := b.text("main h1"); got != "Adaylar" {
		t.Errorf("/leads h1 = %q", got)
	}
	b.waitVisible("#empty-state")
	b.submit(`.pagehead a[href="/customers/new?kind=person&stage=lead"]`, 200)
	if got := b.value("#f-stage"); got != "lead" {
		t.Errorf("the new-lead form preselects stage %q", got)
	}
	b.setValue("#f-first_name", "Gül")
	b.setValue("#f-last_name", "Ağaoğlu")
	b.setValue("#f-phone", "0533 765 43 21")
	b.setValue("#f-source", "fair")
	b.setValue("#f-tags", "fuar2026")
	b.setValue("#f-notes", "Fuarda tanıştık. **Acil** teklif istiyor.")
	b.submit("#record-save", 200)
	lead := b.recordID("customers")
	leadURL := fmt.Sprintf("/customers/%d", lead)
	badges := b.text(".badges")
	for _, want := range []string{"Bireysel", "Aday", "Yeni"} {
		if !strings.Contains(badges, want) {
			t.Errorf("a new lead's badges %q lack %q", badges, want)
		}
	}
	created := eval[string](b, `document.querySelector(".recordfoot p.muted.small").innerText`)
	if !strings.HasPrefix(created, "Eklendi:") {
		t.Errorf("the record's dates read %q", created)
	}
	createdAt, _, _ := strings.Cut(created, " · ")

	b.open("/leads", 200)
	if got := b.listNames(); !slices.Equal(got, []string{"Gül Ağaoğlu"}) {
		t.Errorf("/leads lists %q", got)
	}
	if slices.Contains(b.listHeaders(), "Aşama") {
		t.Error("the leads list shows the stage column, which is always Aday there")
	}

	b.open(leadURL, 200)
	b.submit("#convert-lead", 200)
	b.wantPath(leadURL + "/convert")
	if got := b.text("main h1"); got != "Gül Ağaoğlu müşteriye dönüştürülüyor" {
		t.Errorf("convert h1 = %q", got)
	}
	// A wrong VKN is refused beside its field, keeping what was typed.
	b.setValue("#company_title", "Ağaoğlu Gıda A.Ş.")
	b.setValue("#company_vkn", "1234567019")
	b.setValue("#role", "management")
	b.submit("#convert-submit", 422)
	if got := b.text(".field.invalid .err"); got != "Vergi kimlik numarası geçerli değil: 10 hane, kontrol hanesi tutmalı." {
		t.Errorf("the VKN error reads %q", got)
	}
	if b.value("#company_title") != "Ağaoğlu Gıda A.Ş." || b.value("#company_vkn") != "1234567019" || b.value("#role") != "management" {
		t.Errorf("the convert form lost what was typed: %q %q %q", b.value("#company_title"), b.value("#company_vkn"), b.value("#role"))
	}
	b.setValue("#company_vkn", validVKN2)
	b.submit("#convert-submit", 200)
	b.wantPath(leadURL)
	flash := b.flashOK()
	if !strings.HasPrefix(flash, "Aday müşteriye dönüştürüldü") {
		t.Errorf("the conversion's confirmation reads %q", flash)
	}
	expect(t, !strings.Contains(flash, "yetkili olarak"),
		"the conversion's confirmation names a fixed role (\"yetkili olarak\") although Yönetim was chosen")

	// Same record, now a customer, with its history kept.
	badges = b.text(".badges")
	if !strings.Contains(badges, "Müşteri") || strings.Contains(badges, "Aday") {
		t.Errorf("after conversion the badges read %q", badges)
	}
	if b.exists("#convert-lead") {
		t.Error("the converted customer still offers conversion")
	}
	if got := b.text("#record-title"); got != "Gül Ağaoğlu" {
		t.Errorf("#record-title after conversion = %q", got)
	}
	if got := b.text("#notes .md"); got != "Fuarda tanıştık. Acil teklif istiyor." {
		t.Errorf("the notes after conversion read %q", got)
	}
	details := b.text("dl.details")
	for _, want := range []string{"fuar2026", "Fuar"} {
		if !strings.Contains(details, want) {
			t.Errorf("the details after conversion lack %q: %q", want, details)
		}
	}
	if !strings.Contains(b.text("header.recordhead"), "0533 765 43 21") {
		t.Error("the phone is gone after conversion")
	}
	dates := eval[string](b, `document.querySelector(".recordfoot p.muted.small").innerText`)
	if !strings.HasPrefix(dates, createdAt+" · ") {
		t.Errorf("the record's dates read %q after conversion, want it still %q", dates, createdAt)
	}
	if got := b.text("#contacts .contactrow"); !strings.Contains(got, "Ağaoğlu Gıda A.Ş.") || !strings.Contains(got, "Yönetim") {
		t.Errorf("the converted person's companies read %q", got)
	}

	// The new company: a customer, with the person as its contact.
	b.submit("#contacts .contactrow a", 200)
	if got := b.text("#record-title"); got != "Ağaoğlu Gıda A.Ş." {
		t.Errorf("the new company's title = %q", got)
	}
	if got := b.text(".badges"); !strings.Contains(got, "Kurumsal") || !strings.Contains(got, "Müşteri") {
		t.Errorf("the new company's badges read %q", got)
	}
	if got := b.text("dl.details"); !strings.Contains(got, validVKN2) {
		t.Errorf("the new company's details lack its VKN: %q", got)
	}
	if got := b.text("#contacts .contactrow"); !strings.Contains(got, "Gül Ağaoğlu") || !strings.Contains(got, "Yönetim") {
		t.Errorf("the new company's contacts read %q", got)
	}

	b.open("/leads", 200)
	b.waitVisible("#empty-state")
	b.open("/customers", 200)
	if got := b.listNames(); !slices.Equal(got, []string{"Ağaoğlu Gıda A.Ş.", "Gül Ağaoğlu"}) {
		t.Errorf("/customers lists %q after the conversion", got)
	}

	// A customer made from the customers list, leaving Aşama as offered,
	// is a customer.
	b.submit(`.pagehead a[href="/customers/new?kind=person"]`, 200)
	b.setValue("#f-first_name", "Kemal")
	b.setValue("#f-last_name", "Sunal")
	b.submit("#record-save", 200)
	badges = b.text(".badges")
	expect(t, strings.Contains(badges, "Müşteri") && !strings.Contains(badges, "Aday"),
		"a person saved from \"Yeni bireysel müşteri\" without touching Aşama is not a customer (badges %q)", badges)

	// Converting again is refused with a message, not an error page.
	b.navigate(leadURL + "/convert")
	b.submit("#convert-submit", 422)
	if got := b.text(".flash-error"); got != "Bu kayıt aday değil; zaten müşteri." {
		t.Errorf("converting a customer says %q", got)
	}
	b.wantNoConsoleErrors("status of 422")
}

// TestSearchLookupAssetsRecycle: "/" reaches the global search, which
// finds customers the Turkish way and assets by plate; the phone lookup
// opens the caller's page, offers a choice or a new form; an asset is
// added from the customer's page; deleted records go to the recycle bin
// and come back from it.
func TestSearchLookupAssetsRecycle(t *testing.T) {
	srv := startServer(t)
	w := newWebClient(t, srv)
	w.setup(adminName, adminEmail, adminPassword)
	sukru := seedCustomer(t, w, "person", person("Şükrü", "Çelik", "İzmir", "phone", sukruPhone, "tckn", validTCKN))
	seedCustomer(t, w, "company", url.Values{"title": {"ISPARTA Ltd."}, "vkn": {validVKN1}, "province": {"Isparta"}, "phone": {"0246 223 11 22"}})
	// The same switchboard number on purpose: the lookup offers a choice.
	// The form warns of the likely duplicate, and the seed saves anyway.
	seedCustomer(t, w, "company", url.Values{"title": {"Çiçekçi Işık"}, "province": {"Ankara"}, "phone": {"0246 223 11 22"}, "confirm_duplicate": {"1"}})

	b := newBrowser(t, srv)
	b.login(adminEmail, adminPassword)
	dlg := b.answerDialogs()

	// "/" jumps to the search box from anywhere but a field.
	b.open("/customers", 200)
	b.pressSlash()
	if got := eval[string](b, "document.activeElement.id"); got != "global-search" {
		t.Fatalf("after pressing / the focus is on %q, want #global-search", got)
	}
	if got := b.value("#global-search"); got != "" {
		t.Errorf("pressing / typed %q into the search box", got)
	}
	b.run("type isparta", chromedp.KeyEvent("isparta"))
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	_, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(kb.Enter))
	cancel()
	if err != nil {
		t.Fatalf("pressing Enter in the search box: %v", err)
	}
	b.checkPage("search for isparta")
	if u, _ := url.Parse(b.location()); u.Path != "/search" || u.Query().Get("q") != "isparta" {
		t.Fatalf("the search box led to %s", b.location())
	}
	if got := b.value("#search-q"); got != "isparta" {
		t.Errorf("the search page's box holds %q", got)
	}
	hits := eval[[]string](b, `[...document.querySelectorAll("section.searchgroup li a")].map(a => a.innerText.trim())`)
	if !slices.Equal(hits, []string{"ISPARTA Ltd."}) {
		t.Errorf("searching isparta found %q, want ISPARTA Ltd.", hits)
	}
	if got := b.text("section.searchgroup h2"); got != "Müşteriler" {
		t.Errorf("the search group is titled %q", got)
	}
	if got := b.text("section.searchgroup li"); !strings.Contains(got, "Kurumsal") || !strings.Contains(got, "0246 223 11 22") {
		t.Errorf("the hit's summary reads %q", got)
	}
	b.review("search-desktop")
	// In a field, "/" is just a character.
	b.open("/customers", 200)
	b.click("#list-q")
	b.run("type a", chromedp.KeyEvent("a"))
	b.pressSlash()
	b.run("type b", chromedp.KeyEvent("b"))
	if got := b.value("#list-q"); got != "a/b" {
		t.Errorf("typing a/b in the list's search box gave %q", got)
	}
	// Without Turkish letters, and in other cases.
	for q, want := range map[string][]string{
		"cicekci": {"Çiçekçi Işık"},
		"ISIK":    {"Çiçekçi Işık"},
		"ŞÜKRÜ":   {"Şükrü Çelik"},
		"0532 1":  {"Şükrü Çelik"},
	} {
		b.open("/search?q="+url.QueryEscape(q), 200)
		if got := eval[[]string](b, `[...document.querySelectorAll("section.searchgroup li a")].map(a => a.innerText.trim())`); !slices.Equal(got, want) {
			t.Errorf("searching %q found %q, want %q", q, got, want)
		}
	}
	b.open("/search?q=yokboyle", 200)
	if got := b.text("#search-empty"); !strings.Contains(got, "“yokboyle” için sonuç yok.") {
		t.Errorf("an empty search says %q", got)
	}

	// The phone lookup: one match opens it, in any format.
	b.open("/lookup", 200)
	b.setValue("#lookup-phone", "+90 (532) 123-4567")
	b.submit(`form[action="/lookup"] button[type=submit]`, 200)
	b.wantPath(fmt.Sprintf("/customers/%d", sukru))
	// Two customers share the company number: a choice.
	b.open("/lookup?phone="+url.QueryEscape("02462231122"), 200)
	b.wantPath("/lookup")
	choice := eval[[]string](b, `[...document.querySelectorAll("main section.card li a")].map(a => a.innerText.trim())`)
	if !slices.Equal(choice, []string{"Çiçekçi Işık", "ISPARTA Ltd."}) {
		t.Errorf("the lookup of a shared number offers %q", choice)
	}
	// No match: the new-customer form with the number filled in.
	b.open("/lookup?phone=05559876543", 200)
	b.wantPath("/customers/new")
	if got := b.value("#f-phone"); got != "0555 987 65 43" {
		t.Errorf("the new-customer form from the lookup has phone %q", got)
	}
	// A number that cannot be one says so.
	b.open("/lookup?phone=12ab", 422)
	if got := b.text("main p.err"); !strings.HasPrefix(got, "Geçerli bir Türkiye telefon numarası yazın") {
		t.Errorf("a bad lookup number says %q", got)
	}

	// An asset from the customer's page.
	b.open(fmt.Sprintf("/customers/%d", sukru), 200)
	if got := b.text("#assets"); !strings.Contains(got, "Bu müşterinin kayıtlı varlığı yok.") {
		t.Errorf("#assets of a customer without any reads %q", got)
	}
	b.submit(`header.recordhead a[href="/assets/new?customer_id=`+strconv.FormatInt(sukru, 10)+`"]`, 200)
	b.wantPath("/assets/new")
	if got := b.text("#f-customer_id"); got != "Şükrü Çelik" {
		t.Errorf("the new asset's customer reads %q", got)
	}
	b.setValue("#f-name", "Fiat Egea 1.4")
	b.setValue("#f-kind", "vehicle")
	b.setValue("#f-plate", "34 abc 123")
	b.setValue("#f-serial_no", "zfa35600006a12345")
	b.submit("#record-save", 200)
	asset := b.recordID("assets")
	if got := b.text("#record-title"); got != "Fiat Egea 1.4" {
		t.Errorf("the asset's title = %q", got)
	}
	if got := b.text("dl.details"); !strings.Contains(got, "34 ABC 123") || !strings.Contains(got, "ZFA35600006A12345") || !strings.Contains(got, "Şükrü Çelik") {
		t.Errorf("the asset's details read %q", got)
	}
	b.open(fmt.Sprintf("/customers/%d", sukru), 200)
	if got := b.text("#assets table"); !strings.Contains(got, "Fiat Egea 1.4") || !strings.Contains(got, "34 ABC 123") || !strings.Contains(got, "Araç") {
		t.Errorf("the customer's assets read %q", got)
	}
	b.open("/search?q=34abc123", 200)
	hits = eval[[]string](b, `[...document.querySelectorAll("section.searchgroup li a")].map(a => a.innerText.trim())`)
	if !slices.Equal(hits, []string{"Fiat Egea 1.4"}) {
		t.Errorf("searching 34abc123 found %q, want the Fiat", hits)
	}
	if got := b.text("section.searchgroup h2"); got != "Varlıklar" {
		t.Errorf("the plate's search group is titled %q", got)
	}

	// Deleting asks first; "Cancel" keeps the record.
	b.open(fmt.Sprintf("/customers/%d", sukru), 200)
	dlg.dismissNext()
	b.click("#delete-record")
	if dlg.count() != 1 || dlg.last() != "Bu kayıt geri dönüşüm kutusuna taşınsın mı?" {
		t.Errorf("deleting asked %d times, last %q", dlg.count(), dlg.last())
	}
	b.wantPath(fmt.Sprintf("/customers/%d", sukru))
	// Accepted, the record goes to the recycle bin at once.
	b.submit("#delete-record", 200)
	b.wantPath("/customers")
	b.wantFlash("Kayıt geri dönüşüm kutusuna taşındı.")
	if got := b.listNames(); slices.Contains(got, "Şükrü Çelik") {
		t.Errorf("the list still shows the deleted customer: %q", got)
	}
	if status := b.navigate(fmt.Sprintf("/customers/%d", sukru)); status != 404 {
		t.Errorf("a deleted customer's page answered %d, want 404", status)
	}
	b.checkPage("a deleted customer's page")
	b.open("/search?q=sukru", 200)
	if b.exists("section.searchgroup") {
		t.Error("the search still finds the deleted customer")
	}

	// Without JavaScript's question the server asks on a page of its own.
	b.open(fmt.Sprintf("/assets/%d", asset), 200)
	eval[bool](b, `(() => { document.querySelector("form[data-confirm]").removeAttribute("data-confirm"); return true; })()`)
	b.submit("#delete-record", 200)
	b.wantPath(fmt.Sprintf("/assets/%d/delete", asset))
	if got := b.text("main h1"); got != "Fiat Egea 1.4 silinsin mi?" {
		t.Errorf("the confirmation page asks %q", got)
	}
	b.review("confirm-page")
	b.submit("#confirm-submit", 200)
	b.wantPath("/assets")
	b.wantFlash("Kayıt geri dönüşüm kutusuna taşındı.")

	// The recycle bin: restore the customer, purge the asset.
	b.open("/recycle", 200)
	binRows := eval[[]string](b, `[...document.querySelectorAll("main table.list tbody tr td:first-child")].map(td => td.innerText.trim())`)
	if !slices.Contains(binRows, "Şükrü Çelik") || !slices.Contains(binRows, "Fiat Egea 1.4") {
		t.Fatalf("the recycle bin lists %q", binRows)
	}
	b.review("recycle-desktop")
	b.submit(`form[action="/recycle/customers/`+strconv.FormatInt(sukru, 10)+`/restore"] button.restore`, 200)
	b.wantPath("/recycle")
	b.wantFlash("Kayıt geri alındı.")
	b.submit(`form[action="/recycle/assets/`+strconv.FormatInt(asset, 10)+`/purge"] button.danger`, 200)
	if got := dlg.last(); got != "Kalıcı olarak silinsin mi? Geri alınamaz." {
		t.Errorf("purging asked %q", got)
	}
	b.wantFlash("Kayıt kalıcı olarak silindi.")
	b.waitVisible("#recycle-empty")

	b.open(fmt.Sprintf("/customers/%d", sukru), 200)
	if got := b.text("#record-title"); got != "Şükrü Çelik" {
		t.Errorf("the restored customer's title = %q", got)
	}
	if got := b.text("#assets"); !strings.Contains(got, "Bu müşterinin kayıtlı varlığı yok.") {
		t.Errorf("the purged asset still shows: %q", got)
	}
	b.open("/customers", 200)
	if got := b.listNames(); !slices.Contains(got, "Şükrü Çelik") {
		t.Errorf("the restored customer is not listed: %q", got)
	}
	b.open("/search?q=sukru", 200)
	if got := b.text("section.searchgroup li a"); got != "Şükrü Çelik" {
		t.Errorf("the restored customer is not found by the search: %q", got)
	}
	b.assertRequestsOwnOrigin()
	b.wantNoConsoleErrors("status of 404", "status of 422")
}

// TestCustomerListTools: the list in Turkish name order, a province filter,
// sorting by a column header, the per-user column choice, a saved view,
// bulk tagging, and paging.
func TestCustomerListTools(t *testing.T) {
	srv := startServer(t)
	w := newWebClient(t, srv)
	w.setup(adminName, adminEmail, adminPassword)
	// Each first letter tells a byte order from the Turkish one.
	people := [][3]string{
		{"Zeynep", "Ağ", "Zonguldak"},
		{"Çağla", "Şahin", "İzmir"},
		{"Cem", "Öztürk", "Ankara"},
		{"İlker", "Ünal", "İzmir"},
		{"Irmak", "Yıldız", "Isparta"},
		{"Ömer", "Işık", "Çanakkale"},
		{"Şule", "Doğan", "İzmir"},
		{"Umut", "Ekinci", "Denizli"},
		{"Oğuz", "Kaya", "Ankara"},
	}
	for i, p := range people {
		seedCustomer(t, w, "person", person(p[0], p[1], p[2], "email", fmt.Sprintf("kisi%d@ornek.com.tr", i+1)))
	}
	// A lead shows in the customers list too, and in the leads list.
	seedCustomer(t, w, "person", person("Bora", "Aday", "Ankara", "stage", "lead"))

	b := newBrowser(t, srv)
	b.login(adminEmail, adminPassword)
	b.open("/customers", 200)
	names := b.listNames()
	want := []string{"Bora Aday", "Cem Öztürk", "Çağla Şahin", "Irmak Yıldız", "İlker Ünal", "Oğuz Kaya", "Ömer Işık", "Şule Doğan", "Umut Ekinci", "Zeynep Ağ"}
	if !slices.Equal(names, want) {
		t.Errorf("the list shows %q, want the Turkish order %q", names, want)
	}
	if v, _ := b.attr("table.list thead th a[aria-sort]", "aria-sort"); v != "ascending" {
		t.Errorf("the sorted header's aria-sort = %q", v)
	}
	b.review("list-desktop")

	// A province filter narrows the list, in the same order.
	b.setValue("#filter-province", "İzmir")
	b.submit("#filter-submit", 200)
	if u, _ := url.Parse(b.location()); u.Query().Get("province") != "İzmir" {
		t.Errorf("the filter led to %s", b.location())
	}
	if got := b.listNames(); !slices.Equal(got, []string{"Çağla Şahin", "İlker Ünal", "Şule Doğan"}) {
		t.Errorf("filtered by İzmir the list shows %q", got)
	}
	if got := b.value("#filter-province"); got != "İzmir" {
		t.Errorf("the filter shows %q after applying", got)
	}
	if !b.exists(`#list-filters a[href="/customers"]`) {
		t.Error("a filtered list offers no way to clear the filters")
	}

	// Save it as a view.
	b.click(".listtools details.tool:has(#view-name) summary")
	b.waitVisible("#view-name")
	b.setValue("#view-name", "İzmir müşterileri")
	b.submit(`form[action="/customers/views"] button[type=submit]`, 200)
	b.wantFlash("Görünüm kaydedildi.")
	if got := b.text(`nav.views a[aria-current="true"]`); got != "İzmir müşterileri" {
		t.Errorf("the current view reads %q", got)
	}

	// Bulk: tag two of the three.
	b.tickRow("Çağla Şahin")
	b.tickRow("Şule Doğan")
	b.setValue("#bulk-action", "tag")
	b.setValue("#bulk-tag", "bayi")
	b.submit("#bulk-submit", 200)
	b.wantFlash("Seçilen kayıtlar güncellendi.")
	if u, _ := url.Parse(b.location()); u.Query().Get("province") != "İzmir" {
		t.Errorf("after the bulk action the list is at %s, want the filter kept", b.location())
	}
	for name, chips := range map[string]string{"Çağla Şahin": "bayi", "İlker Ünal": "", "Şule Doğan": "bayi"} {
		got := eval[[]string](b, `(() => { for (const tr of document.querySelectorAll("#bulk-form tbody tr")) {
			if (tr.children[1].innerText.trim() === `+jsString(name)+`) return [...tr.querySelectorAll(".chip")].map(c => c.innerText.trim()); }
			return ["(no row)"]; })()`)
		if strings.Join(got, " ") != chips {
			t.Errorf("after bulk tagging %s shows chips %q, want %q", name, got, chips)
		}
	}
	// Nothing ticked: a message, nothing done.
	b.setValue("#bulk-action", "tag")
	b.setValue("#bulk-tag", "bos")
	b.submit("#bulk-submit", 200)
	if got := b.text(".flash-error"); got != "Önce listeden kayıt seçin." {
		t.Errorf("a bulk action without rows says %q", got)
	}

	// The view restores its filter from the unfiltered list.
	b.open("/customers", 200)
	if got := b.value("#filter-province"); got != "" {
		t.Errorf("the unfiltered list's province filter holds %q", got)
	}
	if b.exists(`nav.views a[aria-current]`) {
		t.Error("a view is marked current on the unfiltered list")
	}
	b.submit(`nav.views a`, 200)
	if got := b.value("#filter-province"); got != "İzmir" {
		t.Errorf("the saved view restored the province filter as %q", got)
	}
	if got := b.listNames(); len(got) != 3 {
		t.Errorf("the saved view shows %q", got)
	}

	// Sorting by a column header: the province, then back by name, descending.
	b.open("/customers", 200)
	b.submit(`table.list thead th a[href*="sort=province"]`, 200)
	if v, _ := b.attr(`table.list thead th a[aria-sort]`, "href"); !strings.Contains(v, "sort=province") {
		t.Errorf("after sorting by province the marked header links to %q", v)
	}
	provinces := b.listColumn("İl")
	if !slices.IsSorted(provinces) && !trSorted(provinces) {
		t.Errorf("sorted by province the list shows %q", provinces)
	}
	expect(t, trSorted(provinces),
		"sorting by province (İl) gives %q, not the Turkish alphabet", provinces)
	b.submit(`table.list thead th a[href*="sort=province"]`, 200)
	if v, _ := b.attr(`table.list thead th a[aria-sort]`, "aria-sort"); v != "descending" {
		t.Errorf("a second click on İl gives aria-sort %q", v)
	}
	desc := b.listColumn("İl")
	if desc[0] == provinces[0] {
		t.Errorf("descending by province starts with %q like ascending", desc[0])
	}
	b.submit(`table.list thead th a[href*="sort=display_name"]`, 200)
	b.submit(`table.list thead th a[href*="sort=display_name"]`, 200)
	if got := b.listNames(); !slices.Equal(got, reversed(want)) {
		t.Errorf("by name descending the list shows %q, want %q", got, reversed(want))
	}
	if got := b.text(`table.list thead th a[aria-sort]`); got != "Ad / ünvan ▼" {
		t.Errorf("the descending header reads %q", got)
	}

	// Columns: a per-user choice that outlives a reload.
	b.open("/customers", 200)
	before := b.listHeaders()
	if !slices.Contains(before, "E-posta") || slices.Contains(before, "Eklenme") {
		t.Fatalf("the default columns are %q", before)
	}
	b.click(".listtools details.tool:has(.columns-form) summary")
	b.waitVisible(".columns-form")
	b.click(`.columns-form input[value="email"]`)
	b.click(`.columns-form input[value="owner_id"]`)
	b.click(`.columns-form input[value="district"]`)
	b.click(`.columns-form input[value="created_at"]`)
	b.submit(".columns-form button[type=submit]", 200)
	after := b.listHeaders()
	for _, col := range []string{"İlçe", "Eklenme"} {
		if !slices.Contains(after, col) {
			t.Errorf("the chosen column %s is missing: %q", col, after)
		}
	}
	for _, col := range []string{"E-posta", "Sorumlu"} {
		if slices.Contains(after, col) {
			t.Errorf("the removed column %s still shows: %q", col, after)
		}
	}
	if after[0] != "Ad / ünvan" {
		t.Errorf("the first column is %q, want the name", after[0])
	}
	b.reload()
	b.checkPage("the list after a reload")
	if got := b.listHeaders(); !slices.Equal(got, after) {
		t.Errorf("after a reload the columns are %q, want %q", got, after)
	}
	// The leads list keeps its own columns.
	b.open("/leads", 200)
	if got := b.listNames(); !slices.Equal(got, []string{"Bora Aday"}) {
		t.Errorf("/leads lists %q", got)
	}
	// ... its declared default, with the lead's status and source.
	leadCols := []string{"Ad / ünvan", "Tür", "Aday durumu", "Kaynak", "Telefon", "Sorumlu", "Eklenme"}
	if got := b.listHeaders(); !slices.Equal(got, leadCols) {
		t.Errorf("the leads list shows %q, want its own default %q", got, leadCols)
	}
	b.open("/customers?q=zeynep", 200)
	if got := b.listHeaders(); !slices.Equal(got, after) {
		t.Errorf("with a search the columns are %q, want %q", got, after)
	}
	if got := b.rowCells("Zeynep Ağ")["İlçe"]; got != "" {
		t.Errorf("an empty district shows %q", got)
	}
	b.review("list-columns-desktop")

	// Delete the view (asks first).
	dlg := b.answerDialogs()
	b.open("/customers", 200)
	b.submit("nav.views form button", 200)
	if dlg.last() != "Bu görünüm silinsin mi?" {
		t.Errorf("deleting a view asked %q", dlg.last())
	}
	b.wantFlash("Görünüm silindi.")
	if b.exists("nav.views") {
		t.Error("the deleted view still shows")
	}

	// Paging: 50 to a page, the next page has the rest, nothing twice.
	for i := 1; i <= 45; i++ {
		seedCustomer(t, w, "person", person("Deneme", fmt.Sprintf("Kişi %02d", i), "Ankara"))
	}
	b.open("/customers", 200)
	first := b.listNames()
	if len(first) != 50 || !b.exists("#next-page") {
		t.Fatalf("the first page has %d rows, next page link %v", len(first), b.exists("#next-page"))
	}
	if !trSorted(first) {
		t.Errorf("the first page is not in Turkish order: %q", first)
	}
	b.submit("#next-page", 200)
	second := b.listNames()
	if len(second) != 5 || b.exists("#next-page") {
		t.Errorf("the second page has %q, next page link %v", second, b.exists("#next-page"))
	}
	if !trSorted(append(slices.Clone(first), second...)) {
		t.Errorf("the pages together are not in Turkish order: %q + %q", first, second)
	}
	if got := b.text("nav.pager a"); got != "← İlk sayfa" {
		t.Errorf("the second page's first link reads %q", got)
	}
	b.submit("nav.pager a", 200)
	if got := b.listNames(); !slices.Equal(got, first) {
		t.Errorf("back on the first page the list shows %d rows, not the first page's", len(got))
	}
	if u, _ := url.Parse(b.location()); u.Query().Has("cursor") {
		t.Errorf("the first-page link leads to %s", b.location())
	}
	b.assertRequestsOwnOrigin()
	b.wantNoConsoleErrors()
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestCustomerPagesOnPhone: at 360 px the list, the form with errors, the
// 360° page and the search page do not scroll sideways; tables scroll in
// their own frame.
func TestCustomerPagesOnPhone(t *testing.T) {
	srv := startServer(t)
	w := newWebClient(t, srv)
	w.setup(adminName, adminEmail, adminPassword)
	company := seedCustomer(t, w, "company", url.Values{
		"title": {"Karadeniz Ereğli Demir Çelik Fabrikaları Sanayi ve Ticaret A.Ş."}, "vkn": {validVKN1},
		"province": {"Zonguldak"}, "phone": {"0372 323 25 00"}, "email": {"satinalma.muhasebe@karadenizeregli-demircelik.com.tr"},
		"website": {"https://www.karadenizeregli-demircelik.com.tr/iletisim"}, "tags": {"toptan, kurumsal, öncelikli"},
		"address": {"Uzunmehmet Mah. Kdz. Ereğli Cad. No: 1234"}, "district": {"Kdz. Ereğli"},
		"notes": {"Uzun bir not: https://www.karadenizeregli-demircelik.com.tr/cok/uzun/bir/adres/ornegi/ki/sarmali"},
	})
	p := seedCustomer(t, w, "person", person("Abdurrahmangazi", "Kahramanmaraşlıoğlu", "Kahramanmaraş", "phone", sukruPhone, "email", "abdurrahmangazi.kahramanmaraslioglu@ornek.com.tr"))
	b := newBrowser(t, srv)
	b.login(adminEmail, adminPassword)
	// Link them and give the company an asset, through the pages.
	b.open(fmt.Sprintf("/customers/%d?contact_q=abdurrahmangazi", company), 200)
	b.submit("#contacts .add-contact", 200)
	b.open(fmt.Sprintf("/assets/new?customer_id=%d", company), 200)
	b.setValue("#f-name", "Forklift Linde H30D Dizel")
	b.setValue("#f-plate", "67 ab 1234")
	b.setValue("#f-serial_no", "H2X393T01234567")
	b.submit("#record-save", 200)

	b.setViewport(360, 740)
	b.open("/customers", 200)
	b.wantNoSidewaysScroll("customer list")
	b.wantInsideCards("customer list")
	b.review("list-360")
	b.click(".listtools details.tool:has(.columns-form) summary")
	b.wantNoSidewaysScroll("customer list with the column choice open")
	b.wantInsideCards("customer list with the column choice open")
	b.open(fmt.Sprintf("/customers/%d", company), 200)
	b.wantNoSidewaysScroll("company 360° page")
	b.wantInsideCards("company 360° page")
	b.review("customer-360-company-360")
	b.open(fmt.Sprintf("/customers/%d?contact_q=a", company), 200)
	b.wantNoSidewaysScroll("company 360° page with contact search results")
	b.wantInsideCards("company 360° page with contact search results")
	b.open(fmt.Sprintf("/customers/%d", p), 200)
	b.wantNoSidewaysScroll("person 360° page")
	b.wantInsideCards("person 360° page")
	b.open("/customers/new?kind=person", 200)
	b.setValue("#f-first_name", "Ali")
	b.setValue("#f-tckn", wrongTCKN)
	b.submit("#record-save", 422)
	b.waitVisible("#e-tckn")
	expect(t, b.exists("#e-last_name"),
		"a form with a malformed value does not also name the empty required field (Soyad) in the same round")
	rows := eval[int](b, `document.querySelectorAll(".phonerow").length`)
	expect(t, rows == 1,
		"after an error the \"Diğer telefonlar\" rows multiply (%d rows, want 1)", rows)
	b.wantNoSidewaysScroll("customer form with errors")
	b.wantInsideCards("customer form with errors")
	b.review("form-error-360")
	b.open("/search?q=karadeniz", 200)
	b.waitVisible("section.searchgroup")
	b.wantNoSidewaysScroll("search page")
	b.wantInsideCards("search page")
	b.review("search-360")
	b.open("/search?q=a", 200)
	b.wantNoSidewaysScroll("search page without results")
	b.wantInsideCards("search page without results")
	b.open("/leads", 200)
	b.wantNoSidewaysScroll("empty leads list")
	b.wantInsideCards("empty leads list")
	b.answerDialogs()
	b.open(fmt.Sprintf("/customers/%d", p), 200)
	b.submit("#delete-record", 200)
	b.open("/recycle", 200)
	b.waitVisible("button.restore")
	b.wantNoSidewaysScroll("recycle bin")
	b.wantInsideCards("recycle bin")
	b.review("recycle-360")
	b.wantNoConsoleErrors("status of 422")
}
