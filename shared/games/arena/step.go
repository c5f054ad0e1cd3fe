package arena

import (
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Step advances the arena by one tick. inputs is sorted by player; a player without an entry stands
// still.
func (Game) Step(s *State, tick uint32, inputs []sim.Input[Input]) {
	j := 0
	for i := range s.Players {
		p := &s.Players[i]
		for j < len(inputs) && inputs[j].Player < p.ID {
			j++
		}
		var in Input
		if j < len(inputs) && inputs[j].Player == p.ID {
			in = inputs[j].Input
		}
		steer(p, in)
	}
	for i := range s.Drones {
		if !s.Drones[i].Away {
			s.steerDrone(&s.Drones[i])
		}
	}
	for i := range s.Players {
		move(&s.Players[i].Body, PlayerRadius)
	}
	for i := range s.Drones {
		if !s.Drones[i].Away {
			move(&s.Drones[i].Body, DroneRadius)
		}
	}
	s.collide()
	s.strike(inputs)
	for i := range s.Players {
		settle(&s.Players[i].Body, PlayerRadius)
	}
	for i := range s.Drones {
		if !s.Drones[i].Away {
			settle(&s.Drones[i].Body, DroneRadius)
		}
	}
	s.collect()
	s.clockTick(tick)
}

// clockTick runs the round's clock, ending the round when it runs out, and sends the standings
// every StandingsEvery ticks and at the end of a round.
func (s *State) clockTick(tick uint32) {
	s.Clock--
	ended := s.Clock <= 0
	if ended {
		s.endRound()
	}
	if ended || tick%StandingsEvery == 0 {
		s.Out = append(s.Out, wire.Event{Msg: s.Standings()})
	}
}

// endRound names the round's winner, the highest score (the lowest id among equals; nobody when no
// one scored), and starts the next round: every score from 0, no drops left.
func (s *State) endRound() {
	s.Winner, s.WinScore = 0, 0
	for i := range s.Players {
		p := &s.Players[i]
		if p.Score > s.WinScore {
			s.Winner, s.WinScore = p.ID, p.Score
		}
		p.Score = 0
	}
	clear(s.Drops[:])
	s.NextDrop = 0
	s.Round = min(s.Round+1, MaxRound)
	s.Clock = RoundTicks
}

// settle keeps a body inside the walls and under the speed limit after contacts have pushed it, so
// every field stays within the schema's bounds.
func settle(b *Body, r int32) {
	b.X = sim.Clamp(b.X, r, Width-r)
	b.Y = sim.Clamp(b.Y, r, Height-r)
	b.VX = sim.Clamp(b.VX, -MaxSpeed, MaxSpeed)
	b.VY = sim.Clamp(b.VY, -MaxSpeed, MaxSpeed)
}

// steer applies a player's input: acceleration toward the stick direction and the dash.
func steer(p *Player, in Input) {
	mx, my := sim.Clamp(int32(in.MoveX), -maxInput, maxInput), sim.Clamp(int32(in.MoveY), -maxInput, maxInput)
	// A diagonal on a keyboard is (127, 127): scale it so that no direction is faster than another.
	if sim.Length(mx, my) > maxInput {
		mx, my = sim.ScaleTo(mx, my, maxInput)
	}
	p.VX += mx * Accel / maxInput
	p.VY += my * Accel / maxInput
	if p.Dash > 0 {
		p.Dash--
	}
	if p.Cooldown > 0 {
		p.Cooldown--
	}
	if p.Fresh > 0 {
		p.Fresh--
	}
	if in.Dashing() && p.Cooldown == 0 && (mx != 0 || my != 0) {
		dx, dy := sim.ScaleTo(mx, my, DashImpulse)
		p.VX += dx
		p.VY += dy
		p.Dash = DashTicks
		p.Cooldown = DashCooldown
		p.Struck = 0
	}
}

func (s *State) steerDrone(d *Drone) {
	dx, dy := d.TX-d.X, d.TY-d.Y
	if sim.Length(dx, dy) < 40*One {
		d.TX, d.TY = s.randomPoint(DroneRadius)
		return
	}
	ax, ay := sim.ScaleTo(dx, dy, DroneAccel)
	d.VX += ax
	d.VY += ay
}

// move integrates a body's velocity, applies friction and bounces it off the walls.
func move(b *Body, r int32) {
	b.VX = sim.Clamp(b.VX, -MaxSpeed, MaxSpeed)
	b.VY = sim.Clamp(b.VY, -MaxSpeed, MaxSpeed)
	b.X += b.VX
	b.Y += b.VY
	b.VX = friction(b.VX)
	b.VY = friction(b.VY)
	if b.X < r {
		b.X, b.VX = r, -b.VX/2
	} else if b.X > Width-r {
		b.X, b.VX = Width-r, -b.VX/2
	}
	if b.Y < r {
		b.Y, b.VY = r, -b.VY/2
	} else if b.Y > Height-r {
		b.Y, b.VY = Height-r, -b.VY/2
	}
}

// friction takes an eighth off a velocity component, and at least one unit, so that a body left
// alone comes to a full stop instead of creeping on at a speed that an eighth truncates to zero.
func friction(v int32) int32 {
	d := v / 8
	switch {
	case d == 0 && v > 0:
		d = 1
	case d == 0 && v < 0:
		d = -1
	}
	return v - d
}

// collide separates every overlapping pair of bodies (players first, by id, then drones) and swaps
// their velocities along the contact normal, as equal masses do. A dashing player also knocks the
// other body back.
func (s *State) collide() {
	n := len(s.Players) + len(s.Drones)
	body := func(i int) (*Body, int32, *Player) {
		if i < len(s.Players) {
			return &s.Players[i].Body, PlayerRadius, &s.Players[i]
		}
		if d := &s.Drones[i-len(s.Players)]; !d.Away {
			return &d.Body, DroneRadius, nil
		}
		return nil, 0, nil
	}
	for i := range n {
		a, ra, pa := body(i)
		if a == nil {
			continue
		}
		for j := i + 1; j < n; j++ {
			b, rb, pb := body(j)
			if b == nil {
				continue
			}
			dx, dy := b.X-a.X, b.Y-a.Y
			reach := ra + rb
			if dx > reach || dx < -reach || dy > reach || dy < -reach {
				continue
			}
			dist := sim.Length(dx, dy)
			if dist >= reach {
				continue
			}
			if dist == 0 { // exactly on top of each other: separate along x
				dx, dist = 1, 1
			}
			nx, ny := sim.ScaleTo(dx, dy, One) // contact normal from a to b, length One
			push := (reach - dist) / 2
			a.X -= nx * push / One
			a.Y -= ny * push / One
			b.X += nx * push / One
			b.Y += ny * push / One
			// Exchange the normal components of the velocities (only if they are approaching).
			va := (a.VX*nx + a.VY*ny) / One
			vb := (b.VX*nx + b.VY*ny) / One
			if va > vb {
				d := va - vb
				a.VX -= d * nx / One
				a.VY -= d * ny / One
				b.VX += d * nx / One
				b.VY += d * ny / One
			}
			if pa != nil && pa.Dash > 0 {
				b.VX += nx * KnockImpulse / One
				b.VY += ny * KnockImpulse / One
				s.hit(pa, pb, nx, ny)
			}
			if pb != nil && pb.Dash > 0 {
				a.VX -= nx * KnockImpulse / One
				a.VY -= ny * KnockImpulse / One
				s.hit(pb, pa, -nx, -ny)
			}
		}
	}
}

// collect gives each player the orbs it touches, in player order: a placed orb respawns elsewhere,
// a dropped one is gone.
func (s *State) collect() {
	for i := range s.Players {
		p := &s.Players[i]
		for k := range s.Orbs {
			if o := &s.Orbs[k]; touches(p, o) {
				p.Score = min(p.Score+o.Value, MaxScore)
				s.placeOrb(o)
			}
		}
		for k := range s.Drops {
			if o := &s.Drops[k]; touches(p, o) {
				p.Score = min(p.Score+o.Value, MaxScore)
				*o = Orb{}
			}
		}
	}
}

// touches reports whether player p touches orb o; an orb the state does not have (Value 0) touches
// nothing.
func touches(p *Player, o *Orb) bool {
	const reach = PlayerRadius + OrbRadius
	if o.Value == 0 {
		return false
	}
	dx, dy := o.X-p.X, o.Y-p.Y
	return dx <= reach && dx >= -reach && dy <= reach && dy >= -reach && sim.Length(dx, dy) < reach
}

// hit is by's dash striking victim (nil for a drone) along the normal (nx, ny), of length One, from
// by to the victim. The first strike of a dash on a player knocks up to HitLoss of its points loose:
// they drop beside it, across the way it flies, as orbs anyone can collect, and the kill feed says
// so (HitMsg). A dash strikes each player once (Player.Struck).
func (s *State) hit(by, victim *Player, nx, ny int32) {
	if victim == nil || by.Struck == int32(victim.ID) {
		return
	}
	by.Struck = int32(victim.ID)
	points := min(victim.Score, HitLoss)
	victim.Score -= points
	s.Out = append(s.Out, wire.Event{Msg: &HitMsg{By: by.ID, Victim: victim.ID, Points: points}})
	// Across the knock: (−ny, nx) and its opposite, nearer first.
	offsets := [...]int32{56, -56, 96, -96}
	for k := 0; points > 0; k++ {
		v := min(points, dropValue)
		points -= v
		off := offsets[k%len(offsets)] * One
		o := &s.Drops[s.NextDrop]
		s.NextDrop = (s.NextDrop + 1) % NumDrops
		*o = Orb{Value: v,
			X: sim.Clamp(victim.X-ny*off/One, 2*OrbRadius, Width-2*OrbRadius),
			Y: sim.Clamp(victim.Y+nx*off/One, 2*OrbRadius, Height-2*OrbRadius)}
	}
}

// spawnNear moves player id next to its friend, on the friend's side toward the middle, if id joined
// within SpawnNearTicks and the friend is in the room.
func (s *State) spawnNear(id, friend sim.PlayerID) {
	p, f := s.Player(id), s.Player(friend)
	if p == nil || f == nil || id == friend || p.Fresh == 0 {
		return
	}
	dx := int32(2*PlayerRadius + 40*One)
	if f.X > Width/2 {
		dx = -dx
	}
	p.X = sim.Clamp(f.X+dx, PlayerRadius, Width-PlayerRadius)
	p.Y = f.Y
	p.VX, p.VY = 0, 0
	p.Fresh = 0
}
