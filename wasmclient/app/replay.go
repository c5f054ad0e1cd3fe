package app

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// replaySource is a replay.Replayer, whatever the game's state type.
type replaySource interface {
	First() uint32
	Last() uint32
	Tick() uint32
	Step() error
	Seek(tick uint32) error
	Entities(dst []sim.Entity) []sim.Entity
	Players() []replay.Arrival
}

// Score is one player's score as a game's client half shows it.
type Score struct {
	Player sim.PlayerID
	Name   string
	Score  int32
}

// Scorer is implemented by a game's client half that keeps score per player: Scores appends the
// scores as of the last Update. A replay lists them beside the players to follow, and
// window.tickwireView() reports them.
type Scorer interface {
	Scores(dst []Score) []Score
}

// seekStep is how far the arrow keys seek, in seconds.
const seekStep = 5

// Watch plays rec with the game's own renderer instead of a connection (which it ends): play and
// pause, speeds from 0.25× to 4×, a timeline to scrub, and any player to follow. It refuses a
// recording of another game, or one the game's shared half cannot replay (another state version),
// with an error that says so; the caller shows it with [App.WatchFailed]. Call it from the game
// loop (Update), as the page's replay loader does.
func (a *App[I]) Watch(rec *replay.Recording) error {
	if rec.Header.Game != a.name {
		return fmt.Errorf("this is a replay of %q, not of %q", rec.Header.Game, a.name)
	}
	src, err := a.newReplayer(rec)
	if err != nil {
		return err
	}
	if old := a.client.Swap(nil); old != nil {
		old.Close()
	}
	a.game.Reset()
	w := newWatching(a, rec.Header, src)
	a.mgr.GoTo(w)
	a.publish(w.debug())
	return nil
}

// WaitForReplay shows that a replay is on its way (fetched from the server), ending any connection.
func (a *App[I]) WaitForReplay(what string) {
	if old := a.client.Swap(nil); old != nil {
		old.Close()
	}
	a.mgr.Switch(&replayMessage[I]{app: a, title: "Loading replay…", detail: what})
	a.publish(&netclient.DebugView{Mode: "replay", Status: "loading", Reason: what})
}

// WatchFailed says why a replay cannot be shown (not found, refused, not a replay) and offers the
// way back to the lobby.
func (a *App[I]) WatchFailed(err error) {
	if old := a.client.Swap(nil); old != nil {
		old.Close()
	}
	a.mgr.Switch(&replayMessage[I]{app: a, title: "Cannot play this replay", detail: err.Error(), failed: true})
	a.publish(&netclient.DebugView{Mode: "replay", Status: "failed", Reason: err.Error()})
}

// publish makes d what DebugJSON reports (nil: the connection's view).
func (a *App[I]) publish(d *netclient.DebugView) { a.replayView.Store(d) }

// toLobby leaves for the lobby, or, on a page without one, goes back to the title screen.
func (a *App[I]) toLobby() {
	if a.cfg.ToLobby != nil {
		a.cfg.ToLobby()
		return
	}
	a.publish(nil)
	a.toTitle()
}

// watching plays a recording: it steps the replayer at the playback's pace and hands the game the
// same Frame a spectator's connection would, built from the replayer's tick: the game draws it with
// its own renderer. The frame is the recording's exact tick (Timed false), so what is drawn and
// what window.tickwireView() reports are one tick of the recording.
type watching[I any] struct {
	app    *App[I]
	src    replaySource
	header replay.Header
	pb     Playback
	last   time.Time

	view    netclient.View
	frame   Frame
	follow  sim.PlayerID // 0: the game's own choice (the leader)
	players []Score      // seated now, with their scores, in order of id
	scores  []Score
	shown   uint32 // the tick in view
	err     error  // a step the game failed: playback stops and says so

	// Layout, set by Update from the screen size.
	bar, timeline, playBtn, lobbyBtn image.Rectangle
	openBtn                          image.Rectangle // empty without a file picker
	speedBtns                        [len(Speeds)]image.Rectangle
	rows                             []image.Rectangle // the players list: "leader", then each player
	scrubbing                        bool
	scrubTouch                       ebiten.TouchID
	touches                          []ebiten.TouchID
	changed                          bool
}

func newWatching[I any](a *App[I], h replay.Header, src replaySource) *watching[I] {
	w := &watching[I]{app: a, src: src, header: h, pb: Playback{TickRate: h.TickRate, Speed: 1, Playing: true}}
	w.view.Status = netclient.Connected
	w.view.Welcome = wire.Welcome{Game: h.Game, Room: h.Room, Spectator: true, TickRate: uint32(max(h.TickRate, 1)),
		SnapshotRate: uint32(max(h.TickRate, 1))}
	w.shown = src.Tick() - 1 // so that the first Update takes in the first tick
	return w
}

func (w *watching[I]) Update(ctx *ui.Context) error {
	now := time.Now()
	w.layout(ctx)
	w.controls(ctx)
	if w.err == nil && !w.scrubbing {
		n := 0
		if !w.last.IsZero() {
			n = w.pb.Advance(now.Sub(w.last))
		}
		for ; n > 0 && w.src.Tick() < w.src.Last(); n-- {
			if err := w.src.Step(); err != nil {
				w.fail(err)
				break
			}
		}
		if w.src.Tick() >= w.src.Last() && w.pb.Playing {
			w.pb.Playing = false // the end: play again starts over
		}
	}
	w.last = now
	w.takeTick(now)
	w.app.game.Update(ctx, &w.frame)
	w.updatePlayers()
	if w.changed {
		w.app.publish(w.debug())
		w.changed = false
	}
	return nil
}

// fail stops playback at a tick the game could not step.
func (w *watching[I]) fail(err error) {
	w.err = fmt.Errorf("tick %d: %w", w.src.Tick()+1, err)
	w.pb.Playing = false
	w.changed = true
}

// takeTick builds the frame of the replayer's tick: a new one counts as a snapshot received now.
func (w *watching[I]) takeTick(now time.Time) {
	v := &w.view
	if t := w.src.Tick(); t != w.shown || v.Snapshots == 0 {
		w.shown = t
		v.Tick, v.Entities = t, w.src.Entities(v.Entities[:0])
		v.Snapshots++
		v.Received = now
		v.Roster = v.Roster[:0]
		for _, p := range w.src.Players() {
			v.Roster = append(v.Roster, wire.RosterEntry{Player: p.Player, Name: p.Name})
		}
		w.changed = true
	}
	if !w.pb.Playing {
		v.Received = now // paused: a game that extrapolates from the snapshot's age holds still
	}
	// The rate the ticks go by, which a game that extrapolates between them uses.
	v.Welcome.TickRate = uint32(max(1, float64(w.header.TickRate)*w.pb.Speed+0.5))
	f := &w.frame
	f.View, f.Drawn, f.Timed = *v, v.Entities, false
	f.Replay, f.Follow = true, w.follow
}

// updatePlayers lists the players seated now with the game's scores, and lets go of a followed
// player who left.
func (w *watching[I]) updatePlayers() {
	w.scores = w.scores[:0]
	if s, ok := w.app.game.(Scorer); ok {
		w.scores = s.Scores(w.scores)
	}
	w.players = w.players[:0]
	following := false
	for _, r := range w.view.Roster {
		p := Score{Player: r.Player, Name: r.Name}
		if i := slices.IndexFunc(w.scores, func(s Score) bool { return s.Player == r.Player }); i >= 0 {
			p.Score = w.scores[i].Score
		}
		w.players = append(w.players, p)
		following = following || r.Player == w.follow
	}
	slices.SortFunc(w.players, func(a, b Score) int { return int(a.Player) - int(b.Player) })
	if !following && w.follow != 0 {
		w.follow = 0
		w.changed = true
	}
}

// seek goes to tick, clamped to the recording.
func (w *watching[I]) seek(tick uint32) {
	tick = min(max(tick, w.src.First()), w.src.Last())
	if tick == w.src.Tick() {
		return
	}
	if err := w.src.Seek(tick); err != nil {
		w.fail(err)
		return
	}
	w.err = nil
	w.changed = true
}

// controls applies the keyboard, the mouse and touches: space plays and pauses, the arrows seek
// by seekStep seconds, - and + change the speed, 1 to 9 follow a player and 0 the leader; the bar
// at the bottom does the same with taps, and its timeline scrubs (press and drag).
func (w *watching[I]) controls(ctx *ui.Context) {
	rate := uint32(max(w.header.TickRate, 1))
	before := w.pb
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeySpace) || ctx.Tapped(w.playBtn):
		w.togglePlay()
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft):
		w.seek(w.src.Tick() - min(w.src.Tick(), seekStep*rate))
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowRight):
		w.seek(w.src.Tick() + seekStep*rate)
	case inpututil.IsKeyJustPressed(ebiten.KeyMinus) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadSubtract):
		w.pb.Slower()
	case inpututil.IsKeyJustPressed(ebiten.KeyEqual) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadAdd):
		w.pb.Faster()
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape) || ctx.Tapped(w.lobbyBtn):
		w.app.toLobby()
		return
	case ctx.Tapped(w.openBtn):
		w.app.cfg.OpenFile()
	}
	for i, r := range w.speedBtns {
		if ctx.Tapped(r) {
			w.pb.Speed = Speeds[i]
		}
	}
	for k := ebiten.KeyDigit0; k <= ebiten.KeyDigit9; k++ {
		if inpututil.IsKeyJustPressed(k) {
			w.followRow(int(k - ebiten.KeyDigit0))
		}
	}
	for i, r := range w.rows {
		if ctx.Tapped(r) {
			w.followRow(i)
		}
	}
	if w.pb != before {
		w.changed = true
	}
	w.scrub(ctx)
}

// togglePlay plays or pauses; playing at the end starts over.
func (w *watching[I]) togglePlay() {
	if !w.pb.Playing && w.src.Tick() >= w.src.Last() {
		w.seek(w.src.First())
	}
	w.pb.Toggle()
}

// followRow follows the player of row i of the list (0: the leader, the game's own choice).
func (w *watching[I]) followRow(i int) {
	switch {
	case i == 0:
		w.follow = 0
	case i-1 < len(w.players):
		w.follow = w.players[i-1].Player
	default:
		return
	}
	w.changed = true
}

// scrub seeks to the timeline's point under a mouse button or a finger pressed on it, for as long
// as it stays down.
func (w *watching[I]) scrub(ctx *ui.Context) {
	hit := w.timeline.Inset(-int(ctx.Px(10))) // a generous target for fingers
	x, down := 0, false
	switch {
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft):
		cx, cy := ebiten.CursorPosition()
		if image.Pt(cx, cy).In(hit) {
			w.scrubbing, w.scrubTouch = true, -1
		}
	default:
		w.touches = inpututil.AppendJustPressedTouchIDs(w.touches[:0])
		for _, id := range w.touches {
			if image.Pt(ebiten.TouchPosition(id)).In(hit) {
				w.scrubbing, w.scrubTouch = true, id
			}
		}
	}
	if !w.scrubbing {
		return
	}
	if w.scrubTouch < 0 {
		x, _ = ebiten.CursorPosition()
		down = ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
	} else {
		x, _ = ebiten.TouchPosition(w.scrubTouch)
		down = !inpututil.IsTouchJustReleased(w.scrubTouch) && slices.Contains(ebiten.AppendTouchIDs(w.touches[:0]), w.scrubTouch)
	}
	if !down {
		w.scrubbing = false
		return
	}
	w.seek(TimelineTick(float64(x), float64(w.timeline.Min.X), float64(w.timeline.Dx()), w.src.First(), w.src.Last()))
}

func (w *watching[I]) layout(ctx *ui.Context) {
	W, H := float64(ctx.W), float64(ctx.H)
	m := ctx.Px(12)
	bh := ctx.Px(118)
	w.bar = rect(m, H-m-bh, W-2*m, bh)
	pad := ctx.Px(14)
	x0, x1 := float64(w.bar.Min.X)+pad, float64(w.bar.Max.X)-pad
	w.timeline = rect(x0, float64(w.bar.Min.Y)+ctx.Px(16), x1-x0, ctx.Px(10))
	by, bs := float64(w.bar.Max.Y)-pad-ctx.Px(44), ctx.Px(44)
	w.playBtn = rect(x0, by, ctx.Px(72), bs)
	w.lobbyBtn = rect(x1-ctx.Px(76), by, ctx.Px(76), bs)
	w.openBtn = image.Rectangle{}
	right := float64(w.lobbyBtn.Min.X)
	if w.app.cfg.OpenFile != nil {
		w.openBtn = rect(right-ctx.Px(8)-ctx.Px(64), by, ctx.Px(64), bs)
		right = float64(w.openBtn.Min.X)
	}
	sw := ctx.Px(50)
	sx := right - ctx.Px(12) - float64(len(Speeds))*(sw+ctx.Px(4))
	for i := range w.speedBtns {
		w.speedBtns[i] = rect(sx+float64(i)*(sw+ctx.Px(4)), by, sw, bs)
	}
	rh, rw := ctx.Px(34), min(ctx.Px(240), W/2-m)
	y := ctx.Px(64)
	w.rows = w.rows[:0]
	for i := 0; i <= len(w.players) && y+rh < float64(w.bar.Min.Y)-m; i++ {
		w.rows = append(w.rows, rect(m, y, rw, rh))
		y += rh + ctx.Px(4)
	}
}

func (w *watching[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	w.app.game.Draw(screen, ctx)
	w.drawPlayers(screen, ctx)
	w.drawBar(screen, ctx)
}

func (w *watching[I]) drawPlayers(screen *ebiten.Image, ctx *ui.Context) {
	th := ctx.Theme
	for i, r := range w.rows {
		label, score, on := "Follow the leader", "", w.follow == 0
		if i > 0 {
			p := w.players[i-1]
			label, score, on = p.Name, strconv.Itoa(int(p.Score)), p.Player == w.follow
			if label == "" {
				label = "player " + strconv.Itoa(int(p.Player))
			}
		}
		x, y, rw, rh := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
		fill, text := color.Color(ui.PanelFill), color.Color(ui.TextColor)
		if on {
			fill, text = ui.Accent, ui.AccentText
		}
		ui.RoundRect(screen, x, y, rw, rh, ctx.Px(8), fill)
		key := strconv.Itoa(i)
		ui.Text(screen, key, th.Bold(ui.Small), x+ctx.Px(14), y+rh/2, ui.Center, ui.Center, text)
		ui.Text(screen, label, th.Face(ui.Body), x+ctx.Px(30), y+rh/2, ui.Start, ui.Center, text)
		if score != "" {
			ui.Text(screen, score, th.Bold(ui.Body), x+rw-ctx.Px(12), y+rh/2, ui.End, ui.Center, text)
		}
	}
}

func (w *watching[I]) drawBar(screen *ebiten.Image, ctx *ui.Context) {
	th := ctx.Theme
	ui.Panel(screen, ctx, w.bar)
	// The timeline: the track, the part played, keyframes as ticks of the ruler, the knob.
	t := w.timeline
	tx, ty, tw, tht := float64(t.Min.X), float64(t.Min.Y), float64(t.Dx()), float64(t.Dy())
	first, last := w.src.First(), w.src.Last()
	ui.RoundRect(screen, tx, ty, tw, tht, tht/2, ui.PanelEdge)
	kx := TimelineX(w.src.Tick(), tx, tw, first, last)
	ui.RoundRect(screen, tx, ty, max(kx-tx, tht), tht, tht/2, ui.Accent)
	ui.Circle(screen, kx, ty+tht/2, ctx.Px(9), ui.TextColor)

	// The buttons.
	drawKey(screen, ctx, w.playBtn, map[bool]string{true: "Pause", false: "Play"}[w.pb.Playing], false)
	for i, r := range w.speedBtns {
		drawKey(screen, ctx, r, speedLabel(Speeds[i]), w.pb.Speed == Speeds[i])
	}
	drawKey(screen, ctx, w.lobbyBtn, "Lobby", false)
	if !w.openBtn.Empty() {
		drawKey(screen, ctx, w.openBtn, "Open…", false)
	}

	// The time, the tick and what is going on.
	rate := w.header.TickRate
	s := Clock(w.src.Tick()-first, rate) + " / " + Clock(last-first, rate) + " · tick " + strconv.Itoa(int(w.src.Tick()))
	x := float64(w.timeline.Min.X)
	cy := float64(w.timeline.Max.Y) + ctx.Px(17)
	ui.Text(screen, s, th.Bold(ui.Body), x, cy, ui.Start, ui.Center, ui.TextColor)
	x += ui.Measure(s, th.Bold(ui.Body)) + ctx.Px(14)
	sub := "REPLAY · " + w.header.Game + " · room " + w.header.Room
	col := color.Color(ui.Muted)
	switch {
	case w.err != nil:
		sub, col = "stopped at "+w.err.Error(), ui.Bad
	case !w.pb.Playing && w.src.Tick() >= last:
		sub = "the end · space plays it again"
	}
	ui.Text(screen, sub, th.Face(ui.Small), x, cy, ui.Start, ui.Center, col)
}

// drawKey draws one of the bar's small buttons, gold when on.
func drawKey(screen *ebiten.Image, ctx *ui.Context, r image.Rectangle, label string, on bool) {
	x, y, bw, bh := float64(r.Min.X), float64(r.Min.Y), float64(r.Dx()), float64(r.Dy())
	fill, edge, text := color.Color(color.RGBA{0x16, 0x1e, 0x36, 0xff}), color.Color(ui.PanelEdge), color.Color(ui.TextColor)
	if on {
		fill, edge, text = ui.Accent, ui.Accent, ui.AccentText
	} else if !ctx.Touch && image.Pt(ebiten.CursorPosition()).In(r) {
		fill = color.RGBA{0x20, 0x2a, 0x4a, 0xff}
	}
	rad := ctx.Px(8)
	ui.RoundRect(screen, x, y, bw, bh, rad, edge)
	lw := ctx.Px(1.5)
	ui.RoundRect(screen, x+lw, y+lw, bw-2*lw, bh-2*lw, rad-lw, fill)
	ui.Text(screen, label, ctx.Theme.Bold(ui.Small), x+bw/2, y+bh/2, ui.Center, ui.Center, text)
}

// speedLabel names a speed: "0.25×", "2×".
func speedLabel(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) + "×" }

// debug is the replay's view for window.tickwireView(): the tick drawn with its entities, the
// recording's span, the playback and the players with their scores.
func (w *watching[I]) debug() *netclient.DebugView {
	d := netclient.Debug(w.view, w.app.schema)
	d.Mode, d.Status = "replay", "watching"
	if w.err != nil {
		d.Status, d.Reason = "stopped", w.err.Error()
	}
	d.Tick = w.src.Tick()
	r := &netclient.DebugReplay{First: w.src.First(), Last: w.src.Last(), Speed: w.pb.Speed, Playing: w.pb.Playing,
		Following: uint32(w.follow), TickRate: w.header.TickRate, Players: []netclient.DebugPlayer{}}
	for _, p := range w.players {
		r.Players = append(r.Players, netclient.DebugPlayer{ID: uint32(p.Player), Name: p.Name, Score: p.Score})
	}
	d.DebugReplay = r
	return &d
}

// replayMessage is the screen before a replay plays (loading) or instead of it (failed), with the
// way back to the lobby. A file dropped on the page replaces it with the replay.
type replayMessage[I any] struct {
	app           *App[I]
	title, detail string
	failed        bool
	ticks         int

	box         image.Rectangle
	lobby, open ui.Button
	lines       []string
	wrap        float64
}

func (m *replayMessage[I]) Update(ctx *ui.Context) error {
	m.ticks++
	W, H := float64(ctx.W), float64(ctx.H)
	bw := min(ctx.Px(520), W-ctx.Px(32))
	pad := ctx.Px(28)
	if ww := bw - 2*pad; ww != m.wrap {
		face := ctx.Theme.Face(ui.Body)
		m.lines = ui.Wrap(sentence(m.detail)+" You can also drop a replay file (.twr) on this page.", ww,
			func(s string) float64 { return ui.Measure(s, face) })
		m.wrap = ww
	}
	bh := ctx.Px(190) + float64(len(m.lines))*ctx.Px(24)
	m.box = rect(W/2-bw/2, H/2-bh/2, bw, bh)
	bx, by, bwid := W/2-bw/2+pad, H/2+bh/2-pad-ctx.Px(48), bw-2*pad
	m.open = ui.Button{Label: "Open a file", Secondary: true}
	if m.app.cfg.OpenFile != nil {
		half := (bwid - ctx.Px(12)) / 2
		m.open.Rect = rect(bx+half+ctx.Px(12), by, half, ctx.Px(48))
		bwid = half
	}
	m.lobby = ui.Button{Label: "Lobby", Secondary: !m.failed, Rect: rect(bx, by, bwid, ctx.Px(48))}
	if m.open.Pressed(ctx) {
		m.app.cfg.OpenFile()
	}
	if m.lobby.Pressed(ctx) || m.failed && (inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyEscape)) {
		m.app.toLobby()
	}
	return nil
}

func (m *replayMessage[I]) Draw(screen *ebiten.Image, ctx *ui.Context) {
	ui.Backdrop(screen, ctx)
	if m.box.Empty() {
		return
	}
	th := ctx.Theme
	ui.Dialog(screen, ctx, m.box)
	x, y := float64(m.box.Min.X)+ctx.Px(28), float64(m.box.Min.Y)+ctx.Px(42)
	col := color.Color(ui.TextColor)
	if m.failed {
		col = ui.Bad
	}
	ui.Text(screen, m.title, th.Bold(ui.Large), x, y, ui.Start, ui.Center, col)
	y += ctx.Px(40)
	for _, l := range m.lines {
		ui.Text(screen, l, th.Face(ui.Body), x, y, ui.Start, ui.Center, ui.TextColor)
		y += ctx.Px(24)
	}
	m.lobby.Draw(screen, ctx)
	if !m.open.Rect.Empty() {
		m.open.Draw(screen, ctx)
	}
}

// sentence capitalises s and ends it with a full stop, for an error shown as a sentence.
func sentence(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		s = string(c-'a'+'A') + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
