package tr

// Province is one of Turkey's 81 provinces (il). Code is its plate code,
// which is also the first two digits of its postal codes.
type Province struct {
	Code int
	Name string
}

// Provinces lists the 81 provinces in plate-code order, so Provinces[i]
// has Code i+1. Codes 01–67 were assigned alphabetically; the gaps in that
// order (33 Mersin, formerly İçel; 46 Kahramanmaraş, formerly Maraş;
// 63 Şanlıurfa, formerly Urfa) come from later renamings, and 68–81 went to
// provinces created since 1989 in order of creation.
var Provinces = [...]Province{
	{1, "Adana"}, {2, "Adıyaman"}, {3, "Afyonkarahisar"}, {4, "Ağrı"},
	{5, "Amasya"}, {6, "Ankara"}, {7, "Antalya"}, {8, "Artvin"},
	{9, "Aydın"}, {10, "Balıkesir"}, {11, "Bilecik"}, {12, "Bingöl"},
	{13, "Bitlis"}, {14, "Bolu"}, {15, "Burdur"}, {16, "Bursa"},
	{17, "Çanakkale"}, {18, "Çankırı"}, {19, "Çorum"}, {20, "Denizli"},
	{21, "Diyarbakır"}, {22, "Edirne"}, {23, "Elazığ"}, {24, "Erzincan"},
	{25, "Erzurum"}, {26, "Eskişehir"}, {27, "Gaziantep"}, {28, "Giresun"},
	{29, "Gümüşhane"}, {30, "Hakkari"}, {31, "Hatay"}, {32, "Isparta"},
	{33, "Mersin"}, {34, "İstanbul"}, {35, "İzmir"}, {36, "Kars"},
	{37, "Kastamonu"}, {38, "Kayseri"}, {39, "Kırklareli"}, {40, "Kırşehir"},
	{41, "Kocaeli"}, {42, "Konya"}, {43, "Kütahya"}, {44, "Malatya"},
	{45, "Manisa"}, {46, "Kahramanmaraş"}, {47, "Mardin"}, {48, "Muğla"},
	{49, "Muş"}, {50, "Nevşehir"}, {51, "Niğde"}, {52, "Ordu"},
	{53, "Rize"}, {54, "Sakarya"}, {55, "Samsun"}, {56, "Siirt"},
	{57, "Sinop"}, {58, "Sivas"}, {59, "Tekirdağ"}, {60, "Tokat"},
	{61, "Trabzon"}, {62, "Tunceli"}, {63, "Şanlıurfa"}, {64, "Uşak"},
	{65, "Van"}, {66, "Yozgat"}, {67, "Zonguldak"}, {68, "Aksaray"},
	{69, "Bayburt"}, {70, "Karaman"}, {71, "Kırıkkale"}, {72, "Batman"},
	{73, "Şırnak"}, {74, "Bartın"}, {75, "Ardahan"}, {76, "Iğdır"},
	{77, "Yalova"}, {78, "Karabük"}, {79, "Kilis"}, {80, "Osmaniye"},
	{81, "Düzce"},
}

// provinceAliases maps the folded former or colloquial names that still
// turn up in old customer records and spreadsheets to plate codes.
var provinceAliases = map[string]int{
	"icel":    33, // official name until 2002
	"afyon":   3,  // the short form still in everyday use
	"maras":   46, // official name until 1973
	"k.maras": 46, // as abbreviated in addresses
	"urfa":    63, // official name until 1984
	"antep":   27, // the short form still in everyday use
}

// provinceByFold indexes Provinces by folded name, built once at start-up.
var provinceByFold = func() map[string]int {
	m := make(map[string]int, len(Provinces)+len(provinceAliases))
	for k, v := range provinceAliases {
		m[k] = v
	}
	for _, p := range Provinces {
		m[Fold(p.Name)] = p.Code
	}
	return m
}()

// ProvinceByCode returns the province with the given plate code, 1–81.
func ProvinceByCode(code int) (Province, bool) {
	if code < 1 || code > len(Provinces) {
		return Province{}, false
	}
	return Provinces[code-1], true
}

// ProvinceByName finds a province by name in any spelling Fold reconciles:
// "İstanbul", "istanbul", "ISTANBUL" and "Istanbul" all find 34. A few
// former and colloquial names (İçel, Afyon, Maraş, Urfa, Antep) are
// understood too, since addresses typed years ago still use them.
func ProvinceByName(name string) (Province, bool) {
	code, ok := provinceByFold[Fold(name)]
	if !ok {
		return Province{}, false
	}
	return Provinces[code-1], true
}
