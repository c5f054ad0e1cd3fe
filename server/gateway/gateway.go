package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config sets a gateway's limits. Zero fields take the defaults given.
type Config struct {
	// ReadLimit is the largest frame a client may send, in bytes; a larger one closes the connection
	// with 1009. Defaults to 4096.
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
	// Same-origin pages always may; by default no other may, which stops cross-site WebSocket
	// hijacking.
	OriginPatterns []string
	// Logger receives one line per connection event. Defaults to slog.Default().
	Logger *slog.Logger
	// Observer is told connection states, frames in and out, dropped snapshots and closes. Nil
	// observes nothing.
	Observer Observer
}

// Gateway is the http.Handler of the WebSocket endpoint.
type Gateway struct {
	cfg   Config
	lobby *lobby.Lobby

	mu       sync.Mutex
	conns    map[*conn]struct{}
	draining bool
	wg       sync.WaitGroup
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
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	return &Gateway{cfg: cfg, lobby: l, conns: map[*conn]struct{}{}}
}

// ServeHTTP upgrades the request to a WebSocket and serves it until it closes.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: g.cfg.OriginPatterns})
	if err != nil {
		g.cfg.Logger.Info("refused", "remote", r.RemoteAddr, "cause", err.Error())
		return
	}
	c := &conn{g: g, ws: ws, out: newOutbox(g.cfg.SendQueue, g.cfg.Observer), log: g.cfg.Logger.With("remote", r.RemoteAddr), done: make(chan struct{})}
	if !g.track(c) {
		ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	defer g.untrack(c)
	c.setState(ConnHandshake)
	defer c.setState(ConnNone)
	c.serve(r.Context())
}

func (g *Gateway) track(c *conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.draining {
		return false
	}
	g.conns[c] = struct{}{}
	g.wg.Add(1)
	return true
}

func (g *Gateway) untrack(c *conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
	g.wg.Done()
}

// Shutdown refuses new connections, closes every open one with 1001 and reason, and waits for them
// to finish closing or for ctx to end.
func (g *Gateway) Shutdown(ctx context.Context, reason string) error {
	g.mu.Lock()
	g.draining = true
	for c := range g.conns {
		c.out.Close(wire.CloseGoingAway, reason)
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

// conn is one client connection.
type conn struct {
	g    *Gateway
	ws   *websocket.Conn
	out  *outbox
	log  *slog.Logger
	seat room.Seat
	// spectator says the client watches: an input or a game message from it closes the connection.
	spectator bool
	done      chan struct{} // closed when the writer has closed the socket

	state ConnState // the serving goroutine's alone

	closeOnce sync.Once
}

func (c *conn) serve(ctx context.Context) {
	c.ws.SetReadLimit(c.g.cfg.ReadLimit)
	writerDone := make(chan struct{})
	go func() { c.writer(); close(writerDone) }()
	defer func() { <-writerDone }()

	hello, err := c.handshake(ctx)
	if err != nil {
		c.fail(err)
		return
	}
	seat, ref := c.g.lobby.Enter(hello, c.out)
	if ref != nil {
		c.log.Info("refused", "cause", ref.Reason, "code", int(ref.Code), "name", hello.Name, "room", hello.Room, "spectate", hello.Spectate)
		c.out.Close(ref.Code, ref.Reason)
		return
	}
	c.seat, c.spectator = seat, hello.Spectate
	c.setState(ConnPlaying)
	if c.spectator {
		c.log = c.log.With("spectator", hello.Name)
	} else {
		c.log = c.log.With("player", seat.Player())
	}
	defer seat.Leave()
	c.fail(c.readLoop(ctx))
}

// closeError is an error that says how to close the connection.
type closeError struct {
	code   wire.CloseCode
	reason string
}

func (e *closeError) Error() string { return e.reason }

func closeWith(code wire.CloseCode, format string, args ...any) error {
	reason := fmt.Sprintf(format, args...)
	if len(reason) > wire.MaxReasonBytes {
		reason = reason[:wire.MaxReasonBytes]
	}
	return &closeError{code, reason}
}

// fail closes the connection for err, logging it once. Errors that mean the socket is already gone
// (the client closed it, the network dropped it) are logged as a plain leave.
func (c *conn) fail(err error) {
	var ce *closeError
	switch {
	case errors.As(err, &ce):
		c.log.Info("closed", "cause", ce.reason, "code", int(ce.code))
		c.out.Close(ce.code, ce.reason)
	case websocket.CloseStatus(err) == websocket.StatusMessageTooBig || errors.Is(err, websocket.ErrMessageTooBig):
		// The library has already sent the 1009 close; make sure the writer stops.
		c.log.Info("closed", "cause", "frame over the read limit", "code", int(wire.CloseTooBig), "limit", c.g.cfg.ReadLimit)
		c.out.Close(wire.CloseTooBig, fmt.Sprintf("frame larger than %d bytes", c.g.cfg.ReadLimit))
	default:
		if code := websocket.CloseStatus(err); code != -1 {
			c.log.Info("left", "code", int(code))
		} else {
			c.log.Info("left", "cause", err.Error())
		}
		c.out.Close(wire.CloseNormal, "")
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
	timeout := closeWith(wire.CloseHandshakeTimeout, "no hello within %s", c.g.cfg.HandshakeTimeout)
	var timedOut atomic.Bool
	timer := time.AfterFunc(c.g.cfg.HandshakeTimeout, func() {
		timedOut.Store(true)
		ce := timeout.(*closeError)
		c.out.Close(ce.code, ce.reason) // unblocks the read below
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
		return hello, closeWith(wire.CloseUnexpected, "expected hello first, got %s", f.Op)
	}
	if err := f.Decode(&hello); err != nil {
		return hello, closeWith(wire.CloseMalformed, "bad hello: %v", err)
	}
	if hello.Version != wire.ProtocolVersion {
		return hello, closeWith(wire.CloseBadVersion, "protocol version %d, this server speaks %d: reload the page", hello.Version, wire.ProtocolVersion)
	}
	return hello, nil
}

// read returns the next frame, refusing text frames and frames that are not valid.
func (c *conn) read(ctx context.Context) (wire.Frame, error) {
	typ, data, err := c.ws.Read(ctx)
	if err != nil {
		return wire.Frame{}, err
	}
	if typ != websocket.MessageBinary {
		return wire.Frame{}, closeWith(wire.CloseTextFrame, "text frame: tickwire speaks binary msgpack frames only")
	}
	f, err := wire.Decode(data)
	if err != nil {
		return wire.Frame{}, closeWith(wire.CloseMalformed, "%v", err)
	}
	c.g.cfg.Observer.FrameIn(f.Op, len(data))
	return f, nil
}

func (c *conn) readLoop(ctx context.Context) error {
	for {
		f, err := c.read(ctx)
		if err != nil {
			return err
		}
		switch f.Op {
		case wire.OpInput:
			if c.spectator {
				return closeWith(wire.CloseSpectator, "spectators send no input")
			}
			if err := c.seat.Input(f.Body); err != nil {
				if errors.Is(err, room.ErrStaleInput) {
					return closeWith(wire.CloseUnexpected, "%v", err)
				}
				return closeWith(wire.CloseMalformed, "bad input: %v", err)
			}
		case wire.OpPing:
			var ping wire.Ping
			if err := f.Decode(&ping); err != nil {
				return closeWith(wire.CloseMalformed, "bad ping: %v", err)
			}
			pong, err := wire.Encode(bufpool.Get(), &wire.Pong{ClientTime: ping.ClientTime, Tick: c.seat.Tick()})
			if err != nil {
				return err
			}
			c.out.Send(pong)
		case wire.OpBye:
			return closeWith(wire.CloseNormal, "goodbye")
		case wire.OpHello:
			return closeWith(wire.CloseUnexpected, "hello sent twice")
		default:
			if !f.Op.IsGameOp() {
				return closeWith(wire.CloseUnknownOp, "unknown op %d", uint8(f.Op))
			}
			if c.spectator {
				return closeWith(wire.CloseSpectator, "spectators send no game messages")
			}
			if err := c.seat.Message(f); err != nil {
				return messageClose(err)
			}
		}
	}
}

// writer writes what the outbox holds until a close is requested, then closes the socket.
func (c *conn) writer() {
	var frames [][]byte
	for range c.out.wake {
		var req *closeReq
		frames, req = c.out.take(frames[:0])
		for i, f := range frames {
			if err := c.write(f); err != nil {
				for _, rest := range frames[i:] {
					bufpool.Put(rest)
				}
				c.g.cfg.Observer.WriteFailed(errors.Is(err, context.DeadlineExceeded))
				c.closeSocket(wire.CloseNormal, "")
				return
			}
			bufpool.Put(f)
		}
		if req != nil {
			if req.code != wire.CloseNormal && req.code != wire.CloseTooBig {
				if bye, err := wire.Encode(bufpool.Get(), &wire.Bye{Code: req.code, Reason: req.reason}); err == nil {
					_ = c.write(bye)
					bufpool.Put(bye)
				}
			}
			c.g.cfg.Observer.Closed(req.code)
			c.closeSocket(req.code, req.reason)
			return
		}
	}
}

func (c *conn) write(frame []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.g.cfg.WriteTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageBinary, frame); err != nil {
		return err
	}
	c.g.cfg.Observer.FrameOut(frameOp(frame), len(frame))
	return nil
}

func (c *conn) closeSocket(code wire.CloseCode, reason string) {
	c.closeOnce.Do(func() {
		_ = c.ws.Close(websocket.StatusCode(code), reason)
		close(c.done)
	})
}
