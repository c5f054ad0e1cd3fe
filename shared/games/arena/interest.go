package arena

import "github.com/tickwire/tickwire/shared/sim"

// What a player sees: a box of 2·ViewHalfWidth × 2·ViewHalfHeight around its disc, clamped inside the
// arena the way the client's camera is, plus viewPad so that a disc half on screen is sent. The
// client zooms so that its screen never shows more than this box (see wasmclient/games/arena.Zoom).
const (
	ViewHalfWidth  = 900 * One
	ViewHalfHeight = 560 * One
	viewPad        = 80 * One
)

// Visible returns the entities player p sees: the world, its own disc, and everything whose centre
// lies in its view box. A player without a disc (not joined yet) sees everything.
func (Game) Visible(s *State, p sim.PlayerID, all []sim.Entity, dst []sim.Entity) []sim.Entity {
	me := s.Player(p)
	if me == nil {
		return append(dst, all...)
	}
	cx := sim.Clamp(me.X, ViewHalfWidth, Width-ViewHalfWidth)
	cy := sim.Clamp(me.Y, ViewHalfHeight, Height-ViewHalfHeight)
	for i := range all {
		e := &all[i]
		switch {
		case e.Kind == KindWorld, e.ID == sim.EntityID(p):
		default:
			// Players, drones and orbs all keep x and y as their first two fields.
			dx, dy := e.Fields[0]-cx, e.Fields[1]-cy
			if dx < -ViewHalfWidth-viewPad || dx > ViewHalfWidth+viewPad || dy < -ViewHalfHeight-viewPad || dy > ViewHalfHeight+viewPad {
				continue
			}
		}
		dst = append(dst, *e)
	}
	return dst
}
