package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"kobicrm/store"
)

// The duplicate benchmarks run on the large demo set (100,000 customers),
// into which dupFixture first puts 2,000 duplicates of the kinds an office
// makes: a person entered again with the same TCKN, a company with the
// same VKN, the same e-mail, an old number now among the more numbers, the
// same name in the same province. The demo set itself has unique numbers
// and addresses, but its names repeat as real names do: thousands of
// namesakes share a province.

// dupOriginal is what a benchmark keeps of a customer of the demo set.
type dupOriginal struct {
	id                                int64
	kind, first, last, title          string
	tckn, vkn, email, phone, province string
}

// dupFixture reads the customers of the benchmark's copy and adds the
// duplicates; it returns the customers as they were.
func dupFixture(b *testing.B, st *store.Store) []dupOriginal {
	b.Helper()
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, kind, first_name, last_name, title, tckn, vkn, email, phone, province
		FROM customers WHERE deleted_at IS NULL ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	var all []dupOriginal
	for rows.Next() {
		var o dupOriginal
		if err := rows.Scan(&o.id, &o.kind, &o.first, &o.last, &o.title, &o.tckn, &o.vkn, &o.email, &o.phone, &o.province); err != nil {
			b.Fatal(err)
		}
		all = append(all, o)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var dups []store.Values
	for i := 0; i < 2000; i++ {
		o := all[r.IntN(len(all))]
		v := o.values()
		v["phone"] = fmt.Sprintf("0532 9%02d %02d %02d", i/10000, (i/100)%100, i%100) // a new number
		v["email"] = ""
		v["tckn"], v["vkn"] = "", ""
		switch i % 5 {
		case 0: // the same identity number
			v["tckn"], v["vkn"] = o.tckn, o.vkn
		case 1:
			v["email"] = o.email
		case 2: // the old number kept among the more numbers
			v["phones"] = []store.PhoneEntry{{Label: "eski", Number: o.phone}}
		case 3: // the same name in the same province, nothing else
		case 4: // the same number and name
			v["phone"] = o.phone
		}
		dups = append(dups, v)
	}
	if _, err := st.CreateMany(context.Background(), store.SystemActor(), store.Customers, dups); err != nil {
		b.Fatalf("add duplicates: %v", err)
	}
	return all
}

func (o dupOriginal) values() store.Values {
	v := store.Values{"kind": o.kind, "province": o.province, "phone": o.phone, "email": o.email}
	if o.kind == "person" {
		v["first_name"], v["last_name"], v["tckn"] = o.first, o.last, o.tckn
	} else {
		v["title"], v["vkn"] = o.title, o.vkn
	}
	return v
}

// One record's check, as the customer form makes it before saving: the
// values of a customer of the set, looked up by each of its keys.
func BenchmarkFindDuplicates(b *testing.B) {
	st := benchStore(b)
	all := dupFixture(b, st)
	ctx, sys := context.Background(), store.SystemActor()
	i, found := 0, 0
	measure(b, func() error {
		o := all[(i*7919)%len(all)]
		i++
		d, err := st.FindDuplicates(ctx, sys, store.Customers, o.values(), o.id)
		found += len(d)
		return err
	})
	b.ReportMetric(float64(found)/float64(i), "dups/op")
}

// The duplicates page: the first page of pairs and a page deep in them,
// for the administrator and for a salesperson who sees her own customers.
func BenchmarkScanDuplicates(b *testing.B) {
	st := benchStore(b)
	dupFixture(b, st)
	ctx := context.Background()
	for _, c := range scopeCases[:2] {
		a := scopeActor(b, st, c.email, c.role)
		total, cursor := 0, ""
		var deep string
		for {
			pairs, next, err := st.ScanDuplicates(ctx, a, store.Customers, store.MaxLimit, cursor)
			if err != nil {
				b.Fatal(err)
			}
			total += len(pairs)
			if total > 5000 && deep == "" {
				deep = next
			}
			if next == "" {
				break
			}
			cursor = next
		}
		b.Run(c.name+"/first", func(b *testing.B) {
			measure(b, func() error {
				pairs, _, err := st.ScanDuplicates(ctx, a, store.Customers, 50, "")
				if err == nil && len(pairs) == 0 {
					err = fmt.Errorf("no duplicate pairs")
				}
				return err
			})
			b.ReportMetric(float64(total), "pairs")
		})
		if deep != "" {
			b.Run(c.name+"/deep", func(b *testing.B) {
				measure(b, func() error {
					_, _, err := st.ScanDuplicates(ctx, a, store.Customers, 50, deep)
					return err
				})
			})
		}
	}
}

// An import's check of 100,000 rows: the index of the existing customers
// is built, then each row is matched against it and the rows before it,
// and added. The rows are the set's own customers with new numbers, one
// in ten keeping its e-mail: a file of the firm's own contacts, exported
// from another program.
func BenchmarkDupIndexImport(b *testing.B) {
	st := benchStore(b)
	all := dupFixture(b, st)
	rows := make([]store.Values, 0, 100000)
	for i := 0; len(rows) < cap(rows); i++ {
		o := all[i%len(all)]
		v := o.values()
		v["tckn"], v["vkn"] = "", ""
		v["phone"] = fmt.Sprintf("0533 %03d %02d %02d", i/10000, (i/100)%100, i%100)
		if i%10 != 0 {
			v["email"] = ""
		}
		rows = append(rows, v)
	}
	ctx, sys := context.Background(), store.SystemActor()
	var build, check time.Duration
	matched := 0
	measure(b, func() error {
		start := time.Now()
		x, err := st.DuplicateIndex(ctx, sys, store.Customers)
		if err != nil {
			return err
		}
		build = time.Since(start)
		matched = 0
		for i, v := range rows {
			if len(x.Match(v)) > 0 {
				matched++
			}
			x.Add(-int64(i+1), v)
		}
		check = time.Since(start) - build
		return nil
	})
	b.ReportMetric(float64(build.Milliseconds()), "build-ms")
	b.ReportMetric(float64(check.Milliseconds()), "100k-rows-ms")
	b.ReportMetric(float64(matched), "rows-matched")
}
