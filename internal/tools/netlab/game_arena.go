package netlab

import (
	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
)

func init() {
	Register(Game[arena.State, arena.Input]{Game: loadtest.Arena, Predict: true, Unit: arena.One,
		Contested: arenaContested,
		Struck:    func(in arena.Input) bool { return in.Hit != 0 },
		// The server judges a dash's hit for itself: only what the player pressed is compared.
		Same: func(a, b arena.Input) bool { return a.MoveX == b.MoveX && a.MoveY == b.MoveY && a.Buttons == b.Buttons },
	})
}

// contactReach is how near another body must come, in the server's history, for a correction to
// count as contact: touching, with a margin for the bodies' motion within a tick.
//
// Orbs count too: collecting one respawns it at a random point, from the world's random state,
// which the prediction cannot follow (the drones out of view and the other players' pickups draw
// from it on the server), so an orb can appear under a player, or be gone, unforeseen.
const (
	contactPlayers = 2*arena.PlayerRadius + 40*arena.One
	contactDrone   = arena.PlayerRadius + arena.DroneRadius + 16*arena.One
	contactOrb     = arena.PlayerRadius + arena.OrbRadius + 16*arena.One
)

// arenaContested reports whether player me came within contact reach of another body or an orb
// at any tick in [from, to], or a dash struck it or was struck by it where a player saw it (lag
// compensation: the inputs the server stepped say so).
func arenaContested(h *History[arena.Input], me sim.EntityID, from, to uint32) bool {
	score := int32(-1)
	for t := from; int32(to-t) >= 0; t++ {
		ents, ok := h.At(t)
		if !ok {
			return true // unknown: do not call it uncontested
		}
		self, ok := Find(ents, me)
		if !ok {
			return true
		}
		// A collected orb respawns at once, and can respawn under a player who collects it in the
		// same tick: the server's history never shows it near. The score does.
		if score >= 0 && self.Fields[arena.PlayerScore] != score {
			return true
		}
		score = self.Fields[arena.PlayerScore]
		inputs, _ := h.Inputs(t)
		for _, in := range inputs {
			if in.Input.Hit != 0 && (in.Input.Hit == me || sim.EntityID(in.Player) == me) {
				return true
			}
		}
		for _, e := range ents {
			var reach int32
			switch {
			case e.Kind == arena.KindPlayer && e.ID != me:
				reach = contactPlayers
			case e.Kind == arena.KindDrone:
				reach = contactDrone
			case e.Kind == arena.KindOrb:
				reach = contactOrb
			default:
				continue
			}
			if sim.Length(e.Fields[0]-self.Fields[0], e.Fields[1]-self.Fields[1]) < reach {
				return true
			}
		}
	}
	return false
}
