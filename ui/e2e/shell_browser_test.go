package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const (
	adminName     = "Ayşe Yılmaz"
	adminEmail    = "ayse@firma.com.tr"
	adminPassword = "Kedi-Mavi-Tekne-42"
)

// TestShellFlow walks the shell of the application as a person would: the
// first-run setup, logging out and in (also with a wrong password), the
// language switch and its persistence, the profile link, and logging out.
func TestShellFlow(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)

	// A fresh database sends every visitor to the setup form; completing
	// it logs the administrator in on "Bugün".
	b.completeSetup(adminName, adminEmail, adminPassword)
	b.wantHome("tr")
	if got := b.text("#usermenu"); got != adminName {
		t.Errorf("user menu reads %q, want %q", got, adminName)
	}
	if got := b.text(".flash-ok"); got == "" {
		t.Error("no confirmation shown after setup")
	}
	b.assertOwnOrigin()

	b.logout()
	if got := b.text("h1"); got != "Giriş yap" {
		t.Errorf("login page h1 = %q, want %q", got, "Giriş yap")
	}
	if got := b.htmlLang(); got != "tr" {
		t.Errorf("login page <html lang> = %q, want tr", got)
	}
	b.assertOwnOrigin()

	// A wrong password keeps the visitor on the login form, says so, and
	// keeps the e-mail so that only the password needs typing again.
	if status := b.submitLogin(adminEmail, "Yanlis-Parola-123"); status != 401 {
		t.Errorf("wrong password answered %d, want 401", status)
	}
	b.wantPath("/login")
	if got := b.text("#login-error"); got != "E-posta veya parola yanlış." {
		t.Errorf("#login-error reads %q", got)
	}
	if got := b.value("#email"); got != adminEmail {
		t.Errorf("e-mail field after a failed login = %q, want %q", got, adminEmail)
	}
	if got := b.value("#password"); got != "" {
		t.Errorf("password field after a failed login is not empty")
	}

	// Only the password needs typing again.
	b.typeInto("#password", adminPassword)
	if status := b.clickAndWait("#login-submit"); status != 200 {
		t.Fatalf("login after a wrong password answered %d", status)
	}
	b.wantPath("/")
	b.wantHome("tr")

	// The language switch in the user menu; the choice is saved on the
	// profile, so it outlives a reload.
	b.openUserMenu()
	if v, _ := b.attr("#lang-tr", "aria-pressed"); v != "true" {
		t.Errorf("#lang-tr aria-pressed = %q, want true", v)
	}
	if status := b.clickAndWait("#lang-en"); status != 200 {
		t.Fatalf("switching to English answered %d", status)
	}
	b.wantPath("/")
	b.wantHome("en")
	b.reload()
	b.wantHome("en")
	b.openUserMenu()
	if v, _ := b.attr("#lang-en", "aria-pressed"); v != "true" {
		t.Errorf("#lang-en aria-pressed = %q after switching, want true", v)
	}
	if _, pressed := b.attr("#lang-tr", "aria-pressed"); pressed {
		t.Error("#lang-tr is still marked pressed after switching to English")
	}
	if status := b.clickAndWait("#lang-tr"); status != 200 {
		t.Fatalf("switching back to Turkish answered %d", status)
	}
	b.wantHome("tr")

	// The profile page from the user menu.
	b.openUserMenu()
	if status := b.clickAndWait("#profile-link"); status != 200 {
		t.Fatalf("profile page answered %d", status)
	}
	b.wantPath("/profile")
	if got := b.text("h1"); got != "Profilim" {
		t.Errorf("profile h1 = %q, want %q", got, "Profilim")
	}
	if got := b.value("#name"); got != adminName {
		t.Errorf("profile name field = %q, want %q", got, adminName)
	}
	b.assertOwnOrigin()

	b.logout()
	if got := b.text("h1"); got != "Giriş yap" {
		t.Errorf("login page h1 after logout = %q", got)
	}
	// Logged out means logged out: the home page sends back to login.
	b.navigate("/")
	b.wantPath("/login")

	b.assertRequestsOwnOrigin()
	// The failed login's 401 is logged by Chromium; nothing else may be,
	// such as a script error or a Content-Security-Policy violation.
	b.wantNoConsoleErrors("status of 401 (Unauthorized) (" + srv.URL + "/login)")
}

// TestPhoneLayout checks the pages at a phone's width of 360 CSS pixels:
// nothing scrolls sideways, and the Menu link opens the navigation panel.
func TestPhoneLayout(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.setViewport(360, 740)

	b.navigate("/")
	b.wantPath("/setup")
	if w := eval[int](b, "window.innerWidth"); w != 360 {
		t.Fatalf("viewport is %d px wide, want 360 (is the viewport <meta> missing?)", w)
	}
	b.wantNoSidewaysScroll("setup page")

	b.completeSetup(adminName, adminEmail, adminPassword)
	b.wantHome("tr")
	b.wantNoSidewaysScroll("home page")

	// On a phone the side navigation is hidden behind the Menu link.
	if b.isVisible("#nav") {
		t.Error("#nav is visible at 360 px before the menu is opened")
	}
	b.click("a.menu-open")
	b.waitFor(`location.hash === "#nav"`)
	b.waitVisible("#nav")
	b.wantNoSidewaysScroll("home page with the menu open")
	b.click("#nav .menu-close")
	b.waitNotVisible("#nav")

	// Back at a desktop's width the navigation is always there, and the
	// Menu link is not.
	b.resetViewport()
	b.waitVisible("#nav")
	if b.isVisible("a.menu-open") {
		t.Error("the Menu link shows at 1280 px")
	}
	b.setViewport(360, 740)
	b.waitNotVisible("#nav")

	b.openUserMenu()
	b.wantNoSidewaysScroll("home page with the user menu open")

	b.logout()
	b.wantNoSidewaysScroll("login page")
	b.submitLogin(adminEmail, "Yanlis-Parola-123")
	b.waitVisible("#login-error")
	b.wantNoSidewaysScroll("login page with an error")

	b.assertRequestsOwnOrigin()
	// The failed login's 401 is logged by Chromium; nothing else may be,
	// such as a script error or a Content-Security-Policy violation.
	b.wantNoConsoleErrors("status of 401 (Unauthorized) (" + srv.URL + "/login)")
}

// TestVisitorLanguage: a visitor gets the browser's language, can switch
// it before logging in, and the language chosen at setup becomes the
// administrator's, which then wins over the browser's.
func TestVisitorLanguage(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv, withAcceptLanguage("en-US,en;q=0.9"))

	b.navigate("/")
	b.wantPath("/setup")
	b.waitText("main h1", "Welcome to kobicrm")
	if got := b.htmlLang(); got != "en" {
		t.Errorf("<html lang> = %q for an English browser, want en", got)
	}
	if v, _ := b.attr("#lang-en", "aria-pressed"); v != "true" {
		t.Errorf("#lang-en aria-pressed = %q, want true", v)
	}
	if status := b.clickAndWait("#lang-tr"); status != 200 {
		t.Fatalf("switching to Turkish on the setup page answered %d", status)
	}
	b.wantPath("/setup")
	b.waitText("main h1", "kobicrm'e hoş geldiniz")

	b.completeSetup(adminName, adminEmail, adminPassword)
	b.wantHome("tr")
	b.logout()
	b.waitText("main h1", "Giriş yap")

	// On the login page, for this visit only.
	if status := b.clickAndWait("#lang-en"); status != 200 {
		t.Fatalf("switching to English on the login page answered %d", status)
	}
	b.wantPath("/login")
	b.waitText("main h1", "Log in")
	if got := b.htmlLang(); got != "en" {
		t.Errorf("<html lang> = %q after choosing English, want en", got)
	}
	// The administrator chose Turkish at setup; that is their language.
	b.login(adminEmail, adminPassword)
	b.wantHome("tr")
	b.wantNoConsoleErrors()
}

// wantHome checks that the browser shows the home page in lang.
func (b *browser) wantHome(lang string) {
	b.t.Helper()
	want := map[string]string{"tr": "Bugün", "en": "Today"}[lang]
	b.waitText("main h1", want)
	if got := b.htmlLang(); got != lang {
		b.t.Errorf("<html lang> = %q, want %q", got, lang)
	}
}

// wantNoSidewaysScroll fails the test if the page is wider than the
// viewport set with setViewport (or the window). It compares with that
// width and not with window.innerWidth: a phone zooms out a page that is
// too wide, and innerWidth then grows with it.
func (b *browser) wantNoSidewaysScroll(what string) {
	b.t.Helper()
	width := b.viewportWidth
	if width == 0 {
		width = 1280
	}
	scroll := eval[int](b, "document.documentElement.scrollWidth")
	if scroll > width {
		wide := eval[string](b, `(() => { const w = `+strconv.Itoa(width)+`; const out = [];
			for (const e of document.querySelectorAll("body *")) {
				const r = e.getBoundingClientRect();
				if (r.right > w + 0.5 && getComputedStyle(e).position !== "fixed") out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).replace(/ /g, ".") : "") + " right=" + Math.round(r.right));
			}
			return out.slice(0, 10).join(", "); })()`)
		b.t.Errorf("%s scrolls sideways at %d px: scrollWidth %d; too wide: %s (screenshot %s)",
			what, width, scroll, wide, b.screenshot(b.t.Name()+"-"+what))
	}
}

// assertOwnOrigin fails the test if the page refers to a resource, a link
// or a form target on another host: kobicrm must work on an office network
// without the internet and tell no one else what its users do.
func (b *browser) assertOwnOrigin() {
	b.t.Helper()
	refs := eval[[]string](b, `(() => {
		const out = [];
		for (const e of document.querySelectorAll("link[href], script[src], img[src], a[href], form[action], iframe[src], source[src], video[src], audio[src]")) {
			for (const a of ["href", "src", "action"]) {
				if (e.hasAttribute(a)) out.push(e.getAttribute(a));
			}
		}
		for (const e of document.querySelectorAll("[style]")) {
			if (/url\(/i.test(e.getAttribute("style"))) out.push("style:" + e.getAttribute("style"));
		}
		return out; })()`)
	base, _ := url.Parse(b.location())
	for _, ref := range refs {
		if strings.HasPrefix(ref, "style:") {
			b.t.Errorf("inline style with url() on %s: %s", base.Path, ref)
			continue
		}
		u, err := url.Parse(ref)
		if err != nil {
			b.t.Errorf("bad address %q on %s: %v", ref, base.Path, err)
			continue
		}
		u = base.ResolveReference(u)
		if u.Scheme != "http" && u.Scheme != "https" {
			if u.Scheme != "data" {
				b.t.Errorf("address %q on %s has scheme %q", ref, base.Path, u.Scheme)
			}
			continue
		}
		if u.Host != base.Host {
			b.t.Errorf("page %s refers to another host: %s", base.Path, ref)
		}
	}
}

// assertRequestsOwnOrigin fails the test if the browser requested anything
// from a host other than the server's.
func (b *browser) assertRequestsOwnOrigin() {
	b.t.Helper()
	own, _ := url.Parse(b.srv.URL)
	reqs := b.requestURLs()
	if len(reqs) == 0 {
		b.t.Error("the browser recorded no requests")
	}
	for _, r := range reqs {
		u, err := url.Parse(r)
		if err != nil {
			b.t.Errorf("request to a bad address %q", r)
			continue
		}
		if u.Scheme == "data" || u.Scheme == "about" || u.Scheme == "blob" {
			continue
		}
		if u.Host != own.Host {
			b.t.Errorf("the browser requested %s, which is not on %s", r, own.Host)
		}
	}
}
