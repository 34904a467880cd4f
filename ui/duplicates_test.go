package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kobicrm/store"
)

// customerWith creates a customer through the store, as the command line.
func (e *env) customerWith(v store.Values) int64 {
	e.t.Helper()
	rec, err := e.st.Create(context.Background(), store.SystemActor(), store.Customers, v)
	if err != nil {
		e.t.Fatalf("create customer %v: %v", v, err)
	}
	return rec.ID
}

func TestCustomerFormWarnsOfDuplicates(t *testing.T) {
	e, c := setUp(t)
	ahmet := e.customerWith(store.Values{"kind": "person", "first_name": "Ahmet", "last_name": "Yılmaz",
		"phone": "0532 111 11 11", "province": "Isparta"})
	count := func() int { return e.count(t, "SELECT count(*) FROM customers WHERE deleted_at IS NULL") }

	form := url.Values{"kind": {"person"}, "first_name": {"Ahmet"}, "last_name": {"YILMAZ"}, "phone": {"+90 532 111 1111"},
		"stage": {"customer"}, "province": {"Isparta"}, "notes": {"Fuarda tanıştık"}}
	r := c.submit("/customers/new?kind=person", "/customers", form)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, `id="duplicates"`, e.tr("dup.warning_heading"), fmt.Sprintf(`href="/customers/%d"`, ahmet), "Ahmet Yılmaz",
		e.tr("dup.reason.phone")+", "+e.tr("dup.reason.name"), `name="confirm_duplicate" value="1"`,
		`value="YILMAZ"`, "Fuarda tanıştık") // the form comes back as typed
	if n := count(); n != 1 {
		t.Fatalf("%d customers after the warning, want nothing saved", n)
	}
	// A form with mistakes shows them, not the warning.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("email", "ahmet@")
	r = c.submit("/customers/new?kind=person", "/customers", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantNoBody(t, r, e.tr("dup.warning_heading"))

	form.Set("confirm_duplicate", "1")
	r = c.submit("/customers/new?kind=person", "/customers", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save anyway: status %d\n%s", r.Status, r.Body)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d customers after saving anyway, want 2", n)
	}
	twin := r.location()

	// Editing the twin without touching what makes it one: no warning.
	edit := url.Values{"kind": {"person"}, "first_name": {"Ahmet"}, "last_name": {"YILMAZ"}, "phone": {"+90 532 111 1111"},
		"stage": {"customer"}, "province": {"Isparta"}, "notes": {"Fuarda tanıştık; teklif istedi"}}
	wantRedirect(t, c.submit(twin+"/edit", twin, edit), twin)
	// Giving it Ahmet's e-mail too is news: warned, with a link to compare.
	edit.Set("email", "ahmet@ornek.com.tr")
	e.exec(t, "UPDATE customers SET email = 'ahmet@ornek.com.tr' WHERE id = ?", ahmet)
	seen := regexpValue(t, c.get(twin+"/edit").Body, "updated_at")
	edit.Set("updated_at", seen)
	r = c.submit(twin+"/edit", twin, edit)
	wantStatus(t, r, http.StatusOK)
	twinID := strings.TrimPrefix(twin, "/customers/")
	wantBody(t, r, e.tr("dup.warning_heading"), e.tr("dup.reason.email"),
		fmt.Sprintf(`href="/customers/merge?a=%d&amp;b=%s"`, ahmet, twinID))
	if got := regexpValue(t, r.Body, "updated_at"); got != seen {
		t.Errorf("the warned form carries the time %q, want the one it was opened with, %q", got, seen)
	}
	edit.Set("confirm_duplicate", "1")
	wantRedirect(t, c.submit(twin+"/edit", twin, edit), twin)
	if n := e.count(t, "SELECT count(*) FROM customers WHERE email = 'ahmet@ornek.com.tr'"); n != 2 {
		t.Errorf("%d customers with the e-mail after saving anyway, want 2", n)
	}
	// Assets have no duplicate rules: saved at once.
	r = c.submit("/assets/new?customer_id="+twinID, "/assets", url.Values{"customer_id": {twinID}, "kind": {"vehicle"}, "name": {"Doblo"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("a new asset: status %d", r.Status)
	}
}

// regexpValue reads the value of a hidden input of a page.
func regexpValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no %s input in the page", name)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestDuplicatesPageAndMerge(t *testing.T) {
	e, c := setUp(t)
	a := e.customerWith(store.Values{"kind": "person", "first_name": "Zeynep", "last_name": "Kara", "province": "Bursa",
		"phone": "0532 222 22 22", "tags": []string{"VIP"}})
	b := e.customerWith(store.Values{"kind": "person", "first_name": "Zeynep", "last_name": "KARA", "province": "Bursa",
		"email": "zeynep@ornek.com.tr", "phone": "0533 333 33 33"})
	asset, err := e.st.Create(context.Background(), store.SystemActor(), store.Assets,
		store.Values{"customer_id": b, "kind": "vehicle", "name": "Fiat Egea", "plate": "16 ZK 123"})
	if err != nil {
		t.Fatal(err)
	}

	wantBody(t, c.get("/customers"), `href="/customers/duplicates"`)
	r := c.get("/customers/duplicates")
	wantStatus(t, r, http.StatusOK)
	mergeLink := fmt.Sprintf("/customers/merge?a=%d&b=%d", a, b)
	wantBody(t, r, "Zeynep Kara", "Zeynep KARA", e.tr("dup.reason.name"), strings.ReplaceAll(mergeLink, "&", "&amp;"))

	r = c.get(mergeLink)
	wantStatus(t, r, http.StatusOK)
	// The survivor's value is the default; where it has none, the other's.
	wantBody(t, r, `name="survivor" value="a" id="survivor-a" checked`, `name="take_email" value="b" id="take-email-b" checked`,
		`name="take_phone" value="a" id="take-phone-a" checked`, "zeynep@ornek.com.tr", e.tr("dup.both_kept"))

	post := url.Values{"a": {fmt.Sprint(a)}, "b": {fmt.Sprint(b)}, "survivor": {"a"}, "take_email": {"b"}, "take_phone": {"b"}}
	r = c.submit(mergeLink, "/customers/merge", post)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantBody(t, r, e.tr("dup.confirm_missing"), `name="take_phone" value="b" id="take-phone-b" checked`) // the choices as made

	post.Set("confirm", "1")
	r = c.submit(mergeLink, "/customers/merge", post)
	wantRedirect(t, r, fmt.Sprintf("/customers/%d", a))
	page := c.get(r.location())
	wantBody(t, page, e.tr("dup.merged"), "zeynep@ornek.com.tr", "0533 333 33 33", "Fiat Egea", "VIP",
		e.tr("history.merge"), e.tr("history.field.merged_from"), fmt.Sprintf("Zeynep KARA (#%d)", b),
		e.tr("history.field.merge_fields"), e.tr("field.customers.email")+", "+e.tr("field.customers.phone"),
		e.tr("history.field.merge_moved"), e.tr("module.assets")+": 1")
	if n := e.count(t, "SELECT count(*) FROM assets WHERE id = ? AND customer_id = ?", asset.ID, a); n != 1 {
		t.Error("the asset did not move to the survivor")
	}
	if n := e.count(t, "SELECT count(*) FROM customers WHERE id = ? AND deleted_at IS NOT NULL", b); n != 1 {
		t.Error("the merged record is not in the recycle bin")
	}
	wantStatus(t, c.get(fmt.Sprintf("/customers/%d", b)), http.StatusNotFound)
	r = c.get("/customers/duplicates")
	wantBody(t, r, e.tr("dup.none"))
	// The other record's history, in the bin, tells where it went.
	r = c.get(fmt.Sprintf("/admin/audit?module=customers&record=%d", b))
	wantBody(t, r, e.tr("history.field.merged_into"), fmt.Sprintf("Zeynep Kara (#%d)", a))
}

func TestMergeRefusedWithoutTheRights(t *testing.T) {
	e, admin := setUp(t)
	reader := e.addUserWith("Okur", "okur@firma.com.tr", "Salt okunur")
	seller := e.addUserWith("Satıcı", "satici@firma.com.tr", "Satış")
	a := e.customerWith(store.Values{"kind": "person", "first_name": "Can", "last_name": "Ak", "phone": "0532 777 77 77", "owner_id": seller.ID})
	b := e.customerWith(store.Values{"kind": "person", "first_name": "Can", "last_name": "Ak", "phone": "0532 777 77 77"})
	mergeLink := fmt.Sprintf("/customers/merge?a=%d&b=%d", a, b)

	rc := e.client()
	rc.login(reader.Email, userPassword)
	wantNoBody(t, rc.get("/customers"), `href="/customers/duplicates"`)
	r := rc.get("/customers/duplicates")
	wantStatus(t, r, http.StatusOK) // seeing the pairs is reading
	wantBody(t, r, "Can Ak")
	wantNoBody(t, r, "/customers/merge")
	wantStatus(t, rc.get(mergeLink), http.StatusForbidden)
	tok := rc.token("/customers/duplicates")
	forged := url.Values{"a": {fmt.Sprint(a)}, "b": {fmt.Sprint(b)}, "survivor": {"a"}, "confirm": {"1"}, csrfField: {tok}}
	wantStatus(t, rc.post("/customers/merge", forged), http.StatusForbidden)

	// The seller sees only her own customer: the other is not found.
	sc := e.client()
	sc.login(seller.Email, userPassword)
	wantStatus(t, sc.get(mergeLink), http.StatusNotFound)
	forged.Set(csrfField, sc.token("/customers"))
	wantStatus(t, sc.post("/customers/merge", forged), http.StatusNotFound)

	for _, bad := range []string{"/customers/merge?a=1", fmt.Sprintf("/customers/merge?a=%d&b=%d", a, a), "/customers/merge?a=x&b=2"} {
		wantStatus(t, admin.get(bad), http.StatusBadRequest)
	}
	wantStatus(t, admin.get("/customers/duplicates?after=bozuk"), http.StatusBadRequest)
	if n := e.count(t, "SELECT count(*) FROM customers WHERE deleted_at IS NULL"); n != 2 {
		t.Errorf("%d live customers after the refused merges, want 2", n)
	}
}

// A survivor the user may not keep is refused, not swapped for the other.
func TestMergeKeepsOnlyAnAllowedSurvivor(t *testing.T) {
	e, _ := setUp(t)
	marketer := e.addUserWith("Pazarlamacı", "pazar@firma.com.tr", "Pazarlama") // edits all, deletes her own
	mine := e.customerWith(store.Values{"kind": "person", "first_name": "Ela", "last_name": "Su", "owner_id": marketer.ID})
	theirs := e.customerWith(store.Values{"kind": "person", "first_name": "Ela", "last_name": "Su"})
	mc := e.client()
	mc.login(marketer.Email, userPassword)
	link := fmt.Sprintf("/customers/merge?a=%d&b=%d", theirs, mine)
	r := mc.get(link)
	wantStatus(t, r, http.StatusOK)
	wantBody(t, r, e.tr("dup.cannot_keep"), `name="survivor" value="a" id="survivor-a" checked`)
	wantNoBody(t, r, `value="b" id="survivor-b"`)
	post := url.Values{"a": {fmt.Sprint(theirs)}, "b": {fmt.Sprint(mine)}, "survivor": {"b"}, "confirm": {"1"}}
	wantStatus(t, mc.submit(link, "/customers/merge", post), http.StatusForbidden)
	post.Set("survivor", "a")
	wantRedirect(t, mc.submit(link, "/customers/merge", post), fmt.Sprintf("/customers/%d", theirs))
}
