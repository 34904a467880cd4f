package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// The ETK channels, as İYS names them: calls, SMS (and other messages to
// a phone), e-mail.
const (
	ChannelCall  = "ARAMA"
	ChannelSMS   = "MESAJ"
	ChannelEmail = "EPOSTA"
)

// Channels are the ETK channels in the order pages show them.
var Channels = []string{ChannelCall, ChannelSMS, ChannelEmail}

// Consent statuses and recipient types, as İYS names them.
const (
	ConsentGranted  = "ONAY"
	ConsentRefused  = "RET"
	RecipientPerson = "BIREYSEL"
	RecipientTrader = "TACIR"
)

// ConsentSources are the 13 sources İYS accepts for a consent.
var ConsentSources = []string{"HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_WEB", "HS_CAGRI_MERKEZI", "HS_SOSYAL_MEDYA",
	"HS_EPOSTA", "HS_MESAJ", "HS_MOBIL", "HS_EORTAM", "HS_ETKINLIK", "HS_2015", "HS_ATM", "HS_KARAR"}

// Consents is the ETK ledger: per customer, channel and address, every
// decision the customer made, never changed; the latest is the state.
var Consents = register(&Module{
	Key: "consents", Table: "consents", Label: "module.consents",
	SearchID: 4, NoGlobalSearch: true, TitleField: "recipient", DefaultSort: "consent_date",
	AppendOnly: true, Personal: true,
	Fields: []Field{
		{Name: "customer_id", Kind: Ref, Ref: "customers", Required: true, Parent: true, List: true, Filter: true},
		{Name: "channel", Kind: Choice, Choices: Channels, Required: true, List: true, Filter: true},
		{Name: "recipient", Kind: Text, List: true, Search: true, Max: 254},
		{Name: "status", Kind: Choice, Choices: []string{ConsentGranted, ConsentRefused}, Required: true, List: true, Filter: true},
		{Name: "source", Kind: Choice, Choices: ConsentSources, Required: true, Filter: true},
		{Name: "recipient_type", Kind: Choice, Choices: []string{RecipientPerson, RecipientTrader}, List: true, Filter: true},
		{Name: "consent_date", Kind: DateTime, List: true, Sort: true, Filter: true},
		{Name: "evidence", Kind: LongText, Max: 2000},
		{Name: "recorded_by", Kind: Ref, Ref: "users", Computed: true, List: true},
	},
	OnCreate: func(a *Actor, v Values) {
		v["recorded_by"] = nil
		if a != nil && a.UserID > 0 {
			v["recorded_by"] = a.UserID
		}
	},
	Prepare:   prepareConsent,
	Verify:    verifyConsent,
	AfterSave: consentSaved,
})

func prepareConsent(v Values, errs *ValidationError) {
	if v.Str("consent_date") == "" {
		v["consent_date"] = now().UTC().Format(tr.DateTimeLayout)
	} else if t, err := time.Parse(tr.DateTimeLayout, v.Str("consent_date")); err == nil && t.After(now().Add(time.Hour)) {
		errs.Add("consent_date", "error.consent_future")
	}
	if r := v.Str("recipient"); r != "" && v.Str("channel") != "" {
		norm, ok := normalRecipient(v.Str("channel"), r)
		if !ok {
			errs.Add("recipient", recipientError[v.Str("channel")])
			return
		}
		v["recipient"] = norm
	}
}

// verifyConsent fills what the customer's record tells (the address when
// none is given, the recipient type from the customer's kind) and refuses
// a decision about no address at all.
func verifyConsent(ctx context.Context, q querier, _ int64, v Values, errs *ValidationError) error {
	cust, err := customerAddresses(ctx, q, v["customer_id"])
	if err != nil || cust == nil {
		return err
	}
	if v.Str("recipient") == "" {
		v["recipient"] = cust.address(v.Str("channel"))
		if v.Str("recipient") == "" {
			errs.Add("recipient", "error.consent_no_address")
		}
	}
	if v.Str("recipient_type") == "" {
		v["recipient_type"] = cust.recipientType()
	}
	return nil
}

// consentSaved closes the customer's open consent tasks once every
// channel they can be reached on has a decision.
func consentSaved(ctx context.Context, s *Store, tx *sql.Tx, _ *Actor, _ int64, _, v Values) error {
	cust, err := customerAddresses(ctx, tx, v["customer_id"])
	if err != nil || cust == nil {
		return err
	}
	undecided, err := undecidedChannels(ctx, tx, cust)
	if err != nil || len(undecided) > 0 {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM activities WHERE customer_id = ? AND consent_task = 1
		AND status = 'planned' AND deleted_at IS NULL`, cust.id)
	if err != nil {
		return fmt.Errorf("close consent tasks: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("close consent tasks: %w", err)
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows, "consent tasks"); err != nil {
		return err
	}
	for _, id := range ids {
		// The program closes them, whoever's they are, as it opened them.
		if _, _, err := s.update(ctx, tx, SystemActor(), s.mod(Activities), id, Values{"status": "done"}); err != nil {
			return fmt.Errorf("close consent task %d: %w", id, err)
		}
	}
	return nil
}

// recipientError is the message for an address unfit for its channel.
var recipientError = map[string]string{
	ChannelCall:  "error.recipient_arama",
	ChannelSMS:   "error.recipient_mesaj",
	ChannelEmail: "error.recipient_eposta",
}

// normalRecipient is an address in the form the ledger keeps for the
// channel: +905321234567 for calls and SMS, the lower-case e-mail address.
func normalRecipient(channel, s string) (string, bool) {
	switch channel {
	case ChannelCall, ChannelSMS:
		return tr.Phone(s)
	case ChannelEmail:
		e, ok := tr.Email(s)
		return strings.ToLower(e), ok
	}
	return "", false
}

// channelLabelKey is the catalogue key of a channel's name.
func channelLabelKey(channel string) LabelKey { return LabelKey("choice.consents.channel." + channel) }

// channelNames names channels in Turkish for texts the program writes
// into records (a consent task's subject).
func channelNames(channels []string) string {
	names := map[string]string{ChannelCall: "Arama", ChannelSMS: "SMS", ChannelEmail: "E-posta"}
	out := make([]string, len(channels))
	for i, c := range channels {
		out[i] = names[c]
	}
	return strings.Join(out, ", ")
}

// custAddr is what the ETK rule needs of a customer: its kind and the
// addresses it can be reached at.
type custAddr struct {
	id     int64
	kind   string
	phone  string
	email  string
	phones []string // the other numbers
}

// address is the customer's main address for a channel, or "".
func (c *custAddr) address(channel string) string {
	if channel == ChannelEmail {
		return c.email
	}
	if c.phone != "" {
		return c.phone
	}
	if len(c.phones) > 0 {
		return c.phones[0]
	}
	return ""
}

// addresses are all the customer's addresses for a channel.
func (c *custAddr) addresses(channel string) []string {
	if channel == ChannelEmail {
		if c.email == "" {
			return nil
		}
		return []string{c.email}
	}
	var out []string
	if c.phone != "" {
		out = append(out, c.phone)
	}
	for _, p := range c.phones {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// recipientType is the İYS recipient type a customer starts with:
// companies are traders (opt-out), persons individuals (opt-in).
func (c *custAddr) recipientType() string {
	if c.kind == "company" {
		return RecipientTrader
	}
	return RecipientPerson
}

// customerAddresses reads a live customer's kind and addresses; nil when
// there is none (the reference check reports that).
func customerAddresses(ctx context.Context, q querier, id any) (*custAddr, error) {
	if id == nil {
		return nil, nil
	}
	// The phone list comes in the same row, in order, joined by the unit
	// separator (no phone number holds one): the 360° page and every
	// contact ask this, and a second query was a tenth of it.
	c := &custAddr{}
	var phones string
	err := q.QueryRowContext(ctx, `SELECT id, kind, phone, email,
		(SELECT coalesce(group_concat(number, char(31) ORDER BY position), '') FROM customers_phones WHERE record_id = customers.id)
		FROM customers WHERE id = ? AND deleted_at IS NULL`, id).
		Scan(&c.id, &c.kind, &c.phone, &c.email, &phones)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read customer %v: %w", id, err)
	}
	if phones != "" {
		c.phones = strings.Split(phones, "\x1f")
	}
	return c, nil
}

// Contactability is the one rule's answer: may the firm contact the
// customer on a channel for a purpose, and why (a reason code:
// transactional, granted, trader, refused, no_consent, no_address).
type Contactability struct {
	Allowed       bool
	Reason        string
	Channel       string
	Recipient     string
	RecipientType string
	Status        string    // the latest decision: ONAY, RET, or "" for none
	Date          time.Time // of the latest decision
	Source        string
}

// contactability applies the ETK rule to one address (the customer's main
// one for the channel when recipient is ""): transactional messages are
// always allowed; otherwise the latest decision on that address wins;
// without one, traders may be contacted until they refuse, individuals
// only after they grant.
func contactability(ctx context.Context, q querier, c *custAddr, channel, purpose, recipient string) (Contactability, error) {
	out := Contactability{Channel: channel, Recipient: recipient, RecipientType: c.recipientType()}
	if out.Recipient == "" {
		out.Recipient = c.address(channel)
	}
	if out.Recipient != "" {
		var date string
		err := q.QueryRowContext(ctx, `SELECT status, recipient_type, consent_date, source FROM consents
			WHERE customer_id = ? AND channel = ? AND recipient = ? AND deleted_at IS NULL
			ORDER BY consent_date DESC, id DESC LIMIT 1`, c.id, channel, out.Recipient).Scan(&out.Status, &out.RecipientType, &date, &out.Source)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return out, fmt.Errorf("consent of %d on %s: %w", c.id, channel, err)
		}
		out.Date, _ = time.Parse(tr.DateTimeLayout, date)
	}
	out.Allowed, out.Reason = etkRule(purpose, out)
	return out, nil
}

// etkRule is the ETK rule itself, on an address's latest decision (Status,
// "" for none) and recipient type.
func etkRule(purpose string, c Contactability) (allowed bool, reason string) {
	switch {
	case purpose == PurposeTransactional:
		return true, "transactional"
	case c.Recipient == "":
		return false, "no_address"
	case c.Status == ConsentGranted:
		return true, "granted"
	case c.Status == ConsentRefused:
		return false, "refused"
	case c.RecipientType == RecipientTrader:
		return true, "trader"
	}
	return false, "no_consent"
}

// undecidedChannels are the channels a customer has an address for but no
// decision on at all.
func undecidedChannels(ctx context.Context, q querier, c *custAddr) ([]string, error) {
	var out []string
	for _, ch := range Channels {
		if c.address(ch) == "" {
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, "SELECT count(*) FROM consents WHERE customer_id = ? AND channel = ? AND deleted_at IS NULL",
			c.id, ch).Scan(&n); err != nil {
			return nil, fmt.Errorf("consents of %d: %w", c.id, err)
		}
		if n == 0 {
			out = append(out, ch)
		}
	}
	return out, nil
}

// Contactable answers, from the one ETK rule, whether the firm may contact
// a customer the actor can see on a channel (ARAMA, MESAJ, EPOSTA) for a
// purpose (commercial, transactional), at the customer's main address.
func (s *Store) Contactable(ctx context.Context, a *Actor, customerID int64, channel, purpose string) (Contactability, error) {
	if !slices.Contains(Channels, channel) {
		return Contactability{}, fmt.Errorf("%w: channel %q", ErrBadQuery, channel)
	}
	if purpose != PurposeCommercial && purpose != PurposeTransactional {
		return Contactability{}, fmt.Errorf("%w: purpose %q", ErrBadQuery, purpose)
	}
	if err := requireScope(ctx, s.reads, a, s.mod(Customers), ActRead, customerID); err != nil {
		return Contactability{}, err
	}
	c, err := customerAddresses(ctx, s.reads, customerID)
	if err != nil {
		return Contactability{}, err
	}
	if c == nil {
		return Contactability{}, ErrNotFound
	}
	return contactability(ctx, s.reads, c, channel, purpose, "")
}

// ConsentStates are a customer's ETK standing for commercial contact, one
// per channel and address: each address the record holds, and each the
// ledger has a decision on. Undecided lists the channels with an address
// and no decision at all, for the "ask for consent" prompt.
type ConsentStates struct {
	States    []Contactability
	Undecided []string
}

// ConsentStatesOf reads a customer's ETK standing for the actor, who must
// be able to see the customer.
func (s *Store) ConsentStatesOf(ctx context.Context, a *Actor, customerID int64) (*ConsentStates, error) {
	if err := requireScope(ctx, s.reads, a, s.mod(Customers), ActRead, customerID); err != nil {
		return nil, err
	}
	c, err := customerAddresses(ctx, s.reads, customerID)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, ErrNotFound
	}
	return s.consentStates(ctx, c)
}

// ConsentStatesOfRecord is ConsentStatesOf for a customer the caller has
// just read with Get (the 360° page), its addresses taken from the record
// instead of read again. The addresses are not Sensitive fields, so no
// role hides them today; should one be declared so, a record read
// without it would lose its standing here, so they are then read as
// ConsentStatesOf reads them.
func (s *Store) ConsentStatesOfRecord(ctx context.Context, a *Actor, rec *Record) (*ConsentStates, error) {
	m := s.mod(Customers)
	for _, f := range []string{"phone", "phones", "email"} {
		if a.FieldAccess(m, f) == AccessHidden {
			return s.ConsentStatesOf(ctx, a, rec.ID)
		}
	}
	if rec.Module == nil || rec.Module.Key != Customers.Key || !rec.DeletedAt.IsZero() {
		return nil, ErrNotFound
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, rec.ID); err != nil {
		return nil, err
	}
	c := &custAddr{id: rec.ID, kind: rec.Values.Str("kind"), phone: rec.Values.Str("phone"), email: rec.Values.Str("email")}
	for _, p := range rec.Values.Phones("phones") {
		c.phones = append(c.phones, p.Number)
	}
	return s.consentStates(ctx, c)
}

// consentStates are the standings of the customer's addresses c, from
// its ledger.
func (s *Store) consentStates(ctx context.Context, c *custAddr) (*ConsentStates, error) {
	customerID := c.id
	// Every decision of the customer, each address's latest first: one
	// query for the whole section, however many addresses.
	type addr struct{ channel, recipient string }
	latest := map[addr]Contactability{}
	ledger := map[string][]string{} // channel → recipients with a decision, in order met
	rows, err := s.reads.query(ctx, `SELECT channel, recipient, status, recipient_type, consent_date, source FROM consents
		WHERE customer_id = ? AND deleted_at IS NULL ORDER BY channel, recipient, consent_date DESC, id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("consents of %d: %w", customerID, err)
	}
	for rows.Next() {
		var d Contactability
		var date string
		if err := rows.Scan(&d.Channel, &d.Recipient, &d.Status, &d.RecipientType, &date, &d.Source); err != nil {
			rows.Close()
			return nil, fmt.Errorf("consents of %d: %w", customerID, err)
		}
		k := addr{d.Channel, d.Recipient}
		if _, seen := latest[k]; seen {
			continue
		}
		d.Date, _ = time.Parse(tr.DateTimeLayout, date)
		latest[k] = d
		ledger[d.Channel] = append(ledger[d.Channel], d.Recipient)
	}
	if err := closeRows(rows, "consents"); err != nil {
		return nil, err
	}
	out := &ConsentStates{}
	for _, ch := range Channels {
		addrs := c.addresses(ch)
		for _, r := range ledger[ch] {
			if !slices.Contains(addrs, r) {
				addrs = append(addrs, r)
			}
		}
		for _, r := range addrs {
			st, ok := latest[addr{ch, r}]
			if !ok {
				st = Contactability{Channel: ch, Recipient: r, RecipientType: c.recipientType()}
			}
			st.Allowed, st.Reason = etkRule(PurposeCommercial, st)
			out.States = append(out.States, st)
		}
		if c.address(ch) != "" && len(ledger[ch]) == 0 {
			out.Undecided = append(out.Undecided, ch)
		}
	}
	return out, nil
}

// StateOf is the standing of one address on a channel, if listed.
func (cs *ConsentStates) StateOf(channel, recipient string) (Contactability, bool) {
	for _, st := range cs.States {
		if st.Channel == channel && st.Recipient == recipient {
			return st, true
		}
	}
	return Contactability{}, false
}

// ListedAddressStates are the ETK standings of a customer's main phone
// (for calls and SMS) and e-mail, for commercial messages, from the
// standing kept on its row by triggers (migration 0015) and read with it
// (Customers.Derived) by a list or a customer's contacts: no query of its
// own, and the reader's scope already applied.
func ListedAddressStates(rec *Record) []Contactability {
	v := rec.Values
	c := &custAddr{id: rec.ID, kind: v.Str("kind"), phone: v.Str("phone"), email: v.Str("email")}
	return c.mainStates([3]string{v.Str("etk_arama"), v.Str("etk_mesaj"), v.Str("etk_eposta")})
}

// mainStates are the commercial standings at the main phone and e-mail,
// given the decision kept for each channel (by position in Channels).
func (c *custAddr) mainStates(decided [3]string) []Contactability {
	states := make([]Contactability, 0, 3)
	for i, ch := range Channels {
		addr := c.phone
		if ch == ChannelEmail {
			addr = c.email
		}
		if addr == "" {
			continue
		}
		st := Contactability{Channel: ch, Recipient: addr, RecipientType: c.recipientType()}
		st.Status = decided[i]
		st.Allowed, st.Reason = etkRule(PurposeCommercial, st)
		states = append(states, st)
	}
	return states
}
