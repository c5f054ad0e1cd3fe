package app

import (
	"context"
	"math"
	"sync/atomic"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

// Game is a game's client half: it maps the player's controls to the game's input, and draws.
type Game[I any] interface {
	// Reset forgets what an earlier connection left behind; it is called before each connection.
	Reset()
	// Input reads the player's controls and returns this tick's input. It runs once per tick,
	// before Update, and must not block; a spectator's input is not sent.
	Input(ctx *ui.Context) I
	// Update takes in this tick's frame and advances the game's effects. It runs once per tick
	// and must not block.
	Update(ctx *ui.Context, f *Frame)
	// Draw draws the game as of the last Update. It only reads state.
	Draw(screen *ebiten.Image, ctx *ui.Context)
}

// Frame is what a game's Update draws from.
type Frame struct {
	// View is the connection's view: status, welcome, roster, and the newest snapshot
	// (View.Entities), as it arrived.
	netclient.View
	// Drawn are the entities to draw, sorted by id. Once Timed, the netcode driver's: the world
	// interpolated between snapshots, an interpolation delay behind the newest, and, when the game
	// registered Predict, the own entity predicted, ahead of the server (see
	// netcode.Session.Entities). Before that (until a snapshot and a round trip arrived, and while
	// reconnecting) the newest snapshot's, which a game may ease as it likes.
	Drawn []sim.Entity
	// Timed says Drawn are the driver's.
	Timed bool
	// Replay says the frame is a recording's tick played back (see [App.Watch]), not a connection:
	// View is a spectator's, built from the recording (Status Connected, no round trip), and the
	// game draws it as it would for a spectator, its HUD saying it is a replay rather than how the
	// connection is.
	Replay bool
	// Follow is the player the viewer chose to follow in a replay (the camera follows, the HUD
	// marks them); 0 leaves it to the game (the leader, say).
	Follow sim.PlayerID
	// Replays is the newest replay of the room being played, for a game's "Watch the replay";
	// nil when the page cannot look replays up, and in a replay.
	Replays *ReplayOffer
	// Friend is Config.Friend: the player whose invite link the page was opened from, or 0.
	Friend sim.PlayerID
}

// Messenger is implemented by a game's client half that exchanges the game's own messages with the
// server (declared in Spec.Messages).
//
// A predicting client steps the game ahead for its own entity, but the events those steps make
// (the state's Out, for the room to send) are dropped with the predicted state: a game's events
// reach the client only as the server's messages, once, after the fact. Play them when they
// arrive (Receive), not when the prediction seems to cause them.
type Messenger interface {
	// Receive gets each game message the server sent, oldest first, before the tick's Update.
	Receive(m wire.Message)
	// Outbox appends the messages to send to the server, produced by the tick's Input and Update,
	// and forgets them. A spectator's client is never asked.
	Outbox(dst []wire.Message) []wire.Message
}

// Spec declares a game to the client: everything a registration says, once. The page's settings
// (address, room, name, the simulated network) are the [Config], the same for every game.
type Spec[S, I any] struct {
	// Shared is the game's shared half: its name, schema and input codec, and the Step the netcode
	// predicts with.
	Shared Shared[S, I]
	// Messages declares the game's own messages (see [Messenger]); nil for a game without any.
	Messages wire.MessageSet
	// Predict steps the player's own entity ahead with Shared's Step the moment an input is made
	// (client-side prediction), so it answers the controls at once; everything else is
	// interpolated. Off, the own entity is interpolated too, a round trip and a delay late.
	// Defaults to off.
	Predict bool
	// Title is the game's name on the title screen and the window.
	Title string
	// Tagline is the line under the title: what the game is about, in a few words.
	Tagline string
	// Client returns the game's client half, playing its effects through sounds.
	Client func(sounds *ui.Sounds) Game[I]
}

// Shared is a game's shared half as the client needs it: the game, and its input's codec.
type Shared[S, I any] interface {
	sim.Game[S, I]
	wire.InputCodec[I]
}

// Config says where the client connects and as whom: the page's settings, the same for every game.
type Config struct {
	// URL is the server's WebSocket endpoint, for example ws://localhost:8080/ws.
	URL string
	// Room is the room to join; empty lets the server pick one with a free seat.
	Room string
	// Name is the player's name; empty shows the title screen, where the player picks one.
	Name string
	// Spectate watches the room instead of playing: no title screen, no input sent.
	Spectate bool
	// Friend is the player whose invite link (?friend=ID) opened the page; a game may place the
	// player near them (Frame.Friend). 0, the default, is none.
	Friend sim.PlayerID
	// Private asks that the named room, if this client opens it, be left out of the room list.
	Private bool
	// NetSim simulates a bad network on the client's side (the page's ?net=). Defaults to off.
	NetSim netsim.Profile
	// Replay starts on the loading screen of a replay (the page's ?replay=ID, fetched by the page,
	// which then calls [App.Watch] or [App.WatchFailed]) instead of connecting. It names the
	// replay for the loading screen.
	Replay string
	// ToLobby leaves for the lobby (the page navigates to it): a replay's Lobby button, Esc, and
	// the way out of a replay that cannot be played. Nil goes back to the title screen.
	ToLobby func()
	// OpenFile opens the page's file picker for a replay file, which the page then plays (see
	// App.Watch): a replay's Open button. Nil hides the button.
	OpenFile func()
	// FindReplay returns the id of the newest replay of a room ("" for none), from the server's
	// list; WatchReplay fetches replay id and plays it. Both set, games offer the room's replay
	// (Frame.Replays); nil, they do not.
	FindReplay  func(ctx context.Context, game, room string) (string, error)
	WatchReplay func(id string)
	// Page is what the web page does for the client (keeps the seat for the tab, sets the
	// address, reloads, copies an invite link, shows a real name input); empty natively.
	Page Page
}

// driver is the netcode's Driver, whatever the game's state type.
type driver[I any] interface {
	Frame(now time.Time, in I) error
	Ready() bool
	Entities() []sim.Entity
}

// App is the client's ebiten.Game.
type App[I any] struct {
	cfg       Config
	game      Game[I]
	codec     wire.InputCodec[I]
	schema    sim.Schema
	name      string // the game's
	messages  wire.MessageSet
	title     string
	tagline   string
	newDriver func(link netcode.Link[I]) driver[I]
	// newReplayer replays a recording with the game's shared half.
	newReplayer func(rec *replay.Recording) (replaySource, error)
	drv         driver[I] // the current connection's; the game loop's only
	mgr         *ui.Manager
	snd         *ui.Sounds
	over        overlay // the menu and toasts over every game in play (overlay.go)
	seated      int     // the client's welcomes told to Page.Seated (seat.go)

	frames atomic.Int64
	client atomic.Pointer[netclient.Client[I]]
	net    netGraph     // the net graph overlay, shown or not across connections
	offer  *ReplayOffer // nil without Config.FindReplay
	board  boardView    // the scores the game shows in play, for DebugJSON
	// replayView is what DebugJSON reports while a replay loads, plays or failed; nil in play.
	replayView atomic.Pointer[netclient.DebugView]
	// page is what the screens show, for DebugJSON (page.go); written after each Update.
	page atomic.Pointer[netclient.DebugPage]
}

// New returns the client of the game spec declares, connecting as cfg says. With cfg.Name set, or
// to spectate, it connects at once; otherwise it starts at the title screen.
func New[S, I any](cfg Config, spec Spec[S, I], sounds *ui.Sounds) *App[I] {
	info := spec.Shared.Info()
	a := &App[I]{cfg: cfg, game: spec.Client(sounds), codec: spec.Shared, schema: info.Schema, name: info.Name,
		messages: spec.Messages, title: spec.Title, tagline: spec.Tagline, snd: sounds}
	a.newDriver = func(link netcode.Link[I]) driver[I] {
		return netcode.NewDriver(spec.Shared, link, netcode.DriverConfig{Predict: spec.Predict})
	}
	a.newReplayer = func(rec *replay.Recording) (replaySource, error) {
		return replay.NewReplayer(replay.Game[S, I](spec.Shared), rec)
	}
	if cfg.FindReplay != nil && cfg.WatchReplay != nil {
		a.offer = &ReplayOffer{find: cfg.FindReplay, watch: cfg.WatchReplay}
	}
	a.mgr = ui.NewManager(nil)
	if cfg.Replay != "" {
		a.WaitForReplay("Fetching replay " + cfg.Replay + " from the server.")
	} else if cfg.Name != "" || cfg.Spectate {
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
	a.publish(nil)
	c := netclient.Dial(netclient.Config{URL: a.cfg.URL, Game: a.name, Room: a.cfg.Room, Name: name,
		Spectate: a.cfg.Spectate, Private: a.cfg.Private, Messages: a.messages, NetSim: a.cfg.NetSim,
		MaxReconnects: netclient.ReconnectForever, Resume: a.takeResume()}, a.codec, a.schema)
	a.seated = 0
	a.drv = a.newDriver(c)
	a.client.Store(c)
	a.mgr.GoTo(&connecting[I]{app: a, client: c})
}

// toTitle ends the connection and goes back to the title screen to pick another name.
func (a *App[I]) toTitle() {
	a.publish(nil)
	if old := a.client.Swap(nil); old != nil {
		old.Close()
	}
	a.mgr.GoTo(newTitle(a))
}

// Update implements ebiten.Game.
func (a *App[I]) Update() error {
	err := a.mgr.Update()
	if _, ok := a.mgr.Current().(*title[I]); !ok && a.cfg.Page.NameInput != nil {
		a.cfg.Page.NameInput.Hide() // left the title screen some other way (a replay dropped)
	}
	a.tellSeated()
	a.publishPage(a.mgr.Context())
	return err
}

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
// frames drawn): mode "play", status "title" before the first connection; or, while a replay loads,
// plays or failed, mode "replay" with the tick drawn, the playback and the players' scores (see
// [netclient.DebugReplay]). It never blocks and is safe to call from any goroutine.
func (a *App[I]) DebugJSON() string {
	if r := a.replayView.Load(); r != nil {
		d := *r
		d.Frames = int(a.frames.Load())
		d.NetGraph = a.net.shown.Load()
		return d.JSON()
	}
	d := netclient.DebugView{Mode: "play", Status: "title", Entities: map[string][]netclient.DebugEntity{}}
	if c := a.client.Load(); c != nil {
		v := c.View()
		d = netclient.Debug(v, a.schema)
		d.Notice = v.Notice(time.Now())
		d.Net = map[string]float64{}
		for _, s := range c.NetGraph(nil) {
			d.Net[s.Name] = s.Last()
		}
	}
	d.Frames = int(a.frames.Load())
	d.NetGraph = a.net.shown.Load()
	d.Board = a.board.load()
	if tr, ok := a.game.(TextReporter); ok {
		d.Texts = tr.DrawnTexts()
	}
	d.Page = a.page.Load()
	return d.JSON()
}

// Close ends the connection, if any.
func (a *App[I]) Close() {
	if c := a.client.Swap(nil); c != nil {
		c.Close()
	}
}
