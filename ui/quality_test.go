package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kobicrm/store"
)

// qualityCustomers makes customers of known scores through the store,
// owned by owner: a complete person (100), one without TCKN and e-mail
// (70), a bare person (18 with the owner) and a bare company (15).
func (e *env) qualityCustomers(owner int64) map[string]int64 {
	e.t.Helper()
	ids := map[string]int64{}
	for name, v := range map[string]store.Values{
		"Şükrü Çağlar": {"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar", "phone": "0532 123 45 67",
			"email": "sukru@ornek.com.tr", "tckn": "10000000146", "birth_date": "1980-05-01", "province": "Isparta",
			"district": "Eğirdir", "address": "Göl Sok. No: 3", "postal_code": "32500"},
		"İpek Işık": {"kind": "person", "first_name": "İpek", "last_name": "Işık", "phone": "0532 765 43 21",
			"birth_date": "1985-04-15", "province": "Isparta", "district": "Merkez", "address": "Yeni Mah. 1", "postal_code": "32100"},
		"Oğuz Ünal":     {"kind": "person", "first_name": "Oğuz", "last_name": "Ünal"},
		"Boş Ltd. Şti.": {"kind": "company", "title": "Boş Ltd. Şti."},
	} {
		v["owner_id"] = owner
		rec, err := e.st.Create(context.Background(), store.SystemActor(), store.Customers, v)
		if err != nil {
			e.t.Fatalf("create %s: %v", name, err)
		}
		ids[name] = rec.ID
	}
	return ids
}

// listNames are the customer names of a list page's rows, in order.
var rowName = regexp.MustCompile(`<td><a href="/customers/\d+">([^<]+)</a></td>`)

func listNames(body string) []string {
	var out []string
	for _, m := range rowName.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCustomerListQualityFilterAndSort(t *testing.T) {
	t.Parallel()
	e := apiSetUp(t)
	c := e.browser
	e.qualityCustomers(e.admin.ID)

	r := c.get("/customers")
	wantStatus(t, r, http.StatusOK)
	// The column, sortable, with each score's band in words; the filter
	// offers the bands.
	wantBody(t, r, `href="/customers?sort=quality"`, e.tr("field.customers.quality"),
		`<span class="badge badge-quality-high">100 · Yüksek</span>`, `<span class="badge badge-quality-low">18 · Düşük</span>`,
		`<select id="filter-quality" name="quality"><option value="">—</option><option value="low">Düşük</option>`)

	low := c.get("/customers?quality=low")
	wantStatus(t, low, http.StatusOK)
	if got := listNames(low.Body); fmt.Sprint(got) != "[Boş Ltd. Şti. Oğuz Ünal]" {
		t.Errorf("the low band lists %v", got)
	}
	wantBody(t, low, `<option value="low" selected>`)
	if got := listNames(c.get("/customers?quality=medium").Body); fmt.Sprint(got) != "[İpek Işık]" {
		t.Errorf("the medium band lists %v", got)
	}
	if got := listNames(c.get("/customers?sort=quality").Body); fmt.Sprint(got) != "[Boş Ltd. Şti. Oğuz Ünal İpek Işık Şükrü Çağlar]" {
		t.Errorf("by quality: %v", got)
	}
	desc := c.get("/customers?sort=quality&desc=1")
	if got := listNames(desc.Body); fmt.Sprint(got) != "[Şükrü Çağlar İpek Işık Oğuz Ünal Boş Ltd. Şti.]" {
		t.Errorf("by quality, best first: %v", got)
	}
	wantBody(t, desc, `aria-sort="descending"`)

	// A band that does not exist is a bad link, not a server error.
	bad := c.get("/customers?quality=excellent")
	wantStatus(t, bad, http.StatusBadRequest)
	wantBody(t, bad, e.tr("list.bad_query"))

	// The API takes the band and the sort too.
	body := string(e.call(t, http.MethodGet, "/api/v1/customers?quality=high&sort=quality", nil).want(t, http.StatusOK).Body)
	if !strings.Contains(body, `"quality":100`) || strings.Contains(body, `"quality":70`) {
		t.Errorf("the API's high band:\n%s", body)
	}
}

// TestCustomerPageShowsQuality: the score with its band, and the gaps
// heaviest first, each linked to its input for whoever may edit; a
// field hidden from the user is never named as missing.
func TestCustomerPageShowsQuality(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ids := e.qualityCustomers(1)
	url := fmt.Sprintf("/customers/%d", ids["İpek Işık"])

	r := admin.get(url)
	wantStatus(t, r, http.StatusOK)
	section := html.UnescapeString(homeSection(t, r.Body, "quality"))
	wantInOrder(t, "the quality section", section, "70/100", "Orta",
		e.tr("quality.gap.email"), e.tr("quality.points", 15), e.tr("quality.gap.tckn"))
	wantBody(t, r, `<meter min="0" max="100" low="50" high="80" optimum="100" value="70">`,
		fmt.Sprintf(`<a href="%s/edit#f-email">E-posta eksik</a>`, url))

	full := admin.get(fmt.Sprintf("/customers/%d", ids["Şükrü Çağlar"]))
	wantBody(t, full, "100/100", e.tr("quality.complete"))

	// Salt okunur reads every customer, the TCKN hidden: the score is the
	// same, the TCKN gap is not named, and nothing links to the form.
	e.addUserWith("Okur", "okur@firma.com.tr", "Salt okunur")
	o := e.client()
	o.login("okur@firma.com.tr", userPassword)
	r = o.get(url)
	wantStatus(t, r, http.StatusOK)
	section = homeSection(t, r.Body, "quality")
	wantBody(t, r, "70/100", e.tr("quality.gap.email"))
	if strings.Contains(section, e.tr("quality.gap.tckn")) || strings.Contains(section, "/edit#") {
		t.Errorf("a read-only user without the TCKN sees:\n%s", section)
	}
}

// TestHomeShowsQualityWithinScope: the home page's figure is the average
// of what the user may read, with a link to the weakest records.
func TestHomeShowsQualityWithinScope(t *testing.T) {
	t.Parallel()
	e, admin := setUp(t)
	ali := e.addUserWith("Ali Satış", "ali@firma.com.tr", "Satış")
	e.qualityCustomers(1) // 100, 70, 18, 15: 50.75
	if _, err := e.st.Create(context.Background(), store.SystemActor(), store.Customers, store.Values{
		"kind": "person", "first_name": "Elif", "last_name": "Kaya", "phone": "0505 111 22 33", "owner_id": ali.ID}); err != nil {
		t.Fatal(err)
	}

	r := admin.get("/")
	wantStatus(t, r, http.StatusOK)
	section := homeSection(t, r.Body, "home-quality")
	wantInOrder(t, "the administrator's figure", section, "48/100", "Düşük", e.tr("home.quality_body", 5), e.tr("home.quality_low", 3, 50))
	wantBody(t, r, `href="/customers?quality=low&amp;sort=quality" id="quality-low-link"`)
	low := admin.get("/customers?quality=low&sort=quality")
	if got := listNames(low.Body); fmt.Sprint(got) != "[Boş Ltd. Şti. Oğuz Ünal Elif Kaya]" {
		t.Errorf("the low list: %v", got)
	}

	// Ali sees his one customer: name, phone and owner, 38.
	c := e.client()
	c.login("ali@firma.com.tr", userPassword)
	section = homeSection(t, c.get("/").Body, "home-quality")
	wantInOrder(t, "Ali's figure", section, "38/100", e.tr("home.quality_body", 1), e.tr("home.quality_low", 1, 50))
}

// TestQualityCatalogue: every gap and band the store can name has its
// words in each language.
func TestQualityCatalogue(t *testing.T) {
	e := newEnv(t)
	keys := []string{"field.customers.quality"}
	for _, kind := range []string{"person", "company"} {
		for _, g := range store.CustomerQuality(store.Values{"kind": kind}).Gaps {
			keys = append(keys, g.Key)
		}
	}
	f, _ := store.Customers.Field(store.QualityField)
	for _, b := range f.Bands {
		keys = append(keys, store.Customers.ChoiceKey(f, b.Name))
	}
	for _, lang := range e.srv.catalog.Languages() {
		l := e.srv.catalog.Locale(lang)
		for _, k := range keys {
			if l.T(k) == k {
				t.Errorf("%s: no words for %s", lang, k)
			}
		}
	}
}
