package gateway

import (
	"fmt"
	"sync"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/wire"
)

// outbox holds what a room has sent to one client and the connection's writer has not yet written.
// Its methods never block. Reliable frames queue in order, up to a limit; past it the client is too
// slow and is closed. Only the newest snapshot is kept: an unwritten snapshot is replaced by the next.
//
// A frame that can go out at once does not wait for the writer: when nothing is queued, nothing is
// being written and the socket has no bytes waiting (sock.go), Send and SendSnapshot write it on the
// caller's goroutine (a room's, or the reader's for a pong) through direct, which never waits. A
// room so writes its players' snapshots in turn with no goroutine woken; the writer wakes only for
// a client that is behind (its socket's buffer full, or frames queued) and for closes.
type outbox struct {
	limit int
	obs   Observer
	wake  chan struct{} // capacity 1: something to write, or a close
	mu    sync.Mutex

	queue    [][]byte
	snapshot []byte
	close    *closeReq

	// direct writes a frame on the caller's goroutine without waiting (conn.writeNow) and takes
	// ownership of it; pending reports whether the socket holds bytes it refused, which the writer
	// must write out first. Both nil (tests, Config.NetSim, a connection without a file descriptor):
	// every frame goes through the writer.
	direct  func(frame []byte) error
	pending func() bool
	busy    bool  // a frame is being written, directly or by the writer: the others queue meanwhile
	failed  error // a write failed: the writer ends the connection for it, and nothing is written directly again

	// A client whose snapshots keep being replaced before the writer takes them is behind; after
	// slowAfter of that (zero: never) it is closed with 4010.
	slowAfter   time.Duration
	behindSince time.Time
	now         func() time.Time // time.Now; tests replace it
}

type closeReq struct {
	code   wire.CloseCode
	reason string
	quiet  bool // the close answers the peer's: no bye is sent (see conn.finish)
	// redirect, when not nil, is the encoded wire.Redirect written just before the bye, straight to
	// the socket like the bye (never held back or lost by a simulated network).
	redirect *wire.Redirect
}

func newOutbox(limit int, obs Observer) *outbox {
	return &outbox{limit: limit, obs: obs, wake: make(chan struct{}, 1)}
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Send queues a frame that must arrive.
func (o *outbox) Send(frame []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.close != nil {
		bufpool.Put(frame)
		return
	}
	if o.writable() {
		o.writeNow(frame) // unlocks and locks mu
		return
	}
	if len(o.queue) >= o.limit {
		bufpool.Put(frame)
		o.close = &closeReq{code: wire.CloseSlowClient, reason: "too slow: messages piled up unread"}
	} else {
		o.queue = append(o.queue, frame)
	}
	o.signal()
}

// SendSnapshot keeps frame as the snapshot to write next, replacing any not yet written.
func (o *outbox) SendSnapshot(frame []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.close != nil {
		bufpool.Put(frame)
		return
	}
	if o.writable() {
		o.writeNow(frame)
		o.behindSince = time.Time{}
		return
	}
	if o.snapshot != nil {
		bufpool.Put(o.snapshot)
		o.obs.SnapshotDropped()
		if o.slowAfter > 0 {
			now := o.clock()
			if o.behindSince.IsZero() {
				o.behindSince = now
			} else if behind := now.Sub(o.behindSince); behind >= o.slowAfter {
				bufpool.Put(frame)
				o.snapshot = nil
				o.close = &closeReq{code: wire.CloseSlowClient, reason: fmt.Sprintf("too slow: no snapshot taken for %s", behind.Round(100*time.Millisecond))}
				o.signal()
				return
			}
		}
	}
	o.snapshot = frame
	o.signal()
}

// writable reports whether a frame may be written at once, on the caller's goroutine: nothing is
// waiting or being written before it. mu is held.
func (o *outbox) writable() bool {
	return o.direct != nil && !o.busy && o.failed == nil && o.close == nil && len(o.queue) == 0 && o.snapshot == nil && !o.pending()
}

// writeNow writes frame through direct, with mu released for the write (Send and SendSnapshot from
// other goroutines queue meanwhile, as o.busy says) and held again on return. Whatever arrived
// meanwhile, or whatever the socket could not take at once, is the writer's: it is woken for it.
func (o *outbox) writeNow(frame []byte) {
	o.busy = true
	o.mu.Unlock()
	err := o.direct(frame)
	o.mu.Lock()
	o.busy = false
	if err != nil && o.failed == nil {
		o.failed = err
	}
	if o.failed != nil || o.close != nil || len(o.queue) > 0 || o.snapshot != nil || o.pending() {
		o.signal()
	}
}

func (o *outbox) clock() time.Time {
	if o.now != nil {
		return o.now()
	}
	return time.Now()
}

// Close asks the writer to close the connection after what is queued, as ce says: a bye that
// repeats its code and reason (cut to what a close frame holds), then the close frame; when
// ce.Redirect is set, the redirect frame is written just before the bye (close code 4018). The
// first close asked for wins.
func (o *outbox) Close(ce *wire.CloseError) {
	o.closeWith(&closeReq{code: ce.Code, reason: wire.FitReason(ce.Reason), redirect: ce.Redirect})
}

// closeQuietly is Close without the bye, for a close that answers the peer's own.
func (o *outbox) closeQuietly(code wire.CloseCode, reason string) {
	o.closeWith(&closeReq{code: code, reason: wire.FitReason(reason), quiet: true})
}

func (o *outbox) closeWith(req *closeReq) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.close == nil {
		o.close = req
	}
	o.signal()
}

// take moves everything pending into frames (reliable ones first, then the snapshot) and reports a
// close request, if any.
func (o *outbox) take(frames [][]byte) ([][]byte, *closeReq) {
	frames, req, _ := o.takeTurn(frames)
	return frames, req
}

// takeTurn is take for the writer. With direct writes on, it takes nothing and reports !ok while a
// direct write is in progress (that write wakes the writer again when it is done); otherwise it
// leaves o.busy set until the writer calls release, so that nothing is written directly before
// what it took. After a failed write, it always takes.
func (o *outbox) takeTurn(frames [][]byte) (_ [][]byte, _ *closeReq, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.direct != nil {
		if o.busy && o.failed == nil {
			return frames, nil, false
		}
		o.busy = true
	}
	frames = append(frames, o.queue...)
	clear(o.queue)
	o.queue = o.queue[:0]
	if o.snapshot != nil {
		frames = append(frames, o.snapshot)
		o.snapshot = nil
		o.behindSince = time.Time{} // the writer keeps up again
	}
	return frames, o.close, true
}

// release ends the writer's turn that take began: frames may be written directly again, unless
// something arrived meanwhile, which wakes the writer once more.
func (o *outbox) release() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.busy = false
	if o.failed != nil || o.close != nil || len(o.queue) > 0 || o.snapshot != nil || (o.pending != nil && o.pending()) {
		o.signal()
	}
}

// fail records that writing to the connection failed with err: nothing is written directly again.
func (o *outbox) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failed == nil {
		o.failed = err
	}
}

// writeFailed reports the error a direct write failed with, if one did.
func (o *outbox) writeFailed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.failed
}
