package gateway

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/shared/wire"
)

// lastFrameAndClose reads until the connection closes and returns the close status and reason and
// the last frame before the close, or fails the test when the connection ends without a close
// frame (1006 at a browser).
func (c *client) lastFrameAndClose() (websocket.StatusCode, string, wire.Frame) {
	c.t.Helper()
	var last wire.Frame
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		f, err := c.next(10 * time.Second)
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				c.t.Fatalf("the connection ended without a close frame: %v", err)
			}
			return ce.Code, ce.Reason, last
		}
		last = wire.Frame{Op: f.Op, Body: append([]byte(nil), f.Body...)}
	}
	c.t.Fatal("the connection stayed open for 15 s")
	return 0, "", wire.Frame{}
}

// mutedConn is a client's connection whose writes vanish once muted: the client still reads, but
// nothing it sends (its pongs, its answer to a close) reaches the server, as over a network that
// lost one direction.
type mutedConn struct {
	net.Conn
	muted *atomic.Bool
}

func (m mutedConn) Write(p []byte) (int, error) {
	if m.muted.Load() {
		return len(p), nil
	}
	return m.Conn.Write(p)
}

// dialMuted dials the server with a connection the returned flag mutes.
func (s *testServer) dialMuted(t *testing.T) (*client, *atomic.Bool) {
	t.Helper()
	muted := &atomic.Bool{}
	var d net.Dialer
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return mutedConn{c, muted}, nil
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, s.url, &websocket.DialOptions{HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t, ws}, muted
}

// TestSilentClientSeesByeAnd4014: a client whose pongs no longer reach the server is closed with a
// bye and 4014, and reads both; it does not see a dropped connection (1006).
func TestSilentClientSeesByeAnd4014(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{PingInterval: 300 * time.Millisecond, PongWait: 500 * time.Millisecond})
	c, muted := srv.dialMuted(t)
	c.join("", "silent")
	muted.Store(true)
	code, reason, last := c.lastFrameAndClose()
	var bye wire.Bye
	if code != websocket.StatusCode(wire.CloseNoPong) || last.Op != wire.OpBye || last.Decode(&bye) != nil ||
		bye.Code != wire.CloseNoPong || bye.Reason != reason || !strings.Contains(reason, "ping") {
		t.Errorf("closed with %d %q after %s %+v, want 4014 after a bye with the same code and reason", code, reason, last.Op, bye)
	}
}

// TestEveryServerCloseIsPrecededByABye drives each close the server decides, over a real socket,
// and checks at the client that the frame just before the close frame is a bye with the same code
// and reason. Every close code tickwire defines is here but 4010 (a client too slow to take its
// frames, which cannot be made to happen on loopback on cue; TestWriterSendsAByeBeforeEveryClose
// checks the writer's side of it).
func TestEveryServerCloseIsPrecededByABye(t *testing.T) {
	t.Parallel()
	type server = *testServer
	hello := func(c *client, h wire.Hello) { h.Version = wire.ProtocolVersion; c.send(&h) }
	cases := []struct {
		name string
		cfg  Config
		lcfg lobby.Config
		act  func(t *testing.T, srv server) *client // returns the client the server closes
		code wire.CloseCode
	}{
		{name: "room closed", code: wire.CloseNormal, act: func(t *testing.T, srv server) *client {
			p, w := srv.dial(t), srv.dial(t)
			p.join("brief", "ann")
			hello(w, wire.Hello{Room: "brief", Spectate: true})
			if f, err := w.next(5 * time.Second); err != nil || f.Op != wire.OpWelcome {
				t.Fatalf("spectator: %v, %v", f.Op, err)
			}
			p.send(&wire.Bye{Code: wire.CloseNormal, Reason: "done"})
			return w
		}},
		{name: "shutdown", code: wire.CloseGoingAway, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.join("", "ann")
			go srv.gw.Shutdown(context.Background(), "server restarting")
			return c
		}},
		{name: "refused while shutting down", code: wire.CloseGoingAway, act: func(t *testing.T, srv server) *client {
			if err := srv.gw.Shutdown(context.Background(), "server restarting"); err != nil {
				t.Fatal(err)
			}
			return srv.dial(t)
		}},
		{name: "too many connections from one address", cfg: Config{MaxConnsPerIP: 1}, code: wire.ClosePolicy,
			act: func(t *testing.T, srv server) *client {
				srv.dial(t).join("", "ann")
				return srv.dial(t)
			}},
		{name: "message flood", cfg: Config{MessageRate: 5, MessageBurst: 5}, code: wire.ClosePolicy,
			act: func(t *testing.T, srv server) *client {
				c := srv.dial(t)
				c.join("", "ann")
				ping, _ := wire.Encode(nil, &wire.Ping{ClientTime: 1})
				for range 10 {
					c.sendRaw(websocket.MessageBinary, ping)
				}
				return c
			}},
		{name: "frame over the read limit", cfg: Config{ReadLimit: 256}, code: wire.CloseTooBig,
			act: func(t *testing.T, srv server) *client {
				c := srv.dial(t)
				c.join("", "ann")
				c.sendRaw(websocket.MessageBinary, append([]byte{0x92, 0x03, 0xc4, 0xff}, make([]byte, 255)...))
				return c
			}},
		{name: "the game panicked", code: wire.CloseServerError, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			w := c.join("", "ann")
			// Eight ticks of 125 reach testgame.PanicAt (1000) exactly; then 0, so no repeat passes it.
			for i := range uint32(9) {
				v := int8(125)
				if i == 8 {
					v = 0
				}
				c.input(i+1, w.Tick+10+i, v)
			}
			return c
		}},
		{name: "protocol version", code: wire.CloseBadVersion, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.send(&wire.Hello{Version: 1, Name: "old"})
			return c
		}},
		{name: "malformed frame", code: wire.CloseMalformed, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x01, 0xdd})
			return c
		}},
		{name: "unknown op", code: wire.CloseUnknownOp, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.join("", "ann")
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x3f, 0x90})
			return c
		}},
		{name: "no hello", cfg: Config{HandshakeTimeout: 300 * time.Millisecond}, code: wire.CloseHandshakeTimeout,
			act: func(t *testing.T, srv server) *client { return srv.dial(t) }},
		{name: "bad name", code: wire.CloseBadName, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			hello(c, wire.Hello{Name: "<ann>"})
			return c
		}},
		{name: "room full", code: wire.CloseRoomFull, act: func(t *testing.T, srv server) *client {
			for range 4 {
				srv.dial(t).join("small", "p")
			}
			c := srv.dial(t)
			hello(c, wire.Hello{Room: "small", Name: "late"})
			return c
		}},
		{name: "unknown game", code: wire.CloseUnknownGame, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			hello(c, wire.Hello{Game: "chess", Name: "ann"})
			return c
		}},
		{name: "bad room name", code: wire.CloseBadRoom, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			hello(c, wire.Hello{Room: "Big Room", Name: "ann"})
			return c
		}},
		{name: "server full", lcfg: lobby.Config{MaxRooms: 1}, code: wire.CloseServerFull, act: func(t *testing.T, srv server) *client {
			srv.dial(t).join("one", "ann")
			c := srv.dial(t)
			hello(c, wire.Hello{Room: "two", Name: "bob"})
			return c
		}},
		{name: "hello twice", code: wire.CloseUnexpected, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.join("", "ann")
			hello(c, wire.Hello{Name: "ann"})
			return c
		}},
		{name: "text frame", code: wire.CloseTextFrame, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			c.sendRaw(websocket.MessageText, []byte("hello?"))
			return c
		}},
		{name: "spectator's input", code: wire.CloseSpectator, act: func(t *testing.T, srv server) *client {
			srv.dial(t).join("watched", "ann")
			c := srv.dial(t)
			hello(c, wire.Hello{Room: "watched", Spectate: true})
			c.input(1, 1, 1)
			return c
		}},
		{name: "nothing to watch", code: wire.CloseNoRoom, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			hello(c, wire.Hello{Room: "empty", Spectate: true})
			return c
		}},
		{name: "no pong", cfg: Config{PingInterval: 300 * time.Millisecond, PongWait: 500 * time.Millisecond}, code: wire.CloseNoPong,
			act: func(t *testing.T, srv server) *client {
				c, muted := srv.dialMuted(t)
				c.join("", "ann")
				muted.Store(true)
				return c
			}},
		{name: "resume refused", code: wire.CloseResumeFailed, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			hello(c, wire.Hello{Resume: "line.nowhere.1.00112233445566778899aabbccddeeff"})
			return c
		}},
		{name: "input too far ahead", code: wire.CloseInputAhead, act: func(t *testing.T, srv server) *client {
			c := srv.dial(t)
			w := c.join("", "ann")
			c.input(1, w.Tick+1000, 1)
			return c
		}},
		{name: "resume of a seat still attached", code: wire.CloseResumeLater, act: func(t *testing.T, srv server) *client {
			w := srv.dial(t).join("", "ann")
			c := srv.dial(t)
			hello(c, wire.Hello{Resume: w.Resume})
			return c
		}},
	}
	covered := map[wire.CloseCode]bool{wire.CloseSlowClient: true}
	for _, tc := range cases {
		covered[tc.code] = true
		t.Run(tc.name, func(t *testing.T) {
			srv := startServerWith(t, tc.cfg, tc.lcfg)
			c := tc.act(t, srv)
			code, reason, last := c.lastFrameAndClose()
			var bye wire.Bye
			if last.Op != wire.OpBye || last.Decode(&bye) != nil {
				t.Fatalf("closed with %d %q after a %s frame, want a bye just before the close", code, reason, last.Op)
			}
			if code != websocket.StatusCode(tc.code) || bye.Code != tc.code || bye.Reason != reason || reason == "" {
				t.Errorf("bye %d %q, then close %d %q; want both %d with the same reason", bye.Code, bye.Reason, code, reason, tc.code)
			}
		})
	}
	for code := wire.CloseBadVersion; code <= wire.CloseResumeLater; code++ {
		if !covered[code] {
			t.Errorf("close code %d is not driven by any case", code)
		}
	}
}

// TestWriterSendsAByeBeforeEveryClose: whatever the code, the writer sends a bye with the close's
// code and reason, then the close frame with the same; a close that answers the client's own gets
// no bye.
func TestWriterSendsAByeBeforeEveryClose(t *testing.T) {
	t.Parallel()
	codes := []wire.CloseCode{wire.CloseNormal, wire.CloseGoingAway, wire.ClosePolicy, wire.CloseTooBig, wire.CloseServerError}
	for code := wire.CloseBadVersion; code <= wire.CloseResumeLater; code++ {
		codes = append(codes, code)
	}
	for _, code := range codes {
		for _, quiet := range []bool{false, true} {
			c, cli := pipeConn(t, Config{})
			done := make(chan struct{})
			go func() { c.writer(); close(done) }()
			if quiet {
				c.out.closeQuietly(code, "because")
			} else {
				c.out.Close(&wire.CloseError{Code: code, Reason: "because"})
			}
			br := bufio.NewReader(cli)
			if !quiet {
				op, payload := readRawFrame(t, br)
				var bye wire.Bye
				f, err := wire.Decode(payload)
				if op != 2 || err != nil || f.Op != wire.OpBye || f.Decode(&bye) != nil || bye.Code != code || bye.Reason != "because" {
					t.Errorf("close %d: first frame opcode %d, %s %+v; want a binary bye %d 'because'", code, op, f.Op, bye, code)
				}
			}
			op, payload := readRawFrame(t, br)
			if op != 8 || len(payload) < 2 || wire.CloseCode(binary.BigEndian.Uint16(payload)) != code || string(payload[2:]) != "because" {
				t.Errorf("close %d (quiet %v): frame opcode %d payload %q, want the close frame %d 'because'", code, quiet, op, payload, code)
			}
			cli.Close() // no answer to the close: the writer gives up at once
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("close %d: the writer did not return", code)
			}
		}
	}
}

// readRawFrame reads one unmasked frame written by the server and returns its opcode and payload.
func readRawFrame(t *testing.T, r *bufio.Reader) (byte, []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		t.Fatal(err)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			t.Fatal(err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			t.Fatal(err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		t.Fatal(err)
	}
	return h[0] & 0x0f, payload
}
