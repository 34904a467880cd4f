package vcard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// MaxSize is the largest file Decode reads: a phone's whole address book
// with photos fits many times over, and nothing larger is held in memory.
const MaxSize = 32 << 20

// MaxCards is the most cards one file may hold.
const MaxCards = 100_000

// Error is a problem with the file at a line (counted from 1, the line a
// folded property begins on).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("vcard: line %d: %s", e.Line, e.Msg) }

// ErrTooLarge is returned for a file over MaxSize or with over MaxCards.
var ErrTooLarge = errors.New("vcard: the file is too large")

// line is one unfolded content line and where it began.
type line struct {
	no   int
	text string
}

// Decode reads every card of a .vcf file, of version 2.1, 3.0 or 4.0.
// The structure must be sound — each BEGIN:VCARD closed by END:VCARD,
// every line a property with a name and a colon, encodings and charsets
// known — or it fails naming the line; properties it does not know are
// passed over, and a value it cannot make sense of (a birthday that is
// no day) is left out.
func Decode(r io.Reader) ([]Card, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("vcard: read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (over %d MB)", ErrTooLarge, MaxSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var cards []Card
	var cur *cardBuilder
	for _, l := range unfold(string(data)) {
		p, err := parseLine(l)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue // a blank line
		}
		switch {
		case p.name == "BEGIN" && strings.EqualFold(p.raw, "VCARD"):
			if cur != nil {
				return nil, &Error{l.no, fmt.Sprintf("a card begins inside the card of line %d", cur.begin)}
			}
			if len(cards) == MaxCards {
				return nil, fmt.Errorf("%w (over %d cards)", ErrTooLarge, MaxCards)
			}
			cur = &cardBuilder{begin: l.no, labels: map[string]string{}}
		case p.name == "END" && strings.EqualFold(p.raw, "VCARD"):
			if cur == nil {
				return nil, &Error{l.no, "END:VCARD without BEGIN:VCARD"}
			}
			cards = append(cards, cur.card())
			cur = nil
		case cur == nil:
			return nil, &Error{l.no, fmt.Sprintf("%s outside a card", p.name)}
		default:
			cur.add(p)
		}
	}
	if cur != nil {
		return nil, &Error{cur.begin, "the card has no END:VCARD"}
	}
	return cards, nil
}

// unfold joins folded lines (a line that starts with a space or a tab
// continues the one before) and the soft line breaks of quoted-printable
// values (a line that ends with '=').
func unfold(s string) []line {
	var out []line
	for i, raw := range strings.Split(s, "\n") {
		raw = strings.TrimSuffix(raw, "\r")
		n := len(out)
		switch {
		case n > 0 && raw != "" && (raw[0] == ' ' || raw[0] == '\t'):
			out[n-1].text += raw[1:]
		case n > 0 && strings.HasSuffix(out[n-1].text, "=") && quotedPrintable(out[n-1].text):
			out[n-1].text = strings.TrimSuffix(out[n-1].text, "=") + raw
		default:
			out = append(out, line{no: i + 1, text: raw})
		}
	}
	return out
}

// quotedPrintable says whether a content line's parameters declare a
// quoted-printable value: ENCODING=QUOTED-PRINTABLE, or the bare
// QUOTED-PRINTABLE of vCard 2.1.
func quotedPrintable(text string) bool {
	head, _, ok := cutUnquoted(text, ':')
	if !ok {
		return false
	}
	for _, param := range splitUnquoted(head, ';')[1:] {
		key, val, _ := strings.Cut(param, "=")
		key = strings.TrimSpace(key)
		if strings.EqualFold(key, "QUOTED-PRINTABLE") || (strings.EqualFold(key, "ENCODING") && strings.EqualFold(strings.Trim(strings.TrimSpace(val), `"`), "QUOTED-PRINTABLE")) {
			return true
		}
	}
	return false
}

// cutUnquoted is strings.Cut outside double quotes.
func cutUnquoted(s string, sep byte) (before, after string, found bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// prop is one parsed content line.
type prop struct {
	line     int
	group    string // "item1" of "item1.TEL", lower-case
	name     string // upper-case
	types    []string
	raw      string // the value, decoded to UTF-8 but not unescaped
	omitYear string // Apple's X-APPLE-OMIT-YEAR on BDAY
}

// parseLine reads "group.NAME;PARAM=a,b;BARE:value", decoding the value's
// transfer encoding and charset. A blank line is nil.
func parseLine(l line) (*prop, error) {
	if strings.TrimSpace(l.text) == "" {
		return nil, nil
	}
	head, value, ok := cutUnquoted(l.text, ':')
	if !ok {
		return nil, &Error{l.no, "a property without ':'"}
	}
	params := splitUnquoted(head, ';')
	p := &prop{line: l.no}
	name := strings.TrimSpace(params[0])
	if g, n, ok := strings.Cut(name, "."); ok {
		p.group, name = strings.ToLower(g), n
	}
	if name == "" {
		return nil, &Error{l.no, "a property without a name"}
	}
	p.name = strings.ToUpper(name)
	enc, charset := "", ""
	for _, param := range params[1:] {
		key, val, hasValue := strings.Cut(param, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		if !hasValue {
			// vCard 2.1 names types and encodings bare: TEL;CELL;PREF,
			// NOTE;QUOTED-PRINTABLE.
			switch key {
			case "QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT":
				enc = key
			case "":
			default:
				p.types = addType(p.types, key)
			}
			continue
		}
		for _, v := range splitUnquoted(val, ',') {
			v = strings.Trim(strings.TrimSpace(v), `"`)
			switch key {
			case "TYPE":
				// TYPE="work,voice" lists its values inside one quoted string.
				for _, t := range strings.Split(v, ",") {
					p.types = addType(p.types, t)
				}
			case "PREF":
				p.types = addType(p.types, "pref")
			case "ENCODING":
				enc = strings.ToUpper(v)
			case "CHARSET":
				charset = v
			case "X-APPLE-OMIT-YEAR":
				p.omitYear = v
			}
		}
	}
	raw := []byte(value)
	switch enc {
	case "", "8BIT", "7BIT":
	case "QUOTED-PRINTABLE":
		var err error
		if raw, err = decodeQP(value); err != nil {
			return nil, &Error{l.no, err.Error()}
		}
	case "B", "BASE64":
		if p.name == "PHOTO" || p.name == "LOGO" || p.name == "SOUND" || p.name == "KEY" {
			return p, nil // binary, and passed over: never decoded
		}
		var err error
		if raw, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), "")); err != nil {
			return nil, &Error{l.no, "bad base64: " + err.Error()}
		}
	default:
		return nil, &Error{l.no, fmt.Sprintf("unknown encoding %q", enc)}
	}
	text, err := toUTF8(raw, charset)
	if err != nil {
		return nil, &Error{l.no, err.Error()}
	}
	p.raw = text
	return p, nil
}

func addType(types []string, t string) []string {
	t = strings.ToLower(strings.TrimSpace(t))
	if t == "" || slices.Contains(types, t) {
		return types
	}
	return append(types, t)
}

func splitUnquoted(s string, sep byte) []string {
	var out []string
	for {
		before, after, found := cutUnquoted(s, sep)
		out = append(out, before)
		if !found {
			return out
		}
		s = after
	}
}

// decodeQP decodes a quoted-printable value whose soft line breaks are
// already joined: "=C3=87" is the two bytes of "Ç".
func decodeQP(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return nil, fmt.Errorf("quoted-printable value ends in %q", s[i:])
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bad quoted-printable escape %q", s[i:i+3])
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// charsets are the character sets old exports name, Turkish ones first.
var charsets = map[string]encoding.Encoding{
	"ISO-8859-9":   charmap.ISO8859_9,
	"WINDOWS-1254": charmap.Windows1254,
	"CP1254":       charmap.Windows1254,
	"ISO-8859-1":   charmap.ISO8859_1,
	"WINDOWS-1252": charmap.Windows1252,
	"CP1252":       charmap.Windows1252,
}

// toUTF8 turns a value in charset into UTF-8. A value without a charset
// that is not UTF-8 was written by an old Turkish Outlook or phone in
// Windows-1254, the only other encoding such files come in here.
func toUTF8(b []byte, charset string) (string, error) {
	switch cs := strings.ToUpper(strings.TrimSpace(charset)); cs {
	case "", "UTF-8", "UTF8", "US-ASCII", "ASCII":
		if utf8.Valid(b) {
			return string(b), nil
		}
		if cs != "" {
			return "", fmt.Errorf("the value is not %s", charset)
		}
		return charsets["WINDOWS-1254"].NewDecoder().String(string(b))
	default:
		enc, ok := charsets[cs]
		if !ok {
			return "", fmt.Errorf("unknown charset %q", charset)
		}
		return enc.NewDecoder().String(string(b))
	}
}

// unescape reads a text value's backslash escapes: \n (or \N) is a line
// break, \\ \, \; \: are the character itself; any other backslash is
// kept, as vCard 2.1 writers put them in freely.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i == len(s)-1 {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case 'n', 'N':
			b.WriteByte('\n')
		case '\\', ',', ';', ':':
			b.WriteByte(s[i+1])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
		}
		i++
	}
	return b.String()
}

// splitEscaped splits a structured value at each sep that no backslash
// escapes, and unescapes the parts.
func splitEscaped(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, unescape(s[start:i]))
			start = i + 1
		}
	}
	return append(out, unescape(s[start:]))
}

// cardBuilder collects a card's properties.
type cardBuilder struct {
	begin  int
	c      Card
	hasFN  bool
	hasN   bool
	notes  []string
	labels map[string]string // group → X-ABLabel
	groups []string          // the group of each of c.Tels
}

func (b *cardBuilder) add(p *prop) {
	c := &b.c
	switch p.name {
	case "FN":
		if v := unescape(p.raw); v != "" && !b.hasFN {
			c.FN, b.hasFN = v, true
		}
	case "N":
		if b.hasN {
			return
		}
		parts := append(splitEscaped(p.raw, ';'), "", "", "", "", "")
		c.Name = Name{Family: parts[0], Given: parts[1], Additional: parts[2], Prefix: parts[3], Suffix: parts[4]}
		b.hasN = true
	case "ORG":
		if parts := splitEscaped(p.raw, ';'); c.Org == nil && strings.Join(parts, "") != "" {
			c.Org = parts
		}
	case "TITLE":
		if v := unescape(p.raw); c.Title == "" {
			c.Title = v
		}
	case "TEL":
		number := strings.TrimSpace(unescape(p.raw))
		if len(number) > 4 && strings.EqualFold(number[:4], "tel:") {
			number = number[4:] // vCard 4.0 writes a tel: URI
		}
		if number != "" {
			c.Tels = append(c.Tels, Tel{Types: p.types, Number: number})
			b.groups = append(b.groups, p.group)
		}
	case "EMAIL":
		if v := strings.TrimSpace(unescape(p.raw)); v != "" {
			c.Emails = append(c.Emails, Email{Types: p.types, Address: v})
		}
	case "ADR":
		parts := append(splitEscaped(p.raw, ';'), "", "", "", "", "", "", "")
		a := Address{Types: p.types, POBox: parts[0], Extended: parts[1], Street: parts[2], Locality: parts[3],
			Region: parts[4], PostalCode: parts[5], Country: parts[6]}
		if !a.empty() {
			c.Addresses = append(c.Addresses, a)
		}
	case "NOTE":
		if v := unescape(p.raw); v != "" {
			b.notes = append(b.notes, v)
		}
	case "BDAY":
		day := normalBirthday(unescape(p.raw))
		if p.omitYear != "" && strings.HasPrefix(day, p.omitYear+"-") {
			day = "--" + day[len(p.omitYear)+1:] // Apple's birthday without a year
		}
		if c.Birthday == "" {
			c.Birthday = day
		}
	case "URL":
		if v := strings.TrimSpace(unescape(p.raw)); v != "" {
			c.URLs = append(c.URLs, v)
		}
	case "CATEGORIES":
		for _, cat := range splitEscaped(p.raw, ',') {
			if cat = strings.TrimSpace(cat); cat != "" && !slices.Contains(c.Categories, cat) {
				c.Categories = append(c.Categories, cat)
			}
		}
	case "KIND":
		if strings.EqualFold(strings.TrimSpace(p.raw), "org") {
			c.Kind = "org"
		}
	case "X-ABSHOWAS":
		if strings.EqualFold(strings.TrimSpace(p.raw), "COMPANY") {
			c.Kind = "org"
		}
	case "X-ABLABEL":
		if p.group != "" {
			b.labels[p.group] = unescape(p.raw)
		}
	}
}

// appleLabels are the names Apple's contacts give their standard labels,
// as the types they mean.
var appleLabels = map[string][]string{
	"mobile": {"cell"}, "iphone": {"cell", "iphone"}, "home": {"home"}, "work": {"work"}, "main": {"main"},
	"homefax": {"home", "fax"}, "workfax": {"work", "fax"}, "otherfax": {"fax"}, "pager": {"pager"}, "other": {"other"},
}

// card finishes the card: labels joined to their numbers, notes to one.
func (b *cardBuilder) card() Card {
	c := b.c
	for i := range c.Tels {
		label, ok := b.labels[b.groups[i]]
		if !ok || b.groups[i] == "" {
			continue
		}
		if name, ok := strings.CutPrefix(label, "_$!<"); ok && strings.HasSuffix(name, ">!$_") {
			for _, t := range appleLabels[strings.ToLower(strings.TrimSuffix(name, ">!$_"))] {
				c.Tels[i].Types = addType(c.Tels[i].Types, t)
			}
			continue
		}
		c.Tels[i].Label = label
	}
	c.Note = strings.Join(b.notes, "\n")
	return c
}
