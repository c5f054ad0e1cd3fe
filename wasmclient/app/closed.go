package app

import (
	"fmt"
	"image"
	"regexp"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// exit is a way out of the closed screen.
type exit int

const (
	exitReconnect  exit = iota // the same hello again
	exitWatch                  // watch the room instead (it is full)
	exitChangeName             // back to the title screen
	exitReload                 // reload the page (a client older than the server)
	exitFixedRoom              // play in the room name made valid
	exitLobby                  // back to the lobby (the title screen natively)
)

// way is one button of the closed screen.
type way struct {
	label string
	to    exit
}

// closedPlan is what the closed screen says and offers for a close: a heading and the ways out,
// the likely one first (Enter and a tap outside take it). Every plan ends with the lobby.
type closedPlan struct {
	heading string
	ways    []way
}

// planFor returns the closed screen's plan for close code, for a client that spectated or not in
// room; canReload says the page can reload itself. fixed is the room name made valid when code
// refused the room's ("" when there is no obvious fix).
func planFor(code int, spectating, canReload bool, room string) (p closedPlan, fixed string) {
	lobby := way{"Back to lobby", exitLobby}
	switch wire.CloseCode(code) {
	case wire.CloseRoomFull:
		if spectating {
			return closedPlan{"Room full", []way{lobby}}, ""
		}
		return closedPlan{"Room full", []way{{"Watch", exitWatch}, lobby}}, ""
	case wire.CloseBadVersion:
		if canReload {
			return closedPlan{"A newer version is out", []way{{"Reload", exitReload}, lobby}}, ""
		}
		return closedPlan{"A newer version is out", []way{lobby}}, ""
	case wire.CloseBadRoom:
		if fixed = fixRoom(room); fixed != "" && fixed != room {
			return closedPlan{"Bad room name", []way{{"Play in " + fixed, exitFixedRoom}, lobby}}, fixed
		}
		return closedPlan{"Bad room name", []way{lobby}}, ""
	case wire.CloseBadName:
		return closedPlan{"Name refused", []way{{"Change name", exitChangeName}, lobby}}, ""
	case wire.CloseNoRoom, wire.CloseUnknownGame:
		return closedPlan{"Nothing to join here", []way{lobby}}, ""
	case wire.CloseServerFull:
		return closedPlan{"Server full", []way{{"Try again", exitReconnect}, lobby}}, ""
	}
	return closedPlan{"Disconnected", []way{{"Reconnect", exitReconnect}, lobby}}, ""
}

var notRoom = regexp.MustCompile(`[^a-z0-9]+`)

// fixRoom returns room as a valid room name (1–32 of a-z, 0-9 and -): lower-cased, each run of
// other characters a '-'; "" when nothing is left of it.
func fixRoom(room string) string {
	r := strings.Trim(notRoom.ReplaceAllString(strings.ToLower(room), "-"), "-")
	if len(r) > 32 {
		r = strings.TrimRight(r[:32], "-")
	}
	return r
}

// closed says why the connection ended over the last frame of the scene before, dimmed, and
// offers the ways out that help with that close (planFor).
type closed[I any] struct {
	app    *App[I]
	behind ui.Scene // drawn, never updated: it stays as it was
	reason string
	code   string
	plan   closedPlan
	fixed  string // the room name made valid, for exitFixedRoom
	ticks  int

	box       image.Rectangle
	lines     []string
	wrapWidth float64
	buttons   []ui.Button
}

func newClosed[I any](a *App[I], behind ui.Scene, v netclient.View) *closed[I] {
	c := &closed[I]{app: a, behind: behind, reason: v.Reason}
	c.plan, c.fixed = planFor(v.Code, a.cfg.Spectate, a.cfg.Page.Reload != nil, a.cfg.Room)
	for i, w := range c.plan.ways {
		c.buttons = append(c.buttons, ui.Button{Label: w.label, Secondary: i > 0})
	}
	if c.reason == "" {
		c.reason = "The connection closed."
	}
	if v.Code != 0 {
		c.code = fmt.Sprintf("close code %d", v.Code)
	}
	return c
}

// armTicks is how long the screen ignores input, so that a tap or key meant for the game does not
// choose a way out at once.
const armTicks = 30

func (c *closed[I]) Update(ctx *ui.Context) error {
	c.ticks++
	c.layout(ctx)
	if c.ticks < armTicks {
		return nil
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		c.take(exitLobby)
		return nil
	}
	for i := range c.buttons {
		if c.buttons[i].Pressed(ctx) {
			c.take(c.plan.ways[i].to)
			return nil
		}
	}
	// Enter, or a tap outside the box, takes the likely next step.
	if inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter) ||
		len(ctx.Taps) > 0 && !ctx.Tapped(c.box) {
		c.take(c.plan.ways[0].to)
	}
	return nil
}

// take leaves the screen the way e says.
func (c *closed[I]) take(e exit) {
	a := c.app
	switch e {
	case exitWatch:
		a.cfg.Spectate = true
		a.connect("")
	case exitChangeName:
		a.toTitle()
	case exitReload:
		a.cfg.Page.Reload()
	case exitFixedRoom:
		a.cfg.Room = c.fixed
		a.connect(a.cfg.Name)
	case exitLobby:
		a.toLobby()
	default:
		a.connect(a.cfg.Name)
	}
}

func (c *closed[I]) layout(ctx *ui.Context) {
	w, h := float64(ctx.W), float64(ctx.H)
	bw := min(ctx.Px(480), w-ctx.Px(32))
	pad := ctx.Px(28)
	if ww := bw - 2*pad; ww != c.wrapWidth {
		face := ctx.Theme.Face(ui.Body)
		c.lines = ui.Wrap(c.reason, ww, func(s string) float64 { return ui.Measure(s, face) })
		c.wrapWidth = ww
	}
	bh := ctx.Px(210) + float64(len(c.lines))*ctx.Px(24)
	x, y := w/2-bw/2, max(h/2-bh/2, 0)
	c.box = rect(x, y, bw, bh)
	n := float64(len(c.buttons))
	gap := ctx.Px(12)
	bwid := (bw - 2*pad - gap*(n-1)) / n
	// On a screen too short for the box (a phone held sideways) the ways out stay in view, over
	// the end of the text if need be: a way out that cannot be reached is none.
	by := min(y+bh-pad-ctx.Px(48), h-ctx.Px(48+8))
	for i := range c.buttons {
		c.buttons[i].Rect = rect(x+pad+float64(i)*(bwid+gap), by, bwid, ctx.Px(48))
	}
}

// pageView implements pageViewer.
func (c *closed[I]) pageView(d *netclient.DebugPage, ctx *ui.Context) {
	d.Scene, d.Heading = "closed", c.plan.heading
	if c.ticks >= armTicks {
		for i := range c.buttons {
			debugButtons(d, ctx, &c.buttons[i])
		}
	}
}

func (c *closed[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	c.behind.Draw(screen, ctx)
	ui.FillRect(screen, 0, 0, float32(ctx.W), float32(ctx.H), ui.Background, 0.72)
	if c.box.Empty() {
		return // not laid out yet
	}
	th := ctx.Theme
	ui.Dialog(screen, ctx, c.box)
	x := float64(c.box.Min.X) + ctx.Px(28)
	y := float64(c.box.Min.Y) + ctx.Px(42)
	ui.Text(screen, c.plan.heading, th.Bold(ui.Large), x, y, ui.Start, ui.Center, ui.Bad)
	y += ctx.Px(40)
	for _, l := range c.lines {
		ui.Text(screen, l, th.Face(ui.Body), x, y, ui.Start, ui.Center, ui.TextColor)
		y += ctx.Px(24)
	}
	if c.code != "" {
		ui.Text(screen, c.code, th.Face(ui.Small), x, y+ctx.Px(2), ui.Start, ui.Center, ui.Muted)
	}
	hint := "Enter: " + c.plan.ways[0].label + " · Esc: back to lobby"
	if ctx.Touch {
		hint = "Tap a button"
	}
	ui.Text(screen, hint, th.Face(ui.Small), float64(c.box.Min.X+c.box.Dx()/2), float64(c.buttons[0].Rect.Min.Y)-ctx.Px(22), ui.Center, ui.Center, ui.Muted)
	if c.ticks >= armTicks {
		for i := range c.buttons {
			c.buttons[i].Draw(screen, ctx)
		}
	}
}
