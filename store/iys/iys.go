// Package iys reads and writes the files of İYS (İleti Yönetim Sistemi),
// Turkey's register of commercial-message consents: the bulk upload a firm
// sends (JSON {"consents": […]}, at most 10,000 records a file, or the same
// columns as CSV) and the status answers it gets back. It is format code
// only: it knows nothing of the CRM's database.
package iys

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// MaxRecords is the most records İYS takes in one bulk file.
const MaxRecords = 10000

// DateLayout is how İYS writes a consent's date: Istanbul time, to the
// second, without a zone.
const DateLayout = "2006-01-02 15:04:05"

// The values İYS knows, as it spells them.
var (
	Types          = []string{"ARAMA", "MESAJ", "EPOSTA"}
	Statuses       = []string{"ONAY", "RET"}
	RecipientTypes = []string{"BIREYSEL", "TACIR"}
	Sources        = []string{"HS_FIZIKSEL_ORTAM", "HS_ISLAK_IMZA", "HS_WEB", "HS_CAGRI_MERKEZI", "HS_SOSYAL_MEDYA",
		"HS_EPOSTA", "HS_MESAJ", "HS_MOBIL", "HS_EORTAM", "HS_ETKINLIK", "HS_2015", "HS_ATM", "HS_KARAR"}
)

// The file's field names, in the order İYS documents them and the files
// are written in.
const (
	FieldConsentDate   = "consentDate"
	FieldSource        = "source"
	FieldRecipient     = "recipient"
	FieldRecipientType = "recipientType"
	FieldStatus        = "status"
	FieldType          = "type"
)

// Fields are the six fields of a record, in file order.
var Fields = []string{FieldConsentDate, FieldSource, FieldRecipient, FieldRecipientType, FieldStatus, FieldType}

// Record is one consent as İYS knows it. Row and Line say where a record
// read from a file was: Row is its place among the records (1 for the
// first), Line the line of the file it starts on; both are 0 for records
// the program made.
type Record struct {
	ConsentDate   time.Time // a moment; written in Istanbul time
	Source        string
	Recipient     string // +905XXXXXXXXX for MESAJ, +90 and 10 digits for ARAMA, an e-mail for EPOSTA
	RecipientType string
	Status        string
	Type          string

	Row, Line int
}

// The problems a record or a file can have. They are codes, not texts:
// callers translate them (the UI's catalogue has "iys.err.<code>").
const (
	CodeMissing       = "missing"        // the field is absent or empty
	CodeNotText       = "not_text"       // a JSON value that is not a string
	CodeType          = "type"           // not ARAMA, MESAJ or EPOSTA
	CodeStatus        = "status"         // not ONAY or RET
	CodeSource        = "source"         // not one of the 13 sources
	CodeRecipientType = "recipient_type" // not BIREYSEL or TACIR
	CodeRecipient     = "recipient"      // not an address İYS takes for the type
	CodeDate          = "date"           // not a date and time İYS writes
	CodeFuture        = "future"         // a consent dated more than a day ahead
	CodeSyntax        = "syntax"         // the file is not well-formed JSON or CSV
	CodeShape         = "shape"          // well-formed, but not a list of consents
	CodeColumns       = "columns"        // a CSV file without one of the six columns
	CodeEncoding      = "encoding"       // not UTF-8
	CodeTooLarge      = "too_large"      // over MaxFileBytes
	CodeTooMany       = "too_many"       // over MaxRecords records for one bulk file
)

// Error is a problem with one record (Field set) or with a file, always
// naming where it is: Row is the record's place among the records and Line
// the file's line (1 at least, also for a whole-file problem), so that a
// person can find it.
type Error struct {
	Row, Line int
	Field     string // one of Fields, or "" for the record or file as a whole
	Code      string
	Value     string // what was there, cut to a readable length
}

func (e *Error) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Row > 0 {
		where = fmt.Sprintf("record %d (line %d)", e.Row, e.Line)
	}
	if e.Field != "" {
		where += ", " + e.Field
	}
	if e.Value != "" {
		return fmt.Sprintf("iys: %s: %s: %q", where, e.Code, e.Value)
	}
	return fmt.Sprintf("iys: %s: %s", where, e.Code)
}

// AsError finds an *Error in err.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

var (
	mobilePattern = regexp.MustCompile(`^\+905[0-9]{9}$`)
	phonePattern  = regexp.MustCompile(`^\+90[0-9]{10}$`)
)

// NormalRecipient is an address in the form İYS takes for a type: for
// MESAJ a mobile number +905XXXXXXXXX, for ARAMA any Turkish number of 10
// digits after +90 (service numbers like 444 … cannot be called with
// consent), for EPOSTA the e-mail address, lower-cased as the ledger keeps it.
// Any usual way of writing a number is accepted.
func NormalRecipient(typ, s string) (string, bool) {
	switch typ {
	case "MESAJ", "ARAMA":
		p, ok := tr.Phone(s)
		if !ok {
			return "", false
		}
		if typ == "MESAJ" && !mobilePattern.MatchString(p) || typ == "ARAMA" && !phonePattern.MatchString(p) {
			return "", false
		}
		return p, true
	case "EPOSTA":
		e, ok := tr.Email(s)
		if !ok || strings.ContainsAny(e, `;,"'`) {
			return "", false // a quoted local part: valid mail, but no file could carry it plainly
		}
		return strings.ToLower(e), true
	}
	return "", false
}

// Check says what is wrong with a record İYS would refuse, or nil. A
// record the program writes must pass it.
func Check(r Record) *Error {
	bad := func(field, code, value string) *Error {
		return &Error{Row: r.Row, Line: max(r.Line, 1), Field: field, Code: code, Value: clip(value)}
	}
	switch {
	case r.ConsentDate.IsZero():
		return bad(FieldConsentDate, CodeMissing, "")
	case !slices.Contains(Sources, r.Source):
		return bad(FieldSource, codeOr(r.Source, CodeSource), r.Source)
	case !slices.Contains(RecipientTypes, r.RecipientType):
		return bad(FieldRecipientType, codeOr(r.RecipientType, CodeRecipientType), r.RecipientType)
	case !slices.Contains(Statuses, r.Status):
		return bad(FieldStatus, codeOr(r.Status, CodeStatus), r.Status)
	case !slices.Contains(Types, r.Type):
		return bad(FieldType, codeOr(r.Type, CodeType), r.Type)
	}
	if norm, ok := NormalRecipient(r.Type, r.Recipient); !ok || norm != r.Recipient {
		return bad(FieldRecipient, codeOr(r.Recipient, CodeRecipient), r.Recipient)
	}
	return nil
}

// codeOr is CodeMissing for an empty value, else code.
func codeOr(value, code string) string {
	if value == "" {
		return CodeMissing
	}
	return code
}

// clip cuts a value shown in an error to a readable length.
func clip(s string) string {
	const most = 60
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// FormatDate writes a moment as İYS does: Istanbul time, "2006-01-02 15:04:05".
func FormatDate(t time.Time) string { return t.In(tr.Istanbul).Format(DateLayout) }

// ShowsValue says whether a problem is best told with the value found
// (an unknown type, a bad date) rather than alone (a missing field).
func ShowsValue(code string) bool {
	switch code {
	case CodeType, CodeStatus, CodeSource, CodeRecipientType, CodeRecipient, CodeDate, CodeFuture:
		return true
	}
	return false
}
