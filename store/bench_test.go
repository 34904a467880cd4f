package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"kobicrm/store"
	"kobicrm/store/demo"
)

// The store benchmarks run on the large demo set: 100,000 customers,
// about 42,000 contact links and 30,000 assets. The set is generated only
// when a benchmark first needs it (plain `go test` never pays for it) and
// cached under the system temp folder, keyed by the schema version and
// the generator version; the ui benchmarks share the same file. Every
// benchmark works on its own copy, so the cache is never written.

var largeSet struct {
	once sync.Once
	path string
	err  error
}

// largeCache returns the cached large demo database, generating it first
// if needed: an administrator (who owns the records), then the demo set.
// It is built under a unique name and renamed into place, so a run that
// is interrupted, or another package's benchmarks building the same set at
// the same time, never leave a half-built cache behind.
func largeCache() (string, error) {
	name := fmt.Sprintf("kobicrm-bench-large-s%d-g%d.db", store.SchemaVersion(), demo.Version)
	path := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	f, err := os.CreateTemp(os.TempDir(), name+".*.building")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}()
	fmt.Fprintf(os.Stderr, "generating the large demo set into %s (once; later runs reuse it)\n", path)
	ctx := context.Background()
	st, err := store.Open(ctx, tmp)
	if err != nil {
		return "", err
	}
	_, err = st.CreateUser(ctx, store.SystemActor(), store.NewUser{Name: "Ayşe Yılmaz", Email: "ayse@firma.com.tr",
		Password: "Kedi-Mavi-Tekne-42", PasswordAgain: "Kedi-Mavi-Tekne-42", Admin: true})
	if err == nil {
		_, err = demo.Generate(ctx, st, "large", io.Discard)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// benchStore opens a private copy of the large demo set.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	largeSet.once.Do(func() { largeSet.path, largeSet.err = largeCache() })
	if largeSet.err != nil {
		b.Fatalf("large demo set: %v", largeSet.err)
	}
	dst := filepath.Join(b.TempDir(), "bench.db")
	if err := copyFile(largeSet.path, dst); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(context.Background(), dst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// measure runs op in b.Loop and reports the median time of one call as
// ms-p50 beside Go's mean ns/op: the targets are medians.
func measure(b *testing.B, op func() error) {
	b.Helper()
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
}

// listOp is a List call that must return a full page.
func listOp(st *store.Store, q store.ListQuery) func() error {
	ctx, sys := context.Background(), store.SystemActor()
	return func() error {
		p, err := st.List(ctx, sys, store.Customers, q)
		if err == nil && len(p.Records) != q.Limit {
			err = fmt.Errorf("a page of %d rows, want %d", len(p.Records), q.Limit)
		}
		return err
	}
}

func BenchmarkCustomerListFirstPage(b *testing.B) {
	st := benchStore(b)
	measure(b, listOp(st, store.ListQuery{Limit: 50}))
}

// A page 1,000 pages (50,000 rows) into the list costs what the first
// does: keyset paging seeks, it never skips.
func BenchmarkCustomerListDeepPage(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	q := store.ListQuery{Limit: 50}
	for i := range 1000 {
		p, err := st.List(ctx, store.SystemActor(), store.Customers, q)
		if err != nil || p.Next == "" {
			b.Fatalf("walking the list, page %d: %v", i, err)
		}
		q.Cursor = p.Next
	}
	measure(b, listOp(st, q))
}

func BenchmarkCustomerFilterProvince(b *testing.B) {
	st := benchStore(b)
	measure(b, listOp(st, store.ListQuery{Limit: 50, Filters: map[string]string{"province": "Isparta"}}))
}

// Sorting by name descending walks the name index the other way.
func BenchmarkCustomerSortByName(b *testing.B) {
	st := benchStore(b)
	measure(b, listOp(st, store.ListQuery{Limit: 50, Sort: "display_name", Desc: true}))
}

func BenchmarkGlobalSearch(b *testing.B) {
	st := benchStore(b)
	ctx, sys := context.Background(), store.SystemActor()
	for _, q := range []struct{ name, text string }{
		{"surname", "yılmaz"},
		{"partial-phone", "0532 41"},
	} {
		b.Run(q.name, func(b *testing.B) {
			measure(b, func() error {
				groups, err := st.Search(ctx, sys, q.text, 10)
				if err == nil && len(groups) == 0 {
					err = fmt.Errorf("search %q found nothing", q.text)
				}
				return err
			})
		})
	}
}

func BenchmarkPhoneLookup(b *testing.B) {
	st := benchStore(b)
	ctx, sys := context.Background(), store.SystemActor()
	p, err := st.List(ctx, sys, store.Customers, store.ListQuery{Filters: map[string]string{"kind": "person"}, Limit: 1})
	if err != nil || len(p.Records) == 0 {
		b.Fatalf("a person to look up: %v", err)
	}
	e164 := p.Records[0].Values.Str("phone")
	typed := "0" + e164[3:6] + " " + e164[6:9] + " " + e164[9:11] + " " + e164[11:] // as people type it
	measure(b, func() error {
		_, found, err := st.LookupPhone(ctx, sys, typed)
		if err == nil && len(found) == 0 {
			err = fmt.Errorf("lookup %s found nothing", typed)
		}
		return err
	})
}

// The store side of the customer page: the record, its contact persons
// and its assets, for the company with the most contacts and assets.
func BenchmarkCustomer360Store(b *testing.B) {
	st := benchStore(b)
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		b.Fatal(err)
	}
	var id int64
	err = db.QueryRow(`
		SELECT c.company_id FROM customer_contacts c JOIN assets a ON a.customer_id = c.company_id
		GROUP BY c.company_id ORDER BY count(DISTINCT c.person_id) DESC, count(DISTINCT a.id) DESC, c.company_id LIMIT 1`).Scan(&id)
	db.Close()
	if err != nil {
		b.Fatalf("a company with contacts and assets: %v", err)
	}
	ctx, sys := context.Background(), store.SystemActor()
	measure(b, func() error {
		if _, err := st.Get(ctx, sys, store.Customers, id); err != nil {
			return err
		}
		contacts, err := st.Contacts(ctx, sys, id)
		if err != nil {
			return err
		}
		assets, err := st.Children(ctx, sys, store.Assets, "customer_id", id, 100)
		if err == nil && (len(contacts) == 0 || len(assets) == 0) {
			err = fmt.Errorf("company %d: %d contacts, %d assets", id, len(contacts), len(assets))
		}
		return err
	})
}
