package arena

import (
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

// TestDashStrikesWhereSeen: player 1 dashes at player 2 as player 1 saw it; on the server player 2
// has moved 60 px on. The judged dash still knocks it back, once; a dash that saw nothing knocks
// nothing.
func TestDashStrikesWhereSeen(t *testing.T) {
	t.Parallel()
	var g Game
	tests := []struct {
		name      string
		seenX     int32 // where player 1 saw player 2
		wantHit   bool
		wantKnock bool
	}{
		{"seen in reach", 1030 * One, true, true},
		{"seen out of reach", 1200 * One, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := g.NewState(3)
			for i := range s.Drones {
				s.Drones[i].Away = true // keep drones out of it
			}
			s.Players = []Player{
				{ID: 1, Body: Body{X: 1000 * One, Y: 1000 * One}},
				{ID: 2, Body: Body{X: 1090 * One, Y: 1000 * One}},
			}
			seen := []sim.Entity{
				sim.NewEntity(1, KindPlayer, 1000*One, 1000*One, 0, 0, 0, 0, 0, 0),
				sim.NewEntity(2, KindPlayer, tt.seenX, 1000*One, 0, 0, 0, 0, 0, 0),
			}
			in := Input{MoveX: 127, Buttons: ButtonDash, Hit: 99} // a client's Hit is never trusted
			g.Judge(&s, 1, &in, seen)
			if got := in.Hit == 2; got != tt.wantHit {
				t.Fatalf("Judge: Hit = %d, want hit %v", in.Hit, tt.wantHit)
			}
			g.Step(&s, 1, []sim.Input[Input]{{Player: 1, Input: in}})
			v := s.Player(2).VX
			if knocked := v >= KnockImpulse/2; knocked != tt.wantKnock {
				t.Fatalf("player 2's vx after the step = %d, want knocked %v", v, tt.wantKnock)
			}
			if !tt.wantHit {
				return
			}
			// The same dash, judged again next tick against the same view, strikes no more.
			in = Input{MoveX: 127, Buttons: ButtonDash}
			g.Judge(&s, 1, &in, seen)
			if in.Hit != 0 {
				t.Errorf("the second tick of the dash struck %d again", in.Hit)
			}
		})
	}
}
