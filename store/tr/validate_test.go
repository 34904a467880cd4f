package tr

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"testing"
)

type validCase struct {
	in   string
	want string // "" means invalid
}

func runValidator(t *testing.T, name string, f func(string) (string, bool), cases []validCase) {
	t.Helper()
	for _, c := range cases {
		got, ok := f(c.in)
		if wantOK := c.want != ""; ok != wantOK || got != c.want {
			t.Errorf("%s(%q) = %q, %v; want %q, %v", name, c.in, got, ok, c.want, wantOK)
		}
	}
}

func TestTCKN(t *testing.T) {
	runValidator(t, "TCKN", TCKN, []validCase{
		// DOMAIN.md test values.
		{"10000000146", "10000000146"},
		{"28765432164", "28765432164"},
		{"19090909018", "19090909018"}, // negative intermediate for d10
		{"10000000147", ""},
		{"01234567890", ""},
		// Shape.
		{" 10000000146\t", "10000000146"},
		{"1000000014", ""},
		{"100000001460", ""},
		{"1000000014a", ""},
		{"1000 0000146", ""},
		{"", ""},
		{"10000000136", ""}, // d10 wrong, d11 consistent with it
	})
}

func TestVKN(t *testing.T) {
	runValidator(t, "VKN", VKN, []validCase{
		{"4540536920", "4540536920"},
		{"9876543217", "9876543217"},
		{"4540536921", ""},
		{"454053692", ""},
		{" 4540536920 ", "4540536920"},
		{"45405369200", ""},
		{"454053692x", ""},
		{"", ""},
	})
}

func TestIBAN(t *testing.T) {
	runValidator(t, "IBAN", IBAN, []validCase{
		{"TR330006100519786457841326", "TR330006100519786457841326"},
		{"TR840001000000012345678901", "TR840001000000012345678901"},
		{"TR340006100519786457841326", ""},
		{"TR33000610051978645784132", ""},
		// Printed and hand-typed forms.
		{"TR33 0006 1005 1978 6457 8413 26", "TR330006100519786457841326"},
		{"tr33 0006 1005 1978 6457 8413 26", "TR330006100519786457841326"},
		{"  TR330006100519786457841326\n", "TR330006100519786457841326"},
		{"TR3300061005197864578413260", ""},
		{"DE89370400440532013000", ""},           // valid German IBAN, not TR
		{"TR330006110519786457841326", ""},       // reserve digit not 0
		{"TR33-0006-1005-1978-6457-8413-26", ""}, // dashes are not IBAN print form
		{"TR33000610051978645784132İ", ""},
		{"", ""},
	})
}

func TestPhone(t *testing.T) {
	runValidator(t, "Phone", Phone, []validCase{
		{"0532 123 45 67", "+905321234567"},
		{"+90 (532) 123-45-67", "+905321234567"},
		{"5321234567", "+905321234567"},
		{"90 532 123 45 67", "+905321234567"},
		{"0090 532 123 45 67", "+905321234567"},
		{"+905321234567", "+905321234567"},
		{"(0532) 123.45.67", "+905321234567"},
		{"(+90) 532 123 45 67", "+905321234567"},
		{"+90 (0532) 123 45 67", "+905321234567"},
		{"0212 555 12 34", "+902125551234"},
		{"(216) 555 12 34", "+902165551234"},
		{"0312 555 12 34", "+903125551234"},
		{"0232/555 12 34", "+902325551234"},
		{"0462 555 12 34", "+904625551234"},
		{"0850 222 12 34", "+908502221234"},
		{"0800 211 00 00", "+908002110000"},
		{"444 12 34", "+904441234"},
		{"4441234", "+904441234"},
		{"0444 1 234", "+904441234"},
		{"+90 444 12 34", "+904441234"},
		{"\u00a00532\u00a0123\u00a045\u00a067 ", "+905321234567"},
		// Invalid.
		{"+90 123 456 78 90", ""},
		{"0532 123 456", ""},
		{"", ""},
		{"abc", ""},
		{"0532 123 45 6a", ""},
		{"0532 123 45 67 ext 12", ""},
		{"+1 212 555 1234", ""},
		{"+44 20 7946 0958", ""},
		{"0632 123 45 67", ""},
		{"0932 123 45 67", ""},
		{"1234567", ""},
		{"444 123 45 67", ""},
		{"0532 + 123 45 67", ""},
		{"++905321234567", ""},
		{"905321234567890123", ""},
	})
}

func TestPhoneIsMobileAndFormat(t *testing.T) {
	for _, c := range []struct {
		in     string
		mobile bool
		shown  string
	}{
		{"+905321234567", true, "0532 123 45 67"},
		{"0532 123 45 67", true, "0532 123 45 67"},
		{"+902125551234", false, "0212 555 12 34"},
		{"+908502221234", false, "0850 222 12 34"},
		{"+904441234", false, "444 12 34"},
		{"not a phone", false, "not a phone"},
		{"", false, ""},
	} {
		if got := PhoneIsMobile(c.in); got != c.mobile {
			t.Errorf("PhoneIsMobile(%q) = %v, want %v", c.in, got, c.mobile)
		}
		if got := FormatPhone(c.in); got != c.shown {
			t.Errorf("FormatPhone(%q) = %q, want %q", c.in, got, c.shown)
		}
	}
}

func TestPostalCode(t *testing.T) {
	runValidator(t, "PostalCode", PostalCode, []validCase{
		{"34710", "34710"},
		{"06100", "06100"},
		{"81000", "81000"},
		{"01000", "01000"},
		{" 34710 ", "34710"},
		{"00100", ""},
		{"82000", ""},
		{"3471", ""},
		{"347100", ""},
		{"3471a", ""},
		{"", ""},
	})
}

func TestPlate(t *testing.T) {
	runValidator(t, "Plate", Plate, []validCase{
		{"34 A 1234", "34 A 1234"},
		{"34 AB 123", "34 AB 123"},
		{"34 AB 1234", "34 AB 1234"},
		{"34 ABC 12", "34 ABC 12"},
		{"34 ABC 123", "34 ABC 123"},
		{"34abc123", "34 ABC 123"},
		{" 06  gh 1693 ", "06 GH 1693"},
		{"81 Z 0001", "81 Z 0001"},
		{"01 ı 1234", "01 I 1234"}, // Turkish keyboard lower-case I
		{"01 i 1234", "01 I 1234"},
		{"01 İ 1234", "01 I 1234"},
		// Invalid.
		{"00 A 1234", ""},
		{"82 AB 123", ""},
		{"34 1234", ""},
		{"34 ABCD 12", ""},
		{"34 A 123", ""},
		{"34 A 12345", ""}, // police series
		{"34 AB 12", ""},
		{"34 AB 12345", ""},
		{"34 ABC 1", ""},
		{"34 ABC 1234", ""},
		{"34 ÇA 123", ""},
		{"34 ŞA 123", ""},
		{"34 QA 123", ""},
		{"34 WX 123", ""},
		{"4 AB 123", ""},
		{"034 AB 123", ""},
		{"34 AB 123 C", ""},
		{"34-AB-123", ""},
		{"", ""},
	})
}

func TestEmail(t *testing.T) {
	runValidator(t, "Email", Email, []validCase{
		{"ali@example.com", "ali@example.com"},
		{"  Ali.Veli@Example.COM.TR ", "Ali.Veli@example.com.tr"},
		{"a+tag@sub.example.org", "a+tag@sub.example.org"},
		{"kobi@ŞİRKET.com", "kobi@şirket.com"},
		{"kobi@BILGI.COM.TR", "kobi@bilgi.com.tr"}, // I→i, not the Turkish I→ı
		{"", ""},
		{"ali", ""},
		{"@example.com", ""},
		{"ali@", ""},
		{"ali@example", ""},
		{"ali@@example.com", ""},
		{"ali@veli@example.com", ""},
		{"ali veli@example.com", ""},
		{"ali@exa mple.com", ""},
		{"Ali <ali@example.com>", ""},
		{`"ali veli"@example.com`, ""},
		{"ali..veli@example.com", ""},
		{".ali@example.com", ""},
		{"ali@example..com", ""},
		{"ali@.example.com", ""},
		{"ali@-example.com", ""},
		{"ali@example.com.", ""},
		{"ali@192.168.1.1", ""},
		{"ali@[192.168.1.1]", ""},
		{strings.Repeat("a", 65) + "@example.com", ""},
		{"a@" + strings.Repeat("b", 250) + ".com", ""},
	})
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"isparta", "isparta"},
		{"ISPARTA", "isparta"},
		{"Isparta", "isparta"},
		{"ısparta", "isparta"},
		{"İsparta", "isparta"},
		{"İstanbul", "istanbul"},
		{"ISTANBUL", "istanbul"},
		{"Iğdır", "igdir"},
		{"IĞDIR", "igdir"},
		{"igdir", "igdir"},
		{"Çiçekçi", "cicekci"},
		{"IŞIK", "isik"},
		{"ışık", "isik"},
		{"ÇĞİÖŞÜ çğıöşü", "cgiosu cgiosu"},
		{"Hakkâri", "hakkari"},
		{"Ic\u0327el", "icel"},             // decomposed ç
		{"I\u0307stanbul", "istanbul"},     // decomposed İ
		{"  Ali \t\n  Veli  ", "ali veli"}, // white space collapsed
		{"Ali\u00a0Veli", "ali veli"},
		{"", ""},
		{"   ", ""},
		{"a\xffb", "a\ufffdb"}, // invalid UTF-8 never survives
	} {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLowerUpper(t *testing.T) {
	for _, c := range []struct{ in, lower, upper string }{
		{"Isparta", "ısparta", "ISPARTA"},
		{"istanbul", "istanbul", "İSTANBUL"},
		{"IĞDIR", "ığdır", "IĞDIR"},
		{"Çiçekçi", "çiçekçi", "ÇİÇEKÇİ"},
		{"ışık", "ışık", "IŞIK"},
	} {
		if got := Lower(c.in); got != c.lower {
			t.Errorf("Lower(%q) = %q, want %q", c.in, got, c.lower)
		}
		if got := Upper(c.in); got != c.upper {
			t.Errorf("Upper(%q) = %q, want %q", c.in, got, c.upper)
		}
	}
}

func TestCompare(t *testing.T) {
	// Each pair must sort strictly in this order.
	for _, p := range [][2]string{
		{"c", "ç"}, {"ç", "d"}, {"Cem", "Çelik"}, {"Çelik", "Demir"},
		{"g", "ğ"}, {"ğ", "h"},
		{"ı", "i"}, {"Işık", "İnci"}, {"ılık", "iğne"},
		{"o", "ö"}, {"ö", "p"}, {"Ozan", "Özlem"},
		{"s", "ş"}, {"ş", "t"}, {"Sarı", "Şahin"},
		{"u", "ü"}, {"ü", "v"}, {"Uğur", "Ümit"},
		{"Çağla", "Zeynep"}, // byte order would put Ç after Z
	} {
		a, b := p[0], p[1]
		if got := Compare(a, b); got != -1 {
			t.Errorf("Compare(%q, %q) = %d, want -1", a, b, got)
		}
		if got := Compare(b, a); got != 1 {
			t.Errorf("Compare(%q, %q) = %d, want 1", b, a, got)
		}
		if got := bytes.Compare(SortKey(a), SortKey(b)); got != -1 {
			t.Errorf("SortKey(%q) vs SortKey(%q) = %d, want -1", a, b, got)
		}
	}
	if got := Compare("İstanbul", "İstanbul"); got != 0 {
		t.Errorf("Compare equal = %d", got)
	}

	names := []string{"Şahin", "Zeki", "Çelik", "Ünal", "Işık", "İnce", "Öz", "Can", "Ilgaz", "Uçar", "Oral", "Sarp", "Demir", "Ğ"}
	want := []string{"Can", "Çelik", "Demir", "Ğ", "Ilgaz", "Işık", "İnce", "Oral", "Öz", "Sarp", "Şahin", "Uçar", "Ünal", "Zeki"}
	sort.Slice(names, func(i, j int) bool { return Compare(names[i], names[j]) < 0 })
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("sorted = %v\nwant     %v", names, want)
	}
}

// TestConcurrent runs the pooled casers and collators from many goroutines;
// under -race it catches any sharing of their internal state.
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				s := []string{"IĞDIR", "İstanbul", "Çiçekçi", "ışık"}[(g+i)%4]
				if Fold(s) == "" || Lower(s) == "" || Upper(s) == "" {
					t.Error("empty result")
					return
				}
				if Compare(s, s) != 0 || len(SortKey(s)) == 0 {
					t.Error("collator result")
					return
				}
			}
		}()
	}
	wg.Wait()
}
