package store

import (
	"context"
	"database/sql"
	"fmt"
)

// A campaign's results: per channel how many were reached, failed,
// unsubscribed through the campaign's link or responded; the leads
// (customers) and won opportunities attributed to it (their campaign_id),
// the cost per lead and the return on its budget.

// ChannelResult is one channel's outcome.
type ChannelResult struct {
	Channel      string
	Delivered    int64 // sent, or responded
	Failed       int64
	Unsubscribed int64
	Responded    int64
}

// CampaignResult is the campaign's outcome, counted among the records
// the actor may read.
type CampaignResult struct {
	Channels  []ChannelResult
	Leads     int64
	Won       int64
	WonAmount int64 // kuruş, the won opportunities in lira (others are not converted)
	Budget    int64 // kuruş; 0 when none
	// CostPerLead is the budget over the leads, in kuruş; valid when there
	// are both.
	CostPerLead sql.NullInt64
	// ROI is (won − budget) / budget in basis points (1250 = 12.5 %);
	// valid when there is a budget.
	ROI sql.NullInt64
}

// CampaignResults counts a campaign's results.
func (s *Store) CampaignResults(ctx context.Context, a *Actor, id int64) (*CampaignResult, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, id); err != nil {
		return nil, err
	}
	out := &CampaignResult{}
	var budget sql.NullInt64
	if err := s.reads.queryRow(ctx, "SELECT budget FROM campaigns WHERE id = ?", id).Scan(&budget); err != nil {
		return nil, fmt.Errorf("campaign %d: %w", id, err)
	}
	out.Budget = budget.Int64
	rows, err := s.reads.query(ctx, `SELECT channel, sum(status IN ('sent', 'responded')), sum(status = 'failed'),
		sum(unsubscribed_at <> ''), sum(status = 'responded') FROM campaign_members
		WHERE campaign_id = ? AND deleted_at IS NULL GROUP BY channel`, id)
	if err != nil {
		return nil, fmt.Errorf("results of campaign %d: %w", id, err)
	}
	byChannel := map[string]ChannelResult{}
	for rows.Next() {
		var c ChannelResult
		if err := rows.Scan(&c.Channel, &c.Delivered, &c.Failed, &c.Unsubscribed, &c.Responded); err != nil {
			rows.Close()
			return nil, fmt.Errorf("results of campaign %d: %w", id, err)
		}
		byChannel[c.Channel] = c
	}
	if err := closeRows(rows, "results"); err != nil {
		return nil, err
	}
	for _, ch := range CampaignChannels {
		if c, ok := byChannel[ch]; ok {
			out.Channels = append(out.Channels, c)
		}
	}
	// Leads and opportunities the actor may read: no scope, no count.
	if cond, args, err := scopeCond(a, s.mod(Customers), ActRead); err == nil {
		q := "SELECT count(*) FROM customers t WHERE t.campaign_id = ? AND t.deleted_at IS NULL"
		if cond != "" {
			q += " AND " + cond
		}
		if err := s.reads.queryRow(ctx, q, append([]any{id}, args...)...).Scan(&out.Leads); err != nil {
			return nil, fmt.Errorf("leads of campaign %d: %w", id, err)
		}
	}
	if cond, args, err := scopeCond(a, s.mod(Opportunities), ActRead); err == nil {
		q := `SELECT count(*), coalesce(sum(CASE WHEN t.currency = 'TRY' THEN t.amount END), 0) FROM opportunities t
			WHERE t.campaign_id = ? AND t.status = ? AND t.deleted_at IS NULL`
		if cond != "" {
			q += " AND " + cond
		}
		if err := s.reads.queryRow(ctx, q, append([]any{id, StageWon}, args...)...).Scan(&out.Won, &out.WonAmount); err != nil {
			return nil, fmt.Errorf("won opportunities of campaign %d: %w", id, err)
		}
	}
	if out.Budget > 0 && out.Leads > 0 {
		out.CostPerLead = sql.NullInt64{Int64: out.Budget / out.Leads, Valid: true}
	}
	if out.Budget > 0 {
		out.ROI = sql.NullInt64{Int64: (out.WonAmount - out.Budget) * 10000 / out.Budget, Valid: true}
	}
	return out, nil
}
