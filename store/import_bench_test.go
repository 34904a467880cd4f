package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"testing"

	"kobicrm/store/tr"
)

// customerCSV writes n customer rows as Turkish Excel saves "CSV UTF-8":
// a byte order mark, ';' between cells, decimal commas, Turkish labels as
// headers. One row in fifty repeats an earlier person's phone, as real
// lists kept by several people do, so duplicate checking has work.
func customerCSV(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	first := []string{"Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali", "Zeynep", "Hüseyin", "Elif", "İbrahim", "Şükrü", "Gülşen", "Çağrı", "Özge"}
	last := []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çağlar", "Güneş"}
	firms := []string{"Gıda", "Tekstil", "İnşaat", "Otomotiv", "Mobilya", "Lojistik", "Yazılım", "Turizm"}
	provinces := []string{"İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya", "Isparta", "Eskişehir", "Muğla", "Trabzon"}
	var b bytes.Buffer
	b.WriteString("\ufeffTür;Ad;Soyad;Unvan;TC Kimlik No;Vergi No;E-posta;Telefon;İl;Çalışan sayısı;Etiketler\r\n")
	phones := make([]string, 0, n)
	for i := range n {
		phone := fmt.Sprintf("05%02d %03d %02d %02d", 30+r.IntN(25), r.IntN(1000), r.IntN(100), r.IntN(100))
		if i > 0 && i%50 == 0 {
			phone = phones[r.IntN(len(phones))]
		}
		phones = append(phones, phone)
		prov := provinces[r.IntN(len(provinces))]
		if i%5 == 4 {
			title := fmt.Sprintf("%s %s %s A.Ş.", last[r.IntN(len(last))], firms[r.IntN(len(firms))], tr.Int(int64(i)))
			fmt.Fprintf(&b, "Kurumsal;;;%s;;%s;info%d@firma%d.com.tr;%s;%s;%s;bayi\r\n",
				title, testVKN(r), i, i, phone, prov, tr.Int(int64(5+r.IntN(2000))))
			continue
		}
		fn, ln := first[r.IntN(len(first))], last[r.IntN(len(last))]
		fmt.Fprintf(&b, "Bireysel;%s;%s;;%s;;%s.%s%d@ornek.com.tr;%s;%s;;%s\r\n",
			fn, ln, testTCKN(r), strings.ToLower(tr.Fold(fn)), strings.ToLower(tr.Fold(ln)), i, phone, prov,
			[]string{"", "vip", "bayi, vip", "fuar"}[r.IntN(4)])
	}
	return b.Bytes()
}

// testTCKN makes a national ID number with valid check digits.
func testTCKN(r *rand.Rand) string {
	d := make([]int, 11)
	d[0] = 1 + r.IntN(9)
	for i := 1; i < 9; i++ {
		d[i] = r.IntN(10)
	}
	d[9] = (((d[0]+d[2]+d[4]+d[6]+d[8])*7-(d[1]+d[3]+d[5]+d[7]))%10 + 10) % 10
	sum := 0
	for i := range 10 {
		sum += d[i]
	}
	d[10] = sum % 10
	var s strings.Builder
	for _, x := range d {
		s.WriteByte(byte('0' + x))
	}
	return s.String()
}

// testVKN makes a tax number with a valid check digit.
func testVKN(r *rand.Rand) string {
	for {
		s := fmt.Sprintf("%010d", r.Int64N(10_000_000_000))
		if v, ok := tr.VKN(s); ok {
			return v
		}
	}
}

func TestCustomerCSVIsValid(t *testing.T) {
	st := newTestStore(t)
	a := ActorFor(mustAdmin(t, st))
	imp := importFile(t, st, a, "bench.csv", customerCSV(300, 7), nil)
	if imp.Failed != 0 || imp.Created != 300 {
		for _, f := range failures(t, st, a, imp.ID) {
			t.Errorf("row %d: %+v", f.Row, f.Errors)
		}
		t.Fatalf("import = %+v", imp)
	}
}

// BenchmarkImportCustomers100k imports 100,000 customer rows of CSV into
// an empty database, the whole wizard path: reading the file, mapping,
// converting, checking, saving, indexing and recording every row.
//
// The collector is set as the server sets it while an import runs (main's
// tuneMemory, raised by ImportHeadroom), so the figure is the program's.
func BenchmarkImportCustomers100k(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(32<<20 + ImportHeadroom))
	data := customerCSV(benchImportRows, 42)
	voc := testVocabulary()
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		st := newTestStore(b)
		a := ActorFor(mustAdmin(b, st))
		b.StartTimer()
		imp, err := st.NewImport(ctx, a, Customers, "bench.csv", data, voc)
		if err != nil {
			b.Fatal(err)
		}
		done, err := st.RunImport(ctx, a, imp.ID, voc, nil)
		if err != nil {
			b.Fatal(err)
		}
		if done.Created != benchImportRows {
			b.Fatalf("import = %+v", done)
		}
	}
}

// benchImportRows is the size of the import benchmark's file.
const benchImportRows = 100_000
