package ical

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// parsed is a component read back by the strict reader below: its name,
// its properties (name → unescaped values) and its children.
type parsed struct {
	Name     string
	Props    map[string][]string
	Children []*parsed
}

// textProps are the properties whose values are TEXT, unescaped by the
// reader; the others are taken as written.
var textProps = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "UID": true, "PRODID": true, "X-WR-CALNAME": true}

// parseICS is an RFC 5545 reader written for this test, independent of
// the writer: it refuses bare LF or CR, physical lines over 75 octets or
// with broken UTF-8, a continuation line without its leading space,
// unescaped ; or , in TEXT, unknown escapes, and unbalanced BEGIN/END.
func parseICS(data []byte) (*parsed, error) {
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		return nil, fmt.Errorf("does not end with CRLF")
	}
	phys := strings.Split(string(data[:len(data)-2]), "\r\n")
	var logical []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d: bare CR or LF", i+1)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d: %d octets", i+1, len(l))
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("line %d: a UTF-8 character split by folding", i+1)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				return nil, fmt.Errorf("line %d: continuation of nothing", i+1)
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	var stack []*parsed
	var root *parsed
	for _, l := range logical {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("not a content line: %q", l)
		}
		name, _, _ = strings.Cut(name, ";") // parameters are not used here
		switch name {
		case "BEGIN":
			c := &parsed{Name: value, Props: map[string][]string{}}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.Children = append(top.Children, c)
			} else if root != nil {
				return nil, fmt.Errorf("two top-level components")
			} else {
				root = c
			}
			stack = append(stack, c)
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].Name != value {
				return nil, fmt.Errorf("END:%s without its BEGIN", value)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) == 0 {
			return nil, fmt.Errorf("property %s outside a component", name)
		}
		if textProps[name] {
			var err error
			if value, err = unescapeText(value); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		top := stack[len(stack)-1]
		top.Props[name] = append(top.Props[name], value)
	}
	if len(stack) != 0 || root == nil {
		return nil, fmt.Errorf("unbalanced components")
	}
	return root, nil
}

func unescapeText(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return "", fmt.Errorf("a lone backslash at the end")
			}
			i++
			switch s[i] {
			case '\\', ';', ',':
				b.WriteByte(s[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("unknown escape \\%c", s[i])
			}
		case ';', ',':
			return "", fmt.Errorf("unescaped %c", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func TestICalRoundTrip(t *testing.T) {
	stamp := time.Date(2031, 3, 1, 8, 0, 0, 0, time.UTC)
	ist := time.FixedZone("TRT", 3*3600)
	long := strings.Repeat("Çağrı şöyle: ğüşiöç İĞÜŞÖÇ ı — ", 12)
	events := []Event{
		{UID: "activity-1@kobicrm", Stamp: stamp, Start: time.Date(2031, 3, 10, 10, 0, 0, 0, ist), End: time.Date(2031, 3, 10, 11, 30, 0, 0, ist),
			Summary: "Toplantı, Yılmaz; Ltd. \\ Şti.", Description: "Tür: Toplantı\nMüşteri: A, B; C\r\nsatır 3\rsatır 4",
			Location: "İstanbul, Kadıköy", Status: "CONFIRMED", URL: "http://192.168.1.5:8080/activities/1"},
		{UID: "activity-2@kobicrm", Stamp: stamp, Start: time.Date(2031, 3, 11, 9, 0, 0, 0, time.UTC), End: time.Date(2031, 3, 11, 9, 30, 0, 0, time.UTC),
			Summary: long, Description: long + "\n" + long, Status: "TENTATIVE"},
		{UID: "activity-3@kobicrm", Stamp: stamp, Start: stamp, End: stamp.Add(time.Hour), Summary: "x\x00y\x07z", Status: "CANCELLED"},
		{UID: "activity-4@kobicrm", Stamp: stamp, Start: stamp, End: stamp, Summary: strings.Repeat("€", 40) + strings.Repeat("a", 1) + strings.Repeat("𝄞", 30)},
	}
	var buf bytes.Buffer
	if err := Write(&buf, Calendar{ProdID: "-//kobicrm//kobicrm test//TR", Name: "Ayşe, Yılmaz", Events: events}); err != nil {
		t.Fatal(err)
	}
	cal, err := parseICS(buf.Bytes())
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, buf.String())
	}
	if cal.Name != "VCALENDAR" || cal.Props["VERSION"][0] != "2.0" || cal.Props["X-WR-CALNAME"][0] != "Ayşe, Yılmaz" || len(cal.Props["PRODID"]) != 1 {
		t.Errorf("calendar: %+v", cal.Props)
	}
	if len(cal.Children) != len(events) {
		t.Fatalf("%d events, want %d", len(cal.Children), len(events))
	}
	clean := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		return strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, s)
	}
	for i, e := range events {
		got := cal.Children[i]
		one := func(name string) string {
			t.Helper()
			if len(got.Props[name]) != 1 {
				t.Errorf("event %d: %s %d times", i, name, len(got.Props[name]))
				return ""
			}
			return got.Props[name][0]
		}
		if got.Name != "VEVENT" {
			t.Errorf("component %d is %s", i, got.Name)
		}
		checks := map[string]string{
			"UID":     e.UID,
			"DTSTAMP": e.Stamp.UTC().Format("20060102T150405Z"),
			"DTSTART": e.Start.UTC().Format("20060102T150405Z"),
			"DTEND":   e.End.UTC().Format("20060102T150405Z"),
			"SUMMARY": clean(e.Summary),
		}
		for name, want := range checks {
			if g := one(name); g != want {
				t.Errorf("event %d %s = %q, want %q", i, name, g, want)
			}
		}
		for name, want := range map[string]string{"DESCRIPTION": clean(e.Description), "LOCATION": e.Location, "STATUS": e.Status, "URL": e.URL} {
			if want == "" {
				if len(got.Props[name]) != 0 {
					t.Errorf("event %d: empty %s written", i, name)
				}
				continue
			}
			if g := one(name); g != want {
				t.Errorf("event %d %s = %q, want %q", i, name, g, want)
			}
		}
	}
	if !strings.Contains(buf.String(), "DTSTART:20310310T070000Z\r\n") {
		t.Error("Istanbul 10:00 is not 07:00Z")
	}
}

func TestICalFoldingAtEveryLength(t *testing.T) {
	// Every length around the fold, with characters of 1 to 4 octets at
	// every offset: no line longer than 75 octets, no character split.
	for _, ch := range []string{"a", "ş", "€", "𝄞"} {
		for n := 60; n < 160; n++ {
			s := strings.Repeat("a", n%4) + strings.Repeat(ch, n)
			var buf bytes.Buffer
			if err := Write(&buf, Calendar{ProdID: "p", Events: []Event{{UID: "u", Summary: s}}}); err != nil {
				t.Fatal(err)
			}
			cal, err := parseICS(buf.Bytes())
			if err != nil {
				t.Fatalf("%q × %d: %v", ch, n, err)
			}
			if got := cal.Children[0].Props["SUMMARY"][0]; got != s {
				t.Fatalf("%q × %d: read back %q", ch, n, got)
			}
		}
	}
}

func TestICalEscape(t *testing.T) {
	for in, want := range map[string]string{
		`a\b`: `a\\b`, "a;b,c": `a\;b\,c`, "a\r\nb\nc\rd": `a\nb\nc\nd`, "tab\there": "tab\there", "bell\x07": "bell",
		"bozuk\xffutf8": "bozuk\uFFFDutf8",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzICalText(f *testing.F) {
	for _, s := range []string{"", "a;b,c\\d\ne", strings.Repeat("ğ", 100), "\r\r\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		if err := Write(&buf, Calendar{ProdID: "p", Events: []Event{{UID: "u", Summary: s, Description: s, Location: s}}}); err != nil {
			t.Fatal(err)
		}
		cal, err := parseICS(buf.Bytes())
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(cal.Children) != 1 {
			t.Fatalf("%q: %d events", s, len(cal.Children))
		}
	})
}
