package tr

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check properties that must hold for every input: no
// panic, and any value a validator accepts is already in normal form, so
// validating it again returns it unchanged. Stored data can then be
// re-validated at any time without drifting.

func FuzzTCKN(f *testing.F) {
	for _, s := range []string{"10000000146", "28765432164", "19090909018", "10000000147", "01234567890", " 10000000146 ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := TCKN(s)
		if !ok {
			if out != "" {
				t.Fatalf("TCKN(%q) = %q with ok=false", s, out)
			}
			return
		}
		if len(out) != 11 || !allDigits(out) || out[0] == '0' {
			t.Fatalf("TCKN(%q) = %q: not 11 digits", s, out)
		}
		if again, ok := TCKN(out); !ok || again != out {
			t.Fatalf("TCKN(%q) = %q, %v; not idempotent", out, again, ok)
		}
	})
}

func FuzzVKN(f *testing.F) {
	for _, s := range []string{"4540536920", "9876543217", "4540536921", "454053692", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := VKN(s)
		if !ok {
			return
		}
		if len(out) != 10 || !allDigits(out) {
			t.Fatalf("VKN(%q) = %q: not 10 digits", s, out)
		}
		if again, ok := VKN(out); !ok || again != out {
			t.Fatalf("VKN(%q) = %q, %v; not idempotent", out, again, ok)
		}
	})
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{
		"TR330006100519786457841326", "TR840001000000012345678901",
		"TR340006100519786457841326", "TR33000610051978645784132",
		"tr33 0006 1005 1978 6457 8413 26", "TR33000610051978645784132A",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := IBAN(s)
		if !ok {
			return
		}
		if len(out) != 26 || !strings.HasPrefix(out, "TR") {
			t.Fatalf("IBAN(%q) = %q", s, out)
		}
		if again, ok := IBAN(out); !ok || again != out {
			t.Fatalf("IBAN(%q) = %q, %v; not idempotent", out, again, ok)
		}
		// The printed form (groups of four, any case) must read back.
		var b strings.Builder
		for i := 0; i < len(out); i += 4 {
			b.WriteString(strings.ToLower(out[i:min(i+4, len(out))]) + " ")
		}
		if again, ok := IBAN(b.String()); !ok || again != out {
			t.Fatalf("IBAN(%q) = %q, %v; want %q", b.String(), again, ok, out)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{
		"0532 123 45 67", "+90 (532) 123-45-67", "5321234567", "90 532 123 45 67",
		"0090 532 123 45 67", "444 12 34", "+90 123 456 78 90", "0532 123 456", "",
		"+90 (0532) 123 45 67", "0444 1234",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Phone(s)
		mobile := PhoneIsMobile(s)
		shown := FormatPhone(s)
		if !ok {
			if mobile || shown != s {
				t.Fatalf("invalid %q: mobile=%v shown=%q", s, mobile, shown)
			}
			return
		}
		if !strings.HasPrefix(out, "+90") || (len(out) != 13 && len(out) != 10) || !allDigits(out[1:]) {
			t.Fatalf("Phone(%q) = %q: not E.164", s, out)
		}
		if again, ok := Phone(out); !ok || again != out {
			t.Fatalf("Phone(%q) = %q, %v; not idempotent", out, again, ok)
		}
		// What we show a user must be accepted back as the same number.
		if again, ok := Phone(shown); !ok || again != out {
			t.Fatalf("Phone(FormatPhone(%q)) = Phone(%q) = %q, %v", out, shown, again, ok)
		}
		if mobile != (out[3] == '5') {
			t.Fatalf("PhoneIsMobile(%q) = %v for %q", s, mobile, out)
		}
	})
}

func FuzzPlate(f *testing.F) {
	for _, s := range []string{"34 A 1234", "34 AB 123", "34 AB 1234", "34 ABC 12", "34abc123", "00 A 1234", "82 AB 123", "34 1234", "34 ABCD 12", "06 ığ 123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Plate(s)
		if !ok {
			return
		}
		if again, ok := Plate(out); !ok || again != out {
			t.Fatalf("Plate(%q) = %q, %v; not idempotent", out, again, ok)
		}
		compact := strings.ReplaceAll(out, " ", "")
		if again, ok := Plate(strings.ToLower(compact)); !ok || again != out {
			t.Fatalf("Plate(%q) = %q, %v; want %q", strings.ToLower(compact), again, ok, out)
		}
		if len(compact) < 7 || len(compact) > 8 || strings.Count(out, " ") != 2 {
			t.Fatalf("Plate(%q) = %q: bad shape", s, out)
		}
	})
}

func FuzzPostalCode(f *testing.F) {
	for _, s := range []string{"34710", "06100", "00100", "82000", "3471", " 81999 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := PostalCode(s)
		if !ok {
			return
		}
		if again, ok := PostalCode(out); !ok || again != out {
			t.Fatalf("PostalCode(%q) = %q, %v; not idempotent", out, again, ok)
		}
		code := int(out[0]-'0')*10 + int(out[1]-'0')
		if _, ok := ProvinceByCode(code); !ok {
			t.Fatalf("PostalCode(%q) = %q: no province %d", s, out, code)
		}
	})
}

func FuzzEmail(f *testing.F) {
	for _, s := range []string{"ali@example.com", " Ali@EXAMPLE.com ", "kobi@ŞİRKET.com", "a@b", "Ali <ali@x.com>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Email(s)
		if !ok {
			return
		}
		if again, ok := Email(out); !ok || again != out {
			t.Fatalf("Email(%q) = %q, %v; not idempotent", out, again, ok)
		}
	})
}

// turkishAlphabet is the alphabet for the case-insensitivity property. It
// holds for Turkish and ASCII letters, but not for all of Unicode: Upper
// maps ß to SS and ŉ to ʼN, which no lower-casing undoes.
const turkishAlphabet = "abcçdefgğhıijklmnoöpqrsştuüvwxyzABCÇDEFGĞHIİJKLMNOÖPQRSŞTUÜVWXYZ0123456789 .-'"

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"isparta", "ISPARTA", "Isparta", "ısparta", "İsparta", "İstanbul", "ISTANBUL",
		"Iğdır", "IĞDIR", "igdir", "Çiçekçi", "  a \t b ", "I\u0307", "a\xffb", "ΣΑΣ ς",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Fold(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, k)
		}
		if kk := Fold(k); kk != k {
			t.Fatalf("Fold not idempotent: Fold(%q) = %q, Fold of that = %q", s, k, kk)
		}
		if strings.TrimSpace(k) != k || strings.Contains(k, "  ") {
			t.Fatalf("Fold(%q) = %q: white space not collapsed", s, k)
		}
		if strings.ContainsRune(k, 'ı') {
			t.Fatalf("Fold(%q) = %q: contains ı", s, k)
		}
		// Lower-casing first changes nothing, since Fold lower-cases.
		if kl := Fold(Lower(s)); kl != k {
			t.Fatalf("Fold(Lower(%q)) = %q, Fold = %q", s, kl, k)
		}
		// The ASCII fast path must agree with the general path.
		if isASCII(s) {
			if slow := foldUnicode(s); slow != k {
				t.Fatalf("Fold(%q): fast path %q, general path %q", s, k, slow)
			}
		}
		// Case-insensitivity over Turkish text: project s onto the
		// Turkish alphabet, then every casing must fold alike.
		tr := projectTurkish(s)
		want := Fold(tr)
		for _, v := range []string{Upper(tr), Lower(tr), strings.ToUpper(tr), strings.ToLower(tr)} {
			if got := Fold(v); got != want {
				t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", v, got, tr, want)
			}
		}
	})
}

// projectTurkish maps each rune of s onto turkishAlphabet, so that any
// fuzz input yields a Turkish-looking string.
func projectTurkish(s string) string {
	alpha := []rune(turkishAlphabet)
	var b strings.Builder
	for _, r := range s {
		if r < 0 {
			r = -r
		}
		b.WriteRune(alpha[int(r)%len(alpha)])
	}
	return b.String()
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1.234,56", "1234,5", "1234.56", "1.234", "-0,05 ₺", "₺1.234,56", "1,234.56", "12,345", ""} {
		f.Add(s, int64(123456))
	}
	f.Add("", int64(-9223372036854775808))
	f.Add("", int64(9223372036854775807))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if v, ok := ParseMoney(s); ok {
			if again, ok := ParseMoney(Money(v)); !ok || again != v {
				t.Fatalf("ParseMoney(%q) = %d, but Money of it %q reads as %d, %v", s, v, Money(v), again, ok)
			}
		}
		shown := Money(n)
		plain := strings.TrimSuffix(shown, " ₺")
		for _, in := range []string{plain, shown} {
			if v, ok := ParseMoney(in); !ok || v != n {
				t.Fatalf("ParseMoney(%q) = %d, %v; want %d", in, v, ok, n)
			}
		}
	})
}
