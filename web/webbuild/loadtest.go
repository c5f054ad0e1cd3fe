package webbuild

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// LoadtestPkg is the load tester's command, relative to the module root.
const LoadtestPkg = "./internal/tools/cmd/loadtest"

// LoadtestArgsEnv names the environment variable whose value, split at white space, holds the load
// tester's flags for `mage loadtest` (mage targets take no flags).
const LoadtestArgsEnv = "TICKWIRE_LOADTEST_ARGS"

// LoadtestBinary returns the path of the load tester inside dist.
func LoadtestBinary(dist string) string {
	return filepath.Join(dist, "tickwire-loadtest"+exeSuffix(runtime.GOOS))
}

// BuildLoadtest builds the load tester for the host platform to out.
func BuildLoadtest(ctx context.Context, out string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	return run(goCommand(ctx, root, os.Environ(), "build", "-o", abs, LoadtestPkg))
}

// LoadtestArgs returns the load tester's arguments: the flags in env (a LoadtestArgsEnv value),
// preceded by -server serverBinary unless they name a server themselves (-server) or play against a
// running one (-url).
func LoadtestArgs(serverBinary, env string) []string {
	args := strings.Fields(env)
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "server" || name == "url") {
			return args
		}
	}
	return append([]string{"-server", serverBinary}, args...)
}

// PerfplotPkg is the command that turns a sweep's JSON into the plot and the table.
const PerfplotPkg = "./internal/tools/cmd/perfplot"

// PerfArgsEnv names the environment variable whose flags (split at white space) `mage perfreport`
// adds to every run of its sweep, after its own: -server OTHER measures another server binary.
const PerfArgsEnv = "TICKWIRE_PERF_ARGS"

// PerfRun is one run of the cost-growth sweep: the file in the sweep's directory its JSON summary
// goes to, the load tester's flags, and, for a run another already made, that run's file.
type PerfRun struct {
	File string
	Args []string
	Same string // non-empty: the run is this other file's (the same configuration); copy it
}

// Sweep settings: players per room at PerfPlayers players, and rooms of 10. Each run holds for
// PerfHold, so the sweep (seven runs, one of them shared) takes about three minutes.
const (
	PerfPlayers = 200
	PerfHold    = "20s"
)

// PerfSweep returns the runs of the cost-growth sweep, in order: 1, 10, 50 and 100 players per room
// at PerfPlayers players (perroom-NNN.json), then 10, 20, 40 and 80 rooms of 10 (rooms-NNN.json;
// 20 rooms of 10 is the 10-per-room run again). Every run is lean-botted, dials 400 bots a
// second and writes JSON.
func PerfSweep() []PerfRun {
	var runs []PerfRun
	add := func(file string, bots, rooms int, same string) {
		runs = append(runs, PerfRun{File: file, Same: same, Args: []string{"-bots", fmt.Sprint(bots), "-rooms", fmt.Sprint(rooms),
			"-ramp", "400", "-duration", PerfHold, "-lean", "true", "-json", "-quiet"}})
	}
	for _, per := range []int{1, 10, 50, 100} {
		add(fmt.Sprintf("perroom-%03d.json", per), PerfPlayers, PerfPlayers/per, "")
	}
	for _, rooms := range []int{10, 20, 40, 80} {
		same := ""
		if rooms*10 == PerfPlayers {
			same = "perroom-010.json"
		}
		add(fmt.Sprintf("rooms-%03d.json", rooms), rooms*10, rooms, same)
	}
	return runs
}

// RunPerfSweep runs the sweep with the load tester binary, against serverBinary (unless extra names
// another with -server), writing each run's JSON into dir; progress goes to log.
func RunPerfSweep(ctx context.Context, loadtest, serverBinary, dir string, extra []string, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, r := range PerfSweep() {
		out := filepath.Join(dir, r.File)
		if r.Same != "" {
			b, err := os.ReadFile(filepath.Join(dir, r.Same))
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(log, "perfreport: %s is %s\n", r.File, r.Same)
			continue
		}
		args := LoadtestArgs(serverBinary, strings.Join(append(slices.Clone(r.Args), extra...), " "))
		fmt.Fprintf(log, "perfreport: %s: tickwire-loadtest %s\n", r.File, strings.Join(args, " "))
		var stdout bytes.Buffer
		cmd := exec.CommandContext(ctx, loadtest, args...)
		cmd.Stdout, cmd.Stderr = &stdout, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", r.File, err)
		}
		if err := os.WriteFile(out, stdout.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
