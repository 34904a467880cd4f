package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// typedErrors are the errors a caller can translate; a read may fail only
// with one of them.
var typedErrors = []error{ErrTooLarge, ErrTooManyColumns, ErrNoHeader, ErrUnsupported, ErrCorrupt, ErrMalformed, ErrEncoding}

func checkTyped(t *testing.T, err error) {
	t.Helper()
	for _, e := range typedErrors {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("untyped error: %v", err)
}

// checkShape checks what every successful read promises.
func checkShape(t *testing.T, tb *Table, rows []Row) {
	t.Helper()
	if len(tb.Header) == 0 || tb.Header[len(tb.Header)-1] == "" || tb.HeaderRow < 1 {
		t.Fatalf("header %q at row %d", tb.Header, tb.HeaderRow)
	}
	prev := tb.HeaderRow
	for _, r := range rows {
		if r.Num <= prev || r.Line < r.Num && tb.Format == CSV {
			t.Fatalf("row %d (line %d) after row %d", r.Num, r.Line, prev)
		}
		prev = r.Num
		if len(r.Cells) < len(tb.Header) || lastNonEmpty(r.Cells) < 0 {
			t.Fatalf("row %d: cells %q for header %q", r.Num, r.Cells, tb.Header)
		}
		if len(r.Cells) > len(tb.Header) && (!r.Ragged || r.Cells[len(r.Cells)-1] == "") {
			t.Fatalf("row %d: extra cells %q not flagged or not trimmed", r.Num, r.Cells)
		}
		for _, c := range append(slices.Clone(tb.Header), r.Cells...) {
			if !utf8.ValidString(c) || strings.ContainsRune(c, '\r') {
				t.Fatalf("row %d: cell %q", r.Num, c)
			}
		}
	}
}

// roundTrip writes what was read and reads it back; expect maps each
// written cell to what must come back.
func roundTrip(t *testing.T, tb *Table, rows []Row, write func(io.Writer, []Column, [][]string) error, expect func(string) string) {
	t.Helper()
	cols := make([]Column, len(tb.Header))
	for i, h := range tb.Header {
		cols[i] = Column{Name: h}
	}
	var buf bytes.Buffer
	if err := write(&buf, cols, cells(rows)); err != nil {
		t.Fatalf("write: %v", err)
	}
	tb2, rows2, err := ReadAll(bytes.NewReader(buf.Bytes()), "again")
	if err != nil {
		t.Fatalf("read back: %v\n%q", err, buf.Bytes())
	}
	want := make([]string, len(tb.Header))
	for i, h := range tb.Header {
		want[i] = strings.TrimSpace(expect(h))
	}
	if n := lastNonEmpty(want) + 1; !slices.Equal(tb2.Header, want[:n]) {
		t.Fatalf("header %q came back as %q", want, tb2.Header)
	}
	var wantRows [][]string
	for _, r := range rows {
		w := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			w[i] = expect(c)
		}
		if lastNonEmpty(w) >= 0 {
			wantRows = append(wantRows, w[:max(len(tb2.Header), lastNonEmpty(w)+1)])
		}
	}
	got := cells(rows2)
	if len(got) != len(wantRows) {
		t.Fatalf("%d rows came back as %d:\n%q\n%q", len(wantRows), len(got), wantRows, got)
	}
	for i := range got {
		w := wantRows[i]
		for len(w) < len(got[i]) {
			w = append(w, "")
		}
		if !slices.Equal(got[i], w) {
			t.Fatalf("row %q came back as %q", w, got[i])
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	seeds := []string{
		"Ad;Soyad;Tutar\r\nŞükrü;Çağlar;1.234,56\r\n",
		"\ufeffName,City\n\"a, b\",\"c;d\"\n",
		"a\tb\n1\t2\n",
		"A;B\n\"x\ny\";\"q\"\"q\"\n\n;;\n1;2;3\n4\n",
		"a;b\n1;x\"y\n",
		"=1;-2\n+3;@4\n",
		"a;b\r\n\r\r\n1;\"\r\r\n\"\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("\xff\xfeA\x00\t\x00B\x00\r\x00\n\x001\x00\t\x00\x5e\x01\n\x00"))
	f.Add([]byte("a;b\r1;\"x\ry\"\r"))
	f.Add(append([]byte("Ad;Şehir\r\nAli;"), 0xDD, 's', 't', 'a', 'n', 'b', 'u', 'l', '\r', '\n'))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) {
			return // FuzzReadXLSX's ground
		}
		tb, rows, err := ReadAll(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			checkTyped(t, err)
			return
		}
		checkShape(t, tb, rows)
		roundTrip(t, tb, rows, WriteCSV, func(s string) string { return s })
	})
}

// smallXLSX is the seed for FuzzReadXLSX: a workbook from the writer.
func smallXLSX(t testing.TB) []byte {
	var buf bytes.Buffer
	err := WriteXLSX(&buf, []Column{{Name: "Ad"}, {Name: "Tutar", Numeric: true}, {Name: "Tarih", Date: true}},
		[][]string{{"Şükrü", "1234.5", "2026-11-23"}, {"05321234567", "-1", ""}})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xmlInvalid is what XML 1.0 cannot hold, which the XLSX writer (through
// encoding/xml) replaces with U+FFFD.
var xmlInvalid = regexp.MustCompile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

func xlsxExpect(s string) string {
	s = xmlInvalid.ReplaceAllString(s, "\ufffd")
	// Excel's limit of 32,767 UTF-16 units a cell, where the writer cuts.
	units := 0
	for i, r := range s {
		if units += utf16.RuneLen(r); units > 32767 {
			return s[:i]
		}
	}
	return s
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(smallXLSX(f))
	f.Add(formatsWorkbook(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, rows, err := ReadAll(bytes.NewReader(data), "fuzz.xlsx")
		if err != nil {
			checkTyped(t, err)
			return
		}
		checkShape(t, tb, rows)
		roundTrip(t, tb, rows, WriteXLSX, xlsxExpect)
	})
}

// FuzzReadXLSXSheet fuzzes the worksheet XML itself: mutating a zip mostly
// breaks its checksums, so FuzzReadXLSX rarely gets past archive/zip. Here
// the fuzzed sheet and shared strings are packed into the seed workbook.
func FuzzReadXLSXSheet(f *testing.F) {
	base := smallXLSX(f)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			f.Fatal(err)
		}
		parts[zf.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			f.Fatal(err)
		}
	}
	const sheetPart, sstPart = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	f.Add(parts[sheetPart], parts[sstPart])
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+
		`<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" s="1"><v>45000.5</v></c><c r="D2" t="str"><f>A1</f><v>x</v></c></row>`+
		`<row r="5"><c r="A5" t="b"><v>1</v></c><c r="Z5" t="e"><v>#DIV/0!</v></c><c r="E5" t="inlineStr"><is><t>_x0041_</t></is></c></row>`+
		`</sheetData></worksheet>`),
		[]byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Şehir</t></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, zf := range zr.File {
			data := parts[zf.Name]
			switch zf.Name {
			case sheetPart:
				data = sheet
			case sstPart:
				data = sst
			}
			w, err := zw.Create(zf.Name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(data); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := parts[sstPart]; !ok {
			w, _ := zw.Create(sstPart)
			w.Write(sst)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		tb, rows, err := ReadAll(bytes.NewReader(buf.Bytes()), "fuzz.xlsx")
		if err != nil {
			checkTyped(t, err)
			return
		}
		checkShape(t, tb, rows)
		roundTrip(t, tb, rows, WriteXLSX, xlsxExpect)
	})
}

var plainForm = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$`)

func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"1.234,56", "1,234.56", "-0,75 ₺", "(1.234)", "1,5E+03", "1 234", "₺-5", "12?", "1.234.567", ",5"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, comma bool) {
		mark := Point
		if comma {
			mark = Comma
		}
		DetectDecimalMark([]string{s, s}, mark)
		out, err := NormalizeNumber(s, mark)
		if err != nil {
			if !errors.Is(err, ErrNumber) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !plainForm.MatchString(out) {
			t.Fatalf("NormalizeNumber(%q, %q) = %q, not plain", s, mark, out)
		}
		if again, err := NormalizeNumber(out, Point); err != nil || again != out {
			t.Fatalf("plain %q normalised again to %q, %v", out, again, err)
		}
		if _, err := strconv.ParseFloat(out, 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			t.Fatalf("ParseFloat(%q): %v", out, err)
		}
		// Written back the Turkish way, with grouping, it reads the same.
		if tr, err := NormalizeNumber(turkish(out), Comma); err != nil || tr != out {
			t.Fatalf("%q as %q normalised to %q, %v", out, turkish(out), tr, err)
		}
	})
}

// turkish formats a plain number as Turkish Excel displays it: 1.234.567,89.
func turkish(plain string) string {
	neg := strings.HasPrefix(plain, "-")
	plain = strings.TrimPrefix(plain, "-")
	intPart, frac, _ := strings.Cut(plain, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}
