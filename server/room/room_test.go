package room

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// fakePeer records what a room sends.
type fakePeer struct {
	mu       sync.Mutex
	frames   []wire.Frame
	closed   string
	closeErr *wire.CloseError
}

func (p *fakePeer) record(b []byte) {
	f, err := wire.Decode(b)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	p.frames = append(p.frames, f)
	p.mu.Unlock()
}
func (p *fakePeer) Send(b []byte)         { p.record(b) }
func (p *fakePeer) SendSnapshot(b []byte) { p.record(b) }
func (p *fakePeer) Close(ce *wire.CloseError) {
	p.mu.Lock()
	p.closed = ce.Reason
	p.closeErr = ce
	p.mu.Unlock()
}

func (p *fakePeer) ops() []wire.Op {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ops []wire.Op
	for _, f := range p.frames {
		ops = append(ops, f.Op)
	}
	return ops
}

func (p *fakePeer) lastSnapshot(t *testing.T) wire.Snapshot {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.frames) - 1; i >= 0; i-- {
		if p.frames[i].Op == wire.OpSnapshot {
			var s wire.Snapshot
			if err := p.frames[i].Decode(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
	t.Fatal("no snapshot received")
	return wire.Snapshot{}
}

// closeCode returns the code of the close decision err is, 0 for nil, and fails the test for an
// error that is not a *wire.CloseError: every refusal a seat makes says how to close.
func closeCode(t *testing.T, err error) wire.CloseCode {
	t.Helper()
	if err == nil {
		return 0
	}
	ce, ok := wire.AsCloseError(err)
	if !ok {
		t.Fatalf("%v is not a *wire.CloseError", err)
	}
	return ce.Code
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newLineRoom(cfg Config) *room[testgame.State, int8] {
	cfg.Logger = quietLogger()
	return For[testgame.State, int8](testgame.Game{}).New(cfg).(*room[testgame.State, int8])
}

// input sends s an input for the room's next tick.
func input(t *testing.T, s Seat, seq uint32, v int8) {
	t.Helper()
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: seq, Tick: s.Tick() + 1}, v)); err != nil {
		t.Fatal(err)
	}
}

// inputBody returns the body of an input frame.
func inputBody(t *testing.T, h wire.InputHeader, v int8) []byte {
	t.Helper()
	frame, err := wire.EncodeInput(nil, testgame.Game{}, h, &v)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wire.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	return f.Body
}

func TestJoinWelcomesThenSendsRosterAndSnapshots(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{Name: "r", SnapshotRate: 15})
	var p fakePeer
	r.Join(7, "ann", &p)
	for range 30 {
		r.step()
	}
	ops := p.ops()
	if len(ops) < 3 || ops[0] != wire.OpWelcome || ops[1] != wire.OpRoster || ops[2] != wire.OpSnapshot {
		t.Fatalf("first frames %v, want welcome, roster, snapshot", ops)
	}
	var w wire.Welcome
	if err := p.frames[0].Decode(&w); err != nil {
		t.Fatal(err)
	}
	if w.Player != 7 || w.Room != "r" || w.Game != "line" || w.TickRate != 30 || w.SnapshotRate != 15 || w.MaxPlayers != 3 {
		t.Errorf("welcome %+v", w)
	}
	snaps := 0
	for _, op := range ops {
		if op == wire.OpSnapshot {
			snaps++
		}
	}
	if snaps != 15 {
		t.Errorf("%d snapshots in 30 ticks at 15/s of 30 ticks/s, want 15", snaps)
	}
}

func TestSnapshotRateThatDoesNotDivideIsEven(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{SnapshotRate: 20})
	var p fakePeer
	r.Join(1, "a", &p)
	var ticks []uint32
	for range 30 {
		r.step()
	}
	p.mu.Lock()
	for _, f := range p.frames {
		if f.Op == wire.OpSnapshot {
			var s wire.Snapshot
			_ = f.Decode(&s)
			ticks = append(ticks, s.Tick)
		}
	}
	p.mu.Unlock()
	if len(ticks) != 20 {
		t.Fatalf("%d snapshots in one second, want 20", len(ticks))
	}
	for i := 1; i < len(ticks); i++ {
		if gap := ticks[i] - ticks[i-1]; gap < 1 || gap > 2 {
			t.Errorf("snapshots at ticks %d and %d: uneven", ticks[i-1], ticks[i])
		}
	}
}

func TestInputsApplyAtTheirTickAndAreAcknowledged(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{SnapshotRate: 30})
	var p fakePeer
	s := r.Join(1, "a", &p)
	r.step()
	for _, in := range []struct {
		seq, tick uint32
		v         int8
	}{{1, 3, 3}, {2, 2, 5}} { // sent out of tick order: each waits for its own tick
		if err := s.Input(inputBody(t, wire.InputHeader{Seq: in.seq, Tick: in.tick}, in.v)); err != nil {
			t.Fatal(err)
		}
	}
	r.step() // tick 2: +5
	if ack := p.lastSnapshot(t).Ack; ack != 2 {
		t.Errorf("ack after tick 2: %d, want 2", ack)
	}
	r.step() // tick 3: +3
	r.step() // tick 4: no input, the last one repeats
	snap := p.lastSnapshot(t)
	if snap.Ack != 1 {
		t.Errorf("ack after tick 3: %d, want 1 (the newest applied, not the highest sent)", snap.Ack)
	}
	if len(snap.Entities) != 1 || snap.Entities[0].Fields[0] != 11 {
		t.Errorf("entities %+v, want player 1 at 11", snap.Entities)
	}
	if err := s.Input(mustBody(t, 2)); closeCode(t, err) != wire.CloseUnexpected {
		t.Errorf("replayed sequence: err %v, want a close with 4009", err)
	}
}

// mustBody returns the body of a zero input with sequence number seq, for the tick after the
// room's first.
func mustBody(t *testing.T, seq uint32) []byte {
	t.Helper()
	return inputBody(t, wire.InputHeader{Seq: seq, Tick: 2}, 0)
}

func TestLeaveFreesTheSeatOnce(t *testing.T) {
	t.Parallel()
	var freed []sim.PlayerID
	r := newLineRoom(Config{OnLeave: func(id sim.PlayerID) { freed = append(freed, id) }})
	var a, b, c fakePeer
	sa := r.Join(1, "a", &a)
	r.Join(2, "b", &b)
	r.step()
	sa.Leave()
	sa.Leave()
	sc := r.Join(3, "c", &c)
	sc.Leave() // leaves before the room applied its join
	r.step()
	if len(freed) != 2 || freed[0] != 1 || freed[1] != 3 {
		t.Errorf("freed %v, want [1 3]", freed)
	}
	if _, ok := r.state.Pos[1]; ok {
		t.Error("player 1 is still in the game state")
	}
	var roster wire.Roster
	b.mu.Lock()
	_ = b.frames[len(b.frames)-2].Decode(&roster) // roster, then snapshot
	b.mu.Unlock()
	if len(roster.Players) != 1 || roster.Players[0].Name != "b" {
		t.Errorf("roster after leave %+v, want only b", roster.Players)
	}
	if len(c.frames) != 0 {
		t.Errorf("a player who left before joining got %d frames", len(c.frames))
	}
}

func TestPanicInGameClosesOnlyThatRoom(t *testing.T) {
	t.Parallel()
	closed := make(chan error, 2)
	mk := func() (*room[testgame.State, int8], *fakePeer, Seat) {
		// The one input repeats until the game panics.
		r := newLineRoom(Config{TickRate: 100, InputRepeat: 1000, OnClose: func(err error) { closed <- err }})
		p := &fakePeer{}
		return r, p, r.Join(1, "a", p)
	}
	bad, badPeer, badSeat := mk()
	good, _, _ := mk()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go bad.Run(ctx)
	go good.Run(ctx)
	// For a tick a few ahead, so the running room cannot step it before it arrives; 100 a tick
	// reaches 1000 on the tenth tick.
	if err := badSeat.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: badSeat.Tick() + 5}, 100)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-closed:
		if err == nil || !strings.Contains(err.Error(), "panicked") {
			t.Fatalf("room closed with %v, want a panic error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the panicking room did not close")
	}
	badPeer.mu.Lock()
	if badPeer.closed == "" {
		t.Error("the failed room's player was not told")
	}
	badPeer.mu.Unlock()
	before := good.Tick()
	time.Sleep(100 * time.Millisecond)
	if good.Tick() <= before {
		t.Error("the other room stopped ticking")
	}
}

func TestRatesComeFromTheGameUnlessConfigured(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		game           testgame.Game
		cfg            Config
		tick, snapshot int
	}{
		{"game states both", testgame.Game{TickRate: 60, SnapshotRate: 30}, Config{}, 60, 30},
		{"game states no snapshot rate", testgame.Game{TickRate: 60}, Config{}, 60, 20},
		{"config wins", testgame.Game{TickRate: 60, SnapshotRate: 30}, Config{TickRate: 20, SnapshotRate: 10}, 20, 10},
		{"snapshots at most ticks", testgame.Game{TickRate: 10, SnapshotRate: 30}, Config{}, 10, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Logger = quietLogger()
			got := For[testgame.State, int8](tc.game).New(tc.cfg).Config()
			if got.TickRate != tc.tick || got.SnapshotRate != tc.snapshot {
				t.Errorf("tick rate %d, snapshot rate %d; want %d, %d", got.TickRate, got.SnapshotRate, tc.tick, tc.snapshot)
			}
		})
	}
}
