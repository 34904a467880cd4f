package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Kind is what a field holds. The kind decides how a value is parsed from a
// form or JSON, checked, stored, shown, written to CSV and folded for search.
type Kind string

// The field kinds.
const (
	Text       Kind = "text"
	LongText   Kind = "longtext" // Markdown, rendered safely (raw HTML never)
	Email      Kind = "email"
	Phone      Kind = "phone"      // one number, E.164
	PhoneList  Kind = "phonelist"  // more numbers with labels, in a side table
	TCKN       Kind = "tckn"       // national ID number, checked
	VKN        Kind = "vkn"        // tax number, checked
	PostalCode Kind = "postalcode" // five digits, province-prefixed
	Plate      Kind = "plate"      // Turkish licence plate
	Date       Kind = "date"       // a day, kept as YYYY-MM-DD
	DateTime   Kind = "datetime"   // a moment, kept in UTC as 2006-01-02T15:04:05Z (tr.DateTimeLayout)
	Int        Kind = "int"
	Money      Kind = "money" // kuruş
	Choice     Kind = "choice"
	Ref        Kind = "ref"  // the id of a record of another module (or a user)
	Tags       Kind = "tags" // free labels, in a side table
	Bool       Kind = "bool"
	URL        Kind = "url"
	Province   Kind = "province" // one of the 81 provinces, by name
	RefList    Kind = "reflist"  // ids of records of another module, in a side table (a user's teams)
	Grants     Kind = "grants"   // a role's Permissions, in a side table
	// MultiChoice holds several of its Choices, kept in one TEXT column as
	// the chosen values in declaration order joined by commas ("a,c"):
	// values are ASCII snake_case, so a comma never occurs inside one, and
	// a filter finds a value with instr() on the column framed by commas.
	MultiChoice Kind = "multichoice"
)

// Field is one declared field of a module.
type Field struct {
	Name  string // column, form and JSON name (English snake_case)
	Kind  Kind
	Label string // catalogue key; "field.<module>.<name>" when empty

	Required bool
	// Default is the value a new record starts with (a Choice's usual
	// choice), shown preselected in forms.
	Default string
	Choices []string // Choice: the stored values; labels are "choice.<module>.<name>.<value>"
	Ref     string   // Ref: the module key it points to ("users" for people of the firm)
	Max     int      // Text, LongText: the longest value in characters
	// Currency names, for a Money field, the Choice field of the same
	// record that holds its currency code ("USD"); empty: lira.
	Currency string

	// Group ties a field to values of the module's Discriminator, such as
	// the person-only fields of a customer, or a call's duration; several
	// values are joined by commas ("call,sms,email"). Empty: the field is
	// common.
	Group string

	Search bool // part of the record's search key
	List   bool // a list column by default
	Sort   bool // the list can sort by it (the column is indexed)
	Filter bool // the list offers a filter on it
	// Bands are the named ranges an Int filter offers instead of an exact
	// number (a customer's data quality: low, medium, high); their labels
	// are choice keys, "choice.<module>.<name>.<band>".
	Bands []Band
	// Computed fields are filled by the module's hooks, never by input.
	Computed bool
	// Internal fields are the program's own (collation keys): never shown,
	// listed, exported or served by the API.
	Internal bool
	// Parent marks the Ref to the record this one belongs to (an asset's
	// customer): lists leave out records whose parent is in the recycle bin.
	Parent bool
	// Sensitive fields (TCKN, birth date) can be hidden or made read-only
	// per role, and reading them is logged for KVKK.
	Sensitive bool

	// Custom marks a field an administrator added at run time (see
	// customfields.go). Its labels are literal texts per language rather
	// than catalogue keys, as nobody ships a catalogue for it.
	Custom bool
	// Labels are the field's label by language ("tr", "en"), for custom
	// fields; empty for declared ones, whose Label is a catalogue key.
	Labels map[string]string
	// ChoiceLabels are the labels of each choice by language, for custom
	// fields: value → language → text.
	ChoiceLabels map[string]map[string]string

	set *moduleSet // the store's modules this field was declared in; nil: the registry
}

// LabelIn is a custom field's label in a language (Turkish when it has
// none in that language), or "" for a declared field, whose label is the
// catalogue's (LabelKey).
func (f *Field) LabelIn(lang string) string {
	if l := f.Labels[lang]; l != "" {
		return l
	}
	return f.Labels["tr"]
}

// ChoiceLabelIn is a custom field's label of one choice in a language
// (Turkish when it has none in that language), or "" for a declared
// field, whose choice labels are the catalogue's (ChoiceKey).
func (f *Field) ChoiceLabelIn(value, lang string) string {
	if l := f.ChoiceLabels[value][lang]; l != "" {
		return l
	}
	return f.ChoiceLabels[value]["tr"]
}

// Band is a named range of an integer field, Lo <= value < Hi.
type Band struct {
	Name   string
	Lo, Hi int64
}

// BandOf is the band a value falls in, or "".
func (f *Field) BandOf(n int64) string {
	for _, b := range f.Bands {
		if n >= b.Lo && n < b.Hi {
			return b.Name
		}
	}
	return ""
}

// Module is a declared module: its table and fields and the few hooks of
// behaviour it adds. Lists, forms, validation, the JSON API, search and the
// change set all come from this one declaration.
type Module struct {
	Key    string // URL and API name: "customers"
	Table  string
	Label  string // catalogue key of the plural name
	Fields []Field
	// DefaultSort is a field name with Sort set, or "" for newest first.
	DefaultSort string
	// Discriminator names a Choice field whose value selects the Group of
	// fields that apply (a customer's kind: person or company).
	Discriminator string
	// SearchID tags this module's entries in the shared search index; it
	// must be unique and never change once data exists. 0 leaves the
	// module out of search (the admin modules).
	SearchID int
	// NoGlobalSearch keeps a searchable module out of the search box at
	// the top of every page: its list still searches it (a consent by its
	// address), but the customer is what a search should find.
	NoGlobalSearch bool

	// TitleField is the column that names a record in lists, links and
	// search results.
	TitleField string

	// Prepare runs before every validation and save, on the merged values:
	// it normalises, fills computed fields and adds rules across fields.
	Prepare func(v Values, errs *ValidationError)

	// Verify checks what needs the database (a unique name, a department
	// that would become its own parent) inside the write's transaction,
	// before the row is written; id is 0 for a new record.
	Verify func(ctx context.Context, q querier, id int64, v Values, errs *ValidationError) error

	// OnCreate fills what a new record takes from who creates it (the
	// user who recorded a consent), before it is checked.
	OnCreate func(a *Actor, v Values)

	// AfterSave runs inside the write's transaction once a record is
	// created (old nil) or updated, for what a write sets off beyond its
	// own row (a consent task on a contact, closing one on a decision).
	AfterSave func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, old, v Values) error

	// Deletable, when set, is asked inside the write's transaction before
	// a record goes to the recycle bin or is purged (directly or with its
	// parent): a problem it adds to errs refuses that (an issued invoice
	// is only ever cancelled).
	Deletable func(ctx context.Context, q querier, id int64, errs *ValidationError) error

	// AfterDelete runs inside the write's transaction once a record went
	// into the recycle bin (action "delete") or came back out ("restore"),
	// for what depends on it being live (an invoice's paid total on its
	// payments).
	AfterDelete func(ctx context.Context, s *Store, tx *sql.Tx, a *Actor, id int64, action string) error

	// AppendOnly modules keep every record as written: a ledger is never
	// edited or deleted, a later record supersedes an earlier one.
	AppendOnly bool

	// AdminOnly modules (users, teams, departments, roles) are reached by
	// administrators only; roles grant nothing on them.
	AdminOnly bool
	// Lookup marks an AdminOnly module that is a short list of the firm's
	// own (the pipeline's stages) which other modules' records refer to:
	// everyone logged in reads it, to choose from it; only administrators
	// change it.
	Lookup bool
	// ScopeByParent makes the records of a module with an owner of its own
	// take their scope from their Parent reference's record instead (a
	// sales document is within a user's scope when its customer is): the
	// owner says whose work the record is, not who may see it.
	ScopeByParent bool
	// NoDelete modules keep every record: users are deactivated instead,
	// as their names stay in the audit trail.
	NoDelete bool
	// Personal modules hold people's personal data: reading a record is
	// logged for KVKK, not only changing it.
	Personal bool
	// InsertDefaults are values for columns that are not fields, written
	// when a record is created (a new user's empty password hash).
	InsertDefaults map[string]any
	// Derived are columns the database keeps on the row itself (by
	// triggers, like a customer's ETK standing): every list reads them
	// with its rows, so what a page shows beside a value needs no query
	// of its own; the engine never writes them, and forms, the API and
	// exports never show them.
	Derived []Field

	fields  map[string]*Field
	cols    []*Field // prepareColumns
	selectT string
	insertT string
	set     *moduleSet // the store's modules this one belongs to; nil: the registry
}

// Values are a record's field values by field name: string for text-like
// kinds (Date as YYYY-MM-DD, DateTime as UTC text), int64 for Int, Money and Ref, bool for Bool,
// []string for Tags and []PhoneEntry for PhoneList. A missing or nil value
// is empty.
type Values map[string]any

// PhoneEntry is one more phone number of a record.
type PhoneEntry struct {
	Label  string `json:"label"`
	Number string `json:"number"`
}

// Str is the string value of a field, or "".
func (v Values) Str(name string) string {
	s, _ := v[name].(string)
	return s
}

// Int is the integer value of a field and whether it is set.
func (v Values) Int(name string) (int64, bool) {
	n, ok := v[name].(int64)
	return n, ok
}

// Tags is the tag list of a field.
func (v Values) Tags(name string) []string {
	t, _ := v[name].([]string)
	return t
}

// Phones is the extra phone list of a field.
func (v Values) Phones(name string) []PhoneEntry {
	p, _ := v[name].([]PhoneEntry)
	return p
}

// Field returns the declared field with the name.
func (m *Module) Field(name string) (*Field, bool) {
	f, ok := m.fields[name]
	return f, ok
}

// LabelKey is the catalogue key of a field's label.
func (m *Module) LabelKey(f *Field) string {
	if f.Label != "" {
		return f.Label
	}
	return "field." + m.Key + "." + f.Name
}

// ChoiceKey is the catalogue key of one choice of a field.
func (m *Module) ChoiceKey(f *Field, value string) string {
	return "choice." + m.Key + "." + f.Name + "." + value
}

// Applies says whether a field belongs to a record with these values.
func (m *Module) Applies(f *Field, v Values) bool {
	return f.Group == "" || m.Discriminator == "" || f.InGroup(v.Str(m.Discriminator))
}

// InGroup says whether the field belongs to records whose discriminator
// has value g.
func (f *Field) InGroup(g string) bool {
	return f.Group == "" || slices.Contains(f.GroupValues(), g)
}

// GroupValues are the discriminator values the field belongs to; none
// for a common field.
func (f *Field) GroupValues() []string {
	if f.Group == "" {
		return nil
	}
	return strings.Split(f.Group, ",")
}

// side says whether the kind lives in a side table rather than a column.
func (k Kind) side() bool { return k == Tags || k == PhoneList || k == RefList || k == Grants }

// numeric kinds are INTEGER columns that are NULL when empty; every other
// column kind is TEXT holding the empty string when empty, so that sorting
// and keyset paging never meet NULL.
func (k Kind) numeric() bool { return k == Int || k == Money || k == Ref }

// sortsAsInt says whether a sortable field is a computed integer, which
// lists sort and page by its number rather than by text.
func (f *Field) sortsAsInt() bool { return f.Kind == Int && f.Computed }

var registry = map[string]*Module{}
var registryOrder []string

// register checks a declaration and adds it; a mistake in a declaration
// stops the program at start, not at the first request that meets it.
func register(m *Module) *Module {
	if _, dup := registry[m.Key]; dup {
		panic("store: module declared twice: " + m.Key)
	}
	m.fields = map[string]*Field{}
	ids := map[int]string{}
	for _, other := range registry {
		ids[other.SearchID] = other.Key
	}
	if other, dup := ids[m.SearchID]; (dup && m.SearchID != 0) || m.SearchID < 0 || m.SearchID >= searchModules {
		panic(fmt.Sprintf("store: module %s: search id %d is taken (by %q) or out of range", m.Key, m.SearchID, other))
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if _, dup := m.fields[f.Name]; dup {
			panic("store: field declared twice: " + m.Key + "." + f.Name)
		}
		if (f.Kind == Choice || f.Kind == MultiChoice) && len(f.Choices) == 0 {
			panic("store: choice field without choices: " + m.Key + "." + f.Name)
		}
		if (f.Kind == Ref || f.Kind == RefList) && f.Ref == "" {
			panic("store: ref field without target: " + m.Key + "." + f.Name)
		}
		if f.Internal && !f.Computed {
			panic("store: an internal field must be computed: " + m.Key + "." + f.Name)
		}
		// Keyset paging compares (column, id) with the last row's pair, which
		// NULL would break: text columns hold '' when empty, and an integer
		// may sort only when it is computed, so that the module's own hook
		// fills it on every write (its column is NOT NULL as well).
		if f.Sort && (f.Kind.side() || (f.Kind.numeric() && !f.sortsAsInt())) {
			panic("store: only text-like columns and computed integers can sort: " + m.Key + "." + f.Name)
		}
		if f.Currency != "" && f.Kind != Money {
			panic("store: only money has a currency: " + m.Key + "." + f.Name)
		}
		if len(f.Bands) > 0 && (f.Kind != Int || !f.Filter) {
			panic("store: bands belong to an integer filter: " + m.Key + "." + f.Name)
		}
		for j, b := range f.Bands {
			if b.Name == "" || b.Lo >= b.Hi || (j > 0 && b.Lo < f.Bands[j-1].Hi) {
				panic("store: bands must be named, non-empty and ascending: " + m.Key + "." + f.Name)
			}
		}
		m.fields[f.Name] = f
	}
	if m.DefaultSort != "" {
		if f, ok := m.fields[m.DefaultSort]; !ok || !f.Sort {
			panic("store: default sort is not a sortable field: " + m.Key + "." + m.DefaultSort)
		}
	}
	if _, ok := m.fields[m.TitleField]; !ok {
		panic("store: module without a title field: " + m.Key)
	}
	m.prepareColumns()
	registry[m.Key] = m
	registryOrder = append(registryOrder, m.Key)
	return m
}

// ModuleByKey returns a declared module.
func ModuleByKey(key string) (*Module, bool) {
	m, ok := registry[key]
	return m, ok
}

// Modules lists the declared modules in declaration order.
func Modules() []*Module {
	out := make([]*Module, 0, len(registryOrder))
	for _, k := range registryOrder {
		out = append(out, registry[k])
	}
	return out
}

// related is the module a reference of m points to, from the same
// database's declarations as m (with its custom fields).
func (m *Module) related(key string) (*Module, bool) { return m.set.lookup(key) }

// RoleModules are the modules roles grant access to, from the same
// database's declarations as m: the role form lists their protectable
// fields, custom ones included.
func (m *Module) RoleModules() []*Module { return m.set.roleModules() }

// ListFields are the fields shown as list columns by default.
func (m *Module) ListFields() []*Field {
	var out []*Field
	for i := range m.Fields {
		if m.Fields[i].List {
			out = append(out, &m.Fields[i])
		}
	}
	return out
}

// FilterFields are the fields the list offers filters for.
func (m *Module) FilterFields() []*Field {
	var out []*Field
	for i := range m.Fields {
		if m.Fields[i].Filter {
			out = append(out, &m.Fields[i])
		}
	}
	return out
}

// InputFields are the fields a person or a program may set.
func (m *Module) InputFields() []*Field {
	var out []*Field
	for i := range m.Fields {
		if !m.Fields[i].Computed {
			out = append(out, &m.Fields[i])
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
