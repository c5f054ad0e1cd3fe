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
type outbox struct {
	limit int
	obs   Observer
	wake  chan struct{} // capacity 1: something to write, or a close
	mu    sync.Mutex

	queue    [][]byte
	snapshot []byte
	close    *closeReq

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
	o.mu.Lock()
	defer o.mu.Unlock()
	frames = append(frames, o.queue...)
	clear(o.queue)
	o.queue = o.queue[:0]
	if o.snapshot != nil {
		frames = append(frames, o.snapshot)
		o.snapshot = nil
		o.behindSince = time.Time{} // the writer keeps up again
	}
	return frames, o.close
}
