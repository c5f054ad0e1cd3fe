package ui

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

var (
	gridMinor = color.RGBA{0x17, 0x20, 0x3a, 0xff}
	gridMajor = color.RGBA{0x1f, 0x2b, 0x4d, 0xff}
)

// Backdrop draws the screens around the game: the arena's floor grid, drifting slowly with tick.
func Backdrop(dst *ebiten.Image, ctx *Context) {
	dst.Fill(Background)
	step := ctx.Px(48)
	off := math.Mod(float64(ctx.Tick)*ctx.Px(0.25), step*4)
	lw := float32(max(1, math.Round(ctx.Px(1))))
	for i := -1; float64(i)*step-off < float64(ctx.W); i++ {
		c := gridMinor
		if i%4 == 0 {
			c = gridMajor
		}
		x := float32(float64(i)*step - off)
		vector.FillRect(dst, x, 0, lw, float32(ctx.H), c, false)
	}
	for i := -1; float64(i)*step-off < float64(ctx.H); i++ {
		c := gridMinor
		if i%4 == 0 {
			c = gridMajor
		}
		y := float32(float64(i)*step - off)
		vector.FillRect(dst, 0, y, float32(ctx.W), lw, c, false)
	}
}
