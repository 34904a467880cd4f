package ui

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The service desk's pages: a request's page with its status flow, due
// times, linked knowledge base articles and the consent prompt; the
// queues; the requests section of the customer's page. The list, form and
// record pages of requests, articles and the desk's settings come from
// their declarations.

var (
	serviceRequestsList = &listSpec{Key: "service_requests", Module: store.ServiceRequests, TitleKey: "module.service_requests",
		Columns:  []string{"subject", "type", "customer_id", "priority", "status", "assignee_id", "resolve_due_at"},
		New:      []link{{Label: "service.new", URL: "/service_requests/new"}},
		EmptyKey: "service.empty", Decorate: decorateDue, Reads: []string{"status", "responded_at", "created_at"}}
	kbArticlesList = &listSpec{Key: "kb_articles", Module: store.KBArticles, TitleKey: "module.kb_articles",
		New:      []link{{Label: "kb.new", URL: "/kb_articles/new"}},
		EmptyKey: "kb.empty"}
	serviceSettingsLists = []*listSpec{
		{Key: "service_categories", Module: store.ServiceCategories, TitleKey: "module.service_categories",
			New: []link{{Label: "service.settings.add", URL: "/service_categories/new"}}},
		{Key: "service_sla", Module: store.ServiceSLA, TitleKey: "module.service_sla",
			New: []link{{Label: "service.settings.add", URL: "/service_sla/new"}}},
		{Key: "service_hours", Module: store.ServiceHours, TitleKey: "module.service_hours",
			New: []link{{Label: "service.settings.add", URL: "/service_hours/new"}}},
		{Key: "service_holidays", Module: store.ServiceHolidays, TitleKey: "module.service_holidays",
			New: []link{{Label: "service.settings.add", URL: "/service_holidays/new"}}},
	}
)

const queuesPath = "/service/queues"

func (s *Server) serviceRoutes(in, admin *mux.Router) {
	s.listRoutes(in, serviceRequestsList)
	s.recordRoutes(in, store.ServiceRequests, s.serviceShow)
	in.HandleFunc("/service_requests/{id:[0-9]+}/status", s.serviceStatus).Methods(http.MethodPost)
	in.HandleFunc("/service_requests/{id:[0-9]+}/take", s.serviceTake).Methods(http.MethodPost)
	in.HandleFunc("/service_requests/{id:[0-9]+}/articles", s.serviceLinkArticle).Methods(http.MethodPost)
	in.HandleFunc("/service_requests/{id:[0-9]+}/articles/{article:[0-9]+}/unlink", s.serviceUnlinkArticle).Methods(http.MethodPost)
	in.HandleFunc("/service_requests/{id:[0-9]+}/articles/{article:[0-9]+}/copy", s.serviceCopyArticle).Methods(http.MethodPost)
	in.HandleFunc(queuesPath, s.serviceQueues).Methods(http.MethodGet)
	s.listRoutes(in, kbArticlesList)
	s.recordRoutes(in, store.KBArticles, s.recordShow(store.KBArticles))
	for _, spec := range serviceSettingsLists {
		s.listRoutes(admin, spec)
		s.recordRoutes(in, spec.Module, s.recordShow(spec.Module))
	}
	s.serviceSettingsRoutes(admin)
}

// dueState is how near a due time is: "" (done, or far), "amber" (less
// than a quarter of its time left), "red" (passed) or "paused" (waiting
// for the customer).
func dueState(rec *store.Record, field string, at time.Time) string {
	status := rec.Values.Str("status")
	if status != "" && !store.ServiceOpen(status) {
		return ""
	}
	if field == "response_due_at" && rec.Values.Str("responded_at") != "" {
		return ""
	}
	if status == store.ServiceWaiting {
		return "paused"
	}
	due, err := time.Parse(tr.DateTimeLayout, rec.Values.Str(field))
	if err != nil {
		return ""
	}
	if !at.Before(due) {
		return "red"
	}
	if total := due.Sub(rec.CreatedAt); total > 0 && due.Sub(at) < total/4 {
		return "amber"
	}
	return ""
}

// decorateDue colours the due times of a request list.
func decorateDue(_ *i18n.Locale, name string, rec *store.Record, c cell) cell {
	if name != "resolve_due_at" && name != "response_due_at" {
		return c
	}
	if st := dueState(rec, name, time.Now()); st != "" && c.Text != "" {
		c.Badge = "due-" + st
	}
	return c
}

type serviceData struct {
	recordData
	Status    string
	StatusVal string
	Due       []dueView
	Moves     template.HTML // the status select's <option>s
	CanMove   bool
	CanTake   bool
	Resolve   bool // the flow can reach resolved or closed: the note is asked
	Close     bool // the flow can reach closed: the score is asked
	Scores    template.HTML
	Form      *form
	Consent   *consentView // the customer's ETK standing, for the prompt
	Customer  string       // the customer's page
	Articles  []articleView
	KBQuery   string
	KBResults []articleView
	CanLink   bool
	// Product is the request's product's name, and Suggested the
	// articles about that product not linked yet.
	Product   string
	Suggested []articleView
}

type dueView struct {
	Label, Text, State string
}

type articleView struct {
	ID    int64
	Title string
	URL   string
	Body  string // the Markdown answer, copied into the resolution note
}

func (s *Server) serviceShow(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.loadRecord(w, r, s.module(store.ServiceRequests))
	if !ok {
		return
	}
	s.renderService(w, r, http.StatusOK, rec, &form{Errors: map[string]string{}})
}

func (s *Server) renderService(w http.ResponseWriter, r *http.Request, status int, rec *store.Record, f *form) {
	st := state(r)
	l := st.locale
	m := s.module(store.ServiceRequests)
	field := func(name string) *store.Field { fl, _ := m.Field(name); return fl }
	d := &serviceData{recordData: recordData{Module: m, Record: rec,
		Details: details(l, m, rec, "subject", "sort_key", "response_due_at", "resolve_due_at", "waiting_since", "paused_min", "articles")},
		Form: f, StatusVal: rec.Values.Str("status"), Customer: recordURL(store.Customers, mustInt(rec.Values["customer_id"]))}
	d.Status = choiceLabel(l, m, field("status"), d.StatusVal)
	var err error
	if d.Can, err = s.recordRights(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	at := time.Now()
	for _, name := range []string{"response_due_at", "resolve_due_at"} {
		if rec.Values.Str(name) == "" {
			continue
		}
		d.Due = append(d.Due, dueView{Label: fieldLabel(l, m, field(name)), Text: displayCell(l, m, field(name), rec).Text,
			State: dueState(rec, name, at)})
	}
	if d.Can.Edit {
		var opts []option
		want := f.Get("status")
		for _, to := range store.ServiceMoves(d.StatusVal) {
			opts = append(opts, option{Value: to, Label: choiceLabel(l, m, field("status"), to), Selected: to == want})
			d.Resolve = d.Resolve || to == store.ServiceResolved || to == store.ServiceClosed
			d.Close = d.Close || to == store.ServiceClosed
		}
		d.Moves, d.CanMove = optionsHTML(opts), len(opts) > 0
		_, assigned := rec.Values.Int("assignee_id")
		d.CanTake = !assigned && store.ServiceOpen(d.StatusVal)
		d.CanLink = true
		scores := []option{{Value: "", Label: "—"}}
		for i := 1; i <= 5; i++ {
			v := strconv.Itoa(i)
			scores = append(scores, option{Value: v, Label: v, Selected: f.Get("satisfaction") == v})
		}
		d.Scores = optionsHTML(scores)
		if f.Values == nil {
			f.Values = url.Values{"resolution": {rec.Values.Str("resolution")}}
		}
	}
	// Opening a request of a customer without an ETK decision asks for one,
	// as the customer's page does.
	if cust, err := s.store.Get(r.Context(), st.actor, s.module(store.Customers), mustInt(rec.Values["customer_id"])); err == nil {
		if d.Consent, err = s.customerConsent(r, cust); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else if !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrForbidden) {
		s.serverError(w, r, err)
		return
	}
	if ids, _ := rec.Values["articles"].([]int64); len(ids) > 0 && st.actor.Can(store.KBArticles, store.ActRead) {
		for _, id := range ids {
			a, err := s.store.Get(r.Context(), st.actor, s.module(store.KBArticles), id)
			if err != nil {
				continue // an article since deleted
			}
			d.Articles = append(d.Articles, articleView{ID: a.ID, Title: a.Title(), URL: recordURL(store.KBArticles, a.ID), Body: a.Values.Str("body")})
		}
	}
	if d.Suggested, err = s.suggestedArticles(r, rec); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Product = rec.Refs["product_id"]
	if q := strings.TrimSpace(r.URL.Query().Get("kb_q")); q != "" && d.CanLink && st.actor.Can(store.KBArticles, store.ActRead) {
		d.KBQuery = q
		page, err := s.store.List(r.Context(), st.actor, s.module(store.KBArticles), store.ListQuery{Search: q, Limit: 10})
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for _, a := range page.Records {
			d.KBResults = append(d.KBResults, articleView{ID: a.ID, Title: a.Title(), URL: recordURL(store.KBArticles, a.ID)})
		}
	}
	if d.History, err = s.history(r, m, rec.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(r, m.Label, d)
	p.Title = rec.Title()
	s.render(w, r, status, "service_request", p)
}

// maxSuggested is how many articles about its product a request's page
// suggests.
const maxSuggested = 10

// suggestedArticles are the knowledge base articles about the request's
// product that are not linked to it yet, by title: the answers the desk
// most likely needs (as the page's article search, drafts included).
func (s *Server) suggestedArticles(r *http.Request, rec *store.Record) ([]articleView, error) {
	product, ok := rec.Values.Int("product_id")
	a := state(r).actor
	if !ok || !a.Can(store.KBArticles, store.ActRead) {
		return nil, nil
	}
	linked, _ := rec.Values["articles"].([]int64)
	page, err := s.store.List(r.Context(), a, s.module(store.KBArticles), store.ListQuery{
		Filters: map[string]string{"product_ids": strconv.FormatInt(product, 10)},
		Limit:   maxSuggested + len(linked), Fields: []string{"title"}})
	if err != nil {
		return nil, err
	}
	var out []articleView
	for _, art := range page.Records {
		if !slices.Contains(linked, art.ID) && len(out) < maxSuggested {
			out = append(out, articleView{ID: art.ID, Title: art.Title(), URL: recordURL(store.KBArticles, art.ID)})
		}
	}
	return out, nil
}

func mustInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// serviceStatus moves a request along its flow: the new status, with the
// resolution note and the satisfaction score where they are asked. A
// move the flow refuses shows the page again with the reason and what
// was typed.
func (s *Server) serviceStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	st := state(r)
	m := s.module(store.ServiceRequests)
	in := store.Values{"status": r.PostFormValue("status")}
	if _, sent := r.PostForm["resolution"]; sent {
		in["resolution"] = strings.TrimSpace(r.PostFormValue("resolution"))
	}
	f := newForm(r)
	f.Errors = map[string]string{}
	if score := r.PostFormValue("satisfaction"); score != "" {
		n, err := strconv.ParseInt(score, 10, 64)
		if err != nil {
			f.Errors["satisfaction"] = st.locale.T("error.satisfaction_range")
		}
		in["satisfaction"] = n
	}
	var err error
	if len(f.Errors) == 0 {
		_, _, err = s.store.Update(r.Context(), st.actor, m, id, in)
	}
	if v, isV := store.AsValidation(err); isV || len(f.Errors) > 0 {
		if isV {
			for name, msg := range v.Fields {
				f.Errors[name] = st.locale.T(msg.Key, msg.Args...)
			}
		}
		rec, gerr := s.store.Get(r.Context(), st.actor, m, id)
		if gerr != nil {
			s.storeError(w, r, gerr)
			return
		}
		s.renderService(w, r, http.StatusUnprocessableEntity, rec, f)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "service.status_saved")
	s.redirect(w, r, recordURL(m, id))
}

// serviceTake assigns a request to the user in one click, from a queue
// or the request's page, and goes back there.
func (s *Server) serviceTake(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	back := localPath(r.PostFormValue("next"))
	if back == "" {
		back = recordURL(store.ServiceRequests, id)
	}
	_, err := s.store.TakeServiceRequest(r.Context(), state(r).actor, id)
	switch {
	case errors.Is(err, store.ErrServiceTaken):
		s.addFlash(r, "error", "service.taken_already")
	case err != nil:
		if v, ok := store.AsValidation(err); ok {
			for _, msg := range v.Fields {
				s.addFlash(r, "error", msg.Key)
				break
			}
			break
		}
		s.storeError(w, r, err)
		return
	default:
		s.addFlash(r, "ok", "service.taken")
	}
	s.redirect(w, r, back)
}

// articleIDs are the request's linked articles.
func (s *Server) serviceArticles(w http.ResponseWriter, r *http.Request) (*store.Record, []int64, bool) {
	rec, ok := s.loadRecord(w, r, s.module(store.ServiceRequests))
	if !ok {
		return nil, nil, false
	}
	ids, _ := rec.Values["articles"].([]int64)
	return rec, append([]int64(nil), ids...), true
}

func (s *Server) saveArticles(w http.ResponseWriter, r *http.Request, id int64, ids []int64, flash string) {
	_, _, err := s.store.Update(r.Context(), state(r).actor, s.module(store.ServiceRequests), id, store.Values{"articles": ids})
	if v, ok := store.AsValidation(err); ok {
		for _, msg := range v.Fields {
			s.addFlash(r, "error", msg.Key)
			break
		}
	} else if err != nil {
		s.storeError(w, r, err)
		return
	} else {
		s.addFlash(r, "ok", flash)
	}
	s.redirect(w, r, recordURL(store.ServiceRequests, id)+"#articles")
}

func (s *Server) serviceLinkArticle(w http.ResponseWriter, r *http.Request) {
	rec, ids, ok := s.serviceArticles(w, r)
	if !ok {
		return
	}
	article, err := strconv.ParseInt(r.PostFormValue("article_id"), 10, 64)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	if _, err := s.store.Get(r.Context(), state(r).actor, s.module(store.KBArticles), article); err != nil {
		s.storeError(w, r, err)
		return
	}
	for _, x := range ids {
		if x == article {
			s.redirect(w, r, recordURL(store.ServiceRequests, rec.ID)+"#articles")
			return
		}
	}
	s.saveArticles(w, r, rec.ID, append(ids, article), "service.article_linked")
}

func (s *Server) serviceUnlinkArticle(w http.ResponseWriter, r *http.Request) {
	rec, ids, ok := s.serviceArticles(w, r)
	if !ok {
		return
	}
	article, _ := strconv.ParseInt(mux.Vars(r)["article"], 10, 64)
	var keep []int64
	for _, x := range ids {
		if x != article {
			keep = append(keep, x)
		}
	}
	s.saveArticles(w, r, rec.ID, keep, "service.article_unlinked")
}

// serviceCopyArticle is copying an answer into the resolution note
// without JavaScript: the article's text is added to the note, which is
// then edited in the status form. With JavaScript the button fills the
// form's note in place instead (app.js).
func (s *Server) serviceCopyArticle(w http.ResponseWriter, r *http.Request) {
	rec, _, ok := s.serviceArticles(w, r)
	if !ok {
		return
	}
	st := state(r)
	article, _ := strconv.ParseInt(mux.Vars(r)["article"], 10, 64)
	a, err := s.store.Get(r.Context(), st.actor, s.module(store.KBArticles), article)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	note := strings.TrimSpace(rec.Values.Str("resolution"))
	if note != "" {
		note += "\n\n"
	}
	note += a.Values.Str("body")
	if _, _, err := s.store.Update(r.Context(), st.actor, s.module(store.ServiceRequests), rec.ID, store.Values{"resolution": note}); err != nil {
		if v, ok := store.AsValidation(err); ok {
			for _, msg := range v.Fields {
				s.addFlash(r, "error", msg.Key)
				break
			}
			s.redirect(w, r, recordURL(store.ServiceRequests, rec.ID))
			return
		}
		s.storeError(w, r, err)
		return
	}
	s.addFlash(r, "ok", "service.article_copied")
	s.redirect(w, r, recordURL(store.ServiceRequests, rec.ID)+"#status")
}

type queuesData struct {
	Tabs       []link
	Queue      string
	Heading    string
	Total      int
	ByStatus   []countView
	ByPriority []countView
	Rows       []queueRow
	More       int
	Return     string
	NewURL     string
}

type countView struct {
	Label string
	N     int
	URL   string
}

type queueRow struct {
	ID                            int64
	URL, Subject, Type, Customer  string
	Priority, PriorityVal, Status string
	Assignee, Team                string
	Response, ResponseState       string
	Resolve, ResolveState         string
	CanTake                       bool
}

// serviceQueues is the desk's page: ?q=mine|team|unassigned|overdue.
func (s *Server) serviceQueues(w http.ResponseWriter, r *http.Request) {
	st := state(r)
	l := st.locale
	m := s.module(store.ServiceRequests)
	queue := r.URL.Query().Get("q")
	if queue == "" {
		queue = store.QueueMine
	}
	q, err := s.store.ServiceQueue(r.Context(), st.actor, queue, 100)
	if errors.Is(err, store.ErrBadQuery) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	back := queuesPath + "?" + url.Values{"q": {queue}}.Encode()
	d := &queuesData{Queue: queue, Heading: l.T("service.queue." + queue), Total: q.Total, More: q.Total - len(q.Records), Return: back}
	if st.actor.Can(m, store.ActCreate) {
		d.NewURL = "/service_requests/new"
	}
	for _, k := range store.ServiceQueues {
		d.Tabs = append(d.Tabs, link{Label: "service.queue." + k, URL: queuesPath + "?q=" + k, Current: k == queue})
	}
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	for _, sv := range store.ServiceStatuses {
		if n := q.ByStatus[sv]; n > 0 {
			d.ByStatus = append(d.ByStatus, countView{Label: choiceLabel(l, m, field("status"), sv), N: n,
				URL: "/service_requests?" + url.Values{"status": {sv}}.Encode()})
		}
	}
	for i := len(store.ServicePriorities) - 1; i >= 0; i-- {
		pv := store.ServicePriorities[i]
		if n := q.ByPriority[pv]; n > 0 {
			d.ByPriority = append(d.ByPriority, countView{Label: choiceLabel(l, m, field("priority"), pv), N: n,
				URL: "/service_requests?" + url.Values{"priority": {pv}}.Encode()})
		}
	}
	canEdit := st.actor.Can(m, store.ActEdit)
	at := time.Now()
	for _, rec := range q.Records {
		_, assigned := rec.Values.Int("assignee_id")
		d.Rows = append(d.Rows, queueRow{ID: rec.ID, URL: recordURL(m, rec.ID), Subject: rec.Title(),
			Type:     choiceLabel(l, m, field("type"), rec.Values.Str("type")),
			Customer: rec.Refs["customer_id"], PriorityVal: rec.Values.Str("priority"),
			Priority: choiceLabel(l, m, field("priority"), rec.Values.Str("priority")),
			Status:   choiceLabel(l, m, field("status"), rec.Values.Str("status")),
			Assignee: rec.Refs["assignee_id"], Team: rec.Refs["team_id"],
			Response: displayCell(l, m, field("response_due_at"), rec).Text, ResponseState: dueState(rec, "response_due_at", at),
			Resolve: displayCell(l, m, field("resolve_due_at"), rec).Text, ResolveState: dueState(rec, "resolve_due_at", at),
			CanTake: canEdit && !assigned})
	}
	s.render(w, r, http.StatusOK, "service_queues", s.newPage(r, "service.queues", d))
}

// serviceSection is the requests section of a customer's page.
type serviceSection struct {
	Rows   []queueRow
	More   string
	NewURL string
}

func (s *Server) customerService(r *http.Request, customer *store.Record) (*serviceSection, error) {
	st := state(r)
	m := s.module(store.ServiceRequests)
	if !st.actor.Can(m, store.ActRead) {
		return nil, nil
	}
	recs, err := s.store.Children(r.Context(), st.actor, m, "customer_id", customer.ID, 11)
	if err != nil {
		return nil, err
	}
	l := st.locale
	id := strconv.FormatInt(customer.ID, 10)
	v := &serviceSection{}
	if len(recs) > 10 {
		recs = recs[:10]
		v.More = "/service_requests?" + url.Values{"customer_id": {id}}.Encode()
	}
	if st.actor.Can(m, store.ActCreate) {
		v.NewURL = "/service_requests/new?" + url.Values{"customer_id": {id}, "next": {recordURL(store.Customers, customer.ID) + "#service"}}.Encode()
	}
	field := func(name string) *store.Field { f, _ := m.Field(name); return f }
	at := time.Now()
	for _, rec := range recs {
		v.Rows = append(v.Rows, queueRow{ID: rec.ID, URL: recordURL(m, rec.ID), Subject: rec.Title(),
			Type:        choiceLabel(l, m, field("type"), rec.Values.Str("type")),
			PriorityVal: rec.Values.Str("priority"), Priority: choiceLabel(l, m, field("priority"), rec.Values.Str("priority")),
			Status:   choiceLabel(l, m, field("status"), rec.Values.Str("status")),
			Assignee: rec.Refs["assignee_id"],
			Resolve:  displayCell(l, m, field("resolve_due_at"), rec).Text, ResolveState: dueState(rec, "resolve_due_at", at)})
	}
	return v, nil
}
