package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Concurrent writes share commits, yet each succeeds or fails alone: the
// bad ones leave nothing behind, the good ones are all there.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v := person("Grup", fmt.Sprintf("Yazar %03d", i), nil)
			if i%7 == 0 {
				v["tckn"] = "10000000147" // invalid: refused by the checks
			}
			if i%11 == 0 {
				v["owner_id"] = int64(999) // refused by the reference check in the transaction
			}
			_, errs[i] = st.Create(ctx, a, Customers, v)
		}(i)
	}
	wg.Wait()
	want := 0
	for i, err := range errs {
		bad := i%7 == 0 || i%11 == 0
		if bad != (err != nil) {
			t.Errorf("write %d: err = %v", i, err)
		}
		if !bad {
			want++
		}
	}
	var got int
	if err := st.reader.QueryRow("SELECT count(*) FROM customers WHERE first_name = 'Grup'").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%d customers stored, want %d", got, want)
	}
	// Every stored one is searchable: its index entry went in with it.
	p, err := st.List(ctx, a, Customers, ListQuery{Search: "grup yazar", Limit: MaxLimit})
	if err != nil || len(p.Records) != want {
		t.Errorf("search finds %d, want %d (%v)", len(p.Records), want, err)
	}
}

func TestGroupWriterSurvivesPanicAndSkipsCancelled(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	if _, err := st.writer.Exec("CREATE TABLE probe (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	insert := func(x string) func(context.Context, *sql.Tx) error {
		return func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO probe (x) VALUES (?)", x)
			return err
		}
	}
	err := st.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := insert("before panic")(ctx, tx); err != nil {
			return err
		}
		panic("boom")
	})
	if err == nil {
		t.Fatal("a panicking write reported success")
	}
	if err := st.writes.run(ctx, insert("after")); err != nil {
		t.Fatalf("the writer did not survive a panic: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.writes.run(cancelled, insert("cancelled")); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled write: %v", err)
	}
	rows, _ := st.reader.Query("SELECT x FROM probe ORDER BY rowid")
	var got []string
	for rows.Next() {
		var x string
		rows.Scan(&x)
		got = append(got, x)
	}
	rows.Close()
	if fmt.Sprint(got) != "[after]" {
		t.Errorf("rows %v, want only [after]", got)
	}
}
