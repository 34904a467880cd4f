package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addField adds a custom field through the same parser as the admin form.
func addField(t testing.TB, st *Store, a *Actor, module string, kind Kind, label string, extra url.Values) *CustomField {
	t.Helper()
	form := url.Values{"module": {module}, "kind": {string(kind)}, "label_tr": {label}}
	for k, v := range extra {
		form[k] = v
	}
	cf, errs := ParseCustomFieldForm(form)
	if err := errs.Err(); err != nil {
		t.Fatalf("parse %s: %v", label, err)
	}
	got, err := st.AddCustomField(context.Background(), a, cf)
	if err != nil {
		t.Fatalf("add %s: %v", label, err)
	}
	return got
}

func customerIDs(p *Page) []int64 {
	var ids []int64
	for _, r := range p.Records {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestCustomFieldsOfEveryKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	on := func(flags ...string) url.Values {
		v := url.Values{}
		for _, f := range flags {
			v.Set(f, "1")
		}
		return v
	}
	withChoices := func(choices string, flags ...string) url.Values {
		v := on(flags...)
		v.Set("choices", choices)
		return v
	}
	fields := map[Kind]*CustomField{
		Text:        addField(t, st, admin, "customers", Text, "Şube adı", on("list", "search", "filter")),
		LongText:    addField(t, st, admin, "customers", LongText, "Özel notlar", on("search")),
		Int:         addField(t, st, admin, "customers", Int, "Araç sayısı", on("filter")),
		Money:       addField(t, st, admin, "customers", Money, "Yıllık ciro", on("filter", "list")),
		Date:        addField(t, st, admin, "customers", Date, "İlk ziyaret", on("filter", "list")),
		Choice:      addField(t, st, admin, "customers", Choice, "Müşteri segmenti", withChoices("Büyük | Large\nOrta | Medium\nKüçük", "list", "filter", "search")),
		MultiChoice: addField(t, st, admin, "customers", MultiChoice, "İlgi alanları", withChoices("Yedek parça | Spare parts\nBakım | Service\nSigorta | Insurance", "filter", "search")),
		Bool:        addField(t, st, admin, "customers", Bool, "Bayi mi", on("filter")),
		Email:       addField(t, st, admin, "customers", Email, "Fatura e-postası", nil),
		Phone:       addField(t, st, admin, "customers", Phone, "Acil telefon", on("search")),
		URL:         addField(t, st, admin, "customers", URL, "Katalog adresi", nil),
	}
	if got := fields[Choice].Name; got != "cf_musteri_segmenti" {
		t.Errorf("column name of Müşteri segmenti: %q", got)
	}
	if got := fields[Choice].Choices[2]; got != (CustomChoice{Value: "kucuk", TR: "Küçük"}) {
		t.Errorf("a choice without an English label: %+v", got)
	}
	m, ok := st.Module("customers")
	if !ok {
		t.Fatal("no customers module")
	}
	for kind, cf := range fields {
		f, ok := m.Field(cf.Name)
		if !ok || f.Kind != kind || !f.Custom {
			t.Fatalf("%s (%s) is not declared in the store's module: %+v", cf.Name, kind, f)
		}
	}
	if _, ok := Customers.Field(fields[Text].Name); ok {
		t.Fatal("the package's declaration changed: custom fields must live in the store's snapshot")
	}
	if f, _ := m.Field(fields[Choice].Name); f.LabelIn("en") != "Customer segment" && f.LabelIn("en") != "Müşteri segmenti" {
		t.Errorf("English label falls back to Turkish: %q", f.LabelIn("en"))
	}
	if f, _ := m.Field(fields[Choice].Name); f.ChoiceLabelIn("buyuk", "en") != "Large" || f.ChoiceLabelIn("kucuk", "en") != "Küçük" {
		t.Errorf("choice labels: %q %q", f.ChoiceLabelIn("buyuk", "en"), f.ChoiceLabelIn("kucuk", "en"))
	}

	// Values through the form parser, as the web form sends them; the
	// package's Customers resolves to the store's snapshot.
	form := url.Values{"kind": {"person"}, "first_name": {"Deniz"}, "last_name": {"Öztürk"},
		fields[Text].Name: {"Kadıköy Şubesi"}, fields[LongText].Name: {"**Önemli** müşteri"},
		fields[Int].Name: {"12"}, fields[Money].Name: {"1.234.567,89"}, fields[Date].Name: {"05.01.2026"},
		fields[Choice].Name: {"buyuk"}, fields[MultiChoice].Name: {"sigorta", "yedek_parca"},
		fields[Bool].Name: {"on"}, fields[Email].Name: {"Fatura@Firma.com.tr"},
		fields[Phone].Name: {"0532 111 22 33"}, fields[URL].Name: {"katalog.firma.com.tr"}}
	vals, errs := m.ParseForm(form)
	if err := errs.Err(); err != nil {
		t.Fatalf("parse form: %v", err)
	}
	rec := mustCreate(t, st, admin, Customers, vals)
	want := map[string]any{
		fields[Text].Name: "Kadıköy Şubesi", fields[LongText].Name: "**Önemli** müşteri",
		fields[Int].Name: int64(12), fields[Money].Name: int64(123456789), fields[Date].Name: "2026-01-05",
		fields[Choice].Name: "buyuk", fields[MultiChoice].Name: "yedek_parca,sigorta",
		fields[Bool].Name: true, fields[Email].Name: "fatura@firma.com.tr",
		fields[Phone].Name: "+905321112233", fields[URL].Name: "https://katalog.firma.com.tr",
	}
	got, err := st.Get(ctx, admin, Customers, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if !reflect.DeepEqual(got.Values[name], w) {
			t.Errorf("%s: got %#v, want %#v", name, got.Values[name], w)
		}
	}
	other := mustCreate(t, st, admin, Customers, person("Ece", "Kara", Values{fields[Choice].Name: "orta", fields[MultiChoice].Name: "bakim"}))

	// Each value comes back the same through JSON and through a
	// spreadsheet cell's text, as the API and the importer read them.
	for _, cf := range fields {
		f, _ := m.Field(cf.Name)
		v := got.Values[cf.Name]
		var raw []byte
		switch f.Kind {
		case MultiChoice:
			raw, _ = json.Marshal(MultiValues(v))
		default:
			raw, _ = json.Marshal(v)
		}
		parsed, verr := m.ParseJSON(map[string]json.RawMessage{cf.Name: raw})
		if err := verr.Err(); err != nil || !reflect.DeepEqual(parsed[cf.Name], v) {
			t.Errorf("%s through JSON %s: %#v, %v", cf.Name, raw, parsed[cf.Name], err)
		}
	}
	for _, c := range []struct {
		kind Kind
		cell string
		want any
	}{
		{MultiChoice, "Sigorta; Yedek parça", "yedek_parca,sigorta"},
		{MultiChoice, "bakim,SPARE PARTS", "yedek_parca,bakim"},
		{MultiChoice, "", ""},
		{Choice, "Large", "buyuk"},
		{Choice, "küçük", "kucuk"},
		{Money, "1234,50", int64(123450)},
		{Date, "2026-02-03", "2026-02-03"},
		{Bool, "evet", true},
		{Int, "1.500", int64(1500)},
	} {
		f, _ := m.Field(fields[c.kind].Name)
		v, msg := f.parseText(c.cell)
		if msg != nil || !reflect.DeepEqual(v, c.want) {
			t.Errorf("%s cell %q: %#v, %v", c.kind, c.cell, v, msg)
		}
	}
	if f, _ := m.Field(fields[MultiChoice].Name); true {
		if _, msg := f.parseText("Bakım; Uçak"); msg == nil || msg.Key != "error.choice" {
			t.Errorf("an unknown item is accepted: %v", msg)
		}
	}

	// Filters, by each kind's meaning.
	for _, c := range []struct {
		filter map[string]string
		want   []int64
	}{
		{map[string]string{fields[Choice].Name: "buyuk"}, []int64{rec.ID}},
		{map[string]string{fields[MultiChoice].Name: "sigorta"}, []int64{rec.ID}},
		{map[string]string{fields[MultiChoice].Name: "bakim"}, []int64{other.ID}},
		{map[string]string{fields[Bool].Name: "1"}, []int64{rec.ID}},
		{map[string]string{fields[Bool].Name: "0"}, []int64{other.ID}},
		{map[string]string{fields[Date].Name: "01.01.2026..31.01.2026"}, []int64{rec.ID}},
		{map[string]string{fields[Date].Name: "2026-01-06.."}, nil},
		{map[string]string{fields[Int].Name: "12"}, []int64{rec.ID}},
		{map[string]string{fields[Money].Name: "1.234.567,89"}, []int64{rec.ID}},
		{map[string]string{fields[Text].Name: "Kadıköy Şubesi"}, []int64{rec.ID}},
	} {
		p, err := st.List(ctx, admin, Customers, ListQuery{Filters: c.filter})
		if err != nil {
			t.Fatalf("filter %v: %v", c.filter, err)
		}
		if !reflect.DeepEqual(customerIDs(p), c.want) {
			t.Errorf("filter %v: %v, want %v", c.filter, customerIDs(p), c.want)
		}
	}
	if _, err := st.List(ctx, admin, Customers, ListQuery{Filters: map[string]string{fields[MultiChoice].Name: "ucak"}}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("an unknown choice as a filter: %v", err)
	}
	if _, err := st.List(ctx, admin, Customers, ListQuery{Filters: map[string]string{fields[Email].Name: "x"}}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("a field without filter filters: %v", err)
	}
	// A list sorts by a listed custom field, and pages through it.
	p, err := st.List(ctx, admin, Customers, ListQuery{Sort: fields[Choice].Name, Limit: 1})
	if err != nil || len(p.Records) != 1 || p.Records[0].ID != rec.ID || p.Next == "" {
		t.Fatalf("sort by choice: %v %v", p, err)
	}
	if p, err = st.List(ctx, admin, Customers, ListQuery{Sort: fields[Choice].Name, Limit: 1, Cursor: p.Next}); err != nil || customerIDs(p)[0] != other.ID {
		t.Fatalf("second page by choice: %v %v", p, err)
	}

	// Search finds the marked fields, choices by their labels in either
	// language, and not the unmarked ones.
	for q, want := range map[string][]int64{
		"kadikoy": {rec.ID}, "onemli": {rec.ID}, "large": {rec.ID}, "büyük": {rec.ID},
		"insurance": {rec.ID}, "orta": {other.ID}, "5321112233": {rec.ID}, "katalog": nil,
	} {
		p, err := st.List(ctx, admin, Customers, ListQuery{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(customerIDs(p), want) {
			t.Errorf("search %q: %v, want %v", q, customerIDs(p), want)
		}
	}
	groups, err := st.Search(ctx, admin, "kadıköy", 5)
	if err != nil || len(groups) != 1 || groups[0].Hits[0].ID != rec.ID {
		t.Errorf("global search by a custom field: %v %v", groups, err)
	}

	// Changes of custom fields are in the record's history.
	if _, _, err := st.Update(ctx, admin, Customers, rec.ID, Values{fields[Choice].Name: "orta"}); err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(ctx, admin, Customers, rec.ID, 10)
	if err != nil || len(hist) == 0 || len(hist[0].Changes) != 1 || hist[0].Changes[0].Field != fields[Choice].Name {
		t.Errorf("history of a custom field's change: %+v %v", hist, err)
	}

	// The adding is in the audit trail, by whom and with the declaration.
	log, err := st.AuditLog(ctx, admin, AuditQuery{Action: ActionFieldAdd})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != len(fields) || log.Entries[0].Actor != "Ayşe Yılmaz" || log.Entries[0].Module != "customers" {
		t.Fatalf("audit of added fields: %+v", log.Entries)
	}
	found := false
	for _, e := range log.Entries {
		if e.Changes[0].Field == fields[Choice].Name && strings.Contains(e.Changes[0].New.(string), "Müşteri segmenti (choice): Büyük, Orta, Küçük") {
			found = true
		}
	}
	if !found {
		t.Errorf("the choice field's audit entry does not describe it: %+v", log.Entries)
	}

	// The declarations survive a restart.
	list, err := st.CustomFields(ctx, admin)
	if err != nil || len(list) != len(fields) || list[0].CreatedBy != "Ayşe Yılmaz" {
		t.Fatalf("custom fields: %+v %v", list, err)
	}
}

func TestCustomFieldNamesAreUniquePerModule(t *testing.T) {
	t.Parallel()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	a := addField(t, st, admin, "customers", Text, "Şube", nil)
	b := addField(t, st, admin, "customers", Text, "SUBE", nil)
	c := addField(t, st, admin, "assets", Text, "Şube", nil)
	if a.Name != "cf_sube" || b.Name != "cf_sube_2" || c.Name != "cf_sube" {
		t.Errorf("names: %s %s %s", a.Name, b.Name, c.Name)
	}
	// Admin modules take no custom fields, nor do unknown ones.
	for _, mod := range []string{"users", "roles", "nope"} {
		cf, _ := ParseCustomFieldForm(url.Values{"module": {mod}, "kind": {"text"}, "label_tr": {"Ek"}})
		_, err := st.AddCustomField(context.Background(), admin, cf)
		if v, ok := AsValidation(err); !ok || v.Fields["module"].Key != "error.choice" {
			t.Errorf("custom field on %s: %v", mod, err)
		}
	}
}

func TestRequiredCustomField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	old := mustCreate(t, st, admin, Customers, person("Eski", "Kayıt", nil))
	cf := addField(t, st, admin, "customers", Choice, "Bölge", url.Values{"required": {"1"}, "choices": {"Marmara\nEge"}})
	_, err := st.Create(ctx, admin, Customers, person("Yeni", "Kayıt", nil))
	if v, ok := AsValidation(err); !ok || v.Fields[cf.Name].Key != "error.required" {
		t.Fatalf("a required custom field left empty: %v", err)
	}
	mustCreate(t, st, admin, Customers, person("Yeni", "Kayıt", Values{cf.Name: "ege"}))
	// A record from before the field must get it at its next save.
	_, _, err = st.Update(ctx, admin, Customers, old.ID, Values{"last_name": "Kayıtlı"})
	if v, ok := AsValidation(err); !ok || v.Fields[cf.Name].Key != "error.required" {
		t.Fatalf("an older record saved without the required field: %v", err)
	}
}

func TestSensitiveCustomFieldHiddenFromARole(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	cf := addField(t, st, fx.admin, "customers", Text, "Gelir düzeyi", url.Values{"sensitive": {"1"}, "search": {"1"}, "filter": {"1"}})
	m, _ := st.Module("customers")
	if fs := m.ProtectableFields(); fs[len(fs)-1].Name != cf.Name {
		t.Fatalf("a sensitive custom field is not protectable: %v", fs)
	}
	full := map[string]map[string]string{"customers": {"read": "all", "create": "all", "edit": "all", "export": "all"}}
	role := fx.role(t, "Gelir gizli", Permissions{Grants: full, Fields: map[string]map[string]string{"customers": {cf.Name: "hidden"}}})
	a := fx.actor(t, fx.user(t, "Çağrı", fx.depts["sales"], nil, role))
	if a.FieldAccess(m, cf.Name) != AccessHidden {
		t.Fatalf("access: %v", a.FieldAccess(m, cf.Name))
	}
	rec := mustCreate(t, st, fx.admin, Customers, person("Zengin", "Müşteri", Values{cf.Name: "yüksekgelir"}))
	got, err := st.Get(ctx, a, Customers, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, shown := got.Values[cf.Name]; shown {
		t.Error("the hidden custom field is shown")
	}
	if p, err := st.List(ctx, a, Customers, ListQuery{Search: "yuksekgelir"}); err != nil || len(p.Records) != 0 {
		t.Errorf("searched by a hidden field: %v %v", customerIDs(p), err)
	}
	if p, err := st.List(ctx, fx.admin, Customers, ListQuery{Search: "yuksekgelir"}); err != nil || len(p.Records) != 1 {
		t.Errorf("the administrator cannot search by it: %v %v", p, err)
	}
	if _, err := st.List(ctx, a, Customers, ListQuery{Filters: map[string]string{cf.Name: "yüksekgelir"}}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("filtered by a hidden field: %v", err)
	}
	// An edit by the role keeps the value it cannot see.
	if _, _, err := st.Update(ctx, a, Customers, rec.ID, Values{cf.Name: "düşük", "last_name": "Kişi"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Get(ctx, fx.admin, Customers, rec.ID); got.Values.Str(cf.Name) != "yüksekgelir" {
		t.Errorf("a hidden field was changed: %q", got.Values.Str(cf.Name))
	}
	// Removing the field removes its protection from the roles.
	if _, err := st.RemoveCustomField(ctx, fx.admin, "customers", cf.Name); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.reader.QueryRow("SELECT count(*) FROM roles_permissions WHERE item = ?", "field:"+cf.Name).Scan(&n); err != nil || n != 0 {
		t.Errorf("protections left: %d %v", n, err)
	}
}

func TestRemoveCustomFieldKeepsABackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	cf := addField(t, st, admin, "customers", Choice, "Müşteri segmenti", url.Values{"choices": {"Büyük\nKüçük"}, "list": {"1"}, "filter": {"1"}, "search": {"1"}})
	keep := addField(t, st, admin, "customers", Text, "Şube", nil)
	rec := mustCreate(t, st, admin, Customers, person("Deniz", "Öztürk", Values{cf.Name: "buyuk", keep.Name: "Merkez"}))
	if p, _ := st.List(ctx, admin, Customers, ListQuery{Search: "büyük"}); len(p.Records) != 1 {
		t.Fatal("not found by the choice before removing")
	}

	backup, err := st.RemoveCustomField(ctx, admin, "customers", cf.Name)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(backup) != filepath.Dir(st.Path()) || !strings.HasSuffix(backup, "-before-removing-"+cf.Name+".db") {
		t.Errorf("backup name: %s", backup)
	}
	// The copy holds the column and its value.
	db, err := sql.Open("sqlite", backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("SELECT "+cf.Name+" FROM customers WHERE id = ?", rec.ID).Scan(&v); err != nil || v != "buyuk" {
		t.Errorf("the backup's value: %q %v", v, err)
	}
	// The database no longer has it; the other field is untouched.
	if _, err := st.reader.Exec("SELECT " + cf.Name + " FROM customers"); err == nil {
		t.Error("the column is still there")
	}
	m, _ := st.Module("customers")
	if _, ok := m.Field(cf.Name); ok {
		t.Error("the field is still declared")
	}
	got, err := st.Get(ctx, admin, Customers, rec.ID)
	if err != nil || got.Values.Str(keep.Name) != "Merkez" {
		t.Errorf("the kept field: %v %v", got, err)
	}
	if p, _ := st.List(ctx, admin, Customers, ListQuery{Search: "büyük"}); len(p.Records) != 0 {
		t.Error("still found by the removed field's value")
	}
	mustCreate(t, st, admin, Customers, person("Yeni", "Kayıt", nil))
	log, err := st.AuditLog(ctx, admin, AuditQuery{Action: ActionFieldRemove})
	if err != nil || len(log.Entries) != 1 || log.Entries[0].Changes[0].New != filepath.Base(backup) {
		t.Errorf("audit of the removal: %+v %v", log, err)
	}
	list, err := st.SafetyBackups(ctx, admin)
	if err != nil || len(list) != 1 || list[0].Path != backup {
		t.Errorf("safety backups: %+v %v", list, err)
	}
	if _, err := st.RemoveCustomField(ctx, admin, "customers", cf.Name); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed twice: %v", err)
	}
	if _, err := st.RemoveCustomField(ctx, admin, "customers", "email"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a declared field removed: %v", err)
	}
	// The same label can be added again, empty.
	again := addField(t, st, admin, "customers", Text, "Müşteri segmenti", nil)
	if got, _ := st.Get(ctx, admin, Customers, rec.ID); again.Name != cf.Name || got.Values.Str(again.Name) != "" {
		t.Errorf("added again: %s %q", again.Name, got.Values.Str(again.Name))
	}
	if err := os.Remove(backup); err != nil {
		t.Error(err)
	}
}

func TestCustomFieldsAreTheAdministratorsOnly(t *testing.T) {
	t.Parallel()
	fx := newSecFixture(t)
	ctx, st := fx.ctx, fx.st
	cf := addField(t, st, fx.admin, "customers", Text, "Şube", nil)
	everything := Permissions{Grants: map[string]map[string]string{"customers": {"read": "all", "create": "all", "edit": "all", "delete": "all", "export": "all", "import": "all"}}}
	a := fx.actor(t, fx.user(t, "Satışçı", fx.depts["sales"], nil, fx.role(t, "Her şey", everything)))
	def, _ := ParseCustomFieldForm(url.Values{"module": {"customers"}, "kind": {"text"}, "label_tr": {"Sızma"}})
	if _, err := st.AddCustomField(ctx, a, def); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin added a field: %v", err)
	}
	if _, err := st.RemoveCustomField(ctx, a, "customers", cf.Name); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin removed a field: %v", err)
	}
	if _, err := st.CustomFields(ctx, a); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin listed the fields: %v", err)
	}
	if _, err := st.SafetyBackups(ctx, a); !errors.Is(err, ErrForbidden) {
		t.Errorf("a non-admin listed the backups: %v", err)
	}
	// They do use the field.
	rec := mustCreate(t, st, a, Customers, person("Kullanan", "Kişi", Values{cf.Name: "Merkez"}))
	if rec.Values.Str(cf.Name) != "Merkez" {
		t.Errorf("value: %v", rec.Values)
	}
}

func TestTwoStoresKeepTheirOwnCustomFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	one, two := newTestStore(t), newTestStore(t)
	a1, a2 := ActorFor(mustAdmin(t, one)), ActorFor(mustAdmin(t, two))
	cf := addField(t, one, a1, "customers", Text, "Sadece birinde", nil)
	if m, _ := two.Module("customers"); m.selectT != Customers.selectT {
		t.Fatal("the second store sees the first one's field")
	}
	if _, ok := Customers.Field(cf.Name); ok {
		t.Fatal("the registry sees the first store's field")
	}
	// The Go API passes over names a module does not declare.
	rec := mustCreate(t, two, a2, Customers, person("İki", "Numara", Values{cf.Name: "x"}))
	if got, err := two.Get(ctx, a2, Customers, rec.ID); err != nil || got.Values[cf.Name] != nil {
		t.Fatalf("the second store keeps a value for a field it does not have: %v %v", got, err)
	}
	mustCreate(t, one, a1, Customers, person("Bir", "Numara", Values{cf.Name: "x"}))
	// Reopening the first database brings its field back.
	path := one.Path()
	if err := one.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if m, _ := again.Module("customers"); m.fields[cf.Name] == nil {
		t.Fatal("the field is gone after reopening")
	}
}

func TestParseCustomFieldFormErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		form  url.Values
		field string
		key   string
	}{
		{url.Values{"kind": {"text"}, "label_tr": {"Ad"}}, "module", "error.required"},
		{url.Values{"module": {"customers"}, "kind": {"tckn"}, "label_tr": {"Ad"}}, "kind", "error.choice"},
		{url.Values{"module": {"customers"}, "kind": {"text"}}, "label_tr", "error.required"},
		{url.Values{"module": {"customers"}, "kind": {"text"}, "label_tr": {"!!!"}}, "label_tr", "error.cf_label"},
		{url.Values{"module": {"customers"}, "kind": {"text"}, "label_tr": {strings.Repeat("ş", 61)}}, "label_tr", "error.too_long"},
		{url.Values{"module": {"customers"}, "kind": {"choice"}, "label_tr": {"Segment"}}, "choices", "error.required"},
		{url.Values{"module": {"customers"}, "kind": {"multichoice"}, "label_tr": {"Segment"}, "choices": {"Büyük\nBUYUK"}}, "choices", "error.cf_choice_twice"},
		{url.Values{"module": {"customers"}, "kind": {"choice"}, "label_tr": {"Segment"}, "choices": {"?? | x"}}, "choices", "error.cf_choice"},
	} {
		_, errs := ParseCustomFieldForm(c.form)
		if errs.Fields[c.field].Key != c.key {
			t.Errorf("%v: %v, want %s on %s", c.form, errs, c.key, c.field)
		}
	}
	cf, errs := ParseCustomFieldForm(url.Values{"module": {"customers"}, "kind": {"bool"}, "label_tr": {"  Bayi   mi? "}, "required": {"on"}, "search": {"1"}})
	if errs.Err() != nil || cf.Required || cf.Search || cf.LabelTR != "Bayi mi?" || cf.Name != "cf_bayi_mi" {
		t.Errorf("checkbox: %+v %v", cf, errs)
	}
}

// FuzzParseCustomFieldForm: whatever the form holds, the parser either
// names a problem or gives a declaration whose column name is safe to put
// in SQL, whose choices are unique snake_case values, and which parses to
// itself again.
func FuzzParseCustomFieldForm(f *testing.F) {
	f.Add("customers", "choice", "Müşteri segmenti", "Customer segment", "Büyük | Large\nKüçük", true, false)
	f.Add("assets", "multichoice", "İlgi; alanı", "", "a|b\n\nç", false, true)
	f.Add("customers", "text", "'; DROP TABLE x; --", "", "", true, true)
	f.Fuzz(func(t *testing.T, module, kind, labelTR, labelEN, choices string, list, filter bool) {
		form := url.Values{"module": {module}, "kind": {kind}, "label_tr": {labelTR}, "label_en": {labelEN}, "choices": {choices}}
		if list {
			form.Set("list", "1")
		}
		if filter {
			form.Set("filter", "1")
		}
		cf, errs := ParseCustomFieldForm(form)
		if errs.Err() != nil {
			return
		}
		if !safeColumn(cf.Name) {
			t.Fatalf("unsafe column name %q", cf.Name)
		}
		seen := map[string]bool{}
		for _, c := range cf.Choices {
			if !safeColumn("cf_"+c.Value) || seen[c.Value] {
				t.Fatalf("bad choice value %q", c.Value)
			}
			seen[c.Value] = true
		}
		again, errs := ParseCustomFieldForm(cf.form())
		if errs.Err() != nil || !reflect.DeepEqual(again, cf) {
			t.Fatalf("does not parse to itself: %+v\n%+v %v", cf, again, errs)
		}
	})
}

func safeColumn(name string) bool {
	if !strings.HasPrefix(name, "cf_") || len(name) > 3+customNameMax || len(name) == 3 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return !strings.HasSuffix(name, "_")
}

// FuzzMultiChoice: a MultiChoice's text parser gives either a problem or
// the chosen values in declaration order, which parse to themselves.
func FuzzMultiChoice(f *testing.F) {
	f.Add("Sigorta; Yedek parça")
	f.Add("bakim,SPARE PARTS,,;")
	f.Add("uçak")
	cf, _ := ParseCustomFieldForm(url.Values{"module": {"customers"}, "kind": {"multichoice"}, "label_tr": {"İlgi"},
		"choices": {"Yedek parça | Spare parts\nBakım | Service\nSigorta | Insurance"}})
	fld := cf.field()
	f.Fuzz(func(t *testing.T, cell string) {
		v, msg := fld.parseText(cell)
		if msg != nil {
			return
		}
		s := v.(string)
		last := -1
		for _, item := range MultiValues(s) {
			i := indexOf(fld.Choices, item)
			if i <= last {
				t.Fatalf("%q: %q is unknown or out of order", cell, s)
			}
			last = i
		}
		again, msg := fld.parseText(s)
		if msg != nil || again != v {
			t.Fatalf("%q does not parse to itself: %v %v", s, again, msg)
		}
	})
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
