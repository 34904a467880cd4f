package tr

import (
	"math"
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{
		{123456, "1.234,56 ₺"},
		{0, "0,00 ₺"},
		{-5, "-0,05 ₺"},
		{5, "0,05 ₺"},
		{99, "0,99 ₺"},
		{100, "1,00 ₺"},
		{-123456, "-1.234,56 ₺"},
		{100000, "1.000,00 ₺"},
		{12345678901, "123.456.789,01 ₺"},
		{math.MaxInt64, "92.233.720.368.547.758,07 ₺"},
		{math.MinInt64, "-92.233.720.368.547.758,08 ₺"},
	} {
		if got := Money(c.in); got != c.want {
			t.Errorf("Money(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIntDecimal(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {1, "1"}, {999, "999"}, {1000, "1.000"}, {-1000, "-1.000"},
		{1234567, "1.234.567"}, {math.MinInt64, "-9.223.372.036.854.775.808"},
	} {
		if got := Int(c.n); got != c.want {
			t.Errorf("Int(%d) = %q, want %q", c.n, got, c.want)
		}
		if got := Decimal(c.n, 0); got != c.want {
			t.Errorf("Decimal(%d, 0) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		units int64
		scale int
		want  string
	}{
		{123456789, 2, "1.234.567,89"},
		{1500, 3, "1,500"},
		{5, 3, "0,005"},
		{-5, 3, "-0,005"},
		{12, -3, "12.000"},
		{1, 20, "0,00000000000000000001"},
	} {
		if got := Decimal(c.units, c.scale); got != c.want {
			t.Errorf("Decimal(%d, %d) = %q, want %q", c.units, c.scale, got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	if Istanbul == nil || Istanbul.String() != "Europe/Istanbul" {
		t.Fatalf("Istanbul = %v; time/tzdata should make the named zone load", Istanbul)
	}
	for _, c := range []struct {
		t                    time.Time
		date, dateTime, long string
	}{
		{time.Date(2026, 1, 5, 14, 30, 0, 0, Istanbul), "05.01.2026", "05.01.2026 14:30", "5 Ocak 2026"},
		// 22:30 UTC on 4 January is 01:30 on 5 January in Istanbul.
		{time.Date(2026, 1, 4, 22, 30, 0, 0, time.UTC), "05.01.2026", "05.01.2026 01:30", "5 Ocak 2026"},
		{time.Date(2026, 1, 4, 20, 59, 0, 0, time.UTC), "04.01.2026", "04.01.2026 23:59", "4 Ocak 2026"},
		{time.Date(2025, 2, 14, 9, 5, 0, 0, Istanbul), "14.02.2025", "14.02.2025 09:05", "14 Şubat 2025"},
		{time.Date(2025, 5, 19, 0, 0, 0, 0, Istanbul), "19.05.2025", "19.05.2025 00:00", "19 Mayıs 2025"},
		{time.Date(2025, 8, 30, 0, 0, 0, 0, Istanbul), "30.08.2025", "30.08.2025 00:00", "30 Ağustos 2025"},
		{time.Date(2025, 9, 1, 0, 0, 0, 0, Istanbul), "01.09.2025", "01.09.2025 00:00", "1 Eylül 2025"},
		{time.Date(2025, 11, 10, 9, 5, 0, 0, Istanbul), "10.11.2025", "10.11.2025 09:05", "10 Kasım 2025"},
		{time.Date(2025, 12, 31, 23, 59, 0, 0, Istanbul), "31.12.2025", "31.12.2025 23:59", "31 Aralık 2025"},
		{time.Time{}, "", "", ""},
	} {
		if got := Date(c.t); got != c.date {
			t.Errorf("Date(%v) = %q, want %q", c.t, got, c.date)
		}
		if got := DateTime(c.t); got != c.dateTime {
			t.Errorf("DateTime(%v) = %q, want %q", c.t, got, c.dateTime)
		}
		if got := LongDate(c.t); got != c.long {
			t.Errorf("LongDate(%v) = %q, want %q", c.t, got, c.long)
		}
	}
}

func TestParseDate(t *testing.T) {
	jan5 := time.Date(2026, 1, 5, 0, 0, 0, 0, Istanbul)
	for _, c := range []struct {
		in   string
		want time.Time // zero means invalid
	}{
		{"05.01.2026", jan5},
		{"5.1.2026", jan5},
		{"2026-01-05", jan5},
		{" 05.01.2026 ", jan5},
		{"29.02.2024", time.Date(2024, 2, 29, 0, 0, 0, 0, Istanbul)},
		{"29.02.2025", time.Time{}},
		{"31.04.2026", time.Time{}},
		{"00.01.2026", time.Time{}},
		{"05.13.2026", time.Time{}},
		{"05.01.26", time.Time{}},
		{"005.01.2026", time.Time{}},
		{"2026-1-5", time.Time{}},
		{"05/01/2026", time.Time{}},
		{"+5.1.2026", time.Time{}},
		{"5.1.2026.", time.Time{}},
		{"2026-01-05T00:00", time.Time{}},
		{"", time.Time{}},
	} {
		got, ok := ParseDate(c.in)
		if ok != !c.want.IsZero() || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", c.in, got, ok, c.want)
			continue
		}
		if ok && (got.Location() != Istanbul || Date(got) != Date(c.want)) {
			t.Errorf("ParseDate(%q) = %v, want midnight in Istanbul", c.in, got)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1.234,56", 123456, true},
		{"1234,5", 123450, true},
		{"1234.56", 123456, true},
		{"1.234", 123400, true}, // one dot + three digits: thousands
		{"1.234.567", 123456700, true},
		{"1.234.567,8", 123456780, true},
		{"1,234.56", 123456, true},
		{"1,234,567.89", 123456789, true},
		{"0,05", 5, true},
		{",5", 50, true},
		{".5", 50, true},
		{"12", 1200, true},
		{"007", 700, true},
		{"1.234,56 ₺", 123456, true},
		{"₺1.234,56", 123456, true},
		{"1.234,56 TL", 123456, true},
		{"1.234,56tl", 123456, true},
		{"TL 5", 500, true},
		{"-5", -500, true},
		{"-0,05 ₺", -5, true},
		{"₺-5", -500, true},
		{"-₺5", -500, true},
		{"−12,50", -1250, true}, // U+2212 minus
		{"+12,50", 1250, true},
		{" 1 234,56 ", 123456, true},
		{"1\u00a0234,56", 123456, true},
		{"-0", 0, true},
		{"92.233.720.368.547.758,07", math.MaxInt64, true},
		{"-92.233.720.368.547.758,08", math.MinInt64, true},
		// Invalid.
		{"", 0, false},
		{"₺", 0, false},
		{"-", 0, false},
		{"1,234", 0, false}, // three decimals
		{"1,234,567", 0, false},
		{"12,345", 0, false},
		{"1,2345", 0, false},
		{"1234.567", 0, false},
		{"12.34.567", 0, false},
		{"1.23.456", 0, false},
		{"0.500", 0, false},
		{"01.234", 0, false},
		{"1.234,567", 0, false},
		{"1,234.5,6", 0, false},
		{"1.2,3", 0, false},
		{"12,", 0, false},
		{"12.", 0, false},
		{".", 0, false},
		{",", 0, false},
		{"1e3", 0, false},
		{"--5", 0, false},
		{"5-", 0, false},
		{"5 ₺ ₺", 0, false},
		{"₺5₺", 0, false},
		{"$5", 0, false},
		{"92.233.720.368.547.758,08", 0, false},
		{"-92.233.720.368.547.758,09", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, ok := ParseMoney(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
