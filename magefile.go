//go:build mage

// Build, run and test tickwire. Run targets with `go tool mage <target>`;
// the default target is build. The browser page and server go to dist/.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/tickwire/tickwire/web/scaffold"
	"github.com/tickwire/tickwire/web/webbuild"
)

// FuzzBudget is how many inputs `mage test` fuzzes each fuzz target with
// (a few seconds each on this project's 2-core machine). It is a smoke test
// that catches regressions quickly, not a fuzzing campaign; run
// `go test -fuzz` by hand for longer runs. A count, not a duration: with a
// duration, Go 1.26's fuzzing coordinator can fail a target with "context
// deadline exceeded" when the time runs out on a busy machine
// (golang/go#75804, fixed in Go 1.27).
const FuzzBudget = "50000x"

// livePackages hold the tests that play in real time over real sockets: the browser tests, the
// bots, the simulated networks, the Node.js client. `mage test` runs them after the others, one
// package at a time, so that the machine's load does not decide them. Besides these, every package
// with a test file that isLiveTestFile recognises is live too (a scaffolded game's client half is),
// so a new game lands in the live phase without an edit here.
var livePackages = []string{
	"server/gateway",
	"server/metrics",
	"server/cluster",
	"internal/tools/cmd/loadtest",
	"internal/tools/netlab",
	"internal/tools/soak",
	"web/nodeclient",
	"internal/e2e",
	"internal/clustertest",
}

// isLiveTestFile reports whether a test file's name marks its package as live: live_test.go, or a
// name ending in _live_test.go.
func isLiveTestFile(name string) bool {
	return name == "live_test.go" || strings.HasSuffix(name, "_live_test.go")
}

// splitLive lists the module's packages and splits them into the quick ones and the live ones
// (import paths), and fails if an entry of livePackages is not among them.
func splitLive(goCmd string) (quick, live []string, err error) {
	const module = "github.com/tickwire/tickwire/"
	out, err := sh.Output(goCmd, "list", "-f", "{{.ImportPath}} {{join .TestGoFiles \" \"}} {{join .XTestGoFiles \" \"}}", "./...")
	if err != nil {
		return nil, nil, err
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pkg := fields[0]
		listed[pkg] = true
		if slices.Contains(livePackages, strings.TrimPrefix(pkg, module)) || slices.ContainsFunc(fields[1:], isLiveTestFile) {
			live = append(live, pkg)
		} else {
			quick = append(quick, pkg)
		}
	}
	for _, p := range livePackages {
		if !listed[module+p] {
			return nil, nil, fmt.Errorf("livePackages names %s, which go list did not find", p)
		}
	}
	return quick, live, nil
}

// wasmPackages are tested again compiled to js/wasm and run under Node.js (go_js_wasm_exec), as the
// browser runs them: shared/replay replays recordings made natively and compares them byte for
// byte, the check that the browser steps every game exactly as the server does (docs/REPLAY.md).
var wasmPackages = []string{"./shared/replay/"}

// wasmTests runs wasmPackages' tests as js/wasm under Node.js.
func wasmTests(goCmd string) error {
	goroot, err := sh.Output(goCmd, "env", "GOROOT")
	if err != nil {
		return err
	}
	env := map[string]string{"GOOS": "js", "GOARCH": "wasm",
		"PATH": filepath.Join(goroot, "lib", "wasm") + string(os.PathListSeparator) + os.Getenv("PATH")}
	return sh.RunWithV(env, goCmd, append([]string{"test", "-count=1"}, wasmPackages...)...)
}

// fuzzPackages are searched for fuzz targets by `mage test`.
var fuzzPackages = []string{"./shared/...", "./server/..."}

// Default is the target run by a bare `go tool mage`.
var Default = Build

// Aliases lets targets be named as the docs spell them.
var Aliases = map[string]any{"replay-check": ReplayCheck}

func init() {
	webbuild.GoCmd = mg.GoCmd()
}

// dist returns the absolute path of dist/ in the module root.
func dist() (string, error) {
	root, err := webbuild.ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "dist"), nil
}

// Build builds the web page, tickwire.wasm (with .br/.gz) and the server into dist/.
func Build(ctx context.Context) error {
	d, err := dist()
	if err != nil {
		return err
	}
	return webbuild.Build(ctx, d)
}

// Wasmsize shows where tickwire.wasm's bytes go: its size raw and in brotli, its sections, and its code by module and by package.
func Wasmsize(ctx context.Context) error {
	return webbuild.WasmSize(ctx, os.Stdout)
}

// Serve builds, then runs the server on dist/www (TICKWIRE_ADDR, default :8080).
func Serve(ctx context.Context) error {
	mg.CtxDeps(ctx, Build)
	d, err := dist()
	if err != nil {
		return err
	}
	fmt.Printf("tickwire: play at %s\n", webbuild.ServeURL(os.Getenv("TICKWIRE_ADDR")))
	cmd := exec.Command(webbuild.ServerBinary(d), "-www", webbuild.WWWDir(d))
	cmd.Dir = filepath.Dir(d)
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return webbuild.RunForwardingSignals(ctx, cmd)
}

// Test runs go vet, the tests with -race (browser tests use dist/), shared/replay's again as js/wasm under Node.js, and a short fuzz run of every fuzz target (FuzzBudget inputs each).
func Test(ctx context.Context) error {
	goCmd := mg.GoCmd()
	if err := sh.RunV(goCmd, "vet", "./..."); err != nil {
		return err
	}
	mg.CtxDeps(ctx, Build)
	d, err := dist()
	if err != nil {
		return err
	}
	// Build compiled ./wasmclient and what it imports; this also covers
	// packages below it that the client does not import (mostly cached).
	if err := sh.RunWithV(map[string]string{"GOOS": "js", "GOARCH": "wasm"}, goCmd, "build", "./wasmclient/..."); err != nil {
		return err
	}
	if err := clientFreeOfServer(goCmd); err != nil {
		return err
	}
	// The tests that play in real time (browsers, bots, simulated networks) run after the rest,
	// one package at a time: on a 2-core machine running the -race suite beside them, a page took
	// 13 s to draw and a loopback ping 600 ms, which measures the machine, not the code.
	quick, live, err := splitLive(goCmd)
	if err != nil {
		return err
	}
	env := map[string]string{"TICKWIRE_DIST": d}
	quickErr := sh.RunWithV(env, goCmd, append([]string{"test", "-race", "-count=1"}, quick...)...)
	wasmErr := wasmTests(goCmd)
	liveErr := sh.RunWithV(env, goCmd, append([]string{"test", "-race", "-count=1", "-p", "1"}, live...)...)
	// Every phase runs whatever the others found, so that one run shows every failure.
	if err := errors.Join(quickErr, wasmErr, liveErr); err != nil {
		return err
	}
	targets, err := webbuild.FuzzTargets(ctx, fuzzPackages...)
	if err != nil {
		return err
	}
	for _, t := range targets {
		fmt.Printf("fuzz: %s for %s inputs\n", t, FuzzBudget)
		if err := webbuild.RunFuzz(ctx, t.Pkg, t.Name, FuzzBudget); err != nil {
			return err
		}
	}
	return nil
}

// E2E builds, then runs the browser end-to-end tests in ./internal/e2e verbosely.
func E2E(ctx context.Context) error {
	mg.CtxDeps(ctx, Build)
	d, err := dist()
	if err != nil {
		return err
	}
	// TICKWIRE_E2E is passed through from the environment (=1 makes a
	// missing Chromium a failure instead of a skip).
	return sh.RunWithV(map[string]string{"TICKWIRE_DIST": d},
		mg.GoCmd(), "test", "-count=1", "-v", "./internal/e2e/")
}

// Screenshot builds, then renders docs/screenshot.png for the README with headless Chromium.
func Screenshot(ctx context.Context) error {
	mg.CtxDeps(ctx, Build)
	d, err := dist()
	if err != nil {
		return err
	}
	shot := filepath.Join(filepath.Dir(d), "docs", "screenshot.png")
	return sh.RunWithV(map[string]string{"TICKWIRE_DIST": d, "TICKWIRE_SCREENSHOT": shot},
		mg.GoCmd(), "test", "-count=1", "-run", "TestReadmeScreenshot", "-v", "./internal/e2e/")
}

// Loadtest builds the server and the load tester, then plays bots against a server it starts on loopback; flags go in TICKWIRE_LOADTEST_ARGS.
//
// For example TICKWIRE_LOADTEST_ARGS="-bots 800 -rooms 80 -ramp 200 -duration 60s". The load
// tester's flags are listed by `dist/tickwire-loadtest -h`; the run stops by itself after the ramp
// and -duration (30 s by default).
func Loadtest(ctx context.Context) error {
	_, server, loadtest, err := buildLoadtest(ctx)
	if err != nil {
		return err
	}
	cmd := exec.Command(loadtest, webbuild.LoadtestArgs(server, os.Getenv(webbuild.LoadtestArgsEnv))...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return webbuild.RunForwardingSignals(ctx, cmd)
}

// Perfreport runs the cost-growth sweep (players per room 1-100, rooms of 10 from 10 to 80; about 3 minutes) and writes docs/perf-growth.svg and the table in docs/PERFORMANCE.md.
//
// Each run's JSON goes to dist/perf (TICKWIRE_PERF_DIR to choose another directory); flags in
// TICKWIRE_PERF_ARGS are added to every run (-server OLD measures another server binary).
// internal/tools/cmd/perfplot makes the plot and the table, and runs alone on saved JSON.
func Perfreport(ctx context.Context) error {
	d, server, loadtest, err := buildLoadtest(ctx)
	if err != nil {
		return err
	}
	dir := os.Getenv("TICKWIRE_PERF_DIR")
	if dir == "" {
		dir = filepath.Join(d, "perf")
	}
	extra := strings.Fields(os.Getenv(webbuild.PerfArgsEnv))
	if err := webbuild.RunPerfSweep(ctx, loadtest, server, dir, extra, os.Stderr); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, mg.GoCmd(), "run", webbuild.PerfplotPkg, "-in", dir,
		"-svg", filepath.Join("docs", "perf-growth.svg"), "-doc", filepath.Join("docs", "PERFORMANCE.md"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// buildLoadtest builds the server and the load tester into dist, and returns dist and their paths.
func buildLoadtest(ctx context.Context) (d, server, loadtest string, err error) {
	if d, err = dist(); err != nil {
		return "", "", "", err
	}
	server, loadtest = webbuild.ServerBinary(d), webbuild.LoadtestBinary(d)
	if err := webbuild.BuildServer(ctx, server); err != nil {
		return "", "", "", err
	}
	if err := webbuild.BuildLoadtest(ctx, loadtest); err != nil {
		return "", "", "", err
	}
	return d, server, loadtest, nil
}

// Netlab measures the netcode headless: prediction corrections, interpolation stalls and remote
// entities' displayed error on a clean loopback and a bad network (flags in TICKWIRE_NETLAB_ARGS).
func Netlab(ctx context.Context) error {
	args := append([]string{"run", "./internal/tools/cmd/netlab"}, strings.Fields(os.Getenv("TICKWIRE_NETLAB_ARGS"))...)
	cmd := exec.CommandContext(ctx, mg.GoCmd(), args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// New scaffolds a new game NAME (shared half, client half, registration, tests) that builds and plays at once; -messages adds a message of its own each way.
//
// With -messages (`go tool mage new NAME -messages`) the game also has an example message each way
// (a player cheers; the server tells everyone who did), with golden bytes, refusals, a fuzz target
// with seeds and a test that plays them through the real server.
func New(name string, messages *bool) error {
	root, err := webbuild.ModuleRoot()
	if err != nil {
		return err
	}
	paths, err := scaffold.Write(root, scaffold.Game{Name: name, Messages: messages != nil && *messages})
	if err != nil {
		return err
	}
	fmt.Printf("new game %s:\n", name)
	for _, p := range paths {
		fmt.Printf("  %s\n", p)
	}
	fmt.Printf("\nNext: go test ./shared/games/%s/ ./wasmclient/games/%s/, then go tool mage serve and open\n"+
		"http://localhost:8080/?game=%s (docs/NEW_GAME.md says what to change next).\n", name, name, name)
	return nil
}

// ReplayCheck replays a replay FILE (a bug report's, say) with the game it names and compares every keyframe: prints the ticks replayed and OK, or the first difference.
//
// It runs internal/tools/cmd/replaycheck (`go tool mage replay-check FILE`, or replayCheck); the
// command exits with status 1 when the replay differs from its recording (docs/REPLAY.md).
func ReplayCheck(ctx context.Context, file string) error {
	cmd := exec.CommandContext(ctx, mg.GoCmd(), "run", "./internal/tools/cmd/replaycheck", file)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// Clean removes dist/.
func Clean() error {
	d, err := dist()
	if err != nil {
		return err
	}
	return sh.Rm(d)
}

// Soak plays bots for minutes while cutting their connections at random, and fails if a seat is lost or memory or goroutines grow.
//
// TICKWIRE_SOAK_DURATION (default 2m) and TICKWIRE_SOAK_BOTS (default 50) size the run.
func Soak(ctx context.Context) error {
	env := map[string]string{"TICKWIRE_SOAK_DURATION": "2m", "TICKWIRE_SOAK_BOTS": "50"}
	for k := range env {
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	return sh.RunWithV(env, mg.GoCmd(), "test", "-count=1", "-timeout=0", "-v", "-run", "^TestSoak$", "./internal/tools/soak/")
}

// clientFreeOfServer fails if any package below wasmclient/, built natively or for the browser,
// depends on a server package: the client and the tools that play it against a server are apart.
func clientFreeOfServer(goCmd string) error {
	for _, env := range []map[string]string{nil, {"GOOS": "js", "GOARCH": "wasm"}} {
		deps, err := sh.OutputWith(env, goCmd, "list", "-deps", "./wasmclient/...")
		if err != nil {
			return err
		}
		for _, d := range strings.Fields(deps) {
			if strings.HasPrefix(d, "github.com/tickwire/tickwire/server") {
				return fmt.Errorf("wasmclient depends on %s (GOOS=%s): no client package may depend on the server", d, env["GOOS"])
			}
		}
	}
	return nil
}
