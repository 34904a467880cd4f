package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"kobicrm/assets"
	"kobicrm/store/tr"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(assets.FS, "locale")
	if err != nil {
		t.Fatalf("load catalogues: %v", err)
	}
	return c
}

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c := load(t)
	langs := c.Languages()
	if !slices.Equal(langs, []string{"tr", "en"}) {
		t.Fatalf("languages = %v, want [tr en]", langs)
	}
	all := map[string]bool{}
	for _, l := range langs {
		for _, k := range c.Keys(l) {
			all[k] = true
		}
	}
	if len(all) == 0 {
		t.Fatal("no keys")
	}
	for k := range all {
		for _, l := range langs {
			if _, ok := c.langs[l][k]; !ok {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
	}
}

func TestNoEmptyMessages(t *testing.T) {
	c := load(t)
	for _, l := range c.Languages() {
		for k, msg := range c.langs[l] {
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s: %q is empty", l, k)
			}
			if msg != strings.TrimSpace(msg) {
				t.Errorf("%s: %q has white space around it: %q", l, k, msg)
			}
		}
	}
}

var verb = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

func TestFormatVerbsAgree(t *testing.T) {
	c := load(t)
	for _, k := range c.Keys(Default) {
		want := verb.FindAllString(c.langs[Default][k], -1)
		for _, l := range c.Languages() {
			got := verb.FindAllString(c.langs[l][k], -1)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %q has verbs %v, %s has %v", l, k, got, Default, want)
			}
		}
	}
}

// usedKeys are the catalogue keys the templates and the Go code name.
func usedKeys(t *testing.T) map[string][]string {
	t.Helper()
	used := map[string][]string{} // key → where
	tmplKey := regexp.MustCompile(`\$?\.T\s+"([^"]+)"`)
	err := fs.WalkDir(assets.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		body, err := fs.ReadFile(assets.FS, p)
		if err != nil {
			return err
		}
		for _, m := range tmplKey.FindAllStringSubmatch(string(body), -1) {
			used[m[1]] = append(used[m[1]], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	goKey := regexp.MustCompile(`"((?:error|nav|setup|login|logout|home|profile|backup|field|action|layout|weekday)\.[a-z0-9_]+)"`)
	for _, dir := range []string{"..", filepath.Join("..", "..", "store")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" || d.Name() == "e2e" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range goKey.FindAllStringSubmatch(string(body), -1) {
				used[m[1]] = append(used[m[1]], p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return used
}

func TestUsedKeysExist(t *testing.T) {
	c := load(t)
	used := usedKeys(t)
	// Guard the scan itself: it must find keys in templates and in Go.
	for _, k := range []string{"login.heading", "nav.backup", "error.required", "error.404_title", "login.too_many", "setup.done"} {
		if _, ok := used[k]; !ok {
			t.Errorf("the scan did not find %q; is it still used?", k)
		}
	}
	keys := make([]string, 0, len(used))
	for k := range used {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		where := slices.Compact(slices.Sorted(slices.Values(used[k])))
		for _, l := range c.Languages() {
			if _, ok := c.langs[l][k]; !ok {
				t.Errorf("%q (used in %s) is missing from %s.json", k, strings.Join(where, ", "), l)
			}
		}
	}
	// Keys built at run time: weekday.0 … weekday.6.
	for d := range 7 {
		k := "weekday." + string(rune('0'+d))
		if _, ok := c.langs[Default][k]; !ok {
			t.Errorf("%q is missing", k)
		}
	}
}

func TestNegotiate(t *testing.T) {
	supported := []string{"tr", "en"}
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"tr", "tr"},
		{"en", "en"},
		{"EN", "en"},
		{"en-US,en;q=0.9", "en"},
		{"en-GB,en;q=0.9,tr;q=0.8", "en"},
		{"tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7", "tr"},
		{"de-DE,de;q=0.9,en;q=0.5,tr;q=0.7", "tr"},
		{"de-DE,de;q=0.9", ""},
		{"*", ""},
		{"fr;q=1, en;q=0.5", "en"},
		{"en;q=0, tr;q=0.1", "tr"},
		{"en;q=0", ""},
		{"en;q=bogus, tr", "tr"},
		{" en-us ; q=0.8 , tr ; q=0.9", "tr"},
		{"en, tr", "en"},
		{"tr, en", "tr"},
		{",,,", ""},
	} {
		if got := Negotiate(tc.header, supported); got != tc.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
	if got := Negotiate("en", nil); got != "" {
		t.Errorf("Negotiate with nothing supported = %q", got)
	}
}

func TestLocaleFormats(t *testing.T) {
	c := load(t)
	trL, enL := c.Locale("tr"), c.Locale("en")
	day := time.Date(2026, 1, 5, 10, 0, 0, 0, tr.Istanbul)
	if got := trL.LongDate(day); got != "5 Ocak 2026" {
		t.Errorf("Turkish LongDate = %q", got)
	}
	if got := enL.LongDate(day); got != "5 January 2026" {
		t.Errorf("English LongDate = %q", got)
	}
	// The day is Istanbul's: 22:30 UTC on 4 January is already the 5th.
	late := time.Date(2026, 1, 4, 22, 30, 0, 0, time.UTC)
	if got := enL.LongDate(late); got != "5 January 2026" {
		t.Errorf("English LongDate(%v) = %q, want the Istanbul day", late, got)
	}
	if got := enL.LongDate(time.Time{}); got != "" {
		t.Errorf("LongDate(zero) = %q", got)
	}
	for _, l := range []*Locale{trL, enL} {
		if got := l.Money(123456); got != "1.234,56 ₺" {
			t.Errorf("%s Money(123456) = %q", l.Lang, got)
		}
		if got := l.Int(1234567); got != "1.234.567" {
			t.Errorf("%s Int = %q", l.Lang, got)
		}
		if got := l.Date(day); got != "05.01.2026" {
			t.Errorf("%s Date = %q", l.Lang, got)
		}
	}
	if got := trL.Money(-5); got != "-0,05 ₺" {
		t.Errorf("Money(-5) = %q", got)
	}
	if got, want := trL.Weekday(day), "Pazartesi"; got != want {
		t.Errorf("Turkish weekday = %q, want %q", got, want)
	}
	if got, want := enL.Weekday(day), "Monday"; got != want {
		t.Errorf("English weekday = %q, want %q", got, want)
	}
}

func TestTranslate(t *testing.T) {
	c := load(t)
	if got := c.Locale("en").T("login.too_many", 15); got != "Too many failed attempts. Try again in 15 minutes." {
		t.Errorf("English too_many = %q", got)
	}
	if got := c.Locale("tr").T("error.password_short", 10); !strings.Contains(got, "10") {
		t.Errorf("Turkish password_short = %q", got)
	}
	// An unknown language falls back to Turkish; a missing key shows itself.
	if l := c.Locale("de"); l.Lang != "tr" || l.T("nav.today") != "Bugün" {
		t.Errorf("Locale(de) = %s / %q, want the Turkish fallback", l.Lang, l.T("nav.today"))
	}
	if got := c.Locale("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if !c.Has("en") || !c.Has("tr") || c.Has("de") || c.Has("") {
		t.Error("Has is wrong")
	}
}

func TestLoadFallsBackPerKeyAndRefusesBadCatalogues(t *testing.T) {
	fsys := fstest.MapFS{
		"loc/tr.json":    {Data: []byte(`{"a": "A-tr", "b": "B-tr"}`)},
		"loc/en.json":    {Data: []byte(`{"a": "A-en"}`)},
		"loc/README.txt": {Data: []byte("not a catalogue")},
	}
	c, err := Load(fsys, "loc")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Locale("en").T("b"); got != "B-tr" {
		t.Errorf("missing English key = %q, want the Turkish message", got)
	}
	if !slices.Equal(c.Languages(), []string{"tr", "en"}) {
		t.Errorf("languages = %v", c.Languages())
	}

	if _, err := Load(fstest.MapFS{"loc/en.json": {Data: []byte(`{}`)}}, "loc"); err == nil {
		t.Error("a catalogue set without tr.json loaded")
	}
	if _, err := Load(fstest.MapFS{"loc/tr.json": {Data: []byte(`{"a": 1}`)}}, "loc"); err == nil {
		t.Error("a catalogue that is not flat strings loaded")
	}
	if _, err := Load(fstest.MapFS{}, "loc"); err == nil {
		t.Error("a missing directory loaded")
	}
}
