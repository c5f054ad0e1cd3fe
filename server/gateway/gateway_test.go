package gateway

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// logBuffer collects log output from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), substr)
}

type testServer struct {
	url  string
	gw   *Gateway
	logs *logBuffer
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	return startServerWith(t, cfg, lobby.Config{})
}

// startServerWith is startServer with lobby settings (its logger and snapshot rate are set here).
func startServerWith(t *testing.T, cfg Config, lcfg lobby.Config) *testServer {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	lcfg.Logger, lcfg.SnapshotRate = log, 30
	l, err := lobby.New(ctx, lcfg, room.For(testgame.Game{MaxPlayers: 4}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = log
	gw := New(cfg, l)
	hs := httptest.NewServer(gw)
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	defer scancel()
	if err := l.Start(sctx, cluster.Config{PublicURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		if err := gw.Shutdown(sctx, "test over"); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		hs.Close()
		cancel()
		l.Wait()
	})
	return &testServer{url: "ws" + strings.TrimPrefix(hs.URL, "http"), gw: gw, logs: logs}
}

// client is a minimal test client over a real socket.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func (s *testServer) dial(t *testing.T) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, s.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	return &client{t, ws}
}

func (c *client) send(m wire.Message) {
	c.t.Helper()
	b, err := wire.Encode(nil, m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.MessageBinary, b)
}

func (c *client) sendRaw(typ websocket.MessageType, b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, typ, b); err != nil {
		c.t.Fatal(err)
	}
}

// input sends an input for tick, moving the dot by v.
func (c *client) input(seq, tick uint32, v int8) {
	c.t.Helper()
	frame, err := wire.EncodeInput(nil, testgame.Game{}, wire.InputHeader{Seq: seq, Tick: tick}, &v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.MessageBinary, frame)
}

// next returns the next frame, or the error that ended the connection.
func (c *client) next(timeout time.Duration) (wire.Frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		return wire.Frame{}, err
	}
	return wire.Decode(b)
}

// join sends a hello and reads up to the welcome.
func (c *client) join(room, name string) wire.Welcome {
	c.t.Helper()
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Room: room, Name: name})
	f, err := c.next(5 * time.Second)
	if err != nil {
		c.t.Fatalf("join: %v", err)
	}
	var w wire.Welcome
	if err := f.Decode(&w); err != nil {
		c.t.Fatalf("join: %v", err)
	}
	return w
}

// closedWith reads until the connection closes and returns the close status and reason, and the bye
// that came just before it, if one did.
func (c *client) closedWith() (websocket.StatusCode, string, *wire.Bye) {
	c.t.Helper()
	code, reason, last := c.lastFrameAndClose()
	var bye wire.Bye
	if last.Op != wire.OpBye || last.Decode(&bye) != nil {
		return code, reason, nil
	}
	return code, reason, &bye
}

// watcher is a well-behaved player that counts the snapshots it receives.
type watcher struct {
	snapshots atomic.Int64
	done      chan error
}

func (s *testServer) watch(t *testing.T, room string) *watcher {
	c := s.dial(t)
	c.join(room, "watcher")
	w := &watcher{done: make(chan error, 1)}
	go func() {
		for {
			f, err := c.next(30 * time.Second)
			if err != nil {
				w.done <- err
				return
			}
			if f.Op == wire.OpSnapshot {
				w.snapshots.Add(1)
			}
		}
	}()
	return w
}

func TestBadInputClosesWithASpecificCode(t *testing.T) {
	t.Parallel()
	// A 2 s handshake timeout, not shorter: on a starved machine a test client's hello can take
	// most of a second to arrive, and the cases that join must not meet the timeout.
	srv := startServer(t, Config{ReadLimit: 256, HandshakeTimeout: 2 * time.Second})
	w := srv.watch(t, "r")
	start := time.Now()
	hello := func(c *client) { c.join("r", "mallory") }
	tests := []struct {
		name   string
		act    func(c *client)
		code   wire.CloseCode
		reason string
	}{
		{"unknown op", func(c *client) {
			hello(c)
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x3f, 0x90})
		}, wire.CloseUnknownOp, "unknown op 63"},
		{"unknown game op", func(c *client) {
			hello(c)
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0xcc, 0xc8, 0x90})
		}, wire.CloseUnknownOp, "unknown op 200"},
		{"malformed msgpack", func(c *client) {
			hello(c)
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x03, 0xdd, 0xff, 0xff, 0xff, 0xff})
		}, wire.CloseMalformed, "malformed frame"},
		{"input of the wrong shape", func(c *client) {
			hello(c)
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x03, 0x94, 0x01, 0x00, 0x00, 0xa1, 'x'})
		}, wire.CloseMalformed, "bad input"},
		{"frame over the read limit", func(c *client) {
			hello(c)
			c.sendRaw(websocket.MessageBinary, append([]byte{0x92, 0x03, 0xc4, 0xff}, make([]byte, 255)...))
		}, wire.CloseTooBig, ""},
		{"wrong protocol version", func(c *client) {
			c.send(&wire.Hello{Version: 99, Name: "old"})
		}, wire.CloseBadVersion, "protocol version 99"},
		{"protocol version 1", func(c *client) {
			c.send(&wire.Hello{Version: 1, Name: "old"})
		}, wire.CloseBadVersion, "protocol version 1, this server speaks 2"},
		{"no hello", func(c *client) {}, wire.CloseHandshakeTimeout, "no hello within"},
		{"input before hello", func(c *client) {
			c.sendRaw(websocket.MessageBinary, []byte{0x92, 0x03, 0x93, 0x01, 0x00, 0x00})
		}, wire.CloseUnexpected, "expected hello first"},
		{"text frame", func(c *client) { c.sendRaw(websocket.MessageText, []byte("hello?")) }, wire.CloseTextFrame, "binary"},
		{"empty name", func(c *client) {
			c.send(&wire.Hello{Version: wire.ProtocolVersion, Name: " "})
		}, wire.CloseBadName, "empty"},
		{"over-long name", func(c *client) {
			c.send(&wire.Hello{Version: wire.ProtocolVersion, Name: strings.Repeat("x", 30)})
		}, wire.CloseBadName, "at most"},
		{"hello twice", func(c *client) {
			hello(c)
			c.send(&wire.Hello{Version: wire.ProtocolVersion, Name: "again"})
		}, wire.CloseUnexpected, "hello sent twice"},
		{"sequence going backwards", func(c *client) {
			hello(c)
			var in int8 = 1
			for _, seq := range []uint32{5, 4} {
				b, _ := wire.EncodeInput(nil, testgame.Game{}, wire.InputHeader{Seq: seq}, &in)
				c.sendRaw(websocket.MessageBinary, b)
			}
		}, wire.CloseUnexpected, "went backwards"},
		{"input far ahead", func(c *client) {
			w := c.join("r", "mallory")
			c.input(1, w.Tick+1000, 1)
		}, wire.CloseInputAhead, "ticks ahead of the server (at most 60)"},
		{"input for the largest tick", func(c *client) {
			hello(c)
			c.input(1, 1<<32-1, 1)
		}, wire.CloseInputAhead, "input for tick 4294967295 is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := srv.dial(t)
			tt.act(c)
			code, reason, _ := c.closedWith()
			if code != websocket.StatusCode(tt.code) || !strings.Contains(reason, tt.reason) {
				t.Errorf("closed with %d %q, want %d containing %q", code, reason, tt.code, tt.reason)
			}
			// The client can see the close before the server's goroutine has logged it.
			logged := func() bool { return srv.logs.count(fmt.Sprintf("code=%d", tt.code)) > 0 }
			waitUntil(t, logged)
			if !logged() {
				t.Errorf("close %d was not logged", tt.code)
			}
		})
	}
	// Every case above is logged exactly once: one "closed" or "refused" line per bad client, and
	// nothing else about them.
	logged := func() int {
		return srv.logs.count("msg=closed") + srv.logs.count("msg=refused") + srv.logs.count("msg=left")
	}
	waitUntil(t, func() bool { return logged() >= len(tests) })
	if n := logged(); n != len(tests) {
		t.Errorf("%d 'closed' log lines for %d bad clients, want one each:\n%s", n, len(tests), srv.logs.String())
	}
	// The well-behaved player kept receiving snapshots at the room's rate (30/s) throughout. The
	// window is short (under a second), so a few snapshots of slack absorb a busy machine: a room
	// that falls behind runs catch-up steps whose snapshots replace each other in the outbox.
	elapsed := time.Since(start).Seconds()
	if got, want := float64(w.snapshots.Load()), 30*elapsed; got < 0.5*want-snapshotSlack { // half: a busy -race suite starves the test clients too
		t.Errorf("watcher got %.0f snapshots in %.1f s, want about %.0f", got, elapsed, want)
	}
	select {
	case err := <-w.done:
		t.Errorf("the watcher's connection ended: %v", err)
	default:
	}
}

// snapshotSlack is how many snapshots a watcher may miss on a loaded machine (-race, other test
// binaries) beyond the 20% the rate checks allow: about a sixth of a second at 30/s.
const snapshotSlack = 5

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRoomFullIsRefusedWithAReason(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	for i := range 4 {
		srv.dial(t).join("small", fmt.Sprintf("p%d", i))
	}
	c := srv.dial(t)
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Room: "small", Name: "late"})
	code, reason, bye := c.closedWith()
	if code != websocket.StatusCode(wire.CloseRoomFull) || !strings.Contains(reason, "full") {
		t.Errorf("closed with %d %q, want %d 'full'", code, reason, wire.CloseRoomFull)
	}
	if bye == nil || bye.Code != wire.CloseRoomFull {
		t.Errorf("bye %+v, want one with the close code before the close", bye)
	}
}

func TestTwoPlayersSeeEachOtherAndInputsMove(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	a, b := srv.dial(t), srv.dial(t)
	wa := a.join("duo", "ann")
	wb := b.join("duo", "bob")
	if wa.Player == wb.Player || wa.Room != "duo" || wa.TickRate != 30 {
		t.Fatalf("welcomes %+v and %+v", wa, wb)
	}
	// Inputs for 20 ticks from a few after b's welcome, which came after a's: 3 a tick, 60 in all.
	for i := range uint32(20) {
		a.input(i+1, wb.Tick+3+i, 3)
	}
	// b must see a's dot move, from snapshots alone.
	deadline := time.Now().Add(5 * time.Second)
	sawRoster := false
	for time.Now().Before(deadline) {
		f, err := b.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		switch f.Op {
		case wire.OpRoster:
			var r wire.Roster
			_ = f.Decode(&r)
			sawRoster = sawRoster || len(r.Players) == 2
		case wire.OpSnapshot:
			var s wire.Snapshot
			if err := f.Decode(&s); err != nil {
				t.Fatal(err)
			}
			for _, e := range s.Entities {
				if uint32(e.ID) == uint32(wa.Player) && e.Fields[0] > 30 {
					if !sawRoster {
						t.Error("no roster with both players before the movement")
					}
					return
				}
			}
		}
	}
	t.Fatal("b never saw a move")
}

func TestPingIsAnswered(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	c := srv.dial(t)
	w := c.join("", "pinger")
	c.send(&wire.Ping{ClientTime: 12345})
	for {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.Op == wire.OpPong {
			var p wire.Pong
			// The welcome goes out as the room applies the join, before that tick's step: a ping
			// answered at once may still see the welcome's tick, 0 in a new room.
			if err := f.Decode(&p); err != nil || p.ClientTime != 12345 || p.Tick < w.Tick {
				t.Errorf("pong %+v, %v; want the ping's time and a tick from %d", p, err, w.Tick)
			}
			return
		}
	}
}

func TestShutdownClosesEveryoneWithGoingAway(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{})
	c := srv.dial(t)
	c.join("", "stayer")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go srv.gw.Shutdown(ctx, "server restarting")
	code, reason, bye := c.closedWith()
	if code != websocket.StatusGoingAway || reason != "server restarting" || bye == nil {
		t.Errorf("closed with %d %q (bye %+v), want 1001 'server restarting' after a bye", code, reason, bye)
	}
}

func TestClientThatNeverReadsDoesNotStallOthers(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{WriteTimeout: time.Second})
	w := srv.watch(t, "mixed")
	// A client that joins and then never reads: its snapshots are replaced in its outbox, never queued.
	lazy := srv.dial(t)
	lazy.join("mixed", "lazy")
	start := time.Now()
	time.Sleep(2 * time.Second)
	elapsed := time.Since(start).Seconds()
	if got, want := float64(w.snapshots.Load()), 30*elapsed; got < 0.5*want-snapshotSlack { // half: a busy -race suite starves the test clients too
		t.Errorf("watcher got %.0f snapshots in %.1f s beside a client that never reads, want about %.0f", got, elapsed, want)
	}
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
