package store

import (
	"context"
	"testing"

	"kobicrm/store/sheet"
)

// FuzzImportCell feeds any cell to every importable field of a customer,
// with both decimal marks: the converter never panics, and a value it
// accepts is one the field's own check accepts.
func FuzzImportCell(f *testing.F) {
	for _, s := range []string{"", "1.234,56", "1,234.56", "(12,5) TL", "Evet", "HAYIR", "Bireysel", "İş: 0212 555 12 12; 0532 111 22 33",
		"23.11.2026", "2026-11-23 10:00:00", "10000000146", "vip, bayi", "ISPARTA", "1e3", "-0", "\x00", "ş;ğ,ı"} {
		f.Add(s)
	}
	voc := testVocabulary()
	f.Fuzz(func(t *testing.T, cell string) {
		for _, mark := range []sheet.DecimalMark{sheet.Comma, sheet.Point} {
			c := &converter{m: Customers, voc: voc, mark: mark, users: map[string]int64{"ayşe": 1}, refs: map[string]map[string]int64{}}
			for _, fl := range ImportTargets(Customers) {
				if fl.Kind == Ref {
					continue // needs the database
				}
				v, msg := c.value(context.Background(), fl, cell)
				if msg != nil {
					continue
				}
				if bad := fl.recheck(Values{fl.Name: v}); bad != nil {
					t.Fatalf("%s: %q became %#v, which its check refuses: %v", fl.Name, cell, v, bad)
				}
			}
		}
	})
}
