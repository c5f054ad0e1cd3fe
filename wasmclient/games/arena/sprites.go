package arena

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// The round shapes are ui's white sprites, tinted when drawn; only the drone has an image of its
// own. Image draws batch, so a frame full of discs costs a few draw calls.
var (
	disc = ui.Disc
	ring = ui.Ring
	glow = ui.Glow
)

// droneImage is made on the first Draw: it is drawn with vector paths, once.
var droneImage *ebiten.Image

// droneSprite returns the drone: a dark spiked wheel with a red rim and a glowing red eye, its
// spikes reaching ui.SpriteR from the centre of a 128-pixel image.
func droneSprite() *ebiten.Image {
	if droneImage != nil {
		return droneImage
	}
	const size, c, r = 128, 64, ui.SpriteR
	img := ebiten.NewImage(size, size)
	var p vector.Path
	const spikes = 8
	for i := range 2 * spikes {
		rr := r - 3
		if i%2 == 1 {
			rr = r * 0.62
		}
		a := math.Pi * float64(i) / spikes
		x, y := float32(c+rr*math.Cos(a)), float32(c+rr*math.Sin(a))
		if i == 0 {
			p.MoveTo(x, y)
		} else {
			p.LineTo(x, y)
		}
	}
	p.Close()
	op := &vector.DrawPathOptions{AntiAlias: true}
	op.ColorScale.ScaleWithColor(color.RGBA{0x4a, 0x14, 0x26, 0xff})
	vector.FillPath(img, &p, nil, op)
	op.ColorScale.Reset()
	op.ColorScale.ScaleWithColor(droneColor)
	vector.StrokePath(img, &p, &vector.StrokeOptions{Width: 7, LineJoin: vector.LineJoinRound}, op)
	vector.FillCircle(img, c, c, 19, color.RGBA{0x4a, 0x10, 0x1c, 0xff}, true)
	vector.FillCircle(img, c, c, 13, droneColor, true)
	vector.FillCircle(img, c-4, c-4, 4, color.RGBA{0xff, 0xd0, 0xd8, 0xff}, true)
	droneImage = img
	return img
}
