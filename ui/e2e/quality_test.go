package e2e

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The data-quality score and the vCard export in the real binary: the
// home page's figure leads to the weakest records, a gap on a customer's
// page leads to its input and filling it raises the score, the list
// filters by band and sorts by the score; the customer page hands out the
// card; the command line exports the customers as one .vcf file.

// scoreOf reads the "72/100" of a quality meter's figure.
func scoreOf(t testing.TB, text string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(text), "/100"))
	if err != nil {
		t.Fatalf("a score of %q", text)
	}
	return n
}

func TestDataQualityInBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	w := newWebClient(t, srv)
	w.login(adminEmail, adminPassword)
	// A complete person (100), a thin one (name, phone, province and owner:
	// 46) and a thin company (37).
	seedCustomer(t, w, "person", person("Şükrü", "Çelik", "İzmir", "tckn", validTCKN, "email", "sukru@celikoto.com.tr",
		"phone", sukruPhone, "birth_date", "1979-03-14", "district", "Karşıyaka", "address", "Cemal Gürsel Cd. No: 12/3", "postal_code", "35600"))
	thin := seedCustomer(t, w, "person", person("Oğuz", "Ünal", "Isparta", "phone", "0505 111 22 33"))
	seedCustomer(t, w, "company", url.Values{"title": {"Boş Ticaret Ltd. Şti."}, "province": {"Ankara"}, "phone": {"0312 444 55 66"}})

	// The home page: the average of the three, and the way to the weak ones.
	b.open("/", 200)
	b.waitVisible("#home-quality")
	if got := scoreOf(t, b.text("#home-quality .score")); got != 61 {
		t.Errorf("the home page's figure is %d, want 61 ((100 + 46 + 37) / 3)", got)
	}
	if got := b.text("#quality-low-link"); !strings.Contains(got, "2 müşterinin kaydı zayıf") {
		t.Errorf("the link to the weak records reads %q", got)
	}
	b.submit("#quality-low-link", 200)
	b.wantPath("/customers")
	if got := b.listNames(); fmt.Sprint(got) != "[Boş Ticaret Ltd. Şti. Oğuz Ünal]" {
		t.Errorf("the weak records, weakest first: %q", got)
	}
	if got := b.listColumn("Veri kalitesi"); fmt.Sprint(got) != "[37 · Düşük 46 · Düşük]" {
		t.Errorf("the quality column reads %q", got)
	}
	if got := b.value("#filter-quality"); got != "low" {
		t.Errorf("the band filter shows %q, want low", got)
	}
	b.review("quality-low")

	// The thin person's page names the gaps, heaviest first; the e-mail's
	// link opens the form at the e-mail; saving it raises the score.
	b.open(fmt.Sprintf("/customers/%d", thin), 200)
	before := scoreOf(t, b.text("#quality .score"))
	gaps := b.text("#quality-gaps")
	if before != 46 || !strings.HasPrefix(gaps, "E-posta eksik") || !strings.Contains(gaps, "TCKN girilmemiş") || strings.Contains(gaps, "Telefon eksik") {
		t.Errorf("the thin person's score %d and gaps %q", before, gaps)
	}
	b.review("quality-gaps")
	b.submit(`#quality-gaps a[href$="#f-email"]`, 200)
	b.wantPath(fmt.Sprintf("/customers/%d/edit", thin))
	b.setValue("#f-email", "oguz@unal.com.tr")
	b.submit("#record-save", 200)
	if after := scoreOf(t, b.text("#quality .score")); after != before+15 {
		t.Errorf("after adding the e-mail the score is %d, want %d", after, before+15)
	}
	if strings.Contains(b.text("#quality-gaps"), "E-posta eksik") {
		t.Error("the e-mail is still named as missing")
	}

	// The list's band filter, and sorting by the score from its column.
	b.open("/customers", 200)
	b.click("details.morefilters summary")
	b.setValue("#filter-quality", "high")
	b.submit("#filter-submit", 200)
	if got := b.listNames(); fmt.Sprint(got) != "[Şükrü Çelik]" {
		t.Errorf("the high band lists %q", got)
	}
	b.open("/customers", 200)
	b.submit(`table.list thead a[href*="sort=quality"]`, 200)
	if got := b.listNames(); fmt.Sprint(got) != "[Boş Ticaret Ltd. Şti. Oğuz Ünal Şükrü Çelik]" {
		t.Errorf("sorted by quality: %q", got)
	}

	// The customer page hands out the customer's card.
	b.open(fmt.Sprintf("/customers/%d", thin), 200)
	href, _ := b.attr("#vcard-link", "href")
	if _, download := b.attr("#vcard-link", "download"); href != fmt.Sprintf("/customers/%d/vcard", thin) || !download {
		t.Errorf("the vCard link is %q (download %v)", href, download)
	}
	card := w.get(href)
	if card.Status != 200 || !strings.Contains(card.Body, "FN:Oğuz Ünal\r\n") || !strings.Contains(card.Body, "EMAIL;TYPE=home:oguz@unal.com.tr\r\n") {
		t.Errorf("the card (%d):\n%s", card.Status, card.Body)
	}
	b.wantNoConsoleErrors()
}

// TestCLIExportVCard: "export -format vcf" writes the customers as one
// .vcf file; the assets have no cards.
func TestCLIExportVCard(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if r := runBinary(t, nil, "", "demo", "-size", "small", "-db", db); r.ExitCode != 0 {
		t.Fatalf("demo exited %d: %s", r.ExitCode, r.Stderr)
	}
	out := filepath.Join(dir, "rehber.vcf")
	r := runBinary(t, nil, "", "export", "-module", "customers", "-format", "vcf", "-db", db, out)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "200") {
		t.Fatalf("export -format vcf exited %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(body), "BEGIN:VCARD\r\n"); n != 200 || strings.Count(string(body), "END:VCARD\r\n") != 200 {
		t.Errorf("%d cards in the file, want 200", n)
	}
	r = runBinary(t, nil, "", "export", "-module", "assets", "-format", "vcf", "-db", db, filepath.Join(dir, "varliklar.vcf"))
	if r.ExitCode != 2 || !strings.Contains(r.Stderr, "vcf") {
		t.Errorf("export of assets as vcf exited %d: %s", r.ExitCode, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "varliklar.vcf")); err == nil {
		t.Error("a refused export left a file")
	}
}
