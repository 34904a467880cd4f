package iys

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// MaxFileBytes is the largest status file Read takes: İYS answers a query
// of 10,000 consents in about 2 MB of JSON, so 16 MiB leaves room without
// letting an upload fill the memory.
const MaxFileBytes = 16 << 20

// File is a status file as read: the records that are good, and a
// problem for each record that is not, both in file order.
type File struct {
	Records  []Record
	Problems []*Error
}

// Read reads an İYS status answer: JSON ({"consents": […]}, {"list": […]}
// or a bare array of records) or CSV (';' or ',' between fields, a header
// row naming the six fields in any order, UTF-8 with or without a byte
// order mark), told apart by content. A record with a bad field is left
// out and reported in Problems with its row, line and field; a file that
// cannot be read at all is an *Error naming the line where reading
// stopped.
func Read(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("iys: read file: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, &Error{Line: 1, Code: CodeTooLarge}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, &Error{Line: lineAt(data, invalidUTF8At(data)), Code: CodeEncoding}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return readJSON(data)
	}
	return readCSV(data)
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// rawRecord is one record's fields as found in the file, before checks.
type rawRecord struct {
	values    map[string]string
	notText   map[string]bool // JSON members that are not strings
	notObject bool            // a JSON element that is not an object
	row, line int
}

// parse checks a record's fields and makes the Record, or says what is
// wrong with the first bad field (in file order).
func (raw rawRecord) parse(future time.Time) (Record, *Error) {
	rec := Record{Row: raw.row, Line: raw.line}
	bad := func(field, code string) (Record, *Error) {
		return Record{}, &Error{Row: raw.row, Line: raw.line, Field: field, Code: code, Value: clip(raw.values[field])}
	}
	if raw.notObject {
		return Record{}, &Error{Row: raw.row, Line: raw.line, Code: CodeShape}
	}
	for _, f := range Fields {
		if raw.notText[f] {
			return bad(f, CodeNotText)
		}
	}
	get := func(field string) string { return strings.TrimSpace(raw.values[field]) }
	date := get(FieldConsentDate)
	t, ok := tr.ParseDateTime(date)
	switch {
	case date == "":
		return bad(FieldConsentDate, CodeMissing)
	case !ok:
		return bad(FieldConsentDate, CodeDate)
	case t.After(future):
		return bad(FieldConsentDate, CodeFuture)
	}
	rec.ConsentDate = t
	// The names are ASCII; a file may write them in lower case.
	rec.Source = strings.ToUpper(get(FieldSource))
	rec.RecipientType = strings.ToUpper(get(FieldRecipientType))
	rec.Status = strings.ToUpper(get(FieldStatus))
	rec.Type = strings.ToUpper(get(FieldType))
	rec.Recipient = get(FieldRecipient)
	if e := Check(rec); e != nil && e.Field != FieldRecipient {
		return bad(e.Field, e.Code)
	}
	norm, ok := NormalRecipient(rec.Type, rec.Recipient)
	if !ok {
		return bad(FieldRecipient, codeOr(rec.Recipient, CodeRecipient))
	}
	rec.Recipient = norm
	return rec, nil
}

// futureSlack is how far ahead of the clock a consent may be dated: a
// clock a little fast on either side is no reason to refuse a record.
const futureSlack = 24 * time.Hour

// now is the clock; tests may move it.
var now = time.Now

func collect(raws []rawRecord) *File {
	f := &File{}
	future := now().Add(futureSlack)
	for _, raw := range raws {
		rec, e := raw.parse(future)
		if e != nil {
			f.Problems = append(f.Problems, e)
			continue
		}
		f.Records = append(f.Records, rec)
	}
	return f
}

// readJSON reads the records of a JSON answer, noting the line each
// starts on.
func readJSON(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) error {
		off := int(dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		return &Error{Line: lineAt(data, off), Code: CodeSyntax}
	}
	shape := func() error { return &Error{Line: lineAt(data, int(dec.InputOffset())), Code: CodeShape} }
	tok, err := dec.Token()
	if err != nil {
		return nil, syntax(err)
	}
	var raws []rawRecord
	switch tok {
	case json.Delim('['):
		if raws, err = readJSONList(dec, data); err != nil {
			return nil, err
		}
	case json.Delim('{'):
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, syntax(err)
			}
			name, _ := key.(string)
			if (name == "consents" || name == "list") && !found {
				open, err := dec.Token()
				if err != nil {
					return nil, syntax(err)
				}
				if open != json.Delim('[') {
					return nil, shape()
				}
				if raws, err = readJSONList(dec, data); err != nil {
					return nil, err
				}
				found = true
				continue
			}
			var skip json.RawMessage // other members of an answer (paging, ids)
			if err := dec.Decode(&skip); err != nil {
				return nil, syntax(err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntax(err)
		}
		if !found {
			return nil, shape()
		}
	default:
		return nil, shape()
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Line: lineAt(data, int(dec.InputOffset())), Code: CodeSyntax} // something after the end
	}
	return collect(raws), nil
}

// readJSONList reads the elements of an array whose '[' was read, up to
// its ']'. An element that is not an object is a problem of its own row.
func readJSONList(dec *json.Decoder, data []byte) ([]rawRecord, error) {
	var raws []rawRecord
	for row := 1; dec.More(); row++ {
		start := int(dec.InputOffset())
		// InputOffset is where the previous value ended; the record starts
		// after the comma and blanks that follow.
		for start < len(data) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
			start++
		}
		var obj map[string]json.RawMessage
		err := dec.Decode(&obj)
		line := lineAt(data, start)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) || (err == nil && obj == nil) {
			raws = append(raws, rawRecord{row: row, line: line, notObject: true})
			continue
		}
		if err != nil {
			return nil, &Error{Row: row, Line: line, Code: CodeSyntax}
		}
		raw := rawRecord{row: row, line: line, values: map[string]string{}, notText: map[string]bool{}}
		for _, f := range Fields {
			v, ok := obj[f]
			if !ok || string(v) == "null" {
				continue
			}
			var s string
			if json.Unmarshal(v, &s) != nil {
				raw.values[f], raw.notText[f] = string(v), true
				continue
			}
			raw.values[f] = s
		}
		raws = append(raws, raw)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, &Error{Line: lineAt(data, int(dec.InputOffset())), Code: CodeSyntax}
	}
	return raws, nil
}

// readCSV reads a CSV answer: the separator is the header line's, ';' or
// ','; the header names the fields.
func readCSV(data []byte) (*File, error) {
	head, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ';'
	if bytes.Count(head, []byte(",")) > bytes.Count(head, []byte(";")) {
		sep = ','
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = sep, -1, true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Line: 1, Code: CodeColumns}
	}
	if err != nil {
		return nil, csvSyntax(err, 1)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.Trim(strings.TrimSpace(h), `"'`)
		for _, f := range Fields {
			if strings.EqualFold(h, f) {
				if _, dup := cols[f]; !dup {
					cols[f] = i
				}
			}
		}
	}
	for _, f := range Fields {
		if _, ok := cols[f]; !ok {
			return nil, &Error{Line: 1, Field: f, Code: CodeColumns}
		}
	}
	var raws []rawRecord
	for row := 1; ; row++ {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvSyntax(err, row)
		}
		line, _ := cr.FieldPos(0) // only after a row was read: it panics otherwise
		if blank(cells) {
			row--
			continue
		}
		raw := rawRecord{row: row, line: line, values: map[string]string{}}
		for f, i := range cols {
			if i < len(cells) {
				raw.values[f] = strings.TrimPrefix(cells[i], "'") // a spreadsheet's text mark
			}
		}
		raws = append(raws, raw)
	}
	return collect(raws), nil
}

func csvSyntax(err error, row int) error {
	line := 1
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = max(pe.StartLine, 1)
	}
	return &Error{Row: row, Line: line, Code: CodeSyntax}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
