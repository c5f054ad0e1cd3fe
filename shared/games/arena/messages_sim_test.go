package arena

import (
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// quiet returns a room of the given players with the drones and orbs parked in corners, out of
// the way, as TestRules does.
func quiet(players ...sim.PlayerID) State {
	var g Game
	s := g.NewState(1)
	for _, id := range players {
		g.Join(&s, id)
	}
	for i := range s.Orbs {
		s.Orbs[i] = Orb{X: 100 * One, Y: 1900 * One, Value: 1}
	}
	for i := range s.Drones {
		s.Drones[i] = Drone{Body: Body{X: 3000 * One, Y: 100 * One}, TX: 3000 * One, TY: 100 * One}
	}
	return s
}

// events steps s from tick from to tick to with no input and returns the events of those ticks.
func events(s *State, from, to uint32, inputs func(tick uint32) []sim.Input[Input]) []wire.Event {
	var g Game
	var out []wire.Event
	for tick := from; tick <= to; tick++ {
		var ins []sim.Input[Input]
		if inputs != nil {
			ins = inputs(tick)
		}
		g.Step(s, tick, ins)
		out = g.Events(s, out)
	}
	return out
}

func TestStandingsReachEveryoneEveryTenTicks(t *testing.T) {
	t.Parallel()
	s := quiet(2, 5)
	// Two players in opposite corners: neither sees the other (interest management).
	s.Player(2).Body = Body{X: 100 * One, Y: 100 * One}
	s.Player(5).Body = Body{X: 3149 * One, Y: 1951 * One}
	s.Player(2).Score, s.Player(5).Score = 18, 3
	var g Game
	all := g.Entities(&s, nil)
	if seen := g.Visible(&s, 2, all, nil); contains(seen, 5) {
		t.Fatal("player 2 sees player 5: the test needs them out of each other's view")
	}
	evs := events(&s, 1, 30, nil)
	if len(evs) != 3 {
		t.Fatalf("%d events in 30 ticks, want 3 standings (ticks 10, 20, 30)", len(evs))
	}
	for _, ev := range evs {
		m, ok := ev.Msg.(*StandingsMsg)
		if !ok || ev.To != 0 {
			t.Fatalf("event %T to %d, want standings to everyone", ev.Msg, ev.To)
		}
		want := []Standing{{Player: 2, Score: 18, X: 1, Y: 1}, {Player: 5, Score: 3, X: 31, Y: 20}}
		if !reflect.DeepEqual(m.Players, want) || m.Round != 1 || m.Winner != 0 {
			t.Errorf("standings %+v, want round 1, no winner, players %+v", m, want)
		}
	}
	if left := evs[2].Msg.(*StandingsMsg).Left; left != RoundTicks-30 {
		t.Errorf("left %d after 30 ticks, want %d", left, RoundTicks-30)
	}
}

func TestCoarse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ px, want int32 }{{0, 0}, {49, 0}, {50, 1}, {149, 1}, {150, 2}, {3200, 32}} {
		if got := coarse(tc.px * One); got != tc.want {
			t.Errorf("coarse(%d px) = %d, want %d", tc.px, got, tc.want)
		}
	}
	if coarseW != 32 || coarseH != 20 {
		t.Errorf("coarse arena %d × %d, want 32 × 20", coarseW, coarseH)
	}
}

func TestRoundEndsWithAWinnerAndResetsScores(t *testing.T) {
	t.Parallel()
	s := quiet(1, 2, 3)
	s.Player(1).Score, s.Player(2).Score, s.Player(3).Score = 7, 12, 12
	s.Clock = 5
	s.Drops[3] = Orb{X: 1500 * One, Y: 900 * One, Value: 2}
	evs := events(&s, 101, 105, nil)
	if s.Round != 2 || s.Clock != RoundTicks || s.Winner != 2 || s.WinScore != 12 {
		t.Errorf("after the clock ran out: round %d, clock %d, winner %d with %d; want round 2, clock %d, winner 2 with 12",
			s.Round, s.Clock, s.Winner, s.WinScore, RoundTicks)
	}
	for _, p := range s.Players {
		if p.Score != 0 {
			t.Errorf("player %d kept score %d into the next round", p.ID, p.Score)
		}
	}
	if s.Drops[3].Value != 0 {
		t.Error("a drop outlived its round")
	}
	// The round's end is announced at once (tick 105 is not a tenth tick).
	if len(evs) != 1 {
		t.Fatalf("%d events, want the standings at the round's end", len(evs))
	}
	if m := evs[0].Msg.(*StandingsMsg); m.Winner != 2 || m.WinScore != 12 || m.Round != 2 {
		t.Errorf("standings at the round's end %+v, want round 2 won by 2 with 12", m)
	}
	// A round nobody scored in has no winner.
	s.Clock = 1
	events(&s, 106, 106, nil)
	if s.Winner != 0 || s.Round != 3 {
		t.Errorf("after a round without points: winner %d, round %d; want none, 3", s.Winner, s.Round)
	}
}

func TestDashHitKnocksOrbsLoose(t *testing.T) {
	t.Parallel()
	s := quiet(1, 2)
	s.Player(1).Body = Body{X: 1000 * One, Y: 1000 * One}
	s.Player(2).Body = Body{X: 1000*One + 2*PlayerRadius + 4*One, Y: 1000 * One}
	s.Player(2).Score = 11
	dash := func(tick uint32) []sim.Input[Input] {
		return []sim.Input[Input]{{Player: 1, Input: Input{MoveX: 127, Buttons: ButtonDash}}}
	}
	evs := events(&s, 1, DashTicks, dash)
	var hits []HitMsg
	for _, ev := range evs {
		if h, ok := ev.Msg.(*HitMsg); ok {
			hits = append(hits, *h)
		}
	}
	if want := []HitMsg{{By: 1, Victim: 2, Points: HitLoss}}; !reflect.DeepEqual(hits, want) {
		t.Fatalf("hits %+v, want one, %+v: a dash strikes a player once", hits, want)
	}
	if got := s.Player(2).Score; got != 11-HitLoss {
		t.Errorf("victim's score %d, want %d", got, 11-HitLoss)
	}
	dropped := int32(0)
	for _, o := range s.Drops {
		dropped += o.Value
		if o.Value != 0 && (o.X < 900*One || o.X > 1200*One || o.Y < 850*One || o.Y > 1150*One) {
			t.Errorf("drop at (%d, %d) px, not near the victim", o.X/One, o.Y/One)
		}
	}
	if dropped != HitLoss || s.NextDrop != HitLoss/dropValue {
		t.Errorf("%d points dropped in %d slots, want %d in %d", dropped, s.NextDrop, HitLoss, HitLoss/dropValue)
	}
	// Walking over the drops collects them; they do not come back.
	s.Player(1).Body = Body{X: s.Drops[0].X, Y: s.Drops[0].Y}
	score := s.Player(1).Score
	events(&s, DashTicks+1, DashTicks+1, nil)
	if s.Player(1).Score != score+dropValue || s.Drops[0].Value != 0 {
		t.Errorf("collecting a drop: score %d → %d, drop %+v", score, s.Player(1).Score, s.Drops[0])
	}
	// A victim with fewer points loses what it has, and the hit is still in the feed.
	s = quiet(1, 2)
	s.Player(1).Body = Body{X: 1000 * One, Y: 1000 * One}
	s.Player(2).Body = Body{X: 1000*One + 2*PlayerRadius + 4*One, Y: 1000 * One}
	s.Player(2).Score = 1
	evs = events(&s, 1, 3, dash)
	if len(evs) != 1 || !reflect.DeepEqual(evs[0].Msg, &HitMsg{By: 1, Victim: 2, Points: 1}) || s.Player(2).Score != 0 {
		t.Errorf("events %v, victim's score %d; want one hit of 1 point, 0 left", evs, s.Player(2).Score)
	}
}

func TestSpawnNear(t *testing.T) {
	t.Parallel()
	var g Game
	tests := []struct {
		name   string
		setup  func(s *State)
		friend sim.PlayerID
		moved  bool
	}{
		{"a fresh player joins its friend", func(s *State) {}, 1, true},
		{"an unknown friend is ignored", func(s *State) {}, 9, false},
		{"oneself is ignored", func(s *State) {}, 2, false},
		{"too late after joining", func(s *State) { s.Player(2).Fresh = 0 }, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := quiet(1, 2)
			s.Player(1).Body = Body{X: 2900 * One, Y: 300 * One}
			s.Player(2).Body = Body{X: 200 * One, Y: 1800 * One}
			tt.setup(&s)
			g.Receive(&s, 1, 2, &SpawnNearMsg{Player: tt.friend})
			p := s.Player(2)
			near := sim.Length(p.X-s.Player(1).X, p.Y-s.Player(1).Y) < 200*One
			if near != tt.moved {
				t.Errorf("player 2 at (%d, %d) px, friend at (2900, 300): moved %v, want %v", p.X/One, p.Y/One, near, tt.moved)
			}
			if tt.moved && p.X >= s.Player(1).X {
				t.Error("spawned on the wall's side of the friend, want toward the middle")
			}
		})
	}
	// The grace runs out with the ticks.
	s := quiet(1, 2)
	events(&s, 1, SpawnNearTicks, nil)
	if f := s.Player(2).Fresh; f != 0 {
		t.Errorf("fresh %d after %d ticks, want 0", f, SpawnNearTicks)
	}
}
