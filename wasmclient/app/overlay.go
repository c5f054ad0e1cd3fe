package app

import (
	"fmt"
	"image"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// overlay is what the app draws over every game in play: the Menu button and the in-game menu
// (leave to lobby, invite a friend, sound and volume, fullscreen, the controls), and the join and
// leave toasts from roster changes. Games draw none of it.
type overlay struct {
	menu    ui.Button
	open    bool
	help    bool // the controls are shown (the menu's Controls); any press closes them
	items   []ui.Button
	panel   image.Rectangle
	invite  string // the link Invite copied last
	copied  int    // ticks left to say it was copied
	toasts  []toast
	roster  []wire.RosterEntry
	rosterN int // welcomes when roster was taken: a new welcome's first roster is no news
	seen    bool
}

// toast is a join or leave notice and the tick it goes.
type toast struct {
	text  string
	until int
}

// toastTicks is how long a toast shows (at 60 updates a second); at most maxToasts show at once.
const (
	toastTicks = 4 * 60
	maxToasts  = 4
)

// The menu's items, in order.
const (
	itemResume = iota
	itemInvite
	itemSound
	itemQuieter
	itemLouder
	itemFullscreen
	itemControls
	itemLeave
	items
)

// rosterChanges returns the notices for the roster going from old to cur: "Ann joined" for each
// player in cur and not in old, "Ann left" for each in old and not in cur, by player id.
func rosterChanges(old, cur []wire.RosterEntry) []string {
	var out []string
	has := func(rs []wire.RosterEntry, e wire.RosterEntry) bool {
		for _, r := range rs {
			if r.Player == e.Player {
				return true
			}
		}
		return false
	}
	for _, e := range cur {
		if !has(old, e) {
			out = append(out, e.Name+" joined")
		}
	}
	for _, e := range old {
		if !has(cur, e) {
			out = append(out, e.Name+" left")
		}
	}
	return out
}

// reconnectText is what the dimmed game says while the connection is lost: a title, and a plain
// line saying what happened and when the client tries again (never the server's address).
func reconnectText(v netclient.View, now time.Time) (title, line string) {
	title = "Connection lost"
	if v.Code == int(wire.CloseGoingAway) {
		title = "Server restarting…"
	}
	what := v.Reason
	if what == "" || v.Code == 0 && what != "Can't reach the server" {
		what = "Can't reach the server"
	}
	if v.RetryAt.IsZero() || !v.RetryAt.After(now) {
		return title, what + " — trying again now…"
	}
	s := int(math.Ceil(v.RetryAt.Sub(now).Seconds()))
	return title, fmt.Sprintf("%s — trying again in %d s", what, s)
}

// update handles the overlay's input for this tick and takes in the view's roster; it reports
// whether the menu (or the controls) has the input, so that the game should not act on it.
func (o *overlay) update(ctx *ui.Context, a menuHost, v netclient.View) bool {
	o.takeRoster(ctx, v)
	if o.copied > 0 {
		o.copied--
	}
	net := ui.NetGraphButton(ctx.Scale)
	o.menu.Label = "Menu"
	// Under the NET button: beside it is the game's (the arena's replay button), the top right
	// the games' boards.
	o.menu.Rect = image.Rect(net.Min.X, net.Max.Y+int(ctx.Px(6)), net.Min.X+int(ctx.Px(58)), net.Max.Y+int(ctx.Px(6))+net.Dy())
	esc := inpututil.IsKeyJustPressed(ebiten.KeyEscape)
	if o.help {
		if esc || len(ctx.Taps) > 0 {
			o.help = false
		}
		ctx.Taps = ctx.Taps[:0]
		return true
	}
	if o.menu.Pressed(ctx) || esc {
		o.open = !o.open
		ctx.Taps = dropTaps(ctx.Taps, o.menu.Rect)
		return o.open
	}
	ctx.Taps = dropTaps(ctx.Taps, o.menu.Rect)
	if !o.open {
		return false
	}
	o.layout(ctx, a)
	for i := range o.items {
		if o.items[i].Pressed(ctx) {
			o.choose(i, a, v)
		}
	}
	if len(ctx.Taps) > 0 && !ctx.Tapped(o.panel) {
		o.open = false // a tap beside the menu closes it
	}
	ctx.Taps = ctx.Taps[:0]
	return true
}

// menuHost is what the menu acts on: the app.
type menuHost interface {
	sounds() *ui.Sounds
	inviteLink(v netclient.View) string
	copyText(s string)
	leave()
}

// choose does what menu item i says.
func (o *overlay) choose(i int, a menuHost, v netclient.View) {
	s := a.sounds()
	switch i {
	case itemResume:
		o.open = false
	case itemInvite:
		o.invite = a.inviteLink(v)
		a.copyText(o.invite)
		o.copied = 3 * 60
	case itemSound:
		s.SetMuted(!s.Muted())
	case itemQuieter:
		s.SetVolume(s.Volume() - 0.25)
	case itemLouder:
		s.SetMuted(false)
		s.SetVolume(s.Volume() + 0.25)
	case itemFullscreen:
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	case itemControls:
		o.open, o.help = false, true
	case itemLeave:
		o.open = false
		a.leave()
	}
}

// takeRoster turns roster changes into toasts; the first roster of a welcome is not news.
func (o *overlay) takeRoster(ctx *ui.Context, v netclient.View) {
	if v.Status != netclient.Connected {
		return
	}
	if o.seen && o.rosterN == v.Welcomes {
		for _, t := range rosterChanges(o.roster, v.Roster) {
			o.toasts = append(o.toasts, toast{text: t, until: ctx.Tick + toastTicks})
		}
	}
	o.roster, o.rosterN, o.seen = v.Roster, v.Welcomes, true
	keep := o.toasts[:0]
	for _, t := range o.toasts {
		if t.until > ctx.Tick {
			keep = append(keep, t)
		}
	}
	o.toasts = keep
	if n := len(o.toasts); n > maxToasts {
		o.toasts = append(o.toasts[:0], o.toasts[n-maxToasts:]...)
	}
}

// labels returns the menu's item labels as the settings are now.
func (o *overlay) labels(a menuHost) [items]string {
	s := a.sounds()
	sound := "Sound: on"
	if s.Muted() {
		sound = "Sound: off"
	}
	invite := "Invite a friend"
	if o.copied > 0 {
		invite = "Link copied"
	}
	return [items]string{"Resume", invite, sound, "Volume −", "Volume +", "Fullscreen", "Controls", "Leave to lobby"}
}

// layout places the menu's items in a grid that fits the screen: one column when it is tall
// enough, more on a short one (a phone held sideways, a small window).
func (o *overlay) layout(ctx *ui.Context, a menuHost) {
	labels := o.labels(a)
	if len(o.items) != items {
		o.items = make([]ui.Button, items)
	}
	w, h := float64(ctx.W), float64(ctx.H)
	pad, gap := ctx.Px(16), ctx.Px(8)
	rowH := ctx.Px(44)
	availH := h - 2*pad - ctx.Px(40)
	cols := 1
	for cols < 4 && float64((items+cols-1)/cols)*(rowH+gap) > availH {
		cols++
	}
	rows := (items + cols - 1) / cols
	rowH = min(rowH, availH/float64(rows)-gap)
	colW := min(ctx.Px(240), (w-2*pad-float64(cols-1)*gap)/float64(cols)-ctx.Px(8))
	pw := float64(cols)*colW + float64(cols-1)*gap + 2*pad
	ph := float64(rows)*(rowH+gap) - gap + 2*pad + ctx.Px(28)
	x0, y0 := w/2-pw/2, h/2-ph/2
	o.panel = rect(x0, y0, pw, ph)
	for i := range o.items {
		c, r := i/rows, i%rows
		o.items[i].Label = labels[i]
		o.items[i].Secondary = i != itemResume
		o.items[i].Rect = rect(x0+pad+float64(c)*(colW+gap), y0+pad+ctx.Px(28)+float64(r)*(rowH+gap), colW, rowH)
	}
}

// pageView reports the overlay for DebugJSON.
func (o *overlay) pageView(d *netclient.DebugPage, ctx *ui.Context) {
	d.Menu, d.Invite = o.open, o.invite
	for _, t := range o.toasts {
		d.Toasts = append(d.Toasts, t.text)
	}
	if o.open {
		for i := range o.items {
			debugButtons(d, ctx, &o.items[i])
		}
		return
	}
	if !o.help {
		debugButtons(d, ctx, &o.menu)
	}
}

// draw draws the Menu button, the toasts, and the menu or the controls when open.
func (o *overlay) draw(screen *ebiten.Image, ctx *ui.Context, controls []string) {
	th := ctx.Theme
	m := o.menu.Rect
	if !m.Empty() {
		ui.RoundRect(screen, float64(m.Min.X), float64(m.Min.Y), float64(m.Dx()), float64(m.Dy()), ctx.Px(6), ui.PanelEdge)
		ui.Text(screen, "Menu", th.Bold(ui.Small), float64(m.Min.X+m.Dx()/2), float64(m.Min.Y+m.Dy()/2), ui.Center, ui.Center, ui.TextColor)
	}
	y := float64(ctx.H) - ctx.Px(24)
	for i := len(o.toasts) - 1; i >= 0; i-- {
		ui.ShadowText(screen, o.toasts[i].text, th.Bold(ui.Small), ctx.Px(16), y, ctx.Px(1), ui.Start, ui.Center, ui.TextColor)
		y -= ctx.Px(22)
	}
	switch {
	case o.help:
		o.drawControls(screen, ctx, controls)
	case o.open:
		ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.6)
		ui.Dialog(screen, ctx, o.panel)
		ui.Text(screen, "Menu", th.Bold(ui.Body), float64(o.panel.Min.X)+ctx.Px(16), float64(o.panel.Min.Y)+ctx.Px(26), ui.Start, ui.Center, ui.Muted)
		for i := range o.items {
			o.items[i].Draw(screen, ctx)
		}
	}
}

// drawControls shows the game's controls until the next press.
func (o *overlay) drawControls(screen *ebiten.Image, ctx *ui.Context, controls []string) {
	th := ctx.Theme
	ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.7)
	lh := ctx.Px(26)
	y := float64(ctx.H)/2 - float64(len(controls)+2)*lh/2
	cx := float64(ctx.W) / 2
	ui.Text(screen, "Controls", th.Bold(ui.Large), cx, y, ui.Center, ui.Center, ui.Accent)
	for _, l := range controls {
		y += lh
		ui.Text(screen, l, th.Face(ui.Body), cx, y, ui.Center, ui.Center, ui.TextColor)
	}
	ui.Text(screen, "Esc, a click or a tap closes this · the menu shows it again", th.Face(ui.Small), cx, y+lh*1.5, ui.Center, ui.Center, ui.Muted)
}
