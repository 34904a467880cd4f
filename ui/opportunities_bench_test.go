package ui

import (
	"net/http"
	"testing"
)

// The pipeline board page, as a whole handler (session, board, forecast,
// owner choices, template), for each scope's user on the large demo set.
func BenchmarkPageBoard(b *testing.B) {
	benchSetup(b)
	for _, c := range benchScopes {
		b.Run(c.name, func(b *testing.B) {
			benchGetAs(b, boardPath, http.StatusOK, bench.users[c.name].cookie)
		})
	}
}

// The opportunity list's first page, for the administrator.
func BenchmarkPageOpportunityList(b *testing.B) {
	benchSetup(b)
	benchGet(b, "/opportunities", http.StatusOK, false)
}
