package vcard

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// crlf writes a sample with CRLF line breaks, as phones export them.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// An iPhone's export (vCard 3.0): types as repeated params, a label kept in
// an item group, Apple's own label names, a birthday without a year, a
// folded photo, and a company card marked X-ABShowAs.
var iphone = crlf(
	"BEGIN:VCARD",
	"VERSION:3.0",
	"PRODID:-//Apple Inc.//iPhone OS 17.5//EN",
	"N:Yılmaz;Ayşe;Nur;;",
	"FN:Ayşe Nur Yılmaz",
	"ORG:Gökkuşağı Gıda Ltd. Şti.;Satın Alma",
	"TITLE:Satın Alma Müdürü",
	"EMAIL;type=INTERNET;type=WORK:ayse@gokkusagi.com.tr",
	"EMAIL;type=INTERNET;type=HOME;type=pref:ayse.yilmaz@gmail.com",
	"TEL;type=WORK;type=VOICE:0216 555 12 12",
	"TEL;type=CELL;type=VOICE;type=pref:+90 532 123 45 67",
	"item1.TEL:0216 555 12 13",
	"item1.X-ABLabel:muhasebe",
	"item2.ADR;type=HOME;type=pref:;;Moda Cad. No: 5 D: 3;Kadıköy;İstanbul;34710;Türkiye",
	"item2.X-ABADR:tr",
	"item3.URL;type=pref:https://www.gokkusagi.com.tr",
	"item3.X-ABLabel:_$!<HomePage>!$_",
	"BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15",
	`NOTE:Fuarda tanıştık\, bayramda aranacak.\nÇay sever; şekersiz.`,
	"CATEGORIES:Fuar 2025,VIP",
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSExEK",
	" DhcUFBAQFBcWFRQWGx4dGx4mJiMmJiMnJyc=",
	"END:VCARD",
	"BEGIN:VCARD",
	"VERSION:3.0",
	"N:;;;;",
	"FN:Ufuk Lojistik A.Ş.",
	"ORG:Ufuk Lojistik A.Ş.;",
	"X-ABShowAs:COMPANY",
	"TEL;type=WORK;type=VOICE;type=pref:0232 444 12 34",
	"item1.TEL:0532 765 43 21",
	"item1.X-ABLabel:_$!<Mobile>!$_",
	"item2.EMAIL;type=INTERNET:info@ufuklojistik.com.tr",
	"ADR;type=WORK:;;Atatürk Organize Sanayi Bölgesi 10001 Sok. No: 5;Çiğli;İzmir;35620;Türkiye",
	"END:VCARD",
)

// An old Android phone's export (vCard 2.1): bare types, UTF-8 in
// quoted-printable with a soft line break, a basic-format birthday.
var android = crlf(
	"BEGIN:VCARD",
	"VERSION:2.1",
	"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=87elik;=C5=9E=C3=BCkr=C3=BC;;;",
	"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C5=9E=C3=BCkr=C3=BC =C3=87elik",
	"TEL;CELL;PREF:05321234567",
	"TEL;HOME:02462221133",
	"TEL;WORK;FAX:02462221134",
	"EMAIL;HOME:sukru.celik@hotmail.com",
	"ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Yeni Mah. G=C3=B6l Sok. No: 3;E=C4=9Firdir;Isparta;32500;T=C3=BCrkiye",
	"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Uzun bir not: Android bunu b=C3=B6ler ve sat=C4=B1r =",
	"sonuna e=C5=9Fittir koyar.",
	"BDAY:19800501",
	"END:VCARD",
)

// An old Turkish Outlook's export: Windows-1254, once named and
// quoted-printable, once raw bytes with no charset at all.
var outlook = crlf(
	"BEGIN:VCARD",
	"VERSION:2.1",
	"N;LANGUAGE=tr;CHARSET=Windows-1254;ENCODING=QUOTED-PRINTABLE:=C7a=F0lar;=DE=FCkr=FC",
	"FN;CHARSET=Windows-1254;ENCODING=QUOTED-PRINTABLE:=DE=FCkr=FC =C7a=F0lar",
	"ORG:\xDDzmir Ba\xFEak A.\xDE.",
	"TEL;WORK;VOICE:(0232) 555 66 77",
	"EMAIL;PREF;INTERNET:sukru@izmirbasak.com.tr",
	"END:VCARD",
)

// A vCard 4.0 organisation: KIND, a tel: URI, a quoted TYPE list, PREF=1,
// and a LABEL parameter holding a colon inside its quotes.
var v4 = crlf(
	"BEGIN:VCARD",
	"VERSION:4.0",
	"KIND:org",
	"FN:Başak Yazılım A.Ş.",
	"ORG:Başak Yazılım A.Ş.",
	`TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+90-312-555-1212`,
	"EMAIL;TYPE=work:iletisim@basakyazilim.com.tr",
	`ADR;TYPE=work;LABEL="Kızılay, Atatürk Blv. No:5\nAnkara":;;Atatürk Blv. No:5;Çankaya;Ankara;06420;Türkiye`,
	"URL:https://basakyazilim.com.tr",
	"BDAY:--0229",
	"NOTE:Bayi",
	"END:VCARD",
)

func decodeString(t *testing.T, s string) []Card {
	t.Helper()
	cards, err := Decode(strings.NewReader(s))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return cards
}

func TestDecodeSamples(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		want []Card
	}{
		{"iPhone", iphone, []Card{{
			FN: "Ayşe Nur Yılmaz", Name: Name{Family: "Yılmaz", Given: "Ayşe", Additional: "Nur"},
			Org: []string{"Gökkuşağı Gıda Ltd. Şti.", "Satın Alma"}, Title: "Satın Alma Müdürü",
			Emails: []Email{{Types: []string{"internet", "work"}, Address: "ayse@gokkusagi.com.tr"},
				{Types: []string{"internet", "home", "pref"}, Address: "ayse.yilmaz@gmail.com"}},
			Tels: []Tel{{Types: []string{"work", "voice"}, Number: "0216 555 12 12"},
				{Types: []string{"cell", "voice", "pref"}, Number: "+90 532 123 45 67"},
				{Label: "muhasebe", Number: "0216 555 12 13"}},
			Addresses: []Address{{Types: []string{"home", "pref"}, Street: "Moda Cad. No: 5 D: 3", Locality: "Kadıköy",
				Region: "İstanbul", PostalCode: "34710", Country: "Türkiye"}},
			URLs: []string{"https://www.gokkusagi.com.tr"}, Birthday: "--04-15",
			Note: "Fuarda tanıştık, bayramda aranacak.\nÇay sever; şekersiz.", Categories: []string{"Fuar 2025", "VIP"},
		}, {
			Kind: "org", FN: "Ufuk Lojistik A.Ş.", Org: []string{"Ufuk Lojistik A.Ş.", ""},
			Tels: []Tel{{Types: []string{"work", "voice", "pref"}, Number: "0232 444 12 34"},
				{Types: []string{"cell"}, Number: "0532 765 43 21"}},
			Emails: []Email{{Types: []string{"internet"}, Address: "info@ufuklojistik.com.tr"}},
			Addresses: []Address{{Types: []string{"work"}, Street: "Atatürk Organize Sanayi Bölgesi 10001 Sok. No: 5",
				Locality: "Çiğli", Region: "İzmir", PostalCode: "35620", Country: "Türkiye"}},
		}}},
		{"Android 2.1", android, []Card{{
			FN: "Şükrü Çelik", Name: Name{Family: "Çelik", Given: "Şükrü"},
			Tels: []Tel{{Types: []string{"cell", "pref"}, Number: "05321234567"}, {Types: []string{"home"}, Number: "02462221133"},
				{Types: []string{"work", "fax"}, Number: "02462221134"}},
			Emails: []Email{{Types: []string{"home"}, Address: "sukru.celik@hotmail.com"}},
			Addresses: []Address{{Types: []string{"home"}, Street: "Yeni Mah. Göl Sok. No: 3", Locality: "Eğirdir",
				Region: "Isparta", PostalCode: "32500", Country: "Türkiye"}},
			Note:     "Uzun bir not: Android bunu böler ve satır sonuna eşittir koyar.",
			Birthday: "1980-05-01",
		}}},
		{"Outlook in Windows-1254", outlook, []Card{{
			FN: "Şükrü Çağlar", Name: Name{Family: "Çağlar", Given: "Şükrü"}, Org: []string{"İzmir Başak A.Ş."},
			Tels:   []Tel{{Types: []string{"work", "voice"}, Number: "(0232) 555 66 77"}},
			Emails: []Email{{Types: []string{"pref", "internet"}, Address: "sukru@izmirbasak.com.tr"}},
		}}},
		{"vCard 4.0", v4, []Card{{
			Kind: "org", FN: "Başak Yazılım A.Ş.", Org: []string{"Başak Yazılım A.Ş."},
			Tels:   []Tel{{Types: []string{"work", "voice", "pref"}, Number: "+90-312-555-1212"}},
			Emails: []Email{{Types: []string{"work"}, Address: "iletisim@basakyazilim.com.tr"}},
			Addresses: []Address{{Types: []string{"work"}, Street: "Atatürk Blv. No:5", Locality: "Çankaya", Region: "Ankara",
				PostalCode: "06420", Country: "Türkiye"}},
			URLs: []string{"https://basakyazilim.com.tr"}, Birthday: "--02-29", Note: "Bayi",
		}}},
		{"LF line breaks, a BOM and blank lines", "\uFEFF\nBEGIN:VCARD\nVERSION:3.0\nFN:Ali Demir\nN:Demir;Ali;;;\n\nEND:VCARD\n\n",
			[]Card{{FN: "Ali Demir", Name: Name{Family: "Demir", Given: "Ali"}}}},
		{"lower-case names and a folded line cut inside a letter", "begin:vcard\r\nversion:3.0\r\nfn:\xc3\r\n \x87i\xc3\r\n\t\xa7ek\r\nend:vcard\r\n",
			[]Card{{FN: "Çiçek"}}},
		{"no cards", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeString(t, tc.file)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tc.want)
			}
		})
	}
}

func TestDecodeErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		line       int
		msg        string
	}{
		{"no END", "BEGIN:VCARD\r\nFN:Ali\r\n", 1, "no END:VCARD"},
		{"END without BEGIN", "BEGIN:VCARD\r\nFN:Ali\r\nEND:VCARD\r\nEND:VCARD\r\n", 4, "without BEGIN"},
		{"a card inside a card", "BEGIN:VCARD\r\nFN:Ali\r\nBEGIN:VCARD\r\n", 3, "inside the card of line 1"},
		{"a property outside a card", "FN:Ali\r\n", 1, "FN outside a card"},
		{"no colon", "BEGIN:VCARD\r\nFN:Ali\r\nbir not\r\nEND:VCARD\r\n", 3, "without ':'"},
		{"no name", "BEGIN:VCARD\r\n:Ali\r\nEND:VCARD\r\n", 2, "without a name"},
		{"bad quoted-printable", "BEGIN:VCARD\r\nFN;ENCODING=QUOTED-PRINTABLE:=C3=GZ\r\nEND:VCARD\r\n", 2, "quoted-printable"},
		{"quoted-printable cut short", "BEGIN:VCARD\r\nNOTE;QUOTED-PRINTABLE:abc=C\r\nEND:VCARD\r\n", 2, "ends in"},
		{"unknown charset", "BEGIN:VCARD\r\nFN;CHARSET=KOI8-R:Ali\r\nEND:VCARD\r\n", 2, `unknown charset "KOI8-R"`},
		{"a named charset that lies", "BEGIN:VCARD\r\nFN;CHARSET=UTF-8:\xDE\xFC\r\nEND:VCARD\r\n", 2, "not UTF-8"},
		{"unknown encoding", "BEGIN:VCARD\r\nFN;ENCODING=UUENCODE:Ali\r\nEND:VCARD\r\n", 2, "unknown encoding"},
		{"bad base64", "BEGIN:VCARD\r\nNOTE;ENCODING=b:!!!\r\nEND:VCARD\r\n", 2, "base64"},
		{"a folded line counts from its start", "BEGIN:VCARD\r\nFN;CHARSET=X\r\n -Y:Ali\r\nEND:VCARD\r\n", 2, "X-Y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.file))
			var e *Error
			if !errors.As(err, &e) || e.Line != tc.line || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("error %v, want line %d saying %q", err, tc.line, tc.msg)
			}
		})
	}
}

func TestDecodeIsBounded(t *testing.T) {
	big := strings.NewReader("BEGIN:VCARD\r\nNOTE:" + strings.Repeat("a", MaxSize) + "\r\nEND:VCARD\r\n")
	if _, err := Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file over MaxSize: %v", err)
	}
	many := strings.Repeat("BEGIN:VCARD\nFN:a\nEND:VCARD\n", MaxCards+1)
	if _, err := Decode(strings.NewReader(many)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over MaxCards cards: %v", err)
	}
}

// sukru is a card with every property, Turkish letters and every
// character that needs escaping.
func sukru() Card {
	return Card{
		FN: "Şükrü Çağlar", Name: Name{Family: "Çağlar", Given: "Şükrü", Prefix: "Dr."},
		Org: []string{"Gökkuşağı; Gıda, Ltd. Şti.", "Satış"}, Title: `Bölge Müdürü \ Ege`,
		Tels: []Tel{{Types: []string{"cell", "pref"}, Number: "+905321234567"}, {Types: []string{"work"}, Label: "muhasebe", Number: "+902165551212"},
			{Label: "yazlık", Number: "+902524441122"}},
		Emails:    []Email{{Types: []string{"work"}, Address: "sukru@gokkusagi.com.tr"}},
		Addresses: []Address{{Types: []string{"work"}, Street: "Moda Cad. No: 5; D: 3", Locality: "Kadıköy", Region: "İstanbul", PostalCode: "34710", Country: "Türkiye"}},
		Note:      "İlk satır, virgüllü; noktalı virgüllü.\nİkinci satır: ters bölü \\ işareti.",
		Birthday:  "1980-05-01", URLs: []string{"https://www.gokkusagi.com.tr"}, Categories: []string{"Fuar, 2025", "VIP"},
	}
}

func TestEncode(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, sukru()); err != nil {
		t.Fatal(err)
	}
	want := crlf(
		"BEGIN:VCARD",
		"VERSION:3.0",
		"FN:Şükrü Çağlar",
		"N:Çağlar;Şükrü;;Dr.;",
		`ORG:Gökkuşağı\; Gıda\, Ltd. Şti.;Satış`,
		`TITLE:Bölge Müdürü \\ Ege`,
		"TEL;TYPE=cell,pref:+905321234567",
		"item1.TEL;TYPE=work:+902165551212",
		"item1.X-ABLabel:muhasebe",
		"item2.TEL:+902524441122",
		"item2.X-ABLabel:yazlık",
		"EMAIL;TYPE=work:sukru@gokkusagi.com.tr",
		`ADR;TYPE=work:;;Moda Cad. No: 5\; D: 3;Kadıköy;İstanbul;34710;Türkiye`,
		"BDAY:1980-05-01",
		"URL:https://www.gokkusagi.com.tr",
		`CATEGORIES:Fuar\, 2025,VIP`,
		`NOTE:İlk satır\, virgüllü\; noktalı virgüllü.\nİkinci satır: ters `,
		` bölü \\ işareti.`,
		"END:VCARD",
	)
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
		if len(l) > foldAt || !utf8.ValidString(l) {
			t.Errorf("line %d is %d octets or cuts a letter: %q", i+1, len(l), l)
		}
	}
	got := decodeString(t, b.String())
	if len(got) != 1 || !reflect.DeepEqual(got[0], sukru()) {
		t.Errorf("read back:\n%#v\nwant\n%#v", got, sukru())
	}
}

// A long value folds every 75 octets, never inside a letter, and unfolds
// to itself.
func TestEncodeFoldsLongLines(t *testing.T) {
	c := Card{FN: "Uzun Not", Note: strings.Repeat("çğıöşü İĞÜŞÖÇ ", 40)}
	var b bytes.Buffer
	if err := Encode(&b, c); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > foldAt || !utf8.ValidString(l) {
			t.Errorf("%d octets or a cut letter: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 10 {
		t.Errorf("only %d continuation lines", folded)
	}
	if got := decodeString(t, b.String()); len(got) != 1 || got[0].Note != c.Note {
		t.Errorf("read back %q", got)
	}
}

func TestEncodeRefusesWhatWouldNotReadBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Card)
	}{
		{"no formatted name", func(c *Card) { c.FN = "" }},
		{"a carriage return", func(c *Card) { c.Note = "a\rb" }},
		{"a line break in a category", func(c *Card) { c.Categories = []string{"a\nb"} }},
		{"invalid UTF-8", func(c *Card) { c.Title = "\xff" }},
		{"an upper-case type", func(c *Card) { c.Tels[0].Types = []string{"CELL"} }},
		{"a type twice", func(c *Card) { c.Tels[0].Types = []string{"cell", "cell"} }},
		{"an empty number", func(c *Card) { c.Tels[0].Number = "" }},
		{"a number with space around it", func(c *Card) { c.Tels[0].Number = " +905321234567" }},
		{"a tel: URI", func(c *Card) { c.Tels[0].Number = "tel:+905321234567" }},
		{"a backslash in an address", func(c *Card) { c.Emails[0].Address = `a\b@c.com` }},
		{"an Apple label", func(c *Card) { c.Tels[1].Label = "_$!<Mobile>!$_" }},
		{"an empty address", func(c *Card) { c.Addresses = []Address{{Types: []string{"home"}}} }},
		{"an empty organisation", func(c *Card) { c.Org = []string{"", ""} }},
		{"a category twice", func(c *Card) { c.Categories = []string{"VIP", "VIP"} }},
		{"a category with space around it", func(c *Card) { c.Categories = []string{" VIP"} }},
		{"no such day", func(c *Card) { c.Birthday = "1980-02-30" }},
		{"a day written otherwise", func(c *Card) { c.Birthday = "19800501" }},
		{"an unknown kind", func(c *Card) { c.Kind = "group" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := sukru()
			tc.edit(&c)
			var b bytes.Buffer
			if err := Encode(&b, c); err == nil || b.Len() > 0 {
				t.Errorf("written (%v):\n%s", err, b.String())
			}
		})
	}
}

func TestBirthdays(t *testing.T) {
	for in, want := range map[string]string{
		"1985-04-15": "1985-04-15", "19850415": "1985-04-15", "1985-04-15T00:00:00Z": "1985-04-15", "19850415T120000": "1985-04-15",
		"--04-15": "--04-15", "--0415": "--04-15", "--0229": "--02-29", "--0230": "", "1985-02-29": "", "bilinmiyor": "", "": "",
	} {
		if got := normalBirthday(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
