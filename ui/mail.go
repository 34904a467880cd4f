package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/mail"
)

// E-mail: the SMTP settings page with its test send (administrators),
// the e-mail templates (a declared module), the public one-click
// unsubscribe link, and the background sending of campaigns' e-mail.

const (
	mailPath     = "/settings/mail"
	mailTestPath = mailPath + "/test"
)

var emailTemplatesList = &listSpec{Key: "email_templates", Module: store.EmailTemplates, TitleKey: "module.email_templates",
	Columns:  []string{"name", "subject"},
	New:      []link{{Label: "email_templates.new", URL: "/email_templates/new"}},
	EmptyKey: "email_templates.empty"}

func (s *Server) mailRoutes(r, in, admin *mux.Router) {
	// The unsubscribe link is public: the signed token is its key. A mail
	// program posts to it (RFC 8058) without a session or CSRF token, so
	// checkCSRF and the cross-origin check let it through (csrfExempt).
	r.HandleFunc(store.UnsubscribePath+"{token}", s.unsubscribe).Methods(http.MethodGet, http.MethodPost)
	admin.HandleFunc(mailPath, s.mailForm).Methods(http.MethodGet)
	admin.HandleFunc(mailPath, s.mailSubmit).Methods(http.MethodPost)
	admin.HandleFunc(mailTestPath, s.mailTest).Methods(http.MethodPost)
	s.smsRoutes(admin)
	s.listRoutes(in, emailTemplatesList)
	s.recordRoutes(in, store.EmailTemplates, s.recordShow(store.EmailTemplates))
}

type mailData struct {
	Fields    []formField
	Message   string
	TestTo    string
	TestError string
}

// mailFields are the settings form's inputs: name, input type, required.
var mailFields = []struct {
	name, input string
	required    bool
}{
	{"host", "text", true}, {"port", "number", true}, {"security", "select", true}, {"user", "text", false},
	{"password", "password", false}, {"from_addr", "email", true}, {"from_name", "text", false},
	{"base_url", "url", true}, {"rate", "number", true},
}

func mailValues(m *store.MailSettings) url.Values {
	return url.Values{"host": {m.Host}, "port": {strconv.Itoa(m.Port)}, "security": {m.Security}, "user": {m.User},
		"from_addr": {m.FromAddr}, "from_name": {m.FromName}, "base_url": {m.BaseURL}, "rate": {strconv.Itoa(m.Rate)}}
}

func (s *Server) mailForm(w http.ResponseWriter, r *http.Request) {
	m, err := s.store.MailSettings(r.Context(), state(r).actor)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	vals := mailValues(m)
	if m.BaseURL == "" && s.cfg.OfficeURL != "" {
		vals.Set("base_url", strings.TrimRight(s.cfg.OfficeURL, "/"))
	}
	s.renderMail(w, r, http.StatusOK, vals, nil, &mailData{})
}

func (s *Server) mailSubmit(w http.ResponseWriter, r *http.Request) {
	in, keep, errs := store.ParseMailForm(r.PostForm)
	if errs.Err() == nil {
		err := s.store.SaveMailSettings(r.Context(), state(r).actor, in, keep)
		if v, ok := store.AsValidation(err); ok {
			errs = v
		} else if err != nil {
			s.storeError(w, r, err)
			return
		}
	}
	if errs.Err() != nil {
		s.renderMail(w, r, http.StatusUnprocessableEntity, r.PostForm, errs, &mailData{})
		return
	}
	s.addFlash(r, "ok", "mail.saved")
	s.redirect(w, r, mailPath)
}

// mailTest sends a test message through the stored settings and shows
// the server's answer.
func (s *Server) mailTest(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	to := strings.TrimSpace(r.PostFormValue("to"))
	err := s.store.TestMail(r.Context(), st.actor, to)
	if err == nil {
		s.addFlash(r, "ok", "mail.test_sent", to)
		s.redirect(w, r, mailPath)
		return
	}
	if errors.Is(err, store.ErrForbidden) {
		s.storeError(w, r, err)
		return
	}
	m, merr := s.store.MailSettings(r.Context(), st.actor)
	if merr != nil {
		s.storeError(w, r, merr)
		return
	}
	d := &mailData{TestTo: to}
	if v, ok := store.AsValidation(err); ok {
		for _, msg := range v.Fields {
			d.TestError = st.locale.T("mail.test_failed", st.locale.T(msg.Key, msg.Args...))
		}
	} else {
		d.TestError = st.locale.T("mail.test_failed", err.Error())
	}
	s.renderMail(w, r, http.StatusUnprocessableEntity, mailValues(m), nil, d)
}

func (s *Server) renderMail(w http.ResponseWriter, r *http.Request, status int, vals url.Values, errs *store.ValidationError, d *mailData) {
	l := state(r).locale
	var bad []string
	for _, mf := range mailFields {
		f := formField{Name: mf.name, Label: l.T("field.mail." + mf.name), Input: mf.input, Value: vals.Get(mf.name), Required: mf.required}
		switch mf.name {
		case "security":
			for _, c := range mail.Securities {
				f.Options = append(f.Options, option{Value: c, Label: l.T("choice.mail.security." + c)})
			}
		case "password":
			f.Value, f.Hint = "", l.T("mail.password_keep")
		case "base_url":
			f.Hint = l.T("mail.base_url_help")
		case "rate":
			f.Hint = l.T("mail.rate_help")
		}
		if errs != nil {
			if msg, ok := errs.Fields[mf.name]; ok {
				f.Error = l.T(msg.Key, msg.Args...)
				f.Focus = len(bad) == 0
				bad = append(bad, f.Label)
			}
		}
		d.Fields = append(d.Fields, f)
	}
	if len(bad) > 0 {
		d.Message = l.T("form.fix_errors", strings.Join(bad, ", "))
	}
	s.render(w, r, status, "mail", s.newPage(r, "mail.title", d))
}

type unsubscribeData struct {
	Text string
}

// unsubscribe records the RET of the link's address, opened in a browser
// or posted by a mail program (RFC 8058), and says so.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	l := state(r).locale
	got, err := s.store.Unsubscribe(r.Context(), mux.Vars(r)["token"])
	if errors.Is(err, store.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, "mail_unsubscribe", s.newPage(r, "mail.unsubscribe_title", &unsubscribeData{Text: l.T("mail.unsubscribe_bad")}))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	text := l.T("mail.unsubscribe_done", got.Recipient)
	if !got.Recorded {
		text = l.T("mail.unsubscribe_already", got.Recipient)
	}
	s.render(w, r, http.StatusOK, "mail_unsubscribe", s.newPage(r, "mail.unsubscribe_title", &unsubscribeData{Text: text}))
}

// startSending runs a campaign's e-mail and SMS queues in the background, unless
// it runs already; a failure is logged and, where it concerns the
// campaign, kept on it by the store (send_error).
func (s *Server) startSending(id int64) bool {
	return s.sends.start(id, func(ctx context.Context) {
		if err := s.store.SendCampaign(ctx, id); err != nil && ctx.Err() == nil {
			s.log.Error("campaign e-mail", "campaign", id, "err", err)
		}
	})
}

// resumeSending starts the queues that were running when the server last
// stopped.
func (s *Server) resumeSending(ctx context.Context) error {
	ids, err := s.store.CampaignsToSend(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.startSending(id)
	}
	return nil
}
