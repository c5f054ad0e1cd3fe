package arena

import (
	"math"

	"github.com/tickwire/tickwire/shared/games/arena"
)

// Intent is what the player wants this tick, whatever device it came from: a direction with x and y
// in [-1, 1] (keys give ±1 per axis, sticks anything between) and whether to dash.
type Intent struct {
	X, Y float64
	Dash bool
}

// Input turns an intent into the arena's input: each axis scaled to ±127 and rounded, out-of-range
// values clamped. The sim evens out diagonals, so (1, 1) may stay (127, 127).
func (in Intent) Input() arena.Input {
	axis := func(v float64) int8 {
		if math.IsNaN(v) {
			return 0
		}
		return int8(math.Round(max(-1, min(1, v)) * 127))
	}
	out := arena.Input{MoveX: axis(in.X), MoveY: axis(in.Y)}
	if in.Dash {
		out.Buttons |= arena.ButtonDash
	}
	return out
}

// Add combines two devices' intents: directions add up (and are clamped by [Intent.Input]); either
// may dash.
func (in Intent) Add(o Intent) Intent {
	return Intent{X: in.X + o.X, Y: in.Y + o.Y, Dash: in.Dash || o.Dash}
}

// Stick turns a virtual stick's displacement (dx, dy) from where the finger went down into a
// direction: the displacement over radius, capped at length 1, and zero inside the dead zone (a
// fraction of radius) so that a resting thumb does not creep. Past the dead zone the magnitude
// rises from 0 again, so that slow movement is possible.
func Stick(dx, dy, radius, dead float64) (x, y float64) {
	if radius <= 0 {
		return 0, 0
	}
	d := math.Hypot(dx, dy)
	if d <= dead*radius {
		return 0, 0
	}
	m := min((d/radius-dead)/(1-dead), 1)
	return dx / d * m, dy / d * m
}

// DragOrigin returns a stick's origin moved toward the finger at (px, py) so that the finger is at
// most radius away: dragging past the rim pulls the stick along rather than losing it.
func DragOrigin(ox, oy, px, py, radius float64) (float64, float64) {
	dx, dy := px-ox, py-oy
	d := math.Hypot(dx, dy)
	if d <= radius {
		return ox, oy
	}
	k := (d - radius) / d
	return ox + dx*k, oy + dy*k
}

// Latch keeps a button reported as held for a few ticks after a press ends, so that a tap shorter
// than the server's tick still reaches it: the client sends the input in force once per server tick.
type Latch struct {
	Hold int // ticks a press is held after it ends
	left int
}

// Update records whether the button is pressed this tick and reports whether it counts as held.
func (l *Latch) Update(pressed bool) bool {
	if pressed {
		l.left = l.Hold
		return true
	}
	if l.left > 0 {
		l.left--
		return true
	}
	return false
}
