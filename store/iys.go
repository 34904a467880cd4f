package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kobicrm/store/iys"
	"kobicrm/store/tr"
)

// The ETK ledger's way to İYS. Every decision recorded here must reach
// İYS within 3 business days: IYSExport makes the bulk file of what has not
// gone yet, IYSOverdue warns of what is late, IYSImport brings İYS's own
// status answers back into the ledger.
//
// Rights: the export is the firm's one submission to İYS, so it takes the
// consents export right for all records (a narrower scope would send some
// decisions and hold back others): anything less is ErrForbidden. The
// import takes the import and create rights on consents, and reaches only
// the customers within the import scope.

// ErrNothingToExport says that no ledger record waits for İYS.
var ErrNothingToExport = errors.New("no consent record waits for İYS")

// The states of a ledger record towards İYS (consents.iys_state).
const (
	iysPending  = ""
	iysSent     = "sent"
	iysFirstRET = "first_ret"
	iysInvalid  = "invalid"
	iysReceived = "received"
)

// IYSBatch is one bulk file made for İYS.
type IYSBatch struct {
	ID        int64
	CreatedAt time.Time
	UserID    int64
	UserName  string
	Records   int // in the file
	LeftOut   int // handled but left out of the file: a first RET, an address İYS does not take
}

// requireIYSExport lets through the actors who may send the firm's
// decisions to İYS.
func requireIYSExport(a *Actor) error {
	if a == nil || a.Scope(Consents, ActExport) != ScopeAll {
		return ErrForbidden
	}
	return nil
}

// CanIYSExport says whether the actor may make and download İYS files.
func CanIYSExport(a *Actor) bool { return requireIYSExport(a) == nil }

// CanIYSImport says whether the actor may apply İYS status files.
func CanIYSImport(a *Actor) bool { return a.Can(Consents, ActImport) && a.Can(Consents, ActCreate) }

// pendingIYS is the query of the records waiting for İYS, oldest first;
// its WHERE is the consents_unexported index's.
const pendingIYS = `SELECT id, channel, recipient, status, source, recipient_type, consent_date FROM consents
	WHERE iys_state = '' AND deleted_at IS NULL ORDER BY consent_date, id LIMIT ?`

// IYSExport makes the next bulk file for İYS from the ledger records not
// yet handled, oldest first, at most iys.MaxRecords of them (the rest wait
// for the next call), and returns the batch and the file. In one
// transaction it keeps the file in iys_exports and marks the records with
// the batch, so that a record is in exactly one file, or none.
//
// İYS refuses a RET as the first record of an address on a channel. A RET
// whose address has no ONAY in İYS yet (none sent or received before, none
// earlier in this file) is therefore left out of the file, and a record
// whose address İYS does not take for the channel (a landline for SMS) as
// well. Both are marked handled by the batch rather than left waiting:
// offered again they would be refused again, forever, and keep the overdue
// warning lit. A left-out RET loses nothing: without an ONAY, İYS already
// treats the address as not consenting. The batch counts them (LeftOut).
func (s *Store) IYSExport(ctx context.Context, a *Actor) (*IYSBatch, []byte, error) {
	if err := requireIYSExport(a); err != nil {
		return nil, nil, err
	}
	var batch *IYSBatch
	var body []byte
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		batch, body, err = s.iysExportTx(ctx, tx, a)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return batch, body, nil
}

// iysPendingRecord is a ledger record on its way to İYS.
type iysPendingRecord struct {
	id  int64
	rec iys.Record
}

func (s *Store) iysExportTx(ctx context.Context, tx *sql.Tx, a *Actor) (*IYSBatch, []byte, error) {
	pending, err := readPendingIYS(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	if len(pending) == 0 {
		return nil, nil, ErrNothingToExport
	}
	states, recs, err := iysSort(ctx, tx, pending)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := iys.WriteJSON(&b, recs); err != nil {
		return nil, nil, fmt.Errorf("İYS export: %w", err)
	}
	created := now().UTC()
	batch := &IYSBatch{CreatedAt: created.Truncate(time.Millisecond), UserID: a.UserID, UserName: a.Name,
		Records: len(recs), LeftOut: len(pending) - len(recs)}
	var user any
	if a.UserID > 0 {
		user = a.UserID
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO iys_exports (created_at, user_id, records, left_out, body) VALUES (?, ?, ?, ?, ?)",
		timeText(created), user, batch.Records, batch.LeftOut, b.String())
	if err != nil {
		return nil, nil, fmt.Errorf("save İYS export: %w", err)
	}
	if batch.ID, err = res.LastInsertId(); err != nil {
		return nil, nil, fmt.Errorf("save İYS export: %w", err)
	}
	if err := markIYS(ctx, tx, batch.ID, pending, states); err != nil {
		return nil, nil, err
	}
	err = audit(ctx, tx, a, ActionExport, s.mod(Consents), 0, []Change{
		{Field: "format", New: "iys"}, {Field: "batch", New: batch.ID},
		{Field: "count", New: batch.Records}, {Field: "left_out", New: batch.LeftOut},
	})
	if err != nil {
		return nil, nil, err
	}
	return batch, b.Bytes(), nil
}

// markIYS marks the batch's records with it and their states, one UPDATE
// a state: an UPDATE a record made the batch quadratic, each statement
// truncating the savepoint's growing statement journal (1.3 s a batch).
func markIYS(ctx context.Context, tx *sql.Tx, batch int64, pending []iysPendingRecord, states []string) error {
	byState := map[string][]int64{}
	for i, p := range pending {
		byState[states[i]] = append(byState[states[i]], p.id)
	}
	for state, ids := range byState {
		list, err := json.Marshal(ids)
		if err != nil {
			return fmt.Errorf("mark exported consents: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE consents SET iys_export_id = ?, iys_state = ?
			WHERE id IN (SELECT value FROM json_each(?))`, batch, state, string(list))
		if err != nil {
			return fmt.Errorf("mark %d consents %s in İYS export %d: %w", len(ids), state, batch, err)
		}
	}
	return nil
}

func readPendingIYS(ctx context.Context, tx *sql.Tx) ([]iysPendingRecord, error) {
	rows, err := tx.QueryContext(ctx, pendingIYS, iys.MaxRecords)
	if err != nil {
		return nil, fmt.Errorf("read consents for İYS: %w", err)
	}
	var out []iysPendingRecord
	for rows.Next() {
		var p iysPendingRecord
		var date string
		if err := rows.Scan(&p.id, &p.rec.Type, &p.rec.Recipient, &p.rec.Status, &p.rec.Source, &p.rec.RecipientType, &date); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read consents for İYS: %w", err)
		}
		if p.rec.ConsentDate, err = time.Parse(tr.DateTimeLayout, date); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consent %d: date %q: %w", p.id, date, err)
		}
		out = append(out, p)
	}
	return out, closeRows(rows, "consents for İYS")
}

// iysSort decides, record by record in order, what goes into the file:
// the state each record takes, and the records of the file.
func iysSort(ctx context.Context, tx *sql.Tx, pending []iysPendingRecord) ([]string, []iys.Record, error) {
	states := make([]string, len(pending))
	recs := make([]iys.Record, 0, len(pending))
	granted := map[[2]string]bool{} // (channel, recipient) with an ONAY in İYS or in this file
	known, err := tx.PrepareContext(ctx, `SELECT count(*) FROM consents WHERE recipient = ? AND channel = ?
		AND status = 'ONAY' AND iys_state IN ('sent', 'received')`)
	if err != nil {
		return nil, nil, fmt.Errorf("İYS first-record check: %w", err)
	}
	defer known.Close()
	for i, p := range pending {
		key := [2]string{p.rec.Type, p.rec.Recipient}
		switch {
		case iys.Check(p.rec) != nil:
			states[i] = iysInvalid
			continue
		case p.rec.Status == ConsentGranted:
			granted[key] = true
		case !granted[key]:
			var n int
			if err := known.QueryRowContext(ctx, p.rec.Recipient, p.rec.Type).Scan(&n); err != nil {
				return nil, nil, fmt.Errorf("İYS first-record check of consent %d: %w", p.id, err)
			}
			if n == 0 {
				states[i] = iysFirstRET
				continue
			}
			granted[key] = true // known: no need to ask again
		}
		states[i] = iysSent
		recs = append(recs, p.rec)
	}
	return states, recs, nil
}

// IYSBatches lists the bulk files made so far, newest first, at most 100.
func (s *Store) IYSBatches(ctx context.Context, a *Actor) ([]IYSBatch, error) {
	if err := requireIYSExport(a); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx, `SELECT e.id, e.created_at, coalesce(e.user_id, 0), coalesce(u.name, ''), e.records, e.left_out
		FROM iys_exports e LEFT JOIN users u ON u.id = e.user_id ORDER BY e.id DESC LIMIT 100`)
	if err != nil {
		return nil, fmt.Errorf("list İYS exports: %w", err)
	}
	var out []IYSBatch
	for rows.Next() {
		var b IYSBatch
		var created string
		if err := rows.Scan(&b.ID, &created, &b.UserID, &b.UserName, &b.Records, &b.LeftOut); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list İYS exports: %w", err)
		}
		if b.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
	}
	return out, closeRows(rows, "İYS exports")
}

// IYSBatchFile is an earlier bulk file again, as it was made, for the
// format asked ("json" or "csv"). Nothing is marked: it only takes a copy
// away, which the audit trail records like any export.
func (s *Store) IYSBatchFile(ctx context.Context, a *Actor, id int64, format string) ([]byte, error) {
	if err := requireIYSExport(a); err != nil {
		return nil, err
	}
	if format != "json" && format != "csv" {
		return nil, fmt.Errorf("%w: İYS file format %q", ErrBadQuery, format)
	}
	var body string
	err := s.reads.queryRow(ctx, "SELECT body FROM iys_exports WHERE id = ?", id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read İYS export %d: %w", id, err)
	}
	out := []byte(body)
	if format == "csv" {
		// The JSON file is the record of what was sent; the CSV is made
		// from it, so that both always say the same.
		f, err := iys.Read(strings.NewReader(body))
		if err != nil || len(f.Problems) > 0 {
			return nil, fmt.Errorf("read back İYS export %d: %v", id, errors.Join(err, problemsErr(f)))
		}
		var b bytes.Buffer
		if err := iys.WriteCSV(&b, f.Records); err != nil {
			return nil, fmt.Errorf("İYS export %d as CSV: %w", id, err)
		}
		out = b.Bytes()
	}
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return audit(ctx, tx, a, ActionExport, s.mod(Consents), 0, []Change{{Field: "format", New: "iys-" + format}, {Field: "batch", New: id}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func problemsErr(f *iys.File) error {
	if f == nil || len(f.Problems) == 0 {
		return nil
	}
	return f.Problems[0]
}

// IYSStanding is how the ledger stands with İYS: how many records wait,
// how many ONAY records are past the 3-business-day limit, and the oldest
// of those.
type IYSStanding struct {
	Pending int
	Overdue int
	// OverdueSince is the start of the day (Istanbul) before which an
	// unsent ONAY is late.
	OverdueSince time.Time
	Oldest       []IYSOverdueRecord // at most iysOldestShown, oldest first
}

// IYSOverdueRecord is one late ONAY.
type IYSOverdueRecord struct {
	ID          int64
	CustomerID  int64
	Channel     string
	Recipient   string
	ConsentDate time.Time
}

const iysOldestShown = 5

// iysBusinessDays is the limit the law gives for a consent to reach İYS.
const iysBusinessDays = 3

// iysOverdueSince is the moment before which a consent is past the limit
// at t: the start (Istanbul) of the third business day counting back from
// t's day, that day included. A Friday consent's third business day is
// Wednesday, so on Wednesday it is late and on Tuesday not yet; a
// weekend's consent is late from Wednesday too. Business days are Monday
// to Friday: Turkish public holidays (some of which move with the lunar
// calendar) are not modelled, so the warning may come a day or two early
// around them, never late.
func iysOverdueSince(t time.Time) time.Time {
	y, m, d := t.In(tr.Istanbul).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, tr.Istanbul)
	for n := 0; ; day = day.AddDate(0, 0, -1) {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			if n++; n == iysBusinessDays {
				return day
			}
		}
	}
}

// IYSOverdue says how the ledger stands with İYS, for those who send to it.
func (s *Store) IYSOverdue(ctx context.Context, a *Actor) (*IYSStanding, error) {
	if err := requireIYSExport(a); err != nil {
		return nil, err
	}
	st := &IYSStanding{OverdueSince: iysOverdueSince(now())}
	since := st.OverdueSince.UTC().Format(tr.DateTimeLayout)
	const waiting = "FROM consents WHERE iys_state = '' AND deleted_at IS NULL"
	err := s.reads.queryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE status = 'ONAY' AND consent_date < ?) "+waiting, since).
		Scan(&st.Pending, &st.Overdue)
	if err != nil {
		return nil, fmt.Errorf("count consents waiting for İYS: %w", err)
	}
	if st.Overdue == 0 {
		return st, nil
	}
	rows, err := s.reads.query(ctx, "SELECT id, customer_id, channel, recipient, consent_date "+waiting+
		" AND status = 'ONAY' AND consent_date < ? ORDER BY consent_date, id LIMIT ?", since, iysOldestShown)
	if err != nil {
		return nil, fmt.Errorf("list late consents: %w", err)
	}
	for rows.Next() {
		var r IYSOverdueRecord
		var date string
		if err := rows.Scan(&r.ID, &r.CustomerID, &r.Channel, &r.Recipient, &date); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list late consents: %w", err)
		}
		r.ConsentDate, _ = time.Parse(tr.DateTimeLayout, date)
		st.Oldest = append(st.Oldest, r)
	}
	return st, closeRows(rows, "late consents")
}

// IYSLateCount counts the ONAY records late for İYS, as IYSOverdue does,
// but stops at most: the home page says "100+" rather than count a
// backlog of hundreds of thousands on every visit.
func (s *Store) IYSLateCount(ctx context.Context, a *Actor, most int) (int, error) {
	if err := requireIYSExport(a); err != nil {
		return 0, err
	}
	since := iysOverdueSince(now()).UTC().Format(tr.DateTimeLayout)
	var n int
	err := s.reads.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM consents
		WHERE iys_state = '' AND deleted_at IS NULL AND consent_date < ? AND status = 'ONAY' LIMIT ?)`, since, most).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count consents late for İYS: %w", err)
	}
	return n, nil
}

// IYSImportReport is what applying a status file did.
type IYSImportReport struct {
	FileName  string
	Records   int // good records in the file
	Applied   int // ledger records added (one per matching customer)
	Unchanged int // records whose customers' state was already the file's
	Unmatched []IYSImportRow
	Failed    []IYSImportRow
}

// IYSImportRow names a record of the file the report speaks of.
type IYSImportRow struct {
	Row, Line int
	Field     string // the file's field name, or ""
	Recipient string
	Msg       Msg // why: a catalogue key and its arguments
}

// IYSImport applies an İYS status file to the ledger. Each good record
// is looked up among the live customers within the actor's import scope
// whose main phone, other phones (ARAMA, MESAJ) or e-mail (EPOSTA) is the
// recipient; for each whose latest decision on that address differs from
// the file's, a ledger record is added through the engine's insert (its
// checks, audit and consent hooks), with the file's source and date and
// "İYS: <file>" as evidence. Such records came from İYS and are never
// exported back. Each file record is applied in a transaction of its own:
// one that fails leaves nothing written and does not stop the others.
// Bad records of the file (Problems) are reported as failed.
func (s *Store) IYSImport(ctx context.Context, a *Actor, file *iys.File, fileName string) (*IYSImportReport, error) {
	m := s.mod(Consents)
	if !CanIYSImport(a) {
		return nil, ErrForbidden
	}
	rep := &IYSImportReport{FileName: fileName, Records: len(file.Records)}
	for _, p := range file.Problems {
		row := IYSImportRow{Row: p.Row, Line: p.Line, Field: p.Field, Msg: Msg{Key: "iys.err." + p.Code}}
		if p.Field == iys.FieldRecipient {
			row.Recipient = p.Value
		}
		if iys.ShowsValue(p.Code) {
			row.Msg.Args = []any{p.Value}
		}
		rep.Failed = append(rep.Failed, row)
	}
	evidence := "İYS: " + fileName
	for _, rec := range file.Records {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var applied, unchanged, matched int
		err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
			applied, unchanged, matched = 0, 0, 0
			ids, err := iysMatches(ctx, tx, a, rec)
			if err != nil {
				return err
			}
			matched = len(ids)
			for _, id := range ids {
				var status string
				err := tx.QueryRowContext(ctx, `SELECT status FROM consents WHERE customer_id = ? AND channel = ? AND recipient = ?
					AND deleted_at IS NULL ORDER BY consent_date DESC, id DESC LIMIT 1`, id, rec.Type, rec.Recipient).Scan(&status)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("consent state of %d: %w", id, err)
				}
				if status == rec.Status {
					unchanged++
					continue
				}
				vals := m.NewValues()
				for k, v := range (Values{"customer_id": id, "channel": rec.Type, "recipient": rec.Recipient, "status": rec.Status,
					"source": rec.Source, "recipient_type": rec.RecipientType,
					"consent_date": rec.ConsentDate.UTC().Format(tr.DateTimeLayout), "evidence": evidence}) {
					vals[k] = v
				}
				saved, err := s.insert(ctx, tx, a, m, vals)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE consents SET iys_state = ? WHERE id = ?", iysReceived, saved.ID); err != nil {
					return fmt.Errorf("mark consent %d received: %w", saved.ID, err)
				}
				applied++
			}
			return nil
		})
		row := IYSImportRow{Row: rec.Row, Line: rec.Line, Recipient: rec.Recipient}
		if v, ok := AsValidation(err); ok {
			for field, msg := range v.Fields {
				row.Field, row.Msg = iysFieldName(field), msg
				break
			}
			rep.Failed = append(rep.Failed, row)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("İYS import, record %d: %w", rec.Row, err)
		}
		switch {
		case matched == 0:
			row.Msg = Msg{Key: "iys.unmatched"}
			rep.Unmatched = append(rep.Unmatched, row)
		case applied == 0:
			rep.Unchanged++
		}
		rep.Applied += applied
	}
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return audit(ctx, tx, a, ActionImport, m, 0, []Change{
			{Field: "format", New: "iys"}, {Field: "file", New: fileName},
			{Field: "applied", New: rep.Applied}, {Field: "unchanged", New: rep.Unchanged},
			{Field: "unmatched", New: len(rep.Unmatched)}, {Field: "failed", New: len(rep.Failed)},
		})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// iysFieldName is the file's name of a ledger field, for the report.
func iysFieldName(field string) string {
	switch field {
	case "consent_date":
		return iys.FieldConsentDate
	case "recipient_type":
		return iys.FieldRecipientType
	case "channel":
		return iys.FieldType
	case "source", "recipient", "status":
		return field
	}
	return ""
}

// iysMatches are the live customers within the actor's import scope that
// an İYS record's recipient belongs to.
func iysMatches(ctx context.Context, tx *sql.Tx, a *Actor, rec iys.Record) ([]int64, error) {
	query := `SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND (c.phone = ?1
		OR c.id IN (SELECT record_id FROM customers_phones WHERE number = ?1))`
	if rec.Type == ChannelEmail {
		query = "SELECT c.id FROM customers c WHERE c.deleted_at IS NULL AND c.email = ?1"
	}
	args := []any{rec.Recipient}
	if sc := a.Scope(Consents, ActImport); sc != ScopeAll {
		cond, more := ownerCond(sc, "c.owner_id", a.UserID)
		query += " AND " + cond
		args = append(args, more...)
	}
	rows, err := tx.QueryContext(ctx, query+" ORDER BY c.id", args...)
	if err != nil {
		return nil, fmt.Errorf("customers of %s: %w", rec.Recipient, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("customers of %s: %w", rec.Recipient, err)
		}
		ids = append(ids, id)
	}
	return ids, closeRows(rows, "customers of a recipient")
}
