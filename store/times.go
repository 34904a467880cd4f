package store

import (
	"fmt"
	"time"
)

// timeLayout is how times are kept in the database: UTC, millisecond
// precision, sortable as text and readable by SQLite's date functions.
const timeLayout = "2006-01-02T15:04:05.000Z"

func timeText(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// now is the clock; tests move it.
var now = time.Now
