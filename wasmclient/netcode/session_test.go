package netcode

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
)

// line is one direction of a simulated connection: each message takes half the round trip,
// spread uniformly by the jitter, and never overtakes the one before it (TCP). Snapshots (and only
// they) are lost at the loss rate, as if the server had skipped them.
type line struct {
	rtt, jitter time.Duration
	loss        float64
	rng         sim.Rand
	last        time.Time
}

func (l *line) send(at time.Time, droppable bool) (time.Time, bool) {
	d := l.rtt / 2
	if l.jitter > 0 {
		d += time.Duration(l.rng.Uint64()%uint64(l.jitter+1)) - l.jitter/2
	}
	if droppable && l.loss > 0 && float64(l.rng.Uint64()>>11)/(1<<53) < l.loss {
		return time.Time{}, true
	}
	arrive := at.Add(max(d, 0))
	if arrive.Before(l.last) {
		arrive = l.last
	}
	l.last = arrive
	return arrive, false
}

// message is what travels: a snapshot or a pong down, an input or a ping up.
type message struct {
	at   time.Time // when it arrives
	sent time.Time // a ping's or pong's: when the ping was sent
	tick uint32
	ack  uint32
	ents []sim.Entity
	in   []Outgoing[walkerInput] // an input message: one, or a batch
}

// world runs a walker room and one client's Session over simulated lines, without sockets. The
// server steps tick k at t0 + k periods. An input is applied at its tick if it arrives before the
// server steps that tick; otherwise the server repeats the input in force, and acknowledges the
// newest input applied.
type world struct {
	t        *testing.T
	tickRate int
	snapRate int
	period   time.Duration
	srv      *server
	up, down line
	toServer []message
	toClient []message
	pending  map[uint32]Outgoing[walkerInput]
	ack      uint32
	snapshot int // snapshots sent
	late     int // inputs that arrived after their tick
	applied  int // inputs applied at their tick
	session  *Session[walkerState, walkerInput]
	ref      *Interpolator // fed the same snapshots, never pruned
	sentTick uint32        // the newest tick the client sent an input for
	sentSeq  uint32
	batch    Batcher[walkerInput] // as a Driver batches
	messages int                  // input messages sent
}

type profile struct {
	name               string
	tickRate, snapRate int
	rtt, jitter        time.Duration
	loss               float64
	// exact: no correction from the first snapshot on. Otherwise an input that comes late while
	// the jitter is still being measured (which Session allows for) may cost one.
	exact bool
	// per is the inputs per message, batched as a Driver batches them; 0 means 1.
	per int
}

// blackout is when every snapshot sent is lost (a stalled route), so that remote entities stall.
var blackout = [2]time.Duration{4 * time.Second, 4*time.Second + 400*time.Millisecond}

func newWorld(t *testing.T, p profile, seed uint64) *world {
	w := &world{
		t: t, tickRate: p.tickRate, snapRate: p.snapRate, period: time.Second / time.Duration(p.tickRate),
		srv:     newServer(seed, me, 2),
		up:      line{rtt: p.rtt, jitter: p.jitter, rng: sim.NewRand(seed + 1)},
		down:    line{rtt: p.rtt, jitter: p.jitter, loss: p.loss, rng: sim.NewRand(seed + 2)},
		pending: map[uint32]Outgoing[walkerInput]{},
	}
	per := max(p.per, 1)
	w.batch = Batcher[walkerInput]{Per: per, Wait: time.Duration(per) * w.period, Expire: maxLead}
	w.session = NewSession[walkerState, walkerInput](walker{}, Config{TickRate: p.tickRate, SnapshotRate: p.snapRate, Player: me, Predict: true, InputsPerMessage: per})
	w.ref = NewInterpolator(walkerSchema, w.session.sync.Ticks(250*time.Millisecond))
	return w
}

// serve runs the server up to now: it answers the pings and steps the ticks due.
func (w *world) serve(now time.Time) {
	for {
		next := t0.Add(time.Duration(w.srv.tick+1) * w.period)
		// Messages that arrived by the next step (or by now, when it is not yet due).
		until := now
		if !next.After(now) {
			until = next
		}
		for len(w.toServer) > 0 && !w.toServer[0].at.After(until) {
			m := w.toServer[0]
			w.toServer = w.toServer[1:]
			if m.in == nil { // a ping: answer at once
				at, _ := w.down.send(m.at, false)
				w.toClient = append(w.toClient, message{at: at, sent: m.sent})
				continue
			}
			for _, in := range m.in { // a batch: each input for its own tick
				if int32(in.Tick-w.srv.tick) <= 0 {
					w.late++ // its tick is stepped: the server has repeated the input before it
					continue
				}
				w.pending[in.Tick] = in
			}
		}
		if next.After(now) {
			return
		}
		tick := w.srv.tick + 1
		var set map[sim.PlayerID]walkerInput
		if o, ok := w.pending[tick]; ok {
			set = map[sim.PlayerID]walkerInput{me: o.Input}
			w.ack = o.Seq
			w.applied++
			delete(w.pending, tick)
		}
		if set == nil {
			set = map[sim.PlayerID]walkerInput{}
		}
		set[2] = otherAt(tick)
		w.srv.step(set)
		if int64(tick)*int64(w.snapRate) >= int64(w.snapshot+1)*int64(w.tickRate) {
			w.snapshot++
			out := next.Sub(t0) >= blackout[0] && next.Sub(t0) < blackout[1]
			if at, dropped := w.down.send(next, true); !dropped && !out {
				w.toClient = append(w.toClient, message{at: at, tick: tick, ack: w.ack, ents: w.srv.entities()})
			}
		}
	}
}

// deliver hands the client what arrived by now.
func (w *world) deliver(now time.Time) {
	for len(w.toClient) > 0 && !w.toClient[0].at.After(now) {
		m := w.toClient[0]
		w.toClient = w.toClient[1:]
		if m.ents == nil {
			w.session.RTT(m.at.Sub(m.sent))
			continue
		}
		if err := w.session.Receive(m.tick, m.ack, m.ents, m.at); err != nil {
			w.t.Fatal(err)
		}
		w.ref.Add(m.tick, m.ents)
	}
}

func (w *world) ping(now time.Time) {
	at, _ := w.up.send(now, false)
	w.toServer = append(w.toServer, message{at: at, sent: now})
}

// frame is one of the client's frames: Advance, and send what it returns, batched as a Driver
// batches it: a message's inputs travel together.
func (w *world) frame(now time.Time, in walkerInput) {
	outs, err := w.session.Advance(now, in)
	if err != nil {
		w.t.Fatal(err)
	}
	send := func(b []Outgoing[walkerInput], _ []time.Duration) {
		if len(b) > w.batch.Per {
			w.t.Fatalf("a message of %d inputs, at most %d", len(b), w.batch.Per)
		}
		w.messages++
		w.session.Flushed(b[len(b)-1].Seq)
		at, _ := w.up.send(now, false)
		w.toServer = append(w.toServer, message{at: at, in: slices.Clone(b)})
	}
	w.batch.Due(now, send)
	point := int64(math.Floor(w.session.render.Now() * sim.LerpOne))
	for _, o := range outs {
		// The rewind says where the other entities were drawn: the render clock.
		if want := max(int64(o.Tick)*sim.LerpOne-point, 0); int64(o.Rewind) != want || want > 40*sim.LerpOne {
			w.t.Fatalf("tick %d sent with rewind %d, want %d (render tick %.3f)", o.Tick, o.Rewind, want, w.session.render.Now())
		}
		if o.Input != in {
			w.t.Fatalf("sent %v for tick %d, holding %v", o.Input, o.Tick, in)
		}
		if w.sentSeq != 0 && (o.Seq != w.sentSeq+1 || int32(o.Tick-w.sentTick) <= 0) {
			w.t.Fatalf("sent seq %d for tick %d after seq %d for tick %d", o.Seq, o.Tick, w.sentSeq, w.sentTick)
		}
		w.sentSeq, w.sentTick = o.Seq, o.Tick
		w.batch.Add(now, o, send)
	}
}

// heldAt is what the player holds at frame f: it changes every third of a second or so.
func heldAt(f int) walkerInput {
	dirs := []walkerInput{{1, 0}, {1, 1}, {0, 0}, {-1, 1}, {-1, -1}, {0, 0}, {0, -1}, {1, -1}, {1, 0}}
	return dirs[(f/19+f/31)%len(dirs)]
}

func TestSessionEndToEnd(t *testing.T) {
	t.Parallel()
	const seeds = 3 // each a different phase of frames against ticks, jitter and loss
	profiles := []profile{
		{"bad network", 30, 20, 150 * time.Millisecond, 30 * time.Millisecond, 0.05, true, 1},
		{"clean", 30, 20, 4 * time.Millisecond, time.Millisecond, 0, true, 1},
		{"60 Hz, 10% loss", 60, 20, 100 * time.Millisecond, 20 * time.Millisecond, 0.10, false, 1},
		{"20 Hz, slow", 20, 20, 300 * time.Millisecond, 60 * time.Millisecond, 0.02, true, 1},
		// Batched inputs: the lead covers the wait for the batch, so no input comes late either.
		{"bad network, 2 a message", 30, 20, 150 * time.Millisecond, 30 * time.Millisecond, 0.05, true, 2},
		{"bad network, 4 a message", 30, 20, 150 * time.Millisecond, 30 * time.Millisecond, 0.05, true, 4},
		{"clean, 3 a message", 30, 20, 4 * time.Millisecond, time.Millisecond, 0, true, 3},
		{"60 Hz, 10% loss, 6 a message", 60, 20, 100 * time.Millisecond, 20 * time.Millisecond, 0.10, false, 6},
	}
	for _, p := range profiles {
		for seed := uint64(1); seed <= seeds; seed++ {
			t.Run(fmt.Sprintf("%s/%d", p.name, seed), func(t *testing.T) {
				t.Parallel()
				runSession(t, p, seed)
			})
		}
	}
}

func runSession(t *testing.T, p profile, seed uint64) {
	const (
		fps       = 60
		gapAt     = 6 * time.Second
		gap       = 2 * time.Second
		end       = 12 * time.Second
		steadyAt  = 2 * time.Second
		pingEvery = 30 // frames
	)
	w := newWorld(t, p, seed)
	s := w.session
	frame := time.Second / fps
	interval := time.Duration(float64(time.Second) / float64(p.snapRate))
	phase := time.Duration(seed) * 3700 * time.Microsecond
	var (
		synced      bool
		lateSteady  = -1
		serverLate  int
		corrections int
		resyncs     int
		hidden      bool
		maxLen      int
		stallFrames int
		stallFrom   time.Time
	)
	for f := 0; ; f++ {
		now := t0.Add(phase + time.Duration(f)*frame)
		elapsed := now.Sub(t0)
		if elapsed > end {
			break
		}
		w.serve(now)
		w.deliver(now)
		if f%pingEvery == 0 {
			w.ping(now)
		}
		if elapsed >= gapAt && elapsed < gapAt+gap {
			// A hidden tab: no frames, but what arrives is still taken.
			hidden = true
			maxLen = max(maxLen, s.interp.Len())
			continue
		}
		in := heldAt(f)
		if elapsed >= gapAt-gap/4 && elapsed < gapAt+gap {
			in = walkerInput{DX: 1, DY: -1} // a key held down when the tab is hidden, and after
		}
		w.frame(now, in)
		st := s.Stats()
		if hidden {
			hidden = false
			if st.Resyncs != resyncs+1 {
				t.Errorf("%v: Resyncs %d after a %v gap, want %d", elapsed, st.Resyncs, gap, resyncs+1)
			}
		}
		resyncs = st.Resyncs
		if !s.Ready() {
			if synced {
				t.Fatalf("%v: no longer Ready", elapsed)
			}
			continue
		}
		if !synced {
			synced = true
			if st.Resyncs != 1 {
				t.Errorf("%v: first sync counted %d resyncs", elapsed, st.Resyncs)
			}
		}
		if st.Corrections > 0 && (p.exact || st.Corrections > w.late) {
			t.Fatalf("%v: %d corrections of %v (the last %v); an uncontested player is predicted exactly (late inputs %d, server saw %d late)",
				elapsed, st.Corrections, st.MaxCorrect, st.LastCorrect, st.LateInputs, w.late)
		}
		n := 0
		for i, e := range s.Entities() {
			if i > 0 && e.ID <= s.Entities()[i-1].ID {
				t.Fatalf("%v: Entities not sorted: %v", elapsed, s.Entities())
			}
			if e.ID == sim.EntityID(me) {
				n++
			}
		}
		if n != 1 || len(s.Entities()) != 5 {
			t.Fatalf("%v: Entities has the own walker %d times, %d in all: %v", elapsed, n, len(s.Entities()), s.Entities())
		}
		// Everyone else is drawn as the snapshots say at the render time: interpolated, or
		// extrapolated for a while in a stall.
		want, _ := w.ref.Sample(nil, st.RenderTick)
		notMe := func(e sim.Entity) bool { return e.ID == sim.EntityID(me) }
		if got := slices.DeleteFunc(slices.Clone(s.Entities()), notMe); !reflect.DeepEqual(got, slices.DeleteFunc(want, notMe)) {
			t.Fatalf("%v: at render tick %.3f (newest %d) drew\n%v\nwant\n%v", elapsed, st.RenderTick, s.interp.Newest(), got, want)
		}
		// Outside the blackout (and the gap), no stall outlasts the extrapolation bound: the
		// delay covers the jitter and the loss.
		switch stalled := st.StallFrames > stallFrames; {
		case !stalled:
			stallFrom = time.Time{}
		case stallFrom.IsZero():
			stallFrom = now
		case now.Sub(stallFrom) > 250*time.Millisecond && (elapsed < blackout[0] || elapsed > blackout[1]+time.Second):
			t.Fatalf("%v: a stall of %v, beyond the extrapolation bound of 250 ms", elapsed, now.Sub(stallFrom))
		}
		stallFrames = st.StallFrames
		if st.Delay < interval*3/2 || st.Delay > 6*interval {
			t.Errorf("%v: Delay %v, want within [1.5, 6] snapshot intervals of %v", elapsed, st.Delay, interval)
		}
		if elapsed >= steadyAt && lateSteady < 0 {
			lateSteady, corrections, serverLate = st.LateInputs, st.Corrections, w.late
		}
		if elapsed >= steadyAt && st.Corrections != corrections {
			t.Fatalf("%v: %d corrections, %d at %v", elapsed, st.Corrections, corrections, steadyAt)
		}
		// Pruned to what drawing needs: the delay spans at most six snapshots.
		if elapsed >= steadyAt && s.interp.Len() > 9 {
			t.Fatalf("%v: %d snapshots kept", elapsed, s.interp.Len())
		}
		if lateSteady >= 0 && (st.LateInputs != lateSteady || w.late != serverLate) {
			t.Fatalf("%v: %d late inputs, %d at %v: there should be none in the steady state (server saw %d late)",
				elapsed, st.LateInputs, lateSteady, steadyAt, w.late)
		}
	}
	st := s.Stats()
	t.Logf("%s: %d frames, %d snapshots (loss %.3f), delay %v, lead %v, jitter %v, RTT %v, late %d (server %d), applied %d, stalls %d (longest %v), resyncs %d, buffer ≤ %d in the gap",
		p.name, st.Frames, st.Snapshots, st.Loss, st.Delay, st.Lead, st.Jitter, st.RTT, st.LateInputs, w.late, w.applied, st.Stalls, st.LongestStall, st.Resyncs, maxLen)
	if maxLen == 0 || maxLen > maxBuffered {
		t.Errorf("the snapshot buffer held %d during the gap, want 1..%d", maxLen, maxBuffered)
	}
	if st.Resyncs != 2 {
		t.Errorf("Resyncs %d, want 2: the first sync and the gap", st.Resyncs)
	}
	if st.LongestStall < blackout[1]-blackout[0]-250*time.Millisecond {
		t.Errorf("longest stall %v; the blackout of %v should stall", st.LongestStall, blackout[1]-blackout[0])
	}
	if w.applied < int(end.Seconds())*p.tickRate/2 {
		t.Errorf("the server applied only %d inputs at their tick", w.applied)
	}
	if w.late != 0 && p.loss == 0 && p.jitter < 5*time.Millisecond {
		t.Errorf("%d inputs late on a clean network", w.late)
	}
	// A message every per ticks, give or take the batches cut short by the first sync, the gap
	// and the clocks' jumps, and the one left unsent by the gap (expired).
	if per, ticks := max(p.per, 1), int(w.sentSeq); w.messages < ticks/per-1 || w.messages > ticks/per+ticks/(10*per)+5 {
		t.Errorf("%d input messages for %d inputs at %d a message", w.messages, ticks, per)
	}
}

// TestSessionSlowFramesStillSendInputs: a page that draws only a frame or two a second (software
// rendering, a starved machine), each frame past the resync limit, still sends an input every
// frame, so the player moves.
func TestSessionSlowFramesStillSendInputs(t *testing.T) {
	t.Parallel()
	w := newWorld(t, profile{name: "slow", tickRate: 30, snapRate: 20, rtt: 40 * time.Millisecond}, 1)
	frames, sending := 0, 0
	for f := 0; f < 40; f++ {
		// Serve in small steps between the page's frames, as the server and the network run on.
		for ms := 0; ms < 700; ms += 10 {
			now := t0.Add(time.Duration(f*700+ms) * time.Millisecond)
			w.serve(now)
			w.deliver(now)
			if ms == 0 {
				w.ping(now)
			}
		}
		now := t0.Add(time.Duration(f*700+699) * time.Millisecond)
		before := w.sentSeq
		w.frame(now, walkerInput{DX: 1})
		if w.session.Ready() {
			frames++
			if w.sentSeq != before {
				sending++
			}
		}
	}
	if frames < 30 || sending != frames {
		t.Errorf("%d of %d synchronised frames sent an input; want all", sending, frames)
	}
}
