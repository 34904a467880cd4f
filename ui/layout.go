package ui

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// The layout around every page's content is written here in Go, every
// piece escaped: its two dozen template actions were a twentieth of a
// list page's time. The markup is the one the template had
// (TestLayoutWritesTheTemplatesMarkup checks them against each other,
// the template kept in testdata). The "layout" template is now
// {{.Top}}{{template "content" .}}{{.Bottom}}.

// Top is the page up to its content: the head, and for a logged-in user
// the top bar and the side navigation, then the flash messages.
func (p *page) Top() template.HTML {
	esc := html.EscapeString
	t := func(key string) string { return esc(p.L.T(key)) }
	var b strings.Builder
	b.Grow(4096 + len(p.Nav))
	w := b.WriteString
	w("<!doctype html>\n<html lang=\"" + esc(p.Lang()) + "\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	if p.Refresh {
		w(`<meta http-equiv="refresh" content="2">`)
	}
	w("\n<title>" + esc(p.Title) + " · kobicrm</title>\n" +
		"<link rel=\"stylesheet\" href=\"" + attrURL(p.Asset("app.css")) + "\">\n" +
		"<link rel=\"icon\" href=\"" + attrURL(p.Asset("icon.svg")) + "\" type=\"image/svg+xml\">\n" +
		"<script src=\"" + attrURL(p.Asset("app.js")) + "\" nonce=\"" + esc(p.Nonce) + "\" defer></script>\n</head>\n<body")
	if p.Bare {
		w(` class="bare"`)
	}
	w(">\n<a class=\"skip\" href=\"#main\">" + t("layout.skip") + "</a>\n")
	if p.User == nil {
		w("\n<main id=\"main\" class=\"bare-main\">\n<p class=\"bare-brand\"><img src=\"" + attrURL(p.Asset("icon.svg")) +
			"\" alt=\"\" width=\"32\" height=\"32\"> kobicrm</p>\n")
		p.writeFlashes(&b)
		w("\n")
		return template.HTML(b.String()) // every piece escaped above
	}
	w("\n<header class=\"top\">\n  <a class=\"menu-open\" href=\"#nav\">☰ <span>" + t("layout.menu") + "</span></a>\n" +
		"  <a class=\"brand\" href=\"/\">kobicrm</a>\n  <form class=\"topsearch\" method=\"get\" action=\"/search\" role=\"search\">\n" +
		"    <label for=\"global-search\" class=\"visually-hidden\">" + t("search.label") + "</label>\n" +
		"    <input id=\"global-search\" name=\"q\" type=\"search\" placeholder=\"" + t("search.placeholder") + "\" data-search autocomplete=\"off\">\n" +
		"  </form>\n  <a href=\"/notifications\" class=\"bell\" id=\"notifications-link\" title=\"" + t("notifications.title") + "\">🔔")
	if p.Unread != 0 {
		count := "99+"
		if p.Unread < 100 {
			count = strconv.Itoa(p.Unread)
		}
		w(` <span class="count" id="unread-count">` + count + `</span>`)
	}
	w(`<span class="visually-hidden">` + t("notifications.title") + "</span></a>\n  <details class=\"usermenu\">\n" +
		"    <summary id=\"usermenu\">" + esc(p.User.Name) + "</summary>\n    <div class=\"usermenu-panel\">\n" +
		"      <a href=\"/profile\" id=\"profile-link\">" + t("nav.profile") + "</a>\n      ")
	p.writeLangSwitch(&b)
	w("\n      <form method=\"post\" action=\"/logout\">\n        <input type=\"hidden\" name=\"csrf_token\" value=\"" + esc(p.CSRF) + "\">\n" +
		"        <button type=\"submit\" class=\"linklike\" id=\"logout\">" + t("nav.logout") + "</button>\n      </form>\n" +
		"    </div>\n  </details>\n</header>\n<div class=\"frame\">\n<nav id=\"nav\" class=\"side\" aria-label=\"" + t("layout.nav") + "\">\n" +
		"  <a href=\"#\" class=\"menu-close\">✕ " + t("layout.close") + "</a>\n  <ul><li><a href=\"/\"")
	if p.Path == "/" {
		w(` aria-current="page"`)
	}
	w(">" + t("nav.today") + "</a></li></ul>\n  " + string(p.Nav) + "\n</nav>\n<main id=\"main\">\n")
	p.writeFlashes(&b)
	w("\n")
	return template.HTML(b.String()) // every piece escaped above; Nav in navHTML
}

// Bottom is the page after its content: for a logged-out visitor the
// language switch, then the footer.
func (p *page) Bottom() template.HTML {
	var b strings.Builder
	b.Grow(1024)
	if p.User == nil {
		b.WriteString("\n")
		p.writeLangSwitch(&b)
		b.WriteString("\n</main>\n")
	} else {
		b.WriteString("\n</main>\n</div>\n")
	}
	b.WriteString("\n<footer class=\"foot\">kobicrm " + html.EscapeString(p.Version) + "</footer>\n</body>\n</html>\n")
	return template.HTML(b.String()) // every piece escaped above
}

func (p *page) writeFlashes(b *strings.Builder) {
	for _, f := range p.Flashes {
		b.WriteString(`<p class="flash flash-` + html.EscapeString(f.Kind) + `" role="status">` + html.EscapeString(f.Text) + `</p>`)
	}
}

// writeLangSwitch is the form that switches the page's language.
func (p *page) writeLangSwitch(b *strings.Builder) {
	pressed := func(lang string) string {
		if p.Lang() == lang {
			return ` aria-pressed="true"`
		}
		return ""
	}
	b.WriteString("<form method=\"post\" action=\"/language\" class=\"langswitch\">\n<input type=\"hidden\" name=\"csrf_token\" value=\"" +
		html.EscapeString(p.CSRF) + "\">\n<input type=\"hidden\" name=\"next\" value=\"" + html.EscapeString(p.Path) + "\">\n" +
		"<button type=\"submit\" name=\"lang\" value=\"tr\" id=\"lang-tr\"" + pressed("tr") + ">Türkçe</button>\n" +
		"<button type=\"submit\" name=\"lang\" value=\"en\" id=\"lang-en\"" + pressed("en") + ">English</button>\n</form>")
}
