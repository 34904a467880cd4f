package ui

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/sheet"
	"kobicrm/store/tr"
	"kobicrm/store/vcard"
	"kobicrm/ui/i18n"
)

// The import wizard: upload a file, map its columns to fields, preview the
// first rows, run, and read the result, which can be undone. Each step is
// its own page and works without JavaScript; the store checks the rights
// and keeps the file, the settings and the outcome of every row, so a
// person can leave a long run and come back to it.

// importModules are the modules with an import wizard: those with a list
// page of their own (the leads list imports into customers).
var importModules = []*store.Module{store.Customers, store.Assets}

// hasImportWizard says whether m's list may offer the import wizard. By
// key: the module a store serves is its own copy, with custom fields.
func hasImportWizard(m *store.Module) bool {
	return slices.ContainsFunc(importModules, func(w *store.Module) bool { return w.Key == m.Key })
}

// previewRows is how many rows the preview shows.
const previewRows = 20

// failuresShown is how many failed rows the result page lists; the error
// file has them all.
const failuresShown = 50

func (s *Server) importRoutes(r *mux.Router) {
	for _, m := range importModules {
		r.HandleFunc("/"+m.Key+"/import", s.importStart(m)).Methods(http.MethodGet)
		r.HandleFunc("/"+m.Key+"/import", s.importUpload(m)).Methods(http.MethodPost)
	}
	r.HandleFunc("/imports/{id:[0-9]+}", s.importShow).Methods(http.MethodGet)
	r.HandleFunc("/imports/{id:[0-9]+}/map", s.importMap).Methods(http.MethodGet)
	r.HandleFunc("/imports/{id:[0-9]+}/map", s.importMapSubmit).Methods(http.MethodPost)
	r.HandleFunc("/imports/{id:[0-9]+}/preview", s.importPreview).Methods(http.MethodGet)
	r.HandleFunc("/imports/{id:[0-9]+}/run", s.importRun).Methods(http.MethodPost)
	r.HandleFunc("/imports/{id:[0-9]+}/errors.csv", s.importErrors).Methods(http.MethodGet)
	r.HandleFunc("/imports/{id:[0-9]+}/undo", s.importUndo).Methods(http.MethodPost)
}

func importURL(id int64, step string) string {
	u := "/imports/" + strconv.FormatInt(id, 10)
	if step != "" {
		u += "/" + step
	}
	return u
}

// vocabulary is the import vocabulary of a module as the store has it
// now, with its custom fields: made per request, as an administrator may
// add a field at any time, and cheap next to reading a file.
func (s *Server) vocabulary(m *store.Module) *store.ImportVocabulary {
	if cur, ok := s.store.Module(m.Key); ok {
		m = cur
	}
	return ImportVocabulary(s.catalog, m)
}

// loadImport reads the import named in the URL: 403 for a user who may
// import nothing at all, 404 for an import that is not theirs.
func (s *Server) loadImport(w http.ResponseWriter, r *http.Request) (*store.Import, bool) {
	a := state(r).actor
	may := false
	for _, m := range importModules {
		may = may || a.Can(m, store.ActImport)
	}
	if !may {
		s.storeError(w, r, store.ErrForbidden)
		return nil, false
	}
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return nil, false
	}
	imp, err := s.store.GetImport(r.Context(), a, id)
	if err != nil {
		s.storeError(w, r, err)
		return nil, false
	}
	return imp, true
}

// loadPendingImport is loadImport for the wizard's steps before the run:
// an import that has run (or is running) goes to its result page instead.
func (s *Server) loadPendingImport(w http.ResponseWriter, r *http.Request) (*store.Import, bool) {
	imp, ok := s.loadImport(w, r)
	if ok && imp.Status != store.ImportUploaded {
		s.redirect(w, r, importURL(imp.ID, ""))
		return nil, false
	}
	return imp, ok
}

// ---------------------------------------------------------------------------
// Upload

type importStartData struct {
	Module   *store.Module
	Action   string
	ListURL  string
	Form     *form
	Recent   []importSummary
	MaxMB    int
	Defaults []importDefault // values for what the rows leave empty
}

// importDefault is a value the rows of an import get when they leave the
// field empty: the leads list's stage.
type importDefault struct {
	Name, Value string // the field and its value, for the form
	Text        string // "Aşama: Aday", for people
}

// importDefaults reads the defaults asked for (the list's fixed filters,
// in the query or the form as field=value) that name a field of m.
func importDefaults(l *i18n.Locale, m *store.Module, in url.Values) (map[string]string, []importDefault) {
	var set map[string]string
	var shown []importDefault
	for _, f := range store.ImportTargets(m) {
		v := in.Get("default." + f.Name)
		if v == "" {
			v = in.Get(f.Name)
		}
		if v == "" {
			continue
		}
		if set == nil {
			set = map[string]string{}
		}
		set[f.Name] = v
		text := v
		if f.Kind == store.Choice {
			text = choiceLabel(l, m, f, v)
		}
		shown = append(shown, importDefault{Name: f.Name, Value: v, Text: fieldLabel(l, m, f) + ": " + text})
	}
	return set, shown
}

// importSummary is one earlier import in the upload page's list.
type importSummary struct {
	URL      string
	FileName string
	When     string
	Status   string
	Counts   string
}

func (s *Server) importStart(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.renderImportStart(w, r, http.StatusOK, m, &form{Errors: map[string]string{}})
	}
}

func (s *Server) renderImportStart(w http.ResponseWriter, r *http.Request, status int, m *store.Module, f *form) {
	st := state(r)
	l := st.locale
	recent, err := s.store.Imports(r.Context(), st.actor, m, 10)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &importStartData{Module: m, Action: "/" + m.Key + "/import", ListURL: "/" + m.Key, Form: f, MaxMB: sheet.DefaultMaxBytes >> 20}
	values := r.URL.Query()
	if r.Method == http.MethodPost {
		values = r.PostForm
	}
	_, d.Defaults = importDefaults(l, m, values)
	for _, imp := range recent {
		sum := importSummary{URL: importURL(imp.ID, ""), FileName: imp.FileName, When: l.DateTime(imp.CreatedAt), Status: importStatus(l, imp, false)}
		if imp.Status == store.ImportUploaded {
			sum.URL = importURL(imp.ID, "map")
		} else {
			sum.Counts = l.T("import.counts", imp.Created, imp.Updated, imp.Skipped, imp.Failed)
		}
		d.Recent = append(d.Recent, sum)
	}
	p := s.newPage(r, "import.title", d)
	p.Title = l.T("import.title_of", l.T(m.Label))
	s.render(w, r, status, "import", p)
}

// importStatus names an import's state for people.
func importStatus(l *i18n.Locale, imp *store.Import, running bool) string {
	if running {
		return l.T("import.status.running")
	}
	return l.T("import.status." + imp.Status)
}

// importUpload keeps the uploaded file and goes on to the mapping.
func (s *Server) importUpload(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		l := st.locale
		f := newForm(r)
		file, hdr, err := r.FormFile("file")
		if err != nil {
			f.Errors["file"] = l.T("import.no_file")
			s.renderImportStart(w, r, http.StatusUnprocessableEntity, m, f)
			return
		}
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, sheet.DefaultMaxBytes+1))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(data) > sheet.DefaultMaxBytes {
			f.Errors["file"] = importFileMessage(l, sheet.ErrTooLarge)
			s.renderImportStart(w, r, http.StatusRequestEntityTooLarge, m, f)
			return
		}
		imp, err := s.store.NewImport(r.Context(), st.actor, m, uploadName(hdr.Filename), data, s.vocabulary(m))
		if fe := (*store.ImportFileError)(nil); errors.As(err, &fe) {
			f.Errors["file"] = importFileMessage(l, fe.Err)
			s.renderImportStart(w, r, http.StatusUnprocessableEntity, m, f)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if defaults, _ := importDefaults(l, m, r.PostForm); defaults != nil {
			set := imp.Settings
			set.Defaults = defaults
			_, err := s.store.SetImportSettings(r.Context(), st.actor, imp.ID, set)
			if v, ok := store.AsValidation(err); ok {
				f.Errors["file"] = l.T(v.Fields["defaults"].Key, v.Fields["defaults"].Args...)
				s.renderImportStart(w, r, http.StatusUnprocessableEntity, m, f)
				return
			}
			if err != nil {
				s.storeError(w, r, err)
				return
			}
		}
		s.redirect(w, r, importURL(imp.ID, "map"))
	}
}

// uploadName is the file's own name, without any folder a browser sent.
func uploadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return "?"
	}
	return name
}

// importFileMessage says in words why a file cannot be read.
func importFileMessage(l *i18n.Locale, err error) string {
	msg := l.T("import.err_unreadable")
	for _, e := range []struct {
		err error
		key string
	}{
		{sheet.ErrUnsupported, "import.err_unsupported"},
		{sheet.ErrCorrupt, "import.err_corrupt"},
		{sheet.ErrMalformed, "import.err_malformed"},
		{sheet.ErrEncoding, "import.err_encoding"},
		{sheet.ErrNoHeader, "import.err_no_header"},
	} {
		if errors.Is(err, e.err) {
			msg = l.T(e.key)
		}
	}
	if ve := (*vcard.Error)(nil); errors.As(err, &ve) {
		msg = l.T("import.err_vcard", ve.Line)
	}
	switch {
	case errors.Is(err, sheet.ErrTooLarge), errors.Is(err, vcard.ErrTooLarge):
		msg = l.T("import.err_too_large", sheet.DefaultMaxBytes>>20)
	case errors.Is(err, sheet.ErrTooManyColumns):
		msg = l.T("import.err_too_many_columns", sheet.DefaultMaxColumns)
	}
	if re := (*sheet.RowError)(nil); errors.As(err, &re) {
		msg = l.T("import.err_at_row", re.Row, msg)
	}
	return msg
}

// ---------------------------------------------------------------------------
// Mapping

type importMapData struct {
	Imp      *store.Import
	Defaults []importDefault
	Action   string
	Format   string
	Columns  []mapColumn
	Decimal  []option
	Modes    []modeChoice
	Keys     template.HTML
	Mappings []option
	Form     *form
}

// mapColumn is one column of the file in the mapping table.
type mapColumn struct {
	Index   int
	Header  string
	Samples []string
	Options template.HTML
	Invalid bool
}

type modeChoice struct {
	Value   string
	Label   string
	Hint    string
	Checked bool
}

func (s *Server) importMap(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadPendingImport(w, r)
	if !ok {
		return
	}
	set := imp.Settings
	f := &form{Errors: map[string]string{}}
	if id := r.URL.Query().Get("mapping"); id != "" {
		mappings, err := s.store.ImportMappings(r.Context(), state(r).actor, imp.Module)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for _, mp := range mappings {
			if strconv.FormatInt(mp.ID, 10) == id {
				set.Columns = mp.Apply(imp.Header)
			}
		}
	}
	s.renderImportMap(w, r, http.StatusOK, imp, set, f)
}

func (s *Server) importMapSubmit(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadPendingImport(w, r)
	if !ok {
		return
	}
	st := state(r)
	l := st.locale
	set := store.ImportSettings{Columns: make([]string, len(imp.Header)), Decimal: r.PostFormValue("decimal"), Defaults: imp.Settings.Defaults,
		Mode: store.ImportMode(r.PostFormValue("mode")), Key: r.PostFormValue("key")}
	for i := range imp.Header {
		set.Columns[i] = r.PostFormValue("column_" + strconv.Itoa(i))
	}
	f := newForm(r)
	if col, ok := strings.CutPrefix(set.Key, store.ExternalKeyPrefix); ok {
		if key, err := ImportKey(imp.Module, imp.Header, set.Columns, col); err == nil {
			set.Key = key
		}
	}
	_, err := s.store.SetImportSettings(r.Context(), st.actor, imp.ID, set)
	if v, ok := store.AsValidation(err); ok {
		settingsErrors(l, imp.Module, f, v)
		s.renderImportMap(w, r, http.StatusUnprocessableEntity, imp, set, f)
		return
	}
	if errors.Is(err, store.ErrImportState) {
		s.redirect(w, r, importURL(imp.ID, ""))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if name := strings.TrimSpace(r.PostFormValue("mapping_name")); name != "" {
		err := s.store.SaveImportMapping(r.Context(), st.actor, imp.Module, name, imp.Header, set.Columns)
		if v, ok := store.AsValidation(err); ok {
			settingsErrors(l, imp.Module, f, v)
			s.renderImportMap(w, r, http.StatusUnprocessableEntity, imp, set, f)
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		s.addFlash(r, "ok", "import.mapping_saved")
	}
	s.redirect(w, r, importURL(imp.ID, "preview"))
}

// settingsErrors puts the store's objections to the settings on the
// form, naming a field mapped twice by its label.
func settingsErrors(l *i18n.Locale, m *store.Module, f *form, v *store.ValidationError) {
	for field, msg := range v.Fields {
		args := msg.Args
		if msg.Key == "error.import_twice" && len(args) == 1 {
			args = []any{targetLabel(l, m, fmt.Sprint(args[0]))}
		}
		f.Errors[field] = l.T(msg.Key, args...)
	}
}

// targetLabel names what a column can be mapped to.
func targetLabel(l *i18n.Locale, m *store.Module, name string) string {
	switch name {
	case "":
		return l.T("import.ignore")
	case store.ImportIDColumn:
		return l.T("import.target_id")
	case store.CreatedAtKey:
		return l.T("field.created_at")
	}
	if f, ok := m.Field(name); ok {
		label := fieldLabel(l, m, f)
		if f.Group != "" && m.Discriminator != "" {
			if d, ok := m.Field(m.Discriminator); ok {
				label += " (" + l.T(m.ChoiceKey(d, f.Group)) + ")"
			}
		}
		return label
	}
	return name
}

func (s *Server) renderImportMap(w http.ResponseWriter, r *http.Request, status int, imp *store.Import, set store.ImportSettings, f *form) {
	st := state(r)
	l := st.locale
	m := imp.Module
	// The first rows show what each column holds. The preview needs
	// settings that fit, which the stored ones always are.
	samples, err := s.store.PreviewImport(r.Context(), st.actor, imp.ID, s.vocabulary(m), 3)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	mappings, err := s.store.ImportMappings(r.Context(), st.actor, m)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &importMapData{Imp: imp, Action: importURL(imp.ID, "map"), Format: importFormat(l, imp), Form: f}
	defaults := url.Values{}
	for k, v := range imp.Settings.Defaults {
		defaults.Set(k, v)
	}
	_, d.Defaults = importDefaults(l, m, defaults)
	targets := []string{"", store.ImportIDColumn, store.CreatedAtKey}
	for _, t := range store.ImportTargets(m) {
		targets = append(targets, t.Name)
	}
	seen := map[string]int{}
	for _, c := range set.Columns {
		seen[c]++
	}
	for i, h := range imp.Header {
		mc := mapColumn{Index: i, Header: h}
		if h == "" {
			mc.Header = l.T("import.column_n", i+1)
		}
		for _, row := range samples {
			if i < len(row.Cells) && row.Cells[i] != "" {
				mc.Samples = append(mc.Samples, row.Cells[i])
			}
		}
		chosen := ""
		if i < len(set.Columns) {
			chosen = set.Columns[i]
		}
		mc.Invalid = chosen != "" && seen[chosen] > 1 && f.Err("columns") != ""
		var opts []option
		for _, t := range targets {
			opts = append(opts, option{Value: t, Label: targetLabel(l, m, t), Selected: t == chosen})
		}
		mc.Options = optionsHTML(opts)
		d.Columns = append(d.Columns, mc)
	}
	d.Decimal = []option{{Value: ",", Label: l.T("import.decimal_comma"), Selected: set.Decimal == ","},
		{Value: ".", Label: l.T("import.decimal_point"), Selected: set.Decimal == "."}}
	for _, mode := range []store.ImportMode{store.ImportCreate, store.ImportSkip, store.ImportUpdate} {
		d.Modes = append(d.Modes, modeChoice{Value: string(mode), Label: l.T("import.mode." + string(mode)),
			Hint: l.T("import.mode_hint." + string(mode)), Checked: set.Mode == mode})
	}
	var keys []option
	for _, kf := range importKeyFields(m) {
		keys = append(keys, option{Value: kf.Name, Label: targetLabel(l, m, kf.Name)})
	}
	keys = append(keys, option{Value: store.ImportIDColumn, Label: l.T("import.target_id")})
	for _, h := range imp.Header {
		if h != "" {
			keys = append(keys, option{Value: store.ExternalKeyPrefix + h, Label: l.T("import.key_column", h)})
		}
	}
	d.Keys = optionsHTML(selectOptions(keys, set.Key, true))
	for _, mp := range mappings {
		d.Mappings = append(d.Mappings, option{Value: strconv.FormatInt(mp.ID, 10), Label: mp.Name, Selected: r.URL.Query().Get("mapping") == strconv.FormatInt(mp.ID, 10)})
	}
	p := s.newPage(r, "import.map_title", d)
	s.render(w, r, status, "import_map", p)
}

// importFormat describes the file as the importer read it.
func importFormat(l *i18n.Locale, imp *store.Import) string {
	switch imp.Format {
	case "vcf":
		return l.T("import.format_vcf", imp.Rows)
	case string(sheet.XLSX):
		return l.T("import.format_xlsx", imp.Rows)
	}
	sep := imp.Separator
	if sep == "\t" {
		sep = l.T("import.tab")
	}
	return l.T("import.format_csv", imp.Encoding, sep, imp.Rows)
}

// importKeyFields are the fields a run can match records by: identity
// numbers, e-mail and phone, licence plates, and the indexed names.
func importKeyFields(m *store.Module) []*store.Field {
	var out []*store.Field
	for _, f := range store.ImportTargets(m) {
		switch f.Kind {
		case store.TCKN, store.VKN, store.Email, store.Phone, store.Plate:
			out = append(out, f)
		case store.Text:
			if f.Sort && f.Search {
				out = append(out, f)
			}
		}
	}
	return out
}

// ImportKey turns what a person named as the key of a run (a field such
// as tckn, "id", or a column of the file) into the settings' key: the
// field the column is mapped to, or the column itself as an external id
// when it is mapped to nothing a record can be found by. It fails when
// the file has no such column, or no column mapped to the field.
func ImportKey(m *store.Module, header, columns []string, name string) (string, error) {
	name = strings.TrimSpace(name)
	mapped := func(field string) bool {
		for _, c := range columns {
			if c == field {
				return true
			}
		}
		return false
	}
	if f, ok := m.Field(name); ok || name == store.ImportIDColumn {
		if !mapped(name) {
			return "", fmt.Errorf("%w: %s", errKeyNotMapped, name)
		}
		if ok && !keyable(f) {
			return "", fmt.Errorf("%w: %s", errKeyNotMapped, name)
		}
		return name, nil
	}
	for i, h := range header {
		if !sameHeader(h, name) {
			continue
		}
		c := ""
		if i < len(columns) {
			c = columns[i]
		}
		if f, ok := m.Field(c); (ok && keyable(f)) || c == store.ImportIDColumn {
			return c, nil
		}
		return store.ExternalKeyPrefix + h, nil
	}
	return "", fmt.Errorf("%w: %s", errKeyNoColumn, name)
}

var (
	errKeyNotMapped = errors.New("no column of the file is mapped to the key")
	errKeyNoColumn  = errors.New("the file has no such column")
)

// keyable says whether records can be found by the field's value: it is
// kept in the record's own row, not in a side table.
func keyable(f *store.Field) bool {
	switch f.Kind {
	case store.Tags, store.PhoneList, store.RefList, store.Grants:
		return false
	}
	return true
}

// sameHeader compares column names the way the importer does: Turkish
// case folded, spaces and punctuation ignored.
func sameHeader(a, b string) bool { return headerWord(a) == headerWord(b) }

func headerWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, tr.Fold(s))
}

// ---------------------------------------------------------------------------
// Preview

type importPreviewData struct {
	Imp     *store.Import
	Headers []previewHeader
	Rows    []previewRow
	Counts  map[string]int
	Mode    string
	Back    string
	Run     string
}

type previewHeader struct {
	Header string
	Target string // the field's label, "" when left out
}

type previewRow struct {
	Num    int
	Action string // created, updated, skipped, failed
	Label  string
	Cells  []previewCell
	Errors []string
	Dups   []previewDup // records a created row looks like
}

type previewDup struct {
	Title, URL, Reasons string
}

type previewCell struct {
	Text string
	Bad  bool
	Msg  string
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadPendingImport(w, r)
	if !ok {
		return
	}
	st := state(r)
	l := st.locale
	m := imp.Module
	rows, err := s.store.PreviewImport(r.Context(), st.actor, imp.ID, s.vocabulary(m), previewRows)
	if _, bad := store.AsValidation(err); bad {
		s.redirect(w, r, importURL(imp.ID, "map"))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	d := &importPreviewData{Imp: imp, Counts: map[string]int{}, Back: importURL(imp.ID, "map"), Run: importURL(imp.ID, "run"),
		Mode: l.T("import.mode."+string(imp.Settings.Mode)) + importKeyNote(l, imp)}
	for i, h := range imp.Header {
		ph := previewHeader{Header: h}
		if i < len(imp.Settings.Columns) && imp.Settings.Columns[i] != "" {
			ph.Target = targetLabel(l, m, imp.Settings.Columns[i])
		}
		d.Headers = append(d.Headers, ph)
	}
	for _, row := range rows {
		pr := previewRow{Num: row.Num, Action: row.Action, Label: l.T("import.action." + row.Action)}
		for _, c := range row.Cells {
			pr.Cells = append(pr.Cells, previewCell{Text: c})
		}
		for _, e := range row.Errors {
			msg := l.T(e.Key, e.Args...)
			for i, h := range imp.Header {
				if e.Column != "" && h == e.Column && i < len(pr.Cells) {
					pr.Cells[i].Bad, pr.Cells[i].Msg = true, msg
					break
				}
			}
			pr.Errors = append(pr.Errors, errorPlace(l, m, e)+msg)
		}
		for _, dup := range row.Duplicates {
			pr.Dups = append(pr.Dups, previewDup{Title: dup.Title, URL: recordURL(m, dup.ID), Reasons: reasonsText(l, dup.Reasons)})
		}
		if row.Action == store.RowFail && len(pr.Errors) == 0 {
			pr.Errors = append(pr.Errors, l.T("error.import_no_record"))
		}
		d.Counts[row.Action]++
		d.Rows = append(d.Rows, pr)
	}
	s.render(w, r, http.StatusOK, "import_preview", s.newPage(r, "import.preview_title", d))
}

// errorPlace names where a row's problem is, as a prefix of its message:
// the column, or the field when no column fills it.
func errorPlace(l *i18n.Locale, m *store.Module, e store.CellError) string {
	switch {
	case e.Column != "":
		return e.Column + ": "
	case e.Field != "":
		return targetLabel(l, m, e.Field) + ": "
	}
	return ""
}

// importKeyNote says which key matches rows to records, for the skip and
// update modes.
func importKeyNote(l *i18n.Locale, imp *store.Import) string {
	key := imp.Settings.Key
	if imp.Settings.Mode == store.ImportCreate || key == "" {
		return ""
	}
	if col, ok := strings.CutPrefix(key, store.ExternalKeyPrefix); ok {
		return " — " + l.T("import.key_column", col)
	}
	return " — " + l.T("import.key_is", targetLabel(l, imp.Module, key))
}

// ---------------------------------------------------------------------------
// Run and result

// importRun starts the run in the background and shows its progress page.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadPendingImport(w, r)
	if !ok {
		return
	}
	a := state(r).actor
	m := imp.Module
	// The store refuses these again when the run starts; asking here
	// answers the person instead of failing in the background.
	if !a.Can(m, store.ActCreate) || imp.Settings.Mode == store.ImportUpdate && !a.Can(m, store.ActEdit) {
		s.storeError(w, r, store.ErrForbidden)
		return
	}
	voc := s.vocabulary(m)
	id := imp.ID
	s.jobs.start(id, func(ctx context.Context) {
		defer raiseMemoryLimit()()
		done, err := s.store.RunImport(ctx, a, id, voc, nil)
		switch {
		case errors.Is(err, store.ErrImportState):
			// Run twice at once from two tabs: the other run goes on.
		case err != nil && ctx.Err() != nil && done != nil:
			s.log.Info("import stopped by shutdown", "import", id, "rows", done.Done)
		case err != nil:
			s.log.Error("import run", "import", id, "err", err)
		}
	})
	s.redirect(w, r, importURL(id, ""))
}

type importShowData struct {
	Imp          *store.Import
	Running      bool
	Status       string
	Format       string
	Failures     []failureRow
	MoreFailures bool
	ListURL      string
	DupsURL      string // the duplicates page, when created rows looked like records already there
	ErrorsURL    string
	UndoURL      string
	CanUndo      bool
	Mode         string
}

type failureRow struct {
	Row     int
	Column  string
	Value   string
	Message string
}

func (s *Server) importShow(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	running := imp.Running() || imp.Status == store.ImportUploaded && s.jobs.busy(imp.ID)
	if imp.Status == store.ImportUploaded && !running {
		s.redirect(w, r, importURL(imp.ID, "map"))
		return
	}
	st := state(r)
	l := st.locale
	m := imp.Module
	d := &importShowData{Imp: imp, Running: running, Status: importStatus(l, imp, running), Format: importFormat(l, imp),
		ListURL: "/" + m.Key, ErrorsURL: importURL(imp.ID, "errors.csv"), UndoURL: importURL(imp.ID, "undo"),
		CanUndo: !running && (imp.Status == store.ImportDone || imp.Status == store.ImportInterrupted) && imp.Created+imp.Updated > 0,
		Mode:    l.T("import.mode."+string(imp.Settings.Mode)) + importKeyNote(l, imp)}
	if imp.Duplicates > 0 && m.HasDuplicateDetection() && st.actor.Can(m, store.ActEdit) {
		d.DupsURL = "/" + m.Key + "/duplicates"
	}
	if !running {
		err := s.store.ImportFailures(r.Context(), st.actor, imp.ID, failuresShown, func(f store.ImportFailure) error {
			for _, e := range f.Errors {
				d.Failures = append(d.Failures, failureRow{Row: f.Row, Column: failureColumn(l, m, e), Value: e.Value, Message: l.T(e.Key, e.Args...)})
			}
			return nil
		})
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		d.MoreFailures = imp.Failed > failuresShown
	}
	p := s.newPage(r, "import.result_title", d)
	p.Refresh = running
	s.render(w, r, http.StatusOK, "import_status", p)
}

// failureColumn is the column a problem is in, or the field no column
// filled.
func failureColumn(l *i18n.Locale, m *store.Module, e store.CellError) string {
	if e.Column != "" || e.Field == "" {
		return e.Column
	}
	return targetLabel(l, m, e.Field)
}

// importErrors is the error file of a run: every failed row's problems,
// one a line, in the user's language, as Turkish Excel opens CSV.
func (s *Server) importErrors(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	st := state(r)
	l := st.locale
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+l.T("import.errors_file", imp.ID)+`"`)
	if err := writeImportErrors(r.Context(), s.store, st.actor, l, imp, w); err != nil {
		s.log.Error("import error file", "import", imp.ID, "err", err)
	}
}

// writeImportErrors writes the failed rows of a run as CSV.
func writeImportErrors(ctx context.Context, st *store.Store, a *store.Actor, l *i18n.Locale, imp *store.Import, w io.Writer) error {
	out, err := sheet.NewCSVWriter(w, []sheet.Column{{Name: l.T("import.col_row"), Numeric: true},
		{Name: l.T("import.col_column")}, {Name: l.T("import.col_value")}, {Name: l.T("import.col_message")}})
	if err != nil {
		return err
	}
	err = st.ImportFailures(ctx, a, imp.ID, 0, func(f store.ImportFailure) error {
		for _, e := range f.Errors {
			if err := out.Write([]string{strconv.Itoa(f.Row), failureColumn(l, imp.Module, e), e.Value, l.T(e.Key, e.Args...)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return out.Close()
}

// importUndo takes a run back, after a confirmation.
func (s *Server) importUndo(w http.ResponseWriter, r *http.Request) {
	imp, ok := s.loadImport(w, r)
	if !ok {
		return
	}
	l := state(r).locale
	if !s.confirmed(w, r, l.T("import.undo_heading", imp.FileName), l.T("import.undo_body", imp.Created, imp.Updated), importURL(imp.ID, "")) {
		return
	}
	_, err := s.store.UndoImport(r.Context(), state(r).actor, imp.ID)
	switch {
	case errors.Is(err, store.ErrImportState):
		s.addFlash(r, "error", "import.undo_state")
	case err != nil:
		s.storeError(w, r, err)
		return
	default:
		s.addFlash(r, "ok", "import.undone")
	}
	s.redirect(w, r, importURL(imp.ID, ""))
}
