package netsim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// FrameConn is a connection that carries whole frames, such as a WebSocket connection behind a
// small adapter. ReadFrame is called by one goroutine at a time, and so is WriteFrame.
type FrameConn interface {
	// ReadFrame returns the next frame. It may reuse the frame's bytes on the next call.
	ReadFrame(ctx context.Context) ([]byte, error)
	// WriteFrame writes one frame. It keeps no reference to frame after it returns, and bounds its
	// own time: Conn calls it with a context that is never cancelled.
	WriteFrame(ctx context.Context, frame []byte) error
}

var (
	// ErrFull reports that a direction holds as many frames as Config allows and one more reliable
	// frame came: the sender is faster than the simulated network lets frames leave.
	ErrFull = errors.New("netsim: too many frames held by the simulated network")
	// ErrClosed is what WriteFrame returns after Close, and ReadFrame after Close if it never read.
	ErrClosed = errors.New("netsim: closed")
)

// DefaultHeld is the default bound on the frames held each way: a snapshot and a reliable frame
// every tick at 60 Hz over 8 s of delay, far beyond any useful profile.
const DefaultHeld = 1024

// Config says how [Wrap] simulates a network.
type Config struct {
	// Profile is the network simulated; both directions suffer it.
	Profile Profile
	// Seed makes the randomness repeatable; each direction has its own line, seeded from it.
	Seed uint64
	// MaxOut and MaxIn bound the frames held on the way out (WriteFrame) and in (ReadFrame). Past
	// the bound a droppable frame is dropped and a reliable one is refused with [ErrFull].
	// Defaults to DefaultHeld.
	MaxOut, MaxIn int
}

// Conn is a [FrameConn] behind a simulated network. Each direction has its own [Line] and queue:
// a frame written is held until its line says it arrives, then written to the connection by a
// goroutine of the Conn's; a frame read is read ahead by another goroutine and held until its line
// says it arrives. Droppable frames (see [Droppable]) that the line loses are gone; any other frame
// the line loses arrives an RTT late, holding back the frames behind it, as over TCP. Frames that
// fall due together (held back behind a late one) are written together, as TCP delivers them.
//
// Only this wrapper reads the clock. WriteFrame may be called from several goroutines; ReadFrame
// from one at a time.
type Conn struct {
	fc            FrameConn
	maxOut, maxIn int
	stop          chan struct{} // closed by Close: the writing goroutine ends, ReadFrame stops waiting
	delivered     chan struct{} // closed when the writing goroutine has returned
	pumped        chan struct{} // closed when the reading goroutine has returned; made when it starts
	outWake       chan struct{}
	inWake        chan struct{}
	timer         *time.Timer // ReadFrame's alone
	wg            sync.WaitGroup

	mu      sync.Mutex // guards what follows
	out, in *Line
	outQ    fifo[held]
	inQ     fifo[held]
	outErr  error // why writing to fc stopped: WriteFrame returns it from then on
	inErr   error // why reading fc stopped: ReadFrame returns it after the frames before it
	closed  bool
}

type held struct {
	at    time.Time
	frame []byte
}

// Wrap puts the network cfg describes between the caller and fc. It starts the goroutine that
// writes to fc; the first ReadFrame starts the one that reads it, so a frame read from fc directly
// before then (a hello) is not delayed. Close stops the simulation; Wait waits for both goroutines.
func Wrap(fc FrameConn, cfg Config) *Conn {
	if cfg.MaxOut <= 0 {
		cfg.MaxOut = DefaultHeld
	}
	if cfg.MaxIn <= 0 {
		cfg.MaxIn = DefaultHeld
	}
	c := &Conn{
		fc: fc, maxOut: cfg.MaxOut, maxIn: cfg.MaxIn,
		out:  NewLine(cfg.Profile, 2*cfg.Seed),
		in:   NewLine(cfg.Profile, 2*cfg.Seed+1),
		stop: make(chan struct{}), delivered: make(chan struct{}),
		outWake: make(chan struct{}, 1), inWake: make(chan struct{}, 1),
	}
	c.wg.Add(1)
	go c.deliver()
	return c
}

// Droppable reports whether a frame is one a lossy network may lose outright: a snapshot or a
// delta, which the next one supersedes. A frame is the msgpack array [op, body]; both ops are
// below 0x80, so they are the byte right after the array's header.
func Droppable(frame []byte) bool {
	return len(frame) >= 2 && (wire.Op(frame[1]) == wire.OpSnapshot || wire.Op(frame[1]) == wire.OpDelta)
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// WriteFrame schedules frame (a copy of it) on the outbound line and returns at once. It returns
// [ErrFull] (wrapped) for a reliable frame past Config.MaxOut, the error that stopped writing to
// the connection once one has, and [ErrClosed] after Close.
func (c *Conn) WriteFrame(_ context.Context, frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.outErr != nil:
		return c.outErr
	}
	droppable := Droppable(frame)
	if c.outQ.len() >= c.maxOut {
		if droppable {
			return nil
		}
		return fmt.Errorf("%w: more than %d on the way out", ErrFull, c.maxOut)
	}
	at, lost := c.out.Schedule(time.Now(), droppable)
	if lost {
		return nil
	}
	c.outQ.push(held{at, bytes.Clone(frame)})
	notify(c.outWake)
	return nil
}

// deliver writes each held frame to the connection at its time, until Close or a failed write.
func (c *Conn) deliver() {
	defer c.wg.Done()
	defer close(c.delivered)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var due []held
	for {
		now := time.Now()
		c.mu.Lock()
		for h, ok := c.outQ.peek(); ok && !h.at.After(now); h, ok = c.outQ.peek() {
			due = append(due, c.outQ.pop())
		}
		if h, ok := c.outQ.peek(); ok {
			timer.Reset(h.at.Sub(now))
		}
		c.mu.Unlock()
		for i, h := range due {
			if err := c.fc.WriteFrame(context.Background(), h.frame); err != nil {
				c.mu.Lock()
				c.outErr = err
				c.outQ.clear()
				c.mu.Unlock()
				return
			}
			due[i] = held{}
		}
		due = due[:0]
		select {
		case <-c.outWake:
		case <-timer.C:
		case <-c.stop:
			return
		}
	}
}

// ReadFrame returns the next frame read from the connection, when the inbound line delivers it.
// The frame is the caller's. Once reading the connection fails, ReadFrame returns that error after
// the frames before it; [ErrFull] (wrapped) means more than Config.MaxIn reliable frames came
// faster than the line let them through. After Close the frames still on the line are lost, and
// ReadFrame waits for reading the connection to fail (close the connection) and returns why. The
// connection is read with the first call's ctx.
func (c *Conn) ReadFrame(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	if c.pumped == nil {
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		c.pumped = make(chan struct{})
		c.timer = time.NewTimer(time.Hour)
		c.timer.Stop()
		c.wg.Add(1)
		go c.pump(ctx)
	}
	for {
		if c.closed {
			c.mu.Unlock()
			<-c.pumped
			c.mu.Lock()
			defer c.mu.Unlock()
			return nil, c.inErr
		}
		if h, ok := c.inQ.peek(); ok {
			wait := time.Until(h.at)
			if wait <= 0 {
				c.inQ.pop()
				c.mu.Unlock()
				return h.frame, nil
			}
			c.timer.Reset(wait)
		} else if c.inErr != nil {
			err := c.inErr
			c.mu.Unlock()
			return nil, err
		}
		c.mu.Unlock()
		select {
		case <-c.inWake:
		case <-c.timer.C:
		case <-c.stop:
		case <-ctx.Done():
			c.timer.Stop()
			return nil, ctx.Err()
		}
		c.mu.Lock()
	}
}

// pump reads the connection and schedules each frame (a copy: the connection may reuse its bytes)
// on the inbound line, until reading fails or too many reliable frames are held.
func (c *Conn) pump(ctx context.Context) {
	defer c.wg.Done()
	defer close(c.pumped)
	for {
		frame, err := c.fc.ReadFrame(ctx)
		c.mu.Lock()
		droppable := err == nil && Droppable(frame)
		full := err == nil && c.inQ.len() >= c.maxIn
		if full && !droppable {
			err = fmt.Errorf("%w: more than %d on the way in", ErrFull, c.maxIn)
		}
		if err != nil {
			c.inErr = err
			c.mu.Unlock()
			notify(c.inWake)
			return
		}
		if !c.closed && !full {
			if at, lost := c.in.Schedule(time.Now(), droppable); !lost {
				c.inQ.push(held{at, bytes.Clone(frame)})
			}
		}
		c.mu.Unlock()
		notify(c.inWake)
	}
}

// Close stops the simulation: the frames still on the line, both ways, are lost, as on a
// connection that closes under them. WriteFrame returns [ErrClosed] from then on. Close waits for
// a write to the connection in progress, so nothing is written after it returns; it does not close
// the connection, and the goroutine reading it ends only when its read fails. Close may be called
// more than once.
func (c *Conn) Close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		c.outQ.clear()
		c.inQ.clear()
		close(c.stop)
	}
	c.mu.Unlock()
	<-c.delivered
}

// Wait waits for the Conn's goroutines to end: call it after Close and after closing the
// connection.
func (c *Conn) Wait() { c.wg.Wait() }
