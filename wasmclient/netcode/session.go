package netcode

import (
	"math"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config describes a session. Zero fields take the defaults given.
type Config struct {
	// TickRate and SnapshotRate are the room's, from the welcome.
	TickRate, SnapshotRate int
	// Player is the own player, whose inputs the session stamps; 0 for a spectator, who sends
	// nothing and only interpolates.
	Player sim.PlayerID
	// Predict steps the own player's entity ahead with the game's Step the moment an input is made
	// (client-side prediction), drawn ahead of the server, and reconciles it with each snapshot.
	// Off, the own entity is drawn interpolated like everyone else's, behind the server, and the
	// session only stamps and sends the inputs. Defaults to off.
	Predict bool
	// Extrapolate is how long remote entities go on moving past the newest snapshot before they
	// hold still. Defaults to 250 ms.
	Extrapolate time.Duration
	// Resync is the longest gap between two frames that the clocks bridge by slewing; after a
	// longer one (a hidden tab, a stalled page) the session resynchronises at once. Defaults to
	// 1.5 s: a page drawing a frame or two a second (software rendering) still plays, sending an
	// input for every tick it crossed.
	Resync time.Duration
	// Smoothing is the time constant over which a correction of the own entity's drawn position
	// fades, instead of snapping. Defaults to 60 ms.
	Smoothing time.Duration
	// InputRepeat is how many ticks the server repeats a player's last input when the next is
	// missing, before it steps the zero input: the room's InputRepeat. The session assumes the
	// same when it predicts ticks it sent no input for (after a hidden tab). Defaults to 6, the
	// room's default.
	InputRepeat int
	// MaxRewind is the server's limit on lag compensation's rewind (room.Config.MaxRewind): the
	// session judges its own hits against the view the server will rebuild, cut at the same point.
	// Defaults to 1 s, the room's default.
	MaxRewind time.Duration
	// InputsPerMessage is how many ticks' inputs the caller sends in one message (a [Driver]
	// batches by the game's Info.InputsPerMessage): the first input of a batch waits that many
	// ticks less one before it is sent, so the session stamps inputs as much further ahead.
	// Defaults to 1: each input is sent as soon as it is stamped.
	InputsPerMessage int
	// Snap is the correction, in position units, beyond which the own entity jumps instead of
	// gliding (a teleport, a respawn). Defaults to 0: always glide.
	Snap float64
}

type keptInput[I any] struct {
	in I
	ok bool
}

// Outgoing is an input to send: the caller sends Tick, Seq, Rewind and Input to the server as
// they are, in order. Judged is the input as the prediction stepped it, after the game's Judge
// (lag compensation); the server judges for itself.
type Outgoing[I any] struct {
	Tick, Seq, Rewind uint32
	Input, Judged     I
}

// Stats are a session's measures, for the net graph and the harness.
type Stats struct {
	RTT, Jitter   time.Duration // smallest recent round trip; snapshot lateness, 95th percentile
	Delay         time.Duration // the interpolation delay behind the newest snapshot expected
	Lead          time.Duration // how far the input clock runs ahead of the server's
	Loss          float64       // snapshots lost, over the window
	Snapshots     int           // received
	Corrections   int           // snapshots that disagreed with the prediction
	LastCorrect   float64       // the last correction's size, in position units
	MaxCorrect    float64       // the largest
	CorrectedFrom uint32        // the snapshot tick the last corrected prediction started from
	LateInputs    int           // inputs the server did not get in time (its ack did not reach them)
	StallFrames   int           // frames drawn past the newest snapshot
	Stalls        int           // distinct stalls
	LongestStall  time.Duration // the longest stall
	Resyncs       int           // jumps of the render or input clock (the first syncs included)
	Frames        int
	RenderTick    float64 // the moment remote entities are drawn at, in ticks
	InputTick     float64 // the input clock, in ticks
	EstimatedTick float64 // the server's tick as estimated now
	// Rollbacks counts the resumes welcomed behind the newest snapshot (see [Session.Resume]);
	// RolledBack is how many ticks the last went back.
	Rollbacks  int
	RolledBack uint32
	// Checks counts the desync checks compared (the snapshot's check of the own entity, against an
	// uncontested prediction of its tick); ChecksSkipped those that came with a contested
	// prediction (see desync.go). Desyncs counts the compared ones that differed, the first at
	// tick FirstDesync (0: none): the game's Step gave another result here than on the server.
	Checks, ChecksSkipped, Desyncs int
	FirstDesync                    uint32
}

// Session is the client's netcode for one connection: feed it what arrives (Receive, RTT), call
// Advance once per frame with the player's input, send what it returns, and draw Entities. It is
// not safe for concurrent use: the game's update loop owns it.
type Session[S, I any] struct {
	cfg    Config
	sync   *Sync
	interp *Interpolator
	pred   *Predictor[S, I] // nil for a spectator
	render Clock
	input  Clock

	seq         uint32
	flushed     uint32 // the newest input sequence that left in a message (see Flushed)
	sent        uint32 // the newest tick an input was sent (or assumed) for
	seqs        [predictRing]struct{ tick, seq uint32 }
	acks        [predictRing]struct{ tick, ack uint32 } // the acks of the snapshots received, by tick
	kept        []keptInput[I]
	inputJumped bool
	margin      float64 // extra input lead, in ticks, after late inputs; fades
	lateSeq     uint32  // the newest input counted late
	// frameTicks is the smoothed time between frames, in ticks: part of the input lead.
	frameTicks float64
	delay      float64 // interpolation delay in ticks, behind Sync.Arrival

	last      time.Time
	stallFrom time.Time
	stalled   bool
	smooth    [sim.MaxFields]float64 // the own entity's drawn offset, fading
	heldIn    I
	sentIn    I      // the input last sent: the server repeats it for a while until a newer one arrives
	sentTick  uint32 // the tick it was sent for
	out       []Outgoing[I]
	ents      []sim.Entity
	seen      []sim.Entity
	stats     Stats
}

// NewSession returns the netcode of a connection to a room of game g.
func NewSession[S, I any](g sim.Game[S, I], cfg Config) *Session[S, I] {
	if cfg.Extrapolate <= 0 {
		cfg.Extrapolate = 250 * time.Millisecond
	}
	if cfg.Resync <= 0 {
		cfg.Resync = 1500 * time.Millisecond
	}
	if cfg.MaxRewind <= 0 {
		cfg.MaxRewind = time.Second
	}
	if cfg.InputRepeat <= 0 {
		cfg.InputRepeat = 6
	}
	if cfg.Smoothing <= 0 {
		cfg.Smoothing = 60 * time.Millisecond
	}
	sy := NewSync(cfg.TickRate, cfg.SnapshotRate)
	s := &Session[S, I]{cfg: cfg, sync: sy, interp: NewInterpolator(g.Info().Schema, sy.Ticks(cfg.Extrapolate))}
	s.delay = 2 * sy.Interval()
	if cfg.Player != 0 && cfg.Predict {
		s.pred = NewPredictor(g, cfg.Player)
	}
	return s
}

// Receive takes a snapshot (full or rebuilt from a delta) of tick, carrying ack, the newest input
// sequence the server applied, that arrived at time at. ents must not be modified afterwards.
func (s *Session[S, I]) Receive(tick, ack uint32, ents []sim.Entity, at time.Time) error {
	return s.ReceiveSnapshot(Snapshot{Tick: tick, Ack: ack, Entities: ents, At: at})
}

// ReceiveSnapshot is Receive with the snapshot's desync check (Snapshot.Check), which it compares
// with the prediction of its tick when that was uncontested (see desync.go and Stats.Desyncs).
func (s *Session[S, I]) ReceiveSnapshot(r Snapshot) error {
	tick, ack, ents := r.Tick, r.Ack, r.Entities
	if n := s.interp.Newest(); s.interp.Len() > 0 && int32(tick-n) <= 0 {
		return nil
	}
	s.stats.Snapshots++
	s.sync.Snapshot(tick, r.At)
	s.interp.Add(tick, ents)
	s.acks[tick%predictRing] = struct{ tick, ack uint32 }{tick, ack}
	if s.cfg.Player == 0 || s.sent == 0 {
		return nil
	}
	// The ack is the newest input the server applied by tick: if the newest input sent for a tick
	// up to this one is newer, the server stepped that tick without it: it came late. Lead more.
	for t, n := tick, 0; n < 8; t, n = t-1, n+1 {
		if e := &s.seqs[t%predictRing]; e.tick == t && e.seq != 0 {
			if e.seq > ack && e.seq > s.lateSeq && s.left(e.seq) {
				s.stats.LateInputs++
				s.lateSeq = e.seq
				s.margin = min(s.margin+1, 6)
			}
			break
		}
	}
	if s.pred == nil || !s.pred.Started() {
		return nil
	}
	if r.Check != 0 {
		s.checkTick(tick, ack, ents, r.Check)
	}
	before, had := s.ownDrawn()
	size, err := s.pred.Reconcile(tick, ents)
	if err != nil {
		return err
	}
	if size > 0 {
		_ = s.pred.Provisional(s.heldIn, s.seen)
		if after, ok := s.ownDrawn(); had && ok && (s.cfg.Snap == 0 || size < s.cfg.Snap) {
			for k := range s.smooth {
				s.smooth[k] += before[k] - after[k]
			}
		}
	}
	return nil
}

// Flushed tells a session whose inputs are batched (Config.InputsPerMessage above 1) that the
// inputs up to sequence number seq have left in a message. An input still waiting for its batch
// when its tick's snapshot arrives (the frames stopped: a hidden tab) was never sent, so it does
// not count as late, nor lengthen the lead.
func (s *Session[S, I]) Flushed(seq uint32) { s.flushed = max(s.flushed, seq) }

// left reports whether the input numbered seq has been sent.
func (s *Session[S, I]) left(seq uint32) bool {
	return s.cfg.InputsPerMessage <= 1 || seq <= s.flushed
}

// RTT takes a measured round trip. The session stamps no input and draws nothing before the first
// (see Ready): a [Driver] feeds it each one the connection measures.
func (s *Session[S, I]) RTT(d time.Duration) { s.sync.RTT(d) }

// Resume carries the session over to a new connection to the same seat, welcomed at tick (the
// welcome's) and seen at now, in a room that went back to backTo ([WentBackTo]: tick, unless the
// room was restored from a checkpoint before the client came back): a reconnect, the room moved to another node (a handoff), or the room
// restored on another node from a checkpoint. What is drawn carries on; what belonged to the old
// connection does not:
//
//   - the estimate of the server's clock starts afresh from the welcome (see [Sync.Rebase]): the
//     old server's arrivals say nothing of the new one, which may be behind (a room that stood
//     still while it moved, a rollback) or ahead (a long pause) of the old estimate;
//   - inputs are numbered from 1 again, and those sent for ticks after the welcome's are lost with
//     the old connection: the input clock synchronises afresh at the next Advance (it jumps to the
//     new estimate, which after a handoff is about where it was) and sends from where it lands, as
//     a new session does, the prediction restarting from the newest snapshot;
//   - a room gone back behind the newest snapshot is a rollback (see [Rollback]): the snapshots and the
//     predictions after backTo describe a past that did not happen and are dropped, and the render
//     clock too re-bases on the server's tick at once, however far back, so no input is stamped for a tick
//     the room will not reach for seconds (the server closes an input more than its input lead
//     ahead with 4016). A welcome far ahead re-bases them too: the new estimate is more than the
//     clocks' jump limit off, and they jump.
//
// It returns the ticks rolled back (0: none), also counted in Stats.
func (s *Session[S, I]) Resume(tick, backTo uint32, now time.Time) uint32 {
	s.seq, s.lateSeq, s.flushed = 0, 0, 0
	s.seqs = [predictRing]struct{ tick, seq uint32 }{}
	s.kept = s.kept[:0]
	s.sync.Rebase(tick, now)
	s.input.set = false
	if s.sent != 0 && int32(s.sent-tick) > 0 {
		s.sent = tick
	}
	back := uint32(0)
	if s.interp.Len() > 0 {
		back = Rollback(s.interp.Newest(), backTo)
	}
	if back == 0 {
		return 0
	}
	s.stats.Rollbacks++
	s.stats.RolledBack = back
	s.interp.DropAfter(backTo)
	if s.pred != nil {
		s.pred.Forget()
	}
	if s.sentTick != 0 && int32(s.sentTick-tick) > 0 {
		s.sentTick = 0 // the server never got it: nothing is repeated
	}
	s.render.set = false
	clear(s.smooth[:])
	return back
}

// WentBackTo returns the tick a resumed seat's room went back to, as its welcome says: the tick
// the room was restored at from a checkpoint (Welcome.Restored, in the first welcome after its node
// died), or else the welcome's tick. Compared with the newest snapshot seen, it tells a rollback
// from a room that carried on ([Rollback]).
func WentBackTo(w wire.Welcome) uint32 {
	if w.Restored != 0 && int32(w.Restored-w.Tick) < 0 {
		return w.Restored
	}
	return w.Tick
}

// Rollback returns how many ticks a room went back when a new connection to the same seat finds it
// at tick ([WentBackTo]) after the client saw snapshots up to newest: the room was restored from a
// checkpoint older than what the client saw (its node died). It is 0 when tick is not behind
// newest: a reconnect, or a room that moved whole (a handoff), carries on from where it was.
func Rollback(newest, tick uint32) uint32 {
	if d := int32(newest - tick); d > 0 {
		return uint32(d)
	}
	return 0
}

// Advance moves the session to time now with the input the player holds, and returns the inputs
// to send (at most one per tick, never one for a tick already sent). The slice is reused.
func (s *Session[S, I]) Advance(now time.Time, in I) ([]Outgoing[I], error) {
	s.out = s.out[:0]
	s.heldIn = in
	s.stats.Frames++
	gap := !s.last.IsZero() && now.Sub(s.last) > s.cfg.Resync
	dt := now.Sub(s.last)
	if s.last.IsZero() {
		dt = 0
	}
	s.last = now
	if !s.Ready() { // after a rollback, until a snapshot of the new past arrives
		return s.out, nil
	}
	period := s.sync.Period()
	s.updateDelay()
	if gap {
		s.render.set, s.input.set = false, false // resynchronise both clocks at once
	}
	renderJumped := s.render.Advance(now, period, s.sync.Arrival(now)-s.delay, 4*s.sync.Interval())
	s.inputJumped = false
	s.margin = max(0, s.margin-0.1*dt.Seconds())
	if !gap {
		// The time between frames, smoothed over about a second at 60 frames a second.
		s.frameTicks += (s.sync.Ticks(dt) - s.frameTicks) * 0.02
	}
	switch {
	case s.pred != nil:
		if err := s.advanceInput(now, period, in); err != nil {
			return s.out, err
		}
	case s.cfg.Player != 0:
		s.stampInput(now, period, in)
	}
	if renderJumped || s.inputJumped {
		s.stats.Resyncs++ // once a frame, whichever clocks jumped
	}
	s.compose(now, dt)
	s.interp.Prune(s.render.Now())
	return s.out, nil
}

// lead is how far ahead of the server's tick inputs are stamped: the one-way trip, the jitter, the
// time between frames (an input for a tick goes out at the first frame after the input clock
// crosses it), the ticks the first input of a batch waits for the rest (InputsPerMessage-1), a
// tick for the server's own timing, and what late inputs added.
//
// It is at most half a second: well inside the server's input lead (two seconds by default), so
// that a stale spike cannot get inputs refused as too far ahead.
func (s *Session[S, I]) lead() float64 {
	batch := float64(max(s.cfg.InputsPerMessage, 1) - 1)
	return min(s.sync.MinRTT()/2+s.sync.Jitter()+s.frameTicks+batch+1+s.margin, float64(maxLead)/float64(s.sync.Period()))
}

// maxLead is the most the input clock runs ahead of the server's estimated tick.
const maxLead = 500 * time.Millisecond

// inputTarget is the tick the input clock aims at: the server's tick as estimated plus the lead,
// and never more than a second past the newest snapshot: while the server is frozen (a stall, a
// paused VM) the estimate runs on with the wall clock, and inputs aimed further ahead than the
// server's input lead (two seconds by default) would be refused with 4016.
func (s *Session[S, I]) inputTarget(now time.Time) float64 {
	return min(s.sync.Server(now)+s.lead(), float64(s.interp.Newest())+float64(s.cfg.TickRate))
}

// stampInput is the input clock of a player the session does not predict: one input per tick the
// clock crossed, stamped as a predicting session stamps it, the own entity left to interpolation.
func (s *Session[S, I]) stampInput(now time.Time, period time.Duration, in I) {
	jumped := s.input.Advance(now, period, s.inputTarget(now), 8)
	s.inputJumped = jumped
	clock := uint32(s.input.Now())
	if s.sent == 0 || (jumped && int32(clock-s.sent) > 1) || int32(clock-s.sent) > predictRing/2 {
		// Start at the tick the clock is on; after a jump forward the ticks skipped are the
		// server's to repeat the last input for. After a jump back the ticks already sent are
		// never sent again (the server keeps the first input for a tick).
		s.sent = clock - 1
	}
	point := int64(math.Floor(s.render.Now() * sim.LerpOne))
	for t := s.sent + 1; int32(t-clock) <= 0; t++ {
		s.seq++
		s.sent = t
		s.seqs[t%predictRing] = struct{ tick, seq uint32 }{t, s.seq}
		rewind := max(int64(t)*sim.LerpOne-point, 0)
		s.out = append(s.out, Outgoing[I]{Tick: t, Seq: s.seq, Rewind: uint32(min(rewind, math.MaxUint32)), Input: in, Judged: in})
	}
}

func (s *Session[S, I]) advanceInput(now time.Time, period time.Duration, in I) error {
	jumped := s.input.Advance(now, period, s.inputTarget(now), 8)
	if jumped || !s.pred.Started() {
		// Start predicting from the newest snapshot. The ticks from there to the input clock are
		// the server's already or about to be; without newer inputs from this client it steps them
		// with the last input it got, repeated for InputRepeat ticks, then the zero input (also
		// before the first input).
		// Inputs already sent for those ticks (a jump of the clock while they are in flight) are
		// the server's to step (it keeps the first input for a tick): keep them, all of them, even
		// past where the clock jumped back to, and never send those ticks again.
		newest := s.interp.Newest()
		s.kept = s.kept[:0]
		for t := newest + 1; int32(t-s.sent) <= 0 && s.pred.Started() && len(s.kept) < predictRing-2; t++ {
			in, ok := s.pred.Input(t)
			s.kept = append(s.kept, keptInput[I]{in, ok})
		}
		s.inputJumped = jumped
		s.pred.Reset(newest, s.interp.NewestEntities())
		s.sent = newest
		// The tick the clock is on is sent, below: only the ones before it are assumed. Kept ones
		// past it (the clock jumped back) are stepped too, and the clock sends on after them.
		for t := newest + 1; ; t++ {
			i := int(t - newest - 1)
			inFlight := i < len(s.kept)
			if !inFlight && (int32(t-uint32(s.input.Now())) >= 0 || t-newest >= predictRing/2) {
				break
			}
			assumed := s.sentIn
			if s.sentTick == 0 || int32(t-s.sentTick) > int32(s.cfg.InputRepeat) {
				var zero I
				assumed = zero
			}
			var err error
			if inFlight && s.kept[i].ok {
				err = s.pred.Replay(t, s.kept[i].in) // as judged when it was sent
			} else {
				_, err = s.pred.Step(t, assumed, nil)
			}
			if err != nil {
				return err
			}
			s.sent = t
		}
		s.seqs = [predictRing]struct{ tick, seq uint32 }{}
	}
	s.seen = s.seen[:0]
	point := int64(math.Floor(s.render.Now() * sim.LerpOne))
	// The server rewinds at most maxRewind whole ticks: past that it judges against the view at
	// its limit, and so does the prediction.
	maxRewind := int64(s.cfg.MaxRewind * time.Duration(s.cfg.TickRate) / time.Second)
	seenAt, seenReady := int64(0), false
	if int32(s.pred.Last()-s.sent) > 0 {
		// A snapshot newer than every tick sent restarted the prediction from it (frames too slow
		// for the input clock): those ticks are the server's history now.
		s.sent = s.pred.Last()
	}
	for t := s.sent + 1; int32(t-uint32(s.input.Now())) <= 0; t++ {
		if t-s.pred.Base() >= predictRing-1 {
			break // no snapshot for four seconds: hold rather than predict blind
		}
		if v := max(point, (int64(t)-maxRewind)*sim.LerpOne); !seenReady || v != seenAt {
			s.seen = s.interp.Seen(s.seen[:0], v)
			seenAt, seenReady = v, true
		}
		judged, err := s.pred.Step(t, in, s.seen)
		if err != nil {
			return err
		}
		s.seq++
		s.sent = t
		s.seqs[t%predictRing] = struct{ tick, seq uint32 }{t, s.seq}
		rewind := max(int64(t)*sim.LerpOne-point, 0)
		s.out = append(s.out, Outgoing[I]{Tick: t, Seq: s.seq, Rewind: uint32(min(rewind, math.MaxUint32)), Input: in, Judged: judged})
		s.sentIn, s.sentTick = in, t
	}
	if v := max(point, (int64(s.pred.Last()+1)-maxRewind)*sim.LerpOne); !seenReady || v != seenAt {
		s.seen = s.interp.Seen(s.seen[:0], v)
	}
	return s.pred.Provisional(in, s.seen)
}

// updateDelay sets the interpolation delay from the measured jitter and loss: one snapshot
// interval to the next snapshot, the jitter, half an interval of margin, and one more interval
// for each level of loss (a lost snapshot doubles the gap to bridge). Until the window has filled
// a little it stays at two intervals, Valve's 100 ms at 20 Hz.
func (s *Session[S, I]) updateDelay() {
	iv := s.sync.Interval()
	if s.stats.Snapshots < 16 {
		s.delay = 2 * iv
		return
	}
	d := 1.5*iv + s.sync.Jitter()
	switch loss := s.sync.Loss(); {
	case loss > 0.10:
		d += 2 * iv
	case loss > 0.005:
		d += iv
	}
	// Move there gradually: the render clock slews to follow, and a delay that flickers with each
	// late snapshot would make it hunt.
	s.delay += (d - s.delay) * 0.05
}

// ownDrawn returns the own entity's position fields as drawn: between the newest predicted tick
// and the provisional next one, by the input clock's fraction.
func (s *Session[S, I]) ownDrawn() ([sim.MaxFields]float64, bool) {
	var out [sim.MaxFields]float64
	if s.pred == nil || !s.pred.Started() {
		return out, false
	}
	last := s.pred.Last()
	a, ok := s.pred.Own(last)
	if !ok {
		return out, false
	}
	b, ok := s.pred.Own(last + 1)
	if !ok {
		b = a
	}
	f := min(max(s.input.Now()-float64(last), 0), 1)
	for k := range a.N {
		out[k] = float64(a.Fields[k]) + (float64(b.Fields[k])-float64(a.Fields[k]))*f
	}
	return out, true
}

// compose builds Entities: everything interpolated at the render clock, the own entity predicted.
func (s *Session[S, I]) compose(now time.Time, dt time.Duration) {
	var stalled bool
	s.ents, stalled = s.interp.Sample(s.ents[:0], s.render.Now())
	switch {
	case stalled && !s.stalled:
		s.stats.Stalls++
		s.stallFrom = now
	case stalled:
		s.stats.LongestStall = max(s.stats.LongestStall, now.Sub(s.stallFrom))
	}
	if stalled {
		s.stats.StallFrames++
	}
	s.stalled = stalled
	if s.pred == nil {
		return
	}
	decay := math.Exp(-float64(dt) / float64(s.cfg.Smoothing))
	for k := range s.smooth {
		if s.smooth[k] *= decay; math.Abs(s.smooth[k]) < 1 {
			s.smooth[k] = 0
		}
	}
	own, ok := s.pred.Own(s.pred.Last())
	drawn, ok2 := s.ownDrawn()
	if !ok || !ok2 {
		return
	}
	sc := s.interp.schema
	if int(own.Kind) < len(sc) {
		for k, f := range sc[own.Kind].Fields {
			if f.Interp && k < int(own.N) {
				own.Fields[k] = int32(min(max(math.Round(drawn[k]+s.smooth[k]), float64(f.Min)), float64(f.Max)))
			}
		}
	}
	i, found := index(s.ents, own.ID)
	if found {
		s.ents[i] = own
		return
	}
	s.ents = append(s.ents, sim.Entity{})
	copy(s.ents[i+1:], s.ents[i:])
	s.ents[i] = own
}

// index returns where id is, or would be, in ents sorted by id.
func index(ents []sim.Entity, id sim.EntityID) (int, bool) {
	lo, hi := 0, len(ents)
	for lo < hi {
		m := (lo + hi) / 2
		if ents[m].ID < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(ents) && ents[lo].ID == id
}

// Entities returns what to draw as of the last Advance, sorted by id. They mix two times: every
// entity but the own one is interpolated between snapshots at the render clock, an interpolation
// delay behind the newest snapshot (itself half a round trip behind the server); the own entity,
// when the session predicts, is stepped ahead at the input clock, a lead ahead of the server. So a
// remote player touching the own one is drawn where it was a round trip and a delay ago. Without
// prediction the own entity is interpolated with the rest. It is valid until the next Advance.
func (s *Session[S, I]) Entities() []sim.Entity { return s.ents }

// Ready reports whether the session has synchronised and has something to draw: it has received
// a snapshot (Receive) and a round trip (RTT), without which the server's clock cannot be
// estimated. Before it, Advance sends nothing and Entities is empty.
func (s *Session[S, I]) Ready() bool { return s.sync.Ready() && s.interp.Len() > 0 }

// Stats returns the session's measures.
func (s *Session[S, I]) Stats() Stats {
	st := s.stats
	p := s.sync.Period()
	dur := func(ticks float64) time.Duration { return time.Duration(ticks * float64(p)) }
	st.RTT, st.Jitter, st.Loss = dur(s.sync.MinRTT()), dur(s.sync.Jitter()), s.sync.Loss()
	st.Delay = dur(s.delay)
	st.RenderTick, st.InputTick = s.render.Now(), s.input.Now()
	if !s.last.IsZero() && s.sync.Ready() {
		st.EstimatedTick = s.sync.Server(s.last)
		st.Lead = dur(s.input.Now() - st.EstimatedTick)
	}
	if s.pred != nil {
		st.Corrections, st.LastCorrect, st.MaxCorrect = s.pred.Corrections, s.pred.CorrectionSize, s.pred.MaxCorrection
		st.CorrectedFrom = s.pred.CorrectedFrom
	}
	return st
}
