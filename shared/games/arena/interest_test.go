package arena

import (
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func TestVisible(t *testing.T) {
	t.Parallel()
	var g Game
	s := g.NewState(5)
	g.Join(&s, 1)
	g.Join(&s, 2)
	g.Join(&s, 3)
	s.Players[0].Body = Body{X: 1600 * One, Y: 1000 * One} // centre of the arena
	s.Players[1].Body = Body{X: 2400 * One, Y: 1000 * One} // 800 px to the right: in view
	s.Players[2].Body = Body{X: 3150 * One, Y: 1000 * One} // 1550 px to the right: out of view
	for i := range s.Orbs {
		s.Orbs[i] = Orb{X: 100 * One, Y: 100 * One, Value: 1} // far corner: out of view
	}
	s.Orbs[7] = Orb{X: 1600 * One, Y: 500 * One, Value: 1} // 500 px up: in view
	for i := range s.Drones {
		s.Drones[i].Body = Body{X: 3100 * One, Y: 1900 * One}
	}
	all := g.Entities(&s, nil)
	vis := g.Visible(&s, 1, all, nil)
	ids := map[sim.EntityID]bool{}
	for i, e := range vis {
		ids[e.ID] = true
		if i > 0 && vis[i-1].ID >= e.ID {
			t.Error("visible entities out of order")
		}
	}
	want := map[sim.EntityID]bool{1: true, 2: true, orbBase + 7: true, worldID: true}
	if len(ids) != len(want) {
		t.Errorf("player 1 sees %v, want %v", ids, want)
	}
	for id := range want {
		if !ids[id] {
			t.Errorf("player 1 does not see entity %d", id)
		}
	}

	// By the left wall the box is clamped inside the arena, like the camera: the player sees the
	// box's whole width to the right of the wall, not half of it either side of itself.
	s.Players[0].Body = Body{X: 50 * One, Y: 1000 * One}
	s.Players[1].Body = Body{X: 2*ViewHalfWidth - 100*One, Y: 1000 * One}
	vis = g.Visible(&s, 1, g.Entities(&s, nil), nil)
	if !contains(vis, 2) {
		t.Errorf("by the left wall, a player %d px away inside the clamped view box is not seen", (s.Players[1].X-s.Players[0].X)/One)
	}

	// Someone without a disc sees everything.
	if n := len(g.Visible(&s, 99, all, nil)); n != len(all) {
		t.Errorf("a player without a disc sees %d of %d entities", n, len(all))
	}
}

func contains(ents []sim.Entity, id sim.EntityID) bool {
	for _, e := range ents {
		if e.ID == id {
			return true
		}
	}
	return false
}
