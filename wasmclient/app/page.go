package app

import (
	"image"
	"strconv"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Page is what the web page around the client does for it (Config.Page). Natively it is empty: every
// nil hook hides what it would offer, and the client works without it.
type Page struct {
	// Resume is the resume token of the seat this tab held in Config's room (kept for the tab, so a
	// reload resumes it); the first hello presents it. Empty joins afresh.
	Resume string
	// Seated is told each welcome, with the name played under: the page puts the room in its
	// address (?game=G&room=R, never the name) and keeps the resume token for the tab.
	Seated func(w wire.Welcome, name string)
	// Left is told that the player left game's room for the lobby on purpose: the page forgets the
	// seat it keeps for the tab there, so that coming back joins afresh. Nil keeps nothing to forget.
	Left func(game, room string)
	// Reload reloads the page: the way out of a client older than the server. Nil hides it.
	Reload func()
	// InviteLink returns the address that invites a friend into room of game, to spawn near
	// player (?game=G&room=R&friend=ID); Copy puts text on the clipboard. Both set, the menu offers
	// Invite a friend.
	InviteLink func(game, room string, player sim.PlayerID) string
	Copy       func(text string)
	// NameInput is a real text input the page shows over the title screen's name field, so that
	// a phone's keyboard appears for it. Nil: the field is drawn and typed into on the canvas.
	NameInput NameInput
}

// NameInput is the page's HTML text input for the player's name (see Page.NameInput).
type NameInput interface {
	// Show places the input over r, in device pixels at scale device pixels per CSS pixel. The
	// first Show after a Hide fills it with text, all of it selected so that typing replaces it,
	// and focuses it.
	Show(r image.Rectangle, scale float64, text string)
	// Set replaces its text, selected.
	Set(text string)
	// Text returns what it holds.
	Text() string
	// Submitted reports whether Enter was pressed in it since the last call.
	Submitted() bool
	// Hide hides it.
	Hide()
}

// pageViewer is a scene that reports what it shows, for DebugJSON's "page".
type pageViewer interface {
	pageView(d *netclient.DebugPage, ctx *ui.Context)
}

// debugButtons appends bs (those laid out) to d, in CSS pixels.
func debugButtons(d *netclient.DebugPage, ctx *ui.Context, bs ...*ui.Button) {
	s := ctx.Scale
	if s <= 0 {
		s = 1
	}
	for _, b := range bs {
		if b.Rect.Empty() || b.Disabled {
			continue
		}
		r := b.Rect
		d.Buttons = append(d.Buttons, netclient.DebugButton{Label: b.Label, X: float64(r.Min.X) / s, Y: float64(r.Min.Y) / s,
			W: float64(r.Dx()) / s, H: float64(r.Dy()) / s})
	}
}

// publishPage records what the current scene shows, for DebugJSON: it runs after each Update.
func (a *App[I]) publishPage(ctx *ui.Context) {
	d := &netclient.DebugPage{Muted: a.snd.Muted(), Volume: a.snd.Volume()}
	if v, ok := a.mgr.Current().(pageViewer); ok && ctx != nil {
		v.pageView(d, ctx)
	}
	a.page.Store(d)
}

// Helper is implemented by a game's client half that lists its controls, for the in-game menu's
// Controls (touch says the player uses a touch screen). A game without it gets defaultControls.
type Helper interface {
	Controls(touch bool) []string
}

// defaultControls are the controls the menu shows for a game that does not list its own.
var defaultControls = []string{"Arrows or WASD: move", "Esc: this menu"}

// controls returns the game's controls, for the menu.
func (a *App[I]) controls(touch bool) []string {
	if h, ok := a.game.(Helper); ok {
		return h.Controls(touch)
	}
	return defaultControls
}

// sounds, inviteLink, copyText and leave make the app the menu's host (overlay.go).
func (a *App[I]) sounds() *ui.Sounds { return a.snd }

func (a *App[I]) inviteLink(v netclient.View) string {
	if a.cfg.Page.InviteLink == nil {
		return "?game=" + v.Welcome.Game + "&room=" + v.Welcome.Room + "&friend=" + strconv.FormatUint(uint64(v.Welcome.Player), 10)
	}
	return a.cfg.Page.InviteLink(v.Welcome.Game, v.Welcome.Room, v.Welcome.Player)
}

func (a *App[I]) copyText(s string) {
	if a.cfg.Page.Copy != nil {
		a.cfg.Page.Copy(s)
	}
}

func (a *App[I]) leave() {
	if c := a.client.Load(); c != nil {
		w := c.View().Welcome
		// A goodbye (1000, "player left"): the room frees the seat at once (pong's opponent sees a
		// forfeit, not a 30 s wait), where a page that just navigated away leaves it held for its
		// grace. Bounded, for a connection that cannot finish its close.
		done := make(chan struct{})
		go func() { c.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(leaveWait):
		}
		if a.cfg.Page.Left != nil && w.Room != "" {
			a.cfg.Page.Left(w.Game, w.Room)
		}
	}
	a.toLobby()
}

// leaveWait is the longest leaving for the lobby waits for the connection's close handshake.
const leaveWait = 500 * time.Millisecond
