// Package soak runs bots against the real server for a while, cutting their connections at random,
// and checks that the server holds up: every bot comes back to its own seat (the resume token works
// under churn), and neither goroutines nor memory grow without bound.
//
// Start with [Run]. `go tool mage soak` runs it for minutes; a short run is part of the test suite.
package soak

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tickwire/tickwire/internal/cutter"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// Config sets a soak run. Zero fields take the defaults given.
type Config struct {
	// Bots is how many clients play. Defaults to 20.
	Bots int
	// Duration is how long they play. Defaults to 1 minute.
	Duration time.Duration
	// CutEvery is how often a random quarter of the connections is cut. Defaults to 2 s.
	CutEvery time.Duration
	// Seed seeds the choice of inputs and cuts.
	Seed uint64
	// Logf receives a progress line every few seconds; nil is quiet.
	Logf func(format string, args ...any)
}

// Report is what a run measured.
type Report struct {
	Bots      int
	Duration  time.Duration
	Cuts      int // connections cut
	Resumed   int // times a bot came back to its seat
	SeatsLost int // times a bot came back as another player
	// LostAfter is, for each lost seat, why the connection before it ended (the close code and
	// reason the bot last saw while it was away).
	LostAfter     []string
	Goroutines    Growth
	HeapInuse     Growth // bytes, after a GC
	PeakRSS       int64  // bytes: this process, server and bots together
	ServerPlayers int    // players the server counted at the end, before the bots left
}

// Growth is a quantity at the start of a run, at its end, and its peak.
type Growth struct{ Start, End, Peak int64 }

// Check returns an error when the run shows a lost seat or unbounded growth: goroutines back to
// within 10 of the start once the bots have gone, and heap in use at the end within twice the start
// plus 32 MiB.
func (r Report) Check() error {
	var problems []string
	if r.SeatsLost > 0 {
		problems = append(problems, fmt.Sprintf("%d seats lost (after: %s)", r.SeatsLost, strings.Join(r.LostAfter, "; ")))
	}
	if r.Cuts > 0 && r.Resumed == 0 {
		problems = append(problems, "no bot ever resumed its seat")
	}
	if r.Goroutines.End > r.Goroutines.Start+10 {
		problems = append(problems, fmt.Sprintf("goroutines grew from %d to %d", r.Goroutines.Start, r.Goroutines.End))
	}
	if r.HeapInuse.End > 2*r.HeapInuse.Start+32<<20 {
		problems = append(problems, fmt.Sprintf("heap in use grew from %d to %d bytes", r.HeapInuse.Start, r.HeapInuse.End))
	}
	if r.ServerPlayers != r.Bots {
		problems = append(problems, fmt.Sprintf("the server had %d players for %d bots", r.ServerPlayers, r.Bots))
	}
	if len(problems) > 0 {
		return fmt.Errorf("soak failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (r Report) String() string {
	return fmt.Sprintf("%d bots for %s: %d connections cut, %d resumed, %d seats lost; goroutines %d -> %d (peak %d); heap in use %.1f -> %.1f MiB (peak %.1f); peak RSS %.1f MiB",
		r.Bots, r.Duration.Round(time.Second), r.Cuts, r.Resumed, r.SeatsLost,
		r.Goroutines.Start, r.Goroutines.End, r.Goroutines.Peak,
		mib(r.HeapInuse.Start), mib(r.HeapInuse.End), mib(r.HeapInuse.Peak), mib(r.PeakRSS))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// Run plays cfg.Bots bots on a server it starts on loopback, behind a proxy that cuts connections,
// until cfg.Duration has passed or ctx ends.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Bots <= 0 {
		cfg.Bots = 20
	}
	if cfg.Duration <= 0 {
		cfg.Duration = time.Minute
	}
	if cfg.CutEvery <= 0 {
		cfg.CutEvery = 2 * time.Second
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rep := Report{Bots: cfg.Bots, Duration: cfg.Duration}
	rep.Goroutines.Start, rep.HeapInuse.Start = sample()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return rep, err
	}
	scfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// Every bot reaches the server from the proxy's one loopback address.
	scfg.Gateway.MaxConnsPerIP = 2*cfg.Bots + 16
	srv, err := server.New(scfg, room.For(arena.Game{}))
	if err != nil {
		return rep, err
	}
	go srv.Serve(ln)
	proxy, err := cutter.New(ln.Addr().String())
	if err != nil {
		return rep, err
	}

	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	bots := make([]*bot, cfg.Bots)
	// Each bot's netcode driver runs on its own goroutine, as a page's game loop would.
	playCtx, stopPlay := context.WithCancel(ctx)
	defer stopPlay()
	for i := range bots {
		c := netclient.Dial[arena.Input](netclient.Config{URL: "ws://" + proxy.Addr() + "/ws", Name: fmt.Sprintf("bot%d", i),
			Room: fmt.Sprintf("soak-%d", i%4), MaxReconnects: 1000}, arena.Game{}, arena.Schema)
		bots[i] = &bot{c: c, d: netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{})}
		go bots[i].d.Play(playCtx, 30)
	}
	stop := time.Now().Add(cfg.Duration)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	nextCut, nextLog := time.Now().Add(cfg.CutEvery), time.Now().Add(5*time.Second)
	for time.Now().Before(stop) && ctx.Err() == nil {
		<-tick.C
		for _, b := range bots {
			b.play(rng, &rep)
		}
		// Cuts begin once every bot has its seat: a join whose welcome is cut leaves the client
		// without a token, so it joins afresh and its first seat waits out the grace period
		// (the player lost nothing, but the seat count would not add up).
		if now := time.Now(); now.After(nextCut) && allSeated(bots) {
			rep.Cuts += proxy.Cut(0.25, rng)
			nextCut = now.Add(cfg.CutEvery)
		}
		if now := time.Now(); now.After(nextLog) {
			g, h := sample()
			rep.Goroutines.Peak, rep.HeapInuse.Peak = max(rep.Goroutines.Peak, g), max(rep.HeapInuse.Peak, h)
			logf("soak: %s left, %d cut, %d resumed, %d seats lost, %d goroutines, %.1f MiB heap",
				time.Until(stop).Round(time.Second), rep.Cuts, rep.Resumed, rep.SeatsLost, g, mib(h))
			nextLog = now.Add(5 * time.Second)
		}
	}
	// Let the last cuts heal, then count the server's players before the bots leave.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && !allConnected(bots) {
		time.Sleep(50 * time.Millisecond)
	}
	for _, b := range bots {
		b.play(rng, &rep)
	}
	for _, r := range srv.Lobby().Rooms() {
		rep.ServerPlayers += r.Players
	}

	stopPlay()
	for _, b := range bots {
		b.c.Close()
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	proxy.Close()
	// Goroutines take a moment to unwind after their sockets close.
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if g, _ := sample(); g <= rep.Goroutines.Start+10 {
			break
		}
	}
	rep.Goroutines.End, rep.HeapInuse.End = sample()
	rep.PeakRSS = peakRSS()
	return rep, err
}

// bot steers in a random direction that changes now and then, and watches its seat.
type bot struct {
	c      *netclient.Client[arena.Input]
	d      *netcode.Driver[arena.State, arena.Input]
	me     sim.PlayerID
	in     arena.Input
	wasOff bool
	why    string // the last close seen while away
}

func (b *bot) play(rng *rand.Rand, rep *Report) {
	v := b.c.View()
	switch {
	case v.Status != netclient.Connected:
		b.wasOff = b.me != 0
		if v.Code != 0 || v.Reason != "" {
			b.why = fmt.Sprintf("%d %s", v.Code, v.Reason)
		}
	case b.me == 0:
		b.me = v.Welcome.Player
	case b.wasOff:
		if v.Welcome.Player == b.me {
			rep.Resumed++
		} else {
			rep.SeatsLost++
			rep.LostAfter = append(rep.LostAfter, b.why)
			b.me = v.Welcome.Player
		}
		b.wasOff = false
	}
	if rng.IntN(20) == 0 {
		b.in = arena.Input{MoveX: int8(rng.IntN(255) - 127), MoveY: int8(rng.IntN(255) - 127)}
		if rng.IntN(4) == 0 {
			b.in.Buttons = arena.ButtonDash
		}
	}
	b.d.Hold(b.in)
}

func allSeated(bots []*bot) bool {
	for _, b := range bots {
		if b.me == 0 {
			return false
		}
	}
	return true
}

func allConnected(bots []*bot) bool {
	for _, b := range bots {
		if b.c.View().Status != netclient.Connected {
			return false
		}
	}
	return true
}

// sample returns the goroutine count and the heap in use after a collection.
func sample() (int64, int64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(runtime.NumGoroutine()), int64(m.HeapInuse)
}

// peakRSS reads this process's peak resident set from /proc (0 where there is none).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
