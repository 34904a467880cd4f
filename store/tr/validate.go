package tr

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The validators share one shape: X(s) returns the value in the one form
// the database stores, and whether s was valid. On failure the returned
// string is "" so a caller cannot store half-cleaned input by mistake.
// Each accepts what users commonly type or paste and rejects anything it
// would have to guess at. Every normalised value re-validates to itself.

// TCKN checks a Turkish national identity number (T.C. Kimlik No): 11
// digits, the first not 0, and two check digits (DOMAIN.md, "Checks").
// Surrounding white space is ignored.
func TCKN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 11 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	var d [11]int
	for i := range d {
		d[i] = int(s[i] - '0')
	}
	odd := d[0] + d[2] + d[4] + d[6] + d[8]
	even := d[1] + d[3] + d[5] + d[7]
	// The intermediate can be negative (19090909018: 1·7 − 36 = −29), and
	// Go's % keeps the sign of the dividend, so take the non-negative
	// remainder explicitly.
	d10 := ((odd*7-even)%10 + 10) % 10
	if d[9] != d10 {
		return "", false
	}
	sum := 0
	for _, v := range d[:10] {
		sum += v
	}
	if d[10] != sum%10 {
		return "", false
	}
	return s, true
}

// VKN checks a Turkish tax identity number (Vergi Kimlik No): 10 digits, the
// last a check digit over the first nine (DOMAIN.md, "Checks"). Surrounding
// white space is ignored. Sole traders are taxed under their TCKN instead;
// callers that accept either should try both.
func VKN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 10 || !allDigits(s) {
		return "", false
	}
	sum := 0
	for i := 1; i <= 9; i++ {
		c := (int(s[i-1]-'0') + 10 - i) % 10
		if c == 0 {
			continue
		}
		p := (c << (10 - i)) % 9
		if p == 0 {
			p = 9
		}
		sum += p
	}
	if int(s[9]-'0') != (10-sum%10)%10 {
		return "", false
	}
	return s, true
}

// IBAN checks a Turkish IBAN: "TR", two check digits, a 5-digit bank code,
// a reserve digit 0 and a 16-character account number, 26 characters in
// all, with the ISO 13616 mod-97 check. IBANs are printed in groups of four
// and often typed in lower case, so white space is dropped and ASCII letters
// upper-cased; the result is the 26-character electronic form.
func IBAN(s string) (string, bool) {
	var b [26]byte
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case n == len(b):
			return "", false
		case '0' <= r && r <= '9', 'A' <= r && r <= 'Z':
			b[n] = byte(r)
		case 'a' <= r && r <= 'z':
			b[n] = byte(r) - 'a' + 'A'
		default:
			return "", false
		}
		n++
	}
	if n != len(b) || b[0] != 'T' || b[1] != 'R' {
		return "", false
	}
	// Check digits, bank code and reserve digit are numeric; the account
	// part may in principle hold letters (BBAN format 5n,1n,16c).
	if !allDigits(string(b[2:10])) || b[9] != '0' {
		return "", false
	}
	// Move the first four characters to the end and read letters as
	// 10..35. The number has 30 digits, too many for an int64, but
	// (10·r + d) mod 97 can be carried one digit at a time, and the
	// remainder of the whole is the remainder of that running value.
	rem := 0
	add := func(c byte) {
		if c >= 'A' {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
			return
		}
		rem = (rem*10 + int(c-'0')) % 97
	}
	for _, c := range b[4:] {
		add(c)
	}
	for _, c := range b[:4] {
		add(c)
	}
	if rem != 1 {
		return "", false
	}
	return string(b[:]), true
}

// Phone normalises a Turkish phone number to E.164, the form the database
// and İYS use: "+905321234567". It accepts what people write on forms and
// business cards: "0532 123 45 67", "+90 (532) 123-45-67", "5321234567",
// "90 532 123 45 67", "0090 532 ...", with spaces, dots, dashes, slashes and
// parentheses as separators, and the 7-digit nationwide service numbers
// "444 12 34" (stored as "+904441234").
//
// The 10-digit national number must start with 2, 3 or 4 (landlines), 5
// (mobiles) or 8 (850, 800 and other non-geographic numbers). Numbers from
// other countries are rejected: this CRM serves Turkish customers, and a
// foreign number needs a human look rather than a guess.
func Phone(s string) (string, bool) {
	var d [16]byte
	n := 0
	plus := false
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			if n == len(d) {
				return "", false
			}
			d[n] = byte(r)
			n++
		case r == '+':
			// Once, before any digit: "+90 ..." or "(+90) ...".
			if n > 0 || plus {
				return "", false
			}
			plus = true
		case r == ' ', r == '.', r == '-', r == '/', r == '(', r == ')', unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	digits := string(d[:n])

	// Strip the international prefix if present. After "+90" or "0090" a
	// stray trunk 0 ("+90 (0532) ...") is common and harmless to drop.
	international := false
	switch {
	case plus:
		if !strings.HasPrefix(digits, "90") {
			return "", false
		}
		digits, international = digits[2:], true
	case strings.HasPrefix(digits, "0090"):
		digits, international = digits[4:], true
	case len(digits) == 12 && strings.HasPrefix(digits, "90"):
		// "90 532 ...": unambiguous, since no national number starts with 9.
		digits, international = digits[2:], true
	}
	if international && len(digits) == 11 && digits[0] == '0' {
		digits = digits[1:]
	}
	if !international && len(digits) == 11 && digits[0] == '0' {
		digits = digits[1:] // trunk prefix: 0532...
	}
	// Service numbers are dialled without area code or trunk 0, but are
	// sometimes printed as "0444 ...".
	if !international && len(digits) == 8 && strings.HasPrefix(digits, "0444") {
		digits = digits[1:]
	}

	switch len(digits) {
	case 7:
		if strings.HasPrefix(digits, "444") {
			return "+90" + digits, true
		}
	case 10:
		// 444 is not an area code; "444 xxx xx xx" is a typo.
		if strings.ContainsRune("23458", rune(digits[0])) && !strings.HasPrefix(digits, "444") {
			return "+90" + digits, true
		}
	}
	return "", false
}

// PhoneIsMobile reports whether a phone number (any form Phone accepts) is
// a Turkish mobile number, which is what SMS campaigns and the İYS MESAJ
// channel need.
func PhoneIsMobile(e164 string) bool {
	p, ok := Phone(e164)
	return ok && len(p) == 13 && p[3] == '5'
}

// FormatPhone shows a phone number the way Turkish users write it:
// "0532 123 45 67", and service numbers as "444 12 34". Input Phone does not
// accept is returned unchanged, so a bad stored value is still visible
// rather than blank.
func FormatPhone(e164 string) string {
	p, ok := Phone(e164)
	if !ok {
		return e164
	}
	n := p[3:]
	if len(n) == 7 {
		return n[:3] + " " + n[3:5] + " " + n[5:]
	}
	return "0" + n[:3] + " " + n[3:6] + " " + n[6:8] + " " + n[8:]
}

// PostalCode checks a Turkish postal code: 5 digits whose first two are a
// province plate code 01–81. Surrounding white space is ignored.
func PostalCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 5 || !allDigits(s) {
		return "", false
	}
	if p := int(s[0]-'0')*10 + int(s[1]-'0'); p < 1 || p > 81 {
		return "", false
	}
	return s, true
}

// plateLetters are the letters used on Turkish plates: the Turkish alphabet
// without Ç, Ğ, İ, Ö, Ş, Ü. Q, W and X are not Turkish letters and are not
// issued either.
const plateLetters = "ABCDEFGHIJKLMNOPRSTUVYZ"

// Plate checks a Turkish civil licence plate and returns it in the printed
// form "34 ABC 123": a province code 01–81, then 1 letter and 4 digits, 2
// letters and 3 or 4 digits, or 3 letters and 2 or 3 digits. Case and white
// space do not matter ("34abc123"). Police (99 A 99999) and special series
// (diplomatic, government, temporary) are not civil plates and are rejected.
//
// Because Turkish keyboards type i and ı as different keys, both, and İ, are
// read as the plate letter I (plates have no İ).
func Plate(s string) (string, bool) {
	var code, letters, digits []byte
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		switch {
		case '0' <= r && r <= '9':
			switch {
			case len(letters) == 0 && len(code) < 2:
				code = append(code, byte(r))
			case len(letters) > 0 && len(digits) < 4:
				digits = append(digits, byte(r))
			default:
				return "", false
			}
			continue
		case r == 'i' || r == 'ı' || r == 'İ':
			r = 'I'
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		if r >= utf8.RuneSelf || !strings.ContainsRune(plateLetters, r) ||
			len(code) != 2 || len(digits) > 0 || len(letters) == 3 {
			return "", false
		}
		letters = append(letters, byte(r))
	}
	if len(code) != 2 {
		return "", false
	}
	if p := int(code[0]-'0')*10 + int(code[1]-'0'); p < 1 || p > 81 {
		return "", false
	}
	ok := false
	switch len(letters) {
	case 1:
		ok = len(digits) == 4
	case 2:
		ok = len(digits) == 3 || len(digits) == 4
	case 3:
		ok = len(digits) == 2 || len(digits) == 3
	}
	if !ok {
		return "", false
	}
	return string(code) + " " + string(letters) + " " + string(digits), true
}

// Email checks an e-mail address with practical rules rather than all of
// RFC 5322: one @, a non-empty local part of at most 64 bytes, a domain
// with at least two non-empty labels, no white space, at most 254 bytes,
// and nothing net/mail rejects. Display names ("Ali <ali@x.com>"), quoted
// local parts and IP literals are rejected: they are legal but never what a
// customer means to give us, and İYS expects a plain address.
//
// The domain is lower-cased (domains are case-insensitive) with Go's
// Unicode simple case mapping, not the Turkish one, because DNS is not
// locale-aware: "BILGI.COM.TR" must become "bilgi.com.tr", not
// "bılgı.com.tr", while "ŞİRKET.COM" still becomes "şirket.com". The local
// part keeps its case: it belongs to the receiving server, which may treat
// it as case-sensitive.
func Email(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 254 || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || at > 64 {
		return "", false
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || allDigits(labels[len(labels)-1]) {
		// An all-digit top-level label means an IP address, not a domain.
		return "", false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.M, r) {
				return "", false
			}
		}
	}
	addr := local + "@" + domain
	if len(addr) > 254 {
		return "", false
	}
	// net/mail enforces the RFC 5322 atom syntax of the local part (no
	// unquoted "..", no leading dot, no specials). Requiring its result to
	// equal the input rejects display names and quoted forms.
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return "", false
	}
	return addr, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
