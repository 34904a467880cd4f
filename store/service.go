package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"kobicrm/store/tr"
)

// After-sales service: requests, suggestions and complaints from
// customers, worked by the service desk along a status flow against
// targets counted in business hours (service_sla.go), and the knowledge
// base of answers the desk gives again and again.

// The statuses of a service request, in the order of its flow.
const (
	ServiceNew       = "new"
	ServiceAssigned  = "assigned"
	ServiceWorking   = "in_progress"
	ServiceWaiting   = "waiting_customer"
	ServiceResolved  = "resolved"
	ServiceClosed    = "closed"
	serviceTypeIstek = "istek"
)

// ServiceStatuses are the statuses in flow order.
var ServiceStatuses = []string{ServiceNew, ServiceAssigned, ServiceWorking, ServiceWaiting, ServiceResolved, ServiceClosed}

// ServicePriorities are the priorities, lowest first.
var ServicePriorities = []string{"low", "normal", "high", "urgent"}

// ServiceTypes are what a customer brings: a request, a suggestion or a
// complaint.
var ServiceTypes = []string{serviceTypeIstek, "oneri", "sikayet"}

// ServiceChannels are how a request reached the firm.
var ServiceChannels = []string{"telefon", "eposta", "magaza", "web"}

// serviceMoves are the status changes the flow allows: forward through
// the work, back to the queue, and reopening a resolved or closed request.
var serviceMoves = map[string][]string{
	ServiceNew:      {ServiceAssigned, ServiceWorking, ServiceResolved},
	ServiceAssigned: {ServiceNew, ServiceWorking, ServiceWaiting, ServiceResolved},
	ServiceWorking:  {ServiceAssigned, ServiceWaiting, ServiceResolved},
	ServiceWaiting:  {ServiceWorking, ServiceResolved},
	ServiceResolved: {ServiceClosed, ServiceWorking},
	ServiceClosed:   {ServiceWorking},
}

// ServiceMoves are the statuses a request in status from may move to.
func ServiceMoves(from string) []string { return serviceMoves[from] }

// ServiceOpen says whether a request in this status is still being
// worked (the queues' requests).
func ServiceOpen(status string) bool {
	return status != ServiceResolved && status != ServiceClosed
}

// ServiceCategories are the categories of requests and articles, an
// administrator's list that everyone chooses from.
var ServiceCategories = register(&Module{
	Key: "service_categories", Table: "service_categories", Label: "module.service_categories",
	TitleField: "name", DefaultSort: "name", AdminOnly: true, Lookup: true, NoDelete: true,
	Fields: []Field{
		{Name: "name", Kind: Text, Required: true, List: true, Sort: true, Max: 80},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 400},
		{Name: "active", Kind: Bool, Default: "true", List: true, Filter: true},
	},
	Prepare: func(v Values, _ *ValidationError) { v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("name"))) },
})

// ServiceRequests are the customers' requests (istek), suggestions
// (öneri) and complaints (şikayet). One is within a user's scope when its
// customer is; the desk's roles read them all. The assignee and team say
// whose queue it is in.
var ServiceRequests = register(&Module{
	Key: "service_requests", Table: "service_requests", Label: "module.service_requests",
	SearchID: 12, TitleField: "subject", DefaultSort: "resolve_due_at",
	Fields: []Field{
		{Name: "subject", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "type", Kind: Choice, Choices: ServiceTypes, Default: serviceTypeIstek, Required: true, List: true, Filter: true},
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		{Name: "asset_id", Kind: Ref, Ref: "assets", Filter: true},
		// The product the request is about; its page suggests the
		// knowledge base articles of that product.
		{Name: "product_id", Kind: Ref, Ref: "products", Filter: true},
		{Name: "channel", Kind: Choice, Choices: ServiceChannels, Default: "telefon", Required: true, Filter: true},
		{Name: "priority", Kind: Choice, Choices: ServicePriorities, Default: "normal", Required: true, List: true, Filter: true},
		{Name: "category_id", Kind: Ref, Ref: "service_categories", Filter: true},
		{Name: "assignee_id", Kind: Ref, Ref: "users", List: true, Filter: true},
		{Name: "team_id", Kind: Ref, Ref: "teams", Filter: true},
		{Name: "status", Kind: Choice, Choices: ServiceStatuses, Default: ServiceNew, Required: true, List: true, Filter: true},
		{Name: "description", Kind: LongText, Search: true, Max: 20000},
		{Name: "resolution", Kind: LongText, Max: 20000},
		{Name: "satisfaction", Kind: Int},
		// The SLA clock, kept by verifyServiceRequest.
		{Name: "response_due_at", Kind: DateTime, Computed: true, List: true, Sort: true},
		{Name: "resolve_due_at", Kind: DateTime, Computed: true, List: true, Sort: true},
		{Name: "opened_at", Kind: DateTime, Computed: true},
		{Name: "responded_at", Kind: DateTime, Computed: true},
		{Name: "resolved_at", Kind: DateTime, Computed: true},
		{Name: "closed_at", Kind: DateTime, Computed: true},
		{Name: "waiting_since", Kind: DateTime, Computed: true},
		{Name: "paused_min", Kind: Int, Computed: true},
		// Knowledge base articles linked to the request, from its page
		// (LinkArticle), not its form.
		{Name: "articles", Kind: RefList, Ref: "kb_articles", Computed: true, Filter: true},
	},
	Prepare:   prepareServiceRequest,
	Verify:    verifyServiceRequest,
	AfterSave: serviceRequestSaved,
})

// KBArticles are the knowledge base: answers in Markdown, by category,
// found with the global search and linked to requests.
var KBArticles = register(&Module{
	Key: "kb_articles", Table: "kb_articles", Label: "module.kb_articles",
	SearchID: 13, TitleField: "title", DefaultSort: "title",
	Fields: []Field{
		{Name: "title", Kind: Text, Required: true, Search: true, List: true, Sort: true, Max: 200},
		{Name: SortKeyField, Kind: Text, Computed: true, Internal: true, Max: 2000},
		{Name: "category_id", Kind: Ref, Ref: "service_categories", List: true, Filter: true},
		// The products the article is about.
		{Name: "product_ids", Kind: RefList, Ref: "products", Filter: true},
		{Name: "body", Kind: LongText, Required: true, Search: true, Max: 50000},
		{Name: "published", Kind: Bool, Default: "true", List: true, Filter: true},
	},
	Prepare: func(v Values, _ *ValidationError) { v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("title"))) },
})

func prepareServiceRequest(v Values, errs *ValidationError) {
	v[SortKeyField] = hex.EncodeToString(tr.SortKey(v.Str("subject")))
	if n, ok := v.Int("satisfaction"); ok && (n < 1 || n > 5) {
		errs.Add("satisfaction", "error.satisfaction_range")
	}
}

// serviceRow is what the flow's rules read of a stored request.
type serviceRow struct {
	status   string
	priority string
}

// verifyServiceRequest keeps the flow: a status change the flow does not
// allow is refused, an assigned request has an assignee, a resolved one
// a resolution note, a score only on a closed one. It keeps the clock:
// when the request was opened, first answered, resolved and closed, the
// pauses while waiting for the customer, and the two due times.
func verifyServiceRequest(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error {
	t := now().UTC()
	prev := ""
	if id != 0 {
		var old serviceRow
		err := q.QueryRowContext(ctx, "SELECT status, priority FROM service_requests WHERE id = ?", id).Scan(&old.status, &old.priority)
		if err != nil {
			return fmt.Errorf("service request %d: %w", id, err)
		}
		prev = old.status
	}
	status := v.Str("status")
	_, assigned := v.Int("assignee_id")
	// Giving a new request someone assigns it; taking the assignee away
	// puts it back in the queue.
	if assigned && status == ServiceNew && (prev == "" || prev == ServiceNew) {
		status = ServiceAssigned
	}
	if !assigned && status == ServiceAssigned && prev == ServiceAssigned {
		status = ServiceNew
	}
	if prev != "" && status != prev && !slices.Contains(serviceMoves[prev], status) {
		errs.Add("status", "error.service_move",
			LabelKey("choice.service_requests.status."+prev), LabelKey("choice.service_requests.status."+status))
		return nil
	}
	v["status"] = status
	switch {
	case status == ServiceAssigned && !assigned:
		errs.Add("assignee_id", "error.service_assignee_required")
	case (status == ServiceResolved || status == ServiceClosed) && v.Str("resolution") == "":
		errs.Add("resolution", "error.service_resolution_required")
	case status != ServiceClosed && v["satisfaction"] != nil && (prev == "" || prev != ServiceClosed || status != prev):
		if prev == ServiceClosed && status == ServiceWorking {
			v["satisfaction"] = nil // a reopened request is scored again when it closes
		} else {
			errs.Add("satisfaction", "error.service_satisfaction_closed")
		}
	}
	if len(errs.Fields) > 0 {
		return nil
	}
	cal, targets, err := loadServiceCalendar(ctx, q)
	if err != nil {
		return err
	}
	stamp := t.Format(tr.DateTimeLayout)
	if v.Str("opened_at") == "" {
		v["opened_at"] = stamp
	}
	// The clock stops while the customer is awaited: the business time
	// of the wait is added to the targets when the work resumes.
	if status == ServiceWaiting && v.Str("waiting_since") == "" {
		v["waiting_since"] = stamp
	}
	if status != ServiceWaiting && v.Str("waiting_since") != "" {
		since, err := time.Parse(tr.DateTimeLayout, v.Str("waiting_since"))
		if err == nil {
			paused, _ := v.Int("paused_min")
			v["paused_min"] = paused + int64(cal.Between(since, t)/time.Minute)
		}
		v["waiting_since"] = ""
	}
	if _, ok := v.Int("paused_min"); !ok {
		v["paused_min"] = int64(0)
	}
	if v.Str("responded_at") == "" && status != ServiceNew && status != ServiceAssigned {
		v["responded_at"] = stamp
	}
	switch status {
	case ServiceResolved:
		if (prev != "" && prev != ServiceResolved) || v.Str("resolved_at") == "" {
			v["resolved_at"] = stamp
		}
		v["closed_at"] = ""
	case ServiceClosed:
		if v.Str("resolved_at") == "" {
			v["resolved_at"] = stamp
		}
		if (prev != "" && prev != ServiceClosed) || v.Str("closed_at") == "" {
			v["closed_at"] = stamp
		}
	default:
		v["resolved_at"], v["closed_at"] = "", ""
	}
	opened, err := time.Parse(tr.DateTimeLayout, v.Str("opened_at"))
	if err != nil {
		return fmt.Errorf("service request %d: opened at %q: %w", id, v.Str("opened_at"), err)
	}
	paused, _ := v.Int("paused_min")
	target := targets[v.Str("priority")]
	pause := time.Duration(paused) * time.Minute
	v["response_due_at"] = dueText(cal.Add(opened, time.Duration(target.response)*time.Hour+pause))
	v["resolve_due_at"] = dueText(cal.Add(opened, time.Duration(target.resolve)*time.Hour+pause))
	return nil
}

func dueText(t time.Time, ok bool) string {
	if !ok {
		return ""
	}
	return t.UTC().Format(tr.DateTimeLayout)
}

// serviceRequestSaved leaves a new request's customer who has no ETK
// decision on a channel the consent task, as any contact does: the
// seeds' own example is the service desk collecting what the sale missed.
func serviceRequestSaved(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error {
	if old != nil {
		return nil
	}
	owner := v["assignee_id"]
	if owner == nil && a.UserID > 0 {
		owner = a.UserID
	}
	return leaveConsentTask(ctx, s, tx, v["customer_id"], owner)
}

// ErrServiceTaken marks a request someone else took first.
var ErrServiceTaken = errors.New("service request already taken")

// TakeServiceRequest assigns an open, unassigned request to the actor
// (the queue's one-click "take"), through the engine's write path. A
// request assigned in the meantime is refused with ErrServiceTaken.
func (s *Store) TakeServiceRequest(ctx context.Context, a *Actor, id int64) (*Record, error) {
	m := s.mod(ServiceRequests)
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var assignee sql.NullInt64
		var status string
		err := tx.QueryRowContext(ctx, "SELECT assignee_id, status FROM service_requests WHERE id = ? AND deleted_at IS NULL", id).Scan(&assignee, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("take service request %d: %w", id, err)
		}
		if assignee.Valid && assignee.Int64 != a.UserID || !ServiceOpen(status) {
			return ErrServiceTaken
		}
		in := Values{"assignee_id": a.UserID}
		// A member of one team takes the request into that team's queue.
		var team int64
		var teams int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(ut.ref_id), 0) FROM users_teams ut
			JOIN teams tm ON tm.id = ut.ref_id AND tm.deleted_at IS NULL WHERE ut.record_id = ?`, a.UserID).Scan(&teams, &team); err != nil {
			return fmt.Errorf("take service request %d: %w", id, err)
		}
		if teams == 1 {
			in["team_id"] = team
		}
		rec, _, err = s.update(ctx, tx, a, m, id, in)
		return err
	})
	return rec, err
}
