package store

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// PasswordCost is the bcrypt cost. Tests lower it to keep the suite quick.
var PasswordCost = bcrypt.DefaultCost

// MinPasswordLength is counted in characters, not bytes, so that Turkish
// letters count once.
const MinPasswordLength = 10

// bcrypt reads only the first 72 bytes; a longer password would silently
// stop mattering past that point, so it is refused instead.
const maxPasswordBytes = 72

// commonPasswords are refused even when long enough: the lists attackers
// try first, with the Turkish favourites (clubs, cities, years) among them.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`
		1234567890 0123456789 12345678910 1234567891 0987654321 1111111111 0000000000
		1122334455 1234512345 1q2w3e4r5t 1qaz2wsx3edc qwertyuiop qwertyuiop1 qwerty1234
		qwerty12345 asdfghjkl1 asdfghjkl; zxcvbnm123 abcdefghij abc1234567 abcd123456
		password12 password123 password1! passw0rd12 password1234 iloveyou12 iloveyou123
		administrator admin12345 admin123456 welcome123 letmein123 sunshine12 football12
		baseball12 superman12 princess12 starwars12 whatever12 trustno1234 dragon1234
		monkey1234 master1234 changeme12 changeme123 default123 kobicrm123 kobicrm1234
		sifre12345 sifre123456 parola1234 parola12345 sifresifre parolaparola
		galatasaray galatasaray1 galatasaray1905 fenerbahce fenerbahce1 fenerbahce1907
		besiktas1903 besiktasjk trabzonspor trabzonspor61 bursaspor16 goztepe1925
		istanbul34 istanbul1453 ankara0606 izmir35izmir turkiye1923 türkiye1923
		ataturk1881 ataturk1938 mustafakemal cumhuriyet1923 asdasdasd1 asdasd1234
		qweqweqwe1 aaaaaaaaaa 1231231231 123123123123 987654321a a123456789
	`) {
		commonPasswords[p] = true
	}
}

// checkNewPassword fills v with what is wrong with a new password; field is
// the form field to name. Personal words (the e-mail, the name) are refused
// too, since they are the first guesses of anyone in the office.
func checkNewPassword(v *ValidationError, field, pw, again string, personal ...string) {
	switch {
	case pw == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		v.Add(field, "error.password_short", MinPasswordLength)
	case len(pw) > maxPasswordBytes:
		v.Add(field, "error.password_long")
	case isCommonPassword(pw, personal...):
		v.Add(field, "error.password_common")
	}
	if again != pw {
		v.Add(field+"_again", "error.password_mismatch")
	}
}

func isCommonPassword(pw string, personal ...string) bool {
	low := strings.ToLower(pw)
	if commonPasswords[low] {
		return true
	}
	if strings.Count(low, low[:1]) == len(low) {
		return true // one character repeated
	}
	for _, p := range personal {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if low == p || (len(p) >= 4 && strings.Contains(low, p) && len(low)-len(p) < 4) {
			return true
		}
		if local, _, ok := strings.Cut(p, "@"); ok && len(local) >= 4 && strings.HasPrefix(low, local) && len(low)-len(local) < 4 {
			return true
		}
	}
	return false
}

func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// dummyHash is compared against when no user has the e-mail, so that a
// failed login takes as long whether or not the e-mail exists. It is made
// on first use, at the cost in force then.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("kobicrm: no such user"), PasswordCost)
	return h
})
