package netclient

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// Status is where a connection is in its life.
type Status int

const (
	Connecting   Status = iota // dialling or waiting for the welcome
	Connected                  // welcomed; snapshots flow
	Closed                     // ended; View.Reason says why
	Reconnecting               // the connection was lost; trying again (View.Attempt, View.Reason)
)

func (s Status) String() string {
	return [...]string{"connecting", "connected", "closed", "reconnecting"}[s]
}

// Config says where to connect and as whom.
type Config struct {
	// URL is the WebSocket endpoint, for example ws://localhost:8080/ws: the client's home, the node
	// the page came from. A redirect from a node of a cluster sends the client to another node (see
	// redirect.go); when that one cannot be reached, the client comes back here.
	URL string
	// Game, Room and Name go in the hello; empty Game and Room let the server choose.
	Game, Room, Name string
	// Spectate asks to watch the room instead of playing: the client then sends no input.
	Spectate bool
	// Private asks that the named room, if this client opens it, be private (not listed).
	Private bool
	// Messages declares the game's own messages. The client decodes the server's game messages with
	// it (see [Client.TakeEvents]) and checks what [Client.Send] sends; without it, game messages
	// from the server are skipped and Send refuses everything.
	Messages wire.MessageSet
	// EventQueue is how many received game messages wait for TakeEvents; past it the oldest are
	// dropped (and counted in View.DroppedEvents). Defaults to 256.
	EventQueue int
	// PingInterval is how often the round trip is measured. Defaults to 1 s.
	PingInterval time.Duration
	// MaxReconnects is how many times in a row the client tries to get back after it lost a
	// connection it had been welcomed on (a network change, a closed lid, a server restart), with
	// exponential backoff and jitter from 250 ms to 8 s, before it gives up. It presents the seat's
	// resume token, so the player keeps its seat within the server's grace period, and joins afresh
	// when the seat is gone. Negative turns reconnecting off; [ReconnectForever] never gives up
	// (the page's client: a tab left open comes back whenever the server does). Defaults to 12
	// (about a minute).
	MaxReconnects int
	// Resume is a seat's resume token to present in the first hello (a reload of the page that
	// held the seat): the client gets the seat back if the server still holds it, and joins afresh
	// if the server says it is gone (4015). Defaults to none: a fresh join.
	Resume string
	// NetSim simulates a bad network on this client's side of the connection (see package
	// netsim): received frames are delayed (snapshots dropped at its loss rate) and sent ones
	// delayed. Defaults to off.
	NetSim netsim.Profile
	// HTTPClient dials the connection in native builds (a load tester counts bytes with its
	// transport): an *http.Client there. Defaults to http.DefaultClient. The browser's WebSocket
	// has none (an empty struct in js builds: a field of net/http's type would keep its whole
	// client, TLS and all, in the page's download).
	HTTPClient *httpClient
}

// View is what the client knows, as of the newest frame received. Its slices are never modified
// after the View is returned, so it may be read freely.
type View struct {
	Status Status
	// Attempt counts the tries to reconnect since the connection was lost (Status Reconnecting);
	// RetryAt is when the next one starts (the client's clock; zero while one is under way).
	Attempt int
	RetryAt time.Time
	// Code and Reason say why the connection closed, as the server (or the network) said it.
	Code   int
	Reason string
	// URL is the server the client plays on, or is connecting to now: Config.URL, or the node a
	// redirect sent it to. Redirects counts the redirects it followed over its life.
	URL       string
	Redirects int

	Welcome wire.Welcome
	// Welcomes counts the welcomes over the client's life: a first join or a fresh join after a
	// lost seat starts a new netcode session, a resumed seat (after a lost connection, or at the
	// node the room moved to) carries it over (see netcode.Driver).
	Welcomes int
	// Rollbacks counts the resumed seats welcomed at a tick behind the newest snapshot seen: the
	// room was restored from a checkpoint after its node died, and the game went back. RolledBack
	// is how many ticks the last went back, RolledBackAt when its welcome arrived (the client's
	// clock); [View.Notice] tells the player.
	Rollbacks    int
	RolledBack   uint32
	RolledBackAt time.Time
	// Rejoins counts the fresh joins after a seat was lost (the server restarted without it, or
	// held it past its grace): a new player, its score reset. RejoinedAt is when the last was
	// welcomed; [View.Notice] tells the player.
	Rejoins    int
	RejoinedAt time.Time

	Roster    []wire.RosterEntry
	Tick      uint32       // tick of the newest snapshot
	Ack       uint32       // newest input sequence the server applied
	Entities  []sim.Entity // of the newest snapshot, sorted by id
	Snapshots int          // snapshots received
	// SnapshotBytes is the size of all snapshot frames received, full and delta.
	SnapshotBytes int64
	// Events counts the game messages received, DroppedEvents those dropped unread.
	Events, DroppedEvents int
	RTT                   time.Duration
	// Pongs counts the round trips measured; RTT is the newest.
	Pongs int
	// Received is when the newest snapshot arrived, on the client's clock.
	Received time.Time
	// DroppedSnapshots counts snapshots received but not taken in time (TakeSnapshots keeps the
	// newest 64); DroppedInputs inputs that SendInput could not queue.
	DroppedSnapshots, DroppedInputs int
	// BytesIn and BytesOut count every frame's bytes both ways, FramesIn and FramesOut the frames.
	BytesIn, BytesOut   int64
	FramesIn, FramesOut int
}

// NoticeFor is how long the play screen shows [View.Notice] after a rollback or a rejoin.
const NoticeFor = 5 * time.Second

// Notice returns what to tell the player at time now, or "": for NoticeFor after a rollback, that
// the server restarted and how far the game went back, in seconds from the ticks and the room's
// tick rate; for NoticeFor after a rejoin, that the seat was lost and the score reset. A player whose game jumps back is never left to wonder why.
func (v *View) Notice(now time.Time) string {
	if v.Rejoins > 0 && !now.Before(v.RejoinedAt) && now.Sub(v.RejoinedAt) < NoticeFor && v.RejoinedAt.After(v.RolledBackAt) {
		return "The server lost your seat while you were away — you joined again, and your score was reset."
	}
	if v.Rollbacks == 0 || now.Sub(v.RolledBackAt) >= NoticeFor || now.Before(v.RolledBackAt) {
		return ""
	}
	return "The server restarted — the game went back " + rollbackText(v.RolledBack, v.Welcome.TickRate) + "."
}

// rollbackText says how long ticks last at rate ticks a second, for people: "0.7 s", "50 ms".
func rollbackText(ticks, rate uint32) string {
	d := time.Duration(ticks) * time.Second / time.Duration(max(rate, 1))
	if d < 100*time.Millisecond {
		return fmt.Sprintf("%d ms", max(d.Milliseconds(), 1))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// Name returns the roster name of player id, or "".
func (v *View) Name(id sim.PlayerID) string {
	for _, p := range v.Roster {
		if p.Player == id {
			return p.Name
		}
	}
	return ""
}

// Client is one connection to a game server, for input type I. It is the transport: it connects,
// says hello (with the seat's resume token after a loss), reconnects, decodes and checks what
// arrives, sends what it is given, and measures the round trip. Which input to send for which tick
// is the netcode's ([netcode.Driver]): Client implements the driver's [netcode.Link].
type Client[I any] struct {
	cfg    Config
	schema sim.Schema
	epoch  time.Time
	cancel context.CancelFunc

	mu        sync.Mutex
	view      View
	ws        *websocket.Conn
	events    []wire.Message // received game messages not yet taken
	token     string         // the newest welcome's resume token
	seatLost  bool           // the server said the seat was gone (4015): the next welcome is a fresh join
	welcomes  int            // welcomes in the current session
	closeOnce sync.Once

	outbox chan wire.Message // game messages to send, drained once welcomed
	inputs chan []byte       // encoded inputs to send, drained once welcomed
	inEnc  *wire.InputEncoder[I]
	batch  wire.InputBatch[I] // SendInputs' message being encoded, under mu

	snaps []netcode.Snapshot // snapshots not yet taken, under mu
	graph *netcode.Graph
	gseen struct { // counters at the graph's last sample, under mu
		at        time.Time
		snapshots int
		in, out   int64
	}
	seed uint64       // for the simulated network's lines
	sim  *netsim.Conn // the simulated network (netsim.go), under mu; nil when off
}

// Dial starts connecting in the background and returns at once; View reports progress. codec
// encodes the inputs [Client.SendInput] sends; schema checks every entity received: a snapshot
// that breaks it closes the connection.
func Dial[I any](cfg Config, codec wire.InputCodec[I], schema sim.Schema) *Client[I] {
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = time.Second
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = 256
	}
	if cfg.MaxReconnects == 0 {
		cfg.MaxReconnects = 12
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client[I]{cfg: cfg, schema: schema, epoch: time.Now(), cancel: cancel,
		outbox: make(chan wire.Message, sendQueue), inputs: make(chan []byte, inputQueue),
		inEnc: wire.NewInputEncoder(codec), graph: newGraph(), seed: rand.Uint64(), token: cfg.Resume}
	go c.run(ctx)
	return c
}

// View returns what the client knows now.
func (c *Client[I]) View() View {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view
}

// Welcomed implements [netcode.Link]: the newest welcome, how many there have been, and whether
// the connection is up under it now.
func (c *Client[I]) Welcomed() (wire.Welcome, int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view.Welcome, c.view.Welcomes, c.view.Status == Connected
}

// RoundTrip implements [netcode.Link]: the newest round trip measured, and how many have been.
func (c *Client[I]) RoundTrip() (time.Duration, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view.RTT, c.view.Pongs
}

// Close ends the connection with a normal close.
func (c *Client[I]) Close() {
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws != nil {
		_ = ws.Close(websocket.StatusNormalClosure, "player left")
	}
	c.cancel()
}

func (c *Client[I]) fail(code int, reason string) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.view.Status, c.view.Code, c.view.Reason = Closed, code, reason
		c.mu.Unlock()
		c.cancel()
	})
}
