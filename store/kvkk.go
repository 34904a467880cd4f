package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// KVKK (Law 6698): the firm keeps two texts, the privacy notice
// (aydınlatma metni, Article 10) and the explicit-consent text (açık rıza),
// each in numbered versions that are never changed, and per person which
// notice version was handed over and whether they gave or withdrew their
// explicit consent to analysis and profiling, with which version, when
// and recorded by whom. A company is no natural person: KVKK does not
// protect it, so it has no KVKK record and may always be analysed.

// The two kinds of KVKK text.
const (
	KVKKNotice  = "notice"  // aydınlatma metni
	KVKKConsent = "consent" // açık rıza metni
)

// KVKKTextKinds are the text kinds in the order pages show them.
var KVKKTextKinds = []string{KVKKNotice, KVKKConsent}

// The kinds of KVKK event on a person.
const (
	KVKKEventNotice           = "notice"            // the current notice was given
	KVKKEventConsentGiven     = "consent_given"     // explicit consent to the current consent text
	KVKKEventConsentWithdrawn = "consent_withdrawn" // that consent withdrawn
)

// KVKKEventKinds are the event kinds in the order pages offer them.
var KVKKEventKinds = []string{KVKKEventNotice, KVKKEventConsentGiven, KVKKEventConsentWithdrawn}

// Limits on what people type: a text is a page or a few, a note a line.
const (
	kvkkBodyMax = 100_000
	kvkkNoteMax = 500
)

// KVKKText is one version of a KVKK text.
type KVKKText struct {
	ID        int64
	Kind      string // KVKKNotice or KVKKConsent
	Version   int
	Body      string // Markdown
	CreatedAt time.Time
	CreatedBy string // the user's name; "" for the command line
}

// KVKKTextSet is what the administrators' page shows: the current version
// of each kind (nil when none is written yet) and every version, newest
// first.
type KVKKTextSet struct {
	Notice  *KVKKText
	Consent *KVKKText
	History []KVKKText
}

// Current is the current version of a kind, or nil.
func (t *KVKKTextSet) Current(kind string) *KVKKText {
	if kind == KVKKConsent {
		return t.Consent
	}
	return t.Notice
}

// kvkkTextsModule names the texts in the audit trail. They are no module
// of records (no list, no form of the generic kind), so it is not
// registered; the trail keeps its entries under this key.
var kvkkTextsModule = &Module{Key: "kvkk_texts", Table: "kvkk_texts", Label: "kvkk.texts_title"}

// ActionKVKKText is the audit action of saving a new text version; the
// events on a person are audited as "kvkk_" + the event's kind.
const ActionKVKKText = "kvkk_text"

const kvkkTextColumns = `t.id, t.kind, t.version, t.body, t.created_at, COALESCE(u.name, '')`

// KVKKTexts returns the current version of each text and the history of
// all versions. Any logged-in user may read them: they are what the firm
// hands to its customers, not anyone's personal data.
func (s *Store) KVKKTexts(ctx context.Context, a *Actor) (*KVKKTextSet, error) {
	if a == nil {
		return nil, ErrForbidden
	}
	rows, err := s.reads.query(ctx, `SELECT `+kvkkTextColumns+` FROM kvkk_texts t
		LEFT JOIN users u ON u.id = t.created_by
		ORDER BY t.created_at DESC, t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("read kvkk texts: %w", err)
	}
	out := &KVKKTextSet{}
	for rows.Next() {
		t, err := scanKVKKText(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read kvkk texts: %w", err)
		}
		out.History = append(out.History, *t)
	}
	if err := closeRows(rows, "kvkk texts"); err != nil {
		return nil, err
	}
	// The current version is the highest number of its kind.
	for i := range out.History {
		t := &out.History[i]
		if cur := out.Current(t.Kind); cur == nil || t.Version > cur.Version {
			if t.Kind == KVKKConsent {
				out.Consent = t
			} else {
				out.Notice = t
			}
		}
	}
	return out, nil
}

// KVKKText returns one version of a text by its id, for anyone logged in.
func (s *Store) KVKKText(ctx context.Context, a *Actor, id int64) (*KVKKText, error) {
	if a == nil {
		return nil, ErrForbidden
	}
	t, err := scanKVKKText(s.reads.queryRow(ctx, `SELECT `+kvkkTextColumns+` FROM kvkk_texts t
		LEFT JOIN users u ON u.id = t.created_by WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read kvkk text %d: %w", id, err)
	}
	return t, nil
}

func scanKVKKText(row scanner) (*KVKKText, error) {
	var t KVKKText
	var at string
	if err := row.Scan(&t.ID, &t.Kind, &t.Version, &t.Body, &at, &t.CreatedBy); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &t, nil
}

// normalKVKKBody is a text as it is kept and compared: line ends of any
// system as \n, no blank edges. A body saved again from another browser
// (CRLF) is then the same body, not a new version.
func normalKVKKBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", "\n"))
}

// SaveKVKKText saves body as the next version of a kind of text, for
// administrators. A version is never changed: what a person was given
// must stay readable as it was. A body equal to the current version's
// makes no new version; created says whether one was made.
func (s *Store) SaveKVKKText(ctx context.Context, a *Actor, kind, body string) (t *KVKKText, created bool, err error) {
	if err := authorize(a, "kvkk_texts", "admin"); err != nil {
		return nil, false, err
	}
	errs := &ValidationError{}
	body = normalKVKKBody(body)
	switch {
	case kind != KVKKNotice && kind != KVKKConsent:
		errs.Add("kind", "error.choice")
	case body == "":
		errs.Add("body", "error.required")
	case utf8.RuneCountInString(body) > kvkkBodyMax:
		errs.Add("body", "error.too_long", kvkkBodyMax)
	}
	if err := errs.Err(); err != nil {
		return nil, false, err
	}
	var id int64
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var last int
		var lastBody string
		err := tx.QueryRowContext(ctx, `SELECT id, version, body FROM kvkk_texts WHERE kind = ? ORDER BY version DESC LIMIT 1`, kind).
			Scan(&id, &last, &lastBody)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read current kvkk %s text: %w", kind, err)
		}
		if err == nil && lastBody == body {
			return nil // unchanged: id is the current version
		}
		var user any
		if a.UserID > 0 {
			user = a.UserID
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO kvkk_texts (kind, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
			kind, last+1, body, timeText(now()), user)
		if err != nil {
			return fmt.Errorf("save kvkk %s text: %w", kind, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("save kvkk %s text: %w", kind, err)
		}
		created = true
		return audit(ctx, tx, a, ActionKVKKText, kvkkTextsModule, id, []Change{{Field: kind, New: strconv.Itoa(last + 1)}})
	})
	if err != nil {
		return nil, false, err
	}
	t, err = s.KVKKText(ctx, a, id)
	return t, created, err
}

// KVKKEvent is one line of a person's KVKK record.
type KVKKEvent struct {
	ID      int64
	Kind    string // KVKKEventNotice, KVKKEventConsentGiven, KVKKEventConsentWithdrawn
	TextID  int64  // the text version given, consented to or withdrawn from; 0 for none
	Version int    // that version's number; 0 for none
	At      time.Time
	User    string // who recorded it; "" for the command line
	Note    string
}

// KVKKStatus is a person's KVKK state: the latest notice given, the state
// of their explicit consent (given, withdrawn, or none yet) with the event
// that set it, and every event, newest first.
type KVKKStatus struct {
	Notice  *KVKKEvent // nil: no notice given yet
	Consent string     // KVKKEventConsentGiven, KVKKEventConsentWithdrawn, or "" for none
	// ConsentEvent is the event that set Consent (nil for none).
	ConsentEvent *KVKKEvent
	Events       []KVKKEvent
}

// KVKKStatus reads a person's KVKK record for a user who may read the
// customer. A company has none: the answer is ErrNotPerson.
func (s *Store) KVKKStatus(ctx context.Context, a *Actor, customerID int64) (*KVKKStatus, error) {
	m := s.mod(Customers)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return nil, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, customerID); err != nil {
		return nil, err
	}
	if err := requirePerson(ctx, s.reads, customerID); err != nil {
		return nil, err
	}
	rows, err := s.reads.query(ctx, `SELECT e.id, e.kind, COALESCE(e.text_id, 0), COALESCE(t.version, 0), e.at,
			COALESCE(u.name, ''), e.note
		FROM kvkk_events e
		LEFT JOIN kvkk_texts t ON t.id = e.text_id
		LEFT JOIN users u ON u.id = e.user_id
		WHERE e.customer_id = ?
		ORDER BY e.at DESC, e.id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("read kvkk events of %d: %w", customerID, err)
	}
	out := &KVKKStatus{}
	for rows.Next() {
		var e KVKKEvent
		var at string
		if err := rows.Scan(&e.ID, &e.Kind, &e.TextID, &e.Version, &at, &e.User, &e.Note); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read kvkk events of %d: %w", customerID, err)
		}
		if e.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		out.Events = append(out.Events, e)
	}
	if err := closeRows(rows, "kvkk events"); err != nil {
		return nil, err
	}
	// Newest first: the first of a kind is its latest.
	for i := range out.Events {
		e := &out.Events[i]
		switch {
		case e.Kind == KVKKEventNotice && out.Notice == nil:
			out.Notice = e
		case e.Kind != KVKKEventNotice && out.ConsentEvent == nil:
			out.ConsentEvent, out.Consent = e, e.Kind
		}
	}
	return out, nil
}

// ErrNotPerson refuses a KVKK record for a company: the law protects
// natural persons only. Its Msg is the message for people.
var ErrNotPerson = &ValidationError{Fields: map[string]Msg{"kind": {Key: "error.kvkk_company"}}}

// requirePerson is nil when live customer id is a person, ErrNotPerson
// for a company.
func requirePerson(ctx context.Context, q querier, id int64) error {
	var kind string
	err := q.QueryRowContext(ctx, "SELECT kind FROM customers WHERE id = ? AND deleted_at IS NULL", id).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read kind of customer %d: %w", id, err)
	}
	if kind != "person" {
		return ErrNotPerson
	}
	return nil
}

// RecordKVKK records, now, that the current notice was given to a person
// (notice), that they gave explicit consent to the current consent text
// (consent_given), or that they withdrew it (consent_withdrawn), with an
// optional note (how: on paper, by phone). It takes the right to edit the
// customer, and writes an audit entry on the customer in the same
// transaction.
func (s *Store) RecordKVKK(ctx context.Context, a *Actor, customerID int64, kind, note string) (*KVKKEvent, error) {
	m := s.mod(Customers)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return nil, err
	}
	errs := &ValidationError{}
	note = strings.TrimSpace(note)
	if !isKVKKEventKind(kind) {
		errs.Add("kind", "error.choice")
	}
	if utf8.RuneCountInString(note) > kvkkNoteMax {
		errs.Add("note", "error.too_long", kvkkNoteMax)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var id int64
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, m, ActEdit, customerID); err != nil {
			return err
		}
		if err := requirePerson(ctx, tx, customerID); err != nil {
			return err
		}
		textID, version, err := kvkkEventText(ctx, tx, customerID, kind)
		if err != nil {
			return err
		}
		var user any
		if a.UserID > 0 {
			user = a.UserID
		}
		at := timeText(now())
		res, err := tx.ExecContext(ctx, `INSERT INTO kvkk_events (customer_id, kind, text_id, at, user_id, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, customerID, kind, textID, at, user, note, at)
		if err != nil {
			return fmt.Errorf("record kvkk %s of %d: %w", kind, customerID, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("record kvkk %s of %d: %w", kind, customerID, err)
		}
		changes := []Change{{Field: "kvkk_version", New: strconv.Itoa(version)}}
		if note != "" {
			changes = append(changes, Change{Field: "kvkk_note", New: note})
		}
		return audit(ctx, tx, a, "kvkk_"+kind, m, customerID, changes)
	})
	if err != nil {
		return nil, err
	}
	st, err := s.KVKKStatus(ctx, a, customerID)
	if err != nil {
		return nil, err
	}
	for i := range st.Events {
		if st.Events[i].ID == id {
			return &st.Events[i], nil
		}
	}
	return nil, fmt.Errorf("record kvkk %s of %d: event %d not read back", kind, customerID, id)
}

func isKVKKEventKind(kind string) bool {
	for _, k := range KVKKEventKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// kvkkEventText is the text version an event refers to: the current notice
// or consent text, which must exist (nobody can be given a text not yet
// written); for a withdrawal, the version the person consented to, which
// must be their state.
func kvkkEventText(ctx context.Context, tx *sql.Tx, customerID int64, kind string) (textID any, version int, err error) {
	if kind == KVKKEventConsentWithdrawn {
		var state string
		var id sql.NullInt64
		var v sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT e.kind, e.text_id, t.version FROM kvkk_events e
			LEFT JOIN kvkk_texts t ON t.id = e.text_id
			WHERE e.customer_id = ? AND `+kvkkConsentKinds+`
			ORDER BY e.at DESC, e.id DESC LIMIT 1`, customerID).Scan(&state, &id, &v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, 0, fmt.Errorf("read kvkk consent of %d: %w", customerID, err)
		}
		if state != KVKKEventConsentGiven {
			return nil, 0, &ValidationError{Fields: map[string]Msg{"kind": {Key: "error.kvkk_no_consent"}}}
		}
		if !id.Valid {
			return nil, 0, nil
		}
		return id.Int64, int(v.Int64), nil
	}
	textKind, missing := KVKKNotice, "error.kvkk_no_text_notice"
	if kind == KVKKEventConsentGiven {
		textKind, missing = KVKKConsent, "error.kvkk_no_text_consent"
	}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id, version FROM kvkk_texts WHERE kind = ? ORDER BY version DESC LIMIT 1`, textKind).Scan(&id, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, &ValidationError{Fields: map[string]Msg{"kind": {Key: missing}}}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read current kvkk %s text: %w", textKind, err)
	}
	return id, version, nil
}

// kvkkConsentKinds keeps the consent events of kvkk_events under alias e.
// It is written exactly as the partial index kvkk_events_consent's WHERE,
// so that SQLite may use that index: the latest consent event of a
// customer is then one index seek.
const kvkkConsentKinds = "e.kind IN ('consent_given', 'consent_withdrawn')"

// AnalysableCond is the SQL condition, on a customers table under alias,
// that keeps the customers the firm may analyse: every company, and the
// persons whose latest explicit-consent event (by time, then id) is
// consent_given. A person who never consented, or withdrew, is left out.
//
// Every analysis, scoring, segmentation or prediction over customers must
// filter its customers through this condition (or, for one customer,
// MayBeAnalysed): KVKK forbids processing a person's data for analysis
// without their explicit consent, and the seeds make it the firm's rule.
// It costs one index seek per customer (kvkk_events_consent).
func AnalysableCond(alias string) string {
	return "(" + alias + ".kind = 'company' OR (SELECT e.kind FROM kvkk_events e WHERE e.customer_id = " + alias + ".id AND " +
		kvkkConsentKinds + " ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'consent_given')"
}

// MayBeAnalysed says whether a customer the actor may read may be
// analysed, scored or predicted about: AnalysableCond for one record.
func (s *Store) MayBeAnalysed(ctx context.Context, a *Actor, customerID int64) (bool, error) {
	m := s.mod(Customers)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return false, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, customerID); err != nil {
		return false, err
	}
	var n int
	if err := s.reads.queryRow(ctx, "SELECT count(*) FROM customers c WHERE c.id = ? AND "+AnalysableCond("c"), customerID).Scan(&n); err != nil {
		return false, fmt.Errorf("may customer %d be analysed: %w", customerID, err)
	}
	return n > 0, nil
}
