package money

import (
	"math"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		kurus int64
		want  string
	}{
		{0, "Sıfır Türk lirası"},
		{5, "Sıfır Türk lirası beş kuruş"},
		{100, "Bir Türk lirası"},
		{200, "İki Türk lirası"},
		{300, "Üç Türk lirası"},
		{1000, "On Türk lirası"},
		{1100, "On bir Türk lirası"},
		{4000, "Kırk Türk lirası"},
		{6600, "Altmış altı Türk lirası"},
		{10000, "Yüz Türk lirası"},
		{10100, "Yüz bir Türk lirası"},
		{20000, "İki yüz Türk lirası"},
		{99999, "Dokuz yüz doksan dokuz Türk lirası doksan dokuz kuruş"},
		{100000, "Bin Türk lirası"},
		{100100, "Bin bir Türk lirası"},
		{110000, "Bin yüz Türk lirası"},
		{200000, "İki bin Türk lirası"},
		{1100000, "On bir bin Türk lirası"},
		{10000000, "Yüz bin Türk lirası"},
		{10100000, "Yüz bir bin Türk lirası"},
		{147905, "Bin dört yüz yetmiş dokuz Türk lirası beş kuruş"},
		{100000000, "Bir milyon Türk lirası"},
		{100100000, "Bir milyon bin Türk lirası"},
		{123456789, "Bir milyon iki yüz otuz dört bin beş yüz altmış yedi Türk lirası seksen dokuz kuruş"},
		{100000000000, "Bir milyar Türk lirası"},
		{200000000001, "İki milyar Türk lirası bir kuruş"},
		{-150, "Eksi bir Türk lirası elli kuruş"},
		{-100000, "Eksi bin Türk lirası"},
		{-1, "Eksi sıfır Türk lirası bir kuruş"},
		{math.MaxInt64, "Doksan iki katrilyon iki yüz otuz üç trilyon yedi yüz yirmi milyar üç yüz altmış sekiz milyon beş yüz kırk yedi bin yedi yüz elli sekiz Türk lirası yedi kuruş"},
		{math.MinInt64, "Eksi doksan iki katrilyon iki yüz otuz üç trilyon yedi yüz yirmi milyar üç yüz altmış sekiz milyon beş yüz kırk yedi bin yedi yüz elli sekiz Türk lirası sekiz kuruş"},
	} {
		if got := Words(c.kurus); got != c.want {
			t.Errorf("Words(%d) =\n %q, want\n %q", c.kurus, got, c.want)
		}
	}
}
