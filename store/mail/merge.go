// Package mail writes and sends the firm's e-mail: Markdown templates with
// merge fields ({{ad}}), rendered to a MIME message with a text and an
// HTML part (UTF-8, quoted-printable, RFC 2047 headers, RFC 8058
// one-click unsubscribe headers), sent over SMTP with STARTTLS, TLS or
// neither; and the signed tokens of the unsubscribe links.
package mail

import (
	"fmt"
	"strings"
)

// Merge fields a template may use, by their Turkish names: what each
// stands for is the caller's (store fills them from the customer).
var Fields = []string{"ad", "soyad", "ad_soyad", "firma", "temsilci", "il", "ilce", "eposta", "telefon"}

// FieldError is a template problem: an unknown merge field, or a "{{"
// that is never closed.
type FieldError struct {
	Field    string // the unknown name; "" for an unclosed {{
	Unclosed bool
}

func (e *FieldError) Error() string {
	if e.Unclosed {
		return "mail: unclosed {{ in template"
	}
	return fmt.Sprintf("mail: unknown merge field {{%s}}", e.Field)
}

// isKnown says whether name is one of Fields.
func isKnown(name string) bool {
	for _, f := range Fields {
		if f == name {
			return true
		}
	}
	return false
}

// scan walks a template: it calls text for each run of plain text and
// field for each merge field's name (spaces inside the braces trimmed),
// and stops at the first unknown field or unclosed brace.
func scan(s string, text func(string), field func(string)) error {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			text(s)
			return nil
		}
		text(s[:i])
		rest := s[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return &FieldError{Unclosed: true}
		}
		name := strings.TrimSpace(rest[:j])
		if !isKnown(name) {
			return &FieldError{Field: name}
		}
		field(name)
		s = rest[j+2:]
	}
}

// Check reports the first unknown merge field or unclosed brace in s, as
// a *FieldError, or nil.
func Check(s string) error {
	return scan(s, func(string) {}, func(string) {})
}

// Merge puts values in place of the merge fields of s (a field without a
// value becomes ""). s must have passed Check; an error is its problem.
func Merge(s string, values map[string]string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 64)
	err := scan(s, func(t string) { b.WriteString(t) }, func(name string) { b.WriteString(values[name]) })
	return b.String(), err
}
