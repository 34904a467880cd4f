package vcard

import (
	"slices"
	"strings"

	"kobicrm/store/tr"
)

// Header is the table Rows makes: the names of the customer fields the
// importer maps its columns to, and kind (person or company).
var Header = []string{"kind", "first_name", "last_name", "title", "email", "phone", "phones", "province", "district",
	"address", "postal_code", "birth_date", "website", "notes", "tags"}

// Rows turns cards into a table under Header, one row per card, for the
// importer, which checks every value as a form would. A card is a company
// when it says it is one (KIND:org, Apple's X-ABShowAs:COMPANY) or when
// it has an organisation and no person's name; its title is then the
// organisation's name. The first phone (one marked pref, else a person's
// mobile or a company's work number) is the phone; the others go to phones
// as "label: number; label: number". The first address fills province
// (the region, or the town when that is a province's name), district and
// address; a birthday without a year is left out. What has no field of
// its own (more e-mails and web sites, a person's organisation and job
// title) goes to the notes, one line each, after the card's own note.
func Rows(cards []Card) (header []string, rows [][]string) {
	header = slices.Clone(Header)
	for _, c := range cards {
		rows = append(rows, row(c))
	}
	return header, rows
}

func row(c Card) []string {
	v := map[string]string{}
	var extra []string
	company := c.Kind == "org" || (len(c.Org) > 0 && c.Name.Given == "" && c.Name.Family == "" && (c.FN == "" || c.FN == c.Org[0]))
	if company {
		v["kind"] = "company"
		v["title"] = c.FN
		if len(c.Org) > 0 && c.Org[0] != "" {
			v["title"] = c.Org[0]
		}
		if len(nonEmpty(c.Org)) > 1 {
			extra = append(extra, "ORG: "+strings.Join(nonEmpty(c.Org), ", "))
		}
	} else {
		v["kind"] = "person"
		v["first_name"] = strings.TrimSpace(c.Name.Given + " " + c.Name.Additional)
		v["last_name"] = c.Name.Family
		if v["first_name"] == "" && v["last_name"] == "" {
			// No structured name: the last word of the formatted one is
			// the surname, as Turkish names are written.
			words := strings.Fields(c.FN)
			if len(words) > 1 {
				v["first_name"], v["last_name"] = strings.Join(words[:len(words)-1], " "), words[len(words)-1]
			} else {
				v["first_name"] = c.FN
			}
		}
		if len(c.Org) > 0 {
			extra = append(extra, "ORG: "+strings.Join(nonEmpty(c.Org), ", "))
		}
	}
	if c.Title != "" {
		extra = append(extra, "TITLE: "+c.Title)
	}

	if main := mainTel(c.Tels, company); main >= 0 {
		v["phone"] = c.Tels[main].Number
		var others []string
		for i, t := range c.Tels {
			if i == main {
				continue
			}
			entry := t.Number
			if label := telLabel(t); label != "" {
				entry = label + ": " + t.Number
			}
			others = append(others, entry)
		}
		v["phones"] = strings.Join(others, "; ")
	}
	if len(c.Emails) > 0 {
		first := preferred(len(c.Emails), func(i int) []string { return c.Emails[i].Types })
		v["email"] = c.Emails[first].Address
		for i, e := range c.Emails {
			if i != first {
				extra = append(extra, "EMAIL: "+e.Address)
			}
		}
	}
	if len(c.Addresses) > 0 {
		a := c.Addresses[preferred(len(c.Addresses), func(i int) []string { return c.Addresses[i].Types })]
		v["province"], v["district"] = a.Region, a.Locality
		if p, ok := tr.ProvinceByName(a.Locality); ok && a.Region == "" {
			v["province"], v["district"] = p.Name, ""
		}
		var lines []string
		for _, s := range []string{a.Street, a.Extended, a.POBox} {
			if s = strings.TrimSpace(s); s != "" {
				lines = append(lines, strings.ReplaceAll(s, "\n", ", "))
			}
		}
		v["address"] = strings.Join(lines, ", ")
		v["postal_code"] = a.PostalCode
	}
	if !strings.HasPrefix(c.Birthday, "--") {
		v["birth_date"] = c.Birthday
	}
	for i, u := range c.URLs {
		if i == 0 {
			v["website"] = u
		} else {
			extra = append(extra, "URL: "+u)
		}
	}
	notes := extra
	if c.Note != "" {
		notes = append([]string{c.Note}, extra...)
	}
	v["notes"] = strings.Join(notes, "\n")
	v["tags"] = strings.Join(c.Categories, ", ")

	out := make([]string, len(Header))
	for i, h := range Header {
		out[i] = v[h]
	}
	return out
}

// mainTel is the index of the card's main number: one marked pref, else
// a person's mobile or a company's work number, else the first; -1 when
// there is none.
func mainTel(tels []Tel, company bool) int {
	if len(tels) == 0 {
		return -1
	}
	want := "cell"
	if company {
		want = "work"
	}
	for _, kind := range []string{"pref", want} {
		if i := slices.IndexFunc(tels, func(t Tel) bool { return slices.Contains(t.Types, kind) }); i >= 0 {
			return i
		}
	}
	return 0
}

// preferred is the index of the first of n items marked pref, else 0.
func preferred(n int, types func(int) []string) int {
	for i := range n {
		if slices.Contains(types(i), "pref") {
			return i
		}
	}
	return 0
}

// telLabel names an extra number the way the firm labels them: the card's
// own label, else its type in the words of the phone list.
func telLabel(t Tel) string {
	if t.Label != "" {
		// ':' and ';' would break the "label: number; …" list.
		return strings.NewReplacer(":", " ", ";", " ").Replace(t.Label)
	}
	for _, m := range []struct{ typ, label string }{{"fax", "faks"}, {"cell", "cep"}, {"home", "ev"}, {"work", "iş"}} {
		if slices.Contains(t.Types, m.typ) {
			return m.label
		}
	}
	return ""
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
