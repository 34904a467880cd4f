package e2e

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/charmap"
)

// importFile is a customer list as Turkish Excel saves "CSV": Windows-1254,
// ';' between cells, a decimal comma, and a column ("Cep No") whose name
// the importer cannot know; the fourth row has no last name.
const importFile = "Tür;Ad;Soyad;Unvan;E-posta;Cep No;İl;Çalışan sayısı;TC Kimlik No\r\n" +
	"Bireysel;Şükrü;Çağlar;;sukru@ornek.com.tr;0532 111 22 33;İzmir;;10000000146\r\n" +
	"Kurumsal;;;Öztürk Gıda A.Ş.;;0212 444 55 66;ISPARTA;1.250,00;\r\n" +
	"Bireysel;Ayşe;;;;0533 000 00 01;Ankara;;\r\n"

// writeCP1254 writes text encoded as Windows-1254 into dir.
func writeCP1254(t testing.TB, dir, name, text string) string {
	t.Helper()
	b, err := charmap.Windows1254.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportCLI: "kobicrm import" reads Turkish Excel's CSV, reports every
// row it could not take and exits 1 for them; -update-by tckn then updates
// the record the TCKN matches; a key the file cannot give is a usage error.
func TestImportCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "kobicrm.db")
	file := writeCP1254(t, dir, "müşteriler.csv", importFile)

	r := runBinary(t, nil, "", "import", "-module", "customers", "-db", db, file)
	if r.ExitCode != 1 {
		t.Fatalf("import with a bad row exited %d, want 1\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"Dosya: müşteriler.csv", "Windows-1254", `ayraç: ";"`, `ondalık işareti: ","`, "Ad → Ad",
		"Alınmayan sütunlar: Cep No", "3 satırdan 2 eklendi, 0 güncellendi, 0 atlandı, 1 alınamadı",
		`satır 4, sütun Soyad, değer "": Bu alan zorunlu.`} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.Stdout)
		}
	}
	if !strings.Contains(r.Stderr, "1 satır alınamadı") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	province := func() string {
		var p string
		if err := sdb.QueryRow("SELECT province FROM customers WHERE tckn = '10000000146'").Scan(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := province(); p != "İzmir" {
		t.Fatalf("Şükrü's province is %q", p)
	}

	// Update by TCKN, in English this time.
	update := writeCP1254(t, dir, "guncel.csv", "TC Kimlik No;Ad;Soyad;İl\r\n10000000146;Şükrü;Çağlar;Ankara\r\n")
	r = runBinary(t, []string{"LANG=en_GB.UTF-8"}, "", "import", "-db", db, "-module", "customers", "-update-by", "tckn", update)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "Result: of 1 rows, 0 created, 1 updated, 0 skipped, 0 failed.") {
		t.Fatalf("update by tckn exited %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if p := province(); p != "Ankara" {
		t.Errorf("after the update Şükrü's province is %q", p)
	}
	var n int
	if err := sdb.QueryRow("SELECT count(*) FROM customers").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d customers (%v), want 2", n, err)
	}

	for _, args := range [][]string{
		{"import", "-db", db, file},                                                // no module
		{"import", "-module", "users", "-db", db, file},                            // not importable
		{"import", "-module", "customers", "-db", db},                              // no file
		{"import", "-module", "customers", "-update-by", "vkn", "-db", db, file},   // not in the file
		{"import", "-module", "customers", "-update-by", "Sicil", "-db", db, file}, // no such column
	} {
		r := runBinary(t, nil, "", args...)
		if r.ExitCode != 2 || !strings.Contains(r.Stderr, "Usage:") {
			t.Errorf("kobicrm %s exited %d, want 2 with the usage\nstderr: %s", strings.Join(args, " "), r.ExitCode, r.Stderr)
		}
	}
	if r := runBinary(t, nil, "", "help"); !strings.Contains(r.Stdout, "kobicrm import -module customers [-update-by tckn|vkn|email|phone|COLUMN] [-db PATH] FILE") {
		t.Errorf("help does not show the import command:\n%s", r.Stdout)
	}
}

// TestImportWizard: the wizard in a browser, from the customer list's link
// to the imported customers in the list, with one column mapped by hand.
func TestImportWizard(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)
	file := writeCP1254(t, srv.Dir, "müşteriler.csv", importFile)

	b.open("/customers", 200)
	b.submit("#import-link", 200)
	b.wantPath("/customers/import")
	b.run("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{file}))
	b.submit("#import-upload-submit", 200)
	if !strings.HasSuffix(b.path(), "/map") {
		t.Fatalf("the upload went to %s", b.path())
	}
	if got := b.text("#import-format"); !strings.Contains(got, "Windows-1254") || !strings.Contains(got, `ayraç: ";"`) {
		t.Errorf("the detected format reads %q", got)
	}
	expect(t, b.value("#column_1") == "first_name", "Ad is mapped to %q", b.value("#column_1"))
	expect(t, b.value("#column_5") == "", "Cep No is mapped to %q before it was chosen", b.value("#column_5"))
	expect(t, b.value("#decimal") == ",", "the decimal mark is %q", b.value("#decimal"))
	b.setValue("#column_5", "phone")
	b.submit("#import-map-submit", 200)
	if !strings.HasSuffix(b.path(), "/preview") {
		t.Fatalf("the mapping went to %s", b.path())
	}
	if got := b.text(`tr[data-row="4"] .problems`); !strings.Contains(got, "Soyad: Bu alan zorunlu.") {
		t.Errorf("row 4's problems read %q", got)
	}
	expect(t, b.exists(`tr[data-row="4"] td.bad`), "row 4's empty last name is not marked")
	if got := b.text(`tr[data-row="2"] .badge`); got != "Eklenecek" {
		t.Errorf("row 2 would %q", got)
	}
	b.submit("#import-run", 200)

	// The result page refreshes itself until the run is over.
	deadline := time.Now().Add(actionTimeout)
	for b.text("#import-status") != "Tamamlandı" {
		if time.Now().After(deadline) {
			t.Fatalf("the import reads %q after %s", b.text("#import-status"), actionTimeout)
		}
		time.Sleep(500 * time.Millisecond)
		b.open(b.path(), 200)
	}
	b.checkPage("import result")
	expect(t, b.text("#count-created") == "2" && b.text("#count-failed") == "1",
		"created %s, failed %s", b.text("#count-created"), b.text("#count-failed"))
	expect(t, b.exists("#import-errors-csv") && b.exists("#import-undo"), "no error file link or undo button")

	b.submit("#import-list", 200)
	b.wantPath("/customers")
	names := b.listNames()
	if !slices.Contains(names, "Şükrü Çağlar") || !slices.Contains(names, "Öztürk Gıda A.Ş.") || len(names) != 2 {
		t.Errorf("the list shows %q", names)
	}
	// The number, then its ETK badges: no consent recorded yet.
	if got := b.rowCells("Şükrü Çağlar")["Telefon"]; got != "0532 111 22 33 Arama ✗ SMS ✗" {
		t.Errorf("Şükrü's phone reads %q", got)
	}
	b.wantNoConsoleErrors()
}
