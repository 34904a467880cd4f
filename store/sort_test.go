package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// pageAll pages through a module's list sorted by one field, limit rows a
// page, and returns the records in the order the pages gave them.
func pageAll(t *testing.T, st *Store, a *Actor, m *Module, sort string, desc bool, limit int) []*Record {
	t.Helper()
	var out []*Record
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatalf("%s sorted by %s: paging does not end", m.Key, sort)
		}
		p, err := st.List(context.Background(), a, m, ListQuery{Sort: sort, Desc: desc, Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatalf("list %s sorted by %s (desc %v): %v", m.Key, sort, desc, err)
		}
		if len(p.Records) > limit {
			t.Fatalf("a page of %d records, limit %d", len(p.Records), limit)
		}
		out = append(out, p.Records...)
		if p.Next == "" {
			return out
		}
		cursor = p.Next
	}
}

// checkSorted pages through the list sorted by field both ways and fails
// the test unless every record of want comes exactly once, in the order of
// (value, id).
func checkSorted(t *testing.T, st *Store, a *Actor, m *Module, field string, want []*Record) {
	t.Helper()
	if !m.Sortable(field) {
		t.Fatalf("%s.%s is not sortable", m.Key, field)
	}
	asc := slices.Clone(want)
	slices.SortFunc(asc, func(x, y *Record) int {
		if c := strings.Compare(x.Values.Str(field), y.Values.Str(field)); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	for _, tc := range []struct {
		desc bool
		want []*Record
	}{{false, asc}, {true, desc}} {
		got := pageAll(t, st, a, m, field, tc.desc, 2)
		seen := map[int64]int{}
		for _, r := range got {
			seen[r.ID]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s by %s (desc %v): record %d came %d times", m.Key, field, tc.desc, id, n)
			}
		}
		if fmt.Sprint(ids(got)) != fmt.Sprint(ids(tc.want)) {
			t.Errorf("%s by %s (desc %v):\n got %v\nwant %v", m.Key, field, tc.desc, show(got, field), show(tc.want, field))
		}
	}
}

func ids(rs []*Record) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func show(rs []*Record, field string) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%d:%q", r.ID, r.Values.Str(field))
	}
	return out
}

// TestSortByContactAndAssetColumns: customers sort by e-mail and phone,
// assets by serial number and plate, both ways, page by page (keyset
// paging over equal and empty values too), each record exactly once.
func TestSortByContactAndAssetColumns(t *testing.T) {
	st := newTestStore(t)
	admin := ActorFor(mustAdmin(t, st))
	ctx := context.Background()

	// Equal values and empty ones on purpose: the id breaks the ties.
	contacts := []struct{ email, phone string }{
		{"zeynep@ornek.com.tr", "0532 111 22 33"},
		{"ali@ornek.com.tr", "0212 555 12 12"},
		{"", "0532 111 22 33"},
		{"ali@ornek.com.tr", ""},
		{"mehmet@ornek.com.tr", "0312 444 00 01"},
		{"", ""},
		{"ayse@ornek.com.tr", "0505 999 88 77"},
	}
	var customers []*Record
	for i, c := range contacts {
		v := person("Kişi", fmt.Sprintf("%c", 'A'+i), Values{"email": c.email, "phone": c.phone})
		if i%2 == 1 {
			v = company(fmt.Sprintf("Şirket %d", i), Values{"email": c.email, "phone": c.phone})
		}
		r := mustCreate(t, st, admin, Customers, v)
		got, err := st.Get(ctx, admin, Customers, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		customers = append(customers, got)
	}
	checkSorted(t, st, admin, Customers, "email", customers)
	checkSorted(t, st, admin, Customers, "phone", customers)

	owner := customers[0].ID
	items := []struct{ serial, plate string }{
		{"SN-300", "34 ABC 123"},
		{"sn-100", "06 A 1234"},
		{"", "34 ABC 123"},
		{"SN-300", ""},
		{"AB-7", "35 AB 456"},
		{"", ""},
	}
	var assets []*Record
	for i, it := range items {
		r := mustCreate(t, st, admin, Assets, Values{"customer_id": owner, "kind": "vehicle",
			"name": fmt.Sprintf("Araç %d", i), "serial_no": it.serial, "plate": it.plate})
		got, err := st.Get(ctx, admin, Assets, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		assets = append(assets, got)
	}
	checkSorted(t, st, admin, Assets, "serial_no", assets)
	checkSorted(t, st, admin, Assets, "plate", assets)
}

// TestSortIndexes: every new sortable column has its keyset index, on
// (column, id) over the live rows.
func TestSortIndexes(t *testing.T) {
	st := newTestStore(t)
	for _, tc := range []struct {
		index, table, column string
		m                    *Module
	}{
		{"customers_email_order", "customers", "email", Customers},
		{"customers_phone_order", "customers", "phone", Customers},
		{"assets_serial_order", "assets", "serial_no", Assets},
		{"assets_plate_order", "assets", "plate", Assets},
		{"customers_quality_order", "customers", "quality", Customers},
	} {
		var table, sql string
		err := st.reader.QueryRow("SELECT tbl_name, sql FROM sqlite_schema WHERE type = 'index' AND name = ?", tc.index).Scan(&table, &sql)
		if err != nil {
			t.Errorf("index %s: %v", tc.index, err)
			continue
		}
		if table != tc.table || !strings.Contains(sql, "WHERE deleted_at IS NULL") {
			t.Errorf("index %s is on %s: %s", tc.index, table, sql)
		}
		rows, err := st.reader.Query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", tc.index)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		// The list sorts by the field's own column (no collation key).
		col, err := tc.m.sortColumn(tc.column)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{col, "id"}; !slices.Equal(cols, want) {
			t.Errorf("index %s covers %v, want %v", tc.index, cols, want)
		}
	}
}
