package store_test

import (
	"context"
	"fmt"
	"testing"

	"kobicrm/store"
)

// The pipeline on the large demo set (20,000 opportunities over 100,000
// customers), for each scope's user: an opportunity is within a user's
// scope when its customer is, so a salesperson's board is read through
// her customers.

func BenchmarkPipelineBoard(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() error {
				board, err := st.Board(ctx, a, store.BoardQuery{})
				if err == nil && len(board.Columns) != 6 {
					err = fmt.Errorf("%d columns", len(board.Columns))
				}
				return err
			})
		})
	}
}

func BenchmarkPipelineForecast(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for _, c := range scopeCases {
		a := scopeActor(b, st, c.email, c.role)
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() error {
				_, err := st.Forecast(ctx, a, store.ForecastQuery{})
				return err
			})
		})
	}
}

// One owner's board, as the board's owner filter asks for it.
func BenchmarkPipelineBoardMine(b *testing.B) {
	st := benchStore(b)
	a := scopeActor(b, st, "ayse@firma.com.tr", "")
	u, err := st.UserByEmail(context.Background(), store.SystemActor(), "elif.kaya@firma.com.tr")
	if err != nil {
		b.Fatal(err)
	}
	measure(b, func() error {
		_, err := st.Board(context.Background(), a, store.BoardQuery{Who: fmt.Sprintf("user:%d", u.ID)})
		return err
	})
}
