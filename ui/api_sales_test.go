package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"kobicrm/store"
)

func TestAPISalesDocuments(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	cust := apiID(t, a.create(t, "customers", map[string]any{"kind": "company", "title": "Çağlar Ticaret A.Ş."}))
	lines := []map[string]any{
		{"description": "Danışmanlık", "quantity": 3, "unit": "saat", "unit_price": 33333, "kdv_rate": 2000},
		{"description": "Kitap", "quantity": json.Number("1.5"), "unit_price": 1999, "discount_pct": 10, "kdv_rate": 1000},
		{"description": "Ekmek", "quantity": 2, "unit_price": 12345, "kdv_rate": 100},
	}
	q := a.create(t, "quotes", map[string]any{"customer_id": cust, "issue_date": "2026-03-02", "valid_until": "2026-04-01", "lines": lines})
	for k, want := range map[string]string{"subtotal": "127388", "discount_total": "0", "kdv_total": "20517", "grand_total": "147905"} {
		if got := q[k]; got != json.Number(want) {
			t.Errorf("%s %v, want %s", k, got, want)
		}
	}
	if q["number"] != "TKL-2026-0001" || q["status"] != "draft" {
		t.Errorf("number %v status %v", q["number"], q["status"])
	}
	ls, _ := q["lines"].([]any)
	if len(ls) != 3 {
		t.Fatalf("lines %v", q["lines"])
	}
	second := ls[1].(map[string]any)
	if second["quantity"] != json.Number("1.5") || second["discount_pct"] != json.Number("10") || second["net"] != json.Number("2699") || second["unit"] != "adet" {
		t.Errorf("second line %v", second)
	}
	if br, _ := q["kdv_breakdown"].([]any); len(br) != 3 || br[0].(map[string]any)["rate"] != json.Number("100") {
		t.Errorf("breakdown %v", q["kdv_breakdown"])
	}
	qid := apiID(t, q)
	path := "/api/v1/quotes/" + strconv.FormatInt(qid, 10)

	// Bad lines are named by index and field; nothing is written.
	bad := a.call(t, http.MethodPost, "/api/v1/quotes", map[string]any{"customer_id": cust, "issue_date": "2026-03-02",
		"lines": []map[string]any{{"description": "x", "quantity": json.Number("0.0005"), "unit_price": 1, "kdv_rate": 2000, "discount_pct": 101}}})
	bad.want(t, http.StatusUnprocessableEntity)
	if f := bad.err(t).Fields; f["lines.0.quantity"] == "" || f["lines.0.discount_pct"] == "" {
		t.Errorf("fields %v", f)
	}

	// PATCH with new lines, the GET body sent back works too.
	got := a.call(t, http.MethodGet, path, nil).want(t, http.StatusOK).object(t)
	got["lines"] = lines[:1]
	upd := a.call(t, http.MethodPatch, path, got).want(t, http.StatusOK).object(t)
	if upd["grand_total"] != json.Number("119999") {
		t.Errorf("after the patch %v", upd["grand_total"])
	}
	a.call(t, http.MethodPost, path+"/convert", nil).want(t, http.StatusUnprocessableEntity)

	// Accept through the store, then convert twice along the chain.
	admin := store.ActorFor(a.admin)
	for _, st := range []string{"sent", "accepted"} {
		if _, err := a.st.SetStatus(t.Context(), admin, store.Quotes, qid, st); err != nil {
			t.Fatal(err)
		}
	}
	order := a.call(t, http.MethodPost, path+"/convert", nil).want(t, http.StatusCreated).object(t)
	if order["quote_id"] != json.Number(strconv.FormatInt(qid, 10)) || order["grand_total"] != json.Number("119999") {
		t.Errorf("order %v", order)
	}
	inv := a.call(t, http.MethodPost, "/api/v1/orders/"+strconv.FormatInt(apiID(t, order), 10)+"/convert", nil).want(t, http.StatusCreated).object(t)
	if inv["order_id"] != json.Number(strconv.FormatInt(apiID(t, order), 10)) || len(inv["lines"].([]any)) != 1 {
		t.Errorf("invoice %v", inv)
	}
	ipath := "/api/v1/invoices/" + strconv.FormatInt(apiID(t, inv), 10)
	a.call(t, http.MethodPost, ipath+"/reissue", nil).want(t, http.StatusUnprocessableEntity)
	a.call(t, http.MethodPost, ipath+"/frobnicate", nil).want(t, http.StatusNotFound)
	a.call(t, http.MethodGet, path+"/convert", nil).want(t, http.StatusMethodNotAllowed)
	if _, err := a.st.IssueInvoice(t.Context(), admin, apiID(t, inv)); err != nil {
		t.Fatal(err)
	}
	a.call(t, http.MethodDelete, ipath, nil).want(t, http.StatusUnprocessableEntity)
	a.call(t, http.MethodPatch, ipath, map[string]any{"notes": "x"}, "Content-Type", "application/merge-patch+json").want(t, http.StatusUnprocessableEntity)
	pay := a.create(t, "payments", map[string]any{"invoice_id": apiID(t, inv), "date": "2026-03-05", "amount": 119999, "method": "havale_eft"})
	if pay["customer_id"] != json.Number(strconv.FormatInt(cust, 10)) {
		t.Errorf("payment %v", pay)
	}
	if paid := a.call(t, http.MethodGet, ipath, nil).want(t, http.StatusOK).object(t); paid["status"] != "paid" || paid["paid_total"] != json.Number("119999") {
		t.Errorf("invoice after payment %v %v", paid["status"], paid["paid_total"])
	}
}
