// Package vcard reads and writes vCard files (.vcf), the contact cards of
// phones and mail programs: version 3.0 (RFC 2426) and 4.0 (RFC 6350), and
// the 2.1 that old Android phones and Outlook still export, with its
// CHARSET and QUOTED-PRINTABLE values. It knows the properties a CRM keeps
// of a person or a company (names, organisation, job title, phones,
// e-mails, addresses, note, birthday, web sites, categories) and passes
// over the rest (photos, IM handles, …). Rows turns cards into the table
// the importer maps to customer fields.
package vcard

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Card is one contact. Empty fields are left out of a written card; lists
// are nil when empty.
type Card struct {
	// Kind is "org" for a card that stands for an organisation rather than
	// a person (KIND:org in 4.0, X-ABShowAs:COMPANY from Apple), else "".
	Kind       string
	FN         string   // the formatted name, as the card is listed
	Name       Name     // N
	Org        []string // ORG: the organisation's name, then its units
	Title      string   // TITLE: the job title
	Tels       []Tel
	Emails     []Email
	Addresses  []Address
	Note       string
	Birthday   string // BDAY: YYYY-MM-DD, or --MM-DD when the year is unknown
	URLs       []string
	Categories []string
}

// Name is a card's structured name.
type Name struct {
	Family, Given, Additional, Prefix, Suffix string
}

// Tel is a phone number with its types (cell, work, home, fax, pref, …,
// lower-case) and, when the types do not say it, a label of the user's
// own ("muhasebe"), which Apple's contacts keep in an X-ABLabel.
type Tel struct {
	Types  []string
	Label  string
	Number string
}

// Email is an e-mail address with its types.
type Email struct {
	Types   []string
	Address string
}

// Address is a postal address (ADR) with its types. Locality is the town
// or district, Region the province.
type Address struct {
	Types                                                          []string
	POBox, Extended, Street, Locality, Region, PostalCode, Country string
}

func (a Address) empty() bool {
	return a.POBox == "" && a.Extended == "" && a.Street == "" && a.Locality == "" && a.Region == "" && a.PostalCode == "" && a.Country == ""
}

// foldAt is the longest line a card writes, in octets without the line
// break (RFC 6350 3.2; RFC 2426 2.6): longer ones continue on the next
// line after a space.
const foldAt = 75

// Encode writes the card as vCard 3.0, which every phone and mail program
// in use reads (Outlook still reads 4.0 badly), with CRLF line breaks and
// long lines folded. A card that could not be read back as it is (see
// Check) is refused and nothing is written.
func Encode(w io.Writer, c Card) error {
	if err := c.Check(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	put := func(line string) { writeFolded(bw, line) }
	put("BEGIN:VCARD")
	put("VERSION:3.0")
	put("FN:" + escape(c.FN))
	put("N:" + joinEscaped([]string{c.Name.Family, c.Name.Given, c.Name.Additional, c.Name.Prefix, c.Name.Suffix}, ';'))
	if c.Kind == "org" {
		put("X-ABShowAs:COMPANY")
	}
	if len(c.Org) > 0 {
		put("ORG:" + joinEscaped(c.Org, ';'))
	}
	if c.Title != "" {
		put("TITLE:" + escape(c.Title))
	}
	item := 0
	for _, t := range c.Tels {
		if t.Label == "" {
			put("TEL" + typeParam(t.Types) + ":" + t.Number)
			continue
		}
		// Apple's way to give one property a label: a group whose
		// X-ABLabel names it. Other programs read the plain TEL.
		item++
		group := "item" + strconv.Itoa(item) + "."
		put(group + "TEL" + typeParam(t.Types) + ":" + t.Number)
		put(group + "X-ABLabel:" + escape(t.Label))
	}
	for _, e := range c.Emails {
		put("EMAIL" + typeParam(e.Types) + ":" + e.Address)
	}
	for _, a := range c.Addresses {
		put("ADR" + typeParam(a.Types) + ":" + joinEscaped([]string{a.POBox, a.Extended, a.Street, a.Locality, a.Region, a.PostalCode, a.Country}, ';'))
	}
	if c.Birthday != "" {
		put("BDAY:" + c.Birthday)
	}
	for _, u := range c.URLs {
		put("URL:" + u)
	}
	if len(c.Categories) > 0 {
		put("CATEGORIES:" + joinEscaped(c.Categories, ','))
	}
	if c.Note != "" {
		put("NOTE:" + escape(c.Note))
	}
	put("END:VCARD")
	return bw.Flush()
}

// Check says why a card cannot be written so that Decode gives it back
// unchanged, or nil when it can: a card needs a formatted name; text is
// UTF-8 without control characters (a line break is allowed where a text
// may span lines); numbers, addresses and web sites have no backslash
// and no space around them; types are lower-case words, each once; a
// birthday is a real day.
func (c Card) Check() error {
	bad := func(what, why string) error { return fmt.Errorf("vcard: %s %s", what, why) }
	if c.FN == "" {
		return bad("the formatted name (FN)", "is empty")
	}
	if c.Kind != "" && c.Kind != "org" {
		return bad("the kind", fmt.Sprintf("%q is neither empty nor org", c.Kind))
	}
	texts := []textValue{
		{"FN", c.FN, true}, {"N", c.Name.Family, true}, {"N", c.Name.Given, true}, {"N", c.Name.Additional, true},
		{"N", c.Name.Prefix, true}, {"N", c.Name.Suffix, true}, {"TITLE", c.Title, true}, {"NOTE", c.Note, true},
	}
	for _, o := range c.Org {
		texts = append(texts, textValue{"ORG", o, true})
	}
	if len(c.Org) > 0 && strings.Join(c.Org, "") == "" {
		return bad("ORG", "has only empty parts")
	}
	for i, cat := range c.Categories {
		if cat == "" || strings.TrimSpace(cat) != cat || slices.Contains(c.Categories[:i], cat) {
			return bad("the category", fmt.Sprintf("%q is empty, has space around it or comes twice", cat))
		}
		texts = append(texts, textValue{"CATEGORIES", cat, false})
	}
	for _, t := range c.Tels {
		if err := checkRaw("TEL", t.Number); err != nil {
			return err
		}
		if len(t.Number) >= 4 && strings.EqualFold(t.Number[:4], "tel:") {
			return bad("a TEL", "is written without the tel: of a URI")
		}
		if err := checkTypes("TEL", t.Types); err != nil {
			return err
		}
		if strings.HasPrefix(t.Label, "_$!<") {
			return bad("a TEL label", "is one of Apple's own names")
		}
		texts = append(texts, textValue{"a TEL label", t.Label, false})
	}
	for _, e := range c.Emails {
		if err := checkRaw("EMAIL", e.Address); err != nil {
			return err
		}
		if err := checkTypes("EMAIL", e.Types); err != nil {
			return err
		}
	}
	for _, a := range c.Addresses {
		if a.empty() {
			return bad("an ADR", "is empty")
		}
		if err := checkTypes("ADR", a.Types); err != nil {
			return err
		}
		for _, part := range []string{a.POBox, a.Extended, a.Street, a.Locality, a.Region, a.PostalCode, a.Country} {
			texts = append(texts, textValue{"ADR", part, true})
		}
	}
	for _, u := range c.URLs {
		if err := checkRaw("URL", u); err != nil {
			return err
		}
	}
	if c.Birthday != "" && normalBirthday(c.Birthday) != c.Birthday {
		return bad("BDAY", fmt.Sprintf("%q is not a day as YYYY-MM-DD or --MM-DD", c.Birthday))
	}
	for _, t := range texts {
		if !utf8.ValidString(t.s) {
			return bad(t.what, "is not UTF-8")
		}
		for _, r := range t.s {
			if unicode.IsControl(r) && !(r == '\n' && t.multiline) {
				return bad(t.what, fmt.Sprintf("holds the control character %U", r))
			}
		}
	}
	return nil
}

// textValue is a text a card holds, for Check.
type textValue struct {
	what, s   string
	multiline bool // a line break is allowed
}

// checkRaw checks a value written without escapes (a number, an address,
// a web site): what a reader would change must not be there.
func checkRaw(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("vcard: a %s is empty", what)
	case !utf8.ValidString(s):
		return fmt.Errorf("vcard: a %s is not UTF-8", what)
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("vcard: the %s %q has space around it", what, s)
	case strings.ContainsRune(s, '\\'):
		return fmt.Errorf("vcard: the %s %q holds a backslash", what, s)
	case strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("vcard: the %s %q holds a control character", what, s)
	}
	return nil
}

// checkTypes wants lower-case words (letters, digits, '-'), each once.
func checkTypes(what string, types []string) error {
	for i, t := range types {
		if t == "" || strings.TrimFunc(t, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }) != "" {
			return fmt.Errorf("vcard: the %s type %q is not a lower-case word", what, t)
		}
		if slices.Contains(types[:i], t) {
			return fmt.Errorf("vcard: the %s type %q comes twice", what, t)
		}
	}
	return nil
}

func typeParam(types []string) string {
	if len(types) == 0 {
		return ""
	}
	return ";TYPE=" + strings.Join(types, ",")
}

// escape writes a text value: a backslash, comma, semicolon and line break
// each become their backslash escape.
func escape(s string) string {
	if !strings.ContainsAny(s, "\\,;\n") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', ',', ';':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func joinEscaped(parts []string, sep byte) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = escape(p)
	}
	return strings.Join(out, string(sep))
}

// writeFolded writes a content line and its CRLF, folded.
func writeFolded(w *bufio.Writer, line string) { w.WriteString(Fold(line)) }

// Fold is a content line and its CRLF, folded every foldAt octets without
// cutting a UTF-8 sequence: the rule vCard (RFC 6350) and iCalendar
// (RFC 5545) share, so ui/ical folds with it too.
func Fold(line string) string {
	var b strings.Builder
	b.Grow(len(line) + len(line)/foldAt*3 + 2)
	limit := foldAt
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = foldAt - 1 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}

// normalBirthday reads the day forms cards use (1985-04-15, 19850415, a
// date with a time after it, --04-15, --0415) into YYYY-MM-DD or --MM-DD,
// or "" when it is not a real day.
func normalBirthday(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, 'T'); i > 0 {
		s = s[:i]
	}
	if rest, ok := strings.CutPrefix(s, "--"); ok {
		rest = strings.ReplaceAll(rest, "-", "")
		if len(rest) != 4 {
			return ""
		}
		// 2000 was a leap year, so 29 February is a day.
		if _, err := time.Parse("20060102", "2000"+rest); err != nil {
			return ""
		}
		return "--" + rest[:2] + "-" + rest[2:]
	}
	layout := "2006-01-02"
	if !strings.Contains(s, "-") {
		layout = "20060102"
	}
	t, err := time.Parse(layout, s)
	if err != nil || t.Year() < 1 {
		return ""
	}
	return t.Format("2006-01-02")
}
