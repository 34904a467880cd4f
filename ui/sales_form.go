package ui

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"kobicrm/store"
	"kobicrm/store/money"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The form of a quote, order or invoice: its header (the declared
// fields, as any record form) and a line editor that works without
// JavaScript. The lines are parallel form arrays (line_description,
// line_quantity, …), one entry per row; an empty row is skipped, so a
// row is removed by clearing it, and the "add line" button posts the
// form back with one more empty row and everything typed kept.
// assets/static/sales.js adds and removes rows in place and shows a
// preview of the totals; the server's totals are the ones saved.

// blankLines are the empty rows a form offers below the filled ones.
const blankLines = 2

// The line inputs' names.
const (
	lineProduct  = "line_product"
	lineDesc     = "line_description"
	lineQty      = "line_quantity"
	lineUnit     = "line_unit"
	linePrice    = "line_unit_price"
	lineDiscount = "line_discount"
	lineRate     = "line_kdv_rate"
)

type docFormData struct {
	Module   *store.Module
	ID       int64
	Action   string
	Cancel   string
	Seen     string
	Next     string
	Message  string
	Fields   []formField
	Lines    []lineInput
	LinesErr string // a problem with the lines as a whole
	Units    []option
	Rates    []option
	Totals   []totalRow // of the lines as typed, when they could be computed
	Words    string
}

// lineInput is one row of the line editor, as typed.
type lineInput struct {
	No                                                              int
	Product, Description, Quantity, Unit, UnitPrice, Discount, Rate string
	Products                                                        template.HTML // the product select's options, this row's selected
	Errors                                                          []string
}

// productInfo is what a line takes from its product when left empty.
type productInfo struct {
	ID     int64
	Label  string
	Unit   string
	Price  int64
	RateBP int64
}

// salesChoices are the KDV rates and products a line can choose from.
type salesChoices struct {
	rates    []option // value: basis points
	products []productInfo
	byID     map[int64]productInfo
}

func (s *Server) salesChoices(r *http.Request) (*salesChoices, error) {
	st := state(r)
	c := &salesChoices{byID: map[int64]productInfo{}}
	rates, err := s.store.List(r.Context(), st.actor, s.module(store.KDVRates), store.ListQuery{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	rateOf := map[int64]int64{}
	type rate struct {
		bp   int64
		name string
	}
	var list []rate
	for _, rec := range rates.Records {
		bp, _ := rec.Values.Int("rate")
		rateOf[rec.ID] = bp
		if active, _ := rec.Values["active"].(bool); active {
			list = append(list, rate{bp, rec.Title()})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].bp > list[j].bp })
	for _, x := range list {
		c.rates = append(c.rates, option{Value: strconv.FormatInt(x.bp, 10), Label: x.name})
	}
	if !st.actor.Can(s.module(store.Products), store.ActRead) {
		return c, nil
	}
	prods, err := s.store.List(r.Context(), st.actor, s.module(store.Products), store.ListQuery{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, rec := range prods.Records {
		if active, _ := rec.Values["active"].(bool); !active {
			continue
		}
		p := productInfo{ID: rec.ID, Label: rec.Title(), Unit: rec.Values.Str("unit")}
		if code := rec.Values.Str("code"); code != "" {
			p.Label = code + " · " + p.Label
		}
		p.Price, _ = rec.Values.Int("unit_price")
		rid, _ := rec.Values.Int("kdv_rate_id")
		p.RateBP = rateOf[rid]
		c.products = append(c.products, p)
		c.byID[p.ID] = p
	}
	return c, nil
}

// productOptions are a row's product choices, the row's own selected:
// rendered in Go, as a form has a dozen rows of up to 200 products.
func productOptions(l *i18n.Locale, c *salesChoices, selected string) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString(`<option value="">` + esc(l.T("doc.free_text")) + `</option>`)
	for _, p := range c.products {
		id := strconv.FormatInt(p.ID, 10)
		b.WriteString(`<option value="` + id + `" data-price="` + esc(tr.Decimal(p.Price, 2)) + `" data-unit="` + esc(p.Unit) +
			`" data-rate="` + strconv.FormatInt(p.RateBP, 10) + `"`)
		if id == selected {
			b.WriteString(` selected`)
		}
		b.WriteString(`>` + esc(p.Label) + `</option>`)
	}
	return template.HTML(b.String()) // every piece escaped above
}

// lineRowsOf are a saved document's lines as form rows.
func lineRowsOf(lines []store.DocLine) []lineInput {
	rows := make([]lineInput, len(lines))
	for i, ln := range lines {
		rows[i] = lineInput{Description: ln.Description, Quantity: ln.Quantity.String(), Unit: ln.Unit,
			UnitPrice: tr.Decimal(ln.UnitPrice, 2), Rate: strconv.FormatInt(ln.KDVRateBP, 10)}
		if ln.ProductID > 0 {
			rows[i].Product = strconv.FormatInt(ln.ProductID, 10)
		}
		if ln.DiscountBP != 0 {
			rows[i].Discount = strings.TrimPrefix(percentText(ln.DiscountBP), "%")
		}
	}
	return rows
}

// parseLines reads the line editor's rows: the filled rows as typed (an
// empty row is dropped) and the lines they make, with a message per
// row for what cannot be read. A row's empty price, unit or KDV rate
// comes from its product.
func parseLines(l *i18n.Locale, form url.Values, c *salesChoices) ([]lineInput, []store.DocLine, bool) {
	n := 0
	for _, k := range []string{lineProduct, lineDesc, lineQty, lineUnit, linePrice, lineDiscount, lineRate} {
		n = max(n, len(form[k]))
	}
	at := func(k string, i int) string {
		if v := form[k]; i < len(v) {
			return strings.TrimSpace(v[i])
		}
		return ""
	}
	var rows []lineInput
	var lines []store.DocLine
	ok := true
	for i := 0; i < n; i++ {
		row := lineInput{Product: at(lineProduct, i), Description: at(lineDesc, i), Quantity: at(lineQty, i), Unit: at(lineUnit, i),
			UnitPrice: at(linePrice, i), Discount: at(lineDiscount, i), Rate: at(lineRate, i)}
		if row.Product == "" && row.Description == "" && row.Quantity == "" && row.UnitPrice == "" && row.Discount == "" {
			continue // an empty row, or one cleared to remove it
		}
		no := len(rows) + 1
		var ln store.DocLine
		var p productInfo
		if row.Product != "" {
			id, err := strconv.ParseInt(row.Product, 10, 64)
			var found bool
			p, found = c.byID[id]
			if err != nil || id <= 0 {
				row.Errors = append(row.Errors, l.T("error.line_ref_missing", no))
			} else {
				ln.ProductID = id
				_ = found // a product no longer offered is the store's to check
			}
		}
		ln.Description = row.Description
		if q, err := money.ParseQty(row.Quantity); err == nil && q > 0 {
			ln.Quantity = q
		} else {
			row.Errors = append(row.Errors, l.T("error.line_quantity", no))
		}
		ln.Unit = row.Unit
		if ln.Unit == "" && p.Unit != "" {
			ln.Unit, row.Unit = p.Unit, p.Unit
		}
		switch price, valid := tr.ParseMoney(row.UnitPrice); {
		case row.UnitPrice == "" && p.ID != 0:
			ln.UnitPrice, row.UnitPrice = p.Price, tr.Decimal(p.Price, 2)
		case valid && price >= 0 && row.UnitPrice != "":
			ln.UnitPrice = price
		default:
			row.Errors = append(row.Errors, l.T("error.line_price", no))
		}
		if row.Discount != "" {
			if bp, valid := store.ParsePercent(strings.TrimPrefix(row.Discount, "%")); valid && bp >= 0 && bp <= 10000 {
				ln.DiscountBP = bp
			} else {
				row.Errors = append(row.Errors, l.T("error.line_discount", no))
			}
		}
		if row.Rate == "" && p.ID != 0 {
			row.Rate = strconv.FormatInt(p.RateBP, 10)
		}
		if bp, err := strconv.ParseInt(row.Rate, 10, 64); err == nil {
			ln.KDVRateBP = bp
		} else {
			row.Errors = append(row.Errors, l.T("error.line_kdv_rate", no))
		}
		if len(row.Errors) > 0 {
			ok = false
		}
		rows = append(rows, row)
		lines = append(lines, ln)
	}
	return rows, lines, ok
}

// docFormInput is what a document form shows.
type docFormInput struct {
	id    int64
	vals  store.Values
	refs  map[string]string
	rows  []lineInput
	lines []store.DocLine // the rows as lines, when they all could be read
	errs  *store.ValidationError
	seen  time.Time
	next  string
	extra int // empty rows beyond the usual
	// message overrides the summary of problems (a conflict).
	message string
}

func (s *Server) renderDocForm(w http.ResponseWriter, r *http.Request, status int, m *store.Module, c *salesChoices, in docFormInput) {
	st := state(r)
	l := st.locale
	errs := map[string]string{}
	var lineMsgs []string
	linesErr := ""
	if in.errs != nil {
		for _, name := range sortedFieldNames(in.errs) {
			msg := in.errs.Fields[name]
			text := l.T(msg.Key, msg.Args...)
			if rest, ok := strings.CutPrefix(name, "lines."); ok {
				idx, _, _ := strings.Cut(rest, ".")
				if i, err := strconv.Atoi(idx); err == nil && i < len(in.rows) {
					in.rows[i].Errors = append(in.rows[i].Errors, text)
					continue
				}
			}
			if name == "lines" {
				linesErr = text
				continue
			}
			errs[name] = text
		}
	}
	refs := in.refs
	if refs == nil {
		refs = map[string]string{}
	}
	for _, name := range []string{"customer_id", "contact_id", "opportunity_id"} {
		f, ok := m.Field(name)
		if !ok || refs[name] != "" {
			continue
		}
		if rid, ok := in.vals.Int(name); ok {
			target, _ := s.store.Module(f.Ref)
			if rec, err := s.store.Get(r.Context(), st.actor, target, rid); err == nil {
				refs[name] = rec.Title()
			}
		}
	}
	fc, err := s.formContext(r, m, in.id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &docFormData{Module: m, ID: in.id, Action: "/" + m.Key, Cancel: "/" + m.Key, Next: localPath(in.next)}
	if in.id > 0 {
		d.Action = docURL(m, in.id)
		d.Cancel = d.Action
	}
	if d.Next != "" {
		d.Cancel = d.Next
	}
	if !in.seen.IsZero() {
		d.Seen = in.seen.UTC().Format(time.RFC3339Nano)
	}
	d.Fields = formFields(l, m, in.vals, refs, errs, fc)
	if err := s.contactChoices(r, in.vals, refs, d.Fields); err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, u := range store.Units {
		d.Units = append(d.Units, option{Value: u, Label: l.T("choice.products.unit." + u)})
	}
	d.Rates = c.rates
	rows := in.rows
	for i := 0; i < blankLines+in.extra || len(rows) == 0; i++ {
		rows = append(rows, lineInput{Unit: "adet"})
	}
	for i := range rows {
		rows[i].No = i + 1
		rows[i].Products = productOptions(l, c, rows[i].Product)
		if rows[i].Rate == "" && len(c.rates) > 0 {
			rows[i].Rate = c.rates[0].Value
		}
		lineMsgs = append(lineMsgs, rows[i].Errors...)
	}
	d.Lines = rows
	d.LinesErr = linesErr
	if in.lines != nil {
		disc, _ := in.vals.Int("discount_amount")
		if t, err := store.DocumentTotals(in.lines, disc); err == nil && len(in.lines) > 0 {
			cur := in.vals.Str("currency")
			d.Totals = totalRows(l, t, cur)
			d.Words = amountWords(t, cur)
		}
	}
	if len(errs) > 0 || len(lineMsgs) > 0 || linesErr != "" {
		var labels []string
		for i := range d.Fields {
			if d.Fields[i].Error != "" {
				if len(labels) == 0 {
					d.Fields[i].Focus = true
				}
				labels = append(labels, d.Fields[i].Label)
			}
		}
		for name, text := range errs {
			if !containsField(d.Fields, name) {
				labels = append(labels, text) // a problem the form has no field for (the status)
			}
		}
		labels = append(labels, lineMsgs...)
		if linesErr != "" {
			labels = append(labels, linesErr)
		}
		d.Message = l.T("form.fix_errors", strings.Join(labels, "; "))
	}
	if in.message != "" {
		d.Message = in.message
	}
	p := s.newPage(r, m.Label, d)
	if in.id > 0 {
		p.Title = l.T("doc.edit_"+m.Key, in.vals.Str("number"))
	} else {
		p.Title = l.T(m.Key + ".new")
	}
	s.render(w, r, status, "sales_form", p)
}

func (s *Server) docNew(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		st := state(r)
		if !st.actor.Can(m, store.ActCreate) {
			s.storeError(w, r, store.ErrForbidden)
			return
		}
		q := r.URL.Query()
		if q.Get("customer_id") == "" {
			f, _ := m.Field("customer_id")
			s.pickParent(w, r, m, f)
			return
		}
		c, err := s.salesChoices(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		vals := m.NewValues()
		vals["owner_id"] = st.user.ID
		vals["issue_date"] = time.Now().In(tr.Istanbul).Format(time.DateOnly)
		if firm, err := s.store.Firm(r.Context(), st.actor); err == nil {
			vals["payment_terms"] = firm.PaymentTerms
		}
		presets, _ := m.ParseForm(q)
		for k, v := range presets {
			if q.Has(k) {
				vals[k] = v
			}
		}
		s.renderDocForm(w, r, http.StatusOK, m, c, docFormInput{vals: vals, next: q.Get("next")})
	}
}

func (s *Server) docEdit(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		st := state(r)
		doc, err := s.store.LoadDocument(r.Context(), st.actor, m, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		if can, err := s.store.Allowed(r.Context(), st.actor, m, store.ActEdit, id); err != nil || !can {
			s.storeError(w, r, firstErr(err, store.ErrForbidden))
			return
		}
		if !store.DocumentEditable(m, doc.Values.Str("status")) {
			s.addFlash(r, "error", "doc.locked")
			s.redirect(w, r, docURL(m, id))
			return
		}
		c, err := s.salesChoices(r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.renderDocForm(w, r, http.StatusOK, m, c, docFormInput{id: id, vals: doc.Values, refs: doc.Refs,
			rows: lineRowsOf(doc.Lines), lines: doc.Lines, seen: doc.UpdatedAt})
	}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// docSubmit reads a posted document form; ok is false when the form was
// answered here (shown again with one more row, or with its problems).
func (s *Server) docSubmit(w http.ResponseWriter, r *http.Request, m *store.Module, id int64) (store.Values, []store.DocLine, docFormInput, bool) {
	l := state(r).locale
	c, err := s.salesChoices(r)
	if err != nil {
		s.serverError(w, r, err)
		return nil, nil, docFormInput{}, false
	}
	vals, errs := m.ParseForm(r.PostForm)
	rows, lines, linesOK := parseLines(l, r.PostForm, c)
	seen, _ := time.Parse(time.RFC3339Nano, r.PostFormValue("updated_at"))
	in := docFormInput{id: id, vals: vals, rows: rows, errs: errs, seen: seen, next: r.PostFormValue("next")}
	if linesOK {
		in.lines = lines
	}
	if r.PostFormValue("op") == "add_line" {
		in.errs, in.extra = nil, 1
		s.renderDocForm(w, r, http.StatusOK, m, c, in)
		return nil, nil, in, false
	}
	if errs.Err() != nil || !linesOK {
		m.Check(vals, errs)
		s.renderDocForm(w, r, http.StatusUnprocessableEntity, m, c, in)
		return nil, nil, in, false
	}
	return vals, lines, in, true
}

func (s *Server) docCreate(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		vals, lines, in, ok := s.docSubmit(w, r, m, 0)
		if !ok {
			return
		}
		doc, err := s.store.CreateDocument(r.Context(), state(r).actor, m, vals, lines)
		if s.docSaveFailed(w, r, m, in, err) {
			return
		}
		s.addFlash(r, "ok", "record.added")
		s.redirect(w, r, docURL(m, doc.ID))
	}
}

func (s *Server) docUpdate(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		vals, lines, in, ok := s.docSubmit(w, r, m, id)
		if !ok {
			return
		}
		if lines == nil {
			lines = []store.DocLine{} // every row cleared: the store says a document needs lines, if it does
		}
		_, err := s.store.UpdateDocument(r.Context(), state(r).actor, m, id, vals, lines, in.seen)
		if s.docSaveFailed(w, r, m, in, err) {
			return
		}
		s.addFlash(r, "ok", "record.saved")
		s.redirect(w, r, docURL(m, id))
	}
}

// docSaveFailed answers a refused save with the form, everything typed
// kept; true when it did.
func (s *Server) docSaveFailed(w http.ResponseWriter, r *http.Request, m *store.Module, in docFormInput, err error) bool {
	if err == nil {
		return false
	}
	v, invalid := store.AsValidation(err)
	conflict := errors.Is(err, store.ErrConflict)
	if !invalid && !conflict {
		s.storeError(w, r, err)
		return true
	}
	c, cerr := s.salesChoices(r)
	if cerr != nil {
		s.serverError(w, r, cerr)
		return true
	}
	status := http.StatusUnprocessableEntity
	if conflict {
		cur, gerr := s.store.Get(r.Context(), state(r).actor, m, in.id)
		if gerr != nil {
			s.storeError(w, r, gerr)
			return true
		}
		in.seen, in.message, status = cur.UpdatedAt, state(r).locale.T("record.conflict"), http.StatusConflict
	} else {
		in.errs = v
	}
	s.renderDocForm(w, r, status, m, c, in)
	return true
}

// contactChoices makes the contact person a choice among the customer's
// people (a company's yetkili), the current one kept.
func (s *Server) contactChoices(r *http.Request, vals store.Values, refs map[string]string, fields []formField) error {
	customer, ok := vals.Int("customer_id")
	if !ok {
		return nil
	}
	for i := range fields {
		f := &fields[i]
		if f.Name != "contact_id" || f.Disabled {
			continue
		}
		contacts, err := s.store.Contacts(r.Context(), state(r).actor, customer)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var opts []option
		for _, c := range contacts {
			if c.Person != nil && c.Person.ID != customer {
				opts = append(opts, option{Value: strconv.FormatInt(c.Person.ID, 10), Label: c.Person.Title()})
			}
		}
		if f.Value != "" && !slices.ContainsFunc(opts, func(o option) bool { return o.Value == f.Value }) {
			opts = append([]option{{Value: f.Value, Label: refs["contact_id"]}}, opts...)
		}
		f.Input = "select"
		f.Options = selectOptions(opts, f.Value, true)
	}
	return nil
}
