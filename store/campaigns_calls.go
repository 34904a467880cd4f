package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"time"

	"kobicrm/store/tr"
)

// Call and visit campaigns. Their members are not sent anything: each
// allowed member becomes a task — a planned call or visit activity on the
// customer, owned by one of the users the campaign names (callers for
// calls, visitors for visits, taken round-robin in member order), linked
// to the campaign, with its script as the task's text — and the task's
// outcome becomes the member's status (campaignTaskSaved).

// taskChannels are the channels whose members get tasks, with the
// campaign's field naming who takes them and the activity type.
var taskChannels = []struct{ channel, users, activity, noUsers string }{
	{CampaignCall, "callers", ActivityCall, "error.campaign_no_callers"},
	{CampaignVisit, "visitors", ActivityVisit, "error.campaign_no_visitors"},
}

// Distribution is what handing out a campaign's tasks did: the tasks
// planned, and the call members the ETK rule left out since the launch.
type Distribution struct {
	Tasks    int
	Excluded int
}

// DistributeCampaignTasks gives every pending call and visit member of a
// running campaign that has no task yet its task. A call is commercial:
// the ETK rule is asked again for each, and a member it no longer allows
// becomes excluded with its reason and gets no task. A channel with
// members waiting but nobody chosen to take them is refused, naming the
// field, before anything is written. The tasks are written in
// transactions of distributeBatch members, so that a campaign of
// thousands does not hold the database for others (and SQLite's
// statement journal stays small); each is whole, and a stop between two
// leaves the rest without a task, handed out by the next call. Calling
// it again hands out only what is new (members added by hand since).
func (s *Store) DistributeCampaignTasks(ctx context.Context, a *Actor, id int64) (Distribution, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return Distribution{}, err
	}
	var out Distribution
	for {
		var batch Distribution
		err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
			batch = Distribution{}
			if err := requireScope(ctx, tx, a, m, ActEdit, id); err != nil {
				return err
			}
			var status, name, script, startsOn string
			err := tx.QueryRowContext(ctx, "SELECT status, name, script, starts_on FROM campaigns WHERE id = ? AND deleted_at IS NULL", id).
				Scan(&status, &name, &script, &startsOn)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("campaign %d: %w", id, err)
			}
			if status != CampaignRunning {
				errs := &ValidationError{}
				errs.Add("status", "error.campaign_not_running")
				return errs
			}
			users := make([][]int64, len(taskChannels))
			for i, tc := range taskChannels {
				var waiting int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM campaign_members WHERE campaign_id = ? AND channel = ?
					AND activity_id IS NULL AND status = ? AND deleted_at IS NULL LIMIT 1)`, id, tc.channel, MemberPending).Scan(&waiting); err != nil {
					return fmt.Errorf("members of campaign %d: %w", id, err)
				}
				if waiting == 0 {
					continue
				}
				if users[i], err = campaignUsers(ctx, tx, id, tc.users); err != nil {
					return err
				}
				if len(users[i]) == 0 {
					errs := &ValidationError{}
					errs.Add(tc.users, tc.noUsers)
					return errs
				}
			}
			start := taskStart(startsOn)
			left := distributeBatch
			for i, tc := range taskChannels {
				if len(users[i]) == 0 || left == 0 {
					continue
				}
				n, excluded, err := s.distributeChannel(ctx, tx, id, tc.channel, tc.activity, users[i], left, name, script, start)
				if err != nil {
					return err
				}
				batch.Tasks += n
				batch.Excluded += excluded
				left -= n + excluded
			}
			if batch.Tasks == 0 && batch.Excluded == 0 {
				return nil
			}
			return audit(ctx, tx, a, ActionDistribute, m, id, []Change{{Field: "tasks", New: strconv.Itoa(batch.Tasks)}, {Field: "excluded", New: strconv.Itoa(batch.Excluded)}})
		})
		if err != nil {
			return out, err
		}
		out.Tasks += batch.Tasks
		out.Excluded += batch.Excluded
		if batch.Tasks+batch.Excluded < distributeBatch {
			return out, nil
		}
	}
}

// distributeBatch is how many members one transaction hands out.
const distributeBatch = 500

// ActionDistribute is handing out a campaign's tasks in the audit trail.
const ActionDistribute = "distribute"

// taskStart is when a campaign's tasks are due: now, or 09:00 Turkey time
// (06:00 UTC) on the campaign's first day when that is later.
func taskStart(startsOn string) string {
	t := now().UTC()
	if d, err := time.Parse(time.DateOnly, startsOn); err == nil {
		if first := d.Add(6 * time.Hour); first.After(t) {
			t = first
		}
	}
	return t.Format(tr.DateTimeLayout)
}

// untasked is a member waiting for its task.
type untasked struct {
	id, customer int64
	recipient    string
}

// distributeChannel hands out up to limit members of a channel waiting
// for their task, round-robin to users, continuing the round from the
// tasks the channel already has.
func (s *Store) distributeChannel(ctx context.Context, tx *sql.Tx, id int64, channel, typ string, users []int64, limit int, name, script, start string) (tasks, excluded int, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, customer_id, recipient FROM campaign_members
		WHERE campaign_id = ? AND channel = ? AND activity_id IS NULL AND status = ? AND deleted_at IS NULL ORDER BY id LIMIT ?`,
		id, channel, MemberPending, limit)
	if err != nil {
		return 0, 0, fmt.Errorf("members of campaign %d: %w", id, err)
	}
	var list []untasked
	for rows.Next() {
		var u untasked
		if err := rows.Scan(&u.id, &u.customer, &u.recipient); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("members of campaign %d: %w", id, err)
		}
		list = append(list, u)
	}
	if err := closeRows(rows, "members"); err != nil || len(list) == 0 {
		return 0, 0, err
	}
	var given int // the round goes on where the last batch stopped
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM campaign_members WHERE campaign_id = ? AND channel = ? AND activity_id IS NOT NULL",
		id, channel).Scan(&given); err != nil {
		return 0, 0, fmt.Errorf("tasks of campaign %d: %w", id, err)
	}
	sys := SystemActor()
	members, acts := s.mod(CampaignMembers), s.mod(Activities)
	for _, u := range list {
		task := Values{"type": typ, "subject": truncate(name, 200), "customer_id": u.customer, "status": "planned",
			"starts_at": start, "owner_id": users[(given+tasks)%len(users)], "description": script,
			"related_module": Campaigns.Key, "related_id": id}
		if channel == CampaignCall {
			cust, err := customerAddresses(ctx, tx, u.customer)
			if err != nil {
				return 0, 0, err
			}
			allowed, reason := false, "no_address"
			if cust != nil && u.recipient != "" {
				st, err := contactability(ctx, tx, cust, ChannelCall, PurposeCommercial, u.recipient)
				if err != nil {
					return 0, 0, err
				}
				allowed, reason = st.Allowed, st.Reason
			}
			if !allowed {
				if _, _, err := s.update(ctx, tx, sys, members, u.id, Values{"status": MemberExcluded, "reason": reason}); err != nil {
					return 0, 0, err
				}
				excluded++
				continue
			}
			task["direction"], task["purpose"], task["recipient"] = "out", PurposeCommercial, u.recipient
		} else {
			task["place"] = truncate(u.recipient, 200)
		}
		// The program hands the task to the user: their own create scope
		// may not reach the customer it is about.
		act, err := s.insert(ctx, tx, sys, acts, task)
		if err != nil {
			return 0, 0, fmt.Errorf("task of member %d: %w", u.id, err)
		}
		if _, _, err := s.update(ctx, tx, sys, members, u.id, Values{"activity_id": act.ID}); err != nil {
			return 0, 0, err
		}
		tasks++
	}
	return tasks, excluded, nil
}

// campaignUsers are the active users a campaign names in a users field
// (callers or visitors), in id order.
func campaignUsers(ctx context.Context, q querier, id int64, field string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.ref_id FROM campaigns_`+field+` s JOIN users u ON u.id = s.ref_id
		WHERE s.record_id = ? AND u.active = 1 ORDER BY s.ref_id`, id)
	if err != nil {
		return nil, fmt.Errorf("%s of campaign %d: %w", field, id, err)
	}
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s of campaign %d: %w", field, id, err)
		}
		out = append(out, u)
	}
	return out, closeRows(rows, field)
}

// UntaskedMembers counts a campaign's pending call and visit members
// still without a task: the campaign page offers to hand them out.
func (s *Store) UntaskedMembers(ctx context.Context, a *Actor, id int64) (int, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return 0, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, id); err != nil {
		return 0, err
	}
	var n int
	err := s.reads.queryRow(ctx, `SELECT count(*) FROM campaign_members WHERE campaign_id = ? AND channel IN (?, ?)
		AND activity_id IS NULL AND status = ? AND deleted_at IS NULL`, id, CampaignCall, CampaignVisit, MemberPending).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("untasked members of campaign %d: %w", id, err)
	}
	return n, nil
}

// callOutcomes are what a done call's outcome makes of its member: the
// customer reached is a response; asked to call back, reached; no answer,
// busy, voicemail or a wrong number, not reached (failed, with the
// outcome as the error). A call done without an outcome counts as reached.
var callOutcomes = map[string]string{
	"reached": MemberResponded, "callback": MemberSent, "": MemberSent,
	"no_answer": MemberFailed, "busy": MemberFailed, "voicemail": MemberFailed, "wrong_number": MemberFailed,
}

// campaignTaskSaved carries a campaign task's outcome to its member: a
// call done sets it by its outcome (callOutcomes), a visit done is a
// response (the customer was met), a task cancelled fails the member, a
// task planned again puts it back to pending. The member is the program's
// to write: whoever records the outcome need not manage campaigns.
func campaignTaskSaved(ctx context.Context, s *Store, tx *sql.Tx, id int64, v Values) error {
	typ := v.Str("type")
	if typ != ActivityCall && typ != ActivityVisit {
		return nil
	}
	var member int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM campaign_members WHERE activity_id = ? AND deleted_at IS NULL", id).Scan(&member)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("member of task %d: %w", id, err)
	}
	set := Values{"status": MemberPending, "sent_at": "", "error": ""}
	switch v.Str("status") {
	case "done":
		set["status"], set["sent_at"] = MemberResponded, now().UTC().Format(tr.DateTimeLayout)
		if typ == ActivityCall {
			outcome := v.Str("outcome")
			st, ok := callOutcomes[outcome]
			if !ok {
				st = MemberSent
			}
			set["status"] = st
			if st == MemberFailed {
				set["error"] = outcome
			}
		}
	case "cancelled":
		set["status"], set["error"] = MemberFailed, "cancelled"
	}
	_, _, err = s.update(ctx, tx, SystemActor(), s.mod(CampaignMembers), member, set)
	return err
}

// inboundResponse marks a customer's e-mail or SMS members of running
// campaigns that were sent a message as responded when the customer
// writes back on that channel (an incoming e-mail or SMS activity).
func inboundResponse(ctx context.Context, s *Store, tx *sql.Tx, v Values) error {
	typ := v.Str("type")
	if v.Str("direction") != "in" || v.Str("status") == "cancelled" || !slices.Contains([]string{ActivityEmail, ActivitySMS}, typ) {
		return nil
	}
	return markResponded(ctx, s, tx, `SELECT m.id FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id
		WHERE m.customer_id = ? AND m.channel = ? AND m.status = ? AND m.deleted_at IS NULL
			AND c.status = ? AND c.deleted_at IS NULL`, v["customer_id"], typ, MemberSent, CampaignRunning)
}

// attributedResponse marks a customer's members of a campaign that were
// reached (on any channel) as responded when a record is attributed to
// that campaign: the customer became its lead, or an opportunity of
// theirs names it. The customer's id is the record's own for a customer
// and its customer_id for an opportunity.
func attributedResponse(customerField string) func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
	return func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
		campaign, ok := v.Int("campaign_id")
		if before, _ := old.Int("campaign_id"); !ok || before == campaign {
			return nil
		}
		customer := any(id)
		if customerField != "" {
			customer = v[customerField]
		}
		return markResponded(ctx, s, tx, `SELECT id FROM campaign_members
			WHERE campaign_id = ? AND customer_id = ? AND status = ? AND deleted_at IS NULL`, campaign, customer, MemberSent)
	}
}

// markResponded sets the members the query selects to responded, as the
// program (whoever's write set it off need not manage campaigns).
func markResponded(ctx context.Context, s *Store, tx *sql.Tx, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("members answered: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return fmt.Errorf("members answered: %w", err)
		}
		ids = append(ids, m)
	}
	if err := closeRows(rows, "members"); err != nil {
		return err
	}
	for _, m := range ids {
		if _, _, err := s.update(ctx, tx, SystemActor(), s.mod(CampaignMembers), m, Values{"status": MemberResponded}); err != nil {
			return err
		}
	}
	return nil
}
