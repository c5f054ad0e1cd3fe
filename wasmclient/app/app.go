package app

import (
	"math"
	"sync/atomic"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Game is a game's client half.
type Game[I any] interface {
	// Reset forgets what an earlier connection left behind; it is called before each connection.
	Reset()
	// Update reads the newest view, advances the game's effects and returns the player's input.
	// It runs once per tick and must not block.
	Update(ctx *ui.Context, v *netclient.View) I
	// Draw draws the game as of the last Update. It only reads state.
	Draw(screen *ebiten.Image, ctx *ui.Context)
}

// Predicting is implemented by a game's client half that runs the netcode itself (a
// netcode.Session: prediction, reconciliation, interpolation). The app then dials in
// netclient's Manual mode and hands it the connection before the first Update; the game sends
// its inputs through the Session and the input Update returns is not sent.
type Predicting[I any] interface {
	Attach(c *netclient.Client[I])
}

// Messenger is implemented by a game's client half that exchanges the game's own messages with the
// server (declared in Config.Messages).
type Messenger interface {
	// Receive gets each game message the server sent, oldest first, before the tick's Update.
	Receive(m wire.Message)
	// Outbox appends the messages to send to the server, produced by the tick's Update, and
	// forgets them. A spectator's client is never asked.
	Outbox(dst []wire.Message) []wire.Message
}

// Config says where the client connects and as whom.
type Config struct {
	// URL is the server's WebSocket endpoint, for example ws://localhost:8080/ws.
	URL string
	// Game names the game to play; empty lets the server choose its default.
	Game string
	// Room is the room to join; empty lets the server pick one with a free seat.
	Room string
	// Name is the player's name; empty shows the title screen, where the player picks one.
	Name string
	// Spectate watches the room instead of playing: no title screen, no input sent.
	Spectate bool
	// Private asks that the named room, if this client opens it, be left out of the room list.
	Private bool
	// Messages declares the game's own messages (see [Messenger]); nil for a game without any.
	Messages wire.MessageSet
	// NetSim simulates a bad network on the client's side (the page's ?net= parameter).
	NetSim netsim.Profile
	// Title is the game's name on the title screen.
	Title string
	// Tagline is the line under the title: what the game is about, in a few words.
	Tagline string
}

// App is the client's ebiten.Game.
type App[I any] struct {
	cfg    Config
	game   Game[I]
	codec  wire.InputCodec[I]
	schema sim.Schema
	mgr    *ui.Manager

	frames atomic.Int64
	client atomic.Pointer[netclient.Client[I]]
	net    netGraph // the net graph overlay, shown or not across connections
}

// New returns the client. With cfg.Name set, or to spectate, it connects at once; otherwise it
// starts at the title screen.
func New[I any](cfg Config, game Game[I], codec wire.InputCodec[I], schema sim.Schema) *App[I] {
	a := &App[I]{cfg: cfg, game: game, codec: codec, schema: schema}
	a.mgr = ui.NewManager(nil)
	if cfg.Name != "" || cfg.Spectate {
		a.connect(cfg.Name)
	} else {
		a.mgr.Switch(newTitle(a))
	}
	return a
}

// connect dials the server as name, ending any earlier connection, and shows the connecting screen.
func (a *App[I]) connect(name string) {
	a.cfg.Name = name
	if old := a.client.Load(); old != nil {
		old.Close()
	}
	a.game.Reset()
	pred, manual := a.game.(Predicting[I])
	c := netclient.Dial(netclient.Config{URL: a.cfg.URL, Game: a.cfg.Game, Room: a.cfg.Room, Name: name,
		Spectate: a.cfg.Spectate, Private: a.cfg.Private, Messages: a.cfg.Messages, Manual: manual,
		NetSim: a.cfg.NetSim}, a.codec, a.schema)
	if manual {
		pred.Attach(c)
	}
	a.client.Store(c)
	a.mgr.GoTo(&connecting[I]{app: a, client: c})
}

// toTitle ends the connection and goes back to the title screen to pick another name.
func (a *App[I]) toTitle() {
	if old := a.client.Swap(nil); old != nil {
		old.Close()
	}
	a.mgr.GoTo(newTitle(a))
}

// Update implements ebiten.Game.
func (a *App[I]) Update() error { return a.mgr.Update() }

// Draw implements ebiten.Game.
func (a *App[I]) Draw(screen *ebiten.Image) {
	a.frames.Add(1)
	a.mgr.Draw(screen)
}

// Layout implements ebiten.Game: the screen has one pixel per device pixel, so that text and
// shapes are crisp on HiDPI displays.
func (a *App[I]) Layout(outsideWidth, outsideHeight int) (int, int) {
	s := ebiten.Monitor().DeviceScaleFactor()
	if s <= 0 {
		s = 1
	}
	w, h := int(math.Ceil(float64(outsideWidth)*s)), int(math.Ceil(float64(outsideHeight)*s))
	a.mgr.Layout(w, h, s)
	return max(w, 1), max(h, 1)
}

// DebugJSON returns what the client knows as JSON (a [netclient.DebugView] with the number of
// frames drawn), or status "title" before the first connection. It never blocks and is safe to
// call from any goroutine.
func (a *App[I]) DebugJSON() string {
	d := netclient.DebugView{Status: "title", Entities: map[string][]netclient.DebugEntity{}}
	if c := a.client.Load(); c != nil {
		d = netclient.Debug(c.View(), a.schema)
		d.Net = map[string]float64{}
		for _, s := range c.NetGraph(nil) {
			d.Net[s.Name] = s.Last()
		}
	}
	d.Frames = int(a.frames.Load())
	d.NetGraph = a.net.shown.Load()
	return d.JSON()
}

// Close ends the connection, if any.
func (a *App[I]) Close() {
	if c := a.client.Swap(nil); c != nil {
		c.Close()
	}
}
