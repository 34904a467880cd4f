package ui

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kobicrm/assets"
	"kobicrm/store"
	"kobicrm/store/sheet"
	"kobicrm/ui/i18n"
)

func catalogue(t testing.TB) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(assets.FS, "locale")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// Every label and alias of every importable field, in both languages,
// maps a column to that field: no word of one field shadows another's.
func TestImportVocabularyMapsEveryWord(t *testing.T) {
	t.Parallel()
	cat := catalogue(t)
	for _, m := range importModules {
		voc := ImportVocabulary(cat, m)
		for _, f := range store.ImportTargets(m) {
			for _, lang := range cat.Languages() {
				l := cat.Locale(lang)
				words := []string{l.T(m.LabelKey(f)), f.Name, strings.ToUpper(l.T(m.LabelKey(f)))}
				if aliases := l.T(importAliasKey(m, f)); aliases != importAliasKey(m, f) {
					words = append(words, strings.Split(aliases, "|")...)
				} else if m == store.Customers {
					t.Errorf("%s: no aliases for %s.%s", lang, m.Key, f.Name)
				}
				for _, w := range words {
					if got := store.AutoMap(m, []string{w}, voc); got[0] != f.Name {
						t.Errorf("%s: column %q of %s maps to %q, want %s", lang, w, m.Key, got[0], f.Name)
					}
				}
				for _, c := range f.Choices {
					if v := voc.Choices[f.Name]; v == nil {
						t.Errorf("no choice words for %s.%s", m.Key, f.Name)
					}
					_ = c
				}
			}
		}
	}
	// The words people use for customers' columns.
	voc := ImportVocabulary(cat, store.Customers)
	header := []string{"Adı", "SOYADI", "Şirket Adı", "e-mail", "GSM", "Şehir", "İlçe", "Vergi Numarası", "T.C. Kimlik No",
		"Vergi Dairesi", "Açık Adres", "Posta Kodu", "Etiket", "Temsilci", "Açıklama", "Cep No"}
	want := []string{"first_name", "last_name", "title", "email", "phone", "province", "district", "vkn", "tckn",
		"tax_office", "address", "postal_code", "tags", "owner_id", "notes", ""}
	if got := store.AutoMap(store.Customers, header, voc); !slices.Equal(got, want) {
		t.Errorf("AutoMap = %q\nwant      %q", got, want)
	}
	if voc.Choices["kind"][strings.ToLower("bireysel")] != "person" || voc.Choices["stage"]["former customer"] != "former" {
		t.Errorf("choices = %v", voc.Choices)
	}
}

// roundTripFixture is a customer file as Turkish Excel saves it, with
// every kind of customer field filled somewhere.
const roundTripFixture = "Tür;Ad;Soyad;Unvan;Aşama;Aday durumu;TC Kimlik No;Doğum tarihi;Vergi No;Vergi dairesi;Sektör;Web sitesi;" +
	"Çalışan sayısı;E-posta;Telefon;Diğer telefonlar;İl;İlçe;Adres;Posta kodu;Kaynak;Etiketler;Sorumlu;Notlar\r\n" +
	"Bireysel;Şükrü;Çağlar;;Müşteri;;10000000146;15.03.1980;;;;;;sukru@ornek.com.tr;0532 111 22 33;\"İş: 0212 555 12 12; Ev: 0232 444 55 66\";" +
	"İzmir;Karşıyaka;Cemal Gürsel Cd. No: 12;35540;Tavsiye;vip, bayi;Ayşe Yılmaz;\"İlk satır\r\nikinci satır; \"\"tırnaklı\"\"\"\r\n" +
	"Kurumsal;;;Öztürk Gıda A.Ş.;Aday;Görüşüldü;;;1234567018;Isparta;Gıda;https://ozturkgida.com.tr;1.250;bilgi@ozturkgida.com.tr;" +
	"0246 222 33 44;;ISPARTA;Merkez;Sanayi Sitesi 3. Blok;32100;Fuar;toptan;Ayşe Yılmaz;\r\n" +
	"Bireysel;İsmail;Işık;;Eski müşteri;;;;;;;;;;;;Ankara;;;;;;;=1+2\r\n"

// importAll imports a whole file into customers as the administrator and
// fails the test on any failed row.
func (e *env) importAll(t *testing.T, name string, data []byte) *store.Import {
	t.Helper()
	ctx := context.Background()
	a := store.ActorFor(e.admin(t))
	voc := e.srv.vocabulary(store.Customers)
	imp, err := e.st.NewImport(ctx, a, store.Customers, name, data, voc)
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.st.RunImport(ctx, a, imp.ID, voc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if done.Failed > 0 {
		_ = e.st.ImportFailures(ctx, a, imp.ID, 0, func(f store.ImportFailure) error {
			t.Errorf("%s row %d: %+v", name, f.Row, f.Errors)
			return nil
		})
		t.FailNow()
	}
	return done
}

func (e *env) admin(t *testing.T) *store.User {
	t.Helper()
	u, err := e.st.UserByEmail(context.Background(), store.SystemActor(), adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) export(t *testing.T, lang, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ExportFile(context.Background(), e.st, store.ActorFor(e.admin(t)), e.srv.catalog.Locale(lang),
		store.Customers, store.ListQuery{}, format, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file kobicrm exported comes back whole: imported into a fresh
// database, with every column mapped by its header but the computed name,
// and exported again, it is the same file apart from the record numbers.
func TestImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lang, format string }{{"tr", "csv"}, {"en", "xlsx"}} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			first, _ := setUp(t)
			imp := first.importAll(t, "fixture.csv", cp1254(t, roundTripFixture))
			if imp.Created != 3 {
				t.Fatalf("fixture import = %+v", imp)
			}
			one := first.export(t, tc.lang, tc.format)

			second, _ := setUp(t)
			ctx := context.Background()
			voc := second.srv.vocabulary(store.Customers)
			probe, err := second.st.NewImport(ctx, store.SystemActor(), store.Customers, "export."+tc.format, one, voc)
			if err != nil {
				t.Fatal(err)
			}
			// Every column maps back but the computed ones (the name as
			// shown, the data-quality score), which the store makes itself.
			computed := map[string]bool{}
			for _, f := range store.Customers.Fields {
				if f.Computed && !f.Internal {
					computed[first.srv.catalog.Locale(tc.lang).T(store.Customers.LabelKey(&f))] = true
				}
			}
			for i, h := range probe.Header {
				if c := probe.Settings.Columns[i]; (c == "") != computed[h] {
					t.Errorf("column %q of the export is mapped to %q", h, c)
				}
			}
			second.importAll(t, "export."+tc.format, one)
			two := second.export(t, tc.lang, tc.format)
			// The CSV's guard against formulas does not stay in the data.
			page, err := second.st.List(ctx, store.SystemActor(), store.Customers, store.ListQuery{Search: "İsmail", Limit: 5})
			if err != nil || len(page.Records) != 1 || page.Records[0].Values.Str("notes") != "=1+2" {
				t.Errorf("İsmail came back as %v (%v)", page, err)
			}

			a, b := exportRows(t, one, tc.format), exportRows(t, two, tc.format)
			if len(a) != 4 || len(a) != len(b) {
				t.Fatalf("%d rows exported, then %d", len(a), len(b))
			}
			for i := range a {
				if i > 0 {
					a[i][0], b[i][0] = "#", "#" // the record numbers of two databases
				}
				if !slices.Equal(a[i], b[i]) {
					t.Errorf("row %d:\n first %q\nsecond %q", i, a[i], b[i])
				}
			}
			if tc.format == "csv" {
				id := regexp.MustCompile(`(?m)^[0-9]+;`)
				if x, y := id.ReplaceAll(one, []byte("#;")), id.ReplaceAll(two, []byte("#;")); !bytes.Equal(x, y) {
					t.Errorf("the CSV files differ beyond the record numbers:\n%s\n%s", x, y)
				}
			}
		})
	}
}

// exportRows reads an export back as text cells, the header first.
func exportRows(t *testing.T, data []byte, format string) [][]string {
	t.Helper()
	tab, rows, err := sheet.ReadAll(bytes.NewReader(data), "export."+format)
	if err != nil {
		t.Fatal(err)
	}
	out := [][]string{tab.Header}
	for _, r := range rows {
		out = append(out, r.Cells)
	}
	return out
}

// FuzzImportMapping feeds arbitrary headers and rows through the
// importer's reading, mapping and preview: nothing panics, no field is
// mapped twice, every mapped column names a target, and every problem a
// row gets is a message both catalogues have.
func FuzzImportMapping(f *testing.F) {
	for _, seed := range [][2]string{
		{"Ad;Soyad;E-posta;Telefon", "Şükrü;Çağlar;sukru@ornek.com.tr;0532 111 22 33\n;;bozuk;12\n"},
		{"ad,AD,Ad ,adı,first name", "1,2,3,4,5\n"},
		{"No;Eklenme;Tür;Sorumlu;Aşama", "x;2026-13-45;Kurumsal;Yok Böyle;aday\n-5;01.01.1990;?;;Müşteri\n"},
		{"first name\tlast name\temail\tphone\ttags", "a\tb\tc\td\te,f,,g\n"},
		{"\"Tür;Ad\";Soyad", "\"x\ny\";z;fazla;hücre\n"},
		{"Müşteri;Tür;Ad / model;Plaka;Garanti bitişi", "Yok;Araç;Doblo;34 ABC 123;2026-02-30\n"},
		{";;;", ";;;\n"},
		{"Çalışan sayısı;Unvan;Tür", "1.234,5;A;Kurumsal\n1e400;B;Kurumsal\n"},
	} {
		f.Add(seed[0], seed[1])
	}
	st, err := store.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	cat := catalogue(f)
	tr, en := cat.Locale("tr"), cat.Locale("en")
	a := store.SystemActor()
	vocs := map[string]*store.ImportVocabulary{}
	for _, m := range importModules {
		vocs[m.Key] = ImportVocabulary(cat, m)
	}
	f.Fuzz(func(t *testing.T, header, body string) {
		ctx := context.Background()
		for _, m := range importModules {
			voc := vocs[m.Key]
			imp, err := st.NewImport(ctx, a, m, "fuzz.csv", []byte(header+"\n"+body), voc)
			if fe := (*store.ImportFileError)(nil); errors.As(err, &fe) {
				continue
			}
			if err != nil {
				t.Fatalf("NewImport: %v", err)
			}
			cols := imp.Settings.Columns
			if len(cols) != len(imp.Header) || !slices.Equal(cols, store.AutoMap(m, imp.Header, voc)) {
				t.Fatalf("columns %q for header %q", cols, imp.Header)
			}
			seen := map[string]bool{}
			for _, c := range cols {
				if c == "" {
					continue
				}
				if seen[c] {
					t.Fatalf("%s mapped twice: %q", c, cols)
				}
				seen[c] = true
				if _, ok := m.Field(c); !ok && c != store.ImportIDColumn && c != store.CreatedAtKey {
					t.Fatalf("column mapped to %q", c)
				}
			}
			rows, err := st.PreviewImport(ctx, a, imp.ID, voc, 5)
			if err != nil {
				t.Fatalf("PreviewImport: %v", err)
			}
			for _, r := range rows {
				if len(r.Cells) != len(imp.Header) {
					t.Fatalf("row %d has %d cells for %d columns", r.Num, len(r.Cells), len(imp.Header))
				}
				if !slices.Contains([]string{store.RowCreate, store.RowUpdate, store.RowSkip, store.RowFail}, r.Action) {
					t.Fatalf("row %d: action %q", r.Num, r.Action)
				}
				if (r.Action == store.RowFail) != (len(r.Errors) > 0) {
					t.Fatalf("row %d: %s with errors %v", r.Num, r.Action, r.Errors)
				}
				for _, e := range r.Errors {
					if tr.T(e.Key) == e.Key || en.T(e.Key) == e.Key {
						t.Fatalf("row %d: message %q is in no catalogue", r.Num, e.Key)
					}
				}
			}
		}
	})
}
