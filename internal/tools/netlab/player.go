package netlab

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// player is one client's game loop: the netcode driver a game runs, with a bot at the controls.
type player[S, I any] struct {
	game   *Game[S, I]
	client *netclient.Client[I]
	driver *netcode.Driver[S, I]
	hist   *History[I]
	bot    loadtest.Bot[I]
	ready  atomic.Bool

	frames                     int
	input                      I
	me                         sim.EntityID
	uncontested, contact, late int
	resync, resyncs            int
	errSum, errMax             float64
	errN                       int
	lastCorrections            int
	firstTick, lastTick        uint32
	detail                     string // the first uncontested correction, described
	unfaithful                 int
	unfaithfulDetail           string
	received                   int
	rate                       struct{ tick, snap int }
	sent                       [historyLen]struct {
		tick uint32
		in   I
	}
	measuring atomic.Bool     // between startTraffic and endTraffic
	holds     []time.Duration // how long each input sent while measuring waited for its batch (the game loop's)
	traffic   struct {
		from                time.Time
		framesIn, framesOut int
		bytesIn, bytesOut   int64
		secs                float64
	}
}

// sentMessage is the driver's OnSend: it records how long the message's inputs waited.
func (p *player[S, I]) sentMessage(waited []time.Duration) {
	if p.measuring.Load() {
		p.holds = append(p.holds, waited...)
	}
}

// startTraffic and endTraffic bracket the ticks measured: the frames and bytes each way between
// them, and the inputs' waits.
func (p *player[S, I]) startTraffic() {
	v := p.client.View()
	t := &p.traffic
	t.from, t.framesIn, t.framesOut, t.bytesIn, t.bytesOut = time.Now(), v.FramesIn, v.FramesOut, v.BytesIn, v.BytesOut
	p.measuring.Store(true)
}

func (p *player[S, I]) endTraffic() {
	v := p.client.View()
	t := &p.traffic
	t.framesIn, t.framesOut = v.FramesIn-t.framesIn, v.FramesOut-t.framesOut
	t.bytesIn, t.bytesOut = v.BytesIn-t.bytesIn, v.BytesOut-t.bytesOut
	t.secs = time.Since(t.from).Seconds()
	p.measuring.Store(false)
}

// unsent reports whether the player sent no input for a tick in (from, to]: the session assumed
// what the server did then (after a resync).
func (p *player[S, I]) unsent(from, to uint32) bool {
	for t := from + 1; int32(to-t) >= 0; t++ {
		if p.sent[t%historyLen].tick != t {
			return true
		}
	}
	return false
}

// checkFidelity compares a received snapshot (full, or rebuilt from a delta) with the server's
// state at its tick: every entity it carries must be exactly as the server had it.
func (p *player[S, I]) checkFidelity(s netcode.Snapshot) {
	ents, ok := p.hist.At(s.Tick)
	if !ok {
		return
	}
	for _, e := range s.Entities {
		want, ok := Find(ents, e.ID)
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
// what the player sent and the server applied, and the own entity as the server had it.
func (p *player[S, I]) describe(me sim.EntityID, from, to uint32, size float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "player %d corrected by %.1f px at tick %d, predicted from tick %d:", me, size, to, from)
	for t := from + 1; int32(to-t) >= 0 && t-from <= 16; t++ {
		sent := "-"
		if s := p.sent[t%historyLen]; s.tick == t {
			sent = fmt.Sprintf("%+v", s.in)
		}
		applied := "-"
		if in, ok := p.hist.Applied(sim.PlayerID(me), t); ok {
			applied = fmt.Sprintf("%+v", in)
		}
		self := "-"
		if ents, ok := p.hist.At(t); ok {
			if e, ok := Find(ents, me); ok {
				self = fmt.Sprint(e.Fields[:e.N])
			}
		}
		fmt.Fprintf(&b, "\n    tick %d: sent %s, applied %s, own entity %s", t, sent, applied, self)
	}
	return b.String()
}

// struck reports whether the player's own prediction judged a hit at a tick in (from, to]:
// contact, where the player saw it.
func (p *player[S, I]) struck(from, to uint32) bool {
	if p.game.Struck == nil {
		return false
	}
	for t := from + 1; int32(to-t) >= 0; t++ {
		if s := &p.sent[t%historyLen]; s.tick == t && p.game.Struck(s.in) {
			return true
		}
	}
	return false
}

// missed reports whether the server stepped a tick in (from, to] with another input than the one
// this player sent for it: the input came late, and the server repeated an older one.
func (p *player[S, I]) missed(me sim.PlayerID, from, to uint32) bool {
	for t := from + 1; int32(to-t) >= 0; t++ {
		s := &p.sent[t%historyLen]
		if s.tick != t {
			continue
		}
		if got, ok := p.hist.Applied(me, t); ok && !p.game.Same(s.in, got) {
			return true
		}
	}
	return false
}

// play runs the player's frames until ctx ends, as the browser's game loop would.
func (p *player[S, I]) play(ctx context.Context, fps int) error {
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

// snapshot judges each snapshot the driver takes in: is it the server's state, and if the
// prediction was corrected, why.
func (p *player[S, I]) snapshot(s netcode.Snapshot) {
	st := p.driver.Session().Stats()
	if p.firstTick == 0 {
		w, _, _ := p.client.Welcomed()
		p.firstTick = s.Tick
		p.rate.tick, p.rate.snap = int(w.TickRate), int(w.SnapshotRate)
	}
	p.lastTick = s.Tick
	p.received++
	p.checkFidelity(s)
	if st.Corrections != p.lastCorrections {
		// The corrected prediction ran from the snapshot it started from (usually the one before
		// this) to this one: the cause is in those ticks.
		from := st.CorrectedFrom
		switch {
		case st.Resyncs != p.resyncs || p.unsent(from, s.Tick):
			p.resync++
		case p.missed(sim.PlayerID(p.me), from, s.Tick):
			p.late++
		case p.game.Contested != nil && p.game.Contested(p.hist, p.me, from, s.Tick) || p.struck(from, s.Tick):
			p.contact++
		default:
			p.uncontested++
			if p.detail == "" {
				p.detail = p.describe(p.me, from, s.Tick, st.LastCorrect/p.game.Unit)
			}
		}
	}
	p.lastCorrections, p.resyncs = st.Corrections, st.Resyncs
}

func (p *player[S, I]) frame(now time.Time) error {
	v := p.client.View()
	switch v.Status {
	case netclient.Closed:
		return fmt.Errorf("%s: connection closed: %s", v.Welcome.Room, v.Reason)
	case netclient.Connected:
	default:
		return nil
	}
	p.me = sim.EntityID(v.Welcome.Player)
	if p.frames%6 == 0 {
		ents := p.driver.Entities()
		if ents == nil {
			ents = v.Entities
		}
		var mine *sim.Entity
		if e, ok := Find(ents, p.me); ok {
			mine = &e
		}
		in, msgs := p.bot.Think(mine, ents)
		p.input = in
		for _, m := range msgs {
			_ = p.client.Send(m) // a full queue: the bot says it again at its next think
		}
	}
	p.frames++
	if err := p.driver.Frame(now, p.input); err != nil {
		return err
	}
	for _, o := range p.driver.Sent() {
		p.sent[o.Tick%historyLen].tick, p.sent[o.Tick%historyLen].in = o.Tick, o.Judged
	}
	if !p.driver.Ready() {
		return nil
	}
	p.ready.Store(true)
	p.measure()
	return nil
}

// measure compares the other entities drawn this frame with the server's history at the render
// time.
func (p *player[S, I]) measure() {
	render := p.driver.Session().Stats().RenderTick
	for _, e := range p.driver.Entities() {
		if e.ID == p.me {
			continue
		}
		d, ok := p.hist.distance(e, render)
		if !ok {
			continue
		}
		d /= p.game.Unit
		p.errSum += d
		p.errN++
		p.errMax = max(p.errMax, d)
	}
}
