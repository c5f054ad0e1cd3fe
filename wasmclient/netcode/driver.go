package netcode

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Snapshot is one snapshot as it arrived, full or rebuilt from a delta.
type Snapshot struct {
	Tick, Ack uint32       // its tick, and the newest input sequence the server had applied
	Entities  []sim.Entity // sorted by id; never modified after it is taken
	At        time.Time    // when it arrived, on the client's clock
	Check     uint32       // the server's desync check of the own entity (wire.Snapshot.Check); 0: none
}

// The net graph's series. The connection measures ping, snapshots and bytes itself; a [Driver]
// sets jitter, delay and corrections.
const (
	GraphPing        = "ping"
	GraphJitter      = "jitter"
	GraphSnapshots   = "snapshots"
	GraphIn          = "in"
	GraphOut         = "out"
	GraphDelay       = "delay"
	GraphCorrections = "corrections"
	GraphDesyncs     = "desyncs"
)

// Link is the connection a [Driver] plays over: netclient.Client implements it, a test a fake.
// None of its methods may block on the network.
type Link[I any] interface {
	// Welcomed returns the newest welcome, how many welcomes there have been over the link's life
	// (each starts a new session, a first join or a fresh join, or carries the session over to a
	// new connection, a resumed seat), and whether the connection is up under the newest now.
	Welcomed() (w wire.Welcome, n int, connected bool)
	// RoundTrip returns the newest round trip measured and how many have been.
	RoundTrip() (rtt time.Duration, n int)
	// TakeSnapshots appends the snapshots received since the last call, oldest first.
	TakeSnapshots(dst []Snapshot) []Snapshot
	// SendInputs queues one message for the server carrying batch: the inputs of consecutive
	// ticks, numbered consecutively, oldest first (one input alone is sent as it was before
	// batching, an [wire.OpInput] frame; more as an [wire.OpInputs] frame). It must not keep batch.
	SendInputs(batch []Outgoing[I])
	// SetGraph sets the current value of one of the net graph's series (the Graph constants).
	SetGraph(name string, v float64)
}

// DriverConfig says how a [Driver] plays. The zero value interpolates everything and predicts
// nothing.
type DriverConfig struct {
	// Predict steps the own player's entity ahead with the game's Step (see Config.Predict): the
	// player's own entity answers the controls at once. A game registers whether it predicts.
	// Defaults to off: the own entity is drawn interpolated, a round trip and a delay late.
	Predict bool
	// Session is the rest of each session's configuration (Extrapolate, Smoothing, Snap, ...);
	// TickRate, SnapshotRate, Player and Predict are filled in from the welcome and Predict.
	Session Config
	// OnSnapshot, if set, is called by Frame after the session took in each snapshot, before the
	// frame advances: a harness (netlab) reads the session's Stats there to judge each correction.
	OnSnapshot func(s Snapshot)
	// Logger receives the first desync of each session (see Stats.Desyncs), with its tick.
	// Defaults to slog.Default().
	Logger *slog.Logger
	// InputsPerMessage, when above 0, overrides the game's Info.InputsPerMessage (netlab
	// measures each setting with it). Defaults to 0: the game's.
	InputsPerMessage int
	// OnSend, if set, is called for each message of inputs the driver sends with how long each of
	// its inputs waited for the batch to fill (see [Batcher]), oldest first: netlab measures the
	// delay batching adds. The slice is valid only during the call.
	OnSend func(waited []time.Duration)
}

// Driver is the one netcode pipeline of a game client: each frame it hands the session of the
// current welcome what the link received (snapshots, round trips), advances it with the input the
// player holds, sends the inputs it stamps, batched by the game's Info.InputsPerMessage (see
// [Batcher]), and sets the net graph's netcode series. A game opts in
// by registration (app.Config.Predict says whether it predicts) and draws [Driver.Entities]; bots
// and netlab run the same driver headless ([Driver.Play]).
//
// It is not safe for concurrent use: the game loop that calls Frame owns it (only Hold and Stats
// may be called from elsewhere while Play runs).
type Driver[S, I any] struct {
	g    sim.Game[S, I]
	link Link[I]
	cfg  DriverConfig

	session  *Session[S, I] // the current welcome's; nil before the first
	welcomes int            // the welcome the session belongs to
	welcome  wire.Welcome   // and that welcome
	pongs    int            // round trips fed to the session
	live     bool           // connected under the session's welcome at the last Frame
	snaps    []Snapshot
	sent     []Outgoing[I]
	batch    Batcher[I]                               // the inputs stamped, until a message's worth
	send     func(b []Outgoing[I], w []time.Duration) // the batch's way out, made once
	frameAt  time.Time                                // the last Frame's time, while live

	corrAt   time.Time // the corrections rate's window start
	corrFrom int       // Stats.Corrections then
	desynced bool      // the session's first desync was logged

	held struct {
		sync.Mutex
		in    I
		stats Stats // the session's, as of the last Frame
	}
}

// NewDriver returns a driver of game g (its shared half: the same Step the server runs) over link.
func NewDriver[S, I any](g sim.Game[S, I], link Link[I], cfg DriverConfig) *Driver[S, I] {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	d := &Driver[S, I]{g: g, link: link, cfg: cfg}
	info := g.Info()
	if cfg.InputsPerMessage > 0 {
		info.InputsPerMessage = cfg.InputsPerMessage
	}
	d.batch.Per = InputsPerMessage(info)
	d.batch.Expire = maxLead
	d.send = func(b []Outgoing[I], waited []time.Duration) {
		d.link.SendInputs(b)
		if d.session != nil {
			d.session.Flushed(b[len(b)-1].Seq)
		}
		if d.cfg.OnSend != nil {
			d.cfg.OnSend(waited)
		}
	}
	return d
}

// Frame runs the netcode for one frame at time now with the input the player holds: a welcome
// starts a new session (spectators only interpolate), or, when it resumes the same seat in the
// same room (a reconnect, a room that moved to another node or came back from a checkpoint),
// carries the session over ([Session.Resume]); the session takes in what arrived, advances,
// and its inputs go to the link. While the link is not connected (connecting, reconnecting)
// nothing is sent and Ready is false. An error means a snapshot the game cannot restore: nothing
// sensible can be drawn, and the caller closes the connection.
func (d *Driver[S, I]) Frame(now time.Time, in I) error {
	d.sent = d.sent[:0]
	w, n, connected := d.link.Welcomed()
	d.live = connected && n > 0
	if !d.live {
		d.batch.Drop() // inputs for a connection that is gone: the next starts from seq 1
		d.frameAt = time.Time{}
		return nil
	}
	if n != d.welcomes || d.session == nil {
		d.batch.Drop() // the old connection's, numbered in its sequence
		// A batch fills one input a tick; a tick more than that is the wait's bound.
		d.batch.Wait = time.Duration(d.batch.Per) * time.Second / time.Duration(max(w.TickRate, 1))
		prev := d.welcome
		d.welcomes, d.welcome = n, w
		if d.session != nil && Resumes(prev, w) {
			// The same seat on a new connection (a reconnect, a moved or restored room): the
			// session carries on, its clocks too, and re-bases on the new server.
			d.session.Resume(w.Tick, WentBackTo(w), now)
		} else {
			cfg := d.cfg.Session
			cfg.TickRate, cfg.SnapshotRate, cfg.Predict = int(w.TickRate), int(w.SnapshotRate), d.cfg.Predict
			cfg.InputsPerMessage = d.batch.Per
			cfg.Player = 0
			if !w.Spectator {
				cfg.Player = w.Player
			}
			d.session = NewSession(d.g, cfg)
			d.pongs, d.corrAt, d.corrFrom, d.desynced = 0, time.Time{}, 0, false
		}
	}
	s := d.session
	if rtt, pongs := d.link.RoundTrip(); pongs != d.pongs && pongs > 0 {
		d.pongs = pongs
		s.RTT(rtt)
	}
	d.snaps = d.link.TakeSnapshots(d.snaps[:0])
	for _, r := range d.snaps {
		if err := s.ReceiveSnapshot(r); err != nil {
			return err
		}
		if d.cfg.OnSnapshot != nil {
			d.cfg.OnSnapshot(r)
		}
	}
	clear(d.snaps)
	outs, err := s.Advance(now, in)
	if err != nil {
		return err
	}
	d.batch.Due(now, d.send)
	for _, o := range outs {
		d.batch.Add(now, o, d.send)
	}
	if !d.frameAt.IsZero() && now.Sub(d.frameAt) >= d.batch.Wait {
		// Frames slower than a batch fills (software rendering, a starved page): the next frame
		// comes too late for what is held, so it goes now.
		d.batch.Flush(now, d.send)
	}
	d.frameAt = now
	d.sent = append(d.sent, outs...)
	st := s.Stats()
	d.graph(now, st)
	d.held.Lock()
	d.held.stats = st
	d.held.Unlock()
	return nil
}

// Stats returns the current session's measures as of the last Frame (zero before the first
// session). Unlike the rest of the driver it is safe to call from any goroutine, while Play runs.
func (d *Driver[S, I]) Stats() Stats {
	d.held.Lock()
	defer d.held.Unlock()
	return d.held.stats
}

// Resumes reports whether welcome w resumes the seat that welcome prev gave, on a new connection:
// the same room, the same player (or a spectator again), the same rates. A fresh join (the seat
// was lost), another room or another game starts a new session.
func Resumes(prev, w wire.Welcome) bool {
	return prev.Game == w.Game && prev.Room == w.Room && prev.Player == w.Player && prev.Spectator == w.Spectator &&
		prev.TickRate == w.TickRate && prev.SnapshotRate == w.SnapshotRate
}

// graph sets the net graph's netcode series: jitter and delay as measured, and the corrections
// per second over the last second.
func (d *Driver[S, I]) graph(now time.Time, st Stats) {
	ms := func(v time.Duration) float64 { return float64(v) / float64(time.Millisecond) }
	d.link.SetGraph(GraphJitter, ms(st.Jitter))
	d.link.SetGraph(GraphDelay, ms(st.Delay))
	d.link.SetGraph(GraphDesyncs, float64(st.Desyncs))
	if st.Desyncs > 0 && !d.desynced {
		d.desynced = true
		d.cfg.Logger.Warn("desync: the server's check of the own entity differs from its uncontested prediction; the game's Step is not deterministic across platforms",
			"tick", st.FirstDesync, "game", d.welcome.Game, "room", d.welcome.Room)
	}
	switch dt := now.Sub(d.corrAt); {
	case d.corrAt.IsZero():
		d.corrAt, d.corrFrom = now, st.Corrections
	case dt >= time.Second:
		d.link.SetGraph(GraphCorrections, float64(st.Corrections-d.corrFrom)/dt.Seconds())
		d.corrAt, d.corrFrom = now, st.Corrections
	}
}

// Ready reports whether the driver draws: the link is connected and the session has synchronised
// (a snapshot and a round trip, see [Session.Ready]). Before, a game draws the link's newest
// snapshot as it likes.
func (d *Driver[S, I]) Ready() bool { return d.live && d.session != nil && d.session.Ready() }

// Entities returns what to draw as of the last Frame, sorted by id, or nil when not Ready: the
// world interpolated (behind the server) and, when predicting, the own entity predicted (ahead of
// it); see [Session.Entities]. It is valid until the next Frame.
func (d *Driver[S, I]) Entities() []sim.Entity {
	if !d.Ready() {
		return nil
	}
	return d.session.Entities()
}

// Session returns the current welcome's session, or nil before the first welcome.
func (d *Driver[S, I]) Session() *Session[S, I] { return d.session }

// Sent returns the inputs the last Frame sent, as the session stepped them (Judged). It is valid
// until the next Frame.
func (d *Driver[S, I]) Sent() []Outgoing[I] { return d.sent }

// Hold sets the input [Driver.Play] sends from now on. It is safe to call from any goroutine.
func (d *Driver[S, I]) Hold(in I) {
	d.held.Lock()
	d.held.in = in
	d.held.Unlock()
}

// Play runs the driver without a game loop, for headless players (bots, tests): a Frame fps times
// a second, on the wall clock, with the input last given to Hold, until ctx ends (it returns nil)
// or a Frame fails (it returns the error). Nothing else may call the driver while it runs but Hold.
func (d *Driver[S, I]) Play(ctx context.Context, fps int) error {
	t := time.NewTicker(time.Second / time.Duration(max(fps, 1)))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			now := time.Now() // not the tick's: a late wake must not date the frame before what arrived meanwhile
			d.held.Lock()
			in := d.held.in
			d.held.Unlock()
			if err := d.Frame(now, in); err != nil {
				return err
			}
		}
	}
}
