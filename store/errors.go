package store

import (
	"errors"
	"sort"
	"strings"
)

// Errors that callers branch on. The UI maps them to 404, 403, 409 and so on.
var (
	ErrNotFound       = errors.New("not found")
	ErrForbidden      = errors.New("forbidden")
	ErrBadCredentials = errors.New("wrong e-mail or password")
	ErrSetupDone      = errors.New("setup is already done")
	// ErrConflict: the record changed since the caller read it; saving
	// would silently undo somebody else's edit.
	ErrConflict = errors.New("the record was changed by someone else")
)

// Msg is a message for a person: a locale catalogue key and its arguments.
// The store never formats text for people; the UI translates.
// LabelKey is a message argument that is itself a catalogue key (a
// channel's name), shown in the reader's language.
type LabelKey string

// CatalogueKey is the key to translate.
func (k LabelKey) CatalogueKey() string { return string(k) }

type Msg struct {
	Key  string
	Args []any
}

// ValidationError says, per field, what is wrong with the input. Field
// names are the declared (JSON and form) names.
type ValidationError struct {
	Fields map[string]Msg
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, f := range names {
		b.WriteString(" " + f + " (" + e.Fields[f].Key + ")")
	}
	return b.String()
}

// Add records a problem with a field; the first problem of a field wins,
// because it is usually the one to fix first.
func (e *ValidationError) Add(field, key string, args ...any) {
	if e.Fields == nil {
		e.Fields = map[string]Msg{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = Msg{Key: key, Args: args}
	}
}

// Err returns e as an error, or nil when no field has a problem.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// AsValidation unwraps a *ValidationError from err.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}

// LimitError says that something is refused for now and when to try again.
type LimitError struct {
	RetryAfterMinutes int
}

func (e *LimitError) Error() string { return "too many attempts" }
