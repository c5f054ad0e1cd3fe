package arena

import (
	"math"
	"math/rand/v2"
)

// ParticleKind says how a particle is drawn.
type ParticleKind uint8

const (
	Spark ParticleKind = iota // a small glowing dot that flies out and fades
	Ghost                     // a fading copy of a dashing disc
	Ring                      // a ring that widens and fades
)

// Particle is one short-lived visual effect, in arena pixels and seconds.
type Particle struct {
	Kind      ParticleKind
	X, Y      float64
	VX, VY    float64
	R         float64 // radius; a Ring's radius grows by VX per second
	Life, Max float64 // seconds left and at the start
	Color     int     // index into the palette the renderer uses
}

// Fade is how far the particle is through its life, 0 at birth to 1 at death.
func (p *Particle) Fade() float64 { return 1 - p.Life/p.Max }

// Particles is a pool of effects. It allocates only when more are alive at once than ever before.
type Particles struct {
	List []Particle
}

// maxParticles bounds the pool: past it new effects are dropped rather than slowing the frame.
const maxParticles = 2000

// Add adds p, with Max set from Life.
func (ps *Particles) Add(p Particle) {
	if len(ps.List) >= maxParticles {
		return
	}
	p.Max = p.Life
	ps.List = append(ps.List, p)
}

// Burst adds n sparks flying out of (x, y), with directions and speeds from r.
func (ps *Particles) Burst(r *rand.Rand, x, y float64, n, color int, speed float64) {
	for i := range n {
		a := 2*math.Pi*float64(i)/float64(n) + r.Float64()*0.6
		v := speed * (0.45 + 0.55*r.Float64())
		ps.Add(Particle{Kind: Spark, X: x, Y: y, VX: math.Cos(a) * v, VY: math.Sin(a) * v,
			R: 2.5 + 2*r.Float64(), Life: 0.35 + 0.35*r.Float64(), Color: color})
	}
}

// Update advances every particle by dt seconds and drops the dead ones. Sparks slow down as they
// fly; rings widen.
func (ps *Particles) Update(dt float64) {
	drag := math.Exp(-dt * 4)
	live := ps.List[:0]
	for _, p := range ps.List {
		p.Life -= dt
		if p.Life <= 0 {
			continue
		}
		switch p.Kind {
		case Spark:
			p.X += p.VX * dt
			p.Y += p.VY * dt
			p.VX *= drag
			p.VY *= drag
		case Ring:
			p.R += p.VX * dt
		}
		live = append(live, p)
	}
	ps.List = live
}

// Orb is an orb as the client remembers it between snapshots.
type Orb struct {
	X, Y  float64 // arena pixels
	Value int32
}

// Pickup is an orb that vanished between two snapshots: some player collected it.
type Pickup struct {
	X, Y  float64
	Value int32
}

// Pickups compares the orbs of two snapshots, slot by slot (the arena respawns a collected orb in
// the same slot, elsewhere), and appends to dst the orbs of prev that moved.
func Pickups(dst []Pickup, prev, cur []Orb) []Pickup {
	for i := range min(len(prev), len(cur)) {
		p, c := prev[i], cur[i]
		if p.X != c.X || p.Y != c.Y {
			dst = append(dst, Pickup{X: p.X, Y: p.Y, Value: p.Value})
		}
	}
	return dst
}
