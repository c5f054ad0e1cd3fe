package app

import (
	"image"
	"slices"
	"sync/atomic"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/wasmclient/netcode"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// netGraphSource is a connection that measures itself for the net graph (see [netcode.Graph]):
// NetGraph appends its series to dst and returns it. The playing scene asks the connection whether
// it is one, so a client that does not measure shows the graph with "no data".
type netGraphSource interface {
	NetGraph(dst []netcode.Series) []netcode.Series
}

// netGraphEvery is how often, in ticks, the shown net graph reads the connection's series: the
// graph samples a few times a second, so a quarter of the frame rate keeps it live without
// copying every series every frame.
const netGraphEvery = 4

// netGraphInput is this tick's input for the net graph, whatever device it came from.
type netGraphInput struct {
	Key     bool          // F3 went down
	Presses []image.Point // where a mouse button or a finger went down, device pixels
}

// toggles reports whether in shows or hides the net graph whose button is at button: F3 does, and
// so does a press on the button. Several presses in one tick (a mouse and a finger, two fingers)
// toggle once.
func (in netGraphInput) toggles(button image.Rectangle) bool {
	return in.Key || slices.ContainsFunc(in.Presses, func(p image.Point) bool { return p.In(button) })
}

// dropTaps removes the taps that landed in r from taps, in place, and returns the rest: a tap on
// the net graph's button is not the game's (a tap says "ready" in pong).
func dropTaps(taps []image.Point, r image.Rectangle) []image.Point {
	return slices.DeleteFunc(taps, func(p image.Point) bool { return p.In(r) })
}

// netGraph is the app's net graph overlay, drawn over the playing scene of every game: whether it
// is shown (which outlives connections), and the series it shows.
type netGraph struct {
	shown  atomic.Bool
	series []netcode.Series
	wait   int // ticks until the series are read again

	in      netGraphInput
	touches []ebiten.TouchID
	graph   ui.NetGraph
}

// update applies this tick's input, keeps the taps on the button from the game, and, while the
// graph is shown, reads src's series every [netGraphEvery] ticks (at once when it is turned on).
// src is the connection; one that is not a [netGraphSource] has no series.
func (g *netGraph) update(ctx *ui.Context, in netGraphInput, src any) {
	button := ui.NetGraphButton(ctx.Scale)
	if in.toggles(button) {
		g.shown.Store(!g.shown.Load())
		g.wait = 0
	}
	ctx.Taps = dropTaps(ctx.Taps, button)
	if !g.shown.Load() {
		return
	}
	if g.wait > 0 {
		g.wait--
		return
	}
	g.wait = netGraphEvery - 1
	g.series = g.series[:0]
	if s, ok := src.(netGraphSource); ok {
		g.series = s.NetGraph(g.series)
	}
}

// read returns this tick's input from the keyboard, the mouse and the touch screen. The presses'
// slice is reused on the next call.
func (g *netGraph) read() netGraphInput {
	in := &g.in
	in.Key = inpututil.IsKeyJustPressed(ebiten.KeyF3)
	in.Presses = in.Presses[:0]
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		in.Presses = append(in.Presses, image.Pt(ebiten.CursorPosition()))
	}
	g.touches = inpututil.AppendJustPressedTouchIDs(g.touches[:0])
	for _, id := range g.touches {
		in.Presses = append(in.Presses, image.Pt(ebiten.TouchPosition(id)))
	}
	return *in
}

// draw draws the button and, while shown, the graph.
func (g *netGraph) draw(screen *ebiten.Image, ctx *ui.Context) {
	shown := g.shown.Load()
	ui.DrawNetGraphButton(screen, ctx, shown)
	if shown {
		g.graph.Draw(screen, ctx, g.series)
	}
}

// SetNetGraph shows or hides the net graph over the game: ping, jitter, snapshots, bytes in and out,
// interpolation delay and corrections as live sparklines. It is hidden until shown here, with F3
// or with the NET button at the top left, and stays as it is across connections. It is safe to
// call from any goroutine.
func (a *App[I]) SetNetGraph(shown bool) { a.net.shown.Store(shown) }
