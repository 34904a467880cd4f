package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// dupWorld is a few customers to look for duplicates of, made by the
// administrator of a security fixture.
type dupWorld struct {
	*secFixture
	ahmet, kaya, ayse *Record
}

func newDupWorld(t *testing.T) *dupWorld {
	t.Helper()
	fx := newSecFixture(t)
	w := &dupWorld{secFixture: fx}
	w.ahmet = mustCreate(t, fx.st, fx.admin, Customers, Values{
		"kind": "person", "first_name": "Ahmet", "last_name": "Yılmaz", "province": "Isparta",
		"tckn": "10000000146", "email": "ahmet@ornek.com.tr", "phone": "0532 111 11 11",
		"phones": []PhoneEntry{{Label: "ev", Number: "0246 222 22 22"}},
	})
	w.kaya = mustCreate(t, fx.st, fx.admin, Customers, Values{
		"kind": "company", "title": "Kaya İnşaat Ltd. Şti.", "province": "Ankara",
		"vkn": "4540536920", "email": "info@kaya.com.tr", "phone": "0312 333 33 33",
	})
	w.ayse = mustCreate(t, fx.st, fx.admin, Customers, Values{
		"kind": "person", "first_name": "Ayşe", "last_name": "Demir", "province": "İzmir", "phone": "0533 444 44 44",
	})
	return w
}

func dupPerson(first, last, province string, more ...any) Values {
	v := Values{"kind": "person", "first_name": first, "last_name": last, "province": province}
	for i := 0; i+1 < len(more); i += 2 {
		v[more[i].(string)] = more[i+1]
	}
	return v
}

func dupIDs(ds []Duplicate) []int64 {
	var out []int64
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func TestFindDuplicatesByEachReason(t *testing.T) {
	w := newDupWorld(t)
	company := func(title, province string, more ...any) Values {
		v := dupPerson("", "", province, more...)
		v["kind"], v["title"] = "company", title
		return v
	}
	cases := []struct {
		name    string
		in      Values
		except  int64
		want    *Record // nil: no duplicate
		reasons []string
	}{
		{"the same TCKN under another name", dupPerson("Mehmet", "Öz", "Ankara", "tckn", "10000000146"), 0, w.ahmet, []string{ReasonTCKN}},
		{"the same e-mail typed in capitals", dupPerson("A.", "Yılmaz", "", "email", "AHMET@ornek.com.tr"), 0, w.ahmet, []string{ReasonEmail}},
		{"the same phone typed another way", dupPerson("Ahmet", "Y", "", "phone", "+90 (532) 111-11-11"), 0, w.ahmet, []string{ReasonPhone}},
		{"the main phone is one of the more numbers there", dupPerson("Fatma", "Yılmaz", "", "phone", "0246 222 22 22"), 0, w.ahmet, []string{ReasonPhone}},
		{"one of the more numbers is the main phone there", dupPerson("Fatma", "Yılmaz", "",
			"phones", []PhoneEntry{{Number: "05321111111"}}), 0, w.ahmet, []string{ReasonPhone}},
		{"the same name folded, in the same province", dupPerson("AHMET", "YILMAZ", "ISPARTA"), 0, w.ahmet, []string{ReasonName}},
		{"the name without Turkish letters", dupPerson("ahmet", "yilmaz", "isparta"), 0, w.ahmet, []string{ReasonName}},
		{"the same name in another province", dupPerson("Ahmet", "Yılmaz", "Ankara"), 0, nil, nil},
		{"the same name without a province", dupPerson("Ahmet", "Yılmaz", ""), 0, nil, nil},
		{"the same VKN", company("Başka Firma A.Ş.", "", "vkn", "4540536920"), 0, w.kaya, []string{ReasonVKN}},
		{"a title with other punctuation and case", company("KAYA İNŞAAT LTD ŞTİ", "Ankara"), 0, w.kaya, []string{ReasonName}},
		{"a person with a company's phone is not the company", dupPerson("Ali", "Kaya", "", "phone", "0312 333 33 33"), 0, nil, nil},
		{"a company with a person's e-mail is not the person", company("Yılmaz Ticaret", "", "email", "ahmet@ornek.com.tr"), 0, nil, nil},
		{"several reasons at once", dupPerson("Ahmet", "Yılmaz", "Isparta", "tckn", "10000000146", "email", "ahmet@ornek.com.tr",
			"phone", "0532 111 11 11"), 0, w.ahmet, []string{ReasonTCKN, ReasonEmail, ReasonPhone, ReasonName}},
		{"a record is not its own duplicate", dupPerson("Ahmet", "Yılmaz", "Isparta", "tckn", "10000000146"), w.ahmet.ID, nil, nil},
		{"nothing in common", dupPerson("Zeynep", "Şahin", "Muğla", "phone", "0535 999 99 99"), 0, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := w.st.FindDuplicates(w.ctx, w.admin, Customers, c.in, c.except)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if len(got) > 0 {
					t.Fatalf("found %+v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].ID != c.want.ID {
				t.Fatalf("found %+v, want only %d %s", got, c.want.ID, c.want.Title())
			}
			if !slices.Equal(got[0].Reasons, c.reasons) || got[0].Title != c.want.Title() {
				t.Errorf("found %+v, want the reasons %v and the title %q", got[0], c.reasons, c.want.Title())
			}
			// The index an import uses finds the same.
			x, err := w.st.DuplicateIndex(w.ctx, w.admin, Customers)
			if err != nil {
				t.Fatal(err)
			}
			if c.except != 0 {
				return // an import has no record being edited
			}
			if ix := x.Match(c.in); len(ix) != 1 || ix[0].ID != c.want.ID || !slices.Equal(ix[0].Reasons, c.reasons) || ix[0].Score != got[0].Score {
				t.Errorf("the import index found %+v, FindDuplicates %+v", ix, got)
			}
		})
	}
}

func TestDuplicatesRankedBySureness(t *testing.T) {
	w := newDupWorld(t)
	// Four records, each like a new one by a different reason.
	byTCKN := mustCreate(t, w.st, w.admin, Customers, dupPerson("Mehmet", "Öz", "", "tckn", "28765432164"))
	byEmail := mustCreate(t, w.st, w.admin, Customers, dupPerson("Mehmet", "Özkan", "", "email", "mehmet@ornek.com.tr"))
	byPhone := mustCreate(t, w.st, w.admin, Customers, dupPerson("Memet", "Öz", "", "phone", "0542 555 55 55"))
	byName := mustCreate(t, w.st, w.admin, Customers, dupPerson("Mehmet", "Öz", "Bursa"))
	in := dupPerson("MEHMET", "ÖZ", "Bursa", "tckn", "28765432164", "email", "mehmet@ornek.com.tr", "phone", "0542 555 55 55")
	got, err := w.st.FindDuplicates(w.ctx, w.admin, Customers, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{byTCKN.ID, byEmail.ID, byPhone.ID, byName.ID}
	if !slices.Equal(dupIDs(got), want) {
		t.Fatalf("ranked %+v, want the ids %v (TCKN, e-mail, phone, name)", got, want)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score >= got[i-1].Score {
			t.Errorf("score %d of %v is not below %d of %v", got[i].Score, got[i].Reasons, got[i-1].Score, got[i-1].Reasons)
		}
	}
	// Two weaker reasons together rank above one of them alone.
	if dupScore(1<<bitEmail|1<<bitPhone) <= dupScore(1<<bitEmail) || dupScore(1<<bitEmail|1<<bitPhone) >= dupScore(1<<bitTCKN) {
		t.Errorf("e-mail and phone score %d: want above e-mail alone (%d) and below a TCKN (%d)",
			dupScore(1<<bitEmail|1<<bitPhone), dupScore(1<<bitEmail), dupScore(1<<bitTCKN))
	}
}

func TestDuplicatesLeaveOutDeletedRecords(t *testing.T) {
	w := newDupWorld(t)
	twin := mustCreate(t, w.st, w.admin, Customers, dupPerson("Ahmet", "Yılmaz", "Isparta", "tckn", "10000000146"))
	pairs, _, err := w.st.ScanDuplicates(w.ctx, w.admin, Customers, 50, "")
	if err != nil || len(pairs) != 1 {
		t.Fatalf("before deleting: pairs %+v, %v; want one", pairs, err)
	}
	if err := w.st.Delete(w.ctx, w.admin, Customers, twin.ID); err != nil {
		t.Fatal(err)
	}
	got, err := w.st.FindDuplicates(w.ctx, w.admin, Customers, dupPerson("Ahmet", "Yılmaz", "Isparta", "tckn", "10000000146"), w.ahmet.ID)
	if err != nil || len(got) != 0 {
		t.Errorf("FindDuplicates found %+v, %v; a record in the recycle bin is no duplicate", got, err)
	}
	if pairs, _, err = w.st.ScanDuplicates(w.ctx, w.admin, Customers, 50, ""); err != nil || len(pairs) != 0 {
		t.Errorf("ScanDuplicates found %+v, %v; want none", pairs, err)
	}
	x, err := w.st.DuplicateIndex(w.ctx, w.admin, Customers)
	if err != nil {
		t.Fatal(err)
	}
	if m := x.Match(dupPerson("Ahmet", "Yılmaz", "Isparta")); !slices.Equal(dupIDs(m), []int64{w.ahmet.ID}) {
		t.Errorf("the import index found %+v; want only the live Ahmet", m)
	}
}

// A salesperson who sees her own customers is never told of others', and
// a role that hides the TCKN does not match by it either.
func TestDuplicatesStayWithinTheActorsView(t *testing.T) {
	w := newDupWorld(t)
	own := w.role(t, "Kendi", Permissions{Grants: map[string]map[string]string{"customers": {"read": "own", "create": "own", "edit": "own"}}})
	me := w.actor(t, w.user(t, "Elif", 0, nil, own))
	mine := mustCreate(t, w.st, w.admin, Customers, dupPerson("Ahmet", "Yılmaz", "Isparta", "owner_id", me.UserID, "phone", "0532 111 11 11"))
	got, err := w.st.FindDuplicates(w.ctx, me, Customers, dupPerson("Ahmet", "Yılmaz", "Isparta", "tckn", "10000000146"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dupIDs(got), []int64{mine.ID}) {
		t.Errorf("the salesperson was told of %+v; want only her own record %d", got, mine.ID)
	}
	pairs, _, err := w.st.ScanDuplicates(w.ctx, me, Customers, 50, "")
	if err != nil || len(pairs) != 0 {
		t.Errorf("the salesperson's scan found %+v, %v; a pair needs both records in her view", pairs, err)
	}
	if pairs, _, err = w.st.ScanDuplicates(w.ctx, w.admin, Customers, 50, ""); err != nil || len(pairs) != 1 ||
		pairs[0].A != w.ahmet.ID || pairs[0].B != mine.ID || !slices.Equal(pairs[0].Reasons, []string{ReasonPhone, ReasonName}) {
		t.Errorf("the administrator's scan found %+v, %v; want Ahmet and the salesperson's twin by phone and name", pairs, err)
	}
	x, err := w.st.DuplicateIndex(w.ctx, me, Customers)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 1 {
		t.Errorf("the salesperson's import index holds %d records, want her one", x.Len())
	}

	hides := w.role(t, "Pazarlama gibi", Permissions{
		Grants: map[string]map[string]string{"customers": {"read": "all"}},
		Fields: map[string]map[string]string{"customers": {"tckn": "hidden"}},
	})
	marketer := w.actor(t, w.user(t, "Can", 0, nil, hides))
	got, err = w.st.FindDuplicates(w.ctx, marketer, Customers, dupPerson("Mehmet", "Öz", "", "tckn", "10000000146"), 0)
	if err != nil || len(got) != 0 {
		t.Errorf("a user who may not see the TCKN was told of %+v, %v", got, err)
	}
	twin := mustCreate(t, w.st, w.admin, Customers, dupPerson("Mehmet", "Öz", "", "tckn", "10000000146"))
	if pairs, _, err = w.st.ScanDuplicates(w.ctx, marketer, Customers, 50, ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if p.B == twin.ID {
			t.Errorf("a user who may not see the TCKN was shown the pair %+v", p)
		}
	}
	if x, err = w.st.DuplicateIndex(w.ctx, marketer, Customers); err != nil {
		t.Fatal(err)
	}
	if m := x.Match(dupPerson("Veli", "Öz", "", "tckn", "10000000146")); len(m) != 0 {
		t.Errorf("the import index of a user who may not see the TCKN matched %+v", m)
	}

	nothing := w.actor(t, w.user(t, "Okumaz", 0, nil, w.role(t, "Hiç", Permissions{})))
	if _, err := w.st.FindDuplicates(w.ctx, nothing, Customers, dupPerson("A", "B", ""), 0); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user who reads no customers: %v, want ErrForbidden", err)
	}
	if _, _, err := w.st.ScanDuplicates(w.ctx, nothing, Customers, 50, ""); !errors.Is(err, ErrForbidden) {
		t.Errorf("a user who reads no customers scanned: %v, want ErrForbidden", err)
	}
	if _, err := w.st.FindDuplicates(w.ctx, w.admin, Assets, Values{}, 0); !errors.Is(err, ErrBadQuery) {
		t.Errorf("assets have no duplicate rules: %v, want ErrBadQuery", err)
	}
}

// An import's rows are matched against each other as well as against the
// records there.
func TestDupIndexMatchesAddedRows(t *testing.T) {
	w := newDupWorld(t)
	x, err := w.st.DuplicateIndex(w.ctx, w.admin, Customers)
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 3 {
		t.Fatalf("the index holds %d records, want 3", x.Len())
	}
	rows := []Values{
		dupPerson("Selin", "Ak", "Bolu", "email", "selin@ornek.com.tr"),
		dupPerson("Selin", "Ak", "Bolu", "phone", "0544 123 45 67"),
		dupPerson("S.", "Akın", "", "phones", []PhoneEntry{{Number: "0544 123 45 67"}}, "email", "SELIN@ornek.com.tr"),
		{"kind": "company", "title": "Selin Ak", "province": "Bolu"},
	}
	want := [][]int64{nil, {-1}, {-1, -2}, nil}
	wantReasons := [][][]string{nil, {{ReasonName}}, {{ReasonEmail}, {ReasonPhone}}, nil}
	for i, v := range rows {
		got := x.Match(v)
		if !slices.Equal(dupIDs(got), want[i]) {
			t.Errorf("row %d matched %+v, want %v", i, got, want[i])
		}
		for j := range got {
			if j < len(wantReasons[i]) && !slices.Equal(got[j].Reasons, wantReasons[i][j]) {
				t.Errorf("row %d matched %d for %v, want %v", i, got[j].ID, got[j].Reasons, wantReasons[i][j])
			}
		}
		x.Add(-int64(i+1), v)
	}
	if got := x.Match(dupPerson("Ayşe", "Demir", "izmir")); !slices.Equal(dupIDs(got), []int64{w.ayse.ID}) || got[0].Title != "Ayşe Demir" {
		t.Errorf("a row like a record there matched %+v", got)
	}
	// A row without a kind is a person, as it would be saved.
	noKind := Values{"first_name": "AYŞE", "last_name": "DEMİR", "province": "İzmir", "phone": "0533 444 44 44"}
	if got := x.Match(noKind); !slices.Equal(dupIDs(got), []int64{w.ayse.ID}) || !slices.Equal(got[0].Reasons, []string{ReasonPhone, ReasonName}) {
		t.Errorf("a row without a kind matched %+v", got)
	}
	if got, err := w.st.FindDuplicates(w.ctx, w.admin, Customers, noKind, 0); err != nil || !slices.Equal(dupIDs(got), []int64{w.ayse.ID}) {
		t.Errorf("FindDuplicates of values without a kind: %+v, %v", got, err)
	}
}

func TestScanDuplicatesPairsAndPages(t *testing.T) {
	w := newDupWorld(t)
	// Three more Ahmets in Isparta: with the first, four records of one
	// name make six pairs; one of them also shares the TCKN.
	var ahmets []int64
	ahmets = append(ahmets, w.ahmet.ID)
	for i := 0; i < 3; i++ {
		v := dupPerson("Ahmet", "YILMAZ", "Isparta")
		if i == 0 {
			v["tckn"] = "10000000146"
		}
		ahmets = append(ahmets, mustCreate(t, w.st, w.admin, Customers, v).ID)
	}
	// A company that shares Kaya's phone through its more numbers.
	other := mustCreate(t, w.st, w.admin, Customers, Values{"kind": "company", "title": "Başka A.Ş.",
		"phones": []PhoneEntry{{Label: "santral", Number: "0312 333 33 33"}}})
	all, next, err := w.st.ScanDuplicates(w.ctx, w.admin, Customers, 50, "")
	if err != nil || next != "" {
		t.Fatalf("scan: %v, next %q", err, next)
	}
	if len(all) != 7 {
		t.Fatalf("found %d pairs, want 6 Ahmet pairs and Kaya's: %+v", len(all), all)
	}
	first := all[0]
	if first.A != ahmets[0] || first.B != ahmets[1] || !slices.Equal(first.Reasons, []string{ReasonTCKN, ReasonName}) ||
		first.TitleA != "Ahmet Yılmaz" || first.TitleB != "Ahmet YILMAZ" {
		t.Errorf("the surest pair is %+v, want the two Ahmets with one TCKN", first)
	}
	var kaya *DuplicatePair
	for i := range all {
		if all[i].A == w.kaya.ID {
			kaya = &all[i]
		}
		if i > 0 && all[i].Score > all[i-1].Score {
			t.Errorf("pair %d scores %d, more than the one before it", i, all[i].Score)
		}
	}
	if kaya == nil || kaya.B != other.ID || !slices.Equal(kaya.Reasons, []string{ReasonPhone}) {
		t.Errorf("Kaya's pair is %+v, want it with %d by phone", kaya, other.ID)
	}
	// Pages of two walk the same pairs in the same order.
	var paged []DuplicatePair
	cursor := ""
	for pages := 0; ; pages++ {
		page, next, err := w.st.ScanDuplicates(w.ctx, w.admin, Customers, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if pages > 10 || len(page) > 2 {
			t.Fatalf("paging does not end: page %d of %d pairs", pages, len(page))
		}
		paged = append(paged, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(paged) != len(all) {
		t.Fatalf("pages gave %d pairs, one scan %d", len(paged), len(all))
	}
	for i := range all {
		if paged[i].A != all[i].A || paged[i].B != all[i].B {
			t.Errorf("pair %d is %d-%d on the pages, %d-%d in one scan", i, paged[i].A, paged[i].B, all[i].A, all[i].B)
		}
	}
	if _, _, err := w.st.ScanDuplicates(w.ctx, w.admin, Customers, 2, "bozuk"); !errors.Is(err, ErrBadQuery) {
		t.Errorf("a bad cursor: %v, want ErrBadQuery", err)
	}
}

// A big group sharing one value is listed around its oldest record.
func TestScanDuplicatesBigGroup(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	var ids []int64
	for i := 0; i < maxGroupPairs+3; i++ {
		ids = append(ids, mustCreate(t, st, a, Customers, dupPerson(fmt.Sprintf("Kişi%d", i), "Santral", "", "phone", "0212 444 44 44")).ID)
	}
	pairs, _, err := st.ScanDuplicates(context.Background(), a, Customers, MaxLimit, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != len(ids)-1 {
		t.Fatalf("%d pairs for a group of %d, want one per member beside the oldest", len(pairs), len(ids))
	}
	for _, p := range pairs {
		if p.A != ids[0] {
			t.Errorf("pair %d-%d does not hold the oldest record %d", p.A, p.B, ids[0])
		}
	}
}

// The folded names of records written before the column existed are
// filled at the next start.
func TestNameFoldsFilledAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eski.db")
	ctx := context.Background()
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := ActorFor(mustAdmin(t, st))
	rec := mustCreate(t, st, a, Customers, dupPerson("Işıl", "Çağlar", "Iğdır"))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE customers SET name_fold = ''; INSERT INTO settings (key, value) VALUES ('name_fold_rebuild', x'01')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.FindDuplicates(ctx, SystemActor(), Customers, dupPerson("ISIL", "CAGLAR", "IĞDIR"), 0)
	if err != nil || !slices.Equal(dupIDs(got), []int64{rec.ID}) {
		t.Errorf("after the refill found %+v, %v; want %d by name", got, err, rec.ID)
	}
}

func TestNameFold(t *testing.T) {
	for in, want := range map[string]string{
		"Kaya İnşaat Ltd. Şti.": "kaya insaat ltd sti",
		"KAYA  İNŞAAT LTD ŞTİ":  "kaya insaat ltd sti",
		"IŞIL ÇAĞLAR":           "isil caglar",
		"O'Neil & Co.":          "o neil co",
		" ":                     "",
	} {
		if got := nameFold(in); got != want {
			t.Errorf("nameFold(%q) = %q, want %q", in, got, want)
		}
	}
}
