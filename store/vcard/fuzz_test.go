package vcard

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// roundTrip fails the test unless a card that Check accepts is written
// and read back unchanged, alone in its file.
func roundTrip(t *testing.T, c Card) {
	t.Helper()
	if c.Check() != nil {
		return
	}
	var b bytes.Buffer
	if err := Encode(&b, c); err != nil {
		t.Fatalf("Check accepts the card, Encode refuses it: %v", err)
	}
	got, err := Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("decode what Encode wrote: %v\n%s", err, b.String())
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], c) {
		t.Fatalf("read back\n%#v\nwant\n%#v\nfrom\n%s", got, c, b.String())
	}
}

// FuzzDecode: no input makes Decode panic or Rows misshape a row, and
// every card it reads that could be written reads back the same.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{iphone, android, outlook, v4, "BEGIN:VCARD\nFN:a\nEND:VCARD\n", "BEGIN:VCARD\r\nNOTE;QUOTED-PRINTABLE:a=\r\n=C3=A7\r\nEND:VCARD"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		header, rows := Rows(cards)
		if len(rows) != len(cards) {
			t.Fatalf("%d rows of %d cards", len(rows), len(cards))
		}
		for _, r := range rows {
			if len(r) != len(header) {
				t.Fatalf("a row of %d cells under %d headers", len(r), len(header))
			}
		}
		for _, c := range cards {
			roundTrip(t, c)
		}
	})
}

// FuzzRoundTrip: a card made of any texts that Check accepts reads back
// as it was written: escapes, folds inside letters, labels, types.
func FuzzRoundTrip(f *testing.F) {
	f.Add("Şükrü Çağlar", "Çağlar", "Şükrü", "not; bir, iki\\üç\nson", "Gökkuşağı;Satış", "+905321234567", "muhasebe", "cell,pref", "a@b.com.tr", "VIP,Fuar", "1980-05-01", true)
	f.Add("x", "", "", "", "", "", "", "", "", "", "--02-29", false)
	f.Fuzz(func(t *testing.T, fn, family, given, note, org, tel, label, types, email, cats, bday string, company bool) {
		c := Card{FN: fn, Name: Name{Family: family, Given: given}, Note: note, Birthday: bday}
		if company {
			c.Kind = "org"
		}
		if org != "" {
			c.Org = strings.Split(org, ";")
		}
		if tel != "" {
			tl := Tel{Label: label, Number: tel}
			if types != "" {
				tl.Types = strings.Split(types, ",")
			}
			c.Tels = []Tel{tl, {Number: tel}}
		}
		if email != "" {
			c.Emails = []Email{{Address: email}}
			c.URLs = []string{email}
			c.Addresses = []Address{{Street: note, Region: given, Country: family, PostalCode: label}}
		}
		if cats != "" {
			c.Categories = strings.Split(cats, ",")
		}
		c.Title = label
		roundTrip(t, c)
	})
}
