//go:build linux

package gateway

import (
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/wire"
)

// smallReceiveBuffer dials sockets whose receive buffer is the smallest the kernel allows, so that
// a client that stops reading fills the path to it within a few kilobytes.
var smallReceiveBuffer = &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1) })
	if err != nil {
		return err
	}
	return serr
}}

// frameOfSize returns a snapshot frame of n bytes (as the outbox sees frames: it never decodes
// them) whose body starts with seq.
func frameOfSize(n int, seq uint32) []byte {
	f := append(bufpool.Get(), 0x92, byte(wire.OpDelta), 0xc4, 0) // [op, bin8]: frameOp reads the op
	f = binary.BigEndian.AppendUint32(f, seq)
	for len(f) < n {
		f = append(f, byte(len(f)))
	}
	return f
}

// A room writes its players' snapshots itself (direct writes): a client that stopped reading must
// cost it a short write, never a wait, and must not delay the others' snapshots; it is still
// dropped by the write timeout, as when its writer goroutine wrote everything.
func TestStalledClientDelaysNoOtherSnapshot(t *testing.T) {
	t.Parallel()
	obs := newRecordingObserver()
	cfg := Config{WriteTimeout: 500 * time.Millisecond, Logger: slog.New(slog.DiscardHandler), Observer: obs}
	cs, clients := loopbackConns(t, 4, true, cfg, smallReceiveBuffer)
	stalled := cs[0]
	if b, ok := stalled.netConn.(*net.TCPConn); ok {
		_ = b.SetWriteBuffer(4096)
	}
	// The others read everything, counting what arrives; the first client reads nothing.
	const rounds = 300
	got := make(chan int, 3)
	for _, ws := range clients[1:] {
		go func() {
			n := 0
			for n < rounds {
				if _, _, err := ws.Read(context.Background()); err != nil {
					break
				}
				n++
			}
			got <- n
		}()
	}
	var slowest time.Duration
	for i := range rounds {
		for _, c := range cs {
			start := time.Now()
			c.out.SendSnapshot(frameOfSize(1000, uint32(i)))
			slowest = max(slowest, time.Since(start))
		}
		time.Sleep(time.Millisecond)
	}
	if !stalled.sock.hasPending() && stalled.out.writeFailed() == nil {
		t.Fatal("300 kB to a client that reads nothing all went into its socket: the test does not stall it")
	}
	for range 3 {
		select {
		case n := <-got:
			if n != rounds {
				t.Errorf("a client that reads got %d of %d snapshots beside one that does not", n, rounds)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a client that reads is still waiting for its snapshots 10 s on")
		}
	}
	if slowest > 100*time.Millisecond {
		t.Errorf("handing a snapshot to an outbox took up to %s: the room waited for a socket", slowest)
	}
	select {
	case <-stalled.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled client is still connected 5 s on, with a 500 ms write timeout")
	}
	waitUntil(t, func() bool {
		var ok bool
		obs.locked(func() { ok = obs.failed == 1 && obs.timedOut == 1 })
		return ok
	})
	stalled.sock.mu.Lock()
	defer stalled.sock.mu.Unlock()
	if len(stalled.sock.pending) > maxPending {
		t.Errorf("%d bytes piled up in the stalled client's socket, more than %d", len(stalled.sock.pending), maxPending)
	}
}

// Frames that must arrive do, in order, to a client that reads slowly, whether they were written
// directly, left in the socket for the writer, or queued while the writer wrote.
func TestSlowClientGetsEveryFrameInOrder(t *testing.T) {
	t.Parallel()
	cfg := Config{SendQueue: 4000, Logger: slog.New(slog.DiscardHandler)}
	cs, clients := loopbackConns(t, 1, true, cfg, smallReceiveBuffer)
	c, ws := cs[0], clients[0]
	if b, ok := c.netConn.(*net.TCPConn); ok {
		_ = b.SetWriteBuffer(4096)
	}
	const frames = 2000
	done := make(chan error, 1)
	go func() {
		for i := range uint32(frames) {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				done <- err
				return
			}
			if seq := binary.BigEndian.Uint32(b[4:]); seq != i || len(b) != 700 {
				t.Errorf("frame %d: got frame %d of %d bytes, want 700", i, seq, len(b))
			}
			if i%200 == 0 {
				time.Sleep(20 * time.Millisecond) // behind for a while: the socket fills
			}
		}
		done <- nil
	}()
	for i := range uint32(frames) {
		c.out.Send(frameOfSize(700, i))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the frames did not all arrive within 20 s")
	}
}
