package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config sets a gateway's limits. Zero fields take the defaults given.
type Config struct {
	// ReadLimit is the largest frame a client may send, in bytes; a larger one closes the connection
	// with a bye and 1009 (the gateway enforces it, not the socket library, which would close without
	// a bye). Defaults to 4096.
	ReadLimit int64
	// HandshakeTimeout is how long a client has to send its hello. Defaults to 5 s.
	HandshakeTimeout time.Duration
	// WriteTimeout is how long one frame may take to write before the client counts as stuck and the
	// connection is dropped. Defaults to 10 s.
	WriteTimeout time.Duration
	// SendQueue is how many reliable frames may wait for one client before it is closed as too slow
	// with 4010. Snapshots never queue: only the newest is kept. Defaults to 64.
	SendQueue int
	// OriginPatterns lists the other origins whose pages may connect (see websocket.AcceptOptions).
	// Same-origin pages always may, and so may pages from the host of any live cluster node's public
	// URL (origins.go); by default no other may, which stops cross-site WebSocket hijacking.
	OriginPatterns []string
	// PingInterval is how often the server pings each client (a WebSocket ping, which browsers
	// answer by themselves); PongWait how long it waits for the answer before closing the connection
	// with a bye and 4014, given at most a second to reach a peer that may be gone. Default 10 s
	// each, so a half-open connection is gone within 21 s.
	PingInterval, PongWait time.Duration
	// MessageRate is how many frames a second a client may send, sustained, and MessageBurst how
	// many at once; beyond, the connection closes with 1008. A client sends one input per tick and a
	// ping a second. Defaults 120 and 60.
	MessageRate, MessageBurst float64
	// MaxConnsPerIP is how many connections one address may hold; one more is accepted as a
	// WebSocket, sent a bye and closed with 1008 before its hello is read. Defaults to 32.
	MaxConnsPerIP int
	// TrustedProxies are the proxies whose X-Forwarded-For is believed when counting connections per
	// address. By default none: the connection's own address counts.
	TrustedProxies []netip.Prefix
	// SlowTimeout is how long a client may stay behind (snapshots replaced before it took them)
	// before it is closed with 4010. Defaults to 5 s.
	SlowTimeout time.Duration
	// Logger receives one line per connection event. Defaults to slog.Default().
	Logger *slog.Logger
	// Observer is told connection states, frames in and out, dropped snapshots and closes. Nil
	// observes nothing.
	Observer Observer
	// NetSim makes every connection suffer a simulated bad network (latency, jitter, loss; see
	// netsim.go), for trying netcode on loopback. The zero profile, the default, is off and costs
	// nothing.
	NetSim netsim.Profile
}

// Gateway is the http.Handler of the WebSocket endpoint.
type Gateway struct {
	cfg   Config
	lobby *lobby.Lobby

	mu       sync.Mutex
	conns    map[*conn]struct{}
	perIP    map[netip.Addr]int
	draining bool
	wg       sync.WaitGroup

	sockBuffer atomic.Int32 // tests: the send buffer of each connection's socket; 0 the system's
}

// New returns a gateway that seats players in l.
func New(cfg Config, l *lobby.Lobby) *Gateway {
	if cfg.ReadLimit <= 0 {
		cfg.ReadLimit = 4096
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 5 * time.Second
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.SendQueue <= 0 {
		cfg.SendQueue = 64
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 10 * time.Second
	}
	if cfg.PongWait <= 0 {
		cfg.PongWait = 10 * time.Second
	}
	if cfg.MessageRate <= 0 {
		cfg.MessageRate = 120
	}
	if cfg.MessageBurst <= 0 {
		cfg.MessageBurst = 60
	}
	if cfg.MaxConnsPerIP <= 0 {
		cfg.MaxConnsPerIP = 32
	}
	if cfg.SlowTimeout <= 0 {
		cfg.SlowTimeout = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	return &Gateway{cfg: cfg, lobby: l, conns: map[*conn]struct{}{}, perIP: map[netip.Addr]int{}}
}

// ServeHTTP upgrades the request to a WebSocket and serves it until it closes.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// With a simulated network, frames go out through netsim's delays, never directly: the
	// library gets the connection itself, whose writes wait as they always did.
	keep := &keepConn{ResponseWriter: w, plain: g.cfg.NetSim.Enabled()}
	ws, err := websocket.Accept(keep, r, &websocket.AcceptOptions{OriginPatterns: g.originPatterns()})
	if err != nil {
		g.cfg.Logger.Info("refused", "remote", r.RemoteAddr, "cause", err.Error())
		return
	}
	ip := remoteIP(r, g.cfg.TrustedProxies)
	c := g.newConn(ws, keep, ip, r.RemoteAddr)
	// A connection refused here still gets a bye before its close, from the writer, like every
	// other; its hello is never read.
	var refused *wire.CloseError
	switch g.track(c) {
	case trackDraining:
		refused = wire.Closef(wire.CloseGoingAway, "server shutting down")
	case trackTooMany:
		refused = wire.Closef(wire.ClosePolicy, "too many connections from your address (at most %d)", g.cfg.MaxConnsPerIP)
		c.log.Info("refused", "cause", refused.Reason, "code", int(refused.Code), "ip", ip)
	}
	if refused != nil {
		c.out.Close(refused)
		c.writer()
		return
	}
	defer g.untrack(c)
	c.setState(ConnHandshake)
	defer c.setState(ConnNone)
	c.serve(r.Context())
}

// newConn returns the connection of ws, accepted through keep, with direct writes on when its
// socket allows them (see outbox).
func (g *Gateway) newConn(ws *websocket.Conn, keep *keepConn, ip netip.Addr, remote string) *conn {
	c := &conn{g: g, ws: ws, netConn: keep.conn, ip: ip, out: newOutbox(g.cfg.SendQueue, g.cfg.Observer), log: g.cfg.Logger.With("remote", remote), done: make(chan struct{})}
	c.out.slowAfter = g.cfg.SlowTimeout
	if keep.sock != nil && !g.cfg.NetSim.Enabled() {
		if b, ok := keep.conn.(interface{ SetWriteBuffer(int) error }); ok && g.sockBuffer.Load() > 0 {
			_ = b.SetWriteBuffer(int(g.sockBuffer.Load()))
		}
		c.writeDirectly(keep.sock)
	}
	return c
}

type trackResult int

const (
	tracked trackResult = iota
	trackDraining
	trackTooMany
)

func (g *Gateway) track(c *conn) trackResult {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return trackDraining
	}
	if g.perIP[c.ip] >= g.cfg.MaxConnsPerIP {
		return trackTooMany
	}
	g.perIP[c.ip]++
	g.conns[c] = struct{}{}
	g.wg.Add(1)
	return tracked
}

func (g *Gateway) untrack(c *conn) {
	g.mu.Lock()
	delete(g.conns, c)
	if g.perIP[c.ip]--; g.perIP[c.ip] <= 0 {
		delete(g.perIP, c.ip)
	}
	g.mu.Unlock()
	g.wg.Done()
}

// Shutdown refuses new connections, closes every open one with 1001 and reason, and waits for them
// to finish closing or for ctx to end.
func (g *Gateway) Shutdown(ctx context.Context, reason string) error {
	g.mu.Lock()
	g.draining = true
	for c := range g.conns {
		c.out.Close(&wire.CloseError{Code: wire.CloseGoingAway, Reason: reason})
	}
	g.mu.Unlock()
	done := make(chan struct{})
	go func() { g.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("gateway: connections still open at the shutdown deadline: %w", ctx.Err())
	}
}

// Conns reports how many connections are open.
func (g *Gateway) Conns() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.conns)
}

// keepConn is the ResponseWriter websocket.Accept hijacks: it keeps the hijacked connection, so
// that the gateway can drop a peer that stopped answering even in the middle of the library's
// close handshake (which websocket.Conn.CloseNow cannot interrupt). When the connection has a file
// descriptor, the library is handed a sock over it (sock.go), whose writes never wait, so that
// frames can be written from a room's goroutine.
type keepConn struct {
	http.ResponseWriter
	conn  net.Conn
	sock  *sock
	plain bool // hand the library the connection itself, as before direct writes (netsim, benchmarks)
}

func (k *keepConn) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(k.ResponseWriter).Hijack()
	k.conn = c
	if err != nil || k.plain || rw == nil || rw.Writer.Buffered() > 0 {
		return c, rw, err
	}
	if k.sock = newSock(c); k.sock != nil {
		rw.Writer.Reset(k.sock) // the response is flushed: the buffer is empty, and kept
		return k.sock, rw, nil
	}
	return c, rw, err
}

func (k *keepConn) Unwrap() http.ResponseWriter { return k.ResponseWriter }

// conn is one client connection.
type conn struct {
	g       *Gateway
	ws      *websocket.Conn
	netConn net.Conn // the hijacked connection under ws; nil in some tests
	ip      netip.Addr
	rtt     atomic.Int64 // the latest ping's round trip, in nanoseconds
	out     *outbox
	log     *slog.Logger
	seat    room.Seat
	// spectator says the client watches: an input or a game message from it closes the connection.
	spectator bool
	done      chan struct{} // closed when the writer has closed the socket
	sim       *netsim.Conn  // Config.NetSim on this connection (netsim.go); nil when off
	sock      *sock         // the socket under ws, whose writes never wait; nil: writes wait (sock.go)

	state ConnState // the serving goroutine's alone

	rbuf []byte // the reading goroutine's: the last message read

	// The write timeout: one timer per connection, the writer's alone, re-armed for each frame and
	// stopped after each batch (see write).
	writeTimer    *time.Timer
	writeTimedOut atomic.Bool // the timer fired: the socket was dropped under a write

	closeOnce sync.Once
}

func (c *conn) serve(ctx context.Context) {
	if c.g.cfg.NetSim.Enabled() {
		defer c.startNetSim()() // waits for its goroutines, after the writer's below
	}
	// readMessage enforces ReadLimit: the library's own limit would close the socket with 1009 from
	// inside the read, before the gateway could send its bye.
	c.ws.SetReadLimit(-1)
	writerDone := make(chan struct{})
	go func() { c.writer(); close(writerDone) }()
	defer func() { <-writerDone }()

	// Reads take a context without cancellation, for which coder/websocket sets up no
	// context.AfterFunc per frame read; the request's context still ends the connection, through one
	// AfterFunc for its whole life. Everything else that must end a read (the handshake timeout, a
	// missing pong, a shutdown, a close) closes the socket, which ends it.
	stop := context.AfterFunc(ctx, c.dropSocket)
	defer stop()
	rctx := context.WithoutCancel(ctx)

	hello, err := c.handshake(rctx)
	if err != nil {
		c.fail(err)
		return
	}
	seat, refused := c.g.lobby.Enter(hello, c.out)
	if refused != nil {
		c.log.Info("refused", "cause", refused.Reason, "code", int(refused.Code), "name", hello.Name, "room", hello.Room, "spectate", hello.Spectate)
		// Played on another node (refused.Redirect set): the redirect goes first, then the bye and
		// the close (4018).
		c.out.Close(refused)
		return
	}
	c.seat, c.spectator = seat, hello.Spectate
	c.setState(ConnPlaying)
	if c.spectator {
		c.log = c.log.With("spectator", hello.Name)
	} else {
		c.log = c.log.With("player", seat.Player())
	}
	hctx, stopHeartbeat := context.WithCancel(ctx)
	defer stopHeartbeat()
	go c.heartbeat(hctx)
	err = c.readLoop(rctx)
	c.fail(err)
	if resumable(err) {
		seat.Detach() // the room holds the seat for the player's return
	} else {
		seat.Leave()
	}
}

// resumable reports whether a connection that ended with err may come back for its seat: one lost
// to the network, a closed laptop or a restart may; one that said goodbye or that the server closed
// for breaking the protocol may not.
func resumable(err error) bool {
	if _, ok := wire.AsCloseError(err); ok {
		return false
	}
	return websocket.CloseStatus(err) != websocket.StatusNormalClosure
}

// errGoodbye is the client's own bye: the connection ends with 1000, the seat is given up, and no
// bye is sent back.
var errGoodbye = wire.Closef(wire.CloseNormal, "goodbye")

// fail closes the connection for err, logging it once. A *wire.CloseError was decided by the
// gateway, the lobby or the room, and is written as it is: a bye, then the close frame. Errors that
// mean the socket is already gone (the client closed it, the network dropped it) are logged as a
// plain leave, and the socket is closed without a bye.
func (c *conn) fail(err error) {
	ce, decided := wire.AsCloseError(err)
	switch {
	case ce == errGoodbye:
		c.log.Info("left", "cause", "goodbye", "rtt", time.Duration(c.rtt.Load()).Round(time.Microsecond))
		c.out.closeQuietly(ce.Code, ce.Reason)
	case decided:
		c.log.Info("closed", "cause", ce.Reason, "code", int(ce.Code))
		c.out.Close(ce)
	default:
		rtt := time.Duration(c.rtt.Load()).Round(time.Microsecond)
		if code := websocket.CloseStatus(err); code != -1 {
			c.log.Info("left", "code", int(code), "rtt", rtt)
		} else {
			c.log.Info("left", "cause", err.Error(), "rtt", rtt)
		}
		c.out.closeQuietly(wire.CloseNormal, "")
	}
}

func (c *conn) setState(s ConnState) {
	c.g.cfg.Observer.ConnState(c.state, s)
	c.state = s
}

func (c *conn) handshake(ctx context.Context) (wire.Hello, error) {
	var hello wire.Hello
	// An expired read context would drop the socket without a close frame, so the timeout closes the
	// connection itself, with a code the client can show.
	timeout := wire.Closef(wire.CloseHandshakeTimeout, "no hello within %s", c.g.cfg.HandshakeTimeout)
	var timedOut atomic.Bool
	timer := time.AfterFunc(c.g.cfg.HandshakeTimeout, func() {
		timedOut.Store(true)
		c.out.Close(timeout) // unblocks the read below
	})
	defer timer.Stop()
	f, err := c.read(ctx)
	if timedOut.Load() {
		return hello, timeout
	}
	if err != nil {
		return hello, err
	}
	if f.Op != wire.OpHello {
		return hello, wire.Closef(wire.CloseUnexpected, "expected hello first, got %s", f.Op)
	}
	if err := f.Decode(&hello); err != nil {
		return hello, wire.Closef(wire.CloseMalformed, "bad hello: %v", err)
	}
	if hello.Version != wire.ProtocolVersion {
		return hello, wire.Closef(wire.CloseBadVersion, "protocol version %d, this server speaks %d: reload the page", hello.Version, wire.ProtocolVersion)
	}
	return hello, nil
}

// read returns the next frame from the socket, refusing text frames and frames that are not valid.
// The frame aliases the connection's read buffer: it is good until the next read.
func (c *conn) read(ctx context.Context) (wire.Frame, error) {
	data, err := c.readBinary(ctx)
	if err != nil {
		return wire.Frame{}, err
	}
	return c.decode(data)
}

// readBinary reads the next message, refusing a text one.
func (c *conn) readBinary(ctx context.Context) ([]byte, error) {
	typ, data, err := c.readMessage(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageBinary {
		return nil, wire.Closef(wire.CloseTextFrame, "text frame: tickwire speaks binary msgpack frames only")
	}
	return data, nil
}

func (c *conn) decode(data []byte) (wire.Frame, error) {
	f, err := wire.Decode(data)
	if err != nil {
		return wire.Frame{}, wire.Closef(wire.CloseMalformed, "%v", err)
	}
	c.g.cfg.Observer.FrameIn(f.Op, len(data))
	return f, nil
}

// readMessage reads the next message into the connection's buffer, which grows to the largest
// message read and is reused: unlike websocket.Conn.Read, no fresh slice per message. A message
// longer than ReadLimit is refused with 1009 after reading at most ReadLimit+1 of its bytes (the
// library's own limit is off; see serve).
func (c *conn) readMessage(ctx context.Context) (websocket.MessageType, []byte, error) {
	typ, r, err := c.ws.Reader(ctx)
	if err != nil {
		return 0, nil, err
	}
	limit := int(c.g.cfg.ReadLimit)
	buf := c.rbuf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit+1)])
		buf = buf[:len(buf)+n]
		if len(buf) > limit {
			c.rbuf = buf[:0]
			return 0, nil, wire.Closef(wire.CloseTooBig, "frame larger than %d bytes", limit)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			c.rbuf = buf
			return 0, nil, err
		}
	}
	c.rbuf = buf
	return typ, buf, nil
}

func (c *conn) readLoop(ctx context.Context) error {
	limit := newBucket(c.g.cfg.MessageRate, c.g.cfg.MessageBurst, time.Now())
	for {
		f, err := c.next(ctx) // c.read, through Config.NetSim's delay when on
		if err != nil {
			return err
		}
		if !limit.take(time.Now()) {
			return wire.Closef(wire.ClosePolicy, "too many messages: at most %.0f a second", c.g.cfg.MessageRate)
		}
		switch f.Op {
		case wire.OpInput:
			if c.spectator {
				return wire.Closef(wire.CloseSpectator, "spectators send no input")
			}
			if err := c.seat.Input(f.Body); err != nil {
				return err // a *wire.CloseError: the seat decided the close
			}
		case wire.OpInputs:
			if c.spectator {
				return wire.Closef(wire.CloseSpectator, "spectators send no input")
			}
			if err := c.seat.Inputs(f.Body); err != nil {
				return err // a *wire.CloseError: the seat decided the close
			}
		case wire.OpPing:
			var ping wire.Ping
			if err := f.Decode(&ping); err != nil {
				return wire.Closef(wire.CloseMalformed, "bad ping: %v", err)
			}
			pong, err := wire.Encode(bufpool.Get(), &wire.Pong{ClientTime: ping.ClientTime, Tick: c.seat.Tick()})
			if err != nil {
				return err
			}
			c.out.Send(pong)
		case wire.OpBye:
			return errGoodbye
		case wire.OpHello:
			return wire.Closef(wire.CloseUnexpected, "hello sent twice")
		default:
			if !f.Op.IsGameOp() {
				return wire.Closef(wire.CloseUnknownOp, "unknown op %d", uint8(f.Op))
			}
			if c.spectator {
				return wire.Closef(wire.CloseSpectator, "spectators send no game messages")
			}
			if err := c.seat.Message(f); err != nil {
				return err // a *wire.CloseError: the seat decided the close
			}
		}
	}
}

// writeDirectly turns the outbox's direct writes on (see outbox), over s.
func (c *conn) writeDirectly(s *sock) {
	c.sock = s
	s.onBlock = c.out.signal
	c.out.direct, c.out.pending = c.writeNow, s.hasPending
}

// writeNow writes frame from the caller's goroutine (a room's, or the reader's), without waiting:
// what the socket cannot take at once waits in it for the writer (sock.go).
func (c *conn) writeNow(frame []byte) error {
	c.sock.beginNoWait()
	err := c.ws.Write(context.Background(), websocket.MessageBinary, frame)
	c.sock.endNoWait()
	if err == nil {
		c.g.cfg.Observer.FrameOut(frameOp(frame), len(frame))
	}
	bufpool.Put(frame)
	return err
}

// writer writes what the outbox holds, and what the socket could not take at once, until a close is
// requested, then closes the socket.
func (c *conn) writer() {
	var frames [][]byte
	for range c.out.wake {
		var req *closeReq
		var ok bool
		frames, req, ok = c.out.takeTurn(frames[:0])
		if !ok {
			continue // a frame is being written directly; that writer wakes this one when it is done
		}
		err := c.out.writeFailed()
		if err == nil && c.sock != nil {
			err = c.drainSocket()
		}
		for _, f := range frames {
			if err != nil {
				bufpool.Put(f)
				continue
			}
			err = c.writeFrame(f) // c.write, through Config.NetSim when on
			bufpool.Put(f)
		}
		c.stopWriteTimer()
		if err != nil {
			c.out.fail(err)
			c.dropSocket() // no close handshake: the peer cannot be written to, or it is closed already
			if errors.Is(err, net.ErrClosed) && !errors.Is(err, context.DeadlineExceeded) {
				// The connection closed under the write: most often the client's close frame has
				// just arrived, and the library answered it before the reader could return it. The
				// reader's verdict (1000 for a client that left) is the close to count.
				c.g.cfg.Observer.Closed(c.awaitClose(req).code)
				return
			}
			c.g.cfg.Observer.WriteFailed(errors.Is(err, context.DeadlineExceeded))
			return
		}
		if req != nil {
			c.stopNetSim() // the bye and the close go straight to the socket
			c.finish(req)
			return
		}
		c.out.release()
	}
}

// drainSocket writes out what the socket could not take at once, within WriteTimeout.
func (c *conn) drainSocket() error {
	if !c.sock.hasPending() {
		return nil
	}
	c.armWriteTimer(c.g.cfg.WriteTimeout)
	if err := c.sock.drain(); err != nil {
		if c.writeTimedOut.Load() {
			return fmt.Errorf("write took over %s: %w", c.g.cfg.WriteTimeout, context.DeadlineExceeded)
		}
		return err
	}
	return nil
}

// deadPeerWait is how long a connection that stopped answering pings gets to take its bye and its
// close frame, and to answer the close, before the socket is dropped: it is probably gone, and it
// must not hold the connection for the library's 5 s close handshake.
const deadPeerWait = time.Second

// finish ends the connection as req says. Every close the server decides is written as a bye with
// its code and reason, then the close frame with the same, so that a client whose WebSocket API
// hides close reasons still learns them. A close that answers the peer's (it closed, or said
// goodbye) gets no bye: the peer is already leaving.
func (c *conn) finish(req *closeReq) {
	c.g.cfg.Observer.Closed(req.code)
	if c.sock != nil {
		// From here writes wait, as they did before direct writes: the close frame the library
		// writes must be out before it waits for the peer's answer.
		c.sock.setBlocking()
	}
	wait := c.g.cfg.WriteTimeout
	if req.code == wire.CloseNoPong {
		wait = min(wait, deadPeerWait)
	}
	if !req.quiet {
		var err error
		if req.redirect != nil {
			err = c.writeMessageWithin(req.redirect, wait)
		}
		if err == nil {
			err = c.writeMessageWithin(&wire.Bye{Code: req.code, Reason: req.reason}, wait)
		}
		if err != nil {
			c.dropSocket() // the peer cannot be written to: no close frame will reach it either
			return
		}
	}
	if req.code == wire.CloseNoPong && c.netConn != nil {
		// The library's close handshake waits up to 5 s for an answer, and CloseNow cannot cut it
		// short; closing the connection under it can.
		t := time.AfterFunc(wait, func() { _ = c.netConn.Close() })
		defer t.Stop()
	}
	c.closeSocket(req.code, req.reason)
}

// writeMessageWithin writes m straight to the socket within wait (a message that cannot be encoded
// is skipped: the close that follows still tells the peer).
func (c *conn) writeMessageWithin(m wire.Message, wait time.Duration) error {
	frame, err := wire.Encode(bufpool.Get(), m)
	if err != nil {
		return nil
	}
	defer bufpool.Put(frame)
	defer c.stopWriteTimer()
	return c.writeWithin(frame, wait)
}

// awaitClose returns req, or else the close request that the connection's reader makes once its read
// ends (every way out of serve makes one), freeing whatever is queued meanwhile.
func (c *conn) awaitClose(req *closeReq) *closeReq {
	var frames [][]byte
	for req == nil {
		<-c.out.wake
		frames, req = c.out.take(frames[:0])
		for _, f := range frames {
			bufpool.Put(f)
		}
	}
	return req
}

// write writes one frame within WriteTimeout. Rather than a context with its own timer per frame
// (which coder/websocket would also watch with a context.AfterFunc per frame), the connection has one
// timer, re-armed here and stopped by the writer after each batch: when it fires it drops the socket,
// which ends the blocked write, as an expired write context would. The write's own context has no
// deadline and no cancellation, so the library sets nothing up per frame.
func (c *conn) write(frame []byte) error { return c.writeWithin(frame, c.g.cfg.WriteTimeout) }

// writeWithin is write with a timeout of its own.
func (c *conn) writeWithin(frame []byte, timeout time.Duration) error {
	c.armWriteTimer(timeout)
	err := c.ws.Write(context.Background(), websocket.MessageBinary, frame)
	if err == nil && c.sock != nil {
		err = c.sock.drain() // the socket's writes do not wait: this does
	}
	if err != nil {
		if c.writeTimedOut.Load() {
			return fmt.Errorf("write took over %s: %w", timeout, context.DeadlineExceeded)
		}
		return err
	}
	c.g.cfg.Observer.FrameOut(frameOp(frame), len(frame))
	return nil
}

func (c *conn) armWriteTimer(timeout time.Duration) {
	if c.writeTimer == nil {
		c.writeTimer = time.AfterFunc(timeout, c.writeExpired)
	} else {
		c.writeTimer.Reset(timeout)
	}
}

func (c *conn) stopWriteTimer() {
	if c.writeTimer != nil {
		c.writeTimer.Stop()
	}
}

// writeExpired runs when a write took longer than WriteTimeout: the client is stuck, and a peer
// that does not read will not finish a close handshake either.
func (c *conn) writeExpired() {
	c.writeTimedOut.Store(true)
	_ = c.ws.CloseNow()
}

func (c *conn) closeSocket(code wire.CloseCode, reason string) {
	c.closeOnce.Do(func() {
		_ = c.ws.Close(websocket.StatusCode(code), reason)
		close(c.done)
	})
}

// dropSocket closes the connection without the close handshake, which would wait 5 s for a peer
// that is not there.
func (c *conn) dropSocket() {
	c.closeOnce.Do(func() {
		_ = c.ws.CloseNow()
		close(c.done)
	})
}
