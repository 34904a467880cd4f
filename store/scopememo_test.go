package store

import (
	"context"
	"database/sql"
	"testing"
)

// A page's reads share their scope answers; a write's transaction asks
// the database itself, memo or not.
func TestScopeMemoServesReadsOnly(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	id := mustCreate(t, fx.st, fx.admin, Customers, company("Bellek A.Ş.", Values{"owner_id": fx.users["me"]})).ID
	other := mustCreate(t, fx.st, fx.admin, Customers, company("Başkası A.Ş.", Values{"owner_id": fx.users["other"]})).ID
	ctx := WithScopeMemo(fx.ctx)
	m := fx.st.mod(Customers)
	ask := func(q querier, id int64) bool {
		t.Helper()
		ok, err := inScope(ctx, q, fx.me, m, ActRead, id)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !ask(fx.st.reads, id) || ask(fx.st.reads, other) {
		t.Fatal("the salesperson's scope: her customer yes, a colleague's no")
	}
	// The answers are remembered for the reads of this context …
	if _, err := fx.st.writer.Exec("UPDATE customers SET owner_id = ? WHERE id = ?", fx.users["other"], id); err != nil {
		t.Fatal(err)
	}
	if !ask(fx.st.reads, id) {
		t.Error("the memo was not asked")
	}
	// … but not for a transaction, nor for another request.
	err := fx.st.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if ask(tx, id) {
			t.Error("a transaction used the memo")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := inScope(WithScopeMemo(fx.ctx), fx.st.reads, fx.me, m, ActRead, id); err != nil || ok {
		t.Errorf("a new request's read: %v, %v", ok, err)
	}
}
