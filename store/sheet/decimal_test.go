package sheet

import (
	"errors"
	"testing"
)

func TestDetectDecimalMark(t *testing.T) {
	for _, tc := range []struct {
		name     string
		samples  []string
		fallback DecimalMark
		want     DecimalMark
		decided  bool
	}{
		{"turkish grouped", []string{"1.234,56", "12,5"}, Point, Comma, true},
		{"english grouped", []string{"1,234.56", "12.5"}, Comma, Point, true},
		{"plain points", []string{"1234.56", "0.5"}, Comma, Point, true},
		{"plain commas", []string{"1234,56", "0,5"}, Point, Comma, true},
		{"two groups turkish", []string{"1.234.567"}, Point, Comma, true},
		{"two groups english", []string{"1,234,567"}, Comma, Point, true},
		{"ambiguous alone, turkish file", []string{"1.234", "2.500"}, Comma, Comma, false},
		{"ambiguous alone, english file", []string{"1.234", "2.500"}, Point, Point, false},
		{"ambiguous decided by a sibling", []string{"1.234", "12.5"}, Comma, Point, true},
		{"ambiguous decided by a sibling 2", []string{"1.234", "12,5"}, Point, Comma, true},
		{"leading zero is a fraction", []string{"0,125"}, Point, Comma, true},
		{"no first group longer than three", []string{"1234,567"}, Point, Comma, true},
		{"space grouping", []string{"1 234,567"}, Point, Comma, true},
		{"integers only", []string{"12", "-7", "1 000"}, Comma, Comma, false},
		{"empty", nil, Point, Point, false},
		{"currency and sign", []string{"-1.234,56 ₺", "₺12,50", "(3,5)", "7,25 TL", "8,1 ?"}, Point, Comma, true},
		{"majority wins", []string{"1,5", "2,5", "3.5"}, Point, Comma, true},
		{"tie falls back", []string{"1,5", "3.5"}, Comma, Comma, false},
		{"text ignored", []string{"yok", "-", "", "12,5"}, Point, Comma, true},
		{"exponent", []string{"1,5E+03"}, Point, Comma, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, decided := DetectDecimalMark(tc.samples, tc.fallback)
			if got != tc.want || decided != tc.decided {
				t.Errorf("DetectDecimalMark(%q, %q) = %q, %v; want %q, %v", tc.samples, tc.fallback, got, decided, tc.want, tc.decided)
			}
		})
	}
}

func TestNormalizeNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		mark DecimalMark
		want string // "" means ErrNumber
	}{
		{"1.234,56", Comma, "1234.56"},
		{"1,234.56", Point, "1234.56"},
		{"1234.56", Point, "1234.56"},
		{"1234,56", Comma, "1234.56"},
		{"1.234", Comma, "1234"},
		{"1.234", Point, "1.234"},
		{"1.234.567,8", Comma, "1234567.8"},
		{"-0,75", Comma, "-0.75"},
		{"+5", Comma, "5"},
		{"−5,5", Comma, "-5.5"}, // U+2212
		{"(1.234,50)", Comma, "-1234.5"},
		{",5", Comma, "0.5"},
		{"5,", Comma, "5"},
		{"007", Point, "7"},
		{"0,000", Comma, "0"},
		{"-0", Point, "0"},
		{"  12,5\u00a0", Comma, "12.5"},
		{"1 234 567,89", Comma, "1234567.89"},
		{"1\u202f234,5", Comma, "1234.5"},
		{"1.234,56 ₺", Comma, "1234.56"},
		{"₺1.234,56", Comma, "1234.56"},
		{"-₺5", Comma, "-5"},
		{"₺-5", Comma, "-5"},
		{"1.234,56 TL", Comma, "1234.56"},
		{"1.234,56 tl", Comma, "1234.56"},
		{"12 TRY", Comma, "12"},
		{"1.234,56 ?", Comma, "1234.56"},
		{"1,5E+03", Comma, "1500"},
		{"1.5e-3", Point, "0.0015"},
		{"12E2", Point, "1200"},
		{"1,23456789012346E+19", Comma, "12345678901234600000"},
		// refused
		{"12.5", Comma, ""},
		{"1,5", Point, ""},
		{"1.23,5", Comma, ""},
		{"1.2345", Comma, ""},
		{"1.234 567", Comma, ""},
		{"1,234,56", Point, ""},
		{"12,5,6", Comma, ""},
		{"", Comma, ""},
		{",", Comma, ""},
		{"-", Comma, ""},
		{"abc", Comma, ""},
		{"12?", Comma, ""},
		{"12 abc", Comma, ""},
		{"1E", Point, ""},
		{"E5", Point, ""},
		{"1E99999", Point, ""},
		{"--5", Point, ""},
		{"(-5)", Point, ""},
		{"0x10", Point, ""},
		{"1_000", Point, ""},
		{"5", DecimalMark('x'), ""},
	} {
		got, err := NormalizeNumber(tc.in, tc.mark)
		if tc.want == "" {
			if !errors.Is(err, ErrNumber) {
				t.Errorf("NormalizeNumber(%q, %q) = %q, %v; want ErrNumber", tc.in, tc.mark, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeNumber(%q, %q) = %q, %v; want %q", tc.in, tc.mark, got, err, tc.want)
		}
	}
}
