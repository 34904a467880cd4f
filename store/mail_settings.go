package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/mail"
	"kobicrm/store/tr"
)

// The SMTP settings the campaigns send through: one JSON value in
// settings under mailKey, administrators' to change, each change in the
// history (the password's as "changed", never its text).

const mailKey = "mail.smtp"

// mailModule names the settings in the audit trail.
var mailModule = &Module{Key: "mail", Table: "settings", Label: "mail.title"}

// MailSettings are how the firm's e-mail goes out.
type MailSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Security string `json:"security"` // mail.SecurityStartTLS, SecurityTLS or SecurityNone
	User     string `json:"user"`
	Password string `json:"password"`
	FromAddr string `json:"from_addr"`
	FromName string `json:"from_name"`
	// BaseURL is the address customers' unsubscribe links start with: the
	// server as the outside (or the office) reaches it.
	BaseURL string `json:"base_url"`
	// Rate is the most messages sent per second.
	Rate int `json:"rate"`
}

// Configured says whether mail can be sent at all.
func (m *MailSettings) Configured() bool { return m.Host != "" && m.FromAddr != "" && m.BaseURL != "" }

// Server is the SMTP server to send through.
func (m *MailSettings) Server() mail.Server {
	return mail.Server{Host: m.Host, Port: m.Port, Security: m.Security, User: m.User, Password: m.Password, Timeout: 30 * time.Second}
}

// MaxMailRate is the highest sending rate one may set, messages a second.
const MaxMailRate = 1000

// DefaultMailRate is a new installation's sending rate.
const DefaultMailRate = 10

// ParseMailForm reads the settings form; an empty password keeps the
// stored one (keep says so).
func ParseMailForm(form map[string][]string) (m MailSettings, keepPassword bool, errs *ValidationError) {
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return strings.TrimSpace(v[len(v)-1])
		}
		return ""
	}
	errs = &ValidationError{}
	text := func(name string, max int, required bool) string {
		v := get(name)
		switch {
		case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
			errs.Add(name, "error.text")
		case required && v == "":
			errs.Add(name, "error.required")
		case utf8.RuneCountInString(v) > max:
			errs.Add(name, "error.too_long", max)
		}
		return v
	}
	m = MailSettings{Host: text("host", 253, true), User: text("user", 254, false), FromName: text("from_name", 100, false),
		Security: get("security")}
	if v := form["password"]; len(v) > 0 {
		m.Password = v[len(v)-1] // as typed: a password may begin or end with a space
	}
	if strings.ContainsAny(m.Password, "\x00\r\n") || !utf8.ValidString(m.Password) {
		errs.Add("password", "error.text")
	}
	keepPassword = m.Password == ""
	if m.Host != "" && strings.ContainsAny(m.Host, " /:@") {
		errs.Add("host", "error.mail_host")
	}
	if !slices.Contains(mail.Securities, m.Security) {
		errs.Add("security", "error.choice")
	}
	if n, err := strconv.Atoi(get("port")); err != nil || n < 1 || n > 65535 {
		errs.Add("port", "error.mail_port")
	} else {
		m.Port = n
	}
	if e, ok := tr.Email(get("from_addr")); !ok {
		errs.Add("from_addr", "error.email")
	} else {
		m.FromAddr = e
	}
	base := strings.TrimRight(get("base_url"), "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		errs.Add("base_url", "error.url")
	}
	m.BaseURL = base
	if n, err := strconv.Atoi(get("rate")); err != nil || n < 1 || n > MaxMailRate {
		errs.Add("rate", "error.mail_rate", MaxMailRate)
	} else {
		m.Rate = n
	}
	return m, keepPassword, errs
}

// MailSettings reads the SMTP settings (defaults when none are saved);
// administrators only, as they hold a password.
func (s *Store) MailSettings(ctx context.Context, a *Actor) (*MailSettings, error) {
	if err := authorize(a, mailModule.Key, "admin"); err != nil {
		return nil, err
	}
	return s.mailSettings(ctx, s.reads)
}

func (s *Store) mailSettings(ctx context.Context, q querier) (*MailSettings, error) {
	m := &MailSettings{Port: 587, Security: mail.SecurityStartTLS, Rate: DefaultMailRate}
	var raw []byte
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", mailKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read mail settings: %w", err)
	}
	if err := json.Unmarshal(raw, m); err != nil {
		return nil, fmt.Errorf("read mail settings: %w", err)
	}
	return m, nil
}

// SaveMailSettings stores checked settings; keepPassword keeps the stored
// password. The change goes into the history, the password only as
// "changed".
func (s *Store) SaveMailSettings(ctx context.Context, a *Actor, m MailSettings, keepPassword bool) error {
	if err := authorize(a, mailModule.Key, "admin"); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := s.mailSettings(ctx, tx)
		if err != nil {
			return err
		}
		if keepPassword {
			m.Password = old.Password
		}
		var changes []Change
		for _, c := range []struct {
			field    string
			old, new any
		}{
			{"host", old.Host, m.Host}, {"port", old.Port, m.Port}, {"security", old.Security, m.Security},
			{"user", old.User, m.User}, {"from_addr", old.FromAddr, m.FromAddr}, {"from_name", old.FromName, m.FromName},
			{"base_url", old.BaseURL, m.BaseURL}, {"rate", old.Rate, m.Rate},
		} {
			if c.old != c.new {
				changes = append(changes, Change{Field: c.field, Old: c.old, New: c.new})
			}
		}
		if old.Password != m.Password {
			changes = append(changes, Change{Field: "password", Old: "", New: "••••"})
		}
		if len(changes) == 0 {
			return nil
		}
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			mailKey, raw); err != nil {
			return fmt.Errorf("save mail settings: %w", err)
		}
		return audit(ctx, tx, a, ActionUpdate, mailModule, 1, changes)
	})
}

// TestMail sends a short Turkish test message to an address through the
// stored settings; administrators only. The error is the server's answer.
func (s *Store) TestMail(ctx context.Context, a *Actor, to string) error {
	m, err := s.MailSettings(ctx, a)
	if err != nil {
		return err
	}
	addr, ok := tr.Email(to)
	if !ok {
		errs := &ValidationError{}
		errs.Add("to", "error.email")
		return errs
	}
	if !m.Configured() {
		errs := &ValidationError{}
		errs.Add("host", "error.mail_not_configured")
		return errs
	}
	msg := &mail.Message{FromName: m.FromName, From: m.FromAddr, To: addr, Subject: "kobicrm deneme iletisi: ğüşıöç İĞÜŞÖÇ",
		Markdown: "Bu ileti **kobicrm**'in SMTP ayarlarını denemek için gönderildi.\n\nTürkçe harfler: ğ ü ş ı ö ç İ Ğ Ü Ş Ö Ç"}
	raw, err := msg.Bytes()
	if err != nil {
		return err
	}
	c := mail.NewConn(m.Server())
	defer c.Close()
	return c.Send(m.FromAddr, addr, raw)
}
