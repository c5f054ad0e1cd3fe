package netcode

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

func TestInputsPerMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ set, want int }{
		{0, sim.DefaultInputsPerMessage}, {1, 1}, {3, 3}, {-2, 1},
		{wire.MaxInputsPerMessage, wire.MaxInputsPerMessage}, {wire.MaxInputsPerMessage + 1, wire.MaxInputsPerMessage},
	} {
		if got := InputsPerMessage(sim.Info{InputsPerMessage: tc.set}); got != tc.want {
			t.Errorf("InputsPerMessage(%d) = %d, want %d", tc.set, got, tc.want)
		}
	}
}

// TestBatcher feeds a Batcher inputs on generated time and checks the messages it sends: each
// step is an input added (tick and seq; the time in ms) or, with tick 0, a call of Due.
func TestBatcher(t *testing.T) {
	t.Parallel()
	type step struct {
		ms        int
		tick, seq uint32 // 0: Due
	}
	in := func(ms int, tick, seq uint32) step { return step{ms, tick, seq} }
	due := func(ms int) step { return step{ms: ms} }
	cases := []struct {
		name         string
		per          int
		wait, expire time.Duration
		steps        []step
		want         string // the messages: their ticks, and how long each input waited
		held         int
	}{
		{name: "one a message sends at once", per: 1, steps: []step{in(0, 5, 1), in(33, 6, 2)},
			want: "[5:0ms] [6:0ms]"},
		{name: "full batches", per: 2, steps: []step{in(0, 5, 1), in(33, 6, 2), in(66, 7, 3), in(100, 8, 4), in(133, 9, 5)},
			want: "[5:33ms 6:0ms] [7:34ms 8:0ms]", held: 1},
		{name: "several inputs in one frame", per: 3, steps: []step{in(0, 5, 1), in(0, 6, 2), in(0, 7, 3), in(0, 8, 4)},
			want: "[5:0ms 6:0ms 7:0ms]", held: 1},
		{name: "a tick skipped flushes", per: 3, steps: []step{in(0, 5, 1), in(33, 6, 2), in(66, 9, 3), in(100, 10, 4), in(133, 11, 5)},
			want: "[5:66ms 6:33ms] [9:67ms 10:33ms 11:0ms]"},
		{name: "a tick repeated flushes", per: 3, steps: []step{in(0, 5, 1), in(33, 5, 2)},
			want: "[5:33ms]", held: 1},
		{name: "a sequence number restarted flushes", per: 3, steps: []step{in(0, 5, 7), in(33, 6, 1)},
			want: "[5:33ms]", held: 1},
		{name: "due before the wait: nothing", per: 3, wait: 100 * time.Millisecond, steps: []step{in(0, 5, 1), in(33, 6, 2), due(99)},
			held: 2},
		{name: "due at the wait sends what is held", per: 3, wait: 100 * time.Millisecond, steps: []step{in(0, 5, 1), in(33, 6, 2), due(100), in(133, 7, 3)},
			want: "[5:100ms 6:67ms]", held: 1},
		{name: "no wait: held until full", per: 3, steps: []step{in(0, 5, 1), due(10000)}, held: 1},
		{name: "expired inputs are dropped", per: 3, wait: 100 * time.Millisecond, expire: 500 * time.Millisecond,
			steps: []step{in(0, 5, 1), in(33, 6, 2), due(2000), in(2000, 70, 3), in(2033, 71, 4), in(2066, 72, 5)},
			want:  "[70:66ms 71:33ms 72:0ms]"},
		{name: "only the expired ones go", per: 4, expire: 500 * time.Millisecond,
			steps: []step{in(0, 5, 1), in(100, 6, 2), in(450, 7, 3), due(520), due(600), in(633, 8, 4), in(666, 9, 5), in(700, 10, 6)},
			want:  "[7:250ms 8:67ms 9:34ms 10:0ms]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := Batcher[walkerInput]{Per: tc.per, Wait: tc.wait, Expire: tc.expire}
			start := time.Unix(1000, 0)
			var got []string
			send := func(batch []Outgoing[walkerInput], waited []time.Duration) {
				if len(batch) != len(waited) || len(batch) == 0 || len(batch) > max(tc.per, 1) {
					t.Fatalf("a batch of %d inputs with %d waits (at most %d a message)", len(batch), len(waited), tc.per)
				}
				var parts []string
				for i, o := range batch {
					if i > 0 && (o.Tick != batch[i-1].Tick+1 || o.Seq != batch[i-1].Seq+1) {
						t.Fatalf("a batch of inputs that do not follow each other: %+v", batch)
					}
					parts = append(parts, fmt.Sprintf("%d:%dms", o.Tick, waited[i].Milliseconds()))
				}
				got = append(got, fmt.Sprint(parts))
			}
			for _, s := range tc.steps {
				now := start.Add(time.Duration(s.ms) * time.Millisecond)
				if s.tick == 0 {
					b.Due(now, send)
					continue
				}
				b.Add(now, Outgoing[walkerInput]{Tick: s.tick, Seq: s.seq}, send)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("sent %v, want %v", got, tc.want)
			}
			if b.Held() != tc.held {
				t.Errorf("%d held, want %d", b.Held(), tc.held)
			}
		})
	}
}
