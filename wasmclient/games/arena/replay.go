package arena

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/app"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// noReplayFor is how long the HUD says there is no replay yet, after a tap asked for one.
const noReplayFor = 4.0

// replayButton is the HUD's offer of the room's newest replay, beside the NET button: a button
// once the room has one (its recording is saved when the room closes or every 10 minutes), until
// then a quiet line saying so, which looks again when tapped.
type replayButton struct {
	offer   *app.ReplayOffer
	rect    image.Rectangle
	asked   int     // lookups finished when the player tapped with no replay known; -1: not asked
	noneFor float64 // seconds left to say there is none yet
}

// update looks the room's replays up now and then, and plays the newest when tapped.
func (b *replayButton) update(ctx *ui.Context, offer *app.ReplayOffer, dt float64) {
	b.offer = offer
	b.noneFor = max(0, b.noneFor-dt)
	if offer == nil {
		b.rect = image.Rectangle{}
		return
	}
	now := time.Now()
	offer.Look(now, false)
	// Beside the net graph's button, under the status line; on a screen too narrow to have it
	// beside the leaderboard too, below the leaderboard's first rows.
	nb := ui.NetGraphButton(ctx.Scale)
	x, top, w, h := float64(nb.Max.X)+ctx.Px(8), float64(nb.Min.Y+nb.Dy()/2)-ctx.Px(15), ctx.Px(180), ctx.Px(30)
	if float64(ctx.W) < ctx.Px(480) {
		top += ctx.Px(36) + ctx.Px(26)*4
	}
	b.rect = image.Rect(int(x), int(top), int(x+w), int(top+h))
	id, looked := offer.Newest()
	switch {
	case ctx.Tapped(b.rect) && id != "":
		offer.Watch()
	case ctx.Tapped(b.rect):
		offer.Look(now, true)
		b.asked = looked
	case b.asked >= 0 && looked > b.asked:
		if id != "" {
			offer.Watch()
		} else {
			b.noneFor = noReplayFor
		}
		b.asked = -1
	}
}

func (b *replayButton) draw(screen *ebiten.Image, ctx *ui.Context) {
	none := "replay: saved when the room closes"
	if b.noneFor > 0 {
		none = "no replay of this room yet"
	}
	b.offer.Draw(screen, ctx, b.rect, "Watch the replay", none, false)
}
