package ui

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
)

// Shapes are drawn from small images made once, stretched and tinted, rather than as vector paths:
// image draws batch into one draw call, where each anti-aliased path costs a pass of its own, and
// on a software renderer that is the difference between a smooth and a stuttering frame.

const (
	spriteSize = 128
	// SpriteR is the radius of the shape inside the round sprites.
	SpriteR = 60.0

	cornerR    = 32 // corner radius inside the rounded-rectangle images
	cornerSize = 2*cornerR + 2
	edgeWidth  = 3.2 // the edge image's line width: a tenth of its corner radius
)

// Round sprites, white: tint them when drawing.
var (
	// Disc is a filled circle of radius SpriteR.
	Disc = lazy(func() image.Image { return radial(func(d float64) float64 { return cover(SpriteR - d) }) })
	// Ring is a circle's outline, 9 pixels wide, inside radius SpriteR.
	Ring = lazy(func() image.Image {
		return radial(func(d float64) float64 { return min(cover(SpriteR-d), cover(d-(SpriteR-9))) })
	})
	// Glow is a soft round light that fades to nothing at the image's edge (radius spriteSize/2).
	Glow = lazy(func() image.Image {
		return radial(func(d float64) float64 {
			k := max(0, 1-d/(spriteSize/2))
			return k * k
		})
	})

	roundFill = lazy(func() image.Image { return rounded(func(d float64) float64 { return cover(-d) }) })
	roundEdge = lazy(func() image.Image {
		return rounded(func(d float64) float64 { return min(cover(-d), cover(d+edgeWidth)) })
	})
)

// Sprite is an image made on first use (after the game has started).
type Sprite struct {
	make   func() image.Image
	img    *ebiten.Image
	slices [3][3]*ebiten.Image // for a rounded rectangle: its corners, sides and middle
}

func lazy(f func() image.Image) *Sprite { return &Sprite{make: f} }

// Image returns the sprite's image, making it on first use.
func (s *Sprite) Image() *ebiten.Image {
	if s.img == nil {
		s.img = ebiten.NewImageFromImage(s.make())
	}
	return s.img
}

// cover is how much of a pixel lies inside an edge at signed distance d (positive inside).
func cover(d float64) float64 { return max(0, min(1, d+0.5)) }

// radial returns a white square image whose alpha is alpha(distance from the centre).
func radial(alpha func(d float64) float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, spriteSize, spriteSize))
	const c = spriteSize / 2
	for y := range spriteSize {
		for x := range spriteSize {
			setAlpha(img, x, y, alpha(math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c)))
		}
	}
	return img
}

// rounded returns a white rounded square of corner radius cornerR whose alpha is alpha(signed
// distance to its edge, negative inside).
func rounded(alpha func(d float64) float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, cornerSize, cornerSize))
	for y := range cornerSize {
		for x := range cornerSize {
			// Distance from the corner circles' centres, clamped to the straight parts.
			px, py := float64(x)+0.5, float64(y)+0.5
			cx := max(cornerR, min(cornerSize-cornerR, px))
			cy := max(cornerR, min(cornerSize-cornerR, py))
			setAlpha(img, x, y, alpha(math.Hypot(px-cx, py-cy)-cornerR))
		}
	}
	return img
}

func setAlpha(img *image.RGBA, x, y int, a float64) {
	v := uint8(math.Round(255 * max(0, min(1, a))))
	img.SetRGBA(x, y, color.RGBA{v, v, v, v})
}

var spriteOp ebiten.DrawImageOptions

// DrawSprite draws a round sprite centred at (x, y) with its shape at radius r, rotated by angle,
// tinted by c at opacity alpha.
func DrawSprite(dst *ebiten.Image, s *Sprite, x, y, r, angle float64, c color.Color, alpha float32) {
	DrawImage(dst, s.Image(), x, y, r/SpriteR, angle, c, alpha)
}

// DrawImage draws img centred at (x, y), scaled by k, rotated by angle, tinted by c at opacity
// alpha.
func DrawImage(dst, img *ebiten.Image, x, y, k, angle float64, c color.Color, alpha float32) {
	op := &spriteOp
	b := img.Bounds()
	op.GeoM.Reset()
	op.GeoM.Translate(-float64(b.Dx())/2, -float64(b.Dy())/2)
	if angle != 0 {
		op.GeoM.Rotate(angle)
	}
	op.GeoM.Scale(k, k)
	op.GeoM.Translate(x, y)
	op.ColorScale.Reset()
	op.ColorScale.ScaleWithColor(c)
	op.ColorScale.ScaleAlpha(alpha)
	op.Filter = ebiten.FilterLinear
	dst.DrawImage(img, op)
}

// Circle fills a circle.
func Circle(dst *ebiten.Image, x, y, r float64, c color.Color) {
	DrawSprite(dst, Disc, x, y, r, 0, c, 1)
}

// RoundRect fills a rectangle with corners of radius r.
func RoundRect(dst *ebiten.Image, x, y, w, h, r float64, c color.Color) {
	nineSlice(dst, roundFill, x, y, w, h, r, c)
}

// RoundRectEdge outlines a rectangle with corners of radius r with a line a tenth of r wide, inside
// the rectangle.
func RoundRectEdge(dst *ebiten.Image, x, y, w, h, r float64, c color.Color) {
	nineSlice(dst, roundEdge, x, y, w, h, r, c)
}

// Bands of a rounded-rectangle image, along either axis: corner, middle (2 px), corner.
var bands = [3][2]int{{0, cornerR}, {cornerR, cornerR + 2}, {cornerR + 2, cornerSize}}

// nineSlice draws a rounded-rectangle sprite stretched to w×h with its corners scaled to radius r.
func nineSlice(dst *ebiten.Image, s *Sprite, x, y, w, h, r float64, c color.Color) {
	if s.slices[0][0] == nil {
		img := s.Image()
		for i, bx := range bands {
			for j, by := range bands {
				s.slices[i][j] = img.SubImage(image.Rect(bx[0], by[0], bx[1], by[1])).(*ebiten.Image)
			}
		}
	}
	r = max(0, min(r, w/2, h/2))
	dstX := [3][2]float64{{x, x + r}, {x + r, x + w - r}, {x + w - r, x + w}}
	dstY := [3][2]float64{{y, y + r}, {y + r, y + h - r}, {y + h - r, y + h}}
	op := &spriteOp
	for i := range 3 {
		for j := range 3 {
			dw, dh := dstX[i][1]-dstX[i][0], dstY[j][1]-dstY[j][0]
			if dw <= 0 || dh <= 0 {
				continue
			}
			sub := s.slices[i][j]
			sw, sh := float64(bands[i][1]-bands[i][0]), float64(bands[j][1]-bands[j][0])
			op.GeoM.Reset()
			op.GeoM.Scale(dw/sw, dh/sh)
			op.GeoM.Translate(dstX[i][0], dstY[j][0])
			op.ColorScale.Reset()
			op.ColorScale.ScaleWithColor(c)
			op.Filter = ebiten.FilterLinear
			dst.DrawImage(sub, op)
		}
	}
}
