package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// cp1254 encodes a test file as Turkish Excel's "CSV" does.
func cp1254(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1254.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode cp1254: %v", err)
	}
	return b
}

// testVocabulary knows the Turkish labels a test file uses, as the ui
// package's catalogue vocabulary does.
func testVocabulary() *ImportVocabulary {
	v := &ImportVocabulary{}
	for text, field := range map[string]string{
		"Ad": "first_name", "Soyad": "last_name", "Tür": "kind", "Unvan": "title", "E-posta": "email",
		"Telefon": "phone", "İl": "province", "TC Kimlik No": "tckn", "Vergi No": "vkn", "Çalışan sayısı": "employee_count",
		"Etiketler": "tags", "Sorumlu": "owner_id", "Aşama": "stage",
	} {
		v.AddHeader(text, field)
	}
	v.AddChoice("kind", "Bireysel", "person")
	v.AddChoice("kind", "Kurumsal", "company")
	v.AddChoice("stage", "Aday", "lead")
	v.AddChoice("stage", "Müşteri", "customer")
	return v
}

// importFile runs a whole import of data with the settings changed by set.
func importFile(t *testing.T, st *Store, a *Actor, name string, data []byte, set func(*ImportSettings)) *Import {
	t.Helper()
	ctx := context.Background()
	voc := testVocabulary()
	imp, err := st.NewImport(ctx, a, Customers, name, data, voc)
	if err != nil {
		t.Fatalf("new import: %v", err)
	}
	if set != nil {
		s := imp.Settings
		set(&s)
		if _, err := st.SetImportSettings(ctx, a, imp.ID, s); err != nil {
			t.Fatalf("import settings: %v", err)
		}
	}
	done, err := st.RunImport(ctx, a, imp.ID, voc, nil)
	if err != nil {
		t.Fatalf("run import: %v", err)
	}
	return done
}

func failures(t *testing.T, st *Store, a *Actor, id int64) []ImportFailure {
	t.Helper()
	var out []ImportFailure
	if err := st.ImportFailures(context.Background(), a, id, 0, func(f ImportFailure) error {
		out = append(out, f)
		return nil
	}); err != nil {
		t.Fatalf("failures: %v", err)
	}
	return out
}

func TestImportWindows1254(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	file := cp1254(t, "Tür;Ad;Soyad;Unvan;E-posta;Telefon;İl;Çalışan sayısı;Etiketler;Not sütunu\r\n"+
		"Bireysel;Şükrü;Çağlar;;sukru@ornek.com.tr;0532 111 22 33;İzmir;;vip, bayi;x\r\n"+
		"Kurumsal;;;Öztürk Gıda A.Ş.;;0212 444 55 66;ISPARTA;1.250;;\r\n"+
		"Bireysel;Ayşe;;;;;Ankara;;;\r\n"+ // no last name: refused
		"Bireysel;Ali;Veli;;bozuk-adres;;;;;\r\n") // bad e-mail: refused
	imp := importFile(t, st, a, "müşteriler.csv", file, nil)
	if imp.Created != 2 || imp.Failed != 2 || imp.Done != 4 || imp.Status != ImportDone {
		t.Fatalf("import = %+v", imp)
	}
	fails := failures(t, st, a, imp.ID)
	if len(fails) != 2 || fails[0].Row != 4 || fails[0].Errors[0].Field != "last_name" || fails[0].Errors[0].Column != "Soyad" ||
		fails[1].Row != 5 || fails[1].Errors[0].Column != "E-posta" || fails[1].Errors[0].Value != "bozuk-adres" {
		t.Fatalf("failures = %+v", fails)
	}
	page, err := st.List(ctx, a, Customers, ListQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Record{}
	for _, r := range page.Records {
		byName[r.Title()] = r
	}
	p, c := byName["Şükrü Çağlar"], byName["Öztürk Gıda A.Ş."]
	if p == nil || c == nil {
		t.Fatalf("records = %v", byName)
	}
	if p.Values.Str("phone") != "+905321112233" || p.Values.Str("province") != "İzmir" || strings.Join(p.Values.Tags("tags"), ",") != "vip,bayi" {
		t.Errorf("person = %v", p.Values)
	}
	if n, _ := c.Values.Int("employee_count"); n != 1250 || c.Values.Str("province") != "Isparta" {
		t.Errorf("company = %v", c.Values)
	}
	// The file is let go once read; the run is in the audit trail.
	if _, err := st.PreviewImport(ctx, a, imp.ID, nil, 5); err == nil {
		t.Error("preview after the run read the file")
	}
	log, err := st.AuditLog(ctx, a, AuditQuery{Action: ActionImport})
	if err != nil || len(log.Entries) != 1 {
		t.Fatalf("audit = %v, %v", log, err)
	}
}

func TestImportDecimalMark(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	imp, err := st.NewImport(context.Background(), a, Customers, "a.csv",
		[]byte("Unvan;Tür;Çalışan sayısı\nA;Kurumsal;1.234\nB;Kurumsal;12.500\n"), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if imp.Settings.Decimal != "," || imp.Encoding != "UTF-8" || imp.Separator != ";" {
		t.Errorf("detected %+v", imp)
	}
	imp, err = st.NewImport(context.Background(), a, Customers, "b.csv",
		[]byte("title,kind,employee_count\nA,company,12.5\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if imp.Settings.Decimal != "." || strings.Join(imp.Settings.Columns, ",") != "title,kind,employee_count" {
		t.Errorf("detected %+v", imp.Settings)
	}
}

func TestImportUpdateSkipAndUndo(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	first := importFile(t, st, a, "ilk.csv", []byte("Ad;Soyad;TC Kimlik No;Telefon\n"+
		"Şükrü;Çağlar;10000000146;0532 111 22 33\nAyşe;Kaya;;0533 000 00 01\n"), nil)
	if first.Created != 2 {
		t.Fatalf("first = %+v", first)
	}
	// Update by TCKN: the first row changes Şükrü's phone, the second is
	// new, its empty TCKN matching nothing; empty cells keep stored values.
	second := importFile(t, st, a, "ikinci.csv", []byte("Ad;Soyad;TC Kimlik No;Telefon\n"+
		"Şükrü;Çağlar;10000000146;\nMehmet;Demir;;0544 000 00 02\n"), func(s *ImportSettings) {
		s.Mode, s.Key = ImportUpdate, "tckn"
	})
	if second.Updated != 0 || second.Skipped != 1 || second.Created != 1 {
		t.Fatalf("nothing changed for Şükrü, yet %+v", second)
	}
	third := importFile(t, st, a, "üçüncü.csv", []byte("Ad;Soyad;TC Kimlik No;Telefon\n"+
		"Şükrü;Çağlar;10000000146;0532 999 88 77\n"), func(s *ImportSettings) {
		s.Mode, s.Key = ImportUpdate, "tckn"
	})
	if third.Updated != 1 || third.Created != 0 {
		t.Fatalf("third = %+v", third)
	}
	skip := importFile(t, st, a, "dördüncü.csv", []byte("Ad;Soyad;Telefon\n"+
		"Ayşe;Kaya;0533 000 00 01\nYeni;Kişi;0555 000 00 03\n"), func(s *ImportSettings) {
		s.Mode, s.Key = ImportSkip, "phone"
	})
	if skip.Skipped != 1 || skip.Created != 1 {
		t.Fatalf("skip = %+v", skip)
	}
	count := func() int {
		page, err := st.List(ctx, a, Customers, ListQuery{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Records)
	}
	if n := count(); n != 4 {
		t.Fatalf("%d customers", n)
	}
	// Undo the update: the phone comes back. Undo the skip run: its new
	// person goes to the recycle bin.
	if _, err := st.UndoImport(ctx, a, third.ID); err != nil {
		t.Fatal(err)
	}
	page, err := st.List(ctx, a, Customers, ListQuery{Search: "Şükrü", Limit: 5})
	if err != nil || len(page.Records) != 1 || page.Records[0].Values.Str("phone") != "+905321112233" {
		t.Fatalf("after undo: %v %v", page, err)
	}
	if _, err := st.UndoImport(ctx, a, skip.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d customers after undoing the skip run", n)
	}
	if _, err := st.UndoImport(ctx, a, skip.ID); err != ErrImportState {
		t.Errorf("second undo: %v", err)
	}
}

func TestImportExternalKey(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	set := func(s *ImportSettings) { s.Mode, s.Key = ImportUpdate, ExternalKeyPrefix+"Müşteri No" }
	first := importFile(t, st, a, "eski.csv", []byte("Müşteri No;Ad;Soyad\nM-1;Ali;Veli\nM-2;Can;Cem\nM-1;Ali;Velioğlu\n"), set)
	if first.Created != 2 || first.Updated != 1 {
		t.Fatalf("first = %+v", first)
	}
	second := importFile(t, st, a, "eski2.csv", []byte("musteri no;Ad;Soyad\nM-2;Can;Cemil\n"), set)
	if second.Created != 0 || second.Updated != 1 {
		t.Fatalf("second = %+v", second)
	}
}

func TestImportRefusals(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	admin := ActorFor(mustAdmin(t, st))
	if _, err := st.NewImport(ctx, admin, Users, "u.csv", []byte("name\nx\n"), nil); err != ErrForbidden {
		t.Errorf("users import: %v", err)
	}
	_, err := st.NewImport(ctx, admin, Customers, "x.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), nil)
	if _, ok := err.(*ImportFileError); !ok {
		t.Errorf("old xls: %v", err)
	}
	imp, err := st.NewImport(ctx, admin, Customers, "a.csv", []byte("Ad;Soyad\nA;B\n"), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	bad := imp.Settings
	bad.Mode, bad.Key = ImportUpdate, "tckn" // not a mapped column
	if _, err := st.SetImportSettings(ctx, admin, imp.ID, bad); err == nil {
		t.Error("update by an unmapped key accepted")
	}
	bad = imp.Settings
	bad.Columns = []string{"first_name", "first_name"}
	if _, err := st.SetImportSettings(ctx, admin, imp.ID, bad); err == nil {
		t.Error("one field twice accepted")
	}
	// Someone without the import right sees nothing of it.
	u, err := st.CreateUser(ctx, admin, NewUser{Name: "Salt Okur", Email: "okur@firma.com.tr", Password: goodPassword, PasswordAgain: goodPassword, Roles: []string{"Salt okunur"}})
	if err != nil {
		t.Fatal(err)
	}
	reader := ActorFor(u)
	if _, err := st.GetImport(ctx, reader, imp.ID); err == nil {
		t.Error("another user read the import")
	}
	if _, err := st.NewImport(ctx, reader, Customers, "a.csv", []byte("Ad;Soyad\nA;B\n"), nil); err != ErrForbidden {
		t.Errorf("read-only import: %v", err)
	}
	if _, err := st.RunImport(ctx, admin, imp.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RunImport(ctx, admin, imp.ID, nil, nil); err != ErrImportState {
		t.Errorf("second run: %v", err)
	}
}

func indexNames(t *testing.T, st *Store) string {
	t.Helper()
	rows, err := st.reader.Query("SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' AND sql IS NOT NULL ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// A bulk load drops the table's indexes and builds them again in its
// transaction: afterwards every index is back as it was, and the records
// are listed, searched and undone like any others.
func TestImportBulkLoad(t *testing.T) {
	defer func(n int) { bulkMin = n }(bulkMin)
	bulkMin = 50
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	importFile(t, st, a, "küçük.csv", customerCSV(10, 1), nil) // below bulkMin: row by row
	before := indexNames(t, st)
	imp := importFile(t, st, a, "büyük.csv", customerCSV(200, 2), nil)
	if imp.Created != 200 {
		t.Fatalf("import = %+v", imp)
	}
	if after := indexNames(t, st); after != before || !strings.Contains(after, "customers_name") {
		t.Fatalf("indexes after the bulk load:\n%s\nbefore:\n%s", after, before)
	}
	live := func() int {
		var n int
		if err := st.reader.QueryRow("SELECT count(*) FROM customers WHERE deleted_at IS NULL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	page, err := st.List(ctx, a, Customers, ListQuery{Limit: 50, Sort: "display_name"})
	if err != nil || len(page.Records) != 50 || page.Next == "" || live() != 210 {
		t.Fatalf("list: %d, %v; %d live", len(page.Records), err, live())
	}
	groups, err := st.Search(ctx, a, "bayi", 5)
	if err != nil || len(groups) == 0 {
		t.Fatalf("search: %v, %v", groups, err)
	}
	if _, err := st.UndoImport(ctx, a, imp.ID); err != nil {
		t.Fatal(err)
	}
	if n := live(); n != 10 {
		t.Fatalf("after undo: %d live", n)
	}
}

// Rows that look like records already there are created, as the mode
// says, counted, and named in the preview.
func TestImportWarnsOfDuplicates(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	importFile(t, st, a, "ilk.csv", []byte("Ad;Soyad;Telefon;İl\nŞükrü;Çağlar;0532 111 22 33;İzmir\n"), nil)
	file := []byte("Ad;Soyad;Telefon;İl\nŞ. ;Çağlar;0532 111 22 33;\nAyşe;Kaya;0533 000 00 01;\nAyşe;Kaya;0533 000 00 01;\n")
	imp, err := st.NewImport(ctx, a, Customers, "ikinci.csv", file, testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.PreviewImport(ctx, a, imp.ID, testVocabulary(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0].Duplicates) != 1 || rows[0].Duplicates[0].Title != "Şükrü Çağlar" || len(rows[1].Duplicates) != 0 {
		t.Fatalf("preview = %+v", rows)
	}
	done, err := st.RunImport(ctx, a, imp.ID, testVocabulary(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Şükrü's phone, and the second Ayşe like the first: both created.
	if done.Created != 3 || done.Duplicates != 2 {
		t.Fatalf("import = %+v", done)
	}
	if again, err := st.GetImport(ctx, a, imp.ID); err != nil || again.Duplicates != 2 {
		t.Fatalf("stored: %+v, %v", again, err)
	}
}

// A .vcf from a phone goes through the same wizard: its cards become a
// table of customer fields, mapped by name, checked and saved.
func TestImportVCard(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	cards := "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Çağlar;Şükrü;;;\r\nFN:Şükrü Çağlar\r\nTEL;TYPE=CELL:0532 111 22 33\r\nTEL;TYPE=WORK:0212 444 55 66\r\n" +
		"EMAIL:sukru@ornek.com.tr\r\nADR;TYPE=HOME:;;Atatürk Cad. 5;Konak;İzmir;35250;Türkiye\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Öztürk Gıda A.Ş.\r\nORG:Öztürk Gıda A.Ş.\r\nTEL:0232 000 00 00\r\nEND:VCARD\r\n"
	imp := importFile(t, st, a, "rehber.vcf", []byte(cards), nil)
	if imp.Format != "vcf" || imp.Created != 2 || imp.Failed != 0 {
		t.Fatalf("import = %+v, failures %+v", imp, failures(t, st, a, imp.ID))
	}
	page, err := st.List(context.Background(), a, Customers, ListQuery{Search: "Şükrü", Limit: 5, Phones: true})
	if err != nil || len(page.Records) != 1 {
		t.Fatalf("list: %v, %v", page, err)
	}
	v := page.Records[0].Values
	if v.Str("phone") != "+905321112233" || len(v.Phones("phones")) != 1 || v.Str("province") != "İzmir" || v.Str("postal_code") != "35250" {
		t.Errorf("values = %v", v)
	}
}

// The leads list imports leads: a default fills the stage that a row
// leaves empty, and a row that names its stage keeps it.
func TestImportDefaults(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	imp := importFile(t, st, a, "adaylar.csv", []byte("Ad;Soyad;Aşama\nAli;Veli;\nCan;Cem;Müşteri\n"), func(s *ImportSettings) {
		s.Defaults = map[string]string{"stage": "lead"}
	})
	if imp.Created != 2 {
		t.Fatalf("import = %+v", imp)
	}
	// Without the column, the default wins over the module's own.
	importFile(t, st, a, "adaylar2.csv", []byte("Ad;Soyad\nDeniz;Ak\n"), func(s *ImportSettings) {
		s.Defaults = map[string]string{"stage": "lead"}
	})
	for name, want := range map[string]string{"Ali": "lead", "Can": "customer", "Deniz": "lead"} {
		page, err := st.List(ctx, a, Customers, ListQuery{Search: name, Limit: 5})
		if err != nil || len(page.Records) != 1 || page.Records[0].Values.Str("stage") != want {
			t.Errorf("%s: %v, %v", name, page, err)
		}
	}
	bad, err := st.NewImport(ctx, a, Customers, "x.csv", []byte("Ad;Soyad\nA;B\n"), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	set := bad.Settings
	set.Defaults = map[string]string{"stage": "nope"}
	if _, err := st.SetImportSettings(ctx, a, bad.ID, set); err == nil {
		t.Error("a default that is no choice accepted")
	}
}

// A field hidden from the user's role is no column or key of theirs:
// matching rows by a hidden TCKN would tell them whose it is.
func TestImportLeavesHiddenFieldsAlone(t *testing.T) {
	fx := newSecFixture(t)
	hides := fx.role(t, "TCKN'siz", Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all", "create": "all", "edit": "all", "import": "all"}},
		Fields: map[string]map[string]string{"customers": {"tckn": "hidden"}},
	})
	can := fx.actor(t, fx.user(t, "Can", 0, nil, hides))
	imp, err := fx.st.NewImport(fx.ctx, can, Customers, "a.csv", []byte("Ad;Soyad;TC Kimlik No\nAli;Veli;10000000146\n"), testVocabulary())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(imp.Settings.Columns, ","); got != "first_name,last_name," {
		t.Errorf("columns offered: %s", got)
	}
	set := imp.Settings
	set.Columns[2] = "tckn"
	if _, err := fx.st.SetImportSettings(fx.ctx, can, imp.ID, set); err == nil {
		t.Error("a hidden field mapped")
	}
	set.Columns[2] = ""
	set.Mode, set.Key = ImportSkip, "tckn"
	if _, err := fx.st.SetImportSettings(fx.ctx, can, imp.ID, set); err == nil {
		t.Error("a hidden field taken as the key")
	}
}

// Undo bins the run's records and no other: not a record that took an id
// of the run's after its record was purged, and not one merged into since.
func TestUndoLeavesWhatIsNoLongerTheRuns(t *testing.T) {
	st := newTestStore(t)
	ctx := context.Background()
	a := ActorFor(mustAdmin(t, st))
	imp := importFile(t, st, a, "a.csv", []byte("Ad;Soyad;Telefon\nAli;Veli;0532 000 00 01\nCan;Cem;0532 000 00 02\nDeniz;Ak;0532 000 00 03\n"), nil)
	ids := func(name string) int64 {
		page, err := st.List(ctx, a, Customers, ListQuery{Search: name, Limit: 5})
		if err != nil || len(page.Records) != 1 {
			t.Fatalf("%s: %v, %v", name, page, err)
		}
		return page.Records[0].ID
	}
	deniz := ids("Deniz")
	if err := st.Delete(ctx, a, Customers, deniz); err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(ctx, a, Customers, deniz); err != nil {
		t.Fatal(err)
	}
	now = func() time.Time { return time.Now().Add(time.Minute) }
	defer func() { now = time.Now }()
	later := mustCreate(t, st, a, Customers, Values{"kind": "person", "first_name": "Sonra", "last_name": "Gelen"})
	if later.ID != deniz {
		t.Logf("the id was not used again (%d, %d); the test still checks the merge", later.ID, deniz)
	}
	other := mustCreate(t, st, a, Customers, Values{"kind": "person", "first_name": "Ali", "last_name": "Veli", "phone": "0532 000 00 01"})
	if _, err := st.Merge(ctx, a, Customers, ids("Can"), other.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UndoImport(ctx, a, imp.ID); err != nil {
		t.Fatal(err)
	}
	for name, live := range map[string]bool{"Sonra": true, "Can": true} {
		page, err := st.List(ctx, a, Customers, ListQuery{Search: name, Limit: 5})
		if err != nil || (len(page.Records) == 1) != live {
			t.Errorf("%s after the undo: %v, %v", name, page, err)
		}
	}
	page, _ := st.List(ctx, a, Customers, ListQuery{Search: "Veli", Limit: 5})
	if len(page.Records) != 0 {
		t.Errorf("Ali of the run is still live: %v", page.Records)
	}
}

// After an undo, the old program's ids match nothing: the same file
// imports again, rather than failing on records in the recycle bin.
func TestImportExternalKeyAfterUndo(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	set := func(s *ImportSettings) { s.Mode, s.Key = ImportUpdate, ExternalKeyPrefix+"Müşteri No" }
	file := []byte("Müşteri No;Ad;Soyad\nM-1;Ali;Veli\n")
	first := importFile(t, st, a, "eski.csv", file, set)
	if _, err := st.UndoImport(context.Background(), a, first.ID); err != nil {
		t.Fatal(err)
	}
	again := importFile(t, st, a, "eski.csv", file, set)
	if again.Created != 1 || again.Failed != 0 {
		t.Fatalf("again = %+v", again)
	}
}
