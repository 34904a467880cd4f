// Package pdfdoc renders a sales document — a quote, an order or an
// invoice — as a print-ready A4 PDF: the firm's letterhead and logo, the
// customer, the lines, the KDV breakdown, the totals in Turkish formats and
// the amount in words.
//
// It uses codeberg.org/go-pdf/fpdf (pure Go, embeds a subset of a TrueType
// font with UTF-8 text) and the Go fonts from golang.org/x/image, which
// carry every Turkish letter (ğ Ğ ş Ş ı İ ç Ç ö Ö ü Ü); no font file lives
// in the repository. The Go fonts have no ₺ glyph, so amounts print as
// "1.234,56 TL", the form Turkish invoices use anyway.
//
// The package takes plain values and has no database dependency: the
// caller loads the document, computes its totals with store/money and
// passes translated labels.
package pdfdoc

import (
	"errors"
	"fmt"
	"io"
	"time"

	"kobicrm/store/money"
)

// Party is the firm or the customer as printed on the document.
type Party struct {
	Title     string // trade name or full name
	Address   string // may span lines
	TaxOffice string // vergi dairesi
	TaxNo     string // VKN or TCKN
	Phone     string
	Email     string
	IBAN      string
}

// Line is one document line. Net is the line's amount after its own
// discount, in kuruş (money.LineTotal.Net).
type Line struct {
	Description string // may span lines; long text wraps
	Unit        string // "adet", "kg", "saat"…
	Quantity    money.Qty
	UnitPrice   int64 // kuruş
	DiscountBP  int64 // basis points, 1000 = 10 %
	KDVRateBP   int64 // basis points, 2000 = 20 %
	Net         int64 // kuruş
}

// Document is everything printed on one quote, order or invoice.
type Document struct {
	Kind   string            // KindQuote, KindOrder or KindInvoice
	Labels map[string]string // translated labels by key (the Label… constants); missing ones are Turkish

	Number     string
	Date       time.Time // shown in Istanbul; zero hides the row
	DueDate    time.Time // vade; zero hides the row
	ValidUntil time.Time // a quote's validity; zero hides the row

	Firm          Party
	Logo          []byte // PNG or JPEG; nil for none
	Customer      Party
	ContactPerson string

	Lines        []Line
	Totals       money.Totals
	Currency     string // ISO code; "" or "TRY" prints "TL" and the amount in words
	NotesText    string // plain text, already stripped of Markdown
	PaymentTerms string
}

// Document kinds.
const (
	KindQuote   = "quote"
	KindOrder   = "order"
	KindInvoice = "invoice"
)

// Label keys of Document.Labels.
const (
	LabelQuote        = "heading.quote"   // TEKLİF
	LabelOrder        = "heading.order"   // SİPARİŞ
	LabelInvoice      = "heading.invoice" // FATURA
	LabelNumber       = "number"
	LabelDate         = "date"
	LabelDueDate      = "dueDate"
	LabelValidUntil   = "validUntil"
	LabelCustomer     = "customer"
	LabelContact      = "contact"
	LabelTaxOffice    = "taxOffice"
	LabelTaxNo        = "taxNo"
	LabelPhone        = "phone"
	LabelEmail        = "email"
	LabelIBAN         = "iban"
	LabelColNo        = "col.no"
	LabelColDesc      = "col.description"
	LabelColQty       = "col.quantity"
	LabelColUnit      = "col.unit"
	LabelColUnitPrice = "col.unitPrice"
	LabelColDiscount  = "col.discount"
	LabelColKDV       = "col.kdv"
	LabelColNet       = "col.net"
	LabelRate         = "rate"
	LabelTaxBase      = "taxBase"
	LabelKDV          = "kdv"
	LabelSubtotal     = "subtotal"
	LabelDiscount     = "discount"
	LabelGrandTotal   = "grandTotal"
	LabelInWords      = "inWords"
	LabelNotes        = "notes"
	LabelPaymentTerms = "paymentTerms"
	LabelPage         = "page"
)

// DefaultLabelsTR returns the Turkish labels. The map is a fresh copy the
// caller may change.
func DefaultLabelsTR() map[string]string {
	return map[string]string{
		LabelQuote:        "TEKLİF",
		LabelOrder:        "SİPARİŞ",
		LabelInvoice:      "FATURA",
		LabelNumber:       "Belge No",
		LabelDate:         "Tarih",
		LabelDueDate:      "Vade Tarihi",
		LabelValidUntil:   "Geçerlilik Tarihi",
		LabelCustomer:     "Sayın",
		LabelContact:      "İlgili",
		LabelTaxOffice:    "Vergi Dairesi",
		LabelTaxNo:        "VKN/TCKN",
		LabelPhone:        "Tel",
		LabelEmail:        "E-posta",
		LabelIBAN:         "IBAN",
		LabelColNo:        "No",
		LabelColDesc:      "Açıklama",
		LabelColQty:       "Miktar",
		LabelColUnit:      "Birim",
		LabelColUnitPrice: "Birim Fiyat",
		LabelColDiscount:  "İskonto",
		LabelColKDV:       "KDV",
		LabelColNet:       "Tutar",
		LabelRate:         "KDV Oranı",
		LabelTaxBase:      "Matrah",
		LabelKDV:          "KDV",
		LabelSubtotal:     "Ara Toplam",
		LabelDiscount:     "İskonto",
		LabelGrandTotal:   "Genel Toplam",
		LabelInWords:      "Yalnız",
		LabelNotes:        "Notlar",
		LabelPaymentTerms: "Ödeme Koşulları",
		LabelPage:         "Sayfa",
	}
}

// LabelKeys lists every label key, for callers that fill Labels from a
// locale catalogue.
func LabelKeys() []string {
	m := DefaultLabelsTR()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// ErrKind is returned for a Document.Kind other than the three known ones.
var ErrKind = errors.New("pdfdoc: unknown document kind")

// Write renders d as an A4 PDF to w. Lines that do not fit a page continue
// on the next one under a repeated table header, and every page is
// numbered "Sayfa 1 / 2". A logo that is not a readable PNG or JPEG is an
// error; nothing is written to w then.
func Write(w io.Writer, d Document) error {
	heading := map[string]string{KindQuote: LabelQuote, KindOrder: LabelOrder, KindInvoice: LabelInvoice}[d.Kind]
	if heading == "" {
		return fmt.Errorf("%w: %q", ErrKind, d.Kind)
	}
	var logo *logoImage
	if len(d.Logo) > 0 {
		var err error
		if logo, err = cachedLogo(d.Logo); err != nil {
			return err
		}
	}
	r := newRenderer(d, heading, logo)
	r.render()
	if err := r.pdf.Error(); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	if err := r.pdf.Output(w); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	return nil
}
