package gateway

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Config.NetSim makes each connection suffer a simulated bad network (see shared/netsim), so that
// netcode can be tried on loopback. With it off none of this runs: conn.sim and outbox.sim stay nil,
// which the hooks in gateway.go and outbox.go check, so there is no goroutine, queue or copy.
//
// With it on, each connection has two netsim.Lines:
//
//   - Server to client: the outbox's Send and SendSnapshot hand frames to hold, which schedules
//     them on the outbound line; one goroutine (deliver) hands each to the outbox at its time. The
//     room sends exactly snapshots and deltas through SendSnapshot, so those are the droppable
//     frames; everything else (welcome, roster, pong, game messages) is reliable. Closing is not
//     delayed: the writer writes what the outbox holds, then its bye and the close, and frames
//     still on the line are discarded, as a connection that closes under them would lose them.
//   - Client to server: after the hello (which is not delayed, so joining takes half an RTT less
//     than on a real network), a pump goroutine reads the socket and schedules each frame on the
//     inbound line; the read loop takes them (next) at their time, in order, and handles them as
//     it always does. The rate limit therefore sees frames as the simulated network delivers them,
//     bunched behind a late one, as it would on a real network. Pings are delayed too, so the RTT
//     a client measures includes the simulated one. The server's own WebSocket heartbeat is not:
//     its control frames are answered inside the socket library.
//
// Both queues are bounded. Outbound holds at most netsimHeld frames: past it a snapshot is
// dropped, and a reliable frame closes the connection with 4010 as the outbox does when its queue
// is full. Inbound holds at most what a client within the rate limit can send over the line's
// longest delay (netsimInLimit): past it the client is sending faster than it may, and is closed
// with 1008 as the rate limit would. Both goroutines end when the connection does, and serve waits
// for them. Snapshots the simulation loses never reach the outbox, so the Observer does not count
// them as dropped: that count is for clients too slow to keep up.
//
// One thing differs from a real network: reliable frames held back behind a lost one reach the
// outbox all at once, where a real server would have written them to the kernel as they came. More
// than Config.SendQueue of them (64 by default) close the client with 4010, so a game sending a
// message every tick at 60 Hz needs a larger SendQueue to be tried at RTTs of a second or more.

// netsimHeld is the most frames the outbound line holds for one connection: a snapshot and a
// reliable frame every tick at 60 Hz over 8 s of delay, far beyond any useful profile.
const netsimHeld = 1024

// netsimSeeds numbers connections so that each line has its own randomness (the same from run to
// run for connections made in the same order).
var netsimSeeds atomic.Uint64

// netSim is Config.NetSim on one connection.
type netSim struct {
	c *conn

	// Outbound: the room's goroutine and the read loop (pongs) hold; deliver hands over.
	mu      sync.Mutex
	out     *netsim.Line
	held    fifo[heldFrame]
	stopped bool // the connection is gone: frames held from now on are freed at once
	wake    chan struct{}

	// Inbound: the pump schedules; next, on the serving goroutine, takes.
	inMu    sync.Mutex
	in      *netsim.Line
	arrived fifo[arrival]
	inErr   error // why the pump stopped; next returns it after the frames before it
	inLimit int
	inWake  chan struct{}
	pumped  chan struct{} // closed when the pump has returned; nil until next starts it
	timer   *time.Timer   // next's alone

	wg sync.WaitGroup
}

type heldFrame struct {
	at       time.Time
	frame    []byte
	snapshot bool
}

type arrival struct {
	at time.Time
	f  wire.Frame
}

func newNetSim(c *conn, p netsim.Profile, seed uint64) *netSim {
	return &netSim{
		c:       c,
		out:     netsim.NewLine(p, 2*seed),
		in:      netsim.NewLine(p, 2*seed+1),
		inLimit: netsimInLimit(p, c.g.cfg.MessageRate, c.g.cfg.MessageBurst),
		wake:    make(chan struct{}, 1),
		inWake:  make(chan struct{}, 1),
	}
}

// netsimInLimit is how many frames the inbound line may hold: a client within the rate limit sends
// at most burst + rate × d frames in any d, and none stays longer than the line's longest delay.
// The burst is doubled for slack, as the limit is checked when frames leave the line, not as they
// arrive.
func netsimInLimit(p netsim.Profile, rate, burst float64) int {
	longest := p.RTT/2 + p.Jitter - p.Jitter/2
	if p.Loss > 0 {
		longest += p.RTT // a lost reliable frame is retransmitted an RTT later
	}
	return int(2*burst+rate*longest.Seconds()) + 1
}

// startNetSim turns Config.NetSim on for c, before anything is sent to it, and returns a function
// that waits for its goroutines, which end once the writer has closed the socket.
func (c *conn) startNetSim() (wait func()) {
	s := newNetSim(c, c.g.cfg.NetSim, netsimSeeds.Add(1))
	c.sim, c.out.sim = s, s
	s.wg.Add(1)
	go s.deliver()
	return s.wg.Wait
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// hold schedules a frame the outbox was given. It never blocks: the room calls it.
func (s *netSim) hold(frame []byte, snapshot bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		bufpool.Put(frame)
		return
	}
	if s.held.len() >= netsimHeld {
		bufpool.Put(frame)
		if !snapshot {
			s.c.out.Close(wire.CloseSlowClient, "too slow: frames piled up in the simulated network (-netsim)")
		}
		return
	}
	at, lost := s.out.Schedule(time.Now(), snapshot)
	if lost {
		bufpool.Put(frame)
		return
	}
	s.held.push(heldFrame{at, frame, snapshot})
	notify(s.wake)
}

// deliver hands each held frame to the outbox at its time, until the socket is closed.
func (s *netSim) deliver() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var due []heldFrame
	for {
		now := time.Now()
		s.mu.Lock()
		for h, ok := s.held.peek(); ok && !h.at.After(now); h, ok = s.held.peek() {
			due = append(due, s.held.pop())
		}
		if h, ok := s.held.peek(); ok {
			timer.Reset(h.at.Sub(now))
		}
		s.mu.Unlock()

		// Frames fall due together when a late one held them back. Of the snapshots among them only
		// the newest is handed over: the outbox would replace the others before the writer took
		// them, and count them as dropped for a slow client, which this one is not.
		newest := -1
		for i, h := range due {
			if h.snapshot {
				newest = i
			}
		}
		for i, h := range due {
			switch {
			case !h.snapshot:
				s.c.out.send(h.frame)
			case i == newest:
				s.c.out.sendSnapshot(h.frame)
			default:
				bufpool.Put(h.frame)
			}
			due[i] = heldFrame{}
		}
		due = due[:0]

		select {
		case <-s.wake:
		case <-timer.C:
		case <-s.c.done:
			s.mu.Lock()
			s.stopped = true
			for s.held.len() > 0 {
				bufpool.Put(s.held.pop().frame)
			}
			s.mu.Unlock()
			timer.Stop()
			return
		}
	}
}

// next returns the next frame the client sent: with Config.NetSim, when the simulated network
// delivers it; else straight from the socket.
func (c *conn) next(ctx context.Context) (wire.Frame, error) {
	if c.sim == nil {
		return c.read(ctx)
	}
	return c.sim.next(ctx)
}

func (s *netSim) next(ctx context.Context) (wire.Frame, error) {
	if s.pumped == nil { // the first call, after the hello: from here on the pump reads the socket
		s.pumped = make(chan struct{})
		s.timer = time.NewTimer(time.Hour)
		s.timer.Stop()
		s.wg.Add(1)
		go s.pump(ctx)
	}
	for {
		s.inMu.Lock()
		if a, ok := s.arrived.peek(); ok {
			wait := time.Until(a.at)
			if wait <= 0 {
				s.arrived.pop()
				s.inMu.Unlock()
				return a.f, nil
			}
			s.timer.Reset(wait)
		} else if s.inErr != nil {
			err := s.inErr
			s.inMu.Unlock()
			return wire.Frame{}, err
		}
		s.inMu.Unlock()
		select {
		case <-s.inWake:
		case <-s.timer.C:
		case <-s.c.done:
			// The writer closed the socket: as without the simulation, reading ends now, and the
			// frames still on the line are lost with the connection.
			<-s.pumped
			s.timer.Stop()
			s.inMu.Lock()
			defer s.inMu.Unlock()
			return wire.Frame{}, s.inErr
		}
	}
}

// pump reads the socket and schedules each frame on the inbound line, until reading fails. c.read
// reuses one buffer for every frame, so each frame queued gets a copy of its bytes.
func (s *netSim) pump(ctx context.Context) {
	defer s.wg.Done()
	defer close(s.pumped)
	for {
		f, err := s.c.read(ctx)
		s.inMu.Lock()
		if err == nil && s.arrived.len() >= s.inLimit {
			err = wire.Closef(wire.ClosePolicy, "too many messages: more than %d held by the simulated network (-netsim)", s.inLimit)
		}
		if err != nil {
			s.inErr = err
		} else {
			f.Body = append([]byte(nil), f.Body...)
			at, _ := s.in.Schedule(time.Now(), false)
			s.arrived.push(arrival{at, f})
		}
		s.inMu.Unlock()
		notify(s.inWake)
		if err != nil {
			return
		}
	}
}

// fifo is a queue that reuses its array. A busy line is seldom empty, so popping by reslicing alone
// would keep reallocating; this moves the live part down once the popped part is half the array.
type fifo[T any] struct {
	buf  []T
	head int
}

func (q *fifo[T]) len() int { return len(q.buf) - q.head }

func (q *fifo[T]) push(v T) {
	if len(q.buf) == cap(q.buf) && q.head >= len(q.buf)/2 && q.head > 0 {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
	q.buf = append(q.buf, v)
}

func (q *fifo[T]) peek() (T, bool) {
	if q.head == len(q.buf) {
		var zero T
		return zero, false
	}
	return q.buf[q.head], true
}

func (q *fifo[T]) pop() T {
	v := q.buf[q.head]
	var zero T
	q.buf[q.head] = zero
	if q.head++; q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
	}
	return v
}
