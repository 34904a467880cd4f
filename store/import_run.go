package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store/sheet"
)

// ImportHeadroom is how much more Go heap an import may use than the
// server's pages: the file, a batch or two of rows, the index of likely
// duplicates. The server raises its soft memory limit by this much while
// imports run (a 100,000-row file kept up to 57 MB live), lest the
// collector run without pause.
const ImportHeadroom = 128 << 20

// importBatch is how many rows share a transaction: large enough that a
// commit's cost is spread, small enough that the office's other writes
// wait only a moment behind one. It is also what the reading goroutine
// hands the writer at a time: 1,000 kept both busy (100,000 rows took
// 8.8–9.2 s; 2,500 took 9.4–9.9 s, 5,000 10.7 s).
const importBatch = 1000

// Row actions of a run.
const (
	RowCreate = "created"
	RowUpdate = "updated"
	RowSkip   = "skipped"
	RowFail   = "failed"
)

// keyIndex finds the record a row's key matches: existing records in the
// actor's read scope, and the records the run created before the row.
type keyIndex struct {
	field string // a field name, ImportIDColumn, or "" for an external column
	ext   string // the external column's folded name
	col   int    // the external column's index
	ids   map[string]int64
}

func (s *Store) newKeyIndex(ctx context.Context, a *Actor, imp *Import) (*keyIndex, error) {
	set, m := imp.Settings, imp.Module
	if set.Mode == ImportCreate {
		return nil, nil
	}
	k := &keyIndex{ids: map[string]int64{}}
	var query string
	var args []any
	scope, scopeArgs, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	if scope != "" {
		scope = " AND " + scope
	}
	if name, ok := strings.CutPrefix(set.Key, ExternalKeyPrefix); ok {
		// Only live records the actor may read: an id of a record in the
		// recycle bin (an undone import) matches nothing.
		k.col, k.ext = headerIndex(imp.Header, name), headerKey(name)
		query = "SELECT e.value, e.record_id FROM external_ids e JOIN " + m.Table + " t ON t.id = e.record_id" +
			" WHERE e.module = ? AND e.name = ? AND t.deleted_at IS NULL" + scope
		args = append([]any{m.Key, k.ext}, scopeArgs...)
	} else {
		k.field = set.Key
		col := set.Key
		if f, ok := m.Field(col); !ok && col != ImportIDColumn {
			return nil, fmt.Errorf("import key %q: no such field", col)
		} else if ok && f.Kind.side() {
			return nil, fmt.Errorf("import key %q: not a column", col)
		}
		query = "SELECT t." + col + ", t.id FROM " + m.Table + " t WHERE t.deleted_at IS NULL"
		if col != ImportIDColumn {
			query += " AND t." + col + " <> ''"
		}
		query += scope
		args = scopeArgs
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("import keys: %w", err)
	}
	for rows.Next() {
		var key any
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("import keys: %w", err)
		}
		k.ids[keyText(key)] = id
	}
	return k, closeRows(rows, "import keys")
}

func keyText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

// of is a row's key: "" when the row has none.
func (k *keyIndex) of(cells []string, vals Values, id int64) string {
	switch {
	case k.field == ImportIDColumn:
		if id == 0 {
			return ""
		}
		return strconv.FormatInt(id, 10)
	case k.field != "":
		return keyText(vals[k.field])
	case k.col < len(cells):
		return strings.TrimSpace(cells[k.col])
	}
	return ""
}

// ImportRow is a row of the file as a run would take it: the preview.
type ImportRow struct {
	Num    int
	Cells  []string
	Action string // RowCreate, RowUpdate, RowSkip or RowFail
	Target int64  // the record a skip or an update matched
	Errors []CellError
	// Duplicates are the records a created row looks like.
	Duplicates []Duplicate
}

// PreviewImport shows what a run would do with the first n rows, and each
// row's problems, writing nothing.
func (s *Store) PreviewImport(ctx context.Context, a *Actor, id int64, voc *ImportVocabulary, n int) ([]ImportRow, error) {
	imp, err := s.GetImport(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := checkSettings(a, imp, &imp.Settings); err != nil {
		return nil, err
	}
	conv, err := s.newConverter(ctx, a, imp, voc)
	if err != nil {
		return nil, err
	}
	keys, err := s.newKeyIndex(ctx, a, imp)
	if err != nil {
		return nil, err
	}
	dups, err := s.importDuplicates(ctx, a, imp)
	if err != nil {
		return nil, err
	}
	t, err := s.openImportFile(ctx, imp)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	var out []ImportRow
	for len(out) < n && t.Next() {
		row := t.Row()
		ir := ImportRow{Num: row.Num, Cells: row.Cells[:len(imp.Header)]}
		vals, _, rid, errs := conv.row(ctx, row.Cells)
		ir.Errors = errs
		ir.Action, ir.Target = decide(imp.Settings.Mode, keys, row.Cells, vals, rid)
		if len(errs) == 0 && ir.Action != RowSkip {
			var saved Values
			saved, ir.Errors = s.previewCheck(ctx, a, imp, conv, ir.Target, vals)
			if dups != nil && ir.Action == RowCreate && len(ir.Errors) == 0 {
				ir.Duplicates = dups.Match(saved)
			}
		}
		if len(ir.Errors) > 0 {
			ir.Action = RowFail
		}
		out = append(out, ir)
	}
	if err := t.Err(); err != nil {
		return nil, &ImportFileError{Err: err}
	}
	return out, nil
}

// decide is what the mode does with a row: create it, or skip or update
// the record its key matches.
func decide(mode ImportMode, keys *keyIndex, cells []string, vals Values, id int64) (string, int64) {
	if keys == nil {
		return RowCreate, 0
	}
	key := keys.of(cells, vals, id)
	target := keys.ids[key]
	switch {
	case key == "" || target == 0 && keys.field != ImportIDColumn:
		return RowCreate, 0
	case target == 0:
		return RowFail, 0 // an id that names no record it may see
	case mode == ImportSkip:
		return RowSkip, target
	}
	return RowUpdate, target
}

// previewCheck runs a row's values through the module's checks as a save
// would, on a copy, against the stored record for an update.
func (s *Store) previewCheck(ctx context.Context, a *Actor, imp *Import, conv *converter, target int64, in Values) (Values, []CellError) {
	m := imp.Module
	vals := m.NewValues()
	var old Values
	if target > 0 {
		rec, err := s.liveRecord(ctx, s.reader, a, m, target)
		if err != nil {
			return nil, []CellError{{Msg: Msg{Key: "error.import_no_record"}}}
		}
		old = rec.Values
		for k, v := range rec.Values {
			vals[k] = v
		}
	}
	for k, v := range in {
		vals[k] = v
	}
	if target == 0 {
		fillDefaults(vals, in, conv.defaults)
	}
	errs := &ValidationError{}
	m.check(vals, errs)
	if err := checkRefs(ctx, s.reader, a, m, vals, old, errs); err != nil {
		return nil, []CellError{{Msg: Msg{Key: "error.save"}}}
	}
	return vals, conv.cellErrors(errs)
}

// importDuplicates is the index of likely duplicates an import checks its
// created rows against, or nil for a module without duplicate detection.
func (s *Store) importDuplicates(ctx context.Context, a *Actor, imp *Import) (*DupIndex, error) {
	if !imp.Module.HasDuplicateDetection() {
		return nil, nil
	}
	return s.DuplicateIndex(ctx, a, imp.Module)
}

// liveRecord reads a live record in the actor's read scope through q,
// without the KVKK read log: the importer compares values, nobody looks
// at the person.
func (s *Store) liveRecord(ctx context.Context, q querier, a *Actor, m *Module, id int64) (*Record, error) {
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return nil, err
	}
	cond := "t.id = ? AND t.deleted_at IS NULL"
	if scope != "" {
		cond += " AND " + scope
	}
	rec, err := m.scan(q.QueryRowContext(ctx, "SELECT "+m.selectList("t")+" FROM "+m.Table+" t WHERE "+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", m.Key, id, err)
	}
	if err := s.loadSides(ctx, q, m, []*Record{rec}, true); err != nil {
		return nil, err
	}
	return rec, nil
}

// cellErrors places a row's validation errors at the columns of their
// fields, with the cells' values.
func (c *converter) cellErrors(v *ValidationError) []CellError {
	var out []CellError
	for _, field := range sortedKeys(v.Fields) {
		ce := CellError{Field: field, Msg: v.Fields[field]}
		for i, name := range c.columns {
			if name == field {
				ce.Column = c.header[i]
			}
		}
		out = append(out, ce)
	}
	return out
}

// openImportFile reads an import's kept file again.
func (s *Store) openImportFile(ctx context.Context, imp *Import) (*sheet.Table, error) {
	var data []byte
	err := s.reader.QueryRowContext(ctx, "SELECT data FROM import_files WHERE import_id = ?", imp.ID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrImportState // the run has read it and let it go
	}
	if err != nil {
		return nil, fmt.Errorf("import %d file: %w", imp.ID, err)
	}
	t, err := sheet.Open(bytes.NewReader(data), imp.FileName)
	if err != nil {
		return nil, &ImportFileError{Err: err}
	}
	return t, nil
}

// pendingRow is a converted row waiting for its batch.
type pendingRow struct {
	num     int
	cells   []string
	vals    Values
	created time.Time
	id      int64
	errs    []CellError

	// The row as a new record, prepared beside the writer (see
	// prepareNew): its values with defaults, owner and computed fields,
	// what the module's checks found, and its search entry.
	newVals       Values
	newErrs       *ValidationError
	body, private string
}

// fillDefaults gives the fields that a row's cells left empty the
// import's defaults, over the module's own (a new customer's "customer").
func fillDefaults(vals, row, defaults Values) {
	for k, v := range defaults {
		if isEmpty(row[k]) {
			vals[k] = v
		}
	}
}

// prepareNew does for a row what creating it needs and the database does
// not: defaults, protected fields, the owner, the module's checks and the
// search entry. It runs on the goroutine that reads the file, so that this
// work overlaps the writer's.
func prepareNew(a *Actor, m *Module, defaults Values, p *pendingRow) {
	vals := m.NewValues()
	for k, v := range p.vals {
		vals[k] = v
	}
	fillDefaults(vals, p.vals, defaults)
	protect(a, m, vals, nil)
	if m.owned() && vals["owner_id"] == nil && a.UserID > 0 {
		vals["owner_id"] = a.UserID
	}
	p.newErrs = &ValidationError{}
	m.check(vals, p.newErrs)
	p.newVals = vals
	if len(p.newErrs.Fields) == 0 && m.SearchID != 0 {
		p.body, p.private = searchBody(m, vals)
	}
}

// rowOutcome is what became of a row, as kept in import_rows.
type rowOutcome struct {
	num    int
	action string
	record int64
	detail string
}

// RunImport saves the rows of an import whose settings are recorded, in
// batches, and returns the finished import. Each row is saved alone: a row
// that fails its checks is reported with its columns and never stops the
// others, and never leaves half a record. progress, if not nil, hears
// after every batch. When ctx ends between batches the run stops there
// with status interrupted; what it saved stays, and can be undone.
func (s *Store) RunImport(ctx context.Context, a *Actor, id int64, voc *ImportVocabulary, progress func(*Import)) (*Import, error) {
	imp, err := s.GetImport(ctx, a, id)
	if err != nil {
		return nil, err
	}
	m := imp.Module
	if err := authorize(a, m.Key, ActCreate); err != nil {
		return nil, err
	}
	if imp.Settings.Mode == ImportUpdate {
		if err := authorize(a, m.Key, ActEdit); err != nil {
			return nil, err
		}
	}
	err = s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE imports SET status = ? WHERE id = ? AND status = ?", ImportRunning, id, ImportUploaded)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrImportState
		}
		// The settings as they are now that nobody can change them.
		if imp, err = s.getImport(ctx, tx, a, id); err != nil {
			return err
		}
		return checkSettings(a, imp, &imp.Settings)
	})
	if err != nil {
		return nil, err
	}
	runErr := s.runRows(ctx, a, imp, voc, progress)
	imp.Status = ImportDone
	if runErr != nil {
		imp.Status = ImportInterrupted
	}
	imp.FinishedAt = now().UTC().Truncate(time.Millisecond)
	// The end is written even when the caller has gone away, so that the
	// import never stays "running". A run that kept nothing (a bulk load
	// rolled back as a whole) keeps its file and can be run again.
	endCtx := context.WithoutCancel(ctx)
	again := runErr != nil && imp.Done == 0
	err = s.writes.run(endCtx, func(ctx context.Context, tx *sql.Tx) error {
		if again {
			imp.Status, imp.FinishedAt = ImportUploaded, time.Time{}
			_, err := tx.ExecContext(ctx, "UPDATE imports SET status = ? WHERE id = ? AND status = ?", ImportUploaded, id, ImportRunning)
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE imports SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
			imp.Status, timeText(imp.FinishedAt), id, ImportRunning); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM import_files WHERE import_id = ?", id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionImport, m, 0, []Change{
			{Field: "file", New: imp.FileName},
			{Field: "mode", New: string(imp.Settings.Mode)},
			{Field: "created", New: imp.Created},
			{Field: "updated", New: imp.Updated},
			{Field: "skipped", New: imp.Skipped},
			{Field: "failed", New: imp.Failed},
		})
	})
	if err != nil {
		return imp, fmt.Errorf("finish import %d: %w", id, err)
	}
	if imp.Created+imp.Updated >= bulkRows {
		if err := s.OptimizeSearch(endCtx); err != nil {
			return imp, err
		}
	}
	if progress != nil {
		progress(imp)
	}
	if runErr != nil {
		return imp, runErr
	}
	return imp, nil
}

// bulkMin is the size from which an import is a bulk load: see runRows.
var bulkMin = 5000 // a variable for the tests

// runRows reads the file and saves its rows batch by batch.
//
// Each batch is a transaction of its own, so other people's saves get
// their turn between batches and the counts show progress. A bulk load
// (a file of at least bulkMin rows, and more rows than a quarter of the
// module's records) runs instead as one transaction that drops the
// table's indexes first and builds them again at the end: maintaining a
// customer's seventeen indexes row by row was most of the cost of a large
// import, and building an index from the finished table is a sort. Nobody
// ever sees the table without its indexes: readers keep reading the state
// before the transaction until it commits, with everything in place.
func (s *Store) runRows(ctx context.Context, a *Actor, imp *Import, voc *ImportVocabulary, progress func(*Import)) error {
	conv, err := s.newConverter(ctx, a, imp, voc)
	if err != nil {
		return err
	}
	keys, err := s.newKeyIndex(ctx, a, imp)
	if err != nil {
		return err
	}
	dups, err := s.importDuplicates(ctx, a, imp)
	if err != nil {
		return err
	}
	t, err := s.openImportFile(ctx, imp)
	if err != nil {
		return err
	}
	defer t.Close()
	bulk, err := s.isBulk(ctx, imp)
	if err != nil {
		return err
	}
	s.imports.Store(imp.ID, *imp)
	defer s.imports.Delete(imp.ID)
	each := func(tx *sql.Tx) error {
		var restore []string
		if tx != nil {
			if restore, err = dropIndexes(ctx, tx, imp.Module); err != nil {
				return err
			}
		}
		// One goroutine reads, converts and prepares the rows while this
		// one writes the batch before: on two cores the Go side of a row
		// (parsing, the module's checks, the search text) then costs the
		// writer nothing.
		readCtx, stop := context.WithCancel(ctx)
		defer stop()
		batches := make(chan []pendingRow, 1)
		readErr := make(chan error, 1)
		go func() {
			defer close(batches)
			readErr <- s.readBatches(readCtx, a, imp, conv, t, batches)
		}()
		for batch := range batches {
			var err error
			if tx != nil {
				err = s.saveBatch(ctx, tx, a, imp, conv, keys, dups, batch)
			} else {
				err = s.inTx(ctx, func(tx *sql.Tx) error { return s.saveBatch(ctx, tx, a, imp, conv, keys, dups, batch) })
			}
			if err != nil {
				stop()
				for range batches { // let the reader finish
				}
				return fmt.Errorf("import %d: %w", imp.ID, err)
			}
			s.imports.Store(imp.ID, *imp)
			if progress != nil {
				progress(imp)
			}
		}
		if err := <-readErr; err != nil {
			return err
		}
		for _, q := range restore {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("import %d: rebuild index: %w", imp.ID, err)
			}
		}
		return nil
	}
	if !bulk {
		return each(nil)
	}
	counts := *imp
	err = s.inTx(ctx, each)
	if err != nil {
		// Nothing of the bulk load was kept.
		imp.Done, imp.Created, imp.Updated, imp.Skipped, imp.Failed, imp.Duplicates = counts.Done, counts.Created, counts.Updated, counts.Skipped, counts.Failed, counts.Duplicates
	}
	return err
}

// appendOnly says whether new rows only append to an index (its columns
// are times of now or choices of a few values, then the id) or do not
// enter it at all.
func appendOnly(m *Module, sql string, cols []string) bool {
	if strings.HasSuffix(sql, "WHERE deleted_at IS NOT NULL") {
		return true
	}
	if len(cols) < 2 || cols[len(cols)-1] != "id" {
		return false
	}
	for _, c := range cols[:len(cols)-1] {
		if c == "created_at" || c == "updated_at" {
			continue
		}
		if f, ok := m.Field(c); !ok || f.Kind != Choice && f.Kind != Bool {
			return false
		}
	}
	return true
}

// isBulk says whether an import is large next to its module's table.
func (s *Store) isBulk(ctx context.Context, imp *Import) (bool, error) {
	if imp.Rows < bulkMin {
		return false, nil
	}
	var n int
	if err := s.reader.QueryRowContext(ctx, "SELECT count(*) FROM "+imp.Module.Table).Scan(&n); err != nil {
		return false, fmt.Errorf("import %d: count %s: %w", imp.ID, imp.Module.Key, err)
	}
	return imp.Rows*4 > n, nil
}

// dropIndexes drops the indexes of m's table that enforce nothing (not
// the unique ones) and cost a bulk load more than building them again, and
// returns the statements that make them again. Kept are the indexes new
// rows only append to: a creation or change time, or a choice, then the
// id; and those new rows do not enter (the recycle bin's).
func dropIndexes(ctx context.Context, tx *sql.Tx, m *Module) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, m.sql, (SELECT group_concat(coalesce(i.name, ''), ',') FROM pragma_index_info(m.name) i)
		FROM sqlite_master m JOIN pragma_index_list(?) l ON l.name = m.name
		WHERE m.type = 'index' AND m.sql IS NOT NULL AND l."unique" = 0`, m.Table)
	if err != nil {
		return nil, fmt.Errorf("indexes of %s: %w", m.Table, err)
	}
	var names, create []string
	for rows.Next() {
		var name, q, cols string
		if err := rows.Scan(&name, &q, &cols); err != nil {
			rows.Close()
			return nil, err
		}
		if appendOnly(m, q, strings.Split(cols, ",")) {
			continue
		}
		names, create = append(names, name), append(create, q)
	}
	if err := closeRows(rows, "indexes of "+m.Table); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	return create, nil
}

// readBatches reads the file's rows, converts and prepares them, and
// sends them in batches until the file ends or ctx does.
func (s *Store) readBatches(ctx context.Context, a *Actor, imp *Import, conv *converter, t *sheet.Table, out chan<- []pendingRow) error {
	batch := make([]pendingRow, 0, importBatch)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]pendingRow, 0, importBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for t.Next() {
		row := t.Row()
		p := pendingRow{num: row.Num, cells: row.Cells}
		p.vals, p.created, p.id, p.errs = conv.row(ctx, row.Cells)
		if len(p.errs) == 0 {
			prepareNew(a, imp.Module, conv.defaults, &p)
		}
		batch = append(batch, p)
		if len(batch) == importBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := t.Err(); err != nil {
		return &ImportFileError{Err: err}
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// saveBatch saves one batch of rows in one transaction, each row inside
// its own savepoint, and records what became of them.
//
// The batch runs in a transaction of its own rather than a turn of the
// group writer: inside the group's savepoint SQLite copies every page the
// batch touches into a statement journal, which cost a tenth of the run,
// and the batch has nobody's work to share a commit with.
func (s *Store) saveBatch(ctx context.Context, tx *sql.Tx, a *Actor, imp *Import, conv *converter, keys *keyIndex, dups *DupIndex, batch []pendingRow) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := imp.Module
	var outcomes []rowOutcome
	newKeys := map[string]int64{}
	duplicates := 0
	q := newTxStmts(tx)
	defer q.close()
	err := func() error {
		var created []int64
		var createdBodies [][2]string
		for _, p := range batch {
			out := rowOutcome{num: p.num}
			key := ""
			if keys != nil {
				key = keys.of(p.cells, p.vals, p.id)
			}
			action, target := decide(imp.Settings.Mode, keys, p.cells, p.vals, p.id)
			if t, ok := newKeys[key]; ok && key != "" && action == RowCreate {
				// An earlier row of this batch created the record.
				action, target = RowUpdate, t
				if imp.Settings.Mode == ImportSkip {
					action = RowSkip
				}
			}
			errs := p.errs
			switch {
			case len(errs) > 0:
			case action == RowFail:
				errs = []CellError{{Field: ImportIDColumn, Value: strconv.FormatInt(p.id, 10), Msg: Msg{Key: "error.import_no_record"}}}
			case action == RowSkip:
				out.action, out.record = RowSkip, target
			default:
				rec, detail, rowErrs, err := s.saveRow(ctx, tx, q, a, imp, conv, action, target, p)
				if err != nil {
					return err
				}
				errs = rowErrs
				if len(errs) == 0 {
					out.action, out.record, out.detail = action, rec.ID, detail
					if action == RowUpdate && detail == "" {
						out.action = RowSkip // the row matched and changed nothing
					}
					if action == RowCreate {
						created, createdBodies = append(created, rec.ID), append(createdBodies, [2]string{p.body, p.private})
						if dups != nil {
							// Kept, as the mode says; counted, and found
							// again on the duplicates page.
							if len(dups.MatchAdd(rec.ID, rec.Values)) > 0 {
								duplicates++
							}
						}
						if key != "" {
							newKeys[key] = rec.ID
						}
						if keys != nil && keys.ext != "" && key != "" {
							if _, err := tx.ExecContext(ctx, `INSERT INTO external_ids (module, name, value, record_id) VALUES (?, ?, ?, ?)
								ON CONFLICT (module, name, value) DO UPDATE SET record_id = excluded.record_id`, m.Key, keys.ext, key, rec.ID); err != nil {
								return fmt.Errorf("import row %d: external id: %w", p.num, err)
							}
						}
					}
				}
			}
			if len(errs) > 0 {
				body, err := json.Marshal(errs)
				if err != nil {
					return err
				}
				out.action, out.detail = RowFail, string(body)
			}
			outcomes = append(outcomes, out)
		}
		// The search entries go in after the rows, as CreateMany's do.
		if err := indexBodies(ctx, tx, m, created, createdBodies); err != nil {
			return err
		}
		if err := recordCreated(ctx, tx, imp.ID, created); err != nil {
			return err
		}
		return s.recordOutcomes(ctx, tx, imp, outcomes, duplicates)
	}()
	if err != nil {
		return err
	}
	for k, id := range newKeys {
		keys.ids[k] = id
	}
	for _, o := range outcomes {
		switch o.action {
		case RowCreate:
			imp.Created++
		case RowUpdate:
			imp.Updated++
		case RowSkip:
			imp.Skipped++
		case RowFail:
			imp.Failed++
		}
	}
	imp.Done += len(batch)
	imp.Duplicates += duplicates
	return nil
}

// saveRow creates or updates the record of one row. The write paths
// check everything (fields, references, owner, scope) before their first
// write, so a refused row has written nothing and comes back as the row's
// errors; a savepoint per row would cost more than the row (SQLite
// truncates its statement journal at every release). Any other error is
// the database failing, and ends the batch's transaction as a whole.
func (s *Store) saveRow(ctx context.Context, tx *sql.Tx, q querier, a *Actor, imp *Import, conv *converter, action string, target int64, p pendingRow) (*Record, string, []CellError, error) {
	rec, detail, err := s.writeRow(ctx, tx, q, a, imp.Module, action, target, p)
	if err == nil {
		return rec, detail, nil, nil
	}
	if v, ok := AsValidation(err); ok {
		return nil, "", conv.cellErrors(v), nil
	}
	switch {
	case errors.Is(err, ErrForbidden):
		return nil, "", []CellError{{Msg: Msg{Key: "error.import_forbidden"}}}, nil
	case errors.Is(err, ErrNotFound):
		return nil, "", []CellError{{Msg: Msg{Key: "error.import_no_record"}}}, nil
	}
	return nil, "", nil, fmt.Errorf("import row %d: %w", p.num, err)
}

// writeRow is saveRow's write, by the same rules as Create (defaults, the
// owner, protected fields) and Update.
// q is tx with its statements kept for the batch; update needs tx itself.
func (s *Store) writeRow(ctx context.Context, tx *sql.Tx, q querier, a *Actor, m *Module, action string, target int64, p pendingRow) (*Record, string, error) {
	if action == RowUpdate {
		rec, changes, err := s.update(ctx, tx, a, m, target, p.vals)
		if err != nil || len(changes) == 0 {
			return rec, "", err // no change: the caller counts the row as skipped
		}
		before, after := map[string]any{}, map[string]any{}
		for _, c := range changes {
			before[c.Field], after[c.Field] = c.Old, c.New
		}
		body, err := json.Marshal(map[string]any{"before": before, "after": after})
		return rec, string(body), err
	}
	if p.newVals == nil {
		return nil, "", fmt.Errorf("import row %d: not prepared", p.num) // readBatches prepares every row it passes on
	}
	// The row's own checks ran in prepareNew; what needs the database
	// (the owner, the references) runs here, in the transaction.
	if err := p.newErrs.Err(); err != nil {
		return nil, "", err
	}
	vals := p.newVals
	if owner, ok := vals.Int("owner_id"); ok && m.owned() {
		errs := &ValidationError{}
		if err := checkOwner(ctx, q, a, m, ActCreate, owner, errs); err != nil {
			return nil, "", err
		}
		if err := errs.Err(); err != nil {
			return nil, "", err
		}
	}
	rec, err := s.insertChecked(ctx, q, a, m, vals, p.created, &ValidationError{})
	return rec, "", err
}

// recordOutcomes keeps what became of a batch's rows and the run's counts.
func (s *Store) recordOutcomes(ctx context.Context, tx *sql.Tx, imp *Import, outcomes []rowOutcome, duplicates int) error {
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO import_rows (import_id, row, action, record_id, detail) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer stmt.Close()
	var c [4]int
	for _, o := range outcomes {
		if o.action == RowCreate {
			c[0]++ // kept by recordCreated
			continue
		}
		var rec any
		if o.record > 0 {
			rec = o.record
		}
		if _, err := stmt.ExecContext(ctx, imp.ID, o.num, o.action, rec, o.detail); err != nil {
			return fmt.Errorf("import row %d outcome: %w", o.num, err)
		}
		switch o.action {
		case RowCreate:
			c[0]++
		case RowUpdate:
			c[1]++
		case RowSkip:
			c[2]++
		case RowFail:
			c[3]++
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE imports SET done_rows = done_rows + ?, created = created + ?, updated = updated + ?,
		skipped = skipped + ?, failed = failed + ?, duplicates = duplicates + ? WHERE id = ?`,
		len(outcomes), c[0], c[1], c[2], c[3], duplicates, imp.ID)
	return err
}

// recordCreated keeps the ids a batch created as ranges of consecutive ids.
func recordCreated(ctx context.Context, tx *sql.Tx, importID int64, ids []int64) error {
	sorted := slices.Sorted(slices.Values(ids))
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] == sorted[j]+1 {
			j++
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO import_created (import_id, first_id, last_id) VALUES (?, ?, ?)",
			importID, sorted[i], sorted[j]); err != nil {
			return fmt.Errorf("import %d created ids: %w", importID, err)
		}
		i = j + 1
	}
	return nil
}

// ImportFailure is a failed row of a run and its problems.
type ImportFailure struct {
	Row    int
	Errors []CellError
}

// ImportFailures hands the failed rows of a run to each, in file order;
// limit 0 means all.
func (s *Store) ImportFailures(ctx context.Context, a *Actor, id int64, limit int, each func(ImportFailure) error) error {
	if _, err := s.GetImport(ctx, a, id); err != nil {
		return err
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.reader.QueryContext(ctx, "SELECT row, detail FROM import_rows WHERE import_id = ? AND action = 'failed' ORDER BY row LIMIT ?", id, limit)
	if err != nil {
		return fmt.Errorf("import %d failures: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f ImportFailure
		var detail string
		if err := rows.Scan(&f.Row, &detail); err != nil {
			return fmt.Errorf("import %d failures: %w", id, err)
		}
		if err := json.Unmarshal([]byte(detail), &f.Errors); err != nil {
			return fmt.Errorf("import %d row %d: %w", id, f.Row, err)
		}
		for i := range f.Errors {
			f.Errors[i].Args = wholeArgs(f.Errors[i].Args)
		}
		if err := each(f); err != nil {
			return err
		}
	}
	return closeRows(rows, "import failures")
}

// wholeArgs turns the whole numbers JSON gave back as float64 into int64,
// for messages that format them with %d.
func wholeArgs(args []any) []any {
	for i, a := range args {
		if f, ok := a.(float64); ok && f == math.Trunc(f) {
			args[i] = int64(f)
		}
	}
	return args
}

// UndoImport takes a run back as a whole: the records it created go to
// the recycle bin, and the fields it updated get their earlier values
// back, unless someone has changed that field since (then the newer value
// stays). Every step goes through the actor's rights and the audit trail;
// if one is refused, nothing is undone.
func (s *Store) UndoImport(ctx context.Context, a *Actor, id int64) (*Import, error) {
	var imp *Import
	err := s.writes.run(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if imp, err = s.getImport(ctx, tx, a, id); err != nil {
			return err
		}
		if imp.Status != ImportDone && imp.Status != ImportInterrupted {
			return ErrImportState
		}
		if err := s.undoCreated(ctx, tx, a, imp); err != nil {
			return err
		}
		if err := s.undoUpdated(ctx, tx, a, imp); err != nil {
			return err
		}
		imp.Status, imp.UndoneAt = ImportUndone, now().UTC().Truncate(time.Millisecond)
		if _, err := tx.ExecContext(ctx, "UPDATE imports SET status = ?, undone_at = ? WHERE id = ?", imp.Status, timeText(imp.UndoneAt), id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionImport, imp.Module, 0, []Change{
			{Field: "file", New: imp.FileName}, {Field: "undone", Old: imp.ID},
		})
	})
	if err != nil {
		return nil, err
	}
	return imp, nil
}

// importRecords lists the records of one action of a run, latest row first.
func importRecords(ctx context.Context, tx *sql.Tx, id int64, action string) ([]int64, []string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT record_id, detail FROM import_rows WHERE import_id = ? AND action = ? ORDER BY row DESC", id, action)
	if err != nil {
		return nil, nil, fmt.Errorf("import %d rows: %w", id, err)
	}
	var ids []int64
	var details []string
	for rows.Next() {
		var rid int64
		var d string
		if err := rows.Scan(&rid, &d); err != nil {
			rows.Close()
			return nil, nil, err
		}
		ids, details = append(ids, rid), append(details, d)
	}
	return ids, details, closeRows(rows, "import rows")
}

// createdIDs are the records a run created, newest first.
func createdIDs(ctx context.Context, tx *sql.Tx, importID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT first_id, last_id FROM import_created WHERE import_id = ? ORDER BY first_id DESC", importID)
	if err != nil {
		return nil, fmt.Errorf("import %d created ids: %w", importID, err)
	}
	var ids []int64
	for rows.Next() {
		var first, last int64
		if err := rows.Scan(&first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		for id := last; id >= first; id-- {
			ids = append(ids, id)
		}
	}
	return ids, closeRows(rows, "import created ids")
}

// keptFromUndo says whether a record of the run's id ranges is no longer
// the run's own: an id used again after its record was purged (created
// after the run ended), or a record another was merged into since, which
// now holds that record's history and links too.
func keptFromUndo(ctx context.Context, tx *sql.Tx, imp *Import, id int64) (bool, error) {
	var later, merged bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+imp.Module.Table+" WHERE id = ? AND created_at > ?)",
		id, timeText(imp.FinishedAt)).Scan(&later)
	if err == nil && !later {
		err = tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM audit_log WHERE module = ? AND record_id = ? AND action = ? AND at > ?)",
			imp.Module.Key, id, ActionMerge, timeText(imp.FinishedAt)).Scan(&merged)
	}
	if err != nil {
		return false, fmt.Errorf("undo import %d: record %d: %w", imp.ID, id, err)
	}
	return later || merged, nil
}

func (s *Store) undoCreated(ctx context.Context, tx *sql.Tx, a *Actor, imp *Import) error {
	m := imp.Module
	ids, err := createdIDs(ctx, tx, imp.ID)
	if err != nil {
		return err
	}
	scope, args, err := scopeCond(a, m, ActDelete)
	if err != nil {
		return err
	}
	cond := "t.id = ? AND t.deleted_at IS NULL"
	if scope != "" {
		cond += " AND " + scope
	}
	stamp := timeText(now())
	for _, rid := range ids {
		if keep, err := keptFromUndo(ctx, tx, imp, rid); err != nil {
			return err
		} else if keep {
			continue
		}
		res, err := tx.ExecContext(ctx, "UPDATE "+m.Table+" AS t SET deleted_at = ? WHERE "+cond, append([]any{stamp, rid}, args...)...)
		if err != nil {
			return fmt.Errorf("undo import: delete %s %d: %w", m.Key, rid, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var live bool
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+m.Table+" WHERE id = ? AND deleted_at IS NULL", rid).Scan(&live); err != nil {
				return err
			}
			if live {
				return ErrForbidden // someone else's now, out of the actor's reach
			}
			continue // already in the recycle bin, or purged
		}
		if err := audit(ctx, tx, a, ActionDelete, m, rid, nil); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) undoUpdated(ctx context.Context, tx *sql.Tx, a *Actor, imp *Import) error {
	m := imp.Module
	ids, details, err := importRecords(ctx, tx, imp.ID, RowUpdate)
	if err != nil {
		return err
	}
	for i, rid := range ids {
		var d struct{ Before, After map[string]json.RawMessage }
		if err := json.Unmarshal([]byte(details[i]), &d); err != nil {
			return fmt.Errorf("undo import row of %s %d: %w", m.Key, rid, err)
		}
		cur, err := s.liveRecord(ctx, tx, a, m, rid)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since: nothing to put back
		}
		if err != nil {
			return err
		}
		restore := Values{}
		for name, raw := range d.After {
			f, ok := m.Field(name)
			if !ok {
				continue
			}
			after, msg := f.parseJSON(raw)
			before, bmsg := f.parseJSON(d.Before[name])
			if msg != nil || bmsg != nil {
				continue
			}
			if reflect.DeepEqual(normalSide(cur.Values[name]), normalSide(after)) {
				restore[name] = before
			}
		}
		if len(restore) == 0 {
			continue
		}
		if _, _, err := s.update(ctx, tx, a, m, rid, restore); err != nil {
			return fmt.Errorf("undo import: %s %d: %w", m.Key, rid, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction of its own on the writer connection.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// RecoverImports marks runs that were going when the server stopped as
// interrupted: what they saved stays, and can be undone. Only the server
// calls it, at start, holding the database's server lock: Open cannot,
// as a command-line backup or import opens the database beside a running
// server, whose runs are alive.
func (s *Store) RecoverImports(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, "UPDATE imports SET status = ?, finished_at = ? WHERE status = ?",
		ImportInterrupted, timeText(now()), ImportRunning); err != nil {
		return fmt.Errorf("recover imports: %w", err)
	}
	return nil
}
