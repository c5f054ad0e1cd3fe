package netclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
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
	// URL is the WebSocket endpoint, for example ws://localhost:8080/ws.
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
	// IdleInput is how long SetInput may go uncalled before the client sends the zero input instead
	// (the page is hidden, the game loop stopped): the player stops rather than runs on. Defaults to
	// 250 ms, or three times the usual time between calls when that is longer (a slow page).
	IdleInput time.Duration
	// PingInterval is how often the round trip is measured. Defaults to 1 s.
	PingInterval time.Duration
	// MaxReconnects is how many times in a row the client tries to get back after it lost a
	// connection it had been welcomed on (a network change, a closed lid, a server restart), with
	// exponential backoff and jitter from 250 ms to 8 s, before it gives up. It presents the seat's
	// resume token, so the player keeps its seat within the server's grace period, and joins afresh
	// when the seat is gone. Negative turns reconnecting off. Defaults to 12 (about a minute).
	MaxReconnects int
	// Manual makes the caller send the inputs, with SendInput, and take every snapshot as it
	// arrives, with TakeSnapshots: a netcode.Session does both, predicting the player. Otherwise
	// the client sends the input in force (SetInput) once per server tick by itself.
	Manual bool
	// NetSim simulates a bad network on this client's side of the connection (see package
	// netsim): received frames are delayed (snapshots dropped at its loss rate) and sent ones
	// delayed. Defaults to off.
	NetSim netsim.Profile
	// HTTPClient dials the connection in native builds (a load tester counts bytes with its
	// transport); the browser's WebSocket ignores it. Defaults to http.DefaultClient.
	HTTPClient *http.Client
}

// View is what the client knows, as of the newest frame received. Its slices are never modified
// after the View is returned, so it may be read freely.
type View struct {
	Status Status
	// Attempt counts the tries to reconnect since the connection was lost (Status Reconnecting).
	Attempt int
	// Code and Reason say why the connection closed, as the server (or the network) said it.
	Code   int
	Reason string

	Welcome   wire.Welcome
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
	// DroppedSnapshots counts snapshots a Manual client received but did not take in time
	// (TakeSnapshots keeps the newest 64); DroppedInputs inputs that SendInput could not queue.
	DroppedSnapshots, DroppedInputs int
	// BytesIn and BytesOut count every frame's bytes both ways.
	BytesIn, BytesOut int64
}

// Received is one snapshot as it arrived, full or rebuilt from a delta, for a Manual client.
type Received struct {
	Tick, Ack uint32
	Entities  []sim.Entity // never modified after it is taken
	At        time.Time    // when it arrived, on the client's clock
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

// Client is one connection to a game server, for input type I.
type Client[I any] struct {
	cfg    Config
	codec  wire.InputCodec[I]
	schema sim.Schema
	epoch  time.Time
	cancel context.CancelFunc

	mu        sync.Mutex
	view      View
	input     I
	inputAt   time.Time
	inputGap  time.Duration // the smoothed time between SetInput calls
	ws        *websocket.Conn
	events    []wire.Message // received game messages not yet taken
	token     string         // the newest welcome's resume token
	welcomes  int            // welcomes in the current session
	closeOnce sync.Once

	outbox chan wire.Message // game messages to send, drained once welcomed
	inputs chan []byte       // a Manual client's encoded inputs, drained once welcomed
	inEnc  *wire.InputEncoder[I]

	snaps []Received    // a Manual client's snapshots not yet taken, under mu
	sync  *netcode.Sync // the server's clock, for stamping inputs by itself, under mu
	graph *netcode.Graph
	gseen struct { // counters at the graph's last sample, under mu
		at        time.Time
		snapshots int
		in, out   int64
	}
	seed uint64       // for the simulated network's lines
	sim  *netsim.Conn // the simulated network (netsim.go), under mu; nil when off
}

// Dial starts connecting in the background and returns at once; View reports progress. schema checks
// every entity received: a snapshot that breaks it closes the connection.
func Dial[I any](cfg Config, codec wire.InputCodec[I], schema sim.Schema) *Client[I] {
	if cfg.IdleInput <= 0 {
		cfg.IdleInput = 250 * time.Millisecond
	}
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
	c := &Client[I]{cfg: cfg, codec: codec, schema: schema, epoch: time.Now(), cancel: cancel,
		outbox: make(chan wire.Message, sendQueue), inputs: make(chan []byte, inputQueue),
		inEnc: wire.NewInputEncoder(codec), graph: newGraph(), seed: rand.Uint64()}
	go c.run(ctx)
	return c
}

// View returns what the client knows now.
func (c *Client[I]) View() View {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.view
}

// SetInput sets the input to send from now on; the client sends the input in force once per tick.
func (c *Client[I]) SetInput(in I) {
	now := time.Now()
	c.mu.Lock()
	if gap := now.Sub(c.inputAt); gap < 2*time.Second {
		// The page's frame interval, held at its peak: a page drawing slowly (software rendering) calls
		// SetInput seldom, and its input must not count as idle between two calls.
		c.inputGap = max(gap, c.inputGap-c.inputGap/8) // a slow frame counts at once, and fades
	}
	c.input = in
	c.inputAt = now
	c.mu.Unlock()
}

// inputQueue is how many of a Manual client's inputs may wait to be written: two seconds' worth.
const inputQueue = 64

// SendInput queues an input for a Manual client: h carries its sequence, tick and rewind (the
// client fills in the snapshot acknowledgement). It never blocks: with the queue full (the
// connection is stuck) the input is dropped and counted in View.DroppedInputs.
func (c *Client[I]) SendInput(h wire.InputHeader, in I) {
	c.mu.Lock()
	h.Ack = c.view.Tick
	b, err := c.inEnc.Append(nil, h, &in)
	c.mu.Unlock()
	if err != nil {
		c.fail(0, fmt.Sprintf("cannot encode input: %v", err))
		return
	}
	select {
	case c.inputs <- b:
	default:
		c.mu.Lock()
		c.view.DroppedInputs++
		c.mu.Unlock()
	}
}

// maxQueued bounds the snapshots a Manual client keeps for TakeSnapshots: a page whose game loop
// stopped (a hidden tab) does not pile them up.
const maxQueued = 64

// TakeSnapshots appends the snapshots received since the last call (a Manual client's), oldest
// first, and returns dst.
func (c *Client[I]) TakeSnapshots(dst []Received) []Received {
	c.mu.Lock()
	defer c.mu.Unlock()
	dst = append(dst, c.snaps...)
	clear(c.snaps)
	c.snaps = c.snaps[:0]
	return dst
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

// run connects, and reconnects after a lost connection, until the client gives up or is closed.
func (c *Client[I]) run(ctx context.Context) {
	welcomed, attempt := false, 0
	for {
		sctx, endSession := context.WithCancel(ctx)
		code, reason, ok := c.session(sctx)
		endSession() // stops the session's send, ping and message loops
		welcomed = welcomed || ok
		if ok {
			attempt = 0
		}
		switch {
		case ctx.Err() != nil: // Close
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		case !welcomed || !retryable(code) || c.cfg.MaxReconnects < 0 || attempt >= c.cfg.MaxReconnects:
			c.fail(code, reason)
			return
		}
		attempt++
		c.mu.Lock()
		c.view.Status, c.view.Attempt, c.view.Code, c.view.Reason = Reconnecting, attempt, code, reason
		fresh := seatGone(code)
		if fresh {
			c.token = ""
		}
		c.mu.Unlock()
		if fresh {
			continue
		}
		select {
		case <-ctx.Done():
			c.fail(int(websocket.StatusNormalClosure), "disconnected")
			return
		case <-time.After(backoff(attempt)):
		}
	}
}

// backoff is how long to wait before reconnect attempt n (from 1): doubling from 250 ms to 8 s,
// each a random point in its upper half, so that clients dropped together do not return together.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n-1, 5)
	return d/2 + rand.N(d/2)
}

// seatGone reports whether a connection that ended with code lost the seat for good, so that the
// client joins afresh at once: a resume refused with 4015. A passing refusal (4017: the server has
// not yet seen the old connection drop, or the room was busy) keeps the token, which is tried again
// after the backoff. The code alone decides; the reason is for people.
func seatGone(code int) bool { return code == int(wire.CloseResumeFailed) }

// retryable reports whether a connection that ended with code is worth reconnecting: lost to the
// network (0, 1006), a server going away or restarting (1001), a failed room (1011), a client that
// fell behind or stopped answering pings (4010, 4014), a resume the server could not honour
// (4015: join afresh; 4017: try the token again), or inputs aimed too far ahead (4016: the clock
// estimate went wrong, as after a long server stall; a new connection synchronises afresh).
// Refusals and protocol errors are final.
func retryable(code int) bool {
	switch code {
	case 0, int(websocket.StatusAbnormalClosure), int(wire.CloseGoingAway), int(wire.CloseServerError),
		int(wire.CloseSlowClient), int(wire.CloseNoPong), int(wire.CloseResumeFailed), int(wire.CloseInputAhead),
		int(wire.CloseResumeLater):
		return true
	}
	return false
}

// session runs one connection: dial, hello (with the seat's token after a loss), then frames until it
// ends. It reports why it ended and whether it was welcomed.
func (c *Client[I]) session(ctx context.Context) (code int, reason string, welcomed bool) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, _, err := websocket.Dial(dctx, c.cfg.URL, dialOptions(c.cfg))
	cancel()
	if err != nil {
		return 0, fmt.Sprintf("cannot reach the server at %s", c.cfg.URL), false
	}
	ws.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.ws, c.sim = ws, nil
	token := c.token
	c.mu.Unlock()
	defer c.hangUp(ws)

	hello := &wire.Hello{Version: wire.ProtocolVersion, Game: c.cfg.Game, Room: c.cfg.Room, Name: c.cfg.Name,
		Spectate: c.cfg.Spectate, Private: c.cfg.Private, Resume: token}
	if err := c.write(ctx, hello); err != nil {
		return 0, "connection lost while saying hello", false
	}
	code, reason = c.readLoop(ctx, ws)
	c.mu.Lock()
	welcomed = c.welcomes > 0
	c.welcomes = 0
	c.mu.Unlock()
	return code, reason, welcomed
}

func (c *Client[I]) write(ctx context.Context, m wire.Message) error {
	b, err := wire.Encode(nil, m)
	if err != nil {
		return err
	}
	return c.writeRaw(ctx, b)
}

func (c *Client[I]) writeRaw(ctx context.Context, b []byte) error {
	c.mu.Lock()
	ws, sim := c.ws, c.sim
	c.view.BytesOut += int64(len(b))
	c.mu.Unlock()
	if sim != nil {
		return writeSim(ctx, sim, ws, b)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return ws.Write(wctx, websocket.MessageBinary, b)
}

// readLoop handles frames until the connection ends and returns the code and reason to show.
func (c *Client[I]) readLoop(ctx context.Context, ws *websocket.Conn) (int, string) {
	var bye wire.Bye
	var snap wire.Snapshot
	var delta wire.Delta
	var tables baselines
	read := c.reader(ctx, ws)
	for {
		data, err := read()
		if err != nil {
			var ce websocket.CloseError
			switch {
			case errors.As(err, &ce) && ce.Reason != "":
				return int(ce.Code), ce.Reason
			case errors.As(err, &ce):
				return int(ce.Code), closeText(int(ce.Code), bye.Reason)
			case bye.Reason != "":
				return int(bye.Code), bye.Reason
			case ctx.Err() != nil:
				return int(websocket.StatusNormalClosure), "disconnected"
			default:
				return 0, "connection to the server lost"
			}
		}
		c.mu.Lock()
		c.view.BytesIn += int64(len(data))
		c.mu.Unlock()
		f, err := wire.Decode(data)
		if err != nil {
			return 0, fmt.Sprintf("the server sent a bad frame: %v", err)
		}
		switch f.Op {
		case wire.OpWelcome:
			var w wire.Welcome
			if err := f.Decode(&w); err != nil {
				return 0, fmt.Sprintf("bad welcome: %v", err)
			}
			c.mu.Lock()
			c.view.Status, c.view.Welcome, c.view.Attempt = Connected, w, 0
			c.token = w.Resume
			c.welcomes++
			c.sync = netcode.NewSync(int(w.TickRate), int(w.SnapshotRate))
			clear(c.snaps) // an earlier connection's
			c.snaps = c.snaps[:0]
			c.mu.Unlock()
			if !w.Spectator {
				if c.cfg.Manual {
					go c.inputLoop(ctx)
				} else {
					go c.sendLoop(ctx, w)
				}
				go c.messageLoop(ctx)
			}
			go c.pingLoop(ctx)
		case wire.OpRoster:
			var r wire.Roster
			if err := f.Decode(&r); err != nil {
				return 0, fmt.Sprintf("bad roster: %v", err)
			}
			c.mu.Lock()
			c.view.Roster = r.Players
			c.mu.Unlock()
		case wire.OpSnapshot:
			snap.Entities = nil // the previous slice belongs to a View now
			if err := f.Decode(&snap); err != nil {
				return 0, fmt.Sprintf("bad snapshot: %v", err)
			}
			for i := range snap.Entities {
				if err := c.schema.Check(&snap.Entities[i]); err != nil {
					return 0, fmt.Sprintf("the server sent an invalid entity: %v", err)
				}
			}
			c.received(&tables, snap.Tick, snap.Ack, snap.Entities, len(data))
		case wire.OpDelta:
			if err := f.Decode(&delta); err != nil {
				return 0, fmt.Sprintf("bad delta snapshot: %v", err)
			}
			base, ok := tables.find(delta.BaseTick)
			if !ok {
				return 0, fmt.Sprintf("the server sent a delta against snapshot %d, which this client does not have", delta.BaseTick)
			}
			// A new slice each time: the previous one belongs to a View and to the baselines.
			ents, err := delta.Apply(base, c.schema, make([]sim.Entity, 0, len(base)+len(delta.Created)))
			if err != nil {
				return 0, fmt.Sprintf("bad delta snapshot: %v", err)
			}
			c.received(&tables, delta.Tick, delta.Ack, ents, len(data))
		case wire.OpPong:
			var p wire.Pong
			if err := f.Decode(&p); err != nil {
				return 0, fmt.Sprintf("bad pong: %v", err)
			}
			// Wrapping subtraction: the 32-bit microsecond clock wraps every 71 minutes.
			rtt := time.Duration(c.clock()-p.ClientTime) * time.Microsecond
			c.mu.Lock()
			c.view.RTT = rtt
			c.view.Pongs++
			if c.sync != nil {
				c.sync.RTT(rtt)
			}
			c.mu.Unlock()
		case wire.OpBye:
			_ = f.Decode(&bye)
		default:
			if f.Op.IsGameOp() {
				if reason := c.receive(f); reason != "" {
					return 0, reason
				}
			}
			// A newer server may send ops this client does not know; they are skipped, not fatal.
		}
	}
}

// received makes a reconstructed snapshot the newest state and keeps it as a possible baseline.
func (c *Client[I]) received(tables *baselines, tick, ack uint32, ents []sim.Entity, size int) {
	tables.add(tick, ents)
	now := time.Now()
	c.mu.Lock()
	c.view.Tick, c.view.Ack, c.view.Entities = tick, ack, ents
	c.view.Snapshots++
	c.view.SnapshotBytes += int64(size)
	c.view.Received = now
	if c.sync != nil {
		c.sync.Snapshot(tick, now)
	}
	if c.cfg.Manual {
		if len(c.snaps) == maxQueued {
			copy(c.snaps, c.snaps[1:])
			c.snaps = c.snaps[:maxQueued-1]
			c.view.DroppedSnapshots++
		}
		c.snaps = append(c.snaps, Received{Tick: tick, Ack: ack, Entities: ents, At: now})
	}
	c.sampleGraph(now)
	c.mu.Unlock()
}

// baselines keeps the last snapshots received, by tick: the server encodes deltas against the
// newest one the client acknowledged, which is never older than the server's own history of 32.
type baselines struct {
	ticks [32]uint32
	ents  [32][]sim.Entity
	next  int
}

func (b *baselines) add(tick uint32, ents []sim.Entity) {
	b.ticks[b.next], b.ents[b.next] = tick, ents
	b.next = (b.next + 1) % len(b.ticks)
}

func (b *baselines) find(tick uint32) ([]sim.Entity, bool) {
	for i, t := range b.ticks {
		if t == tick && tick != 0 {
			return b.ents[i], true
		}
	}
	return nil, false
}

// clock is the client's clock that pings carry: microseconds since Dial, wrapping at 2³². A
// loopback round trip is well under a millisecond, so milliseconds would measure it as zero.
func (c *Client[I]) clock() uint32 { return uint32(time.Since(c.epoch) / time.Microsecond) }

// sendLoop sends the input in force once per server tick, numbered from 1, each stamped with the
// tick it is for: the server's tick as estimated from the snapshots and round trips (netcode.Sync)
// plus the one-way trip, the jitter and two ticks of margin, so that it arrives before the server
// steps that tick. Nothing is sent before the first snapshot and round trip.
func (c *Client[I]) sendLoop(ctx context.Context, w wire.Welcome) {
	rate := max(int(w.TickRate), 1)
	t := time.NewTicker(time.Second / time.Duration(rate))
	defer t.Stop()
	var seq, last uint32
	var buf []byte
	enc := wire.NewInputEncoder(c.codec)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		c.mu.Lock()
		in := c.input
		if now.Sub(c.inputAt) > max(c.cfg.IdleInput, 3*c.inputGap) {
			var zero I
			in = zero
		}
		ack, sy := c.view.Tick, c.sync
		target := uint32(0)
		if sy != nil && sy.Ready() {
			// At most half a second ahead: well inside the server's input lead (a second by
			// default), so a stale spike cannot get an input refused as too far ahead (4016).
			target = uint32(sy.Server(now) + min(sy.MinRTT()/2+sy.Jitter()+2, float64(rate)/2))
			// And never more than a second past the newest snapshot (a frozen server).
			target = min(target, ack+uint32(rate))
		}
		c.mu.Unlock()
		if target == 0 {
			continue
		}
		// One input per tick: catch up a few ticks after a late wake, skip ahead after a long one.
		if last == 0 || int32(target-last) > 4 || int32(target-last) < -60 {
			last = target - 1
		}
		for ; int32(target-last) > 0; last++ {
			seq++
			var err error
			if buf, err = enc.Append(buf[:0], wire.InputHeader{Seq: seq, Tick: last + 1, Ack: ack}, &in); err != nil {
				c.fail(0, fmt.Sprintf("cannot encode input: %v", err))
				return
			}
			if err := c.writeRaw(ctx, buf); err != nil {
				return // the read loop reports the reason
			}
		}
	}
}

// inputLoop writes a Manual client's queued inputs, in order.
func (c *Client[I]) inputLoop(ctx context.Context) {
	// Inputs queued for an earlier connection are for ticks long gone.
	for {
		select {
		case <-c.inputs:
			continue
		default:
		}
		break
	}
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.inputs:
			if err := c.writeRaw(ctx, b); err != nil {
				return
			}
		}
	}
}

func (c *Client[I]) pingLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.PingInterval)
	defer t.Stop()
	for {
		if err := c.write(ctx, &wire.Ping{ClientTime: c.clock()}); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// closeText explains a close that came without a reason.
func closeText(code int, bye string) string {
	if bye != "" {
		return bye
	}
	switch wire.CloseCode(code) {
	case wire.CloseGoingAway:
		return "the server is shutting down"
	case wire.CloseTooBig:
		return "a message was too large for the server"
	case wire.CloseNormal:
		return "disconnected"
	}
	return fmt.Sprintf("disconnected (code %d)", code)
}
