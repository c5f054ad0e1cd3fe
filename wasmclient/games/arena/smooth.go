package arena

import (
	"math"

	"github.com/tickwire/tickwire/shared/sim"
)

// Smoother eases the drawn positions of moving entities toward the newest positions received, so
// that discs glide between snapshots (which come about 20 times a second) instead of jumping. It is
// a visual filter only: what the server says is never changed. A large jump (a respawn) is taken at
// once.
type Smoother struct {
	// Tau is the time constant of the easing, in seconds: after Tau the drawn position has covered
	// about 63% of the distance to the target.
	Tau float64
	// Snap is the distance, in arena pixels, beyond which the drawn position jumps to the target.
	Snap float64

	tracks map[sim.EntityID]track
	gen    uint32
}

type track struct {
	x, y float64
	gen  uint32
}

// Begin starts an update round; entities not passed to Step before the next Begin are forgotten.
func (s *Smoother) Begin() {
	if s.tracks == nil {
		s.tracks = map[sim.EntityID]track{}
	}
	s.gen++
}

// Step eases the entity id toward (tx, ty) over dt seconds and returns where to draw it.
func (s *Smoother) Step(id sim.EntityID, tx, ty, dt float64) (float64, float64) {
	t, ok := s.tracks[id]
	if !ok || math.Hypot(tx-t.x, ty-t.y) > s.Snap {
		t.x, t.y = tx, ty
	} else {
		t.x, t.y = Ease(t.x, tx, dt, s.Tau), Ease(t.y, ty, dt, s.Tau)
	}
	t.gen = s.gen
	s.tracks[id] = t
	return t.x, t.y
}

// End forgets the entities not stepped since Begin (players who left).
func (s *Smoother) End() {
	for id, t := range s.tracks {
		if t.gen != s.gen {
			delete(s.tracks, id)
		}
	}
}

// Reset forgets everything.
func (s *Smoother) Reset() { clear(s.tracks) }

// Ease moves cur toward target as exponential smoothing with time constant tau does over dt: the
// same total movement whatever the frame rate. A non-positive tau jumps to the target.
func Ease(cur, target, dt, tau float64) float64 {
	if tau <= 0 {
		return target
	}
	return target + (cur-target)*math.Exp(-dt/tau)
}
