package gateway

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// TestLateAndDuplicateInputsAreIgnored sends inputs for ticks already stepped and a second input
// for a tick: neither is applied nor acknowledged, and the connection stays open.
func TestLateAndDuplicateInputsAreIgnored(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	c := srv.dial(t)
	w := c.join("timing", "ann")
	c.input(1, 0, 100)        // far in the past
	c.input(2, w.Tick, 100)   // the welcome's tick, stepped before the welcome was sent
	c.input(3, w.Tick+4, 5)   // applied
	c.input(4, w.Tick+4, 100) // a duplicate: the first stands
	c.input(5, w.Tick+5, 0)   // then standing still
	c.send(&wire.Ping{ClientTime: 9})
	pong := false
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatalf("the connection ended: %v", err)
		}
		switch f.Op {
		case wire.OpPong:
			pong = true
		case wire.OpSnapshot:
			var s wire.Snapshot
			if err := f.Decode(&s); err != nil {
				t.Fatal(err)
			}
			if s.Ack != 0 && s.Ack != 3 && s.Ack != 5 {
				t.Fatalf("snapshot of tick %d acknowledges input %d, which was ignored", s.Tick, s.Ack)
			}
			pos, _ := dotOf(t, f, w.Player)
			if s.Ack == 5 {
				if pos != 5 {
					t.Errorf("the dot is at %d, want 5: only input 3 moves it", pos)
				}
				if !pong {
					t.Error("no pong before the inputs were applied")
				}
				return
			}
		}
	}
	t.Fatal("input 5 was never acknowledged")
}
