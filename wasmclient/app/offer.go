package app

import (
	"context"
	"image"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// ReplayOffer is the newest replay of the room being played, for a game's "Watch the replay": the
// page looks it up in the server's list (GET /api/replays, by game and room) when a game asks,
// at most once every [lookEvery], in the background. A room's replay exists once the room has
// closed or its recording was cut (every 10 minutes), so a game says so while there is none.
//
// Its methods are safe for concurrent use; a nil *ReplayOffer (a page that cannot look replays
// up) has none and never will.
type ReplayOffer struct {
	find  func(ctx context.Context, game, room string) (string, error)
	watch func(id string)

	mu      sync.Mutex
	game    string
	room    string
	id      string    // the newest replay of room, once found
	looked  int       // lookups finished
	looking bool      // a lookup is under way
	last    time.Time // when the last lookup started
}

// lookEvery is how often a game's asking looks the room's replays up again.
const lookEvery = 10 * time.Second

// setRoom says which room is being played; another room forgets what was found.
func (o *ReplayOffer) setRoom(game, room string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if game != o.game || room != o.room {
		o.game, o.room, o.id, o.looked, o.last = game, room, "", 0, time.Time{}
	}
}

// Newest returns the id of the newest replay of the room found so far ("" for none yet) and how
// many lookups have finished (0: not looked yet).
func (o *ReplayOffer) Newest() (id string, looked int) {
	if o == nil {
		return "", 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.id, o.looked
}

// Look looks the room's replays up in the background, unless one is under way or the last
// started less than lookEvery before now (now passed in, so that games can be tested); force
// skips the wait (the player asked).
func (o *ReplayOffer) Look(now time.Time, force bool) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.looking || o.room == "" || !force && now.Sub(o.last) < lookEvery {
		return
	}
	o.looking, o.last = true, now
	game, room := o.game, o.room
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		id, err := o.find(ctx, game, room)
		o.mu.Lock()
		defer o.mu.Unlock()
		o.looking = false
		if game != o.game || room != o.room {
			return // the room changed meanwhile
		}
		if err == nil && id != "" {
			o.id = id
		}
		o.looked++
	}()
}

// Watch plays the newest replay found, ending the connection; it does nothing without one.
func (o *ReplayOffer) Watch() {
	if id, _ := o.Newest(); id != "" {
		o.watch(id)
	}
}

// Draw draws the offer in r: a gold button reading label once the room has a replay, until then
// the quiet line none, which says when there will be one. Centre puts the line in r's middle
// rather than at its start.
func (o *ReplayOffer) Draw(screen *ebiten.Image, ctx *ui.Context, r image.Rectangle, label, none string, centre bool) {
	if o == nil || r.Empty() {
		return
	}
	th := ctx.Theme
	x, y, w, h := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	if id, _ := o.Newest(); id != "" {
		ui.RoundRect(screen, x, y, w, h, h/2, ui.Accent)
		ui.Text(screen, label, th.Bold(ui.Small), x+w/2, y+h/2, ui.Center, ui.Center, ui.AccentText)
		return
	}
	tx, align := x+ctx.Px(4), ui.Start
	if centre {
		tx, align = x+w/2, ui.Center
	}
	ui.ShadowText(screen, none, th.Face(ui.Small), tx, y+h/2, ctx.Px(1), align, ui.Center, ui.Muted)
}
