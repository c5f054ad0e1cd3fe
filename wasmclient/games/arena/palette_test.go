package arena

import (
	"image/color"
	"math"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
)

// lab returns c in CIELAB (D65), where a distance of about 2 is just noticeable and 20 is plainly
// another colour.
func lab(c color.RGBA) [3]float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x > 0.04045 {
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return x / 12.92
	}
	r, g, b := lin(c.R), lin(c.G), lin(c.B)
	x := (r*0.4124 + g*0.3576 + b*0.1805) / 0.95047
	y := r*0.2126 + g*0.7152 + b*0.0722
	z := (r*0.0193 + g*0.1192 + b*0.9505) / 1.08883
	f := func(t float64) float64 {
		if t > 0.008856 {
			return math.Cbrt(t)
		}
		return 7.787*t + 16.0/116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

func labDistance(a, b color.RGBA) float64 {
	p, q := lab(a), lab(b)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

func TestPaletteIsDistinct(t *testing.T) {
	t.Parallel()
	if len(palette) < arena.MaxPlayers {
		t.Fatalf("%d colours for %d seats", len(palette), arena.MaxPlayers)
	}
	seen := map[int]sim.PlayerID{}
	for id := sim.PlayerID(1); id <= arena.MaxPlayers; id++ {
		if other, ok := seen[playerColor(id)]; ok {
			t.Errorf("players %d and %d share colour %d", other, id, playerColor(id))
		}
		seen[playerColor(id)] = id
	}
	for i := range palette {
		for j := i + 1; j < len(palette); j++ {
			if d := labDistance(palette[i], palette[j]); d < 18 {
				t.Errorf("colours %d %v and %d %v are only %.1f apart (CIELAB); want 18", i, palette[i], j, palette[j], d)
			}
		}
		for name, c := range map[string]color.RGBA{"orb": orbColor, "golden orb": goldColor, "drone": droneColor} {
			if d := labDistance(palette[i], c); d < 25 {
				t.Errorf("colour %d %v looks like a %s (%.1f apart in CIELAB; want 25)", i, palette[i], name, d)
			}
		}
	}
}
