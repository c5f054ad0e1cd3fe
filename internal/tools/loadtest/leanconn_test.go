package loadtest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// echoServer answers each binary message with itself and a message twice its size, in two
// fragments (coder/websocket's Writer); on "ping" it pings the client and says "pinged" once the
// pong came; on "bye" it closes with 4005.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ws.SetReadLimit(1 << 20)
		ctx := r.Context()
		for {
			_, msg, err := ws.Read(ctx)
			if err != nil {
				return
			}
			if string(msg) == "bye" {
				ws.Close(4005, "room full")
				return
			}
			if string(msg) == "ping" {
				go func() { // the pong is read by this handler's next Read
					pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
					defer cancel()
					if err := ws.Ping(pctx); err == nil {
						ws.Write(ctx, websocket.MessageBinary, []byte("pinged"))
					}
				}()
				continue
			}
			if err := ws.Write(ctx, websocket.MessageBinary, msg); err != nil {
				return
			}
			wr, err := ws.Writer(ctx, websocket.MessageBinary)
			if err != nil {
				return
			}
			wr.Write(msg)
			wr.Write(msg)
			wr.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// await calls c.receive until want messages arrived or a few seconds passed.
func await(t *testing.T, c *leanConn, want int) [][]byte {
	t.Helper()
	var got [][]byte
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < want && !c.closed && time.Now().Before(deadline) {
		if err := c.receive(func(m []byte) error { got = append(got, bytes.Clone(m)); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := c.flush(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	return got
}

func TestLeanConnMessages(t *testing.T) {
	t.Parallel()
	url := echoServer(t)
	c, err := dialLean(context.Background(), &net.Dialer{}, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close(1000, "done")
	// Lengths on each side of the 7-bit and 16-bit length forms, masked by the client.
	for _, n := range []int{0, 1, 125, 126, 200, 65535, 65536, 100_000} {
		msg := bytes.Repeat([]byte{byte(n)}, n)
		for i := range msg {
			msg[i] = byte(i * 7)
		}
		c.send(msg)
		got := await(t, c, 2)
		if len(got) != 2 || !bytes.Equal(got[0], msg) || !bytes.Equal(got[1], append(bytes.Clone(msg), msg...)) {
			t.Fatalf("%d bytes: echoed %d messages, want the message and its fragmented double", n, len(got))
		}
	}
	c.send([]byte("ping"))
	if got := await(t, c, 1); len(got) != 1 || string(got[0]) != "pinged" {
		t.Fatalf("after the server's ping: %q, want \"pinged\" (the client's pong let the ping return)", got)
	}
	if c.in == 0 || c.out == 0 {
		t.Errorf("bytes in %d, out %d: want both counted", c.in, c.out)
	}
	c.send([]byte("bye"))
	await(t, c, 1)
	if !c.closed || c.code != 4005 || c.reason != "room full" {
		t.Errorf("closed %v with %d %q, want 4005 room full", c.closed, c.code, c.reason)
	}
	if err := c.receive(func([]byte) error { return nil }); err == nil {
		t.Error("receive on a closed connection: no error")
	}
}

func TestLeanConnRefusesBadFrames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, frame, want string
	}{
		{"masked", "\x82\x81abcd\x00", "masked"},
		{"reserved bits", "\xc2\x00", "reserved"},
		{"too large", "\x82\x7f\x00\x00\x00\x00\x00\x20\x00\x00", "read limit"},
		{"continuation outside a message", "\x80\x01a", "continuation"},
		{"unknown opcode", "\x83\x00", "unknown opcode"},
		{"long ping", "\x89\x7e\x00\x80" + strings.Repeat("p", 128), "ping over 125"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, server := net.Pipe()
			defer server.Close()
			go func() { // net.Pipe is synchronous: drain what the client writes back
				buf := make([]byte, 1024)
				for {
					if _, err := server.Read(buf); err != nil {
						return
					}
				}
			}()
			c := &leanConn{nc: client, raw: pipeRaw{client}, rbuf: make([]byte, 0, 64)}
			c.rbuf = append(c.rbuf, tc.frame...)
			err := c.frames(func([]byte) error { t.Fatal("a bad frame was handed out"); return nil })
			if err == nil || !strings.Contains(err.Error(), tc.want) || !c.closed {
				t.Errorf("err %v, closed %v: want a refusal about %q and the connection closed", err, c.closed, tc.want)
			}
		})
	}
}

// pipeRaw writes to a net.Pipe end, for the close frame a refusal sends.
type pipeRaw struct{ nc net.Conn }

func (p pipeRaw) read([]byte) (int, error) { return 0, errLeanWait }
func (p pipeRaw) close() error             { return p.nc.Close() }
func (p pipeRaw) descriptor() int          { return -1 }
func (p pipeRaw) write(b []byte) (int, error) {
	_ = p.nc.SetWriteDeadline(time.Now().Add(time.Second))
	return p.nc.Write(b)
}

// TestLeanClientPlays drives one lean bot by hand against a real arena server: it is welcomed,
// receives and checks snapshots, measures a round trip, and the server applies its inputs (the
// snapshots' acknowledgements advance). Its close frees its seat at once: a second bot takes the
// room's only seat.
func TestLeanClientPlays(t *testing.T) {
	t.Parallel()
	url, _ := startArena(t, 1)
	c := playLean(t, url)
	time.Sleep(200 * time.Millisecond) // snapshots arrive unread, as at the end of a run
	c.Close()
	if v := c.View(); v.Status != netclient.Closed {
		t.Errorf("after Close: %v", v.Status)
	}
	for deadline := time.Now().Add(3 * time.Second); !c.drain(false); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server did not answer the close")
		}
	}
	if c.conn.code != 1000 {
		t.Errorf("the server answered the close with %d %q, want 1000", c.conn.code, c.conn.reason)
	}
	// The room frees the seat at its next step; a seat held for a lost connection would keep the
	// room full (4005) for its 30 s grace.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c := newLeanClient[arena.Input](netclient.Config{URL: url, Game: "arena", Room: "lean", Name: "second", Messages: arena.Messages}, arena.Game{}, arena.Schema)
		c.dial(context.Background(), &net.Dialer{}, func() func() { return func() {} }, nil)
		for end := time.Now().Add(2 * time.Second); c.View().Status == netclient.Connecting && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			c.receive(time.Now())
		}
		v := c.View()
		c.Close()
		if v.Status == netclient.Connected {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second bot could not take the seat: %v %d %s", v.Status, v.Code, v.Reason)
		}
	}
}

// playLean plays a lean bot in the room "lean" until the server applies its inputs and a round
// trip was measured, and returns it.
func playLean(t *testing.T, url string) *leanClient[arena.Input] {
	t.Helper()
	c := newLeanClient[arena.Input](netclient.Config{URL: url, Game: "arena", Room: "lean", Name: "lean", Messages: arena.Messages}, arena.Game{}, arena.Schema)
	c.dial(context.Background(), &net.Dialer{}, func() func() { return func() {} }, nil)
	d := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		now := time.Now()
		c.receive(now)
		if err := d.Frame(now, arena.Input{MoveX: 127}); err != nil {
			t.Fatal(err)
		}
		c.flush()
		if v := c.View(); v.Status == netclient.Closed || v.Snapshots > 40 && v.Ack > 10 && v.Pongs > 0 {
			break
		}
		time.Sleep(time.Second / 30)
	}
	v := c.View()
	if v.Status != netclient.Connected || v.Welcome.Player == 0 || v.Snapshots <= 40 || v.Ack <= 10 || v.Pongs == 0 || v.RTT <= 0 {
		t.Fatalf("status %v (%s), player %d, %d snapshots, ack %d, %d pongs (RTT %v): want a player whose inputs the server applies",
			v.Status, v.Reason, v.Welcome.Player, v.Snapshots, v.Ack, v.Pongs, v.RTT)
	}
	if me := self(&v); me == nil {
		t.Errorf("the bot's own entity is not in its snapshots")
	}
	return c
}

// FuzzLeanFrames feeds the frame parser arbitrary bytes from the server, in two reads: it must
// never panic, hand out a message over the read limit, or go on after closing.
func FuzzLeanFrames(f *testing.F) {
	for _, seed := range []string{
		"\x82\x03abc",                          // a binary message
		"\x02\x02ab\x80\x01c",                  // a fragmented one
		"\x89\x00\x82\x01x",                    // a ping, then a message
		"\x88\x02\x03\xe8",                     // a close 1000
		"\x82\x7e\x00\x05hello",                // a 16-bit length
		"\x82\x7f\x00\x00\x00\x00\x00\x00\x00", // a 64-bit length cut short
		"\x82\x81abcd\x00",                     // masked: refused
	} {
		f.Add([]byte(seed), 3)
	}
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		client, server := net.Pipe()
		defer server.Close()
		go func() {
			buf := make([]byte, 4096)
			for {
				if _, err := server.Read(buf); err != nil {
					return
				}
			}
		}()
		c := &leanConn{raw: pipeRaw{client}, rbuf: make([]byte, 0, 64)}
		cut = min(max(cut, 0), len(data))
		for _, part := range [][]byte{data[:cut], data[cut:]} {
			if c.closed {
				break
			}
			c.compact()
			if len(c.rbuf)+len(part) > cap(c.rbuf) {
				grown := make([]byte, len(c.rbuf), len(c.rbuf)+len(part))
				copy(grown, c.rbuf)
				c.rbuf = grown
			}
			c.rbuf = append(c.rbuf, part...)
			_ = c.frames(func(m []byte) error {
				if len(m) > leanMaxMessage {
					t.Fatalf("a message of %d bytes, over the limit", len(m))
				}
				if c.closed {
					t.Fatal("a message handed out after the close")
				}
				return nil
			})
		}
	})
}
