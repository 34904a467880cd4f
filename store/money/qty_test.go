package money

import (
	"encoding/json"
	"math"
	"testing"
)

func TestParseQty(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Qty
	}{
		{"0", 0},
		{"1", 1000},
		{"2", 2000},
		{"1,5", 1500},
		{"1.5", 1500},
		{"0,001", 1},
		{"0.001", 1},
	} {
		got, err := ParseQty(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseQty(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want Qty
	}{
		{"1.234,5", 1234500},
		{"1.234.567,125", 1234567125},
		{"1.234", 1234000}, // Turkish thousands, as String writes it
		{"1.234.567", 1234567000},
		{"1234,125", 1234125},
		{"1234.12", 1234120},
		{"1234.567", 1234567}, // cannot be grouping: a decimal mark
		{"0.500", 500},
		{"1,234.5", 1234500},
		{"12,50", 12500},
		{"12,500", 12500},
		{" 3 ", 3000},
		{"+3", 3000},
		{"007", 7000},
		{"9223372036854775,807", math.MaxInt64},
		{"9.223.372.036.854.775,807", math.MaxInt64},
	} {
		got, err := ParseQty(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseQty(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"", " ", ",", ".", ",5", "5,", "5.", "1,2345", "1.2345", "0,0001",
		"-1", "−1", "-0,5", "1,2,3", "12.34.567", "1.234.56", "0.500,1", "0.500.000",
		"1.23,5", "1 234", "1e3", "abc", "1,5kg", "١", "1,,5", "1..5",
		"9223372036854775,808", "99999999999999999999", "1.234,5.6", "1.2345,6",
	} {
		if got, err := ParseQty(in); err == nil {
			t.Errorf("ParseQty(%q) = %d, want error", in, got)
		}
	}
}

func TestQtyString(t *testing.T) {
	for _, c := range []struct {
		q    Qty
		str  string
		json string
	}{
		{0, "0", "0"},
		{1, "0,001", "0.001"},
		{10, "0,01", "0.01"},
		{500, "0,5", "0.5"},
		{1500, "1,5", "1.5"},
		{2000, "2", "2"},
		{1234000, "1.234", "1234"},
		{1234125, "1.234,125", "1234.125"},
		{1234567120, "1.234.567,12", "1234567.12"},
		{-1500, "-1,5", "-1.5"},
		{math.MaxInt64, "9.223.372.036.854.775,807", "9223372036854775.807"},
		{math.MinInt64, "-9.223.372.036.854.775,808", "-9223372036854775.808"},
	} {
		if got := c.q.String(); got != c.str {
			t.Errorf("Qty(%d).String() = %q, want %q", int64(c.q), got, c.str)
		}
		if got := c.q.JSON(); string(got) != c.json {
			t.Errorf("Qty(%d).JSON() = %q, want %q", int64(c.q), got, c.json)
		}
	}
}

func TestQtyFromJSON(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Qty
	}{
		{"0", 0},
		{"-0", 0},
		{"0.0", 0},
		{"2", 2000},
		{"1.5", 1500},
		{"1.500", 1500},
		{"1.5000000", 1500},
		{"0.001", 1},
		{"1234.125", 1234125},
		{"15e-1", 1500},
		{"1.5e2", 150000},
		{"1.5E+2", 150000},
		{"1500E-3", 1500},
		{"1e0", 1000},
		{"0e99999", 0},
		{"0.0e-99999", 0},
		{"9223372036854775.807", math.MaxInt64},
		{"9.223372036854775807e15", math.MaxInt64},
	} {
		got, err := QtyFromJSON(json.Number(c.in))
		if err != nil || got != c.want {
			t.Errorf("QtyFromJSON(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{
		"", "-", "+1", "1,5", "1.", ".5", "01", "00", "1e", "1e+", "1e-", "1e1.5",
		"0.0001", "1e-4", "1.2345", "-1", "-0.001", "1e99999", "1e-99999",
		"9223372036854775.808", "1e16", "1 ", " 1", "NaN", "Infinity", "0x10", "1_000",
		"1.5e2e3", "--1",
	} {
		if got, err := QtyFromJSON(json.Number(in)); err == nil {
			t.Errorf("QtyFromJSON(%q) = %d, want error", in, got)
		}
	}
	// A struct decoded with UseNumber gives json.Number straight through.
	var v struct{ Quantity json.Number }
	if err := json.Unmarshal([]byte(`{"Quantity": 2.25}`), &v); err != nil {
		t.Fatal(err)
	}
	if q, err := QtyFromJSON(v.Quantity); err != nil || q != 2250 {
		t.Errorf("decoded 2.25 → %d, %v", q, err)
	}
}
