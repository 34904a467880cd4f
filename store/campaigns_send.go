package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kobicrm/store/mail"
	"kobicrm/store/tr"
)

// Sending a campaign's e-mail. The queue is the campaign's members on the
// e-mail channel: a pending member is claimed in one transaction (the ETK
// rule asked again, so a RET recorded since the launch is honoured: the
// member becomes excluded and nothing is sent), becoming "unknown" with a
// planned e-mail activity on the customer's timeline; the message goes
// out; a second transaction records the outcome — sent (the activity
// done) or failed with the server's answer (the activity cancelled). A
// member is claimed once only, so nothing is ever sent twice: when the
// program stops between the claim and the outcome (a crash, a power cut)
// the member stays "unknown" — the message may or may not have left — and
// is never sent again by itself; someone who knows may send it by hand.

// MailSender sends one message; *mail.Conn is one.
type MailSender interface {
	Send(from, to string, msg []byte) error
	Close()
}

// maxSendFailures is how many messages in a row may fail before sending
// stops, recording why on the campaign: a server that refuses or does not
// answer would otherwise fail the whole list.
const maxSendFailures = 3

// ErrMailNotConfigured is the answer to sending without SMTP settings.
var ErrMailNotConfigured = errors.New("store: SMTP settings missing")

// sendJob is what sending one campaign's messages on one channel needs
// to know.
type sendJob struct {
	id       int64
	channel  string // CampaignEmail or CampaignSMS
	owner    any
	subject  string // e-mail
	body     string // e-mail: Markdown; SMS: the text
	settings *MailSettings
	sms      *SMSSettings
	rate     int
	key      []byte
}

// UnsubscribeKey is the key that signs unsubscribe links.
func (s *Store) UnsubscribeKey(ctx context.Context) ([]byte, error) {
	return s.SecretKey(ctx, "unsubscribe", 32)
}

// CampaignsToSend are the running campaigns with e-mail members still
// pending and no sending problem recorded: what the server resumes when
// it starts.
func (s *Store) CampaignsToSend(ctx context.Context) ([]int64, error) {
	rows, err := s.reads.query(ctx, `SELECT c.id FROM campaigns c WHERE c.status = ? AND c.deleted_at IS NULL AND c.send_error = ''
		AND (EXISTS (SELECT 1 FROM campaign_members m WHERE m.campaign_id = c.id AND m.channel = ? AND m.status = ? AND m.deleted_at IS NULL)
			OR EXISTS (SELECT 1 FROM campaign_members m WHERE m.campaign_id = c.id AND m.channel = ? AND m.status = ? AND m.deleted_at IS NULL))
		ORDER BY c.id`, CampaignRunning, CampaignEmail, MemberPending, CampaignSMS, MemberPending)
	if err != nil {
		return nil, fmt.Errorf("campaigns to send: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("campaigns to send: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, closeRows(rows, "campaigns to send")
}

// MailProblem is why a campaign's e-mail cannot be sent now, as a
// catalogue key: no template chosen, or no SMTP settings; "" when it can
// (or it has no e-mail channel).
func (s *Store) MailProblem(ctx context.Context, a *Actor, id int64) (string, error) {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActRead); err != nil {
		return "", err
	}
	var channels string
	var tmpl sql.NullInt64
	if err := s.reads.queryRow(ctx, "SELECT channels, email_template_id FROM campaigns WHERE id = ?", id).Scan(&channels, &tmpl); err != nil {
		return "", fmt.Errorf("campaign %d template: %w", id, err)
	}
	if !strings.Contains(","+channels+",", ","+CampaignEmail+",") {
		return "", nil
	}
	if !tmpl.Valid {
		return "error.campaign_no_template", nil
	}
	settings, err := s.mailSettings(ctx, s.reads)
	if err != nil {
		return "", err
	}
	if !settings.Configured() {
		return "error.mail_not_configured", nil
	}
	return "", nil
}

// ResumeCampaignMail clears a campaign's recorded sending problem, so that
// its queue may be run again (the page's "resume").
func (s *Store) ResumeCampaignMail(ctx context.Context, a *Actor, id int64) error {
	m := s.mod(Campaigns)
	if err := authorize(a, m.Key, ActEdit); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, m, ActEdit, id); err != nil {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM campaigns WHERE id = ? AND deleted_at IS NULL", id).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("campaign %d: %w", id, err)
		}
		if status != CampaignRunning {
			errs := &ValidationError{}
			errs.Add("status", "error.campaign_not_running")
			return errs
		}
		_, _, err := s.update(ctx, tx, a, m, id, Values{"send_error": ""})
		return err
	})
}

// SendCampaignMail runs a campaign's e-mail queue through sender (nil:
// the SMTP server of the settings) at the settings' rate, until no member
// is pending, ctx ends, the campaign stops running, or maxSendFailures
// messages in a row fail — then the last failure is kept on the campaign
// as its send_error, and it waits for someone to resume it.
func (s *Store) SendCampaignMail(ctx context.Context, id int64, sender MailSender) error {
	job, err := s.sendJobOf(ctx, id)
	if err != nil || job == nil {
		return err
	}
	if sender == nil {
		sender = mail.NewConn(job.settings.Server())
	}
	defer sender.Close()
	return s.runQueue(ctx, job, func(c *claim) error { return sender.Send(job.settings.FromAddr, c.recipient, c.msg) })
}

// SendCampaign runs a campaign's queues: its e-mail, then its SMS, each
// when the campaign has the channel and it can be sent (MailProblem,
// SMSProblem).
func (s *Store) SendCampaign(ctx context.Context, id int64) error {
	sys := SystemActor()
	if p, err := s.MailProblem(ctx, sys, id); err != nil {
		return err
	} else if p == "" && s.hasChannel(ctx, id, CampaignEmail) {
		if err := s.SendCampaignMail(ctx, id, nil); err != nil {
			return err
		}
	}
	if p, err := s.SMSProblem(ctx, sys, id); err != nil {
		return err
	} else if p == "" && s.hasChannel(ctx, id, CampaignSMS) && ctx.Err() == nil {
		return s.SendCampaignSMS(ctx, id, nil)
	}
	return nil
}

func (s *Store) hasChannel(ctx context.Context, id int64, channel string) bool {
	var channels string
	if err := s.reads.queryRow(ctx, "SELECT channels FROM campaigns WHERE id = ?", id).Scan(&channels); err != nil {
		return false
	}
	return strings.Contains(","+channels+",", ","+channel+",")
}

// runQueue claims, delivers and records a job's members one by one at
// its rate (see SendCampaignMail).
func (s *Store) runQueue(ctx context.Context, job *sendJob, deliver func(*claim) error) error {
	id := job.id
	interval := time.Second / time.Duration(max(job.rate, 1))
	next := time.Now()
	failures := 0
	for ctx.Err() == nil {
		if wait := time.Until(next); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		next = next.Add(interval)
		if now := time.Now(); next.Before(now.Add(-interval)) {
			next = now // behind: no burst to catch up
		}
		c, err := s.claimMember(ctx, job)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if c == nil {
			return nil
		}
		if c.skipped {
			continue
		}
		sendErr := deliver(c)
		if err := s.recordSend(ctx, job, c, sendErr); err != nil {
			return err
		}
		if sendErr == nil {
			failures = 0
			continue
		}
		if failures++; failures >= maxSendFailures {
			return s.stopSending(ctx, id, sendErr)
		}
	}
	return nil
}

// sendJobOf reads what sending needs; nil when the campaign is not
// running or has a problem recorded.
func (s *Store) sendJobOf(ctx context.Context, id int64) (*sendJob, error) {
	settings, err := s.mailSettings(ctx, s.reads)
	if err != nil {
		return nil, err
	}
	if !settings.Configured() {
		return nil, ErrMailNotConfigured
	}
	job := &sendJob{id: id, channel: CampaignEmail, settings: settings, rate: settings.Rate}
	var status, sendErr string
	var owner sql.NullInt64
	err = s.reads.queryRow(ctx, `SELECT c.status, c.send_error, c.owner_id, coalesce(t.subject, ''), coalesce(t.body, '')
		FROM campaigns c LEFT JOIN email_templates t ON t.id = c.email_template_id AND t.deleted_at IS NULL
		WHERE c.id = ? AND c.deleted_at IS NULL`, id).Scan(&status, &sendErr, &owner, &job.subject, &job.body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", id, err)
	}
	if status != CampaignRunning || sendErr != "" {
		return nil, nil
	}
	if job.subject == "" {
		return nil, s.stopSending(ctx, id, errors.New("no e-mail template"))
	}
	if owner.Valid {
		job.owner = owner.Int64
	}
	if job.key, err = s.UnsubscribeKey(ctx); err != nil {
		return nil, err
	}
	return job, nil
}

// stopSending keeps why sending stopped on the campaign.
func (s *Store) stopSending(ctx context.Context, id int64, cause error) error {
	msg := cause.Error()
	if len(msg) > 900 {
		msg = msg[:900]
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, _, err := s.update(ctx, tx, SystemActor(), s.mod(Campaigns), id, Values{"send_error": msg})
		return err
	})
}

// claim is a member taken from the queue: its message, and the activity
// that records it; skipped when the ETK rule no longer allows it.
type claim struct {
	member    int64
	activity  int64
	recipient string
	msg       []byte // an e-mail in MIME form
	text      string // an SMS
	skipped   bool
}

// claimMember takes the campaign's next pending e-mail member in one
// transaction: asks the ETK rule again (a refusal since the launch makes
// it excluded, and nothing is sent), writes the message, marks the member
// unknown and plans its activity. nil when none is pending.
func (s *Store) claimMember(ctx context.Context, job *sendJob) (*claim, error) {
	var out *claim
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = nil
		var c claim
		var customer int64
		// A campaign completed, cancelled or deleted meanwhile sends no more.
		err := tx.QueryRowContext(ctx, `SELECT id, customer_id, recipient FROM campaign_members
			WHERE campaign_id = ? AND channel = ? AND status = ? AND deleted_at IS NULL
				AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = campaign_id AND c.status = ? AND c.deleted_at IS NULL)
			ORDER BY id LIMIT 1`,
			job.id, job.channel, MemberPending, CampaignRunning).Scan(&c.member, &customer, &c.recipient)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("queue of campaign %d: %w", job.id, err)
		}
		out = &c
		sys := SystemActor()
		members := s.mod(CampaignMembers)
		cust, err := customerAddresses(ctx, tx, customer)
		if err != nil {
			return err
		}
		allowed, reason := false, "no_address"
		if cust != nil && c.recipient != "" {
			st, err := contactability(ctx, tx, cust, campaignETK[job.channel], PurposeCommercial, c.recipient)
			if err != nil {
				return err
			}
			allowed, reason = st.Allowed, st.Reason
		}
		if !allowed {
			c.skipped = true
			_, _, err := s.update(ctx, tx, sys, members, c.member, Values{"status": MemberExcluded, "reason": reason})
			return err
		}
		values, err := mailMergeValues(ctx, tx, customer)
		if err != nil {
			return err
		}
		typ, subject, body, err := job.compose(&c, values)
		if err != nil {
			return err
		}
		act, err := s.insert(ctx, tx, sys, s.mod(Activities), Values{
			"type": typ, "subject": truncate(subject, 200), "customer_id": customer, "status": "planned",
			"direction": "out", "purpose": PurposeCommercial, "recipient": c.recipient, "owner_id": job.owner,
			"related_module": Campaigns.Key, "related_id": job.id, "description": truncate(body, 20000),
		})
		if err != nil {
			return fmt.Errorf("activity of member %d: %w", c.member, err)
		}
		c.activity = act.ID
		_, _, err = s.update(ctx, tx, sys, members, c.member, Values{"status": MemberUnknown})
		return err
	})
	return out, err
}

// compose writes a claimed member's message from the job's template and
// the customer's merge fields: the activity's type, subject and text.
func (job *sendJob) compose(c *claim, values map[string]string) (typ, subject, body string, err error) {
	body, err = mail.Merge(job.body, values)
	if err != nil {
		return "", "", "", err
	}
	if job.channel == CampaignSMS {
		c.text = job.sms.Commercial(body)
		return ActivitySMS, truncate(c.text, 80), c.text, nil
	}
	if subject, err = mail.Merge(job.subject, values); err != nil {
		return "", "", "", err
	}
	msg := &mail.Message{FromName: job.settings.FromName, From: job.settings.FromAddr, To: c.recipient,
		Subject: subject, Markdown: body, Unsubscribe: job.settings.BaseURL + UnsubscribePath + mail.Token(job.key, c.member),
		UnsubscribeText: "Bu e-postaları artık almak istemiyorsanız tek tıkla listeden çıkabilirsiniz:"}
	if c.msg, err = msg.Bytes(); err != nil {
		return "", "", "", err
	}
	return ActivityEmail, subject, body, nil
}

// recordSend records a claimed member's outcome: sent (its activity done)
// or failed with the server's answer (its activity cancelled).
func (s *Store) recordSend(ctx context.Context, job *sendJob, c *claim, sendErr error) error {
	// The outcome is written even when the server is shutting down: the
	// message left (or did not), and that must not be lost.
	ctx = context.WithoutCancel(ctx)
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sys := SystemActor()
		member, activity := Values{"status": MemberSent, "sent_at": now().UTC().Format(tr.DateTimeLayout), "error": ""}, Values{"status": "done"}
		if sendErr != nil {
			msg := sendErr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			member = Values{"status": MemberFailed, "error": msg}
			activity = Values{"status": "cancelled"}
		}
		if _, _, err := s.update(ctx, tx, sys, s.mod(CampaignMembers), c.member, member); err != nil {
			return err
		}
		_, _, err := s.update(ctx, tx, sys, s.mod(Activities), c.activity, activity)
		return err
	})
}

// mailMergeValues are a customer's merge fields (mail.Fields): first and last
// name (a company's title as its name), the whole name, the company (a
// company's own title; for a person the first company they are a contact
// of), the owner's name, province, district, e-mail and phone.
func mailMergeValues(ctx context.Context, q querier, id int64) (map[string]string, error) {
	var kind, first, last, full, title, owner, province, district, email, phone, company string
	err := q.QueryRowContext(ctx, `SELECT t.kind, t.first_name, t.last_name, t.display_name, t.title, coalesce(u.name, ''),
			t.province, t.district, t.email, t.phone,
			coalesce((SELECT c.display_name FROM customer_contacts cc JOIN customers c ON c.id = cc.company_id
				WHERE cc.person_id = t.id AND c.deleted_at IS NULL ORDER BY cc.company_id LIMIT 1), '')
		FROM customers t LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = ?`, id).
		Scan(&kind, &first, &last, &full, &title, &owner, &province, &district, &email, &phone, &company)
	if err != nil {
		return nil, fmt.Errorf("merge fields of customer %d: %w", id, err)
	}
	if kind == "company" {
		first, company = title, title
	}
	return map[string]string{"ad": first, "soyad": last, "ad_soyad": full, "firma": company, "temsilci": owner,
		"il": province, "ilce": district, "eposta": email, "telefon": tr.FormatPhone(phone)}, nil
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// UnsubscribePath is where the public unsubscribe links point, followed
// by the member's token.
const UnsubscribePath = "/u/"

// Unsubscribed is what an unsubscribe link did: the address and whether a
// RET was recorded now (false when the latest decision already was RET).
type Unsubscribed struct {
	Recipient string
	Recorded  bool
}

// Unsubscribe records a RET on the e-mail channel for the address the
// token's message went to (source HS_EPOSTA, today, the campaign named in
// the evidence), honoured from that moment: the next launch leaves the
// address out, and the queue skips its pending messages. ErrNotFound for
// a token that is not right.
func (s *Store) Unsubscribe(ctx context.Context, token string) (Unsubscribed, error) {
	key, err := s.UnsubscribeKey(ctx)
	if err != nil {
		return Unsubscribed{}, err
	}
	id, ok := mail.ParseToken(key, token)
	if !ok {
		return Unsubscribed{}, ErrNotFound
	}
	var out Unsubscribed
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = Unsubscribed{}
		var customer, campaign int64
		var name string
		err := tx.QueryRowContext(ctx, `SELECT m.customer_id, m.campaign_id, m.recipient, c.name FROM campaign_members m
			JOIN campaigns c ON c.id = m.campaign_id WHERE m.id = ? AND m.channel = ?`, id, CampaignEmail).Scan(&customer, &campaign, &out.Recipient, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("unsubscribe member %d: %w", id, err)
		}
		cust, err := customerAddresses(ctx, tx, customer)
		if err != nil {
			return err
		}
		if cust == nil || out.Recipient == "" {
			return ErrNotFound // the customer was erased or deleted since
		}
		st, err := contactability(ctx, tx, cust, ChannelEmail, PurposeCommercial, out.Recipient)
		if err != nil || st.Status == ConsentRefused {
			return err
		}
		if _, _, err := s.update(ctx, tx, SystemActor(), s.mod(CampaignMembers), id, Values{"unsubscribed_at": now().UTC().Format(tr.DateTimeLayout)}); err != nil {
			return err
		}
		_, err = s.insert(ctx, tx, SystemActor(), s.mod(Consents), Values{
			"customer_id": customer, "channel": ChannelEmail, "recipient": out.Recipient, "status": ConsentRefused,
			"source": "HS_EPOSTA", "consent_date": now().UTC().Format(tr.DateTimeLayout),
			"evidence": "Kampanya e-postasındaki tek tıkla listeden çıkma bağlantısı (kampanya #" + strconv.FormatInt(campaign, 10) + ": " + name + ")",
		})
		out.Recorded = err == nil
		return err
	})
	return out, err
}
