//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/web/webbuild"
)

// chromiumFlags are the flags the browser runs with: headless, software WebGL through SwiftShader,
// and nothing that reaches outside this machine.
var chromiumFlags = []string{
	"headless", "no-sandbox", "disable-gpu", "enable-unsafe-swiftshader",
	"disable-background-networking", "disable-component-update", "disable-sync", "no-first-run",
	// Two pages play at once: neither may be throttled as a background tab.
	"disable-background-timer-throttling", "disable-renderer-backgrounding", "disable-backgrounding-occluded-windows",
	"disable-dev-shm-usage",
}

// findChromium returns the browser to run, or skips (fails when TICKWIRE_E2E=1) when there is none.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found: install it with 'apt-get install -y chromium' to run the browser tests"
	if os.Getenv("TICKWIRE_E2E") == "1" {
		t.Fatal(msg + " (TICKWIRE_E2E=1 makes them mandatory)")
	}
	t.Skip(msg)
	return ""
}

var (
	buildOnce sync.Once
	builtWWW  string
	buildErr  error
)

// wwwDir returns the built page: TICKWIRE_DIST's, or one built now into a temporary folder.
func wwwDir(t *testing.T) string {
	t.Helper()
	if dist := os.Getenv("TICKWIRE_DIST"); dist != "" {
		www := webbuild.WWWDir(dist)
		if _, err := os.Stat(filepath.Join(www, "tickwire.wasm")); err != nil {
			t.Fatalf("TICKWIRE_DIST=%s has no built page: %v", dist, err)
		}
		return www
	}
	buildOnce.Do(func() {
		dist, err := os.MkdirTemp("", "tickwire-e2e-dist")
		if err != nil {
			buildErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		buildErr = webbuild.Build(ctx, dist)
		builtWWW = webbuild.WWWDir(dist)
	})
	if buildErr != nil {
		t.Fatalf("building the page: %v", buildErr)
	}
	return builtWWW
}

// artifactDir is where screenshots go: TICKWIRE_ARTIFACTS, or dist/e2e beside the built page.
func artifactDir(t *testing.T, www string) string {
	dir := os.Getenv("TICKWIRE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(www), "e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startServer runs the real server, hosting the arena and pong, on a free loopback port; each of
// opts changes its configuration first.
func startServer(t *testing.T, www string, opts ...func(cfg *server.Config)) (*server.Server, string) {
	t.Helper()
	cfg := server.Config{WWW: www, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The pages must see each other wherever the server places them, so interest management is off;
	// snapshots still travel as deltas.
	cfg.Lobby.SeeEverything = true
	// Software rendering on a busy machine (several pages compiling the wasm at once) can keep a
	// page's event loop from sending its hello for seconds; this test is about play, not about the
	// handshake timeout (the gateway tests are).
	cfg.Gateway.HandshakeTimeout = 30 * time.Second
	for _, o := range opts {
		o(&cfg)
	}
	srv, addr := servertest.Start(t, cfg, room.For(arena.Game{}), room.For(pong.Game{}))
	return srv, "http://" + addr
}

// newBrowser starts Chromium with a fresh profile and a small window; pages are tabs of it.
//
// Small, because software rendering costs by the pixel: a page of pong drew 1–3 frames a second
// at 1280×720 on this project's 2-core machine (1 with two pages), 3–10 at 640×360 and 10–19 at
// 320×180. At one frame a second a page's event loop falls seconds behind its socket, and what
// the tests wait for arrives late or not at all.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserSized(t, 400, 225)
}

// newBrowserSized starts Chromium with a fresh profile and a window of w×h.
func newBrowserSized(t *testing.T, w, h int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(w, h),
		chromedp.Flag("use-angle", "swiftshader"),
	}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	// The first Run starts the browser; it must not run under a timeout.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return browser
}

// page is one browser tab playing the game.
type page struct {
	t    *testing.T
	name string
	ctx  context.Context

	mu       sync.Mutex
	problems []string // console errors and uncaught exceptions
}

// newTab opens a tab of browser, listening for its console problems, closed when the test ends.
func newTab(t *testing.T, browser context.Context, name string) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	p := &page{t: t, name: name, ctx: ctx}
	if err := chromedp.Listen(ctx, p.onEvent); err != nil {
		t.Fatal(err)
	}
	return p
}

func openPage(t *testing.T, browser context.Context, name, url string) *page {
	t.Helper()
	p := newTab(t, browser, name)
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: navigate: %v", name, err)
	}
	return p
}

func (p *page) onEvent(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			problem = "console.error: " + strings.Join(args, " ")
		}
	case *runtime.EventExceptionThrown:
		problem = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			problem += " " + ev.ExceptionDetails.Exception.Description
		}
	}
	if problem != "" {
		p.mu.Lock()
		p.problems = append(p.problems, problem)
		p.mu.Unlock()
	}
}

func (p *page) eval(expr string) (string, error) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](expr))
}

// view returns what the page's client has received, through the page's test hook.
func (p *page) view() (netclient.DebugView, error) {
	var v netclient.DebugView
	s, err := p.eval(`typeof window.tickwireView === "function" ? window.tickwireView() : "{}"`)
	if err != nil {
		return v, err
	}
	err = json.Unmarshal([]byte(s), &v)
	return v, err
}

// waitView polls the page's view until cond holds.
func (p *page) waitView(what string, timeout time.Duration, cond func(v netclient.DebugView) bool) netclient.DebugView {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var v netclient.DebugView
	var err error
	for time.Now().Before(deadline) {
		if v, err = p.view(); err == nil && cond(v) {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	loader, _ := p.eval(`JSON.stringify(window.tickwireLoader || null)`)
	p.t.Fatalf("%s: timed out after %s waiting for %s; view %+v (err %v); loader %s; console %v", p.name, timeout, what, v, err, loader, p.consoleProblems())
	return v
}

func (p *page) consoleProblems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

// hold presses a key (a DOM key name such as "ArrowRight", which is also its code) for d, then
// releases it.
func (p *page) hold(key string, vk int64, d time.Duration) {
	p.t.Helper()
	p.holdKey(key, key, vk, d)
}

// holdKey presses the key with DOM key and code names (" " and "Space", "1" and "Digit1") for d,
// then releases it.
func (p *page) holdKey(key, code string, vk int64, d time.Duration) {
	p.t.Helper()
	p.press(key, code, vk, input.DispatchKeyEventTypeRawKeyDown)
	time.Sleep(d)
	p.press(key, code, vk, input.DispatchKeyEventTypeKeyUp)
}

// holdUntil presses a key (a DOM key name that is also its code) and keeps it down until watcher's
// view meets cond, or timeout; then releases it and returns the view, failing the test on a
// timeout. Holding until the effect shows, rather than for a fixed time, keeps a page that draws a
// frame or two a second (software rendering on a busy machine) from missing the key.
func (p *page) holdUntil(key string, vk int64, watcher *page, what string, timeout time.Duration, cond func(v netclient.DebugView) bool) netclient.DebugView {
	p.t.Helper()
	p.press(key, key, vk, input.DispatchKeyEventTypeRawKeyDown)
	defer p.press(key, key, vk, input.DispatchKeyEventTypeKeyUp)
	return watcher.waitView(what, timeout, cond)
}

// press sends one key event to the page.
func (p *page) press(key, code string, vk int64, typ input.DispatchKeyEventType) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	ev := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, ev)
		return err
	})); err != nil {
		p.t.Fatalf("%s: key %s: %v", p.name, key, err)
	}
}

func (p *page) screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("%s: screenshot saved to %s", p.name, path)
}

// findPlayer returns the player entity with the given id in v.
func findPlayer(v netclient.DebugView, id uint32) *netclient.DebugEntity {
	for i, e := range v.Entities["player"] {
		if e.ID == id {
			return &v.Entities["player"][i]
		}
	}
	return nil
}

func describe(e *netclient.DebugEntity) string {
	if e == nil {
		return "absent"
	}
	return fmt.Sprintf("%s at (%d, %d) px", e.Name, e.Fields["x"]/arena.One, e.Fields["y"]/arena.One)
}

// moveTowardMiddle holds the arrow key that moves player id (seen at before) toward the middle of
// the arena (the server may have placed it by a wall) for 1.5 s, and waits until watcher's
// snapshots show it moved that way by 100 px. It returns the watcher's view then.
func (p *page) moveTowardMiddle(watcher *page, what string, before *netclient.DebugEntity, id uint32) netclient.DebugView {
	p.t.Helper()
	key, code, sign := "ArrowRight", int64(39), int32(1)
	if before.Fields["x"] > arena.Width/2 {
		key, code, sign = "ArrowLeft", 37, -1
	}
	return p.holdUntil(key, code, watcher, what, 30*time.Second, func(v netclient.DebugView) bool {
		e := findPlayer(v, id)
		return e != nil && (e.Fields["x"]-before.Fields["x"])*sign > 100*arena.One
	})
}
