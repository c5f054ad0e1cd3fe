package app

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// title is the first screen when no name was given: pick a name, then play.
type title[I any] struct {
	app   *App[I]
	field *ui.NameField
	rng   *rand.Rand
	chars []rune

	// Layout, set by Update from the screen size.
	panel, fieldBox image.Rectangle
	play, another   ui.Button
	titleY          float64
}

func newTitle[I any](a *App[I]) *title[I] {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	name := a.cfg.Name
	if name == "" {
		name = ui.RandomName(rng)
	}
	return &title[I]{app: a, rng: rng, field: ui.NewNameField(name),
		play: ui.Button{Label: "Play"}, another: ui.Button{Label: "Another name"}}
}

func (t *title[I]) Update(ctx *ui.Context) error {
	t.layout(ctx)
	in := t.app.cfg.Page.NameInput
	enter := inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter)
	if in != nil {
		// The page's own input holds the name (a phone's keyboard appears for it); the field
		// keeps what of it the server accepts.
		in.Show(t.fieldBox, ctx.Scale, t.field.Text())
		t.field = ui.NewNameField(in.Text())
		enter = enter || in.Submitted()
	} else {
		t.chars = ebiten.AppendInputChars(t.chars[:0])
		t.field.Type(t.chars)
		if d := inpututil.KeyPressDuration(ebiten.KeyBackspace); d == 1 || d > 24 && d%3 == 0 {
			t.field.Backspace()
		}
	}
	if t.another.Pressed(ctx) {
		t.field = ui.NewNameField(ui.RandomName(t.rng))
		if in != nil {
			in.Set(t.field.Text())
		}
	}
	name := t.field.Name()
	t.play.Disabled = name == ""
	if name != "" && (enter || t.play.Pressed(ctx)) {
		if in != nil {
			in.Hide()
		}
		t.app.connect(name)
	}
	return nil
}

// pageView implements pageViewer.
func (t *title[I]) pageView(d *netclient.DebugPage, ctx *ui.Context) {
	d.Scene = "title"
	debugButtons(d, ctx, &t.play, &t.another)
}

func (t *title[I]) layout(ctx *ui.Context) {
	w, h := float64(ctx.W), float64(ctx.H)
	pw := min(ctx.Px(420), w-ctx.Px(32))
	ph := ctx.Px(250)
	cx := w / 2
	top := max(h/2-ph/2+ctx.Px(50), ctx.Px(150))
	t.titleY = top - ctx.Px(36)
	t.panel = rect(cx-pw/2, top, pw, ph)
	pad := ctx.Px(24)
	t.fieldBox = rect(cx-pw/2+pad, top+ctx.Px(52), pw-2*pad, ctx.Px(52))
	t.play.Rect = rect(cx-pw/2+pad, top+ctx.Px(124), pw-2*pad, ctx.Px(56))
	t.another.Rect = rect(cx-ctx.Px(80), top+ctx.Px(196), ctx.Px(160), ctx.Px(34))
}

func rect(x, y, w, h float64) image.Rectangle {
	return image.Rect(int(x), int(y), int(x+w), int(y+h))
}

func (t *title[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	ui.Backdrop(screen, ctx)
	drawDecoration(screen, ctx)
	th := ctx.Theme
	cx := float64(ctx.W) / 2

	ui.ShadowText(screen, t.app.title, th.Bold(ui.Title), cx, t.titleY-ctx.Px(26), ctx.Px(3), ui.Center, ui.End, ui.Accent)
	ui.Text(screen, t.app.tagline, th.Face(ui.Body), cx, t.titleY, ui.Center, ui.Center, ui.Muted)

	ui.Panel(screen, ctx, t.panel)
	p := t.panel
	ui.Text(screen, "YOUR NAME", th.Bold(ui.Small), float64(t.fieldBox.Min.X), float64(p.Min.Y)+ctx.Px(32), ui.Start, ui.Center, ui.Muted)

	f := t.fieldBox
	fx, fy, fw, fh := float64(f.Min.X), float64(f.Min.Y), float64(f.Dx()), float64(f.Dy())
	lw := ctx.Px(2)
	ui.RoundRect(screen, fx, fy, fw, fh, ctx.Px(8), ui.Accent)
	ui.RoundRect(screen, fx+lw, fy+lw, fw-2*lw, fh-2*lw, ctx.Px(8)-lw, color.RGBA{0x05, 0x08, 0x12, 0xff})
	face := th.Face(ui.Large)
	s := t.field.Text()
	tx, ty := float64(f.Min.X)+ctx.Px(14), float64(f.Min.Y)+float64(f.Dy())/2
	if t.app.cfg.Page.NameInput != nil {
		s = "" // the page's input shows the name, over the field
	}
	ui.Text(screen, s, face, tx, ty, ui.Start, ui.Center, ui.TextColor)
	if (ctx.Tick/30)%2 == 0 && t.app.cfg.Page.NameInput == nil {
		caret := float32(tx + ui.Measure(s, face) + ctx.Px(2))
		vector.FillRect(screen, caret, float32(fy+fh*0.25), float32(ctx.Px(2)), float32(fh*0.5), ui.TextColor, false)
	}
	t.play.Draw(screen, ctx)

	a := t.another.Rect
	label := ui.Muted
	if image.Pt(ebiten.CursorPosition()).In(a) && !ctx.Touch {
		label = ui.TextColor
	}
	ui.Text(screen, "Another name", th.Face(ui.Body), float64(a.Min.X+a.Dx()/2), float64(a.Min.Y+a.Dy()/2), ui.Center, ui.Center, label)

	hint := "Type a name, then press Enter"
	if ctx.Touch {
		hint = "Tap Play to join"
	}
	if r := t.app.cfg.Room; r != "" {
		hint += " · room " + r
	}
	ui.Text(screen, hint, th.Face(ui.Small), cx, float64(p.Max.Y)+ctx.Px(28), ui.Center, ui.Center, ui.Muted)
}

// decoration is a few discs and orbs drifting behind the title, in the arena's colours.
var decoration = []struct {
	x, y, r, speed, phase float64
	c                     color.RGBA
}{
	{0.12, 0.22, 26, 0.7, 0, color.RGBA{0x4d, 0xab, 0xf7, 0xff}},
	{0.85, 0.30, 22, 0.9, 1, color.RGBA{0xff, 0x6b, 0x6b, 0xff}},
	{0.18, 0.78, 24, 0.6, 2, color.RGBA{0x51, 0xcf, 0x66, 0xff}},
	{0.80, 0.80, 28, 0.8, 3, color.RGBA{0xcc, 0x5d, 0xe8, 0xff}},
	{0.30, 0.10, 8, 1.3, 4, color.RGBA{0x7e, 0xe8, 0xfa, 0xff}},
	{0.68, 0.12, 10, 1.1, 5, color.RGBA{0xff, 0xd4, 0x3b, 0xff}},
	{0.06, 0.50, 8, 1.2, 6, color.RGBA{0x7e, 0xe8, 0xfa, 0xff}},
	{0.93, 0.58, 8, 1.0, 7, color.RGBA{0x7e, 0xe8, 0xfa, 0xff}},
	{0.45, 0.92, 10, 1.4, 8, color.RGBA{0xff, 0xd4, 0x3b, 0xff}},
}

func drawDecoration(screen *ebiten.Image, ctx *ui.Context) {
	t := float64(ctx.Tick) / 60
	for _, d := range decoration {
		x := d.x*float64(ctx.W) + math.Sin(t*d.speed*0.5+d.phase)*ctx.Px(18)
		y := d.y*float64(ctx.H) + math.Cos(t*d.speed*0.4+d.phase)*ctx.Px(14)
		r := ctx.Px(d.r)
		ui.DrawSprite(screen, ui.Glow, x, y, r*2.2, 0, d.c, 0.35)
		ui.Circle(screen, x, y, r, d.c)
		ui.DrawSprite(screen, ui.Disc, x-r*0.28, y-r*0.3, r*0.45, 0, color.White, 0.22)
	}
}
