package store

import (
	"encoding/json"
	"testing"
)

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]int64{"": 0, "12,5": 1250, "12.5": 1250, "%10": 1000, "10 %": 1000, "100": 10000, "0,01": 1, "7,25": 725} {
		if got, ok := ParsePercent(in); !ok || got != want {
			t.Errorf("ParsePercent(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"100,01", "-5", "1,234", "abc", "1e2", "12,", ",5", "1.2.3", "101"} {
		if got, ok := ParsePercent(in); ok {
			t.Errorf("ParsePercent(%q) = %d, want refused", in, got)
		}
	}
	if PercentJSON(1250) != "12.5" || PercentJSON(1000) != "10" || PercentJSON(5) != "0.05" {
		t.Errorf("PercentJSON: %s %s %s", PercentJSON(1250), PercentJSON(1000), PercentJSON(5))
	}
}

// FuzzParsePercent: whatever a person types, an accepted percent is
// within 0..100 % and reads back the same.
func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"12,5", "12.5", "%10", "100", "0,01", "-1", "1e2", "99,999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bp, ok := ParsePercent(s)
		if !ok {
			return
		}
		if bp < 0 || bp > 10000 {
			t.Fatalf("%q gave %d basis points", s, bp)
		}
		if back, ok := PercentFromJSON(PercentJSON(bp)); !ok || back != bp {
			t.Fatalf("%q: %d → %s → %d", s, bp, PercentJSON(bp), back)
		}
	})
}

// FuzzParseJSONLines: any body either is refused with problems named
// under "lines", or gives lines that pass the line checks.
func FuzzParseJSONLines(f *testing.F) {
	for _, s := range []string{
		`[{"description":"a","quantity":1.5,"unit_price":100,"kdv_rate":2000,"discount_pct":12.5}]`,
		`[{"product_id":3,"quantity":2,"unit_price":0,"kdv_rate":0}]`,
		`[]`, `{}`, `null`, `[1]`, `[{"quantity":"x"}]`, `[{"quantity":1e400,"unit_price":1,"kdv_rate":1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		lines, errs := ParseJSONLines(json.RawMessage(raw))
		if errs.Err() != nil {
			for name := range errs.Fields {
				if len(name) < 5 || name[:5] != "lines" {
					t.Fatalf("problem named %q", name)
				}
			}
			return
		}
		again := &ValidationError{}
		checkLines(lines, again)
		if again.Err() != nil {
			t.Fatalf("accepted lines fail the checks: %v", again)
		}
		if _, err := DocumentTotals(lines, 0); err != nil && len(lines) > 0 {
			// Only amounts too large for int64 may fail the arithmetic.
			t.Logf("totals: %v", err)
		}
	})
}
