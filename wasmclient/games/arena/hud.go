package arena

import (
	"image"
	"image/color"
	"strconv"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// ranks are the leaderboard's rank labels, made once.
var ranks = func() []string {
	r := make([]string, arena.MaxPlayers+1)
	for i := range r {
		r[i] = strconv.Itoa(i) + "."
	}
	return r
}()

func (c *Client) drawHUD(screen *ebiten.Image, ctx *ui.Context) {
	c.drawStatus(screen, ctx)
	c.drawBoard(screen, ctx)
	c.drawRound(screen, ctx)
	c.drawFeed(screen, ctx)
	c.drawMinimap(screen, ctx)
	c.replayBtn.draw(screen, ctx)
	if c.spectator {
		if !c.replay { // a replay's own bar says what is shown
			c.drawSpectating(screen, ctx)
		}
		return
	}
	c.drawScore(screen, ctx)
	c.drawHelp(screen, ctx)
	if c.touch(ctx) {
		c.drawTouch(screen, ctx)
	}
}

// drawSpectating marks a spectator's view: a badge at the bottom and who the camera follows.
func (c *Client) drawSpectating(screen *ebiten.Image, ctx *ui.Context) {
	th := ctx.Theme
	label := "SPECTATING"
	sub := "waiting for players"
	switch {
	case c.followed != nil && c.pick != 0:
		sub = "following " + c.followed.Name + " · 0: the leader"
	case c.followed != nil && c.touch(ctx):
		sub = "following the leader, " + c.followed.Name + " · tap a name to follow"
	case c.followed != nil:
		sub = "following the leader, " + c.followed.Name + " · click a name or ← → to follow"
	}
	m := ctx.Px(16)
	h := ctx.Px(30)
	w := ui.Measure(label, th.Bold(ui.Small)) + ctx.Px(28)
	x, y := float64(ctx.W)/2-w/2, float64(ctx.H)-m-h-ctx.Px(22)
	ui.RoundRect(screen, x, y, w, h, h/2, ui.Accent)
	ui.Text(screen, label, th.Bold(ui.Small), x+w/2, y+h/2, ui.Center, ui.Center, ui.AccentText)
	ui.ShadowText(screen, sub, th.Face(ui.Body), float64(ctx.W)/2, y+h+ctx.Px(14), ctx.Px(1), ui.Center, ui.Center, ui.TextColor)
}

// narrow reports whether the screen is too narrow for the HUD's top row (a phone held upright).
func narrow(ctx *ui.Context) bool { return float64(ctx.W) < ctx.Px(760) }

// drawStatus draws the status line: connection, room, ping and players.
func (c *Client) drawStatus(screen *ebiten.Image, ctx *ui.Context) {
	face := ctx.Theme.Face(ui.Small)
	m := ctx.Px(12)
	h := ctx.Px(28)
	w := ui.Measure(c.status, face) + ctx.Px(40)
	ui.Panel(screen, ctx, image.Rect(int(m), int(m), int(m+w), int(m+h)))
	dot := ui.Good
	if !c.statusGood {
		dot = ui.Warn
	}
	ui.Circle(screen, m+ctx.Px(15), m+h/2, ctx.Px(4.5), dot)
	ui.Text(screen, c.status, face, m+ctx.Px(27), m+h/2, ui.Start, ui.Center, ui.TextColor)
}

// drawBoard draws the leaderboard at the top right.
func (c *Client) drawBoard(screen *ebiten.Image, ctx *ui.Context) {
	if len(c.board) == 0 {
		return
	}
	th := ctx.Theme
	rowH := ctx.Px(26)
	head := ctx.Px(34)
	x, top, w, bottom := c.boardBox(ctx)
	ui.Panel(screen, ctx, image.Rect(int(x), int(top), int(x+w), int(bottom)))
	ui.Text(screen, "LEADERBOARD", th.Bold(ui.Small), x+ctx.Px(14), top+head/2+ctx.Px(2), ui.Start, ui.Center, ui.Muted)

	face, bold := th.Face(ui.Body), th.Bold(ui.Body)
	y := top + head
	c.boardRows = c.boardRows[:0]
	for i, r := range c.board {
		c.boardRows = append(c.boardRows, image.Rect(int(x), int(y), int(x+w), int(y+rowH)))
		if c.spectator && c.followed != nil && r.ID == c.followed.ID { // whom the camera follows
			ui.RoundRect(screen, x+ctx.Px(6), y+ctx.Px(1), w-ctx.Px(12), rowH-ctx.Px(2), ctx.Px(6), color.RGBA{0x1e, 0x2a, 0x4a, 0xd0})
		}
		if i > 0 && r.Rank > c.board[i-1].Rank+1 { // the own row, below the top
			ui.Text(screen, "···", face, x+w/2, y-ctx.Px(2), ui.Center, ui.Center, ui.Muted)
		}
		cy := y + rowH/2
		f, col := face, ui.TextColor
		if r.Me {
			ui.RoundRect(screen, x+ctx.Px(6), y+ctx.Px(1), w-ctx.Px(12), rowH-ctx.Px(2), ctx.Px(6), color.RGBA{0x3d, 0x30, 0x08, 0xd0})
			f, col = bold, ui.Accent
		}
		rank := ""
		if r.Rank < len(ranks) {
			rank = ranks[r.Rank]
		} else { // a room given more seats than the arena's 16
			rank = strconv.Itoa(r.Rank) + "."
		}
		ui.Text(screen, rank, face, x+ctx.Px(34), cy, ui.End, ui.Center, ui.Muted)
		ui.Circle(screen, x+ctx.Px(48), cy, ctx.Px(6), palette[playerColor(r.ID)])
		name := r.Name
		if name == "" {
			name = "player " + strconv.Itoa(int(r.ID))
		}
		ui.Text(screen, name, f, x+ctx.Px(62), cy, ui.Start, ui.Center, col)
		ui.Text(screen, strconv.Itoa(int(r.Score)), f, x+w-ctx.Px(14), cy, ui.End, ui.Center, col)
		y += rowH
	}
}

// drawScore draws the own score, large, at the bottom left, and the dash meter under it.
func (c *Client) drawScore(screen *ebiten.Image, ctx *ui.Context) {
	th := ctx.Theme
	m := ctx.Px(16)
	x, base := m+ctx.Px(4), float64(ctx.H)-m
	ui.Text(screen, "SCORE", th.Bold(ui.Small), x, base-ctx.Px(76), ui.Start, ui.End, ui.Muted)

	// The number swells and flashes gold briefly when the score rises.
	face := th.Bold(ui.Number)
	ny := base - ctx.Px(20)
	if b := c.scoreBump; b > 0 {
		ui.ScaledText(screen, c.scoreText, face, x, ny, 1+0.25*b, ctx.Px(2), ui.Start, ui.End, mix(ui.TextColor, ui.Accent, b))
	} else {
		ui.ShadowText(screen, c.scoreText, face, x, ny, ctx.Px(2), ui.Start, ui.End, ui.TextColor)
	}

	// Dash meter: full and lit when a dash is ready.
	bw, bh := ctx.Px(120), ctx.Px(6)
	by := base - ctx.Px(8)
	ready := 1.0
	if c.mine != nil {
		ready = 1 - float64(c.mine.Cooldown)/arena.DashCooldown
	}
	ui.RoundRect(screen, x, by, bw, bh, bh/2, color.RGBA{0x1e, 0x26, 0x42, 0xe0})
	fill := ui.Muted
	if ready >= 1 {
		fill = ui.Accent
	}
	if ready > 0.02 {
		ui.RoundRect(screen, x, by, bw*ready, bh, bh/2, fill)
	}
	label := "DASH"
	if ready >= 1 {
		label = "DASH READY"
	}
	ui.Text(screen, label, th.Bold(ui.Small), x+bw+ctx.Px(10), by+bh/2, ui.Start, ui.Center, fill)
}

// drawHelp shows the controls for the first seconds of play.
func (c *Client) drawHelp(screen *ebiten.Image, ctx *ui.Context) {
	const shown, fade = 8.0, 1.5
	if c.time > shown+fade {
		return
	}
	a := float32(min(1, (shown+fade-c.time)/fade))
	s := "WASD or arrow keys to move · Space to dash"
	if c.touch(ctx) {
		s = "Drag on the left to move · tap DASH"
	}
	y := float64(ctx.H) - ctx.Px(28)
	if narrow(ctx) { // above the score and the dash button
		y = float64(ctx.H) - ctx.Px(170)
	}
	ui.ShadowText(screen, s, ctx.Theme.Bold(ui.Body), float64(ctx.W)/2, y, ctx.Px(1), ui.Center, ui.Center, scale(ui.TextColor, a))
}

// drawTouch draws the virtual stick (while a finger is on it) and the dash button.
func (c *Client) drawTouch(screen *ebiten.Image, ctx *ui.Context) {
	k := &c.controls
	if on, ox, oy, kx, ky := k.Knob(ctx); on {
		r := ctx.Px(StickRadius)
		ui.DrawSprite(screen, disc, ox, oy, r, 0, color.RGBA{0x10, 0x14, 0x24, 0xff}, 0.4)
		ui.DrawSprite(screen, ring, ox, oy, r, 0, ui.TextColor, 0.5)
		ui.DrawSprite(screen, disc, kx, ky, ctx.Px(24), 0, ui.TextColor, 0.6)
	}
	ready := c.mine == nil || c.mine.Cooldown == 0
	a := float32(0.35)
	if k.DashHeld {
		a = 0.75
	}
	fill := ui.Accent
	if !ready {
		fill = ui.Muted
	}
	x, y, r := k.DashX, k.DashY, k.DashR
	ui.DrawSprite(screen, disc, x, y, r, 0, fill, a)
	if !ready && c.mine != nil { // the cooldown left, as a shrinking dark disc
		left := float64(c.mine.Cooldown) / arena.DashCooldown
		ui.DrawSprite(screen, disc, x, y, r*left, 0, black, 0.35)
	}
	ui.DrawSprite(screen, ring, x, y, r, 0, fill, 0.9)
	ui.Text(screen, "DASH", ctx.Theme.Bold(ui.Body), x, y, ui.Center, ui.Center, ui.TextColor)
}

// mix returns the colour k of the way from a to b.
func mix(a, b color.RGBA, k float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*k) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), f(a.A, b.A)}
}

// drawRound draws the round and its clock at the top centre (on a phone held upright, under the
// leaderboard), and, for a few seconds after a round ends, who won it.
func (c *Client) drawRound(screen *ebiten.Image, ctx *ui.Context) {
	if c.roundText == "" {
		return
	}
	th := ctx.Theme
	cx, y := float64(ctx.W)/2, ctx.Px(26)
	if narrow(ctx) { // the status line takes the top, the leaderboard the right below it
		x, _, w, bottom := c.boardBox(ctx)
		cx, y = x+w/2, bottom+ctx.Px(14)
	}
	col := ui.TextColor
	if c.roundKey[1] <= 10 {
		col = ui.Warn // the last ten seconds
	}
	ui.ShadowText(screen, c.roundText, th.Bold(ui.Small), cx, y, ctx.Px(1), ui.Center, ui.Center, col)
	if c.winnerText != "" {
		ui.ShadowText(screen, c.winnerText, th.Bold(ui.Large), float64(ctx.W)/2, float64(ctx.H)*0.3, ctx.Px(2), ui.Center, ui.Center, ui.Accent)
	}
}

// boardBox returns where the leaderboard goes: its left edge, top, width and bottom.
func (c *Client) boardBox(ctx *ui.Context) (x, top, w, bottom float64) {
	m := ctx.Px(12)
	w = ctx.Px(230)
	x, top = float64(ctx.W)-m-w, m
	if narrow(ctx) { // below the status line, which takes the whole width
		top += ctx.Px(36)
	}
	bottom = top
	if len(c.board) > 0 {
		bottom += ctx.Px(34) + ctx.Px(26)*float64(len(c.board)) + ctx.Px(8)
	}
	return x, top, w, bottom
}

// drawFeed draws the kill feed at the left, under the status line, newest last; a line fades out
// in its last second.
func (c *Client) drawFeed(screen *ebiten.Image, ctx *ui.Context) {
	face := ctx.Theme.Face(ui.Small)
	x, y := ctx.Px(16), ctx.Px(96) // under the status line and the NET and replay buttons
	if narrow(ctx) {               // under the leaderboard and the round's line
		_, _, _, bottom := c.boardBox(ctx)
		y = bottom + ctx.Px(40)
	}
	for _, l := range c.feed.Lines {
		a := float32(min(1, l.Life))
		col := ui.TextColor
		if l.Mine {
			col = ui.Accent
		}
		ui.Circle(screen, x+ctx.Px(4), y, ctx.Px(4), scale(palette[playerColor(l.By)], a))
		ui.ShadowText(screen, l.Text, face, x+ctx.Px(14), y, ctx.Px(1), ui.Start, ui.Center, scale(col, a))
		y += ctx.Px(20)
	}
}
