package ui

import (
	"html"
	"html/template"
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// The navigation follows the seeds' grouping of an operational CRM:
// marketing, sales, after-sales service and administration. A group shows
// only when it has an entry the user may open; modules add their entries
// here as they are built, so nothing unfinished is ever linked.
type navItem struct {
	Key    string // catalogue key of the label
	Path   string
	Admin  bool   // administrators only
	Module string // shown only to those whose roles may read this module
	// Allow, when set, decides alone who sees the entry (the İYS page's
	// export or import right).
	Allow func(a *store.Actor) bool
}

type navGroup struct {
	Key   string
	Items []navItem
}

var navigation = []navGroup{
	{Key: "nav.marketing", Items: []navItem{
		{Key: "module.leads", Path: "/leads", Module: "customers"},
		{Key: "module.segments", Path: "/segments", Module: "segments"},
		{Key: "module.campaigns", Path: "/campaigns", Module: "campaigns"},
		{Key: "module.email_templates", Path: "/email_templates", Module: "email_templates"},
		{Key: "module.consents", Path: "/consents", Module: "consents"},
		{Key: "nav.iys", Path: "/consents/iys", Allow: func(a *store.Actor) bool { return store.CanIYSExport(a) || store.CanIYSImport(a) }},
	}},
	{Key: "nav.sales", Items: []navItem{
		{Key: "module.customers", Path: "/customers", Module: "customers"},
		{Key: "calendar.title", Path: "/calendar", Module: "activities"},
		{Key: "module.activities", Path: "/activities", Module: "activities"},
		{Key: "module.opportunities", Path: "/opportunities", Module: "opportunities"},
		{Key: "board.title", Path: "/opportunities/board", Module: "opportunities"},
		{Key: "module.products", Path: "/products", Module: "products"},
		{Key: "module.quotes", Path: "/quotes", Module: "quotes"},
		{Key: "module.orders", Path: "/orders", Module: "orders"},
		{Key: "module.invoices", Path: "/invoices", Module: "invoices"},
		{Key: "module.payments", Path: "/payments", Module: "payments"},
		{Key: "receivables.title", Path: receivablesPath, Module: "invoices"},
	}},
	{Key: "nav.service", Items: []navItem{
		{Key: "service.queues", Path: queuesPath, Module: "service_requests"},
		{Key: "module.service_requests", Path: "/service_requests", Module: "service_requests"},
		{Key: "module.kb_articles", Path: "/kb_articles", Module: "kb_articles"},
		{Key: "module.assets", Path: "/assets", Module: "assets"},
		{Key: "nav.lookup", Path: "/lookup", Module: "customers"},
	}},
	{Key: "nav.admin", Items: []navItem{
		{Key: "module.users", Path: "/users", Admin: true},
		{Key: "module.teams", Path: "/teams", Admin: true},
		{Key: "module.departments", Path: "/departments", Admin: true},
		{Key: "module.roles", Path: "/roles", Admin: true},
		{Key: "nav.fields", Path: "/admin/fields", Admin: true},
		{Key: "firm.title", Path: "/settings/firm", Admin: true},
		{Key: "mail.title", Path: mailPath, Admin: true},
		{Key: "sms.title", Path: smsPath, Admin: true},
		{Key: "stages.title", Path: "/settings/stages", Admin: true},
		{Key: "kdv_rates.title", Path: kdvRatesPath, Admin: true},
		{Key: "number_series.title", Path: seriesPath, Admin: true},
		{Key: "service.settings", Path: serviceSettingsPath, Admin: true},
		{Key: "nav.kvkk", Path: "/admin/kvkk", Admin: true},
		{Key: "nav.recycle", Path: "/recycle", Admin: true},
		{Key: "nav.backup", Path: "/admin/backup", Admin: true},
		{Key: "nav.audit", Path: "/admin/audit", Admin: true},
		{Key: "nav.logins", Path: "/admin/logins", Admin: true},
		{Key: "nav.sessions", Path: "/admin/sessions", Admin: true},
	}},
}

func navFor(u *store.User, a *store.Actor) []navGroup {
	if u == nil {
		return nil
	}
	var out []navGroup
	for _, g := range navigation {
		var items []navItem
		for _, it := range g.Items {
			if it.Admin && !u.Admin || it.Allow != nil && !it.Allow(a) {
				continue
			}
			if m, ok := store.ModuleByKey(it.Module); ok && !a.Can(m, store.ActRead) {
				continue
			}
			items = append(items, it)
		}
		if len(items) > 0 {
			out = append(out, navGroup{Key: g.Key, Items: items})
		}
	}
	return out
}

// navHTML is the side navigation's groups as escaped HTML, the current
// page marked: every page has it, and as template actions its two dozen
// labels and comparisons were a fixed cost of each page view.
func navHTML(l *i18n.Locale, groups []navGroup, path string) template.HTML {
	var b strings.Builder
	b.Grow(2048)
	for _, g := range groups {
		b.WriteString(`<div class="navgroup"><h2>`)
		b.WriteString(html.EscapeString(l.T(g.Key)))
		b.WriteString(`</h2><ul>`)
		for _, it := range g.Items {
			b.WriteString(`<li><a href="`)
			b.WriteString(html.EscapeString(it.Path))
			b.WriteString(`"`)
			if it.Path == path {
				b.WriteString(` aria-current="page"`)
			}
			b.WriteString(`>`)
			b.WriteString(html.EscapeString(l.T(it.Key)))
			b.WriteString(`</a></li>`)
		}
		b.WriteString(`</ul></div>`)
	}
	return template.HTML(b.String()) // every piece escaped above
}
