package arena

import (
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// One is one pixel in the arena's fixed-point units.
const One = 256

// Dimensions and tuning, in fixed-point units per tick at [TickRate].
const (
	Name       = "arena"
	TickRate   = 30
	MaxPlayers = 16

	Width  = 3200 * One
	Height = 2000 * One

	PlayerRadius = 22 * One
	DroneRadius  = 18 * One
	OrbRadius    = 9 * One

	NumDrones = 20
	NumOrbs   = 48

	Accel         = One * 6 / 5 // 1.2 px/tick²: with friction 1/8, top speed ≈ 9.6 px/tick
	DroneAccel    = One / 2
	DashImpulse   = 14 * One
	DashTicks     = 8  // how long a dash lasts
	DashCooldown  = 45 // ticks between dashes
	KnockImpulse  = 12 * One
	MaxSpeed      = 40 * One
	GoldenOrbOdds = 8 // one orb in this many is worth GoldenValue
	GoldenValue   = 5
	MaxScore      = 1 << 30
	maxInput      = 127

	// A round lasts RoundTicks; when its clock runs out, the highest score wins it (the lowest id
	// among equals) and every score starts again from 0.
	RoundTicks = 3 * 60 * TickRate
	MaxRound   = 1 << 30

	// A dash that strikes a player knocks up to HitLoss of its points loose, dropped beside it as
	// orbs worth up to dropValue each, in NumDrops slots used in turn.
	HitLoss   = 8
	dropValue = 2
	NumDrops  = 24

	// SpawnNearTicks is how long after joining a player may ask to be moved next to a friend
	// (SpawnNearMsg): long enough for the client's first welcome and roster, too short to be a
	// teleport in play.
	SpawnNearTicks = 3 * TickRate

	maxPlayerID = 1<<16 - 1
)

// StateVersion numbers the meaning of the arena's state (sim.Info.StateVersion): 1 added rounds,
// dropped orbs and the spawn grace.
const StateVersion = 1

// Entity kinds, in schema order.
const (
	KindWorld sim.Kind = iota
	KindPlayer
	KindDrone
	KindOrb
)

// Entity ids: players use their player id; drones and orbs have fixed ranges; the world is last.
const (
	droneBase sim.EntityID = 1 << 16
	orbBase   sim.EntityID = 1 << 17
	dropBase               = orbBase + NumOrbs // dropped orbs follow the placed ones
	worldID   sim.EntityID = 1<<24 - 1
)

// Buttons of an [Input].
const (
	ButtonDash uint8 = 1 << iota
)

// Input is what a player does in one tick: a stick direction (keyboard gives ±127 per axis) and
// buttons.
type Input struct {
	MoveX, MoveY int8
	Buttons      uint8
	// Hit is the body a dash strikes where the player saw it (lag compensation): set by Judge, on
	// the server and in the player's own prediction alike, never sent. Step knocks it back.
	Hit sim.EntityID
}

// Dashing reports whether the dash button is held.
func (in Input) Dashing() bool { return in.Buttons&ButtonDash != 0 }

// Body is anything that moves and bumps: a player or a drone.
type Body struct {
	X, Y, VX, VY int32
}

// Player is a player's disc.
type Player struct {
	ID sim.PlayerID
	Body
	Score    int32
	Dash     int32 // ticks of dash left; a dashing player knocks others back
	Cooldown int32 // ticks until the next dash
	Struck   int32 // the entity id the current dash struck (where the player saw it, or a player it touched), or 0: once a dash
	Fresh    int32 // ticks left in which the player may still be moved next to a friend (SpawnNearMsg)
}

// Drone is a server-driven wanderer.
type Drone struct {
	Body
	TX, TY int32 // where it is heading
	// Away marks a drone the state does not have: restored from what one player sees (interest
	// management), the drones out of view are away, and step as if absent.
	Away bool
}

// Orb is a pickup worth Value points; Value 0 marks an orb the state does not have (out of view,
// like an away drone, or a drop slot not in use).
type Orb struct {
	X, Y, Value int32
}

// State is a room of the arena.
type State struct {
	Rng     sim.Rand
	Players []Player // sorted by ID
	Drones  [NumDrones]Drone
	Orbs    [NumOrbs]Orb
	// Drops are the orbs dashes knocked loose; collected, they are gone. NextDrop is the slot the
	// next one takes, the oldest drop's.
	Drops    [NumDrops]Orb
	NextDrop int32

	Round, Clock int32        // the round, from 1, and the ticks left in it
	Winner       sim.PlayerID // who won the round before (0: none yet, or nobody scored)
	WinScore     int32        // with what score

	// Out holds the events of the last ticks until the room takes them (Events); never part of
	// the entities.
	Out []wire.Event
}

// Game is the arena's sim.Game and wire.InputCodec.
type Game struct{}

// Info describes the arena to the toolkit.
func (Game) Info() sim.Info {
	return sim.Info{Name: Name, TickRate: TickRate, MaxPlayers: MaxPlayers, Schema: Schema, StateVersion: StateVersion}
}

// NewState returns a fresh arena with its drones and orbs placed from seed.
func (Game) NewState(seed uint64) State {
	s := State{Rng: sim.NewRand(seed), Round: 1, Clock: RoundTicks}
	for i := range s.Drones {
		d := &s.Drones[i]
		d.X, d.Y = s.randomPoint(DroneRadius)
		d.TX, d.TY = s.randomPoint(DroneRadius)
	}
	for i := range s.Orbs {
		s.placeOrb(&s.Orbs[i])
	}
	return s
}

// Join places a new player at a random point. Joining twice is a no-op.
func (Game) Join(s *State, id sim.PlayerID) {
	i, found := s.find(id)
	if found {
		return
	}
	p := Player{ID: id, Fresh: SpawnNearTicks}
	p.X, p.Y = s.randomPoint(PlayerRadius)
	s.Players = append(s.Players, Player{})
	copy(s.Players[i+1:], s.Players[i:])
	s.Players[i] = p
}

// Leave removes a player.
func (Game) Leave(s *State, id sim.PlayerID) {
	if i, found := s.find(id); found {
		s.Players = append(s.Players[:i], s.Players[i+1:]...)
	}
}

// Player returns the player with the given id, or nil.
func (s *State) Player(id sim.PlayerID) *Player {
	if i, found := s.find(id); found {
		return &s.Players[i]
	}
	return nil
}

// find returns where id is, or where it would be inserted, in the sorted player list.
func (s *State) find(id sim.PlayerID) (int, bool) {
	lo, hi := 0, len(s.Players)
	for lo < hi {
		m := (lo + hi) / 2
		if s.Players[m].ID < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(s.Players) && s.Players[lo].ID == id
}

func (s *State) randomPoint(margin int32) (int32, int32) {
	return s.Rng.Range(margin, Width-margin), s.Rng.Range(margin, Height-margin)
}

func (s *State) placeOrb(o *Orb) {
	o.X, o.Y = s.randomPoint(OrbRadius * 4)
	o.Value = 1
	if s.Rng.Intn(GoldenOrbOdds) == 0 {
		o.Value = GoldenValue
	}
}
