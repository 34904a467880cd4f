package ui

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
)

// The firm settings page: the firm's own details for its documents, and
// its logo, uploaded, previewed and removed here. Administrators only;
// the logo itself is served to everyone logged in (documents show it).

const (
	firmPath     = "/settings/firm"
	firmLogoPath = firmPath + "/logo"
	// logoPath serves the logo; ?v= changes with each upload, so a
	// browser never shows an old one from its cache.
	logoPath = "/firm/logo"
)

func (s *Server) firmRoutes(in, admin *mux.Router) {
	in.HandleFunc(logoPath, s.firmLogo).Methods(http.MethodGet)
	admin.HandleFunc(firmPath, s.firmForm).Methods(http.MethodGet)
	admin.HandleFunc(firmPath, s.firmSubmit).Methods(http.MethodPost)
	admin.HandleFunc(firmLogoPath, s.firmLogoUpload).Methods(http.MethodPost)
	admin.HandleFunc(firmLogoPath+"/remove", s.firmLogoRemove).Methods(http.MethodPost)
}

type firmData struct {
	Fields   []formField
	Message  string
	LogoURL  string // "" without a logo
	LogoErr  string
	LogoHint string
	History  []historyRow
}

// firmFields are the form's inputs in order: name, input type, and
// whether it is required.
var firmFields = []struct {
	name, input string
	required    bool
}{
	{"legal_title", "text", true}, {"address", "textarea", false}, {"vkn", "text", false}, {"tax_office", "text", false},
	{"iban", "text", false}, {"phone", "tel", false}, {"email", "email", false},
	{"payment_terms", "textarea", false}, {"payment_days", "number", false},
}

func (s *Server) firmForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.store.Firm(r.Context(), state(r).actor)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderFirm(w, r, http.StatusOK, f, firmValues(f), nil, "")
}

// firmValues are the settings as the form shows them.
func firmValues(f *store.FirmSettings) url.Values {
	return url.Values{"legal_title": {f.LegalTitle}, "address": {f.Address}, "vkn": {f.VKN}, "tax_office": {f.TaxOffice},
		"iban": {f.IBANGroups()}, "phone": {formatPhoneInput(f.Phone)}, "email": {f.Email},
		"payment_terms": {f.PaymentTerms}, "payment_days": {strconv.Itoa(f.PaymentDays)}}
}

func formatPhoneInput(e164 string) string {
	if e164 == "" {
		return ""
	}
	return inputValue(&store.Field{Kind: store.Phone}, e164)
}

func (s *Server) firmSubmit(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	in, errs := store.ParseFirmForm(r.PostForm)
	if errs.Err() == nil {
		err := s.store.SaveFirm(r.Context(), st.actor, in)
		if v, ok := store.AsValidation(err); ok {
			errs = v
		} else if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	if errs.Err() != nil {
		f, err := s.store.Firm(r.Context(), st.actor)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.renderFirm(w, r, http.StatusUnprocessableEntity, f, r.PostForm, errs, "")
		return
	}
	s.addFlash(r, "ok", "firm.saved")
	s.redirect(w, r, firmPath)
}

// renderFirm shows the form with values as typed and each problem
// beside its field.
func (s *Server) renderFirm(w http.ResponseWriter, r *http.Request, status int, f *store.FirmSettings, vals url.Values, errs *store.ValidationError, logoErr string) {
	st := state(r)
	l := st.locale
	d := &firmData{LogoErr: logoErr, LogoHint: l.T("firm.logo_hint", store.MaxLogoBytes>>10)}
	if f.HasLogo() {
		d.LogoURL = logoPath + "?v=" + strconv.FormatInt(f.UpdatedAt.UnixMilli(), 10)
	}
	var bad []string
	for _, ff := range firmFields {
		field := formField{Name: ff.name, Label: l.T("firm." + ff.name), Input: ff.input, Value: vals.Get(ff.name), Required: ff.required}
		if ff.name == "vkn" {
			field.Hint = l.T("firm.vkn_hint")
		}
		if errs != nil {
			if msg, ok := errs.Fields[ff.name]; ok {
				field.Error = l.T(msg.Key, msg.Args...)
				field.Focus = len(bad) == 0
				bad = append(bad, field.Label)
			}
		}
		d.Fields = append(d.Fields, field)
	}
	if len(bad) > 0 {
		d.Message = l.T("form.fix_errors", strings.Join(bad, ", "))
	}
	entries, err := s.store.FirmHistory(r.Context(), st.actor, historyLimit)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, e := range entries {
		row := historyRowOf(l, nil, e)
		for i := range row.Changes {
			row.Changes[i].Label = l.T("firm." + e.Changes[i].Field)
		}
		d.History = append(d.History, row)
	}
	s.render(w, r, status, "firm", s.newPage(r, "firm.title", d))
}

// firmLogoUpload takes the logo file of the upload form.
func (s *Server) firmLogoUpload(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	var data []byte
	file, _, err := r.FormFile("logo")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		data = []byte{} // "choose a file", from the store's check
	case err != nil:
		s.renderError(w, r, http.StatusBadRequest)
		return
	default:
		defer file.Close()
		// One byte past the limit is enough to refuse it.
		if data, err = io.ReadAll(io.LimitReader(file, store.MaxLogoBytes+1)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	err = s.store.SetFirmLogo(r.Context(), st.actor, data)
	if v, ok := store.AsValidation(err); ok {
		f, ferr := s.store.Firm(r.Context(), st.actor)
		if ferr != nil {
			s.serverError(w, r, ferr)
			return
		}
		msg := v.Fields["logo"]
		s.renderFirm(w, r, http.StatusUnprocessableEntity, f, firmValues(f), nil, st.locale.T(msg.Key, msg.Args...))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "firm.logo_saved")
	s.redirect(w, r, firmPath+"#logo")
}

func (s *Server) firmLogoRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.store.SetFirmLogo(r.Context(), state(r).actor, nil); err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "firm.logo_removed")
	s.redirect(w, r, firmPath+"#logo")
}

// firmLogo serves the logo with the type its content was checked to be.
func (s *Server) firmLogo(w http.ResponseWriter, r *http.Request) {
	data, mime, err := s.store.FirmLogo(r.Context(), state(r).actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if data == nil {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime)
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}
