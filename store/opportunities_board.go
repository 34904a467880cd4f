package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// The pipeline: the board of opportunities by stage, its totals, the
// weighted forecast, and moving an opportunity from stage to stage. All
// of it reads through the actor's scope on opportunities, which is their
// customers' (Opportunities.ScopeByParent).

// Stage is one stage of the pipeline.
type Stage struct {
	ID          int64
	Name        string
	Position    int64
	Probability int64 // percent
	Kind        string
	Active      bool
}

// Stages are the pipeline's stages in board order: the active ones, or
// all of them. Anyone logged in may read them.
func (s *Store) Stages(ctx context.Context, a *Actor, all bool) ([]Stage, error) {
	if err := authorize(a, OpportunityStages.Key, ActRead); err != nil {
		return nil, err
	}
	query := "SELECT id, name, position, probability, kind, active FROM opportunity_stages WHERE deleted_at IS NULL"
	if !all {
		query += " AND active = 1"
	}
	rows, err := s.reads.query(ctx, query+" ORDER BY position, id")
	if err != nil {
		return nil, fmt.Errorf("read stages: %w", err)
	}
	var out []Stage
	for rows.Next() {
		var st Stage
		if err := rows.Scan(&st.ID, &st.Name, &st.Position, &st.Probability, &st.Kind, &st.Active); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read stages: %w", err)
		}
		out = append(out, st)
	}
	return out, closeRows(rows, "stages")
}

// MoveStage moves a stage one place up (delta < 0) or down the board,
// swapping places with its neighbour; administrators only. Both changes
// go into the stages' histories.
func (s *Store) MoveStage(ctx context.Context, a *Actor, id int64, delta int) error {
	m := s.mod(OpportunityStages)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var pos int64
		err := tx.QueryRowContext(ctx, "SELECT position FROM opportunity_stages WHERE id = ? AND deleted_at IS NULL", id).Scan(&pos)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("move stage %d: %w", id, err)
		}
		query := "SELECT id, position FROM opportunity_stages WHERE deleted_at IS NULL AND (position, id) > (?, ?) ORDER BY position, id LIMIT 1"
		if delta < 0 {
			query = "SELECT id, position FROM opportunity_stages WHERE deleted_at IS NULL AND (position, id) < (?, ?) ORDER BY position DESC, id DESC LIMIT 1"
		}
		var other, otherPos int64
		err = tx.QueryRowContext(ctx, query, pos, id).Scan(&other, &otherPos)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // first or last already
		}
		if err != nil {
			return fmt.Errorf("move stage %d: %w", id, err)
		}
		if otherPos == pos { // equal positions (an older list): make room
			otherPos = pos + int64(cmp.Compare(delta, 0))
		}
		for _, sw := range []struct{ id, from, to int64 }{{id, pos, otherPos}, {other, otherPos, pos}} {
			if _, err := tx.ExecContext(ctx, "UPDATE opportunity_stages SET position = ?, updated_at = ? WHERE id = ?", sw.to, timeText(now()), sw.id); err != nil {
				return fmt.Errorf("move stage %d: %w", sw.id, err)
			}
			if err := audit(ctx, tx, a, ActionUpdate, m, sw.id, []Change{{Field: "position", Old: sw.from, New: sw.to}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// MoveOpportunity puts an opportunity into another stage, as the board's
// drag and drop does: through the same checks, scope and history as the
// edit form. A lost stage needs a reason (a *ValidationError on
// lost_reason without one); reason, when given, is saved with the move.
func (s *Store) MoveOpportunity(ctx context.Context, a *Actor, id, stageID int64, reason string) (*Record, error) {
	in := Values{"stage_id": stageID}
	if r := strings.TrimSpace(reason); r != "" {
		in["lost_reason"] = r
	}
	rec, _, err := s.Update(ctx, a, s.mod(Opportunities), id, in)
	return rec, err
}

// MarkWon moves an opportunity to the first active won stage (an
// accepted quote wins its opportunity), with the actor's scope and in
// the opportunity's history. One already won stays as it is.
func (s *Store) MarkWon(ctx context.Context, a *Actor, id int64) error {
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.markWon(ctx, tx, a, id)
	})
}

// markWon is MarkWon inside a write transaction of the caller (accepting
// a quote and winning its opportunity in one).
func (s *Store) markWon(ctx context.Context, tx *sql.Tx, a *Actor, id int64) error {
	m := s.mod(Opportunities)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return err
	}
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM opportunities WHERE id = ? AND deleted_at IS NULL", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("win opportunity %d: %w", id, err)
	}
	if status == StageWon {
		return nil
	}
	var stage int64
	err = tx.QueryRowContext(ctx, "SELECT id FROM opportunity_stages WHERE kind = 'won' AND active = 1 AND deleted_at IS NULL ORDER BY position, id LIMIT 1").Scan(&stage)
	if err != nil {
		return fmt.Errorf("win opportunity %d: no won stage: %w", id, err)
	}
	_, _, err = s.update(ctx, tx, a, m, id, Values{"stage_id": stage})
	return err
}

// BoardQuery asks for the pipeline board.
type BoardQuery struct {
	// Who narrows the board to the opportunities owned by one user, a
	// team or a department, as the calendar does (ParseWho); "" or "all"
	// is everyone's within the actor's scope.
	Who string
	// PerStage caps the cards of a column (0: BoardPerStage); the
	// column's count and totals are of all of them.
	PerStage int
	// At is the moment whose quarter the won and lost columns show
	// (zero: now).
	At time.Time
}

// BoardPerStage is how many cards a column shows unless asked otherwise,
// and BoardMaxPerStage the most it shows.
const (
	BoardPerStage    = 20
	BoardMaxPerStage = 200
)

// Amount is a sum of money in one currency, in its minor unit.
type Amount struct {
	Currency string
	Minor    int64
}

// BoardCard is an opportunity as the board shows it.
type BoardCard struct {
	ID            int64
	Title         string
	CustomerID    int64
	Customer      string
	Amount        int64
	HasAmount     bool
	Currency      string
	ExpectedClose string // YYYY-MM-DD
	ClosedAt      string // UTC, tr.DateTimeLayout; '' while open
	OwnerID       int64
	Owner         string
	// Editable says the actor may change the card (drag it, open its
	// form): a role may show more of the pipeline than it lets one edit.
	Editable bool
}

// BoardColumn is one stage of the board: its first cards, and the count
// and per-currency totals of all its opportunities.
type BoardColumn struct {
	Stage  Stage
	Cards  []BoardCard
	Count  int
	Totals []Amount // TRY first, then by currency code
}

// Board is the pipeline: a column per active stage. The open stages hold
// every open opportunity; the won and lost ones those closed since
// ClosedSince (the quarter's first day), so that the board stays about
// now, not the firm's whole past.
type Board struct {
	Columns     []BoardColumn
	ClosedSince time.Time
}

// Board reads the pipeline board through the actor's scope.
func (s *Store) Board(ctx context.Context, a *Actor, q BoardQuery) (*Board, error) {
	m := s.mod(Opportunities)
	where, args, err := s.pipelineWhere(ctx, a, m, q.Who)
	if err != nil {
		return nil, err
	}
	edit, err := editableCond(a, m)
	if err != nil {
		return nil, err
	}
	stages, err := s.Stages(ctx, a, false)
	if err != nil {
		return nil, err
	}
	at := q.At
	if at.IsZero() {
		at = now()
	}
	_, _, qStart, _ := periods(at)
	since := qStart.UTC().Format(tr.DateTimeLayout)
	per := q.PerStage
	if per <= 0 {
		per = BoardPerStage
	}
	per = min(per, BoardMaxPerStage)
	b := &Board{ClosedSince: qStart}
	byStage := map[int64]*BoardColumn{}
	for _, st := range stages {
		b.Columns = append(b.Columns, BoardColumn{Stage: st})
	}
	for i := range b.Columns {
		col := &b.Columns[i]
		byStage[col.Stage.ID] = col
		if col.Cards, err = s.boardCards(ctx, col.Stage, where, args, edit, since, per); err != nil {
			return nil, err
		}
	}
	// Every column's count and totals in one pass over the index of
	// stages, currencies and amounts.
	rows, err := s.reads.query(ctx, `SELECT t.stage_id, t.currency, count(*), coalesce(sum(t.amount), 0)
		FROM opportunities t JOIN customers parent ON parent.id = t.customer_id AND parent.deleted_at IS NULL
		WHERE t.deleted_at IS NULL AND (t.status = 'open' OR t.closed_at >= ?) AND `+where+`
		GROUP BY t.stage_id, t.currency`, append([]any{since}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("board totals: %w", err)
	}
	for rows.Next() {
		var stage, sum int64
		var cur string
		var n int
		if err := rows.Scan(&stage, &cur, &n, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("board totals: %w", err)
		}
		if col := byStage[stage]; col != nil {
			col.Count += n
			col.Totals = append(col.Totals, Amount{Currency: cur, Minor: sum})
		}
	}
	if err := closeRows(rows, "board totals"); err != nil {
		return nil, err
	}
	for i := range b.Columns {
		sortAmounts(b.Columns[i].Totals)
	}
	return b, nil
}

// boardCards are a column's first cards: an open stage's by expected
// close, soonest first; a won or lost stage's latest closed first.
func (s *Store) boardCards(ctx context.Context, st Stage, where string, args []any, edit sqlCond, since string, limit int) ([]BoardCard, error) {
	cols := `SELECT t.id, t.title, t.customer_id, parent.display_name, t.amount, t.currency, t.expected_close, t.closed_at,
		t.owner_id, coalesce(u.name, ''), ` + edit.sql + `
		FROM opportunities t JOIN customers parent ON parent.id = t.customer_id AND parent.deleted_at IS NULL
		LEFT JOIN users u ON u.id = t.owner_id`
	query := cols + " WHERE t.stage_id = ? AND t.deleted_at IS NULL AND " + where + " ORDER BY t.expected_close, t.id LIMIT ?"
	qargs := append(append(append(slices.Clip(edit.args), st.ID), args...), limit)
	if st.Kind != StageOpen {
		query = cols + " WHERE t.stage_id = ? AND t.status <> 'open' AND t.deleted_at IS NULL AND t.closed_at >= ? AND " + where +
			" ORDER BY t.closed_at DESC, t.id DESC LIMIT ?"
		qargs = append(append(append(slices.Clip(edit.args), st.ID, since), args...), limit)
	}
	rows, err := s.reads.query(ctx, query, qargs...)
	if err != nil {
		return nil, fmt.Errorf("board column %d: %w", st.ID, err)
	}
	var out []BoardCard
	for rows.Next() {
		var c BoardCard
		var amount, owner sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Title, &c.CustomerID, &c.Customer, &amount, &c.Currency, &c.ExpectedClose, &c.ClosedAt, &owner, &c.Owner, &c.Editable); err != nil {
			rows.Close()
			return nil, fmt.Errorf("board column %d: %w", st.ID, err)
		}
		c.Amount, c.HasAmount, c.OwnerID = amount.Int64, amount.Valid, owner.Int64
		out = append(out, c)
	}
	return out, closeRows(rows, "board column")
}

// sqlCond is a piece of SQL with its arguments.
type sqlCond struct {
	sql  string
	args []any
}

// editableCond is, on opportunities t, "the actor may edit this one": 1,
// 0, or the edit scope's condition.
func editableCond(a *Actor, m *Module) (sqlCond, error) {
	if !a.Can(m, ActEdit) {
		return sqlCond{sql: "0"}, nil
	}
	scope, args, err := scopeCond(a, m, ActEdit)
	if err != nil || scope == "" {
		return sqlCond{sql: "1"}, err
	}
	return sqlCond{sql: "(" + scope + ")", args: args}, nil
}

// pipelineWhere is the condition, on opportunities t, of the actor's read
// scope and the board's owner filter; "1" when neither narrows.
func (s *Store) pipelineWhere(ctx context.Context, a *Actor, m *Module, who string) (string, []any, error) {
	if err := authorize(a, m.Key, ActRead); err != nil {
		return "", nil, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return "", nil, err
	}
	where := []string{"1"}
	if scope != "" {
		where = append(where, scope)
	}
	if who != "" && who != "all" {
		w, err := ParseWho(who)
		if err != nil {
			return "", nil, err
		}
		ok, err := s.mayView(ctx, a, m, w)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			return "", nil, ErrForbidden
		}
		users, uargs := whoUsers(a, w)
		where = append(where, "t.owner_id IN ("+users+")")
		args = append(args, uargs...)
	}
	return strings.Join(where, " AND "), args, nil
}

// BoardChoices are the owners' boards the actor may narrow the board to,
// as the calendar offers them: their own, then users, teams and
// departments.
func (s *Store) BoardChoices(ctx context.Context, a *Actor) ([]CalendarChoice, error) {
	return s.whoChoices(ctx, a, s.mod(Opportunities))
}

// sortAmounts puts lira first, then the other currencies by code.
func sortAmounts(list []Amount) {
	slices.SortFunc(list, func(x, y Amount) int {
		if (x.Currency == "TRY") != (y.Currency == "TRY") {
			if x.Currency == "TRY" {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Currency, y.Currency)
	})
}

// periods are this month's and this quarter's first days, and the first
// days after them, in Istanbul, for the moment at.
func periods(at time.Time) (monthStart, monthEnd, quarterStart, quarterEnd time.Time) {
	t := at.In(tr.Istanbul)
	monthStart = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, tr.Istanbul)
	monthEnd = monthStart.AddDate(0, 1, 0)
	q := (int(t.Month()) - 1) / 3 * 3
	quarterStart = time.Date(t.Year(), time.Month(q+1), 1, 0, 0, 0, 0, tr.Istanbul)
	quarterEnd = quarterStart.AddDate(0, 3, 0)
	return
}

// ForecastQuery asks for the weighted forecast.
type ForecastQuery struct {
	Who string    // as BoardQuery.Who
	At  time.Time // the moment whose month and quarter (zero: now)
}

// ForecastLine is one currency's forecast for a period: the open
// opportunities expected to close in it, their amounts, and the sum of
// each amount weighed by its stage's probability.
type ForecastLine struct {
	Currency string
	Count    int
	Total    int64 // Σ amount
	Weighted int64 // Σ amount × probability / 100, rounded half away from zero
}

// Forecast is the weighted forecast for this month and this quarter (in
// Istanbul): from the open opportunities whose expected close falls in
// each.
type Forecast struct {
	MonthStart, MonthEnd     time.Time // [start, end)
	QuarterStart, QuarterEnd time.Time
	Month, Quarter           []ForecastLine // TRY first
}

// Forecast weighs the open opportunities expected to close this month
// and this quarter, through the actor's scope.
func (s *Store) Forecast(ctx context.Context, a *Actor, q ForecastQuery) (*Forecast, error) {
	m := s.mod(Opportunities)
	where, args, err := s.pipelineWhere(ctx, a, m, q.Who)
	if err != nil {
		return nil, err
	}
	at := q.At
	if at.IsZero() {
		at = now()
	}
	f := &Forecast{}
	f.MonthStart, f.MonthEnd, f.QuarterStart, f.QuarterEnd = periods(at)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	// One pass over the quarter's open opportunities, split by whether
	// each falls in the month. The probability is read from the stage.
	rows, err := s.reads.query(ctx, `SELECT t.expected_close >= ? AND t.expected_close < ?, t.currency, count(*),
			coalesce(sum(t.amount), 0), coalesce(sum(t.amount * st.probability), 0)
		FROM opportunities t
		JOIN opportunity_stages st ON st.id = t.stage_id
		JOIN customers parent ON parent.id = t.customer_id AND parent.deleted_at IS NULL
		WHERE t.status = 'open' AND t.deleted_at IS NULL AND t.expected_close >= ? AND t.expected_close < ? AND `+where+`
		GROUP BY 1, 2`, append([]any{day(f.MonthStart), day(f.MonthEnd), day(f.QuarterStart), day(f.QuarterEnd)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("forecast: %w", err)
	}
	quarter := map[string]*ForecastLine{}
	for rows.Next() {
		var inMonth bool
		var l ForecastLine
		var weighted100 int64
		if err := rows.Scan(&inMonth, &l.Currency, &l.Count, &l.Total, &weighted100); err != nil {
			rows.Close()
			return nil, fmt.Errorf("forecast: %w", err)
		}
		qp := quarter[l.Currency]
		if qp == nil {
			qp = &ForecastLine{Currency: l.Currency}
			quarter[l.Currency] = qp
		}
		qp.Count += l.Count
		qp.Total += l.Total
		qp.Weighted += weighted100 // in hundredths until every part is in
		if inMonth {
			l.Weighted = percentOf(weighted100)
			f.Month = append(f.Month, l)
		}
	}
	if err := closeRows(rows, "forecast"); err != nil {
		return nil, err
	}
	for _, l := range quarter {
		l.Weighted = percentOf(l.Weighted)
		f.Quarter = append(f.Quarter, *l)
	}
	sortLines(f.Month)
	sortLines(f.Quarter)
	return f, nil
}

// percentOf is hundredths rounded half away from zero to whole units.
func percentOf(hundredths int64) int64 {
	if hundredths < 0 {
		return -percentOf(-hundredths)
	}
	return (hundredths + 50) / 100
}

func sortLines(list []ForecastLine) {
	slices.SortFunc(list, func(x, y ForecastLine) int {
		if (x.Currency == "TRY") != (y.Currency == "TRY") {
			if x.Currency == "TRY" {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Currency, y.Currency)
	})
}

// CustomerOpportunities are a customer's opportunities the actor may
// see, for the customer's page: the open ones by expected close, then the
// closed ones, latest first; up to limit, and whether there are more.
func (s *Store) CustomerOpportunities(ctx context.Context, a *Actor, customerID int64, limit int) ([]*Record, bool, error) {
	m := s.mod(Opportunities)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, false, err
	}
	if err := requireScope(ctx, s.reads, a, s.mod(Customers), ActRead, customerID); err != nil {
		return nil, false, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, false, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	if limit <= 0 || limit > MaxLimit {
		limit = 20
	}
	rows, err := s.reads.query(ctx, "SELECT "+m.selectList("t")+" FROM opportunities t WHERE t.customer_id = ? AND t.deleted_at IS NULL"+scope+
		" ORDER BY t.status <> 'open', CASE WHEN t.status = 'open' THEN t.expected_close END, t.closed_at DESC, t.id DESC LIMIT ?",
		append(append([]any{customerID}, args...), limit+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("opportunities of %d: %w", customerID, err)
	}
	var recs []*Record
	rs := m.newRowScanner(m.columns())
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("opportunities of %d: %w", customerID, err)
		}
		recs = append(recs, r)
	}
	if err := closeRows(rows, "opportunities"); err != nil {
		return nil, false, err
	}
	more := len(recs) > limit
	if more {
		recs = recs[:limit]
	}
	if err := s.loadRefs(ctx, m, recs); err != nil {
		return nil, false, err
	}
	redact(a, m, recs...)
	return recs, more, nil
}
