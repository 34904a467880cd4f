package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"kobicrm/store"
	"kobicrm/ui/i18n"
)

// ErrImportKey is a key for updating (the command line's -update-by) that
// the file cannot give: no such column, or no column mapped to the field.
var ErrImportKey = errors.New("import key")

// ImportFile imports a whole file from the command line: the wizard's
// steps without the person, with the same vocabulary, checks and report.
// Columns are mapped by their names; updateBy "" creates every row, else
// it names the key rows update the records they match by (a field such
// as tckn, "id", or a column of the file). The report goes to out: the
// file as read, the mapping, the counts and every failed row. The import
// is returned with its counts; an unreadable file is an error with a
// message in l's language, a key the file cannot give wraps ErrImportKey.
func ImportFile(ctx context.Context, st *store.Store, a *store.Actor, cat *i18n.Catalog, l *i18n.Locale, m *store.Module,
	name string, data []byte, updateBy string, out io.Writer) (*store.Import, error) {
	if cur, ok := st.Module(m.Key); ok {
		m = cur // with the database's custom fields
	}
	voc := ImportVocabulary(cat, m)
	imp, err := st.NewImport(ctx, a, m, name, data, voc)
	if fe := (*store.ImportFileError)(nil); errors.As(err, &fe) {
		return nil, fmt.Errorf("%s: %s", name, importFileMessage(l, fe.Err))
	}
	if err != nil {
		return nil, err
	}
	set := imp.Settings
	if updateBy != "" {
		key, err := ImportKey(m, imp.Header, set.Columns, updateBy)
		switch {
		case errors.Is(err, errKeyNotMapped):
			return nil, fmt.Errorf("%w: %s", ErrImportKey, l.T("cli.import_key_not_mapped", updateBy))
		case err != nil:
			return nil, fmt.Errorf("%w: %s", ErrImportKey, l.T("cli.import_key_no_column", updateBy))
		}
		set.Mode, set.Key = store.ImportUpdate, key
		if imp, err = st.SetImportSettings(ctx, a, imp.ID, set); err != nil {
			return nil, settingsError(l, m, err)
		}
	}
	fmt.Fprintln(out, l.T("cli.import_file", name))
	fmt.Fprintln(out, "  "+importFormat(l, imp)+" · "+l.T("cli.import_decimal", imp.Settings.Decimal))
	fmt.Fprintln(out, l.T("cli.import_columns"))
	var ignored []string
	for i, h := range imp.Header {
		if c := imp.Settings.Columns[i]; c != "" {
			fmt.Fprintf(out, "  %s → %s\n", h, targetLabel(l, m, c))
		} else if h != "" {
			ignored = append(ignored, h)
		}
	}
	if len(ignored) > 0 {
		fmt.Fprintln(out, "  "+l.T("cli.import_ignored", strings.Join(ignored, ", ")))
	}
	fmt.Fprintln(out, l.T("cli.import_mode", l.T("import.mode."+string(imp.Settings.Mode))+importKeyNote(l, imp)))

	restore := raiseMemoryLimit()
	done, runErr := st.RunImport(ctx, a, imp.ID, voc, nil)
	restore()
	if done == nil {
		return nil, runErr
	}
	fmt.Fprintln(out, l.T("cli.import_result", done.Done, done.Created, done.Updated, done.Skipped, done.Failed))
	if done.Failed > 0 {
		fmt.Fprintln(out, l.T("cli.import_failed_rows"))
		err := st.ImportFailures(context.WithoutCancel(ctx), a, imp.ID, 0, func(f store.ImportFailure) error {
			for _, e := range f.Errors {
				_, err := fmt.Fprintln(out, "  "+l.T("cli.import_failed_row", f.Row, failureColumn(l, m, e), e.Value, l.T(e.Key, e.Args...)))
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
	}
	if done.Created+done.Updated > 0 {
		fmt.Fprintln(out, l.T("cli.import_undo", importURL(done.ID, "")))
	}
	if runErr != nil {
		if done.Status == store.ImportInterrupted {
			return done, fmt.Errorf("%s: %w", l.T("cli.import_interrupted", done.Done, done.Rows), runErr)
		}
		return done, runErr
	}
	return done, nil
}

// settingsError says in words why the store refused the settings.
func settingsError(l *i18n.Locale, m *store.Module, err error) error {
	v, ok := store.AsValidation(err)
	if !ok {
		return err
	}
	f := &form{Errors: map[string]string{}}
	settingsErrors(l, m, f, v)
	var msgs []string
	for _, k := range []string{"columns", "decimal", "mode", "key"} {
		if msg := f.Errors[k]; msg != "" {
			msgs = append(msgs, msg)
		}
	}
	return fmt.Errorf("%w: %s", ErrImportKey, strings.Join(msgs, "; "))
}
