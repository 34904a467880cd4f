package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestCrashKeepsCommittedWrites kills a writing process with SIGKILL and
// checks, on reopen, that the file is sound and holds every write the
// child reported as committed. synchronous=NORMAL in WAL mode may lose the
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
		var n int
		if err := st.reader.QueryRow("SELECT count(*) FROM crash_probe WHERE id = ?", id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("committed row %d is missing after the crash (%v)", id, err)
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
	if _, err := st.writer.Exec("CREATE TABLE IF NOT EXISTS crash_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL)"); err != nil {
		fmt.Fprintln(os.Stderr, "child create:", err)
		os.Exit(3)
	}
	w := bufio.NewWriter(os.Stdout)
	for {
		res, err := st.writer.Exec("INSERT INTO crash_probe (at) VALUES (?)", time.Now().String())
		if err != nil {
			fmt.Fprintln(os.Stderr, "child insert:", err)
			os.Exit(3)
		}
		id, _ := res.LastInsertId()
		// Reported only after the commit returned.
		fmt.Fprintln(w, id)
		w.Flush()
	}
}
