package tr

import "testing"

func TestProvinces(t *testing.T) {
	if len(Provinces) != 81 {
		t.Fatalf("len(Provinces) = %d, want 81", len(Provinces))
	}
	seen := map[string]int{}
	for i, p := range Provinces {
		if p.Code != i+1 {
			t.Errorf("Provinces[%d].Code = %d, want %d", i, p.Code, i+1)
		}
		k := Fold(p.Name)
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q fold to the same key %q", Provinces[prev-1].Name, p.Name, k)
		}
		seen[k] = p.Code
		if got, ok := ProvinceByName(p.Name); !ok || got != p {
			t.Errorf("ProvinceByName(%q) = %v, %v", p.Name, got, ok)
		}
		if got, ok := ProvinceByCode(p.Code); !ok || got != p {
			t.Errorf("ProvinceByCode(%d) = %v, %v", p.Code, got, ok)
		}
	}
	for _, c := range []struct {
		code int
		name string
	}{
		{1, "Adana"}, {3, "Afyonkarahisar"}, {6, "Ankara"}, {32, "Isparta"},
		{33, "Mersin"}, {34, "İstanbul"}, {35, "İzmir"}, {46, "Kahramanmaraş"},
		{63, "Şanlıurfa"}, {76, "Iğdır"}, {80, "Osmaniye"}, {81, "Düzce"},
	} {
		if p := Provinces[c.code-1]; p.Name != c.name {
			t.Errorf("province %02d = %q, want %q", c.code, p.Name, c.name)
		}
	}
}

func TestProvinceLookup(t *testing.T) {
	for _, c := range []struct {
		name string
		code int // 0 means not found
	}{
		{"istanbul", 34}, {"ISTANBUL", 34}, {"İstanbul", 34}, {"İSTANBUL", 34}, {"Istanbul", 34},
		{"  izmir ", 35}, {"IGDIR", 76}, {"ığdır", 76}, {"sanliurfa", 63},
		{"Kahramanmaras", 46}, {"duzce", 81}, {"Hakkâri", 30},
		{"İçel", 33}, {"Afyon", 3}, {"Urfa", 63}, {"Antep", 27}, {"K.Maraş", 46},
		{"", 0}, {"Atlantis", 0}, {"İstanbu", 0},
	} {
		p, ok := ProvinceByName(c.name)
		if ok != (c.code != 0) || p.Code != c.code {
			t.Errorf("ProvinceByName(%q) = %v, %v; want code %d", c.name, p, ok, c.code)
		}
	}
	for _, code := range []int{0, -1, 82, 100} {
		if p, ok := ProvinceByCode(code); ok {
			t.Errorf("ProvinceByCode(%d) = %v, true", code, p)
		}
	}
}
