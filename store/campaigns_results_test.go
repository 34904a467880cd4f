package store

import (
	"testing"
)

func TestCampaignResultsAttributeLeadsAndWins(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	stages, err := fx.st.Stages(fx.ctx, fx.admin, true)
	if err != nil {
		t.Fatal(err)
	}
	won, open := int64(0), int64(0)
	for _, s := range stages {
		switch s.Kind {
		case StageWon:
			won = s.ID
		case StageOpen:
			open = s.ID
		}
	}
	a := mustCreate(t, fx.st, fx.admin, Customers, company("Sonuç A.Ş.", Values{"email": "a@sonuc.com.tr", "tags": []string{"sonuc"}})).ID
	mustCreate(t, fx.st, fx.admin, Customers, company("Sonuç B A.Ş.", Values{"email": "b@sonuc.com.tr", "tags": []string{"sonuc"}}))
	seg := mustCreate(t, fx.st, fx.mkt, Segments, Values{"name": "Sonuç", "criteria": "tags=sonuc"}).ID
	id := mustCreate(t, fx.st, fx.mkt, Campaigns, Values{"name": "Sonuçlu", "channels": "email", "segment_id": seg,
		"starts_on": "2026-12-01", "budget": int64(100000)}).ID // 1.000 TL
	if _, err := fx.st.LaunchCampaign(fx.ctx, fx.mkt, id); err != nil {
		t.Fatal(err)
	}
	// Two leads came from it; one of them won 1.500 TL, another an open
	// opportunity, and a dollar win is not converted.
	l1 := mustCreate(t, fx.st, fx.admin, Customers, person("Aday", "Bir", Values{"stage": "lead", "campaign_id": id})).ID
	mustCreate(t, fx.st, fx.admin, Customers, person("Aday", "İki", Values{"stage": "lead", "campaign_id": id}))
	mustCreate(t, fx.st, fx.admin, Opportunities, Values{"title": "Kazanılan", "customer_id": l1, "stage_id": won, "amount": int64(150000),
		"expected_close": "2026-12-20", "campaign_id": id})
	mustCreate(t, fx.st, fx.admin, Opportunities, Values{"title": "Açık", "customer_id": a, "stage_id": open, "amount": int64(900000),
		"expected_close": "2026-12-20", "campaign_id": id})
	mustCreate(t, fx.st, fx.admin, Opportunities, Values{"title": "Dolar", "customer_id": a, "stage_id": won, "amount": int64(500000),
		"currency": "USD", "expected_close": "2026-12-20", "campaign_id": id})
	r, err := fx.st.CampaignResults(fx.ctx, fx.mkt, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Leads != 2 || r.Won != 2 || r.WonAmount != 150000 {
		t.Errorf("leads %d, won %d for %d kuruş", r.Leads, r.Won, r.WonAmount)
	}
	if !r.CostPerLead.Valid || r.CostPerLead.Int64 != 50000 {
		t.Errorf("cost per lead %v, want 500 TL", r.CostPerLead)
	}
	if !r.ROI.Valid || r.ROI.Int64 != 5000 {
		t.Errorf("ROI %v, want 50 %%", r.ROI)
	}
	if len(r.Channels) != 1 || r.Channels[0].Delivered != 0 || r.Channels[0].Unsubscribed != 0 {
		t.Errorf("channels %+v", r.Channels)
	}
}
