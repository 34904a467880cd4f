package ui

import (
	"net/url"
	"strings"
	"testing"

	"kobicrm/assets"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// FuzzParseLines feeds the line editor's parser whatever a browser (or
// anyone) may post: it never panics, keeps one row per line, keeps the
// typing as typed, and a form it accepts has only lines the arithmetic
// takes (positive quantities, prices not negative, discounts 0–100 %).
func FuzzParseLines(f *testing.F) {
	f.Add("Danışmanlık", "3", "333,33", "", "2000", "")
	f.Add("Kitap", "1,5", "19.99", "10", "1000", "")
	f.Add("", "1.234,567", "1.234,56", "12,5", "100", "7")
	f.Add("x", "-1", "1e9", "%101", "abc", "-3")
	f.Add("", "", "", "", "", "")
	f.Add("y", "999999999999999", "99999999999999999999", "0,001", "2000", "0")
	cat, err := i18n.Load(assets.FS, "locale")
	if err != nil {
		f.Fatal(err)
	}
	l := cat.Locale("tr")
	c := &salesChoices{byID: map[int64]productInfo{7: {ID: 7, Label: "Ürün", Unit: "kg", Price: 250000, RateBP: 2000}}}
	f.Fuzz(func(t *testing.T, desc, qty, price, disc, rate, product string) {
		form := url.Values{lineDesc: {desc, "Ek"}, lineQty: {qty, "1"}, linePrice: {price, "1"}, lineDiscount: {disc, ""},
			lineRate: {rate, "2000"}, lineProduct: {product, ""}, lineUnit: {"adet"}}
		rows, lines, ok := parseLines(l, form, c)
		if len(rows) != len(lines) || len(rows) == 0 || len(rows) > 2 {
			t.Fatalf("%d rows, %d lines", len(rows), len(lines))
		}
		if len(rows) == 2 && rows[0].Description != strings.TrimSpace(desc) {
			t.Errorf("description %q came back as %q", desc, rows[0].Description)
		}
		if !ok {
			return
		}
		for i, ln := range lines {
			if ln.Quantity <= 0 || ln.UnitPrice < 0 || ln.DiscountBP < 0 || ln.DiscountBP > 10000 {
				t.Errorf("line %d accepted as %+v", i, ln)
			}
		}
		if strings.TrimSpace(price) != "" && len(rows) == 2 {
			if p, valid := tr.ParseMoney(strings.TrimSpace(price)); !valid || p != lines[0].UnitPrice {
				t.Errorf("price %q read as %d", price, lines[0].UnitPrice)
			}
		}
	})
}
