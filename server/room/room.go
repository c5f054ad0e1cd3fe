package room

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
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
	// TickRate is the number of simulation steps per second. Defaults to the game's.
	TickRate int
	// SnapshotRate is the number of snapshots per second sent to each client, at most TickRate.
	// Defaults to 20.
	SnapshotRate int
	// MaxPlayers is the number of seats. Defaults to the game's.
	MaxPlayers int
	// Seed seeds the game state.
	Seed uint64
	// MaxCatchUp is the most steps run at once after a stall. Defaults to 4.
	MaxCatchUp int
	// InputQueue is how many inputs a seat holds between two ticks; when full, the oldest is dropped.
	// Defaults to 16.
	InputQueue int
	// Logger receives the room's logs. Defaults to slog.Default().
	Logger *slog.Logger
	// OnLeave is called from the room's goroutine after a player's leave has been applied, so a lobby
	// can free the seat. It must not block.
	OnLeave func(sim.PlayerID)
	// OnClose is called from the room's goroutine when the room stops, with the error that stopped it
	// (nil when stopped on purpose). It must not block.
	OnClose func(error)
	// Observer is told every step's duration and lateness, and missed steps. Nil observes nothing.
	Observer Observer
}

// Factory makes rooms of one game.
type Factory interface {
	// Info describes the game.
	Info() sim.Info
	// New returns a room ready to Run.
	New(cfg Config) Room
}

// Room is a running room seen from outside its goroutine.
type Room interface {
	// Run steps the room until ctx is done or Stop is called, then closes every player's connection.
	Run(ctx context.Context) error
	// Join queues a player's arrival; the room sends the welcome when it applies it. The caller must
	// have reserved a seat: Join never blocks while fewer than MaxPlayers seats are taken.
	Join(id sim.PlayerID, name string, p Peer) Seat
	// Stop asks the room to stop, closing players' connections with code and reason.
	Stop(code wire.CloseCode, reason string)
	// Tick returns the number of steps taken so far.
	Tick() uint32
	// Stats returns the room's tick-time statistics.
	Stats() TickStats
	// Config returns the room's effective configuration.
	Config() Config
}

// Seat is one player's place in a room, used by the player's connection.
type Seat interface {
	// Player returns the seat's player id.
	Player() sim.PlayerID
	// Input decodes the body of an input frame and queues it for the next tick.
	Input(body []byte) error
	// Leave queues the player's departure. Calling it more than once is harmless.
	Leave()
	// Tick returns the room's current tick.
	Tick() uint32
}

// For returns a factory of rooms for game g.
func For[S, I any](g Game[S, I]) Factory { return factory[S, I]{g} }

type factory[S, I any] struct{ g Game[S, I] }

func (f factory[S, I]) Info() sim.Info { return f.g.Info() }

func (f factory[S, I]) New(cfg Config) Room {
	info := f.g.Info()
	if cfg.TickRate <= 0 {
		cfg.TickRate = info.TickRate
	}
	if cfg.SnapshotRate <= 0 {
		cfg.SnapshotRate = 20
	}
	cfg.SnapshotRate = min(cfg.SnapshotRate, cfg.TickRate)
	if cfg.MaxPlayers <= 0 {
		cfg.MaxPlayers = info.MaxPlayers
	}
	if cfg.MaxCatchUp <= 0 {
		cfg.MaxCatchUp = 4
	}
	if cfg.InputQueue <= 0 {
		cfg.InputQueue = 16
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Logger = cfg.Logger.With("game", info.Name, "room", cfg.Name)
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &room[S, I]{
		g:       f.g,
		cfg:     cfg,
		info:    info,
		state:   f.g.NewState(cfg.Seed),
		control: make(chan control[S, I], 2*cfg.MaxPlayers+2),
		stop:    make(chan stopRequest, 1),
		stats:   newTickRecorder(),
		obs:     obs,
	}
}

type control[S, I any] struct {
	join bool
	seat *seat[S, I]
}

type stopRequest struct {
	code   wire.CloseCode
	reason string
}

type room[S, I any] struct {
	g     Game[S, I]
	cfg   Config
	info  sim.Info
	state S

	control chan control[S, I]
	stop    chan stopRequest
	tick    atomic.Uint32
	stats   *tickRecorder
	obs     Observer

	// Owned by the room's goroutine.
	seats    []*seat[S, I] // sorted by player
	inputs   []sim.Input[I]
	ents     []sim.Entity
	raw      []byte
	roster   bool // the roster changed since it was last sent
	snapshot int  // snapshots sent, for spacing them at SnapshotRate
}

func (r *room[S, I]) Tick() uint32     { return r.tick.Load() }
func (r *room[S, I]) Stats() TickStats { return r.stats.stats() }
func (r *room[S, I]) Config() Config   { return r.cfg }

func (r *room[S, I]) Join(id sim.PlayerID, name string, p Peer) Seat {
	s := &seat[S, I]{room: r, id: id, name: name, peer: p, queue: make([]queuedInput[I], 0, r.cfg.InputQueue)}
	r.control <- control[S, I]{join: true, seat: s}
	return s
}

func (r *room[S, I]) Stop(code wire.CloseCode, reason string) {
	select {
	case r.stop <- stopRequest{code, reason}:
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

	defer func() {
		// A panic in the game is contained here: this room closes, every other room runs on.
		if p := recover(); p != nil {
			err = fmt.Errorf("game panicked: %v", p)
			r.cfg.Logger.Error("room failed", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r.closeAll(wire.CloseServerError, "the room failed; please rejoin")
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
			r.closeAll(wire.CloseGoingAway, "server shutting down")
			return nil
		case req := <-r.stop:
			r.closeAll(req.code, req.reason)
			return nil
		case now := <-ticker.C:
			r.advance(stepper, now)
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

// step runs one tick: apply joins and leaves, gather inputs, step the game, send what is due.
func (r *room[S, I]) step() {
	r.applyControl()
	r.inputs = r.inputs[:0]
	for _, s := range r.seats {
		r.inputs = append(r.inputs, sim.Input[I]{Player: s.id, Input: s.takeInput()})
	}
	tick := r.tick.Add(1)
	r.g.Step(&r.state, tick, r.inputs)
	if r.roster {
		r.sendRoster()
	}
	// Snapshot number k (from 1) is due at tick ceil(k * TickRate / SnapshotRate): evenly spread when the rates
	// do not divide.
	if int64(tick)*int64(r.cfg.SnapshotRate) >= int64(r.snapshot+1)*int64(r.cfg.TickRate) {
		r.snapshot++
		r.sendSnapshot(tick)
	}
}

func (r *room[S, I]) applyControl() {
	for {
		select {
		case c := <-r.control:
			if c.join {
				r.addSeat(c.seat)
			} else {
				r.removeSeat(c.seat)
			}
		default:
			return
		}
	}
}

func (r *room[S, I]) addSeat(s *seat[S, I]) {
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
	r.g.Join(&r.state, s.id)
	r.roster = true
	welcome, err := wire.Encode(bufpool.Get(), &wire.Welcome{
		Player: s.id, Game: r.info.Name, Room: r.cfg.Name,
		TickRate: uint32(r.cfg.TickRate), SnapshotRate: uint32(r.cfg.SnapshotRate),
		Tick: r.tick.Load(), MaxPlayers: uint32(r.cfg.MaxPlayers),
	})
	if err != nil { // cannot happen for a well-formed message; fail loudly in the room
		panic(err)
	}
	s.peer.Send(welcome)
	r.cfg.Logger.Info("player joined", "player", s.id, "name", s.name, "players", len(r.seats))
}

func (r *room[S, I]) removeSeat(s *seat[S, I]) {
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
	r.g.Leave(&r.state, s.id)
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
	for i, s := range r.seats {
		b := frame
		if i < len(r.seats)-1 {
			b = append(bufpool.Get(), frame...)
		}
		s.peer.Send(b)
	}
	if len(r.seats) == 0 {
		bufpool.Put(frame)
	}
}

func (r *room[S, I]) sendSnapshot(tick uint32) {
	if len(r.seats) == 0 {
		return
	}
	r.ents = r.g.Entities(&r.state, r.ents[:0])
	var err error
	// The entity array is encoded once and shared; each client's frame differs only in its ack.
	if r.raw, err = wire.AppendEntities(r.raw[:0], r.ents); err != nil {
		panic(err)
	}
	for _, s := range r.seats {
		s.peer.SendSnapshot(wire.AppendSnapshot(bufpool.Get(), tick, s.ack, r.raw))
	}
}

func (r *room[S, I]) closeAll(code wire.CloseCode, reason string) {
	r.applyControl()
	for _, s := range r.seats {
		s.peer.Close(code, reason)
	}
}

type queuedInput[I any] struct {
	seq   uint32
	input I
}

// seat is one player's place. Its queue is filled by the connection's goroutine and drained by the
// room's, under mu; everything else is the room's alone.
type seat[S, I any] struct {
	room *room[S, I]
	id   sim.PlayerID
	name string
	peer Peer

	mu      sync.Mutex
	queue   []queuedInput[I]
	lastSeq uint32
	dropped uint64

	left   atomic.Bool
	joined bool   // room goroutine only
	ack    uint32 // room goroutine only: newest applied input sequence
	input  I      // room goroutine only: the input in force
}

func (s *seat[S, I]) Player() sim.PlayerID { return s.id }
func (s *seat[S, I]) Tick() uint32         { return s.room.tick.Load() }

// ErrStaleInput reports an input whose sequence number is not newer than one already received.
var ErrStaleInput = errors.New("input sequence number went backwards")

func (s *seat[S, I]) Input(body []byte) error {
	var h wire.InputHeader
	var in I
	if err := wire.DecodeInput(body, s.room.g, &h, &in); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h.Seq <= s.lastSeq {
		return fmt.Errorf("%w: %d after %d", ErrStaleInput, h.Seq, s.lastSeq)
	}
	s.lastSeq = h.Seq
	if len(s.queue) == cap(s.queue) {
		copy(s.queue, s.queue[1:])
		s.queue = s.queue[:len(s.queue)-1]
		s.dropped++
	}
	s.queue = append(s.queue, queuedInput[I]{h.Seq, in})
	return nil
}

// takeInput returns the input in force for this tick: the newest one received, or the previous one
// when none arrived.
func (s *seat[S, I]) takeInput() I {
	s.mu.Lock()
	if n := len(s.queue); n > 0 {
		s.input, s.ack = s.queue[n-1].input, s.queue[n-1].seq
		s.queue = s.queue[:0]
	}
	s.mu.Unlock()
	return s.input
}

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
