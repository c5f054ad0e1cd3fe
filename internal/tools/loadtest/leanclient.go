package loadtest

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// botClient is what a bot plays over: netclient's Client (reconnects, redirects, resumed seats) or
// a leanClient (one connection, no goroutine of its own). Both are the netcode driver's Link.
type botClient[I any] interface {
	netcode.Link[I]
	View() netclient.View
	Send(m wire.Message) error
	Close()
}

// leanClient is a bot's connection when Config.Lean is on: the same protocol as netclient's Client
// (hello, welcome, every snapshot and delta decoded and its entities checked against the schema,
// inputs encoded by wire's InputEncoder as netclient encodes them, a ping a second) over a
// [leanConn], driven entirely by its shard's goroutine: [leanClient.receive] before the bot's
// netcode frame, [leanClient.flush] after it. It does not reconnect nor follow redirects: a lost
// connection is a closed bot.
//
// A snapshot's entities are decoded into one of a ring of slices reused in turn: a slice is reused
// only after leanRing newer snapshots, by when neither the baselines (32) nor the netcode's
// interpolator (at most 32, the newest) nor the view (the newest) holds it.
type leanClient[I any] struct {
	cfg    netclient.Config
	schema sim.Schema
	enc    *wire.InputEncoder[I]
	batch  wire.InputBatch[I] // the inputs frame being encoded (SendInputs)
	epoch  time.Time

	conn    *leanConn // nil while dialling
	closing bool      // Close came while dialling
	view    netclient.View
	bye     wire.Bye
	snaps   []netcode.Snapshot
	tables  netcode.Baselines
	ring    [leanRing][]sim.Entity
	next    int
	snap    wire.Snapshot
	delta   wire.Delta
	buf     []byte
	now     time.Time // of the current receive
	ping    time.Time // when the next ping is due; zero before the welcome
	// pinged says the last flush sent a ping: the shard reads this bot again at the end of its
	// pass, so that the pong is timed within the pass rather than a whole frame later.
	pinged bool
	// readable says the shard's poller saw something to read (or the poller is off).
	readable bool

	countedIn, countedOut int64 // the connection's bytes already added to the run's counters
}

const leanRing = 40

// newLeanClient returns a bot's client, connecting.
func newLeanClient[I any](cfg netclient.Config, codec wire.InputCodec[I], schema sim.Schema) *leanClient[I] {
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = time.Second
	}
	return &leanClient[I]{cfg: cfg, schema: schema, enc: wire.NewInputEncoder(codec), epoch: time.Now(),
		view: netclient.View{Status: netclient.Connecting, URL: cfg.URL}}
}

// dial connects and says hello; it runs on a goroutine of its own, which ends with the handshake.
// lock guards the client (its shard's lock); watch, if set, is given the socket's descriptor under
// it, for the shard's poller.
func (c *leanClient[I]) dial(ctx context.Context, d *net.Dialer, lock func() func(), watch func(fd int) error) {
	conn, err := dialLean(ctx, d, c.cfg.URL)
	defer lock()()
	if err == nil && watch != nil {
		if err = watch(conn.raw.descriptor()); err != nil {
			conn.end(0, "")
		}
	}
	if err != nil {
		c.end(0, fmt.Sprintf("cannot reach the server at %s: %v", c.cfg.URL, err))
		return
	}
	c.conn = conn
	c.readable = true // the handshake may have read the first frames
	if c.closing {
		c.Close()
		return
	}
	c.write(&wire.Hello{Version: wire.ProtocolVersion, Game: c.cfg.Game, Room: c.cfg.Room, Name: c.cfg.Name,
		Spectate: c.cfg.Spectate, Private: c.cfg.Private})
	c.flush()
}

// receive handles everything that arrived, as of now.
func (c *leanClient[I]) receive(now time.Time) {
	if c.conn == nil || c.view.Status == netclient.Closed {
		return
	}
	c.now, c.readable = now, false
	if err := c.conn.receive(c.handle); err != nil && !c.conn.closed {
		c.conn.close(1002, err.Error()) // a frame this client refuses, as netclient closes on one
		c.conn.end(1002, err.Error())
		c.end(0, err.Error())
		return
	}
	if c.conn.closed {
		c.ended()
	}
}

// flush pings when one is due and writes what is queued.
func (c *leanClient[I]) flush() {
	if c.conn == nil || c.view.Status == netclient.Closed {
		return
	}
	c.pinged = false
	if !c.ping.IsZero() && !c.now.Before(c.ping) {
		c.write(&wire.Ping{ClientTime: c.clock()})
		c.ping = c.now.Add(c.cfg.PingInterval)
		c.pinged = true
	}
	if err := c.conn.flush(); err != nil || c.conn.closed {
		c.ended()
	}
}

// traffic returns the bytes read and written since it was last called.
func (c *leanClient[I]) traffic() (in, out int64) {
	if c.conn == nil {
		return 0, 0
	}
	in, out = c.conn.in-c.countedIn, c.conn.out-c.countedOut
	c.countedIn, c.countedOut = c.conn.in, c.conn.out
	return in, out
}

func (c *leanClient[I]) write(m wire.Message) {
	b, err := wire.Encode(c.buf[:0], m)
	if err != nil {
		c.end(0, fmt.Sprintf("cannot encode %s: %v", m.Op(), err))
		return
	}
	c.buf = b
	c.view.BytesOut += int64(len(b))
	c.conn.send(b)
}

// handle takes one message from the server, as netclient's read loop does.
func (c *leanClient[I]) handle(data []byte) error {
	c.view.BytesIn += int64(len(data))
	f, err := wire.Decode(data)
	if err != nil {
		return fmt.Errorf("the server sent a bad frame: %v", err)
	}
	switch f.Op {
	case wire.OpWelcome:
		var w wire.Welcome
		if err := f.Decode(&w); err != nil {
			return fmt.Errorf("bad welcome: %v", err)
		}
		c.view.Status, c.view.Welcome = netclient.Connected, w
		c.view.Welcomes++
		clear(c.snaps)
		c.snaps = c.snaps[:0]
		c.ping = c.now // the first ping at once, as netclient's
	case wire.OpRoster:
		var r wire.Roster
		if err := f.Decode(&r); err != nil {
			return fmt.Errorf("bad roster: %v", err)
		}
		c.view.Roster = r.Players
	case wire.OpSnapshot:
		c.snap.Entities = c.slot()
		if err := f.Decode(&c.snap); err != nil {
			return fmt.Errorf("bad snapshot: %v", err)
		}
		for i := range c.snap.Entities {
			if err := c.schema.Check(&c.snap.Entities[i]); err != nil {
				return fmt.Errorf("the server sent an invalid entity: %v", err)
			}
		}
		c.received(c.snap.Tick, c.snap.Ack, c.snap.Entities, c.snap.Check, len(data))
	case wire.OpDelta:
		if err := f.Decode(&c.delta); err != nil {
			return fmt.Errorf("bad delta snapshot: %v", err)
		}
		base, ok := c.tables.Find(c.delta.BaseTick)
		if !ok {
			return fmt.Errorf("the server sent a delta against snapshot %d, which this client does not have", c.delta.BaseTick)
		}
		dst := c.slot()
		if n := len(base) + len(c.delta.Created); cap(dst) < n {
			dst = make([]sim.Entity, 0, n+n/4) // once per slot: appending would grow it step by step
		}
		ents, err := c.delta.Apply(base, c.schema, dst)
		if err != nil {
			return fmt.Errorf("bad delta snapshot: %v", err)
		}
		c.received(c.delta.Tick, c.delta.Ack, ents, c.delta.Check, len(data))
	case wire.OpPong:
		var p wire.Pong
		if err := f.Decode(&p); err != nil {
			return fmt.Errorf("bad pong: %v", err)
		}
		c.view.RTT = time.Duration(c.clock()-p.ClientTime) * time.Microsecond
		c.view.Pongs++
	case wire.OpBye:
		_ = f.Decode(&c.bye)
	case wire.OpRedirect:
		return fmt.Errorf("redirected to another node: lean bots do not follow redirects (play a cluster with -lean=false)")
	default:
		if f.Op.IsGameOp() {
			if _, err := c.cfg.Messages.Decode(f, wire.ToClient); err != nil {
				return fmt.Errorf("bad game message: %v", err)
			}
			c.view.Events++ // a bot reads none of them
		}
		// A newer server may send ops this client does not know; they are skipped, not fatal.
	}
	return nil
}

// slot returns the next of the ring's entity slices, emptied.
func (c *leanClient[I]) slot() []sim.Entity {
	s := c.ring[c.next][:0]
	c.next = (c.next + 1) % leanRing
	return s
}

// received makes a snapshot the newest, queues it for the netcode and keeps it as a baseline.
func (c *leanClient[I]) received(tick, ack uint32, ents []sim.Entity, check uint32, size int) {
	c.ring[(c.next+leanRing-1)%leanRing] = ents // keep the capacity it grew to
	c.tables.Add(tick, ents)
	c.view.Tick, c.view.Ack, c.view.Entities = tick, ack, ents
	c.view.Snapshots++
	c.view.SnapshotBytes += int64(size)
	c.view.Received = c.now
	c.snaps = append(c.snaps, netcode.Snapshot{Tick: tick, Ack: ack, Entities: ents, At: c.now, Check: check})
}

// ended records how the connection closed.
func (c *leanClient[I]) ended() {
	code, reason := c.conn.code, c.conn.reason
	if code == 1005 || code == 0 {
		code, reason = int(c.bye.Code), c.bye.Reason
	}
	if reason == "" {
		reason = c.conn.reason
	}
	if reason == "" {
		reason = fmt.Sprintf("disconnected (code %d)", code)
	}
	c.end(code, reason)
}

func (c *leanClient[I]) end(code int, reason string) {
	if c.view.Status == netclient.Closed {
		return
	}
	c.view.Status, c.view.Code, c.view.Reason = netclient.Closed, code, reason
}

func (c *leanClient[I]) clock() uint32 { return uint32(time.Since(c.epoch) / time.Microsecond) }

// View returns what the client knows.
func (c *leanClient[I]) View() netclient.View { return c.view }

// Welcomed implements netcode.Link.
func (c *leanClient[I]) Welcomed() (wire.Welcome, int, bool) {
	return c.view.Welcome, c.view.Welcomes, c.view.Status == netclient.Connected
}

// RoundTrip implements netcode.Link.
func (c *leanClient[I]) RoundTrip() (time.Duration, int) { return c.view.RTT, c.view.Pongs }

// TakeSnapshots implements netcode.Link.
func (c *leanClient[I]) TakeSnapshots(dst []netcode.Snapshot) []netcode.Snapshot {
	dst = append(dst, c.snaps...)
	clear(c.snaps)
	c.snaps = c.snaps[:0]
	return dst
}

// SetGraph implements netcode.Link: a bot draws no graph.
func (c *leanClient[I]) SetGraph(string, float64) {}

// Send queues one of the game's own messages, checked as netclient's Send checks it.
func (c *leanClient[I]) Send(m wire.Message) error {
	t, ok := c.cfg.Messages.Lookup(m.Op())
	if !ok || t.Dir&wire.ToServer == 0 {
		return fmt.Errorf("loadtest: op %d is not declared client → server: %w", uint8(m.Op()), wire.ErrUnknownOp)
	}
	if c.conn == nil || c.view.Status != netclient.Connected {
		return netclient.ErrNotConnected
	}
	c.write(m)
	return nil
}

// Close starts a normal close: the bot stops playing at once, and [leanClient.drain] waits for the
// server's answer.
func (c *leanClient[I]) Close() {
	if c.conn == nil {
		c.closing = true
		return
	}
	c.conn.close(1000, "player left")
	c.end(1000, "disconnected")
}

// drain reads until the server answered the close, and reports whether the connection is closed;
// with force it ends the connection anyway.
func (c *leanClient[I]) drain(force bool) bool {
	if c.conn == nil || c.conn.closed {
		return true
	}
	_ = c.conn.receive(func([]byte) error { return nil })
	if force && !c.conn.closed {
		c.conn.end(1000, "disconnected")
	}
	return c.conn.closed
}
