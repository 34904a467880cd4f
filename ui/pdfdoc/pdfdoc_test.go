package pdfdoc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kobicrm/store/money"
	"kobicrm/store/tr"
)

const turkish = "Ağır Şişe Işığı İçin Özel Ürün Çözümü, ğüşıöçĞÜŞİÖÇ"

// sample builds a document of n lines from DOMAIN.md's example lines,
// repeated, with totals computed by store/money.
func sample(t testing.TB, n int) Document {
	t.Helper()
	base := []Line{
		{Description: turkish, Unit: "adet", Quantity: 3000, UnitPrice: 33333, KDVRateBP: 2000},
		{Description: "Çay bardağı, ince belli; uzun bir açıklama ki sütuna sığmasın ve birkaç satıra kaydırılsın diye yazıldı", Unit: "kg", Quantity: 1500, UnitPrice: 1999, DiscountBP: 1000, KDVRateBP: 1000},
		{Description: "Ekmek", Unit: "adet", Quantity: 2000, UnitPrice: 12345, KDVRateBP: 100},
	}
	var lines []Line
	var ml []money.Line
	for i := range n {
		l := base[i%len(base)]
		lines = append(lines, l)
		ml = append(ml, money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, DiscountBP: l.DiscountBP, KDVRateBP: l.KDVRateBP})
	}
	tot, err := money.Compute(ml, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range lines {
		lines[i].Net = tot.Lines[i].Net
	}
	date := time.Date(2026, 1, 5, 9, 0, 0, 0, tr.Istanbul)
	return Document{
		Kind:       KindInvoice,
		Number:     "ABC2026000000001",
		Date:       date,
		DueDate:    date.AddDate(0, 0, 30),
		ValidUntil: time.Time{},
		Firm: Party{
			Title: "Güneş Işıklandırma Ticaret Ltd. Şti.", Address: "Atatürk Cad. No: 12/3\nÇankaya / Ankara",
			TaxOffice: "Çankaya", TaxNo: "4540536920", Phone: "+90 312 555 12 34", Email: "info@gunes.com.tr",
			IBAN: "TR33 0006 1005 1978 6457 8413 26",
		},
		Customer: Party{
			Title: turkish, Address: "İstiklal Cad. 5\nBeyoğlu / İstanbul", TaxOffice: "Beyoğlu", TaxNo: "9876543217",
			Phone: "+90 212 555 00 00", Email: "satinalma@ornek.com.tr",
		},
		ContactPerson: "Şükrü Öztürk",
		Lines:         lines,
		Totals:        tot,
		NotesText:     "Teslimat: İstanbul deposu.\nÖdeme havale ile yapılır; " + turkish,
		PaymentTerms:  "30 gün vadeli",
	}
}

func render(t testing.TB, d Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x), 40, uint8(y), uint8(128 + x%128)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), 90, uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// poppler runs a poppler-utils tool (pdftotext, pdfinfo, pdfimages) on
// pdf and returns its output. Without the tool the test is skipped, except
// under CI=true, where it must be installed.
func poppler(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (poppler-utils): %v", tool, err)
		}
		t.Skipf("%s not installed", tool)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(args, path, "-")...).CombinedOutput()
	if tool == "pdfinfo" || tool == "pdfimages" {
		out, err = exec.Command(bin, append(args, path)...).CombinedOutput()
	}
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

// checkStructure parses the PDF's skeleton without outside tools: the
// header, the trailer, a cross-reference table whose every entry points
// at the object it names, and the page count the catalogue declares.
// It returns that page count.
func checkStructure(t *testing.T, pdf []byte) int {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		t.Fatalf("does not start with %%PDF-1.: %q", pdf[:min(len(pdf), 16)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(pdf, "\r\n"), []byte("%%EOF")) {
		t.Fatal("no end-of-file marker")
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off <= 0 || off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at xref", off)
	}
	head := regexp.MustCompile(`^xref\s+0\s+(\d+)\s+`).FindSubmatch(pdf[off:])
	if head == nil {
		t.Fatal("bad xref header")
	}
	n, _ := strconv.Atoi(string(head[1]))
	entries := regexp.MustCompile(`(\d{10}) (\d{5}) ([nf])\s`).FindAllSubmatch(pdf[off:], n)
	if len(entries) != n {
		t.Fatalf("xref has %d entries, header says %d", len(entries), n)
	}
	for obj, e := range entries[1:] {
		o, _ := strconv.Atoi(string(e[1]))
		want := strconv.Itoa(obj+1) + " 0 obj"
		if o >= len(pdf) || !bytes.HasPrefix(pdf[o:], []byte(want)) {
			t.Fatalf("xref entry %d → offset %d, which is not %q", obj+1, o, want)
		}
	}
	if !bytes.Contains(pdf, []byte("/Type /Catalog")) {
		t.Fatal("no catalogue")
	}
	c := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(pdf)
	if c == nil {
		t.Fatal("no page tree")
	}
	pages, _ := strconv.Atoi(string(c[1]))
	if got := bytes.Count(pdf, []byte("/Type /Page\n")); got != pages {
		t.Fatalf("%d page objects, page tree counts %d", got, pages)
	}
	return pages
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestTurkishTextComesBack(t *testing.T) {
	d := sample(t, 3)
	out := render(t, d)
	if pages := checkStructure(t, out); pages != 1 {
		t.Fatalf("%d pages, want 1", pages)
	}
	text := poppler(t, out, "pdftotext", "-raw", "-enc", "UTF-8")
	lines := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		lines[strings.TrimSpace(l)] = true
	}
	// Whole lines, exactly: the customer's title and a line of the notes.
	for _, want := range []string{
		turkish,
		"Ödeme havale ile yapılır; " + turkish,
		"Güneş Işıklandırma Ticaret Ltd. Şti.",
		"İlgili: Şükrü Öztürk",
		"Vade Tarihi: 04.02.2026",
		"Yalnız: Bin dört yüz yetmiş dokuz Türk lirası beş kuruş",
		"Ödeme Koşulları",
		"30 gün vadeli",
		"No Açıklama Miktar Birim Birim Fiyat İskonto KDV Tutar",
		"1 3 adet 333,33 %20 999,99",
		"2 1,5 kg 19,99 %10 %10 26,99",
		"3 2 adet 123,45 %1 246,90",
		"%1 246,90 TL 2,47 TL",
		"%10 26,99 TL 2,70 TL",
		"%20 999,99 TL 200,00 TL",
	} {
		if !lines[want] {
			t.Errorf("line %q not in the text:\n%s", want, text)
		}
	}
	// The wrapped description reads back whole, and the totals.
	flat := squash(text)
	for _, want := range []string{
		turkish + " 1 3 adet",
		"Çay bardağı, ince belli; uzun bir açıklama ki sütuna sığmasın ve birkaç satıra kaydırılsın diye yazıldı",
		"Ara Toplam 1.273,88 TL",
		"KDV %20 200,00 TL",
		"Genel Toplam 1.479,05 TL",
		"FATURA Belge No: ABC2026000000001",
		"Tarih: 05.01.2026",
		"Sayfa 1 / 1",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("%q not in the text:\n%s", want, text)
		}
	}
	for _, r := range "ğşıİÇÖÜĞŞ" {
		if !strings.ContainsRune(text, r) {
			t.Errorf("%c missing", r)
		}
	}
	if strings.ContainsRune(text, '?') || strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("replacement characters in the text:\n%s", text)
	}
	info := poppler(t, out, "pdfinfo")
	if !strings.Contains(info, "Title:           FATURA ABC2026000000001") || !strings.Contains(info, "A4") {
		t.Errorf("pdfinfo:\n%s", info)
	}
}

func TestLongDocumentPaginates(t *testing.T) {
	d := sample(t, 200)
	out := render(t, d)
	pages := checkStructure(t, out)
	if pages < 3 {
		t.Fatalf("200 lines on %d pages", pages)
	}
	text := poppler(t, out, "pdftotext", "-raw", "-enc", "UTF-8")
	byPage := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(byPage) != pages {
		t.Fatalf("pdftotext sees %d pages, the PDF declares %d", len(byPage), pages)
	}
	next := 1 // the line number expected next
	for i, p := range byPage {
		footer := "Sayfa " + strconv.Itoa(i+1) + " / " + strconv.Itoa(pages)
		if !strings.Contains(p, footer) {
			t.Errorf("page %d has no %q", i+1, footer)
		}
		if !strings.Contains(p, "No Açıklama Miktar Birim Birim Fiyat İskonto KDV Tutar") {
			t.Errorf("page %d does not repeat the table header", i+1)
		}
		if i > 0 && !strings.Contains(p, "Güneş Işıklandırma Ticaret Ltd. Şti. FATURA ABC2026000000001") {
			t.Errorf("page %d has no running head", i+1)
		}
		// Every line number appears once, in order, across the pages.
		for _, l := range strings.Split(p, "\n") {
			f := strings.Fields(l)
			if len(f) > 2 && f[0] == strconv.Itoa(next) && (f[2] == "adet" || f[2] == "kg") {
				next++
			}
		}
	}
	if next != 201 {
		t.Errorf("lines 1..%d found in order, want 1..200", next-1)
	}
	last := byPage[len(byPage)-1]
	if !strings.Contains(squash(last), "Genel Toplam "+tr.Decimal(d.Totals.GrandTotal, 2)+" TL") {
		t.Errorf("grand total not on the last page:\n%s", last)
	}
}

func TestDescriptionLongerThanAPage(t *testing.T) {
	d := sample(t, 2)
	var b strings.Builder
	for i := range 150 {
		b.WriteString("Satır " + strconv.Itoa(i+1) + " çok uzun açıklama\n")
	}
	b.WriteString(strings.Repeat("Ş", 500)) // one word wider than the column
	d.Lines[1].Description = b.String()
	out := render(t, d)
	if pages := checkStructure(t, out); pages < 3 {
		t.Fatalf("%d pages", pages)
	}
	text := poppler(t, out, "pdftotext", "-raw", "-enc", "UTF-8")
	for _, want := range []string{"Satır 1 çok uzun açıklama", "Satır 150 çok uzun açıklama"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q lost", want)
		}
	}
	if got := strings.Count(text, "Ş"); got < 500 {
		t.Errorf("%d Ş of the long word come back, want 500", got)
	}
}

func TestLogo(t *testing.T) {
	for _, c := range []struct {
		name string
		logo []byte
		n    int // images pdfimages lists (an alpha channel adds a soft mask)
	}{
		{"png with alpha", testPNG(t, 300, 120), 2},
		{"jpeg", testJPEG(t, 200, 200), 1},
		{"large png scaled down", testPNG(t, 3000, 200), 2},
		{"tall jpeg scaled down", testJPEG(t, 100, 1500), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := sample(t, 3)
			d.Logo = c.logo
			out := render(t, d)
			checkStructure(t, out)
			if !bytes.Contains(out, []byte("/Subtype /Image")) {
				t.Fatal("no image in the PDF")
			}
			list := poppler(t, out, "pdfimages", "-list")
			if got := strings.Count(list, "\n") - 2; got != c.n {
				t.Errorf("pdfimages lists %d images, want %d:\n%s", got, c.n, list)
			}
		})
	}
	out := render(t, sample(t, 3))
	if bytes.Contains(out, []byte("/Subtype /Image")) {
		t.Error("an image in a document without a logo")
	}
}

func TestBadLogo(t *testing.T) {
	good := testPNG(t, 40, 20)
	huge := func() []byte {
		// A valid header claiming 20000×20000 pixels.
		b := bytes.Clone(good)
		copy(b[16:24], []byte{0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20})
		binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
		return b
	}()
	for name, logo := range map[string][]byte{
		"text":            []byte("not an image at all"),
		"gif":             []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"png header only": good[:8],
		"truncated png":   good[:len(good)/2],
		"corrupt png":     append(bytes.Clone(good[:40]), bytes.Repeat([]byte{0xAA}, 200)...),
		"jpeg header":     []byte("\xff\xd8\xff\xe0junk"),
		"truncated jpeg":  testJPEG(t, 50, 50)[:300],
		"huge png":        huge,
	} {
		t.Run(name, func(t *testing.T) {
			d := sample(t, 1)
			d.Logo = logo
			var b bytes.Buffer
			err := Write(&b, d)
			if !errors.Is(err, ErrLogo) {
				t.Fatalf("err = %v, want ErrLogo", err)
			}
			if name == "huge png" && !strings.Contains(err.Error(), "20000×20000") {
				t.Errorf("err = %v, want the size refused", err)
			}
			if b.Len() != 0 {
				t.Errorf("%d bytes written despite the error", b.Len())
			}
		})
	}
}

func TestKindsLabelsCurrency(t *testing.T) {
	d := sample(t, 3)
	d.Kind = "receipt"
	if err := Write(&bytes.Buffer{}, d); !errors.Is(err, ErrKind) {
		t.Errorf("unknown kind: %v", err)
	}
	for kind, heading := range map[string]string{KindQuote: "TEKLİF", KindOrder: "SİPARİŞ"} {
		d := sample(t, 3)
		d.Kind = kind
		d.ValidUntil = d.Date.AddDate(0, 0, 15)
		text := poppler(t, render(t, d), "pdftotext", "-raw", "-enc", "UTF-8")
		if !strings.Contains(text, heading+" Belge No: ABC2026000000001") || !strings.Contains(text, "Geçerlilik Tarihi: 20.01.2026") {
			t.Errorf("%s:\n%s", kind, text)
		}
	}

	// Caller's labels win; missing ones stay Turkish.
	d = sample(t, 3)
	d.Labels = map[string]string{LabelInvoice: "INVOICE", LabelGrandTotal: "Grand total", LabelPage: "Page", LabelInWords: ""}
	d.Currency = "EUR"
	text := squash(poppler(t, render(t, d), "pdftotext", "-raw", "-enc", "UTF-8"))
	for _, want := range []string{"INVOICE Belge No:", "Grand total 1.479,05 EUR", "Ara Toplam 1.273,88 EUR", "Page 1 / 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in %s", want, text)
		}
	}
	if strings.Contains(text, "Türk lirası") {
		t.Error("amount in Turkish lira words on a euro document")
	}
	if len(LabelKeys()) != len(DefaultLabelsTR()) {
		t.Error("LabelKeys and DefaultLabelsTR disagree")
	}
}

func TestEmptyAndOddDocument(t *testing.T) {
	d := Document{Kind: KindQuote}
	checkStructure(t, render(t, d))

	d = sample(t, 2)
	d.Lines[0].UnitPrice = 922337203685477580
	d.Lines[0].Net = 922337203685477580
	d.Lines[0].Unit = "\x00\t\u200bkg₺😀"
	d.Firm.Title = "Firma\r\nİkinci satır"
	text := poppler(t, render(t, d), "pdftotext", "-raw", "-enc", "UTF-8")
	if !strings.Contains(text, "kgTL?") || !strings.Contains(text, "Firma İkinci satır") {
		t.Errorf("odd text not cleaned:\n%s", text)
	}
}

func TestClean(t *testing.T) {
	for _, c := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"  Ağır\tŞişe  ", false, "Ağır Şişe"},
		{"s\u0327u\u0308", false, "şü"}, // combining marks composed
		{"a\r\nb\nc", true, "a\nb\nc"},
		{"a\r\nb\nc", false, "a b c"},
		{"100 ₺", false, "100 TL"},
		{"x\x00\x07\u200by", false, "xy"},
		{"emoji 😀 and 中", false, "emoji ? and ?"},
	} {
		if got := clean(c.in, c.multiline); got != c.want {
			t.Errorf("clean(%q, %v) = %q, want %q", c.in, c.multiline, got, c.want)
		}
	}
	for _, r := range "ğĞşŞıİçÇöÖüÜ€" {
		if !hasGlyph(r) {
			t.Errorf("the Go fonts lack %c", r)
		}
	}
	if hasGlyph('₺') {
		t.Error("the Go fonts have ₺ now: print it instead of TL")
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		bp    int64
		blank bool
		want  string
	}{
		{2000, false, "%20"}, {100, false, "%1"}, {0, false, "%0"}, {0, true, ""},
		{1250, true, "%12,5"}, {1, false, "%0,01"}, {10000, false, "%100"},
	} {
		if got := percent(c.bp, c.blank); got != c.want {
			t.Errorf("percent(%d, %v) = %q, want %q", c.bp, c.blank, got, c.want)
		}
	}
}

// Write is called from concurrent requests; the fonts are shared.
func TestConcurrentWrites(t *testing.T) {
	d := sample(t, 20)
	d.Logo = testPNG(t, 100, 50)
	var wg sync.WaitGroup
	sizes := make([]int, 4)
	for i := range sizes {
		wg.Go(func() {
			var b bytes.Buffer
			if err := Write(&b, d); err != nil {
				t.Error(err)
			}
			sizes[i] = b.Len()
		})
	}
	wg.Wait()
	for _, n := range sizes {
		if n < 1000 {
			t.Errorf("PDF of %d bytes", n)
		}
	}
}

func BenchmarkWrite20(b *testing.B) {
	d := sample(b, 20)
	d.Logo = testPNG(b, 300, 120)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// FuzzLogo: any bytes give an error or a logo fpdf can embed; never a
// panic.
func FuzzLogo(f *testing.F) {
	f.Add(testPNG(f, 8, 4))
	f.Add(testJPEG(f, 8, 8))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("\xff\xd8\xff"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, logo []byte) {
		if _, err := prepareLogo(logo); err != nil {
			if !errors.Is(err, ErrLogo) {
				t.Fatalf("err = %v", err)
			}
			if len(logo) > 0 {
				return
			}
		}
		d := Document{Kind: KindInvoice, Logo: logo}
		var b bytes.Buffer
		err := Write(&b, d)
		if err != nil {
			if !errors.Is(err, ErrLogo) {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if embedded := bytes.Contains(b.Bytes(), []byte("/Subtype /Image")); embedded != (len(logo) > 0) {
			t.Fatalf("logo of %d bytes accepted; embedded: %v", len(logo), embedded)
		}
	})
}

// FuzzText: any text in any field renders without error or panic.
func FuzzText(f *testing.F) {
	f.Add(turkish, "adet", "Not\nikinci satır")
	f.Add("\x00\xff\xfe", "😀", "\u202e")
	f.Fuzz(func(t *testing.T, desc, unit, notes string) {
		d := Document{
			Kind: KindOrder, Number: desc, Firm: Party{Title: notes, Address: desc},
			Customer: Party{Title: unit}, NotesText: notes, PaymentTerms: desc,
			Lines:  []Line{{Description: desc, Unit: unit, Quantity: 1000}},
			Labels: map[string]string{LabelNotes: unit},
		}
		var b bytes.Buffer
		if err := Write(&b, d); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
	})
}
