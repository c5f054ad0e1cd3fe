package room

import (
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// judgingGame is the line game with lag compensation: its dots' positions interpolate, and Judge
// records what it saw and doubles the input, so a test sees both what was judged and that the step
// got the judged input.
type judgingGame struct {
	testgame.Game
	seen *[]judgement // the test's spy; a real Judge is pure
}

type judgement struct {
	player sim.PlayerID
	in     int8
	seen   []sim.Entity
}

func (judgingGame) Info() sim.Info {
	info := testgame.Game{}.Info()
	info.Schema = sim.Schema{{Name: "dot", Fields: []sim.FieldSchema{{Name: "x", Min: -1 << 20, Max: 1 << 20, Interp: true}}}}
	return info
}

func (g judgingGame) Judge(_ *testgame.State, p sim.PlayerID, in *int8, seen []sim.Entity) {
	if g.seen != nil {
		*g.seen = append(*g.seen, judgement{p, *in, slices.Clone(seen)})
	}
	*in *= 2
}

// TestJudgeSeesTheRewoundView plays a room of 30 ticks and 10 snapshots a second, so snapshots at
// ticks 3, 6, ..., 18. Player 1 moves 3 a tick from tick 2 (at 3(t-1) after tick t; its inputs
// carry no rewind and are never judged); player 2 stands still until its one input, for tick 20,
// with the case's rewind. Judge must see player 1 where the rule in compensate.go puts it.
func TestJudgeSeesTheRewoundView(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		rewind    uint32
		maxRewind time.Duration
		x         int32 // player 1's position in what Judge saw at tick 20
		x21       int32 // and at tick 21, when the input repeats
	}{
		// V = 20*256 - 384 = 18.5 ticks: at or after the newest snapshot (18), which is used alone.
		{name: "after the newest", rewind: 384, x: 51, x21: 51},
		// V = 15 ticks: exactly snapshot 15 (between 15 and 18, a fraction 0). At tick 21, 16: a
		// third of the way from 15 (42) to 18 (51): 42 + 9*85/256.
		{name: "on a snapshot", rewind: 5 * 256, x: 42, x21: 44},
		// V = 16 ticks: a third of the way from 15 to 18, in LerpAt's and Lerp's integers. At tick
		// 21, 17: two thirds, 42 + 9*170/256.
		{name: "between two snapshots", rewind: 4 * 256, x: 44, x21: 47},
		// Clamped to MaxRewind, 500 ms = 15 ticks: V = 5, two thirds from 3 (6) to 6 (15): 6 + 9*170/256.
		// At tick 21, V = 6: snapshot 6 exactly.
		{name: "clamped to MaxRewind", rewind: 1 << 31, maxRewind: 500 * time.Millisecond, x: 11, x21: 15},
		// MaxRewind 2 s = 60 ticks: V is before the oldest snapshot kept (3), which is used alone.
		{name: "before the oldest", rewind: 1 << 31, maxRewind: 2 * time.Second, x: 6, x21: 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var judged []judgement
			r := For[testgame.State, int8](judgingGame{seen: &judged}).New(Config{SnapshotRate: 10,
				MaxRewind: tc.maxRewind, Logger: quietLogger()}).(*room[testgame.State, int8])
			var p1, p2 fakePeer
			s1, s2 := r.Join(1, "mover", &p1), r.Join(2, "shooter", &p2)
			r.step()
			for seq := uint32(1); r.Tick() < 19; seq++ {
				if err := s1.Input(inputBody(t, wire.InputHeader{Seq: seq, Tick: r.Tick() + 1}, 3)); err != nil {
					t.Fatal(err)
				}
				r.step()
			}
			if err := s2.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: 20, Rewind: tc.rewind}, 1)); err != nil {
				t.Fatal(err)
			}
			r.step() // tick 20: judged
			if len(judged) != 1 {
				t.Fatalf("%d judgements, want 1 (player 2's input only): %+v", len(judged), judged)
			}
			want := []sim.Entity{sim.NewEntity(1, 0, tc.x), sim.NewEntity(2, 0, 0)}
			if j := judged[0]; j.player != 2 || j.in != 1 || !slices.Equal(j.seen, want) {
				t.Errorf("tick 20: Judge saw player %d, input %d, %v; want 2, 1, %v", j.player, j.in, j.seen, want)
			}
			if got := r.state.Pos[2]; got != 2 {
				t.Errorf("player 2 at %d after tick 20, want 2: the step must get the judged input", got)
			}
			r.step() // tick 21: the input repeats, with its rewind, and is judged again
			want = []sim.Entity{sim.NewEntity(1, 0, tc.x21), sim.NewEntity(2, 0, 0)}
			if len(judged) != 2 || judged[1].in != 1 || !slices.Equal(judged[1].seen, want) {
				t.Errorf("tick 21: judgements %+v, want a second of input 1 seeing %v", judged, want)
			}
		})
	}
}

// TestJudgeSkipsInputsWithoutRewind checks that a game's Judge is not called for inputs without a
// rewind, nor before the room has a snapshot.
func TestJudgeSkipsInputsWithoutRewind(t *testing.T) {
	t.Parallel()
	var judged []judgement
	r := For[testgame.State, int8](judgingGame{seen: &judged}).New(Config{Logger: quietLogger()}).(*room[testgame.State, int8])
	var p fakePeer
	s := r.Join(1, "a", &p)
	// For tick 1, before any snapshot: nothing to rewind to.
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: 1, Tick: 1, Rewind: 256}, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Input(inputBody(t, wire.InputHeader{Seq: 2, Tick: 2}, 1)); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r.step()
	}
	if len(judged) != 0 {
		t.Errorf("judged %+v, want nothing", judged)
	}
}

// TestJudgingDoesNotAllocate checks that rebuilding the rewound view reuses its buffer.
func TestJudgingDoesNotAllocate(t *testing.T) {
	r := For[testgame.State, int8](judgingGame{}).New(Config{SnapshotRate: 30, Logger: quietLogger()}).(*room[testgame.State, int8])
	var p1, p2, p3 fakePeer
	r.Join(1, "a", &p1)
	r.Join(2, "b", &p2)
	r.Join(3, "c", &p3)
	for range 40 {
		r.step()
	}
	for i, s := range r.seats {
		s.rewind = uint32(100 + 300*i)
	}
	tick := r.Tick() + 1
	r.comp.judge(&r.state, tick, r.seats, r.inputs, &r.history) // grows the buffer once
	if n := testing.AllocsPerRun(100, func() { r.comp.judge(&r.state, tick, r.seats, r.inputs, &r.history) }); n != 0 {
		t.Errorf("%.1f allocations per judging, want 0", n)
	}
}

func TestHistoryBracket(t *testing.T) {
	t.Parallel()
	var h history
	if _, _, ok := h.bracket(1000); ok {
		t.Fatal("an empty history brackets a point")
	}
	// 40 snapshots, every 2 ticks: the ring keeps ticks 18 to 80.
	for tick := uint32(2); tick <= 80; tick += 2 {
		h.add(tick, func(dst []sim.Entity) []sim.Entity { return append(dst, sim.NewEntity(1, 0, int32(tick))) })
	}
	cases := []struct {
		name   string
		v      int64
		ta, tb uint32
	}{
		{"after the newest", 81 * sim.LerpOne, 80, 80},
		{"on the newest", 80 * sim.LerpOne, 80, 80},
		{"just before the newest", 80*sim.LerpOne - 1, 78, 80},
		{"between", 51*sim.LerpOne + 7, 50, 52},
		{"on a snapshot", 50 * sim.LerpOne, 50, 52},
		{"on the oldest", 18 * sim.LerpOne, 18, 20},
		{"before the oldest", 17 * sim.LerpOne, 18, 18},
		{"negative", -5 * sim.LerpOne, 18, 18},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b, ok := h.bracket(tc.v)
			if !ok || h.ticks[a] != tc.ta || h.ticks[b] != tc.tb {
				t.Errorf("bracket(%d) = ticks %d, %d (%v); want %d, %d", tc.v, h.ticks[a], h.ticks[b], ok, tc.ta, tc.tb)
			}
		})
	}
}
