package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// openXLSX reads the whole workbook into memory (a zip needs random access;
// the size limit keeps this bounded) and streams the rows of its first
// visible worksheet that has data, skipping an empty "Sayfa1" before the
// real one and any chart sheet.
func openXLSX(br *bufio.Reader, name string, lim Limits) (t *Table, err error) {
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, err
	}
	if err := checkUnzipSize(data, lim.MaxBytes*xlsxUnzipFactor); err != nil {
		return nil, err
	}
	// excelize parses untrusted XML and zip structures; a panic in it must
	// not take the whole program (and every office user) down with it.
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("%w: %v", ErrCorrupt, p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxBytes * xlsxUnzipFactor,
		// Keep at most this much worksheet XML in memory; larger sheets are
		// unpacked to a temporary file and streamed from there.
		UnzipXMLSizeLimit: min(16<<20, lim.MaxBytes*xlsxUnzipFactor),
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = f.Close()
		}
	}()
	if err := plainNumberFormats(f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	for _, sheet := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(sheet); err != nil || !visible {
			continue
		}
		rows, err := f.Rows(sheet)
		if err != nil {
			// A chart sheet has no rows to give; so has a sheet that the
			// workbook lists but does not contain.
			continue
		}
		src := &xlsxSource{f: f, rows: rows}
		t = &Table{Format: XLSX, name: name, src: src}
		switch err := t.readHeader(lim); {
		case err == nil:
			src.maxCols = lim.MaxColumns
			ok = true
			return t, nil
		case errors.Is(err, ErrNoHeader):
			_ = rows.Close()
		default:
			_ = rows.Close()
			return nil, err
		}
	}
	return nil, ErrNoHeader
}

// checkUnzipSize refuses a zip whose entries add up to more than limit once
// unpacked, before excelize unpacks anything, so that a zip bomb costs
// nothing and is reported as ErrTooLarge rather than as a damaged file.
// archive/zip checks on reading that an entry is no bigger than it claims.
func checkUnzipSize(data []byte, limit int64) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) {
			return fmt.Errorf("%w: unpacks to more than %d bytes", ErrTooLarge, limit)
		}
	}
	return nil
}

type xlsxSource struct {
	f       *excelize.File
	rows    *excelize.Rows
	num     int
	maxCols int
}

// An XLSX row omits its empty trailing cells, so a short row is normal.
func (s *xlsxSource) shortIsRagged() bool { return false }

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *xlsxSource) next() (cells []string, num, line int, err error) {
	defer func() {
		if p := recover(); p != nil {
			cells, err = nil, &RowError{Row: s.num, Line: s.num, Err: fmt.Errorf("%w: %v", ErrCorrupt, p)}
		}
	}()
	// Rows.Next visits every row number in turn, including the ones the
	// sheet leaves out because they are empty, so counting calls gives the
	// row number the user sees.
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, 0, &RowError{Row: s.num + 1, Line: s.num + 1, Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
		}
		return nil, 0, 0, io.EOF
	}
	s.num++
	cells, err = s.rows.Columns()
	if err != nil {
		return nil, s.num, s.num, &RowError{Row: s.num, Line: s.num, Err: fmt.Errorf("%w: %w", ErrCorrupt, err)}
	}
	if s.maxCols > 0 && len(cells) > s.maxCols {
		return nil, s.num, s.num, &RowError{Row: s.num, Line: s.num, Err: fmt.Errorf("%w (%d > %d)", ErrTooManyColumns, len(cells), s.maxCols)}
	}
	for i, c := range cells {
		cells[i] = normalizeBreaks(c)
	}
	return cells, s.num, s.num, nil
}

// Number format kinds, for plainNumberFormats.
type fmtKind int

const (
	fmtNumber fmtKind = iota
	fmtDate
	fmtDateTime
	fmtTime
	fmtElapsed
	fmtText
)

// Canonical formats date and time cells are re-rendered with: sortable,
// unambiguous, and what a Turkish date parser can be told to accept. The
// [$-409] locale tag changes nothing in these numeric layouts but makes
// excelize find its locale table in one map lookup per cell instead of a
// scan of every locale it knows (which made 100,000 dates cost seconds).
const (
	dateLayout     = "[$-409]yyyy-mm-dd"
	dateTimeLayout = "[$-409]yyyy-mm-dd hh:mm:ss"
	timeLayout     = "[$-409]hh:mm:ss"
	elapsedLayout  = "[$-409][h]:mm:ss"
)

// rawNumFmt is a number format id that is neither built in nor defined by
// the workbook, so excelize's formattedValue returns the cell's value as
// is: its own plain rendering of a number ("1234.5", up to 15 significant
// digits, as Excel shows them) or the text. Running every styled cell
// through excelize's "General" formatter would give much the same at a far
// higher cost, and most cells of a real workbook have some style.
const rawNumFmt = -1

// plainNumberFormats rewrites, in memory only, the number format of every
// cell style of the workbook so that the row iterator gives values a parser
// can read rather than what the user's Excel displays: "1234.5" and not
// "1.234,50 ₺" or "1,234.50"; dates as "2026-11-23" and not "23.11.2026" or
// "11-23-26". excelize's row iterator applies a cell's style as it reads, but
// does not say which style a cell has, so the styles are changed instead of
// the values. Text cells are unaffected: a number format never changes text.
func plainNumberFormats(f *excelize.File) error {
	st := f.Styles
	if st == nil || st.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	// Look every style up before adding the three canonical ones, which
	// NewStyle appends to the same lists.
	kinds := make([]fmtKind, len(st.CellXfs.Xf))
	for i, xf := range st.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		if code, ok := custom[id]; ok {
			kinds[i] = formatKind(code)
		} else {
			kinds[i] = builtinKind(id)
		}
	}
	ids := map[fmtKind]*int{}
	for kind, layout := range map[fmtKind]string{fmtDate: dateLayout, fmtDateTime: dateTimeLayout, fmtTime: timeLayout, fmtElapsed: elapsedLayout} {
		sid, err := f.NewStyle(&excelize.Style{CustomNumFmt: &layout})
		if err != nil {
			return fmt.Errorf("add %s format: %w", layout, err)
		}
		ids[kind] = st.CellXfs.Xf[sid].NumFmtID
	}
	raw := rawNumFmt
	for i, kind := range kinds {
		xf := &st.CellXfs.Xf[i]
		switch kind {
		case fmtDate, fmtDateTime, fmtTime, fmtElapsed:
			id := *ids[kind]
			xf.NumFmtID = &id
		default:
			xf.NumFmtID = &raw
		}
	}
	return nil
}

// builtinKind classifies Excel's built-in number formats, which a workbook
// refers to by id alone. 14-17 and 22 are the dates every locale has; 27-36
// and 50-58 are the East Asian locales' dates and times.
func builtinKind(id int) fmtKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 58:
		return fmtDate
	case id == 22:
		return fmtDateTime
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id == 45, id == 47:
		return fmtTime
	case id == 46:
		return fmtElapsed // [h]:mm:ss
	case id == 49:
		return fmtText
	}
	return fmtNumber
}

// formatKind classifies a custom number format code by its first section:
// quoted text, backslash escapes and [bracketed] parts (colours, locale
// codes, conditions) are dropped, and what remains has date letters (y, d,
// or m without h or s), time letters (h, s), or neither; [h], [mm] or [ss]
// make it an elapsed time, which may run past 24 hours.
func formatKind(code string) fmtKind {
	if sec, _, _ := strings.Cut(code, ";"); strings.TrimSpace(sec) == "@" {
		return fmtText
	}
	var date, clock, month, elapsed bool
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
			continue
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			if in := strings.ToLower(code[i+1 : i+1+j]); in != "" && strings.Trim(in, string(in[0])) == "" && strings.ContainsAny(in[:1], "hms") {
				elapsed = true // [h], [mm], [ss]: elapsed time
			}
			i += j + 1
			continue
		case '\\', '_', '*':
			i++ // the next character is literal, or padding
			continue
		case ';':
			i = len(code) // only the first section matters
			continue
		}
		switch c | 0x20 {
		case 'g':
			if strings.HasPrefix(strings.ToLower(code[i:]), "general") {
				i += len("general") - 1
			}
		case 'y', 'd':
			date = true
		case 'm':
			month = true
		case 'h', 's':
			clock = true
		}
	}
	switch {
	case elapsed:
		return fmtElapsed // a duration, which may pass 24 hours
	case date && clock:
		return fmtDateTime
	case date:
		return fmtDate
	case clock:
		return fmtTime // "h:mm", "mm:ss": the m is minutes
	case month:
		return fmtDate // "mmm" alone is a month name
	}
	return fmtNumber
}
