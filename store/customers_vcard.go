package store

import (
	"strings"
	"unicode"

	"kobicrm/store/tr"
	"kobicrm/store/vcard"
)

// CustomerCard is a customer as a contact card for phones and mail
// programs. It holds what the record r holds for the one who read it: a
// field hidden from them (a birth date) was never read, so it is never
// written either. The TCKN is never put in a card at all: a phone's
// address book has no use for it, and a card travels further than the
// program.
func CustomerCard(r *Record) vcard.Card {
	v := r.Values
	text := func(name string) string { return cardText(v.Str(name)) }
	company := v.Str("kind") == "company"
	c := vcard.Card{FN: cardText(r.Title()), Note: text("notes"), Categories: v.Tags("tags")}
	where := "home"
	if company {
		c.Kind, c.Org, where = "org", []string{text("title")}, "work"
	} else {
		c.Name = vcard.Name{Family: text("last_name"), Given: text("first_name")}
		c.Birthday = v.Str("birth_date")
	}
	if p := v.Str("phone"); p != "" {
		c.Tels = append(c.Tels, vcard.Tel{Types: []string{phoneType(p, where), "pref"}, Number: p})
	}
	for _, p := range v.Phones("phones") {
		c.Tels = append(c.Tels, cardTel(p))
	}
	if e := v.Str("email"); e != "" && cardRaw(e) {
		c.Emails = []vcard.Email{{Types: []string{where}, Address: e}}
	}
	a := vcard.Address{Types: []string{where}, Street: text("address"), Locality: text("district"),
		Region: v.Str("province"), PostalCode: v.Str("postal_code")}
	if a.Street != "" || a.Locality != "" || a.Region != "" || a.PostalCode != "" {
		a.Country = "Türkiye"
		c.Addresses = []vcard.Address{a}
	}
	if w := v.Str("website"); w != "" && company && cardRaw(w) {
		c.URLs = []string{w}
	}
	return c
}

// cardText is a stored text as a card carries it: a browser sends a
// note's line breaks as CRLF, which a card writes as one line break;
// other control characters (a pasted tab) become spaces.
func cardText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// cardRaw says whether a checked e-mail or web address can go into a card
// as it is written (no backslash, space or control character), as the
// checks that let it in allow more than a card can carry.
func cardRaw(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) })
}

// phoneType is the type of a number: a mobile's is cell, anything else
// where the customer is (home for a person, work for a company).
func phoneType(e164, where string) string {
	if tr.PhoneIsMobile(e164) {
		return "cell"
	}
	return where
}

// cardLabels are the phone list's usual labels as the types phones know;
// any other label travels as the card's own label.
// They are compared folded: "İş" and "is" are "iş".
var cardLabels = map[string]string{"cep": "cell", "mobil": "cell", "ev": "home", "is": "work", "faks": "fax"}

func cardTel(p PhoneEntry) vcard.Tel {
	if t, ok := cardLabels[tr.Fold(p.Label)]; ok {
		return vcard.Tel{Types: []string{t}, Number: p.Number}
	}
	t := vcard.Tel{Label: strings.TrimSpace(strings.ReplaceAll(cardText(p.Label), "\n", " ")), Number: p.Number}
	if strings.HasPrefix(t.Label, "_$!<") {
		t.Label = "" // Apple's own label names are not the firm's
	}
	if tr.PhoneIsMobile(p.Number) {
		t.Types = []string{"cell"}
	}
	return t
}
