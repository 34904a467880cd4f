// Package i18n translates kobicrm's interface and formats numbers and dates
// for people. Catalogues are flat JSON files, one per language, in the
// embedded assets; Turkish is the default and the fallback.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"kobicrm/store/tr"
)

// Default is the language used when nothing else is known.
const Default = "tr"

// Catalog holds every language's messages.
type Catalog struct {
	langs map[string]map[string]string
}

// Load reads dir/*.json from fsys, each a flat object of key → message:
// a language's main catalogue named by its code (tr.json, en.json), and
// a module's own messages beside it as AREA.LANG.json (activities.tr.json),
// so that a module brings its words in files named after it. A key given
// twice for one language is an error.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read locale catalogues: %w", err)
	}
	c := &Catalog{langs: map[string]map[string]string{}}
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		lang := base[strings.LastIndexByte(base, '.')+1:]
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", e.Name(), err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(body, &msgs); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", e.Name(), err)
		}
		all := c.langs[lang]
		if all == nil {
			all = map[string]string{}
			c.langs[lang] = all
		}
		for k, v := range msgs {
			if _, dup := all[k]; dup {
				return nil, fmt.Errorf("catalogue %s: key %q is given twice for %s", e.Name(), k, lang)
			}
			all[k] = v
		}
	}
	if _, ok := c.langs[Default]; !ok {
		return nil, fmt.Errorf("locale catalogues: %s.json is missing", Default)
	}
	return c, nil
}

// Languages lists the catalogue languages, the default first.
func (c *Catalog) Languages() []string {
	out := []string{Default}
	for l := range c.langs {
		if l != Default {
			out = append(out, l)
		}
	}
	sort.Strings(out[1:])
	return out
}

// Keys returns the keys of one language's catalogue, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.langs[lang]))
	for k := range c.langs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has says whether the catalogue has the language.
func (c *Catalog) Has(lang string) bool {
	_, ok := c.langs[lang]
	return ok
}

// Locale returns the translator and formatter for lang, falling back to
// the default language for an unknown one.
func (c *Catalog) Locale(lang string) *Locale {
	msgs, ok := c.langs[lang]
	if !ok {
		lang, msgs = Default, c.langs[Default]
	}
	return &Locale{Lang: lang, msgs: msgs, fallback: c.langs[Default]}
}

// Locale translates and formats for one language.
type Locale struct {
	Lang     string
	msgs     map[string]string
	fallback map[string]string
}

// T returns the message for key, formatted with args as fmt.Sprintf does.
// A missing key shows as the key itself, so it is seen and fixed instead of
// showing an empty label; the catalogue test keeps that from shipping.
func (l *Locale) T(key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		msg, ok = l.fallback[key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	for i, a := range args {
		if k, ok := a.(keyArg); ok {
			// A label passed as its key (a channel's name in an error
			// from the store) is shown in this language.
			args[i] = l.T(k.CatalogueKey())
		}
	}
	return fmt.Sprintf(msg, args...)
}

// keyArg is an argument that is itself a catalogue key, such as
// store.LabelKey: the store names a label without knowing the language.
type keyArg interface{ CatalogueKey() string }

// Money formats kuruş as Turkish lira: 123456 → "1.234,56 ₺". Amounts keep
// the Turkish form in every language, as on the firm's documents.
func (l *Locale) Money(kurus int64) string { return tr.Money(kurus) }

// Int formats a whole number with Turkish digit grouping: 1.234.567.
func (l *Locale) Int(n int64) string { return tr.Int(n) }

// Date formats a day as dd.MM.yyyy in Istanbul time.
func (l *Locale) Date(t time.Time) string { return tr.Date(t) }

// DateTime formats a moment as dd.MM.yyyy HH:mm in Istanbul time.
func (l *Locale) DateTime(t time.Time) string { return tr.DateTime(t) }

var englishMonths = [...]string{"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// LongDate writes the day out: "5 Ocak 2026", or "5 January 2026" in English.
func (l *Locale) LongDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l.Lang == "en" {
		t = t.In(tr.Istanbul)
		return fmt.Sprintf("%d %s %d", t.Day(), englishMonths[t.Month()-1], t.Year())
	}
	return tr.LongDate(t)
}

// Weekday names the day of the week of t in Istanbul.
func (l *Locale) Weekday(t time.Time) string {
	return l.T(fmt.Sprintf("weekday.%d", int(t.In(tr.Istanbul).Weekday())))
}
