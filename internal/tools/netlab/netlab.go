// Package netlab measures how the netcode feels, without a browser: it runs the real server on
// loopback, connects players through real WebSockets with the native client (netclient, and the
// netcode Driver that the browser runs), under simulated network conditions, and compares what
// each player would draw with what the server really simulated.
//
// Start with [Run]; `go tool mage netlab` prints its [Report] for a clean loopback and for the bad
// profile (150 ms RTT, 30 ms jitter, 5% snapshot loss). It plays any game registered with
// [Register] (from a file of its own, game_NAME.go; `go tool mage new` writes one), the arena by
// default: `TICKWIRE_NETLAB_ARGS="-game pong" go tool mage netlab`.
package netlab

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// Options describe a run. Zero fields take the defaults given.
type Options struct {
	// Game is the registered game to play. Defaults to the default game (shared/games.Default).
	Game string
	// Players is how many players play in one room. Defaults to 6, or the game's seats if fewer.
	Players int
	// Ticks is how long they play, in server ticks after the last joined. Defaults to 300 (10 s at
	// the arena's 30 Hz).
	Ticks int
	// Net is the simulated network, applied on each client's side of its connection, both ways.
	Net netsim.Profile
	// FrameRate is how often each player's game loop runs. Defaults to 60.
	FrameRate int
	// InputsPerMessage is how many ticks' inputs each player sends in one message. Defaults to 0:
	// the game's sim.Info.InputsPerMessage (itself defaulting to sim.DefaultInputsPerMessage).
	InputsPerMessage int
	// Seed makes the players' behaviour repeatable. Defaults to 1.
	Seed uint64
	// Logger receives the server's logs. Defaults to discarding them.
	Logger *slog.Logger
}

// Report is what a run measured, over every player.
type Report struct {
	Game    string `json:"game"`
	Net     string `json:"net"`
	Players int    `json:"players"`
	Ticks   int    `json:"ticks"`
	Frames  int    `json:"frames"`

	// Corrections of the own player's prediction, by cause: with no other body or orb near in the
	// server's history (must be 0: the sim is deterministic), in contact with one, after an input
	// the server did not get in time, and over ticks the player sent no input for (after a
	// resynchronisation: a frame more than 1.5 s late, as on a starved machine), whose inputs the
	// session had to assume.
	Uncontested int `json:"correctionsUncontested"`
	Contact     int `json:"correctionsContact"`
	LateInput   int `json:"correctionsLateInput"`
	Resync      int `json:"correctionsResync"`
	// Unfaithful counts received snapshots that differ from the server's state at their tick in
	// an entity they carry (must be 0: a delta rebuilt on the wrong baseline would show here);
	// FirstUnfaithful describes the first.
	Unfaithful      int    `json:"unfaithfulSnapshots"`
	FirstUnfaithful string `json:"firstUnfaithful,omitempty"`
	// FirstUncontested describes the first uncontested correction, if there was one.
	FirstUncontested string `json:"firstUncontested,omitempty"`
	// Desync checks (the snapshots' checksum of the own entity, every 10th snapshot), as the
	// players' sessions judged them: compared against an uncontested prediction, skipped as
	// contested, and the compared ones that differed (must be 0: the same Step on both sides);
	// FirstDesync names the first.
	Checks        int    `json:"desyncChecks"`
	ChecksSkipped int    `json:"desyncChecksSkipped"`
	Desyncs       int    `json:"desyncs"`
	FirstDesync   string `json:"firstDesync,omitempty"`
	// MaxCorrection is the largest correction, in pixels (the game's Unit).
	MaxCorrection float64 `json:"maxCorrectionPx"`
	LateInputs    int     `json:"lateInputs"`

	// StallFrames counts frames drawn past the newest snapshot (extrapolating, then holding),
	// Stalls the distinct stalls, and LongestStall the longest, against the extrapolation bound.
	StallFrames        int           `json:"stallFrames"`
	Stalls             int           `json:"stalls"`
	LongestStall       time.Duration `json:"longestStall"`
	ExtrapolationBound time.Duration `json:"extrapolationBound"`

	// Displayed-position error of every other moving entity (every entity but the own one, over
	// the fields its kind interpolates) against the server's history at the same render time, in
	// pixels.
	MeanError float64 `json:"meanErrorPx"`
	MaxError  float64 `json:"maxErrorPx"`

	// The interpolation delay the players settled on (mean at the end, and its range), their
	// input lead, RTT and jitter as measured.
	Delay, MinDelay, MaxDelay time.Duration
	Lead, RTT, Jitter         time.Duration
	// SnapshotLoss is the fraction of the snapshots the server sent that never reached the
	// players, over the whole run.
	SnapshotLoss float64 `json:"snapshotLoss"`

	// InputsPerMessage is the inputs each player put in one message (batched inputs). HoldP50 and
	// HoldP99 are how long an input waited for its batch before it was sent (the median and the
	// 99th percentile over every input sent): the delay batching adds, which the input lead
	// covers.
	InputsPerMessage int           `json:"inputsPerMessage"`
	HoldP50, HoldP99 time.Duration `json:"-"`
	HoldP50ms        float64       `json:"holdP50ms"`
	HoldP99ms        float64       `json:"holdP99ms"`
	// Per player, over the ticks measured: messages (WebSocket frames) and bytes a second each
	// way, up (to the server: inputs and pings) and down (snapshots, pongs, events).
	MessagesUp   float64 `json:"messagesUpPerSecond"`
	MessagesDown float64 `json:"messagesDownPerSecond"`
	BytesUp      float64 `json:"bytesUpPerSecond"`
	BytesDown    float64 `json:"bytesDownPerSecond"`
}

// String formats the report for a terminal.
func (r Report) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf(`%s, network %s: %d players, %d ticks, %d frames
  snapshots differing from the server's state: %d
  prediction corrections: %d uncontested, %d in contact, %d after a late input, %d after a resync (largest %.1f px); %d late inputs
  desyncs: %d in %d checks compared (%d skipped as contested)
  interpolation stalls: %d frames in %d stalls, longest %s (extrapolation bound %s)
  remote entities' displayed error: mean %.2f px, max %.1f px
  interpolation delay %s (%s to %s), input lead %s, RTT %s, jitter %s, snapshot loss %.1f%%
  inputs %d a message, held for their batch %s median, %s p99; per player a second: %.1f messages and %.0f bytes up, %.1f messages and %.0f bytes down`,
		r.Game, r.Net, r.Players, r.Ticks, r.Frames, r.Unfaithful,
		r.Uncontested, r.Contact, r.LateInput, r.Resync, r.MaxCorrection, r.LateInputs,
		r.Desyncs, r.Checks, r.ChecksSkipped,
		r.StallFrames, r.Stalls, ms(r.LongestStall), ms(r.ExtrapolationBound),
		r.MeanError, r.MaxError,
		ms(r.Delay), ms(r.MinDelay), ms(r.MaxDelay), ms(r.Lead), ms(r.RTT), ms(r.Jitter), 100*r.SnapshotLoss,
		r.InputsPerMessage, ms(r.HoldP50), ms(r.HoldP99), r.MessagesUp, r.BytesUp, r.MessagesDown, r.BytesDown)
}

// Run plays a room as opts say and reports what the players experienced.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Game == "" {
		opts.Game = games.Default
	}
	r, err := runner(opts.Game)
	if err != nil {
		return Report{}, err
	}
	return r(ctx, opts)
}

func run[S, I any](ctx context.Context, opts Options, g Game[S, I]) (Report, error) {
	info := g.Shared.Info()
	if opts.Players <= 0 {
		opts.Players = min(6, info.MaxPlayers)
	}
	if opts.Ticks <= 0 {
		opts.Ticks = 300
	}
	if opts.FrameRate <= 0 {
		opts.FrameRate = 60
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	hist := newHistory[I](info.Schema)
	srv, err := server.New(server.Config{Logger: opts.Logger}, room.For(recording(g.Shared, hist)))
	if err != nil {
		return Report{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Report{}, err
	}
	go srv.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	url := "ws://" + ln.Addr().String() + "/ws"

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	players := make([]*player[S, I], opts.Players)
	var wg sync.WaitGroup
	errs := make(chan error, opts.Players)
	for i := range players {
		p := &player[S, I]{game: &g, hist: hist, bot: g.Bot(opts.Seed*1000 + uint64(i))}
		players[i] = p
		p.client = netclient.Dial[I](netclient.Config{URL: url, Game: info.Name, Room: "netlab", Name: fmt.Sprintf("lab%d", i+1),
			Messages: g.Messages, NetSim: opts.Net, MaxReconnects: -1}, g.Shared, info.Schema)
		defer p.client.Close()
		p.driver = netcode.NewDriver[S, I](g.Shared, p.client, netcode.DriverConfig{Predict: g.Predict, OnSnapshot: p.snapshot,
			InputsPerMessage: opts.InputsPerMessage, OnSend: p.sentMessage})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.play(ctx, opts.FrameRate); err != nil {
				errs <- err
				cancel()
			}
		}()
	}
	// Wait for everyone to be in, then play the ticks asked for.
	start, err := waitJoined(ctx, players, hist)
	if err != nil {
		cancel()
		wg.Wait()
		return Report{}, err
	}
	for _, p := range players {
		p.startTraffic()
	}
	for hist.newest() < start+uint32(opts.Ticks) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range players {
		p.endTraffic()
	}
	cancel()
	wg.Wait()
	select {
	case err := <-errs:
		return Report{}, err
	default:
	}
	return report(opts, g, players), nil
}

func waitJoined[S, I any](ctx context.Context, players []*player[S, I], hist *History[I]) (uint32, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		ready := 0
		for _, p := range players {
			if p.ready.Load() {
				ready++
			}
		}
		if ready == len(players) {
			return hist.newest(), nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if time.Now().After(deadline) {
			for _, p := range players {
				if v := p.client.View(); v.Status == netclient.Closed {
					return 0, fmt.Errorf("a player could not join: %s", v.Reason)
				}
			}
			return 0, fmt.Errorf("only %d of %d players synchronised in 15 s", ready, len(players))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func report[S, I any](opts Options, g Game[S, I], players []*player[S, I]) Report {
	r := Report{Game: opts.Game, Net: opts.Net.String(), Players: len(players), Ticks: opts.Ticks,
		ExtrapolationBound: 250 * time.Millisecond, MinDelay: time.Hour}
	var errSum float64
	var errN int
	for _, p := range players {
		st := p.driver.Session().Stats()
		r.Frames += st.Frames
		r.Uncontested += p.uncontested
		r.Contact += p.contact
		r.LateInput += p.late
		r.Resync += p.resync
		if r.FirstUncontested == "" {
			r.FirstUncontested = p.detail
		}
		r.Unfaithful += p.unfaithful
		if r.FirstUnfaithful == "" {
			r.FirstUnfaithful = p.unfaithfulDetail
		}
		r.Checks += st.Checks
		r.ChecksSkipped += st.ChecksSkipped
		r.Desyncs += st.Desyncs
		if r.FirstDesync == "" && st.Desyncs > 0 {
			r.FirstDesync = fmt.Sprintf("player %d at tick %d", p.me, st.FirstDesync)
		}
		r.MaxCorrection = max(r.MaxCorrection, st.MaxCorrect/g.Unit)
		r.LateInputs += st.LateInputs
		r.StallFrames += st.StallFrames
		r.Stalls += st.Stalls
		r.LongestStall = max(r.LongestStall, st.LongestStall)
		errSum += p.errSum
		errN += p.errN
		r.MaxError = max(r.MaxError, p.errMax)
		r.Delay += st.Delay / time.Duration(len(players))
		r.MinDelay = min(r.MinDelay, st.Delay)
		r.MaxDelay = max(r.MaxDelay, st.Delay)
		r.Lead += st.Lead / time.Duration(len(players))
		r.RTT += st.RTT / time.Duration(len(players))
		r.Jitter += st.Jitter / time.Duration(len(players))
		if p.firstTick != 0 && p.rate.snap > 0 {
			// Over the whole run: the server sends snapshot k at tick ceil(k·tickRate/snapshotRate).
			sentBy := func(t uint32) int64 { return int64(t) * int64(p.rate.snap) / int64(p.rate.tick) }
			sent := sentBy(p.lastTick) - sentBy(p.firstTick) + 1
			r.SnapshotLoss += (1 - float64(p.received)/float64(sent)) / float64(len(players))
		}
	}
	if errN > 0 {
		r.MeanError = errSum / float64(errN)
	}
	r.InputsPerMessage = netcode.InputsPerMessage(g.Shared.Info())
	if opts.InputsPerMessage > 0 {
		r.InputsPerMessage = netcode.InputsPerMessage(sim.Info{InputsPerMessage: opts.InputsPerMessage})
	}
	var holds []time.Duration
	for _, p := range players {
		holds = append(holds, p.holds...)
		t := &p.traffic
		if secs := t.secs; secs > 0 {
			n := float64(len(players))
			r.MessagesUp += float64(t.framesOut) / secs / n
			r.MessagesDown += float64(t.framesIn) / secs / n
			r.BytesUp += float64(t.bytesOut) / secs / n
			r.BytesDown += float64(t.bytesIn) / secs / n
		}
	}
	if len(holds) > 0 {
		slices.Sort(holds)
		r.HoldP50, r.HoldP99 = holds[len(holds)/2], holds[len(holds)*99/100]
		r.HoldP50ms, r.HoldP99ms = float64(r.HoldP50)/float64(time.Millisecond), float64(r.HoldP99)/float64(time.Millisecond)
	}
	return r
}
