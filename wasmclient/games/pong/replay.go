package pong

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// The game-over screen offers the room's newest replay: a button (or R) once the room has one, a
// line saying when there will be one until then. A room's recording is saved when it closes (or
// every 10 minutes), so a match just over often has none yet; the offer looks again every few
// seconds while the match is over.

// updateReplay looks the room's replays up while the match is over, and lays the offer out.
func (c *Client) updateReplay(ctx *ui.Context, offer *app.ReplayOffer) {
	c.offer, c.replayRect = offer, image.Rectangle{}
	if offer == nil || c.model.Phase != pong.Over || c.replay {
		return
	}
	offer.Look(time.Now(), false)
	f := c.fit(ctx)
	cx, cy := f.Screen(px(pong.Width/2), px(pong.Height/2))
	w, h := ctx.Px(220), ctx.Px(40)
	top := cy + ctx.Px(65) + ctx.Px(14)
	c.replayRect = image.Rect(int(cx-w/2), int(top), int(cx+w/2), int(top+h))
}

// replayInput plays the offered replay on a tap on its button or R, and keeps that tap from
// saying "ready". It reports whether it did.
func (c *Client) replayInput(ctx *ui.Context) bool {
	if c.replayRect.Empty() {
		return false
	}
	if id, _ := c.offer.Newest(); id == "" {
		return false
	}
	if ctx.Tapped(c.replayRect) || inpututil.IsKeyJustPressed(ebiten.KeyR) {
		ctx.Taps = ctx.Taps[:0]
		c.offer.Watch()
		return true
	}
	return false
}

func (c *Client) drawReplayOffer(screen *ebiten.Image, ctx *ui.Context) {
	c.offer.Draw(screen, ctx, c.replayRect, "Watch the replay (R)", "the replay is saved when the room closes", true)
}
