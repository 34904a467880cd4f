package i18n

import (
	"sort"
	"strconv"
	"strings"
)

// Negotiate picks the best supported language from an Accept-Language
// header ("en-GB,en;q=0.9,tr;q=0.8"), or "" when none fits.
func Negotiate(header string, supported []string) string {
	type choice struct {
		lang string
		q    float64
		pos  int
	}
	var choices []choice
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if tag == "" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if q <= 0 {
			continue
		}
		base, _, _ := strings.Cut(tag, "-")
		choices = append(choices, choice{base, q, i})
	}
	sort.SliceStable(choices, func(i, j int) bool { return choices[i].q > choices[j].q })
	for _, c := range choices {
		for _, s := range supported {
			if c.lang == s {
				return s
			}
		}
	}
	return ""
}
