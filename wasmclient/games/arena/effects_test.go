package arena

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestParticles(t *testing.T) {
	t.Parallel()
	var ps Particles
	r := rand.New(rand.NewPCG(1, 1))
	ps.Burst(r, 100, 100, 12, 0, 300)
	ps.Add(Particle{Kind: Ring, X: 5, Y: 5, R: 10, VX: 100, Life: 0.2})
	if len(ps.List) != 13 {
		t.Fatalf("%d particles, want 13", len(ps.List))
	}
	ps.Update(0.1)
	for _, p := range ps.List {
		switch p.Kind {
		case Spark:
			if d := math.Hypot(p.X-100, p.Y-100); d < 5 || d > 40 {
				t.Errorf("spark %v px out after 0.1 s", d)
			}
		case Ring:
			if math.Abs(p.R-20) > 1e-9 || math.Abs(p.Fade()-0.5) > 1e-9 {
				t.Errorf("ring r %v fade %v, want 20 and 0.5", p.R, p.Fade())
			}
		}
	}
	for range 10 {
		ps.Update(0.1)
	}
	if len(ps.List) != 0 {
		t.Errorf("%d particles alive after a second", len(ps.List))
	}
	for range maxParticles + 10 {
		ps.Add(Particle{Life: 1})
	}
	if len(ps.List) != maxParticles {
		t.Errorf("pool grew to %d", len(ps.List))
	}
}

func TestPickups(t *testing.T) {
	t.Parallel()
	prev := []Orb{{10, 10, 1}, {20, 20, 5}, {30, 30, 1}}
	cur := []Orb{{10, 10, 1}, {900, 40, 1}, {30, 30, 1}}
	got := Pickups(nil, prev, cur)
	if len(got) != 1 || got[0] != (Pickup{20, 20, 5}) {
		t.Errorf("got %+v, want the golden orb at (20, 20)", got)
	}
	if got := Pickups(nil, nil, cur); len(got) != 0 {
		t.Errorf("no previous snapshot: got %+v", got)
	}
}
