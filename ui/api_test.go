package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"kobicrm/store"
)

// apiEnv is a set-up server, a client logged in as the administrator in
// the browser, and an API token of the administrator.
type apiEnv struct {
	*env
	browser *client
	admin   *store.User
	token   string
}

func apiSetUp(t *testing.T) *apiEnv {
	t.Helper()
	e, c := setUp(t)
	admin, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := e.st.CreateToken(context.Background(), store.ActorFor(admin), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &apiEnv{env: e, browser: c, admin: admin, token: token}
}

// apiResp is an API answer.
type apiResp struct {
	Status int
	Header http.Header
	Body   []byte
}

// apiCall sends a request with the header fields given ("Authorization"
// among them, or none) through the client, which may carry cookies.
func apiCall(t *testing.T, c *client, method, path string, body []byte, header map[string]string) *apiResp {
	t.Helper()
	req, err := http.NewRequest(method, c.url(path), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	r := c.do(req)
	return &apiResp{Status: r.Status, Header: r.Header, Body: []byte(r.Body)}
}

// call sends a request with the administrator's bearer token from a client
// without cookies.
func (a *apiEnv) call(t *testing.T, method, path string, body any, header ...string) *apiResp {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	h := map[string]string{"Authorization": "Bearer " + a.token}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	return apiCall(t, a.clientFor(t), method, path, raw, h)
}

func (r *apiResp) want(t *testing.T, status int) *apiResp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	if status != http.StatusNoContent && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("Content-Type %q, want JSON", r.Header.Get("Content-Type"))
	}
	return r
}

// object decodes a JSON object answer, keeping numbers exact.
func (r *apiResp) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// apiErr is the error part of an error answer.
type apiErr struct {
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func (r *apiResp) err(t *testing.T) apiErr {
	t.Helper()
	var body struct {
		Error *apiErr `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == nil || body.Error.Message == "" {
		t.Fatalf("not an error answer (%v):\n%s", err, r.Body)
	}
	return *body.Error
}

// apiList is a list answer.
type apiList struct {
	Data       []map[string]any `json:"data"`
	NextCursor *string          `json:"next_cursor"`
}

func (r *apiResp) list(t *testing.T) apiList {
	t.Helper()
	var l apiList
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(&l); err != nil || l.Data == nil {
		t.Fatalf("not a list answer (%v):\n%s", err, r.Body)
	}
	return l
}

func apiID(t *testing.T, rec map[string]any) int64 {
	t.Helper()
	n, ok := rec["id"].(json.Number)
	if !ok {
		t.Fatalf("record without a numeric id: %v", rec)
	}
	id, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// apiTCKN makes a valid T.C. Kimlik No from a number, for test people.
func apiTCKN(n int) string {
	s := strconv.Itoa(100000000 + n%900000000)
	d := make([]int, 11)
	for i := 0; i < 9; i++ {
		d[i] = int(s[i] - '0')
	}
	odd := d[0] + d[2] + d[4] + d[6] + d[8]
	even := d[1] + d[3] + d[5] + d[7]
	d[9] = ((odd*7-even)%10 + 10) % 10
	sum := 0
	for _, v := range d[:10] {
		sum += v
	}
	d[10] = sum % 10
	var b strings.Builder
	for _, v := range d {
		b.WriteByte(byte('0' + v))
	}
	return b.String()
}

func (a *apiEnv) create(t *testing.T, module string, body map[string]any) map[string]any {
	t.Helper()
	return a.call(t, http.MethodPost, "/api/v1/"+module, body).want(t, http.StatusCreated).object(t)
}

func TestAPICreatePerson(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	tckn := apiTCKN(1234)
	r := a.call(t, http.MethodPost, "/api/v1/customers", map[string]any{
		"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar", "tckn": tckn,
		"email": "Sukru@Example.COM", "phone": "0532 123 45 67",
		"phones":   []map[string]string{{"label": "iş", "number": "0212 555 12 12"}},
		"province": "ısparta", "tags": []string{"vip", "toptan"},
	}).want(t, http.StatusCreated)
	rec := r.object(t)
	id := apiID(t, rec)
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/customers/%d", id) {
		t.Errorf("Location %q", loc)
	}
	for name, want := range map[string]any{
		"kind": "person", "stage": "customer", "first_name": "Şükrü", "last_name": "Çağlar",
		"display_name": "Şükrü Çağlar", "tckn": tckn, "email": "sukru@example.com", "phone": "+905321234567",
		"province": "Isparta", "title": "", "vkn": "", "tax_office": "", "employee_count": nil,
		"owner_id": json.Number(strconv.FormatInt(a.admin.ID, 10)),
	} {
		if got := rec[name]; got != want {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	if fmt.Sprint(rec["tags"]) != "[vip toptan]" || fmt.Sprint(rec["phones"]) != "[map[label:iş number:+902125551212]]" {
		t.Errorf("tags %v, phones %v", rec["tags"], rec["phones"])
	}
	for _, f := range store.Customers.Fields {
		if _, ok := rec[f.Name]; ok && f.Internal {
			t.Errorf("the internal field %s is shown", f.Name)
		}
	}
	for _, name := range []string{"created_at", "updated_at"} {
		s, _ := rec[name].(string)
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil || !strings.HasSuffix(s, "Z") || time.Since(ts) > time.Minute {
			t.Errorf("%s = %q: want a recent RFC 3339 time in UTC (%v)", name, s, err)
		}
	}
	// Every declared field but the internal one is there, with id and times.
	if got, want := apiKeys(rec), apiWantKeys(store.Customers); got != want {
		t.Errorf("keys\n got %s\nwant %s", got, want)
	}
	// Keys come in declaration order, id first.
	if !bytes.HasPrefix(r.Body, []byte(`{"id":`)) || bytes.Index(r.Body, []byte(`"kind"`)) > bytes.Index(r.Body, []byte(`"notes"`)) {
		t.Errorf("keys out of order: %s", r.Body)
	}

	// GET gives the same record.
	got := a.call(t, http.MethodGet, r.Header.Get("Location"), nil).want(t, http.StatusOK).object(t)
	if fmt.Sprint(got) != fmt.Sprint(rec) {
		t.Errorf("GET differs from the create answer\n get %v\npost %v", got, rec)
	}

	// A company: empty lists are [], empty numbers null.
	co := a.create(t, "customers", map[string]any{"kind": "company", "title": "Gül Tekstil A.Ş.", "stage": "lead"})
	if fmt.Sprint(co["tags"]) != "[]" || fmt.Sprint(co["phones"]) != "[]" || co["employee_count"] != nil ||
		co["first_name"] != "" || co["lead_status"] != "new" || co["display_name"] != "Gül Tekstil A.Ş." {
		t.Errorf("company: %v", co)
	}
	if !bytes.Contains(a.call(t, http.MethodGet, fmt.Sprintf("/api/v1/customers/%d", apiID(t, co)), nil).Body, []byte(`"tags":[]`)) {
		t.Error(`empty tags are not []`)
	}
}

func apiKeys(rec map[string]any) string {
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// apiWantKeys are the keys a record of m has in the API: id, the times
// and every declared field except the internal ones; a sales document's
// lines and KDV breakdown besides.
func apiWantKeys(m *store.Module) string {
	keys := []string{"id", "created_at", "updated_at"}
	if store.IsSalesDocument(m) {
		keys = append(keys, "lines", "kdv_breakdown")
	}
	for _, f := range m.Fields {
		if !f.Internal {
			keys = append(keys, f.Name)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

func TestAPIValidation(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	bad := map[string]any{"kind": "person", "first_name": "Ali", "last_name": "Veli", "tckn": "12345678901"}
	e := a.call(t, http.MethodPost, "/api/v1/customers", bad).want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["tckn"] != a.tr("error.tckn") || e.Message != a.tr("api.invalid") {
		t.Errorf("error %+v, want tckn: %q", e, a.tr("error.tckn"))
	}
	if len(e.Fields) != 1 {
		t.Errorf("fields %v: only tckn is wrong", e.Fields)
	}
	// In English when the client asks for it.
	e = a.call(t, http.MethodPost, "/api/v1/customers", bad, "Accept-Language", "en-GB,en;q=0.9").
		want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["tckn"] != a.en("error.tckn") || e.Message != a.en("api.invalid") {
		t.Errorf("English error %+v", e)
	}
	// Required fields, checked by the store as for the web form.
	e = a.call(t, http.MethodPost, "/api/v1/customers", map[string]any{"kind": "person"}).
		want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["first_name"] != a.tr("error.required") || e.Fields["last_name"] != a.tr("error.required") {
		t.Errorf("required: %v", e.Fields)
	}
	// Unknown fields and wrong JSON types are named.
	e = a.call(t, http.MethodPost, "/api/v1/customers", `{"kind": "person", "first_nmae": "Ali", "tags": "vip"}`).
		want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["first_nmae"] != a.tr("error.unknown_field") || e.Fields["tags"] == "" {
		t.Errorf("unknown field: %v", e.Fields)
	}
	// A reference to a record that does not exist.
	e = a.call(t, http.MethodPost, "/api/v1/assets", map[string]any{"customer_id": 999999, "name": "Kamyon"}).
		want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["customer_id"] != a.tr("error.ref_missing") {
		t.Errorf("missing ref: %v", e.Fields)
	}
	if n := a.count(t, "SELECT count(*) FROM customers"); n != 0 {
		t.Errorf("refused requests wrote %d customers", n)
	}
}

func TestAPIListFiltersAndPaging(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	want := map[int64]bool{}
	for i := 0; i < 7; i++ {
		body := map[string]any{"kind": "person", "first_name": fmt.Sprintf("Kişi %d", i), "last_name": "Yılmaz", "province": "Isparta"}
		if i%2 == 0 {
			body["tags"] = []string{"vip"}
		}
		if i == 6 {
			body = map[string]any{"kind": "company", "title": "Isparta Gül A.Ş.", "province": "Isparta", "tags": []string{"vip"}}
		}
		want[apiID(t, a.create(t, "customers", body))] = true
	}
	for i := 0; i < 3; i++ {
		a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Başka", "last_name": fmt.Sprint(i), "province": "Ankara"})
	}
	isparta := a.create(t, "customers", map[string]any{"kind": "company", "title": "ISPARTA Ltd.", "province": "Ankara"})

	// Page through Isparta two by two: every record exactly once.
	for _, sort := range []string{"", "&sort=created_at&desc=1", "&sort=province"} {
		seen := map[int64]int{}
		path := "/api/v1/customers?province=isparta&limit=2" + sort
		pages := 0
		for {
			l := a.call(t, http.MethodGet, path, nil).want(t, http.StatusOK).list(t)
			pages++
			if len(l.Data) > 2 || pages > 10 {
				t.Fatalf("page of %d records, page %d", len(l.Data), pages)
			}
			for _, rec := range l.Data {
				seen[apiID(t, rec)]++
				if rec["province"] != "Isparta" {
					t.Errorf("filter let through %v", rec)
				}
			}
			if l.NextCursor == nil {
				break
			}
			path = "/api/v1/customers?province=isparta&limit=2" + sort + "&cursor=" + *l.NextCursor
		}
		if len(seen) != len(want) || pages != 4 {
			t.Errorf("sort %q: saw %d records in %d pages, want %d in 4", sort, len(seen), pages, len(want))
		}
		for id, n := range seen {
			if n != 1 || !want[id] {
				t.Errorf("sort %q: record %d seen %d times", sort, id, n)
			}
		}
	}
	// The last page says so with null.
	if !bytes.Contains(a.call(t, http.MethodGet, "/api/v1/customers?limit=200", nil).Body, []byte(`"next_cursor":null`)) {
		t.Error("next_cursor is not null on the last page")
	}

	for query, n := range map[string]int{
		"province=Isparta&kind=person":          6,
		"province=Isparta&kind=person&tags=vip": 3,
		"tags=vip":                              4,
		"kind=company":                          2,
		"q=isparta":                             8,
		"q=ISPARTA&kind=company":                2,
		"q=ltd":                                 1,
		"created_from=2000-01-01&created_to=31.12.2999": 11,
		"created_to=2001-01-01":                         0,
		"owner_id=" + strconv.FormatInt(a.admin.ID, 10): 11,
	} {
		l := a.call(t, http.MethodGet, "/api/v1/customers?"+query, nil).want(t, http.StatusOK).list(t)
		if len(l.Data) != n {
			t.Errorf("%s: %d records, want %d", query, len(l.Data), n)
		}
	}
	// The Turkish way: "isparta" finds "ISPARTA Ltd.".
	found := false
	for _, rec := range a.call(t, http.MethodGet, "/api/v1/customers?q=isparta", nil).want(t, http.StatusOK).list(t).Data {
		found = found || apiID(t, rec) == apiID(t, isparta)
	}
	if !found {
		t.Error(`q=isparta does not find "ISPARTA Ltd."`)
	}
	// Lists show phone lists too.
	p := a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Telefon", "last_name": "Sahibi",
		"phones": []map[string]string{{"label": "ev", "number": "0312 444 55 66"}}})
	l := a.call(t, http.MethodGet, "/api/v1/customers?q=telefon", nil).want(t, http.StatusOK).list(t)
	if len(l.Data) != 1 || apiID(t, l.Data[0]) != apiID(t, p) || fmt.Sprint(l.Data[0]["phones"]) != "[map[label:ev number:+903124445566]]" {
		t.Errorf("list phones: %v", l.Data)
	}
}

func TestAPIBadQueries(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	for query, want := range map[string]string{
		"provnce=Isparta":      a.tr("api.param_unknown", "provnce"),
		"notes=x":              a.tr("api.param_unknown", "notes"), // declared, but not a filter
		"limit=0":              a.tr("api.param_limit", store.MaxLimit),
		"limit=201":            a.tr("api.param_limit", store.MaxLimit),
		"limit=x":              a.tr("api.param_limit", store.MaxLimit),
		"desc=maybe":           a.tr("api.param_invalid", "desc"),
		"sort=notes":           a.tr("api.param_invalid", "sort"),
		"created_from=dün":     a.tr("api.param_invalid", "created_from"),
		"kind=a&kind=b":        a.tr("api.param_repeated", "kind"),
		"cursor=%25%25%25":     a.tr("api.bad_query"),
		"province=Atlantis":    a.tr("api.bad_query"),
		"owner_id=birisi":      a.tr("api.bad_query"),
		"q=a&limit=5&foo=bar1": a.tr("api.param_unknown", "foo"),
	} {
		e := a.call(t, http.MethodGet, "/api/v1/customers?"+query, nil).want(t, http.StatusBadRequest).err(t)
		if e.Message != want {
			t.Errorf("%s: message %q, want %q", query, e.Message, want)
		}
	}
	e := a.call(t, http.MethodGet, "/api/v1/customers?limit=500", nil, "Accept-Language", "en").err(t)
	if e.Message != a.en("api.param_limit", 200) {
		t.Errorf("English limit message: %q", e.Message)
	}
}

func TestAPIPatchChangesOneField(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	rec := a.create(t, "customers", map[string]any{"kind": "company", "title": "Eski Ünvan Ltd.", "tax_office": "Konak",
		"email": "info@eski.com.tr", "tags": []string{"a", "b"}, "province": "İzmir", "employee_count": 12,
		"phones": []map[string]string{{"label": "", "number": "02325551212"}}})
	path := fmt.Sprintf("/api/v1/customers/%d", apiID(t, rec))
	time.Sleep(2 * time.Millisecond)
	got := a.call(t, http.MethodPatch, path, map[string]any{"email": "YENI@eski.com.tr"}).want(t, http.StatusOK).object(t)
	if got["email"] != "yeni@eski.com.tr" {
		t.Errorf("email %v", got["email"])
	}
	for k, v := range rec {
		switch k {
		case "email", "updated_at":
			continue
		}
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("PATCH changed %s: %v → %v", k, v, got[k])
		}
	}
	if got["updated_at"] == rec["updated_at"] {
		t.Error("updated_at did not move")
	}
	again := a.call(t, http.MethodGet, path, nil).want(t, http.StatusOK).object(t)
	if fmt.Sprint(again) != fmt.Sprint(got) {
		t.Errorf("GET after PATCH\n got %v\nwant %v", again, got)
	}
	// null empties a field; merge-patch+json is taken too.
	got = a.call(t, http.MethodPatch, path, `{"tags": null, "province": null}`, "Content-Type", "application/merge-patch+json").
		want(t, http.StatusOK).object(t)
	if fmt.Sprint(got["tags"]) != "[]" || got["province"] != "" || got["title"] != "Eski Ünvan Ltd." {
		t.Errorf("after emptying: %v", got)
	}
	// A bad value changes nothing.
	e := a.call(t, http.MethodPatch, path, map[string]any{"email": "yok", "title": "Yeni"}).want(t, http.StatusUnprocessableEntity).err(t)
	if e.Fields["email"] != a.tr("error.email") {
		t.Errorf("fields %v", e.Fields)
	}
	if a.call(t, http.MethodGet, path, nil).object(t)["title"] != "Eski Ünvan Ltd." {
		t.Error("a refused PATCH changed the title")
	}
	// Computed and read-only keys are ignored, so a GET body can be sent back.
	back := a.call(t, http.MethodGet, path, nil).Body
	a.call(t, http.MethodPatch, path, back).want(t, http.StatusOK)
	a.call(t, http.MethodPatch, "/api/v1/customers/999999", map[string]any{"email": "a@b.com"}).want(t, http.StatusNotFound)
}

func TestAPIDelete(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	rec := a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Silinecek", "last_name": "Kişi"})
	path := fmt.Sprintf("/api/v1/customers/%d", apiID(t, rec))
	r := a.call(t, http.MethodDelete, path, nil).want(t, http.StatusNoContent)
	if len(r.Body) != 0 {
		t.Errorf("204 with a body: %s", r.Body)
	}
	e := a.call(t, http.MethodGet, path, nil).want(t, http.StatusNotFound).err(t)
	if e.Message != a.tr("api.not_found") {
		t.Errorf("message %q", e.Message)
	}
	a.call(t, http.MethodDelete, path, nil).want(t, http.StatusNotFound)
	// In the recycle bin, not gone.
	if n := a.count(t, "SELECT count(*) FROM customers WHERE id = ? AND deleted_at IS NOT NULL", apiID(t, rec)); n != 1 {
		t.Error("the record is not in the recycle bin")
	}
	for _, p := range []string{"/api/v1/customers/0", "/api/v1/customers/abc", "/api/v1/customers/99999999999999999999"} {
		a.call(t, http.MethodGet, p, nil).want(t, http.StatusNotFound)
	}
}

func TestAPIRoutingErrors(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	e := a.call(t, http.MethodGet, "/api/v1/invoicez", nil).want(t, http.StatusNotFound).err(t)
	if e.Message != a.tr("api.unknown_module") {
		t.Errorf("unknown module: %q", e.Message)
	}
	a.call(t, http.MethodGet, "/api/v1/invoicez/1", nil).want(t, http.StatusNotFound)
	a.call(t, http.MethodGet, "/api/v2/customers", nil).want(t, http.StatusNotFound)
	a.call(t, http.MethodGet, "/api/v1/customers/1/extra", nil).want(t, http.StatusNotFound)
	for path, allow := range map[string]string{
		"/api/v1/customers":    "GET, HEAD, POST",
		"/api/v1/customers/1":  "GET, HEAD, PATCH, DELETE",
		"/api/v1/openapi.json": "GET, HEAD",
	} {
		r := a.call(t, http.MethodPut, path, "{}").want(t, http.StatusMethodNotAllowed)
		if r.Header.Get("Allow") != allow {
			t.Errorf("%s: Allow %q, want %q", path, r.Header.Get("Allow"), allow)
		}
	}
	// Security headers are set on the API too.
	r := a.call(t, http.MethodGet, "/api/v1/customers", nil)
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestAPIAuthentication(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	anon := a.clientFor(t)
	for name, auth := range map[string]string{
		"no token":      "",
		"unknown token": "Bearer kcrm_bunuKimseBilmiyor",
		"not a token":   "Bearer 12345",
		"basic":         "Basic YXlzZTpwYXJvbGE=",
		"empty bearer":  "Bearer ",
	} {
		r := apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": auth}).
			want(t, http.StatusUnauthorized)
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", name, r.Header.Get("WWW-Authenticate"))
		}
		r.err(t)
	}
	// Before anything else: an unknown module or a write needs a token too.
	apiCall(t, anon, http.MethodGet, "/api/v1/invoicez", nil, nil).want(t, http.StatusUnauthorized)
	apiCall(t, anon, http.MethodPost, "/api/v1/customers", []byte(`{"kind":"person"}`), nil).want(t, http.StatusUnauthorized)

	// The scheme is case-insensitive.
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": "bearer " + a.token}).
		want(t, http.StatusOK)

	// A revoked token stops working at once.
	ctx := context.Background()
	tok, info, err := a.st.CreateToken(ctx, store.ActorFor(a.admin), "iptal edilecek")
	if err != nil {
		t.Fatal(err)
	}
	bearer := map[string]string{"Authorization": "Bearer " + tok}
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, bearer).want(t, http.StatusOK)
	if err := a.st.RevokeToken(ctx, store.ActorFor(a.admin), info.ID); err != nil {
		t.Fatal(err)
	}
	r := apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, bearer).want(t, http.StatusUnauthorized)
	if e := r.err(t); e.Message != a.tr("api.token_invalid") {
		t.Errorf("revoked: %q", e.Message)
	}
	// A deactivated user's token is refused.
	clerk := a.addUser("Mehmet Demir", "mehmet@firma.com.tr", "Deniz-Kum-Fener-77")
	ctok, _, err := a.st.CreateToken(ctx, store.ActorFor(clerk), "betik")
	if err != nil {
		t.Fatal(err)
	}
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": "Bearer " + ctok}).want(t, http.StatusOK)
	a.exec(t, "UPDATE users SET active = 0 WHERE id = ?", clerk.ID)
	apiCall(t, anon, http.MethodGet, "/api/v1/customers", nil, map[string]string{"Authorization": "Bearer " + ctok}).want(t, http.StatusUnauthorized)

	// Records made with a token belong to the token's user.
	rec := a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Sahipli", "last_name": "Kayıt"})
	if rec["owner_id"] != json.Number(strconv.FormatInt(a.admin.ID, 10)) {
		t.Errorf("owner %v, want %d", rec["owner_id"], a.admin.ID)
	}
}

func TestAPICookieSessionNeedsCSRF(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	c := a.browser
	body := []byte(`{"kind": "person", "first_name": "Tarayıcı", "last_name": "Betiği"}`)
	// Reading needs no CSRF token.
	apiCall(t, c, http.MethodGet, "/api/v1/customers", nil, nil).want(t, http.StatusOK)
	r := apiCall(t, c, http.MethodPost, "/api/v1/customers", body, nil).want(t, http.StatusForbidden)
	if e := r.err(t); e.Message != a.tr("api.csrf") {
		t.Errorf("message %q", e.Message)
	}
	apiCall(t, c, http.MethodPost, "/api/v1/customers", body, map[string]string{csrfHeader: "yanlis"}).want(t, http.StatusForbidden)
	tok := c.token("/profile")
	// Not from another site, even with the token.
	apiCall(t, c, http.MethodPost, "/api/v1/customers", body, map[string]string{csrfHeader: tok, "Sec-Fetch-Site": "cross-site"}).
		want(t, http.StatusForbidden)
	if n := a.count(t, "SELECT count(*) FROM customers"); n != 0 {
		t.Fatalf("refused requests wrote %d customers", n)
	}
	rec := apiCall(t, c, http.MethodPost, "/api/v1/customers", body, map[string]string{csrfHeader: tok}).
		want(t, http.StatusCreated).object(t)
	path := fmt.Sprintf("/api/v1/customers/%d", apiID(t, rec))
	apiCall(t, c, http.MethodPatch, path, []byte(`{"last_name": "Yeni"}`), nil).want(t, http.StatusForbidden)
	apiCall(t, c, http.MethodDelete, path, nil, nil).want(t, http.StatusForbidden)
	apiCall(t, c, http.MethodDelete, path, nil, map[string]string{csrfHeader: tok}).want(t, http.StatusNoContent)

	// After logging out the cookie is worth nothing.
	wantRedirect(t, c.post("/logout", map[string][]string{csrfField: {tok}}), "/login")
	apiCall(t, c, http.MethodGet, "/api/v1/customers", nil, nil).want(t, http.StatusUnauthorized)
}

func TestAPIBodies(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	for name, tc := range map[string]struct {
		body, contentType string
		status            int
		key               string
	}{
		"malformed":       {`{"kind": "person",`, "application/json", http.StatusBadRequest, "api.bad_json"},
		"empty":           {``, "application/json", http.StatusBadRequest, "api.bad_json"},
		"trailing":        {`{"kind": "person"} {}`, "application/json", http.StatusBadRequest, "api.bad_json"},
		"array":           {`[{"kind": "person"}]`, "application/json", http.StatusBadRequest, "api.not_object"},
		"string":          {`"person"`, "application/json", http.StatusBadRequest, "api.not_object"},
		"null":            {`null`, "application/json", http.StatusBadRequest, "api.not_object"},
		"form":            {`kind=person`, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType, "api.content_type"},
		"text":            {`{"kind": "person"}`, "text/plain", http.StatusUnsupportedMediaType, "api.content_type"},
		"no type":         {`{"kind": "person"}`, "", http.StatusUnsupportedMediaType, "api.content_type"},
		"merge-patch":     {`{"kind": "person"}`, "application/merge-patch+json", http.StatusUnsupportedMediaType, "api.content_type"},
		"too large":       {`{"notes": "` + strings.Repeat("a", maxFormBytes) + `"}`, "application/json", http.StatusRequestEntityTooLarge, "api.too_large"},
		"json with param": {`{"kind": "person", "first_name": "A", "last_name": "B"}`, "application/json; charset=utf-8", http.StatusCreated, ""},
	} {
		r := a.call(t, http.MethodPost, "/api/v1/customers", tc.body, "Content-Type", tc.contentType).want(t, tc.status)
		if tc.key != "" {
			if e := r.err(t); e.Message != a.tr(tc.key) || e.Fields != nil {
				t.Errorf("%s: error %+v, want %s", name, e, tc.key)
			}
		}
	}
	if n := a.count(t, "SELECT count(*) FROM customers"); n != 1 {
		t.Errorf("%d customers, want the one good one", n)
	}
}

func TestAPIPanicIsJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := e.srv.apiRecover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom in the API") }))
	for accept, want := range map[string]string{"": e.tr("api.internal"), "en": e.en("api.internal")} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/customers", nil)
		req.Header.Set("Accept-Language", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		r := &apiResp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		r.want(t, http.StatusInternalServerError)
		if got := r.err(t); got.Message != want || strings.Contains(string(r.Body), "boom") {
			t.Errorf("500 body %s", r.Body)
		}
	}
	if !strings.Contains(e.logs.String(), "boom in the API") {
		t.Error("the panic was not logged")
	}
}

// apiDoc fetches and decodes openapi.json, without any authentication.
func apiDoc(t *testing.T, a *apiEnv) map[string]any {
	t.Helper()
	r := apiCall(t, a.clientFor(t), http.MethodGet, "/api/v1/openapi.json", nil, nil).want(t, http.StatusOK)
	var doc map[string]any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

func apiDig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s (at %v)", p, path)
		}
		v = m[p]
	}
	return v
}

func TestAPIOpenAPIFromDeclarations(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	doc := apiDoc(t, a)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	if apiDig(t, doc, "components", "securitySchemes", "bearerAuth", "scheme") != "bearer" {
		t.Error("no bearer security scheme")
	}
	if apiDig(t, doc, "components", "schemas", "Error", "properties", "error") == nil {
		t.Error("no error schema")
	}
	names := map[string]bool{}
	for _, m := range store.Modules() {
		names[m.Key] = true
		props, ok := apiDig(t, doc, "components", "schemas", m.Key, "properties").(map[string]any)
		if !ok {
			t.Errorf("no schema for %s", m.Key)
			continue
		}
		if got, want := apiKeys(props), apiWantKeys(m); got != want {
			t.Errorf("%s schema properties\n got %s\nwant %s", m.Key, got, want)
		}
		for _, f := range m.Fields {
			p, _ := props[f.Name].(map[string]any)
			if f.Internal {
				continue
			}
			typ := fmt.Sprint(p["type"])
			want := map[store.Kind]string{
				store.Int: "[integer null]", store.Money: "[integer null]", store.Ref: "[integer null]",
				store.Bool: "boolean", store.Tags: "array", store.PhoneList: "array", store.RefList: "array", store.Grants: "object",
				store.MultiChoice: "array", // campaigns.channels
			}[f.Kind]
			if want == "" {
				want = "string"
			}
			if typ != want {
				t.Errorf("%s.%s (%s): type %s, want %s", m.Key, f.Name, f.Kind, typ, want)
			}
			if f.Kind == store.Choice && len(p["enum"].([]any)) < len(f.Choices) {
				t.Errorf("%s.%s: enum %v", m.Key, f.Name, p["enum"])
			}
			if f.Kind == store.Money && !strings.Contains(fmt.Sprint(p["description"]), "kuruş") {
				t.Errorf("%s.%s: money without kuruş", m.Key, f.Name)
			}
			if f.Computed && p["readOnly"] != true {
				t.Errorf("%s.%s is computed but not readOnly", m.Key, f.Name)
			}
		}
		for _, ro := range []string{"id", "created_at", "updated_at"} {
			if apiDig(t, props, ro, "readOnly") != true {
				t.Errorf("%s.%s is not readOnly", m.Key, ro)
			}
		}
		list := apiDig(t, doc, "paths", "/api/v1/"+m.Key, "get")
		params := map[string]bool{}
		for _, p := range apiDig(t, list, "parameters").([]any) {
			pm := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				pm = apiDig(t, doc, "components", "parameters", ref[strings.LastIndex(ref, "/")+1:]).(map[string]any)
			}
			params[pm["name"].(string)] = true
		}
		for _, name := range []string{"q", "limit", "cursor", "sort", "desc", "created_from", "created_to"} {
			if !params[name] {
				t.Errorf("%s list lacks parameter %s", m.Key, name)
			}
		}
		for _, f := range m.FilterFields() {
			if !params[f.Name] {
				t.Errorf("%s list lacks filter %s", m.Key, f.Name)
			}
		}
		for _, op := range []string{"post"} {
			if apiDig(t, doc, "paths", "/api/v1/"+m.Key, op) == nil {
				t.Errorf("%s: no %s", m.Key, op)
			}
		}
		for _, op := range []string{"get", "patch", "delete"} {
			if apiDig(t, doc, "paths", "/api/v1/"+m.Key+"/{id}", op) == nil {
				t.Errorf("%s: no %s of one record", m.Key, op)
			}
		}
	}
	if !names["customers"] || !names["assets"] {
		t.Fatal("customers and assets are not declared")
	}
	c := apiDig(t, doc, "components", "schemas", "customers").(map[string]any)
	if p := apiDig(t, c, "properties", "tckn", "pattern"); !strings.Contains(fmt.Sprint(p), "^[1-9][0-9]{10}$") {
		t.Errorf("tckn pattern %v", p)
	}
	if fmt.Sprint(c["required"]) != "[kind stage]" || !strings.Contains(fmt.Sprint(c["allOf"]), "first_name last_name") {
		t.Errorf("required %v, allOf %v", c["required"], c["allOf"])
	}
	if fmt.Sprint(apiDig(t, c, "properties", "kind", "enum")) != "[person company]" {
		t.Errorf("kind enum %v", apiDig(t, c, "properties", "kind", "enum"))
	}
	// Every $ref points at something.
	body, _ := json.Marshal(doc)
	for _, part := range strings.Split(string(body), `"$ref":"#/`)[1:] {
		ref := part[:strings.IndexByte(part, '"')]
		if apiDig(t, doc, strings.Split(ref, "/")...) == nil {
			t.Errorf("dangling $ref %s", ref)
		}
	}
}

func TestAPIEveryModuleLists(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	for _, m := range store.Modules() {
		// Every module's list is short here: the shipped roles, one user.
		l := a.call(t, http.MethodGet, "/api/v1/"+m.Key+"?limit=50", nil).want(t, http.StatusOK).list(t)
		if l.NextCursor != nil {
			t.Errorf("%s: next cursor on a short list", m.Key)
		}
		a.call(t, http.MethodHead, "/api/v1/"+m.Key, nil).want(t, http.StatusOK)
	}
}

func TestAPIAssetsOfACustomer(t *testing.T) {
	t.Parallel()
	a := apiSetUp(t)
	cust := a.create(t, "customers", map[string]any{"kind": "person", "first_name": "Araç", "last_name": "Sahibi"})
	car := a.create(t, "assets", map[string]any{"customer_id": apiID(t, cust), "name": "Kamyonet", "plate": "34abc123",
		"purchase_date": "01.02.2024", "warranty_end": "2026-02-01"})
	if car["plate"] != "34 ABC 123" || car["purchase_date"] != "2024-02-01" || car["kind"] != "vehicle" {
		t.Errorf("asset %v", car)
	}
	l := a.call(t, http.MethodGet, fmt.Sprintf("/api/v1/assets?customer_id=%d", apiID(t, cust)), nil).want(t, http.StatusOK).list(t)
	if len(l.Data) != 1 || apiID(t, l.Data[0]) != apiID(t, car) {
		t.Errorf("assets of the customer: %v", l.Data)
	}
}

// FuzzAPICreateBody posts arbitrary bytes as a new customer: whatever they
// are, the answer is never a server error.
func FuzzAPICreateBody(f *testing.F) {
	for _, seed := range []string{
		`{"kind": "person", "first_name": "Ali", "last_name": "Veli", "tckn": "10000000146"}`,
		`{"kind": "company", "title": "X", "vkn": 1234567890, "employee_count": 1e400}`,
		`{"kind": "person", "phones": [{"label": 1, "number": null}], "tags": [null, "", "a"]}`,
		`{"kind": "company", "title": "A", "postal_code": "1", "province": "Isparta"}`,
		`{"kind": "person", "first_name": "A", "last_name": "B", "owner_id": -1, "birth_date": "31.02.2020"}`,
		`{"kind": "person", "first_name": "\u0000", "last_name": "\ud800", "email": "a@b", "website": "javascript:alert(1)"}`,
		`{"id": 1, "created_at": "x", "display_name": 5, "sort_key": [], "deleted_at": {}}`,
		`[]`, `null`, `{`, `{"kind": "person"}{}`, "\xff\xfe", `{"a":` + strings.Repeat("[", 20000),
	} {
		f.Add([]byte(seed))
	}
	st, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	srv, err := New(context.Background(), st, Config{Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	admin, err := st.CreateFirstAdmin(context.Background(), store.NewUser{Name: adminName, Email: adminEmail,
		Password: adminPassword, PasswordAgain: adminPassword})
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := st.CreateToken(context.Background(), store.ActorFor(admin), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/customers", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q:\n%s", rec.Code, body, rec.Body)
		}
		var answer map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d, answer not JSON: %s", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusCreated {
			if _, ok := answer["id"]; !ok {
				t.Fatalf("201 without an id: %s", rec.Body)
			}
		} else if _, ok := answer["error"]; !ok {
			t.Fatalf("status %d without an error: %s", rec.Code, rec.Body)
		}
	})
}
