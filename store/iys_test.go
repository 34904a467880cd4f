package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"kobicrm/store/iys"
)

// shippedRoleActor is a new user holding one of the shipped roles (2
// Satış, 3 Pazarlama), as a request sees them.
func (fx *consentFixture) shippedRoleActor(t *testing.T, role int64, email string) *Actor {
	t.Helper()
	u := mustCreate(t, fx.st, fx.admin, Users, Values{"name": "Rol " + email, "email": email, "roles": []int64{role}})
	token, err := fx.st.CreateSession(fx.ctx, u.ID, "192.168.1.40", "test")
	if err != nil {
		t.Fatal(err)
	}
	usr, err := fx.st.SessionUser(fx.ctx, token, DefaultSessionLimits)
	if err != nil {
		t.Fatal(err)
	}
	return ActorFor(usr)
}

func (fx *consentFixture) iysState(t *testing.T, id int64) (string, int64) {
	t.Helper()
	var state string
	var batch int64
	if err := fx.st.writer.QueryRow("SELECT iys_state, coalesce(iys_export_id, 0) FROM consents WHERE id = ?", id).Scan(&state, &batch); err != nil {
		t.Fatal(err)
	}
	return state, batch
}

func TestIYSExportFileAndFirstRecordRule(t *testing.T) {
	fx := newConsentFixture(t)
	smsOK := fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	smsRET := fx.record(t, fx.person, ChannelSMS, ConsentRefused, "2026-03-02 10:00") // after an ONAY of this file: sent
	mailOK := fx.record(t, fx.person, ChannelEmail, ConsentGranted, "2026-03-01 11:00")
	callRET := fx.record(t, fx.company, ChannelCall, ConsentRefused, "2026-03-01 12:00") // a first RET: left out
	landSMS := fx.record(t, fx.company, ChannelSMS, ConsentGranted, "2026-03-01 13:00")  // a landline: İYS takes no SMS consent for it

	batch, body, err := fx.st.IYSExport(fx.ctx, fx.admin)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := iys.ValidateBulk(body); err != nil || n != 3 {
		t.Fatalf("bulk file: %d records, %v\n%s", n, err, body)
	}
	if batch.Records != 3 || batch.LeftOut != 2 {
		t.Errorf("batch %+v, want 3 records and 2 left out", batch)
	}
	// Oldest first, by the consent's date, in Istanbul time.
	want := `"consentDate":"2026-03-01 10:00:00","source":"HS_CAGRI_MERKEZI","recipient":"+905321234567","recipientType":"BIREYSEL","status":"ONAY","type":"MESAJ"`
	if i := strings.Index(string(body), want); i < 0 || i > 40 {
		t.Errorf("first record is not the oldest:\n%s", body)
	}
	for id, st := range map[int64]string{smsOK.ID: iysSent, smsRET.ID: iysSent, mailOK.ID: iysSent, callRET.ID: iysFirstRET, landSMS.ID: iysInvalid} {
		if got, b := fx.iysState(t, id); got != st || b != batch.ID {
			t.Errorf("consent %d: state %q in batch %d, want %q in %d", id, got, b, st, batch.ID)
		}
	}
	if _, _, err := fx.st.IYSExport(fx.ctx, fx.admin); !errors.Is(err, ErrNothingToExport) {
		t.Errorf("second export: %v, want nothing to export", err)
	}

	// Once an ONAY of the address reached İYS, a RET of it is sent.
	fx.record(t, fx.company, ChannelCall, ConsentGranted, "2026-03-03 10:00")
	if b, _, err := fx.st.IYSExport(fx.ctx, fx.admin); err != nil || b.Records != 1 {
		t.Fatalf("ONAY batch: %+v %v", b, err)
	}
	later := fx.record(t, fx.company, ChannelCall, ConsentRefused, "2026-03-04 10:00")
	b3, body3, err := fx.st.IYSExport(fx.ctx, fx.admin)
	if err != nil || b3.Records != 1 || !strings.Contains(string(body3), `"status":"RET","type":"ARAMA"`) {
		t.Fatalf("RET after ONAY: %+v %v\n%s", b3, err, body3)
	}
	if st, _ := fx.iysState(t, later.ID); st != iysSent {
		t.Errorf("RET after ONAY: %s", st)
	}

	// Earlier batches come back as they were, in JSON and CSV, with no
	// record marked again.
	list, err := fx.st.IYSBatches(fx.ctx, fx.admin)
	if err != nil || len(list) != 3 || list[0].ID != b3.ID || list[2].UserName != "Ayşe Yılmaz" {
		t.Fatalf("batches: %+v %v", list, err)
	}
	again, err := fx.st.IYSBatchFile(fx.ctx, fx.admin, batch.ID, "json")
	if err != nil || string(again) != string(body) {
		t.Errorf("batch again: %v\n%s", err, again)
	}
	csv, err := fx.st.IYSBatchFile(fx.ctx, fx.admin, batch.ID, "csv")
	if err != nil || !strings.HasPrefix(string(csv), "\ufeffconsentDate;source;recipient;recipientType;status;type\r\n2026-03-01 10:00:00;HS_CAGRI_MERKEZI;+905321234567;BIREYSEL;ONAY;MESAJ\r\n") {
		t.Errorf("batch as CSV: %v\n%q", err, csv)
	}
	if _, err := fx.st.IYSBatchFile(fx.ctx, fx.admin, 999, "json"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such batch: %v", err)
	}
	var exports int
	if err := fx.st.writer.QueryRow("SELECT count(*) FROM audit_log WHERE module = 'consents' AND action = 'export'").Scan(&exports); err != nil || exports != 5 {
		t.Errorf("%d exports in the audit trail, want 5 (%v)", exports, err)
	}
}

func TestIYSExportSplitsAt10000(t *testing.T) {
	fx := newConsentFixture(t)
	rows := make([]Values, iys.MaxRecords+1)
	base := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range rows {
		rows[i] = Values{"customer_id": fx.person.ID, "channel": ChannelEmail, "recipient": fmt.Sprintf("kisi%d@ornek.com.tr", i),
			"status": ConsentGranted, "source": "HS_WEB", "consent_date": base.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05Z")}
	}
	if _, err := fx.st.CreateMany(fx.ctx, fx.admin, Consents, rows); err != nil {
		t.Fatal(err)
	}
	b1, body1, err := fx.st.IYSExport(fx.ctx, fx.admin)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := iys.ValidateBulk(body1); err != nil || n != iys.MaxRecords || b1.Records != iys.MaxRecords {
		t.Fatalf("first file: %d records, %v", n, err)
	}
	b2, body2, err := fx.st.IYSExport(fx.ctx, fx.admin)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := iys.ValidateBulk(body2); err != nil || n != 1 || b2.Records != 1 || !strings.Contains(string(body2), "kisi10000@") {
		t.Fatalf("second file: %d records, %v\n%s", n, err, body2)
	}
}

func TestIYSOverdueAfterThreeBusinessDays(t *testing.T) {
	fx := newConsentFixture(t)
	defer func() { now = time.Now }()
	at := func(s string) { // Istanbul time
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("TRT", 3*3600))
		if err != nil {
			t.Fatal(err)
		}
		now = func() time.Time { return tm }
	}
	at("2026-03-06 18:00")                                                     // a Friday
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-06 17:30")    // Friday
	fx.record(t, fx.company, ChannelEmail, ConsentRefused, "2026-03-06 09:00") // a RET: not counted
	standing := func(when string) *IYSStanding {
		t.Helper()
		at(when)
		st, err := fx.st.IYSOverdue(fx.ctx, fx.admin)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := standing("2026-03-10 23:59"); st.Overdue != 0 || st.Pending != 2 { // Tuesday
		t.Errorf("Tuesday: %+v, want nothing late and 2 waiting", st)
	}
	st := standing("2026-03-11 00:01") // Wednesday
	if st.Overdue != 1 || len(st.Oldest) != 1 || st.Oldest[0].Recipient != "+905321234567" {
		t.Errorf("Wednesday: %+v, want the Friday ONAY late", st)
	}
	// Sent, it is no longer late.
	if _, _, err := fx.st.IYSExport(fx.ctx, fx.admin); err != nil {
		t.Fatal(err)
	}
	if st := standing("2026-03-11 10:00"); st.Overdue != 0 || st.Pending != 0 {
		t.Errorf("after the export: %+v", st)
	}
	for day, want := range map[string]string{
		"2026-03-11 10:00": "2026-03-09", // Wednesday: Monday's start; Friday to Sunday are late
		"2026-03-10 10:00": "2026-03-06", // Tuesday: Friday's start; Thursday is late
		"2026-03-14 10:00": "2026-03-11", // Saturday: Wednesday's start
		"2026-03-09 10:00": "2026-03-05", // Monday: Thursday's start
	} {
		tm, _ := time.Parse("2006-01-02 15:04", day)
		if got := iysOverdueSince(tm).Format("2006-01-02"); got != want {
			t.Errorf("late before %s on %s, want %s", got, day, want)
		}
	}
}

func TestIYSImportAppliesStatusFile(t *testing.T) {
	fx := newConsentFixture(t)
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	fx.record(t, fx.person, ChannelEmail, ConsentGranted, "2026-03-01 10:00")
	// A second customer with the person's number among its other phones.
	twin := mustCreate(t, fx.st, fx.admin, Customers, person("Ayşe", "Çağlar", Values{"phones": []PhoneEntry{{Label: "iş", Number: "0532 123 45 67"}}}))
	body := "consentDate;source;recipient;recipientType;status;type\n" +
		"2026-03-05 10:00:00;HS_MESAJ;05321234567;BIREYSEL;RET;MESAJ\n" + // person: ONAY → RET; twin: none → RET
		"2026-03-05 10:00:00;HS_WEB;sukru@ornek.com.tr;BIREYSEL;ONAY;EPOSTA\n" + // person: already ONAY
		"2026-03-05 10:00:00;HS_WEB;INFO@caglar.com.tr;TACIR;ONAY;EPOSTA\n" + // company: none → ONAY
		"2026-03-05 10:00:00;HS_WEB;+905559998877;BIREYSEL;ONAY;ARAMA\n" + // nobody
		"2026-03-05 10:00:00;HS_UYDU;+905321234567;BIREYSEL;ONAY;ARAMA\n" + // a bad source
		"2099-03-05 10:00:00;HS_WEB;+905321234567;BIREYSEL;ONAY;ARAMA\n" // in the future
	file, err := iys.Read(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := fx.st.IYSImport(fx.ctx, fx.admin, file, "durum.csv")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applied != 3 || rep.Unchanged != 1 || len(rep.Unmatched) != 1 || len(rep.Failed) != 2 {
		t.Fatalf("report %+v", rep)
	}
	if u := rep.Unmatched[0]; u.Row != 4 || u.Line != 5 || u.Recipient != "+905559998877" {
		t.Errorf("unmatched %+v", u)
	}
	if f := rep.Failed[0]; f.Row != 5 || f.Field != "source" || f.Msg.Key != "iys.err.source" {
		t.Errorf("failed %+v", f)
	}
	if f := rep.Failed[1]; f.Row != 6 || f.Field != "consentDate" || f.Msg.Key != "iys.err.future" {
		t.Errorf("failed %+v", f)
	}
	check := func(c *Record, channel, status, reason string) {
		t.Helper()
		got := fx.contactable(t, c, channel, PurposeCommercial)
		if got.Status != status || got.Reason != reason {
			t.Errorf("customer %d %s: %s %s, want %s %s", c.ID, channel, got.Status, got.Reason, status, reason)
		}
	}
	check(fx.person, ChannelSMS, ConsentRefused, "refused")
	check(twin, ChannelSMS, ConsentRefused, "refused")
	check(fx.company, ChannelEmail, ConsentGranted, "granted")

	// What came from İYS is not sent back to it.
	page, err := fx.st.List(fx.ctx, fx.admin, Consents, ListQuery{Filters: map[string]string{"customer_id": itoa(fx.company.ID)}})
	if err != nil || len(page.Records) != 1 || page.Records[0].Values.Str("evidence") != "İYS: durum.csv" || page.Records[0].Values.Str("source") != "HS_WEB" {
		t.Fatalf("the company's ledger: %v %v", page, err)
	}
	if st, _ := fx.iysState(t, page.Records[0].ID); st != iysReceived {
		t.Errorf("imported record's state %q", st)
	}
	if st, err := fx.st.IYSOverdue(fx.ctx, fx.admin); err != nil || st.Pending != 2 {
		t.Errorf("waiting for İYS: %+v %v, want the two typed-in records only", st, err)
	}
	// The same file again changes nothing.
	rep, err = fx.st.IYSImport(fx.ctx, fx.admin, file, "durum.csv")
	if err != nil || rep.Applied != 0 || rep.Unchanged != 3 {
		t.Errorf("again: %+v %v", rep, err)
	}
}

func TestIYSRights(t *testing.T) {
	fx := newConsentFixture(t)
	fx.record(t, fx.person, ChannelSMS, ConsentGranted, "2026-03-01 10:00")
	sales := fx.shippedRoleActor(t, 2, "satis@firma.com.tr")
	if _, _, err := fx.st.IYSExport(fx.ctx, sales); !errors.Is(err, ErrForbidden) {
		t.Errorf("Satış exports: %v", err)
	}
	if _, err := fx.st.IYSOverdue(fx.ctx, sales); !errors.Is(err, ErrForbidden) {
		t.Errorf("Satış reads the İYS standing: %v", err)
	}
	if _, err := fx.st.IYSBatches(fx.ctx, sales); !errors.Is(err, ErrForbidden) {
		t.Errorf("Satış lists batches: %v", err)
	}
	if _, err := fx.st.IYSImport(fx.ctx, sales, &iys.File{}, "x.json"); !errors.Is(err, ErrForbidden) {
		t.Errorf("Satış imports: %v", err)
	}
	marketing := fx.shippedRoleActor(t, 3, "pazarlama@firma.com.tr")
	if b, _, err := fx.st.IYSExport(fx.ctx, marketing); err != nil || b.Records != 1 {
		t.Errorf("Pazarlama exports: %+v %v", b, err)
	}
	if !CanIYSImport(marketing) || CanIYSImport(sales) || CanIYSExport(sales) {
		t.Error("CanIYS… disagree with the roles")
	}
}
