package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a CSV is looked at to guess its encoding and
// separator: enough for the header and a few hundred rows.
const sniffSize = 64 << 10

// sniffRecords is how many records of the sniffed prefix vote on the
// separator.
const sniffRecords = 50

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func openCSV(br *bufio.Reader, name string, lim Limits) (*Table, error) {
	prefix, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	dec := &textDecoder{}
	switch {
	case bytes.HasPrefix(prefix, utf8BOM):
		dec.enc, dec.decided = UTF8BOM, true
		if _, err := br.Discard(len(utf8BOM)); err != nil {
			return nil, err
		}
		prefix = prefix[len(utf8BOM):]
	case bytes.HasPrefix(prefix, []byte{0xFF, 0xFE}), bytes.HasPrefix(prefix, []byte{0xFE, 0xFF}):
		// Excel's "Unicode Text" (Unicode Metin): UTF-16 with a BOM, tab
		// separated. Decoded to UTF-8 here, it is read like any other CSV.
		dec.enc, dec.decided = UTF16, true
		utf16 := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, utf16), sniffSize)
		prefix, err = br.Peek(sniffSize)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	default:
		dec.sniff(prefix, len(prefix) == sniffSize)
	}
	var in io.Reader = br
	if bytes.IndexByte(prefix, '\n') < 0 && bytes.IndexByte(prefix, '\r') >= 0 {
		// Lines end in a bare CR, as in the "CSV (Macintosh)" of old Mac
		// Excel; encoding/csv knows only LF and CRLF.
		prefix = bytes.ReplaceAll(prefix, []byte{'\r'}, []byte{'\n'})
		in = crToLF{br}
	}
	comma := sniffComma(prefix)

	cr := csv.NewReader(in)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	src := &csvSource{cr: cr, dec: dec}
	t := &Table{Format: CSV, Comma: comma, name: name, src: src, enc: dec}
	if err := t.readHeader(lim); err != nil {
		return nil, err
	}
	src.maxCols = lim.MaxColumns
	return t, nil
}

// crToLF turns every CR into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// csvSource streams records from encoding/csv, which parses the raw bytes:
// separators, quotes and line ends are ASCII, and Windows-1254 is a one-byte
// encoding, so the record structure is the same whatever the encoding, and
// each field can be decoded on its own afterwards.
type csvSource struct {
	cr  *csv.Reader
	dec *textDecoder
	// row and end are the Excel row number and the physical line of the
	// last record read, to number the next one.
	row, end int
	maxCols  int
}

func (s *csvSource) shortIsRagged() bool { return true }
func (s *csvSource) close() error        { return nil }

func (s *csvSource) next() ([]string, int, int, error) {
	rec, err := s.cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// A stray quote: what follows cannot be split into rows with
			// any confidence, so this ends the file.
			num := s.row + pe.StartLine - s.end
			return nil, 0, 0, &RowError{Row: num, Line: pe.StartLine, Err: fmt.Errorf("%w: %w", ErrMalformed, pe.Err)}
		}
		return nil, 0, 0, err
	}
	line, _ := s.cr.FieldPos(0)
	// Excel shows a blank line as an empty row but encoding/csv skips it;
	// the gap between the previous record's last line and this one's first
	// counts those rows back in. A quoted cell's line breaks are inside one
	// row, so the record's last line is its first plus its '\n' count.
	num := s.row + line - s.end
	breaks := 0
	for _, f := range rec {
		breaks += strings.Count(f, "\n")
	}
	s.row, s.end = num, line+breaks
	if s.maxCols > 0 && len(rec) > s.maxCols {
		return nil, num, line, &RowError{Row: num, Line: line, Err: fmt.Errorf("%w (%d > %d)", ErrTooManyColumns, len(rec), s.maxCols)}
	}
	for i, f := range rec {
		v, err := s.dec.decode(f)
		if err != nil {
			return nil, num, line, &RowError{Row: num, Line: line, Err: fmt.Errorf("column %d: %w", i+1, err)}
		}
		rec[i] = normalizeBreaks(undefuse(v))
	}
	return rec, num, line, nil
}

// normalizeBreaks makes every line break inside a cell "\n", which is what
// Excel stores for Alt+Enter; a lone "\r" survives encoding/csv and would
// otherwise reach the database.
func normalizeBreaks(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// textDecoder turns CSV fields into UTF-8. Without a BOM the encoding is
// guessed from the first 64 KiB: valid UTF-8 with non-ASCII in it is UTF-8,
// invalid UTF-8 is Windows-1254. A prefix of plain ASCII decides nothing,
// and the first non-ASCII field decides instead; that is safe because ASCII
// reads the same in both encodings, so nothing before it needs reading again.
type textDecoder struct {
	enc     Encoding
	decided bool
}

func (d *textDecoder) sniff(p []byte, truncated bool) {
	d.enc = UTF8
	i := asciiPrefix(p)
	if i == len(p) {
		return
	}
	if truncated {
		// The prefix may end in the middle of a UTF-8 sequence.
		for k := 0; k < utf8.UTFMax-1 && len(p) > i && !utf8.FullRune(p[lastStart(p):]); k++ {
			p = p[:len(p)-1]
		}
		if len(p) <= i {
			return // only a cut sequence at the very end: let the fields decide
		}
	}
	d.decided = true
	if !utf8.Valid(p[i:]) {
		d.enc = Windows1254
	}
}

func (d *textDecoder) decode(s string) (string, error) {
	j := 0
	for j < len(s) && s[j] < utf8.RuneSelf {
		j++
	}
	if j == len(s) {
		return s, nil
	}
	if !d.decided {
		d.decided = true
		if utf8.ValidString(s[j:]) {
			d.enc = UTF8
		} else {
			d.enc = Windows1254
		}
	}
	if d.enc == Windows1254 {
		return decode1254(s, j), nil
	}
	if !utf8.ValidString(s[j:]) {
		return "", ErrEncoding
	}
	return s, nil
}

// lastStart returns the index where the last (possibly incomplete) UTF-8
// sequence of p starts.
func lastStart(p []byte) int {
	i := len(p) - 1
	for i > 0 && len(p)-i < utf8.UTFMax && !utf8.RuneStart(p[i]) {
		i--
	}
	return max(i, 0)
}

func asciiPrefix(p []byte) int {
	for i, b := range p {
		if b >= utf8.RuneSelf {
			return i
		}
	}
	return len(p)
}

// cp1254 maps each byte to its rune, built once from x/text's table so that
// decoding a field is a lookup per byte.
var cp1254 = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Windows1254.DecodeByte(byte(i))
	}
	return t
}()

func decode1254(s string, from int) string {
	var b strings.Builder
	b.Grow(len(s) + (len(s)-from)/2)
	b.WriteString(s[:from])
	for i := from; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf {
			b.WriteByte(c)
		} else {
			b.WriteRune(cp1254[c])
		}
	}
	return b.String()
}

// sniffComma picks the separator that splits the first records of the file
// most consistently: each candidate parses the prefix with encoding/csv, so
// a quoted field holding another candidate ("Ahmet, Mehmet";12) does not
// fool it, and a wrong candidate that runs into a quote error stops scoring
// there. The score is the number of records as wide as the header, which
// must be at least two columns. Ties, and files of one column, go to ';',
// Turkish Excel's separator.
func sniffComma(prefix []byte) rune {
	best, bestScore := ';', 0
	for _, c := range []rune{';', ',', '\t'} {
		if s := commaScore(prefix, c); s > bestScore {
			best, bestScore = c, s
		}
	}
	return best
}

func commaScore(prefix []byte, comma rune) int {
	cr := csv.NewReader(bytes.NewReader(prefix))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	width, score := 0, 0
	for range sniffRecords {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		n := lastNonEmpty(rec) + 1
		if n == 0 {
			continue
		}
		if width == 0 {
			if n < 2 {
				return 0
			}
			width = n
		}
		if n == width || len(rec) == width {
			score++
		}
	}
	return score
}
