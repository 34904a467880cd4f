package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"kobicrm/store/tr"
)

// Goals a segment or a campaign serves: winning new customers, keeping
// those the firm has, selling more to them.
var MarketingGoals = []string{"acquire", "keep", "deepen"}

// Segments are saved customer filters: the target audiences marketing
// builds campaigns on. The criteria are the customer list's own filters,
// kept as the list's query string ("province=Isparta&tags=vip"), so any
// declared or custom field the list filters by can define a segment, and
// the segment means exactly what the list shows. asset_kind ("owns a
// vehicle") is a criterion about the customer's behaviour: under KVKK only
// customers who may be analysed pass it (AnalysableCond), and the segment
// shows how many it left out for that.
var Segments = register(&Module{
	Key: "segments", Table: "segments", Label: "module.segments",
	SearchID: 15, TitleField: "name", DefaultSort: "name",
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "goal", Kind: Choice, Choices: MarketingGoals, Default: "acquire", Required: true, List: true, Filter: true},
		{Name: "description", Kind: LongText},
		{Name: "criteria", Kind: Text, List: true, Max: 2000},
		{Name: "asset_kind", Kind: Choice, Choices: []string{"vehicle", "device", "other"}, List: true},
		{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		// Purchases (behaviour): bought the product on an issued or paid
		// invoice; the last such invoice dated on or after, before a day.
		{Name: "product_id", Kind: Ref, Ref: "products"},
		{Name: "purchased_after", Kind: Date},
		{Name: "purchased_before", Kind: Date},
	},
	Prepare: prepareSegment,
	Verify:  verifySegment,
})

// boughtStatuses are the invoices that are purchases: issued, partly or
// wholly paid (not drafts, not cancelled).
const boughtStatuses = "('issued', 'partly_paid', 'paid')"

func prepareSegment(v Values, errs *ValidationError) {
	if a, b := v.Str("purchased_after"), v.Str("purchased_before"); a != "" && b != "" && b <= a {
		errs.Add("purchased_before", "error.segment_purchase_range")
	}
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
	c, err := normalCriteria(v.Str("criteria"))
	if err != nil {
		errs.Add("criteria", "error.segment_criteria", err.Error())
		return
	}
	v["criteria"] = c
}

// normalCriteria reads a segment's criteria, a query string of customer
// list filters, and writes it back in one order without empty filters. A
// leading "?" or a whole list address (/customers?…) is taken too: the
// user may paste what the browser shows.
func normalCriteria(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[i+1:]
	}
	q, err := url.ParseQuery(s)
	if err != nil {
		return "", errors.New(s)
	}
	out := url.Values{}
	for k, vals := range q {
		for _, x := range vals {
			if x = strings.TrimSpace(x); x != "" {
				if len(out[k]) > 0 {
					return "", errors.New(k) // one value a filter, as in the list
				}
				out.Set(k, x)
			}
		}
	}
	return out.Encode(), nil
}

// segmentFilters are a segment's criteria as the customer list's filters.
func segmentFilters(criteria string) map[string]string {
	q, _ := url.ParseQuery(criteria)
	out := make(map[string]string, len(q))
	for k := range q {
		out[k] = q.Get(k)
	}
	return out
}

// verifySegment checks each criterion against the customer list's
// filters: a declared field must be one the list filters by, with a value
// its filter takes; a custom field must exist and be a filter (its value
// is checked when the segment is counted, with the custom fields loaded).
func verifySegment(ctx context.Context, q querier, _ int64, v Values, errs *ValidationError) error {
	filters := segmentFilters(v.Str("criteria"))
	declared := map[string]string{}
	for name, val := range filters {
		if strings.HasPrefix(name, "cf_") {
			var n int
			if err := q.QueryRowContext(ctx, "SELECT count(*) FROM custom_fields WHERE module = 'customers' AND name = ? AND filter = 1", name).Scan(&n); err != nil {
				return fmt.Errorf("segment criterion %s: %w", name, err)
			}
			if n == 0 {
				errs.Add("criteria", "error.segment_criteria", name)
				return nil
			}
			continue
		}
		declared[name] = val
	}
	if _, _, err := Customers.filterSQL(ListQuery{Filters: declared}); err != nil {
		errs.Add("criteria", "error.segment_criteria", strings.TrimPrefix(err.Error(), ErrBadQuery.Error()+": "))
	}
	return nil
}

// SegmentCount is a segment's live size for a user: the customers in
// their scope that match it now, and, for a segment with a behavioural
// criterion, how many more matched but were left out because they have
// not consented to analysis (KVKK).
type SegmentCount struct {
	Matched     int
	LeftOut     int
	Behavioural bool
}

// segmentCond is the condition, on customers under alias t, that keeps the
// live customers matching a segment within the actor's read scope of
// customers; for a behavioural segment, also only those who may be
// analysed unless all is set (to count who was left out).
func (s *Store) segmentCond(a *Actor, seg Values, all bool) (string, []any, bool, error) {
	cm := s.mod(Customers)
	where := []string{"t.deleted_at IS NULL"}
	fw, args, err := cm.filterSQL(ListQuery{Filters: segmentFilters(seg.Str("criteria"))})
	if err != nil {
		errs := &ValidationError{}
		errs.Add("criteria", "error.segment_criteria", strings.TrimPrefix(err.Error(), ErrBadQuery.Error()+": "))
		return "", nil, false, errs
	}
	where = append(where, fw...)
	scope, sargs, err := scopeCond(a, cm, ActRead)
	if err != nil {
		return "", nil, false, err
	}
	if scope != "" {
		where = append(where, scope)
		args = append(args, sargs...)
	}
	behavioural := false
	if k := seg.Str("asset_kind"); k != "" {
		behavioural = true
		where = append(where, "EXISTS (SELECT 1 FROM assets x WHERE x.customer_id = t.id AND x.kind = ? AND x.deleted_at IS NULL)")
		args = append(args, k)
	}
	if p, ok := seg.Int("product_id"); ok {
		behavioural = true
		where = append(where, `EXISTS (SELECT 1 FROM sales_lines l JOIN invoices i ON i.id = l.invoice_id
			WHERE l.product_id = ? AND l.invoice_id IS NOT NULL AND i.customer_id = t.id
				AND i.status IN `+boughtStatuses+` AND i.deleted_at IS NULL)`)
		args = append(args, p)
	}
	after, before := seg.Str("purchased_after"), seg.Str("purchased_before")
	if after != "" || before != "" {
		behavioural = true
		// The last purchase: the latest issued or paid invoice's date.
		last := `(SELECT max(i.issue_date) FROM invoices i WHERE i.customer_id = t.id
			AND i.status IN ` + boughtStatuses + ` AND i.deleted_at IS NULL)`
		if after != "" {
			where = append(where, last+" >= ?")
			args = append(args, after)
		}
		if before != "" {
			where = append(where, last+" < ?")
			args = append(args, before)
		}
	}
	if behavioural && !all {
		where = append(where, AnalysableCond("t"))
	}
	return strings.Join(where, " AND "), args, behavioural, nil
}

// CountSegment counts a segment's customers now, for the actor: the
// segment must be theirs to read, and only customers they may read count.
func (s *Store) CountSegment(ctx context.Context, a *Actor, id int64) (SegmentCount, error) {
	seg, err := s.Get(ctx, a, s.mod(Segments), id)
	if err != nil {
		return SegmentCount{}, err
	}
	return s.countSegment(ctx, a, seg.Values)
}

func (s *Store) countSegment(ctx context.Context, a *Actor, seg Values) (SegmentCount, error) {
	cond, args, behavioural, err := s.segmentCond(a, seg, true)
	if err != nil {
		return SegmentCount{}, err
	}
	out := SegmentCount{Behavioural: behavioural}
	if !behavioural {
		err = s.reads.queryRow(ctx, "SELECT count(*) FROM customers t WHERE "+cond, args...).Scan(&out.Matched)
	} else {
		var all int
		err = s.reads.queryRow(ctx, "SELECT count(*), coalesce(sum("+AnalysableCond("t")+"), 0) FROM customers t WHERE "+cond, args...).
			Scan(&all, &out.Matched)
		out.LeftOut = all - out.Matched
	}
	if err != nil {
		return SegmentCount{}, fmt.Errorf("count segment: %w", err)
	}
	return out, nil
}
