//go:build linux

package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/wire"
)

// BenchmarkSnapshotFanOut measures what it costs the server to hand a room's snapshots to its
// players' connections and get them onto the sockets, as a room's tick does: one goroutine (the
// room) gives a 190-byte frame (a delta snapshot) to each of 40 connections' outboxes in turn
// (four rooms of ten), then waits a millisecond, a tick's pause, so that each round finds the
// connections idle, as 20 snapshots a second do. Clients on the far ends of loopback sockets read
// every message.
//
//   - "writer": the outbox wakes the connection's writer goroutine for every frame (the path before
//     direct writes).
//   - "direct": the room's goroutine writes each frame itself when the connection is idle (outbox's
//     direct writes, through sock), and no goroutine is woken.
//
// cpu-ns/msg is the whole process's CPU time (user and system, getrusage) per frame given, the
// clients' reading included (the same in both): compare the two rows. A snapshot replaced unsent
// (the writer had not taken it by the next round, on a busy machine) counts as given; dropped/op
// says how many were, per round. Run it on purpose:
//
//	go test -run '^$' -bench SnapshotFanOut -benchtime 2000x ./server/gateway/
func BenchmarkSnapshotFanOut(b *testing.B) {
	const conns = 40
	for _, mode := range []string{"writer", "direct"} {
		b.Run(mode, func(b *testing.B) {
			cs, got, dropped := fanOutConns(b, conns, mode == "direct")
			msg := make([]byte, 190)
			msg[0], msg[1] = 0x92, byte(wire.OpDelta) // a frame's op where frameOp looks for it
			round := func() {
				for _, c := range cs {
					c.out.SendSnapshot(append(bufpool.Get(), msg...))
				}
			}
			round() // warm up
			waitFor(b, got, dropped, conns)
			runtime.GC()
			dropped0 := dropped.Load()
			_, start := cpu(b)
			b.ResetTimer()
			for range b.N {
				round()
				time.Sleep(time.Millisecond)
			}
			waitFor(b, got, dropped, int64(conns*(b.N+1)))
			b.StopTimer()
			_, end := cpu(b)
			n := float64(b.N * conns)
			b.ReportMetric(float64(end.user+end.sys-start.user-start.sys)/n, "cpu-ns/msg")
			b.ReportMetric(float64(end.sys-start.sys)/n, "sys-ns/msg")
			b.ReportMetric(float64(dropped.Load()-dropped0)/float64(b.N), "dropped/op")
		})
	}
}

// waitFor waits until want frames have been read or dropped.
func waitFor(b *testing.B, got, dropped *atomic.Int64, want int64) {
	b.Helper()
	for deadline := time.Now().Add(10 * time.Second); got.Load()+dropped.Load() < want; time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d messages arrived", got.Load(), want)
		}
	}
}

// fanOutConns opens n gateway connections on loopback, each with its writer running, and counts in
// got the messages their clients read, in dropped the snapshots replaced unsent.
func fanOutConns(b *testing.B, n int, direct bool) ([]*conn, *atomic.Int64, *atomic.Int64) {
	drops := &dropCounter{}
	cs, clients := loopbackConns(b, n, direct, Config{Logger: slog.New(slog.DiscardHandler), Observer: drops}, nil)
	var got atomic.Int64
	for _, ws := range clients {
		go func() {
			for {
				_, r, err := ws.Reader(context.Background())
				if err != nil {
					return
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					return
				}
				got.Add(1)
			}
		}()
	}
	return cs, &got, &drops.n
}

// loopbackConns opens n connections of a gateway with cfg on loopback, each with its writer
// running, and returns their server ends and their clients, which read nothing unless the caller
// does. dialer, when not nil, dials the clients' sockets.
func loopbackConns(tb testing.TB, n int, direct bool, cfg Config, dialer *net.Dialer) ([]*conn, []*websocket.Conn) {
	tb.Helper()
	g := New(cfg, nil)
	accepted := make(chan *conn)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keep := &keepConn{ResponseWriter: w, plain: !direct}
		ws, err := websocket.Accept(keep, r, nil)
		if err != nil {
			return
		}
		c := g.newConn(ws, keep, netip.Addr{}, r.RemoteAddr)
		if direct != (c.out.direct != nil) {
			panic(fmt.Sprintf("direct writes %v, want %v", c.out.direct != nil, direct))
		}
		accepted <- c
		c.writer()
	}))
	opts := &websocket.DialOptions{}
	if dialer != nil {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	}
	cs := make([]*conn, n)
	clients := make([]*websocket.Conn, n)
	for i := range cs {
		ws, _, err := websocket.Dial(context.Background(), "ws"+srv.URL[len("http"):], opts)
		if err != nil {
			tb.Fatal(err)
		}
		ws.SetReadLimit(1 << 20)
		clients[i], cs[i] = ws, <-accepted
	}
	tb.Cleanup(func() {
		for _, c := range cs {
			c.out.closeQuietly(wire.CloseNormal, "")
		}
		for _, ws := range clients {
			ws.CloseNow()
		}
		srv.Close()
	})
	return cs, clients
}

type dropCounter struct {
	nopObserver
	n atomic.Int64
}

func (d *dropCounter) SnapshotDropped() { d.n.Add(1) }

// BenchmarkPathAllocs counts the allocations per message on the server's path, which must be none:
// "write" hands a snapshot to an idle connection's outbox, which writes it on the spot (the
// direct write through the socket, as a room does); "read" reads one 16-byte input frame as the
// connection's reader does (readMessage and the frame's validation). The clients on the far ends
// allocate nothing per message either (a reused buffer each way), so allocs/op is the server's.
//
//	go test -run '^$' -bench PathAllocs -benchmem ./server/gateway/
func BenchmarkPathAllocs(b *testing.B) {
	cfg := Config{Logger: slog.New(slog.DiscardHandler)}
	b.Run("write", func(b *testing.B) {
		cs, clients := loopbackConns(b, 1, true, cfg, nil)
		c, ws := cs[0], clients[0]
		go func() {
			buf := make([]byte, 512)
			for {
				_, r, err := ws.Reader(context.Background())
				if err != nil {
					return
				}
				for err == nil {
					_, err = r.Read(buf)
				}
			}
		}()
		frame := frameOfSize(190, 0)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			c.out.SendSnapshot(append(bufpool.Get(), frame...))
		}
	})
	b.Run("read", func(b *testing.B) {
		cs, clients := loopbackConns(b, 1, true, cfg, nil)
		c, ws := cs[0], clients[0]
		input, err := wire.EncodeInput(nil, testgame.Game{}, wire.InputHeader{Seq: 1, Tick: 1}, new(int8))
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			for {
				if ws.Write(context.Background(), websocket.MessageBinary, input) != nil {
					return
				}
			}
		}()
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := c.read(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
