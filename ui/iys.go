package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/iys"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The İYS page: what waits to be sent to İYS, what is late, the files
// made so far, and the upload of İYS's status answers.
const iysPath = "/consents/iys"

func (s *Server) iysRoutes(r *mux.Router) {
	r.HandleFunc(iysPath, s.iysPage).Methods(http.MethodGet)
	r.HandleFunc(iysPath+"/export", s.iysExport).Methods(http.MethodPost)
	r.HandleFunc(iysPath+"/{id:[0-9]+}/{format:json|csv}", s.iysBatchDownload).Methods(http.MethodGet)
	// The path ends in /import so that limitBody and checkCSRF treat the
	// form as the file upload it is.
	r.HandleFunc(iysPath+"/import", s.iysImport).Methods(http.MethodPost)
}

type iysPageData struct {
	CanExport, CanImport bool
	Standing             *store.IYSStanding
	Batches              []iysBatchRow
	FileError            string
	Report               *iysReport
}

type iysBatchRow struct {
	ID      int64
	When    string
	By      string
	Records int
	LeftOut int
	JSONURL string
	CSVURL  string
}

type iysReport struct {
	FileName                    string
	Applied, Unchanged, Records int
	Rows                        []iysReportRow // unmatched, then failed
}

type iysReportRow struct {
	Row, Line int
	Field     string
	Recipient string
	Message   string
	Failed    bool
}

func (s *Server) iysPage(w http.ResponseWriter, r *http.Request) {
	s.renderIYS(w, r, http.StatusOK, &iysPageData{})
}

// renderIYS fills what the user may see and renders the page.
func (s *Server) renderIYS(w http.ResponseWriter, r *http.Request, status int, d *iysPageData) {
	st := state(r)
	d.CanExport, d.CanImport = store.CanIYSExport(st.actor), store.CanIYSImport(st.actor)
	if !d.CanExport && !d.CanImport {
		s.renderError(w, r, http.StatusForbidden)
		return
	}
	if d.CanExport {
		var err error
		if d.Standing, err = s.store.IYSOverdue(r.Context(), st.actor); err != nil {
			s.storeError(w, r, err)
			return
		}
		batches, err := s.store.IYSBatches(r.Context(), st.actor)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for _, b := range batches {
			base := iysPath + "/" + strconv.FormatInt(b.ID, 10)
			d.Batches = append(d.Batches, iysBatchRow{ID: b.ID, When: tr.DateTime(b.CreatedAt), By: b.UserName,
				Records: b.Records, LeftOut: b.LeftOut, JSONURL: base + "/json", CSVURL: base + "/csv"})
		}
	}
	s.render(w, r, status, "iys", s.newPage(r, "iys.title", d))
}

// iysExport makes the next batch and sends its file at once.
func (s *Server) iysExport(w http.ResponseWriter, r *http.Request) {
	b, body, err := s.store.IYSExport(r.Context(), state(r).actor)
	if errors.Is(err, store.ErrNothingToExport) {
		s.addFlash(r, "ok", "iys.nothing")
		s.redirect(w, r, iysPath)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	sendIYSFile(w, b.ID, "json", body)
}

func (s *Server) iysBatchDownload(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	format := mux.Vars(r)["format"]
	body, err := s.store.IYSBatchFile(r.Context(), state(r).actor, id, format)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	sendIYSFile(w, id, format, body)
}

func sendIYSFile(w http.ResponseWriter, id int64, format string, body []byte) {
	ctype := "application/json; charset=utf-8"
	if format == "csv" {
		ctype = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"iys-%d.%s\"", id, format))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// iysImport reads an uploaded İYS status file, applies it, and shows the
// page with the report.
func (s *Server) iysImport(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	if !store.CanIYSImport(st.actor) {
		s.renderError(w, r, http.StatusForbidden)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderIYS(w, r, http.StatusUnprocessableEntity, &iysPageData{FileError: st.locale.T("iys.no_file")})
		return
	}
	defer file.Close()
	f, err := iys.Read(file)
	if e, ok := iys.AsError(err); ok {
		msg := st.locale.T("iys.file_error", e.Line, iysMessage(st.locale, e.Code, e.Value))
		s.renderIYS(w, r, http.StatusUnprocessableEntity, &iysPageData{FileError: msg})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rep, err := s.store.IYSImport(r.Context(), st.actor, f, uploadName(hdr.Filename))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.renderIYS(w, r, http.StatusOK, &iysPageData{Report: newIYSReport(st.locale, rep)})
}

func newIYSReport(l *i18n.Locale, rep *store.IYSImportReport) *iysReport {
	out := &iysReport{FileName: rep.FileName, Applied: rep.Applied, Unchanged: rep.Unchanged, Records: rep.Records}
	add := func(rows []store.IYSImportRow, failed bool) {
		for _, x := range rows {
			out.Rows = append(out.Rows, iysReportRow{Row: x.Row, Line: x.Line, Field: x.Field, Recipient: x.Recipient,
				Message: l.T(x.Msg.Key, x.Msg.Args...), Failed: failed})
		}
	}
	add(rep.Unmatched, false)
	add(rep.Failed, true)
	return out
}

// iysMessage is a reader's problem code in the user's language.
func iysMessage(l *i18n.Locale, code, value string) string {
	if iys.ShowsValue(code) {
		return l.T("iys.err."+code, value)
	}
	return l.T("iys.err." + code)
}

// iysWarning is the home page's note of consents late for İYS.
type iysWarning struct {
	Overdue int
	Count   string // Overdue as shown: "1.000+" where counting stopped
	URL     string
}

// iysHomeWarning is the late-consent warning for a user who sends to İYS,
// or nil. A failure only leaves the warning out: the home page must not
// fail for it.
func (s *Server) iysHomeWarning(r *http.Request) *iysWarning {
	a := state(r).actor
	if !store.CanIYSExport(a) {
		return nil
	}
	n, err := s.store.IYSLateCount(r.Context(), a, iysHomeCountMost)
	if err != nil {
		s.log.Warn("count consents late for İYS", "err", err)
		return nil
	}
	if n == 0 {
		return nil
	}
	count := state(r).locale.Int(int64(n))
	if n == iysHomeCountMost {
		count += "+"
	}
	return &iysWarning{Overdue: n, Count: count, URL: iysPath}
}

// iysHomeCountMost is how far the home page counts late consents.
const iysHomeCountMost = 100
