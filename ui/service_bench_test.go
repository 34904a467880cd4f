package ui

import (
	"net/http"
	"testing"
)

// The service queues page as a whole handler (session, queue with its
// counts, 100 rows, template) for the administrator on the large demo
// set: the overdue list and the unassigned queue.
func BenchmarkPageServiceQueues(b *testing.B) {
	benchSetup(b)
	for _, q := range []string{"overdue", "unassigned"} {
		b.Run(q, func(b *testing.B) {
			benchGet(b, queuesPath+"?q="+q, http.StatusOK, false)
		})
	}
}
