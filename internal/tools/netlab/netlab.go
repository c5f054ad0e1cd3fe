// Package netlab measures how the netcode feels, without a browser: it runs the real server on
// loopback, connects players through real WebSockets with the native client (netclient and the
// netcode Session that the browser runs), under simulated network conditions, and compares what
// each player would draw with what the server really simulated.
//
// Start with [Run]; `go tool mage netlab` prints its [Report] for a clean loopback and for the bad
// profile (150 ms RTT, 30 ms jitter, 5% snapshot loss).
package netlab

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// Options describe a run. Zero fields take the defaults given.
type Options struct {
	// Players is how many players play in one room. Defaults to 6.
	Players int
	// Ticks is how long they play, in server ticks after the last joined. Defaults to 300 (10 s).
	Ticks int
	// Net is the simulated network, applied on each client's side of its connection, both ways.
	Net netsim.Profile
	// FrameRate is how often each player's game loop runs. Defaults to 60.
	FrameRate int
	// Seed makes the players' behaviour repeatable. Defaults to 1.
	Seed uint64
	// Logger receives the server's logs. Defaults to discarding them.
	Logger *slog.Logger
}

// Report is what a run measured, over every player.
type Report struct {
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
	// MaxCorrection is the largest correction, in pixels.
	MaxCorrection float64 `json:"maxCorrectionPx"`
	LateInputs    int     `json:"lateInputs"`

	// StallFrames counts frames drawn past the newest snapshot (extrapolating, then holding),
	// Stalls the distinct stalls, and LongestStall the longest, against the extrapolation bound.
	StallFrames        int           `json:"stallFrames"`
	Stalls             int           `json:"stalls"`
	LongestStall       time.Duration `json:"longestStall"`
	ExtrapolationBound time.Duration `json:"extrapolationBound"`

	// Displayed-position error of remote players and drones against the server's history at the
	// same render time, in pixels.
	MeanError float64 `json:"meanErrorPx"`
	MaxError  float64 `json:"maxErrorPx"`

	// The interpolation delay the players settled on (mean at the end, and its range), their
	// input lead, RTT and jitter as measured.
	Delay, MinDelay, MaxDelay time.Duration
	Lead, RTT, Jitter         time.Duration
	// SnapshotLoss is the fraction of the snapshots the server sent that never reached the
	// players, over the whole run.
	SnapshotLoss float64 `json:"snapshotLoss"`
}

// String formats the report for a terminal.
func (r Report) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf(`network %s: %d players, %d ticks, %d frames
  snapshots differing from the server's state: %d
  prediction corrections: %d uncontested, %d in contact, %d after a late input, %d after a resync (largest %.1f px); %d late inputs
  interpolation stalls: %d frames in %d stalls, longest %s (extrapolation bound %s)
  remote entities' displayed error: mean %.2f px, max %.1f px
  interpolation delay %s (%s to %s), input lead %s, RTT %s, jitter %s, snapshot loss %.1f%%`,
		r.Net, r.Players, r.Ticks, r.Frames, r.Unfaithful,
		r.Uncontested, r.Contact, r.LateInput, r.Resync, r.MaxCorrection, r.LateInputs,
		r.StallFrames, r.Stalls, ms(r.LongestStall), ms(r.ExtrapolationBound),
		r.MeanError, r.MaxError,
		ms(r.Delay), ms(r.MinDelay), ms(r.MaxDelay), ms(r.Lead), ms(r.RTT), ms(r.Jitter), 100*r.SnapshotLoss)
}

// Run plays a room as opts say and reports what the players experienced.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Players <= 0 {
		opts.Players = 6
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
	hist := newHistory()
	srv, err := server.New(server.Config{Logger: opts.Logger}, room.For(recorder{hist: hist}))
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
	players := make([]*player, opts.Players)
	var wg sync.WaitGroup
	errs := make(chan error, opts.Players)
	for i := range players {
		p := &player{hist: hist, brain: loadtest.NewBrain(opts.Seed*1000 + uint64(i))}
		players[i] = p
		p.client = netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "netlab", Name: fmt.Sprintf("lab%d", i+1),
			Manual: true, NetSim: opts.Net, MaxReconnects: -1}, arena.Game{}, arena.Schema)
		defer p.client.Close()
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
	for hist.newest() < start+uint32(opts.Ticks) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	select {
	case err := <-errs:
		return Report{}, err
	default:
	}
	return report(opts, players), nil
}

func waitJoined(ctx context.Context, players []*player, hist *history) (uint32, error) {
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

func report(opts Options, players []*player) Report {
	r := Report{Net: opts.Net.String(), Players: len(players), Ticks: opts.Ticks,
		ExtrapolationBound: 250 * time.Millisecond, MinDelay: time.Hour}
	var errSum float64
	var errN int
	for _, p := range players {
		st := p.session.Stats()
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
		r.MaxCorrection = max(r.MaxCorrection, st.MaxCorrect/arena.One)
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
	return r
}

// recorder is the arena as the server runs it, keeping every tick's state for the comparison.
type recorder struct {
	arena.Game
	hist *history
}

func (g recorder) Step(s *arena.State, tick uint32, inputs []sim.Input[arena.Input]) {
	g.Game.Step(s, tick, inputs)
	g.hist.add(tick, g.Game.Entities(s, nil), append([]sim.Input[arena.Input](nil), inputs...))
}

// history is the server's states by tick, and the inputs it stepped them with, for the last
// historyLen ticks.
type history struct {
	mu     sync.Mutex
	ticks  [historyLen]uint32
	ents   [historyLen][]sim.Entity
	inputs [historyLen][]sim.Input[arena.Input]
	last   uint32
}

const historyLen = 1024

func newHistory() *history { return &history{} }

func (h *history) add(tick uint32, ents []sim.Entity, inputs []sim.Input[arena.Input]) {
	h.mu.Lock()
	h.ticks[tick%historyLen], h.ents[tick%historyLen], h.inputs[tick%historyLen], h.last = tick, ents, inputs, tick
	h.mu.Unlock()
}

// applied returns the input the server stepped player p with at tick.
func (h *history) applied(p sim.PlayerID, tick uint32) (arena.Input, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ticks[tick%historyLen] != tick {
		return arena.Input{}, false
	}
	for _, in := range h.inputs[tick%historyLen] {
		if in.Player == p {
			return in.Input, true
		}
	}
	return arena.Input{}, false
}

func (h *history) newest() uint32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

func (h *history) at(tick uint32) ([]sim.Entity, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ticks[tick%historyLen] != tick || tick == 0 {
		return nil, false
	}
	return h.ents[tick%historyLen], true
}

// position returns where entity id was at a fractional tick, between the two ticks around it.
func (h *history) position(id sim.EntityID, tick float64) (x, y float64, ok bool) {
	t := uint32(math.Floor(tick))
	a, ok1 := h.at(t)
	b, ok2 := h.at(t + 1)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	ea, ok1 := find(a, id)
	eb, ok2 := find(b, id)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	f := tick - float64(t)
	return lerp(ea.Fields[0], eb.Fields[0], f), lerp(ea.Fields[1], eb.Fields[1], f), true
}

func lerp(a, b int32, f float64) float64 { return float64(a) + (float64(b)-float64(a))*f }

func find(ents []sim.Entity, id sim.EntityID) (sim.Entity, bool) {
	for _, e := range ents {
		if e.ID == id {
			return e, true
		}
	}
	return sim.Entity{}, false
}

// contactReach is how near another body must come, in the server's history, for a correction to
// count as contact: touching, with a margin for the bodies' motion within a tick.
//
// Orbs count too: collecting one respawns it at a random point, from the world's random state,
// which the prediction cannot follow (the drones out of view and the other players' pickups draw
// from it on the server), so an orb can appear under a player, or be gone, unforeseen.
const (
	contactPlayers = 2*arena.PlayerRadius + 40*arena.One
	contactDrone   = arena.PlayerRadius + arena.DroneRadius + 16*arena.One
	contactOrb     = arena.PlayerRadius + arena.OrbRadius + 16*arena.One
)

// inContact reports whether player me came within contact reach of another body or an orb at any
// tick in [from, to], or a dash struck it or was struck by it where a player saw it (lag
// compensation: the inputs the server stepped say so).
func (h *history) inContact(me sim.EntityID, from, to uint32) bool {
	score := int32(-1)
	for t := from; int32(to-t) >= 0; t++ {
		ents, ok := h.at(t)
		if !ok {
			return true // unknown: do not call it uncontested
		}
		self, ok := find(ents, me)
		if !ok {
			return true
		}
		// A collected orb respawns at once, and can respawn under a player who collects it in the
		// same tick: the server's history never shows it near. The score does.
		if score >= 0 && self.Fields[arena.PlayerScore] != score {
			return true
		}
		score = self.Fields[arena.PlayerScore]
		h.mu.Lock()
		for _, in := range h.inputs[t%historyLen] {
			if in.Input.Hit != 0 && (in.Input.Hit == me || sim.EntityID(in.Player) == me) {
				h.mu.Unlock()
				return true
			}
		}
		h.mu.Unlock()
		for _, e := range ents {
			var reach int32
			switch {
			case e.Kind == arena.KindPlayer && e.ID != me:
				reach = contactPlayers
			case e.Kind == arena.KindDrone:
				reach = contactDrone
			case e.Kind == arena.KindOrb:
				reach = contactOrb
			default:
				continue
			}
			if sim.Length(e.Fields[0]-self.Fields[0], e.Fields[1]-self.Fields[1]) < reach {
				return true
			}
		}
	}
	return false
}

// player is one client's game loop.
type player struct {
	client  *netclient.Client[arena.Input]
	session *netcode.Session[arena.State, arena.Input]
	hist    *history
	brain   loadtest.Brain
	ready   atomicBool

	pongs, frames              int
	input                      arena.Input
	uncontested, contact, late int
	resync, resyncs            int
	errSum, errMax             float64
	errN                       int
	snaps                      []netclient.Received
	lastCorrections            int
	firstTick, lastTick        uint32
	detail                     string // the first uncontested correction, described
	unfaithful                 int
	unfaithfulDetail           string
	received                   int
	rate                       struct{ tick, snap int }
	sent                       [historyLen]struct {
		tick uint32
		in   arena.Input
	}
}

// unsent reports whether the player sent no input for a tick in (from, to]: the session assumed
// what the server did then (after a resync).
func (p *player) unsent(from, to uint32) bool {
	for t := from + 1; int32(to-t) >= 0; t++ {
		if p.sent[t%historyLen].tick != t {
			return true
		}
	}
	return false
}

// checkFidelity compares a received snapshot (full, or rebuilt from a delta) with the server's
// state at its tick: every entity it carries must be exactly as the server had it.
func (p *player) checkFidelity(s netclient.Received) {
	ents, ok := p.hist.at(s.Tick)
	if !ok {
		return
	}
	for _, e := range s.Entities {
		want, ok := find(ents, e.ID)
		if !ok || want.Kind != e.Kind || want.N != e.N || want.Fields != e.Fields {
			p.unfaithful++
			if p.unfaithfulDetail == "" {
				p.unfaithfulDetail = fmt.Sprintf("tick %d entity %d: received %v, the server had %v (found %v)", s.Tick, e.ID, e.Fields, want.Fields, ok)
			}
			return
		}
	}
}

// describe tells what the server and this player did over the ticks (from, to] of a correction:
// what the player sent and the server applied, and how near the nearest other body came.
func (p *player) describe(me sim.EntityID, from, to uint32, size float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "player %d corrected by %.1f px at tick %d, predicted from tick %d:", me, size, to, from)
	for t := from + 1; int32(to-t) >= 0 && t-from <= 16; t++ {
		sent := "-"
		if s := p.sent[t%historyLen]; s.tick == t {
			sent = fmt.Sprintf("%+v", s.in)
		}
		applied := "-"
		if in, ok := p.hist.applied(sim.PlayerID(me), t); ok {
			applied = fmt.Sprintf("%+v", in)
		}
		near, score := math.Inf(1), int32(-1)
		if ents, ok := p.hist.at(t); ok {
			if self, ok := find(ents, me); ok {
				score = self.Fields[arena.PlayerScore]
				for _, e := range ents {
					if e.ID != me && e.Kind != arena.KindWorld {
						near = min(near, float64(sim.Length(e.Fields[0]-self.Fields[0], e.Fields[1]-self.Fields[1]))/arena.One)
					}
				}
			}
		}
		fmt.Fprintf(&b, "\n    tick %d: sent %s, applied %s, score %d, nearest body or orb %.0f px", t, sent, applied, score, near)
	}
	return b.String()
}

// struck reports whether the player's own prediction judged a dash to strike someone at a tick in
// (from, to]: contact, where the player saw it.
func (p *player) struck(from, to uint32) bool {
	for t := from + 1; int32(to-t) >= 0; t++ {
		if s := &p.sent[t%historyLen]; s.tick == t && s.in.Hit != 0 {
			return true
		}
	}
	return false
}

// missed reports whether the server stepped a tick in (from, to] with another input than the one
// this player sent for it: the input came late, and the server repeated an older one.
func (p *player) missed(me sim.PlayerID, from, to uint32) bool {
	for t := from + 1; int32(to-t) >= 0; t++ {
		s := &p.sent[t%historyLen]
		if s.tick != t {
			continue
		}
		got, ok := p.hist.applied(me, t)
		if ok && (got.MoveX != s.in.MoveX || got.MoveY != s.in.MoveY || got.Buttons != s.in.Buttons) {
			return true
		}
	}
	return false
}

type atomicBool struct {
	mu sync.Mutex
	v  bool
}

func (b *atomicBool) Store(v bool) { b.mu.Lock(); b.v = v; b.mu.Unlock() }
func (b *atomicBool) Load() bool   { b.mu.Lock(); defer b.mu.Unlock(); return b.v }

// play runs the player's frames until ctx ends, as the browser's game loop would.
func (p *player) play(ctx context.Context, fps int) error {
	t := time.NewTicker(time.Second / time.Duration(fps))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := p.frame(time.Now()); err != nil {
			return err
		}
	}
}

func (p *player) frame(now time.Time) error {
	v := p.client.View()
	switch v.Status {
	case netclient.Closed:
		return fmt.Errorf("%s: connection closed: %s", v.Welcome.Room, v.Reason)
	case netclient.Connected:
	default:
		return nil
	}
	if p.session == nil {
		p.session = netcode.NewSession[arena.State, arena.Input](arena.Game{}, netcode.Config{
			TickRate: int(v.Welcome.TickRate), SnapshotRate: int(v.Welcome.SnapshotRate), Player: v.Welcome.Player})
	}
	me := sim.EntityID(v.Welcome.Player)
	if v.Pongs != p.pongs {
		p.pongs = v.Pongs
		p.session.RTT(v.RTT)
	}
	p.snaps = p.client.TakeSnapshots(p.snaps[:0])
	for _, s := range p.snaps {
		if err := p.session.Receive(s.Tick, s.Ack, s.Entities, s.At); err != nil {
			return err
		}
		if p.firstTick == 0 {
			p.firstTick = s.Tick
			p.rate.tick, p.rate.snap = int(v.Welcome.TickRate), int(v.Welcome.SnapshotRate)
		}
		p.lastTick = s.Tick
		p.received++
		p.checkFidelity(s)
		st := p.session.Stats()
		if st.Corrections != p.lastCorrections {
			// The corrected prediction ran from the snapshot it started from (usually the one
			// before this) to this one: the cause is in those ticks.
			from := st.CorrectedFrom
			switch {
			case st.Resyncs != p.resyncs || p.unsent(from, s.Tick):
				p.resync++
			case p.missed(sim.PlayerID(me), from, s.Tick):
				p.late++
			case p.hist.inContact(me, from, s.Tick) || p.struck(from, s.Tick):
				p.contact++
			default:
				p.uncontested++
				if p.detail == "" {
					p.detail = p.describe(me, from, s.Tick, st.LastCorrect/arena.One)
				}
			}
		}
		p.lastCorrections, p.resyncs = st.Corrections, st.Resyncs
	}
	if p.frames%6 == 0 {
		ents := p.session.Entities()
		var mine *sim.Entity
		if e, ok := find(ents, me); ok {
			mine = &e
		}
		p.input = p.brain.Think(mine, ents)
	}
	p.frames++
	outs, err := p.session.Advance(now, p.input)
	if err != nil {
		return err
	}
	for _, o := range outs {
		p.sent[o.Tick%historyLen].tick, p.sent[o.Tick%historyLen].in = o.Tick, o.Judged
		p.client.SendInput(wire.InputHeader{Seq: o.Seq, Tick: o.Tick, Rewind: o.Rewind}, o.Input)
	}
	if !p.session.Ready() {
		return nil
	}
	p.ready.Store(true)
	p.measure(me)
	return nil
}

// measure compares the remote bodies drawn this frame with the server's history at the render
// time.
func (p *player) measure(me sim.EntityID) {
	render := p.session.Stats().RenderTick
	for _, e := range p.session.Entities() {
		if e.ID == me || (e.Kind != arena.KindPlayer && e.Kind != arena.KindDrone) {
			continue
		}
		x, y, ok := p.hist.position(e.ID, render)
		if !ok {
			continue
		}
		d := math.Hypot(float64(e.Fields[0])-x, float64(e.Fields[1])-y) / arena.One
		p.errSum += d
		p.errN++
		p.errMax = max(p.errMax, d)
	}
}
