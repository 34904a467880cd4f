package store

import (
	"errors"
	"strings"
	"testing"
)

// mktFixture is the security fixture with "me" a salesperson (Satış: her
// own customers) and "mkt" holding the shipped Pazarlama role (every
// customer, and the marketing modules).
type mktFixture struct {
	*secFixture
	me, mkt *Actor
}

func newMktFixture(t *testing.T) *mktFixture {
	t.Helper()
	fx := &mktFixture{secFixture: newSecFixture(t)}
	fx.users["me"] = fx.user(t, "me", fx.depts["sales"], nil, 2)
	fx.me = fx.actor(t, fx.users["me"])
	fx.users["mkt"] = fx.user(t, "mkt", fx.depts["gm"], nil, 3)
	fx.mkt = fx.actor(t, fx.users["mkt"])
	return fx
}

func TestSegmentCountsThroughListFiltersAndScope(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	mustCreate(t, fx.st, fx.admin, Customers, person("Ali", "Veli", Values{"province": "Isparta", "tags": []string{"vip"}, "owner_id": fx.users["me"]}))
	mustCreate(t, fx.st, fx.admin, Customers, person("Ayşe", "Kaya", Values{"province": "Isparta", "tags": []string{"vip"}, "owner_id": fx.users["other"]}))
	mustCreate(t, fx.st, fx.admin, Customers, person("Can", "Öz", Values{"province": "Isparta", "owner_id": fx.users["me"]}))
	mustCreate(t, fx.st, fx.admin, Customers, company("Ankara Ltd.", Values{"province": "Ankara", "tags": []string{"vip"}}))

	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Isparta VIP", "goal": "keep", "criteria": "?tags=vip&province=ISPARTA&stage="})
	if got := seg.Values.Str("criteria"); got != "province=ISPARTA&tags=vip" {
		t.Errorf("criteria kept as %q", got)
	}
	n, err := fx.st.CountSegment(fx.ctx, fx.mkt, seg.ID)
	if err != nil || n.Matched != 2 || n.LeftOut != 0 || n.Behavioural {
		t.Fatalf("marketing counts %+v, %v; want 2", n, err)
	}
	// The salesperson may not read segments at all; the count is the
	// caller's: given one, it runs under her customer scope.
	if _, err := fx.st.CountSegment(fx.ctx, fx.me, seg.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("salesperson counts a segment: %v", err)
	}
	if n, err := fx.st.countSegment(fx.ctx, fx.me, seg.Values); err != nil || n.Matched != 1 {
		t.Errorf("salesperson's scope: %+v, %v; want 1", n, err)
	}

	// Bad criteria: named in the field's error, nothing saved.
	for _, bad := range []string{"favourite_colour=red", "province=Atlantis", "stage=sometimes", "cf_nope=1", "tags=a&tags=b", "%zz"} {
		_, err := fx.st.Create(fx.ctx, fx.mkt, Segments, Values{"name": "x", "criteria": bad})
		wantFieldError(t, err, "criteria", "error.segment_criteria")
	}
}

func TestSegmentBehaviourNeedsKVKKConsent(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	consenting := mustCreate(t, fx.st, fx.admin, Customers, person("Rıza", "Var", nil)).ID
	silent := mustCreate(t, fx.st, fx.admin, Customers, person("Rıza", "Yok", nil)).ID
	firm := mustCreate(t, fx.st, fx.admin, Customers, company("Filo A.Ş.", nil)).ID
	walker := mustCreate(t, fx.st, fx.admin, Customers, person("Araç", "Yok", nil)).ID
	for _, c := range []int64{consenting, silent, firm} {
		mustCreate(t, fx.st, fx.admin, Assets, Values{"customer_id": c, "kind": "vehicle", "name": "Araç"})
	}
	mustCreate(t, fx.st, fx.admin, Assets, Values{"customer_id": walker, "kind": "device", "name": "Cihaz"})
	if _, _, err := fx.st.SaveKVKKText(fx.ctx, fx.admin, KVKKConsent, "Analiz için açık rıza metni."); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.st.RecordKVKK(fx.ctx, fx.admin, consenting, "consent_given", ""); err != nil {
		t.Fatal(err)
	}
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Araç sahipleri", "asset_kind": "vehicle"})
	n, err := fx.st.CountSegment(fx.ctx, fx.mkt, seg.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The company and the consenting person; the silent person is left
	// out and counted as such.
	if n.Matched != 2 || n.LeftOut != 1 || !n.Behavioural {
		t.Errorf("vehicle owners: %+v; want 2 matched, 1 left out", n)
	}
}

// FuzzSegmentCriteria feeds the criteria parser what a user may type or
// paste: it never panics, and what it keeps reads back unchanged, holds
// no empty filter, and goes through the list's filters without a panic.
func FuzzSegmentCriteria(f *testing.F) {
	for _, s := range []string{"province=Isparta&tags=vip", "/customers?stage=lead&kind=person", "?quality=low", "%zz", "a=1&a=2", "province=%C4%B0stanbul", "owner_id=x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := normalCriteria(in)
		if err != nil {
			return
		}
		again, err := normalCriteria(out)
		if err != nil || again != out {
			t.Fatalf("%q kept as %q, which reads back as %q (%v)", in, out, again, err)
		}
		// Every filter kept has a value, trimmed; the list's filters either
		// take it or say which is wrong, and never panic.
		for k, v := range segmentFilters(out) {
			if v == "" || strings.TrimSpace(v) != v {
				t.Fatalf("%q kept the filter %s=%q", in, k, v)
			}
		}
		_, _, _ = Customers.filterSQL(ListQuery{Filters: segmentFilters(out)})
	})
}

// "Bought the product" and "last purchase" count issued and paid
// invoices only (not drafts, not cancelled ones), are behavioural — only
// customers who may be analysed pass, the others are counted as left out
// — and a range that ends before it starts is refused, naming the field.
func TestSegmentPurchasesNeedKVKKConsent(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	kvkkTexts(t, fx.st, fx.admin)
	tyre := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Kış lastiği", "unit": "adet", "unit_price": int64(250000), "kdv_rate_id": int64(1)}).ID
	oil := mustCreate(t, fx.st, fx.admin, Products, Values{"name": "Motor yağı", "unit": "adet", "unit_price": int64(80000), "kdv_rate_id": int64(1)}).ID
	invoice := func(customer, product int64, date string, issue bool) {
		t.Helper()
		inv, err := fx.st.CreateDocument(fx.ctx, fx.admin, Invoices, Values{"customer_id": customer, "issue_date": date},
			[]DocLine{{ProductID: product, Quantity: 1000, UnitPrice: 250000, KDVRateBP: 2000}})
		if err != nil {
			t.Fatal(err)
		}
		if issue {
			if _, err := fx.st.IssueInvoice(fx.ctx, fx.admin, inv.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	consenting := mustCreate(t, fx.st, fx.admin, Customers, person("Rıza", "Var", nil)).ID
	mustRecordKVKK(t, fx.st, fx.admin, consenting, KVKKEventConsentGiven, "")
	silent := mustCreate(t, fx.st, fx.admin, Customers, person("Rıza", "Yok", nil)).ID
	firm := mustCreate(t, fx.st, fx.admin, Customers, company("Filo A.Ş.", nil)).ID
	drafted := mustCreate(t, fx.st, fx.admin, Customers, company("Taslak Ltd.", nil)).ID
	invoice(consenting, tyre, "2026-11-10", true)
	invoice(silent, tyre, "2026-11-12", true)
	invoice(firm, oil, "2026-03-01", true)
	invoice(firm, tyre, "2025-11-01", true)
	invoice(drafted, tyre, "2026-11-20", false) // a draft is no purchase

	count := func(v Values) SegmentCount {
		t.Helper()
		v["name"] = "Alışveriş"
		seg := mustCreate(t, fx.st, fx.mkt, Segments, v)
		n, err := fx.st.CountSegment(fx.ctx, fx.mkt, seg.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(Values{"product_id": tyre}); n.Matched != 2 || n.LeftOut != 1 || !n.Behavioural {
		t.Errorf("tyre buyers %+v; want the consenting person and the firm, the silent person left out", n)
	}
	// Last purchase since November 2026: the two persons (the firm's last
	// was in March); the silent one left out.
	if n := count(Values{"purchased_after": "2026-11-01"}); n.Matched != 1 || n.LeftOut != 1 {
		t.Errorf("recent buyers %+v; want 1 matched, 1 left out", n)
	}
	// Last purchase before June 2026: the firm only (its last, in March).
	if n := count(Values{"purchased_before": "2026-06-01"}); n.Matched != 1 || n.LeftOut != 0 {
		t.Errorf("lapsed buyers %+v; want the firm", n)
	}
	// The criteria hold each on its own: the firm bought tyres (in 2025)
	// and its last purchase (oil, March) is in the range.
	if n := count(Values{"product_id": tyre, "purchased_after": "2026-01-01", "purchased_before": "2026-11-11"}); n.Matched != 2 || n.LeftOut != 0 {
		t.Errorf("tyre buyers whose last purchase is this year to 10 November %+v; want 2, none left out", n)
	}
	_, err := fx.st.Create(fx.ctx, fx.mkt, Segments, Values{"name": "Ters", "purchased_after": "2026-06-01", "purchased_before": "2026-01-01"})
	wantFieldError(t, err, "purchased_before", "error.segment_purchase_range")
	// A launch takes only those who may be analysed.
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Lastik", "product_id": tyre}).ID
	l, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, fx.campaign(t, "Lastik", "visit", seg))
	if err != nil || l.Members != 2 {
		t.Errorf("launch %+v, %v; want 2 members", l, err)
	}
}
