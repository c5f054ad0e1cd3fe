package arena

import (
	"math"

	"github.com/tickwire/tickwire/shared/games/arena"
)

// Camera maps arena pixels to screen pixels: the point (X, Y) of the arena is at the centre of the
// screen, and one arena pixel is Zoom screen pixels.
type Camera struct {
	X, Y, Zoom float64
	W, H       float64 // screen size
}

// ToScreen returns where the arena point (x, y) is on the screen.
func (c *Camera) ToScreen(x, y float64) (float64, float64) {
	return (x-c.X)*c.Zoom + c.W/2, (y-c.Y)*c.Zoom + c.H/2
}

// Visible reports whether a circle of radius r (arena pixels) at (x, y) is at least partly on
// screen.
func (c *Camera) Visible(x, y, r float64) bool {
	sx, sy := c.ToScreen(x, y)
	sr := r * c.Zoom
	return sx+sr >= 0 && sy+sr >= 0 && sx-sr <= c.W && sy-sr <= c.H
}

// ClampAxis centres a view of size view on target along one axis of a world of size world, keeping
// the view inside the world widened by margin on each side. A view larger than that shows the
// world centred.
func ClampAxis(target, view, world, margin float64) float64 {
	lo, hi := view/2-margin, world-view/2+margin
	if lo >= hi {
		return world / 2
	}
	return max(lo, min(hi, target))
}

// Zoom returns the scale for a screen of w×h device pixels at scale device pixels per CSS pixel: a
// screen whose shorter side is 720 CSS pixels shows the arena at 1 CSS pixel per arena pixel;
// smaller screens (phones) zoom out to show enough around the player, larger ones zoom in a little.
func Zoom(w, h, scale float64) float64 {
	if scale <= 0 {
		scale = 1
	}
	short := math.Min(w, h) / scale
	z := scale * max(0.55, min(1.3, short/720))
	// Never show more of the arena than the server sends: its interest box around the player
	// (arena.Visible). A very wide or tall screen zooms in instead.
	return max(z, w/(2*viewHalfW), h/(2*viewHalfH))
}

// The server's view box, in arena pixels.
const (
	viewHalfW = float64(arena.ViewHalfWidth) / arena.One
	viewHalfH = float64(arena.ViewHalfHeight) / arena.One
)
