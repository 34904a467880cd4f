package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"kobicrm/store/tr"
)

// The kinds of a pipeline stage: reaching it leaves an opportunity open,
// wins it or loses it.
const (
	StageOpen = "open"
	StageWon  = "won"
	StageLost = "lost"
)

// StageKinds are the kinds in the order forms offer them.
var StageKinds = []string{StageOpen, StageWon, StageLost}

// Currencies an opportunity's amount may be in; the pipeline's totals
// are kept apart per currency, never converted.
var Currencies = []string{"TRY", "USD", "EUR"}

// OpportunityStages are the pipeline's stages, an administrator's list
// that everyone chooses from: a board column each, in position order,
// with the probability the forecast weighs an open opportunity by. A
// stage is deactivated rather than deleted, as opportunities and their
// histories name it.
var OpportunityStages = register(&Module{
	Key: "opportunity_stages", Table: "opportunity_stages", Label: "module.opportunity_stages",
	TitleField: "name", DefaultSort: "position", AdminOnly: true, Lookup: true, NoDelete: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Max: 60},
		// The board's order: the next free number when a stage is added,
		// then moved up and down by MoveStage.
		{Name: "position", Kind: Int, Computed: true, Sort: true, List: true},
		{Name: "probability", Kind: Int, Required: true, List: true},
		{Name: "kind", Kind: Choice, Choices: StageKinds, Default: StageOpen, Required: true, List: true, Filter: true},
		{Name: "active", Kind: Bool, Default: "true", List: true, Filter: true},
	},
	Prepare: prepareStage,
	Verify:  verifyStage,
})

// Opportunities are the sales the firm hopes to make: a customer, an
// amount, when it should close and how far it has come. One is within a
// user's scope when its customer is, as every sales document is; its
// owner is whose work it is.
var Opportunities = register(&Module{
	Key: "opportunities", Table: "opportunities", Label: "module.opportunities",
	SearchID: 5, TitleField: "title", DefaultSort: "expected_close", ScopeByParent: true,
	Fields: []Field{
		{Name: "title", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		{Name: "amount", Kind: Money, Currency: "currency", List: true},
		{Name: "currency", Kind: Choice, Choices: Currencies, Default: "TRY", Required: true, Filter: true},
		{Name: "expected_close", Kind: Date, Required: true, List: true, Sort: true, Filter: true},
		{Name: "stage_id", Kind: Ref, Ref: "opportunity_stages", Required: true, List: true, Filter: true},
		// The stage's kind, kept beside it for the forecast's and the
		// customer page's indexes.
		{Name: "status", Kind: Choice, Choices: StageKinds, Computed: true, List: true, Filter: true},
		{Name: "lost_reason", Kind: Text, Max: 500},
		// The marketing campaign it came from.
		{Name: "campaign_id", Kind: Ref, Ref: "campaigns", Filter: true},
		{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		{Name: "description", Kind: LongText},
		// When it was won or lost, in UTC; '' while open.
		{Name: "closed_at", Kind: DateTime, Computed: true, Filter: true},
	},
	Prepare: prepareOpportunity,
	Verify:  verifyOpportunity,
	// An opportunity attributed to a campaign is its member's response.
	AfterSave: attributedResponse("customer_id"),
})

func prepareStage(v Values, errs *ValidationError) {
	if p, ok := v.Int("probability"); ok && (p < 0 || p > 100) {
		errs.Add("probability", "error.probability_range")
	}
	switch v.Str("kind") {
	case StageWon:
		v["probability"] = int64(100)
	case StageLost:
		v["probability"] = int64(0)
	}
}

// stageRow is a stage as the rules about it read it.
type stageRow struct {
	kind   string
	active bool
}

func readStage(ctx context.Context, q querier, id any) (*stageRow, error) {
	var st stageRow
	err := q.QueryRowContext(ctx, "SELECT kind, active FROM opportunity_stages WHERE id = ? AND deleted_at IS NULL", id).Scan(&st.kind, &st.active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stage %v: %w", id, err)
	}
	return &st, nil
}

// verifyStage gives a new stage the next position, and keeps the board
// whole: a stage holding opportunities keeps its kind (their status is
// its kind), an open stage holding any stays active (they would drop off
// the board), and one active stage of every kind remains.
func verifyStage(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if id == 0 {
		var next int64
		if err := q.QueryRowContext(ctx, "SELECT coalesce(max(position), 0) + 1 FROM opportunity_stages").Scan(&next); err != nil {
			return fmt.Errorf("next stage position: %w", err)
		}
		v["position"] = next
		return nil
	}
	old, err := readStage(ctx, q, id)
	if err != nil || old == nil {
		return err
	}
	active, _ := v["active"].(bool)
	kind := v.Str("kind")
	if kind == old.kind && (active || !old.active) {
		return nil
	}
	var held int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM opportunities WHERE stage_id = ? AND deleted_at IS NULL", id).Scan(&held); err != nil {
		return fmt.Errorf("opportunities in stage %d: %w", id, err)
	}
	if kind != old.kind && held > 0 {
		errs.Add("kind", "error.stage_kind_in_use", held)
		return nil
	}
	if !active && old.active && kind == StageOpen && held > 0 {
		errs.Add("active", "error.stage_in_use", held)
		return nil
	}
	// Whatever changes, every kind keeps an active stage: new
	// opportunities start in an open one, a won quote wins into a won one
	// and a lost one takes the reason.
	var left int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM opportunity_stages WHERE kind = ? AND active = 1 AND id <> ? AND deleted_at IS NULL",
		old.kind, id).Scan(&left); err != nil {
		return fmt.Errorf("active stages: %w", err)
	}
	if left == 0 && old.active {
		field := "kind"
		if !active {
			field = "active"
		}
		errs.Add(field, "error.stage_last_of_kind", LabelKey("choice.opportunity_stages.kind."+old.kind))
	}
	return nil
}

func prepareOpportunity(v Values, errs *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("title")))
	if v.Str("currency") == "" {
		v["currency"] = "TRY"
	}
	if n, ok := v.Int("amount"); ok && n < 0 {
		errs.Add("amount", "error.amount_negative")
	}
}

// verifyOpportunity checks the stage: a new opportunity, or one moved,
// goes to an active stage; a lost one says why. It keeps the status and
// the closing time with the stage's kind.
func verifyOpportunity(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	stageID, _ := v.Int("stage_id")
	st, err := readStage(ctx, q, stageID)
	if err != nil {
		return err
	}
	if st == nil {
		errs.Add("stage_id", "error.ref_missing")
		return nil
	}
	if !st.active {
		moved := id == 0
		if !moved {
			var before int64
			if err := q.QueryRowContext(ctx, "SELECT stage_id FROM opportunities WHERE id = ?", id).Scan(&before); err != nil {
				return fmt.Errorf("stage of opportunity %d: %w", id, err)
			}
			moved = before != stageID
		}
		if moved {
			errs.Add("stage_id", "error.stage_inactive")
			return nil
		}
	}
	if st.kind == StageLost && v.Str("lost_reason") == "" {
		errs.Add("lost_reason", "error.lost_reason_required", LabelKey("field.opportunities.lost_reason"))
		return nil
	}
	prev := v.Str("status")
	v["status"] = st.kind
	switch {
	case st.kind == StageOpen:
		v["closed_at"] = ""
	case prev != st.kind || v.Str("closed_at") == "":
		v["closed_at"] = now().UTC().Format(tr.DateTimeLayout)
	}
	return nil
}
