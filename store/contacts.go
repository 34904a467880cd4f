package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"kobicrm/store/tr"
)

// ContactRoles are what a person does for a company.
var ContactRoles = []string{"authorized", "accounting", "purchasing", "technical", "management", "other"}

// Contact links a person to a company with a role.
type Contact struct {
	Company *Record
	Person  *Record
	Role    string
}

// AddContact makes a person a contact of a company, or changes the role
// of one who already is.
func (s *Store) AddContact(ctx context.Context, a *Actor, companyID, personID int64, role string) error {
	if err := authorize(a, Customers.Key, "edit"); err != nil {
		return err
	}
	errs := &ValidationError{}
	if !contains(ContactRoles, role) {
		errs.Add("role", "error.choice")
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add contact: %w", err)
	}
	defer tx.Rollback()
	for _, id := range []int64{companyID, personID} {
		if err := requireScope(ctx, tx, a, Customers, ActRead, id); err != nil {
			return err
		}
	}
	kinds := map[int64]string{}
	for _, id := range []int64{companyID, personID} {
		var kind string
		err := tx.QueryRowContext(ctx, "SELECT kind FROM customers WHERE id = ? AND deleted_at IS NULL", id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("add contact: %w", err)
		}
		kinds[id] = kind
	}
	if kinds[companyID] != "company" {
		errs.Add("company_id", "error.contact_company")
	}
	if kinds[personID] != "person" {
		errs.Add("person_id", "error.contact_person")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if err := linkContact(ctx, tx, a, companyID, personID, role); err != nil {
		return err
	}
	return tx.Commit()
}

// linkContact links a person to a company (or changes the role) and
// records it in both records' histories.
// The actor must be able to edit the company and see the person.
func linkContact(ctx context.Context, tx *sql.Tx, a *Actor, companyID, personID int64, role string) error {
	if err := requireScope(ctx, tx, a, Customers, ActEdit, companyID); err != nil {
		return err
	}
	if err := requireScope(ctx, tx, a, Customers, ActRead, personID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO customer_contacts (company_id, person_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (company_id, person_id) DO UPDATE SET role = excluded.role`,
		companyID, personID, role, timeText(now()))
	if err != nil {
		return fmt.Errorf("link contact: %w", err)
	}
	return auditContact(ctx, tx, a, ActionLink, companyID, personID, role)
}

// auditContact records a contact link in the company's history and in the
// person's.
func auditContact(ctx context.Context, tx *sql.Tx, a *Actor, action string, companyID, personID int64, role string) error {
	if err := audit(ctx, tx, a, action, Customers, companyID, []Change{{Field: "person_id", New: personID}, {Field: "role", New: role}}); err != nil {
		return err
	}
	return audit(ctx, tx, a, action, Customers, personID, []Change{{Field: "company_id", New: companyID}, {Field: "role", New: role}})
}

// CreateContactPerson creates a person and links them to a company with a
// role, in one transaction: either both happen or neither, so a refused
// link never leaves a stray person behind to be created twice.
func (s *Store) CreateContactPerson(ctx context.Context, a *Actor, companyID int64, in Values, role string) (*Record, error) {
	if err := authorize(a, Customers.Key, "create"); err != nil {
		return nil, err
	}
	if role == "" {
		role = "authorized"
	}
	vals := s.mod(Customers).NewValues()
	for k, v := range in {
		vals[k] = v
	}
	var rec *Record
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, Customers, ActEdit, companyID); err != nil {
			return err
		}
		errs := &ValidationError{}
		if vals.Str("kind") != "person" {
			errs.Add("kind", "error.contact_person")
		}
		if !contains(ContactRoles, role) {
			errs.Add("role", "error.choice")
		}
		var kind string
		err := tx.QueryRowContext(ctx, "SELECT kind FROM customers WHERE id = ? AND deleted_at IS NULL", companyID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("contact person: %w", err)
		}
		if kind != "company" {
			errs.Add("company_id", "error.contact_company")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if rec, err = s.insert(ctx, tx, a, s.mod(Customers), vals); err != nil {
			return err
		}
		return linkContact(ctx, tx, a, companyID, rec.ID, role)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// RemoveContact ends a person's link to a company.
func (s *Store) RemoveContact(ctx context.Context, a *Actor, companyID, personID int64) error {
	if err := authorize(a, Customers.Key, "edit"); err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := requireScope(ctx, tx, a, Customers, ActEdit, companyID); err != nil {
			return err
		}
		var role string
		err := tx.QueryRowContext(ctx, "DELETE FROM customer_contacts WHERE company_id = ? AND person_id = ? RETURNING role",
			companyID, personID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("remove contact: %w", err)
		}
		return auditContact(ctx, tx, a, ActionUnlink, companyID, personID, role)
	})
}

// Contacts returns the live contact links of a customer: a company's
// people, or the companies a person works for, newest link first.
func (s *Store) Contacts(ctx context.Context, a *Actor, customerID int64) ([]Contact, error) {
	m := s.mod(Customers)
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	if err := requireScope(ctx, s.reads, a, m, ActRead, customerID); err != nil {
		return nil, err // the links of a customer one may not see are not one's business
	}
	if scope != "" {
		scope = " AND " + scope
	}
	// With the record come the ETK standings kept on its row (Derived):
	// the page's consent badges beside each contact need no query of
	// their own (ListedAddressStates).
	cols := m.listColumns(nil, "")
	rows, err := s.reads.query(ctx, `
		SELECT cc.role, cc.company_id = ?, `+selectColumns(cols)+`
		FROM customer_contacts cc
		JOIN customers t ON t.id = CASE WHEN cc.company_id = ? THEN cc.person_id ELSE cc.company_id END
		WHERE (cc.company_id = ? OR cc.person_id = ?) AND t.deleted_at IS NULL`+scope+`
		ORDER BY cc.created_at DESC, t.sort_key`, append([]any{customerID, customerID, customerID, customerID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("contacts of %d: %w", customerID, err)
	}
	var out []Contact
	for rows.Next() {
		var role string
		var isCompany bool
		r, err := m.scanColumns(prefixScan{rows, []any{&role, &isCompany}}, cols)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("contacts of %d: %w", customerID, err)
		}
		redact(a, m, r)
		c := Contact{Role: role}
		if isCompany {
			c.Person = r
		} else {
			c.Company = r
		}
		out = append(out, c)
	}
	return out, closeRows(rows, "contacts")
}

// prefixScan lets a module scanner read rows that carry extra columns
// before the record's own.
type prefixScan struct {
	rows  *sql.Rows
	extra []any
}

func (p prefixScan) Scan(dest ...any) error {
	return p.rows.Scan(append(append([]any{}, p.extra...), dest...)...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ConvertInput is what converting a lead may add: a company to create for
// the person, with the person as its contact.
type ConvertInput struct {
	CompanyTitle string
	CompanyVKN   string
	Role         string
}

// ConvertLead turns a lead into a customer. The record keeps its id, so
// every activity and note it had stays with it. For a person, a company can
// be created at the same time with the person as its contact. All of it
// happens in one transaction.
func (s *Store) ConvertLead(ctx context.Context, a *Actor, id int64, in ConvertInput) (person, company *Record, err error) {
	if err := authorize(a, Customers.Key, "edit"); err != nil {
		return nil, nil, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("convert lead %d: %w", id, err)
	}
	defer tx.Rollback()
	if err := requireScope(ctx, tx, a, Customers, ActEdit, id); err != nil {
		return nil, nil, err
	}
	var stage, kind string
	var owner sql.NullInt64
	err = tx.QueryRowContext(ctx, "SELECT stage, kind, owner_id FROM customers WHERE id = ? AND deleted_at IS NULL", id).Scan(&stage, &kind, &owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("convert lead %d: %w", id, err)
	}
	errs := &ValidationError{}
	if stage != "lead" {
		errs.Add("stage", "error.not_a_lead")
		return nil, nil, errs
	}
	title := strings.TrimSpace(in.CompanyTitle)
	if title != "" {
		if kind != "person" {
			errs.Add("company_title", "error.convert_company")
			return nil, nil, errs
		}
		role := in.Role
		if role == "" {
			role = "authorized"
		}
		if !contains(ContactRoles, role) {
			errs.Add("role", "error.choice")
			return nil, nil, errs
		}
		vals := s.mod(Customers).NewValues()
		vals["kind"], vals["stage"], vals["title"] = "company", "customer", title
		if owner.Valid {
			vals["owner_id"] = owner.Int64
		}
		if strings.TrimSpace(in.CompanyVKN) != "" {
			vkn, ok := tr.VKN(in.CompanyVKN)
			if !ok {
				errs.Add("company_vkn", "error.vkn")
				return nil, nil, errs
			}
			vals["vkn"] = vkn
		}
		company, err = s.insert(ctx, tx, a, s.mod(Customers), vals)
		if v, ok := AsValidation(err); ok {
			// The new company's fields carry the form's names.
			out := &ValidationError{}
			for f, msg := range v.Fields {
				out.Add("company_"+f, msg.Key, msg.Args...)
			}
			return nil, nil, out
		}
		if err != nil {
			return nil, nil, err
		}
		if err := linkContact(ctx, tx, a, company.ID, id, role); err != nil {
			return nil, nil, fmt.Errorf("convert lead %d: %w", id, err)
		}
	}
	person, _, err = s.update(ctx, tx, a, s.mod(Customers), id, Values{"stage": "customer", "lead_status": "qualified"})
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("convert lead %d: %w", id, err)
	}
	redact(a, s.mod(Customers), person)
	if company != nil {
		redact(a, s.mod(Customers), company)
	}
	return person, company, nil
}

// LookupPhone finds the live customers with a phone number, typed in any
// format, as their main or one of their other numbers: the call-centre
// screen that opens the caller's record.
func (s *Store) LookupPhone(ctx context.Context, a *Actor, raw string) (number string, found []*Record, err error) {
	scope, args, err := scopeCond(a, Customers, ActRead)
	if err != nil {
		return "", nil, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	number, ok := tr.Phone(raw)
	if !ok {
		return "", nil, &ValidationError{Fields: map[string]Msg{"phone": {Key: "error.phone"}}}
	}
	m := s.mod(Customers)
	// "phone <> ''" repeats the partial index's condition: SQLite uses a
	// partial index only when the query implies its WHERE, and without it
	// the lookup scanned the whole table (23 ms instead of 0.02 ms at
	// 100,000 customers).
	rows, err := s.reads.query(ctx, "SELECT "+m.selectList("t")+" FROM customers t WHERE t.deleted_at IS NULL AND t.id IN ("+
		"SELECT id FROM customers WHERE phone = ? AND phone <> '' UNION SELECT record_id FROM customers_phones WHERE number = ?)"+scope+" ORDER BY t.sort_key, t.id LIMIT 50",
		append([]any{number, number}, args...)...)
	if err != nil {
		return number, nil, fmt.Errorf("lookup %s: %w", number, err)
	}
	rs := m.newRowScanner(m.columns())
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return number, nil, fmt.Errorf("lookup %s: %w", number, err)
		}
		redact(a, m, r)
		found = append(found, r)
	}
	return number, found, closeRows(rows, "lookup")
}

// Children returns the live records of module child that belong to the
// parent record (a customer's assets), newest first.
func (s *Store) Children(ctx context.Context, a *Actor, child *Module, field string, parentID int64, limit int) ([]*Record, error) {
	child = s.mod(child)
	scope, args, err := scopeCond(a, child, ActRead)
	if err != nil {
		return nil, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	f, ok := child.Field(field)
	if !ok || f.Kind != Ref {
		return nil, fmt.Errorf("%w: %s has no reference %q", ErrBadQuery, child.Key, field)
	}
	if parent, ok := child.related(f.Ref); ok && !parent.AdminOnly {
		if err := requireScope(ctx, s.reads, a, parent, ActRead, parentID); err != nil {
			return nil, err
		}
	}
	rows, err := s.reads.query(ctx, "SELECT "+child.selectList("t")+" FROM "+child.Table+" t WHERE t."+f.Name+
		" = ? AND t.deleted_at IS NULL"+scope+" ORDER BY t.created_at DESC, t.id DESC LIMIT ?", append(append([]any{parentID}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("%s of %d: %w", child.Key, parentID, err)
	}
	var out []*Record
	rs := child.newRowScanner(child.columns())
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s of %d: %w", child.Key, parentID, err)
		}
		out = append(out, r)
	}
	if err := closeRows(rows, child.Key); err != nil {
		return nil, err
	}
	// The parent's name is the page's own; only the other references
	// need their names.
	if err := s.loadRefs(ctx, child, out, f.Name); err != nil {
		return nil, err
	}
	redact(a, child, out...)
	return out, nil
}
