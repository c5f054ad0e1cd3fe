package ui

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// textOp is reused between calls, so that drawing text allocates little. Draw runs on one
// goroutine.
var textOp text.DrawOptions

// FillRect fills a rectangle with c at opacity alpha.
func FillRect(dst *ebiten.Image, x, y, w, h float32, c color.Color, alpha float32) {
	vector.FillRect(dst, x, y, w, h, scaleAlpha(c, alpha), false)
}

func scaleAlpha(c color.Color, alpha float32) color.Color {
	var s ebiten.ColorScale
	s.ScaleWithColor(c)
	s.ScaleAlpha(alpha)
	return color.RGBA{uint8(s.R()*255 + 0.5), uint8(s.G()*255 + 0.5), uint8(s.B()*255 + 0.5), uint8(s.A()*255 + 0.5)}
}

// Panel draws the translucent box the HUD sits on, in device pixels.
func Panel(dst *ebiten.Image, ctx *Context, r image.Rectangle) { panel(dst, ctx, r, PanelFill) }

// Dialog draws the opaque box a message sits on, in device pixels.
func Dialog(dst *ebiten.Image, ctx *Context, r image.Rectangle) { panel(dst, ctx, r, DialogFill) }

func panel(dst *ebiten.Image, ctx *Context, r image.Rectangle, fill color.Color) {
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	rad := ctx.Px(10)
	RoundRect(dst, x, y+ctx.Px(4), w, h, rad, color.RGBA{0, 0, 0, 0x50})
	RoundRect(dst, x, y, w, h, rad, fill)
	RoundRectEdge(dst, x, y, w, h, rad, PanelEdge)
}

// Align says where a text's anchor is: at its start, centre or end.
type Align = text.Align

// Alignments.
const (
	Start  = text.AlignStart
	Center = text.AlignCenter
	End    = text.AlignEnd
)

// Text draws s with face at (x, y) in colour c; h and v say which point of the text (x, y) is.
func Text(dst *ebiten.Image, s string, face text.Face, x, y float64, h, v Align, c color.Color) {
	textOp = text.DrawOptions{}
	textOp.PrimaryAlign, textOp.SecondaryAlign = h, v
	textOp.GeoM.Translate(math.Round(x), math.Round(y))
	textOp.ColorScale.ScaleWithColor(c)
	text.Draw(dst, s, face, &textOp)
}

// ShadowText draws s like [Text] over a soft dark shadow, for text on a busy background.
func ShadowText(dst *ebiten.Image, s string, face text.Face, x, y, off float64, h, v Align, c color.Color) {
	Text(dst, s, face, x+off, y+off, h, v, color.RGBA{0, 0, 0, 0xa0})
	Text(dst, s, face, x, y, h, v, c)
}

// ScaledText draws s like [ShadowText], magnified by k about its anchor (x, y).
func ScaledText(dst *ebiten.Image, s string, face text.Face, x, y, k, off float64, h, v Align, c color.Color) {
	scaledText(dst, s, face, x+off, y+off, k, h, v, color.RGBA{0, 0, 0, 0xa0})
	scaledText(dst, s, face, x, y, k, h, v, c)
}

func scaledText(dst *ebiten.Image, s string, face text.Face, x, y, k float64, h, v Align, c color.Color) {
	textOp = text.DrawOptions{}
	textOp.PrimaryAlign, textOp.SecondaryAlign = h, v
	textOp.GeoM.Scale(k, k)
	textOp.GeoM.Translate(math.Round(x), math.Round(y))
	textOp.ColorScale.ScaleWithColor(c)
	text.Draw(dst, s, face, &textOp)
}

// Measure returns the width of s in face.
func Measure(s string, face text.Face) float64 { return text.Advance(s, face) }

// Button is a clickable, tappable label.
type Button struct {
	Label string
	Rect  image.Rectangle // set by the scene's Update when the screen changes
	// Disabled buttons are drawn faded and never report a press.
	Disabled bool
	// Secondary buttons are drawn as an outline, for the less likely choice.
	Secondary bool
}

// Pressed reports whether the button was clicked or tapped this tick.
func (b *Button) Pressed(ctx *Context) bool { return !b.Disabled && ctx.Tapped(b.Rect) }

// Draw draws the button, lighter when the mouse is over it.
func (b *Button) Draw(dst *ebiten.Image, ctx *Context) {
	r := b.Rect
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	hover := !b.Disabled && !ctx.Touch && image.Pt(ebiten.CursorPosition()).In(r)
	rad := ctx.Px(12)
	if b.Secondary {
		fill, edge := color.RGBA{0x16, 0x1e, 0x36, 0xff}, PanelEdge
		if hover {
			fill, edge = color.RGBA{0x20, 0x2a, 0x4a, 0xff}, Muted
		}
		RoundRect(dst, x, y, w, h, rad, edge)
		lw := ctx.Px(1.5)
		RoundRect(dst, x+lw, y+lw, w-2*lw, h-2*lw, rad-lw, fill)
		Text(dst, b.Label, ctx.Theme.Bold(Body), x+w/2, y+h/2, Center, Center, TextColor)
		return
	}
	c := Accent
	if b.Disabled {
		c = color.RGBA{0x6a, 0x62, 0x48, 0xff}
	} else if hover {
		c = color.RGBA{0xff, 0xdb, 0x70, 0xff}
	}
	RoundRect(dst, x, y+ctx.Px(3), w, h, rad, color.RGBA{0, 0, 0, 0x60})
	RoundRect(dst, x, y, w, h, rad, c)
	Text(dst, b.Label, ctx.Theme.Bold(Large), x+w/2, y+h/2, Center, Center, AccentText)
}
