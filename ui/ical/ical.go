// Package ical writes iCalendar files (RFC 5545): a calendar of events
// that Google Calendar, Outlook and Thunderbird read, as a feed they
// subscribe to or as one event to download. It only formats: what goes in
// each event is the caller's. Text is escaped (\\ ; , and newlines), times
// are written in UTC, lines end in CRLF and are folded at 75 octets
// without splitting a UTF-8 character.
package ical

import (
	"bufio"
	"io"
	"strings"
	"time"

	"kobicrm/store/vcard"
)

// Event is one VEVENT.
type Event struct {
	UID         string // stable across writes: the same event updates, never duplicates
	Stamp       time.Time
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	Status      string // TENTATIVE, CONFIRMED or CANCELLED; "" leaves it out
	URL         string // "" leaves it out
}

// Calendar is a VCALENDAR with a name shown by the calendar program.
type Calendar struct {
	ProdID string // e.g. "-//kobicrm//kobicrm 1.0//TR"
	Name   string // X-WR-CALNAME; "" leaves it out
	Events []Event
}

const utcLayout = "20060102T150405Z"

// Write writes c to w.
func Write(w io.Writer, c Calendar) error {
	bw := bufio.NewWriter(w)
	lw := &lineWriter{w: bw}
	lw.line("BEGIN:VCALENDAR")
	lw.line("VERSION:2.0")
	lw.line("PRODID:" + Escape(c.ProdID))
	lw.line("CALSCALE:GREGORIAN")
	lw.line("METHOD:PUBLISH")
	if c.Name != "" {
		lw.line("X-WR-CALNAME:" + Escape(c.Name))
	}
	for _, e := range c.Events {
		lw.line("BEGIN:VEVENT")
		lw.line("UID:" + Escape(e.UID))
		lw.line("DTSTAMP:" + e.Stamp.UTC().Format(utcLayout))
		lw.line("DTSTART:" + e.Start.UTC().Format(utcLayout))
		lw.line("DTEND:" + e.End.UTC().Format(utcLayout))
		lw.line("SUMMARY:" + Escape(e.Summary))
		if e.Description != "" {
			lw.line("DESCRIPTION:" + Escape(e.Description))
		}
		if e.Location != "" {
			lw.line("LOCATION:" + Escape(e.Location))
		}
		if e.Status != "" {
			lw.line("STATUS:" + e.Status)
		}
		if e.URL != "" {
			lw.line("URL:" + e.URL) // a URI value: no text escaping
		}
		lw.line("END:VEVENT")
	}
	lw.line("END:VCALENDAR")
	if lw.err != nil {
		return lw.err
	}
	return bw.Flush()
}

// Escape escapes a TEXT value: backslash, semicolon, comma and newlines
// (CRLF, CR or LF become \n). Other control characters, which TEXT does
// not allow, are dropped.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == ';':
			b.WriteString(`\;`)
		case c == ',':
			b.WriteString(`\,`)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 && c != '\t', c == 0x7f:
			// dropped
		default:
			b.WriteByte(c)
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// lineWriter writes content lines folded at 75 octets: a longer line goes
// on in continuation lines that start with one space, each break falling
// between UTF-8 characters.
type lineWriter struct {
	w   *bufio.Writer
	err error
}

func (lw *lineWriter) line(s string) {
	if lw.err != nil {
		return
	}
	lw.write(vcard.Fold(s)) // the same 75-octet rule as a contact card's
}

func (lw *lineWriter) write(s string) {
	if lw.err == nil {
		_, lw.err = lw.w.WriteString(s)
	}
}
