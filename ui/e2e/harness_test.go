// Package e2e tests the real kobicrm executable from the outside: its
// command line, and its pages in a headless Chromium driven by chromedp.
//
// The harness in this file is shared by every browser test:
//
//   - TestMain builds the executable once;
//   - startServer runs it on a free port with a temporary database and stops
//     it with SIGTERM at the end of the test, failing the test unless it exits
//     0;
//   - newBrowser opens a headless Chromium on the server and saves a
//     screenshot when the test fails;
//   - the browser's methods (navigate, clickAndWait, setValue, text, …) and
//     the flows completeSetup, login and logout keep the tests short.
//
// Chromium is $CHROMIUM, else /usr/bin/chromium, else chromium on the PATH. Without
// one the browser tests skip, except when $CI is set: there they fail, so that
// a CI run never passes by skipping them.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// testVersion is linked into the executable under test, so that the tests
// can check that the version a release sets is the one it prints.
const testVersion = "0.0.0-e2e"

const (
	// startTimeout bounds how long a server may take to print its address.
	startTimeout = 30 * time.Second
	// stopTimeout bounds how long a server may take to exit after SIGTERM.
	stopTimeout = 30 * time.Second
	// cliTimeout bounds one run of a subcommand.
	cliTimeout = 60 * time.Second
	// actionTimeout bounds one browser action (a click and the page load
	// it causes, a wait for an element, …).
	actionTimeout = 30 * time.Second
	// browserTimeout bounds everything one browser does in one test.
	browserTimeout = 4 * time.Minute
)

var (
	// binary is the kobicrm executable under test, which TestMain built.
	binary string
	// builtVersion is the version linked into binary, "" when unknown.
	builtVersion = testVersion
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	// $KOBICRM_BINARY tests an executable built elsewhere, such as a
	// release build, instead of building one from this tree.
	if p := os.Getenv("KOBICRM_BINARY"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: $KOBICRM_BINARY:", err)
			return 1
		}
		binary, builtVersion = abs, ""
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "kobicrm-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temporary directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "kobicrm")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	start := time.Now()
	// The package path, not ".", so that the build does not depend on the
	// folder go test runs in.
	cmd := exec.Command("go", "build", "-o", binary, "-ldflags", "-X main.version="+testVersion, "kobicrm")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build failed: %v\n%s", err, out)
		return 1
	}
	if testing.Verbose() {
		fmt.Printf("e2e: built %s in %s\n", binary, time.Since(start).Round(time.Millisecond))
	}
	return m.Run()
}

// ---------------------------------------------------------------------------
// Processes

// syncBuffer collects a process's output; the process writes from the
// goroutines of os/exec while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lineWatcher passes output on to a buffer and calls onLine for every
// complete line, so that the test can wait for a line without polling.
type lineWatcher struct {
	to     *syncBuffer
	onLine func(string)
	mu     sync.Mutex
	part   []byte
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	n, err := w.to.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(w.part[:i]), "\r")
		w.part = w.part[i+1:]
		w.onLine(line)
	}
	return n, err
}

// childEnv is the environment of every process the tests start: the test's
// own, without the variables that would make the program use another
// database or language than the test chose, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "KOBICRM_DB", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// cliResult is what one run of the executable left behind.
type cliResult struct {
	Stdout, Stderr string
	ExitCode       int
}

// execBinary runs the executable to completion with the given extra
// environment and standard input (never a terminal). It is safe to call from
// any goroutine; a run longer than cliTimeout is an error.
func execBinary(env []string, stdin string, args ...string) (cliResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = childEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, fmt.Errorf("kobicrm %s did not finish within %s\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), cliTimeout, res.Stdout, res.Stderr)
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		return res, fmt.Errorf("run kobicrm %s: %w", strings.Join(args, " "), err)
	}
	return res, nil
}

// runBinary is execBinary for the test's goroutine: it fails the test if
// the executable cannot run or does not finish.
func runBinary(t testing.TB, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	res, err := execBinary(env, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ---------------------------------------------------------------------------
// The server

// server is one running kobicrm server on its own database.
type server struct {
	t      testing.TB
	URL    string // http://127.0.0.1:PORT, no trailing slash
	DBPath string
	Dir    string // a temporary folder of the test's, beside the database

	cmd    *exec.Cmd
	output *syncBuffer // stdout and stderr, interleaved
	exited chan struct{}
	err    error // from cmd.Wait, valid after exited is closed

	stopOnce sync.Once
}

type serverConfig struct {
	dbPath  string
	noDBArg bool
}

// serverOption changes how startServer runs the server.
type serverOption func(*serverConfig)

// withDB runs the server on the database at path (which may exist already)
// instead of a fresh one.
func withDB(path string) serverOption { return func(c *serverConfig) { c.dbPath = path } }

// withDBFromEnv names the database through $KOBICRM_DB instead of -db.
func withDBFromEnv() serverOption { return func(c *serverConfig) { c.noDBArg = true } }

var runningLine = regexp.MustCompile(`^kobicrm \S+ is running at (http://\S+)$`)

// startServer starts the executable with a fresh temporary database on a
// free port and waits until it prints its address. The server is stopped
// with SIGTERM when the test ends, and the test fails unless it then exits 0
// within stopTimeout. On failure its output is logged.
func startServer(t testing.TB, opts ...serverOption) *server {
	t.Helper()
	dir := t.TempDir()
	cfg := serverConfig{dbPath: filepath.Join(dir, "kobicrm.db")}
	for _, o := range opts {
		o(&cfg)
	}
	s := &server{t: t, DBPath: cfg.dbPath, Dir: dir, output: &syncBuffer{}, exited: make(chan struct{})}

	args := []string{"-addr", "127.0.0.1:0", "-no-browser"}
	var env []string
	if cfg.noDBArg {
		env = append(env, "KOBICRM_DB="+cfg.dbPath)
	} else {
		args = append(args, "-db", cfg.dbPath)
	}

	urls := make(chan string, 1)
	s.cmd = exec.Command(binary, args...)
	s.cmd.Env = childEnv(env...)
	s.cmd.Dir = dir
	s.cmd.Stdout = &lineWatcher{to: s.output, onLine: func(line string) {
		if m := runningLine.FindStringSubmatch(line); m != nil {
			select {
			case urls <- m[1]:
			default:
			}
		}
	}}
	s.cmd.Stderr = s.output
	s.cmd.WaitDelay = 5 * time.Second
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start kobicrm: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("server output (%s):\n%s", strings.Join(args, " "), s.output.String())
		}
	})

	select {
	case s.URL = <-urls:
	case <-s.exited:
		s.stopOnce.Do(func() {}) // reported here; stop has nothing to add
		t.Fatalf("kobicrm exited before it served (%v):\n%s", s.err, s.output.String())
	case <-time.After(startTimeout):
		t.Fatalf("kobicrm printed no address within %s:\n%s", startTimeout, s.output.String())
	}
	return s
}

// Output is everything the server wrote so far.
func (s *server) Output() string { return s.output.String() }

// stop sends SIGTERM and waits for the server to exit; the test fails unless
// it exits 0 within stopTimeout. A second call does nothing.
func (s *server) stop() {
	s.t.Helper()
	s.stopOnce.Do(func() {
		select {
		case <-s.exited:
			s.t.Errorf("kobicrm had exited before the test stopped it: %v", s.err)
			return
		default:
		}
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			s.t.Errorf("send SIGTERM: %v", err)
		}
		select {
		case <-s.exited:
			if s.err != nil {
				s.t.Errorf("kobicrm did not exit cleanly after SIGTERM: %v", s.err)
			}
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
			s.t.Errorf("kobicrm did not exit within %s of SIGTERM; killed it", stopTimeout)
		}
	})
}

// runCLI runs a subcommand of the executable on the server's database (it
// adds -db at the end, which every subcommand accepts after its own name),
// with stdin as its standard input.
func (s *server) runCLI(t testing.TB, stdin string, args ...string) (stdout, stderr string, exitCode int) {
	t.Helper()
	r := runBinary(t, nil, stdin, append(append([]string{}, args...), "-db", s.DBPath)...)
	return r.Stdout, r.Stderr, r.ExitCode
}

// ---------------------------------------------------------------------------
// The browser

// chromiumPath finds the browser: $CHROMIUM, /usr/bin/chromium, or chromium
// (or chromium-browser) on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("$CHROMIUM=%s: %w", p, err)
		}
		return found, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: install Debian's chromium package, or set $CHROMIUM")
}

// requireChromium returns the browser's path, or skips the test, or fails
// it under CI, where a skipped browser test would hide a broken setup.
func requireChromium(t testing.TB) string {
	t.Helper()
	p, err := chromiumPath()
	if err == nil {
		return p
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatalf("%v (CI is set, so the browser tests must run)", err)
	}
	t.Skipf("skipping browser test: %v", err)
	return ""
}

// browser is one headless Chromium with one tab, on one server.
type browser struct {
	t   testing.TB
	srv *server
	// tab runs the browser and has no deadline, so that a screenshot can
	// still be taken after ctx expired; ctx bounds the whole test.
	tab context.Context
	ctx context.Context

	// viewportWidth is the width setViewport set, 0 for the window's.
	viewportWidth int

	mu       sync.Mutex
	requests []string // every URL the tab requested, in order
	console  []string // console errors, uncaught exceptions, browser log errors
	output   *syncBuffer
}

type browserConfig struct {
	acceptLanguage string
}

// browserOption changes how newBrowser starts the browser.
type browserOption func(*browserConfig)

// withAcceptLanguage sets the browser's Accept-Language; the default is
// Turkish ("tr-TR,tr"), the language of kobicrm's users.
func withAcceptLanguage(v string) browserOption {
	return func(c *browserConfig) { c.acceptLanguage = v }
}

// newBrowser starts a headless Chromium with a fresh profile for srv. When
// the test fails, a full-page screenshot is saved (see screenshotDir), and
// the browser's console errors and the page's address are logged.
func newBrowser(t testing.TB, srv *server, opts ...browserOption) *browser {
	t.Helper()
	exe := requireChromium(t)
	cfg := browserConfig{acceptLanguage: "tr-TR,tr"}
	for _, o := range opts {
		o(&cfg)
	}

	profile, err := os.MkdirTemp("", "kobicrm-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, srv: srv, output: &syncBuffer{}}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		chromedp.Flag("lang", cfg.acceptLanguage[:strings.IndexAny(cfg.acceptLanguage+",", ",;")]),
		chromedp.Flag("accept-lang", cfg.acceptLanguage),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(b.output),
	)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	b.tab = tab
	var cancelCtx context.CancelFunc
	b.ctx, cancelCtx = context.WithTimeout(tab, browserTimeout)

	// Registered before the screenshot cleanup, so it runs after it.
	t.Cleanup(func() {
		cancelCtx()
		cancelTab()
		cancelAlloc() // waits for the browser process to end
		_ = os.RemoveAll(profile)
	})

	// The first action starts the browser, and chromedp binds the browser's
	// life to the context of that first call, so it must be tab itself and
	// not a context with a shorter deadline. A timer bounds the start.
	start := time.Now()
	started := make(chan error, 1)
	go func() {
		started <- chromedp.Do(tab,
			// The tab's own Accept-Language, whatever this build of
			// Chromium does with --accept-lang.
			chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
				_, err := cdp.Call(ctx, tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
					Headers: network.Headers{"Accept-Language": cfg.acceptLanguage},
				})
				return err
			}),
		)
	}()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start Chromium (%s): %v\n%s", exe, err, b.output.String())
		}
	case <-time.After(actionTimeout):
		cancelTab()
		t.Fatalf("Chromium (%s) did not start within %s:\n%s", exe, actionTimeout, b.output.String())
	}
	if testing.Verbose() {
		t.Logf("Chromium started in %s", time.Since(start).Round(time.Millisecond))
	}

	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		if loc, err := b.tryLocation(); err == nil {
			t.Logf("browser was at %s", loc)
		}
		if path, err := b.saveScreenshot(t.Name()); err != nil {
			t.Logf("no screenshot: %v", err)
		} else {
			t.Logf("screenshot of the failure: %s", path)
		}
		if msgs := b.consoleErrors(); len(msgs) > 0 {
			t.Logf("browser console:\n  %s", strings.Join(msgs, "\n  "))
		}
	})
	return b
}

// listen runs in the tab's event loop: it must return at once.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			b.requests = append(b.requests, ev.Request.URL)
		}
	case *cdpruntime.EventExceptionThrown:
		msg := "exception"
		if d := ev.ExceptionDetails; d != nil {
			msg += ": " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
		}
		b.console = append(b.console, msg)
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			b.console = append(b.console, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError {
			b.console = append(b.console, fmt.Sprintf("%s: %s (%s)", e.Source, e.Text, e.URL))
		}
	}
}

// requestURLs lists every URL the tab requested so far.
func (b *browser) requestURLs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// consoleErrors lists the console errors, uncaught exceptions and browser
// log errors (a Content-Security-Policy violation, a failed load) so far.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// wantNoConsoleErrors fails the test if the browser logged errors (see
// consoleErrors), except those that contain one of the expected strings.
func (b *browser) wantNoConsoleErrors(expected ...string) {
	b.t.Helper()
	var bad []string
next:
	for _, m := range b.consoleErrors() {
		for _, e := range expected {
			if strings.Contains(m, e) {
				continue next
			}
		}
		bad = append(bad, m)
	}
	if len(bad) > 0 {
		b.t.Errorf("the browser logged errors:\n  %s", strings.Join(bad, "\n  "))
	}
}

// run runs actions with actionTimeout, failing the test on error.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// runValue runs one action that returns a value, with actionTimeout.
func runValue[T any](b *browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page and decodes its
// result into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	return runValue(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// waitFor waits until a JavaScript expression is truthy (checked every
// 100 ms, for at most actionTimeout).
func (b *browser) waitFor(expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!(`+expr+`)`,
		chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(actionTimeout-time.Second)))
	if err != nil {
		b.t.Fatalf("wait for %s: %v (page %s)", expr, err, b.path())
	}
}

// abs makes a path on the server an address; full addresses pass through.
func (b *browser) abs(pathOrURL string) string {
	if strings.HasPrefix(pathOrURL, "/") {
		return b.srv.URL + pathOrURL
	}
	return pathOrURL
}

// navigate opens a path on the server (or a full address), waits for the
// page to load and returns the HTTP status of the final document.
func (b *browser) navigate(pathOrURL string) int {
	b.t.Helper()
	resp := runValue(b, "navigate to "+pathOrURL, chromedp.NavigateResponse(b.abs(pathOrURL)))
	return responseStatus(resp)
}

// reload reloads the page and waits for it to load.
func (b *browser) reload() {
	b.t.Helper()
	b.run("reload", chromedp.Reload())
}

// clickAndWait clicks the element and waits for the page load that the
// click causes (a link, a form's submit button); it returns the HTTP status
// of the new document, after redirects.
func (b *browser) clickAndWait(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s and wait for the next page: %v (page %s)", sel, err, b.path())
	}
	return responseStatus(resp)
}

func responseStatus(resp *network.Response) int {
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

// click clicks the element (waiting until it is visible) without waiting
// for a page load.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// setValue sets a form field's value, replacing what it held.
func (b *browser) setValue(sel, value string) {
	b.t.Helper()
	b.run("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// typeInto types text into a field with key events, as a person would.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.run("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// value reads a form field's current value.
func (b *browser) value(sel string) string {
	b.t.Helper()
	return runValue(b, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// text reads the visible text of the first element that matches sel, once
// it exists, with surrounding space trimmed.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(runValue(b, "text of "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeReady)))
}

// attr reads an attribute of the first element that matches sel.
func (b *browser) attr(sel, name string) (string, bool) {
	b.t.Helper()
	r := runValue(b, "attribute "+name+" of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), name, chromedp.NodeReady))
	return r.Value, r.Exists
}

// exists tells, without waiting, whether an element matches sel.
func (b *browser) exists(sel string) bool {
	b.t.Helper()
	return eval[bool](b, "document.querySelector("+jsString(sel)+") !== null")
}

// isVisible tells, without waiting, whether an element matches sel and is
// rendered with a size (not display:none, not in a closed <details>).
func (b *browser) isVisible(sel string) bool {
	b.t.Helper()
	return eval[bool](b, `(() => { const e = document.querySelector(`+jsString(sel)+`);
		return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden"; })()`)
}

// waitVisible waits until an element that matches sel is visible.
func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	b.run("wait until "+sel+" is visible", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// waitNotVisible waits until the element that matches sel is hidden.
func (b *browser) waitNotVisible(sel string) {
	b.t.Helper()
	b.run("wait until "+sel+" is hidden", chromedp.WaitNotVisible(chromedp.CSS(sel)))
}

// waitText waits until the text of sel is want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	expr := `(() => { const e = document.querySelector(` + jsString(sel) + `); return !!e && e.innerText.trim() === ` + jsString(want) + `; })()`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond),
		chromedp.WithPollingTimeout(actionTimeout-time.Second))); err != nil {
		got, _ := chromedp.Run(b.tab, chromedp.Evaluate[string](`(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? e.innerText.trim() : "(no such element)"; })()`))
		b.t.Fatalf("wait for %s to read %q: %v; it reads %q (page %s)", sel, want, err, got, b.path())
	}
}

// location is the page's full address.
func (b *browser) location() string {
	b.t.Helper()
	return runValue(b, "location", chromedp.Location())
}

func (b *browser) tryLocation() (string, error) {
	ctx, cancel := context.WithTimeout(b.tab, 5*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Location())
}

// path is the page's path and query, or the full address when the page is
// not on the server; "?" if the browser cannot tell.
func (b *browser) path() string {
	loc, err := b.tryLocation()
	if err != nil {
		return "?"
	}
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, b.srv.URL) {
		return loc
	}
	return u.RequestURI()
}

// wantPath fails the test unless the page is at path (query ignored).
func (b *browser) wantPath(path string) {
	b.t.Helper()
	loc := b.location()
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, b.srv.URL+"/") || u.Path != path {
		b.t.Fatalf("page is %s, want %s%s", loc, b.srv.URL, path)
	}
}

// htmlLang is the lang attribute of <html>.
func (b *browser) htmlLang() string {
	b.t.Helper()
	return eval[string](b, "document.documentElement.lang")
}

// setViewport emulates a phone's screen of width×height CSS pixels, with
// touch. As on a phone, a page without a viewport <meta> (about:blank) is
// laid out 980 pixels wide; kobicrm's pages have one. resetViewport undoes
// it.
func (b *browser) setViewport(width, height int) {
	b.t.Helper()
	b.run(fmt.Sprintf("set viewport %dx%d", width, height),
		chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile))
	b.viewportWidth = width
}

func (b *browser) resetViewport() {
	b.t.Helper()
	// chromedp.ResetViewport (an override of 0×0) leaves Chromium 156 at
	// the phone's width; clearing the override works.
	b.run("reset viewport", chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tab, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tab, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{})
		return err
	}))
	b.viewportWidth = 0
}

// screenshotDir is $KOBICRM_SCREENSHOTS, or kobicrm-screenshots in the
// temporary folder.
func screenshotDir() string {
	if d := os.Getenv("KOBICRM_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "kobicrm-screenshots")
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveScreenshot writes a full-page PNG named after name into
// screenshotDir and returns its path. It works after the test's browser
// deadline passed.
func (b *browser) saveScreenshot(name string) (string, error) {
	ctx, cancel := context.WithTimeout(b.tab, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", err
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, unsafeFileChars.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// screenshot saves a full-page PNG on purpose (for a look at a page) and
// returns its path.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	path, err := b.saveScreenshot(name)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	return path
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// ---------------------------------------------------------------------------
// Flows that many tests share

// completeSetup fills in the first-run form on a fresh server and submits
// it; the new administrator is then logged in, on the home page.
func (b *browser) completeSetup(name, email, password string) {
	b.t.Helper()
	b.navigate("/")
	b.wantPath("/setup")
	b.setValue("#name", name)
	b.setValue("#email", email)
	b.setValue("#password", password)
	b.setValue("#password_again", password)
	if status := b.clickAndWait("#setup-submit"); status != 200 {
		b.t.Fatalf("setup answered %d; page %s", status, b.path())
	}
	b.wantPath("/")
	b.waitVisible("#usermenu")
}

// submitLogin fills in and submits the login form, from wherever the
// browser is, and returns the status of the page it lands on. It does not
// check the result; login does.
func (b *browser) submitLogin(email, password string) int {
	b.t.Helper()
	if u, err := url.Parse(b.location()); err != nil || !strings.HasPrefix(u.String(), b.srv.URL) || u.Path != "/login" {
		b.navigate("/login")
	}
	b.setValue("#email", email)
	b.setValue("#password", password)
	return b.clickAndWait("#login-submit")
}

// login logs in and fails the test unless it worked and left the login page.
func (b *browser) login(email, password string) {
	b.t.Helper()
	if status := b.submitLogin(email, password); status != 200 {
		msg := ""
		if b.exists("#login-error") {
			msg = b.text("#login-error")
		}
		b.t.Fatalf("login as %s answered %d %q; page %s", email, status, msg, b.path())
	}
	if p := b.path(); strings.HasPrefix(p, "/login") {
		b.t.Fatalf("still on the login page after logging in as %s", email)
	}
	b.waitVisible("#usermenu")
}

// openUserMenu opens the user menu in the top bar, unless it is open.
func (b *browser) openUserMenu() {
	b.t.Helper()
	if !eval[bool](b, `document.querySelector("details.usermenu").open`) {
		b.click("#usermenu")
	}
	b.waitVisible("#logout")
}

// logout logs out through the user menu and checks that the login page
// follows.
func (b *browser) logout() {
	b.t.Helper()
	b.openUserMenu()
	if status := b.clickAndWait("#logout"); status != 200 {
		b.t.Fatalf("logout answered %d; page %s", status, b.path())
	}
	b.wantPath("/login")
	b.waitVisible("#login-submit")
}

// ---------------------------------------------------------------------------
// HTTP without a browser

// webClient is one visitor of the server over plain HTTP, with its own
// cookies; it follows redirects. Its methods fail the test on transport
// errors and must be called from the test's goroutine; tryLogin and friends
// return errors instead, for other goroutines.
type webClient struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newWebClient(t testing.TB, srv *server) *webClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &webClient{t: t, base: srv.URL, c: &http.Client{Jar: jar, Timeout: actionTimeout}}
}

// webPage is a response, read to its end.
type webPage struct {
	Status int
	Path   string // the path of the final address, after redirects
	Body   string
}

func (w *webClient) do(method, path string, form url.Values) (webPage, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, w.base+path, body)
	if err != nil {
		return webPage{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := w.c.Do(req)
	if err != nil {
		return webPage{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return webPage{}, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	return webPage{Status: resp.StatusCode, Path: resp.Request.URL.Path, Body: string(b)}, nil
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// trySubmit GETs the page at formPath, takes its CSRF token and POSTs the
// form to action with it, as a browser submitting that page's form would.
func (w *webClient) trySubmit(formPath, action string, form url.Values) (webPage, error) {
	page, err := w.do(http.MethodGet, formPath, nil)
	if err != nil {
		return webPage{}, err
	}
	m := csrfInput.FindStringSubmatch(page.Body)
	if m == nil {
		return webPage{}, fmt.Errorf("GET %s (status %d, at %s) has no csrf_token field", formPath, page.Status, page.Path)
	}
	form.Set("csrf_token", html.UnescapeString(m[1]))
	return w.do(http.MethodPost, action, form)
}

func (w *webClient) get(path string) webPage {
	w.t.Helper()
	p, err := w.do(http.MethodGet, path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *webClient) submit(formPath, action string, form url.Values) webPage {
	w.t.Helper()
	p, err := w.trySubmit(formPath, action, form)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// setup completes the first-run form; the client is then logged in.
func (w *webClient) setup(name, email, password string) {
	w.t.Helper()
	p := w.submit("/setup", "/setup", url.Values{
		"name": {name}, "email": {email}, "password": {password}, "password_again": {password},
	})
	if p.Status != http.StatusOK || p.Path != "/" {
		w.t.Fatalf("setup answered %d at %s:\n%s", p.Status, p.Path, p.Body)
	}
}

// tryLogin submits the login form and tells whether it logged in: an
// error means the server did something other than accept the login or
// refuse it with 401.
func (w *webClient) tryLogin(email, password string) (bool, error) {
	p, err := w.trySubmit("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return false, err
	}
	switch {
	case p.Status == http.StatusOK && p.Path == "/" && strings.Contains(p.Body, `id="usermenu"`):
		return true, nil
	case p.Status == http.StatusUnauthorized && strings.Contains(p.Body, `id="login-error"`):
		return false, nil
	}
	return false, fmt.Errorf("login as %s answered %d at %s", email, p.Status, p.Path)
}

// tryLoggedIn tells whether the client's session is still logged in.
func (w *webClient) tryLoggedIn() (bool, error) {
	p, err := w.do(http.MethodGet, "/", nil)
	if err != nil {
		return false, err
	}
	switch {
	case p.Status == http.StatusOK && p.Path == "/":
		return true, nil
	case p.Status == http.StatusOK && p.Path == "/login":
		return false, nil
	}
	return false, fmt.Errorf("GET / answered %d at %s", p.Status, p.Path)
}

func (w *webClient) tryLogout() error {
	p, err := w.trySubmit("/", "/logout", url.Values{})
	if err != nil {
		return err
	}
	if p.Status != http.StatusOK || p.Path != "/login" {
		return fmt.Errorf("logout answered %d at %s", p.Status, p.Path)
	}
	return nil
}

// login logs in and fails the test unless the server accepted it.
func (w *webClient) login(email, password string) {
	w.t.Helper()
	ok, err := w.tryLogin(email, password)
	if err != nil {
		w.t.Fatal(err)
	}
	if !ok {
		w.t.Fatalf("login as %s with %q was refused", email, password)
	}
}

// loginRefused fails the test unless the server refuses the login.
func (w *webClient) loginRefused(email, password string) {
	w.t.Helper()
	ok, err := w.tryLogin(email, password)
	if err != nil {
		w.t.Fatal(err)
	}
	if ok {
		w.t.Fatalf("login as %s with %q was accepted, want refused", email, password)
	}
}

func (w *webClient) loggedIn() bool {
	w.t.Helper()
	ok, err := w.tryLoggedIn()
	if err != nil {
		w.t.Fatal(err)
	}
	return ok
}
