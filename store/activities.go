package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// Activity types. Calls, SMS and e-mails are contacts through an ETK
// channel; visits and meetings are contacts in person; tasks are work to
// do; notes are what someone wants remembered on the timeline.
const (
	ActivityCall    = "call"
	ActivitySMS     = "sms"
	ActivityEmail   = "email"
	ActivityVisit   = "visit"
	ActivityMeeting = "meeting"
	ActivityTask    = "task"
	ActivityNote    = "note"
)

// ActivityTypes are the types in the order forms offer them.
var ActivityTypes = []string{ActivityCall, ActivitySMS, ActivityEmail, ActivityVisit, ActivityMeeting, ActivityTask, ActivityNote}

// contactTypes are the activities that reach the customer: the ones after
// which an undecided ETK consent becomes the contact maker's task.
var contactTypes = []string{ActivityCall, ActivitySMS, ActivityEmail, ActivityVisit, ActivityMeeting}

// Purposes of a message (ETK): commercial ones need the recipient's
// permission, transactional ones (an invoice, a delivery, an appointment
// reminder) do not.
const (
	PurposeCommercial    = "commercial"
	PurposeTransactional = "transactional"
)

// Activities are every contact with a customer and every piece of work
// around one: calls, SMS, e-mails, visits, meetings, tasks and notes. Each
// belongs to a customer and may point to any other record as well.
var Activities = register(&Module{
	Key: "activities", Table: "activities", Label: "module.activities",
	SearchID: 3, TitleField: "subject", DefaultSort: "starts_at",
	Discriminator: "type",
	Fields: []Field{
		{Name: "type", Kind: Choice, Choices: ActivityTypes, Default: ActivityCall, Required: true, List: true, Filter: true},
		{Name: "subject", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		{Name: "status", Kind: Choice, Choices: []string{"planned", "done", "cancelled"}, Default: "done", Required: true, List: true, Filter: true},
		{Name: "starts_at", Kind: DateTime, Required: true, List: true, Sort: true, Filter: true},
		{Name: "ends_at", Kind: DateTime, Group: "visit,meeting"},
		{Name: "direction", Kind: Choice, Choices: []string{"out", "in"}, Group: "call,sms,email", Filter: true},
		{Name: "purpose", Kind: Choice, Choices: []string{PurposeCommercial, PurposeTransactional}, Group: "call,sms,email", Filter: true},
		{Name: "recipient", Kind: Text, Group: "call,sms,email", Max: 254},
		{Name: "duration_min", Kind: Int, Group: "call"},
		{Name: "outcome", Kind: Choice, Choices: []string{"reached", "no_answer", "busy", "voicemail", "wrong_number", "callback"}, Group: "call", Filter: true},
		{Name: "place", Kind: Text, Group: "visit,meeting", Search: true, Max: 200},
		{Name: "priority", Kind: Choice, Choices: []string{"low", "normal", "high"}, Group: "task", Filter: true},
		{Name: "reminder_min", Kind: Int, Group: "call,visit,meeting,task"},
		{Name: "owner_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		{Name: "participants", Kind: RefList, Ref: "users", Filter: true},
		{Name: "description", Kind: LongText},
		{Name: "related_module", Kind: Text, Max: 40},
		{Name: "related_id", Kind: Int},
		{Name: "consent_task", Kind: Bool, Computed: true, Filter: true},
		{Name: "remind_at", Kind: DateTime, Computed: true, Internal: true},
	},
	Prepare:   prepareActivity,
	Verify:    verifyActivity,
	AfterSave: activitySaved,
})

// messageChannel is the ETK channel an activity type reaches the customer
// through, or "" for one that is no electronic message.
func messageChannel(activityType string) string {
	switch activityType {
	case ActivityCall:
		return ChannelCall
	case ActivitySMS:
		return ChannelSMS
	case ActivityEmail:
		return ChannelEmail
	}
	return ""
}

func prepareActivity(v Values, errs *ValidationError) {
	typ := v.Str("type")
	if v.Str("starts_at") == "" {
		v["starts_at"] = now().UTC().Format(tr.DateTimeLayout)
	}
	if v.Str("status") == "" {
		v["status"] = "done"
		if typ == ActivityTask || typ == ActivityMeeting {
			v["status"] = "planned"
		}
	}
	if messageChannel(typ) != "" {
		if v.Str("direction") == "" {
			v["direction"] = "out"
		}
		// An outgoing message counts as commercial unless someone says it
		// is transactional: the safe reading of ETK.
		if v.Str("direction") == "out" && v.Str("purpose") == "" {
			v["purpose"] = PurposeCommercial
		}
		if r := v.Str("recipient"); r != "" {
			norm, ok := normalRecipient(messageChannel(typ), r)
			if !ok {
				errs.Add("recipient", recipientError[messageChannel(typ)])
			} else {
				v["recipient"] = norm
			}
		}
	}
	if typ == ActivityTask && v.Str("priority") == "" {
		v["priority"] = "normal"
	}
	if s, e := v.Str("starts_at"), v.Str("ends_at"); e != "" && e < s {
		errs.Add("ends_at", "error.ends_before_start")
	}
	if (v.Str("related_module") == "") != (v["related_id"] == nil) {
		errs.Add("related_id", "error.related_pair")
	}
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("subject")))
	v["remind_at"] = ""
	if mins, ok := v.Int("reminder_min"); ok && v.Str("status") == "planned" {
		if t, err := time.Parse(tr.DateTimeLayout, v.Str("starts_at")); err == nil {
			v["remind_at"] = t.Add(-time.Duration(mins) * time.Minute).Format(tr.DateTimeLayout)
		}
	}
}

// verifyActivity checks the link to another record and the one ETK rule:
// an outgoing commercial call, SMS or e-mail needs the customer's
// permission on that channel, or must be marked transactional.
func verifyActivity(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	if mod := v.Str("related_module"); mod != "" {
		if err := verifyRelated(ctx, q, mod, v, errs); err != nil {
			return err
		}
	}
	channel := messageChannel(v.Str("type"))
	if channel == "" || v.Str("direction") != "out" || v.Str("status") == "cancelled" {
		return nil
	}
	cust, err := customerAddresses(ctx, q, v["customer_id"])
	if err != nil || cust == nil {
		return err
	}
	if v.Str("recipient") == "" {
		v["recipient"] = cust.address(channel) // the customer's own number or address
	}
	if v.Str("purpose") != PurposeCommercial {
		return nil
	}
	if id > 0 {
		// An activity logged before keeps its ETK standing: editing an old
		// call's notes after the customer said RET is no new contact.
		same, err := sameContact(ctx, q, id, v)
		if err != nil || same {
			return err
		}
	}
	c, err := contactability(ctx, q, cust, channel, PurposeCommercial, v.Str("recipient"))
	if err != nil {
		return err
	}
	if !c.Allowed {
		errs.Add("purpose", notContactable[c.Reason], channelLabelKey(channel))
	}
	return nil
}

// notContactable is the message of each reason the rule refuses for.
var notContactable = map[string]string{
	"no_consent": "error.not_contactable_no_consent",
	"refused":    "error.not_contactable_refused",
	"no_address": "error.not_contactable_no_address",
}

// sameContact says whether a stored activity already was this contact:
// the same customer, type, recipient and purpose, and not cancelled.
func sameContact(ctx context.Context, q querier, id int64, v Values) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM activities WHERE id = ? AND customer_id = ? AND type = ?
		AND recipient = ? AND purpose = ? AND direction = 'out' AND status <> 'cancelled'`,
		id, v["customer_id"], v.Str("type"), v.Str("recipient"), v.Str("purpose")).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("compare activity %d: %w", id, err)
	}
	return n > 0, nil
}

// verifyRelated makes sure an activity's link names a live record of a
// declared module other than the organisation's.
func verifyRelated(ctx context.Context, q querier, mod string, v Values, errs *ValidationError) error {
	m, ok := ModuleByKey(mod)
	if !ok || m.AdminOnly {
		errs.Add("related_module", "error.related_module")
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM "+m.Table+" WHERE id = ? AND deleted_at IS NULL", v["related_id"]).Scan(&n); err != nil {
		return fmt.Errorf("check related %s: %w", mod, err)
	}
	if n == 0 {
		errs.Add("related_id", "error.ref_missing")
	}
	return nil
}

// activitySaved gives whoever makes a contact with a customer who has no
// ETK decision on a channel the task of asking for it, as the seeds ask
// (the service desk collects what the sale missed). One open consent task
// per customer is enough.
//
// A campaign's call or visit task carries its outcome to its campaign
// member, and an incoming e-mail or SMS marks the customer's campaign
// messages on that channel answered (campaigns_calls.go).
func activitySaved(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
	if old != nil {
		if err := campaignTaskSaved(ctx, s, tx, id, v); err != nil {
			return err
		}
	} else if err := inboundResponse(ctx, s, tx, v); err != nil {
		return err
	}
	if old != nil || !slices.Contains(contactTypes, v.Str("type")) || v.Str("status") == "cancelled" {
		return nil
	}
	return leaveConsentTask(ctx, s, tx, v["customer_id"], v["owner_id"])
}

// leaveConsentTask gives owner (a user id, or nil) the task of asking a
// customer who has no ETK decision on a channel for it, unless the
// customer already has an open consent task: every contact with the
// customer (an activity, a service request) goes through here.
func leaveConsentTask(ctx context.Context, s *Store, tx *sql.Tx, customerID, owner any) error {
	cust, err := customerAddresses(ctx, tx, customerID)
	if err != nil || cust == nil {
		return err
	}
	undecided, err := undecidedChannels(ctx, tx, cust)
	if err != nil || len(undecided) == 0 {
		return err
	}
	var open int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM activities WHERE customer_id = ? AND consent_task = 1
		AND status = 'planned' AND deleted_at IS NULL`, cust.id).Scan(&open); err != nil {
		return fmt.Errorf("find consent task: %w", err)
	}
	if open > 0 {
		return nil
	}
	m, _ := s.Module("activities") // by key: the declaration refers to this hook
	task := m.NewValues()
	task["type"], task["status"], task["priority"] = ActivityTask, "planned", "high"
	task["customer_id"] = cust.id
	task["owner_id"] = owner
	task["subject"] = "ETK izni isteyin: " + channelNames(undecided)
	task["description"] = "Bu müşterinin şu kanallarda ticari ileti izni (ETK) kaydı yok: " + channelNames(undecided) +
		". Bir sonraki görüşmede sorun ve kararı müşteri sayfasındaki ETK izinleri bölümüne kaydedin."
	task["consent_task"] = true
	// The contact maker's task, made by the program: their own create
	// scope may not reach it (a call logged for a colleague's customer).
	if _, err := s.insert(ctx, tx, SystemActor(), m, task); err != nil {
		return fmt.Errorf("consent task: %w", err)
	}
	return nil
}

// TimelineQuery asks for one page of a customer's timeline.
type TimelineQuery struct {
	Type   string // one activity type, or "" for all
	Before string // the cursor of the page before: older than this
	Limit  int
}

// TimelinePage is a page of a customer's timeline, newest first.
type TimelinePage struct {
	Items []*Record
	Next  string // the cursor of the older page, "" at the end
}

// timelineFields are what a timeline shows of an activity: not its
// participants (a side table) or its customer (the page's own).
var timelineFields = []string{"type", "subject", "status", "starts_at", "direction", "outcome",
	"place", "priority", "duration_min", "owner_id", "description", "consent_task"}

// Timeline is the activities of a customer the actor may see, newest first
// by when they happened, a page at a time with keyset paging, so that a
// customer with thousands of contacts opens as fast as one with none.
func (s *Store) Timeline(ctx context.Context, a *Actor, customerID int64, q TimelineQuery) (*TimelinePage, error) {
	m := s.mod(Activities)
	if err := requireScope(ctx, s.reads, a, s.mod(Customers), ActRead, customerID); err != nil {
		return nil, err
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = 50
	}
	where := []string{"t.customer_id = ?", "t.deleted_at IS NULL"}
	params := []any{customerID}
	if q.Type != "" {
		if !slices.Contains(ActivityTypes, q.Type) {
			return nil, fmt.Errorf("%w: activity type %q", ErrBadQuery, q.Type)
		}
		where = append(where, "t.type = ?")
		params = append(params, q.Type)
	}
	if q.Before != "" {
		c, err := decodeCursor(q.Before)
		if err != nil {
			return nil, err
		}
		where = append(where, "(t.starts_at, t.id) < (?, ?)")
		params = append(params, c.V, c.ID)
	}
	if scope != "" {
		where = append(where, scope)
		params = append(params, args...)
	}
	cols := m.listColumns(timelineFields, "starts_at")
	rows, err := s.reads.query(ctx, "SELECT "+selectColumns(cols)+" FROM activities t WHERE "+strings.Join(where, " AND ")+
		" ORDER BY t.starts_at DESC, t.id DESC LIMIT ?", append(params, limit+1)...)
	if err != nil {
		return nil, fmt.Errorf("timeline of %d: %w", customerID, err)
	}
	page := &TimelinePage{Items: make([]*Record, 0, limit+1)}
	rs := m.newRowScanner(cols)
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("timeline of %d: %w", customerID, err)
		}
		page.Items = append(page.Items, r)
	}
	if err := closeRows(rows, "timeline"); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.Next = encodeCursor(cursor{V: last.Values.Str("starts_at"), ID: last.ID})
	}
	if err := s.loadSides(ctx, s.reads, m, page.Items, false, timelineFields...); err != nil {
		return nil, err
	}
	if err := s.loadRefs(ctx, m, page.Items); err != nil {
		return nil, err
	}
	redact(a, m, page.Items...)
	return page, nil
}

// SendDueReminders tells the owner and the participants of every planned
// activity whose reminder is due, once per start time: a meeting moved
// later reminds again. The server calls it every 30 seconds.
func (s *Store) SendDueReminders(ctx context.Context) (int, error) {
	sent := 0
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The index holds only the unsent reminders (migration 0027);
		// without it this walked every planned activity.
		rows, err := tx.QueryContext(ctx, `SELECT id, subject, remind_at, owner_id
			FROM activities INDEXED BY activities_reminders_pending
			WHERE remind_at <> '' AND remind_at <= ? AND remind_at <> reminded_for AND status = 'planned' AND deleted_at IS NULL
			ORDER BY remind_at LIMIT 500`, now().UTC().Format(tr.DateTimeLayout))
		if err != nil {
			return fmt.Errorf("due reminders: %w", err)
		}
		type due struct {
			id      int64
			subject string
			at      string
			owner   sql.NullInt64
		}
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.subject, &d.at, &d.owner); err != nil {
				rows.Close()
				return fmt.Errorf("due reminders: %w", err)
			}
			list = append(list, d)
		}
		if err := closeRows(rows, "reminders"); err != nil {
			return err
		}
		for _, d := range list {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, at, kind, module, record_id, title, by_name)
				SELECT u, ?, 'reminder', 'activities', ?, ?, '' FROM (
					SELECT ? AS u WHERE ? IS NOT NULL
					UNION SELECT ref_id FROM activities_participants WHERE record_id = ?)`,
				timeText(now()), d.id, d.subject, d.owner, d.owner, d.id); err != nil {
				return fmt.Errorf("remind of activity %d: %w", d.id, err)
			}
			if _, err := tx.ExecContext(ctx, "UPDATE activities SET reminded_for = remind_at WHERE id = ?", d.id); err != nil {
				return fmt.Errorf("remind of activity %d: %w", d.id, err)
			}
		}
		sent = len(list)
		return nil
	})
	return sent, err
}
