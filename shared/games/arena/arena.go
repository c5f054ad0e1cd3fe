package arena

import "github.com/tickwire/tickwire/shared/sim"

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
)

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
	Struck   int32 // the entity id the current dash struck where the player saw it, or 0: once a dash
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
// like an away drone).
type Orb struct {
	X, Y, Value int32
}

// State is a room of the arena.
type State struct {
	Rng     sim.Rand
	Players []Player // sorted by ID
	Drones  [NumDrones]Drone
	Orbs    [NumOrbs]Orb
}

// Game is the arena's sim.Game and wire.InputCodec.
type Game struct{}

// Info describes the arena to the toolkit.
func (Game) Info() sim.Info {
	return sim.Info{Name: Name, TickRate: TickRate, MaxPlayers: MaxPlayers, Schema: Schema}
}

// NewState returns a fresh arena with its drones and orbs placed from seed.
func (Game) NewState(seed uint64) State {
	s := State{Rng: sim.NewRand(seed)}
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
	p := Player{ID: id}
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
