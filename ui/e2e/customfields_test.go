package e2e

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// An administrator adds a choice field "Müşteri segmenti" to customers,
// sets it on a customer through the edit form, sees it as a list column
// and filters the list by it; then removes it behind a confirmation.
func TestCustomFieldsInTheBrowser(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	b.completeSetup(adminName, adminEmail, adminPassword)

	b.open("/", 200)
	if !b.exists(`nav a[href="/admin/fields"]`) {
		t.Fatal("the administration menu does not link the custom fields page")
	}
	b.open("/admin/fields", 200)
	b.setValue("#f-module", "customers")
	b.setValue("#f-kind", "choice")
	b.setValue("#f-label_tr", "Müşteri segmenti")
	b.setValue("#f-label_en", "Customer segment")
	// A choice field without choices is refused, the form kept.
	b.submit("#field-add", 422)
	if b.text("#e-choices") == "" {
		t.Error("the missing choices are not named")
	}
	if b.value("#f-label_tr") != "Müşteri segmenti" {
		t.Errorf("the form lost the label: %q", b.value("#f-label_tr"))
	}
	b.setValue("#f-choices", "Büyük | Large\nOrta | Medium\nKüçük | Small")
	if !b.exists(`input[name="list"]:checked`) {
		b.click(`input[name="list"]`)
	}
	b.click(`input[name="filter"]`)
	b.submit("#field-add", 200)
	b.wantFlash("Alan eklendi.")
	b.review("custom-fields-admin")
	if got := b.text(`tr[data-field="cf_musteri_segmenti"]`); !strings.Contains(got, "Müşteri segmenti") || !strings.Contains(got, "Büyük / Large") {
		t.Errorf("the new field's row reads %q", got)
	}

	// Two customers; one gets a segment through its edit form.
	for _, name := range [][2]string{{"Deniz", "Öztürk"}, {"Ece", "Kara"}} {
		b.open("/customers/new?kind=person", 200)
		b.setValue("#f-first_name", name[0])
		b.setValue("#f-last_name", name[1])
		b.submit("#record-save", 200)
	}
	id := b.recordID("customers")
	b.open("/customers/"+strconv.FormatInt(id, 10)+"/edit", 200)
	if !b.exists(`#f-cf_musteri_segmenti option[value="orta"]`) {
		t.Fatal("the edit form has no segment choices")
	}
	b.setValue("#f-cf_musteri_segmenti", "buyuk")
	b.submit("#record-save", 200)
	if got := b.text("main"); !strings.Contains(got, "Müşteri segmenti") || !strings.Contains(got, "Büyük") {
		t.Errorf("the customer page does not show the segment: %q", got)
	}

	b.open("/customers", 200)
	col := b.listColumn("Müşteri segmenti")
	if !slices.Contains(col, "Büyük") || !slices.Contains(col, "") {
		t.Errorf("segment column: %q", col)
	}
	b.setValue("#filter-cf_musteri_segmenti", "buyuk")
	b.submit("#filter-submit", 200)
	if got := b.listNames(); !slices.Equal(got, []string{"Ece Kara"}) {
		t.Errorf("filtered by segment: %q", got)
	}
	b.review("custom-field-list")

	// Removing asks first and then names the backup.
	b.open("/admin/fields", 200)
	b.submit("#remove-cf_musteri_segmenti", 200)
	if got := b.text("main h1"); !strings.Contains(got, "Müşteri segmenti") {
		t.Errorf("confirmation heading: %q", got)
	}
	b.submit("#confirm-submit", 200)
	if got := b.flashOK(); !strings.Contains(got, "before-removing-cf_musteri_segmenti.db") {
		t.Errorf("the removal does not name its backup: %q", got)
	}
	b.open("/customers", 200)
	if slices.Contains(b.listHeaders(), "Müşteri segmenti") {
		t.Error("the removed field is still a column")
	}
	b.wantNoConsoleErrors("422")
}
