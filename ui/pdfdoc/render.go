package pdfdoc

import (
	"bytes"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"kobicrm/store/money"
	"kobicrm/store/tr"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW    = 210.0
	marginL  = 15.0
	marginR  = 15.0
	marginT  = 12.0
	contentW = pageW - marginL - marginR
	bottom   = 280.0 // content ends above this line
	footerY  = 285.0
)

// A lines-table column: its label key, width (0 = whatever is left) and
// alignment.
type column struct {
	label string
	w     float64
	align string
}

var columns = func() []column {
	cols := []column{
		{LabelColNo, 8, "R"},
		{LabelColDesc, 0, "L"},
		{LabelColQty, 18, "R"},
		{LabelColUnit, 14, "L"},
		{LabelColUnitPrice, 25, "R"},
		{LabelColDiscount, 15, "R"},
		{LabelColKDV, 12, "R"},
		{LabelColNet, 28, "R"},
	}
	rest := contentW
	for _, c := range cols {
		rest -= c.w
	}
	cols[1].w = rest
	return cols
}()

// Colours.
var (
	black     = [3]int{0, 0, 0}
	grey      = [3]int{100, 100, 100}
	ruleGrey  = [3]int{170, 170, 170}
	lightGrey = [3]int{225, 225, 225}
)

type renderer struct {
	pdf     *fpdf.Fpdf
	d       Document
	lb      map[string]string
	heading string
	logo    *logoImage
	cur     string // printed currency: "TL" or the ISO code
	y       float64
	size    float64 // current font size, points
	// tableTop is true right after a table header is drawn: a row that
	// does not fit there will not fit on any page and is split instead of
	// moved on.
	tableTop bool
}

func newRenderer(d Document, headingKey string, logo *logoImage) *renderer {
	lb := DefaultLabelsTR()
	for k, v := range d.Labels {
		if v = clean(v, false); v != "" {
			lb[k] = v
		}
	}
	cur := strings.ToUpper(strings.TrimSpace(d.Currency))
	if cur == "" || cur == "TRY" || cur == "TL" || cur == "₺" {
		cur = "TL"
	} else {
		cur = clean(cur, false)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0) // pages break where render decides
	pdf.SetMargins(marginL, marginT, marginR)
	pdf.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	r := &renderer{pdf: pdf, d: d, lb: lb, heading: lb[headingKey], logo: logo, cur: cur}
	title := strings.TrimSpace(r.heading + " " + clean(d.Number, false))
	pdf.SetTitle(title, true)
	pdf.SetAuthor(clean(d.Firm.Title, false), true)
	pdf.SetCreator("kobicrm", true)
	if !d.Date.IsZero() {
		pdf.SetCreationDate(d.Date)
		pdf.SetModificationDate(d.Date)
	}
	return r
}

func (r *renderer) render() {
	r.pdf.AddPage()
	r.setFont("", 9)
	r.letterhead()
	r.titleAndCustomer()
	r.table()
	r.totals()
	if r.cur == "TL" {
		r.block(LabelInWords, money.Words(r.d.Totals.GrandTotal), true)
	}
	r.block(LabelNotes, r.d.NotesText, false)
	r.block(LabelPaymentTerms, r.d.PaymentTerms, false)
	r.footers()
}

func (r *renderer) setFont(style string, size float64) {
	r.pdf.SetFont(fontFamily, style, size)
	r.size = size
}

func (r *renderer) color(c [3]int) { r.pdf.SetTextColor(c[0], c[1], c[2]) }

// text draws one line of s in a box at (x, y), w wide and h high.
func (r *renderer) text(x, y, w, h float64, s, align string) {
	r.pdf.SetXY(x, y)
	r.pdf.CellFormat(w, h, s, "", 0, align, false, 0, "")
}

// fit draws s like text, shrinking the font (down to 5 pt) when s would
// not fit w: a huge amount must stay inside its column.
func (r *renderer) fit(x, y, w, h float64, s, align string) {
	size := r.size
	room := w - 2*r.pdf.GetCellMargin()
	for size > 5 && r.pdf.GetStringWidth(s) > room {
		size -= 0.5
		r.pdf.SetFontSize(size)
	}
	r.text(x, y, w, h, s, align)
	if size != r.size {
		r.pdf.SetFontSize(r.size)
	}
}

// wrap breaks s (already clean) into lines that fit w at the current
// font; "\n" starts a new line and words longer than w are cut.
func (r *renderer) wrap(s string, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			lines = append(lines, "")
			continue
		}
		lines = append(lines, r.pdf.SplitText(para, w)...)
	}
	return lines
}

func (r *renderer) rule(y float64, c [3]int, width float64) {
	r.pdf.SetDrawColor(c[0], c[1], c[2])
	r.pdf.SetLineWidth(width)
	r.pdf.Line(marginL, y, pageW-marginR, y)
}

// newPage starts a continuation page with a running head: the firm on
// the left, the document's heading and number on the right.
func (r *renderer) newPage() {
	r.pdf.AddPage()
	r.color(black)
	r.setFont("B", 9)
	r.text(marginL, marginT, contentW/2, 5, clean(r.d.Firm.Title, false), "L")
	r.setFont("", 9)
	r.text(marginL+contentW/2, marginT, contentW/2, 5,
		strings.TrimSpace(r.heading+" "+clean(r.d.Number, false)), "R")
	r.rule(marginT+6.5, ruleGrey, 0.2)
	r.y = marginT + 10
}

// partyLines gives a party's address and details as printed lines.
func (r *renderer) partyLines(p Party, w float64) []string {
	lines := r.wrap(clean(p.Address, true), w)
	if len(lines) == 1 && lines[0] == "" {
		lines = nil
	}
	join := func(parts ...string) {
		var kept []string
		for i := 0; i+1 < len(parts); i += 2 {
			if v := clean(parts[i+1], false); v != "" {
				kept = append(kept, r.lb[parts[i]]+": "+v)
			}
		}
		if len(kept) > 0 {
			lines = append(lines, r.wrap(strings.Join(kept, "  ·  "), w)...)
		}
	}
	join(LabelTaxOffice, p.TaxOffice, LabelTaxNo, p.TaxNo)
	join(LabelPhone, p.Phone, LabelEmail, p.Email)
	join(LabelIBAN, p.IBAN)
	return lines
}

// letterhead draws the logo top left and the firm's name and details,
// then a rule.
func (r *renderer) letterhead() {
	top := marginT
	logoBottom := top
	x, w, align := marginL, contentW, "L"
	if r.logo != nil {
		const maxW, maxH = 50.0, 22.0
		lw, lh := maxW, maxW*float64(r.logo.h)/float64(r.logo.w)
		if lh > maxH {
			lw, lh = maxH*float64(r.logo.w)/float64(r.logo.h), maxH
		}
		opt := fpdf.ImageOptions{ImageType: r.logo.typ}
		r.pdf.RegisterImageOptionsReader("logo", opt, bytes.NewReader(r.logo.data))
		r.pdf.ImageOptions("logo", marginL, top, lw, lh, false, opt, 0, "")
		logoBottom = top + lh
		x, w, align = marginL+maxW+5, contentW-maxW-5, "R"
	}
	y := top
	r.color(black)
	r.setFont("B", 12)
	for _, l := range r.wrap(clean(r.d.Firm.Title, false), w) {
		r.text(x, y, w, 5.5, l, align)
		y += 5.5
	}
	r.setFont("", 8)
	r.color(grey)
	for _, l := range r.partyLines(r.d.Firm, w) {
		r.text(x, y, w, 3.8, l, align)
		y += 3.8
	}
	r.y = max(y, logoBottom) + 3
	r.rule(r.y, ruleGrey, 0.3)
	r.y += 4
}

// titleAndCustomer draws the heading (TEKLİF…) with the customer under
// it on the left, and the number and dates on the right.
func (r *renderer) titleAndCustomer() {
	top := r.y
	r.color(black)
	r.setFont("B", 18)
	r.text(marginL, top, 105, 9, r.heading, "L")

	const metaX, labelW, valueW = 125.0, 32.0, contentW + marginL - 125.0 - 32.0
	my := top + 1
	for _, m := range []struct {
		key, value string
	}{
		{LabelNumber, clean(r.d.Number, false)},
		{LabelDate, tr.Date(r.d.Date)},
		{LabelDueDate, tr.Date(r.d.DueDate)},
		{LabelValidUntil, tr.Date(r.d.ValidUntil)},
	} {
		if m.value == "" {
			continue
		}
		r.setFont("", 9)
		r.color(grey)
		r.text(metaX, my, labelW, 5, r.lb[m.key]+":", "L")
		r.setFont("B", 9)
		r.color(black)
		r.fit(metaX+labelW, my, valueW, 5, m.value, "R")
		my += 5
	}

	const custW = 105.0
	cy := top + 12
	r.setFont("", 8)
	r.color(grey)
	r.text(marginL, cy, custW, 4, r.lb[LabelCustomer], "L")
	cy += 4.2
	r.color(black)
	r.setFont("B", 10)
	for _, l := range r.wrap(clean(r.d.Customer.Title, false), custW) {
		r.text(marginL, cy, custW, 5, l, "L")
		cy += 5
	}
	r.setFont("", 9)
	lines := r.partyLines(r.d.Customer, custW)
	if c := clean(r.d.ContactPerson, false); c != "" {
		lines = append(lines, r.wrap(r.lb[LabelContact]+": "+c, custW)...)
	}
	for _, l := range lines {
		r.text(marginL, cy, custW, 4.2, l, "L")
		cy += 4.2
	}
	r.y = max(cy, my) + 6
}

func (r *renderer) tableHeader() {
	const h = 6.0
	if r.y+h+5 > bottom {
		r.newPage()
	}
	r.pdf.SetFillColor(lightGrey[0], lightGrey[1], lightGrey[2])
	r.pdf.Rect(marginL, r.y, contentW, h, "F")
	r.color(black)
	r.setFont("B", 8)
	x := marginL
	for _, c := range columns {
		r.fit(x, r.y, c.w, h, r.lb[c.label], c.align)
		x += c.w
	}
	r.y += h
	r.tableTop = true
}

func (r *renderer) table() {
	r.tableHeader()
	for i, l := range r.d.Lines {
		r.row(i, l)
	}
}

// row draws one document line. The description wraps; a row that does
// not fit the page moves to the next one under a repeated header, and a
// description longer than a whole page is split across pages.
func (r *renderer) row(i int, l Line) {
	const lh = 4.0
	r.setFont("", 8.5)
	desc := r.wrap(clean(l.Description, true), columns[1].w)
	first := true
	for len(desc) > 0 {
		avail := int((bottom - r.y - 1) / lh)
		if len(desc) > avail && !r.tableTop {
			r.newPage()
			r.tableHeader()
			r.setFont("", 8.5)
			continue
		}
		n := min(len(desc), max(avail, 1))
		r.color(black)
		x := marginL + columns[0].w
		for k, s := range desc[:n] {
			r.text(x, r.y+0.5+float64(k)*lh, columns[1].w, lh, s, "L")
		}
		if first {
			cells := []string{
				strconv.Itoa(i + 1), "",
				l.Quantity.String(),
				clean(l.Unit, false),
				tr.Decimal(l.UnitPrice, 2),
				percent(l.DiscountBP, true),
				percent(l.KDVRateBP, false),
				tr.Decimal(l.Net, 2),
			}
			x := marginL
			for c, s := range cells {
				if c != 1 {
					r.fit(x, r.y+0.5, columns[c].w, lh, s, columns[c].align)
				}
				x += columns[c].w
			}
		}
		r.y += float64(n)*lh + 1
		r.rule(r.y, lightGrey, 0.2)
		desc = desc[n:]
		first = false
		r.tableTop = false
	}
}

// percent shows basis points the Turkish way, sign first: 2000 → "%20",
// 1250 → "%12,5". With blankZero, 0 shows as "" (no line discount).
func percent(bp int64, blankZero bool) string {
	if bp == 0 && blankZero {
		return ""
	}
	s := tr.Int(bp / 100)
	if f := bp % 100; f != 0 {
		s += "," + strings.TrimRight(strconv.FormatInt(f+100, 10)[1:], "0")
	}
	return "%" + s
}

func (r *renderer) money(kurus int64) string {
	return tr.Decimal(kurus, 2) + " " + r.cur
}

// totals draws the KDV breakdown per rate on the left and the subtotal,
// discount, KDV per rate and grand total on the right, kept together on
// one page.
func (r *renderer) totals() {
	t := r.d.Totals
	const rh = 5.5
	type row struct {
		label, value string
		bold         bool
	}
	rows := []row{{r.lb[LabelSubtotal], r.money(t.Subtotal), false}}
	if t.DiscountTotal != 0 {
		rows = append(rows, row{r.lb[LabelDiscount], r.money(-t.DiscountTotal), false})
	}
	for _, b := range t.Breakdown {
		rows = append(rows, row{r.lb[LabelKDV] + " " + percent(b.RateBP, false), r.money(b.KDV), false})
	}
	rows = append(rows, row{r.lb[LabelGrandTotal], r.money(t.GrandTotal), true})

	need := max(float64(len(rows))*rh+2, float64(len(t.Breakdown)+1)*5)
	r.y += 4
	if r.y+need > bottom {
		r.newPage()
	}
	top := r.y

	// KDV breakdown: rate, base, KDV.
	if len(t.Breakdown) > 0 {
		const bw = 90.0
		cols := []float64{26, 32, 32}
		r.pdf.SetFillColor(lightGrey[0], lightGrey[1], lightGrey[2])
		r.pdf.Rect(marginL, top, bw, 5, "F")
		r.setFont("B", 8)
		r.color(black)
		x := marginL
		for i, k := range []string{LabelRate, LabelTaxBase, LabelKDV} {
			align := "R"
			if i == 0 {
				align = "L"
			}
			r.fit(x, top, cols[i], 5, r.lb[k], align)
			x += cols[i]
		}
		r.setFont("", 8)
		y := top + 5
		for _, b := range t.Breakdown {
			x := marginL
			for i, s := range []string{percent(b.RateBP, false), r.money(b.Base), r.money(b.KDV)} {
				align := "R"
				if i == 0 {
					align = "L"
				}
				r.fit(x, y, cols[i], 5, s, align)
				x += cols[i]
			}
			y += 5
		}
	}

	// Totals on the right.
	const tx, lw, vw = 115.0, 42.0, contentW + marginL - 115.0 - 42.0
	y := top
	for i, rw := range rows {
		if i == len(rows)-1 {
			r.pdf.SetDrawColor(black[0], black[1], black[2])
			r.pdf.SetLineWidth(0.3)
			r.pdf.Line(tx, y+0.5, pageW-marginR, y+0.5)
			y += 1
		}
		style, size := "", 9.0
		if rw.bold {
			style, size = "B", 10.5
		}
		r.setFont(style, size)
		r.color(black)
		r.fit(tx, y, lw, rh, rw.label, "L")
		r.fit(tx+lw, y, vw, rh, rw.value, "R")
		y += rh
	}
	r.y = top + need + 2
}

// block draws a labelled paragraph (amount in words, notes, payment
// terms), breaking pages between lines. With inline, the label leads the
// text ("Yalnız: …"); otherwise it is a heading above it.
func (r *renderer) block(labelKey, text string, inline bool) {
	text = clean(text, true)
	if text == "" {
		return
	}
	const lh = 4.2
	r.y += 2
	if !inline {
		if r.y+5+lh > bottom {
			r.newPage()
		}
		r.color(black)
		r.setFont("B", 9)
		r.text(marginL, r.y, contentW, 5, r.lb[labelKey], "L")
		r.y += 5
	} else {
		text = r.lb[labelKey] + ": " + text
	}
	r.setFont("", 9)
	for _, l := range r.wrap(text, contentW) {
		if r.y+lh > bottom {
			r.newPage()
			r.setFont("", 9)
		}
		r.color(black)
		r.text(marginL, r.y, contentW, lh, l, "L")
		r.y += lh
	}
}

// footers numbers every page "Sayfa 1 / 2" once the page count is known.
// Going back to a finished page continues its content stream, whose last
// font and colour are whatever it ended with, so the font is set twice
// (fpdf writes a font change only when it differs) and the colour is set
// through the fill colour, which fpdf always writes.
func (r *renderer) footers() {
	n := r.pdf.PageCount()
	for i := 1; i <= n; i++ {
		r.pdf.SetPage(i)
		r.pdf.SetFont(fontFamily, "B", 7.5)
		r.setFont("", 7.5)
		r.pdf.SetFillColor(grey[0], grey[1], grey[2])
		r.color(grey)
		r.rule(footerY-1, ruleGrey, 0.2)
		r.text(marginL, footerY, contentW/2, 4,
			strings.TrimSpace(r.heading+" "+clean(r.d.Number, false)), "L")
		r.text(marginL+contentW/2, footerY, contentW/2, 4,
			r.lb[LabelPage]+" "+strconv.Itoa(i)+" / "+strconv.Itoa(n), "R")
	}
}
