package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// A customer's data quality: how complete and checked the record is, as a
// score from 0 to 100 and the list of what is missing. The score is kept
// in the customers' quality column, filled by prepareCustomer on every
// write, so that lists filter and sort by it and the home page averages it
// in SQL; the gaps are worked out again from the values when a page shows
// them, which is cheap and never goes stale.

// QualityField is the customers' computed score column.
const QualityField = "quality"

// QualityBands are the score's bands, as the customer list filters by
// them: below 50 a record lacks something the firm needs to reach or
// invoice the customer; from 80 on only the nice-to-haves are missing.
var QualityBands = []Band{{Name: "low", Lo: 0, Hi: 50}, {Name: "medium", Lo: 50, Hi: 80}, {Name: "high", Lo: 80, Hi: 101}}

// qualityRule is one thing a complete record has: a rule holds when any of
// its fields has a value. The weights of each kind's rules add up to 100,
// so the score is simply the sum of the weights of the rules that hold.
type qualityRule struct {
	group  string // the customer kind it applies to
	fields []string
	weight int
}

// qualityRules and their weights. What a small firm does with a customer
// record decides the weight: reach them, bill them, visit or ship to
// them, and know who looks after them.
//
// A person: the name is required (a saved record always has it) and
// weighs 10 as the floor. The phone weighs most (20): it is how a KOBİ
// reaches its customers, and any number counts, the main one or another.
// E-mail 15, for documents and campaigns. The TCKN 15: an e-Arşiv invoice
// to a person and a KVKK request both need it; a stored TCKN has passed
// its check digits, so "unchecked" and "missing" are the same gap. The
// address counts 27 in four parts (province 8, district 5, street address
// 10, postal code 4), the postal code least as it follows from the rest.
// An owner 8: a record nobody looks after is one nobody calls back. The
// birth date is nice to have (5).
//
// A company: the title is required (10). The VKN weighs most (20), as
// every invoice to a company needs it, with its tax office (8). Phone 15
// and e-mail 12 to reach it; the address again in four parts (7, 4, 8 and
// 3); the sector 5, for segmenting; an owner 5; the web site 3.
//
// Consent (ETK/KVKK) is not recorded yet, so it is not scored: the seam is
// here. When the consents module comes, "no consent recorded" becomes a
// rule of its own (weight taken from the others, the sums staying 100),
// read from a value its writes keep on the customer; that module's
// migration sets the quality_rebuild flag so that rebuildQuality scores
// every stored customer again at the next start.
var qualityRules = []qualityRule{
	{"person", []string{"first_name", "last_name"}, 10},
	{"person", []string{"phone", "phones"}, 20},
	{"person", []string{"email"}, 15},
	{"person", []string{"tckn"}, 15},
	{"person", []string{"birth_date"}, 5},
	{"person", []string{"province"}, 8},
	{"person", []string{"district"}, 5},
	{"person", []string{"address"}, 10},
	{"person", []string{"postal_code"}, 4},
	{"person", []string{"owner_id"}, 8},

	{"company", []string{"title"}, 10},
	{"company", []string{"vkn"}, 20},
	{"company", []string{"tax_office"}, 8},
	{"company", []string{"phone", "phones"}, 15},
	{"company", []string{"email"}, 12},
	{"company", []string{"province"}, 7},
	{"company", []string{"district"}, 4},
	{"company", []string{"address"}, 8},
	{"company", []string{"postal_code"}, 3},
	{"company", []string{"sector"}, 5},
	{"company", []string{"owner_id"}, 5},
	{"company", []string{"website"}, 3},
}

// Gap is one thing a customer record lacks.
type Gap struct {
	Field  string // the field to fill (the first of the rule's)
	Key    string // catalogue key of the sentence: "quality.gap.phone"
	Points int    // what filling it adds to the score
}

// Quality is a customer record's score and what it lacks, the heaviest
// gap first.
type Quality struct {
	Score int
	Gaps  []Gap
}

// CustomerQuality scores a customer's values (a person's or a company's,
// by their kind): the sum of the weights of the rules that hold, and a
// gap for each rule that does not.
func CustomerQuality(v Values) Quality {
	return assessQuality(v, nil)
}

// QualityOf is a customer record's stored score with the gaps the actor
// may be told of: a field hidden from them (a TCKN) is never named, as
// "TCKN missing" would tell them whether there is one. The score itself
// counts every field, so that everyone sees the one figure the list sorts
// by; it tells no value. r must be read whole, as Get reads it: a list
// page leaves out the extra phone numbers.
func QualityOf(a *Actor, r *Record) Quality {
	q := assessQuality(r.Values, func(field string) bool { return hiddenField(a, r.Module, field) })
	if n, ok := r.Values.Int(QualityField); ok {
		q.Score = int(n)
	}
	return q
}

// assessQuality scores v, naming no gap of a field that hidden reports.
func assessQuality(v Values, hidden func(string) bool) Quality {
	kind := v.Str("kind")
	var q Quality
	for _, r := range qualityRules {
		if r.group != kind {
			continue
		}
		if slices.ContainsFunc(r.fields, func(f string) bool { return !isEmpty(v[f]) }) {
			q.Score += r.weight
			continue
		}
		if hidden != nil && slices.ContainsFunc(r.fields, hidden) {
			continue
		}
		q.Gaps = append(q.Gaps, Gap{Field: r.fields[0], Key: "quality.gap." + r.fields[0], Points: r.weight})
	}
	slices.SortStableFunc(q.Gaps, func(x, y Gap) int { return y.Points - x.Points })
	return q
}

// QualitySummary is the firm's data quality over the live customers a
// user may read.
type QualitySummary struct {
	Customers int
	Average   int // the mean score, rounded; 0 without customers
	Low       int // how many are in the low band
}

// CustomerQualitySummary averages the quality of the live customers
// within the actor's read scope. It adds up the per-owner, per-score
// counts that the database keeps (customer_quality_counts, see migration
// 0011) under the same scope condition as the customers themselves, so
// its cost follows the number of owners, not of customers.
func (s *Store) CustomerQualitySummary(ctx context.Context, a *Actor) (QualitySummary, error) {
	m := Customers
	if err := authorize(a, m.Key, ActRead); err != nil {
		return QualitySummary{}, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return QualitySummary{}, err
	}
	query := `SELECT COALESCE(sum(t.n), 0), COALESCE(sum(t.n * t.quality), 0), COALESCE(sum(CASE WHEN t.quality < ? THEN t.n END), 0)
		FROM customer_quality_counts t`
	if scope != "" {
		query += " WHERE " + scope
	}
	var sum QualitySummary
	var total int64
	low := QualityBands[0].Hi
	if err := s.reads.queryRow(ctx, query, append([]any{low}, args...)...).Scan(&sum.Customers, &total, &sum.Low); err != nil {
		return QualitySummary{}, fmt.Errorf("customer quality summary: %w", err)
	}
	if sum.Customers > 0 {
		sum.Average = int((total + int64(sum.Customers)/2) / int64(sum.Customers))
	}
	return sum, nil
}

// rebuildQuality scores every customer (those in the recycle bin too,
// which may come back) when a migration asked for it with the settings
// key quality_rebuild: after the column was added, or the rules changed.
// The formula lives only here in Go, never again in SQL. It runs in one
// transaction with the flag's removal, so a start that is cut short does
// it again whole; it leaves updated_at alone, as nobody changed the
// records.
func (s *Store) rebuildQuality(ctx context.Context) error {
	var flag int
	err := s.writer.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = 'quality_rebuild'").Scan(&flag)
	if err != nil || flag == 0 {
		return wrap(err, "check quality scores")
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild quality scores: %w", err)
	}
	defer tx.Rollback()
	if err := s.rescoreCustomers(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = 'quality_rebuild'"); err != nil {
		return fmt.Errorf("rebuild quality scores: %w", err)
	}
	return wrap(tx.Commit(), "rebuild quality scores")
}

// rescoreCustomers writes the score of every customer whose stored score
// differs from its values', a thousand rows at a time.
func (s *Store) rescoreCustomers(ctx context.Context, tx *sql.Tx) error {
	m := Customers
	upd, err := tx.PrepareContext(ctx, "UPDATE customers SET quality = ? WHERE id = ?")
	if err != nil {
		return fmt.Errorf("rescore customers: %w", err)
	}
	defer upd.Close()
	var last int64
	for {
		rows, err := tx.QueryContext(ctx, "SELECT "+m.selectList("t")+" FROM customers t WHERE t.id > ? ORDER BY t.id LIMIT 1000", last)
		if err != nil {
			return fmt.Errorf("rescore customers: %w", err)
		}
		var recs []*Record
		for rows.Next() {
			r, err := m.scan(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("rescore customers: %w", err)
			}
			recs = append(recs, r)
		}
		if err := closeRows(rows, "customers"); err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		// The phone rule counts the extra numbers too.
		if err := s.loadSides(ctx, tx, m, recs, true, "phones"); err != nil {
			return err
		}
		for _, r := range recs {
			score := int64(CustomerQuality(r.Values).Score)
			if stored, _ := r.Values.Int(QualityField); stored == score {
				continue
			}
			if _, err := upd.ExecContext(ctx, score, r.ID); err != nil {
				return fmt.Errorf("rescore customer %d: %w", r.ID, err)
			}
		}
		last = recs[len(recs)-1].ID
	}
}
