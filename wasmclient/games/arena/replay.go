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

// replayButton is the HUD's offer of the room's newest replay, under the status line: a button
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
	m, top := ctx.Px(12), ctx.Px(48)
	if narrow(ctx) {
		top += ctx.Px(36) + ctx.Px(26)*4 // below the leaderboard, which moved under the status line
	}
	b.rect = image.Rect(int(m), int(top), int(m+ctx.Px(190)), int(top+ctx.Px(34)))
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
	if b.offer == nil || b.rect.Empty() {
		return
	}
	th := ctx.Theme
	r := b.rect
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	if id, _ := b.offer.Newest(); id != "" {
		ui.RoundRect(screen, x, y, w, h, h/2, ui.Accent)
		ui.Text(screen, "Watch the replay", th.Bold(ui.Small), x+w/2, y+h/2, ui.Center, ui.Center, ui.AccentText)
		return
	}
	label := "replay: saved when the room closes"
	if b.noneFor > 0 {
		label = "no replay of this room yet"
	}
	ui.ShadowText(screen, label, th.Face(ui.Small), x+ctx.Px(4), y+h/2, ctx.Px(1), ui.Start, ui.Center, ui.Muted)
}
