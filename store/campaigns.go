package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"kobicrm/store/tr"
)

// Campaign statuses: a draft is being prepared, a scheduled one waits for
// its day, a running one has its target list frozen (launched), and it
// ends completed or cancelled.
const (
	CampaignDraft     = "draft"
	CampaignScheduled = "scheduled"
	CampaignRunning   = "running"
	CampaignCompleted = "completed"
	CampaignCancelled = "cancelled"
)

// CampaignStatuses are the statuses in their order.
var CampaignStatuses = []string{CampaignDraft, CampaignScheduled, CampaignRunning, CampaignCompleted, CampaignCancelled}

// The channels a campaign reaches customers on.
const (
	CampaignEmail = "email"
	CampaignSMS   = "sms"
	CampaignCall  = "call"
	CampaignVisit = "visit"
)

// CampaignChannels are the channels in the order forms offer them.
var CampaignChannels = []string{CampaignEmail, CampaignSMS, CampaignCall, CampaignVisit}

// campaignETK is the ETK channel of a campaign channel; a visit is no
// electronic message and has none.
var campaignETK = map[string]string{CampaignEmail: ChannelEmail, CampaignSMS: ChannelSMS, CampaignCall: ChannelCall}

// campaignMoves are the status changes a person may make; running is
// reached only by launching (LaunchCampaign).
var campaignMoves = map[string][]string{
	CampaignDraft:     {CampaignScheduled, CampaignCancelled},
	CampaignScheduled: {CampaignDraft, CampaignCancelled},
	CampaignRunning:   {CampaignCompleted, CampaignCancelled},
}

// Campaigns are the firm's marketing campaigns: a goal, the channels, the
// period, the money, and the segment whose customers it targets. Launching
// one freezes its target list as its members.
var Campaigns = register(&Module{
	Key: "campaigns", Table: "campaigns", Label: "module.campaigns",
	SearchID: 14, TitleField: "name", DefaultSort: "starts_on",
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "goal", Kind: Choice, Choices: MarketingGoals, Default: "acquire", Required: true, List: true, Filter: true},
		{Name: "channels", Kind: MultiChoice, Choices: CampaignChannels, Required: true, List: true, Filter: true},
		{Name: "segment_id", Kind: Ref, Ref: "segments", List: true, Filter: true},
		{Name: "starts_on", Kind: Date, Required: true, List: true, Sort: true, Filter: true},
		{Name: "ends_on", Kind: Date, List: true},
		{Name: "budget", Kind: Money, List: true},
		{Name: "expected_revenue", Kind: Money},
		{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		{Name: "status", Kind: Choice, Choices: CampaignStatuses, Default: CampaignDraft, Computed: true, List: true, Filter: true},
		{Name: "launched_at", Kind: DateTime, Computed: true},
		// The template the campaign's e-mails are written from (needed to
		// launch on e-mail), and what last went wrong sending them.
		{Name: "email_template_id", Kind: Ref, Ref: "email_templates"},
		{Name: "send_error", Kind: Text, Computed: true, Max: 1000},
		// The SMS's text, with the e-mail templates' merge fields; the İYS
		// brand code and the opt-out text are added to it when it is sent.
		{Name: "sms_text", Kind: LongText, Max: 600},
		{Name: "description", Kind: LongText},
		// Call and visit campaigns: the script (Markdown) shown on every
		// task, and the users the tasks go to round-robin — callers (the
		// call centre) for calls, visitors (field sales) for visits.
		{Name: "script", Kind: LongText, Max: 20000},
		{Name: "callers", Kind: RefList, Ref: "users"},
		{Name: "visitors", Kind: RefList, Ref: "users"},
	},
	Prepare: prepareCampaign,
	Verify:  verifyCampaign,
})

func prepareCampaign(v Values, errs *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name")))
	if v.Str("status") == "" {
		v["status"] = CampaignDraft
	}
	checkMergeFields("sms_text", v.Str("sms_text"), errs)
	if s, e := v.Str("starts_on"), v.Str("ends_on"); s != "" && e != "" && e < s {
		errs.Add("ends_on", "error.campaign_ends_before")
	}
	for _, f := range []string{"budget", "expected_revenue"} {
		if n, ok := v.Int(f); ok && n < 0 {
			errs.Add(f, "error.amount_negative")
		}
	}
}

// verifyCampaign keeps a launched campaign's target as it was frozen: its
// segment and channels no longer change.
func verifyCampaign(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if id == 0 {
		return nil
	}
	var launched string
	var segment sql.NullInt64
	var channels string
	err := q.QueryRowContext(ctx, "SELECT launched_at, segment_id, channels FROM campaigns WHERE id = ?", id).Scan(&launched, &segment, &channels)
	if err != nil {
		return fmt.Errorf("read campaign %d: %w", id, err)
	}
	if launched == "" {
		return nil
	}
	if seg, _ := v.Int("segment_id"); seg != segment.Int64 || (v["segment_id"] == nil) != !segment.Valid {
		errs.Add("segment_id", "error.campaign_frozen")
	}
	if v.Str("channels") != channels {
		errs.Add("channels", "error.campaign_frozen")
	}
	return nil
}

// CampaignMoves are the statuses a person may move a campaign in status
// to (running only by launching it).
func CampaignMoves(status string) []string { return campaignMoves[status] }

// SetCampaignStatus moves a campaign to another status through the
// engine's update (checked, audited), if the move is one a person may
// make from the status it has now.
func (s *Store) SetCampaignStatus(ctx context.Context, a *Actor, id int64, status string) error {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, m, ActEdit, id); err != nil {
			return err
		}
		var now string
		err := tx.QueryRowContext(ctx, "SELECT status FROM campaigns WHERE id = ? AND deleted_at IS NULL", id).Scan(&now)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("campaign %d: %w", id, err)
		}
		if !slices.Contains(campaignMoves[now], status) {
			errs := &ValidationError{}
			errs.Add("status", "error.campaign_move", LabelKey("choice.campaigns.status."+now), LabelKey("choice.campaigns.status."+status))
			return errs
		}
		_, _, err = s.update(ctx, tx, a, m, id, Values{"status": status})
		return err
	})
}
