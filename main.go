// Command kobicrm is a CRM for Turkish small businesses in one executable.
// With no arguments it serves the web interface on this computer and opens
// the browser; its subcommands back up the database and rescue accounts.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"kobicrm/assets"
	"kobicrm/store"
	"kobicrm/store/demo"
	"kobicrm/ui"
	"kobicrm/ui/i18n"
)

// version is set at release time with -ldflags "-X main.version=1.2.3".
var version = "0.1.0-dev"

const usage = `kobicrm — a CRM for Turkish small businesses, in one file.

Usage:
  kobicrm [-db PATH] [-addr HOST:PORT] [-no-browser]   serve the CRM and open the browser
  kobicrm backup [-db PATH] OUT.db                     write a consistent copy, also while serving
  kobicrm demo -size small|large [-db PATH]            fill an empty database with demo data
  kobicrm user add -email E -name N [-role NAME]... [-team NAME]... [-department NAME] [-admin] [-db PATH]
                                                       add a user (password from a prompt or stdin)
  kobicrm user passwd -email E [-db PATH]              set a user's password (the locked-out admin's way in)
  kobicrm token create -email E [-name NAME] [-db PATH]
                                                       make an API token for the user (printed once)
  kobicrm export -module M -format csv|xlsx|vcf [-db PATH] OUT
                                                       write every record of a module to a spreadsheet (vcf: customers' contact cards)
  kobicrm import -module customers [-update-by tckn|vkn|email|phone|COLUMN] [-db PATH] FILE
                                                       bring a CSV, .xlsx or .vcf file's rows into a module
  kobicrm version                                      print the version
  kobicrm help                                         print this help

The database is kobicrm.db beside the executable, unless -db PATH or the
KOBICRM_DB environment variable names another file. Copying that file while
kobicrm is stopped, or 'kobicrm backup' at any time, is a complete backup.
`

// errUsage marks a command line that could not be understood: exit code 2.
// errHelp ends a run that printed the usage on request: exit code 0.
var (
	errUsage = errors.New("usage")
	errHelp  = errors.New("help")
)

func main() {
	err := run(os.Args[1:])
	switch {
	case err == nil, errors.Is(err, errHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "kobicrm:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest := args[0], args[1:]
		switch cmd {
		case "version":
			if len(rest) > 0 {
				return extraArgs(cmd, rest)
			}
			fmt.Printf("kobicrm %s (schema %d, %s, %s/%s)\n", version, store.SchemaVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		case "help":
			if len(rest) > 0 {
				return extraArgs(cmd, rest)
			}
			fmt.Print(usage)
			return nil
		case "backup":
			return backupCmd(rest)
		case "demo":
			return demoCmd(rest)
		case "user":
			return userCmd(rest)
		case "token":
			return tokenCmd(rest)
		case "export":
			return exportCmd(rest)
		case "import":
			return importCmd(rest)
		default:
			fmt.Fprintf(os.Stderr, "kobicrm: unknown command %q\n\n%s", cmd, usage)
			return errUsage
		}
	}
	return serveCmd(args)
}

// extraArgs refuses arguments after a command that takes none.
func extraArgs(cmd string, rest []string) error {
	return usageErr("%s: unexpected argument %q", cmd, rest[0])
}

// usageErr prints what is wrong with the command line, then the usage,
// and ends the run with exit code 2.
func usageErr(format string, args ...any) error {
	fmt.Fprintf(os.Stderr, "kobicrm "+format+"\n\n%s", append(args, usage)...)
	return errUsage
}

// findUser looks up the user a command names, with a message a person can
// act on when there is none.
func findUser(ctx context.Context, st *store.Store, email string) (*store.User, error) {
	u, err := st.UserByEmail(ctx, store.SystemActor(), email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no user has the e-mail %s", email)
	}
	return u, err
}

// newFlags makes a flag set that prints the usage and reports errUsage.
func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() { fmt.Fprint(os.Stderr, "\n"+usage) }
	db := fs.String("db", "", "database file (default: kobicrm.db beside the executable, or $KOBICRM_DB)")
	return fs, db
}

// parse reads flags and positional arguments in any order, so that both
// "backup -db x out.db" and "backup out.db -db x" work.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp // -h asked for the usage: not an error
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// dbPath resolves the database file: the flag, else $KOBICRM_DB, else
// kobicrm.db beside the executable. Under "go run" the executable lives in
// a temporary build folder that is deleted afterwards, so there the
// current folder is used instead.
func dbPath(flagValue string) (string, error) {
	p := flagValue
	if p == "" {
		p = os.Getenv("KOBICRM_DB")
	}
	if p == "" {
		dir, err := os.Getwd()
		if err != nil {
			return "", err
		}
		if exe, err := os.Executable(); err == nil && !strings.Contains(exe, "go-build") {
			if resolved, err := filepath.EvalSymlinks(exe); err == nil {
				exe = resolved
			}
			dir = filepath.Dir(exe)
		}
		p = filepath.Join(dir, "kobicrm.db")
	}
	return filepath.Abs(p)
}

func openStore(ctx context.Context, flagValue string) (*store.Store, error) {
	p, err := dbPath(flagValue)
	if err != nil {
		return nil, fmt.Errorf("database path: %w", err)
	}
	return store.Open(ctx, p)
}

func serveCmd(args []string) error {
	fs, dbFlag := newFlags("kobicrm")
	addr := fs.String("addr", "", "address to listen on (default 127.0.0.1:8080, or the next free port)")
	noBrowser := fs.Bool("no-browser", false, "do not open the browser")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(os.Stderr, "kobicrm: unexpected argument %q\n\n%s", rest[0], usage)
		return errUsage
	}
	path, err := dbPath(*dbFlag)
	if err != nil {
		return fmt.Errorf("database path: %w", err)
	}
	lock, err := store.LockServer(path, "starting")
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return fmt.Errorf("%w\nkobicrm is already running on this database; open its address in the browser, or stop it first", err)
		}
		return err
	}
	defer lock.Release()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tuneMemory()

	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	// Only the server, holding the lock, may call the runs it finds going
	// its predecessor's: a command-line import beside it is its own.
	if err := st.RecoverImports(ctx); err != nil {
		return err
	}
	st.StartMaintenance(5*time.Minute, store.DefaultSessionLimits.Absolute)

	ln, err := listen(*addr)
	if err != nil {
		return err
	}
	localURL, officeURL := urls(ln.Addr().(*net.TCPAddr))
	lock.Update(localURL)

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	srv, err := ui.New(ctx, st, ui.Config{Version: version, OfficeURL: officeURL, Logger: logger})
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute, // a backup download of a large file
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	fmt.Printf("kobicrm %s is running at %s\n", version, localURL)
	fmt.Printf("database: %s\n", path)
	if officeURL != "" {
		fmt.Printf("WARNING: listening on %s — every computer on the office network can reach kobicrm at %s\n", ln.Addr(), officeURL)
	}
	fmt.Println("Press Ctrl+C to stop.")
	if !*noBrowser {
		openBrowser(localURL)
	}

	remindersDone := startReminders(ctx, st, logger, 30*time.Second)
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Println("stopping: finishing requests in flight…")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintln(os.Stderr, "kobicrm: shutdown:", err)
	}
	srv.Close()     // a running import stops after its current batch
	<-remindersDone // ctx is done: the reminder loop has stopped or is finishing its round
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	if st.SelfContained() {
		fmt.Println("stopped; the database file is complete on its own.")
	} else {
		fmt.Printf("stopped; another program is still reading the database, so part of the data is in %s-wal:\n"+
			"keep it beside the .db file (SQLite moves it in the next time the database is opened).\n", path)
	}
	return nil
}

// startReminders tells users of their due activities (SendDueReminders),
// and expires quotes past their validity (ExpireQuotes), every interval while the server runs, until ctx ends; the channel closes
// when the loop has stopped, so shutdown closes the database after it.
func startReminders(ctx context.Context, st *store.Store, logger *slog.Logger, every time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if n, err := st.SendDueReminders(ctx); err != nil && ctx.Err() == nil {
				logger.Warn("send reminders", "err", err)
			} else if n > 0 {
				logger.Info("reminders sent", "activities", n)
			}
			// Quotes past their validity expire on the same round.
			if n, err := st.ExpireQuotes(ctx, time.Now()); err != nil && ctx.Err() == nil {
				logger.Warn("expire quotes", "err", err)
			} else if n > 0 {
				logger.Info("quotes expired", "quotes", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return done
}

// tuneMemory trades memory for CPU, as an office computer has plenty of
// the one and little of the other. The server's live heap is about 10 MB
// even on 100,000 customers (SQLite's cache lives outside it), while every
// page allocates a few hundred KB that die at once; with Go's defaults the
// collector ran every few dozen pages and took a third of the CPU under
// load. Collecting at eleven times the live heap instead, under a soft
// limit of 192 MB, makes it run every few hundred pages: the process then
// holds about 250 MB on the large demo set (README, performance, has the
// figures for lower limits). GOGC and GOMEMLIMIT in the environment still
// decide when set.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(1000)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}

// listen binds the address asked for; without one, 127.0.0.1:8080 or the
// next free port up to 8099, so a second program on 8080 does not stop us.
func listen(addr string) (net.Listener, error) {
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		return ln, nil
	}
	var firstErr error
	for port := 8080; port < 8100; port++ {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			return ln, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, fmt.Errorf("no free port between 8080 and 8099 (%v); choose one with -addr", firstErr)
}

// urls gives the address to open on this computer and, when the listener
// is reachable from the network, an address for the other computers.
func urls(a *net.TCPAddr) (local, office string) {
	port := strconv.Itoa(a.Port)
	if a.IP.IsLoopback() {
		return "http://" + net.JoinHostPort(a.IP.String(), port), ""
	}
	if !a.IP.IsUnspecified() {
		u := "http://" + net.JoinHostPort(a.IP.String(), port)
		return u, u
	}
	local = "http://127.0.0.1:" + port
	if ip := lanIP(); ip != "" {
		return local, "http://" + net.JoinHostPort(ip, port)
	}
	return local, local
}

// lanIP is this computer's first private IPv4 address, the one colleagues
// type. Nothing is sent anywhere to find it.
func lanIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && n.IP.IsPrivate() {
			return n.IP.String()
		}
	}
	return ""
}

func openBrowser(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		fmt.Printf("Open %s in your browser.\n", url)
		return
	}
	go func() { _ = cmd.Wait() }()
}

func backupCmd(args []string) error {
	fs, dbFlag := newFlags("backup")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErr("backup: name one output file, e.g. kobicrm backup yedek.db")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := filepath.Abs(rest[0])
	if err != nil {
		return err
	}
	if err := st.Backup(ctx, store.SystemActor(), out); err != nil {
		return err
	}
	fmt.Printf("backup written to %s\n", out)
	return nil
}

// exportCmd writes every record of a module to a CSV (UTF-8 with BOM and
// ';', as Turkish Excel opens it) or XLSX file, or the customers to a
// vCard file: the list page's export, for whoever holds the database
// file.
func exportCmd(args []string) error {
	fs, dbFlag := newFlags("export")
	module := fs.String("module", "", "the module to export, e.g. customers")
	format := fs.String("format", "csv", "csv, xlsx, or vcf (contact cards, customers only)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	m, ok := store.ModuleByKey(*module)
	if len(rest) != 1 || !ok || m.AdminOnly || !ui.CanExportAs(m, *format) {
		return usageErr("export: say -module (customers or assets), -format csv, xlsx or (for customers) vcf, and one output file")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.Create(rest[0])
	if err != nil {
		return err
	}
	cat, err := i18n.Load(assets.FS, "locale")
	if err != nil {
		f.Close()
		return err
	}
	n, err := ui.ExportFile(ctx, st, store.SystemActor(), cat.Locale(cliLang()), m, store.ListQuery{}, *format, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(rest[0]) // never leave half a file that looks like an export
		return err
	}
	fmt.Println(cat.Locale(cliLang()).T("cli.exported", n, rest[0]))
	return nil
}

// importCmd brings a spreadsheet's rows into a module, as the wizard does,
// with the columns mapped by their names; -update-by makes rows update the
// records they match instead of creating new ones. It prints the report
// and exits 1 when any row failed.
func importCmd(args []string) error {
	fs, dbFlag := newFlags("import")
	module := fs.String("module", "", "the module to import into, e.g. customers")
	updateBy := fs.String("update-by", "", "update the records rows match by tckn, vkn, email, phone, id or a column of the file")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	m, ok := store.ModuleByKey(*module)
	if len(rest) != 1 || !ok || m.AdminOnly {
		return usageErr("import: say -module (customers or assets) and one file to import")
	}
	data, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := i18n.Load(assets.FS, "locale")
	if err != nil {
		return err
	}
	loc := cat.Locale(cliLang())
	imp, err := ui.ImportFile(ctx, st, store.SystemActor(), cat, loc, m, filepath.Base(rest[0]), data, *updateBy, os.Stdout)
	if errors.Is(err, ui.ErrImportKey) {
		return usageErr("import: %s", strings.TrimPrefix(err.Error(), ui.ErrImportKey.Error()+": "))
	}
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	if imp.Failed > 0 {
		return errors.New(loc.T("cli.import_failed", imp.Failed))
	}
	return nil
}

// cliLang is the command line's language: English when LANG says so.
func cliLang() string {
	if strings.HasPrefix(os.Getenv("LANG"), "en") {
		return "en"
	}
	return "tr"
}

// demoCmd fills an empty database with the demo set of the size asked for.
func demoCmd(args []string) error {
	fs, dbFlag := newFlags("demo")
	size := fs.String("size", "small", "small (about 200 customers) or large (100,000)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if _, ok := demo.Sizes[*size]; len(rest) > 0 || !ok {
		return usageErr("demo: say -size small or -size large")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	sum, err := demo.Generate(ctx, st, *size, os.Stdout)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	fmt.Printf("demo data written to %s: %s, in %.1f s\n", st.Path(), sum, time.Since(start).Seconds())
	return nil
}

func userCmd(args []string) error {
	if len(args) == 0 {
		return usageErr("user: say 'add' or 'passwd'")
	}
	switch args[0] {
	case "add":
		return userAddCmd(args[1:])
	case "passwd":
		return userPasswdCmd(args[1:])
	default:
		return usageErr("user: unknown command %q", args[0])
	}
}

func userAddCmd(args []string) error {
	fs, dbFlag := newFlags("user add")
	email := fs.String("email", "", "the user's e-mail, used to log in")
	name := fs.String("name", "", "the user's full name")
	admin := fs.Bool("admin", false, "make the user an administrator (the shipped Yönetici role)")
	var roles, teams names
	fs.Var(&roles, "role", "a security role by name (repeat for several; default Satış)")
	fs.Var(&teams, "team", "a team by name (repeat for several)")
	department := fs.String("department", "", "the user's department by name")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *email == "" || *name == "" {
		return usageErr("user add: -email and -name are required")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	pw, again, err := readPassword()
	if err != nil {
		return err
	}
	u, err := st.CreateUser(ctx, store.SystemActor(), store.NewUser{
		Email: *email, Name: *name, Password: pw, PasswordAgain: again, Admin: *admin,
		Roles: roles, Teams: teams, Department: *department,
	})
	if err != nil {
		return explain(err)
	}
	kind := "user"
	if u.Admin {
		kind = "administrator"
	}
	rec, err := st.Get(ctx, store.SystemActor(), store.Users, u.ID)
	if err != nil {
		return err
	}
	fmt.Printf("added %s %s <%s>, roles: %s", kind, u.Name, u.Email, rec.Refs["roles"])
	if t := rec.Refs["teams"]; t != "" {
		fmt.Printf(", teams: %s", t)
	}
	if d := rec.Refs["department_id"]; d != "" {
		fmt.Printf(", department: %s", d)
	}
	fmt.Println()
	return nil
}

// names is a repeatable flag (-role A -role B).
type names []string

func (n *names) String() string { return strings.Join(*n, ", ") }

func (n *names) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty name")
	}
	*n = append(*n, strings.TrimSpace(v))
	return nil
}

func userPasswdCmd(args []string) error {
	fs, dbFlag := newFlags("user passwd")
	email := fs.String("email", "", "the user's e-mail")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *email == "" {
		return usageErr("user passwd: -email is required")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := findUser(ctx, st, *email); err != nil {
		return err
	}
	pw, again, err := readPassword()
	if err != nil {
		return err
	}
	if err := st.ResetPassword(ctx, store.SystemActor(), *email, pw, again); err != nil {
		return explain(err)
	}
	fmt.Printf("password set for %s; their sessions were ended\n", *email)
	return nil
}

func tokenCmd(args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageErr("token: say 'create'")
	}
	return tokenCreateCmd(args[1:])
}

// tokenCreateCmd makes an API token for a user and prints it once: the
// token alone on standard output, so a script can take it
// (TOKEN=$(kobicrm token create -email ...)), and the note on standard
// error.
func tokenCreateCmd(args []string) error {
	fs, dbFlag := newFlags("token create")
	email := fs.String("email", "", "the e-mail of the user the token acts for")
	name := fs.String("name", "komut satırı", "what the token is for, as the profile page lists it")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *email == "" {
		return usageErr("token create: -email is required")
	}
	ctx := context.Background()
	st, err := openStore(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := findUser(ctx, st, *email)
	if err != nil {
		return err
	}
	if !u.Active {
		return fmt.Errorf("the user %s is deactivated", u.Email)
	}
	token, _, err := st.CreateToken(ctx, store.ActorFor(u), *name)
	if err != nil {
		return explain(err)
	}
	fmt.Println(token)
	fmt.Fprintf(os.Stderr, "API token %q for %s. Copy it now: it will not be shown again (bir daha gösterilmeyecek).\n", strings.TrimSpace(*name), u.Email)
	return nil
}

// readPassword asks twice on a terminal, without echo; otherwise it reads
// one line from standard input, for scripts.
func readPassword() (pw, again string, err error) {
	fd := int(os.Stdin.Fd())
	if term.IsTerminal(fd) {
		fmt.Fprint(os.Stderr, "Password / Parola: ")
		a, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(os.Stderr, "Again / Tekrar: ")
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", "", fmt.Errorf("read password: %w", err)
		}
		return string(a), string(b), nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	return line, line, nil
}

// explain turns a validation error into lines a person can act on, in the
// language of the terminal (Turkish unless LANG says English).
func explain(err error) error {
	v, ok := store.AsValidation(err)
	if !ok {
		return err
	}
	lang := cliLang()
	cat, cerr := i18n.Load(assets.FS, "locale")
	if cerr != nil {
		return err
	}
	loc := cat.Locale(lang)
	fields := make([]string, 0, len(v.Fields))
	for f := range v.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var b strings.Builder
	b.WriteString(loc.T("cli.not_accepted"))
	for _, field := range fields {
		msg := v.Fields[field]
		fmt.Fprintf(&b, "\n  -%s: %s", strings.TrimSuffix(field, "_again"), loc.T(msg.Key, msg.Args...))
	}
	return errors.New(b.String())
}
