package netcode

import (
	"fmt"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// fakeLink is a connection on generated time: the test sets what it received, and reads what the
// driver sent.
type fakeLink struct {
	welcome   wire.Welcome
	welcomes  int
	connected bool
	rtt       time.Duration
	pongs     int
	snaps     []Snapshot
	sent      []wire.InputHeader
	messages  []int // the inputs in each SendInputs call
	graph     map[string]float64
}

func (l *fakeLink) Welcomed() (wire.Welcome, int, bool) { return l.welcome, l.welcomes, l.connected }
func (l *fakeLink) RoundTrip() (time.Duration, int)     { return l.rtt, l.pongs }
func (l *fakeLink) SendInputs(b []Outgoing[walkerInput]) {
	l.messages = append(l.messages, len(b))
	for _, o := range b {
		l.sent = append(l.sent, wire.InputHeader{Seq: o.Seq, Tick: o.Tick, Rewind: o.Rewind})
	}
}
func (l *fakeLink) SetGraph(name string, v float64) { l.graph[name] = v }
func (l *fakeLink) TakeSnapshots(dst []Snapshot) []Snapshot {
	dst = append(dst, l.snaps...)
	l.snaps = l.snaps[:0]
	return dst
}

// TestDriver plays a walker room on generated time through a fake link: nothing is sent before a
// snapshot and a round trip; then one input per tick, numbered from 1, for ticks ahead of the
// server's; the net graph's netcode series are set; a spectator sends nothing; the own entity is
// predicted ahead of the interpolated world only when the driver predicts; a welcome that resumes
// the seat carries the session over (its inputs numbered from 1 again), one as another player
// starts a new one.
func TestDriver(t *testing.T) {
	t.Parallel()
	const me = sim.PlayerID(1)
	for _, tc := range []struct {
		name      string
		predict   bool
		spectator bool
	}{
		{"predicting", true, false},
		{"interpolating only", false, false},
		{"spectator", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(7, me, 2)
			link := &fakeLink{welcome: wire.Welcome{Player: me, TickRate: 30, SnapshotRate: 30, Spectator: tc.spectator},
				welcomes: 1, connected: true, graph: map[string]float64{}}
			d := NewDriver[walkerState, walkerInput](walker{}, link, DriverConfig{Predict: tc.predict})
			start := time.Unix(1000, 0)
			push := walkerInput{DX: 127}
			tickAt := func(tick uint32) time.Time { return start.Add(time.Duration(tick) * time.Second / 30) }
			var now time.Time
			// Frames at 60 Hz for three seconds; the server steps at 30 Hz and its snapshots arrive
			// at once (a loopback), with the inputs sent so far.
			for f := range 180 {
				now = start.Add(time.Duration(f) * time.Second / 60)
				for tickAt(srv.tick+1).Compare(now) <= 0 {
					set := map[sim.PlayerID]walkerInput{}
					for _, h := range link.sent {
						if h.Tick == srv.tick+1 {
							set[me] = push
						}
					}
					srv.step(set)
					link.snaps = append(link.snaps, Snapshot{Tick: srv.tick, Entities: srv.entities(), At: tickAt(srv.tick)})
				}
				if f == 30 {
					link.rtt, link.pongs = time.Millisecond, 1
				}
				if err := d.Frame(now, push); err != nil {
					t.Fatal(err)
				}
				if f < 30 && len(link.sent) > 0 {
					t.Fatalf("frame %d: %d inputs sent before the first round trip", f, len(link.sent))
				}
			}
			if tc.spectator {
				if len(link.sent) != 0 || !d.Ready() {
					t.Fatalf("spectator: %d inputs sent, ready %v; want none, ready", len(link.sent), d.Ready())
				}
				return
			}
			if len(link.sent) < 60 {
				t.Fatalf("%d inputs sent over two seconds at 30 Hz", len(link.sent))
			}
			for i, h := range link.sent {
				if h.Seq != uint32(i+1) || (i > 0 && h.Tick != link.sent[i-1].Tick+1) {
					t.Fatalf("input %d: seq %d tick %d after %+v; want one per tick, numbered from 1", i, h.Seq, h.Tick, link.sent[max(i-1, 0)])
				}
			}
			if last := link.sent[len(link.sent)-1].Tick; last <= srv.tick {
				t.Errorf("the newest input is for tick %d, the server is at %d: inputs must lead", last, srv.tick)
			}
			if _, ok := link.graph[GraphDelay]; !ok {
				t.Errorf("net graph series set: %v; want delay and jitter", link.graph)
			}
			// The own walker, drawn: predicted ahead of the newest snapshot, or interpolated behind it.
			own, _ := find(d.Entities(), sim.EntityID(me))
			snap, _ := find(srv.entities(), sim.EntityID(me))
			ahead := own.Fields[fx] > snap.Fields[fx]
			if ahead != tc.predict {
				t.Errorf("own x drawn %d, server %d: ahead %v, want %v", own.Fields[fx], snap.Fields[fx], ahead, tc.predict)
			}
			// A new welcome resuming the seat carries the session over: numbered from 1 again.
			sess := d.Session()
			link.welcomes++
			link.welcome.Tick = srv.tick
			link.sent = link.sent[:0]
			for range 60 {
				now = now.Add(time.Second / 60)
				srv.step(nil)
				link.snaps = append(link.snaps, Snapshot{Tick: srv.tick, Entities: srv.entities(), At: now})
				if err := d.Frame(now, push); err != nil {
					t.Fatal(err)
				}
			}
			if len(link.sent) == 0 || link.sent[0].Seq != 1 {
				t.Errorf("after a new welcome the first input is %+v; want seq 1", link.sent)
			}
			if d.Session() != sess || d.Session().Stats().Rollbacks != 0 {
				t.Errorf("a resume of the same seat started a new session, or counted a rollback")
			}
			// A welcome to another seat (the old one was lost: a fresh join) starts a new session.
			link.welcomes++
			link.welcome.Player++
			if err := d.Frame(now.Add(time.Second/60), push); err != nil || d.Session() == sess {
				t.Errorf("a welcome as another player kept the session (err %v)", err)
			}
			link.welcome.Player--
			// Disconnected: nothing drawn, nothing sent.
			link.connected = false
			link.sent = link.sent[:0]
			if err := d.Frame(now.Add(time.Second/60), push); err != nil || d.Ready() || len(link.sent) != 0 {
				t.Errorf("disconnected: err %v, ready %v, %d sent; want nothing", err, d.Ready(), len(link.sent))
			}
		})
	}
}

// batchedWalker is the walker with Info.InputsPerMessage set.
type batchedWalker struct {
	walker
	per int
}

func (g batchedWalker) Info() sim.Info {
	info := g.walker.Info()
	info.InputsPerMessage = g.per
	return info
}

// TestDriverBatchesInputs plays a walker room on generated time with 1, 3 and the default number
// of inputs a message: the driver sends a message every that many ticks, each a run of
// consecutive ticks and sequence numbers; the inputs of a connection that is lost are dropped,
// not sent on the next one, whose first message starts at seq 1.
func TestDriverBatchesInputs(t *testing.T) {
	t.Parallel()
	const me = sim.PlayerID(1)
	for _, per := range []int{1, 3, 0} {
		t.Run(fmt.Sprint(per), func(t *testing.T) {
			t.Parallel()
			want := per
			if per == 0 {
				want = sim.DefaultInputsPerMessage
			}
			srv := newServer(7, me, 2)
			link := &fakeLink{welcome: wire.Welcome{Player: me, TickRate: 30, SnapshotRate: 30},
				welcomes: 1, connected: true, graph: map[string]float64{}}
			var waits []time.Duration
			d := NewDriver[walkerState, walkerInput](batchedWalker{per: per}, link, DriverConfig{Predict: true,
				OnSend: func(w []time.Duration) { waits = append(waits, w...) }})
			start := time.Unix(1000, 0)
			now := start
			link.rtt, link.pongs = time.Millisecond, 1
			frames := func(n int) {
				for range n {
					now = now.Add(time.Second / 60)
					for start.Add(time.Duration(srv.tick+1)*time.Second/30).Compare(now) <= 0 {
						srv.step(nil)
						link.snaps = append(link.snaps, Snapshot{Tick: srv.tick, Entities: srv.entities(), At: now})
					}
					if err := d.Frame(now, walkerInput{DX: 1}); err != nil {
						t.Fatal(err)
					}
				}
			}
			frames(180) // three seconds
			if len(link.sent) < 80 {
				t.Fatalf("%d inputs sent in three seconds", len(link.sent))
			}
			// The first message may be cut short by the start of the input clock; the rest are full.
			for i, n := range link.messages {
				if n > want || (i > 0 && n != want) {
					t.Fatalf("message %d carries %d inputs, want %d: %v", i, n, want, link.messages)
				}
			}
			if len(waits) != len(link.sent) {
				t.Errorf("OnSend reported %d waits for %d inputs", len(waits), len(link.sent))
			}
			for _, w := range waits {
				if w > time.Duration(want)*time.Second/30 {
					t.Errorf("an input waited %v for its batch of %d", w, want)
				}
			}
			// Frames at 4 a second, slower than a batch fills: every input stamped still goes out,
			// the frame it was stamped in.
			from := len(link.sent)
			slowFrom := now
			for range 8 {
				now = now.Add(250 * time.Millisecond)
				for start.Add(time.Duration(srv.tick+1)*time.Second/30).Compare(now) <= 0 {
					srv.step(nil)
					link.snaps = append(link.snaps, Snapshot{Tick: srv.tick, Entities: srv.entities(), At: now})
				}
				if err := d.Frame(now, walkerInput{DX: 1}); err != nil {
					t.Fatal(err)
				}
				if h := d.batch.Held(); h != 0 {
					t.Fatalf("%d inputs held after a frame %v after the last", h, 250*time.Millisecond)
				}
			}
			if n := len(link.sent) - from; n < 45 {
				t.Errorf("%d inputs sent over %v of frames at 4 a second, want one a tick", n, now.Sub(slowFrom))
			}
			frames(30)
			// The connection drops with a batch part full: what it held is not sent on the next.
			held := d.batch.Held()
			link.connected = false
			frames(1)
			link.connected, link.welcomes = true, link.welcomes+1
			link.welcome.Tick = srv.tick
			sentBefore := len(link.sent)
			frames(60)
			if len(link.sent) == sentBefore || link.sent[sentBefore].Seq != 1 {
				t.Errorf("after a reconnect (%d held when it dropped) the first input sent is %+v, want seq 1", held, link.sent[sentBefore:])
			}
		})
	}
}
