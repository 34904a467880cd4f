package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kobicrm/store/sheet"
	"kobicrm/store/tr"
)

// CellError is one problem of an imported row: the column (as the file
// names it; "" for a required field no column fills), the field, the
// cell's value and the catalogue message.
type CellError struct {
	Column string `json:"column"`
	Field  string `json:"field"`
	Value  string `json:"value"`
	Msg
}

// converter turns the cells of a row into a record's values, the way
// people fill spreadsheets: choices by their label in Turkish or English,
// yes and no in words, numbers with the file's decimal mark, a record's
// owner by name or e-mail, a linked record by its name.
type converter struct {
	m       *Module
	header  []string
	columns []string
	voc     *ImportVocabulary
	mark    sheet.DecimalMark
	update  bool // empty cells leave the stored value alone
	// defaults fill what a created row leaves empty (ImportSettings.Defaults).
	defaults Values

	a     *Actor
	users map[string]int64            // folded name or e-mail → active user (-1: several)
	refs  map[string]map[string]int64 // target module → folded title → id (0: ambiguous)
	s     *Store
}

func (s *Store) newConverter(ctx context.Context, a *Actor, imp *Import, voc *ImportVocabulary) (*converter, error) {
	c := &converter{m: imp.Module, header: imp.Header, columns: imp.Settings.Columns, voc: voc,
		mark: sheet.DecimalMark(imp.Settings.Decimal[0]), update: imp.Settings.Mode == ImportUpdate,
		refs: map[string]map[string]int64{}, s: s, a: a}
	if c.voc == nil {
		c.voc = &ImportVocabulary{}
	}
	c.defaults = Values{}
	for name, text := range imp.Settings.Defaults {
		if f, ok := c.m.Field(name); ok {
			if v, msg := f.parseText(text); msg == nil {
				c.defaults[name] = v // checkSettings refused any other
			}
		}
	}
	for _, name := range c.columns {
		if f, ok := c.m.Field(name); ok && f.Kind == Ref && f.Ref == "users" && c.users == nil {
			users, err := s.queryUsers(ctx, "import users", "SELECT "+userColumns+" FROM users WHERE active = 1 ORDER BY id")
			if err != nil {
				return nil, err
			}
			c.users = map[string]int64{}
			for _, u := range users {
				for _, k := range []string{tr.Fold(u.Name), tr.Fold(u.Email)} {
					if _, seen := c.users[k]; seen {
						c.users[k] = -1 // two people of one name: say which by e-mail
					} else {
						c.users[k] = u.ID
					}
				}
			}
		}
	}
	return c, nil
}

// row converts one row. It returns the values, the creation time a
// CreatedAtKey column gave (zero if none), the record id an id column
// gave, and the problems; a row with problems is not saved.
func (c *converter) row(ctx context.Context, cells []string) (Values, time.Time, int64, []CellError) {
	vals := Values{}
	var created time.Time
	var id int64
	var errs []CellError
	for i, name := range c.columns {
		if name == "" || i >= len(cells) {
			continue
		}
		cell := strings.TrimSpace(cells[i])
		fail := func(key string, args ...any) {
			errs = append(errs, CellError{Column: c.header[i], Field: name, Value: cell, Msg: Msg{Key: key, Args: args}})
		}
		switch name {
		case ImportIDColumn:
			if cell == "" {
				continue
			}
			n, err := strconv.ParseInt(cell, 10, 64)
			if err != nil || n <= 0 {
				fail("error.number")
				continue
			}
			id = n
			continue
		case CreatedAtKey:
			if cell == "" {
				continue
			}
			t, ok := tr.ParseDate(firstWord(cell))
			if !ok || t.After(now()) {
				fail("error.date")
				continue
			}
			created = t
			continue
		}
		f, _ := c.m.Field(name)
		if cell == "" && c.update {
			continue
		}
		v, msg := c.value(ctx, f, cell)
		if msg != nil {
			fail(msg.Key, msg.Args...)
			continue
		}
		vals[name] = v
	}
	return vals, created, id, errs
}

// firstWord drops a time after a date ("2026-11-23 10:15:00").
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s
}

// value is one cell as a value of the field.
func (c *converter) value(ctx context.Context, f *Field, cell string) (any, *Msg) {
	if cell == "" {
		return f.parseText("")
	}
	switch f.Kind {
	case Choice:
		if v, ok := c.voc.Choices[f.Name][tr.Fold(cell)]; ok {
			return v, nil
		}
		return f.parseText(cell)
	case Bool:
		switch tr.Fold(cell) {
		case "1", "true", "yes", "y", "x", "evet", "e", "var", "on":
			return true, nil
		case "0", "false", "no", "n", "hayir", "h", "yok", "off", "-":
			return false, nil
		}
		return nil, &Msg{Key: "error.bool"}
	case Int, Money:
		plain, err := sheet.NormalizeNumber(cell, c.mark)
		if err != nil {
			return nil, &Msg{Key: "error.number_mark", Args: []any{string(rune(c.mark))}}
		}
		whole, frac, _ := strings.Cut(plain, ".")
		if f.Kind == Int {
			if strings.Trim(frac, "0") != "" {
				return nil, &Msg{Key: "error.number"}
			}
			return f.parseText(whole)
		}
		if len(frac) > 2 {
			return nil, &Msg{Key: "error.money"}
		}
		if frac != "" {
			// ParseMoney reads a lone point before three digits as
			// thousands; the fraction here has at most two.
			return f.parseText(whole + "." + frac)
		}
		return f.parseText(whole)
	case Date:
		return f.parseText(firstWord(cell))
	case DateTime:
		return f.parseText(cell)
	case PhoneList:
		return parseImportPhones(cell)
	case Ref:
		return c.ref(ctx, f, cell)
	}
	return f.parseText(cell)
}

// parseImportPhones reads "İş: 0212 555 12 12; 0532 111 22 33", as the
// export writes a phone list.
func parseImportPhones(cell string) (any, *Msg) {
	var labels, numbers []string
	for _, part := range strings.Split(cell, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		label, number, ok := strings.Cut(part, ":")
		if !ok {
			label, number = "", part
		}
		labels = append(labels, strings.TrimSpace(label))
		numbers = append(numbers, strings.TrimSpace(number))
	}
	return parsePhones(labels, numbers)
}

// ref is a cell naming a record: its id, or for a person of the firm
// their name or e-mail, or for another module its title, when only one
// live record has it.
func (c *converter) ref(ctx context.Context, f *Field, cell string) (any, *Msg) {
	if n, err := strconv.ParseInt(cell, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	if f.Ref == "users" {
		switch id, ok := c.users[tr.Fold(cell)]; {
		case ok && id < 0:
			return nil, &Msg{Key: "error.import_ambiguous", Args: []any{cell}}
		case ok:
			return id, nil
		}
		return nil, &Msg{Key: "error.import_user", Args: []any{cell}}
	}
	target, ok := c.s.Module(f.Ref)
	if !ok {
		return nil, &Msg{Key: "error.ref_missing"}
	}
	cache := c.refs[f.Ref]
	if cache == nil {
		cache = map[string]int64{}
		c.refs[f.Ref] = cache
	}
	key := tr.Fold(cell)
	id, seen := cache[key]
	if !seen {
		var err error
		if id, err = c.s.refByTitle(ctx, c.a, target, cell); err != nil {
			return nil, &Msg{Key: "error.save"}
		}
		cache[key] = id
	}
	switch {
	case id > 0:
		return id, nil
	case id < 0:
		return nil, &Msg{Key: "error.import_ambiguous", Args: []any{cell}}
	}
	return nil, &Msg{Key: "error.import_ref", Args: []any{cell}}
}

// refByTitle finds the one live record of m named title among those a
// may read: its id, 0 when there is none, -1 when there are several.
// Titles are compared by their collation key, which the sort index holds.
func (s *Store) refByTitle(ctx context.Context, a *Actor, m *Module, title string) (int64, error) {
	if _, ok := m.Field(SortKeyField); !ok {
		return 0, nil
	}
	scope, args, err := scopeCond(a, m, ActRead)
	if err != nil {
		return 0, nil // nothing of m is the actor's to name
	}
	if scope != "" {
		scope = " AND " + scope
	}
	rows, err := s.reader.QueryContext(ctx, "SELECT t.id FROM "+m.Table+" t WHERE t."+SortKeyField+" = ? AND t.deleted_at IS NULL"+scope+" LIMIT 2",
		append([]any{hex.EncodeToString(tr.SortKey(strings.TrimSpace(title)))}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("find %s %q: %w", m.Key, title, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	if err := closeRows(rows, "find "+m.Key); err != nil {
		return 0, err
	}
	switch len(ids) {
	case 0:
		return 0, nil
	case 1:
		return ids[0], nil
	}
	return -1, nil
}
