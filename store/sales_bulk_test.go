package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// CreateDocuments writes documents as CreateDocument does, many at once:
// the numbers continue the series without a gap, the totals are
// money.Compute's, the lines are kept in order with a product's name
// filled in; a bad document refuses the whole batch, and the series goes
// on where it stood.
func TestCreateDocuments(t *testing.T) {
	fx := newSalesFixture(t)
	product := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Kombi bakımı", "unit": "hizmet", "unit_price": int64(150000), "kdv_rate_id": int64(1)}).ID
	first := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), nil)
	lines := append(domainLines(), DocLine{ProductID: product, Quantity: 1000, UnitPrice: 150000, KDVRateBP: 2000})
	docs := []NewDocument{
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-03"}, Lines: lines},
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-04", "discount_amount": int64(5000), "status": InvoiceIssued,
			"issued_at": "2026-03-04T09:00:00Z"}, Lines: lines[:2]},
	}
	ids, err := fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, docs)
	if err != nil || len(ids) != 2 {
		t.Fatal(err, ids)
	}
	want := []string{"FTR2026000000002", "FTR2026000000003"}
	for i, id := range ids {
		d, err := fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Values.Str("number") != want[i] {
			t.Errorf("document %d: number %s, want %s (after %s)", i, d.Values.Str("number"), want[i], first.Values.Str("number"))
		}
		tot, err := DocumentTotals(docs[i].Lines, func() int64 { n, _ := docs[i].Values.Int("discount_amount"); return n }())
		if err != nil {
			t.Fatal(err)
		}
		if g, _ := d.Values.Int("grand_total"); g != tot.GrandTotal || g == 0 {
			t.Errorf("document %d: grand total %d, money.Compute %d", i, g, tot.GrandTotal)
		}
		if len(d.Lines) != len(docs[i].Lines) {
			t.Fatalf("document %d: %d lines, want %d", i, len(d.Lines), len(docs[i].Lines))
		}
	}
	d, _ := fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, ids[0])
	if d.Lines[3].Description != "Kombi bakımı" || d.Lines[3].Unit != "hizmet" || d.Lines[0].Description != "Danışmanlık" {
		t.Errorf("lines: %+v", d.Lines)
	}
	d, _ = fx.st.LoadDocument(fx.ctx, fx.admin, Invoices, ids[1])
	if d.Values.Str("status") != InvoiceIssued || d.Values.Str("issued_at") != "2026-03-04T09:00:00Z" {
		t.Errorf("the flow's fields: %v %v", d.Values["status"], d.Values["issued_at"])
	}

	// A bad line stops the batch: nothing written, no number taken.
	_, err = fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, []NewDocument{
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-05"}, Lines: lines},
		{Values: Values{"customer_id": fx.mine, "issue_date": "2026-03-05"}, Lines: []DocLine{{Description: "x", Quantity: 1000, UnitPrice: 100, KDVRateBP: 1234}}},
	})
	var re *RowError
	if !errors.As(err, &re) || re.Row != 1 || re.Err.Fields["lines.0.kdv_rate"].Key != "error.line_kdv_unknown" {
		t.Fatalf("a bad rate: %v", err)
	}
	next := fx.doc(t, fx.admin, Invoices, fx.mine, domainLines(), Values{"issue_date": "2026-03-06"})
	if next.Values.Str("number") != "FTR2026000000004" {
		t.Errorf("after a refused batch: %s", next.Values.Str("number"))
	}
	// Out of scope: a salesperson cannot load documents on a colleague's customer.
	if _, err := fx.st.CreateDocuments(fx.ctx, fx.me, Invoices, []NewDocument{{Values: Values{"customer_id": fx.other, "issue_date": "2026-03-05"}, Lines: lines}}); err == nil {
		t.Error("a document on a customer outside the scope was written")
	}
}

// parentScopeCond reads the customer's owner from the customers_scope
// index; it must pick exactly the invoices scopeCond picks, in every
// scope: own, team, department, all.
func TestParentScopeCondMatchesScopeCond(t *testing.T) {
	fx := newSalesFixture(t)
	var docs []NewDocument
	for _, owner := range []string{"me", "mate", "peer", "sub", "boss", "other"} {
		c := mustCreate(t, fx.st, fx.admin, Customers, company("Müşteri "+owner+" A.Ş.", Values{"owner_id": fx.users[owner]})).ID
		docs = append(docs, NewDocument{Values: Values{"customer_id": c, "issue_date": "2026-03-03"}, Lines: domainLines()})
	}
	if _, err := fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, docs); err != nil {
		t.Fatal(err)
	}
	ids := func(cond string, args []any) []int64 {
		q := "SELECT t.id FROM invoices t"
		if cond != "" {
			q += " WHERE " + cond
		}
		rows, err := fx.st.reads.query(fx.ctx, q+" ORDER BY t.id", args...)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		if err := closeRows(rows, "invoices"); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, scope := range []string{"own", "team", "department", "all"} {
		role := fx.role(t, "Fatura "+scope, Permissions{Grants: map[string]map[string]string{"invoices": {"read": scope}, "customers": {"read": scope}}})
		a := fx.actor(t, fx.user(t, "u-"+scope, fx.depts["sales"], []int64{fx.teams["north"]}, role))
		own := mustCreate(t, fx.st, fx.admin, Customers, company("Kendi "+scope+" Ltd.", Values{"owner_id": a.UserID})).ID
		if _, err := fx.st.CreateDocuments(fx.ctx, fx.admin, Invoices, []NewDocument{{Values: Values{"customer_id": own, "issue_date": "2026-03-03"}, Lines: domainLines()}}); err != nil {
			t.Fatal(err)
		}
		want, wargs, err := scopeCond(a, Invoices, ActRead)
		if err != nil {
			t.Fatal(err)
		}
		got, gargs, err := parentScopeCond(a, Invoices, ActRead)
		if err != nil {
			t.Fatal(err)
		}
		w, g := ids(want, wargs), ids(got, gargs)
		if !slices.Equal(w, g) || len(w) == 0 || (scope == "own" && len(w) != 1) || (scope == "department" && len(w) < 3) {
			t.Errorf("scope %s: parentScopeCond picks %v, scopeCond %v", scope, g, w)
		}
		if scope != "all" && !strings.Contains(got, "customers_scope") {
			t.Errorf("scope %s: %s does not read the index", scope, got)
		}
	}
}
