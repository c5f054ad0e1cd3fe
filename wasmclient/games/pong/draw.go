package pong

import (
	"image"
	"image/color"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
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
	c.texts = c.texts[:0]
	ui.Backdrop(screen, ctx)
	l := c.layout(ctx)
	f := l.Fit
	c.drawField(screen, ctx, f)
	c.drawPaddles(screen, ctx, f)
	c.drawBall(screen, ctx, f)
	c.drawBubbles(screen, ctx, f)
	c.drawBanner(screen, ctx, l)
	c.drawReplayOffer(screen, ctx)
	c.drawTop(screen, ctx, l)
	c.drawEmoteBar(screen, ctx, l)
	texts := append([]netclient.DebugText(nil), c.texts...)
	c.drawn.Store(&texts)
}

// text draws s as ui.Text does, in the theme's face of size (bold or not), scaled by k, and
// notes where it went, for DrawnTexts.
func (c *Client) text(screen *ebiten.Image, ctx *ui.Context, s string, size ui.Size, bold bool, x, y, k, shadow float64, h, v ui.Align, col color.Color) {
	if s == "" {
		return
	}
	face := ctx.Theme.Face(size)
	if bold {
		face = ctx.Theme.Bold(size)
	}
	if k == 1 {
		if shadow > 0 {
			ui.ShadowText(screen, s, face, x, y, shadow, h, v, col)
		} else {
			ui.Text(screen, s, face, x, y, h, v, col)
		}
	} else {
		ui.ScaledText(screen, s, face, x, y, k, shadow, h, v, col)
	}
	w, ht := ui.Measure(s, face)*k, ctx.Px(float64(size))*1.2*k
	left, top := x, y
	switch h {
	case ui.Center:
		left -= w / 2
	case ui.End:
		left -= w
	}
	switch v {
	case ui.Center:
		top -= ht / 2
	case ui.End:
		top -= ht
	}
	sc := max(ctx.Scale, 1e-9)
	c.texts = append(c.texts, netclient.DebugText{Text: s, X: left / sc, Y: top / sc, W: w / sc, H: ht / sc})
}

// measure returns a function measuring texts in the theme's face of size.
func measure(ctx *ui.Context, size ui.Size, bold bool) func(string) float64 {
	face := ctx.Theme.Face(size)
	if bold {
		face = ctx.Theme.Bold(size)
	}
	return func(s string) float64 { return ui.Measure(s, face) }
}

func (c *Client) drawField(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	x0, y0, w, h := f.Rect(0, 0, fieldW, fieldH)
	lw := ctx.Px(2)
	ui.RoundRect(screen, x0-lw, y0-lw, w+2*lw, h+2*lw, ctx.Px(10), fieldLine)
	ui.RoundRect(screen, x0, y0, w, h, ctx.Px(9), fieldFill)
	if c.flash > 0 { // the half of the side that scored lights up
		hx0, hx1 := 0.0, fieldW/2
		if c.flashSide == pong.Right {
			hx0, hx1 = fieldW/2, fieldW
		}
		x, y, fw, fh := f.Rect(hx0, 0, hx1, fieldH)
		ui.FillRect(screen, float32(x), float32(y), float32(fw), float32(fh), sideColor[c.flashSide], float32(0.22*c.flash))
	}
	// The dashed centre line.
	half := lw / f.K
	for y := 7.0; y < fieldH; y += 32 {
		x, sy, dw, dh := f.Rect(fieldW/2-half, y, fieldW/2+half, min(y+18, fieldH))
		ui.FillRect(screen, float32(x), float32(sy), float32(dw), float32(dh), fieldLine, 1)
	}
}

func (c *Client) drawPaddles(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	hw, hh := px(pong.PaddleHalfW), px(pong.PaddleHalfH)
	for _, side := range []pong.Side{pong.Left, pong.Right} {
		p := c.model.Paddles[side]
		if !p.Present {
			continue
		}
		cx := px(pong.PaddleX(side))
		x, y, w, h := f.Rect(cx-hw, c.paddleY[side]-hh, cx+hw, c.paddleY[side]+hh)
		col := sideColor[side]
		r := min(w, h) / 2
		alpha := 1.0
		if p.Away != 0 {
			alpha = 0.35 // the player is gone for now: a ghost of the paddle
		}
		if p.Me {
			ui.DrawSprite(screen, ui.Glow, x+w/2, y+h/2, max(w, h)*0.9, 0, col, 0.35)
			o := ctx.Px(2.5)
			ui.RoundRect(screen, x-o, y-o, w+2*o, h+2*o, r+o, ui.Accent)
		}
		ui.RoundRect(screen, x, y, w, h, r, color.RGBA{uint8(float64(col.R) * alpha), uint8(float64(col.G) * alpha), uint8(float64(col.B) * alpha), 0xff})
		if (c.model.Phase == pong.Ready || c.model.Phase == pong.Over) && p.Ready {
			dx, dy := f.Toward(side)
			tx, ty := x+w/2+dx*ctx.Px(34), y+h/2+dy*ctx.Px(34)
			c.text(screen, ctx, "READY", ui.Small, true, tx, ty, 1, 0, ui.Center, ui.Center, ui.Good)
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

// drawBubbles draws each player's newest emote beside their paddle, on the field's side of it
// (Receive keeps one bubble per player: a new emote replaces the last, never overlaps it).
func (c *Client) drawBubbles(screen *ebiten.Image, ctx *ui.Context, f Fit) {
	for _, b := range c.bubbles {
		for _, side := range []pong.Side{pong.Left, pong.Right} {
			p := c.model.Paddles[side]
			if !p.Present || p.ID != b.Player {
				continue
			}
			w := measure(ctx, ui.Body, true)(b.Text) + ctx.Px(20)
			h := ctx.Px(30)
			x, y := f.Screen(px(pong.PaddleX(side)), c.paddleY[side])
			dx, dy := f.Toward(side)
			// Beside the paddle toward the middle, clear of it; upright, beside its end.
			bx, by := x+dx*(w/2+ctx.Px(16)), y+dy*(h/2+ctx.Px(16))
			bx = max(w/2, min(float64(ctx.W)-w/2, bx))
			alpha := float32(min(1, b.Life/0.3))
			ui.FillRect(screen, float32(bx-w/2), float32(by-h/2), float32(w), float32(h), ui.DialogFill, alpha)
			c.text(screen, ctx, b.Text, ui.Body, true, bx, by, 1, 0, ui.Center, ui.Center, sideColor[side])
		}
	}
}

func (c *Client) drawBanner(screen *ebiten.Image, ctx *ui.Context, l Layout) {
	title, sub := c.model.Banner()
	if !c.model.HaveSnapshot || title == "" {
		return
	}
	if c.model.WantsReady() && ctx.Touch {
		sub = "tap when you are ready"
	}
	fw, fh := l.Fit.Size()
	cx, cy := l.Fit.X+fw/2, l.Fit.Y+fh/2
	pad := ctx.Px(28)
	m := ctx.Px(layMargin)
	// As wide as the screen allows (a small field's banner spills over its edges).
	maxW := max(l.W-2*m-2*pad, ctx.Px(60))
	// A title wider than the screen is scaled down; a line under it wraps.
	tw := measure(ctx, ui.Title, true)(title)
	k := min(1, maxW/max(tw, 1))
	lines := ui.Wrap(sub, maxW, measure(ctx, ui.Body, false))
	lineH := ctx.Px(24)
	titleH := ctx.Px(64) * k
	w := max(tw*k, maxLineWidth(lines, measure(ctx, ui.Body, false))) + 2*pad
	h := titleH + float64(len(lines))*lineH + ctx.Px(40)
	cx = max(w/2+m, min(l.W-w/2-m, cx))
	cy = max(h/2+m, min(l.H-h/2-m, cy))
	ui.Panel(screen, ctx, image.Rect(int(cx-w/2), int(cy-h/2), int(cx+w/2), int(cy+h/2)))
	top := cy - h/2 + ctx.Px(18)
	c.text(screen, ctx, title, ui.Title, true, cx, top+titleH/2, k, ctx.Px(3)*k, ui.Center, ui.Center, ui.Accent)
	for i, line := range lines {
		c.text(screen, ctx, line, ui.Body, false, cx, top+titleH+ctx.Px(6)+(float64(i)+0.5)*lineH, 1, 0, ui.Center, ui.Center, ui.TextColor)
	}
}

func maxLineWidth(lines []string, measure func(string) float64) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, measure(l))
	}
	return w
}

// drawTop draws the status line, the spectator badge, each side's name and score, and the help
// line.
func (c *Client) drawTop(screen *ebiten.Image, ctx *ui.Context, l Layout) {
	m := float64(l.Status.Min.X)
	h := float64(l.Status.Dy())
	avail := float64(l.Status.Dx())
	badge := ""
	if c.model.Spectator && !c.replay { // a replay's own bar says what is shown
		badge = "SPECTATING"
	}
	bw := 0.0
	if badge != "" {
		bw = measure(ctx, ui.Small, true)(badge) + ctx.Px(28)
		x := l.W - m - bw
		ui.RoundRect(screen, x, m, bw, h, h/2, ui.Accent)
		c.text(screen, ctx, badge, ui.Small, true, x+bw/2, m+h/2, 1, 0, ui.Center, ui.Center, ui.AccentText)
		avail -= bw + ctx.Px(8)
	}
	status := c.fitStatus(avail-ctx.Px(24), measure(ctx, ui.Small, false))
	w := measure(ctx, ui.Small, false)(status) + ctx.Px(24)
	ui.Panel(screen, ctx, image.Rect(int(m), int(m), int(m+w), int(m+h)))
	c.text(screen, ctx, status, ui.Small, false, m+ctx.Px(12), m+h/2, 1, 0, ui.Start, ui.Center, ui.TextColor)

	for _, side := range []pong.Side{pong.Left, pong.Right} {
		c.drawRow(screen, ctx, l.Rows[side], side)
	}

	help := "W/S or arrows: move · Space: ready · 1–4: emotes"
	switch {
	case c.replay:
		help = "" // the replay's bar is there
	case c.model.Spectator:
		help = "you are watching: the players cannot see you"
	case ctx.Touch || l.Upright:
		help = "drag to move · tap when ready · tap a button to emote"
		if l.Upright {
			help = "drag left and right to move · tap when ready"
		}
	}
	help = FitText(help, l.W-2*m, measure(ctx, ui.Small, false))
	c.text(screen, ctx, help, ui.Small, false, l.W/2, l.HelpY, 1, 0, ui.Center, ui.Center, ui.Muted)
}

// drawRow draws a side's score and its player's name within the row, the name shortened to fit.
func (c *Client) drawRow(screen *ebiten.Image, ctx *ui.Context, r Row, side pong.Side) {
	score := strconv.Itoa(int(c.model.Score[side]))
	name := c.model.SideName(side)
	p := c.model.Paddles[side]
	switch {
	case !p.Present:
		name = "—"
	case p.Away != 0:
		name += " (away)"
	case p.Me:
		name += " (you)"
	}
	sw := measure(ctx, ui.Number, true)(score)
	gap := ctx.Px(16)
	if r.Centred {
		sx := r.Right - ctx.Px(40)
		nx, align := sx-sw/2-gap, ui.End
		room := nx - r.Left
		if side == pong.Right {
			sx = r.Left + ctx.Px(40)
			nx, align = sx+sw/2+gap, ui.Start
			room = r.Right - nx
		}
		name = FitText(name, room, measure(ctx, ui.Large, true))
		c.text(screen, ctx, score, ui.Number, true, sx, r.Y, 1, ctx.Px(2), ui.Center, ui.Center, sideColor[side])
		c.text(screen, ctx, name, ui.Large, true, nx, r.Y, 1, 0, align, ui.Center, ui.TextColor)
		return
	}
	name = FitText(name, r.Right-r.Left-sw-gap, measure(ctx, ui.Large, true))
	c.text(screen, ctx, name, ui.Large, true, r.Left, r.Y, 1, 0, ui.Start, ui.Center, ui.TextColor)
	c.text(screen, ctx, score, ui.Number, true, r.Right, r.Y, 1, ctx.Px(2), ui.End, ui.Center, sideColor[side])
}

// drawEmoteBar draws the emote buttons of a touch screen.
func (c *Client) drawEmoteBar(screen *ebiten.Image, ctx *ui.Context, l Layout) {
	if c.model.Spectator || c.replay {
		return
	}
	for i, r := range l.Emotes {
		if r.Empty() {
			continue
		}
		ui.Panel(screen, ctx, r)
		mid := r.Min.Add(r.Max).Div(2)
		label := FitText(Emotes[i], float64(r.Dx())-ctx.Px(8), measure(ctx, ui.Body, true))
		c.text(screen, ctx, label, ui.Body, true, float64(mid.X), float64(mid.Y), 1, 0, ui.Center, ui.Center, ui.TextColor)
	}
}
