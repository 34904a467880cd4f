package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"kobicrm/store/sla"
	"kobicrm/store/tr"
)

// The service desk's clock: targets per priority in business hours, the
// working hours of each weekday and the public holidays, all edited by an
// administrator as declared modules and read by verifyServiceRequest on
// every write of a request (the three lists are a few rows each).

// ServiceSLA are the targets per priority: the first response and the
// resolution, in business hours.
var ServiceSLA = register(&Module{
	Key: "service_sla", Table: "service_sla", Label: "module.service_sla",
	TitleField: "priority", AdminOnly: true, Lookup: true,
	Fields: []Field{
		{Name: "priority", Kind: Choice, Choices: ServicePriorities, Required: true, List: true, Filter: true},
		{Name: "response_hours", Kind: Int, Required: true, List: true},
		{Name: "resolve_hours", Kind: Int, Required: true, List: true},
	},
	Prepare: func(v Values, errs *ValidationError) {
		for _, f := range []string{"response_hours", "resolve_hours"} {
			if n, ok := v.Int(f); ok && (n < 1 || n > 10000) {
				errs.Add(f, "error.sla_hours_range")
			}
		}
	},
	Verify: uniqueIn("service_sla", "priority", "error.sla_priority_taken"),
})

// weekdays are ISO's: 1 Monday … 7 Sunday.
var weekdays = []string{"1", "2", "3", "4", "5", "6", "7"}

// ServiceHours are the desk's working hours per weekday, HH:MM in
// Istanbul time; a weekday without hours is a day off.
var ServiceHours = register(&Module{
	Key: "service_hours", Table: "service_hours", Label: "module.service_hours",
	TitleField: "weekday", AdminOnly: true, Lookup: true,
	Fields: []Field{
		{Name: "weekday", Kind: Choice, Choices: weekdays, Required: true, List: true, Filter: true},
		{Name: "opens", Kind: Text, List: true, Max: 5},
		{Name: "closes", Kind: Text, List: true, Max: 5},
	},
	Prepare: prepareServiceHours,
	Verify:  uniqueIn("service_hours", "weekday", "error.hours_weekday_taken"),
})

// ServiceHolidays are the days the clock stands still: Turkey's
// fixed-date holidays every year (shipped), the religious holidays on
// the dates an administrator enters for each year, and half days (work
// ends at 13:00).
var ServiceHolidays = register(&Module{
	Key: "service_holidays", Table: "service_holidays", Label: "module.service_holidays",
	TitleField: "name", DefaultSort: "day", AdminOnly: true, Lookup: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Max: 120},
		{Name: "day", Kind: Date, Required: true, List: true, Sort: true},
		{Name: "yearly", Kind: Bool, List: true, Filter: true},
		{Name: "half_day", Kind: Bool, List: true},
	},
})

var clockText = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// clockMinutes reads HH:MM (also H:MM and HH.MM) as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) == 4 {
		s = "0" + s
	}
	if len(s) == 5 && s[2] == '.' {
		s = s[:2] + ":" + s[3:]
	}
	if !clockText.MatchString(s) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	return h*60 + m, true
}

func prepareServiceHours(v Values, errs *ValidationError) {
	var mins [2]int
	for i, f := range []string{"opens", "closes"} {
		s := v.Str(f)
		if s == "" {
			continue
		}
		n, ok := clockMinutes(s)
		if !ok {
			errs.Add(f, "error.clock_time")
			continue
		}
		mins[i] = n
		v[f] = fmt.Sprintf("%02d:%02d", n/60, n%60)
	}
	opens, closes := v.Str("opens"), v.Str("closes")
	switch {
	case (opens == "") != (closes == ""):
		errs.Add("closes", "error.hours_both")
	case opens != "" && mins[1] <= mins[0]:
		errs.Add("closes", "error.hours_order")
	}
}

// uniqueIn is a Verify that refuses a second live record with the same
// value of field.
func uniqueIn(table, field, key string) func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	return func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE "+field+" = ? AND id <> ? AND deleted_at IS NULL",
			v.Str(field), id).Scan(&n); err != nil {
			return fmt.Errorf("unique %s.%s: %w", table, field, err)
		}
		if n > 0 {
			errs.Add(field, key)
		}
		return nil
	}
}

// slaTarget is one priority's targets in business hours.
type slaTarget struct{ response, resolve int64 }

// loadServiceCalendar reads the working week, the holidays and the
// targets. A priority without a target is due when it is opened.
func loadServiceCalendar(ctx context.Context, q querier) (*sla.Calendar, map[string]slaTarget, error) {
	var week [7]sla.Hours
	rows, err := q.QueryContext(ctx, "SELECT weekday, opens, closes FROM service_hours WHERE deleted_at IS NULL")
	if err != nil {
		return nil, nil, fmt.Errorf("service hours: %w", err)
	}
	for rows.Next() {
		var day, opens, closes string
		if err := rows.Scan(&day, &opens, &closes); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("service hours: %w", err)
		}
		d, _ := strconv.Atoi(day)
		o, ok1 := clockMinutes(opens)
		c, ok2 := clockMinutes(closes)
		if d >= 1 && d <= 7 && ok1 && ok2 {
			week[time.Weekday(d%7)] = sla.Hours{Start: o, End: c}
		}
	}
	if err := closeRows(rows, "service hours"); err != nil {
		return nil, nil, err
	}
	var holidays []sla.Holiday
	rows, err = q.QueryContext(ctx, "SELECT day, yearly, half_day FROM service_holidays WHERE deleted_at IS NULL")
	if err != nil {
		return nil, nil, fmt.Errorf("service holidays: %w", err)
	}
	for rows.Next() {
		var day string
		var h sla.Holiday
		if err := rows.Scan(&day, &h.Yearly, &h.HalfDay); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("service holidays: %w", err)
		}
		if h.Date, err = time.Parse(time.DateOnly, day); err == nil {
			holidays = append(holidays, h)
		}
	}
	if err := closeRows(rows, "service holidays"); err != nil {
		return nil, nil, err
	}
	targets := map[string]slaTarget{}
	rows, err = q.QueryContext(ctx, "SELECT priority, coalesce(response_hours, 0), coalesce(resolve_hours, 0) FROM service_sla WHERE deleted_at IS NULL")
	if err != nil {
		return nil, nil, fmt.Errorf("service targets: %w", err)
	}
	for rows.Next() {
		var p string
		var t slaTarget
		if err := rows.Scan(&p, &t.response, &t.resolve); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("service targets: %w", err)
		}
		targets[p] = t
	}
	if err := closeRows(rows, "service targets"); err != nil {
		return nil, nil, err
	}
	return sla.New(tr.Istanbul, week, holidays), targets, nil
}
