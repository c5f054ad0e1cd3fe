package arena

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

var (
	white  = color.RGBA{0xff, 0xff, 0xff, 0xff}
	black  = color.RGBA{0, 0, 0, 0xff}
	shadow = color.RGBA{0x02, 0x04, 0x0a, 0xff}
)

// drawFloor draws the outside, the arena's floor with its grid, and the wall.
func (c *Client) drawFloor(screen *ebiten.Image, ctx *ui.Context) {
	screen.Fill(outside)
	cam := &c.cam
	x0, y0 := cam.ToScreen(0, 0)
	x1, y1 := cam.ToScreen(arenaW, arenaH)
	vector.FillRect(screen, float32(x0), float32(y0), float32(x1-x0), float32(y1-y0), floorColor, false)

	lw := float32(max(1, math.Round(ctx.Px(1))))
	const step = 100
	left, right := max(0, cam.X-cam.W/2/cam.Zoom), min(arenaW, cam.X+cam.W/2/cam.Zoom)
	top, bottom := max(0, cam.Y-cam.H/2/cam.Zoom), min(arenaH, cam.Y+cam.H/2/cam.Zoom)
	for gx := math.Ceil(left/step) * step; gx <= right; gx += step {
		col, w := gridMinor, lw
		if math.Mod(gx, 500) == 0 {
			col, w = gridMajor, 2*lw
		}
		sx, _ := cam.ToScreen(gx, 0)
		vector.FillRect(screen, float32(sx)-w/2, float32(y0), w, float32(y1-y0), col, false)
	}
	for gy := math.Ceil(top/step) * step; gy <= bottom; gy += step {
		col, w := gridMinor, lw
		if math.Mod(gy, 500) == 0 {
			col, w = gridMajor, 2*lw
		}
		_, sy := cam.ToScreen(0, gy)
		vector.FillRect(screen, float32(x0), float32(sy)-w/2, float32(x1-x0), w, col, false)
	}

	// The wall: a soft glow outside and a bright line. Plain rectangles: they batch, and cost no
	// more than their own pixels (an anti-aliased path would cover the whole arena).
	z := cam.Zoom
	for i, a := range []float32{0.07, 0.12, 0.2} {
		frame(screen, x0, y0, x1, y1, z*float64(18-6*i), scale(borderColor, a))
	}
	frame(screen, x0, y0, x1, y1, math.Max(2, z*4), borderColor)
}

// frame draws a band of width w just outside the rectangle (x0, y0)-(x1, y1).
func frame(dst *ebiten.Image, x0, y0, x1, y1, w float64, c color.Color) {
	vector.FillRect(dst, float32(x0-w), float32(y0-w), float32(x1-x0+2*w), float32(w), c, false)
	vector.FillRect(dst, float32(x0-w), float32(y1), float32(x1-x0+2*w), float32(w), c, false)
	vector.FillRect(dst, float32(x0-w), float32(y0), float32(w), float32(y1-y0), c, false)
	vector.FillRect(dst, float32(x1), float32(y0), float32(w), float32(y1-y0), c, false)
}

// scale returns c at opacity a, premultiplied.
func scale(c color.RGBA, a float32) color.RGBA {
	return color.RGBA{uint8(float32(c.R) * a), uint8(float32(c.G) * a), uint8(float32(c.B) * a), uint8(float32(c.A) * a)}
}

func (c *Client) drawOrbs(screen *ebiten.Image) {
	cam := &c.cam
	z := cam.Zoom
	for i, o := range c.orbs {
		if !cam.Visible(o.X, o.Y, orbR*5) {
			continue
		}
		x, y := cam.ToScreen(o.X, o.Y)
		phase := c.time*4 + float64(i)*1.7
		if o.Value > 1 { // golden: bigger, brighter, pulsing
			pulse := 1 + 0.18*math.Sin(phase*1.3)
			r := orbR * 1.35 * z
			ui.DrawSprite(screen, glow, x, y, orbR*5*pulse*z, 0, goldColor, 0.7)
			ui.DrawSprite(screen, disc, x, y, r, 0, goldColor, 1)
			ui.DrawSprite(screen, ring, x, y, r, 0, shade(goldColor, 0.55), 1)
			ui.DrawSprite(screen, disc, x-r*0.3, y-r*0.3, r*0.35, 0, white, 0.9)
			continue
		}
		pulse := 1 + 0.1*math.Sin(phase)
		r := orbR * 1.05 * z
		ui.DrawSprite(screen, glow, x, y, orbR*3.6*pulse*z, 0, orbColor, 0.55)
		ui.DrawSprite(screen, disc, x, y, r, 0, orbColor, 1)
		ui.DrawSprite(screen, disc, x-r*0.28, y-r*0.28, r*0.4, 0, white, 0.8)
	}
}

func (c *Client) drawDrones(screen *ebiten.Image) {
	cam := &c.cam
	z := cam.Zoom
	for _, d := range c.drones {
		if !cam.Visible(d.X, d.Y, droneR*3) {
			continue
		}
		x, y := cam.ToScreen(d.X, d.Y)
		ui.DrawSprite(screen, disc, x+3*z, y+5*z, droneR*z, 0, shadow, 0.4)
		ui.DrawSprite(screen, glow, x, y, droneR*3.2*z, 0, droneColor, 0.45+0.15*float32(math.Sin(c.time*6+d.Angle)))
		ui.DrawImage(screen, droneSprite(), x, y, droneR*1.3*z/ui.SpriteR, d.Angle, white, 1)
	}
}

func (c *Client) drawPlayers(screen *ebiten.Image, ctx *ui.Context) {
	cam := &c.cam
	z := cam.Zoom
	for i := range c.players {
		p := &c.players[i]
		if !cam.Visible(p.X, p.Y, playerR*3) {
			continue
		}
		x, y := cam.ToScreen(p.X, p.Y)
		col := palette[p.Color]
		r := playerR * z
		ui.DrawSprite(screen, disc, x+3*z, y+5*z, r, 0, shadow, 0.45)
		if p.Dash > 0 {
			ui.DrawSprite(screen, glow, x, y, r*2.4, 0, col, 0.7)
		}
		if p.Me {
			pulse := 1 + 0.04*math.Sin(c.time*5)
			ui.DrawSprite(screen, glow, x, y, r*1.9*pulse, 0, white, 0.18)
		}
		ui.DrawSprite(screen, disc, x, y, r, 0, col, 1)
		ui.DrawSprite(screen, disc, x-r*0.28, y-r*0.3, r*0.45, 0, white, 0.22)
		ui.DrawSprite(screen, ring, x, y, r, 0, shade(col, 0.55), 1)
		if p.Me {
			ui.DrawSprite(screen, ring, x, y, r+ctx.Px(5), 0, white, 0.95)
		}
	}
	// Names go over every disc.
	face := ctx.Theme.Bold(ui.Small)
	for i := range c.players {
		p := &c.players[i]
		if p.Name == "" || !cam.Visible(p.X, p.Y, playerR*3) {
			continue
		}
		x, y := cam.ToScreen(p.X, p.Y)
		col := ui.TextColor
		if p.Me {
			col = ui.Accent
		}
		ui.ShadowText(screen, p.Name, face, x, y-playerR*z-ctx.Px(10), ctx.Px(1), ui.Center, ui.End, col)
	}
}

// drawParticles draws the effects under the discs (ghosts and rings) or over them (sparks).
func (c *Client) drawParticles(screen *ebiten.Image, over bool) {
	cam := &c.cam
	z := cam.Zoom
	for i := range c.particles.List {
		p := &c.particles.List[i]
		if (p.Kind == Spark) != over || !cam.Visible(p.X, p.Y, p.R*3) {
			continue
		}
		x, y := cam.ToScreen(p.X, p.Y)
		f := p.Fade()
		col := effectColor(p.Color)
		switch p.Kind {
		case Spark:
			a := float32(1 - f*f)
			ui.DrawSprite(screen, glow, x, y, p.R*3.5*z, 0, col, 0.5*a)
			ui.DrawSprite(screen, disc, x, y, p.R*(1-0.5*f)*z, 0, shade(col, 1.5), a)
		case Ghost:
			ui.DrawSprite(screen, disc, x, y, p.R*(1-0.3*f)*z, 0, col, float32(0.35*(1-f)))
		case Ring:
			ui.DrawSprite(screen, ring, x, y, p.R*z, 0, col, float32(0.55*(1-f)))
		}
	}
}

func (c *Client) drawPopups(screen *ebiten.Image, ctx *ui.Context) {
	face := ctx.Theme.Bold(ui.Large)
	for _, p := range c.popups {
		x, y := c.cam.ToScreen(p.X, p.Y)
		col := orbColor
		if p.Gold {
			col = goldColor
		}
		a := float32(min(1, p.Life/p.Max*2))
		ui.ShadowText(screen, p.Text, face, x, y, ctx.Px(1.5), ui.Center, ui.End, scale(col, a))
	}
}
