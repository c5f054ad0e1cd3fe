package arena

import (
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
)

// Player fields, in schema order.
const (
	PlayerX = iota
	PlayerY
	PlayerVX
	PlayerVY
	PlayerScore
	PlayerDash
	PlayerCooldown
	PlayerStruck
	PlayerFresh
)

// World fields, in schema order.
const (
	WorldRngLo = iota
	WorldRngHi
	WorldRound
	WorldClock
	WorldWinner
	WorldWinScore
	WorldNextDrop
)

// Drone fields, in schema order.
const (
	DroneX = iota
	DroneY
	DroneVX
	DroneVY
	DroneTX
	DroneTY
)

// Orb fields, in schema order.
const (
	OrbX = iota
	OrbY
	OrbValue
)

func pos(name string, limit int32) sim.FieldSchema {
	return sim.FieldSchema{Name: name, Min: 0, Max: limit, Interp: true}
}

func vel(name string) sim.FieldSchema {
	return sim.FieldSchema{Name: name, Min: -MaxSpeed, Max: MaxSpeed}
}

// Schema describes the arena's entities; the index is the kind.
var Schema = sim.Schema{
	KindWorld: {Name: "world", Fields: []sim.FieldSchema{
		{Name: "rngLo", Min: -1 << 31, Max: 1<<31 - 1},
		{Name: "rngHi", Min: -1 << 31, Max: 1<<31 - 1},
		{Name: "round", Min: 1, Max: MaxRound},
		{Name: "clock", Min: 0, Max: RoundTicks},
		{Name: "winner", Min: 0, Max: maxPlayerID},
		{Name: "winScore", Min: 0, Max: MaxScore},
		{Name: "nextDrop", Min: 0, Max: NumDrops - 1},
	}},
	KindPlayer: {Name: "player", Fields: []sim.FieldSchema{
		pos("x", Width), pos("y", Height), vel("vx"), vel("vy"),
		{Name: "score", Min: 0, Max: MaxScore},
		{Name: "dash", Min: 0, Max: DashTicks},
		{Name: "cooldown", Min: 0, Max: DashCooldown},
		{Name: "struck", Min: 0, Max: int32(worldID)},
		{Name: "fresh", Min: 0, Max: SpawnNearTicks},
	}},
	KindDrone: {Name: "drone", Fields: []sim.FieldSchema{
		pos("x", Width), pos("y", Height), vel("vx"), vel("vy"),
		{Name: "tx", Min: 0, Max: Width}, {Name: "ty", Min: 0, Max: Height},
	}},
	KindOrb: {Name: "orb", Fields: []sim.FieldSchema{
		{Name: "x", Min: 0, Max: Width}, {Name: "y", Min: 0, Max: Height},
		{Name: "value", Min: 1, Max: GoldenValue},
	}},
}

// Entities appends the whole state to dst as entities sorted by id.
func (Game) Entities(s *State, dst []sim.Entity) []sim.Entity {
	for _, p := range s.Players {
		dst = append(dst, sim.NewEntity(sim.EntityID(p.ID), KindPlayer, p.X, p.Y, p.VX, p.VY, p.Score, p.Dash, p.Cooldown, p.Struck, p.Fresh))
	}
	for i, d := range s.Drones {
		if d.Away {
			continue
		}
		dst = append(dst, sim.NewEntity(droneBase+sim.EntityID(i), KindDrone, d.X, d.Y, d.VX, d.VY, d.TX, d.TY))
	}
	for i, o := range s.Orbs {
		if o.Value == 0 {
			continue
		}
		dst = append(dst, sim.NewEntity(orbBase+sim.EntityID(i), KindOrb, o.X, o.Y, o.Value))
	}
	for i, o := range s.Drops {
		if o.Value == 0 {
			continue
		}
		dst = append(dst, sim.NewEntity(dropBase+sim.EntityID(i), KindOrb, o.X, o.Y, o.Value))
	}
	return append(dst, sim.NewEntity(worldID, KindWorld, int32(uint32(s.Rng.State)), int32(uint32(s.Rng.State>>32)),
		s.Round, s.Clock, int32(s.Winner), s.WinScore, s.NextDrop))
}

// Restore rebuilds s from entities produced by Entities (or received in a snapshot). It checks every
// entity against the schema and refuses ids outside the arena's ranges. A part of the state, as
// Visible gives one player, restores too: the drones and orbs not listed are away (see Drone.Away).
func (Game) Restore(s *State, ents []sim.Entity) error {
	s.Players = s.Players[:0]
	for i := range s.Drones {
		s.Drones[i] = Drone{Away: true}
	}
	clear(s.Orbs[:])
	clear(s.Drops[:])
	clear(s.Out)
	s.Out = s.Out[:0]
	haveWorld := 0
	for i := range ents {
		e := &ents[i]
		if err := Schema.Check(e); err != nil {
			return err
		}
		f := &e.Fields
		switch {
		case e.Kind == KindPlayer && e.ID > 0 && e.ID < droneBase:
			if n := len(s.Players); n > 0 && s.Players[n-1].ID >= sim.PlayerID(e.ID) {
				return fmt.Errorf("player %d out of order", e.ID)
			}
			s.Players = append(s.Players, Player{ID: sim.PlayerID(e.ID), Body: Body{f[PlayerX], f[PlayerY], f[PlayerVX], f[PlayerVY]},
				Score: f[PlayerScore], Dash: f[PlayerDash], Cooldown: f[PlayerCooldown], Struck: f[PlayerStruck], Fresh: f[PlayerFresh]})
		case e.Kind == KindDrone && e.ID >= droneBase && e.ID < droneBase+NumDrones:
			s.Drones[e.ID-droneBase] = Drone{Body: Body{f[DroneX], f[DroneY], f[DroneVX], f[DroneVY]}, TX: f[DroneTX], TY: f[DroneTY]}
		case e.Kind == KindOrb && e.ID >= orbBase && e.ID < orbBase+NumOrbs:
			s.Orbs[e.ID-orbBase] = Orb{X: f[OrbX], Y: f[OrbY], Value: f[OrbValue]}
		case e.Kind == KindOrb && e.ID >= dropBase && e.ID < dropBase+NumDrops:
			s.Drops[e.ID-dropBase] = Orb{X: f[OrbX], Y: f[OrbY], Value: f[OrbValue]}
		case e.Kind == KindWorld && e.ID == worldID:
			s.Rng.State = uint64(uint32(f[WorldRngLo])) | uint64(uint32(f[WorldRngHi]))<<32
			s.Round, s.Clock, s.Winner, s.WinScore = f[WorldRound], f[WorldClock], sim.PlayerID(f[WorldWinner]), f[WorldWinScore]
			s.NextDrop = f[WorldNextDrop]
			haveWorld++
		default:
			return fmt.Errorf("entity %d: id is not a %s id", e.ID, Schema[e.Kind].Name)
		}
	}
	if haveWorld != 1 {
		return fmt.Errorf("incomplete state: %d world entities, want 1", haveWorld)
	}
	return nil
}
