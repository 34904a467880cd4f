package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCrashKeepsCommittedWrites kills a process creating customers with
// SIGKILL and checks, on reopen, that the file is sound and holds every
// customer the child reported as committed. synchronous=NORMAL in WAL mode may lose the
// last commits on power loss, but never on a process crash.
func TestCrashKeepsCommittedWrites(t *testing.T) {
	if os.Getenv("KOBICRM_CRASH_CHILD") != "" {
		t.Skip("child process runs TestCrashChild only")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v=false")
	cmd.Env = append(os.Environ(), "KOBICRM_CRASH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var committed []int64
	lines := bufio.NewScanner(out)
	deadline := time.After(60 * time.Second)
	got := make(chan int64)
	go func() {
		defer close(got)
		for lines.Scan() {
			if id, err := strconv.ParseInt(lines.Text(), 10, 64); err == nil {
				got <- id
			}
		}
	}()
	for len(committed) < 1000 {
		select {
		case id, ok := <-got:
			if !ok {
				t.Fatalf("child stopped after %d writes", len(committed))
			}
			committed = append(committed, id)
		case <-deadline:
			t.Fatalf("child wrote only %d rows in 60 s", len(committed))
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for id := range got { // ids printed before the kill landed are committed too
		committed = append(committed, id)
	}
	_ = cmd.Wait()

	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer st.Close()
	check, err := st.IntegrityCheck(context.Background())
	if err != nil || check != "ok" {
		t.Fatalf("integrity after crash: %q, %v", check, err)
	}
	for _, id := range committed {
		if _, err := st.Get(context.Background(), SystemActor(), Customers, id); err != nil {
			t.Fatalf("committed customer %d is missing after the crash (%v)", id, err)
		}
	}
	t.Logf("%d committed rows survived SIGKILL", len(committed))
}

// TestCrashChild is the writing process of the crash test; it does nothing
// unless started by it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("KOBICRM_CRASH_CHILD")
	if path == "" {
		t.Skip("started only by TestCrashKeepsCommittedWrites")
	}
	st, err := Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	// Writes go through the real path: group commit, checks, side tables
	// and the search index, several writers at once as in the office.
	w := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; ; i++ {
				rec, err := st.Create(context.Background(), SystemActor(), Customers,
					person("Çökme", fmt.Sprintf("Testi %d-%d", g, i), Values{"phone": "0532 123 45 67", "tags": []string{"kaza"}}))
				if err != nil {
					fmt.Fprintln(os.Stderr, "child create:", err)
					os.Exit(3)
				}
				// Reported only after the commit returned.
				mu.Lock()
				fmt.Fprintln(w, rec.ID)
				w.Flush()
				mu.Unlock()
			}
		}(g)
	}
	select {}
}
