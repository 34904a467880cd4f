// Package sheet reads and writes the spreadsheets that Turkish offices trade
// with a CRM: CSV files saved by Turkish Excel (Windows-1254, ";" separator,
// decimal comma), "CSV UTF-8" files, plain UTF-8 CSV from other programs, and
// XLSX workbooks. It knows nothing of the CRM's modules: it turns a file into
// a header and rows of strings, each row carrying the row number the user
// sees in Excel, so that an importer can name the row an error is in; and it
// turns rows of strings back into a file Turkish Excel opens correctly.
//
// The package decides the format by content, never by the file name, because
// users rename files ("liste.csv" that is really an .xlsx, or the reverse)
// and the name is the one thing in an upload that costs nothing to get wrong.
package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Errors a caller can translate for the user. They are returned wrapped with
// context (the file name, the row), so compare them with errors.Is; a row
// level error is also a *RowError, reachable with errors.As.
var (
	// ErrTooLarge: the file is over Limits.MaxBytes, or an XLSX unpacks to
	// more than its share of that.
	ErrTooLarge = errors.New("file is larger than the import limit")
	// ErrTooManyColumns: the header or a row is wider than Limits.MaxColumns.
	ErrTooManyColumns = errors.New("row has more columns than the import limit")
	// ErrNoHeader: the file has no non-empty row to take as the header.
	ErrNoHeader = errors.New("file has no header row")
	// ErrUnsupported: an old binary .xls workbook or a password-protected
	// XLSX (both are OLE containers), which this package cannot read.
	ErrUnsupported = errors.New("unsupported file: save it as .xlsx without a password, or as CSV")
	// ErrCorrupt: the file looks like an XLSX (a zip) but cannot be read as one.
	ErrCorrupt = errors.New("damaged or unreadable XLSX workbook")
	// ErrMalformed: the CSV breaks the quoting rules (a stray quote), so its
	// rows cannot be told apart reliably.
	ErrMalformed = errors.New("malformed CSV")
	// ErrEncoding: a CSV that was recognised as UTF-8 contains bytes that are
	// not UTF-8 further on (a file pasted together from two sources).
	ErrEncoding = errors.New("text is not valid UTF-8")
	// ErrTooManyRows: an XLSX export asked for more rows than Excel allows.
	ErrTooManyRows = errors.New("more rows than an XLSX sheet can hold")
)

// RowError places an error at a row of the source file. Row is the row number
// Excel shows for it (the header is normally row 1); Line is the physical line
// of a CSV where the row starts, which differs from Row after a cell with a
// line break in it. For XLSX, Line equals Row.
type RowError struct {
	Row  int
	Line int
	Err  error
}

func (e *RowError) Error() string {
	if e.Line != 0 && e.Line != e.Row {
		return fmt.Sprintf("row %d (line %d): %v", e.Row, e.Line, e.Err)
	}
	return fmt.Sprintf("row %d: %v", e.Row, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Limits bounds what Open accepts. The zero value of a field means its
// default. Bounding the input matters because an upload comes from a browser
// on the LAN and the whole program runs in one process beside the database.
type Limits struct {
	// MaxBytes is the largest file accepted; default DefaultMaxBytes.
	MaxBytes int64
	// MaxColumns is the widest row accepted; default DefaultMaxColumns.
	MaxColumns int
}

const (
	// DefaultMaxBytes is 50 MiB: about a million customer rows of CSV, far
	// beyond what a small firm imports, yet small enough to hold in memory.
	DefaultMaxBytes = 50 << 20
	// DefaultMaxColumns is far wider than any module (a few dozen fields),
	// but stops a file of one enormous row from being taken for a table.
	DefaultMaxColumns = 1024
	// xlsxUnzipFactor bounds how much an XLSX may unpack to, as a multiple
	// of MaxBytes. Worksheet XML compresses about 10:1; a zip bomb much more.
	xlsxUnzipFactor = 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	return l
}

// Format is the kind of file Open found.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Encoding is the text encoding of a CSV file.
type Encoding string

const (
	// UTF8BOM is what Turkish Excel writes for "CSV UTF-8".
	UTF8BOM Encoding = "UTF-8 with BOM"
	// UTF8 is UTF-8 without a byte order mark (LibreOffice, other programs);
	// a file of plain ASCII also reports UTF8.
	UTF8 Encoding = "UTF-8"
	// Windows1254 is what Turkish Excel writes for plain "CSV".
	Windows1254 Encoding = "Windows-1254"
	// UTF16 is Excel's "Unicode Text", recognised by its byte order mark.
	UTF16 Encoding = "UTF-16"
)

// Row is one data row of a table.
type Row struct {
	// Num is the row number Excel shows: with the header on row 1, the first
	// data row is 2. Empty rows are skipped but still counted, so Num keeps
	// matching what the user sees.
	Num int
	// Line is the CSV line the row starts on (after a cell holding a line
	// break it runs ahead of Num); for XLSX it equals Num.
	Line int
	// Cells holds the row's values. It is never shorter than the header, so
	// Cells[i] is safe for every header column; it is longer only when the
	// row has non-empty cells beyond the header, and then Ragged is set.
	// Line breaks inside a cell are "\n".
	Cells []string
	// Ragged reports a row whose shape does not match the header: a CSV row
	// with fewer fields than the header, or any row with non-empty cells to
	// the right of the last header column. Such a row is still returned,
	// padded, because one odd row should not stop an import; the importer
	// decides whether to warn or refuse.
	Ragged bool
}

// Table is an open spreadsheet: its header, read at Open, and its rows,
// streamed with Next and Row so that a large file is never held in memory
// twice. Call Close when done (an XLSX may have spilled to temporary files).
type Table struct {
	// Header is the first non-empty row, each name trimmed of surrounding
	// spaces and trailing empty names dropped.
	Header []string
	// HeaderRow is the Excel row number of the header, 1 unless empty rows
	// come before it.
	HeaderRow int
	// Format is what the content turned out to be.
	Format Format
	// Comma is the CSV field separator found (';', ',' or '\t'); 0 for XLSX.
	Comma rune

	name   string
	src    rowSource
	enc    *textDecoder // nil for XLSX
	row    Row
	err    error
	done   bool
	closed bool
}

// rowSource yields raw rows: cells as read (already decoded and with line
// breaks normalised), their row and line numbers, and whether a short row
// counts as ragged. It returns io.EOF at the end.
type rowSource interface {
	next() (cells []string, num, line int, err error)
	shortIsRagged() bool
	close() error
}

// Open reads the header of a CSV or XLSX file and returns a Table to stream
// its rows, with the default Limits. The name is used only in error messages.
func Open(r io.Reader, name string) (*Table, error) {
	return OpenLimits(r, name, Limits{})
}

// OpenLimits is Open with explicit limits.
//
// An XLSX is recognised by the zip signature "PK\x03\x04" and read from its
// first visible worksheet that has data; an OLE container (old .xls, or an
// encrypted .xlsx) is refused with ErrUnsupported; anything else is read as
// CSV, its encoding and separator sniffed from the content.
func OpenLimits(r io.Reader, name string, lim Limits) (*Table, error) {
	lim = lim.withDefaults()
	lr := &limitReader{r: r, left: lim.MaxBytes}
	br := bufio.NewReaderSize(lr, sniffSize)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("sheet: %s: %w", name, err)
	}
	var t *Table
	switch {
	case bytes.HasPrefix(head, zipMagic):
		t, err = openXLSX(br, name, lim)
	case bytes.HasPrefix(head, oleMagic):
		err = ErrUnsupported
	default:
		t, err = openCSV(br, name, lim)
	}
	if err != nil {
		return nil, fmt.Errorf("sheet: %s: %w", name, err)
	}
	return t, nil
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// readHeader reads rows up to the first non-empty one and makes it the
// header. Called once by the openers.
func (t *Table) readHeader(lim Limits) error {
	for {
		cells, num, line, err := t.src.next()
		if errors.Is(err, io.EOF) {
			return ErrNoHeader
		}
		if err != nil {
			return err
		}
		if len(cells) > lim.MaxColumns {
			return &RowError{Row: num, Line: line, Err: fmt.Errorf("%w (%d > %d)", ErrTooManyColumns, len(cells), lim.MaxColumns)}
		}
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
		}
		n := lastNonEmpty(cells) + 1
		if n == 0 {
			continue // a row of nothing but spaces is no header either
		}
		t.Header = cells[:n:n]
		t.HeaderRow = num
		return nil
	}
}

// Next advances to the next non-empty row. It returns false at the end or on
// an error; Err tells which.
func (t *Table) Next() bool {
	if t.done {
		return false
	}
	for {
		cells, num, line, err := t.src.next()
		if err != nil {
			t.done = true
			if !errors.Is(err, io.EOF) {
				t.err = fmt.Errorf("sheet: %s: %w", t.name, err)
			}
			return false
		}
		last := lastNonEmpty(cells)
		if last < 0 {
			continue
		}
		width := len(t.Header)
		ragged := last >= width || (t.src.shortIsRagged() && len(cells) < width)
		if len(cells) < width {
			padded := make([]string, width)
			copy(padded, cells)
			cells = padded
		} else {
			cells = cells[:max(width, last+1)]
		}
		t.row = Row{Num: num, Line: line, Cells: cells, Ragged: ragged}
		return true
	}
}

// Row returns the row Next advanced to. The caller may keep it: each row has
// its own Cells.
func (t *Table) Row() Row { return t.row }

// Err returns the error that stopped Next, or nil at a clean end.
func (t *Table) Err() error { return t.err }

// Encoding returns the CSV's text encoding, or "" for an XLSX. A file whose
// first 64 KiB are plain ASCII is reported as UTF8 until a non-ASCII cell
// decides it, so the answer is final only once Next has returned false.
func (t *Table) Encoding() Encoding {
	if t.enc == nil {
		return ""
	}
	return t.enc.enc
}

// DecimalHint is the decimal mark to assume for this file's numbers when the
// values themselves do not tell (see DetectDecimalMark): a CSV separated by
// ';' or tab comes from a Turkish-locale Excel, which writes decimal commas;
// a ',' separated CSV cannot sensibly use them; an XLSX gives numbers plain.
func (t *Table) DecimalHint() DecimalMark {
	if t.Format == CSV && t.Comma != ',' {
		return Comma
	}
	return Point
}

// Close releases the file's resources. It does not close the io.Reader given
// to Open.
func (t *Table) Close() error {
	if t.closed {
		return nil
	}
	t.closed, t.done = true, true
	if err := t.src.close(); err != nil {
		return fmt.Errorf("sheet: %s: close: %w", t.name, err)
	}
	return nil
}

// ReadAll opens a file and reads all its rows: convenient for small files and
// tests; an importer of large files should stream with Open and Next.
func ReadAll(r io.Reader, name string) (*Table, []Row, error) {
	t, err := Open(r, name)
	if err != nil {
		return nil, nil, err
	}
	defer t.Close()
	var rows []Row
	for t.Next() {
		rows = append(rows, t.Row())
	}
	if err := t.Err(); err != nil {
		return t, rows, err
	}
	return t, rows, t.Close()
}

func lastNonEmpty(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if cells[i] != "" {
			return i
		}
	}
	return -1
}

// limitReader fails with ErrTooLarge once more than left bytes have been
// read, instead of ending quietly like io.LimitReader: a silently cut file
// would import its first part and look like a success.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}
