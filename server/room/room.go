package room

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Game is what a room needs from a game: the simulation and the codec of its inputs.
type Game[S, I any] interface {
	sim.Game[S, I]
	wire.InputCodec[I]
}

// Config describes one room. Zero fields take the defaults given.
type Config struct {
	// Name is the room's name, shown to players and in logs.
	Name string
	// Private marks a room that is not listed; the welcome tells its players so.
	Private bool
	// TickRate is the number of simulation steps per second. Defaults to the game's.
	TickRate int
	// SnapshotRate is the number of snapshots per second sent to each client, at most TickRate.
	// Defaults to the game's, or 20 when the game states none.
	SnapshotRate int
	// MaxPlayers is the number of seats. Defaults to the game's.
	MaxPlayers int
	// MaxSpectators is the most spectators watching at once, apart from the seats. Defaults to 32.
	MaxSpectators int
	// Seed seeds the game state.
	Seed uint64
	// MaxCatchUp is the most steps run at once after a stall. Defaults to 4.
	MaxCatchUp int
	// InputLead is the most ticks ahead of the room's current tick an input may be for; a seat holds
	// inputs for that many ticks, and an input further ahead closes the connection (see input.go).
	// Defaults to twice TickRate: two seconds, four times what the toolkit's clients aim ahead at
	// most, so that a client whose estimate of the server's clock a server stall has put off is
	// not closed for it.
	InputLead int
	// InputRepeat is how many ticks without an input repeat the player's last input before the player
	// gets the zero input ("no input"). Defaults to 6.
	InputRepeat int
	// MaxRewind is the furthest back lag compensation rewinds an input's view, counted in whole ticks
	// (see compensate.go); the snapshot history the room keeps (32 snapshots) bounds it too.
	// Defaults to 1 s (Valve's sv_maxunlag): on a 150 ms connection the toolkit's clients draw
	// others up to about half a second behind the tick an input is for, and a rewind cut short
	// judges a hit against another view than the player's.
	MaxRewind time.Duration
	// FullSnapshots turns delta snapshots off: every snapshot carries every entity the client sees.
	// For measuring and debugging; defaults to false (deltas on).
	FullSnapshots bool
	// CheckEvery is how often a player's snapshot carries the desync check of its own entity
	// (wire.Snapshot.Check, wire.Checksum): every CheckEvery-th snapshot, counted as the room's
	// snapshots are, so 2 a second at 20 snapshots a second, about 10 bytes a second per player.
	// Defaults to 10; negative sends none.
	CheckEvery int
	// SeeEverything turns interest management off: every client sees every entity, even when the
	// game implements sim.Interest. Defaults to false.
	SeeEverything bool
	// MessageQueue is how many game messages (see [Messenger]) a seat holds between two ticks; one
	// more closes the connection with 1008. Defaults to 8.
	MessageQueue int
	// ResumeGrace is how long a seat whose connection was lost is held for its player to come back
	// with the seat's token. Defaults to 30 s.
	ResumeGrace time.Duration
	// Logger receives the room's logs. Defaults to slog.Default().
	Logger *slog.Logger
	// SignToken renders a seat's resume token as it travels in the welcome (the lobby signs it, so
	// that any node of a cluster can tell which node holds the seat). It is called from the room's
	// goroutine and must not block. Defaults to Token.String.
	SignToken func(Token) string
	// OnLeave is called from the room's goroutine after a player's leave has been applied, so a lobby
	// can free the seat. It must not block.
	OnLeave func(sim.PlayerID)
	// OnSpectatorLeave is called from the room's goroutine after a spectator has left, so a lobby can
	// free the place. It must not block.
	OnSpectatorLeave func()
	// OnClose is called from the room's goroutine when the room stops, with the error that stopped it
	// (nil when stopped on purpose). It must not block.
	OnClose func(error)
	// Observer is told every step's duration and lateness, and missed steps. Nil observes nothing.
	Observer Observer
	// CheckpointEvery is how often the room captures itself and hands the encoded capture to
	// OnCheckpoint, so that it can be restored from it if its server dies (see freeze.go); it is
	// rounded to whole ticks, at least one. Defaults to 0: no checkpoints.
	CheckpointEvery time.Duration
	// OnCheckpoint receives each checkpoint, Capture.Marshal's bytes (its own to keep). It is
	// called from the room's goroutine, after a step, and must not block. Nil takes no checkpoints.
	OnCheckpoint func(data []byte)
	// Recovered marks a room Factory.Restore makes from a checkpoint, after the server that ran it
	// died: the room went back to the capture's tick. The first welcome of each restored seat says
	// so (wire.Welcome.Restored), and the room stands still, stepping nothing, until the first of
	// its players is back or RecoveryWait has passed, so that the game does not play on with nobody
	// there. False for a handoff (the room left its server whole) and a new room.
	Recovered bool
	// RecoveryWait is the longest a Recovered room stands still waiting for its first player.
	// Defaults to 10 s.
	RecoveryWait time.Duration
	// Record turns recording on: the room writes what it applies into replay files (see record.go)
	// and hands each finished one to OnReplay. Defaults to false; without OnReplay it records
	// nothing.
	Record bool
	// KeyframeEvery is how often a recording holds the whole state, for seeking; rounded to whole
	// ticks, at least one. Defaults to 5 s.
	KeyframeEvery time.Duration
	// OnReplay receives each finished replay file (its own to keep) and its description. It is
	// called from the room's goroutine and must not block: hand the file to a queue (server/replays'
	// Saver).
	OnReplay func(data []byte, meta ReplayMeta)
	// Node names the server in the recordings' headers (the lobby sets its cluster node's id).
	// Defaults to "".
	Node string
}

// Factory makes rooms of one game.
type Factory interface {
	// Info describes the game.
	Info() sim.Info
	// New returns a room ready to Run.
	New(cfg Config) Room
	// Restore returns a room ready to Run that carries on from a capture (see restore.go). cfg is
	// as for New, but for the name, privacy, rates and capacities, which come from the capture. A
	// capture of another game or StateVersion is refused with an error matching
	// ErrCaptureVersion.
	Restore(cfg Config, c *Capture) (Room, error)
}

// Room is a running room seen from outside its goroutine.
type Room interface {
	// Run steps the room until ctx is done or Stop is called, then closes every player's connection;
	// or until Moved, after a Freeze, sends them elsewhere. A restored room's first step is the
	// tick after its capture's.
	Run(ctx context.Context) error
	// Join queues a player's arrival; the room sends the welcome when it applies it. The caller must
	// have reserved a seat: Join never blocks while fewer than MaxPlayers seats are taken.
	Join(id sim.PlayerID, name string, p Peer) Seat
	// Watch queues a spectator's arrival (see spectators.go). The caller must have reserved a place:
	// Watch never blocks while fewer than MaxSpectators watch.
	Watch(name string, p Peer) Seat
	// Resume gives the held seat that t names to the new connection p (see resume.go), or says why
	// not: 4015 when the seat is gone for good, 4017 when it cannot be resumed this instant.
	Resume(t Token, p Peer) (Seat, *wire.CloseError)
	// Stop asks the room to stop, closing players' connections with code and reason.
	Stop(code wire.CloseCode, reason string)
	// Tick returns the number of steps taken so far.
	Tick() uint32
	// Stats returns the room's tick-time statistics.
	Stats() TickStats
	// Config returns the room's effective configuration.
	Config() Config
	// Freeze stops the room at its next tick boundary and returns its capture; the room then steps
	// nothing until Thaw or Moved (see freeze.go). ctx bounds the wait for the boundary. A room
	// that stopped, or stops first, returns an error matching ErrStopped.
	Freeze(ctx context.Context) (*Capture, error)
	// Thaw ends a freeze: the room plays on from where it stopped, without a burst of steps for
	// the time it was frozen.
	Thaw()
	// Moved ends a freeze for good: every player and spectator is sent to url (a redirect frame,
	// then close 4018), and Run returns nil.
	Moved(url string)
}

// Seat is one player's place in a room, used by the player's connection.
type Seat interface {
	// Player returns the seat's player id.
	Player() sim.PlayerID
	// Input decodes the body of an input frame and holds it for the tick it is for (see input.go).
	// Its error is a *wire.CloseError, the close the connection ends with; a late or duplicate input
	// is ignored without one. body is the gateway's read buffer: it must not be kept after Input
	// returns.
	Input(body []byte) error
	// Inputs is Input for the body of an inputs frame: several consecutive ticks' inputs, each
	// held for its own tick as Input holds one (see input.go).
	Inputs(body []byte) error
	// Message decodes a frame of one of the game's own ops and queues it for the next tick (see
	// [Messenger]). Its error is a *wire.CloseError, the close the connection ends with. Like
	// Input's body, f must not be kept after Message returns.
	Message(f wire.Frame) error
	// Leave queues the player's departure. Calling it more than once is harmless.
	Leave()
	// Detach tells the room the connection was lost without a goodbye: the seat is held for
	// Config.ResumeGrace. Calling Leave or Detach after either is harmless.
	Detach()
	// Tick returns the room's current tick.
	Tick() uint32
}

// Resolve returns cfg with every zero field set to its default for the game info describes: what a
// room made with cfg runs with.
func Resolve(info sim.Info, cfg Config) Config {
	if cfg.TickRate <= 0 {
		cfg.TickRate = info.TickRate
	}
	if cfg.SnapshotRate <= 0 {
		cfg.SnapshotRate = info.SnapshotRate
	}
	if cfg.SnapshotRate <= 0 {
		cfg.SnapshotRate = 20
	}
	cfg.SnapshotRate = min(cfg.SnapshotRate, cfg.TickRate)
	if cfg.MaxPlayers <= 0 {
		cfg.MaxPlayers = info.MaxPlayers
	}
	if cfg.MaxSpectators <= 0 {
		cfg.MaxSpectators = 32
	}
	if cfg.MaxCatchUp <= 0 {
		cfg.MaxCatchUp = 4
	}
	if cfg.InputLead <= 0 {
		cfg.InputLead = 2 * cfg.TickRate
	}
	if cfg.InputRepeat <= 0 {
		cfg.InputRepeat = 6
	}
	if cfg.MaxRewind <= 0 {
		cfg.MaxRewind = time.Second
	}
	if cfg.MessageQueue <= 0 {
		cfg.MessageQueue = 8
	}
	if cfg.CheckEvery == 0 {
		cfg.CheckEvery = 10
	}
	if cfg.ResumeGrace <= 0 {
		cfg.ResumeGrace = 30 * time.Second
	}
	if cfg.RecoveryWait <= 0 {
		cfg.RecoveryWait = 10 * time.Second
	}
	if cfg.KeyframeEvery <= 0 {
		cfg.KeyframeEvery = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

// For returns a factory of rooms for game g. It panics if g is a [Messenger] whose message set is
// not well formed, so that the mistake shows when the server starts.
func For[S, I any](g Game[S, I]) Factory {
	f := factory[S, I]{g: g, msgr: messenger(g)}
	if f.msgr != nil {
		f.msgs = f.msgr.Messages()
	}
	return f
}

type factory[S, I any] struct {
	g    Game[S, I]
	msgr Messenger[S]
	msgs wire.MessageSet
}

func (f factory[S, I]) Info() sim.Info { return f.g.Info() }

func (f factory[S, I]) New(cfg Config) Room { return f.newRoom(cfg) }

func (f factory[S, I]) newRoom(cfg Config) *room[S, I] {
	info := f.g.Info()
	cfg = Resolve(info, cfg)
	cfg.Logger = cfg.Logger.With("game", info.Name, "room", cfg.Name)
	var interest sim.Interest[S]
	if in, ok := f.g.(sim.Interest[S]); ok && !cfg.SeeEverything {
		interest = in
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	r := &room[S, I]{
		g:         f.g,
		interest:  interest,
		cfg:       cfg,
		info:      info,
		state:     f.g.NewState(cfg.Seed),
		control:   make(chan control[S, I], 2*(cfg.MaxPlayers+cfg.MaxSpectators)+2),
		stop:      make(chan *wire.CloseError, 1),
		freezes:   make(chan *freezeRequest),
		unfreezes: make(chan unfreeze, 1),
		done:      make(chan struct{}),
		stats:     newTickRecorder(),
		obs:       obs,
	}
	r.msgr, r.msgs = f.msgr, f.msgs
	r.comp = newCompensator(f.g, cfg, info.Schema)
	r.keeper, _ = any(f.g).(StateKeeper[S])
	r.checkpointEvery = checkpointTicks(cfg)
	r.rec = newRecorder(f.g, cfg)
	r.pres = presenceOf(f.g)
	return r
}

type control[S, I any] struct {
	detach bool                 // the seat's connection was lost: hold the seat (resume.go)
	resume *resumeRequest[S, I] // a new connection asks for a held seat (resume.go)
	join   bool
	seat   *seat[S, I]
}

type room[S, I any] struct {
	g        Game[S, I]
	interest sim.Interest[S]    // nil: everyone sees everything
	comp     *compensator[S, I] // nil: the game judges nothing (compensate.go)
	cfg      Config
	info     sim.Info
	state    S

	control chan control[S, I]
	stop    chan *wire.CloseError
	tick    atomic.Uint32
	stats   *tickRecorder
	obs     Observer

	// Owned by the room's goroutine.
	seats    []*seat[S, I] // sorted by player
	watchers []*seat[S, I] // spectators, in order of arrival
	inputs   []sim.Input[I]
	history  history // the last snapshots' entity tables, the baselines of deltas
	visible  []sim.Entity
	base     []sim.Entity
	delta    wire.Delta
	snap     wire.Snapshot
	roster   bool // the roster changed since it was last sent
	snapshot int  // snapshots sent, for spacing them at SnapshotRate

	// The game's own messages, when it has any (see messages.go).
	msgr   Messenger[S]
	msgs   wire.MessageSet
	inbox  []wire.Message // room goroutine only
	events []wire.Event   // room goroutine only
	peers  []Peer         // room goroutine only

	// Spectators' snapshots (see spectators.go).
	watchRaw []byte

	departed departures // the last seats removed and why, for refusing their tokens (resume.go)

	// Capture (capture.go, restore.go, freeze.go).
	keeper          StateKeeper[S] // nil: the game keeps no room state
	capEnc          captureEncoder[I]
	capEntities     int                 // entities in the last capture, to size the next one's table
	waiting         int                 // steps a Recovered room still stands still for, waiting for a player
	checkpointEvery int                 // ticks between checkpoints; 0: none
	freezes         chan *freezeRequest // Freeze to the room's goroutine
	unfreezes       chan unfreeze       // Thaw or Moved to a frozen room
	frozen          atomic.Bool         // the room is frozen: Thaw and Moved apply
	done            chan struct{}       // closed when Run returns

	rec *recorder[I] // nil: the room records nothing (record.go)

	pres    sim.Presence[S]   // nil: the game hears nothing of dropped connections (presence.go)
	presLog []replay.Presence // Away and Back since the last tick recorded, when recording
}

func (r *room[S, I]) Tick() uint32     { return r.tick.Load() }
func (r *room[S, I]) Stats() TickStats { return r.stats.stats() }
func (r *room[S, I]) Config() Config   { return r.cfg }

func (r *room[S, I]) Join(id sim.PlayerID, name string, p Peer) Seat {
	s := &seat[S, I]{room: r, id: id, name: name, peer: p, ring: newInputRing[I](r.cfg.InputLead),
		decoder: wire.NewInputDecoder[I](r.g)}
	r.control <- control[S, I]{join: true, seat: s}
	return s
}

func (r *room[S, I]) Stop(code wire.CloseCode, reason string) {
	select {
	case r.stop <- &wire.CloseError{Code: code, Reason: wire.FitReason(reason)}:
	default: // already stopping
	}
}

// Run is the room's goroutine: the only one that touches the state.
func (r *room[S, I]) Run(ctx context.Context) (err error) {
	period := time.Second / time.Duration(r.cfg.TickRate)
	stepper := NewStepper(period, r.cfg.MaxCatchUp)
	// Start ticking on a multiple of the period, as every room of this tick rate does: rooms then
	// step, and wake their players' writers, together, and the scheduler serves them in one burst
	// per tick instead of waking an idle thread for each room at its own moment.
	waitUntil(ctx, PhaseStart(time.Now(), period))
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	// Count steps from half a period back, so that the ticker's wakes fall mid-period: a wake up to
	// half a period early or late still runs exactly one step. Counted from now, every wake sits on a
	// period's edge, and the slightest jitter turns one wake into none and the next into two steps
	// whose snapshots reach each outbox together (the first one replaced, never sent).
	stepper.Start(time.Now().Add(-period / 2))
	r.cfg.Logger.Info("room open", "tickRate", r.cfg.TickRate, "snapshotRate", r.cfg.SnapshotRate, "maxPlayers", r.cfg.MaxPlayers)

	defer close(r.done)
	defer func() {
		// A panic in the game is contained here: this room closes, every other room runs on.
		if p := recover(); p != nil {
			err = fmt.Errorf("game panicked: %v", p)
			r.cfg.Logger.Error("room failed", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.closeAll(&wire.CloseError{Code: wire.CloseServerError, Reason: "the room failed; please rejoin"})
		}
		if err != nil {
			r.recordClose(ReplayFailed) // up to the last tick that stepped: the panic's bug report
		} else {
			r.recordClose(ReplayClosed)
		}
		st := r.stats.stats()
		r.cfg.Logger.Info("room closed", "ticks", r.tick.Load(), "tickP50", st.P50, "tickP99", st.P99, "tickMax", st.Max,
			"droppedSteps", stepper.Dropped(), "error", err)
		if r.cfg.OnClose != nil {
			r.cfg.OnClose(err)
		}
	}()

	for {
		select {
		case <-ctx.Done():
			r.closeAll(&wire.CloseError{Code: wire.CloseGoingAway, Reason: "server shutting down"})
			return nil
		case req := <-r.stop:
			r.closeAll(req)
			return nil
		case now := <-ticker.C:
			r.advance(stepper, now)
		case req := <-r.freezes:
			if r.freeze(ctx, req) {
				return nil
			}
			// Played on: restart the clock, so that the time frozen is not stepped in a burst.
			select {
			case <-ticker.C:
			default:
			}
			stepper.Start(time.Now().Add(-period / 2))
		}
	}
}

// advance runs the steps due at now, timing each, and reports them to the statistics and the
// observer.
func (r *room[S, I]) advance(stepper *Stepper, now time.Time) {
	dropped := stepper.Dropped()
	for i := range stepper.Advance(now) {
		start := time.Now()
		r.step()
		d := time.Since(start)
		r.stats.record(d)
		r.obs.Tick(d, i > 0)
	}
	if n := stepper.Dropped() - dropped; n > 0 {
		r.obs.Missed(int(n))
		r.stats.setDropped(stepper.Dropped())
	}
}

// step runs one tick: apply joins and leaves, gather inputs, hand the game its messages, step it,
// send what is due.
func (r *room[S, I]) step() {
	if len(r.seats) > 0 {
		r.recordBegin() // a restored room, or a file just cut: the recording starts from here
	}
	r.applyControl()
	if r.waiting > 0 && !r.playerBack() {
		r.waiting-- // restored from a checkpoint: stand still until a player is back (restore.go)
		return
	}
	r.waiting = 0
	r.expireDetached()
	r.syncPresence(r.tick.Load() + 1)
	r.inputs = r.inputs[:0]
	tick := r.tick.Load() + 1 // only this goroutine writes it
	late, duplicate := 0, 0
	for _, s := range r.seats {
		l, d := s.takeInput(tick)
		late, duplicate = late+l, duplicate+d
		r.inputs = append(r.inputs, sim.Input[I]{Player: s.id, Input: s.input})
	}
	if late+duplicate > 0 {
		r.obs.InputsIgnored(late, duplicate)
	}
	r.tick.Store(tick)
	r.receive(tick)
	if r.comp != nil {
		r.comp.judge(&r.state, tick, r.seats, r.inputs, &r.history)
	}
	r.g.Step(&r.state, tick, r.inputs)
	r.recordStep(tick)
	if r.roster {
		r.sendRoster()
	}
	r.sendEvents()
	// Snapshot number k (from 1) is due at tick ceil(k * TickRate / SnapshotRate): evenly spread when the rates
	// do not divide.
	if int64(tick)*int64(r.cfg.SnapshotRate) >= int64(r.snapshot+1)*int64(r.cfg.TickRate) {
		r.snapshot++
		if len(r.seats) > 0 || len(r.watchers) > 0 {
			// The table is built once and serves players (as deltas) and spectators alike.
			slot := r.history.add(tick, func(dst []sim.Entity) []sim.Entity { return r.g.Entities(&r.state, dst) })
			r.sendSnapshot(tick, slot)
			r.sendSpectatorSnapshot(tick, r.history.table(slot))
		}
	}
	r.checkpoint(tick)
}

func (r *room[S, I]) applyControl() {
	for {
		select {
		case c := <-r.control:
			switch {
			case c.resume != nil:
				r.resume(c.resume)
			case c.detach:
				r.detach(c.seat)
			case c.join:
				r.addSeat(c.seat)
			default:
				r.removeSeat(c.seat, departLeft)
			}
		default:
			return
		}
	}
}

func (r *room[S, I]) addSeat(s *seat[S, I]) {
	if s.spectator {
		r.addWatcher(s)
		return
	}
	if s.left.Load() { // left before the room saw it arrive
		r.freeSeat(s.id)
		return
	}
	i := 0
	for i < len(r.seats) && r.seats[i].id < s.id {
		i++
	}
	r.seats = append(r.seats, nil)
	copy(r.seats[i+1:], r.seats[i:])
	r.seats[i] = s
	s.joined = true
	r.nameSeat(s)
	r.recordBegin() // before the join changes the state: the file's keyframe is the state it joined
	r.g.Join(&r.state, s.id)
	r.recordArrival(s, false)
	r.roster = true
	s.peer.Send(r.welcome(s))
	r.cfg.Logger.Info("player joined", "player", s.id, "name", s.name, "players", len(r.seats))
}

// sendWelcome sends s its welcome.
func (r *room[S, I]) sendWelcome(s *seat[S, I]) { s.peer.Send(r.welcome(s)) }

// welcome encodes s's welcome, with a fresh resume token for a player.
func (r *room[S, I]) welcome(s *seat[S, I]) []byte {
	token := ""
	if !s.spectator {
		token = r.newToken(s)
	}
	welcome, err := wire.Encode(bufpool.Get(), &wire.Welcome{
		Player: s.id, Game: r.info.Name, Room: r.cfg.Name,
		TickRate: uint32(r.cfg.TickRate), SnapshotRate: uint32(r.cfg.SnapshotRate),
		Tick: r.tick.Load(), MaxPlayers: uint32(r.cfg.MaxPlayers), Spectator: s.spectator, Private: r.cfg.Private,
		Resume: token, Restored: s.restored, Name: s.givenName(),
	})
	s.restored = 0  // said once
	if err != nil { // cannot happen for a well-formed message; fail loudly in the room
		panic(err)
	}
	return welcome
}

// removeSeat takes s out of the room; why is remembered for a resume that names the seat later.
func (r *room[S, I]) removeSeat(s *seat[S, I], why departure) {
	if s.spectator {
		r.removeWatcher(s)
		return
	}
	if !s.joined {
		return // its join is still queued; addSeat will see it left
	}
	for i, x := range r.seats {
		if x == s {
			r.seats = append(r.seats[:i], r.seats[i+1:]...)
			break
		}
	}
	s.joined = false
	r.departed.add(departed{player: s.id, secret: s.secret, kept: s.kept, why: why})
	r.g.Leave(&r.state, s.id)
	r.recordArrival(s, true)
	r.roster = true
	r.cfg.Logger.Info("player left", "player", s.id, "name", s.name, "players", len(r.seats))
	r.freeSeat(s.id)
}

func (r *room[S, I]) freeSeat(id sim.PlayerID) {
	if r.cfg.OnLeave != nil {
		r.cfg.OnLeave(id)
	}
}

func (r *room[S, I]) sendRoster() {
	r.roster = false
	var m wire.Roster
	for _, s := range r.seats {
		m.Players = append(m.Players, wire.RosterEntry{Player: s.id, Name: s.name})
	}
	frame, err := wire.Encode(bufpool.Get(), &m)
	if err != nil {
		panic(err)
	}
	r.deliver(frame, 0)
}

// sendSnapshot sends each player what it sees of the state at tick, whose table is in history slot:
// as a delta against the newest snapshot the player acknowledged while that one is still in the
// history, else in full.
//
// Every CheckEvery-th snapshot also carries each player's desync check: the checksum of its own
// entity in the whole table, which the client compares with its own prediction of the tick.
func (r *room[S, I]) sendSnapshot(tick uint32, slot int) {
	all := r.history.table(slot)
	checked := r.cfg.CheckEvery > 0 && r.snapshot%r.cfg.CheckEvery == 0
	for _, s := range r.seats {
		vis := all
		if r.interest != nil {
			r.visible = r.interest.Visible(&r.state, s.id, all, r.visible[:0])
			vis = r.visible
		}
		s.sent.record(slot, tick, vis, r.interest != nil)
		check := uint32(0)
		if checked {
			check = ownCheck(all, s.id)
		}
		frame, err := r.encodeFor(s, tick, slot, vis, check)
		if err != nil { // cannot happen for entities the game made; fail loudly in the room
			panic(err)
		}
		s.peer.SendSnapshot(frame)
	}
}

func (r *room[S, I]) encodeFor(s *seat[S, I], tick uint32, slot int, vis []sim.Entity, check uint32) ([]byte, error) {
	if !r.cfg.FullSnapshots {
		if b, ok := r.history.find(s.snapAck, slot); ok && s.sent.has(b, s.snapAck) {
			r.base = s.sent.filter(b, r.history.table(b), r.base[:0])
			r.delta.Tick, r.delta.Ack, r.delta.BaseTick, r.delta.Check = tick, s.ack, s.snapAck, check
			r.delta.Diff(r.base, vis)
			return wire.Encode(bufpool.Get(), &r.delta)
		}
	}
	r.snap.Tick, r.snap.Ack, r.snap.Entities, r.snap.Check = tick, s.ack, vis, check
	return wire.Encode(bufpool.Get(), &r.snap)
}

// ownCheck returns the desync check of player id's own entity in the table all (sorted by id), or
// 0 (none) when the player has no entity.
func ownCheck(all []sim.Entity, id sim.PlayerID) uint32 {
	i, ok := slices.BinarySearchFunc(all, sim.EntityID(id), func(e sim.Entity, id sim.EntityID) int { return cmp.Compare(e.ID, id) })
	if !ok {
		return 0
	}
	return wire.Checksum(all[i : i+1])
}

// closeAll closes every player's and spectator's connection as ce says, those still arriving too.
func (r *room[S, I]) closeAll(ce *wire.CloseError) {
	r.applyControl()
	for _, s := range r.seats {
		s.peer.Close(ce)
	}
	for _, s := range r.watchers {
		s.peer.Close(ce)
	}
}

// seat is one player's place. Its input ring and message queue are filled by the connection's
// goroutine and drained by the room's, under mu; everything else is the room's alone.
type seat[S, I any] struct {
	room      *room[S, I]
	id        sim.PlayerID // 0 for a spectator
	name      string
	renamed   bool // the room gave another name than the hello's (names.go)
	peer      Peer
	spectator bool

	decoder *wire.InputDecoder[I] // used by Input and Inputs only, from the connection's goroutine
	batch   wire.InputBatch[I]    // Inputs' decoded batch, reused; the connection's goroutine only

	mu        sync.Mutex
	ring      []heldInput[I] // inputs waiting for their tick (input.go)
	taken     uint32         // the last tick the room took inputs for
	late      int            // inputs ignored as late since the room last took inputs
	duplicate int            // inputs ignored as duplicates since then
	messages  []wire.Message
	lastSeq   uint32

	snapAckIn uint32 // newest snapshot tick the client acknowledged, under mu

	left    atomic.Bool
	joined  bool   // room goroutine only
	ack     uint32 // room goroutine only: newest applied input sequence
	input   I      // room goroutine only: the input in force
	rewind  uint32 // room goroutine only: the input in force's rewind, in 1/256 ticks
	missing int    // room goroutine only: ticks since the last fresh input
	snapAck uint32 // room goroutine only: snapAckIn as of this tick
	sent    sent   // room goroutine only: what this client was sent, per history slot

	// Resume (resume.go), room goroutine only.
	secret    [16]byte // of the current token
	kept      [16]byte // of the newest token the client is known to hold (see holds)
	detached  bool     // the connection is gone; the seat is held
	moved     bool     // restored from a capture and not yet resumed: a resume keeps its inputs
	graceLeft int      // ticks until a detached seat is freed
	away      bool     // the game was told the seat is away (presence.go)
	restored  uint32   // the tick a Recovered room went back to, for this seat's next welcome; 0: none
}

func (s *seat[S, I]) Player() sim.PlayerID { return s.id }
func (s *seat[S, I]) Tick() uint32         { return s.room.tick.Load() }

func (s *seat[S, I]) Leave() {
	if s.left.Swap(true) {
		return
	}
	s.room.control <- control[S, I]{seat: s}
}

// waitUntil sleeps until t or until ctx is done.
func waitUntil(ctx context.Context, t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
