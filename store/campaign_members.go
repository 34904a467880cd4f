package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"kobicrm/store/tr"
)

// Member statuses: excluded by the ETK rule at launch (reason says why),
// pending until contacted, then sent or failed; unknown when a send was
// begun and its end never recorded (see the sender); responded when the
// customer answered.
const (
	MemberExcluded  = "excluded"
	MemberPending   = "pending"
	MemberSent      = "sent"
	MemberFailed    = "failed"
	MemberUnknown   = "unknown"
	MemberResponded = "responded"
)

// MemberStatuses are the statuses in their order.
var MemberStatuses = []string{MemberExcluded, MemberPending, MemberSent, MemberFailed, MemberUnknown, MemberResponded}

// reasonVisit is the reason a visit's member is allowed: a visit is no
// electronic message, so ETK does not apply to it.
const reasonVisit = "visit"

// MemberReasons are the reasons a member was kept or left out: the ETK
// rule's (granted, trader, refused, no_consent, no_address) and a visit's.
var MemberReasons = []string{"granted", "trader", "refused", "no_consent", "no_address", reasonVisit}

// CampaignMembers are a launched campaign's target list: a customer on
// one channel, with the address the launch froze and the ETK rule's
// answer. They are within a user's scope when their campaign is.
var CampaignMembers = register(&Module{
	Key: "campaign_members", Table: "campaign_members", Label: "module.campaign_members",
	TitleField: "customer_name",
	Fields: []Field{
		// The customer's name when the member was made, naming the member
		// in lists and links.
		{Name: "customer_name", Kind: Text, Computed: true, Max: 300},
		{Name: "campaign_id", Kind: Ref, Ref: "campaigns", Required: true, Parent: true, List: true, Filter: true},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, List: true, Filter: true},
		{Name: "channel", Kind: Choice, Choices: CampaignChannels, Required: true, List: true, Filter: true},
		{Name: "recipient", Kind: Text, Computed: true, List: true},
		{Name: "status", Kind: Choice, Choices: MemberStatuses, Computed: true, List: true, Filter: true},
		{Name: "reason", Kind: Choice, Choices: MemberReasons, Computed: true, List: true, Filter: true},
		{Name: "sent_at", Kind: DateTime, Computed: true, List: true},
		{Name: "error", Kind: Text, Computed: true},
		// When the customer unsubscribed through this message's link.
		{Name: "unsubscribed_at", Kind: DateTime, Computed: true},
		// What came of the contact, in the user's words.
		{Name: "note", Kind: LongText, Max: 2000},
		// A call or visit member's task; its outcome sets the status.
		{Name: "activity_id", Kind: Ref, Ref: "activities", Computed: true},
	},
	Verify: verifyMember,
})

// The ETK rule (etkRule) as SQL functions, so that a launch applies the
// one rule to fifty thousand customers in one statement rather than a
// query each: etk_reason(purpose, recipient, status, recipient_type) is
// the rule's reason and etk_allowed(…) its answer, 1 or 0, from the same
// Go function that answers /api/v1/customers/{id}/contactable.
func init() {
	rule := func(args []driver.Value) (bool, string) {
		str := func(i int) string {
			switch x := args[i].(type) {
			case string:
				return x
			case []byte:
				return string(x)
			}
			return ""
		}
		return etkRule(str(0), Contactability{Recipient: str(1), Status: str(2), RecipientType: str(3)})
	}
	sqlite.MustRegisterDeterministicScalarFunction("etk_reason", 4, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		_, reason := rule(args)
		return reason, nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("etk_allowed", 4, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if ok, _ := rule(args); ok {
			return int64(1), nil
		}
		return int64(0), nil
	})
}

// verifyMember applies the ETK rule to a member added by hand (launches
// add theirs in bulk, with the same rule): the campaign must be running
// and reach customers on the channel; the address and the rule's answer
// are the program's. A member's campaign, customer and channel never
// change.
func verifyMember(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if id != 0 {
		var camp, cust int64
		var ch string
		if err := q.QueryRowContext(ctx, "SELECT campaign_id, customer_id, channel FROM campaign_members WHERE id = ?", id).Scan(&camp, &cust, &ch); err != nil {
			return fmt.Errorf("read member %d: %w", id, err)
		}
		if c, _ := v.Int("campaign_id"); c != camp {
			errs.Add("campaign_id", "error.campaign_frozen")
		}
		if c, _ := v.Int("customer_id"); c != cust {
			errs.Add("customer_id", "error.campaign_frozen")
		}
		if v.Str("channel") != ch {
			errs.Add("channel", "error.campaign_frozen")
		}
		return nil
	}
	var status, channels string
	if err := q.QueryRowContext(ctx, "SELECT status, channels FROM campaigns WHERE id = ?", v["campaign_id"]).Scan(&status, &channels); err != nil {
		return fmt.Errorf("read campaign: %w", err)
	}
	if status != CampaignRunning {
		errs.Add("campaign_id", "error.campaign_not_running")
		return nil
	}
	ch := v.Str("channel")
	if !slices.Contains(strings.Split(channels, multiSep), ch) {
		errs.Add("channel", "error.campaign_channel")
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM campaign_members WHERE campaign_id = ? AND channel = ? AND customer_id = ?",
		v["campaign_id"], ch, v["customer_id"]).Scan(&n); err != nil {
		return fmt.Errorf("member exists: %w", err)
	}
	if n > 0 {
		errs.Add("customer_id", "error.member_exists")
		return nil
	}
	c, err := customerAddresses(ctx, q, v["customer_id"])
	if err != nil || c == nil {
		return err
	}
	allowed, reason, recipient := true, reasonVisit, visitAddress(ctx, q, c.id)
	if etk, ok := campaignETK[ch]; ok {
		st, err := contactability(ctx, q, c, etk, PurposeCommercial, "")
		if err != nil {
			return err
		}
		allowed, reason, recipient = st.Allowed, st.Reason, st.Recipient
	} else if recipient == "" {
		allowed, reason = false, "no_address"
	}
	var name string
	if err := q.QueryRowContext(ctx, "SELECT display_name FROM customers WHERE id = ?", c.id).Scan(&name); err != nil {
		return fmt.Errorf("name of customer %d: %w", c.id, err)
	}
	v["customer_name"], v["recipient"], v["reason"], v["status"] = name, recipient, reason, MemberPending
	if !allowed {
		v["status"] = MemberExcluded
	}
	return nil
}

// visitSQL is where a visit goes, on customers under alias t: the street
// address with its district and province, "" when none is known.
const visitSQL = "trim(t.address || CASE WHEN t.district <> '' THEN ' ' || t.district ELSE '' END || CASE WHEN t.province <> '' THEN ' ' || t.province ELSE '' END)"

func visitAddress(ctx context.Context, q querier, id int64) string {
	var s string
	if err := q.QueryRowContext(ctx, "SELECT "+visitSQL+" FROM customers t WHERE t.id = ?", id).Scan(&s); err != nil {
		return ""
	}
	return s
}

// memberSQL is the SELECT of a launch's members on one channel, from the
// customers under alias t that cond keeps: each customer's address for
// the channel as the ETK rule takes it (the main one; for the phone
// channels the first other number when there is no main one) and the
// latest decision there — kept on the customer's row for the main
// addresses (migration 0015), read from the ledger otherwise — and the
// rule's answer through etk_allowed and etk_reason. Its parameters are the
// campaign id, the created and updated times, then cond's.
func memberSQL(channel, cond string) string {
	etk, electronic := campaignETK[channel]
	if !electronic {
		return `SELECT ?, x.id, x.name, '` + channel + `', x.recipient,
			CASE WHEN x.recipient = '' THEN '` + MemberExcluded + `' ELSE '` + MemberPending + `' END,
			CASE WHEN x.recipient = '' THEN 'no_address' ELSE '` + reasonVisit + `' END, ?, ?
			FROM (SELECT t.id, t.display_name AS name, ` + visitSQL + ` AS recipient FROM customers t WHERE ` + cond + `) x`
	}
	addr, main, decided := "t.email", "1", "t.etk_eposta"
	if etk != ChannelEmail {
		addr = "CASE WHEN t.phone <> '' THEN t.phone ELSE coalesce((SELECT p.number FROM customers_phones p WHERE p.record_id = t.id ORDER BY p.position LIMIT 1), '') END"
		main = "t.phone <> ''"
		decided = map[string]string{ChannelCall: "t.etk_arama", ChannelSMS: "t.etk_mesaj"}[etk]
	}
	return `SELECT ?, y.id, y.name, '` + channel + `', y.recipient,
		CASE WHEN etk_allowed('` + PurposeCommercial + `', y.recipient, y.decided, y.rtype) THEN '` + MemberPending + `' ELSE '` + MemberExcluded + `' END,
		etk_reason('` + PurposeCommercial + `', y.recipient, y.decided, y.rtype), ?, ?
		FROM (SELECT x.id, x.name, x.recipient, x.rtype, CASE WHEN x.main THEN x.decided ELSE coalesce((SELECT c.status FROM consents c
				WHERE c.customer_id = x.id AND c.channel = '` + etk + `' AND c.recipient = x.recipient AND c.deleted_at IS NULL
				ORDER BY c.consent_date DESC, c.id DESC LIMIT 1), '') END AS decided
			FROM (SELECT t.id, t.display_name AS name, ` + addr + ` AS recipient, ` + main + ` AS main, ` + decided + ` AS decided,
					CASE t.kind WHEN 'company' THEN '` + RecipientTrader + `' ELSE '` + RecipientPerson + `' END AS rtype
				FROM customers t WHERE ` + cond + `) x) y`
}

// Launch is what launching a campaign did: its members per channel, and
// how many of them the ETK rule left out, by reason.
type Launch struct {
	Members  int
	Excluded int
}

// LaunchCampaign freezes a draft or scheduled campaign's target list in
// one transaction: the customers of its segment that the actor may read
// become its members on each of its channels, the ETK rule applied to each
// for commercial contact — those it does not allow are kept as excluded
// with the rule's reason. The campaign becomes running. A segment that
// matches nobody is refused, and nothing is written.
func (s *Store) LaunchCampaign(ctx context.Context, a *Actor, id int64) (Launch, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return Launch{}, err
	}
	var out Launch
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = Launch{}
		if err := requireScope(ctx, tx, a, m, ActEdit, id); err != nil {
			return err
		}
		var status, channels string
		var segID sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT status, channels, segment_id FROM campaigns WHERE id = ?", id).Scan(&status, &channels, &segID); err != nil {
			return fmt.Errorf("launch campaign %d: %w", id, err)
		}
		errs := &ValidationError{}
		if status != CampaignDraft && status != CampaignScheduled {
			errs.Add("status", "error.campaign_launched")
			return errs
		}
		if !segID.Valid {
			errs.Add("segment_id", "error.campaign_no_segment")
			return errs
		}
		seg, err := s.get(ctx, a, s.mod(Segments), segID.Int64, false)
		if errors.Is(err, ErrNotFound) {
			errs.Add("segment_id", "error.ref_missing")
			return errs
		}
		if err != nil {
			return err
		}
		cond, args, _, err := s.segmentCond(a, seg.Values, false)
		if err != nil {
			return err
		}
		ts := timeText(now())
		for _, ch := range strings.Split(channels, multiSep) {
			res, err := tx.ExecContext(ctx, `INSERT INTO campaign_members (campaign_id, customer_id, customer_name, channel, recipient, status, reason, created_at, updated_at) `+
				memberSQL(ch, cond), append([]any{id, ts, ts}, args...)...)
			if err != nil {
				return fmt.Errorf("launch campaign %d on %s: %w", id, ch, err)
			}
			n, _ := res.RowsAffected()
			out.Members += int(n)
		}
		if out.Members == 0 {
			errs.Add("segment_id", "error.segment_empty")
			return errs
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM campaign_members WHERE campaign_id = ? AND status = ? AND deleted_at IS NULL",
			id, MemberExcluded).Scan(&out.Excluded); err != nil {
			return fmt.Errorf("launch campaign %d: %w", id, err)
		}
		// The campaign's change goes through the engine (checked and in its
		// history); the members, made by one statement, are recorded there
		// as the launch's counts rather than a history entry each.
		if _, _, err := s.update(ctx, tx, a, m, id, Values{"status": CampaignRunning, "launched_at": now().UTC().Format(tr.DateTimeLayout)}); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionLaunch, m, id, []Change{{Field: "members", New: strconv.Itoa(out.Members)}, {Field: "excluded", New: strconv.Itoa(out.Excluded)}})
	})
	return out, err
}

// ActionLaunch is a campaign's launch in the audit trail, with its counts.
const ActionLaunch = "launch"

// MemberTally is how many members of a campaign are on a channel in a
// status for a reason.
type MemberTally struct {
	Channel string
	Status  string
	Reason  string
	Count   int
}

// CampaignTallies count a campaign's members by channel, status and
// reason, from one index: the campaign page's "how many and why".
func (s *Store) CampaignTallies(ctx context.Context, a *Actor, id int64) ([]MemberTally, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, id); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx, `SELECT channel, status, reason, count(*) FROM campaign_members
		WHERE campaign_id = ? AND deleted_at IS NULL GROUP BY channel, status, reason`, id)
	if err != nil {
		return nil, fmt.Errorf("members of campaign %d: %w", id, err)
	}
	var out []MemberTally
	for rows.Next() {
		var t MemberTally
		if err := rows.Scan(&t.Channel, &t.Status, &t.Reason, &t.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("members of campaign %d: %w", id, err)
		}
		out = append(out, t)
	}
	return out, closeRows(rows, "members")
}
