package store

import (
	"testing"
	"time"
)

// The fast reading of stored times agrees with time.Parse on every input:
// the same time where both read one, and nothing where time.Parse fails.
func FuzzParseStoredTime(f *testing.F) {
	for _, s := range []string{"2026-12-06T01:02:03.456Z", "2024-02-29T23:59:59.999Z", "2025-02-29T00:00:00.000Z",
		"2026-04-31T00:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-00-10T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
		"2026-01-01T00:60:00.000Z", "2026-01-01T00:00:60.000Z", "2026-01-01 00:00:00.000Z", "+026-01-01T00:00:00.000Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := time.Parse(timeLayout, s)
		got, ok := parseStoredTime(s)
		if ok && (err != nil || !got.Equal(want) || got.Location() != time.UTC) {
			t.Errorf("%q: fast %v, time.Parse %v %v", s, got, want, err)
		}
		if !ok && err == nil && len(s) == len(timeLayout) && s == want.Format(timeLayout) {
			t.Errorf("%q: time.Parse reads it, the fast reading does not", s)
		}
	})
}

func TestParseTimeRoundTrips(t *testing.T) {
	for _, at := range []time.Time{time.Date(2026, 12, 6, 1, 2, 3, 456e6, time.UTC), time.Date(2024, 2, 29, 23, 59, 59, 999e6, time.UTC), {}} {
		got, err := parseTime(timeText(at))
		if err != nil || !got.Equal(at) {
			t.Errorf("%v: %v %v", at, got, err)
		}
	}
	if _, err := parseTime("2026-04-31T00:00:00.000Z"); err == nil {
		t.Error("31 April read as a time")
	}
}
