package room

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// runRoom runs r until the test ends, returning what Run returned (on the channel) and what
// OnClose was told.
func runRoom(t *testing.T, cfg Config) (*room[testgame.State, int8], <-chan error, <-chan error) {
	t.Helper()
	closed := make(chan error, 1)
	cfg.OnClose = func(err error) { closed <- err }
	r := newLineRoom(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r, ran, closed
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func welcomed(p *fakePeer) func() bool {
	return func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.frames) > 0
	}
}

// TestFreezeThenMovedSendsEveryoneThere: a frozen room steps nothing; Moved sends each player and
// spectator (and a resume that arrived while frozen) a redirect to the new server, and Run returns
// nil, telling OnClose nil.
func TestFreezeThenMovedSendsEveryoneThere(t *testing.T) {
	t.Parallel()
	r, ran, closed := runRoom(t, Config{Name: "r", TickRate: 100})
	var p1, p2, watcher fakePeer
	r.Join(1, "ann", &p1)
	s2 := r.Join(2, "bob", &p2)
	r.Watch("wes", &watcher)
	waitFor(t, "the welcomes", func() bool { return welcomed(&p1)() && welcomed(&p2)() && welcomed(&watcher)() })
	s2.Detach()
	waitFor(t, "the detach", func() bool { return r.Tick() > 0 && len(r.control) == 0 })

	c, err := r.Freeze(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Seats) != 2 || !c.Seats[1].Detached || c.Spectators != 1 || c.Tick != r.Tick() {
		t.Fatalf("capture of the frozen room: %+v (room at tick %d)", c, r.Tick())
	}
	time.Sleep(50 * time.Millisecond) // five ticks' worth
	if r.Tick() != c.Tick {
		t.Fatalf("a frozen room stepped from %d to %d", c.Tick, r.Tick())
	}
	// Player 2 comes back while the room is frozen: its resume waits, then follows the room.
	resumed := make(chan *wire.CloseError, 1)
	go func() {
		_, err := r.Resume(Token{Game: "line", Room: "r", Player: 2, Secret: c.Seats[1].Secret}, &fakePeer{})
		resumed <- err
	}()
	waitFor(t, "the resume to queue", func() bool { return len(r.control) == 1 })

	r.Moved("wss://b.example/ws")
	if err := <-ran; err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("OnClose(%v), want nil", err)
	}
	for name, p := range map[string]*fakePeer{"player": &p1, "spectator": &watcher} {
		p.mu.Lock()
		ce := p.closeErr
		p.mu.Unlock()
		if ce == nil || ce.Code != wire.CloseRedirect || ce.Redirect == nil || ce.Redirect.URL != "wss://b.example/ws" ||
			ce.Redirect.Token != "" || ce.Reason != movedReason {
			t.Errorf("%s closed with %+v, want a redirect to wss://b.example/ws", name, ce)
		}
	}
	if ce := <-resumed; ce == nil || ce.Code != wire.CloseRedirect || ce.Redirect == nil || ce.Redirect.URL != "wss://b.example/ws" {
		t.Errorf("a resume during the freeze got %+v, want the redirect", ce)
	}
	if _, err := r.Freeze(context.Background()); !errors.Is(err, ErrStopped) {
		t.Errorf("Freeze of a room that moved: %v, want ErrStopped", err)
	}
}

// stepLog records a room's steps, for telling a burst of catch-up steps.
type stepLog struct {
	mu     sync.Mutex
	late   int
	missed int
}

func (l *stepLog) Tick(_ time.Duration, late bool) {
	l.mu.Lock()
	if late {
		l.late++
	}
	l.mu.Unlock()
}
func (l *stepLog) Missed(n int) {
	l.mu.Lock()
	l.missed += n
	l.mu.Unlock()
}
func (*stepLog) InputsIgnored(int, int) {}

func (l *stepLog) bursts() (late, missed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.late, l.missed
}

// TestFreezeThenThawPlaysOnWithoutABurst: a thawed room plays on from the tick it froze at, one
// step a period: the frozen time is neither stepped in a burst nor counted as steps missed.
func TestFreezeThenThawPlaysOnWithoutABurst(t *testing.T) {
	t.Parallel()
	var log stepLog
	// At 10 ticks a second a wake must be 50 ms late to run a second step: scheduling noise does
	// not, a clock that counted the frozen half second would (up to MaxCatchUp, then missed).
	r, ran, _ := runRoom(t, Config{TickRate: 10, Observer: &log})
	var p fakePeer
	r.Join(1, "ann", &p)
	waitFor(t, "two ticks", func() bool { return r.Tick() >= 2 })
	c, err := r.Freeze(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lateBefore, missedBefore := log.bursts()
	time.Sleep(500 * time.Millisecond)
	if r.Tick() != c.Tick {
		t.Fatalf("a frozen room stepped from %d to %d", c.Tick, r.Tick())
	}
	r.Thaw()
	waitFor(t, "three more ticks", func() bool { return r.Tick() >= c.Tick+3 })
	if late, missed := log.bursts(); late != lateBefore || missed != missedBefore {
		t.Errorf("after the thaw: %d catch-up steps and %d missed, want none", late-lateBefore, missed-missedBefore)
	}
	select {
	case err := <-ran:
		t.Fatalf("a thawed room stopped: %v", err)
	default:
	}
	// Thaw and Moved do nothing to a room that is not frozen.
	r.Thaw()
	r.Moved("wss://elsewhere/")
	tick := r.Tick()
	waitFor(t, "a tick after the stray calls", func() bool { return r.Tick() > tick })
}

// TestFreezeOfAStoppedRoom: Freeze of a room that stopped, or that is stopped while frozen, ends
// as Stop says; ctx bounds the wait of a Freeze of a room that is not running.
func TestFreezeOfAStoppedRoom(t *testing.T) {
	t.Parallel()
	t.Run("stopped while frozen", func(t *testing.T) {
		t.Parallel()
		r, ran, _ := runRoom(t, Config{TickRate: 100})
		var p fakePeer
		r.Join(1, "ann", &p)
		waitFor(t, "the welcome", welcomed(&p))
		if _, err := r.Freeze(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.Stop(wire.CloseNormal, "closing")
		if err := <-ran; err != nil {
			t.Fatal(err)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.closeErr == nil || p.closeErr.Code != wire.CloseNormal || p.closeErr.Redirect != nil {
			t.Errorf("closed with %+v, want 1000 as Stop said", p.closeErr)
		}
	})
	t.Run("stopped before", func(t *testing.T) {
		t.Parallel()
		r, ran, _ := runRoom(t, Config{TickRate: 100})
		r.Stop(wire.CloseNormal, "closing")
		<-ran
		if _, err := r.Freeze(context.Background()); !errors.Is(err, ErrStopped) {
			t.Errorf("Freeze: %v, want ErrStopped", err)
		}
	})
	t.Run("not running", func(t *testing.T) {
		t.Parallel()
		r := newLineRoom(Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if _, err := r.Freeze(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Freeze: %v, want the deadline", err)
		}
	})
}

// TestCheckpointsArriveEveryInterval: a room with CheckpointEvery hands over a capture every that
// many ticks' worth, which unmarshals to the room as of that tick.
func TestCheckpointsArriveEveryInterval(t *testing.T) {
	t.Parallel()
	var got [][]byte
	r := newLineRoom(Config{CheckpointEvery: 100 * time.Millisecond, OnCheckpoint: func(b []byte) { got = append(got, b) }})
	var p fakePeer
	s := r.Join(1, "ann", &p)
	for i := range 10 {
		input(t, s, uint32(i+1), 1)
		r.step()
	}
	if len(got) != 3 {
		t.Fatalf("%d checkpoints in 10 ticks at 30 a second, one every 100 ms: want 3", len(got))
	}
	for i, b := range got {
		c, err := UnmarshalCapture(b)
		if err != nil {
			t.Fatal(err)
		}
		tick := uint32(3 * (i + 1))
		if c.Tick != tick || len(c.Seats) != 1 || len(c.Entities) != 1 || c.Entities[0].Fields[0] != int32(tick) {
			t.Errorf("checkpoint %d: tick %d, entities %v; want tick %d with player 1 at %d", i, c.Tick, c.Entities, tick, tick)
		}
	}
	for _, tc := range []struct {
		every time.Duration
		rate  int
		ticks int
	}{{0, 30, 0}, {time.Second, 30, 30}, {time.Millisecond, 30, 1}, {50 * time.Millisecond, 30, 2}, {time.Second, 60, 60}} {
		if n := checkpointTicks(Config{CheckpointEvery: tc.every, TickRate: tc.rate, OnCheckpoint: func([]byte) {}}); n != tc.ticks {
			t.Errorf("checkpoint every %s at %d ticks a second: every %d ticks, want %d", tc.every, tc.rate, n, tc.ticks)
		}
	}
	if n := checkpointTicks(Config{CheckpointEvery: time.Second, TickRate: 30}); n != 0 {
		t.Errorf("checkpoints every %d ticks with no OnCheckpoint, want none", n)
	}
}

// BenchmarkCheckpoint measures one checkpoint (capture and marshal) of an arena room mid-play.
func BenchmarkCheckpoint(b *testing.B) {
	for _, players := range []int{10, 100} {
		b.Run(fmt.Sprintf("players=%d", players), func(b *testing.B) {
			g := arena.Game{}
			r := For[arena.State, arena.Input](g).New(Config{MaxPlayers: players, Logger: quietLogger()}).(*room[arena.State, arena.Input])
			seats := make([]Seat, players)
			for i := range seats {
				seats[i] = r.Join(sim.PlayerID(i+1), fmt.Sprintf("p%d", i+1), discard{})
			}
			// Every player moving, with three inputs held ahead, as clients keep them.
			for tick := uint32(1); tick <= 60; tick++ {
				for i, s := range seats {
					in := arena.Input{MoveX: int8(i%255 - 127), MoveY: int8(tick % 100)}
					frame, err := wire.EncodeInput(nil, g, wire.InputHeader{Seq: tick, Tick: tick + 3}, &in)
					if err != nil {
						b.Fatal(err)
					}
					f, _ := wire.Decode(frame)
					if err := s.Input(f.Body); err != nil {
						b.Fatal(err)
					}
				}
				r.step()
			}
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				c, err := r.capture()
				if err != nil {
					b.Fatal(err)
				}
				data, err := c.Marshal()
				if err != nil {
					b.Fatal(err)
				}
				size = len(data)
			}
			b.ReportMetric(float64(size), "bytes/checkpoint")
		})
	}
}
