package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	"kobicrm/store"
)

// The customer list with five custom fields (three of them list columns,
// two filters) on the large demo set, every customer holding values, to
// set beside BenchmarkCustomerListFirstPage: the extra columns must not
// make the list slower in any way that matters.
func BenchmarkCustomerListCustomFields(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	admin := scopeActor(b, st, "ayse@firma.com.tr", "")
	// The columns the list page reads by default, before and after.
	pageCols := []string{"display_name", "kind", "stage", "email", "phone", "province", "tags", "owner_id"}
	b.Run("page-columns-before", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50, Fields: pageCols}))
	})
	b.Run("all-columns-before", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50}))
	})
	for _, form := range []url.Values{
		{"kind": {"text"}, "label_tr": {"Şube"}, "list": {"1"}},
		{"kind": {"choice"}, "label_tr": {"Müşteri segmenti"}, "choices": {"Büyük\nOrta\nKüçük"}, "list": {"1"}, "filter": {"1"}},
		{"kind": {"multichoice"}, "label_tr": {"İlgi alanları"}, "choices": {"Yedek parça\nBakım\nSigorta\nKasko"}, "filter": {"1"}},
		{"kind": {"money"}, "label_tr": {"Yıllık ciro"}, "list": {"1"}},
		{"kind": {"date"}, "label_tr": {"İlk ziyaret"}},
	} {
		form.Set("module", "customers")
		cf, errs := store.ParseCustomFieldForm(form)
		if err := errs.Err(); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := st.AddCustomField(ctx, admin, cf); err != nil {
			b.Fatal(err)
		}
		b.Logf("adding %s to 100,000 customers took %v", cf.Name, time.Since(start).Round(time.Millisecond))
	}
	b.Run("all-columns-empty", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50}))
	})
	// Every customer gets values, written beside the store as a bulk load.
	db, err := sql.Open("sqlite", st.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE customers SET cf_sube = 'Şube ' || (id % 40),
		cf_musteri_segmenti = CASE id % 3 WHEN 0 THEN 'buyuk' WHEN 1 THEN 'orta' ELSE 'kucuk' END,
		cf_ilgi_alanlari = CASE id % 4 WHEN 0 THEN 'yedek_parca,bakim' WHEN 1 THEN 'sigorta' WHEN 2 THEN 'bakim,kasko' ELSE '' END,
		cf_yillik_ciro = id * 1000, cf_ilk_ziyaret = '2026-01-' || printf('%02d', 1 + id % 28)`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.Run("page-columns-after", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50, Fields: append(pageCols, "cf_sube", "cf_musteri_segmenti", "cf_yillik_ciro")}))
	})
	// A searchable field rebuilds the module's search entries: the cost
	// an administrator waits for once.
	cf, _ := store.ParseCustomFieldForm(url.Values{"module": {"customers"}, "kind": {"text"}, "label_tr": {"Bölge kodu"}, "search": {"1"}})
	start := time.Now()
	if _, err := st.AddCustomField(ctx, admin, cf); err != nil {
		b.Fatal(err)
	}
	b.Logf("adding a searchable field (search entries rebuilt) took %v", time.Since(start).Round(time.Millisecond))

	b.Run("all-columns-after", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50}))
	})
	b.Run("filter-choice", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50, Filters: map[string]string{"cf_musteri_segmenti": "buyuk"}}))
	})
	b.Run("filter-multichoice", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50, Filters: map[string]string{"cf_ilgi_alanlari": "kasko"}}))
	})
	b.Run("sort-by-choice", func(b *testing.B) {
		measure(b, listOp(st, admin, store.ListQuery{Limit: 50, Sort: "cf_musteri_segmenti"}))
	})
}
