package pong

import (
	"image"
	"image/color"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Colours of the two sides and the field.
var (
	sideColor = [2]color.RGBA{{0x4d, 0xab, 0xf7, 0xff}, {0xff, 0x6b, 0x6b, 0xff}}
	fieldFill = color.RGBA{0x07, 0x0b, 0x18, 0xff}
	fieldLine = color.RGBA{0x2a, 0x36, 0x5c, 0xff}
	ballColor = color.RGBA{0xf8, 0xf4, 0xe3, 0xff}
)

// Draw implements app.Game.
func (c *Client) Draw(screen *ebiten.Image, ctx *ui.Context) {
	ui.Backdrop(screen, ctx)
	f := c.fit(ctx)
	c.drawField(screen, ctx, f)
	c.drawPaddles(screen, ctx, f)
	c.drawBall(screen, ctx, f)
	c.drawBubbles(screen, ctx, f)
	c.drawBanner(screen, ctx, f)
	c.drawReplayOffer(screen, ctx)
	c.drawTop(screen, ctx, f)
}

func (c *Client) drawField(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	x0, y0 := f.Screen(0, 0)
	x1, y1 := f.Screen(px(pong.Width), px(pong.Height))
	lw := ctx.Px(2)
	ui.RoundRect(screen, x0-lw, y0-lw, x1-x0+2*lw, y1-y0+2*lw, ctx.Px(10), fieldLine)
	ui.RoundRect(screen, x0, y0, x1-x0, y1-y0, ctx.Px(9), fieldFill)
	if c.flash > 0 { // the half of the side that scored lights up
		mid := (x0 + x1) / 2
		hx := x0
		if c.flashSide == pong.Right {
			hx = mid
		}
		ui.FillRect(screen, float32(hx), float32(y0), float32(mid-x0), float32(y1-y0), sideColor[c.flashSide], float32(0.22*c.flash))
	}
	// The dashed centre line.
	cx := (x0 + x1) / 2
	dash, gap := 18*f.K, 14*f.K
	for y := y0 + gap/2; y < y1; y += dash + gap {
		ui.FillRect(screen, float32(cx-lw), float32(y), float32(2*lw), float32(min(dash, y1-y)), fieldLine, 1)
	}
}

func (c *Client) drawPaddles(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	hw, hh := px(pong.PaddleHalfW), px(pong.PaddleHalfH)
	for _, side := range []pong.Side{pong.Left, pong.Right} {
		p := c.model.Paddles[side]
		if !p.Present {
			continue
		}
		x, y := f.Screen(px(pong.PaddleX(side))-hw, c.paddleY[side]-hh)
		w, h := 2*hw*f.K, 2*hh*f.K
		col := sideColor[side]
		if p.Me {
			ui.DrawSprite(screen, ui.Glow, x+w/2, y+h/2, h*0.9, 0, col, 0.35)
			o := ctx.Px(2.5)
			ui.RoundRect(screen, x-o, y-o, w+2*o, h+2*o, w/2+o, ui.Accent)
		}
		ui.RoundRect(screen, x, y, w, h, w/2, col)
		if (c.model.Phase == pong.Ready || c.model.Phase == pong.Over) && p.Ready {
			tx := x + w/2 + ctx.Px(34)
			if side == pong.Right {
				tx = x + w/2 - ctx.Px(34)
			}
			ui.Text(screen, "READY", ctx.Theme.Bold(ui.Small), tx, y+h/2, ui.Center, ui.Center, ui.Good)
		}
	}
}

func (c *Client) drawBall(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	r := px(pong.BallRadius) * f.K
	if c.model.Phase == pong.Playing {
		for i := c.trails - 1; i >= 1; i-- {
			x, y := f.Screen(c.trail[i][0], c.trail[i][1])
			k := 1 - float64(i)/float64(len(c.trail))
			ui.DrawSprite(screen, ui.Disc, x, y, r*(0.5+0.5*k), 0, ballColor, float32(0.25*k))
		}
	}
	x, y := f.Screen(c.ballX, c.ballY)
	ui.DrawSprite(screen, ui.Glow, x, y, r*3, 0, ballColor, 0.35)
	ui.Circle(screen, x, y, r, ballColor)
}

func (c *Client) drawBubbles(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	face := ctx.Theme.Bold(ui.Body)
	for _, b := range c.bubbles {
		for _, side := range []pong.Side{pong.Left, pong.Right} {
			p := c.model.Paddles[side]
			if !p.Present || p.ID != b.Player {
				continue
			}
			x, y := f.Screen(px(pong.PaddleX(side)), c.paddleY[side]-px(pong.PaddleHalfH))
			w := ui.Measure(b.Text, face) + ctx.Px(20)
			h := ctx.Px(30)
			bx := x + ctx.Px(14)
			if side == pong.Right {
				bx = x - ctx.Px(14) - w
			}
			by := y - h - ctx.Px(6)
			alpha := float32(min(1, b.Life/0.3))
			ui.FillRect(screen, float32(bx), float32(by), float32(w), float32(h), ui.DialogFill, alpha)
			ui.Text(screen, b.Text, face, bx+w/2, by+h/2, ui.Center, ui.Center, sideColor[side])
		}
	}
}

func (c *Client) drawBanner(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	title, sub := c.model.Banner()
	if !c.model.HaveSnapshot || title == "" {
		return
	}
	th := ctx.Theme
	cx, cy := f.Screen(px(pong.Width/2), px(pong.Height/2))
	w := max(ui.Measure(sub, th.Face(ui.Body)), ui.Measure(title, th.Bold(ui.Title))) + ctx.Px(56)
	h := ctx.Px(130)
	ui.Panel(screen, ctx, image.Rect(int(cx-w/2), int(cy-h/2), int(cx+w/2), int(cy+h/2)))
	ui.ShadowText(screen, title, th.Bold(ui.Title), cx, cy-ctx.Px(14), ctx.Px(3), ui.Center, ui.Center, ui.Accent)
	ui.Text(screen, sub, th.Face(ui.Body), cx, cy+ctx.Px(38), ui.Center, ui.Center, ui.TextColor)
}

// drawTop draws the status line, the spectator badge, and each side's name and score above the
// field.
func (c *Client) drawTop(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	th := ctx.Theme
	m := ctx.Px(12)
	face := th.Face(ui.Small)
	h := ctx.Px(28)
	w := ui.Measure(c.status, face) + ctx.Px(24)
	ui.Panel(screen, ctx, image.Rect(int(m), int(m), int(m+w), int(m+h)))
	ui.Text(screen, c.status, face, m+ctx.Px(12), m+h/2, ui.Start, ui.Center, ui.TextColor)
	if c.model.Spectator && !c.replay { // a replay's own bar says what is shown
		label := "SPECTATING"
		bw := ui.Measure(label, th.Bold(ui.Small)) + ctx.Px(28)
		x := float64(ctx.W) - m - bw
		ui.RoundRect(screen, x, m, bw, h, h/2, ui.Accent)
		ui.Text(screen, label, th.Bold(ui.Small), x+bw/2, m+h/2, ui.Center, ui.Center, ui.AccentText)
	}

	x0, y0 := f.Screen(0, 0)
	x1, _ := f.Screen(px(pong.Width), 0)
	cy := y0 - ctx.Px(30)
	mid := (x0 + x1) / 2
	for _, side := range []pong.Side{pong.Left, pong.Right} {
		score := strconv.Itoa(int(c.model.Score[side]))
		name := c.model.SideName(side)
		if p := c.model.Paddles[side]; !p.Present {
			name = "—"
		} else if p.Me {
			name += " (you)"
		}
		sx, nx, align := mid-ctx.Px(40), mid-ctx.Px(90), ui.End
		if side == pong.Right {
			sx, nx, align = mid+ctx.Px(40), mid+ctx.Px(90), ui.Start
		}
		ui.ShadowText(screen, score, th.Bold(ui.Number), sx, cy, ctx.Px(2), ui.Center, ui.Center, sideColor[side])
		ui.Text(screen, name, th.Bold(ui.Large), nx, cy, align, ui.Center, ui.TextColor)
	}
	help := "W/S or arrows: move · Space: ready · 1–4: emotes"
	switch {
	case c.replay:
		help = "" // the replay's bar is there
	case c.model.Spectator:
		help = "you are watching: the players cannot see you"
	case ctx.Touch:
		help = "drag to move · tap when ready"
	}
	_, yb := f.Screen(0, px(pong.Height))
	ui.Text(screen, help, face, mid, yb+ctx.Px(14), ui.Center, ui.Center, ui.Muted)
}
