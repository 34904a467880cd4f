package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kobicrm/store"
	"kobicrm/store/sheet"
	"kobicrm/store/tr"
	"kobicrm/store/vcard"
	"kobicrm/ui/i18n"
)

// Exports write a list (its filters, search and sort) as a spreadsheet in
// the words people read: the fields' labels as headers, choices by their
// names, phones as they are dialled, money and dates as numbers and dates
// Excel understands. The store decides which records and fields the user
// may take away; this file only lays them out.

// ExportFormats are the formats a list exports to: two spreadsheets, and
// contact cards for the lists of customers.
var ExportFormats = []string{"csv", "xlsx", "vcf"}

// CanExportAs says whether m's lists export to format: a vCard file holds
// customers only.
func CanExportAs(m *store.Module, format string) bool {
	return slices.Contains(ExportFormats, format) && (format != "vcf" || m.Key == store.Customers.Key)
}

// exportFields are the fields a user's export holds: every field but the
// program's internal keys, a role's permissions and what is hidden from them.
func exportFields(a *store.Actor, m *store.Module) []*store.Field {
	var out []*store.Field
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Internal || f.Kind == store.Grants || a.FieldAccess(m, f.Name) == store.AccessHidden {
			continue
		}
		out = append(out, f)
	}
	return out
}

// ExportFile writes the records of q to w in format (csv, xlsx, or vcf
// for customers) and returns how many it wrote.
func ExportFile(ctx context.Context, st *store.Store, a *store.Actor, l *i18n.Locale, m *store.Module, q store.ListQuery, format string, w io.Writer) (int, error) {
	if c, ok := st.Module(m.Key); ok {
		m = c // the database's declaration, with its custom fields
	}
	if !CanExportAs(m, format) {
		return 0, fmt.Errorf("%w: %s export format %q", store.ErrBadQuery, m.Key, format)
	}
	if format == "vcf" {
		// One card after another is a valid .vcf file.
		return st.Export(ctx, a, m, q, func(r *store.Record) error { return vcard.Encode(w, store.CustomerCard(r)) })
	}
	fields := exportFields(a, m)
	cols := []sheet.Column{{Name: l.T("export.id"), Numeric: true}}
	for _, f := range fields {
		cols = append(cols, sheet.Column{Name: fieldLabel(l, m, f), Numeric: f.Kind == store.Int || f.Kind == store.Money, Date: f.Kind == store.Date})
	}
	cols = append(cols, sheet.Column{Name: l.T("field.created_at"), Date: true})
	var out sheet.RowWriter
	var err error
	switch format {
	case "csv":
		out, err = sheet.NewCSVWriter(w, cols)
	case "xlsx":
		out, err = sheet.NewXLSXWriter(w, cols)
	default:
		return 0, fmt.Errorf("%w: export format %q", store.ErrBadQuery, format)
	}
	if err != nil {
		return 0, err
	}
	cells := make([]string, len(cols))
	n, err := st.Export(ctx, a, m, q, func(r *store.Record) error {
		cells[0] = strconv.FormatInt(r.ID, 10)
		for i, f := range fields {
			cells[i+1] = exportText(l, m, f, r)
		}
		cells[len(cells)-1] = r.CreatedAt.In(tr.Istanbul).Format(time.DateOnly)
		return out.Write(cells)
	})
	if err != nil {
		return n, err
	}
	return n, out.Close()
}

// exportText is a field's value as a spreadsheet cell.
func exportText(l *i18n.Locale, m *store.Module, f *store.Field, r *store.Record) string {
	v := r.Values[f.Name]
	switch f.Kind {
	case store.Money:
		if n, ok := v.(int64); ok {
			sign := ""
			if n < 0 {
				sign, n = "-", -n
			}
			return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
		}
		return ""
	case store.Int:
		if n, ok := v.(int64); ok {
			return strconv.FormatInt(n, 10)
		}
		return ""
	case store.Ref, store.RefList:
		return r.Refs[f.Name]
	case store.Choice:
		if s, _ := v.(string); s != "" {
			return choiceLabel(l, m, f, s)
		}
		return ""
	case store.MultiChoice:
		// "; " as Turkish Excel separates lists; the importer takes the
		// labels back in either language.
		return strings.Join(multiChoiceLabels(l, m, f, v), "; ")
	case store.Phone:
		s, _ := v.(string)
		return tr.FormatPhone(s)
	case store.DateTime:
		// Istanbul's wall clock, as people read it; the importer takes
		// it back.
		s, _ := v.(string)
		if t, err := time.Parse(tr.DateTimeLayout, s); err == nil {
			return t.In(tr.Istanbul).Format("02.01.2006 15:04")
		}
		return ""
	case store.PhoneList:
		var parts []string
		for _, p := range r.Values.Phones(f.Name) {
			part := tr.FormatPhone(p.Number)
			if p.Label != "" {
				part = p.Label + ": " + part
			}
			parts = append(parts, part)
		}
		return strings.Join(parts, "; ")
	case store.Tags:
		return strings.Join(r.Values.Tags(f.Name), ", ")
	case store.Bool:
		if b, _ := v.(bool); b {
			return l.T("value.yes")
		}
		return l.T("value.no")
	}
	s, _ := v.(string)
	return s
}

// listExport answers a list's export link with the file.
func (s *Server) listExport(spec *listSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		m := s.module(spec.Module)
		if !st.actor.Can(m, store.ActExport) {
			s.storeError(w, r, store.ErrForbidden)
			return
		}
		format := r.URL.Query().Get("format")
		if !CanExportAs(m, format) {
			format = "csv"
		}
		name := fmt.Sprintf("%s-%s", st.locale.T(spec.TitleKey), time.Now().In(tr.Istanbul).Format(time.DateOnly))
		w.Header().Set("Content-Type", exportTypes[format])
		w.Header().Set("Content-Disposition", attachment(name, format))
		// A large export runs for seconds: it gives its turn in the
		// admission queue back, so the pages behind it do not wait on it.
		st.releaseTurn()
		// Once the first bytes are out a failure can only cut the file short;
		// the log says why.
		if _, err := ExportFile(r.Context(), s.store, st.actor, st.locale, m, listQuery(spec, m, r.URL.Query()), format, w); err != nil {
			s.log.Error("export", "list", spec.Key, "err", err)
		}
	}
}

// exportTypes are the formats' media types.
var exportTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"vcf":  "text/vcard; charset=utf-8",
}

// attachment is a Content-Disposition that saves the answer as name.ext:
// the ASCII-folded name for every browser ("Şükrü Çağlar" becomes
// sukru-caglar), and the name itself for those that read RFC 6266's
// filename*.
func attachment(name, ext string) string {
	var b strings.Builder
	dash := false
	for _, r := range tr.Fold(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	ascii := strings.TrimSuffix(b.String(), "-")
	if ascii == "" {
		ascii = "kobicrm"
	}
	return `attachment; filename="` + ascii + "." + ext + `"; filename*=UTF-8''` + url.PathEscape(name+"."+ext)
}

// customerVCard answers a customer page's vCard link with the card, for
// those who may export the record; the store records the export.
func (s *Server) customerVCard(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	rec, err := s.store.ExportRecord(r.Context(), state(r).actor, store.Customers, id, "vcard")
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// Written whole before the headers, so that a failure is a clean 500.
	var b bytes.Buffer
	if err := vcard.Encode(&b, store.CustomerCard(rec)); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", exportTypes["vcf"])
	w.Header().Set("Content-Disposition", attachment(rec.Title(), "vcf"))
	_, _ = w.Write(b.Bytes())
}
