package ui

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
	"kobicrm/ui/pdfdoc"
)

// A document as the customer receives it: a print-ready A4 page (the
// browser prints it, or saves it as PDF) and a PDF download drawn by
// ui/pdfdoc, both from the same loaded document, firm and customer.

// printDoc is what both forms print.
type printDoc struct {
	doc      *store.Document
	firm     *store.FirmSettings
	customer pdfdoc.Party
	contact  string
	logo     []byte
}

// loadPrint reads the document, its customer and the firm through the
// user's scope.
func (s *Server) loadPrint(r *http.Request, m *store.Module, id int64) (*printDoc, error) {
	st := state(r)
	doc, err := s.store.LoadDocument(r.Context(), st.actor, m, id)
	if err != nil {
		return nil, err
	}
	firm, err := s.store.Firm(r.Context(), st.actor)
	if err != nil {
		return nil, err
	}
	p := &printDoc{doc: doc, firm: firm}
	if firm.HasLogo() {
		if p.logo, _, err = s.store.FirmLogo(r.Context(), st.actor); err != nil {
			return nil, err
		}
	}
	p.customer.Title = doc.Refs["customer_id"]
	if cid, ok := doc.Values.Int("customer_id"); ok {
		c, err := s.store.Get(r.Context(), st.actor, s.module(store.Customers), cid)
		if err != nil {
			return nil, err
		}
		p.customer = customerParty(c)
	}
	p.contact = doc.Refs["contact_id"]
	return p, nil
}

// customerParty is a customer as a document addresses it.
func customerParty(c *store.Record) pdfdoc.Party {
	v := c.Values
	p := pdfdoc.Party{Title: c.Title(), Email: v.Str("email"), TaxOffice: v.Str("tax_office"), TaxNo: v.Str("vkn")}
	if ph := v.Str("phone"); ph != "" {
		p.Phone = tr.FormatPhone(ph)
	}
	var lines []string
	if a := strings.TrimSpace(v.Str("address")); a != "" {
		lines = append(lines, a)
	}
	place := strings.TrimSpace(strings.Join(nonEmpty(v.Str("postal_code"), v.Str("district")), " "))
	if prov := v.Str("province"); prov != "" {
		if place != "" {
			place += " / "
		}
		place += prov
	}
	if place != "" {
		lines = append(lines, place)
	}
	p.Address = strings.Join(lines, "\n")
	return p
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func firmParty(f *store.FirmSettings) pdfdoc.Party {
	p := pdfdoc.Party{Title: f.LegalTitle, Address: f.Address, TaxOffice: f.TaxOffice, TaxNo: f.VKN, Email: f.Email, IBAN: f.IBANGroups()}
	if f.Phone != "" {
		p.Phone = tr.FormatPhone(f.Phone)
	}
	return p
}

var pdfKinds = map[string]string{"quotes": pdfdoc.KindQuote, "orders": pdfdoc.KindOrder, "invoices": pdfdoc.KindInvoice}

// pdfDocument is the document as pdfdoc prints it, labelled in the
// user's language.
func pdfDocument(l *i18n.Locale, m *store.Module, p *printDoc) pdfdoc.Document {
	v := p.doc.Values
	d := pdfdoc.Document{Kind: pdfKinds[m.Key], Labels: map[string]string{}, Number: v.Str("number"),
		Date: dayOf(v.Str("issue_date")), DueDate: dayOf(v.Str("due_date")), ValidUntil: dayOf(v.Str("valid_until")),
		Firm: firmParty(p.firm), Logo: p.logo, Customer: p.customer, ContactPerson: p.contact,
		Totals: p.doc.Totals, Currency: v.Str("currency"), NotesText: v.Str("notes"), PaymentTerms: v.Str("payment_terms")}
	for _, k := range pdfdoc.LabelKeys() {
		if key := "pdf." + k; l.T(key) != key {
			d.Labels[k] = l.T(key)
		}
	}
	for i, ln := range p.doc.Lines {
		pl := pdfdoc.Line{Description: ln.Description, Unit: l.T("choice.products.unit." + ln.Unit), Quantity: ln.Quantity,
			UnitPrice: ln.UnitPrice, DiscountBP: ln.DiscountBP, KDVRateBP: ln.KDVRateBP}
		if i < len(p.doc.Totals.Lines) {
			pl.Net = p.doc.Totals.Lines[i].Net
		}
		d.Lines = append(d.Lines, pl)
	}
	return d
}

func (s *Server) docPDF(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		p, err := s.loadPrint(r, m, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := pdfdoc.Write(&buf, pdfDocument(state(r).locale, m, p)); err != nil {
			s.serverError(w, r, err)
			return
		}
		name := p.doc.Values.Str("number")
		if name == "" {
			name = m.Key + "-" + strconv.FormatInt(id, 10)
		}
		h := w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `attachment; filename="`+safeFileName(name)+`.pdf"`)
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
	}
}

// safeFileName keeps a document number's letters, digits and dashes.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// printPage is the print-ready A4 page.
type printPage struct {
	Heading    string
	Number     string
	Date       string
	DueDate    string
	ValidUntil string
	Firm       pdfdoc.Party
	LogoURL    string
	Customer   pdfdoc.Party
	Contact    string
	Lines      []docLineRow
	Totals     []totalRow
	Words      string
	Notes      string
	Terms      string
	Back       string
	PDFURL     string
}

func (s *Server) docPrint(m *store.Module) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.module(m)
		id, ok := pathID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		p, err := s.loadPrint(r, m, id)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		l := state(r).locale
		v := p.doc.Values
		cur := v.Str("currency")
		d := &printPage{Heading: l.T("doc.heading_" + m.Key), Number: v.Str("number"), Date: l.Date(dayOf(v.Str("issue_date"))),
			DueDate: l.Date(dayOf(v.Str("due_date"))), ValidUntil: l.Date(dayOf(v.Str("valid_until"))),
			Firm: firmParty(p.firm), Customer: p.customer, Contact: p.contact, Lines: docLineRows(l, p.doc),
			Totals: totalRows(l, p.doc.Totals, cur), Words: amountWords(p.doc.Totals, cur), Notes: v.Str("notes"),
			Terms: v.Str("payment_terms"), Back: docURL(m, id), PDFURL: docURL(m, id) + "/pdf"}
		if p.logo != nil {
			d.LogoURL = logoPath
		}
		pg := s.newPage(r, m.Label, d)
		pg.Title = d.Heading + " " + d.Number
		s.render(w, r, http.StatusOK, "sales_print", pg)
	}
}
