package store

import (
	"errors"
	"testing"
)

// The three marketing roles the seeds name ship with the program, each
// allowed its part of the work and refused the rest.
func TestShippedMarketingRoles(t *testing.T) {
	t.Parallel()
	fx := newMktFixture(t)
	role := func(name string) *Actor {
		var id int64
		if err := fx.st.writer.QueryRow("SELECT id FROM roles WHERE name = ?", name).Scan(&id); err != nil {
			t.Fatalf("shipped role %s: %v", name, err)
		}
		return fx.actor(t, fx.user(t, name, fx.depts["gm"], nil, id))
	}
	campaigns, segments, channels := role("Kampanya yöneticisi"), role("Segment yöneticisi"), role("Kanal yöneticisi")
	mustCreate(t, fx.st, fx.admin, Customers, company("Rol A.Ş.", Values{"email": "info@rol.com.tr", "tags": []string{"rol"}}))

	// The segment manager builds the audience, and may not start a campaign.
	seg := mustCreate(t, fx.st, segments, Segments, Values{"name": "Rol", "criteria": "tags=rol"}).ID
	if _, err := fx.st.Create(fx.ctx, segments, Campaigns, Values{"name": "x", "channels": "email", "segment_id": seg, "starts_on": "2026-12-01"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("segment manager created a campaign: %v", err)
	}
	// The channel manager writes the message, and may not build audiences.
	tpl := mustCreate(t, fx.st, channels, EmailTemplates, Values{"name": "Kış", "subject": "Kış indirimi", "body": "Merhaba {{ad}}"}).ID
	if _, err := fx.st.Create(fx.ctx, channels, Segments, Values{"name": "x", "criteria": "tags=rol"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("channel manager created a segment: %v", err)
	}
	// The campaign manager runs the campaign on both, and may not edit
	// either of them.
	id := mustCreate(t, fx.st, campaigns, Campaigns, Values{"name": "Kış", "channels": "email", "segment_id": seg,
		"starts_on": "2026-12-01", "email_template_id": tpl}).ID
	if l, err := fx.st.LaunchCampaign(fx.ctx, campaigns, id); err != nil || l.Members != 1 {
		t.Fatalf("campaign manager launched: %+v, %v", l, err)
	}
	if _, _, err := fx.st.Update(fx.ctx, campaigns, Segments, seg, Values{"name": "y"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("campaign manager edited a segment: %v", err)
	}
	if _, _, err := fx.st.Update(fx.ctx, campaigns, EmailTemplates, tpl, Values{"name": "y"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("campaign manager edited a template: %v", err)
	}
	// None of them sees a person's TC kimlik number.
	for _, a := range []*Actor{campaigns, segments, channels} {
		if a.FieldAccess(Customers, "tckn") != AccessHidden {
			t.Errorf("user %d sees TC kimlik numbers", a.UserID)
		}
	}
}
