package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// consentFixture is a store with an administrator, a person and a
// company, each reachable by phone and e-mail.
type consentFixture struct {
	st      *Store
	ctx     context.Context
	admin   *Actor
	person  *Record
	company *Record
}

func newConsentFixture(t *testing.T) *consentFixture {
	t.Helper()
	st := newTestStore(t)
	fx := &consentFixture{st: st, ctx: context.Background(), admin: ActorFor(mustAdmin(t, st))}
	fx.person = mustCreate(t, st, fx.admin, Customers, person("Şükrü", "Çağlar", Values{"phone": "0532 123 45 67", "email": "sukru@ornek.com.tr"}))
	fx.company = mustCreate(t, st, fx.admin, Customers, company("Çağlar Tekstil A.Ş.", Values{"phone": "0212 555 12 12", "email": "info@caglar.com.tr"}))
	return fx
}

func (fx *consentFixture) record(t *testing.T, customer *Record, channel, status, date string) *Record {
	t.Helper()
	return mustCreate(t, fx.st, fx.admin, Consents, Values{"customer_id": customer.ID, "channel": channel,
		"status": status, "source": "HS_CAGRI_MERKEZI", "consent_date": date})
}

func (fx *consentFixture) contactable(t *testing.T, customer *Record, channel, purpose string) Contactability {
	t.Helper()
	c, err := fx.st.Contactable(fx.ctx, fx.admin, customer.ID, channel, purpose)
	if err != nil {
		t.Fatalf("contactable %s: %v", channel, err)
	}
	return c
}

func TestContactabilityRules(t *testing.T) {
	fx := newConsentFixture(t)
	check := func(what string, c Contactability, allowed bool, reason string) {
		t.Helper()
		if c.Allowed != allowed || c.Reason != reason {
			t.Errorf("%s: allowed %v (%s), want %v (%s)", what, c.Allowed, c.Reason, allowed, reason)
		}
	}
	// Individuals are opt-in, traders opt-out; transactional is always allowed.
	check("person, no record", fx.contactable(t, fx.person, ChannelSMS, PurposeCommercial), false, "no_consent")
	check("person, transactional", fx.contactable(t, fx.person, ChannelSMS, PurposeTransactional), true, "transactional")
	check("company, no record", fx.contactable(t, fx.company, ChannelCall, PurposeCommercial), true, "trader")

	// The latest decision wins, by its date rather than when it was typed.
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	check("person after ONAY", fx.contactable(t, fx.person, ChannelSMS, PurposeCommercial), true, "granted")
	fx.record(t, fx.person, ChannelSMS, ConsentRefused, "2026-05-01 10:00")
	check("person after RET", fx.contactable(t, fx.person, ChannelSMS, PurposeCommercial), false, "refused")
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-04-01 10:00") // entered late, dated earlier
	check("an older ONAY entered later", fx.contactable(t, fx.person, ChannelSMS, PurposeCommercial), false, "refused")
	check("RET, transactional", fx.contactable(t, fx.person, ChannelSMS, PurposeTransactional), true, "transactional")
	// Channels are separate.
	check("person, e-mail still undecided", fx.contactable(t, fx.person, ChannelEmail, PurposeCommercial), false, "no_consent")

	fx.record(t, fx.company, ChannelCall, ConsentRefused, "2026-05-01 10:00")
	check("trader after RET", fx.contactable(t, fx.company, ChannelCall, PurposeCommercial), false, "refused")

	bare := mustCreate(t, fx.st, fx.admin, Customers, person("Adres", "Yok", nil))
	check("no address", fx.contactable(t, bare, ChannelEmail, PurposeCommercial), false, "no_address")

	// The ledger keeps every record: three for the person's SMS.
	page, err := fx.st.List(fx.ctx, fx.admin, Consents, ListQuery{Filters: map[string]string{"customer_id": itoa(fx.person.ID), "channel": ChannelSMS}})
	if err != nil || len(page.Records) != 3 {
		t.Fatalf("ledger of the person's SMS: %d records, %v", len(page.Records), err)
	}
	first := page.Records[0]
	if first.Values.Str("recipient") != "+905321234567" || first.Values.Str("recipient_type") != RecipientPerson {
		t.Errorf("the recipient and type filled from the customer: %v", first.Values)
	}
	if by, _ := first.Values.Int("recorded_by"); by != fx.admin.UserID {
		t.Errorf("recorded by %d, want %d", by, fx.admin.UserID)
	}
}

func TestConsentsAreAppendOnly(t *testing.T) {
	fx := newConsentFixture(t)
	c := fx.record(t, fx.person, ChannelEmail, ConsentGranted, "2026-03-01 10:00")
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Consents, c.ID, Values{"status": ConsentRefused}); !errors.Is(err, ErrForbidden) {
		t.Errorf("update a consent: %v, want forbidden", err)
	}
	if err := fx.st.Delete(fx.ctx, fx.admin, Consents, c.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("delete a consent: %v, want forbidden", err)
	}
	if fx.admin.Can(Consents, ActEdit) || fx.admin.Can(Consents, ActDelete) {
		t.Error("an administrator is offered to edit or delete the ledger")
	}
	_, err := fx.st.Create(fx.ctx, fx.admin, Consents, Values{"customer_id": fx.person.ID, "channel": ChannelSMS,
		"status": ConsentGranted, "source": "HS_WEB", "recipient": "0532 123 456"})
	expect(t, "a bad number", err, errInvalid, "recipient")
	_, err = fx.st.Create(fx.ctx, fx.admin, Consents, Values{"customer_id": fx.person.ID, "channel": ChannelSMS,
		"status": ConsentGranted, "source": "HS_WEB", "consent_date": "2099-01-01 10:00"})
	expect(t, "a date ahead", err, errInvalid, "consent_date")
	_, err = fx.st.Create(fx.ctx, fx.admin, Consents, Values{"customer_id": fx.person.ID, "channel": ChannelSMS,
		"status": ConsentGranted, "source": "HS_UYDURMA"})
	expect(t, "an unknown source", err, errInvalid, "source")
}

func TestOutgoingCommercialContactNeedsConsent(t *testing.T) {
	fx := newConsentFixture(t)
	call := func(extra Values) (*Record, error) {
		v := Values{"type": ActivityCall, "subject": "Kampanya araması", "customer_id": fx.person.ID}
		for k, x := range extra {
			v[k] = x
		}
		return fx.st.Create(fx.ctx, fx.admin, Activities, v)
	}
	_, err := call(nil)
	expect(t, "a commercial call without consent", err, errInvalid, "purpose")
	if r, err := call(Values{"purpose": PurposeTransactional}); err != nil {
		t.Errorf("a transactional call: %v", err)
	} else if r.Values.Str("recipient") != "+905321234567" {
		t.Errorf("the call's recipient: %q, want the customer's phone", r.Values.Str("recipient"))
	}
	if _, err := call(Values{"direction": "in"}); err != nil {
		t.Errorf("an incoming call: %v", err)
	}
	fx.record(t, fx.person, ChannelCall, ConsentGranted, "2026-03-01 10:00")
	rec, err := call(nil)
	if err != nil {
		t.Fatalf("a commercial call after ONAY: %v", err)
	}
	// The customer refuses later: the call logged before stays editable.
	fx.record(t, fx.person, ChannelCall, ConsentRefused, "2026-03-02 10:00")
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Activities, rec.ID, Values{"description": "Görüşme notu"}); err != nil {
		t.Errorf("edit an earlier call after RET: %v", err)
	}
	if _, err := call(nil); err == nil {
		t.Error("a commercial call after RET was logged")
	}
	// A trader may be called until it refuses.
	if _, err := fx.st.Create(fx.ctx, fx.admin, Activities, Values{"type": ActivityEmail, "subject": "Teklif", "customer_id": fx.company.ID}); err != nil {
		t.Errorf("a commercial e-mail to a trader: %v", err)
	}
}

func TestContactLeavesAConsentTask(t *testing.T) {
	fx := newConsentFixture(t)
	openTasks := func() []*Record {
		t.Helper()
		p, err := fx.st.List(fx.ctx, fx.admin, Activities, ListQuery{Filters: map[string]string{
			"customer_id": itoa(fx.person.ID), "consent_task": "1", "status": "planned"}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Records
	}
	mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityVisit, "subject": "Mağaza ziyareti", "customer_id": fx.person.ID})
	tasks := openTasks()
	if len(tasks) != 1 {
		t.Fatalf("open consent tasks after a visit: %d, want 1", len(tasks))
	}
	if owner, _ := tasks[0].Values.Int("owner_id"); owner != fx.admin.UserID || tasks[0].Values.Str("type") != ActivityTask {
		t.Errorf("the consent task: %v", tasks[0].Values)
	}
	mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityCall, "subject": "Fatura bilgisi", "customer_id": fx.person.ID, "purpose": PurposeTransactional})
	if n := len(openTasks()); n != 1 {
		t.Errorf("open consent tasks after a second contact: %d, want still 1", n)
	}
	// A note is no contact.
	fx.record(t, fx.person, ChannelCall, ConsentGranted, "2026-03-01 10:00")
	fx.record(t, fx.person, ChannelSMS, ConsentRefused, "2026-03-01 10:00")
	if n := len(openTasks()); n != 1 {
		t.Errorf("open consent tasks with e-mail undecided: %d, want 1", n)
	}
	fx.record(t, fx.person, ChannelEmail, ConsentGranted, "2026-03-01 10:00")
	if n := len(openTasks()); n != 0 {
		t.Errorf("open consent tasks once every channel is decided: %d, want 0", n)
	}
	states, err := fx.st.ConsentStatesOf(fx.ctx, fx.admin, fx.person.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(states.Undecided) != 0 || len(states.States) != 3 {
		t.Errorf("states: %+v", states)
	}
	if st, ok := states.StateOf(ChannelSMS, "+905321234567"); !ok || st.Allowed || st.Status != ConsentRefused {
		t.Errorf("SMS state: %+v", st)
	}
}

func TestTimelinePages(t *testing.T) {
	fx := newConsentFixture(t)
	var rows []Values
	for i := range 120 {
		typ := ActivityNote
		if i%3 == 0 {
			typ = ActivityTask
		}
		rows = append(rows, Values{"type": typ, "subject": "Kayıt " + itoa(int64(i)), "customer_id": fx.person.ID,
			"starts_at": "2026-01-01T09:00:00Z", "status": "done"})
	}
	if _, err := fx.st.CreateMany(fx.ctx, fx.admin, Activities, rows); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	var cur string
	pages := 0
	for {
		p, err := fx.st.Timeline(fx.ctx, fx.admin, fx.person.ID, TimelineQuery{Before: cur, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for i, r := range p.Items {
			if seen[r.ID] {
				t.Fatalf("activity %d on two pages", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && r.ID > p.Items[i-1].ID {
				t.Fatalf("not newest first: %d after %d", r.ID, p.Items[i-1].ID)
			}
		}
		if cur = p.Next; cur == "" {
			break
		}
	}
	if len(seen) != 120 || pages != 3 {
		t.Errorf("%d activities on %d pages, want 120 on 3", len(seen), pages)
	}
	p, err := fx.st.Timeline(fx.ctx, fx.admin, fx.person.ID, TimelineQuery{Type: ActivityTask, Limit: 200})
	if err != nil || len(p.Items) != 40 {
		t.Errorf("tasks only: %d, %v", len(p.Items), err)
	}
	if _, err := fx.st.Timeline(fx.ctx, fx.admin, fx.person.ID, TimelineQuery{Type: "dans"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("an unknown type: %v", err)
	}
}

func TestRemindersOncePerStart(t *testing.T) {
	fx := newConsentFixture(t)
	soon := now().Add(10 * 60e9).UTC().Format("2006-01-02T15:04:05Z")
	m := mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityMeeting, "subject": "Yıllık görüşme",
		"customer_id": fx.company.ID, "starts_at": soon, "reminder_min": int64(15), "status": "planned"})
	for range 2 {
		if _, err := fx.st.SendDueReminders(fx.ctx); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := fx.st.Notifications(fx.ctx, fx.admin, 10)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range notes {
		if x.Kind == "reminder" && x.RecordID == m.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("reminders of the meeting: %d, want 1", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The badges of a list's rows and of a customer's contacts come from the
// standing kept on each customer's row; it must say what the rule says
// from the ledger.
func TestListedAddressStatesAgreeWithTheRule(t *testing.T) {
	fx := newConsentFixture(t)
	if err := fx.st.AddContact(fx.ctx, fx.admin, fx.company.ID, fx.person.ID, "accounting"); err != nil {
		t.Fatal(err)
	}
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	fx.record(t, fx.person, ChannelSMS, ConsentRefused, "2026-04-01 10:00")
	fx.record(t, fx.company, ChannelEmail, ConsentRefused, "2026-04-01 10:00")
	agreeWithRule := func(when, how string, rec *Record) {
		t.Helper()
		listed := ListedAddressStates(rec)
		if len(listed) != 3 {
			t.Fatalf("%s: customer %d read by %s: %d standings, want 3", when, rec.ID, how, len(listed))
		}
		for _, st := range listed {
			want := fx.contactable(t, rec, st.Channel, PurposeCommercial)
			if st.Allowed != want.Allowed || st.Reason != want.Reason || st.Recipient != want.Recipient {
				t.Errorf("%s: customer %d read by %s, %s: %+v, the rule says %+v", when, rec.ID, how, st.Channel, st, want)
			}
		}
	}
	agree := func(when string) {
		t.Helper()
		page, err := fx.st.List(fx.ctx, fx.admin, Customers, ListQuery{Fields: []string{"phone", "email"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) != 2 {
			t.Fatalf("%s: %d customers listed, want 2", when, len(page.Records))
		}
		for _, rec := range page.Records {
			agreeWithRule(when, "a list", rec)
		}
		for _, c := range []*Record{fx.person, fx.company} {
			contacts, err := fx.st.Contacts(fx.ctx, fx.admin, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(contacts) != 1 {
				t.Fatalf("%s: customer %d has %d contacts, want 1", when, c.ID, len(contacts))
			}
			other := contacts[0].Person
			if other == nil {
				other = contacts[0].Company
			}
			agreeWithRule(when, "the contacts", other)
		}
	}
	agree("after the decisions")
	// A new number has no decision yet; the old one's comes back with it.
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Customers, fx.person.ID, Values{"phone": "0533 765 43 21"}); err != nil {
		t.Fatal(err)
	}
	agree("with a new number")
	fx.record(t, fx.person, ChannelCall, ConsentGranted, "2026-05-01 10:00")
	agree("after the new number's ONAY")
	if _, _, err := fx.st.Update(fx.ctx, fx.admin, Customers, fx.person.ID, Values{"phone": "0532 123 45 67"}); err != nil {
		t.Fatal(err)
	}
	agree("back on the old number")
}

// Purging a customer from the recycle bin takes its activities, its ETK
// ledger and its KVKK events with it, as it takes its assets.
func TestPurgeTakesTheContactHistory(t *testing.T) {
	fx := newConsentFixture(t)
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	mustCreate(t, fx.st, fx.admin, Activities, Values{"type": ActivityNote, "subject": "Not", "customer_id": fx.person.ID})
	if _, err := fx.st.writer.ExecContext(fx.ctx, `INSERT INTO kvkk_events (customer_id, kind, at, created_at)
		VALUES (?, 'notice', '2026-01-15T09:30:00Z', '2026-01-15T09:30:00Z')`, fx.person.ID); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.Delete(fx.ctx, fx.admin, Customers, fx.person.ID); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.Purge(fx.ctx, fx.admin, Customers, fx.person.ID); err != nil {
		t.Fatalf("purge a customer with a history: %v", err)
	}
	for _, table := range []string{"activities", "consents", "kvkk_events"} {
		var n int
		if err := fx.st.writer.QueryRowContext(fx.ctx, "SELECT count(*) FROM "+table+" WHERE customer_id = ?", fx.person.ID).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s of the purged customer: %d, %v", table, n, err)
		}
	}
}

// A customer's addresses for the one rule: the main ones and the phone
// list in its order, read in one row.
func TestCustomerAddressesKeepThePhoneOrder(t *testing.T) {
	fx := newConsentFixture(t)
	c := mustCreate(t, fx.st, fx.admin, Customers, person("Sıra", "Telefon", Values{"phone": "0532 111 22 33",
		"phones": []PhoneEntry{{Label: "iş", Number: "0533 444 55 66"}, {Label: "ev", Number: "0216 777 88 99"}}}))
	got, err := customerAddresses(fx.ctx, fx.st.reads, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"+905334445566", "+902167778899"}
	if got == nil || got.phone != "+905321112233" || !slices.Equal(got.phones, want) {
		t.Errorf("addresses %+v, want main +905321112233 and %v", got, want)
	}
	none := mustCreate(t, fx.st, fx.admin, Customers, person("Tek", "Telefon", Values{"phone": "0532 111 22 34"}))
	if got, err := customerAddresses(fx.ctx, fx.st.reads, none.ID); err != nil || got == nil || got.phones != nil {
		t.Errorf("without a phone list: %+v, %v", got, err)
	}
}

// The 360° page reads a customer's standings from the record it has just
// read; they must be the ones read by id, phone list and ledger alike.
func TestConsentStatesOfARecordAgreeWithTheRead(t *testing.T) {
	fx := newConsentFixture(t)
	c := mustCreate(t, fx.st, fx.admin, Customers, person("Sıra", "Telefon", Values{"phone": "0532 111 22 33", "email": "sira@ornek.com.tr",
		"phones": []PhoneEntry{{Label: "iş", Number: "0533 444 55 66"}, {Label: "ev", Number: "0216 777 88 99"}}}))
	fx.record(t, c, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	if _, err := fx.st.Create(fx.ctx, fx.admin, Consents, Values{"customer_id": c.ID, "channel": ChannelCall, "recipient": "0533 444 55 66",
		"status": ConsentRefused, "source": "HS_CAGRI_MERKEZI", "consent_date": "2026-03-02 10:00"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{c.ID, fx.person.ID, fx.company.ID} {
		rec, err := fx.st.Get(fx.ctx, fx.admin, Customers, id)
		if err != nil {
			t.Fatal(err)
		}
		byRecord, err := fx.st.ConsentStatesOfRecord(fx.ctx, fx.admin, rec)
		if err != nil {
			t.Fatal(err)
		}
		byID, err := fx.st.ConsentStatesOf(fx.ctx, fx.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", byRecord) != fmt.Sprintf("%+v", byID) {
			t.Errorf("customer %d: from the record %+v, read by id %+v", id, byRecord, byID)
		}
		if id == c.ID && len(byID.States) != 7 {
			t.Errorf("customer %d: %d standings, want 7 (three phones for calls and for SMS, one e-mail): %+v", id, len(byID.States), byID.States)
		}
	}
}
