package netcode

import (
	"math"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

const me sim.PlayerID = 1

// inputAt is the own player's input for tick: it changes every few ticks and covers every
// direction and letting go.
func inputAt(tick uint32) walkerInput {
	dirs := []walkerInput{{1, 0}, {1, 1}, {0, 0}, {-1, 1}, {-1, -1}, {0, 0}, {0, -1}, {1, -1}}
	return dirs[(tick/7+tick/13)%uint32(len(dirs))]
}

// otherAt is the other player's input, which the client never learns.
func otherAt(tick uint32) walkerInput { return walkerInput{DX: int8(tick/11%3) - 1, DY: 1} }

// runServer steps a server with the own player's inputs (replaced by override where it has one)
// and the other player's, and returns its entities after each tick, from 0.
func runServer(ticks uint32, override map[uint32]walkerInput) [][]sim.Entity {
	s := newServer(11, me, 2)
	out := [][]sim.Entity{s.entities()}
	for t := uint32(1); t <= ticks; t++ {
		in, ok := override[t]
		if !ok {
			in = inputAt(t)
		}
		s.step(map[sim.PlayerID]walkerInput{me: in, 2: otherAt(t)})
		out = append(out, s.entities())
	}
	return out
}

func own(t *testing.T, ents []sim.Entity) sim.Entity {
	t.Helper()
	e, ok := find(ents, sim.EntityID(me))
	if !ok {
		t.Fatalf("no own entity in %v", ents)
	}
	return e
}

// TestPredictorIsExact predicts hundreds of ticks ahead of snapshots that come every two ticks,
// lag behind by a few, and sometimes go missing. The server steps with the same inputs, so no
// snapshot disagrees, whatever the other player does.
func TestPredictorIsExact(t *testing.T) {
	t.Parallel()
	for _, lag := range []uint32{1, 2, 5, 12, 60} {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			const n = 600
			server := runServer(n+lag, nil)
			p := NewPredictor[walkerState, walkerInput](walker{}, me)
			if p.Started() {
				t.Fatal("Started before Reset")
			}
			if size, err := p.Reconcile(4, server[4]); size != 0 || err != nil || p.Started() {
				t.Fatalf("Reconcile before Reset = %v, %v; Started %v", size, err, p.Started())
			}
			p.Reset(0, server[0])
			for tick := uint32(1); tick <= n+lag; tick++ {
				judged, err := p.Step(tick, inputAt(tick), nil)
				if err != nil || judged != inputAt(tick) {
					t.Fatalf("Step(%d) = %v, %v", tick, judged, err)
				}
				if got, _ := p.Own(tick); got != own(t, server[tick]) {
					t.Fatalf("tick %d: predicted %v, server %v", tick, got, own(t, server[tick]))
				}
				snap := tick - lag
				if tick < lag || snap%2 != 0 || snap%17 == 0 { // every 17th is lost
					continue
				}
				size, err := p.Reconcile(snap, server[snap])
				if err != nil || size != 0 {
					t.Fatalf("Reconcile(%d) = %v, %v; want no correction", snap, size, err)
				}
				if p.Base() != snap || p.Last() != tick {
					t.Fatalf("after Reconcile(%d) at %d: Base %d, Last %d", snap, tick, p.Base(), p.Last())
				}
				// The replay reproduces the server exactly, for the own entity.
				if got, _ := p.Own(tick); got != own(t, server[tick]) {
					t.Fatalf("tick %d after the replay: %v, server %v", tick, got, own(t, server[tick]))
				}
			}
			if p.Corrections != 0 || p.MaxCorrection != 0 {
				t.Errorf("%d corrections (largest %v); the prediction must be exact", p.Corrections, p.MaxCorrection)
			}
		})
	}
}

// TestPredictorCorrects has the server step one tick with another input than the one predicted
// (the input came late, say): the first snapshot at or after it is one correction of the size the
// own entity was off, and after the replay the prediction is the server's again.
func TestPredictorCorrects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tick uint32
		in   walkerInput
	}{
		{"between snapshots", 101, walkerInput{DX: -1, DY: -1}},
		{"at a snapshot", 102, walkerInput{DX: 1, DY: 1}},
		{"only y", 150, walkerInput{DX: inputAt(150).DX, DY: -inputAt(150).DY - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.in == inputAt(tt.tick) {
				t.Fatal("the override is the predicted input")
			}
			const n, lag = 300, 6
			predicted := runServer(n+lag, nil)
			server := runServer(n+lag, map[uint32]walkerInput{tt.tick: tt.in})
			first := tt.tick + tt.tick%2 // the first snapshot that disagrees
			a, b := own(t, predicted[first]), own(t, server[first])
			wantSize := math.Hypot(float64(a.Fields[fx]-b.Fields[fx]), float64(a.Fields[fy]-b.Fields[fy]))
			if wantSize < 1 {
				t.Fatalf("the override moves the walker %v", wantSize)
			}
			p := NewPredictor[walkerState, walkerInput](walker{}, me)
			p.Reset(0, server[0])
			for tick := uint32(1); tick <= n+lag; tick++ {
				if _, err := p.Step(tick, inputAt(tick), nil); err != nil {
					t.Fatal(err)
				}
				snap := tick - lag
				if tick < lag || snap%2 != 0 {
					continue
				}
				size, err := p.Reconcile(snap, server[snap])
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case snap == first && math.Abs(size-wantSize) > 1e-9:
					t.Fatalf("Reconcile(%d) = %v, want a correction of %v", snap, size, wantSize)
				case snap != first && size != 0:
					t.Fatalf("Reconcile(%d) = %v, want none (the one was at %d)", snap, size, first)
				}
				if snap >= first {
					for k := snap; k <= tick; k++ {
						if got, _ := p.Own(k); got != own(t, server[k]) {
							t.Fatalf("after Reconcile(%d), tick %d: predicted %v, server %v", snap, k, got, own(t, server[k]))
						}
					}
				}
			}
			if p.Corrections != 1 || math.Abs(p.CorrectionSize-wantSize) > 1e-9 || math.Abs(p.MaxCorrection-wantSize) > 1e-9 {
				t.Errorf("Corrections %d, size %v, max %v; want 1, %v, %v", p.Corrections, p.CorrectionSize, p.MaxCorrection, wantSize, wantSize)
			}
			// Snapshots come every second tick: the corrected prediction started from the one
			// before.
			if want := first - 2; first >= 2 && p.CorrectedFrom != want {
				t.Errorf("CorrectedFrom %d, want %d (the snapshot before %d)", p.CorrectedFrom, want, first)
			}
		})
	}
}

func TestPredictorReconcileResets(t *testing.T) {
	t.Parallel()
	server := runServer(400, nil)
	wrong := func(tick uint32) []sim.Entity { // a snapshot far from anything predicted
		ents := append([]sim.Entity(nil), server[tick]...)
		i, _ := index(ents, sim.EntityID(me))
		ents[i].Fields[fx] += 5000
		return ents
	}
	tests := []struct {
		name           string
		last, snap     uint32
		base, wantLast uint32
	}{
		{"at Last", 20, 20, 20, 20},
		{"beyond Last", 20, 25, 25, 25},
		{"far beyond", 20, 300, 300, 300},
		{"at the base: ignored", 20, 10, 10, 20},
		{"before the base: ignored", 20, 4, 10, 20},
		{"older than the ring", 10 + predictRing + 5, 12, 12, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := NewPredictor[walkerState, walkerInput](walker{}, me)
			p.Reset(10, server[10])
			for tick := uint32(11); tick <= tt.last; tick++ {
				if _, err := p.Step(tick, inputAt(tick), nil); err != nil {
					t.Fatal(err)
				}
			}
			size, err := p.Reconcile(tt.snap, wrong(tt.snap))
			if err != nil || size != 0 || p.Corrections != 0 {
				t.Errorf("Reconcile(%d) = %v, %v, %d corrections; want none", tt.snap, size, err, p.Corrections)
			}
			if p.Base() != tt.base || p.Last() != tt.wantLast {
				t.Errorf("Base %d, Last %d; want %d, %d", p.Base(), p.Last(), tt.base, tt.wantLast)
			}
			want := own(t, server[tt.wantLast])
			if tt.base == tt.wantLast {
				want = own(t, wrong(tt.snap)) // reset to the snapshot as it is
			}
			if got, ok := p.Own(p.Last()); !ok || got != want {
				t.Errorf("Own(Last) = %v, %v; want %v", got, ok, want)
			}
		})
	}
}

func TestPredictorProvisional(t *testing.T) {
	t.Parallel()
	server := runServer(40, nil)
	p := NewPredictor[walkerState, walkerInput](walker{}, me)
	p.Reset(30, server[30])
	for tick := uint32(31); tick <= 34; tick++ {
		if _, err := p.Step(tick, inputAt(tick), nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := p.Own(35); ok {
		t.Error("Own(Last+1) before Provisional")
	}
	if _, ok := p.Own(29); ok {
		t.Error("Own before the base")
	}
	if got, ok := p.Own(30); !ok || got != own(t, server[30]) {
		t.Errorf("Own(Base) = %v, %v; want the snapshot's %v", got, ok, own(t, server[30]))
	}
	for tick := uint32(28); tick <= 36; tick++ {
		in, ok := p.Input(tick)
		if wantOK := tick > 30 && tick <= 34; ok != wantOK || (ok && in != inputAt(tick)) {
			t.Errorf("Input(%d) = %v, %v", tick, in, ok)
		}
	}
	last, _ := p.Own(34)
	for _, held := range []walkerInput{{1, 0}, {-1, 1}, {0, 0}} {
		if err := p.Provisional(held, nil); err != nil {
			t.Fatal(err)
		}
		if p.Last() != 34 {
			t.Fatalf("Provisional moved Last to %d", p.Last())
		}
		// The walker after tick 34, stepped once more with the held input.
		s := newServer(0)
		if err := s.g.Restore(&s.state, p.entities(34)); err != nil {
			t.Fatal(err)
		}
		s.tick = 34
		s.held[me] = held
		s.step(nil)
		if got, ok := p.Own(35); !ok || got != own(t, s.entities()) {
			t.Errorf("Own(35) with %v held = %v, %v; want %v", held, got, ok, own(t, s.entities()))
		}
		if got, _ := p.Own(34); got != last {
			t.Errorf("Provisional changed tick 34's prediction to %v", got)
		}
	}
	if _, err := p.Step(35, inputAt(35), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Own(35); got != own(t, server[35]) {
		t.Errorf("Own(35) after Step = %v, want %v (not the provisional one)", got, own(t, server[35]))
	}
	if _, ok := p.Own(36); ok {
		t.Error("a provisional tick outlived Step")
	}
}

// aimer is the walker with a lag-compensated hit: firing strikes the entity nearest to the
// walker as the player saw it, and the strike pushes the walker up by a tenth of that entity's
// distance as seen. The strike depends on the seen table only through Judge.
type aimer struct {
	walker
	judged *[]judgeCall
}

type aimInput struct {
	Move   walkerInput
	Fire   bool
	Target sim.EntityID // set by Judge
	Push   int32        // set by Judge
}

type judgeCall struct {
	at   sim.Entity // the own walker in the state judged against
	seen []sim.Entity
}

func (g aimer) Judge(s *walkerState, p sim.PlayerID, in *aimInput, seen []sim.Entity) {
	self, _ := find(s.ents, sim.EntityID(p))
	*g.judged = append(*g.judged, judgeCall{self, append([]sim.Entity(nil), seen...)})
	if !in.Fire {
		return
	}
	best := int32(math.MaxInt32)
	for _, e := range seen {
		if d := sim.Length(e.Fields[fx]-self.Fields[fx], e.Fields[fy]-self.Fields[fy]); e.ID != self.ID && d < best {
			best, in.Target, in.Push = d, e.ID, d/10
		}
	}
}

func (g aimer) Step(s *walkerState, tick uint32, inputs []sim.Input[aimInput]) {
	moves := make([]sim.Input[walkerInput], len(inputs))
	for i, in := range inputs {
		moves[i] = sim.Input[walkerInput]{Player: in.Player, Input: in.Input.Move}
	}
	g.walker.Step(s, tick, moves)
	for _, in := range inputs {
		if in.Input.Target != 0 {
			if i, ok := index(s.ents, sim.EntityID(in.Player)); ok {
				s.ents[i].Fields[fy] = sim.Clamp(s.ents[i].Fields[fy]+in.Input.Push, -worldMax, worldMax)
			}
		}
	}
}

var _ sim.Compensated[walkerState, aimInput] = aimer{}

// TestPredictorJudges checks that a game with lag-compensated hits is judged against the table
// the player saw, in the predicted state before the step, and that a server stepping with the
// judged inputs agrees with the prediction.
func TestPredictorJudges(t *testing.T) {
	t.Parallel()
	var calls []judgeCall
	g := aimer{judged: &calls}
	serverState := g.NewState(5)
	g.Join(&serverState, me)
	p := NewPredictor[walkerState, aimInput](g, me)
	p.Reset(0, g.Entities(&serverState, nil))
	history := map[uint32][]sim.Entity{}
	for tick := uint32(1); tick <= 200; tick++ {
		// What the player saw: the drones somewhere else than they are, differing by tick.
		seen := []sim.Entity{walkerAt(sim.EntityID(me), 0, 0, 0, 0), walkerAt(droneBase, int32(tick)*10, 0, 0, 0), walkerAt(droneBase+1, -300, int32(tick%50)*20, 0, 0)}
		before, _ := p.Own(tick - 1)
		in := aimInput{Move: inputAt(tick), Fire: tick%3 == 0}
		calls = calls[:0]
		judged, err := p.Step(tick, in, seen)
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 || !reflect.DeepEqual(calls[0].seen, seen) || calls[0].at != before {
			t.Fatalf("tick %d: Judge calls %v; want one with %v in the state after tick %d (%v)", tick, calls, seen, tick-1, before)
		}
		if in.Fire {
			// Judge it here against the same table: the outcome is the seen table's.
			want := in
			g.Judge(&walkerState{ents: []sim.Entity{before}}, me, &want, seen)
			if judged != want || judged.Target == 0 {
				t.Fatalf("tick %d: judged %+v, want %+v", tick, judged, want)
			}
		} else if judged != in {
			t.Fatalf("tick %d: judged %+v without firing", tick, judged)
		}
		g.Step(&serverState, tick, []sim.Input[aimInput]{{Player: me, Input: judged}})
		if tick%2 == 0 && tick > 4 {
			// The server's snapshot of four ticks ago, stepped with the judged inputs.
			if _, err := p.Reconcile(tick-4, history[tick-4]); err != nil {
				t.Fatal(err)
			}
		}
		history[tick] = g.Entities(&serverState, nil)
		calls = calls[:0]
		if err := p.Provisional(aimInput{Move: inputAt(tick + 1), Fire: true}, seen); err != nil {
			t.Fatal(err)
		}
		if after, _ := p.Own(tick); len(calls) != 1 || !reflect.DeepEqual(calls[0].seen, seen) || calls[0].at != after {
			t.Fatalf("tick %d: Provisional's Judge calls %v", tick, calls)
		}
	}
	if p.Corrections != 0 {
		t.Errorf("%d corrections; the server stepped with the inputs as judged", p.Corrections)
	}
}

// TestPredictorReplayKeepsTheJudgement: an input in flight, stepped again after a resync with
// Replay, keeps the hit judged when it was made (nothing the player sees now is passed in), and
// predicts what Step predicted with it.
func TestPredictorReplayKeepsTheJudgement(t *testing.T) {
	t.Parallel()
	var calls []judgeCall
	g := aimer{judged: &calls}
	st := g.NewState(5)
	g.Join(&st, me)
	base := g.Entities(&st, nil)
	seen := []sim.Entity{walkerAt(sim.EntityID(me), 0, 0, 0, 0), walkerAt(droneBase, 40, 0, 0, 0)}
	p := NewPredictor[walkerState, aimInput](g, me)
	p.Reset(0, base)
	judged, err := p.Step(1, aimInput{Move: inputAt(1), Fire: true}, seen)
	if err != nil || judged.Target == 0 {
		t.Fatalf("Step judged %+v (%v), want a target", judged, err)
	}
	want, _ := p.Own(1)

	p.Reset(0, base) // a resync: the prediction starts again from the same snapshot
	calls = calls[:0]
	if err := p.Replay(1, judged); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("Replay judged again: %v", calls)
	}
	if got, _ := p.Own(1); got != want {
		t.Errorf("Replay predicted %v, Step %v", got, want)
	}
	if in, ok := p.Input(1); !ok || in != judged {
		t.Errorf("Input(1) = %+v, %v; want the judged %+v", in, ok, judged)
	}
}

// TestCorrectionsCompareInterpolatedFields: a snapshot whose own entity differs from the prediction
// only in a field the schema does not interpolate (a score, a cooldown a game message set) is no
// correction; one that differs in position is.
func TestCorrectionsCompareInterpolatedFields(t *testing.T) {
	t.Parallel()
	srv := newServer(3, 1)
	p := NewPredictor[walkerState, walkerInput](walker{}, 1)
	p.Reset(srv.tick, srv.entities())
	for tick := uint32(1); tick <= 4; tick++ {
		if _, err := p.Step(tick, walkerInput{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		field int
		want  int
	}{
		{"velocity only", fvx, 0},
		{"position", fx, 1},
	} {
		srv.step(nil)
		auth := srv.entities()
		i, _ := index(auth, 1)
		auth[i].Fields[tc.field] += 3
		before := p.Corrections
		if _, err := p.Reconcile(srv.tick, auth); err != nil {
			t.Fatal(err)
		}
		if got := p.Corrections - before; got != tc.want {
			t.Errorf("%s differs: %d corrections, want %d", tc.name, got, tc.want)
		}
	}
}
