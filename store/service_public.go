package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// The public request form: when an administrator turns it on, anyone
// may send the firm a request without logging in. The sender is matched
// to a customer by phone or e-mail, or becomes a lead; nothing about any
// customer is ever shown back.

const publicFormKey = "service.public_form"

// PublicFormEnabled says whether the public request form is on (it is
// off until an administrator turns it on).
func (s *Store) PublicFormEnabled(ctx context.Context) (bool, error) {
	var v []byte
	err := s.reader.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", publicFormKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("public form setting: %w", err)
	}
	return string(v) == "on", nil
}

// SetPublicForm turns the public request form on or off; administrators
// only.
func (s *Store) SetPublicForm(ctx context.Context, a *Actor, on bool) error {
	if a == nil || !(a.Admin || a.System) {
		return ErrForbidden
	}
	v := "off"
	if on {
		v = "on"
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			publicFormKey, []byte(v)); err != nil {
			return fmt.Errorf("public form setting: %w", err)
		}
		return nil
	})
}

// PublicRequest is what the public form sends.
type PublicRequest struct {
	Name, Phone, Email, Message string
}

// ParsePublicRequest checks and normalises the public form's values: a
// first and last name, a phone (E.164) or an e-mail address or both,
// and a message.
func ParsePublicRequest(name, phone, email, message string) (PublicRequest, error) {
	errs := &ValidationError{}
	p := PublicRequest{Name: strings.Join(strings.Fields(name), " "), Message: strings.TrimSpace(message)}
	switch n := utf8.RuneCountInString(p.Name); {
	case !utf8.ValidString(p.Name) || n > 200:
		errs.Add("name", "error.public_name")
	case len(strings.Fields(p.Name)) < 2:
		errs.Add("name", "error.public_name")
	}
	if phone = strings.TrimSpace(phone); phone != "" {
		if e, ok := tr.Phone(phone); ok {
			p.Phone = e
		} else {
			errs.Add("phone", "error.phone")
		}
	}
	if email = strings.TrimSpace(email); email != "" {
		if e, ok := tr.Email(email); ok {
			p.Email = e
		} else {
			errs.Add("email", "error.email")
		}
	}
	if phone == "" && email == "" {
		errs.Add("phone", "error.public_contact")
	}
	if p.Message == "" || !utf8.ValidString(p.Message) {
		errs.Add("message", "error.public_message")
	} else if utf8.RuneCountInString(p.Message) > 5000 {
		errs.Add("message", "error.too_long", 5000)
	}
	return p, errs.Err()
}

// SubmitPublicRequest opens a request from the public form, for the
// customer with that phone or e-mail, or for a new lead, in one
// transaction. It is refused while the form is off.
func (s *Store) SubmitPublicRequest(ctx context.Context, p PublicRequest) error {
	on, err := s.PublicFormEnabled(ctx)
	if err != nil {
		return err
	}
	if !on {
		return ErrForbidden
	}
	sys := SystemActor()
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var id int64
		var err error
		if p.Phone != "" {
			err = tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE deleted_at IS NULL AND (phone = ?
				OR id IN (SELECT record_id FROM customers_phones WHERE number = ?)) ORDER BY id LIMIT 1`, p.Phone, p.Phone).Scan(&id)
		}
		if id == 0 && p.Email != "" && (err == nil || errors.Is(err, sql.ErrNoRows)) {
			err = tx.QueryRowContext(ctx, "SELECT id FROM customers WHERE email = ? AND deleted_at IS NULL ORDER BY id LIMIT 1", p.Email).Scan(&id)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("public request: find customer: %w", err)
		}
		if id == 0 {
			words := strings.Fields(p.Name)
			lead := s.mod(Customers).NewValues()
			lead["kind"], lead["stage"], lead["lead_status"], lead["source"] = "person", "lead", "new", "website"
			lead["first_name"] = strings.Join(words[:len(words)-1], " ")
			lead["last_name"] = words[len(words)-1]
			if p.Phone != "" {
				lead["phone"] = p.Phone
			}
			if p.Email != "" {
				lead["email"] = p.Email
			}
			rec, err := s.insert(ctx, tx, sys, s.mod(Customers), lead)
			if err != nil {
				return fmt.Errorf("public request: lead: %w", err)
			}
			id = rec.ID
		}
		subject := strings.SplitN(p.Message, "\n", 2)[0]
		if r := []rune(subject); len(r) > 80 {
			subject = string(r[:80]) + "…"
		}
		m := s.mod(ServiceRequests)
		req := m.NewValues()
		req["subject"], req["type"], req["channel"], req["customer_id"] = subject, serviceTypeIstek, "web", id
		req["description"] = p.Message + "\n\n— " + p.Name
		if _, err := s.insert(ctx, tx, sys, m, req); err != nil {
			return fmt.Errorf("public request: %w", err)
		}
		return nil
	})
}
