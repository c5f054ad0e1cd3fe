package arena

import (
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

// TestPartialStatePredictsOwnPlayer checks what client-side prediction relies on: a state
// restored from only what a player sees steps that player exactly as the whole state does. One
// player roams for 900 ticks among the drones, dashing; every tick the view is cut out of the
// whole state, restored, stepped with the same input, and the player compared.
func TestPartialStatePredictsOwnPlayer(t *testing.T) {
	t.Parallel()
	var g Game
	full := g.NewState(11)
	g.Join(&full, 1)
	var all, seen []sim.Entity
	var part State
	inputs := []sim.Input[Input]{{Player: 1}}
	contacts := 0
	for tick := uint32(1); tick <= 900; tick++ {
		in := Input{MoveX: int8(127 - int(tick/60%3)*127), MoveY: int8(int(tick/45%3)*127 - 127)}
		if tick%50 == 0 {
			in.Buttons = ButtonDash
		}
		inputs[0].Input = in
		all = g.Entities(&full, all[:0])
		seen = g.Visible(&full, 1, all, seen[:0])
		if len(seen) >= len(all) {
			t.Fatalf("tick %d: the view holds all %d entities; the test needs a part", tick, len(all))
		}
		if err := g.Restore(&part, seen); err != nil {
			t.Fatalf("tick %d: Restore(visible): %v", tick, err)
		}
		if back := g.Entities(&part, nil); len(back) != len(seen) {
			t.Fatalf("tick %d: Entities of the restored part lists %d entities, want the %d restored", tick, len(back), len(seen))
		}
		g.Step(&full, tick, inputs)
		g.Step(&part, tick, inputs)
		want, got := *full.Player(1), *part.Player(1)
		if got != want {
			t.Fatalf("tick %d: predicted %+v, server %+v", tick, got, want)
		}
		for _, d := range full.Drones {
			if dx, dy := d.X-want.X, d.Y-want.Y; sim.Length(dx, dy) < PlayerRadius+DroneRadius+2*One {
				contacts++
			}
		}
	}
	t.Logf("%d ticks in contact with a drone, all predicted exactly", contacts)
}
