//go:build linux

package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkSocketFloor measures what one message costs a server on this machine below anything
// tickwire does: the kernel's part and coder/websocket's framing. It is the floor under the
// gateway's cost per message, and so under the server's cost per player: docs/PERFORMANCE.md works
// out the CCU per core it allows. Run it on purpose:
//
//	go test -run '^$' -bench SocketFloor -benchtime 100000x ./server/gateway/
//
// Writes: one goroutine locked to its thread writes a message to each of conns connections in
// turn, as a room's tick writes one snapshot to each player, and readers on the far ends drain
// them. cpu-ns/msg is the writing thread's own CPU time (user and system, from
// getrusage(RUSAGE_THREAD)) per message; on loopback it includes the receiving socket's TCP
// processing and the reader's wake-up, which the sender's system call runs. "raw" is one write
// system call per message; "websocket" is coder/websocket's Conn.Write, as the gateway's writer
// calls it.
//
// Reads: the locked goroutine writes, and a goroutine per connection reads each message as it
// comes (raw: net.Conn.Read; websocket: Conn.Reader read to the end, as the gateway's reader
// does). cpu-ns/msg is the whole process's CPU time less the writing thread's, per message: the
// readers, their parking and waking, and the poller.
func BenchmarkSocketFloor(b *testing.B) {
	const conns = 200
	for _, size := range []int{16, 190, 1300} { // an input; a delta snapshot; a full arena snapshot
		b.Run(fmt.Sprintf("write/raw/%dB", size), func(b *testing.B) {
			near := tcpPairs(b, conns, drainTCP)
			msg := make([]byte, size)
			measureWriter(b, conns, func(i int) error { return rawWrite(near[i%conns], msg) })
		})
		b.Run(fmt.Sprintf("write/websocket/%dB", size), func(b *testing.B) {
			server, client := wsPairs(b, conns)
			for _, c := range client {
				go drainWS(c)
			}
			msg := make([]byte, size)
			ctx := context.Background()
			measureWriter(b, conns, func(i int) error { return server[i%conns].Write(ctx, websocket.MessageBinary, msg) })
		})
	}
	b.Run("read/raw/16B", func(b *testing.B) {
		near := tcpPairs(b, conns, drainTCP)
		msg := make([]byte, 16)
		measureReaders(b, conns, func(i int) error { return rawWrite(near[i%conns], msg) })
	})
	b.Run("read/websocket/16B", func(b *testing.B) {
		server, client := wsPairs(b, conns)
		for _, c := range server {
			go drainWS(c)
		}
		msg := make([]byte, 16)
		ctx := context.Background()
		measureReaders(b, conns, func(i int) error { return client[i%conns].Write(ctx, websocket.MessageBinary, msg) })
	})
}

// measureWriter runs send b.N times on one locked thread and reports that thread's CPU per call.
func measureWriter(b *testing.B, conns int, send func(i int) error) {
	thread, _ := sendAll(b, conns, send)
	n := float64(b.N)
	b.ReportMetric(float64(thread.user+thread.sys)/n, "cpu-ns/msg")
	b.ReportMetric(float64(thread.sys)/n, "sys-ns/msg")
}

// measureReaders runs send b.N times on one locked thread and reports the rest of the process's
// CPU per call: what reading the messages cost.
func measureReaders(b *testing.B, conns int, send func(i int) error) {
	thread, start := sendAll(b, conns, send)
	time.Sleep(50 * time.Millisecond) // the last messages read
	_, end := cpu(b)
	user, sys := end.user-start.user-thread.user, end.sys-start.sys-thread.sys
	n := float64(b.N)
	b.ReportMetric(float64(user+sys)/n, "cpu-ns/msg")
	b.ReportMetric(float64(sys)/n, "sys-ns/msg")
}

// sendAll calls send once per connection to warm them up, then b.N times on a locked thread; it
// returns the CPU that thread used, and the process's CPU times at the start.
func sendAll(b *testing.B, conns int, send func(i int) error) (thread, processStart cpuTimes) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i := range conns {
		if err := send(i); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond) // the warm-up read
	before, processStart := cpu(b)
	b.ResetTimer()
	for i := range b.N {
		if err := send(i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	after, _ := cpu(b)
	return cpuTimes{after.user - before.user, after.sys - before.sys}, processStart
}

type cpuTimes struct{ user, sys time.Duration }

// cpu returns the calling thread's and the process's CPU times.
func cpu(b *testing.B) (thread, process cpuTimes) {
	const rusageThread = 1 // RUSAGE_THREAD
	var t, p syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &t); err != nil {
		b.Fatal(err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &p); err != nil {
		b.Fatal(err)
	}
	return cpuTimes{time.Duration(t.Utime.Nano()), time.Duration(t.Stime.Nano())},
		cpuTimes{time.Duration(p.Utime.Nano()), time.Duration(p.Stime.Nano())}
}

// rawWrite writes msg with one write system call, waiting in the poller only if the socket is full.
func rawWrite(rc syscall.RawConn, msg []byte) error {
	var werr error
	err := rc.Write(func(fd uintptr) bool {
		_, werr = syscall.Write(int(fd), msg)
		return !errors.Is(werr, syscall.EAGAIN)
	})
	if err != nil {
		return err
	}
	return werr
}

func drainTCP(c net.Conn) { io.Copy(io.Discard, c) }

func drainWS(c *websocket.Conn) {
	for {
		_, r, err := c.Reader(context.Background())
		if err != nil {
			return
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return
		}
	}
}

// tcpPairs opens n loopback TCP connections, runs far on each far (accepted) end in its own
// goroutine, and returns the near ends.
func tcpPairs(b *testing.B, n int, far func(net.Conn)) []syscall.RawConn {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	near := make([]syscall.RawConn, n)
	for i := range near {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Close() })
		if near[i], err = c.(*net.TCPConn).SyscallConn(); err != nil {
			b.Fatal(err)
		}
		f, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		go far(f)
	}
	return near
}

// wsPairs opens n loopback WebSocket connections and returns their server ends (as the gateway
// holds them) and their client ends.
func wsPairs(b *testing.B, n int) (server, client []*websocket.Conn) {
	accepted := make(chan *websocket.Conn)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		accepted <- c
		<-done
	}))
	b.Cleanup(func() { close(done); srv.Close() })
	server, client = make([]*websocket.Conn, n), make([]*websocket.Conn, n)
	for i := range server {
		c, _, err := websocket.Dial(context.Background(), "ws"+srv.URL[len("http"):], nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.CloseNow() })
		client[i], server[i] = c, <-accepted
	}
	return server, client
}
