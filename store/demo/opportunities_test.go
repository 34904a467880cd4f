package demo

import (
	"context"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/tr"
)

func TestGenerateOpportunitiesAndFirm(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	pw := "Kedi-Mavi-Tekne-42"
	if _, err := st.CreateFirstAdmin(ctx, store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr", Password: pw, PasswordAgain: pw}); err != nil {
		t.Fatal(err)
	}
	sum, err := Generate(ctx, st, "small", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Opportunities != Sizes["small"].Opportunities {
		t.Fatalf("summary: %v", sum)
	}
	sys := store.SystemActor()
	stages, err := st.Stages(ctx, sys, true)
	if err != nil {
		t.Fatal(err)
	}
	kind := map[int64]string{}
	for _, s := range stages {
		kind[s.ID] = s.Kind
	}
	byStatus := map[string]int{}
	for _, r := range all(t, st, store.Opportunities) {
		v := r.Values
		stage, _ := v.Int("stage_id")
		status := v.Str("status")
		byStatus[status]++
		if kind[stage] != status {
			t.Errorf("%d: status %s in a %s stage", r.ID, status, kind[stage])
		}
		if amount, ok := v.Int("amount"); !ok || amount <= 0 || amount%10000 != 0 {
			t.Errorf("%d: amount %d", r.ID, amount)
		}
		if _, ok := tr.ParseDate(v.Str("expected_close")); !ok {
			t.Errorf("%d: expected close %q", r.ID, v.Str("expected_close"))
		}
		if status == store.StageLost && v.Str("lost_reason") == "" {
			t.Errorf("%d: lost without a reason", r.ID)
		}
		if status != store.StageOpen {
			closed, err := time.Parse(tr.DateTimeLayout, v.Str("closed_at"))
			if err != nil || closed.After(time.Now()) || closed.Before(r.CreatedAt.Truncate(time.Second)) {
				t.Errorf("%d: closed %q, created %v", r.ID, v.Str("closed_at"), r.CreatedAt)
			}
		}
	}
	if byStatus[store.StageOpen] == 0 || byStatus[store.StageWon] == 0 || byStatus[store.StageLost] == 0 {
		t.Errorf("statuses: %v", byStatus)
	}
	f, err := st.Firm(ctx, sys)
	if err != nil || f.LegalTitle == "" || f.IBAN == "" || f.VKN == "" || !f.HasLogo() {
		t.Errorf("firm: %+v, %v", f, err)
	}
	logo, _, err := st.FirmLogo(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CheckLogo(logo); err != nil {
		t.Errorf("the demo logo: %v", err)
	}
}
