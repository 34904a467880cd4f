package vcard

import (
	"reflect"
	"strings"
	"testing"
)

// table is Rows' answer as maps by header name, for readable tests.
func table(t *testing.T, cards []Card) []map[string]string {
	t.Helper()
	header, rows := Rows(cards)
	if strings.Join(header, ",") != "kind,first_name,last_name,title,email,phone,phones,province,district,address,postal_code,birth_date,website,notes,tags" {
		t.Fatalf("header %v", header)
	}
	var out []map[string]string
	for _, r := range rows {
		if len(r) != len(header) {
			t.Fatalf("a row of %d cells under %d headers", len(r), len(header))
		}
		m := map[string]string{}
		for i, h := range header {
			if r[i] != "" {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}

func TestRowsOfPhoneExports(t *testing.T) {
	var cards []Card
	for _, file := range []string{iphone, android, outlook, v4} {
		cards = append(cards, decodeString(t, file)...)
	}
	want := []map[string]string{
		{ // a person with her firm and job: those go to the notes
			"kind": "person", "first_name": "Ayşe Nur", "last_name": "Yılmaz", "email": "ayse.yilmaz@gmail.com",
			"phone": "+90 532 123 45 67", "phones": "iş: 0216 555 12 12; muhasebe: 0216 555 12 13",
			"province": "İstanbul", "district": "Kadıköy", "address": "Moda Cad. No: 5 D: 3", "postal_code": "34710",
			"website": "https://www.gokkusagi.com.tr", "tags": "Fuar 2025, VIP",
			"notes": "Fuarda tanıştık, bayramda aranacak.\nÇay sever; şekersiz.\nORG: Gökkuşağı Gıda Ltd. Şti., Satın Alma\nTITLE: Satın Alma Müdürü\nEMAIL: ayse@gokkusagi.com.tr",
		},
		{
			"kind": "company", "title": "Ufuk Lojistik A.Ş.", "email": "info@ufuklojistik.com.tr",
			"phone": "0232 444 12 34", "phones": "cep: 0532 765 43 21",
			"province": "İzmir", "district": "Çiğli", "address": "Atatürk Organize Sanayi Bölgesi 10001 Sok. No: 5", "postal_code": "35620",
		},
		{
			"kind": "person", "first_name": "Şükrü", "last_name": "Çelik", "email": "sukru.celik@hotmail.com",
			"phone": "05321234567", "phones": "ev: 02462221133; faks: 02462221134",
			"province": "Isparta", "district": "Eğirdir", "address": "Yeni Mah. Göl Sok. No: 3", "postal_code": "32500",
			"birth_date": "1980-05-01", "notes": "Uzun bir not: Android bunu böler ve satır sonuna eşittir koyar.",
		},
		{
			"kind": "person", "first_name": "Şükrü", "last_name": "Çağlar", "email": "sukru@izmirbasak.com.tr",
			"phone": "(0232) 555 66 77", "notes": "ORG: İzmir Başak A.Ş.",
		},
		{ // a birthday without a year has no field to go to
			"kind": "company", "title": "Başak Yazılım A.Ş.", "email": "iletisim@basakyazilim.com.tr", "phone": "+90-312-555-1212",
			"province": "Ankara", "district": "Çankaya", "address": "Atatürk Blv. No:5", "postal_code": "06420",
			"website": "https://basakyazilim.com.tr", "notes": "Bayi",
		},
	}
	got := table(t, cards)
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestRowsEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		card Card
		want map[string]string
	}{
		{"a formatted name only: the last word is the surname", Card{FN: "Ali Veli Demir"},
			map[string]string{"kind": "person", "first_name": "Ali Veli", "last_name": "Demir"}},
		{"one word", Card{FN: "Cem"}, map[string]string{"kind": "person", "first_name": "Cem"}},
		{"an organisation without a person's name is a company", Card{FN: "Ege Halı", Org: []string{"Ege Halı", "Muhasebe"}},
			map[string]string{"kind": "company", "title": "Ege Halı", "notes": "ORG: Ege Halı, Muhasebe"}},
		{"a person at an organisation stays a person", Card{FN: "Ali Demir", Org: []string{"Ege Halı"}},
			map[string]string{"kind": "person", "first_name": "Ali", "last_name": "Demir", "notes": "ORG: Ege Halı"}},
		{"a town that is a province", Card{FN: "Ali Demir", Addresses: []Address{{Locality: "Isparta", PostalCode: "32100"}}},
			map[string]string{"kind": "person", "first_name": "Ali", "last_name": "Demir", "province": "Isparta", "postal_code": "32100"}},
		{"street, flat and post box in one address", Card{FN: "Ali Demir", Addresses: []Address{{Street: "Göl Sok. 3\nEğirdir", Extended: "D: 4", POBox: "PK 12"}}},
			map[string]string{"kind": "person", "first_name": "Ali", "last_name": "Demir", "address": "Göl Sok. 3, Eğirdir, D: 4, PK 12"}},
		{"the preferred address and e-mail", Card{FN: "Ali Demir",
			Addresses: []Address{{Region: "Ankara"}, {Types: []string{"pref"}, Region: "İzmir"}},
			Emails:    []Email{{Address: "a@x.com"}, {Types: []string{"pref"}, Address: "b@x.com"}}},
			map[string]string{"kind": "person", "first_name": "Ali", "last_name": "Demir", "province": "İzmir", "email": "b@x.com", "notes": "EMAIL: a@x.com"}},
		{"a person's mobile before the first number; labels without list marks", Card{FN: "Ali Demir", Tels: []Tel{
			{Types: []string{"home"}, Number: "0246 222 11 33"}, {Types: []string{"cell"}, Number: "0532 111 22 33"}, {Label: "yazlık: Bodrum; eski", Number: "0252 444 11 22"}, {Number: "0212 555 00 00"}}},
			map[string]string{"kind": "person", "first_name": "Ali", "last_name": "Demir", "phone": "0532 111 22 33",
				"phones": "ev: 0246 222 11 33; yazlık  Bodrum  eski: 0252 444 11 22; 0212 555 00 00"}},
		{"a company's work number first; more web sites to the notes", Card{Kind: "org", FN: "Ege Halı", Tels: []Tel{
			{Types: []string{"cell"}, Number: "0532 111 22 33"}, {Types: []string{"work"}, Number: "0232 555 00 00"}}, URLs: []string{"https://a.com.tr", "https://b.com.tr"}},
			map[string]string{"kind": "company", "title": "Ege Halı", "phone": "0232 555 00 00", "phones": "cep: 0532 111 22 33",
				"website": "https://a.com.tr", "notes": "URL: https://b.com.tr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := table(t, []Card{tc.card})[0]
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	if _, rows := Rows(nil); rows != nil {
		t.Errorf("rows of no cards: %v", rows)
	}
}
