package app

import (
	"fmt"
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// closed says why the connection ended over the last frame of the scene before, dimmed, and
// offers to reconnect.
type closed[I any] struct {
	app    *App[I]
	behind ui.Scene // drawn, never updated: it stays as it was
	reason string
	code   string
	// badName says the server refused the name: the likely next step is to pick another.
	badName bool
	ticks   int

	box        image.Rectangle
	lines      []string
	wrapWidth  float64
	reconnect  ui.Button
	changeName ui.Button
}

func newClosed[I any](a *App[I], behind ui.Scene, v netclient.View) *closed[I] {
	c := &closed[I]{app: a, behind: behind, reason: v.Reason, badName: v.Code == int(wire.CloseBadName),
		reconnect: ui.Button{Label: "Reconnect"}, changeName: ui.Button{Label: "Change name", Secondary: true}}
	if c.badName {
		c.reconnect.Secondary, c.changeName.Secondary = true, false
	}
	if c.reason == "" {
		c.reason = "The connection closed."
	}
	if v.Code != 0 {
		c.code = fmt.Sprintf("close code %d", v.Code)
	}
	return c
}

// armTicks is how long the screen ignores input, so that a tap or key meant for the game does not
// reconnect at once.
const armTicks = 30

func (c *closed[I]) Update(ctx *ui.Context) error {
	c.ticks++
	c.layout(ctx)
	if c.ticks < armTicks {
		return nil
	}
	// Enter, or a tap outside the buttons, takes the likely next step.
	enter := inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter) ||
		len(ctx.Taps) > 0 && !ctx.Tapped(c.box)
	switch {
	case c.changeName.Pressed(ctx) || inpututil.IsKeyJustPressed(ebiten.KeyEscape) || enter && c.badName:
		c.app.toTitle()
	case c.reconnect.Pressed(ctx) || enter:
		c.app.connect(c.app.cfg.Name)
	}
	return nil
}

func (c *closed[I]) layout(ctx *ui.Context) {
	w, h := float64(ctx.W), float64(ctx.H)
	bw := min(ctx.Px(480), w-ctx.Px(32))
	pad := ctx.Px(28)
	if ww := bw - 2*pad; ww != c.wrapWidth {
		face := ctx.Theme.Face(ui.Body)
		c.lines = ui.Wrap(c.reason, ww, func(s string) float64 { return ui.Measure(s, face) })
		c.wrapWidth = ww
	}
	bh := ctx.Px(210) + float64(len(c.lines))*ctx.Px(24)
	x, y := w/2-bw/2, h/2-bh/2
	c.box = rect(x, y, bw, bh)
	bwid := (bw - 2*pad - ctx.Px(12)) / 2
	by := y + bh - pad - ctx.Px(48)
	c.reconnect.Rect = rect(x+pad, by, bwid, ctx.Px(48))
	c.changeName.Rect = rect(x+pad+bwid+ctx.Px(12), by, bwid, ctx.Px(48))
}

func (c *closed[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	c.behind.Draw(screen, ctx)
	ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.72)
	if c.box.Empty() {
		return // not laid out yet
	}
	th := ctx.Theme
	ui.Dialog(screen, ctx, c.box)
	x := float64(c.box.Min.X) + ctx.Px(28)
	y := float64(c.box.Min.Y) + ctx.Px(42)
	ui.Text(screen, "Disconnected", th.Bold(ui.Large), x, y, ui.Start, ui.Center, ui.Bad)
	y += ctx.Px(40)
	for _, l := range c.lines {
		ui.Text(screen, l, th.Face(ui.Body), x, y, ui.Start, ui.Center, ui.TextColor)
		y += ctx.Px(24)
	}
	if c.code != "" {
		ui.Text(screen, c.code, th.Face(ui.Small), x, y+ctx.Px(2), ui.Start, ui.Center, ui.Muted)
	}
	hint := "Press Enter or tap to reconnect · Esc to change name"
	switch {
	case c.badName:
		hint = "Press Enter or tap to pick another name"
	case ctx.Touch:
		hint = "Tap to reconnect"
	}
	ui.Text(screen, hint, th.Face(ui.Small), float64(c.box.Min.X+c.box.Dx()/2), float64(c.reconnect.Rect.Min.Y)-ctx.Px(22), ui.Center, ui.Center, ui.Muted)
	if c.ticks >= armTicks {
		c.reconnect.Draw(screen, ctx)
		c.changeName.Draw(screen, ctx)
	}
}
