package ui

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"kobicrm/store"
	"kobicrm/store/tr"
	"kobicrm/ui/i18n"
)

// The JSON API serves every declared module at /api/v1/{module}, from the
// declaration alone: list, get, create, PATCH update and delete, through
// the same parsing, validation and permission path as the web forms.
const (
	apiPrefix      = "/api/"
	apiBase        = "/api/v1"
	apiOpenAPIPath = apiBase + "/openapi.json"
	apiTimeLayout  = "2006-01-02T15:04:05.000Z07:00" // RFC 3339, in UTC
)

// apiRequest is what the API's middleware learns about a request.
type apiRequest struct {
	locale *i18n.Locale
	user   *store.User
	actor  *store.Actor
}

type apiCtxKey struct{}

func apiState(r *http.Request) *apiRequest {
	if st, ok := r.Context().Value(apiCtxKey{}).(*apiRequest); ok {
		return st
	}
	return &apiRequest{}
}

// apiOrWeb sends every path under /api/ to the API and the rest to the web
// interface. Both share the outer wrappers (panic recovery, security
// headers, body limit); the API keeps out of the web chain's cookie
// session, CSRF form check and setup gate, as it authenticates itself.
func apiOrWeb(api, web http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, apiPrefix) {
			api.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})
}

// apiHandler is the JSON API with its own middleware.
func (s *Server) apiHandler() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
	})
	r.HandleFunc(apiOpenAPIPath, s.apiOpenAPI)
	s.apiIYSRoutes(r)
	s.apiCampaignRoutes(r)
	r.HandleFunc(apiBase+"/{module}", s.apiCollection)
	r.HandleFunc(apiBase+"/{module}/{id}", s.apiItem)
	r.HandleFunc(apiBase+"/{module}/{id}/{action}", s.apiDocumentAction)

	cop := http.NewCrossOriginProtection()
	var h http.Handler = r
	h = s.apiAuth(cop, h)
	h = s.apiRecover(h)
	return h
}

// apiRecover turns a panic into a logged error and a JSON 500, and
// chooses the language of the messages: the Accept-Language header's,
// else Turkish.
func (s *Server) apiRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Negotiate(r.Header.Get("Accept-Language"), s.catalog.Languages())
		if lang == "" {
			lang = i18n.Default
		}
		r = r.WithContext(context.WithValue(r.Context(), apiCtxKey{}, &apiRequest{locale: s.catalog.Locale(lang)}))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving API request", "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				s.apiError(w, r, http.StatusInternalServerError, "api.internal")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// apiAuth finds the user: a bearer token in the Authorization header, or
// else the browser's login session, for the interface's own scripts. With
// the session, a state-changing request must come from our own origin and
// carry the session's CSRF token in X-CSRF-Token, as a form would carry
// it; a bearer token needs neither, as browsers never send one by
// themselves. The OpenAPI document is open to all.
func (s *Server) apiAuth(cop *http.CrossOriginProtection, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == apiOpenAPIPath {
			next.ServeHTTP(w, r)
			return
		}
		st := apiState(r)
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				s.apiUnauthorized(w, r, true)
				return
			}
			u, err := s.store.TokenUser(r.Context(), strings.TrimSpace(token))
			if errors.Is(err, store.ErrNotFound) {
				s.log.Info("API request with an unknown or revoked token", "remote", clientIP(r))
				s.apiUnauthorized(w, r, true)
				return
			}
			if err != nil {
				s.apiServerError(w, r, err)
				return
			}
			st.user, st.actor = u, store.ActorFor(u)
			next.ServeHTTP(w, r)
			return
		}

		var sid string
		sess, err := s.cookies.Get(r, sessionName)
		if err == nil && sess != nil {
			sid, _ = sess.Values[keySessionID].(string)
		}
		if sid == "" {
			s.apiUnauthorized(w, r, false)
			return
		}
		u, err := s.store.SessionUser(r.Context(), sid, s.cfg.Sessions)
		if errors.Is(err, store.ErrNotFound) {
			s.apiUnauthorized(w, r, false)
			return
		}
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		if unsafeMethod(r.Method) {
			want, _ := sess.Values[keyCSRF].(string)
			got := r.Header.Get(csrfHeader)
			if cop.Check(r) != nil || want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
				s.log.Warn("refused API request without a valid CSRF token", "method", r.Method, "path", r.URL.Path,
					"remote", clientIP(r))
				s.apiError(w, r, http.StatusForbidden, "api.csrf")
				return
			}
		}
		st.user, st.actor = u, store.ActorFor(u)
		next.ServeHTTP(w, r)
	})
}

// apiCollection serves /api/v1/{module}: the list and create.
func (s *Server) apiCollection(w http.ResponseWriter, r *http.Request) {
	m, ok := s.store.Module(mux.Vars(r)["module"])
	if !ok {
		s.apiError(w, r, http.StatusNotFound, "api.unknown_module")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.apiList(w, r, m)
	case http.MethodPost:
		s.apiCreate(w, r, m)
	default:
		s.apiMethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// apiItem serves /api/v1/{module}/{id}: get, update and delete.
func (s *Server) apiItem(w http.ResponseWriter, r *http.Request) {
	m, ok := s.store.Module(mux.Vars(r)["module"])
	if !ok {
		s.apiError(w, r, http.StatusNotFound, "api.unknown_module")
		return
	}
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil || id <= 0 {
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
		return
	}
	st := apiState(r)
	if m.AppendOnly && (r.Method == http.MethodPatch || r.Method == http.MethodDelete) {
		// A ledger keeps what was written: a later record supersedes it.
		s.apiError(w, r, http.StatusForbidden, "api.append_only")
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if store.IsSalesDocument(m) { // with its lines and totals
			d, err := s.store.LoadDocument(r.Context(), st.actor, m, id)
			if err != nil {
				s.apiStoreError(w, r, err)
				return
			}
			s.apiJSON(w, http.StatusOK, apiDocument(d))
			return
		}
		rec, err := s.store.Get(r.Context(), st.actor, m, id)
		if err != nil {
			s.apiStoreError(w, r, err)
			return
		}
		s.apiJSON(w, http.StatusOK, apiRecord(rec))
	case http.MethodPatch:
		obj, ok := s.apiReadObject(w, r, "application/merge-patch+json")
		if !ok {
			return
		}
		var lines json.RawMessage
		if store.IsSalesDocument(m) {
			lines = obj["lines"]
			delete(obj, "lines")
			delete(obj, "kdv_breakdown")
		}
		vals, verr := m.ParseJSON(obj)
		// A body that carries the record's updated_at, as read, is saved
		// only if nobody changed the record since: 409 otherwise.
		var seen time.Time
		if raw, ok := obj["updated_at"]; ok {
			var ts string
			if json.Unmarshal(raw, &ts) != nil {
				verr.Add("updated_at", "error.date")
			} else if seen, err = time.Parse(time.RFC3339Nano, ts); err != nil {
				verr.Add("updated_at", "error.date")
			}
		}
		if verr.Err() != nil {
			s.apiValidation(w, r, verr)
			return
		}
		if store.IsSalesDocument(m) {
			if lines != nil {
				obj["lines"] = lines
			}
			delete(obj, "updated_at")
			s.apiUpdateDocument(w, r, m, id, obj, seen)
			return
		}
		rec, _, err := s.store.UpdateIfUnchanged(r.Context(), st.actor, m, id, vals, seen)
		if err != nil {
			s.apiStoreError(w, r, err)
			return
		}
		s.apiJSON(w, http.StatusOK, apiRecord(rec))
	case http.MethodDelete:
		if err := s.store.Delete(r.Context(), st.actor, m, id); err != nil {
			s.apiStoreError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	default:
		s.apiMethodNotAllowed(w, r, "GET, HEAD, PATCH, DELETE")
	}
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request, m *store.Module) {
	q := r.URL.Query()
	lq := store.ListQuery{Filters: map[string]string{}, Limit: 50, Phones: true}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if len(q[name]) > 1 {
			s.apiError(w, r, http.StatusBadRequest, "api.param_repeated", name)
			return
		}
		v := strings.TrimSpace(q.Get(name))
		switch name {
		case "q":
			lq.Search = v
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > store.MaxLimit {
				s.apiError(w, r, http.StatusBadRequest, "api.param_limit", store.MaxLimit)
				return
			}
			lq.Limit = n
		case "cursor":
			lq.Cursor = v
		case "sort":
			if v != "" && !m.Sortable(v) {
				s.apiError(w, r, http.StatusBadRequest, "api.param_invalid", name)
				return
			}
			lq.Sort = v
		case "desc":
			switch v {
			case "1", "true":
				lq.Desc = true
			case "", "0", "false":
			default:
				s.apiError(w, r, http.StatusBadRequest, "api.param_invalid", name)
				return
			}
		case "created_from", "created_to":
			if _, ok := tr.ParseDate(v); v != "" && !ok {
				s.apiError(w, r, http.StatusBadRequest, "api.param_invalid", name)
				return
			}
			if name == "created_from" {
				lq.CreatedFrom = v
			} else {
				lq.CreatedTo = v
			}
		default:
			if f, ok := m.Field(name); !ok || !f.Filter {
				s.apiError(w, r, http.StatusBadRequest, "api.param_unknown", name)
				return
			}
			lq.Filters[name] = v
		}
	}
	page, err := s.store.List(r.Context(), apiState(r).actor, m, lq)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	out := struct {
		Data       []apiObject `json:"data"`
		NextCursor *string     `json:"next_cursor"`
	}{Data: make([]apiObject, 0, len(page.Records))}
	for _, rec := range page.Records {
		out.Data = append(out.Data, apiRecord(rec))
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	s.apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreate(w http.ResponseWriter, r *http.Request, m *store.Module) {
	obj, ok := s.apiReadObject(w, r)
	if !ok {
		return
	}
	if store.IsSalesDocument(m) { // with its lines, in one write
		s.apiCreateDocument(w, r, m, obj)
		return
	}
	vals, verr := m.ParseJSON(obj)
	if verr.Err() != nil {
		s.apiValidation(w, r, verr)
		return
	}
	rec, err := s.store.Create(r.Context(), apiState(r).actor, m, vals)
	if err != nil {
		s.apiStoreError(w, r, err)
		return
	}
	w.Header().Set("Location", apiBase+"/"+m.Key+"/"+strconv.FormatInt(rec.ID, 10))
	s.apiJSON(w, http.StatusCreated, apiRecord(rec))
}

// apiReadObject reads a request body that must be one JSON object, sent
// as application/json (or one of the other media types given).
func (s *Server) apiReadObject(w http.ResponseWriter, r *http.Request, alsoTypes ...string) (map[string]json.RawMessage, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	accepted := err == nil && mt == "application/json"
	for _, t := range alsoTypes {
		accepted = accepted || (err == nil && mt == t)
	}
	if !accepted {
		s.apiError(w, r, http.StatusUnsupportedMediaType, "api.content_type")
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.apiError(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		return nil, false
	}
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, "api.bad_json")
		return nil, false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			s.apiError(w, r, http.StatusBadRequest, "api.not_object")
		} else {
			s.apiError(w, r, http.StatusBadRequest, "api.bad_json")
		}
		return nil, false
	}
	if obj == nil { // the body was null
		s.apiError(w, r, http.StatusBadRequest, "api.not_object")
		return nil, false
	}
	return obj, true
}

// apiObject is a JSON object whose keys keep their order: a record's id,
// then its fields in declaration order, then its times.
type apiObject []apiMember

type apiMember struct {
	Key   string
	Value any
}

// MarshalJSON writes the members in order.
func (o apiObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// apiFields are the fields a module shows in the API: every declared
// field, computed ones like display_name included, except internal keys.
func apiFields(m *store.Module) []*store.Field {
	out := make([]*store.Field, 0, len(m.Fields))
	for i := range m.Fields {
		if m.Fields[i].Internal {
			continue
		}
		out = append(out, &m.Fields[i])
	}
	return out
}

// apiRecord is a record as the API shows it: empty text as "", empty
// numbers and references as null, empty lists as [].
func apiRecord(rec *store.Record) apiObject {
	fields := apiFields(rec.Module)
	o := make(apiObject, 0, len(fields)+3)
	o = append(o, apiMember{"id", rec.ID})
	for _, f := range fields {
		if _, shown := rec.Values[f.Name]; !shown && f.Sensitive {
			continue // hidden from this user by their roles: left out, not shown empty
		}
		o = append(o, apiMember{f.Name, apiValue(f, rec.Values[f.Name])})
	}
	o = append(o, apiMember{"created_at", apiTime(rec.CreatedAt)}, apiMember{"updated_at", apiTime(rec.UpdatedAt)})
	return o
}

func apiValue(f *store.Field, v any) any {
	switch f.Kind {
	case store.Int, store.Money, store.Ref:
		switch n := v.(type) {
		case int64:
			return n
		case int:
			return int64(n)
		}
		return nil
	case store.Bool:
		b, _ := v.(bool)
		return b
	case store.RefList:
		ids, _ := v.([]int64)
		if ids == nil {
			ids = []int64{}
		}
		return ids
	case store.Grants:
		p, _ := v.(store.Permissions)
		return p
	case store.Tags:
		t, _ := v.([]string)
		if t == nil {
			t = []string{}
		}
		return t
	case store.MultiChoice:
		c := store.MultiValues(v)
		if c == nil {
			c = []string{}
		}
		return c
	case store.PhoneList:
		p, _ := v.([]store.PhoneEntry)
		if p == nil {
			p = []store.PhoneEntry{}
		}
		return p
	}
	s, _ := v.(string)
	return s
}

// apiJSON writes a JSON answer.
func (s *Server) apiJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode API answer", "err", err)
		body, status = []byte(`{"error":{"message":"internal error"}}`), http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// apiErrorBody is every error answer: a message for people, in the
// request's language, and for 422 what is wrong with each field.
type apiErrorBody struct {
	Error struct {
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

func (s *Server) apiError(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	var e apiErrorBody
	e.Error.Message = s.apiLocale(r).T(key, args...)
	s.apiJSON(w, status, e)
}

func (s *Server) apiLocale(r *http.Request) *i18n.Locale {
	if l := apiState(r).locale; l != nil {
		return l
	}
	return s.catalog.Locale(i18n.Default)
}

// apiValidation answers 422 with the translated problem of each field.
func (s *Server) apiValidation(w http.ResponseWriter, r *http.Request, v *store.ValidationError) {
	l := s.apiLocale(r)
	var e apiErrorBody
	e.Error.Message = l.T("api.invalid")
	e.Error.Fields = make(map[string]string, len(v.Fields))
	for field, msg := range v.Fields {
		e.Error.Fields[field] = l.T(msg.Key, msg.Args...)
	}
	s.apiJSON(w, http.StatusUnprocessableEntity, e)
}

func (s *Server) apiUnauthorized(w http.ResponseWriter, r *http.Request, badToken bool) {
	challenge := `Bearer realm="kobicrm"`
	key := "api.unauthenticated"
	if badToken {
		challenge += `, error="invalid_token"`
		key = "api.token_invalid"
	}
	w.Header().Set("WWW-Authenticate", challenge)
	s.apiError(w, r, http.StatusUnauthorized, key)
}

func (s *Server) apiMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	s.apiError(w, r, http.StatusMethodNotAllowed, "api.method")
}

// apiStoreError maps a store error to its status; 409 is a PATCH of a
// record that changed since the caller read it.
func (s *Server) apiStoreError(w http.ResponseWriter, r *http.Request, err error) {
	if v, ok := store.AsValidation(err); ok {
		s.apiValidation(w, r, v)
		return
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.apiError(w, r, http.StatusNotFound, "api.not_found")
	case errors.Is(err, store.ErrForbidden):
		s.apiError(w, r, http.StatusForbidden, "api.forbidden")
	case errors.Is(err, store.ErrBadQuery):
		s.apiError(w, r, http.StatusBadRequest, "api.bad_query")
	case errors.Is(err, store.ErrConflict):
		s.apiError(w, r, http.StatusConflict, "api.conflict")
	case errors.As(err, &tooBig):
		s.apiError(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
	default:
		s.apiServerError(w, r, err)
	}
}

// apiServerError logs err and answers 500 without internals.
func (s *Server) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		return
	}
	s.log.Error("API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.apiError(w, r, http.StatusInternalServerError, "api.internal")
}

// apiTime formats a time as RFC 3339 in UTC, to the millisecond.
func apiTime(t time.Time) string { return t.UTC().Format(apiTimeLayout) }
