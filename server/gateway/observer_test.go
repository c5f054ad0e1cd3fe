package gateway

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

// recordingObserver records what a gateway reports, from many goroutines.
type recordingObserver struct {
	mu       sync.Mutex
	states   map[ConnState]int // connections in each state, as a gauge would count them
	moves    []string
	in, out  map[wire.Op]int
	bytesIn  int
	bytesOut int
	dropped  int
	closed   []wire.CloseCode
	failed   int
	timedOut int // of the failed writes
}

func newRecordingObserver() *recordingObserver {
	return &recordingObserver{states: map[ConnState]int{}, in: map[wire.Op]int{}, out: map[wire.Op]int{}}
}

func (o *recordingObserver) ConnState(from, to ConnState) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.states[from]--
	o.states[to]++
	o.moves = append(o.moves, from.String()+">"+to.String())
}

func (o *recordingObserver) FrameIn(op wire.Op, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.in[op]++
	o.bytesIn += n
}

func (o *recordingObserver) FrameOut(op wire.Op, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.out[op]++
	o.bytesOut += n
}

func (o *recordingObserver) SnapshotDropped() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropped++
}

func (o *recordingObserver) Closed(code wire.CloseCode) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = append(o.closed, code)
}

func (o *recordingObserver) WriteFailed(timedOut bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed++
	if timedOut {
		o.timedOut++
	}
}

func (o *recordingObserver) locked(fn func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fn()
}

func TestObserverSeesStatesFramesAndCloses(t *testing.T) {
	t.Parallel()
	obs := newRecordingObserver()
	srv := startServer(t, Config{Observer: obs})

	c := srv.dial(t)
	c.join("obs", "ann")
	var in int8 = 1
	input, _ := wire.EncodeInput(nil, testgame.Game{}, wire.InputHeader{Seq: 1}, &in)
	c.sendRaw(websocket.MessageBinary, input)
	c.send(&wire.Ping{ClientTime: 7})
	for {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.Op == wire.OpPong {
			break
		}
	}
	obs.locked(func() {
		if obs.states[ConnPlaying] != 1 || obs.states[ConnHandshake] != 0 {
			t.Errorf("while playing: states %v", obs.states)
		}
		for _, op := range []wire.Op{wire.OpHello, wire.OpInput, wire.OpPing} {
			if obs.in[op] != 1 {
				t.Errorf("frames in: %v, want one each of hello, input, ping", obs.in)
			}
		}
		if obs.bytesIn <= len(input) {
			t.Errorf("%d bytes in for a hello, an input of %d bytes and a ping", obs.bytesIn, len(input))
		}
	})
	// Everything written reached the client before the pong, so the counts are complete for these ops.
	waitUntil(t, func() bool {
		var ok bool
		obs.locked(func() {
			ok = obs.out[wire.OpWelcome] == 1 && obs.out[wire.OpRoster] >= 1 && obs.out[wire.OpSnapshot] >= 1 && obs.out[wire.OpPong] == 1
		})
		return ok
	})
	obs.locked(func() {
		if obs.out[wire.OpWelcome] != 1 || obs.out[wire.OpPong] != 1 || obs.out[wire.OpSnapshot] == 0 || obs.bytesOut == 0 {
			t.Errorf("frames out %v (%d bytes), want a welcome, a roster, snapshots and a pong", obs.out, obs.bytesOut)
		}
	})

	// A malformed frame from a second client is closed with 4001 and counted.
	bad := srv.dial(t)
	bad.sendRaw(websocket.MessageBinary, []byte{0x92, 0x01, 0xc1})
	bad.closedWith()
	_ = c.ws.Close(websocket.StatusNormalClosure, "bye")

	waitUntil(t, func() bool {
		var n int
		obs.locked(func() { n = len(obs.closed) })
		return n == 2
	})
	obs.locked(func() {
		slices.Sort(obs.closed)
		if !slices.Equal(obs.closed, []wire.CloseCode{wire.CloseNormal, wire.CloseMalformed}) {
			t.Errorf("closes %v, want 1000 (the player left) and 4001", obs.closed)
		}
	})
	waitUntil(t, func() bool {
		var n int
		obs.locked(func() { n = obs.states[ConnNone] })
		return n == 0
	})
	obs.locked(func() {
		if obs.states[ConnNone] != 0 || obs.states[ConnHandshake] != 0 || obs.states[ConnPlaying] != 0 {
			t.Errorf("after both ended: states %v, moves %v; want every count back at 0", obs.states, obs.moves)
		}
		if !slices.Contains(obs.moves, "handshake>playing") || !slices.Contains(obs.moves, "handshake>none") {
			t.Errorf("moves %v: want a seated connection and one refused during the handshake", obs.moves)
		}
	})
}

func TestOutboxReportsReplacedSnapshots(t *testing.T) {
	t.Parallel()
	obs := newRecordingObserver()
	o := newOutbox(4, obs)
	o.SendSnapshot([]byte{0x92, 0x04, 0x90})
	o.SendSnapshot([]byte{0x92, 0x04, 0x90}) // replaces the first, never written
	frames, _ := o.take(nil)
	o.SendSnapshot([]byte{0x92, 0x04, 0x90}) // the previous one was taken: nothing replaced
	if len(frames) != 1 || obs.dropped != 1 {
		t.Errorf("took %d frames, observer saw %d drops; want 1, 1", len(frames), obs.dropped)
	}
}

func TestFrameOp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		frame []byte
		want  wire.Op
	}{
		{"toolkit op", []byte{0x92, 0x04, 0x90}, wire.OpSnapshot},
		{"game op", []byte{0x92, 0xcc, 0xc8, 0x90}, 200},
		{"too short", []byte{0x92}, 0},
		{"truncated game op", []byte{0x92, 0xcc}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := frameOp(tt.frame); got != tt.want {
				t.Errorf("frameOp(% x) = %d, want %d", tt.frame, got, tt.want)
			}
		})
	}
	// Every frame the encoder writes has its op where frameOp looks.
	for _, m := range []wire.Message{&wire.Welcome{}, &wire.Pong{}, &wire.Bye{Code: 4005}} {
		b, _ := wire.Encode(nil, m)
		if frameOp(b) != m.Op() {
			t.Errorf("frameOp of an encoded %s = %d", m.Op(), frameOp(b))
		}
	}
}
