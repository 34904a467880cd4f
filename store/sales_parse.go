package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"kobicrm/store/money"
)

// Parsers of what people and programs send for document lines: a
// percent ("12,5" typed, 12.5 in JSON) into basis points, and the JSON
// API's lines array. Exact: no float is involved.

// ParsePercent reads a percent as a person types it, with a comma or a
// dot as the decimal mark and at most two decimals ("12,5", "12.50",
// "%10", "10 %"), into basis points (1250); 0..100 %. Empty is 0.
func ParsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "%"), "%"))
	if s == "" {
		return 0, true
	}
	return percentDigits(strings.Replace(s, ",", ".", 1))
}

// PercentFromJSON reads a percent sent as a JSON number (12.5) into
// basis points, exactly; 0..100 with at most two decimals. Exponents
// are refused.
func PercentFromJSON(n json.Number) (int64, bool) {
	return percentDigits(string(n))
}

// percentDigits reads "d[.dd]" with a dot into basis points, 0..10000.
func percentDigits(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 100 {
		return 0, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	bp := w*100 + f
	if bp > 10000 {
		return 0, false
	}
	return bp, true
}

// PercentJSON writes basis points as a JSON percent: 1250 → 12.5.
func PercentJSON(bp int64) json.Number {
	s := strconv.FormatInt(bp/100, 10)
	if r := bp % 100; r != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(r+100, 10)[1:], "0")
	}
	return json.Number(s)
}

// jsonLine is a line as the JSON API sends it.
type jsonLine struct {
	ProductID   *int64      `json:"product_id"`
	Description string      `json:"description"`
	Quantity    json.Number `json:"quantity"`
	Unit        string      `json:"unit"`
	UnitPrice   *int64      `json:"unit_price"`
	DiscountPct json.Number `json:"discount_pct"`
	KDVRate     *int64      `json:"kdv_rate"`
}

// ParseJSONLines reads a document's "lines" as the JSON API sends them:
// an array of objects with product_id, description, quantity (a JSON
// number that may have decimals), unit, unit_price (kuruş), discount_pct
// (a percent, 12.5) and kdv_rate (basis points); read-only keys of a
// line as the API shows it (net, kdv, position) are passed over, others
// refused. Problems are named "lines.<index>.<field>" or "lines".
func ParseJSONLines(raw json.RawMessage) ([]DocLine, *ValidationError) {
	errs := &ValidationError{}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		errs.Add("lines", "error.lines_format")
		return nil, errs
	}
	if len(items) > MaxDocLines {
		errs.Add("lines", "error.too_many_lines", MaxDocLines)
		return nil, errs
	}
	lines := make([]DocLine, 0, len(items))
	for i, item := range items {
		n := i + 1
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(item, &keys); err != nil || keys == nil {
			errs.Add(lineField(i, "description"), "error.lines_format")
			continue
		}
		for k := range keys {
			switch k {
			case "product_id", "description", "quantity", "unit", "unit_price", "discount_pct", "kdv_rate", "net", "kdv", "position":
			default:
				errs.Add(lineField(i, k), "error.unknown_field")
			}
		}
		var jl jsonLine
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.UseNumber()
		if err := dec.Decode(&jl); err != nil {
			errs.Add(lineField(i, "description"), "error.lines_format")
			continue
		}
		l := DocLine{Description: jl.Description, Unit: jl.Unit}
		if jl.ProductID != nil {
			l.ProductID = *jl.ProductID
		}
		q, err := money.QtyFromJSON(jl.Quantity)
		if err != nil {
			errs.Add(lineField(i, "quantity"), "error.line_quantity", n)
		}
		l.Quantity = q
		if jl.UnitPrice == nil {
			errs.Add(lineField(i, "unit_price"), "error.line_price", n)
		} else {
			l.UnitPrice = *jl.UnitPrice
		}
		if jl.DiscountPct != "" {
			bp, ok := PercentFromJSON(jl.DiscountPct)
			if !ok {
				errs.Add(lineField(i, "discount_pct"), "error.line_discount", n)
			}
			l.DiscountBP = bp
		}
		if jl.KDVRate == nil {
			errs.Add(lineField(i, "kdv_rate"), "error.line_kdv_rate", n)
		} else {
			l.KDVRateBP = *jl.KDVRate
		}
		lines = append(lines, l)
	}
	checkLines(normaliseLines(lines), errs)
	return normaliseLines(lines), errs
}
