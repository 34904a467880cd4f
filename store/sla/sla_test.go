package sla

import (
	"testing"
	"time"
)

var ist = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ist)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// turkey is the standard week with Turkey's fixed-date holidays (and
// the eve of Republic Day as a half day) and the Ramazan Bayramı of 2026
// entered for its year, as an administrator would.
func turkey() *Calendar {
	var hs []Holiday
	for _, d := range []string{"2000-01-01", "2000-04-23", "2000-05-01", "2000-05-19", "2000-07-15", "2000-08-30", "2000-10-29"} {
		hs = append(hs, Holiday{Date: day(d), Yearly: true})
	}
	hs = append(hs, Holiday{Date: day("2000-10-28"), Yearly: true, HalfDay: true})
	hs = append(hs, Holiday{Date: day("2026-03-20")}, Holiday{Date: day("2026-03-19"), HalfDay: true})
	return New(ist, Standard(ist), hs)
}

func TestAdd(t *testing.T) {
	c := turkey()
	h := time.Hour
	for _, tc := range []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"within the day", "2026-12-01 10:00", 4 * h, "2026-12-01 14:00"},
		{"to the minute of closing", "2026-12-01 10:00", 8 * h, "2026-12-01 18:00"},
		{"over the evening", "2026-12-01 16:00", 4 * h, "2026-12-02 11:00"},
		{"opened in the evening", "2026-12-01 20:30", 1 * h, "2026-12-02 10:00"},
		{"opened before opening", "2026-12-01 07:00", 30 * time.Minute, "2026-12-01 09:30"},
		{"over the weekend", "2026-12-04 17:00", 2 * h, "2026-12-07 10:00"},
		{"opened on Saturday", "2026-12-05 11:00", 1 * h, "2026-12-07 10:00"},
		{"a whole week of nine-hour days", "2026-12-07 09:00", 45 * h, "2026-12-11 18:00"},
		{"a fixed holiday (29 Oct, a Thursday)", "2026-10-28 09:00", 5 * h, "2026-10-30 10:00"},
		{"the half day ends at 13:00", "2026-10-28 12:00", 2 * h, "2026-10-30 10:00"},
		{"New Year's day on a Friday", "2026-12-31 17:00", 2 * h, "2027-01-04 10:00"},
		{"23 April on a Thursday", "2026-04-22 17:30", 1 * h, "2026-04-24 09:30"},
		{"a religious holiday entered for its year", "2026-03-18 17:00", 6 * h, "2026-03-23 10:00"},
		{"zero is now", "2026-12-05 11:00", 0, "2026-12-05 11:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := c.Add(at(tc.from), tc.d)
			if !ok || !got.Equal(at(tc.want)) {
				t.Errorf("Add(%s, %v) = %v %v, want %s", tc.from, tc.d, got.In(ist), ok, tc.want)
			}
		})
	}
}

func TestAddFromUTC(t *testing.T) {
	// A time in UTC counts in Istanbul's hours: 06:00Z is 09:00 there.
	got, _ := turkey().Add(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), time.Hour)
	if want := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got.UTC(), want)
	}
}

func TestBetween(t *testing.T) {
	c := turkey()
	h := time.Hour
	for _, tc := range []struct {
		name     string
		from, to string
		want     time.Duration
	}{
		{"within the day", "2026-12-01 10:00", "2026-12-01 12:30", 150 * time.Minute},
		{"over the night", "2026-12-01 17:00", "2026-12-02 10:00", 2 * h},
		{"a weekend counts nothing", "2026-12-05 08:00", "2026-12-06 23:00", 0},
		{"Friday evening to Monday noon", "2026-12-04 17:00", "2026-12-07 12:00", 4 * h},
		{"a holiday counts nothing", "2026-10-29 00:00", "2026-10-29 23:59", 0},
		{"a half day counts four hours", "2026-10-28 00:00", "2026-10-28 23:00", 4 * h},
		{"backwards is zero", "2026-12-02 10:00", "2026-12-01 10:00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Between(at(tc.from), at(tc.to)); got != tc.want {
				t.Errorf("Between(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

// TestPause is the service desk's paused clock: a request due in 9
// business hours that waits for the customer for a while is due that
// much business time later.
func TestPause(t *testing.T) {
	c := turkey()
	opened := at("2026-12-01 14:00")
	due, _ := c.Add(opened, 9*time.Hour)
	if !due.Equal(at("2026-12-02 14:00")) {
		t.Fatalf("due %v", due.In(ist))
	}
	// Waiting from Tuesday 16:00 to Thursday 11:00 is 2 + 9 + 2 hours.
	paused := c.Between(at("2026-12-01 16:00"), at("2026-12-03 11:00"))
	if paused != 13*time.Hour {
		t.Fatalf("paused %v", paused)
	}
	due, _ = c.Add(opened, 9*time.Hour+paused)
	if !due.Equal(at("2026-12-03 18:00")) {
		t.Errorf("due after the pause %v", due.In(ist))
	}
}

func TestCustomHoursAndNoWork(t *testing.T) {
	var week [7]Hours
	week[time.Saturday] = Hours{Start: 10 * 60, End: 14 * 60}
	c := New(ist, week, nil)
	got, ok := c.Add(at("2026-12-01 10:00"), 5*time.Hour)
	if !ok || !got.Equal(at("2026-12-12 11:00")) {
		t.Errorf("Saturdays only: %v %v", got.In(ist), ok)
	}
	if _, ok := New(ist, [7]Hours{}, nil).Add(at("2026-12-01 10:00"), time.Hour); ok {
		t.Error("a calendar without working hours found some")
	}
}
