package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// The calendar: activities by time, for one person, a team or a
// department, always through the reader's own scope on activities.

// CalendarQuery asks for the activities of a time range.
type CalendarQuery struct {
	From, To time.Time // [From, To)
	// Who is whose activities: "me", "user:ID", "team:ID" or
	// "department:ID" (ParseWho). Empty means "me".
	Who string
	// Limit caps how many activities come back (0: CalendarLimit).
	Limit int
	// PerDay caps how many activities of one day come back, the earliest
	// (0: no cap): a month cell shows a few and "more", however busy the
	// day; Result.Busy says which days have more.
	PerDay int
}

// CalendarLimit is how many activities one calendar call returns at most
// unless asked for fewer or more (up to CalendarMaxLimit): a month of a
// busy department stays one page.
const (
	CalendarLimit    = 2000
	CalendarMaxLimit = 20000
)

// calendarSpan is how long before a range an activity may start and still
// reach into it (a trade fair of several days). Looking back a bounded
// time keeps the query on the starts_at indexes; an activity longer than
// this shows on the days it starts in, not on every later one.
const calendarSpan = 31 * 24 * time.Hour

// calendarFields are the fields a calendar reads: what a calendar cell
// and a feed's event show, not the whole record.
var calendarFields = []string{"type", "subject", "customer_id", "status", "starts_at", "ends_at", "owner_id", "place", "description"}

// CalendarResult is the activities of a range, ordered by start. More is
// set when the limit cut the list short.
type CalendarResult struct {
	Items []*Record
	More  bool
	// Busy are the days (in Istanbul, YYYY-MM-DD) with more activities
	// than a query capped per day returned.
	Busy map[string]bool
}

// Who is a parsed calendar subject.
type Who struct {
	Kind string // "me", "user", "team", "department"
	ID   int64  // 0 for "me"
}

func (w Who) String() string {
	if w.Kind == "me" || w.Kind == "" {
		return "me"
	}
	return w.Kind + ":" + strconv.FormatInt(w.ID, 10)
}

// ParseWho reads "me", "user:ID", "team:ID" or "department:ID"; anything
// else is ErrBadQuery. The empty string is "me".
func ParseWho(s string) (Who, error) {
	if s == "" || s == "me" {
		return Who{Kind: "me"}, nil
	}
	kind, num, ok := strings.Cut(s, ":")
	if !ok || (kind != "user" && kind != "team" && kind != "department") {
		return Who{}, fmt.Errorf("%w: calendar of %q", ErrBadQuery, s)
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != num {
		return Who{}, fmt.Errorf("%w: calendar of %q", ErrBadQuery, s)
	}
	return Who{Kind: kind, ID: id}, nil
}

// whoUsers is the SQL (and its arguments) for the ids of the users whose
// activities a calendar of w shows.
func whoUsers(a *Actor, w Who) (string, []any) {
	switch w.Kind {
	case "user":
		return "SELECT ?", []any{w.ID}
	case "team":
		return `SELECT ut.record_id FROM users_teams ut JOIN teams tm ON tm.id = ut.ref_id AND tm.deleted_at IS NULL
			WHERE ut.ref_id = ?`, []any{w.ID}
	case "department":
		return `SELECT u.id FROM users u WHERE u.department_id IN (
			WITH RECURSIVE sub (id) AS (
				SELECT d.id FROM departments d WHERE d.id = ? AND d.deleted_at IS NULL
				UNION
				SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id WHERE d.deleted_at IS NULL
			) SELECT id FROM sub)`, []any{w.ID}
	}
	return "SELECT ?", []any{a.UserID}
}

// mayView says whether the actor may open the calendar of w: anyone their
// own; with a read scope of all on activities (administrators), anyone's;
// otherwise the users within their read scope, the teams they belong to,
// and their department and those below it. Which activities show is still
// their scope's part.
func (s *Store) mayView(ctx context.Context, a *Actor, m *Module, w Who) (bool, error) {
	sc := a.Scope(m, ActRead)
	if sc == ScopeNone {
		return false, nil
	}
	if w.Kind == "me" || (w.Kind == "user" && w.ID == a.UserID) {
		return a.UserID > 0, nil
	}
	var query string
	var args []any
	switch {
	case sc == ScopeAll:
		table := map[string]string{"user": "users", "team": "teams", "department": "departments"}[w.Kind]
		query = "SELECT count(*) FROM " + table + " WHERE id = ?"
		if w.Kind != "user" {
			query += " AND deleted_at IS NULL"
		}
		args = []any{w.ID}
	case w.Kind == "user":
		cond, cargs := ownerCond(sc, "u.id", a.UserID)
		query = "SELECT count(*) FROM users u WHERE u.id = ? AND " + cond
		args = append([]any{w.ID}, cargs...)
	case w.Kind == "team":
		query = `SELECT count(*) FROM users_teams ut JOIN teams tm ON tm.id = ut.ref_id AND tm.deleted_at IS NULL
			WHERE ut.record_id = ? AND ut.ref_id = ?`
		args = []any{a.UserID, w.ID}
	default:
		query = `WITH RECURSIVE sub (id) AS (
				SELECT d.id FROM users me JOIN departments d ON d.id = me.department_id AND d.deleted_at IS NULL WHERE me.id = ?
				UNION
				SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id WHERE d.deleted_at IS NULL
			) SELECT count(*) FROM sub WHERE id = ?`
		args = []any{a.UserID, w.ID}
	}
	var n int
	if err := s.reads.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("check calendar of %s: %w", w, err)
	}
	return n > 0, nil
}

// Calendar returns the activities of q.Who that start in [q.From, q.To),
// and those that started up to calendarSpan earlier and end after q.From,
// ordered by start, with the names of their customers and owners. Only
// activities within the actor's read scope come back, whoever's calendar
// it is; a calendar the actor may not open (a team they are not in) is
// ErrForbidden.
func (s *Store) Calendar(ctx context.Context, a *Actor, q CalendarQuery) (*CalendarResult, error) {
	m := s.mod(Activities)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, err
	}
	w, err := ParseWho(q.Who)
	if err != nil {
		return nil, err
	}
	if !q.From.Before(q.To) {
		return nil, fmt.Errorf("%w: calendar range %s–%s", ErrBadQuery, q.From, q.To)
	}
	ok, err := s.mayView(ctx, a, m, w)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrForbidden
	}
	limit := q.Limit
	if limit <= 0 {
		limit = CalendarLimit
	}
	limit = min(limit, CalendarMaxLimit)
	query, args, err := calendarSQL(a, m, w, q.From, q.To, limit)
	if err != nil {
		return nil, err
	}
	var res *CalendarResult
	if q.PerDay > 0 {
		if res, err = s.calendarPerDay(ctx, a, m, w, q.From, q.To, q.PerDay); err != nil {
			return nil, err
		}
		if err := s.loadRefs(ctx, m, res.Items); err != nil {
			return nil, err
		}
		redact(a, m, res.Items...)
		return res, nil
	}
	res = &CalendarResult{}
	rows, err := s.reads.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar of %s: %w", w, err)
	}
	cols := m.listColumns(calendarFields, "starts_at")
	for rows.Next() {
		r, err := m.scanColumns(rows, cols)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("calendar of %s: %w", w, err)
		}
		res.Items = append(res.Items, r)
	}
	if err := closeRows(rows, "calendar"); err != nil {
		return nil, err
	}
	if len(res.Items) > limit {
		res.Items, res.More = res.Items[:limit], true
	}
	if err := s.loadRefs(ctx, m, res.Items); err != nil {
		return nil, err
	}
	redact(a, m, res.Items...)
	return res, nil
}

// calendarSQL is the query of a calendar call and its arguments.
func calendarSQL(a *Actor, m *Module, w Who, fromT, toT time.Time, limit int) (string, []any, error) {
	where, args, err := calendarWhere(a, m, w, fromT, toT)
	if err != nil {
		return "", nil, err
	}
	query := "SELECT " + selectColumns(m.listColumns(calendarFields, "starts_at")) + " FROM activities t WHERE " + where +
		" ORDER BY t.starts_at, t.id LIMIT ?"
	return query, append(args, limit+1), nil
}

// calendarWhere is the condition, on activities t, of a calendar call.
func calendarWhere(a *Actor, m *Module, w Who, fromT, toT time.Time) (string, []any, error) {
	from := fromT.UTC().Format(tr.DateTimeLayout)
	to := toT.UTC().Format(tr.DateTimeLayout)
	back := fromT.Add(-calendarSpan).UTC().Format(tr.DateTimeLayout)
	users, uargs := whoUsers(a, w)
	// Two ways in, each on an index by time: the activities the users own
	// (activities_owner_time), and those they take part in (their
	// participations, then each activity by id). The union is read once.
	inner := `SELECT id FROM activities WHERE deleted_at IS NULL AND owner_id IN (` + users + `)
			AND starts_at >= ? AND starts_at < ?
		UNION
		SELECT p.record_id FROM activities_participants p WHERE p.ref_id IN (` + users + `)`
	args := append([]any{}, uargs...)
	args = append(args, back, to)
	args = append(args, uargs...)
	where := []string{
		"t.id IN (" + inner + ")",
		"t.deleted_at IS NULL",
		"t.starts_at >= ?", "t.starts_at < ?",
		"(t.starts_at >= ? OR t.ends_at > ?)",
	}
	args = append(args, back, to, from, from)
	scope, sargs, err := scopeCond(a, m, ActRead)
	if err != nil {
		return "", nil, err
	}
	if scope != "" {
		where = append(where, scope)
		args = append(args, sargs...)
	}
	return strings.Join(where, " AND "), args, nil
}

// calendarPerDay reads a calendar keeping the first perDay activities of
// each day (in Istanbul), and marks in Busy the days that have more. The
// owners' own activities come from one statement of one short index walk
// per day (by owner and time, perDay+1 rows each), so a month of tens of
// thousands of activities reads a few hundred rows and counts none; the
// participations and the activities begun before the range that reach
// into it, which are few, are read whole and merged in.
func (s *Store) calendarPerDay(ctx context.Context, a *Actor, m *Module, w Who, fromT, toT time.Time, perDay int) (*CalendarResult, error) {
	from := fromT.UTC().Format(tr.DateTimeLayout)
	to := toT.UTC().Format(tr.DateTimeLayout)
	back := fromT.Add(-calendarSpan).UTC().Format(tr.DateTimeLayout)
	users, uargs := whoUsers(a, w)
	scope, sargs, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	cols := m.listColumns(calendarFields, "starts_at")
	sel := "SELECT " + selectColumns(cols) + " FROM "
	own := "t.deleted_at IS NULL AND t.owner_id IN (" + users + ")" + scope
	ownArgs := func(extra ...any) []any { return append(append(append([]any{}, uargs...), sargs...), extra...) }
	var items []*Record
	read := func(query string, args ...any) error {
		rows, err := s.reads.query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("calendar of %s: %w", w, err)
		}
		for rows.Next() {
			r, err := m.scanColumns(rows, cols)
			if err != nil {
				rows.Close()
				return fmt.Errorf("calendar of %s: %w", w, err)
			}
			items = append(items, r)
		}
		return closeRows(rows, "calendar")
	}
	var days []string
	var args []any
	for d := fromT.In(tr.Istanbul); d.Before(toT); d = d.AddDate(0, 0, 1) {
		days = append(days, "SELECT * FROM ("+sel+"activities t WHERE "+own+
			" AND t.starts_at >= ? AND t.starts_at < ? ORDER BY t.starts_at, t.id LIMIT ?)")
		args = append(args, ownArgs(d.UTC().Format(tr.DateTimeLayout), d.AddDate(0, 0, 1).UTC().Format(tr.DateTimeLayout), perDay+1)...)
	}
	if err := read(strings.Join(days, " UNION ALL "), args...); err != nil {
		return nil, err
	}
	// Begun before the range and reaching into it.
	if err := read(sel+"activities t WHERE "+own+" AND t.ends_at <> '' AND t.starts_at >= ? AND t.starts_at < ? AND t.ends_at > ?", ownArgs(back, from, from)...); err != nil {
		return nil, err
	}
	// Others' activities the users take part in.
	part := append(append([]any{}, uargs...), uargs...)
	part = append(append(part, back, to, from, from), sargs...)
	if err := read(sel+"activities_participants p CROSS JOIN activities t ON t.id = p.record_id WHERE p.ref_id IN ("+users+
		") AND (t.owner_id IS NULL OR t.owner_id NOT IN ("+users+")) AND t.deleted_at IS NULL AND t.starts_at >= ? AND t.starts_at < ?"+
		" AND (t.starts_at >= ? OR t.ends_at > ?)"+scope, part...); err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(x, y *Record) int {
		return cmp.Or(strings.Compare(x.Values.Str("starts_at"), y.Values.Str("starts_at")), cmp.Compare(x.ID, y.ID))
	})
	res := &CalendarResult{Busy: map[string]bool{}}
	shown := map[string]int{}
	seen := map[int64]bool{}
	for _, r := range items {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		if start := r.Values.Str("starts_at"); start >= from {
			t, _ := time.Parse(tr.DateTimeLayout, start)
			day := t.In(tr.Istanbul).Format(time.DateOnly)
			if shown[day] == perDay {
				res.Busy[day] = true
				continue
			}
			shown[day]++
		}
		res.Items = append(res.Items, r)
	}
	return res, nil
}

// MoveActivity moves an activity to start at newStart, and its end by the
// same amount, as an edit: through the edit scope, the validation and the
// audit trail of any other change. A moved planned activity reminds again
// at its new time.
func (s *Store) MoveActivity(ctx context.Context, a *Actor, id int64, newStart time.Time) (*Record, error) {
	m := s.mod(Activities)
	rec, err := s.Get(ctx, a, m, id)
	if err != nil {
		return nil, err
	}
	start, err := time.Parse(tr.DateTimeLayout, rec.Values.Str("starts_at"))
	if err != nil {
		return nil, fmt.Errorf("move activity %d: %w", id, err)
	}
	newStart = newStart.UTC().Truncate(time.Second)
	in := Values{"starts_at": newStart.Format(tr.DateTimeLayout)}
	if e := rec.Values.Str("ends_at"); e != "" {
		end, err := time.Parse(tr.DateTimeLayout, e)
		if err != nil {
			return nil, fmt.Errorf("move activity %d: %w", id, err)
		}
		in["ends_at"] = end.Add(newStart.Sub(start)).Format(tr.DateTimeLayout)
	}
	moved, _, err := s.UpdateIfUnchanged(ctx, a, m, id, in, rec.UpdatedAt)
	if errors.Is(err, ErrConflict) {
		return nil, fmt.Errorf("move activity %d: %w", id, err)
	}
	return moved, err
}

// CalendarChoice is one calendar the actor may open: its Who and the
// name of the user, team or department ("" for "me").
type CalendarChoice struct {
	Who  string
	Kind string // me, user, team, department
	Name string
}

// CalendarChoices are the calendars the actor may open, as Calendar
// judges them: their own first, then users, teams and departments by
// name. With a read scope of all on activities, everyone's.
func (s *Store) CalendarChoices(ctx context.Context, a *Actor) ([]CalendarChoice, error) {
	return s.whoChoices(ctx, a, s.mod(Activities))
}

// whoChoices are the people, teams and departments whose records of m
// the actor may look at together (mayView), by their read scope on m.
func (s *Store) whoChoices(ctx context.Context, a *Actor, m *Module) ([]CalendarChoice, error) {
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, err
	}
	sc := a.Scope(m, ActRead)
	out := []CalendarChoice{{Who: "me", Kind: "me"}}
	type part struct {
		kind, query string
		args        []any
	}
	var parts []part
	if sc == ScopeAll {
		parts = []part{
			{"user", "SELECT id, name FROM users WHERE active = 1 AND id <> ? ORDER BY sort_key, id", []any{a.UserID}},
			{"team", "SELECT id, name FROM teams WHERE deleted_at IS NULL ORDER BY sort_key, id", nil},
			{"department", "SELECT id, name FROM departments WHERE deleted_at IS NULL ORDER BY sort_key, id", nil},
		}
	} else {
		cond, cargs := ownerCond(sc, "u.id", a.UserID)
		parts = []part{
			{"user", "SELECT u.id, u.name FROM users u WHERE u.active = 1 AND u.id <> ? AND " + cond + " ORDER BY u.sort_key, u.id",
				append([]any{a.UserID}, cargs...)},
			{"team", `SELECT tm.id, tm.name FROM users_teams ut JOIN teams tm ON tm.id = ut.ref_id AND tm.deleted_at IS NULL
				WHERE ut.record_id = ? ORDER BY tm.sort_key, tm.id`, []any{a.UserID}},
			{"department", `WITH RECURSIVE sub (id) AS (
					SELECT d.id FROM users me JOIN departments d ON d.id = me.department_id AND d.deleted_at IS NULL WHERE me.id = ?
					UNION
					SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id WHERE d.deleted_at IS NULL
				) SELECT d.id, d.name FROM departments d JOIN sub ON sub.id = d.id ORDER BY d.sort_key, d.id`, []any{a.UserID}},
		}
	}
	for _, p := range parts {
		rows, err := s.reads.query(ctx, p.query, p.args...)
		if err != nil {
			return nil, fmt.Errorf("calendar choices: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("calendar choices: %w", err)
			}
			out = append(out, CalendarChoice{Who: p.kind + ":" + strconv.FormatInt(id, 10), Kind: p.kind, Name: name})
		}
		if err := closeRows(rows, "calendar choices"); err != nil {
			return nil, err
		}
	}
	return out, nil
}
