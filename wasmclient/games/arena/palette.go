package arena

import (
	"image/color"

	"github.com/tickwire/tickwire/shared/sim"
)

// palette gives the 16 seats distinct colours, by id, the likeliest seats the most distinct; none
// looks like an orb (cyan, gold) or a drone (red). TestPaletteIsDistinct holds it to that.
var palette = []color.RGBA{
	{0x4d, 0xab, 0xf7, 0xff}, // blue
	{0xff, 0x8a, 0x65, 0xff}, // coral
	{0x51, 0xcf, 0x66, 0xff}, // green
	{0xcc, 0x5d, 0xe8, 0xff}, // purple
	{0xff, 0x92, 0x2b, 0xff}, // orange
	{0xf0, 0x65, 0x95, 0xff}, // pink
	{0xa9, 0xe3, 0x4b, 0xff}, // lime
	{0x74, 0x8f, 0xfc, 0xff}, // indigo
	{0x12, 0xb8, 0x86, 0xff}, // teal
	{0xe9, 0xec, 0xef, 0xff}, // white
	{0xc0, 0xa0, 0x80, 0xff}, // tan
	{0x97, 0x75, 0xfa, 0xff}, // violet
	{0x86, 0x8e, 0x96, 0xff}, // grey
	{0x1c, 0x7e, 0xd6, 0xff}, // deep blue
	{0x2b, 0x8a, 0x3e, 0xff}, // forest
	{0x8f, 0x9a, 0x2b, 0xff}, // olive
}

// playerColor returns the palette index of a player: ids count from 1, so players 1 to 16 get
// distinct colours.
func playerColor(id sim.PlayerID) int {
	return int((uint64(id) + uint64(len(palette)) - 1) % uint64(len(palette)))
}

// Colours of the arena. Effects refer to the extra colours by the indexes after the palette.
var (
	orbColor    = color.RGBA{0x7e, 0xe8, 0xfa, 0xff}
	goldColor   = color.RGBA{0xff, 0xd4, 0x3b, 0xff}
	droneColor  = color.RGBA{0xff, 0x3d, 0x5f, 0xff}
	outside     = color.RGBA{0x06, 0x09, 0x12, 0xff}
	floorColor  = color.RGBA{0x12, 0x19, 0x2e, 0xff}
	gridMinor   = color.RGBA{0x19, 0x22, 0x3e, 0xff}
	gridMajor   = color.RGBA{0x22, 0x2f, 0x56, 0xff}
	borderColor = color.RGBA{0x74, 0x8f, 0xfc, 0xff}
)

// Effect colour indexes past the palette.
var (
	orbIndex  = len(palette)
	goldIndex = len(palette) + 1
)

// effectColor returns the colour of an effect's colour index.
func effectColor(i int) color.RGBA {
	switch {
	case i >= 0 && i < len(palette):
		return palette[i]
	case i == goldIndex:
		return goldColor
	}
	return orbColor
}

// shade returns c darkened (k < 1) or lightened toward white (k > 1).
func shade(c color.RGBA, k float64) color.RGBA {
	f := func(v uint8) uint8 {
		x := float64(v)
		if k <= 1 {
			x *= k
		} else {
			x += (255 - x) * (k - 1)
		}
		return uint8(max(0, min(255, x)))
	}
	return color.RGBA{f(c.R), f(c.G), f(c.B), c.A}
}
