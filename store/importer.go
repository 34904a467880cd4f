package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kobicrm/store/sheet"
	"kobicrm/store/tr"
	"kobicrm/store/vcard"
)

// An import brings a spreadsheet's rows into a module in steps that are
// separate requests of the wizard (or one command line run): NewImport
// keeps the file and reads its shape, SetImportSettings records which
// column goes to which field and what to do with rows that match existing
// records, PreviewImport shows the first rows as they would be saved, and
// RunImport saves them in batches, each row alone: a bad row is reported
// and never stops the others, and never leaves half a record. UndoImport
// takes a whole run back.

// ImportMode says what a run does with a row whose key matches a record.
type ImportMode string

const (
	// ImportCreate creates every row as a new record.
	ImportCreate ImportMode = "create"
	// ImportSkip leaves a row alone when its key matches a record.
	ImportSkip ImportMode = "skip"
	// ImportUpdate updates the record a row's key matches; rows matching
	// nothing are created.
	ImportUpdate ImportMode = "update"
)

// Import statuses.
const (
	ImportUploaded    = "uploaded"
	ImportRunning     = "running"
	ImportDone        = "done"
	ImportInterrupted = "interrupted" // the program stopped during the run
	ImportUndone      = "undone"
)

// Targets a column can be mapped to besides the fields.
const (
	// ImportIDColumn is a record's own id, as an export writes it: a key
	// for updating, never written.
	ImportIDColumn = "id"
	// ExternalKeyPrefix starts a key naming a column of the file that is
	// not a field ("column:Müşteri No"): an id from another program.
	ExternalKeyPrefix = "column:"
)

// ImportSettings are the choices made in the wizard.
type ImportSettings struct {
	// Columns holds, for each column of the header, the field it fills:
	// a field name, ImportIDColumn, CreatedAtKey, or "" to leave it out.
	Columns []string `json:"columns"`
	// Decimal is the decimal mark of the file's numbers: "," or ".".
	Decimal string     `json:"decimal"`
	Mode    ImportMode `json:"mode"`
	// Key matches rows to records in the skip and update modes: a field
	// name (tckn, vkn, email, phone, …), ImportIDColumn, or
	// ExternalKeyPrefix followed by a column name of the file.
	Key string `json:"key,omitempty"`
	// Defaults are values (as a form would send them) for fields that a
	// created row leaves empty: the leads list imports leads.
	Defaults map[string]string `json:"defaults,omitempty"`
}

// Import is one uploaded file and what became of it.
type Import struct {
	ID        int64
	Module    *Module
	FileName  string
	Format    string // csv, xlsx
	Encoding  string
	Separator string
	Header    []string
	Rows      int // data rows in the file
	Settings  ImportSettings
	Status    string

	Done, Created, Updated, Skipped, Failed int
	// Duplicates counts the created rows that looked like records already
	// there, or like an earlier row of the file.
	Duplicates int

	CreatedBy  int64
	CreatedAt  time.Time
	FinishedAt time.Time
	UndoneAt   time.Time
}

// Running says whether the import is being run now.
func (imp *Import) Running() bool { return imp.Status == ImportRunning }

// Finished says whether the run is over (done, interrupted or undone).
func (imp *Import) Finished() bool {
	return imp.Status == ImportDone || imp.Status == ImportInterrupted || imp.Status == ImportUndone
}

// ImportFileError is a file the importer cannot read; Err is one of the
// sheet package's errors (sheet.ErrUnsupported, …), for a translated
// message.
type ImportFileError struct{ Err error }

func (e *ImportFileError) Error() string { return "import: " + e.Err.Error() }
func (e *ImportFileError) Unwrap() error { return e.Err }

// ErrImportState is a step asked of an import in the wrong state: running
// one twice, undoing one that has not run.
var ErrImportState = errors.New("the import is not in a state for this")

// ImportVocabulary is what the words of a file mean. The store knows field
// names; the people who fill spreadsheets write the labels of the
// catalogues, in Turkish or English, so the caller that holds the
// catalogues fills this in.
type ImportVocabulary struct {
	// Headers maps a folded column name to the field it names.
	Headers map[string]string
	// Choices maps a field name to folded choice labels and their values.
	Choices map[string]map[string]string
}

// AddHeader teaches the vocabulary a column name for a field.
func (v *ImportVocabulary) AddHeader(text, field string) {
	if v.Headers == nil {
		v.Headers = map[string]string{}
	}
	if k := headerKey(text); k != "" {
		if _, taken := v.Headers[k]; !taken {
			v.Headers[k] = field
		}
	}
}

// AddChoice teaches the vocabulary a label of one choice of a field.
func (v *ImportVocabulary) AddChoice(field, label, value string) {
	if v.Choices == nil {
		v.Choices = map[string]map[string]string{}
	}
	if v.Choices[field] == nil {
		v.Choices[field] = map[string]string{}
	}
	v.Choices[field][tr.Fold(label)] = value
}

// headerKey folds a column name and keeps only its letters and digits, so
// that "E-posta", "e posta" and "EPOSTA" meet.
func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, tr.Fold(s))
}

// importable says whether a column may be mapped to the field.
func importable(f *Field) bool {
	return !f.Computed && f.Kind != Grants && f.Kind != RefList
}

// ImportTargets are the fields of m a column can be mapped to, in order.
func ImportTargets(m *Module) []*Field {
	var out []*Field
	for i := range m.Fields {
		if importable(&m.Fields[i]) {
			out = append(out, &m.Fields[i])
		}
	}
	return out
}

// AutoMap maps a header to fields by the column names: a field's name, or
// a label or alias the vocabulary knows. Each field takes the first column
// that names it; the rest are left out.
func AutoMap(m *Module, header []string, voc *ImportVocabulary) []string {
	out := make([]string, len(header))
	taken := map[string]bool{}
	for i, h := range header {
		k := headerKey(h)
		target := ""
		if voc != nil {
			target = voc.Headers[k]
		}
		if target == "" {
			for _, f := range ImportTargets(m) {
				if headerKey(f.Name) == k {
					target = f.Name
				}
			}
			if k == ImportIDColumn || k == headerKey(CreatedAtKey) {
				target = map[string]string{ImportIDColumn: ImportIDColumn}[k]
				if target == "" {
					target = CreatedAtKey
				}
			}
		}
		if target != "" && !taken[target] {
			out[i], taken[target] = target, true
		}
	}
	return out
}

// maxImportRows bounds one file: far above a small firm's customer list,
// low enough that a run ends in minutes.
const maxImportRows = 1_000_000

// NewImport keeps an uploaded file for the wizard: it reads the file's
// shape (format, encoding, separator, header, row count), guesses the
// decimal mark from the numbers in it and maps the columns by their names.
// A file the importer cannot read is an *ImportFileError.
func (s *Store) NewImport(ctx context.Context, a *Actor, m *Module, fileName string, data []byte, voc *ImportVocabulary) (*Import, error) {
	m = s.mod(m)
	if m.AdminOnly {
		return nil, ErrForbidden
	}
	if err := authorize(a, m.Key, ActImport); err != nil {
		return nil, err
	}
	format := ""
	if isVCard(data) {
		var err error
		if data, err = vcardTable(data); err != nil {
			return nil, &ImportFileError{Err: err}
		}
		format = "vcf"
	}
	t, err := sheet.Open(bytes.NewReader(data), fileName)
	if err != nil {
		return nil, &ImportFileError{Err: err}
	}
	defer t.Close()
	if format == "" {
		format = string(t.Format)
	}
	imp := &Import{Module: m, FileName: fileName, Format: format, Header: t.Header, Status: ImportUploaded}
	columns := AutoMap(m, t.Header, voc)
	for i, c := range columns {
		if c != "" && a.FieldAccess(m, c) == AccessHidden {
			columns[i] = "" // never offered to a role that may not see it
		}
	}
	// The decimal mark is told by the columns that hold numbers: dates
	// ("23.11.2026") and phone numbers elsewhere would only confuse it.
	var votes sheet.DecimalVotes
	for t.Next() {
		imp.Rows++
		if imp.Rows > maxImportRows {
			return nil, &ImportFileError{Err: sheet.ErrTooLarge}
		}
		if imp.Rows > 5000 {
			continue
		}
		for i, c := range t.Row().Cells {
			if f, ok := m.Field(columnAt(columns, i)); ok && (f.Kind == Int || f.Kind == Money) {
				votes.Add(c)
			}
		}
	}
	if err := t.Err(); err != nil {
		return nil, &ImportFileError{Err: err}
	}
	if format == string(sheet.CSV) {
		// Known only once every row was read.
		imp.Encoding, imp.Separator = string(t.Encoding()), string(t.Comma)
	}
	mark, _ := votes.Decide(t.DecimalHint())
	imp.Settings = ImportSettings{Columns: columns, Decimal: string(rune(mark)), Mode: ImportCreate}
	settings, err := json.Marshal(imp.Settings)
	if err != nil {
		return nil, fmt.Errorf("import settings: %w", err)
	}
	header, err := json.Marshal(imp.Header)
	if err != nil {
		return nil, fmt.Errorf("import header: %w", err)
	}
	imp.CreatedAt = now().UTC().Truncate(time.Millisecond)
	if a.UserID > 0 {
		imp.CreatedBy = a.UserID
	}
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO imports
			(module, file_name, format, encoding, separator, header, row_count, settings, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Key, fileName, imp.Format, imp.Encoding, imp.Separator, string(header), imp.Rows, string(settings),
			nullID(imp.CreatedBy), timeText(imp.CreatedAt))
		if err != nil {
			return err
		}
		if imp.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO import_files (import_id, data) VALUES (?, ?)", imp.ID, data)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("keep import of %s: %w", fileName, err)
	}
	return imp, nil
}

// isVCard says whether a file is contact cards (a .vcf from a phone or a
// mail program) rather than a spreadsheet, by its first line.
func isVCard(data []byte) bool {
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	return len(head) >= 11 && bytes.EqualFold(head[:11], []byte("BEGIN:VCARD"))
}

// vcardTable turns contact cards into the table of customer fields that
// vcard.Rows makes, kept as a CSV file, so that the cards go through the
// wizard's mapping, preview, checks and undo like any spreadsheet.
func vcardTable(data []byte) ([]byte, error) {
	cards, err := vcard.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	header, rows := vcard.Rows(cards)
	cols := make([]sheet.Column, len(header))
	for i, h := range header {
		cols[i] = sheet.Column{Name: h}
	}
	var out bytes.Buffer
	if err := sheet.WriteCSV(&out, cols, rows); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// columnAt is the field column i is mapped to, or "".
func columnAt(columns []string, i int) string {
	if i < len(columns) {
		return columns[i]
	}
	return ""
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const importColumns = `id, module, file_name, format, encoding, separator, header, row_count, settings, status,
	done_rows, created, updated, skipped, failed, duplicates, coalesce(created_by, 0), created_at, finished_at, undone_at`

func (s *Store) scanImport(row scanner) (*Import, error) {
	var imp Import
	var module, header, settings, created, finished, undone string
	err := row.Scan(&imp.ID, &module, &imp.FileName, &imp.Format, &imp.Encoding, &imp.Separator, &header, &imp.Rows,
		&settings, &imp.Status, &imp.Done, &imp.Created, &imp.Updated, &imp.Skipped, &imp.Failed, &imp.Duplicates, &imp.CreatedBy,
		&created, &finished, &undone)
	if err != nil {
		return nil, err
	}
	var ok bool
	if imp.Module, ok = s.Module(module); !ok {
		return nil, fmt.Errorf("import %d: unknown module %q", imp.ID, module)
	}
	if err := json.Unmarshal([]byte(header), &imp.Header); err != nil {
		return nil, fmt.Errorf("import %d header: %w", imp.ID, err)
	}
	if settings != "" {
		if err := json.Unmarshal([]byte(settings), &imp.Settings); err != nil {
			return nil, fmt.Errorf("import %d settings: %w", imp.ID, err)
		}
	}
	for _, t := range []struct {
		s   string
		dst *time.Time
	}{{created, &imp.CreatedAt}, {finished, &imp.FinishedAt}, {undone, &imp.UndoneAt}} {
		if t.s == "" {
			continue
		}
		if *t.dst, err = parseTime(t.s); err != nil {
			return nil, err
		}
	}
	return &imp, nil
}

// importOwnerCond limits imports to those the actor may see: their own,
// or every one for an administrator (and the command line).
func importOwnerCond(a *Actor) (string, []any) {
	if a.Admin || a.System {
		return "1", nil
	}
	return "created_by = ?", []any{a.UserID}
}

// GetImport returns an import the actor started (an administrator sees
// every one).
func (s *Store) GetImport(ctx context.Context, a *Actor, id int64) (*Import, error) {
	return s.getImport(ctx, s.reader, a, id)
}

func (s *Store) getImport(ctx context.Context, q querier, a *Actor, id int64) (*Import, error) {
	if a == nil {
		return nil, ErrForbidden
	}
	cond, args := importOwnerCond(a)
	imp, err := s.scanImport(q.QueryRowContext(ctx, "SELECT "+importColumns+" FROM imports WHERE id = ? AND "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("import %d: %w", id, err)
	}
	if err := authorize(a, imp.Module.Key, ActImport); err != nil {
		return nil, err
	}
	if live, ok := s.imports.Load(id); ok && imp.Status == ImportRunning {
		// A bulk load commits its counts only at the end.
		p := live.(Import)
		imp.Done, imp.Created, imp.Updated, imp.Skipped, imp.Failed, imp.Duplicates = p.Done, p.Created, p.Updated, p.Skipped, p.Failed, p.Duplicates
	}
	return imp, nil
}

// Imports lists the actor's imports of a module (every one's for an
// administrator), newest first.
func (s *Store) Imports(ctx context.Context, a *Actor, m *Module, limit int) ([]*Import, error) {
	m = s.mod(m)
	if err := authorize(a, m.Key, ActImport); err != nil {
		return nil, err
	}
	cond, args := importOwnerCond(a)
	rows, err := s.reader.QueryContext(ctx, "SELECT "+importColumns+" FROM imports WHERE module = ? AND "+cond+" ORDER BY id DESC LIMIT ?",
		append(append([]any{m.Key}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	var out []*Import
	for rows.Next() {
		imp, err := s.scanImport(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list imports: %w", err)
		}
		out = append(out, imp)
	}
	return out, closeRows(rows, "list imports")
}

// SetImportSettings checks and records the wizard's choices for an import
// that has not run. Problems come back as a *ValidationError on the keys
// "columns", "decimal", "mode" and "key".
func (s *Store) SetImportSettings(ctx context.Context, a *Actor, id int64, set ImportSettings) (*Import, error) {
	var imp *Import
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if imp, err = s.getImport(ctx, tx, a, id); err != nil {
			return err
		}
		if imp.Status != ImportUploaded {
			return ErrImportState
		}
		if err := checkSettings(a, imp, &set); err != nil {
			return err
		}
		body, err := json.Marshal(set)
		if err != nil {
			return err
		}
		imp.Settings = set
		_, err = tx.ExecContext(ctx, "UPDATE imports SET settings = ? WHERE id = ?", string(body), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return imp, nil
}

// checkSettings makes sure the settings fit the import's file and module.
//
// A field hidden from the actor's role is no column, key or default of
// theirs: matching rows by a hidden TCKN would tell them whose it is.
func checkSettings(a *Actor, imp *Import, set *ImportSettings) error {
	m := imp.Module
	errs := &ValidationError{}
	hidden := func(name string) bool {
		_, ok := m.Field(name)
		return ok && a.FieldAccess(m, name) == AccessHidden
	}
	if len(set.Columns) != len(imp.Header) {
		errs.Add("columns", "error.import_columns")
		return errs
	}
	seen := map[string]bool{}
	for _, c := range set.Columns {
		if c == "" {
			continue
		}
		f, ok := m.Field(c)
		if c != ImportIDColumn && c != CreatedAtKey && (!ok || !importable(f) || hidden(c)) {
			errs.Add("columns", "error.import_columns")
		} else if seen[c] {
			errs.Add("columns", "error.import_twice", c)
		}
		seen[c] = true
	}
	for name, text := range set.Defaults {
		if f, ok := m.Field(name); !ok || !importable(f) || hidden(name) {
			errs.Add("defaults", "error.unknown_field")
		} else if _, msg := f.parseText(text); msg != nil {
			errs.Add("defaults", msg.Key, msg.Args...)
		}
	}
	if set.Decimal != "," && set.Decimal != "." {
		errs.Add("decimal", "error.choice")
	}
	switch set.Mode {
	case ImportCreate:
		set.Key = ""
	case ImportSkip, ImportUpdate:
		if col, ok := strings.CutPrefix(set.Key, ExternalKeyPrefix); ok {
			if headerIndex(imp.Header, col) < 0 {
				errs.Add("key", "error.import_key")
			}
		} else if set.Key == "" || !seen[set.Key] || set.Key == CreatedAtKey {
			// A key is a mapped column: rows without it could match nothing.
			errs.Add("key", "error.import_key")
		}
	default:
		errs.Add("mode", "error.choice")
	}
	return errs.Err()
}

// headerIndex is the column of a header with the name, or -1.
func headerIndex(header []string, name string) int {
	k := headerKey(name)
	for i, h := range header {
		if headerKey(h) == k {
			return i
		}
	}
	return -1
}

// ImportMapping is a mapping saved under a name for files of one shape.
type ImportMapping struct {
	ID      int64
	Name    string
	Columns map[string]string // folded column name → field
}

// SaveImportMapping keeps the column mapping of an import under a name;
// a mapping of that name is replaced.
func (s *Store) SaveImportMapping(ctx context.Context, a *Actor, m *Module, name string, header, columns []string) error {
	if err := authorize(a, m.Key, ActImport); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		errs := &ValidationError{}
		errs.Add("mapping_name", "error.too_long", 100)
		return errs
	}
	cols := map[string]string{}
	for i, h := range header {
		if i < len(columns) && columns[i] != "" {
			cols[headerKey(h)] = columns[i]
		}
	}
	body, err := json.Marshal(cols)
	if err != nil {
		return err
	}
	return s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO import_mappings (module, name, columns, created_by, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (module, name) DO UPDATE SET columns = excluded.columns`,
			m.Key, name, string(body), nullID(a.UserID), timeText(now()))
		if err != nil {
			return fmt.Errorf("save import mapping %q: %w", name, err)
		}
		return nil
	})
}

// ImportMappings lists the saved mappings of a module by name.
func (s *Store) ImportMappings(ctx context.Context, a *Actor, m *Module) ([]ImportMapping, error) {
	if err := authorize(a, m.Key, ActImport); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, "SELECT id, name, columns FROM import_mappings WHERE module = ? ORDER BY name", m.Key)
	if err != nil {
		return nil, fmt.Errorf("import mappings: %w", err)
	}
	var out []ImportMapping
	for rows.Next() {
		var mp ImportMapping
		var cols string
		if err := rows.Scan(&mp.ID, &mp.Name, &cols); err != nil {
			rows.Close()
			return nil, fmt.Errorf("import mappings: %w", err)
		}
		if err := json.Unmarshal([]byte(cols), &mp.Columns); err != nil {
			rows.Close()
			return nil, fmt.Errorf("import mapping %q: %w", mp.Name, err)
		}
		out = append(out, mp)
	}
	return out, closeRows(rows, "import mappings")
}

// Apply maps a header with the saved mapping: columns it does not know
// are left out.
func (mp ImportMapping) Apply(header []string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		out[i] = mp.Columns[headerKey(h)]
	}
	return out
}
