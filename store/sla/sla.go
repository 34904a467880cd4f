// Package sla counts business time: the working hours of a week, less
// public holidays, in one time zone (Europe/Istanbul for the service
// desk's targets). Service requests are due a number of business hours
// after they were opened, and the clock stops outside working hours.
package sla

import (
	"time"
)

// Hours are one day's working hours, Start <= t < End, in minutes after
// midnight; Start == End is a day off.
type Hours struct {
	Start, End int
}

// Open says whether the day has working hours at all.
func (h Hours) Open() bool { return h.End > h.Start }

// Holiday is a day off, or with HalfDay a day whose work ends at 13:00
// (the eve of Republic Day, 28 October). Yearly holidays fall on the same
// month and day every year; the others (the religious holidays, which
// move) only on their date.
type Holiday struct {
	Date    time.Time // only the year, month and day count
	Yearly  bool
	HalfDay bool
}

// halfDayEnd is when a half day's work ends: 13:00.
const halfDayEnd = 13 * 60

// maxDays bounds every search for working time: a calendar without any
// working hours (all days off) gives up after ten years instead of
// looping for ever.
const maxDays = 3660

// Calendar is a working week and its holidays in a location.
type Calendar struct {
	Loc  *time.Location
	Week [7]Hours // by time.Weekday: Sunday is 0

	fixed map[[2]int]bool // yearly holidays: month, day → half day
	dated map[[3]int]bool // holidays of one year: year, month, day → half day
}

// New makes a calendar from a week's hours and holidays.
func New(loc *time.Location, week [7]Hours, holidays []Holiday) *Calendar {
	c := &Calendar{Loc: loc, Week: week, fixed: map[[2]int]bool{}, dated: map[[3]int]bool{}}
	for _, h := range holidays {
		y, m, d := h.Date.Date()
		if h.Yearly {
			// A full day off wins over a half day on the same date.
			if half, ok := c.fixed[[2]int{int(m), d}]; !ok || half {
				c.fixed[[2]int{int(m), d}] = h.HalfDay
			}
			continue
		}
		if half, ok := c.dated[[3]int{y, int(m), d}]; !ok || half {
			c.dated[[3]int{y, int(m), d}] = h.HalfDay
		}
	}
	return c
}

// Standard is the usual Turkish office week, Monday to Friday 09:00 to
// 18:00, without holidays.
func Standard(loc *time.Location) [7]Hours {
	var w [7]Hours
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = Hours{Start: 9 * 60, End: 18 * 60}
	}
	return w
}

// hoursOn are the working hours of the day starting at midnight day.
func (c *Calendar) hoursOn(day time.Time) Hours {
	h := c.Week[day.Weekday()]
	if !h.Open() {
		return h
	}
	y, m, d := day.Date()
	half, ok := c.dated[[3]int{y, int(m), d}]
	if !ok {
		half, ok = c.fixed[[2]int{int(m), d}]
	}
	switch {
	case !ok:
		return h
	case !half:
		return Hours{}
	case h.End > halfDayEnd:
		h.End = max(halfDayEnd, h.Start)
	}
	return h
}

// window is the working time of the day starting at midnight day.
func (c *Calendar) window(day time.Time) (open, close time.Time, ok bool) {
	h := c.hoursOn(day)
	if !h.Open() {
		return time.Time{}, time.Time{}, false
	}
	return day.Add(time.Duration(h.Start) * time.Minute), day.Add(time.Duration(h.End) * time.Minute), true
}

func (c *Calendar) midnight(t time.Time) time.Time {
	y, m, d := t.In(c.Loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.Loc)
}

func nextDay(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, day.Location())
}

// Add is the moment d of business time after t: d counted only within
// working hours. A zero d gives t itself; ok is false when the calendar
// has no working time within ten years.
func (c *Calendar) Add(t time.Time, d time.Duration) (due time.Time, ok bool) {
	if d <= 0 {
		return t, true
	}
	t = t.In(c.Loc)
	day := c.midnight(t)
	for range maxDays {
		if open, close, ok := c.window(day); ok {
			if t.Before(open) {
				t = open
			}
			if t.Before(close) {
				if left := close.Sub(t); d <= left {
					return t.Add(d), true
				} else {
					d -= left
				}
			}
		}
		day = nextDay(day)
		t = day
	}
	return time.Time{}, false
}

// Between is the business time from a to b (zero when b is not after a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	a, b = a.In(c.Loc), b.In(c.Loc)
	var sum time.Duration
	for day := c.midnight(a); day.Before(b); day = nextDay(day) {
		open, close, ok := c.window(day)
		if !ok {
			continue
		}
		from, to := open, close
		if a.After(from) {
			from = a
		}
		if b.Before(to) {
			to = b
		}
		if to.After(from) {
			sum += to.Sub(from)
		}
	}
	return sum
}
