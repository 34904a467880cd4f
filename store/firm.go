package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// The firm's own settings: what its quotes, orders and invoices print
// about it (legal title, address, tax number and office, IBAN, phone,
// e-mail, logo) and the payment terms a new document starts with. One
// row; everyone logged in reads it (documents print it), administrators
// change it, and every change goes into its history.

// firmModule names the firm's row in the audit trail.
var firmModule = &Module{Key: "firm", Table: "firm", Label: "firm.title"}

// FirmSettings are the firm's own details.
type FirmSettings struct {
	LegalTitle   string // ticaret unvanı
	Address      string
	VKN          string // 10 digits; a sole proprietor's TCKN (11)
	TaxOffice    string
	IBAN         string // the 26-character electronic form, TR…
	Phone        string // E.164
	Email        string
	PaymentTerms string // the text a new document's terms start with
	PaymentDays  int    // days to pay, for a new document's due date
	LogoMime     string // image/png or image/jpeg; "" without a logo
	UpdatedAt    time.Time
}

// HasLogo says whether a logo is uploaded.
func (f *FirmSettings) HasLogo() bool { return f.LogoMime != "" }

// IBANGroups is the IBAN in the printed form, groups of four.
func (f *FirmSettings) IBANGroups() string {
	var b strings.Builder
	for i, r := range f.IBAN {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The firm form's limits.
const (
	firmTitleMax   = 250
	firmAddressMax = 500
	firmOfficeMax  = 100
	firmTermsMax   = 1000
	// MaxPaymentDays is the longest payment term in days.
	MaxPaymentDays = 365
	// MaxLogoBytes is the largest logo accepted: it goes into every
	// document and PDF.
	MaxLogoBytes = 512 << 10
	// maxLogoSide is the largest width or height of a logo, in pixels.
	maxLogoSide = 4000
)

// ParseFirmForm reads the firm settings form (or any map of its field
// names to values): each field checked and normalised, every problem
// named by its field.
func ParseFirmForm(form map[string][]string) (FirmSettings, *ValidationError) {
	get := func(name string) string {
		if v := form[name]; len(v) > 0 {
			return strings.TrimSpace(v[len(v)-1])
		}
		return ""
	}
	errs := &ValidationError{}
	text := func(name string, max int, required bool) string {
		v := strings.ReplaceAll(get(name), "\r\n", "\n")
		switch {
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			errs.Add(name, "error.text")
		case required && v == "":
			errs.Add(name, "error.required")
		case utf8.RuneCountInString(v) > max:
			errs.Add(name, "error.too_long", max)
		}
		return v
	}
	f := FirmSettings{
		LegalTitle:   text("legal_title", firmTitleMax, true),
		Address:      text("address", firmAddressMax, false),
		TaxOffice:    text("tax_office", firmOfficeMax, false),
		PaymentTerms: text("payment_terms", firmTermsMax, false),
	}
	if v := get("vkn"); v != "" {
		n, ok := tr.VKN(v)
		if !ok {
			n, ok = tr.TCKN(v) // a sole proprietor's tax number is their TCKN
		}
		if !ok {
			errs.Add("vkn", "error.firm_vkn")
		}
		f.VKN = n
	}
	if v := get("iban"); v != "" {
		n, ok := tr.IBAN(v)
		if !ok {
			errs.Add("iban", "error.iban")
		}
		f.IBAN = n
	}
	if v := get("phone"); v != "" {
		n, ok := tr.Phone(v)
		if !ok {
			errs.Add("phone", "error.phone")
		}
		f.Phone = n
	}
	if v := get("email"); v != "" {
		n, ok := tr.Email(v)
		if !ok {
			errs.Add("email", "error.email")
		}
		f.Email = n
	}
	if v := get("payment_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxPaymentDays {
			errs.Add("payment_days", "error.payment_days", MaxPaymentDays)
		}
		f.PaymentDays = n
	}
	return f, errs
}

// Firm reads the firm's settings; anyone logged in may.
func (s *Store) Firm(ctx context.Context, a *Actor) (*FirmSettings, error) {
	if a == nil {
		return nil, ErrForbidden
	}
	var f FirmSettings
	var days sql.NullInt64
	var updated string
	err := s.reads.queryRow(ctx, `SELECT legal_title, address, vkn, tax_office, iban, phone, email, payment_terms, payment_days,
		logo_mime, updated_at FROM firm WHERE id = 1`).Scan(&f.LegalTitle, &f.Address, &f.VKN, &f.TaxOffice, &f.IBAN, &f.Phone,
		&f.Email, &f.PaymentTerms, &days, &f.LogoMime, &updated)
	if err != nil {
		return nil, fmt.Errorf("read firm settings: %w", err)
	}
	f.PaymentDays = int(days.Int64)
	if f.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("read firm settings: %w", err)
	}
	return &f, nil
}

// SaveFirm checks and saves the firm's settings (not the logo, which
// SetFirmLogo keeps); administrators only. The change, field by field,
// goes into the firm's history.
func (s *Store) SaveFirm(ctx context.Context, a *Actor, f FirmSettings) error {
	if err := authorize(a, firmModule.Key, "admin"); err != nil {
		return err
	}
	// What a caller other than the form hands in passes the same checks.
	form := map[string][]string{
		"legal_title": {f.LegalTitle}, "address": {f.Address}, "vkn": {f.VKN}, "tax_office": {f.TaxOffice},
		"iban": {f.IBAN}, "phone": {f.Phone}, "email": {f.Email}, "payment_terms": {f.PaymentTerms},
		"payment_days": {strconv.Itoa(f.PaymentDays)},
	}
	checked, errs := ParseFirmForm(form)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := s.firmIn(ctx, tx)
		if err != nil {
			return err
		}
		var changes []Change
		for _, c := range []struct {
			field    string
			old, new any
		}{
			{"legal_title", old.LegalTitle, checked.LegalTitle}, {"address", old.Address, checked.Address},
			{"vkn", old.VKN, checked.VKN}, {"tax_office", old.TaxOffice, checked.TaxOffice},
			{"iban", old.IBAN, checked.IBAN}, {"phone", old.Phone, checked.Phone}, {"email", old.Email, checked.Email},
			{"payment_terms", old.PaymentTerms, checked.PaymentTerms}, {"payment_days", old.PaymentDays, checked.PaymentDays},
		} {
			if c.old != c.new {
				changes = append(changes, Change{Field: c.field, Old: c.old, New: c.new})
			}
		}
		if len(changes) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE firm SET legal_title = ?, address = ?, vkn = ?, tax_office = ?, iban = ?, phone = ?,
			email = ?, payment_terms = ?, payment_days = ?, updated_at = ?, updated_by = ? WHERE id = 1`,
			checked.LegalTitle, checked.Address, checked.VKN, checked.TaxOffice, checked.IBAN, checked.Phone, checked.Email,
			checked.PaymentTerms, checked.PaymentDays, timeText(now()), userOrNil(a)); err != nil {
			return fmt.Errorf("save firm settings: %w", err)
		}
		return audit(ctx, tx, a, ActionUpdate, firmModule, 1, changes)
	})
}

// firmIn reads the settings inside a write.
func (s *Store) firmIn(ctx context.Context, tx *sql.Tx) (*FirmSettings, error) {
	var f FirmSettings
	var days sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT legal_title, address, vkn, tax_office, iban, phone, email, payment_terms, payment_days,
		logo_mime FROM firm WHERE id = 1`).Scan(&f.LegalTitle, &f.Address, &f.VKN, &f.TaxOffice, &f.IBAN, &f.Phone,
		&f.Email, &f.PaymentTerms, &days, &f.LogoMime)
	if err != nil {
		return nil, fmt.Errorf("read firm settings: %w", err)
	}
	f.PaymentDays = int(days.Int64)
	return &f, nil
}

func userOrNil(a *Actor) any {
	if a.UserID > 0 {
		return a.UserID
	}
	return nil
}

// CheckLogo says what a logo file is: PNG or JPEG by its content, never
// its name, a real image no larger than MaxLogoBytes and maxLogoSide
// pixels a side. Anything else is a *ValidationError on "logo".
func CheckLogo(data []byte) (mime string, err error) {
	errs := &ValidationError{}
	switch {
	case len(data) == 0:
		errs.Add("logo", "error.logo_empty")
	case len(data) > MaxLogoBytes:
		errs.Add("logo", "error.logo_too_large", MaxLogoBytes>>10)
	}
	if err := errs.Err(); err != nil {
		return "", err
	}
	var cfg image.Config
	var decodeErr error
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		mime = "image/png"
		cfg, decodeErr = png.DecodeConfig(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		mime = "image/jpeg"
		cfg, decodeErr = jpeg.DecodeConfig(bytes.NewReader(data))
	default:
		errs.Add("logo", "error.logo_type")
		return "", errs
	}
	if decodeErr != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		errs.Add("logo", "error.logo_type")
		return "", errs
	}
	if cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		errs.Add("logo", "error.logo_side", maxLogoSide)
		return "", errs
	}
	return mime, nil
}

// SetFirmLogo replaces the firm's logo with a checked PNG or JPEG (see
// CheckLogo), or removes it when data is nil; administrators only.
func (s *Store) SetFirmLogo(ctx context.Context, a *Actor, data []byte) error {
	if err := authorize(a, firmModule.Key, "admin"); err != nil {
		return err
	}
	mime := ""
	if data != nil {
		var err error
		if mime, err = CheckLogo(data); err != nil {
			return err
		}
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		old, err := s.firmIn(ctx, tx)
		if err != nil {
			return err
		}
		if old.LogoMime == "" && data == nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE firm SET logo = ?, logo_mime = ?, updated_at = ?, updated_by = ? WHERE id = 1",
			data, mime, timeText(now()), userOrNil(a)); err != nil {
			return fmt.Errorf("save firm logo: %w", err)
		}
		// The history says a logo came or went, and its kind and size.
		newVal := ""
		if data != nil {
			newVal = fmt.Sprintf("%s, %d B", mime, len(data))
		}
		return audit(ctx, tx, a, ActionUpdate, firmModule, 1, []Change{{Field: "logo", Old: old.LogoMime, New: newVal}})
	})
}

// FirmLogo is the firm's logo and its type; nil without one. Anyone
// logged in may read it.
func (s *Store) FirmLogo(ctx context.Context, a *Actor) ([]byte, string, error) {
	if a == nil {
		return nil, "", ErrForbidden
	}
	var data []byte
	var mime string
	if err := s.reads.queryRow(ctx, "SELECT logo, logo_mime FROM firm WHERE id = 1").Scan(&data, &mime); err != nil {
		return nil, "", fmt.Errorf("read firm logo: %w", err)
	}
	if mime == "" {
		return nil, "", nil
	}
	return data, mime, nil
}

// FirmHistory is the firm settings' history, newest first; administrators
// only.
func (s *Store) FirmHistory(ctx context.Context, a *Actor, limit int) ([]AuditEntry, error) {
	if err := authorize(a, firmModule.Key, "admin"); err != nil {
		return nil, err
	}
	return s.historyOf(ctx, a, firmModule, 1, limit)
}
