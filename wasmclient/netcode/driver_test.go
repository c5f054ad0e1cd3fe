package netcode

import (
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
	graph     map[string]float64
}

func (l *fakeLink) Welcomed() (wire.Welcome, int, bool)         { return l.welcome, l.welcomes, l.connected }
func (l *fakeLink) RoundTrip() (time.Duration, int)             { return l.rtt, l.pongs }
func (l *fakeLink) SendInput(h wire.InputHeader, _ walkerInput) { l.sent = append(l.sent, h) }
func (l *fakeLink) SetGraph(name string, v float64)             { l.graph[name] = v }
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
