package sheet

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var turkishCols = []Column{
	{Name: "Ad Soyad"}, {Name: "Şehir"}, {Name: "Telefon"}, {Name: "Not"},
	{Name: "Tutar", Numeric: true}, {Name: "Bitiş", Date: true},
}

// turkishRows holds what must survive a round trip untouched: Turkish
// letters, a phone number's leading zero, separators, quotes and line breaks
// inside cells, empty cells.
var turkishRows = [][]string{
	{"Şükrü Çağlar", "İstanbul", "05321234567", "ığüşöç ĞÜŞİÖÇ", "1234.56", "2026-11-23"},
	{"Işıl Ünal", "Iğdır", "00902121234567", "a;b, c\t\"d\"", "-0.5", "2027-01-31"},
	{"Ayşe", "Muğla", "", "iki\nsatır", "", ""},
	{"Özgür", "", "0", "  boşluk  ", "7", "1999-12-31"},
}

func TestWriteCSVBytes(t *testing.T) {
	var buf bytes.Buffer
	cols := []Column{{Name: "Ad"}, {Name: "Tutar", Numeric: true}, {Name: "Not"}}
	err := WriteCSV(&buf, cols, [][]string{
		{"=HYPERLINK(\"x\")", "-12.5", "-12.5"},
		{"+90 532", "1234", "@here"},
		{"\tx", "=1", "a;b"},
		{"\rx", "-", "ok"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffAd;Tutar;Not\r\n" +
		"\"'=HYPERLINK(\"\"x\"\")\";-12,5;'-12.5\r\n" +
		"'+90 532;1234;'@here\r\n" +
		"\"'\tx\";'=1;\"a;b\"\r\n" +
		"\"'\rx\";'-;ok\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, turkishCols, turkishRows); err != nil {
		t.Fatal(err)
	}
	tb, rows := readAll(t, buf.Bytes())
	if tb.Encoding() != UTF8BOM || tb.Comma != ';' {
		t.Fatalf("encoding %q comma %q", tb.Encoding(), tb.Comma)
	}
	if !slices.Equal(tb.Header, columnNames(turkishCols)) {
		t.Fatalf("header %q", tb.Header)
	}
	// Numbers come back with Turkish Excel's decimal comma, which
	// NormalizeNumber turns back into the plain form.
	want := clone(turkishRows)
	for _, r := range want {
		r[4] = strings.Replace(r[4], ".", ",", 1)
	}
	wantCells(t, rows, want)
	var amounts []string
	for _, r := range rows {
		amounts = append(amounts, r.Cells[4])
	}
	mark, _ := DetectDecimalMark(amounts, tb.DecimalHint())
	for i, r := range rows {
		if r.Cells[4] == "" {
			continue
		}
		if n, err := NormalizeNumber(r.Cells[4], mark); err != nil || n != turkishRows[i][4] {
			t.Errorf("row %d amount %q -> %q, %v", r.Num, r.Cells[4], n, err)
		}
	}
	if got := nums(rows); !slices.Equal(got, []int{2, 3, 4, 5}) {
		t.Errorf("row numbers %v", got)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, turkishCols, turkishRows); err != nil {
		t.Fatal(err)
	}
	tb, rows := readAll(t, buf.Bytes())
	if tb.Format != XLSX || !slices.Equal(tb.Header, columnNames(turkishCols)) {
		t.Fatalf("format %s header %q", tb.Format, tb.Header)
	}
	wantCells(t, rows, turkishRows)
	if got := nums(rows); !slices.Equal(got, []int{2, 3, 4, 5}) {
		t.Errorf("row numbers %v", got)
	}
}

func TestXLSXWriterCells(t *testing.T) {
	var buf bytes.Buffer
	cols := []Column{{Name: "Ad"}, {Name: "Tutar", Numeric: true}, {Name: "Tarih", Date: true}}
	err := WriteXLSX(&buf, cols, [][]string{
		{"=1+2", "-1234.5", "2026-11-23"},
		{"05321234567", "12345678901234567", "23.11.2026"},
		{"@SUM(A1)", "yok", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if sheet != xlsxSheetName {
		t.Errorf("sheet name %q", sheet)
	}
	styleID, err := f.GetCellStyle(sheet, "B1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(styleID)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style %+v, %v: want bold", st, err)
	}
	for cell, want := range map[string]excelize.CellType{
		"A2": excelize.CellTypeInlineString, // "=1+2" stays text
		"B2": excelize.CellTypeUnset,        // a number (no t attribute)
		"C2": excelize.CellTypeUnset,        // a date is a number with a date style
		"A3": excelize.CellTypeInlineString, // leading zero kept
		"B3": excelize.CellTypeInlineString, // too many digits for a number cell
		"C3": excelize.CellTypeInlineString, // not a date
		"B4": excelize.CellTypeInlineString,
	} {
		if got, err := f.GetCellType(sheet, cell); err != nil || got != want {
			t.Errorf("%s: type %v, %v; want %v", cell, got, err, want)
		}
	}
	for _, cell := range []string{"A2", "A4"} {
		if formula, err := f.GetCellFormula(sheet, cell); err != nil || formula != "" {
			t.Errorf("%s: formula %q, %v", cell, formula, err)
		}
	}
	if v, _ := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true}); v != "46349" {
		t.Errorf("date serial %q, want 46349", v)
	}
	if v, _ := f.GetCellValue(sheet, "C4"); v != "" {
		t.Errorf("empty cell holds %q", v)
	}
}

func TestWriterErrors(t *testing.T) {
	xw, err := NewXLSXWriter(&bytes.Buffer{}, []Column{{Name: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := xw.Write([]string{"x"}); err == nil {
		t.Error("XLSX Write after Close succeeded")
	}
	cw, err := NewCSVWriter(&bytes.Buffer{}, []Column{{Name: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cw.Write([]string{"x"}); err == nil {
		t.Error("CSV Write after Close succeeded")
	}
	if _, err := NewXLSXWriter(&bytes.Buffer{}, make([]Column, excelize.MaxColumns+1)); err == nil {
		t.Error("too many columns accepted")
	}
}

func columnNames(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func clone(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

// The formula guard is taken back on reading: every text, those that
// look guarded already too, reads back as it was written.
func TestCSVFormulaGuardRoundTrip(t *testing.T) {
	texts := []string{"=1+2", "+90 532 111 22 33", "-5", "@here", "\tx", "'=1", "''-", "'", "''", "'a", "a'=", "=", "-"}
	var buf bytes.Buffer
	rows := [][]string{}
	for _, s := range texts {
		rows = append(rows, []string{"x", s})
	}
	if err := WriteCSV(&buf, []Column{{Name: "A"}, {Name: "=B"}}, rows); err != nil {
		t.Fatal(err)
	}
	tb, got := readAll(t, buf.Bytes())
	if !slices.Equal(tb.Header, []string{"A", "=B"}) {
		t.Errorf("header %q", tb.Header)
	}
	wantCells(t, got, rows)
	if !strings.Contains(buf.String(), "\r\nx;'=1+2\r\n") || !strings.Contains(buf.String(), "\r\nx;'''-\r\n") {
		t.Errorf("the file does not guard the formulas:\n%q", buf.String())
	}
	// A guard written by another program is taken back too.
	_, got = readAll(t, []byte("A;B\r\n'=SUM(A1);'+90\r\n"))
	wantCells(t, got, [][]string{{"=SUM(A1)", "+90"}})
}
