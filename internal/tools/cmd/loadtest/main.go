// Command loadtest plays bots against a tickwire server and reports what the server did while it
// held them: CCU, tick time, missed ticks, snapshot rate, bytes per client, CPU, peak memory and CCU
// per server core.
//
// By default it starts its own server on loopback, as a separate process, so that the server's CPU
// time and memory are measured apart from the bots': the binary given by -server, or one it builds
// with `go build ./server/cmd/tickwire` (run it in the module). With -url it plays against a running
// server instead; -admin then names that server's admin listener for its figures.
//
// Against a cluster, -url names one node: the bots dial it and are redirected as players are, and
// the summary's placement lists how many bots play on each node (and how many got there by a
// redirect). -admin reads one node's figures; docs/SCALING.md shows a run against three nodes.
//
//	go tool mage loadtest                                  # 100 bots, 10 rooms, 30 s
//	TICKWIRE_LOADTEST_ARGS="-bots 800 -rooms 80 -ramp 200 -duration 60s" go tool mage loadtest
//	go run ./internal/tools/cmd/loadtest -bots 20 -duration 5s -json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/games"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
	}
}

type options struct {
	url, admin, server, serverLog, profile string
	selfProfile, game                      string
	bots, rooms, tickRate, snapshotRate    int
	maxPlayers                             int
	ramp                                   float64
	duration, think, progress              time.Duration
	json, quiet                            bool
	lean                                   string
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "WebSocket endpoint of a running server, e.g. ws://127.0.0.1:8080/ws (default: start one on loopback)")
	fs.StringVar(&o.admin, "admin", "", "admin listener of the server given by -url, e.g. http://127.0.0.1:9090, for its tick times, CPU and memory")
	fs.StringVar(&o.server, "server", "", "server binary to start (default: go build ./server/cmd/tickwire into a temporary directory)")
	fs.StringVar(&o.serverLog, "server-log", "", "file for the started server's log (default: discarded)")
	fs.StringVar(&o.profile, "profile", "", "file to save a CPU profile of the server over the hold, from its /debug/pprof/profile")
	fs.StringVar(&o.selfProfile, "cpuprofile", "", "file to save a CPU profile of the load tester itself (the bots)")
	fs.StringVar(&o.game, "game", games.Default, fmt.Sprintf("game the bots play (registered: %v)", loadtest.Games()))
	fs.IntVar(&o.bots, "bots", 100, "number of bots")
	fs.IntVar(&o.rooms, "rooms", 10, "rooms to spread the bots over, in turn (0: the server seats them)")
	fs.Float64Var(&o.ramp, "ramp", 100, "bots dialled per second (0: all at once)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to hold the full load after the ramp; rates are measured over it")
	fs.DurationVar(&o.think, "think", 100*time.Millisecond, "how often each bot picks its input")
	fs.DurationVar(&o.progress, "progress", time.Second, "interval of the progress line on stderr")
	fs.IntVar(&o.tickRate, "tick-rate", 30, "the started server's -tick-rate")
	fs.IntVar(&o.snapshotRate, "snapshot-rate", 20, "the started server's -snapshot-rate")
	fs.IntVar(&o.maxPlayers, "max-players", 0, "the started server's -max-players (default: enough seats for bots/rooms)")
	fs.StringVar(&o.lean, "lean", "auto", "play the bots on the load tester's lean client (true), or on netclient, which reconnects and follows a cluster's redirects (false); auto: lean against a server it starts, netclient with -url")
	fs.BoolVar(&o.json, "json", false, "write the summary to stdout as one JSON object")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress line")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch o.lean {
	case "auto", "true", "false":
	default:
		return o, fmt.Errorf("-lean is true, false or auto, not %q", o.lean)
	}
	if o.bots <= 0 || o.rooms < 0 || o.ramp < 0 || o.duration <= 0 {
		return o, errors.New("-bots and -duration must be positive, -rooms and -ramp not negative")
	}
	return o, nil
}

// seats returns the seats per room a started server needs for the bots.
func (o options) seats() int {
	if o.maxPlayers > 0 || o.rooms == 0 {
		return o.maxPlayers
	}
	return (o.bots + o.rooms - 1) / o.rooms
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	// netclient's bots decode every snapshot into fresh entity slices (lean bots reuse theirs):
	// collecting less often spends the load tester's CPU on bots rather than on garbage (the server
	// is a separate process).
	debug.SetGCPercent(400)
	if o.selfProfile != "" {
		f, err := os.Create(o.selfProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg := loadtest.Config{
		URL: o.url, Game: o.game, Bots: o.bots, Rooms: o.rooms, Ramp: o.ramp, Hold: o.duration, Think: o.think,
		ProgressEvery: o.progress, Lean: o.lean == "true" || o.lean == "auto" && o.url == "",
	}
	if !o.quiet {
		cfg.Progress = stderr
	}
	var adminURL string
	if o.url == "" {
		srv, err := startServer(ctx, o, stderr)
		if err != nil {
			return err
		}
		defer func() {
			if err := srv.Stop(); err != nil {
				fmt.Fprintln(stderr, "loadtest:", err)
			}
		}()
		cfg.URL, adminURL = srv.URL, srv.AdminURL
		cfg.Server = srv.Probe()
		fmt.Fprintf(stderr, "loadtest: started the server (pid %d) at %s, admin %s\n", srv.PID, srv.URL, srv.AdminURL)
	} else if o.admin != "" {
		adminURL = o.admin
		cfg.Server = &loadtest.ServerProbe{AdminURL: o.admin}
	}

	profiled := make(chan error, 1)
	if o.profile != "" && adminURL != "" {
		// The profile starts a little after the ramp is due to end and covers most of the hold.
		go func() { profiled <- saveProfile(ctx, adminURL, o, stderr) }()
	} else {
		profiled <- nil
	}

	sum, err := loadtest.Run(ctx, cfg)
	if err := <-profiled; err != nil {
		fmt.Fprintln(stderr, "loadtest: profile:", err)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		if e := enc.Encode(sum); e != nil {
			return e
		}
	} else {
		sum.Print(stdout)
	}
	return err
}

func startServer(ctx context.Context, o options, stderr io.Writer) (*loadtest.Server, error) {
	bin := o.server
	if bin == "" {
		dir, err := os.MkdirTemp("", "tickwire-loadtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir) // the running binary stays usable once unlinked
		bin = filepath.Join(dir, "tickwire-server")
		fmt.Fprintln(stderr, "loadtest: go build ./server/cmd/tickwire")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server/cmd/tickwire")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build the server (run in the tickwire module, or give -server): %w", err)
		}
	}
	so := loadtest.ServerOptions{
		Binary: bin, TickRate: o.tickRate, SnapshotRate: o.snapshotRate, MaxPlayers: o.seats(),
		MaxRooms: max(1000, o.rooms+10), MaxConnsPerIP: o.bots + 16,
	}
	if o.serverLog != "" {
		f, err := os.Create(o.serverLog)
		if err != nil {
			return nil, err
		}
		so.Log = f // closed when the process exits
	}
	return loadtest.StartServer(ctx, so)
}

// saveProfile fetches a CPU profile of the server covering most of the hold.
func saveProfile(ctx context.Context, adminURL string, o options, stderr io.Writer) error {
	rampSeconds := 0.0
	if o.ramp > 0 {
		rampSeconds = float64(o.bots) / o.ramp
	}
	wait := time.Duration((rampSeconds + 2) * float64(time.Second))
	seconds := max(int((o.duration - 3*time.Second).Seconds()), 1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(wait):
	}
	url := fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", adminURL, seconds)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(o.profile)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(stderr, "loadtest: saved a %d s CPU profile of the server to %s (go tool pprof %s)\n", seconds, o.profile, o.profile)
	return f.Close()
}
