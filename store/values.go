package store

import (
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// defaultMax is the longest text a Text field takes when it declares none.
const defaultMax = 200

// maxTags bounds the tags of one record; a tag is at most 40 characters.
const (
	maxTags      = 30
	maxTagLength = 40
	maxPhones    = 10
)

// parseText turns one submitted string into the field's value, or names
// the problem with a catalogue key and its arguments.
func (f *Field) parseText(s string) (any, *Msg) {
	s = strings.TrimSpace(s)
	if s == "" {
		switch {
		case f.Kind.numeric():
			return nil, nil
		case f.Kind == Bool:
			return false, nil
		case f.Kind == Tags, f.Kind == RefList, f.Kind == Grants:
			return emptyValue(f.Kind), nil
		}
		return "", nil
	}
	bad := func(key string, args ...any) (any, *Msg) { return nil, &Msg{Key: key, Args: args} }
	switch f.Kind {
	case Text, LongText:
		limit := f.Max
		if limit == 0 {
			limit = defaultMax
			if f.Kind == LongText {
				limit = 20000
			}
		}
		if utf8.RuneCountInString(s) > limit {
			return bad("error.too_long", limit)
		}
		if !utf8.ValidString(s) {
			return bad("error.text")
		}
		return s, nil
	case Email:
		e, ok := tr.Email(s)
		if !ok {
			return bad("error.email")
		}
		return strings.ToLower(e), nil
	case Phone:
		p, ok := tr.Phone(s)
		if !ok {
			return bad("error.phone")
		}
		return p, nil
	case TCKN:
		n, ok := tr.TCKN(s)
		if !ok {
			return bad("error.tckn")
		}
		return n, nil
	case VKN:
		n, ok := tr.VKN(s)
		if !ok {
			return bad("error.vkn")
		}
		return n, nil
	case PostalCode:
		n, ok := tr.PostalCode(s)
		if !ok {
			return bad("error.postal_code")
		}
		return n, nil
	case Plate:
		n, ok := tr.Plate(s)
		if !ok {
			return bad("error.plate")
		}
		return n, nil
	case Date:
		d, ok := tr.ParseDate(s)
		if !ok {
			return bad("error.date")
		}
		return d.Format("2006-01-02"), nil
	case DateTime:
		t, ok := tr.ParseDateTime(s)
		if !ok {
			return bad("error.datetime")
		}
		return t.Format(tr.DateTimeLayout), nil
	case Int, Ref:
		// Counts (employees) and ids are never negative.
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
		if err != nil || n < 0 || (f.Kind == Ref && n == 0) {
			return bad("error.number")
		}
		return n, nil
	case Money:
		n, ok := tr.ParseMoney(s)
		if !ok {
			return bad("error.money")
		}
		return n, nil
	case Choice:
		// A custom field's choice may also be named by its label, as an
		// export writes it, so that a file exported comes back in.
		if v, ok := f.choiceValue(s); ok {
			return v, nil
		}
		return bad("error.choice")
	case MultiChoice:
		// Spreadsheets separate the items with ";" (Turkish Excel) or ",".
		return f.parseMulti(strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }))
	case Province:
		p, ok := tr.ProvinceByName(s)
		if !ok {
			return bad("error.province")
		}
		return p.Name, nil
	case Bool:
		switch strings.ToLower(s) {
		case "1", "true", "on", "yes", "evet":
			return true, nil
		case "0", "false", "off", "no", "hayır":
			return false, nil
		}
		return bad("error.bool")
	case URL:
		u := s
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		parsed, err := url.Parse(u)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || !strings.Contains(parsed.Host, ".") || len(u) > 300 {
			return bad("error.url")
		}
		return u, nil
	case Tags:
		return parseTags(strings.Split(s, ","))
	case RefList:
		return parseIDs(strings.Split(s, ","))
	case Grants:
		var p Permissions
		if err := json.Unmarshal([]byte(s), &p); err != nil {
			return bad("error.json_type", "permissions object")
		}
		n, msg := p.normalise(f.set)
		if msg != nil {
			return nil, msg
		}
		return n, nil
	}
	return bad("error.text")
}

func parseTags(raw []string) (any, *Msg) {
	var out []string
	seen := map[string]bool{}
	for _, t := range raw {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > maxTagLength {
			return nil, &Msg{Key: "error.tag_long", Args: []any{maxTagLength}}
		}
		key := tr.Fold(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, &Msg{Key: "error.too_many", Args: []any{maxTags}}
	}
	return out, nil
}

// maxRefs bounds a reference list (a user's teams or roles).
const maxRefs = 100

// parseIDs reads record ids, as a form's checkboxes send them, into a
// sorted list without repeats.
func parseIDs(raw []string) (any, *Msg) {
	var ids []int64
	for _, r := range raw {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		n, err := strconv.ParseInt(r, 10, 64)
		if err != nil || n <= 0 {
			return nil, &Msg{Key: "error.number"}
		}
		ids = append(ids, n)
	}
	return normalIDs(ids)
}

func normalIDs(ids []int64) (any, *Msg) {
	if len(ids) > maxRefs {
		return nil, &Msg{Key: "error.too_many", Args: []any{maxRefs}}
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	for _, n := range sorted {
		if n <= 0 {
			return nil, &Msg{Key: "error.number"}
		}
	}
	if len(sorted) == 0 {
		return []int64(nil), nil
	}
	return sorted, nil
}

func parsePhones(labels, numbers []string) (any, *Msg) {
	var out []PhoneEntry
	for i, n := range numbers {
		if strings.TrimSpace(n) == "" {
			continue
		}
		p, ok := tr.Phone(n)
		if !ok {
			return nil, &Msg{Key: "error.phone"}
		}
		label := ""
		if i < len(labels) {
			label = strings.TrimSpace(labels[i])
		}
		if utf8.RuneCountInString(label) > 40 {
			return nil, &Msg{Key: "error.too_long", Args: []any{40}}
		}
		out = append(out, PhoneEntry{Label: label, Number: p})
	}
	if len(out) > maxPhones {
		return nil, &Msg{Key: "error.too_many", Args: []any{maxPhones}}
	}
	return out, nil
}

// ParseForm reads a submitted form into values for every input field that
// applies to the record (by the discriminator in the form). An absent
// checkbox is false. Problems are collected per field.
func (m *Module) ParseForm(form url.Values) (Values, *ValidationError) {
	out := Values{}
	errs := &ValidationError{}
	if m.Discriminator != "" {
		out[m.Discriminator] = strings.TrimSpace(form.Get(m.Discriminator))
	}
	for _, f := range m.InputFields() {
		if !m.Applies(f, out) {
			continue
		}
		var val any
		var msg *Msg
		switch f.Kind {
		case PhoneList:
			val, msg = parsePhones(form[f.Name+"_label"], form[f.Name+"_number"])
		case RefList:
			val, msg = parseIDs(form[f.Name])
		case MultiChoice:
			val, msg = f.parseMulti(form[f.Name]) // one checkbox per choice
		case Grants:
			var p Permissions
			p, msg = parsePermissionsForm(form, f.Name, f.set)
			val = p
		default:
			val, msg = f.parseText(form.Get(f.Name))
		}
		if msg != nil {
			errs.Add(f.Name, msg.Key, msg.Args...)
			continue
		}
		out[f.Name] = val
	}
	return out, errs
}

// ParseJSON reads a JSON object into values for the keys it holds (PATCH
// semantics: absent keys stay as they are). Unknown keys are refused by
// name, so a misspelt field never silently does nothing; the read-only
// keys of a record (id, times, computed fields) are passed over, so a
// record read from the API can be sent back with changes.
func (m *Module) ParseJSON(obj map[string]json.RawMessage) (Values, *ValidationError) {
	out := Values{}
	errs := &ValidationError{}
	for _, name := range sortedKeys(obj) {
		raw := obj[name]
		switch name {
		case "id", "created_at", "updated_at", "deleted_at":
			continue // read-only, ignored so a GET body can be sent back
		}
		f, ok := m.fields[name]
		if !ok {
			errs.Add(name, "error.unknown_field")
			continue
		}
		if f.Computed {
			continue
		}
		val, msg := f.parseJSON(raw)
		if msg != nil {
			errs.Add(name, msg.Key, msg.Args...)
			continue
		}
		out[name] = val
	}
	return out, errs
}

func (f *Field) parseJSON(raw json.RawMessage) (any, *Msg) {
	if string(raw) == "null" {
		return f.parseText("")
	}
	switch f.Kind {
	case Tags:
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, &Msg{Key: "error.json_type", Args: []any{"array of strings"}}
		}
		return parseTags(list)
	case PhoneList:
		var list []PhoneEntry
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, &Msg{Key: "error.json_type", Args: []any{`array of {"label","number"}`}}
		}
		labels := make([]string, len(list))
		numbers := make([]string, len(list))
		for i, p := range list {
			labels[i], numbers[i] = p.Label, p.Number
		}
		return parsePhones(labels, numbers)
	case RefList:
		var ids []int64
		if err := json.Unmarshal(raw, &ids); err != nil {
			return nil, &Msg{Key: "error.json_type", Args: []any{"array of ids"}}
		}
		return normalIDs(ids)
	case Grants:
		var p Permissions
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, &Msg{Key: "error.json_type", Args: []any{`{"grants": {module: {action: scope}}, "fields": {module: {field: access}}}`}}
		}
		n, msg := p.normalise(f.set)
		if msg != nil {
			return nil, msg
		}
		return n, nil
	case MultiChoice:
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			// A string of items ("Bakım; Sigorta") is taken too, as a
			// spreadsheet cell holds them.
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return f.parseText(s)
			}
			return nil, &Msg{Key: "error.json_type", Args: []any{"array of strings"}}
		}
		return f.parseMulti(list)
	case Bool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, &Msg{Key: "error.json_type", Args: []any{"boolean"}}
		}
		return b, nil
	case Int, Ref, Money:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err == nil {
			v, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil || (f.Kind != Money && v < 0) || (f.Kind == Ref && v == 0) {
				return nil, &Msg{Key: "error.number"}
			}
			return v, nil
		}
		if f.Kind == Money {
			// A string amount ("1.234,56") is taken too, as people type it.
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return f.parseText(s)
			}
		}
		return nil, &Msg{Key: "error.json_type", Args: []any{"integer"}}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, &Msg{Key: "error.json_type", Args: []any{"string"}}
	}
	return f.parseText(s)
}

// NewValues returns the values a new record of m starts with: every field
// empty but for its declared default.
func (m *Module) NewValues() Values {
	v := Values{}
	for i := range m.Fields {
		f := &m.Fields[i]
		v[f.Name] = emptyValue(f.Kind)
		switch {
		case f.Default == "":
		case f.Kind == Bool: // held as a bool, as a form or the API gives it
			v[f.Name] = f.Default == "true"
		default:
			v[f.Name] = f.Default
		}
	}
	return v
}

// Check runs the module's rules on a copy of the values and adds what it
// finds to errs, after any problems already there (the first problem of a
// field wins). A form that failed to parse shows every problem at once, not
// the parse errors first and the missing fields on the next try.
func (m *Module) Check(v Values, errs *ValidationError) {
	c := make(Values, len(v))
	for k, x := range v {
		c[k] = x
	}
	m.check(c, errs)
}

// isEmpty says whether a value counts as not given for Required.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case []PhoneEntry:
		return len(x) == 0
	case []int64:
		return len(x) == 0
	case Permissions:
		return len(x.Grants) == 0 && len(x.Fields) == 0
	}
	return false
}

// check runs the module's rules on complete values: the Prepare hook
// first (it may normalise and fill computed fields), then Required for the
// fields that apply. Values of fields that do not apply are cleared, so a
// company never keeps a person's TCKN from an earlier form.
//
// Every value passes its kind's parser again, so that a record written
// through the Go API (the importer, the demo generator) meets exactly the
// checks of a form or the JSON API; the parsers are idempotent.
func (m *Module) check(v Values, errs *ValidationError) {
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed {
			continue
		}
		if msg := f.recheck(v); msg != nil {
			errs.Add(f.Name, msg.Key, msg.Args...)
			// The hooks after this see only checked values; the record is
			// refused anyway.
			v[f.Name] = emptyValue(f.Kind)
		}
	}
	if m.Prepare != nil {
		m.Prepare(v, errs)
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if key := f.Name + keySuffix; f.Sort && m.fields[key] != nil {
			v[key] = hex.EncodeToString(tr.SortKey(v.Str(f.Name)))
		}
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if !m.Applies(f, v) {
			if !f.Computed {
				v[f.Name] = emptyValue(f.Kind)
			}
			continue
		}
		if f.Required && isEmpty(v[f.Name]) {
			errs.Add(f.Name, "error.required")
		}
	}
}

// recheck normalises a field's value in place, or says what is wrong.
func (f *Field) recheck(v Values) *Msg {
	switch x := v[f.Name].(type) {
	case string:
		val, msg := f.parseText(x)
		if msg == nil {
			v[f.Name] = val
		}
		return msg
	case []string:
		if f.Kind != Tags {
			return &Msg{Key: "error.json_type", Args: []any{string(f.Kind)}}
		}
		val, msg := parseTags(x)
		if msg == nil {
			v[f.Name] = val
		}
		return msg
	case []PhoneEntry:
		if f.Kind != PhoneList {
			return &Msg{Key: "error.json_type", Args: []any{string(f.Kind)}}
		}
		labels := make([]string, len(x))
		numbers := make([]string, len(x))
		for i, p := range x {
			labels[i], numbers[i] = p.Label, p.Number
		}
		val, msg := parsePhones(labels, numbers)
		if msg == nil {
			v[f.Name] = val
		}
		return msg
	case []int64:
		if f.Kind != RefList {
			return &Msg{Key: "error.json_type", Args: []any{string(f.Kind)}}
		}
		val, msg := normalIDs(x)
		if msg == nil {
			v[f.Name] = val
		}
		return msg
	case Permissions:
		if f.Kind != Grants {
			return &Msg{Key: "error.json_type", Args: []any{string(f.Kind)}}
		}
		val, msg := x.normalise(f.set)
		if msg == nil {
			v[f.Name] = val
		}
		return msg
	case int:
		v[f.Name] = int64(x)
	case nil, int64, bool:
	default:
		return &Msg{Key: "error.json_type", Args: []any{string(f.Kind)}}
	}
	return nil
}

func emptyValue(k Kind) any {
	switch {
	case k.numeric():
		return nil
	case k == Bool:
		return false
	case k == Tags:
		return []string(nil)
	case k == PhoneList:
		return []PhoneEntry(nil)
	case k == RefList:
		return []int64(nil)
	case k == Grants:
		return Permissions{}
	}
	return ""
}
