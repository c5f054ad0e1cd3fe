package pong

import (
	"fmt"
	"image"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/assets"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Emotes are the canned emotes, by number.
var Emotes = [pong.NumEmotes]string{"Nice!", "Oops", "Wow", "GG"}

// Client is pong's client half: an app.Game for pong.Input and an app.Messenger for pong's
// messages.
type Client struct {
	hit, point, win *ui.Sound

	controls Controls
	out      []wire.Message

	// Set by Update, read by Draw.
	view        netclient.View
	model       Model
	ballX       float64 // drawn ball, field pixels
	ballY       float64
	trail       [8][2]float64
	trails      int
	paddleY     [2]float64 // drawn paddles
	snapshots   int
	lastVX      float64
	flash       float64 // 1 just after a point, fading
	flashSide   pong.Side
	bubbles     []bubble
	statusParts []string // the status line's parts, joined as the screen's width allows
	replay      bool     // watching a replay (app.Frame.Replay)

	offer      *app.ReplayOffer // the room's newest replay, offered when the match is over
	replayRect image.Rectangle  // the offer's button; empty when not offered

	texts []netclient.DebugText                 // drawn by the Draw under way (draw.go's text)
	drawn atomic.Pointer[[]netclient.DebugText] // the last Draw's, for DrawnTexts
}

// bubble is an emote shown beside a paddle for a while.
type bubble struct {
	Player sim.PlayerID
	Text   string
	Life   float64
}

// New returns pong's client, playing its effects through sounds.
func New(sounds *ui.Sounds) *Client {
	c := &Client{hit: sounds.Load(assets.DashWAV), point: sounds.Load(assets.PickupWAV), win: sounds.Load(assets.GoldenWAV)}
	c.Reset()
	return c
}

// Reset implements app.Game.
func (c *Client) Reset() {
	c.view, c.model = netclient.View{}, Model{}
	c.snapshots, c.trails, c.flash, c.lastVX = 0, 0, 0, 0
	c.bubbles = c.bubbles[:0]
	c.out = c.out[:0]
	c.ballX, c.ballY = px(pong.Width/2), px(pong.Height/2)
	c.paddleY = [2]float64{px(pong.Height / 2), px(pong.Height / 2)}
	c.controls = Controls{}
}

// Receive implements app.Messenger: points, emotes and the end of a match.
func (c *Client) Receive(m wire.Message) {
	switch m := m.(type) {
	case *pong.PointMsg:
		c.flash, c.flashSide = 1, m.Side
		c.point.Play(0.5)
	case *pong.OverMsg:
		c.win.Play(0.6)
	case *pong.EmotedMsg:
		// One bubble per player: a new emote replaces the last, so that two never overlap.
		c.bubbles = slices.DeleteFunc(c.bubbles, func(b bubble) bool { return b.Player == m.Player })
		c.bubbles = append(c.bubbles, bubble{Player: m.Player, Text: Emotes[m.Emote], Life: 2})
	}
}

// Outbox implements app.Messenger: the ready and emote messages of this tick's Input.
func (c *Client) Outbox(dst []wire.Message) []wire.Message {
	dst = append(dst, c.out...)
	clear(c.out)
	c.out = c.out[:0]
	return dst
}

// Input implements app.Game: the paddle's move toward the pointer or by the keys, and the ready
// and emote messages the controls asked for this tick.
func (c *Client) Input(ctx *ui.Context) pong.Input {
	if c.replayInput(ctx) || c.model.Spectator {
		return pong.Input{}
	}
	side, _ := c.model.MySide()
	in := c.controls.Update(ctx, c.layout(ctx), c.paddleY[side])
	if in.Ready && c.model.WantsReady() {
		c.out = append(c.out, &pong.ReadyMsg{})
	}
	if in.Emote >= 0 {
		c.out = append(c.out, &pong.EmoteMsg{Emote: int32(in.Emote)})
	}
	return pong.Input{Move: in.Move}
}

// Update implements app.Game. Pong registers without Predict (the netcode driver only stamps and
// sends its input) and draws the newest snapshot (f.View), not the driver's interpolated frame: it
// extrapolates the ball itself from the snapshot's velocity, so that the ball is drawn where it is
// now rather than a delay ago, and eases the paddles.
func (c *Client) Update(ctx *ui.Context, f *app.Frame) {
	dt := 1 / float64(ebiten.TPS())
	v := &f.View
	c.view = *v
	c.model = FromView(v)
	c.replay = f.Replay
	fresh := v.Snapshots != c.snapshots
	c.snapshots = v.Snapshots

	tickRate := int(max(v.Welcome.TickRate, 1))
	tx, ty := Extrapolate(c.model.Ball, time.Since(v.Received).Seconds(), tickRate)
	if c.model.Phase != pong.Playing || abs(tx-c.ballX) > 80 || abs(ty-c.ballY) > 80 {
		c.ballX, c.ballY = tx, ty // a serve or a reset: no easing across the field
		c.trails = 0
	} else {
		c.ballX, c.ballY = ease(c.ballX, tx, dt, 0.02), ease(c.ballY, ty, dt, 0.02)
	}
	copy(c.trail[1:], c.trail[:])
	c.trail[0] = [2]float64{c.ballX, c.ballY}
	c.trails = min(c.trails+1, len(c.trail))
	for side := range c.paddleY {
		if p := c.model.Paddles[side]; p.Present {
			c.paddleY[side] = ease(c.paddleY[side], p.Y, dt, 0.03)
		}
	}
	if fresh && c.model.Phase == pong.Playing {
		if vx := c.model.Ball.VX; vx != 0 && c.lastVX != 0 && (vx > 0) != (c.lastVX > 0) {
			c.hit.Play(0.35)
		}
		c.lastVX = c.model.Ball.VX
	}
	c.flash = max(0, c.flash-dt/0.8)
	live := c.bubbles[:0]
	for _, b := range c.bubbles {
		if b.Life -= dt; b.Life > 0 {
			live = append(live, b)
		}
	}
	c.bubbles = live
	c.updateStatus()
	c.updateReplay(ctx, f.Replays)
}

func (c *Client) updateStatus() {
	v := &c.view
	ping := "… ms"
	if ms := v.RTT.Milliseconds(); ms > 0 {
		ping = strconv.FormatInt(ms, 10) + " ms"
	}
	room := "room " + v.Welcome.Room
	if v.Welcome.Private {
		room = "private " + room
	}
	// A player whose connection dropped is still on the roster (the seat is held) but not here.
	players := fmt.Sprintf("%d/%d players", len(v.Roster)-c.model.AwayCount(), v.Welcome.MaxPlayers)
	if side, ok := c.model.Away(); ok {
		players += " · " + c.model.SideName(side) + " away"
	}
	c.statusParts = append(c.statusParts[:0], v.Status.String(), room, ping, players)
	if c.replay {
		c.statusParts = append(c.statusParts[:0], "replay", room, fmt.Sprintf("%d players", len(v.Roster)))
	}
}

// fitStatus returns the status line, shortened to width: the connection's state goes first (it
// says "connected" while all is well), then the room, then the ping; the players stay.
func (c *Client) fitStatus(width float64, measure func(string) float64) string {
	parts := c.statusParts
	if len(parts) == 0 {
		return ""
	}
	for drop := 0; drop < len(parts); drop++ {
		var keep []string
		for i, p := range parts {
			if i < drop && i < len(parts)-1 {
				continue
			}
			keep = append(keep, p)
		}
		if s := strings.Join(keep, " · "); measure(s) <= width {
			return s
		}
	}
	return FitText(parts[len(parts)-1], width, measure)
}

// DrawnTexts implements app.TextReporter: the texts the last Draw drew, with where (CSS pixels),
// for the page's test hook. Safe to call from any goroutine.
func (c *Client) DrawnTexts() []netclient.DebugText {
	if t := c.drawn.Load(); t != nil {
		return *t
	}
	return nil
}

// Scores implements app.Scorer: each paddle's player with the score of the paddle's side.
func (c *Client) Scores(dst []app.Score) []app.Score {
	for side, p := range c.model.Paddles {
		if p.Present {
			dst = append(dst, app.Score{Player: p.ID, Name: p.Name, Score: c.model.Score[side]})
		}
	}
	return dst
}

// layout lays the field and the HUD out on the screen (layout.go). A screen held upright is taken
// for a touch screen before its first touch: a phone.
func (c *Client) layout(ctx *ui.Context) Layout {
	mine, _ := c.model.MySide()
	touch := (ctx.Touch || ctx.H > ctx.W) && !c.model.Spectator && !c.replay
	return LayoutFor(float64(ctx.W), float64(ctx.H), ctx.Scale, touch, mine)
}

// fit places the field on the screen.
func (c *Client) fit(ctx *ui.Context) Fit { return c.layout(ctx).Fit }

func ease(cur, target, dt, tau float64) float64 {
	if tau <= 0 {
		return target
	}
	k := dt / tau
	if k >= 1 {
		return target
	}
	return cur + (target-cur)*k
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
