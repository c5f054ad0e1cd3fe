package gateway

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

// hijackRecorder is a ResponseWriter whose Hijack hands over one end of a net.Pipe.
type hijackRecorder struct {
	*httptest.ResponseRecorder
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

// pipeConn returns a connection of a gateway with cfg whose socket is a net.Pipe, and the pipe's
// other end: a write blocks until the other end reads, as one to a client that stopped reading does
// once the kernel's buffers are full.
func pipeConn(t *testing.T, cfg Config) (*conn, net.Conn) {
	t.Helper()
	srv, cli := net.Pipe()
	t.Cleanup(func() { srv.Close(); cli.Close() })
	r := httptest.NewRequest(http.MethodGet, "/ws", nil)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	ws, err := websocket.Accept(&hijackRecorder{httptest.NewRecorder(), srv}, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := New(cfg, nil)
	return &conn{g: g, ws: ws, netConn: srv, out: newOutbox(g.cfg.SendQueue, g.cfg.Observer), log: slog.New(slog.DiscardHandler), done: make(chan struct{})}, cli
}

func TestStuckWriteDropsTheConnectionAfterWriteTimeout(t *testing.T) {
	t.Parallel()
	obs := newRecordingObserver()
	c, _ := pipeConn(t, Config{WriteTimeout: 100 * time.Millisecond, Observer: obs})
	frame, _ := wire.Encode(nil, &wire.Pong{ClientTime: 1})
	c.out.Send(frame) // nobody reads the other end: the write blocks
	start := time.Now()
	done := make(chan struct{})
	go func() { c.writer(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer is still stuck 5 s into a write with a 100 ms write timeout")
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Errorf("the writer gave up after %s, before the write timeout", elapsed)
	}
	obs.locked(func() {
		if obs.failed != 1 || obs.timedOut != 1 {
			t.Errorf("observer saw %d failed writes, %d timed out; want 1, 1", obs.failed, obs.timedOut)
		}
	})
}

func TestWriteTimeoutDoesNotOutliveTheWrite(t *testing.T) {
	t.Parallel()
	obs := newRecordingObserver()
	c, cli := pipeConn(t, Config{WriteTimeout: 50 * time.Millisecond, Observer: obs})
	read := make(chan struct{})
	go func() {
		br := bufio.NewReader(cli)
		for {
			// One frame: a 2-byte header (short payload, unmasked) and its payload.
			var h [2]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				return
			}
			if _, err := io.CopyN(io.Discard, br, int64(h[1]&0x7f)); err != nil {
				return
			}
			read <- struct{}{}
		}
	}()
	writerDone := make(chan struct{})
	go func() { c.writer(); close(writerDone) }()
	for i := range 3 {
		frame, _ := wire.Encode(nil, &wire.Pong{ClientTime: uint32(i)})
		c.out.Send(frame)
		select {
		case <-read:
		case <-time.After(5 * time.Second):
			t.Fatalf("frame %d did not arrive", i)
		}
		// Idle for longer than the write timeout: a timer left running would drop the socket now.
		time.Sleep(150 * time.Millisecond)
	}
	if c.writeTimedOut.Load() {
		t.Error("the write timer fired while the writer was idle")
	}
	obs.locked(func() {
		if obs.failed != 0 || obs.out[wire.OpPong] != 3 {
			t.Errorf("observer saw %d failed writes and %d pongs out, want 0 and 3", obs.failed, obs.out[wire.OpPong])
		}
	})
	c.out.Close(&wire.CloseError{Code: wire.CloseNoPong}) // a bye and a close frame that nobody reads: dropped after a second
	select {
	case <-writerDone:
	case <-time.After(5 * time.Second):
		t.Fatal("the writer is still closing a dead peer's connection after 5 s")
	}
}
