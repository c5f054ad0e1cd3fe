package arena

import (
	"image"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// The minimap shows every player in the room, from the standings' coarse positions (a hundred
// pixels to a step, three times a second: enough to find someone, too coarse to aim at them), and
// the own view's box. It is a panel and a sprite per player: cheap under software rendering.

// MinimapRect is where the minimap goes on a w×h screen at scale: the bottom right corner, above
// the DASH button when the touch controls are shown; its size keeps the arena's proportions.
func MinimapRect(w, h int, scale float64, touch bool) image.Rectangle {
	mw := 176 * scale
	if float64(w) < 760*scale { // a phone held upright
		mw = 128 * scale
	}
	mh := mw * arenaH / arenaW
	m := 12 * scale
	x1, y1 := float64(w)-m, float64(h)-m
	if touch {
		y1 -= 190 * scale // and the help line above it on a phone
	}
	return image.Rect(int(x1-mw), int(y1-mh), int(x1), int(y1))
}

// MinimapPoint maps arena pixels to a point of the minimap r.
func MinimapPoint(r image.Rectangle, x, y float64) (float64, float64) {
	return float64(r.Min.X) + x/arenaW*float64(r.Dx()), float64(r.Min.Y) + y/arenaH*float64(r.Dy())
}

func (c *Client) drawMinimap(screen *ebiten.Image, ctx *ui.Context) {
	if !c.standings.have {
		return
	}
	r := MinimapRect(ctx.W, ctx.H, ctx.Scale, c.touch(ctx) && !c.spectator)
	ui.Panel(screen, ctx, r)
	// The own view's box, where the camera is.
	cam := &c.cam
	vx0, vy0 := MinimapPoint(r, max(0, cam.X-cam.W/2/cam.Zoom), max(0, cam.Y-cam.H/2/cam.Zoom))
	vx1, vy1 := MinimapPoint(r, min(arenaW, cam.X+cam.W/2/cam.Zoom), min(arenaH, cam.Y+cam.H/2/cam.Zoom))
	lw := float32(max(1, ctx.Px(1)))
	vector.StrokeRect(screen, float32(vx0), float32(vy0), float32(vx1-vx0), float32(vy1-vy0), lw, scale(ui.TextColor, 0.35), false)

	dot := ctx.Px(3.5)
	for _, p := range c.standings.msg.Players {
		x, y := float64(p.X*arena.Coarse), float64(p.Y*arena.Coarse)
		if p.Player == c.me && c.mine != nil { // the own disc where it is drawn, not a step away
			x, y = c.mine.X, c.mine.Y
		}
		sx, sy := MinimapPoint(r, x, y)
		col := palette[playerColor(p.Player)]
		if p.Player == c.me || (c.followed != nil && p.Player == c.followed.ID) {
			ui.DrawSprite(screen, disc, sx, sy, dot*1.7, 0, ui.TextColor, 1)
		}
		ui.DrawSprite(screen, disc, sx, sy, dot, 0, col, 1)
	}
}
