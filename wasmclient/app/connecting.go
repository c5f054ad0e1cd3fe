package app

import (
	"image/color"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// connecting shows progress until the first snapshot arrives.
type connecting[I any] struct {
	app    *App[I]
	client *netclient.Client[I]
	ticks  int
	status netclient.Status
}

func (c *connecting[I]) Update(ctx *ui.Context) error {
	c.ticks++
	v := c.client.View()
	c.status = v.Status
	switch {
	case v.Status == netclient.Closed:
		ctx.Switch(newClosed(c.app, c, v))
	case v.Status == netclient.Connected && v.Snapshots > 0:
		ctx.GoTo(&playing[I]{app: c.app, client: c.client})
	}
	return nil
}

func (c *connecting[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	ui.Backdrop(screen, ctx)
	th := ctx.Theme
	cx, cy := float64(ctx.W)/2, float64(ctx.H)/2

	// A ring of dots, one bright and the others trailing.
	const n = 10
	lead := float64(c.ticks) / 5
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		k := math.Mod(lead-float64(i)+n*100, n) / n // 0 for the leading dot
		x, y := cx+math.Cos(a-math.Pi/2)*ctx.Px(34), cy-ctx.Px(40)+math.Sin(a-math.Pi/2)*ctx.Px(34)
		ui.DrawSprite(screen, ui.Disc, x, y, ctx.Px(6), 0, ui.Accent, float32(1-0.85*k))
	}

	msg := "Connecting…"
	if c.status == netclient.Connected {
		msg = "Joining the room…"
	}
	ui.Text(screen, msg, th.Bold(ui.Large), cx, cy+ctx.Px(30), ui.Center, ui.Center, ui.TextColor)
	sub := "as " + c.app.cfg.Name
	if c.app.cfg.Spectate {
		sub = "as a spectator"
	}
	if r := c.app.cfg.Room; r != "" {
		sub = "room " + r + " · " + sub
	}
	ui.Text(screen, sub, th.Face(ui.Body), cx, cy+ctx.Px(62), ui.Center, ui.Center, ui.Muted)
	if v := c.client.View(); v.Attempt > 0 {
		// A reloaded page resuming its seat, or a server not answering: say what, never where.
		_, line := reconnectText(v, time.Now())
		ui.Text(screen, line, th.Face(ui.Small), cx, cy+ctx.Px(92), ui.Center, ui.Center, color.RGBA{0x6a, 0x76, 0x98, 0xff})
	}
}

// pageView implements pageViewer.
func (c *connecting[I]) pageView(d *netclient.DebugPage, _ *ui.Context) { d.Scene = "connecting" }
