package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/sms"
)

// The SMS gateway the campaigns send through: any provider's HTTP API as
// a request template (store/sms), the firm's İYS brand code and the
// opt-out text every commercial message ends with. One JSON value in
// settings under smsKey, administrators' to change, each change in the
// history.

const smsKey = "sms.gateway"

var smsModule = &Module{Key: "sms", Table: "settings", Label: "sms.title"}

// SMSSettings are the gateway and what each commercial SMS carries.
type SMSSettings struct {
	Gateway sms.Gateway `json:"gateway"`
	// BrandCode is the firm's İYS brand code (marka kodu).
	BrandCode string `json:"brand_code"`
	// OptOut tells how to refuse: "RET yazıp 3333'e gönderin".
	OptOut string `json:"opt_out"`
	Rate   int    `json:"rate"`
}

// Configured says whether an SMS can be sent at all.
func (m *SMSSettings) Configured() bool {
	return m.Gateway.URL != "" && m.OptOut != "" && m.BrandCode != ""
}

// Commercial is a commercial message's text as it is sent: the text, then
// the İYS brand code and the opt-out text.
func (m *SMSSettings) Commercial(text string) string {
	return strings.TrimSpace(text) + " " + m.BrandCode + " " + m.OptOut
}

// ParseSMSForm reads the gateway settings form.
func ParseSMSForm(form map[string][]string) (SMSSettings, *ValidationError) {
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return strings.TrimSpace(v[len(v)-1])
		}
		return ""
	}
	errs := &ValidationError{}
	text := func(name string, max int, required, multiline bool) string {
		v := strings.ReplaceAll(get(name), "\r\n", "\n")
		bad := "\x00"
		if !multiline {
			bad += "\r\n"
		}
		switch {
		case !utf8.ValidString(v) || strings.ContainsAny(v, bad):
			errs.Add(name, "error.text")
		case required && v == "":
			errs.Add(name, "error.required")
		case utf8.RuneCountInString(v) > max:
			errs.Add(name, "error.too_long", max)
		}
		return v
	}
	m := SMSSettings{Gateway: sms.Gateway{URL: text("url", 2000, true, false), Method: get("method"), BodyKind: get("body_kind"),
		Body: text("body", 4000, false, true), Header: text("header", 500, false, false), Success: text("success", 500, false, false),
		Title: text("title", 11, false, false)},
		BrandCode: text("brand_code", 20, true, false), OptOut: text("opt_out", 100, true, false)}
	if u, err := url.Parse(strings.ReplaceAll(strings.ReplaceAll(m.Gateway.URL, "{{", ""), "}}", "")); m.Gateway.URL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		errs.Add("url", "error.url")
	}
	if !slices.Contains([]string{http.MethodGet, http.MethodPost}, m.Gateway.Method) {
		errs.Add("method", "error.choice")
	}
	if !slices.Contains(sms.BodyKinds, m.Gateway.BodyKind) {
		errs.Add("body_kind", "error.choice")
	}
	if n, err := strconv.Atoi(get("status")); err != nil || n < 100 || n > 599 {
		errs.Add("status", "error.sms_status")
	} else {
		m.Gateway.Status = n
	}
	if n, err := strconv.Atoi(get("rate")); err != nil || n < 1 || n > MaxMailRate {
		errs.Add("rate", "error.mail_rate", MaxMailRate)
	} else {
		m.Rate = n
	}
	if f, err := m.Gateway.Check(); err != nil {
		var pe *sms.PlaceholderError
		switch {
		case errors.As(err, &pe) && pe.Unclosed:
			errs.Add(f, "error.merge_unclosed")
		case errors.As(err, &pe):
			errs.Add(f, "error.merge_unknown", "{{"+pe.Name+"}}")
		case f == "header":
			errs.Add(f, "error.sms_header")
		default:
			errs.Add(f, "error.sms_success", err.Error())
		}
	}
	return m, errs
}

// SMSSettings reads the gateway settings (defaults when none are saved);
// administrators only, as they hold the provider's key.
func (s *Store) SMSSettings(ctx context.Context, a *Actor) (*SMSSettings, error) {
	if err := authorize(a, smsModule.Key, "admin"); err != nil {
		return nil, err
	}
	return s.smsSettings(ctx, s.reads)
}

func (s *Store) smsSettings(ctx context.Context, q querier) (*SMSSettings, error) {
	m := &SMSSettings{Gateway: sms.Gateway{Method: http.MethodPost, BodyKind: sms.BodyForm, Status: 200}, Rate: DefaultMailRate,
		OptOut: "RET yazıp 3333'e gönderin"}
	var raw []byte
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", smsKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sms settings: %w", err)
	}
	if err := json.Unmarshal(raw, m); err != nil {
		return nil, fmt.Errorf("read sms settings: %w", err)
	}
	return m, nil
}

// SaveSMSSettings stores checked settings; the change goes into the
// history (the header, which holds the provider's key, only as changed).
func (s *Store) SaveSMSSettings(ctx context.Context, a *Actor, m SMSSettings) error {
	if err := authorize(a, smsModule.Key, "admin"); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := s.smsSettings(ctx, tx)
		if err != nil {
			return err
		}
		var changes []Change
		for _, c := range []struct {
			field    string
			old, new any
		}{
			{"url", old.Gateway.URL, m.Gateway.URL}, {"method", old.Gateway.Method, m.Gateway.Method},
			{"body_kind", old.Gateway.BodyKind, m.Gateway.BodyKind}, {"body", old.Gateway.Body, m.Gateway.Body},
			{"status", old.Gateway.Status, m.Gateway.Status}, {"success", old.Gateway.Success, m.Gateway.Success},
			{"title", old.Gateway.Title, m.Gateway.Title}, {"brand_code", old.BrandCode, m.BrandCode},
			{"opt_out", old.OptOut, m.OptOut}, {"rate", old.Rate, m.Rate},
		} {
			if c.old != c.new {
				changes = append(changes, Change{Field: c.field, Old: c.old, New: c.new})
			}
		}
		if old.Gateway.Header != m.Gateway.Header {
			changes = append(changes, Change{Field: "header", Old: "", New: "••••"})
		}
		if len(changes) == 0 {
			return nil
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			smsKey, raw); err != nil {
			return fmt.Errorf("save sms settings: %w", err)
		}
		return audit(ctx, tx, a, ActionUpdate, smsModule, 1, changes)
	})
}

// SMSProblem is why a campaign's SMS cannot be sent now, as a catalogue
// key: no text, or no gateway; "" when it can (or it has no SMS channel).
func (s *Store) SMSProblem(ctx context.Context, a *Actor, id int64) (string, error) {
	if err := authorize(a, Campaigns.Key, ActRead); err != nil {
		return "", err
	}
	var channels, text string
	if err := s.reads.queryRow(ctx, "SELECT channels, sms_text FROM campaigns WHERE id = ?", id).Scan(&channels, &text); err != nil {
		return "", fmt.Errorf("campaign %d sms: %w", id, err)
	}
	if !strings.Contains(","+channels+",", ","+CampaignSMS+",") {
		return "", nil
	}
	if strings.TrimSpace(text) == "" {
		return "error.campaign_no_sms_text", nil
	}
	m, err := s.smsSettings(ctx, s.reads)
	if err != nil {
		return "", err
	}
	if !m.Configured() {
		return "error.sms_not_configured", nil
	}
	return "", nil
}

// smsClient is how the queue reaches gateways: a bounded wait, so that a
// gateway that does not answer fails the message rather than the queue.
var smsClient = &http.Client{Timeout: 30 * time.Second}

// SendCampaignSMS runs a campaign's SMS queue through the gateway, as
// SendCampaignMail does its e-mail; client nil: a client with a 30 s
// timeout.
func (s *Store) SendCampaignSMS(ctx context.Context, id int64, client *http.Client) error {
	settings, err := s.smsSettings(ctx, s.reads)
	if err != nil {
		return err
	}
	if !settings.Configured() {
		return nil
	}
	job := &sendJob{id: id, channel: CampaignSMS, sms: settings, rate: settings.Rate}
	var status, sendErr string
	var owner sql.NullInt64
	err = s.reads.queryRow(ctx, "SELECT status, send_error, owner_id, sms_text FROM campaigns WHERE id = ? AND deleted_at IS NULL", id).
		Scan(&status, &sendErr, &owner, &job.body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("campaign %d: %w", id, err)
	}
	if status != CampaignRunning || sendErr != "" || strings.TrimSpace(job.body) == "" {
		return nil
	}
	if owner.Valid {
		job.owner = owner.Int64
	}
	if client == nil {
		client = smsClient
	}
	return s.runQueue(ctx, job, func(c *claim) error { return settings.Gateway.Send(ctx, client, c.recipient, c.text) })
}
