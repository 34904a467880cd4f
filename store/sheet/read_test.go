package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// cp1254 encodes UTF-8 test text the way Turkish Excel saves "CSV".
func cp1254Bytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1254.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode cp1254: %v", err)
	}
	return b
}

func readAll(t *testing.T, data []byte) (*Table, []Row) {
	t.Helper()
	tb, rows, err := ReadAll(bytes.NewReader(data), "test")
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return tb, rows
}

func cells(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Cells
	}
	return out
}

func nums(rows []Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Num
	}
	return out
}

func wantCells(t *testing.T, rows []Row, want [][]string) {
	t.Helper()
	got := cells(rows)
	if len(got) != len(want) {
		t.Fatalf("got %d rows %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("row %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestCSVWindows1254Semicolon(t *testing.T) {
	text := "Ad;Soyad;Şehir;Not;Tutar\r\n" +
		"Şükrü;Çağlar;İstanbul;ığüşöç ĞÜŞİÖÇ;1.234,56\r\n" +
		"Ayşe;Öztürk;Iğdır;\"tırnak; noktalı virgül\";12,5\r\n" +
		"Işıl;Ünal;Muğla;;-0,75\r\n"
	tb, rows := readAll(t, cp1254Bytes(t, text))
	if tb.Format != CSV || tb.Comma != ';' || tb.Encoding() != Windows1254 {
		t.Fatalf("format %s comma %q encoding %q", tb.Format, tb.Comma, tb.Encoding())
	}
	if want := []string{"Ad", "Soyad", "Şehir", "Not", "Tutar"}; !slices.Equal(tb.Header, want) {
		t.Fatalf("header %q, want %q", tb.Header, want)
	}
	wantCells(t, rows, [][]string{
		{"Şükrü", "Çağlar", "İstanbul", "ığüşöç ĞÜŞİÖÇ", "1.234,56"},
		{"Ayşe", "Öztürk", "Iğdır", "tırnak; noktalı virgül", "12,5"},
		{"Işıl", "Ünal", "Muğla", "", "-0,75"},
	})
	if got := nums(rows); !slices.Equal(got, []int{2, 3, 4}) {
		t.Errorf("row numbers %v", got)
	}
	var amounts []string
	for _, r := range rows {
		amounts = append(amounts, r.Cells[4])
	}
	mark, decided := DetectDecimalMark(amounts, tb.DecimalHint())
	if mark != Comma || !decided {
		t.Fatalf("decimal mark %q decided %v", mark, decided)
	}
	var plain []string
	for _, a := range amounts {
		n, err := NormalizeNumber(a, mark)
		if err != nil {
			t.Fatal(err)
		}
		plain = append(plain, n)
	}
	if want := []string{"1234.56", "12.5", "-0.75"}; !slices.Equal(plain, want) {
		t.Errorf("normalised %q, want %q", plain, want)
	}
}

func TestCSVUTF8BOMComma(t *testing.T) {
	text := "\ufeffName,City,Amount\n" +
		"\"Çağlar, Şükrü\",İstanbul,\"1,234.56\"\n" +
		"\"Semi;colon\",\"Ankara; Çankaya\",7.5\n"
	tb, rows := readAll(t, []byte(text))
	if tb.Comma != ',' || tb.Encoding() != UTF8BOM || tb.DecimalHint() != Point {
		t.Fatalf("comma %q encoding %q hint %q", tb.Comma, tb.Encoding(), tb.DecimalHint())
	}
	if want := []string{"Name", "City", "Amount"}; !slices.Equal(tb.Header, want) {
		t.Fatalf("header %q (the BOM must not stick to the first name)", tb.Header)
	}
	wantCells(t, rows, [][]string{
		{"Çağlar, Şükrü", "İstanbul", "1,234.56"},
		{"Semi;colon", "Ankara; Çankaya", "7.5"},
	})
}

func TestCSVUTF8NoBOM(t *testing.T) {
	text := "Ad\tŞehir\tTelefon\nĞülşen\tİzmir\t05321234567\nırmak\tÇorum\t\n"
	tb, rows := readAll(t, []byte(text))
	if tb.Comma != '\t' || tb.Encoding() != UTF8 {
		t.Fatalf("comma %q encoding %q", tb.Comma, tb.Encoding())
	}
	wantCells(t, rows, [][]string{
		{"Ğülşen", "İzmir", "05321234567"},
		{"ırmak", "Çorum", ""},
	})
}

// A file whose first 64 KiB are ASCII is decided by its first non-ASCII
// cell, however late it comes.
func TestCSVEncodingDecidedLate(t *testing.T) {
	var b strings.Builder
	b.WriteString("Ad;Şehir\r\n")
	b.Reset()
	b.WriteString("Ad;Sehir\r\n")
	for range 5000 {
		b.WriteString("Ahmet;Ankara\r\n")
	}
	tail := "Şükrü;İstanbul\r\n"
	for _, tc := range []struct {
		name string
		data []byte
		enc  Encoding
	}{
		{"cp1254", append([]byte(b.String()), cp1254Bytes(t, tail)...), Windows1254},
		{"utf8", []byte(b.String() + tail), UTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, rows := readAll(t, tc.data)
			if tb.Encoding() != tc.enc {
				t.Errorf("encoding %q, want %q", tb.Encoding(), tc.enc)
			}
			last := rows[len(rows)-1]
			if !slices.Equal(last.Cells, []string{"Şükrü", "İstanbul"}) || last.Num != 5002 {
				t.Errorf("last row %d %q", last.Num, last.Cells)
			}
		})
	}
}

func TestCSVInvalidUTF8AfterUTF8(t *testing.T) {
	// The bad byte comes after the sniffed prefix, which decided UTF-8.
	data := []byte("Ad;Şehir\n" + strings.Repeat("Ayşe;İzmir\n", 7000) + "x;")
	data = append(data, 0xDE, '\n')
	_, _, err := ReadAll(bytes.NewReader(data), "t.csv")
	var re *RowError
	if !errors.Is(err, ErrEncoding) || !errors.As(err, &re) || re.Row != 7002 {
		t.Fatalf("err = %v, want ErrEncoding at row 7002", err)
	}
}

func TestCSVQuotedAndRowNumbers(t *testing.T) {
	text := "Ad;Not;Kod\r\n" +
		"\"Ali \"\"Veli\"\"\";\"iki\r\nsatır; ve ayraç\";001\r\n" + // row 2, lines 2-3
		"\r\n" + // row 3: blank, skipped but counted
		";;\r\n" + // row 4: only separators, skipped
		"Can;\"a\nb\nc\";002\r\n" + // row 5, lines 6-8
		"Ece;son;003" // row 6, line 9, no final newline
	tb, rows := readAll(t, []byte(text))
	if tb.Comma != ';' {
		t.Fatalf("comma %q", tb.Comma)
	}
	wantCells(t, rows, [][]string{
		{"Ali \"Veli\"", "iki\nsatır; ve ayraç", "001"},
		{"Can", "a\nb\nc", "002"},
		{"Ece", "son", "003"},
	})
	if got := nums(rows); !slices.Equal(got, []int{2, 5, 6}) {
		t.Errorf("rows %v, want [2 5 6]", got)
	}
	var lines []int
	for _, r := range rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{2, 6, 9}) {
		t.Errorf("lines %v, want [2 6 9]", lines)
	}
}

func TestCSVUTF16(t *testing.T) {
	text := "Ad\tŞehir\tTutar\r\nŞükrü Çağlar\tİstanbul\t1.234,56\r\n"
	for _, tc := range []struct {
		name  string
		order unicode.Endianness
	}{{"little endian", unicode.LittleEndian}, {"big endian", unicode.BigEndian}} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := unicode.UTF16(tc.order, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			tb, rows := readAll(t, data)
			if tb.Encoding() != UTF16 || tb.Comma != '\t' || tb.DecimalHint() != Comma {
				t.Fatalf("encoding %q comma %q", tb.Encoding(), tb.Comma)
			}
			if !slices.Equal(tb.Header, []string{"Ad", "Şehir", "Tutar"}) {
				t.Fatalf("header %q", tb.Header)
			}
			wantCells(t, rows, [][]string{{"Şükrü Çağlar", "İstanbul", "1.234,56"}})
		})
	}
}

func TestCSVMacLineEnds(t *testing.T) {
	tb, rows := readAll(t, cp1254Bytes(t, "Ad;Not\rŞükrü;\"iki\rsatır\"\rAyşe;x\r"))
	if tb.Comma != ';' || !slices.Equal(tb.Header, []string{"Ad", "Not"}) {
		t.Fatalf("comma %q header %q", tb.Comma, tb.Header)
	}
	wantCells(t, rows, [][]string{{"Şükrü", "iki\nsatır"}, {"Ayşe", "x"}})
	if got := nums(rows); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("rows %v", got)
	}
}

func TestCSVRagged(t *testing.T) {
	text := "\r\n\r\nA;B;C;\r\n1;2;3;\r\n4;5\r\n6;7;8;9\r\n10;11;12;;\r\n"
	tb, rows := readAll(t, []byte(text))
	if tb.HeaderRow != 3 || !slices.Equal(tb.Header, []string{"A", "B", "C"}) {
		t.Fatalf("header %q at row %d", tb.Header, tb.HeaderRow)
	}
	wantCells(t, rows, [][]string{{"1", "2", "3"}, {"4", "5", ""}, {"6", "7", "8", "9"}, {"10", "11", "12"}})
	var ragged []bool
	for _, r := range rows {
		ragged = append(ragged, r.Ragged)
	}
	if !slices.Equal(ragged, []bool{false, true, true, false}) {
		t.Errorf("ragged %v", ragged)
	}
	if got := nums(rows); !slices.Equal(got, []int{4, 5, 6, 7}) {
		t.Errorf("rows %v", got)
	}
}

func TestCSVMalformed(t *testing.T) {
	_, rows, err := ReadAll(strings.NewReader("A;B\n1;2\n3;x\"y\n"), "t.csv")
	var re *RowError
	if !errors.Is(err, ErrMalformed) || !errors.As(err, &re) || re.Row != 3 {
		t.Fatalf("err = %v, want ErrMalformed at row 3", err)
	}
	if len(rows) != 1 {
		t.Errorf("rows before the error: %d", len(rows))
	}
}

func TestSniffComma(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rune
	}{
		{"a;b;c\n1;2;3\n", ';'},
		{"a,b,c\n1,2,3\n", ','},
		{"a\tb\n1,5\t2,5\n", '\t'},
		{"Ad;Tutar\nAli;1,5\nVeli;2,25\n", ';'},
		{"\"Soyad, Ad\";Tutar\n\"Kaya, Ali\";1,5\n", ';'},
		{"\"a;b\",c\n\"x;y\",z\n", ','},
		{"tek sütun\nAhmet, Mehmet\n", ';'},
		{"", ';'},
		{"a,b;c\n1,2;3\n", ';'}, // a tie goes to Turkish Excel's ';'
		{"a;b\n1;2\n3;4\n5;6;7;8,9,10,11,12\n", ';'},
	} {
		if got := sniffComma([]byte(tc.in)); got != tc.want {
			t.Errorf("sniffComma(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	wide := strings.Repeat("a;", 2000) + "b\n"
	for _, tc := range []struct {
		name string
		data string
		lim  Limits
		want error
	}{
		{"empty", "", Limits{}, ErrNoHeader},
		{"blank", "\r\n\r\n;;;\r\n", Limits{}, ErrNoHeader},
		{"bom only", "\ufeff", Limits{}, ErrNoHeader},
		{"too large csv", "a;b\n" + strings.Repeat("1;2\n", 1000), Limits{MaxBytes: 100}, ErrTooLarge},
		{"wide header", wide, Limits{}, ErrTooManyColumns},
		{"wide row", "a;b\n" + wide, Limits{}, ErrTooManyColumns},
		{"narrow limit", "a;b;c\n1;2;3\n", Limits{MaxColumns: 2}, ErrTooManyColumns},
		{"xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", Limits{}, ErrUnsupported},
		{"bad zip", "PK\x03\x04 not really a zip", Limits{}, ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := OpenLimits(strings.NewReader(tc.data), "f", tc.lim)
			if err == nil {
				for tb.Next() {
				}
				err = tb.Err()
				tb.Close()
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestXLSXTooLarge(t *testing.T) {
	var buf bytes.Buffer
	rows := make([][]string, 20000)
	for i := range rows {
		rows[i] = []string{strings.Repeat("x", 200), "y"}
	}
	if err := WriteXLSX(&buf, []Column{{Name: "A"}, {Name: "B"}}, rows); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var unpacked int64
	for _, f := range zr.File {
		unpacked += int64(f.UncompressedSize64)
	}
	if unpacked <= xlsxUnzipFactor*int64(buf.Len()) {
		t.Fatalf("test file unpacks only %d:%d", unpacked, buf.Len())
	}
	// Within the byte limit, but unpacking to more than its share of it.
	_, err = OpenLimits(bytes.NewReader(buf.Bytes()), "f.xlsx", Limits{MaxBytes: int64(buf.Len())})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	tb, err := OpenLimits(bytes.NewReader(buf.Bytes()), "f.xlsx", Limits{MaxBytes: unpacked/xlsxUnzipFactor + 1})
	if err != nil {
		t.Fatalf("with room to unpack: %v", err)
	}
	tb.Close()
}

// formatsWorkbook makes, with excelize itself, a workbook like one a user
// saves: an empty first sheet, a hidden one, then data with Turkish number
// and date formats, a formula, skipped rows and the header below a gap.
func formatsWorkbook(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Boş"))
	_, err := f.NewSheet("Gizli")
	must(err)
	must(f.SetCellValue("Gizli", "A1", "gizli veri"))
	must(f.SetSheetVisible("Gizli", false))
	s := "Müşteriler"
	_, err = f.NewSheet(s)
	must(err)
	style := func(st *excelize.Style) int {
		id, err := f.NewStyle(st)
		must(err)
		return id
	}
	code := func(c string) *string { return &c }
	trDate := style(&excelize.Style{CustomNumFmt: code("dd.mm.yyyy")})
	lira := style(&excelize.Style{CustomNumFmt: code(`#,##0.00\ "₺"`)})
	percent := style(&excelize.Style{NumFmt: 10})
	dateTime := style(&excelize.Style{NumFmt: 22})
	grouped := style(&excelize.Style{NumFmt: 4})
	text := style(&excelize.Style{NumFmt: 49})
	clock := style(&excelize.Style{CustomNumFmt: code("[h]:mm")})
	must(f.SetSheetRow(s, "A2", &[]any{"Ad", "Tarih", "Tutar", "Oran", "Zaman", "Grup", "Tel", "Çarpım", "Süre", "Evet"}))
	must(f.SetSheetRow(s, "A3", &[]any{"Şükrü Çağlar", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), 1234.5, 0.15,
		time.Date(2026, 1, 2, 14, 5, 6, 0, time.UTC), 1234567.891, "05321234567", nil, 1.5, true}))
	for cell, id := range map[string]int{"B3": trDate, "C3": lira, "D3": percent, "E3": dateTime, "F3": grouped, "G3": text, "I3": clock} {
		must(f.SetCellStyle(s, cell, cell, id))
	}
	must(f.SetCellFormula(s, "H3", "C3*2"))
	must(f.SetCellValue(s, "H3", 2469)) // the cached result Excel would have saved
	must(f.SetCellFormula(s, "H3", "C3*2"))
	must(f.SetSheetRow(s, "A6", &[]any{"ığüşöç ĞÜŞİÖÇ", nil, -0.5}))
	must(f.SetCellStyle(s, "C6", "C6", lira))
	must(f.SetCellValue(s, "L6", "taşan"))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestXLSXRead(t *testing.T) {
	tb, rows := readAll(t, formatsWorkbook(t))
	if tb.Format != XLSX || tb.Comma != 0 || tb.Encoding() != "" || tb.DecimalHint() != Point {
		t.Fatalf("format %s comma %q encoding %q", tb.Format, tb.Comma, tb.Encoding())
	}
	if tb.HeaderRow != 2 || len(tb.Header) != 10 || tb.Header[7] != "Çarpım" {
		t.Fatalf("header %q at %d", tb.Header, tb.HeaderRow)
	}
	wantCells(t, rows, [][]string{
		{"Şükrü Çağlar", "2026-11-23", "1234.5", "0.15", "2026-01-02 14:05:06", "1234567.891", "05321234567", "2469", "36:00:00", "TRUE"},
		{"ığüşöç ĞÜŞİÖÇ", "", "-0.5", "", "", "", "", "", "", "", "", "taşan"},
	})
	if got := nums(rows); !slices.Equal(got, []int{3, 6}) {
		t.Errorf("row numbers %v, want [3 6]", got)
	}
	if rows[0].Ragged || !rows[1].Ragged {
		t.Errorf("ragged %v %v", rows[0].Ragged, rows[1].Ragged)
	}
}

func TestFormatKind(t *testing.T) {
	for _, tc := range []struct {
		code string
		want fmtKind
	}{
		{"General", fmtNumber},
		{"0.00", fmtNumber},
		{`#,##0.00\ "₺"`, fmtNumber},
		{`#,##0.00 [$₺-41F];[Red]-#,##0.00 [$₺-41F]`, fmtNumber},
		{"0.00E+00", fmtNumber},
		{`0 "gün"`, fmtNumber},
		{"[White]0", fmtNumber},
		{"@", fmtText},
		{"dd.mm.yyyy", fmtDate},
		{"[$-41F]d mmmm yyyy dddd", fmtDate},
		{"mmm", fmtDate},
		{"dd.mm.yyyy hh:mm", fmtDateTime},
		{"h:mm", fmtTime},
		{"mm:ss", fmtTime},
		{"[h]:mm:ss", fmtElapsed},
		{"[mm]", fmtElapsed},
		{`"Tarih: "0`, fmtNumber},
		{`\d0`, fmtNumber},
		{`yyyy;@`, fmtDate},
	} {
		if got := formatKind(tc.code); got != tc.want {
			t.Errorf("formatKind(%q) = %d, want %d", tc.code, got, tc.want)
		}
	}
	for id, want := range map[int]fmtKind{0: fmtNumber, 4: fmtNumber, 9: fmtNumber, 14: fmtDate, 22: fmtDateTime, 20: fmtTime, 49: fmtText, 57: fmtDate} {
		if got := builtinKind(id); got != want {
			t.Errorf("builtinKind(%d) = %d, want %d", id, got, want)
		}
	}
}

// A workbook from old Mac Excel counts days from 1904; its dates must come
// out the same.
func TestXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	s := f.GetSheetName(0)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow(s, "A1", &[]any{"Tarih"}); err != nil {
		t.Fatal(err)
	}
	// 2026-11-23 is day 44887 counted from 1904-01-01.
	if err := f.SetCellValue(s, "A2", 44887); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(s, "A2", "A2", date); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, rows := readAll(t, buf.Bytes())
	wantCells(t, rows, [][]string{{"2026-11-23"}})
}
