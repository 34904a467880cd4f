package demo

// The word lists the generator draws from. Names and places are common
// Turkish ones; the companies, people and numbers they make up are
// fictitious, though every identifier passes its check.

var maleNames = []string{
	"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman", "Yusuf",
	"Murat", "Ömer", "Ramazan", "Halil", "Süleyman", "Abdullah", "Mahmut", "Recep", "Salih", "Fatih",
	"Kadir", "Emre", "Hakan", "Burak", "Serkan", "Cem", "Can", "Onur", "Uğur", "Erkan",
	"Kemal", "Orhan", "Selim", "Tolga", "Tuncay", "Volkan", "Yasin", "Enes", "Eren", "Berk",
	"Arda", "Kaan", "Oğuz", "Barış", "Gökhan", "Levent", "Sinan", "Şükrü", "Çağlar", "Ümit",
	"Doğan", "Görkem", "Yiğit", "Alper", "Ozan", "Tarık", "Cengiz", "Erdem", "İlker", "Özgür",
	"Şahin", "Ercan", "Metin", "Nihat", "Serdar", "Taner", "Bülent", "Cihan", "İlhan", "Mert",
}

var femaleNames = []string{
	"Fatma", "Ayşe", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife", "Zehra", "Sultan",
	"Hanife", "Merve", "Esra", "Özlem", "Yasemin", "Büşra", "Kübra", "Ebru", "Derya", "Gül",
	"Gülşen", "Sibel", "Songül", "Hülya", "Dilek", "Aslı", "Ceren", "Gizem", "Tuğba", "Melek",
	"Seda", "Pınar", "Nur", "Ayşe Nur", "Nurten", "Şule", "Çiğdem", "İrem", "Ecem", "Selin",
	"Buse", "Damla", "Sevgi", "Filiz", "Nesrin", "Öznur", "Hande", "Elçin", "Işıl", "İpek",
	"Eda", "Gamze", "Burcu", "Nazlı", "Tülay", "Gülay", "Hacer", "Şeyma", "Ezgi", "Defne",
	"Fatma Nur", "Sevim", "Necla", "Gönül", "Aysel", "Bahar", "Canan", "Esin", "Müge", "Yeliz",
}

var surnames = []string{
	"Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
	"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek",
	"Polat", "Özcan", "Korkmaz", "Çakır", "Erdoğan", "Yavuz", "Can", "Acar", "Şen", "Aktaş",
	"Güler", "Yalçın", "Güneş", "Bozkurt", "Bulut", "Keskin", "Ünal", "Turan", "Gül", "Özer",
	"Işık", "Kaplan", "Avcı", "Sarı", "Tekin", "Taş", "Köse", "Yüksel", "Ateş", "Aksoy",
	"Ayhan", "Kalkan", "Karaca", "Uçar", "Tunç", "Toprak", "Karakaya", "Altun", "Demirci", "Sönmez",
	"Çiftçi", "Kahraman", "Erdem", "Coşkun", "Eren", "Bayram", "Duman", "Ekinci", "Akın", "Uysal",
	"Karataş", "Oral", "Gündoğdu", "Akbulut", "Başaran", "Kocabaş", "Çınar", "Tüfekçi", "Ertürk", "Sezer",
	"Gök", "Altıntaş", "Bilgin", "Güven", "Dinç", "Akgül", "Aydoğan", "Yücel", "Kocaman", "Soylu",
	"Baysal", "Ilgaz", "Ölmez", "Çağlayan", "Ağaoğlu", "Şeker", "Kılınç", "Özbek", "Durmaz", "Uğurlu",
}

// companyStems start company titles besides surnames: regions,
// mountains and the hopeful words Turkish firms like to be named after.
var companyStems = []string{
	"Akdeniz", "Ege", "Karadeniz", "Anadolu", "Marmara", "Toros", "Uludağ", "Erciyes", "Kaçkar", "Boğaziçi",
	"Başak", "Umut", "Doruk", "Altın", "Gökkuşağı", "Yeşil", "Mavi", "Güneş", "Yıldız", "Işık",
	"Çınar", "Ufuk", "Zirve", "Asya", "Barış", "Ekin", "Efe", "Atlas", "Delta", "Pamukkale",
	"Kapadokya", "Lale", "Deniz", "Birlik", "Güven", "Kartal", "Özgür", "Yenigün", "Seyhan", "Fırat",
}

// sector is a line of business: the word in a company's title and the
// value of its sector field.
type sector struct {
	word, name string
}

var sectors = []sector{
	{"Gıda", "Gıda"}, {"Süt Ürünleri", "Gıda"}, {"Unlu Mamuller", "Gıda"},
	{"İnşaat", "İnşaat"}, {"Yapı Malzemeleri", "İnşaat"}, {"Mermer", "Madencilik"},
	{"Tekstil", "Tekstil"}, {"Konfeksiyon", "Tekstil"}, {"Halı", "Tekstil"},
	{"Otomotiv", "Otomotiv"}, {"Oto Yedek Parça", "Otomotiv"},
	{"Mobilya", "Mobilya"}, {"Orman Ürünleri", "Mobilya"},
	{"Elektrik", "Elektrik"}, {"Elektronik", "Elektronik"}, {"Enerji", "Enerji"},
	{"Bilişim", "Bilişim"}, {"Yazılım", "Bilişim"},
	{"Lojistik", "Lojistik"}, {"Nakliyat", "Lojistik"},
	{"Turizm", "Turizm"}, {"Tarım", "Tarım"}, {"Hayvancılık", "Tarım"},
	{"Makine", "Makine"}, {"Metal", "Metal"}, {"Kimya", "Kimya"}, {"Plastik", "Plastik"},
	{"Ambalaj", "Ambalaj"}, {"Medikal", "Sağlık"}, {"Danışmanlık", "Danışmanlık"},
	{"Reklam", "Reklam"}, {"Mimarlık", "Mimarlık"}, {"Matbaacılık", "Matbaacılık"},
	{"Kuyumculuk", "Kuyumculuk"}, {"Hırdavat", "Hırdavat"}, {"Temizlik", "Hizmet"},
	{"Petrol", "Akaryakıt"}, {"Isı Sistemleri", "Isıtma ve Soğutma"}, {"Güvenlik Sistemleri", "Güvenlik"},
	{"Kırtasiye", "Kırtasiye"},
}

// legalForms end a company title, the first ones most often.
var legalForms = []string{
	"San. ve Tic. Ltd. Şti.", "San. ve Tic. Ltd. Şti.", "San. ve Tic. Ltd. Şti.", "Tic. Ltd. Şti.",
	"Tic. Ltd. Şti.", "Ltd. Şti.", "A.Ş.", "San. ve Tic. A.Ş.", "Tic. A.Ş.",
}

var neighbourhoods = []string{
	"Cumhuriyet", "Atatürk", "Yeni", "Fatih", "Bahçelievler", "Yenişehir", "Hürriyet", "Zafer", "İstiklal", "Gazi",
	"Mimar Sinan", "Çamlık", "Kültür", "Barış", "Yıldırım Beyazıt", "Sümer", "Esentepe", "Fevzi Çakmak", "Mevlana",
	"Karşıyaka", "Güzelyalı", "İnönü", "Kazım Karabekir", "Çiftlik", "Şirinevler", "Gülbahar", "Ertuğrulgazi",
}

var streets = []string{
	"Atatürk Cad.", "Cumhuriyet Cad.", "İnönü Cad.", "İstiklal Cad.", "Gazi Bulvarı", "Fevzi Çakmak Cad.",
	"Adnan Menderes Cad.", "Mimar Sinan Cad.", "Gül Sok.", "Lale Sok.", "Menekşe Sok.", "Papatya Sok.",
	"Nergis Sok.", "Çınar Sok.", "Akasya Sok.", "Zambak Sok.", "Kardelen Sok.", "Orkide Sok.", "Defne Sok.",
	"Leylak Sok.", "Şehit Er Ali Sok.", "Okul Sok.", "Cami Sok.", "Pınar Sok.", "Bağlar Sok.",
}

var personDomains = []string{
	"gmail.com", "gmail.com", "gmail.com", "gmail.com", "hotmail.com", "hotmail.com",
	"outlook.com", "yahoo.com", "icloud.com", "yandex.com",
}

var personTags = []string{"vip", "perakende", "sadık", "yeni", "kampanya", "öğretmen"}

var companyTags = []string{"toptan", "bayi", "kurumsal", "vip", "tedarikçi", "ihracat", "e-fatura"}

var sources = []string{
	"website", "website", "referral", "referral", "referral", "phone", "phone", "visit",
	"fair", "social_media", "social_media", "advertisement", "campaign", "other",
}

var leadStatuses = []string{"new", "new", "new", "contacted", "contacted", "qualified", "disqualified"}

var otherRoles = []string{"accounting", "accounting", "purchasing", "purchasing", "technical", "management", "other"}

var notes = []string{
	"Ödemelerini havale ile yapıyor.",
	"Hafta içi 09:00–18:00 arası aranmalı.",
	"Bayram öncesi kampanyayla ilgilendi.",
	"Fatura adresi farklı; muhasebeye danışın.",
	"Yıllık bakım sözleşmesi var.",
	"Toplu alımda %5 iskonto uygulanıyor.",
	"Fuarda tanıştık, katalog gönderildi.",
	"Teslimatlar yalnızca öğleden sonra.",
}

// mobilePrefixes are the mobile operators' codes: Turkcell 53x,
// Vodafone 54x, Türk Telekom 50x and 55x.
var mobilePrefixes = []string{
	"530", "531", "532", "533", "534", "535", "536", "537", "538", "539",
	"540", "541", "542", "543", "544", "545", "546", "547", "548", "549",
	"501", "505", "506", "507", "551", "552", "553", "554", "555", "559",
}

// district is a district (ilçe) of a big province, with the first three
// digits of its postal codes and, in İstanbul, its side's area code.
type district struct {
	name   string
	postal string
	area   string
}

// place is what the generator knows of a province: its population in
// thousands (2023, rounded; it weights where customers live), its
// landline area code, and for the big ones a few districts and the tax
// offices of the centre.
type place struct {
	pop        int
	area       string
	districts  []district
	taxOffices []string
}

// places is indexed by plate code (places[34] is İstanbul); index 0 is
// unused.
var places = [82]place{
	1:  {2270, "322", []district{{"Seyhan", "010", ""}, {"Çukurova", "011", ""}, {"Yüreğir", "013", ""}, {"Sarıçam", "012", ""}, {"Ceyhan", "019", ""}}, []string{"Seyhan", "Ziyapaşa", "Çukurova", "Yüreğir"}},
	2:  {610, "416", nil, nil},
	3:  {747, "272", nil, []string{"Tınaztepe", "Kocatepe"}},
	4:  {510, "472", nil, nil},
	5:  {338, "358", nil, nil},
	6:  {5803, "312", []district{{"Çankaya", "066", ""}, {"Keçiören", "062", ""}, {"Yenimahalle", "063", ""}, {"Mamak", "062", ""}, {"Etimesgut", "067", ""}, {"Sincan", "069", ""}, {"Altındağ", "060", ""}, {"Gölbaşı", "068", ""}, {"Pursaklar", "061", ""}}, []string{"Kavaklıdere", "Maltepe", "Ostim", "Çankaya", "Yenimahalle", "Kızılbey"}},
	7:  {2696, "242", []district{{"Muratpaşa", "071", ""}, {"Kepez", "070", ""}, {"Konyaaltı", "070", ""}, {"Alanya", "074", ""}, {"Manavgat", "076", ""}, {"Serik", "075", ""}}, []string{"Antalya Kurumlar", "Muratpaşa", "Düden", "Kalekapı"}},
	8:  {169, "466", nil, nil},
	9:  {1161, "256", nil, nil},
	10: {1273, "266", nil, nil},
	11: {228, "228", nil, nil},
	12: {282, "426", nil, nil},
	13: {353, "434", nil, nil},
	14: {320, "374", nil, nil},
	15: {273, "248", nil, nil},
	16: {3214, "224", []district{{"Osmangazi", "162", ""}, {"Nilüfer", "161", ""}, {"Yıldırım", "163", ""}, {"İnegöl", "164", ""}, {"Gemlik", "166", ""}, {"Mudanya", "169", ""}}, []string{"Osmangazi", "Nilüfer", "Yıldırım", "Ertuğrulgazi", "Uludağ"}},
	17: {559, "286", nil, nil},
	18: {198, "376", nil, nil},
	19: {527, "364", nil, nil},
	20: {1059, "258", nil, []string{"Pamukkale", "Saraylar", "Gökpınar"}},
	21: {1818, "412", nil, []string{"Gökalp", "Süleyman Nazif", "Cahit Sıtkı Tarancı"}},
	22: {413, "284", nil, nil},
	23: {591, "424", nil, nil},
	24: {243, "446", nil, nil},
	25: {749, "442", nil, []string{"Aziziye", "Kazımkarabekir"}},
	26: {906, "222", nil, []string{"Anadolu", "Doğu", "Osmangazi"}},
	27: {2154, "342", []district{{"Şahinbey", "270", ""}, {"Şehitkamil", "275", ""}, {"Nizip", "277", ""}, {"İslahiye", "278", ""}}, []string{"Şahinbey", "Şehitkamil", "Suburcu", "Gazikent"}},
	28: {450, "454", nil, nil},
	29: {144, "456", nil, nil},
	30: {278, "438", nil, nil},
	31: {1544, "326", nil, []string{"Antakya", "Şükrükanatlı"}},
	32: {445, "246", nil, []string{"Davraz", "Kaymakkapı"}},
	33: {1916, "324", []district{{"Yenişehir", "331", ""}, {"Mezitli", "332", ""}, {"Toroslar", "331", ""}, {"Akdeniz", "330", ""}, {"Tarsus", "334", ""}, {"Erdemli", "337", ""}, {"Silifke", "339", ""}}, []string{"İstiklal", "Uray", "Liman", "Toros"}},
	34: {15655, "212", []district{
		{"Kadıköy", "347", "216"}, {"Üsküdar", "346", "216"}, {"Ümraniye", "347", "216"}, {"Ataşehir", "347", "216"},
		{"Maltepe", "348", "216"}, {"Kartal", "348", "216"}, {"Pendik", "348", "216"}, {"Beykoz", "348", "216"},
		{"Beşiktaş", "343", "212"}, {"Şişli", "343", "212"}, {"Bakırköy", "341", "212"}, {"Fatih", "341", "212"},
		{"Beyoğlu", "344", "212"}, {"Sarıyer", "344", "212"}, {"Bağcılar", "342", "212"}, {"Küçükçekmece", "342", "212"},
		{"Başakşehir", "344", "212"}, {"Esenyurt", "345", "212"}, {"Beylikdüzü", "345", "212"}, {"Avcılar", "343", "212"},
		{"Bahçelievler", "341", "212"}, {"Eyüpsultan", "340", "212"},
	}, nil},
	35: {4479, "232", []district{{"Konak", "352", ""}, {"Karşıyaka", "355", ""}, {"Bornova", "350", ""}, {"Buca", "353", ""}, {"Bayraklı", "355", ""}, {"Çiğli", "356", ""}, {"Karabağlar", "351", ""}, {"Gaziemir", "354", ""}, {"Torbalı", "358", ""}}, nil},
	36: {274, "474", nil, nil},
	37: {376, "366", nil, nil},
	38: {1441, "352", []district{{"Melikgazi", "380", ""}, {"Kocasinan", "381", ""}, {"Talas", "382", ""}, {"Develi", "385", ""}}, []string{"Erciyes", "Kocasinan", "Mimar Sinan", "Gevher Nesibe"}},
	39: {369, "288", nil, nil},
	40: {244, "386", nil, nil},
	41: {2079, "262", []district{{"İzmit", "413", ""}, {"Gebze", "414", ""}, {"Darıca", "417", ""}, {"Gölcük", "416", ""}, {"Körfez", "417", ""}, {"Derince", "419", ""}, {"Kartepe", "411", ""}}, []string{"Tepecik", "Kocaeli", "Alemdağ"}},
	42: {2320, "332", []district{{"Selçuklu", "422", ""}, {"Meram", "420", ""}, {"Karatay", "420", ""}, {"Ereğli", "423", ""}, {"Akşehir", "425", ""}}, []string{"Selçuk", "Meram", "Mevlana", "Alaaddin"}},
	43: {580, "274", nil, nil},
	44: {742, "422", nil, nil},
	45: {1468, "236", nil, []string{"Mesir", "Alaybey"}},
	46: {1116, "344", nil, nil},
	47: {870, "482", nil, nil},
	48: {1066, "252", nil, nil},
	49: {399, "436", nil, nil},
	50: {310, "384", nil, nil},
	51: {365, "388", nil, nil},
	52: {763, "452", nil, nil},
	53: {344, "464", nil, nil},
	54: {1098, "264", nil, []string{"Sakarya", "Gümrükönü", "Ali Fuat Cebesoy"}},
	55: {1377, "362", nil, []string{"Gaziler", "Hacı Bayram", "19 Mayıs", "Zafer"}},
	56: {331, "484", nil, nil},
	57: {220, "368", nil, nil},
	58: {646, "346", nil, nil},
	59: {1143, "282", nil, nil},
	60: {602, "356", nil, nil},
	61: {823, "462", nil, []string{"Karadeniz", "Hızırbey"}},
	62: {89, "428", nil, nil},
	63: {2170, "414", nil, nil},
	64: {375, "276", nil, nil},
	65: {1128, "432", nil, nil},
	66: {418, "354", nil, nil},
	67: {588, "372", nil, nil},
	68: {433, "382", nil, nil},
	69: {86, "458", nil, nil},
	70: {260, "338", nil, nil},
	71: {277, "318", nil, nil},
	72: {634, "488", nil, nil},
	73: {557, "486", nil, nil},
	74: {204, "378", nil, nil},
	75: {92, "478", nil, nil},
	76: {203, "476", nil, nil},
	77: {296, "226", nil, nil},
	78: {252, "370", nil, nil},
	79: {155, "348", nil, nil},
	80: {559, "328", nil, nil},
	81: {400, "380", nil, nil},
}

// vehicle is a make and model sold in Turkey, with the world manufacturer
// identifier that starts its chassis numbers.
type vehicle struct {
	make, model, wmi string
	van              bool // a light commercial vehicle, mostly for firms
}

var vehicles = []vehicle{
	{"Fiat", "Egea", "NM4", false}, {"Fiat", "Egea Cross", "NM4", false}, {"Fiat", "Doblo", "NM4", true}, {"Fiat", "Fiorino", "NM4", true},
	{"Renault", "Clio", "VF1", false}, {"Renault", "Megane", "VF1", false}, {"Renault", "Taliant", "VF1", false},
	{"Dacia", "Duster", "UU1", false}, {"Dacia", "Sandero", "UU1", false},
	{"Ford", "Transit", "NM0", true}, {"Ford", "Transit Custom", "NM0", true}, {"Ford", "Transit Courier", "NM0", true},
	{"Ford", "Focus", "WF0", false}, {"Ford", "Puma", "WF0", false},
	{"Toyota", "Corolla", "NMT", false}, {"Toyota", "C-HR", "NMT", false}, {"Toyota", "Yaris", "VNK", false},
	{"Hyundai", "i20", "NLH", false}, {"Hyundai", "Tucson", "TMA", false},
	{"Volkswagen", "Passat", "WVW", false}, {"Volkswagen", "Golf", "WVW", false}, {"Volkswagen", "Caddy", "WV1", true},
	{"Peugeot", "2008", "VR3", false}, {"Peugeot", "3008", "VF3", false}, {"Peugeot", "Partner", "VF3", true},
	{"Opel", "Corsa", "W0L", false}, {"Opel", "Astra", "W0L", false},
	{"Honda", "Civic", "NLA", false}, {"Citroën", "C3", "VF7", false}, {"Citroën", "Berlingo", "VF7", true},
	{"Skoda", "Octavia", "TMB", false}, {"BMW", "320i", "WBA", false},
	{"Mercedes-Benz", "C 200", "W1K", false}, {"Mercedes-Benz", "Sprinter", "WDB", true},
	{"Kia", "Sportage", "U5Y", false}, {"Nissan", "Qashqai", "SJN", false},
}

// device is an appliance the firm sells or services, with the letters
// that start its serial numbers and its usual warranty in years.
type device struct {
	name, serial string
	warranty     int
}

var devices = []device{
	{"Demirdöküm Nitromix 24 kW Kombi", "DD", 3}, {"Vaillant ecoTEC pure 236 Kombi", "VL", 2},
	{"Bosch Condens 1200 W Kombi", "BS", 2}, {"Baymak Lectus 24 kW Kombi", "BY", 3},
	{"ECA Proteus Premix 24 kW Kombi", "EC", 2},
	{"Arçelik 12000 BTU Inverter Klima", "AR", 3}, {"Daikin Sensira 18000 BTU Klima", "DK", 2},
	{"Mitsubishi Electric 12000 BTU Klima", "ME", 2}, {"Vestel Flora 12000 BTU Klima", "VS", 3},
	{"Beko No-Frost Buzdolabı 540 lt", "BK", 3}, {"Arçelik No-Frost Buzdolabı 570 lt", "AR", 3},
	{"Bosch Serie 4 Buzdolabı", "BS", 2}, {"Siemens iQ300 Buzdolabı", "SM", 2},
	{"Vestel NF480 Buzdolabı", "VS", 3}, {"Arçelik 9 kg Çamaşır Makinesi", "AR", 3},
}
