package store

import (
	"context"
	"fmt"

	"kobicrm/store/tr"
)

// The service desk's queues: the open requests (not yet resolved or
// closed) assigned to me, in my teams' queues, nobody's yet, and those
// past their resolution time, each by due time, with counts per status
// and priority. Each reads a partial index of open requests
// (0018_service.sql) through the actor's scope.

// The queues.
const (
	QueueMine       = "mine"
	QueueTeam       = "team"
	QueueUnassigned = "unassigned"
	QueueOverdue    = "overdue"
)

// ServiceQueues are the queues in the order the desk's page offers them.
var ServiceQueues = []string{QueueMine, QueueTeam, QueueUnassigned, QueueOverdue}

// ServiceQueue is one queue's requests (the first Limit by resolution due
// time) and the counts of all of them.
type ServiceQueue struct {
	Records    []*Record
	Total      int
	ByStatus   map[string]int
	ByPriority map[string]int
}

// openStatuses is the SQL list of the statuses the queues hold; the
// overdue queue leaves out the waiting ones, whose clock is paused.
const (
	openStatuses    = "('new', 'assigned', 'in_progress', 'waiting_customer')"
	runningStatuses = "('new', 'assigned', 'in_progress')"
)

// ServiceQueue reads one queue for the actor, at most limit requests.
func (s *Store) ServiceQueue(ctx context.Context, a *Actor, queue string, limit int) (*ServiceQueue, error) {
	m := s.mod(ServiceRequests)
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	var where string
	// from names the queue's partial index where the planner would pick
	// another: "my requests" read by creation (the assignee's index)
	// walked a technician's thousands of closed requests (13 ms).
	from := "service_requests t"
	switch queue {
	case QueueMine:
		where = "t.assignee_id = ? AND t.status IN " + openStatuses
		args = append([]any{a.UserID}, args...)
		from = "service_requests t INDEXED BY service_requests_mine"
	case QueueTeam:
		where = `t.team_id IN (SELECT ut.ref_id FROM users_teams ut WHERE ut.record_id = ?) AND t.status IN ` + openStatuses
		args = append([]any{a.UserID}, args...)
	case QueueUnassigned:
		where = "t.assignee_id IS NULL AND t.status IN " + openStatuses
	case QueueOverdue:
		where = "t.status IN " + runningStatuses + " AND t.resolve_due_at <> '' AND t.resolve_due_at < ?"
		args = append([]any{now().UTC().Format(tr.DateTimeLayout)}, args...)
	default:
		return nil, fmt.Errorf("%w: no queue %q", ErrBadQuery, queue)
	}
	where += " AND t.deleted_at IS NULL"
	if scope != "" {
		where += " AND " + scope
	}
	if limit <= 0 || limit > MaxLimit {
		limit = 50
	}
	out := &ServiceQueue{ByStatus: map[string]int{}, ByPriority: map[string]int{}}
	rows, err := s.reads.query(ctx, "SELECT t.status, t.priority, count(*) FROM "+from+" WHERE "+where+
		" GROUP BY t.status, t.priority", args...)
	if err != nil {
		return nil, fmt.Errorf("service queue %s: %w", queue, err)
	}
	for rows.Next() {
		var status, priority string
		var n int
		if err := rows.Scan(&status, &priority, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("service queue %s: %w", queue, err)
		}
		out.ByStatus[status] += n
		out.ByPriority[priority] += n
		out.Total += n
	}
	if err := closeRows(rows, "service queue"); err != nil {
		return nil, err
	}
	if out.Total == 0 {
		return out, nil
	}
	cols := m.listColumns([]string{"subject", "type", "customer_id", "priority", "status", "assignee_id", "team_id",
		"response_due_at", "resolve_due_at", "responded_at", "waiting_since"}, "resolve_due_at")
	rows, err = s.reads.query(ctx, "SELECT "+selectColumns(cols)+" FROM "+from+" WHERE "+where+
		" ORDER BY t.resolve_due_at, t.id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("service queue %s: %w", queue, err)
	}
	rs := m.newRowScanner(cols)
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("service queue %s: %w", queue, err)
		}
		out.Records = append(out.Records, r)
	}
	if err := closeRows(rows, "service queue"); err != nil {
		return nil, err
	}
	if err := s.loadRefs(ctx, m, out.Records); err != nil {
		return nil, err
	}
	redact(a, m, out.Records...)
	return out, nil
}
