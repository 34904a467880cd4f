package ui

import (
	"bytes"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// This file turns module declarations into what templates show: form
// inputs, list cells and displayed values, each by field kind. Templates
// stay free of kind switches.

type option struct {
	Value    string
	Label    string
	Selected bool
}

// formField is one input of a generated form.
type formField struct {
	Name     string
	Label    string
	Input    string // text, email, tel, date, number, url, select, textarea, tags, phones, ref, checkbox, checks, grants
	Value    string
	Checked  bool
	Options  []option
	Matrix   template.HTML // Input "grants": the role's permission table, rendered
	Disabled bool          // read-only for this user's roles
	Phones   []store.PhoneEntry
	RefName  string // the name of a referenced record, for Input "ref"
	Required bool
	Error    string
	Hint     string
	Group    string // discriminator group, "" for common fields
	Focus    bool   // the first field to fix
}

// inputFor maps a field kind to the input a person uses.
func inputFor(k store.Kind) string {
	switch k {
	case store.Email:
		return "email"
	case store.Phone:
		return "tel"
	case store.Date:
		return "date"
	case store.DateTime:
		return "datetime-local"
	case store.Int:
		return "number"
	case store.URL:
		return "url"
	case store.Choice, store.Province:
		return "select"
	case store.LongText:
		return "textarea"
	case store.Tags:
		return "tags"
	case store.PhoneList:
		return "phones"
	case store.Ref:
		return "ref"
	case store.Bool:
		return "checkbox"
	case store.RefList, store.MultiChoice:
		return "checks"
	case store.Grants:
		return "grants"
	}
	return "text"
}

// formContext is what a form needs besides the record: whom the record
// may be assigned to, the choices of references to the firm's own lists
// (departments, teams, roles), and what the user may do with each field.
type formContext struct {
	users   []option
	refOpts map[string][]option // by field name
	access  func(*store.Field) store.Access
}

// formFields builds the inputs of a module's form for the values (and the
// per-field problems) at hand. Fields of other discriminator groups are
// left out; users is the choice list for references to users.
func formFields(l *i18n.Locale, m *store.Module, v store.Values, refs map[string]string, errs map[string]string, fc formContext) []formField {
	var out []formField
	for _, f := range m.InputFields() {
		if !m.Applies(f, v) || f.Name == m.Discriminator {
			continue
		}
		acc := store.AccessFull
		if fc.access != nil {
			acc = fc.access(f)
		}
		if acc == store.AccessHidden {
			continue
		}
		ff := formField{
			Name: f.Name, Label: fieldLabel(l, m, f), Input: inputFor(f.Kind),
			Value: inputValue(f, v[f.Name]), Required: f.Required, Error: errs[f.Name], Group: f.Group,
			Disabled: acc == store.AccessReadOnly,
		}
		switch f.Kind {
		case store.Choice:
			ff.Options = choiceOptions(l, m, f, v.Str(f.Name), !f.Required)
		case store.MultiChoice:
			chosen := store.MultiValues(v[f.Name])
			for _, c := range f.Choices {
				ff.Options = append(ff.Options, option{Value: c, Label: choiceLabel(l, m, f, c), Selected: slices.Contains(chosen, c)})
			}
		case store.Province:
			ff.Options = provinceOptions(v.Str(f.Name))
		case store.PhoneList:
			for _, p := range v.Phones(f.Name) {
				ff.Phones = append(ff.Phones, store.PhoneEntry{Label: p.Label, Number: tr.FormatPhone(p.Number)})
			}
			ff.Phones = append(ff.Phones, store.PhoneEntry{}) // one empty row to add a number
		case store.Bool:
			ff.Checked, _ = v[f.Name].(bool)
		case store.Ref:
			if f.Ref == "users" {
				ff.Input = "select"
				users := fc.users
				if ff.Value != "" && !slices.ContainsFunc(users, func(o option) bool { return o.Value == ff.Value }) {
					// The current owner stays choosable even when the user
					// could not assign to them now.
					users = append([]option{{Value: ff.Value, Label: refs[f.Name]}}, users...)
				}
				ff.Options = selectOptions(users, ff.Value, true)
			} else if opts, ok := fc.refOpts[f.Name]; ok {
				ff.Input = "select"
				if ff.Value != "" && !slices.ContainsFunc(opts, func(o option) bool { return o.Value == ff.Value }) {
					// A record no longer offered (an inactive stage) stays
					// chosen until someone chooses another.
					opts = append([]option{{Value: ff.Value, Label: refs[f.Name]}}, opts...)
				}
				// A required reference offers no empty choice: the first
				// one is chosen, as with a required choice field.
				ff.Options = selectOptions(opts, ff.Value, !f.Required)
			} else {
				ff.RefName = refs[f.Name]
			}
		case store.RefList:
			ids, _ := v[f.Name].([]int64)
			for _, o := range fc.refOpts[f.Name] {
				id, _ := strconv.ParseInt(o.Value, 10, 64)
				o.Selected = slices.Contains(ids, id)
				ff.Options = append(ff.Options, o)
			}
		case store.Grants:
			p, _ := v[f.Name].(store.Permissions)
			ff.Matrix = grantsHTML(l, m, f.Name, p, true)
		case store.Tags:
			ff.Hint = l.T("form.tags_hint")
		}
		// A module may explain a field in its catalogue under
		// "hint.<module>.<field>" (a template's merge fields).
		if key := "hint." + m.Key + "." + f.Name; l.T(key) != key {
			ff.Hint = l.T(key)
		}
		out = append(out, ff)
	}
	return out
}

// inputValue is a value as it goes back into an input: dates as
// YYYY-MM-DD for <input type=date>, phones in the Turkish display form.
func inputValue(f *store.Field, v any) string {
	switch x := v.(type) {
	case string:
		if f.Kind == store.Phone {
			return tr.FormatPhone(x)
		}
		if f.Kind == store.DateTime {
			// datetime-local takes the wall clock, here Istanbul's.
			if t, err := time.Parse(tr.DateTimeLayout, x); err == nil {
				return t.In(tr.Istanbul).Format("2006-01-02T15:04")
			}
		}
		return x
	case int64:
		if f.Kind == store.Money {
			return strings.TrimSuffix(tr.Money(x), " ₺")
		}
		return strconv.FormatInt(x, 10)
	case []string:
		return strings.Join(x, ", ")
	}
	return ""
}

func choiceOptions(l *i18n.Locale, m *store.Module, f *store.Field, selected string, blank bool) []option {
	var out []option
	if blank {
		out = append(out, option{Value: "", Label: "—", Selected: selected == ""})
	}
	for _, c := range f.Choices {
		out = append(out, option{Value: c, Label: choiceLabel(l, m, f, c), Selected: c == selected})
	}
	return out
}

func provinceOptions(selected string) []option {
	out := []option{{Value: "", Label: "—", Selected: selected == ""}}
	for _, p := range tr.Provinces {
		out = append(out, option{Value: p.Name, Label: p.Name, Selected: p.Name == selected})
	}
	return out
}

// provinceOptionsHTML is the 81 provinces as <option>s: made once for
// the unfiltered list, which every customer list page shows.
func provinceOptionsHTML(selected string) template.HTML {
	if selected == "" {
		return noProvinceOptions()
	}
	return optionsHTML(provinceOptions(selected))
}

var noProvinceOptions = sync.OnceValue(func() template.HTML { return optionsHTML(provinceOptions("")) })

func selectOptions(opts []option, selected string, blank bool) []option {
	var out []option
	if blank {
		out = append(out, option{Value: "", Label: "—", Selected: selected == ""})
	}
	for _, o := range opts {
		o.Selected = o.Value == selected
		out = append(out, o)
	}
	return out
}

// cell is one displayed value: plain text, a link, chips or safe HTML.
// URL is typed as safe because every one is built here from a checked
// value (a record path, an E.164 number, a validated e-mail or web
// address), and html/template would otherwise refuse tel: links.
type cell struct {
	Text  string
	URL   template.URL
	Chips []string
	HTML  template.HTML
	// Badge shows the text as a coloured badge of the class
	// "badge-<Badge>" (a data-quality band).
	Badge string
	// Badges follow the value: a phone's or an e-mail's ETK standing.
	Badges []consentBadge
}

// renderTo writes the cell into b as escaped HTML. Lists render their
// cells here rather than in the template (a list page has hundreds of
// cells, and html/template looks up every field of every cell by
// reflection), all of a row's into one builder.
func (c cell) renderTo(b *strings.Builder) {
	esc := func(s string) { escapeTo(b, s) }
	switch {
	case c.HTML != "":
		b.WriteString(`<div class="md">`)
		b.WriteString(string(c.HTML))
		b.WriteString(`</div>`)
	case c.Badge != "":
		b.WriteString(`<span class="badge badge-`)
		esc(c.Badge)
		b.WriteString(`">`)
		esc(c.Text)
		b.WriteString(`</span>`)
	case len(c.Chips) > 0:
		for _, chip := range c.Chips {
			b.WriteString(`<span class="chip">`)
			esc(chip)
			b.WriteString(`</span> `)
		}
	case c.URL != "":
		b.WriteString(`<a href="`)
		esc(string(c.URL))
		b.WriteString(`">`)
		esc(c.Text)
		b.WriteString(`</a>`)
	default:
		esc(c.Text)
	}
	// In a list a badge is short, the channel and ✓ or ✗; its title
	// says the standing and why.
	for _, badge := range c.Badges {
		mark := "✗"
		if badge.Allowed {
			mark = "✓"
		}
		b.WriteString(` <span class="badge consent-`)
		esc(badge.Class)
		b.WriteString(`" title="`)
		esc(badge.Text)
		b.WriteString(`: `)
		esc(badge.Title)
		b.WriteString(`">`)
		esc(badge.Channel)
		b.WriteString(" " + mark + `</span>`)
	}
}

// optionsHTML writes <option> elements, escaped, for selects with many
// options (81 provinces) that would otherwise cost a template walk each.
func optionsHTML(opts []option) template.HTML {
	var b strings.Builder
	b.Grow(48 * len(opts))
	for _, o := range opts {
		b.WriteString(`<option value="`)
		escapeTo(&b, o.Value)
		b.WriteString(`"`)
		if o.Selected {
			b.WriteString(` selected`)
		}
		b.WriteString(`>`)
		escapeTo(&b, o.Label)
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String()) // every piece escaped above
}

// recordURL is where a record's page is.
func recordURL(m *store.Module, id int64) string {
	return "/" + m.Key + "/" + strconv.FormatInt(id, 10)
}

// displayCell shows a field's value the Turkish way.
func displayCell(l *i18n.Locale, m *store.Module, f *store.Field, r *store.Record) cell {
	v := r.Values[f.Name]
	switch f.Kind {
	case store.Phone:
		s, _ := v.(string)
		if s == "" {
			return cell{}
		}
		return cell{Text: tr.FormatPhone(s), URL: template.URL("tel:" + s)}
	case store.Email:
		s, _ := v.(string)
		if s == "" {
			return cell{}
		}
		return cell{Text: s, URL: template.URL("mailto:" + s)}
	case store.URL:
		s, _ := v.(string)
		return cell{Text: strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://"), URL: template.URL(s)}
	case store.Date:
		s, _ := v.(string)
		if t, err := time.ParseInLocation("2006-01-02", s, tr.Istanbul); err == nil {
			return cell{Text: l.Date(t)}
		}
		return cell{}
	case store.DateTime:
		s, _ := v.(string)
		if t, err := time.Parse(tr.DateTimeLayout, s); err == nil {
			return cell{Text: l.DateTime(t)}
		}
		return cell{}
	case store.Choice:
		s, _ := v.(string)
		if s == "" {
			return cell{}
		}
		return cell{Text: choiceLabel(l, m, f, s)}
	case store.MultiChoice:
		return cell{Chips: multiChoiceLabels(l, m, f, v)}
	case store.Money:
		if n, ok := v.(int64); ok {
			return cell{Text: moneyIn(l, n, r.Values.Str(f.Currency))}
		}
	case store.Int:
		if n, ok := v.(int64); ok {
			if band := f.BandOf(n); band != "" {
				// A score shows its band in words as well as in colour.
				return cell{Text: l.Int(n) + " · " + l.T(m.ChoiceKey(f, band)), Badge: f.Name + "-" + band}
			}
			return cell{Text: l.Int(n)}
		}
	case store.Ref:
		id, ok := v.(int64)
		if !ok {
			return cell{}
		}
		name := r.Refs[f.Name]
		if f.Ref == "users" {
			return cell{Text: name}
		}
		target, _ := store.ModuleByKey(f.Ref)
		if target == nil || target.AdminOnly {
			// An entry of the firm's lists (a stage, a KDV rate, a
			// team): its name is the point, and its page is the
			// administrators' settings, not everyone's to follow.
			return cell{Text: name}
		}
		return cell{Text: name, URL: template.URL(recordURL(target, id))}
	case store.Tags:
		return cell{Chips: r.Values.Tags(f.Name)}
	case store.RefList:
		if r.Refs[f.Name] == "" {
			return cell{}
		}
		return cell{Chips: strings.Split(r.Refs[f.Name], ", ")}
	case store.Grants:
		p, _ := v.(store.Permissions)
		return cell{HTML: grantsHTML(l, m, f.Name, p, false)}
	case store.Bool:
		if b, _ := v.(bool); b {
			return cell{Text: l.T("value.yes")}
		}
		return cell{Text: l.T("value.no")}
	case store.LongText:
		s, _ := v.(string)
		return cell{HTML: markdown(s)}
	case store.PhoneList:
		var parts []string
		for _, p := range r.Values.Phones(f.Name) {
			label := tr.FormatPhone(p.Number)
			if p.Label != "" {
				label += " (" + p.Label + ")"
			}
			parts = append(parts, label)
		}
		return cell{Text: strings.Join(parts, ", ")}
	}
	s, _ := v.(string)
	return cell{Text: s}
}

// moneyIn shows an amount in the minor unit of a currency: lira with its
// sign, any other currency with its code ("1.234,56 USD").
func moneyIn(l *i18n.Locale, minor int64, currency string) string {
	if currency == "" || currency == "TRY" {
		return l.Money(minor)
	}
	return tr.Decimal(minor, 2) + " " + currency
}

// markdown renders notes. goldmark without its Unsafe option drops raw
// HTML and dangerous link targets, so a note can never carry a script.
func markdown(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(buf.String()) // #nosec: goldmark's safe mode output
}

// detail is one labelled value on a record page.
type detail struct {
	Label string
	Cell  cell
}

// details lists a record's filled fields that apply to it, in declaration
// order, leaving out the ones a page shows elsewhere.
func details(l *i18n.Locale, m *store.Module, r *store.Record, skip ...string) []detail {
	var out []detail
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Computed || !m.Applies(f, r.Values) || contains(skip, f.Name) {
			continue
		}
		c := displayCell(l, m, f, r)
		if c.Text == "" && c.URL == "" && len(c.Chips) == 0 && c.HTML == "" {
			continue
		}
		out = append(out, detail{Label: fieldLabel(l, m, f), Cell: c})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// grantsHTML renders a role's permissions (a field of roles module m) as
// a table over m's database's modules: a row per module,
// a column per action, and a line per protected field. As a form (edit
// set) each cell is a select named "<field>.<module>.<action>" or
// "<field>.<module>.field.<name>", which the store's role-form parser
// reads; otherwise the cells are the scopes' names.
func grantsHTML(l *i18n.Locale, m *store.Module, field string, p store.Permissions, edit bool) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString(`<div class="scroll"><table class="grants"><thead><tr><th scope="col">`)
	b.WriteString(esc(l.T("roles.module")))
	b.WriteString(`</th>`)
	for _, act := range store.Actions {
		b.WriteString(`<th scope="col">` + esc(l.T("roles.action."+act)) + `</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, row := range p.MatrixOf(m.RoleModules()) {
		b.WriteString(`<tr><th scope="row">` + esc(l.T(row.Module.Label)) + `</th>`)
		for i, act := range store.Actions {
			b.WriteString(`<td>`)
			if edit {
				name := field + "." + row.Module.Key + "." + act
				b.WriteString(`<select name="` + esc(name) + `" aria-label="` + esc(l.T(row.Module.Label)+" – "+l.T("roles.action."+act)) + `">`)
				var opts []option
				for _, sc := range store.Scopes {
					opts = append(opts, option{Value: sc, Label: l.T("roles.scope." + sc), Selected: sc == row.Scopes[i]})
				}
				b.WriteString(string(optionsHTML(opts)))
				b.WriteString(`</select>`)
			} else {
				b.WriteString(`<span class="scope scope-` + esc(row.Scopes[i]) + `">` + esc(l.T("roles.scope."+row.Scopes[i])) + `</span>`)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`</tr>`)
		for _, fp := range row.Fields {
			label := fieldLabel(l, row.Module, fp.Field)
			b.WriteString(`<tr class="fieldrow"><td>` + esc(label) + `</td><td colspan="` + strconv.Itoa(len(store.Actions)) + `">`)
			if edit {
				name := field + "." + row.Module.Key + ".field." + fp.Field.Name
				b.WriteString(`<select name="` + esc(name) + `" aria-label="` + esc(label) + `">`)
				var opts []option
				for _, acc := range store.Accesses {
					opts = append(opts, option{Value: acc, Label: l.T("roles.access." + accessKey(acc)), Selected: acc == fp.Access})
				}
				b.WriteString(string(optionsHTML(opts)))
				b.WriteString(`</select>`)
			} else {
				b.WriteString(esc(l.T("roles.access." + accessKey(fp.Access))))
			}
			b.WriteString(`</td></tr>`)
		}
	}
	b.WriteString(`</tbody></table></div>`)
	return template.HTML(b.String()) // every piece escaped above
}

func accessKey(acc string) string {
	if acc == "" {
		return "full"
	}
	return acc
}

// escapeTo writes s to b escaped as html.EscapeString does, without a
// copy when there is nothing to escape: most of a page's text, written
// piece by piece for fifty rows. The bytes are looked up in a table:
// strings.ContainsAny builds its set anew on each call, and on these
// short strings that was most of a list row's escaping.
func escapeTo(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if htmlSpecial[s[i]] {
			b.WriteString(html.EscapeString(s))
			return
		}
	}
	b.WriteString(s)
}

// htmlSpecial marks the bytes html.EscapeString replaces.
var htmlSpecial = [256]bool{'<': true, '>': true, '&': true, '\'': true, '"': true}
