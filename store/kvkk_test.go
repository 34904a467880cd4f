package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// wantField fails unless err is a validation error naming field with key.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	v, ok := AsValidation(err)
	if !ok {
		t.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if got := v.Fields[field].Key; got != key {
		t.Fatalf("the error on %s is %q (all: %v), want %q", field, got, v, key)
	}
}

func TestKVKKTextVersions(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	admin := ActorFor(mustAdmin(t, st))

	set, err := st.KVKKTexts(ctx, admin)
	if err != nil || set.Notice != nil || set.Consent != nil || len(set.History) != 0 {
		t.Fatalf("a new database has texts: %+v, %v", set, err)
	}
	_, _, err = st.SaveKVKKText(ctx, admin, KVKKNotice, " \r\n ")
	wantField(t, err, "body", "error.required")
	_, _, err = st.SaveKVKKText(ctx, admin, "other", "metin")
	wantField(t, err, "kind", "error.choice")

	v1, created, err := st.SaveKVKKText(ctx, admin, KVKKNotice, "# Aydınlatma metni\r\n\r\nVerileriniz **satış** için işlenir.\r\n")
	if err != nil || !created || v1.Version != 1 || v1.CreatedBy != "Ayşe Yılmaz" {
		t.Fatalf("first notice: %+v, %v, %v", v1, created, err)
	}
	if strings.Contains(v1.Body, "\r") {
		t.Errorf("the body keeps carriage returns: %q", v1.Body)
	}
	// The same text again, typed on another system: no new version.
	same, created, err := st.SaveKVKKText(ctx, admin, KVKKNotice, "# Aydınlatma metni\n\nVerileriniz **satış** için işlenir.  \n\n")
	if err != nil || created || same.ID != v1.ID || same.Version != 1 {
		t.Fatalf("unchanged notice: %+v, %v, %v", same, created, err)
	}
	v2, created, err := st.SaveKVKKText(ctx, admin, KVKKNotice, "# Aydınlatma metni\n\nVerileriniz satış ve servis için işlenir.")
	if err != nil || !created || v2.Version != 2 || v2.ID == v1.ID {
		t.Fatalf("changed notice: %+v, %v, %v", v2, created, err)
	}
	c1, created, err := st.SaveKVKKText(ctx, admin, KVKKConsent, "Açık rıza metni")
	if err != nil || !created || c1.Version != 1 {
		t.Fatalf("first consent text: %+v, %v, %v", c1, created, err)
	}

	set, err = st.KVKKTexts(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if set.Notice == nil || set.Notice.ID != v2.ID || set.Consent == nil || set.Consent.ID != c1.ID {
		t.Errorf("current texts: %+v / %+v, want notice v2 and consent v1", set.Notice, set.Consent)
	}
	var hist []string
	for _, h := range set.History {
		hist = append(hist, h.Kind+string(rune('0'+h.Version)))
	}
	if want := []string{"consent1", "notice2", "notice1"}; !slices.Equal(hist, want) {
		t.Errorf("history %v, want %v", hist, want)
	}
	// The old version reads as it was.
	old, err := st.KVKKText(ctx, admin, v1.ID)
	if err != nil || !strings.Contains(old.Body, "**satış** için") {
		t.Errorf("version 1 reads %+v, %v", old, err)
	}
	if _, err := st.KVKKText(ctx, admin, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing version: %v", err)
	}
	// Saving is the administrators' alone; the audit trail has each save.
	fx := &secFixture{st: st, ctx: ctx, admin: admin}
	seller := fx.actor(t, fx.user(t, "Satışçı", 0, nil, 2))
	if _, _, err := st.SaveKVKKText(ctx, seller, KVKKNotice, "başka metin"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a salesperson saved a text: %v", err)
	}
	if set, err := st.KVKKTexts(ctx, seller); err != nil || set.Notice == nil {
		t.Errorf("a salesperson cannot read the texts: %+v, %v", set, err)
	}
	var n int
	if err := st.reads.queryRow(ctx, "SELECT count(*) FROM audit_log WHERE module = 'kvkk_texts' AND action = ?", ActionKVKKText).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d audit entries for saved texts, %v; want 3", n, err)
	}
}

// kvkkTexts writes both texts.
func kvkkTexts(t *testing.T, st *Store, admin *Actor) {
	t.Helper()
	for _, k := range KVKKTextKinds {
		if _, _, err := st.SaveKVKKText(context.Background(), admin, k, "Metin: "+k); err != nil {
			t.Fatal(err)
		}
	}
}

func mustRecordKVKK(t *testing.T, st *Store, a *Actor, id int64, kind, note string) *KVKKEvent {
	t.Helper()
	e, err := st.RecordKVKK(context.Background(), a, id, kind, note)
	if err != nil {
		t.Fatalf("record %s on %d: %v", kind, id, err)
	}
	return e
}

func TestKVKKEvents(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	admin := ActorFor(mustAdmin(t, st))
	p := mustCreate(t, st, admin, Customers, person("Elif", "Kaya", nil))
	co := mustCreate(t, st, admin, Customers, company("Kaya Ticaret A.Ş.", nil))

	// Nothing can be given before an administrator writes the text.
	_, err := st.RecordKVKK(ctx, admin, p.ID, KVKKEventNotice, "")
	wantField(t, err, "kind", "error.kvkk_no_text_notice")
	_, err = st.RecordKVKK(ctx, admin, p.ID, KVKKEventConsentGiven, "")
	wantField(t, err, "kind", "error.kvkk_no_text_consent")
	kvkkTexts(t, st, admin)
	_, err = st.RecordKVKK(ctx, admin, p.ID, "profiling", "")
	wantField(t, err, "kind", "error.choice")
	_, err = st.RecordKVKK(ctx, admin, p.ID, KVKKEventNotice, strings.Repeat("a", kvkkNoteMax+1))
	wantField(t, err, "note", "error.too_long")
	// Nothing to withdraw yet.
	_, err = st.RecordKVKK(ctx, admin, p.ID, KVKKEventConsentWithdrawn, "")
	wantField(t, err, "kind", "error.kvkk_no_consent")

	status, err := st.KVKKStatus(ctx, admin, p.ID)
	if err != nil || status.Notice != nil || status.Consent != "" || len(status.Events) != 0 {
		t.Fatalf("a new person's status: %+v, %v", status, err)
	}

	n := mustRecordKVKK(t, st, admin, p.ID, KVKKEventNotice, " ıslak imzalı form ")
	if n.Version != 1 || n.Note != "ıslak imzalı form" || n.User != "Ayşe Yılmaz" {
		t.Errorf("the notice event: %+v", n)
	}
	// A new notice version; the person got the old one.
	if _, _, err := st.SaveKVKKText(ctx, admin, KVKKNotice, "Yeni aydınlatma metni"); err != nil {
		t.Fatal(err)
	}
	for i, kind := range []string{KVKKEventConsentGiven, KVKKEventConsentWithdrawn, KVKKEventConsentGiven} {
		mustRecordKVKK(t, st, admin, p.ID, kind, "")
		status, err := st.KVKKStatus(ctx, admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if status.Consent != kind || status.ConsentEvent == nil || status.ConsentEvent.Version != 1 {
			t.Errorf("after %d (%s) the consent is %q (%+v)", i, kind, status.Consent, status.ConsentEvent)
		}
		if status.Notice == nil || status.Notice.Version != 1 {
			t.Errorf("the latest notice given is %+v, want version 1", status.Notice)
		}
		if len(status.Events) != i+2 || status.Events[0].Kind != kind {
			t.Errorf("history after %s: %+v", kind, status.Events)
		}
	}
	// Every event is in the customer's history.
	h, err := st.History(ctx, admin, Customers, p.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range h {
		if strings.HasPrefix(e.Action, "kvkk_") {
			actions = append(actions, e.Action)
		}
	}
	if want := []string{"kvkk_consent_given", "kvkk_consent_withdrawn", "kvkk_consent_given", "kvkk_notice"}; !slices.Equal(actions, want) {
		t.Errorf("the customer's history has %v, want %v", actions, want)
	}
	if h[len(h)-1].Action != ActionCreate {
		t.Errorf("the history does not start with the creation: %+v", h)
	}

	// A company is no natural person.
	if _, err := st.RecordKVKK(ctx, admin, co.ID, KVKKEventNotice, ""); !errors.Is(err, ErrNotPerson) {
		t.Errorf("a company's notice: %v", err)
	}
	if _, err := st.KVKKStatus(ctx, admin, co.ID); !errors.Is(err, ErrNotPerson) {
		t.Errorf("a company's status: %v", err)
	}
	if _, err := st.RecordKVKK(ctx, admin, 9999, KVKKEventNotice, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("a missing customer: %v", err)
	}
}

// A salesperson records KVKK events for the customers they may edit only;
// one they can see but not edit is forbidden, one they cannot see is not
// found.
func TestKVKKScopes(t *testing.T) {
	fx := newSecFixture(t)
	kvkkTexts(t, fx.st, fx.admin)
	role := fx.role(t, "Kendi müşterileri", Permissions{Grants: map[string]map[string]string{
		"customers": {"read": "team", "edit": "own"},
	}})
	me := fx.actor(t, fx.user(t, "me", 0, []int64{fx.teams["north"]}, role))
	mine := mustCreate(t, fx.st, fx.admin, Customers, person("Kendi", "Müşterim", Values{"owner_id": me.UserID}))
	mates := mustCreate(t, fx.st, fx.admin, Customers, person("Takım", "Arkadaşının", Values{"owner_id": fx.users["mate"]}))
	others := mustCreate(t, fx.st, fx.admin, Customers, person("Başka", "Birinin", Values{"owner_id": fx.users["other"]}))

	mustRecordKVKK(t, fx.st, me, mine.ID, KVKKEventNotice, "")
	mustRecordKVKK(t, fx.st, fx.admin, mates.ID, KVKKEventNotice, "")
	if _, err := fx.st.RecordKVKK(fx.ctx, me, mates.ID, KVKKEventConsentGiven, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a customer seen but not editable: %v", err)
	}
	if _, err := fx.st.RecordKVKK(fx.ctx, me, others.ID, KVKKEventConsentGiven, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("a customer out of sight: %v", err)
	}
	if s, err := fx.st.KVKKStatus(fx.ctx, me, mates.ID); err != nil || s.Notice == nil {
		t.Errorf("the status within read scope: %+v, %v", s, err)
	}
	if _, err := fx.st.KVKKStatus(fx.ctx, me, others.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the status out of sight: %v", err)
	}
	if _, err := fx.st.MayBeAnalysed(fx.ctx, me, others.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("MayBeAnalysed out of sight: %v", err)
	}
	// A user without any customer rights.
	nobody := fx.actor(t, fx.user(t, "nobody", 0, nil, fx.role(t, "Hiçbir şey", Permissions{})))
	if _, err := fx.st.RecordKVKK(fx.ctx, nobody, mine.ID, KVKKEventNotice, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user without rights: %v", err)
	}
}

// AnalysableCond lets through companies and the persons whose latest
// consent event is consent_given, and nobody else; MayBeAnalysed agrees.
func TestKVKKAnalysableCond(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	admin := ActorFor(mustAdmin(t, st))
	kvkkTexts(t, st, admin)
	mk := func(name string, events ...string) int64 {
		id := mustCreate(t, st, admin, Customers, person(name, "Test", nil)).ID
		for _, e := range events {
			mustRecordKVKK(t, st, admin, id, e, "")
		}
		return id
	}
	co := mustCreate(t, st, admin, Customers, company("Analiz A.Ş.", nil)).ID
	mk("Hiç")
	mk("Aydınlatılmış", KVKKEventNotice)
	given := mk("Rızalı", KVKKEventNotice, KVKKEventConsentGiven)
	mk("Vazgeçmiş", KVKKEventConsentGiven, KVKKEventConsentWithdrawn)
	again := mk("Yeniden", KVKKEventConsentGiven, KVKKEventConsentWithdrawn, KVKKEventConsentGiven, KVKKEventNotice)
	// Events recorded at the same moment: the later id wins.
	same := mk("Aynı an")
	for _, kind := range []string{KVKKEventConsentGiven, KVKKEventConsentWithdrawn} {
		if _, err := st.writer.ExecContext(ctx, `INSERT INTO kvkk_events (customer_id, kind, at, created_at)
			VALUES (?, ?, '2026-01-15T09:30:00.000Z', '2026-01-15T09:30:00.000Z')`, same, kind); err != nil {
			t.Fatal(err)
		}
	}
	// An older consent moved in by a merge does not undo a newer withdrawal.
	late := mk("Geç", KVKKEventConsentGiven, KVKKEventConsentWithdrawn)
	if _, err := st.writer.ExecContext(ctx, `INSERT INTO kvkk_events (customer_id, kind, at, created_at)
		VALUES (?, 'consent_given', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')`, late); err != nil {
		t.Fatal(err)
	}

	query := "SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND " + AnalysableCond("c") + " ORDER BY c.id"
	rows, err := st.reads.query(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if err := closeRows(rows, "analysable"); err != nil {
		t.Fatal(err)
	}
	want := []int64{co, given, again}
	if !slices.Equal(got, want) {
		t.Errorf("analysable customers %v, want %v", got, want)
	}
	all, err := st.List(ctx, admin, Customers, ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all.Records {
		ok, err := st.MayBeAnalysed(ctx, admin, r.ID)
		if err != nil || ok != slices.Contains(want, r.ID) {
			t.Errorf("MayBeAnalysed(%s) = %v, %v", r.Title(), ok, err)
		}
	}

	// The latest consent event is one seek in its index, not a scan.
	plan, err := st.reads.query(ctx, "EXPLAIN QUERY PLAN "+query)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for plan.Next() {
		var id, parent, unused int
		var detail string
		if err := plan.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := closeRows(plan, "plan"); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(steps, "\n"); !strings.Contains(text, "kvkk_events_consent (customer_id=?)") {
		t.Errorf("the consent lookup does not seek kvkk_events_consent:\n%s", text)
	}
}
