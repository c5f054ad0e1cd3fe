package loadtest

import (
	"math"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
)

// Brain picks a bot's arena input the way a player moves: it wanders on a heading that turns
// smoothly, heads for an orb it sees nearby, turns back from the walls, and dashes now and then. It is
// deterministic for a seed.
type Brain struct {
	rng     sim.Rand
	heading float64 // radians, 0 = +x; the arena's y grows downward
	turn    float64 // radians added per think while wandering
}

// Brain tuning, in arena pixels and thinks.
const (
	// SeekRadius is how near an orb must be for a bot to head for it.
	SeekRadius = 400
	// WallMargin is how near a wall a bot turns back.
	WallMargin = 120
	// DashOdds: with the dash ready, a bot dashes on one think in this many.
	DashOdds = 20
	maxTurn  = 0.35
)

// NewBrain returns a brain seeded with seed.
func NewBrain(seed uint64) Brain {
	b := Brain{rng: sim.NewRand(seed)}
	b.heading = b.uniform(-math.Pi, math.Pi)
	return b
}

func (b *Brain) uniform(lo, hi float64) float64 {
	return lo + (hi-lo)*float64(b.rng.Uint64()>>11)/(1<<53)
}

// Think returns the bot's input until it next thinks. me is the bot's avatar in the newest snapshot,
// or nil before one holds it; ents is that snapshot's entities.
func (b *Brain) Think(me *sim.Entity, ents []sim.Entity) arena.Input {
	if b.rng.Intn(8) == 0 { // change how sharply it turns, now and then
		b.turn = b.uniform(-maxTurn, maxTurn)
	}
	b.heading = math.Remainder(b.heading+b.turn, 2*math.Pi)
	var in arena.Input
	if me != nil && me.Kind == arena.KindPlayer {
		x, y := float64(me.Fields[arena.PlayerX])/arena.One, float64(me.Fields[arena.PlayerY])/arena.One
		if ox, oy, ok := nearestOrb(x, y, ents); ok {
			b.heading = math.Atan2(oy-y, ox-x)
		}
		b.avoidWalls(x, y)
		if me.Fields[arena.PlayerCooldown] == 0 && b.rng.Intn(DashOdds) == 0 {
			in.Buttons |= arena.ButtonDash
		}
	}
	in.MoveX = int8(math.Round(127 * math.Cos(b.heading)))
	in.MoveY = int8(math.Round(127 * math.Sin(b.heading)))
	return in
}

// avoidWalls turns the heading back toward the arena when it points into a near wall.
func (b *Brain) avoidWalls(x, y float64) {
	const w, h = arena.Width / arena.One, arena.Height / arena.One
	dx, dy := math.Cos(b.heading), math.Sin(b.heading)
	if x < WallMargin && dx < 0 || x > w-WallMargin && dx > 0 {
		dx = -dx
	}
	if y < WallMargin && dy < 0 || y > h-WallMargin && dy > 0 {
		dy = -dy
	}
	b.heading = math.Atan2(dy, dx)
}

// nearestOrb returns the nearest orb within SeekRadius of (x, y), in pixels.
func nearestOrb(x, y float64, ents []sim.Entity) (float64, float64, bool) {
	best := SeekRadius * SeekRadius * 1.0
	var bx, by float64
	found := false
	for i := range ents {
		e := &ents[i]
		if e.Kind != arena.KindOrb {
			continue
		}
		ox, oy := float64(e.Fields[arena.OrbX])/arena.One, float64(e.Fields[arena.OrbY])/arena.One
		if d := (ox-x)*(ox-x) + (oy-y)*(oy-y); d < best {
			best, bx, by, found = d, ox, oy, true
		}
	}
	return bx, by, found
}
