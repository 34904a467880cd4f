package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, to look into the files
)

const userPassword = "Deniz-Kum-Fener-77"

// TestCLIVersion: "kobicrm version" prints the version linked in at build
// time and exits 0.
func TestCLIVersion(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil, "", "version")
	if r.ExitCode != 0 {
		t.Fatalf("version exited %d: %s", r.ExitCode, r.Stderr)
	}
	prefix := "kobicrm " + builtVersion + " "
	if builtVersion == "" {
		prefix = "kobicrm "
	}
	if !strings.HasPrefix(r.Stdout, prefix) || strings.Count(r.Stdout, "\n") != 1 {
		t.Errorf("version printed %q, want one line starting %q", r.Stdout, prefix)
	}
	if r.Stderr != "" {
		t.Errorf("version wrote to stderr: %q", r.Stderr)
	}
}

// TestCLIHelp: "kobicrm help" prints the usage, naming every command, on
// stdout and exits 0.
func TestCLIHelp(t *testing.T) {
	t.Parallel()
	r := runBinary(t, nil, "", "help")
	if r.ExitCode != 0 {
		t.Fatalf("help exited %d: %s", r.ExitCode, r.Stderr)
	}
	for _, want := range []string{"Usage:", "-db PATH", "-addr", "-no-browser", "kobicrm backup", "kobicrm user add", "kobicrm user passwd", "kobicrm version", "kobicrm help", "KOBICRM_DB"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("help does not mention %q:\n%s", want, r.Stdout)
		}
	}
}

// TestCLIUsageErrors: a command line that cannot be understood prints the
// usage on stderr and exits 2, whatever the command, and starts nothing.
func TestCLIUsageErrors(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "kobicrm.db")
	for _, tc := range []struct {
		name string
		args []string
		say  string // also on stderr
	}{
		{"serve unknown flag", []string{"-bogus"}, "-bogus"},
		{"serve unknown flag after good ones", []string{"-no-browser", "-db", db, "-port", "80"}, "-port"},
		{"serve stray argument", []string{"-db", db, "extra"}, "extra"},
		{"unknown command", []string{"frobnicate"}, "frobnicate"},
		{"backup unknown flag", []string{"backup", "-bogus", "out.db"}, "-bogus"},
		{"backup without a file", []string{"backup", "-db", db}, "backup"},
		{"user without a command", []string{"user"}, "user"},
		{"user unknown command", []string{"user", "delete"}, "delete"},
		{"user add unknown flag", []string{"user", "add", "-email", "a@b.com.tr", "-name", "A", "-bogus"}, "-bogus"},
		{"user add without a name", []string{"user", "add", "-email", "a@b.com.tr", "-db", db}, "-name"},
		{"user passwd without an e-mail", []string{"user", "passwd", "-db", db}, "-email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runBinary(t, nil, userPassword+"\n", tc.args...)
			if r.ExitCode != 2 {
				t.Errorf("kobicrm %s exited %d, want 2\nstdout: %s\nstderr: %s", strings.Join(tc.args, " "), r.ExitCode, r.Stdout, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "Usage:") || !strings.Contains(r.Stderr, tc.say) {
				t.Errorf("kobicrm %s: stderr does not show the usage and %q:\n%s", strings.Join(tc.args, " "), tc.say, r.Stderr)
			}
		})
	}
	// Nothing was started or created by the refused command lines.
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused command line created the database (%v)", err)
	}
}

// TestSecondServer: a second server on the same database says where the
// first one runs and exits non-zero; the first one keeps serving.
func TestSecondServer(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	r := runBinary(t, nil, "", "-no-browser", "-addr", "127.0.0.1:0", "-db", srv.DBPath)
	if r.ExitCode == 0 {
		t.Fatalf("the second server exited 0\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr, srv.URL) {
		t.Errorf("the second server's message does not name %s:\n%s", srv.URL, r.Stderr)
	}
	if strings.Contains(r.Stdout, "is running at") {
		t.Errorf("the second server claimed to run:\n%s", r.Stdout)
	}
	// The same database through $KOBICRM_DB is the same database.
	r = runBinary(t, []string{"KOBICRM_DB=" + srv.DBPath}, "", "-no-browser", "-addr", "127.0.0.1:0")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, srv.URL) {
		t.Errorf("a second server through $KOBICRM_DB exited %d:\n%s", r.ExitCode, r.Stderr)
	}
	if p := newWebClient(t, srv).get("/"); p.Status != 200 || p.Path != "/setup" {
		t.Errorf("the first server answered %d at %s after the second one tried", p.Status, p.Path)
	}
}

// TestCLIUserAdd: "user add" with the password on stdin works while the
// server runs, and the new user can log in to that server at once.
func TestCLIUserAdd(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)

	out, errOut, code := srv.runCLI(t, userPassword+"\n", "user", "add", "-email", "mehmet@firma.com.tr", "-name", "Mehmet Öztürk")
	if code != 0 {
		t.Fatalf("user add exited %d: %s", code, errOut)
	}
	if want := "added user Mehmet Öztürk <mehmet@firma.com.tr>"; !strings.Contains(out, want) {
		t.Errorf("user add printed %q, want %q", out, want)
	}
	w := newWebClient(t, srv)
	w.login("mehmet@firma.com.tr", userPassword)
	if p := w.get("/"); !strings.Contains(p.Body, "Mehmet Öztürk") {
		t.Error("the home page does not greet the new user")
	}
	// Not an administrator: the backup page is hidden from them.
	if p := w.get("/admin/backup"); p.Status != 404 {
		t.Errorf("a user added without -admin gets %d on /admin/backup, want 404", p.Status)
	}

	// -admin makes an administrator; flags may come in any order, -db
	// first too.
	r := runBinary(t, nil, userPassword+"\r\n", "user", "add", "-db", srv.DBPath, "-admin", "-name", "Zeynep Kaya", "-email", "zeynep@firma.com.tr")
	if r.ExitCode != 0 {
		t.Fatalf("user add -admin exited %d: %s", r.ExitCode, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "added administrator Zeynep Kaya <zeynep@firma.com.tr>") {
		t.Errorf("user add -admin printed %q", r.Stdout)
	}
	z := newWebClient(t, srv)
	z.login("zeynep@firma.com.tr", userPassword) // the \r of a Windows line end is not part of the password
	if p := z.get("/admin/backup"); p.Status != 200 {
		t.Errorf("an administrator added with -admin gets %d on /admin/backup", p.Status)
	}

	// The same e-mail again is refused, and says why.
	_, errOut, code = srv.runCLI(t, userPassword+"\n", "user", "add", "-email", "MEHMET@firma.com.tr", "-name", "Başka Mehmet")
	if code != 1 {
		t.Errorf("user add with a taken e-mail exited %d, want 1", code)
	}
	if !strings.Contains(errOut, "Bu e-posta adresiyle bir kullanıcı zaten var.") {
		t.Errorf("user add with a taken e-mail said:\n%s", errOut)
	}
}

// TestCLIUserAddRefusesBadPassword: a too short or too common password is
// refused with exit 1 and a reason, in Turkish unless LANG says English,
// and no user is made.
func TestCLIUserAddRefusesBadPassword(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)

	for _, tc := range []struct {
		name, password string
		env            []string
		say            string
	}{
		{"short", "kisa-9\n", nil, "Parola en az 10 karakter olmalı."},
		{"short in English", "kisa-9\n", []string{"LANG=en_US.UTF-8"}, "The password must have at least 10 characters."},
		{"common", "password123\n", nil, "Bu parola çok kolay tahmin edilir"},
		{"empty stdin", "", nil, "Bu alan zorunlu."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runBinary(t, tc.env, tc.password, "user", "add", "-email", "ali@firma.com.tr", "-name", "Ali Demir", "-db", srv.DBPath)
			if r.ExitCode != 1 {
				t.Errorf("exit code %d, want 1\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "-password") || !strings.Contains(r.Stderr, tc.say) {
				t.Errorf("stderr does not say %q about -password:\n%s", tc.say, r.Stderr)
			}
			if strings.Contains(r.Stdout, "added") {
				t.Errorf("stdout claims success: %s", r.Stdout)
			}
		})
	}
	// No user was made: "user passwd" does not know the e-mail.
	_, errOut, code := srv.runCLI(t, userPassword+"\n", "user", "passwd", "-email", "ali@firma.com.tr")
	if code != 1 || !strings.Contains(errOut, "no user has the e-mail ali@firma.com.tr") {
		t.Errorf("after the refusals, user passwd for the e-mail exited %d: %s", code, errOut)
	}
}

// TestCLIUserPasswd: "user passwd" sets a new password while the server
// runs: the old one stops working, the new one works, and the user's open
// sessions end.
func TestCLIUserPasswd(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)
	if _, errOut, code := srv.runCLI(t, userPassword+"\n", "user", "add", "-email", "can@firma.com.tr", "-name", "Can Arslan"); code != 0 {
		t.Fatalf("user add exited %d: %s", code, errOut)
	}
	before := newWebClient(t, srv)
	before.login("can@firma.com.tr", userPassword)
	admin := newWebClient(t, srv)
	admin.login(adminEmail, adminPassword)

	const newPassword = "Bulut-Yaprak-Kalem-19"
	out, errOut, code := srv.runCLI(t, newPassword+"\n", "user", "passwd", "-email", "can@firma.com.tr")
	if code != 0 {
		t.Fatalf("user passwd exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, "password set for can@firma.com.tr") {
		t.Errorf("user passwd printed %q", out)
	}
	newWebClient(t, srv).loginRefused("can@firma.com.tr", userPassword)
	newWebClient(t, srv).login("can@firma.com.tr", newPassword)
	if before.loggedIn() {
		t.Error("the session opened with the old password is still logged in")
	}
	if !admin.loggedIn() {
		t.Error("another user's session ended too")
	}

	// Refusals: an unknown e-mail, a bad new password (the current one
	// stays).
	_, errOut, code = srv.runCLI(t, newPassword+"\n", "user", "passwd", "-email", "yok@firma.com.tr")
	if code != 1 || !strings.Contains(errOut, "no user has the e-mail yok@firma.com.tr") {
		t.Errorf("user passwd for an unknown e-mail exited %d: %s", code, errOut)
	}
	_, errOut, code = srv.runCLI(t, "kisa\n", "user", "passwd", "-email", "can@firma.com.tr")
	if code != 1 || !strings.Contains(errOut, "Parola en az 10 karakter olmalı.") {
		t.Errorf("user passwd with a short password exited %d: %s", code, errOut)
	}
	newWebClient(t, srv).login("can@firma.com.tr", newPassword)
}

// TestCLIBackupWhileWriting: "kobicrm backup" while the server serves and
// others write gives complete, sound copies.
func TestCLIBackupWhileWriting(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)

	// Writers: logins and logouts over HTTP (each writes a session) and
	// users added from the command line, until stop is closed.
	stop := make(chan struct{})
	var writes atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	w := newWebClient(t, srv)
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			ok, err := w.tryLogin(adminEmail, adminPassword)
			if err == nil && !ok {
				err = errors.New("the administrator's login was refused")
			}
			if err == nil {
				err = w.tryLogout()
			}
			if err != nil {
				errs <- err
				return
			}
			writes.Add(2)
		}
	})
	var added atomic.Int64
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			r, err := execBinary(nil, userPassword+"\n", "user", "add", "-db", srv.DBPath,
				"-email", fmt.Sprintf("yedek%d@firma.com.tr", i), "-name", fmt.Sprintf("Yedek Kullanıcı %d", i))
			if err == nil && r.ExitCode != 0 {
				err = fmt.Errorf("user add exited %d: %s", r.ExitCode, r.Stderr)
			}
			if err != nil {
				errs <- err
				return
			}
			added.Add(1)
			writes.Add(1)
		}
	})
	stopWriters := sync.OnceFunc(func() { close(stop); wg.Wait() })
	defer stopWriters()

	waitUntil(t, "the writers to start writing", func() bool { return writes.Load() >= 3 })
	var backups []string
	for i := range 3 {
		out := filepath.Join(t.TempDir(), fmt.Sprintf("yedek-%d.db", i))
		before := writes.Load()
		stdout, stderr, code := srv.runCLI(t, "", "backup", out)
		if code != 0 {
			t.Fatalf("backup %d exited %d: %s", i, code, stderr)
		}
		if !strings.Contains(stdout, "backup written to "+out) {
			t.Errorf("backup printed %q", stdout)
		}
		backups = append(backups, out)
		// Let the writers go on before the next copy.
		waitUntil(t, "more writes", func() bool { return writes.Load() > before+2 })
	}
	stopWriters()
	close(errs)
	for err := range errs {
		t.Errorf("writer: %v", err)
	}
	t.Logf("%d writes, %d users added while 3 backups were made", writes.Load(), added.Load())

	prev := 0
	for _, b := range backups {
		n := checkDatabase(t, b)
		if n < 1 || n > 1+int(added.Load()) || n < prev {
			t.Errorf("%s holds %d users; want between 1 and %d, and no fewer than the backup before (%d)", b, n, 1+added.Load(), prev)
		}
		prev = n
		for _, suffix := range []string{"-wal", "-journal", ".partial"} {
			if fi, err := os.Stat(b + suffix); err == nil && fi.Size() > 0 {
				t.Errorf("the backup left %s beside it (%d bytes)", filepath.Base(b+suffix), fi.Size())
			}
		}
	}

	// A backup never overwrites a file.
	_, stderr, code := srv.runCLI(t, "", "backup", backups[0])
	if code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("backup onto an existing file exited %d: %s", code, stderr)
	}
	// A backup restores: a server on the copy lets the administrator in.
	srv.stop()
	restored := startServer(t, withDB(backups[len(backups)-1]))
	newWebClient(t, restored).login(adminEmail, adminPassword)
}

// TestServerStopsCleanly: on SIGTERM the server exits 0 and leaves a
// database file that is complete on its own, with no write-ahead log
// beside it.
func TestServerStopsCleanly(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	w := newWebClient(t, srv)
	w.setup(adminName, adminEmail, adminPassword)
	for range 5 {
		if err := w.tryLogout(); err != nil {
			t.Fatal(err)
		}
		w.login(adminEmail, adminPassword)
	}
	if _, errOut, code := srv.runCLI(t, userPassword+"\n", "user", "add", "-email", "son@firma.com.tr", "-name", "Son Kullanıcı"); code != 0 {
		t.Fatalf("user add exited %d: %s", code, errOut)
	}

	srv.stop() // fails the test unless it exits 0 within stopTimeout
	if t.Failed() {
		return
	}
	if !strings.Contains(srv.Output(), "stopped; the database file is complete on its own.") {
		t.Errorf("the server did not say it stopped cleanly:\n%s", srv.Output())
	}
	// Look before opening the file: opening it makes a new -wal.
	if fi, err := os.Stat(srv.DBPath + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("a %d-byte -wal file is left beside the database", fi.Size())
	}
	// The .db file alone is the database: a copy of it without the rest
	// holds everything.
	alone := filepath.Join(t.TempDir(), "alone.db")
	data, err := os.ReadFile(srv.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := checkDatabase(t, alone); n != 2 {
		t.Errorf("the stopped server's database file holds %d users, want 2", n)
	}
	// And it serves again, with the same accounts.
	again := startServer(t, withDB(srv.DBPath))
	newWebClient(t, again).login("son@firma.com.tr", userPassword)
}

// TestDatabaseFromEnvironment: without -db, $KOBICRM_DB names the database,
// for the server and for the subcommands; -db wins over it.
func TestDatabaseFromEnvironment(t *testing.T) {
	t.Parallel()
	srv := startServer(t, withDBFromEnv())
	// The line after the address names the database.
	waitUntil(t, "the server to name its database", func() bool {
		return strings.Contains(srv.Output(), "database: ")
	})
	if !strings.Contains(srv.Output(), "database: "+srv.DBPath+"\n") {
		t.Errorf("the server does not report the database from $KOBICRM_DB (%s):\n%s", srv.DBPath, srv.Output())
	}
	if _, err := os.Stat(srv.DBPath); err != nil {
		t.Fatalf("no database at $KOBICRM_DB: %v", err)
	}
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)

	env := []string{"KOBICRM_DB=" + srv.DBPath}
	r := runBinary(t, env, userPassword+"\n", "user", "add", "-email", "env@firma.com.tr", "-name", "Ortam Değişkeni")
	if r.ExitCode != 0 {
		t.Fatalf("user add with $KOBICRM_DB exited %d: %s", r.ExitCode, r.Stderr)
	}
	newWebClient(t, srv).login("env@firma.com.tr", userPassword)

	// -db wins: with $KOBICRM_DB naming a folder that does not exist, a
	// backup with -db still works.
	out := filepath.Join(t.TempDir(), "yedek.db")
	r = runBinary(t, []string{"KOBICRM_DB=" + filepath.Join(t.TempDir(), "yok", "yok.db")}, "", "backup", "-db", srv.DBPath, out)
	if r.ExitCode != 0 {
		t.Fatalf("backup -db with another $KOBICRM_DB exited %d: %s", r.ExitCode, r.Stderr)
	}
	if n := checkDatabase(t, out); n != 2 {
		t.Errorf("the backup holds %d users, want 2", n)
	}
}

// checkDatabase opens a database file read-only, fails the test unless
// PRAGMA integrity_check says ok and it has the users table, and returns
// the number of users.
func checkDatabase(t testing.TB, path string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		t.Fatalf("integrity_check of %s: %v", path, err)
	}
	if res != "ok" {
		t.Errorf("integrity_check of %s: %s", path, res)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		t.Fatalf("count users in %s: %v", path, err)
	}
	return n
}

// waitUntil waits up to 30 s for cond, checking every 20 ms.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCLIStrictArguments: "version" and "help" take no arguments; anything
// after them is a usage error (stderr, exit 2), not silently ignored.
func TestCLIStrictArguments(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"version", "extra"},
		{"version", "-h"},
		{"help", "extra"},
		{"help", "version"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runBinary(t, nil, "", args...)
			if r.ExitCode != 2 {
				t.Errorf("kobicrm %s exited %d, want 2\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.ExitCode, r.Stdout, r.Stderr)
			}
			if !strings.Contains(r.Stderr, "Usage:") || !strings.Contains(r.Stderr, args[1]) {
				t.Errorf("kobicrm %s: stderr does not show the usage and %q:\n%s", strings.Join(args, " "), args[1], r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("kobicrm %s wrote to stdout: %q", strings.Join(args, " "), r.Stdout)
			}
		})
	}
}

// TestCLITokenCreate: "token create" prints the token alone on stdout, so
// that a script can take it, and the token works against the JSON API of
// the running server.
func TestCLITokenCreate(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	newWebClient(t, srv).setup(adminName, adminEmail, adminPassword)

	out, errOut, code := srv.runCLI(t, "", "token", "create", "-email", adminEmail, "-name", "muhasebe betiği")
	if code != 0 {
		t.Fatalf("token create exited %d: %s", code, errOut)
	}
	token := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(token, "kcrm_") || strings.ContainsAny(token, " \t\r\n") {
		t.Fatalf("token create printed %q on stdout, want one line starting kcrm_", out)
	}
	if strings.Contains(errOut, token) {
		t.Errorf("the token is also on stderr: %s", errOut)
	}
	if !strings.Contains(errOut, adminEmail) {
		t.Errorf("the note on stderr does not name the user: %s", errOut)
	}

	get := func(auth string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/customers", nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := get("Bearer " + token); got != http.StatusOK {
		t.Errorf("GET /api/v1/customers with the new token: %d, want 200", got)
	}
	if got := get("Bearer " + token + "x"); got != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/customers with a wrong token: %d, want 401", got)
	}

	// An unknown e-mail is refused, and no token is printed.
	out, errOut, code = srv.runCLI(t, "", "token", "create", "-email", "yok@firma.com.tr")
	if code != 1 || out != "" || !strings.Contains(errOut, "no user has the e-mail yok@firma.com.tr") {
		t.Errorf("token create for an unknown e-mail exited %d, stdout %q, stderr %s", code, out, errOut)
	}
}

// TestCLIDemo: "demo -size small" fills a fresh database, refuses one that
// already has customers, and names the sizes when asked for another.
func TestCLIDemo(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "demo.db")
	r := runBinary(t, nil, "", "demo", "-size", "small", "-db", db)
	if r.ExitCode != 0 {
		t.Fatalf("demo -size small exited %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "demo data written to") {
		t.Errorf("demo printed %q", r.Stdout)
	}

	r = runBinary(t, nil, "", "demo", "-size", "small", "-db", db)
	if r.ExitCode == 0 {
		t.Fatalf("a second demo run exited 0\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "already has customers") {
		t.Errorf("a second demo run does not say the database has customers:\n%s", r.Stderr)
	}

	r = runBinary(t, nil, "", "demo", "-size", "huge", "-db", filepath.Join(t.TempDir(), "huge.db"))
	if r.ExitCode != 1 && r.ExitCode != 2 {
		t.Errorf("demo -size huge exited %d, want 1 or 2", r.ExitCode)
	}
	if !strings.Contains(r.Stderr, "small") || !strings.Contains(r.Stderr, "large") {
		t.Errorf("demo -size huge does not name the sizes:\n%s", r.Stderr)
	}

	// The demo database serves, and its home page shows the newest
	// customers instead of the first-run card.
	srv := startServer(t, withDB(db))
	w := newWebClient(t, srv)
	w.setup(adminName, adminEmail, adminPassword)
	if p := w.get("/"); !strings.Contains(p.Body, `id="home-recent"`) || strings.Contains(p.Body, `id="home-empty"`) {
		t.Errorf("the home page of the demo database does not list the newest customers:\n%s", p.Body)
	}
}
