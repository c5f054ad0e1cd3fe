package arena

import "github.com/tickwire/tickwire/shared/sim"

// A dash is the arena's hit: a dashing disc knocks back what it touches. A player sees everyone
// else a little in the past (interpolated), so a dash that touches a disc on the player's screen
// may miss it on the server, where the disc has moved on. Judge (lag compensation) gives the dash
// the disc where the player saw it; Step then knocks the disc where it really is.

// Judge implements sim.Compensated: a player who is dashing this tick strikes the nearest body it
// overlaps as seen, if that body does not touch it in the present already (the ordinary contact
// handles that) and the dash has not struck it before.
func (Game) Judge(s *State, id sim.PlayerID, in *Input, seen []sim.Entity) {
	in.Hit = 0
	p := s.Player(id)
	if p == nil || !dashingNext(p, *in) {
		return
	}
	best, bestDist := sim.EntityID(0), int32(-1)
	for i := range seen {
		e := &seen[i]
		var r int32
		switch {
		case e.Kind == KindPlayer && e.ID != sim.EntityID(id):
			r = PlayerRadius
		case e.Kind == KindDrone:
			r = DroneRadius
		default:
			continue
		}
		if e.ID == sim.EntityID(p.Struck) && p.Dash > 1 {
			continue // struck already by this dash
		}
		reach := PlayerRadius + r
		d := sim.Length(e.Fields[0]-p.X, e.Fields[1]-p.Y)
		if d >= reach || (bestDist >= 0 && d >= bestDist) {
			continue
		}
		if b := s.body(e.ID); b == nil || sim.Length(b.X-p.X, b.Y-p.Y) < reach {
			continue // gone, or touching now
		}
		best, bestDist = e.ID, d
	}
	in.Hit = best
}

// dashingNext reports whether p dashes during the step that takes in: a dash under way goes on,
// or in starts one.
func dashingNext(p *Player, in Input) bool {
	if p.Dash > 1 {
		return true
	}
	return in.Dashing() && p.Cooldown <= 1 && (in.MoveX != 0 || in.MoveY != 0)
}

// body returns the present body of entity id: a player or a drone in the state, or nil.
func (s *State) body(id sim.EntityID) *Body {
	switch {
	case id > 0 && id < droneBase:
		if p := s.Player(sim.PlayerID(id)); p != nil {
			return &p.Body
		}
	case id >= droneBase && id < droneBase+NumDrones:
		if d := &s.Drones[id-droneBase]; !d.Away {
			return &d.Body
		}
	}
	return nil
}

// strike applies the judged hits of a tick's inputs (sorted by player): each knocks its body back,
// away from the striking player, once per dash.
func (s *State) strike(inputs []sim.Input[Input]) {
	for _, in := range inputs {
		if in.Input.Hit == 0 {
			continue
		}
		p := s.Player(in.Player)
		b := s.body(in.Input.Hit)
		if p == nil || b == nil || p.Dash == 0 || p.Struck == int32(in.Input.Hit) {
			continue
		}
		nx, ny := sim.ScaleTo(b.X-p.X, b.Y-p.Y, One)
		if nx == 0 && ny == 0 {
			nx = One
		}
		b.VX += nx * KnockImpulse / One
		b.VY += ny * KnockImpulse / One
		if in.Input.Hit < droneBase {
			s.hit(p, s.Player(sim.PlayerID(in.Input.Hit)), nx, ny) // sets Struck
		}
		p.Struck = int32(in.Input.Hit)
	}
}
