package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

const benchRows = 100_000

var benchCols = []Column{
	{Name: "Müşteri No"}, {Name: "Ad"}, {Name: "Soyad"}, {Name: "Firma"}, {Name: "Telefon"},
	{Name: "E-posta"}, {Name: "Şehir"}, {Name: "İlçe"}, {Name: "Adres"}, {Name: "Vergi No"},
	{Name: "Bakiye", Numeric: true}, {Name: "Kayıt Tarihi", Date: true}, {Name: "Aşama"},
	{Name: "Temsilci"}, {Name: "Not"},
}

// benchTable is a realistic customer list: Turkish names and places, phone
// numbers with their leading zero, amounts, dates, some quoted addresses.
func benchTable() [][]string {
	first := []string{"Şükrü", "Ayşe", "Işıl", "Çağlar", "Gülşen", "Mehmet", "Öykü", "İbrahim", "Ümit", "Zeynep"}
	last := []string{"Öztürk", "Yılmaz", "Kaya", "Çelik", "Şahin", "Doğan", "Aydın", "Arslan", "Güneş", "Koç"}
	city := []string{"İstanbul", "Ankara", "İzmir", "Iğdır", "Muğla", "Çorum", "Şanlıurfa", "Eskişehir"}
	stage := []string{"aday", "müşteri", "eski"}
	rows := make([][]string, benchRows)
	for i := range rows {
		f, l, c := first[i%len(first)], last[(i/7)%len(last)], city[(i/3)%len(city)]
		rows[i] = []string{
			fmt.Sprintf("M%06d", i), f, l, l + " Ticaret Ltd. Şti.", fmt.Sprintf("0532%07d", i),
			fmt.Sprintf("%s.%s%d@ornek.com.tr", strings.ToLower(f), strings.ToLower(l), i), c, "Merkez",
			fmt.Sprintf("Atatürk Cad. No:%d; Kat %d", i%200, i%9), fmt.Sprintf("%010d", i*7919),
			fmt.Sprintf("%d.%02d", i*13%100000, i%100), fmt.Sprintf("20%02d-%02d-%02d", 10+i%16, 1+i%12, 1+i%28),
			stage[i%3], "Çağrı Merkezi", "görüşüldü, teklif gönderilecek",
		}
	}
	return rows
}

var benchData = sync.OnceValues(func() (map[string][]byte, error) {
	rows := benchTable()
	var utf bytes.Buffer
	if err := WriteCSV(&utf, benchCols, rows); err != nil {
		return nil, err
	}
	// Turkish Excel's plain "CSV": the same text without the BOM, in
	// Windows-1254.
	cp, err := charmapEncode(bytes.TrimPrefix(utf.Bytes(), utf8BOM))
	if err != nil {
		return nil, err
	}
	var x bytes.Buffer
	if err := WriteXLSX(&x, benchCols, rows); err != nil {
		return nil, err
	}
	return map[string][]byte{
		"cp1254": cp,
		"utf8":   bytes.TrimPrefix(utf.Bytes(), utf8BOM),
		"xlsx":   x.Bytes(),
	}, nil
})

func benchRead(b *testing.B, kind string) {
	files, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	data := files[kind]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tb, err := Open(bytes.NewReader(data), kind)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for tb.Next() {
			n++
		}
		if err := tb.Err(); err != nil {
			b.Fatal(err)
		}
		tb.Close()
		if n != benchRows {
			b.Fatalf("read %d rows", n)
		}
	}
}

func BenchmarkReadCSVWindows1254(b *testing.B) { benchRead(b, "cp1254") }
func BenchmarkReadCSVUTF8(b *testing.B)        { benchRead(b, "utf8") }
func BenchmarkReadXLSX(b *testing.B)           { benchRead(b, "xlsx") }

func BenchmarkWriteCSV(b *testing.B) {
	rows := benchTable()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, benchCols, rows); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	rows := benchTable()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteXLSX(io.Discard, benchCols, rows); err != nil {
			b.Fatal(err)
		}
	}
}

func charmapEncode(p []byte) ([]byte, error) {
	return charmap.Windows1254.NewEncoder().Bytes(p)
}
