package sheet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column describes one exported column. The writers need to know only
// whether its values are numbers or dates; everything else is text.
type Column struct {
	Name string
	// Numeric: values are plain numbers ("-1234.56", as NormalizeNumber
	// gives). CSV writes them with a decimal comma, which Turkish Excel reads
	// as a number (it would read "12.5" as 12 May); XLSX writes number cells.
	// A value that is not a plain number is written as text.
	Numeric bool
	// Date: values are "YYYY-MM-DD". XLSX writes date cells, shown in the
	// reader's own short date format; CSV writes them as given. A value that
	// is not such a date is written as text.
	Date bool
}

// RowWriter is what both writers offer: rows one at a time, then Close.
type RowWriter interface {
	Write(cells []string) error
	Close() error
}

// CSVWriter writes CSV the way Turkish Excel reads it on a double-click:
// UTF-8 with a BOM (without it Excel assumes Windows-1254 and garbles ğ, ş,
// ı), ';' between fields and CRLF line ends.
//
// It also defuses formula injection: a text cell starting with '=', '+',
// '-', '@', tab or CR is prefixed with "'", so that a customer named
// "=HYPERLINK(...)" is shown, not run, when the file is opened; the CSV
// reader takes the "'" back. A plain number in a Numeric column ("-12,5")
// is left alone.
type CSVWriter struct {
	w    *bufio.Writer
	cols []Column
	line []byte
	err  error
}

// NewCSVWriter writes the BOM and the header row to w.
func NewCSVWriter(w io.Writer, cols []Column) (*CSVWriter, error) {
	cw := &CSVWriter{w: bufio.NewWriterSize(w, 64<<10), cols: cols}
	if _, err := cw.w.Write(utf8BOM); err != nil {
		return nil, fmt.Errorf("sheet: write csv: %w", err)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	cw.writeLine(names, false)
	if cw.err != nil {
		return nil, cw.err
	}
	return cw, nil
}

// Write writes one row; cells line up with the columns given to
// NewCSVWriter (cells beyond them are written as text).
func (cw *CSVWriter) Write(cells []string) error {
	cw.writeLine(cells, true)
	return cw.err
}

func (cw *CSVWriter) writeLine(cells []string, typed bool) {
	if cw.err != nil {
		return
	}
	b := cw.line[:0]
	for i, c := range cells {
		if i > 0 {
			b = append(b, ';')
		}
		if typed && i < len(cw.cols) && cw.cols[i].Numeric && isPlainNumber(c) {
			b = append(b, c...)
			if j := strings.IndexByte(c, '.'); j >= 0 {
				b[len(b)-len(c)+j] = ','
			}
			continue
		}
		b = appendCSVField(b, defuse(c))
	}
	b = append(b, '\r', '\n')
	cw.line = b
	if _, err := cw.w.Write(b); err != nil {
		cw.err = fmt.Errorf("sheet: write csv: %w", err)
	}
}

// Close flushes what is buffered. It does not close the underlying writer.
func (cw *CSVWriter) Close() error {
	if cw.err == errClosed {
		return nil
	}
	if cw.err != nil {
		return cw.err
	}
	if err := cw.w.Flush(); err != nil {
		cw.err = fmt.Errorf("sheet: write csv: %w", err)
		return cw.err
	}
	cw.err = errClosed
	return nil
}

// WriteCSV writes a whole CSV file; see CSVWriter.
func WriteCSV(w io.Writer, cols []Column, rows [][]string) error {
	cw, err := NewCSVWriter(w, cols)
	if err != nil {
		return err
	}
	return writeAll(cw, rows)
}

func writeAll(rw RowWriter, rows [][]string) error {
	for _, r := range rows {
		if err := rw.Write(r); err != nil {
			_ = rw.Close()
			return err
		}
	}
	return rw.Close()
}

// appendCSVField quotes a field when it holds a line break, a quote, or any
// of the separators the reader sniffs for (not only ';'): quoting a ',' or a
// tab keeps sniffComma from taking it for the separator when the file comes
// back, as a one-column file of "Ahmet, Mehmet" would otherwise.
func appendCSVField(b []byte, s string) []byte {
	if s == "" || (!strings.ContainsAny(s, ";,\t\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ') {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// defuse prefixes "'" to a text that a spreadsheet would take for a formula
// (OWASP's CSV injection advice), and to one that already starts with "'"
// before such a text, so that undefuse gives every text back as it was.
func defuse(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// undefuse takes defuse's "'" back from a cell read from CSV, so that a
// file this package wrote (or another program that guards formulas the
// same way) imports as the values it was given: "'=1" reads as "=1".
func undefuse(s string) string {
	if strings.HasPrefix(s, "'") && formulaLike(s) {
		return s[1:]
	}
	return s
}

// formulaLike: s is a formula's first character after any number of "'".
func formulaLike(s string) bool {
	t := strings.TrimLeft(s, "'")
	return t != "" && strings.IndexByte("=+-@\t\r", t[0]) >= 0
}

// isPlainNumber reports whether s is -?digits(.digits)?, the form
// NormalizeNumber returns and the store writes.
func isPlainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" || strings.ContainsFunc(intPart, notDigit) {
		return false
	}
	return !hasPoint || frac != "" && !strings.ContainsFunc(frac, notDigit)
}

// XLSXWriter writes a one-sheet workbook with excelize's streaming writer, so
// that 100,000 rows are not built up as a document in memory first. The
// header row is bold and frozen. Text is written as text cells, never as
// formulas, so nothing in the data is evaluated when the file is opened; a
// leading zero ("05321234567") stays. Excel holds at most 32,767 characters
// in a cell: longer text is cut there (the CSV export keeps it whole).
type XLSXWriter struct {
	w         io.Writer
	f         *excelize.File
	sw        *excelize.StreamWriter
	cols      []Column
	row       int
	dateStyle int
	vals      []any
	err       error
}

// xlsxSheetName is what Turkish Excel calls a new workbook's first sheet.
const xlsxSheetName = "Sayfa1"

// NewXLSXWriter starts a workbook and writes its header row. Nothing reaches
// w until Close.
func NewXLSXWriter(w io.Writer, cols []Column) (*XLSXWriter, error) {
	if len(cols) > excelize.MaxColumns {
		return nil, fmt.Errorf("sheet: write xlsx: %w (%d > %d)", ErrTooManyColumns, len(cols), excelize.MaxColumns)
	}
	xw := &XLSXWriter{w: w, f: excelize.NewFile(), cols: cols}
	if err := xw.start(); err != nil {
		_ = xw.f.Close()
		return nil, fmt.Errorf("sheet: write xlsx: %w", err)
	}
	return xw, nil
}

func (xw *XLSXWriter) start() error {
	f := xw.f
	if err := f.SetSheetName(f.GetSheetName(0), xlsxSheetName); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	// Built-in format 14 is "short date", which Excel shows in the
	// reader's locale: 23.11.2026 in Turkey.
	if xw.dateStyle, err = f.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return err
	}
	if xw.sw, err = f.NewStreamWriter(xlsxSheetName); err != nil {
		return err
	}
	header := make([]any, len(xw.cols))
	for i, c := range xw.cols {
		width := min(max(float64(utf8.RuneCountInString(c.Name))+2, 10), 60)
		if err := xw.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: bold, Value: c.Name}
	}
	if len(xw.cols) > 0 {
		if err := xw.sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
		}); err != nil {
			return err
		}
	}
	xw.row = 1
	return xw.sw.SetRow("A1", header)
}

// Write adds one row below the previous one.
func (xw *XLSXWriter) Write(cells []string) error {
	if xw.err != nil {
		return xw.err
	}
	if xw.row >= excelize.TotalRows {
		xw.err = fmt.Errorf("sheet: write xlsx: %w (%d)", ErrTooManyRows, excelize.TotalRows)
		return xw.err
	}
	if len(cells) > excelize.MaxColumns {
		xw.err = fmt.Errorf("sheet: write xlsx: row %d: %w (%d > %d)", xw.row+1, ErrTooManyColumns, len(cells), excelize.MaxColumns)
		return xw.err
	}
	xw.row++
	vals := xw.vals[:0]
	for i, c := range cells {
		var col Column
		if i < len(xw.cols) {
			col = xw.cols[i]
		}
		vals = append(vals, xw.value(c, col))
	}
	xw.vals = vals
	cell, err := excelize.CoordinatesToCellName(1, xw.row)
	if err == nil {
		err = xw.sw.SetRow(cell, vals)
	}
	if err != nil {
		xw.err = fmt.Errorf("sheet: write xlsx: row %d: %w", xw.row, err)
	}
	return xw.err
}

// value picks the cell value excelize writes: nil leaves the cell out, a
// string is an inline text cell, float64 a number, time.Time with the date
// style a date.
func (xw *XLSXWriter) value(s string, col Column) any {
	switch {
	case s == "":
		return nil
	case col.Numeric:
		if f, ok := excelNumber(s); ok {
			return f
		}
	case col.Date:
		if d, err := time.Parse(time.DateOnly, s); err == nil && d.Year() >= 1900 {
			return excelize.Cell{StyleID: xw.dateStyle, Value: d}
		}
	}
	return s
}

// excelNumber parses a plain number that an Excel number cell holds exactly:
// Excel keeps 15 significant digits, so a longer one (an IBAN, a card
// number someone typed in a numeric field) is kept as text instead of having
// its tail turned into zeros.
func excelNumber(s string) (float64, bool) {
	if !isPlainNumber(s) {
		return 0, false
	}
	digits := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0")
	if len(strings.TrimRight(digits, "0")) > 15 || len(s) > 300 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// Close finishes the workbook, writes it to w and removes excelize's
// temporary files. It does not close w.
func (xw *XLSXWriter) Close() error {
	if xw.f == nil {
		if xw.err == errClosed {
			return nil
		}
		return xw.err
	}
	f := xw.f
	xw.f = nil
	err := xw.err
	if err == nil {
		if e := xw.sw.Flush(); e != nil {
			err = fmt.Errorf("sheet: write xlsx: %w", e)
		} else if e := f.Write(xw.w); e != nil {
			err = fmt.Errorf("sheet: write xlsx: %w", e)
		}
	}
	if e := f.Close(); e != nil && err == nil {
		err = fmt.Errorf("sheet: write xlsx: %w", e)
	}
	if xw.err = err; xw.err == nil {
		xw.err = errClosed
	}
	return err
}

var errClosed = errors.New("sheet: writer is closed")

// WriteXLSX writes a whole workbook; see XLSXWriter.
func WriteXLSX(w io.Writer, cols []Column, rows [][]string) error {
	xw, err := NewXLSXWriter(w, cols)
	if err != nil {
		return err
	}
	return writeAll(xw, rows)
}
