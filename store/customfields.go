package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kobicrm/store/tr"
)

// Custom fields are declarations an administrator adds at run time: a row
// in custom_fields and a real column in the module's table. They are per
// database, and a process may hold several databases (the tests do), so
// the package's registry of modules is never changed: each Store keeps a
// snapshot of its modules — the registry's declarations with that
// database's custom fields appended — and swaps the whole snapshot when a
// field is added or removed. A request works on the snapshot it resolved
// at its start, so it never sees half a change.

// moduleSet is one snapshot of a store's modules. A nil set stands for the
// registry itself (the declarations without any custom field).
type moduleSet struct {
	byKey map[string]*Module
	order []*Module
}

func (set *moduleSet) lookup(key string) (*Module, bool) {
	if set == nil {
		return ModuleByKey(key)
	}
	m, ok := set.byKey[key]
	return m, ok
}

func (set *moduleSet) list() []*Module {
	if set == nil {
		return Modules()
	}
	return set.order
}

// newModuleSet builds a snapshot: every registered module copied, with
// the custom fields of its key appended in their order.
func newModuleSet(custom []CustomField) *moduleSet {
	set := &moduleSet{byKey: map[string]*Module{}}
	for _, base := range Modules() {
		c := *base
		c.Fields = slices.Clone(base.Fields)
		for i := range custom {
			if custom[i].Module == base.Key {
				c.Fields = append(c.Fields, custom[i].field())
			}
		}
		c.fields = make(map[string]*Field, len(c.Fields))
		for i := range c.Fields {
			c.Fields[i].set = set
			c.fields[c.Fields[i].Name] = &c.Fields[i]
		}
		c.set = set
		c.prepareColumns()
		set.byKey[c.Key] = &c
		set.order = append(set.order, &c)
	}
	return set
}

// Module returns the store's current declaration of a module, with the
// database's custom fields.
func (s *Store) Module(key string) (*Module, bool) {
	m, ok := s.mods.Load().byKey[key]
	return m, ok
}

// Modules lists the store's current modules in declaration order, with
// the database's custom fields.
func (s *Store) Modules() []*Module { return s.mods.Load().order }

// mod resolves a module (such as the package's Customers) to the store's
// current snapshot of it, so that callers holding a registry declaration
// still read and write the custom fields. Every exported method that takes
// a module calls it first.
func (s *Store) mod(m *Module) *Module {
	set := s.mods.Load()
	if m == nil || m.set == set {
		return m
	}
	if c, ok := set.byKey[m.Key]; ok {
		return c
	}
	return m
}

// CustomField is an administrator's field declaration.
type CustomField struct {
	ID      int64
	Module  string
	Name    string // the column: "cf_" and the Turkish label in ASCII snake_case
	Kind    Kind
	LabelTR string
	LabelEN string // "" shows the Turkish label in English too
	Choices []CustomChoice

	Required  bool
	Search    bool
	List      bool
	Filter    bool
	Sensitive bool

	Position  int
	CreatedAt time.Time
	CreatedBy string // the administrator's name
}

// CustomChoice is one choice of a custom choice field.
type CustomChoice struct {
	Value string `json:"value"`
	TR    string `json:"tr"`
	EN    string `json:"en,omitempty"`
}

// CustomFieldKinds are the kinds an administrator may give a field, in the
// order the form offers them.
var CustomFieldKinds = []Kind{Text, LongText, Int, Money, Date, Choice, MultiChoice, Bool, Email, Phone, URL}

// Limits of a declaration: labels are short headers, and a module with
// dozens of custom fields is a sign that it wants a module of its own.
const (
	customLabelMax   = 60
	customChoicesMax = 50
	customNameMax    = 40 // of the slug, after "cf_"
	customFieldsMax  = 50 // per module
)

// customPrefix starts every custom column, so that it can never collide
// with a column a later release declares.
const customPrefix = "cf_"

// sortableKind says whether a list can sort by a custom field of the kind:
// the text-like columns whose byte order is a sensible order.
func sortableKind(k Kind) bool {
	switch k {
	case Text, Email, Phone, URL, Date, Choice:
		return true
	}
	return false
}

// field is the declaration's Field.
func (cf *CustomField) field() Field {
	f := Field{
		Name: cf.Name, Kind: cf.Kind, Custom: true,
		Required:  cf.Required && cf.Kind != Bool,
		Search:    cf.Search,
		List:      cf.List,
		Filter:    cf.Filter,
		Sensitive: cf.Sensitive,
		Sort:      cf.List && sortableKind(cf.Kind),
		Labels:    map[string]string{"tr": cf.LabelTR, "en": cf.LabelEN},
	}
	if len(cf.Choices) > 0 {
		f.ChoiceLabels = make(map[string]map[string]string, len(cf.Choices))
		for _, c := range cf.Choices {
			f.Choices = append(f.Choices, c.Value)
			f.ChoiceLabels[c.Value] = map[string]string{"tr": c.TR, "en": c.EN}
		}
	}
	return f
}

// slug folds a label to ASCII snake_case the Turkish way: "Müşteri
// segmenti" → "musteri_segmenti". It is "" when nothing of the label is a
// Latin letter or a digit.
func slug(label string, limit int) string {
	var b strings.Builder
	under := false
	for _, r := range tr.Fold(label) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			if b.Len() >= limit {
				break
			}
			b.WriteRune(r)
			continue
		}
		under = true
	}
	return b.String()
}

// ParseCustomFieldForm reads the administrators' form for a new custom
// field: module, kind, label_tr, label_en, choices (one a line, "Türkçe"
// or "Türkçe | English"), and the checkboxes required, list, filter,
// search and sensitive. The column name comes from the Turkish label;
// AddCustomField makes it unique in its module.
func ParseCustomFieldForm(form url.Values) (CustomField, *ValidationError) {
	errs := &ValidationError{}
	flag := func(name string) bool {
		switch strings.TrimSpace(form.Get(name)) {
		case "1", "on", "true", "yes":
			return true
		}
		return false
	}
	cf := CustomField{
		Module:   strings.TrimSpace(form.Get("module")),
		Kind:     Kind(strings.TrimSpace(form.Get("kind"))),
		LabelTR:  strings.Join(strings.Fields(form.Get("label_tr")), " "),
		LabelEN:  strings.Join(strings.Fields(form.Get("label_en")), " "),
		Required: flag("required"), List: flag("list"), Filter: flag("filter"),
		Search: flag("search"), Sensitive: flag("sensitive"),
	}
	if cf.Module == "" {
		errs.Add("module", "error.required")
	}
	if !slices.Contains(CustomFieldKinds, cf.Kind) {
		errs.Add("kind", "error.choice")
	}
	checkLabel := func(field, label string, required bool) {
		switch {
		case label == "" && required:
			errs.Add(field, "error.required")
		case !utf8.ValidString(label):
			errs.Add(field, "error.text")
		case utf8.RuneCountInString(label) > customLabelMax:
			errs.Add(field, "error.too_long", customLabelMax)
		}
	}
	checkLabel("label_tr", cf.LabelTR, true)
	checkLabel("label_en", cf.LabelEN, false)
	if s := slug(cf.LabelTR, customNameMax); s != "" {
		cf.Name = customPrefix + s
	} else if cf.LabelTR != "" {
		errs.Add("label_tr", "error.cf_label")
	}
	if cf.Kind == Choice || cf.Kind == MultiChoice {
		choices, msg := parseCustomChoices(form.Get("choices"))
		if msg != nil {
			errs.Add("choices", msg.Key, msg.Args...)
		}
		cf.Choices = choices
	}
	// A checkbox is never empty, so it cannot be required; a long text is
	// not a filter (nobody picks a paragraph from a list), and a checkbox
	// has no words to search by.
	if cf.Kind == Bool {
		cf.Required = false
		cf.Search = false
	}
	if cf.Kind == LongText {
		cf.Filter = false
	}
	return cf, errs
}

// parseCustomChoices reads choices one a line: "Türkçe" or "Türkçe |
// English". A choice's value is its Turkish label in snake_case.
func parseCustomChoices(text string) ([]CustomChoice, *Msg) {
	var out []CustomChoice
	for _, line := range strings.Split(text, "\n") {
		trLabel, enLabel, _ := strings.Cut(line, "|")
		trLabel = strings.Join(strings.Fields(trLabel), " ")
		enLabel = strings.Join(strings.Fields(enLabel), " ")
		if trLabel == "" && enLabel == "" {
			continue
		}
		if !utf8.ValidString(trLabel) || !utf8.ValidString(enLabel) {
			return nil, &Msg{Key: "error.text"}
		}
		if utf8.RuneCountInString(trLabel) > customLabelMax || utf8.RuneCountInString(enLabel) > customLabelMax {
			return nil, &Msg{Key: "error.too_long", Args: []any{customLabelMax}}
		}
		value := slug(trLabel, customNameMax)
		if value == "" {
			return nil, &Msg{Key: "error.cf_choice", Args: []any{line}}
		}
		if slices.ContainsFunc(out, func(c CustomChoice) bool { return c.Value == value }) {
			return nil, &Msg{Key: "error.cf_choice_twice", Args: []any{trLabel}}
		}
		out = append(out, CustomChoice{Value: value, TR: trLabel, EN: enLabel})
	}
	if len(out) == 0 {
		return nil, &Msg{Key: "error.required"}
	}
	if len(out) > customChoicesMax {
		return nil, &Msg{Key: "error.too_many", Args: []any{customChoicesMax}}
	}
	return out, nil
}

// columnType is the SQL of a custom field's new column: TEXT holding ”
// when empty for text-like kinds, INTEGER (NULL when empty) for numbers,
// and 0 or 1 for a checkbox, as the declared columns are.
func columnType(k Kind) string {
	switch {
	case k.numeric():
		return "INTEGER"
	case k == Bool:
		return "INTEGER NOT NULL DEFAULT 0"
	}
	return "TEXT NOT NULL DEFAULT ''"
}

type index struct{ name, cols string }

// customIndexes are the indexes a custom field's list needs. A filter
// reads its matches in the list's default order straight from (field,
// default sort column, id): with (field, id) alone, the 33,000 customers
// of one choice among 100,000 were read and sorted for every page (42 ms
// instead of under 1). Sorting by the field itself walks (field, id), as
// keyset paging does. A MultiChoice filter matches inside the column, so
// no index serves it.
func customIndexes(m *Module, f *Field) []index {
	var out []index
	if f.Filter && f.Kind != MultiChoice {
		order, err := m.sortColumn("")
		if err != nil {
			order = "created_at"
		}
		out = append(out, index{m.Table + "_" + f.Name + "_filter", f.Name + ", " + order + ", id"})
	}
	if f.Sort {
		out = append(out, index{m.Table + "_" + f.Name, f.Name + ", id"})
	}
	return out
}

// loadModules reads the database's custom fields and installs the
// snapshot of modules built from them.
func (s *Store) loadModules(ctx context.Context, q querier) error {
	custom, err := readCustomFields(ctx, q)
	if err != nil {
		return err
	}
	s.mods.Store(newModuleSet(custom))
	return nil
}

// readCustomFields reads every declaration, in module and position order.
// A declaration this build cannot use (a kind or module of a newer
// version) is left out rather than stopping the program.
func readCustomFields(ctx context.Context, q querier) ([]CustomField, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.module, c.name, c.kind, c.label_tr, c.label_en, c.choices,
		c.required, c.search, c.list, c.filter, c.sensitive, c.position, c.created_at, COALESCE(u.name, '')
		FROM custom_fields c LEFT JOIN users u ON u.id = c.created_by ORDER BY c.module, c.position, c.id`)
	if err != nil {
		return nil, fmt.Errorf("read custom fields: %w", err)
	}
	var out []CustomField
	for rows.Next() {
		var cf CustomField
		var choices, created string
		if err := rows.Scan(&cf.ID, &cf.Module, &cf.Name, &cf.Kind, &cf.LabelTR, &cf.LabelEN, &choices,
			&cf.Required, &cf.Search, &cf.List, &cf.Filter, &cf.Sensitive, &cf.Position, &created, &cf.CreatedBy); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read custom fields: %w", err)
		}
		if err := json.Unmarshal([]byte(choices), &cf.Choices); err != nil {
			rows.Close()
			return nil, fmt.Errorf("custom field %s.%s: choices: %w", cf.Module, cf.Name, err)
		}
		if cf.CreatedAt, err = parseTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		m, ok := ModuleByKey(cf.Module)
		if !ok || m.AdminOnly || !slices.Contains(CustomFieldKinds, cf.Kind) ||
			((cf.Kind == Choice || cf.Kind == MultiChoice) && len(cf.Choices) == 0) {
			continue
		}
		out = append(out, cf)
	}
	return out, closeRows(rows, "custom fields")
}

// CustomFields lists the custom fields of every module, for the
// administrators' page.
func (s *Store) CustomFields(ctx context.Context, a *Actor) ([]CustomField, error) {
	if err := authorize(a, "custom_fields", "admin"); err != nil {
		return nil, err
	}
	return readCustomFields(ctx, s.reader)
}

// AddCustomField adds an administrator's field to a module: the
// declaration row, the column (ALTER TABLE … ADD COLUMN) and, when the
// list filters or sorts by it, an index, all in one transaction with its
// audit entry. The new snapshot of modules is in use when it returns, and
// the module's search entries are rebuilt if the field is searchable.
func (s *Store) AddCustomField(ctx context.Context, a *Actor, cf CustomField) (*CustomField, error) {
	if err := authorize(a, "custom_fields", "admin"); err != nil {
		return nil, err
	}
	s.fieldsMu.Lock()
	defer s.fieldsMu.Unlock()
	m, ok := s.Module(cf.Module)
	errs := &ValidationError{}
	if !ok || m.AdminOnly {
		errs.Add("module", "error.choice")
		return nil, errs
	}
	// The declaration passes the form's parser again, so one built in Go
	// (the tests, a future importer of field lists) meets the same checks.
	again, verr := ParseCustomFieldForm(cf.form())
	if err := verr.Err(); err != nil {
		return nil, err
	}
	again.Module = m.Key
	cf = again
	n := 0
	for i := range m.Fields {
		if m.Fields[i].Custom {
			n++
		}
	}
	if n >= customFieldsMax {
		errs.Add("module", "error.too_many", customFieldsMax)
		return nil, errs
	}
	// Two labels that fold alike ("Şube", "Sube") get cf_sube and cf_sube_2.
	base := cf.Name
	for i := 2; ; i++ {
		if _, taken := m.Field(cf.Name); !taken {
			break
		}
		cf.Name = base + "_" + strconv.Itoa(i)
	}
	cf.Position = n + 1
	choices, err := json.Marshal(cf.Choices)
	if err != nil {
		return nil, fmt.Errorf("add custom field: %w", err)
	}
	f := cf.field()
	var user any
	if a.UserID > 0 {
		user = a.UserID
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("add custom field %s.%s: %w", m.Key, cf.Name, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO custom_fields (module, name, kind, label_tr, label_en, choices,
		required, search, list, filter, sensitive, position, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.Key, cf.Name, string(cf.Kind), cf.LabelTR, cf.LabelEN, string(choices),
		f.Required, cf.Search, cf.List, cf.Filter, cf.Sensitive, cf.Position, timeText(now()), user)
	if err != nil {
		return nil, fmt.Errorf("add custom field %s.%s: %w", m.Key, cf.Name, err)
	}
	if cf.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("add custom field %s.%s: %w", m.Key, cf.Name, err)
	}
	// The names are our own: the table is declared and the column is
	// "cf_" and [a-z0-9_], so they are safe in the statement's text.
	if _, err := tx.ExecContext(ctx, "ALTER TABLE "+m.Table+" ADD COLUMN "+cf.Name+" "+columnType(cf.Kind)); err != nil {
		return nil, fmt.Errorf("add column %s.%s: %w", m.Table, cf.Name, err)
	}
	for _, ix := range customIndexes(m, &f) {
		if _, err := tx.ExecContext(ctx, "CREATE INDEX "+ix.name+" ON "+m.Table+" ("+ix.cols+") WHERE deleted_at IS NULL"); err != nil {
			return nil, fmt.Errorf("index %s.%s: %w", m.Table, cf.Name, err)
		}
	}
	if err := audit(ctx, tx, a, ActionFieldAdd, m, 0, []Change{{Field: cf.Name, New: cf.summary()}}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("add custom field %s.%s: %w", m.Key, cf.Name, err)
	}
	if err := s.loadModules(ctx, s.writer); err != nil {
		return nil, err
	}
	if cf.Search {
		if err := s.Reindex(ctx, a, m); err != nil {
			return nil, err
		}
	}
	return &cf, nil
}

// form is the declaration as the administrators' form sends it.
func (cf *CustomField) form() url.Values {
	v := url.Values{"module": {cf.Module}, "kind": {string(cf.Kind)}, "label_tr": {cf.LabelTR}, "label_en": {cf.LabelEN}}
	var lines []string
	for _, c := range cf.Choices {
		lines = append(lines, c.TR+" | "+c.EN)
	}
	v.Set("choices", strings.Join(lines, "\n"))
	for name, on := range map[string]bool{"required": cf.Required, "list": cf.List, "filter": cf.Filter, "search": cf.Search, "sensitive": cf.Sensitive} {
		if on {
			v.Set(name, "1")
		}
	}
	return v
}

// summary is the declaration as the audit trail shows it.
func (cf *CustomField) summary() string {
	s := fmt.Sprintf("%s (%s)", cf.LabelTR, cf.Kind)
	if len(cf.Choices) > 0 {
		var labels []string
		for _, c := range cf.Choices {
			labels = append(labels, c.TR)
		}
		s += ": " + strings.Join(labels, ", ")
	}
	return s
}

// The audit actions of custom fields; their record id is 0, as they
// change the module, not a record.
const (
	ActionFieldAdd    = "field_add"
	ActionFieldRemove = "field_remove"
)

// RemoveCustomField removes a custom field and its data. First it writes
// a backup copy of the whole database beside it, named
// "<db>-<time>-before-removing-<field>.db", so that the data stays
// recoverable; then it drops the column and its index, the declaration
// and the roles' protections of it, and records the removal with the
// backup's name. It returns the backup's path.
func (s *Store) RemoveCustomField(ctx context.Context, a *Actor, module, name string) (string, error) {
	if err := authorize(a, "custom_fields", "admin"); err != nil {
		return "", err
	}
	s.fieldsMu.Lock()
	defer s.fieldsMu.Unlock()
	m, ok := s.Module(module)
	if !ok {
		return "", ErrNotFound
	}
	f, ok := m.Field(name)
	if !ok || !f.Custom {
		return "", ErrNotFound
	}
	dir, file := filepath.Split(s.path)
	stem := strings.TrimSuffix(file, filepath.Ext(file))
	backup := filepath.Join(dir, fmt.Sprintf("%s-%s-before-removing-%s.db", stem, now().In(tr.Istanbul).Format("20060102-150405"), name))
	if err := s.Backup(ctx, a, backup); err != nil {
		return "", fmt.Errorf("remove custom field %s.%s: %w", module, name, err)
	}
	// From here on the store's requests use the module without the field,
	// so none of them names the column while it goes.
	old := s.mods.Load()
	var keep []CustomField
	all, err := readCustomFields(ctx, s.writer)
	if err != nil {
		return "", err
	}
	for _, cf := range all {
		if cf.Module != module || cf.Name != name {
			keep = append(keep, cf)
		}
	}
	s.mods.Store(newModuleSet(keep))
	err = s.dropCustomField(ctx, a, m, f, filepath.Base(backup))
	if err != nil {
		s.mods.Store(old)
		return "", err
	}
	if err := s.loadModules(ctx, s.writer); err != nil {
		return "", err
	}
	if f.Search {
		if err := s.Reindex(ctx, a, m); err != nil {
			return "", err
		}
	}
	return backup, nil
}

func (s *Store) dropCustomField(ctx context.Context, a *Actor, m *Module, f *Field, backup string) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remove custom field %s.%s: %w", m.Key, f.Name, err)
	}
	defer tx.Rollback()
	var drops []string
	for _, ix := range customIndexes(m, f) {
		drops = append(drops, "DROP INDEX IF EXISTS "+ix.name)
	}
	for _, q := range append(drops, "ALTER TABLE "+m.Table+" DROP COLUMN "+f.Name) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("remove custom field %s.%s: %w", m.Key, f.Name, err)
		}
	}
	// A later field of the same name must not inherit the protection.
	if _, err := tx.ExecContext(ctx, "DELETE FROM roles_permissions WHERE module = ? AND item = ?", m.Key, "field:"+f.Name); err != nil {
		return fmt.Errorf("remove custom field %s.%s: %w", m.Key, f.Name, err)
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM custom_fields WHERE module = ? AND name = ?", m.Key, f.Name)
	if err != nil {
		return fmt.Errorf("remove custom field %s.%s: %w", m.Key, f.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	if err := audit(ctx, tx, a, ActionFieldRemove, m, 0, []Change{{Field: f.Name, Old: f.LabelIn("tr"), New: backup}}); err != nil {
		return err
	}
	return wrap(tx.Commit(), "remove custom field "+m.Key+"."+f.Name)
}

// SafetyBackup is a copy of the database written before a custom field
// was removed.
type SafetyBackup struct {
	Path    string
	Size    int64
	ModTime time.Time
}

// SafetyBackups lists the copies RemoveCustomField left beside the
// database, newest first, for the backup page.
func (s *Store) SafetyBackups(ctx context.Context, a *Actor) ([]SafetyBackup, error) {
	if err := authorize(a, "backup", "admin"); err != nil {
		return nil, err
	}
	dir, file := filepath.Split(s.path)
	stem := strings.TrimSuffix(file, filepath.Ext(file))
	matches, err := filepath.Glob(filepath.Join(dir, globEscape(stem)+"-*-before-removing-*.db"))
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var out []SafetyBackup
	for _, p := range matches {
		info, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list backups: %w", err)
		}
		out = append(out, SafetyBackup{Path: p, Size: info.Size(), ModTime: info.ModTime()})
	}
	slices.SortFunc(out, func(x, y SafetyBackup) int { return y.ModTime.Compare(x.ModTime) })
	return out, nil
}

// globEscape quotes the pattern characters of a file name for Glob.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// multiSep joins the values of a MultiChoice in its column.
const multiSep = ","

// parseMulti reads the chosen items of a MultiChoice, each a choice's
// value or (for a custom field) its label in either language, as an
// export writes them; the result is the values in declaration order.
func (f *Field) parseMulti(items []string) (any, *Msg) {
	chosen := map[string]bool{}
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		v, ok := f.choiceValue(it)
		if !ok {
			return nil, &Msg{Key: "error.choice"}
		}
		chosen[v] = true
	}
	var out []string
	for _, c := range f.Choices {
		if chosen[c] {
			out = append(out, c)
		}
	}
	return strings.Join(out, multiSep), nil
}

// choiceValue finds the choice a text names: its value, or a custom
// field's label in Turkish or English, compared folded ("YÜKSEK" finds
// "Yüksek").
func (f *Field) choiceValue(s string) (string, bool) {
	if slices.Contains(f.Choices, s) {
		return s, true
	}
	if f.ChoiceLabels == nil {
		return "", false
	}
	key := tr.Fold(s)
	for _, c := range f.Choices {
		for _, l := range f.ChoiceLabels[c] {
			if l != "" && tr.Fold(l) == key {
				return c, true
			}
		}
	}
	return "", false
}

// MultiValues splits a MultiChoice value into its chosen values.
func MultiValues(v any) []string {
	s, _ := v.(string)
	if s == "" {
		return nil
	}
	return strings.Split(s, multiSep)
}

// searchLabels is what a custom choice's value is found by: its labels in
// both languages, folded.
func (f *Field) searchLabels(v string) []string {
	var out []string
	for _, val := range MultiValues(v) {
		for _, lang := range []string{"tr", "en"} {
			if l := f.ChoiceLabels[val][lang]; l != "" {
				out = append(out, tr.Fold(l))
			}
		}
	}
	return out
}
