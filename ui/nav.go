package ui

import "kobicrm/store"

// The navigation follows the seeds' grouping of an operational CRM:
// marketing, sales, after-sales service and administration. A group shows
// only when it has an entry the user may open; modules add their entries
// here as they are built, so nothing unfinished is ever linked.
type navItem struct {
	Key   string // catalogue key of the label
	Path  string
	Admin bool // administrators only
}

type navGroup struct {
	Key   string
	Items []navItem
}

var navigation = []navGroup{
	{Key: "nav.marketing", Items: []navItem{
		{Key: "module.leads", Path: "/leads"},
	}},
	{Key: "nav.sales", Items: []navItem{
		{Key: "module.customers", Path: "/customers"},
	}},
	{Key: "nav.service", Items: []navItem{
		{Key: "module.assets", Path: "/assets"},
		{Key: "nav.lookup", Path: "/lookup"},
	}},
	{Key: "nav.admin", Items: []navItem{
		{Key: "nav.recycle", Path: "/recycle", Admin: true},
		{Key: "nav.backup", Path: "/admin/backup", Admin: true},
	}},
}

func navFor(u *store.User) []navGroup {
	if u == nil {
		return nil
	}
	var out []navGroup
	for _, g := range navigation {
		var items []navItem
		for _, it := range g.Items {
			if it.Admin && !u.Admin {
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
