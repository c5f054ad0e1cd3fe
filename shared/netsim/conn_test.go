package netsim

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// pipe is an in-memory FrameConn: the test plays the peer, sending on in and reading what the Conn
// wrote from out, each with the time it was written.
type pipe struct {
	in     chan []byte
	out    chan arrived
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	failNext error // the next write fails with it
}

type arrived struct {
	at    time.Time
	frame []byte
}

func newPipe() *pipe {
	return &pipe{in: make(chan []byte, 1024), out: make(chan arrived, 1024), closed: make(chan struct{})}
}

func (p *pipe) ReadFrame(ctx context.Context) ([]byte, error) {
	select {
	case f := <-p.in:
		return f, nil
	case <-p.closed:
		return nil, io.EOF
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *pipe) WriteFrame(_ context.Context, frame []byte) error {
	p.mu.Lock()
	err := p.failNext
	p.mu.Unlock()
	select {
	case <-p.closed:
		return io.ErrClosedPipe
	default:
	}
	if err != nil {
		return err
	}
	p.out <- arrived{time.Now(), append([]byte(nil), frame...)}
	return nil
}

func (p *pipe) close() { p.once.Do(func() { close(p.closed) }) }

// frame returns a frame with op and a one-byte body n (not a valid body: the Conn never decodes).
func frame(op wire.Op, n int) []byte { return []byte{0x92, byte(op), byte(n)} }

func wrap(t *testing.T, p Profile, maxHeld int) (*Conn, *pipe) {
	t.Helper()
	fc := newPipe()
	c := Wrap(fc, Config{Profile: p, Seed: 3, MaxIn: maxHeld, MaxOut: maxHeld})
	t.Cleanup(func() {
		c.Close()
		fc.close()
		c.Wait()
	})
	return c, fc
}

func TestDroppable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		frame []byte
		want  bool
	}{
		{"snapshot", frame(wire.OpSnapshot, 1), true},
		{"delta", frame(wire.OpDelta, 1), true},
		{"input", frame(wire.OpInput, 1), false},
		{"pong", frame(wire.OpPong, 1), false},
		{"game op", []byte{0x92, 0x40, 0xc0}, false},
		{"op past 0x7f", []byte{0x92, 0xcc, byte(wire.OpSnapshot), 0xc0}, false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Droppable(tt.frame); got != tt.want {
				t.Errorf("Droppable(% x) = %v, want %v", tt.frame, got, tt.want)
			}
		})
	}
}

// TestConnDelaysBothWays writes and reads reliable frames through a line with latency and jitter:
// each arrives no sooner than the shortest one-way delay, none later than the longest (plus slack
// for a busy machine), and in order.
func TestConnDelaysBothWays(t *testing.T) {
	t.Parallel()
	p := Profile{RTT: 80 * time.Millisecond, Jitter: 20 * time.Millisecond}
	least, most := p.RTT/2-p.Jitter/2, p.RTT/2+p.Jitter/2+time.Second
	const n = 20
	c, fc := wrap(t, p, 0)

	sent := make([]time.Time, n)
	for i := range n {
		sent[i] = time.Now()
		if err := c.WriteFrame(t.Context(), frame(wire.OpPing, i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	for i := range n {
		a := <-fc.out
		if a.frame[2] != byte(i) {
			t.Fatalf("wrote frame %d where %d was due: out of order", a.frame[2], i)
		}
		if d := a.at.Sub(sent[i]); d < least || d > most {
			t.Errorf("out: frame %d took %v, want %v to %v", i, d, least, most)
		}
	}

	start := time.Now()
	for i := range n {
		fc.in <- frame(wire.OpInput, i)
	}
	for i := range n {
		f, err := c.ReadFrame(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if f[2] != byte(i) {
			t.Fatalf("read frame %d where %d was due: out of order", f[2], i)
		}
		if d := time.Since(start); d < least || (i == 0 && d > most) {
			t.Errorf("in: frame %d after %v, want %v to %v", i, d, least, most)
		}
	}
}

// TestConnLosesOnlyDroppableFrames sends snapshots and pongs alternately through a lossy line:
// every pong arrives, in order among the rest, and some snapshots do not.
func TestConnLosesOnlyDroppableFrames(t *testing.T) {
	t.Parallel()
	const n = 200
	c, fc := wrap(t, Profile{RTT: 4 * time.Millisecond, Loss: 0.3}, 0)
	for i := range n {
		op := wire.OpPong
		if i%2 == 0 {
			op = wire.OpSnapshot
		}
		if err := c.WriteFrame(t.Context(), frame(op, i)); err != nil {
			t.Fatal(err)
		}
	}
	last, pongs, snapshots := -1, 0, 0
	for pongs < n/2 {
		select {
		case a := <-fc.out:
			if int(a.frame[2]) <= last {
				t.Fatalf("frame %d after %d: out of order", a.frame[2], last)
			}
			last = int(a.frame[2])
			if Droppable(a.frame) {
				snapshots++
			} else {
				pongs++
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("after 5 s: %d of %d pongs: a reliable frame was lost", pongs, n/2)
		}
	}
	if snapshots == n/2 || snapshots < n/4 {
		t.Errorf("%d of %d snapshots arrived at 30%% loss", snapshots, n/2)
	}
}

// TestConnBounds fills each direction past its bound: a droppable frame is dropped, a reliable
// one refused with ErrFull, on the way in after the frames before it.
func TestConnBounds(t *testing.T) {
	t.Parallel()
	const held = 4
	t.Run("out", func(t *testing.T) {
		t.Parallel()
		c, _ := wrap(t, Profile{RTT: 10 * time.Second}, held) // nothing falls due
		for i := range held {
			if err := c.WriteFrame(t.Context(), frame(wire.OpRoster, i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.WriteFrame(t.Context(), frame(wire.OpSnapshot, held)); err != nil {
			t.Errorf("a snapshot past the bound: %v, want it dropped", err)
		}
		if err := c.WriteFrame(t.Context(), frame(wire.OpRoster, held)); !errors.Is(err, ErrFull) {
			t.Errorf("a reliable frame past the bound: %v, want ErrFull", err)
		}
	})
	t.Run("in", func(t *testing.T) {
		t.Parallel()
		c, fc := wrap(t, Profile{RTT: 20 * time.Millisecond}, held)
		for i := range held {
			fc.in <- frame(wire.OpInput, i)
		}
		fc.in <- frame(wire.OpSnapshot, held) // dropped: the line is full
		fc.in <- frame(wire.OpInput, held+1)  // refused
		for i := range held {
			f, err := c.ReadFrame(t.Context())
			if err != nil || f[2] != byte(i) {
				t.Fatalf("read %v, %v; want frame %d", f, err, i)
			}
		}
		if f, err := c.ReadFrame(t.Context()); !errors.Is(err, ErrFull) {
			t.Errorf("past the bound: read %v, %v; want ErrFull", f, err)
		}
	})
}

// TestConnClose checks that Close loses what is on the line, that nothing is written after it, and
// that ReadFrame then returns the connection's own error once it is closed.
func TestConnClose(t *testing.T) {
	t.Parallel()
	fc := newPipe()
	c := Wrap(fc, Config{Profile: Profile{RTT: 100 * time.Millisecond}})
	fc.in <- frame(wire.OpInput, 1)
	read := make(chan error, 1)
	go func() {
		_, err := c.ReadFrame(context.Background())
		read <- err
	}()
	if err := c.WriteFrame(t.Context(), frame(wire.OpRoster, 1)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // the input is on the inbound line
	c.Close()
	if err := c.WriteFrame(t.Context(), frame(wire.OpRoster, 2)); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	fc.close()
	if err := <-read; err != io.EOF {
		t.Errorf("read after Close: %v, want the connection's io.EOF", err)
	}
	c.Wait()
	select {
	case a := <-fc.out:
		t.Errorf("frame % x written after Close", a.frame)
	case <-time.After(100 * time.Millisecond):
	}

	// A Conn closed before it ever read has no read of the connection to wait for.
	unread := Wrap(newPipe(), Config{})
	unread.Close()
	if _, err := unread.ReadFrame(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("first read after Close: %v, want ErrClosed", err)
	}
	unread.Wait()
}

// TestConnWriteErrorSticks checks that once a write to the connection fails, WriteFrame says so.
func TestConnWriteErrorSticks(t *testing.T) {
	t.Parallel()
	c, fc := wrap(t, Profile{RTT: 2 * time.Millisecond}, 0)
	broken := errors.New("broken pipe")
	fc.mu.Lock()
	fc.failNext = broken
	fc.mu.Unlock()
	if err := c.WriteFrame(t.Context(), frame(wire.OpPong, 1)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := c.WriteFrame(t.Context(), frame(wire.OpPong, 2))
		if errors.Is(err, broken) {
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("write after a failed one: %v, want %v", err, broken)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestFifo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lag  int // how many values stay queued while pushing
	}{
		{"drained each time", 0},
		{"never empty", 5},
		{"deep", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var q fifo[int]
			next := 0
			for i := range 1000 {
				q.push(i)
				for q.len() > tt.lag {
					if v := q.pop(); v != next {
						t.Fatalf("popped %d, want %d", v, next)
					}
					next++
				}
			}
			if v, ok := q.peek(); q.len() != tt.lag || (tt.lag > 0 && (!ok || v != next)) {
				t.Errorf("left %d, head %d %v; want %d, head %d", q.len(), v, ok, tt.lag, next)
			}
			if cap(q.buf) > 4*(tt.lag+1) {
				t.Errorf("array of %d for %d queued: popped space is not reused", cap(q.buf), tt.lag)
			}
			q.clear()
			if _, ok := q.peek(); ok || q.len() != 0 {
				t.Errorf("after clear: %d left", q.len())
			}
		})
	}
}
