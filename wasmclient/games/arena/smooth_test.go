package arena

import (
	"math"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func TestEase(t *testing.T) {
	t.Parallel()
	// One step of 2 dt equals two steps of dt: frame rate does not change the motion.
	one := Ease(0, 100, 0.02, 0.05)
	two := Ease(Ease(0, 100, 0.01, 0.05), 100, 0.01, 0.05)
	if math.Abs(one-two) > 1e-9 {
		t.Errorf("one step %v, two steps %v", one, two)
	}
	if got := Ease(0, 100, 0.05, 0.05); math.Abs(got-100*(1-1/math.E)) > 1e-9 {
		t.Errorf("after tau: %v, want 63%% of the way", got)
	}
	if got := Ease(3, 100, 0.01, 0); got != 100 {
		t.Errorf("zero tau: %v, want the target", got)
	}
}

func TestSmoother(t *testing.T) {
	t.Parallel()
	s := Smoother{Tau: 0.05, Snap: 200}
	const dt = 1.0 / 60
	step := func(id sim.EntityID, x, y float64) (float64, float64) { return s.Step(id, x, y, dt) }

	s.Begin()
	if x, y := step(1, 100, 100); x != 100 || y != 100 {
		t.Fatalf("new entity drawn at (%v, %v), want where it is", x, y)
	}
	s.End()

	// The target moves 30 px: the drawn disc follows part of the way each frame, never overshooting.
	last := 100.0
	for frame := range 30 {
		s.Begin()
		x, y := step(1, 130, 100)
		s.End()
		if x <= last && frame < 20 || x > 130 || y != 100 {
			t.Fatalf("frame %d: x %v after %v", frame, x, last)
		}
		last = x
	}
	if 130-last > 0.1 {
		t.Errorf("after half a second still %v px behind", 130-last)
	}

	// A respawn far away is taken at once.
	s.Begin()
	if x, _ := step(1, 2000, 100); x != 2000 {
		t.Errorf("teleport drawn at %v, want 2000", x)
	}
	s.End()

	// An entity missing from a round is forgotten: when it comes back it starts where it is.
	s.Begin()
	step(2, 50, 50)
	s.End()
	s.Begin()
	step(2, 50, 50)
	s.End()
	if _, ok := s.tracks[1]; ok {
		t.Error("entity 1 still tracked after a round without it")
	}
	s.Begin()
	if x, _ := step(1, 170, 100); x != 170 {
		t.Errorf("returning entity drawn at %v, want 170", x)
	}
	s.End()
}
