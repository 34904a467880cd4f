package money

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	wordOnes = [...]string{"", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz"}
	wordTens = [...]string{"", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan"}
	// Scales of a thousand; int64 kuruş reach 92 katrilyon lira.
	wordScales = [...]string{"", "bin", "milyon", "milyar", "trilyon", "katrilyon", "kentilyon"}
)

// Words writes an amount in kuruş in Turkish words, as printed under the
// totals of an invoice: 147905 → "Bin dört yüz yetmiş dokuz Türk lirası
// beş kuruş"; 0 → "Sıfır Türk lirası"; 5 → "Sıfır Türk lirası beş kuruş".
// One thousand is "bin", never "bir bin" (but "bir milyon"); a hundred is
// "yüz". A negative amount starts with "Eksi". The first letter is upper
// case by Turkish rules ("İki Türk lirası").
func Words(kurus int64) string {
	neg := kurus < 0
	mag := uint64(kurus)
	if neg {
		mag = -mag // math.MinInt64's magnitude fits a uint64
	}
	lira, krs := mag/100, mag%100
	var words []string
	if neg {
		words = append(words, "eksi")
	}
	if lira == 0 {
		words = append(words, "sıfır")
	} else {
		words = appendNumber(words, lira)
	}
	words = append(words, "Türk", "lirası")
	if krs != 0 {
		words = appendNumber(words, krs)
		words = append(words, "kuruş")
	}
	s := strings.Join(words, " ")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.TurkishCase.ToUpper(r)) + s[size:]
}

// appendNumber appends the words of n > 0.
func appendNumber(words []string, n uint64) []string {
	var groups []uint64 // groups of three digits, least significant first
	for ; n > 0; n /= 1000 {
		groups = append(groups, n%1000)
	}
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		if !(g == 1 && i == 1) { // "bin", not "bir bin"
			words = appendHundreds(words, g)
		}
		if i > 0 {
			words = append(words, wordScales[i])
		}
	}
	return words
}

// appendHundreds appends the words of 0 < n < 1000.
func appendHundreds(words []string, n uint64) []string {
	h, t, o := n/100, n/10%10, n%10
	if h > 1 {
		words = append(words, wordOnes[h])
	}
	if h > 0 {
		words = append(words, "yüz") // "yüz", not "bir yüz"
	}
	if t > 0 {
		words = append(words, wordTens[t])
	}
	if o > 0 {
		words = append(words, wordOnes[o])
	}
	return words
}
