package gateway

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestNetSimDelaysDropsAndKeepsOrder plays a client through each profile on a real socket: it joins,
// a second player joins, and it pings while snapshots flow. The pongs' round trips must include the
// simulated RTT, every reliable frame (welcome, roster, pong) must arrive, in order, snapshots must
// never go back in time, and with loss some must go missing. Bounds are loose: CI machines are slow,
// and the race detector slower.
func TestNetSimDelaysDropsAndKeepsOrder(t *testing.T) {
	t.Parallel()
	const (
		pings     = 20
		snapshots = 60                      // at 30 a second: enough that 20% loss never loses none
		slack     = 1500 * time.Millisecond // a busy -race suite delays a loopback pong by hundreds of ms
	)
	tests := []struct {
		name string
		p    netsim.Profile
	}{
		{"latency", netsim.Profile{RTT: 100 * time.Millisecond}},
		{"loss", netsim.Profile{RTT: 40 * time.Millisecond, Loss: 0.2}},
		{"jitter and loss", netsim.Profile{RTT: 60 * time.Millisecond, Jitter: 40 * time.Millisecond, Loss: 0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, Config{NetSim: tt.p})
			c := srv.dial(t)
			start := time.Now()
			c.join("r", "ann")
			// The hello is not delayed; the welcome is, by half the RTT less half the jitter.
			if took, least := time.Since(start), tt.p.RTT/2-tt.p.Jitter/2; took < least {
				t.Errorf("welcome after %v, want at least %v", took, least)
			}
			srv.dial(t).join("r", "bob")

			var sent [pings + 1]atomic.Int64 // when each ping left, in Unix nanoseconds
			go func() {
				for i := 1; i <= pings; i++ {
					sent[i].Store(time.Now().UnixNano())
					c.send(&wire.Ping{ClientTime: uint32(i)})
					time.Sleep(25 * time.Millisecond)
				}
			}()

			// Each way, the delay is RTT/2 ± Jitter/2; a lost ping or pong adds an RTT.
			least, most := tt.p.RTT-tt.p.Jitter, tt.p.RTT+tt.p.Jitter+slack
			if tt.p.Loss > 0 {
				most += 2 * tt.p.RTT
			}
			var ticks []uint32
			pongs, bothInRoster := 0, false
			deadline := time.Now().Add(10 * time.Second)
			for pongs < pings || len(ticks) < snapshots {
				if time.Now().After(deadline) {
					t.Fatalf("after 10 s: %d of %d pongs, %d snapshots", pongs, pings, len(ticks))
				}
				f, err := c.next(5 * time.Second)
				if err != nil {
					t.Fatal(err)
				}
				switch f.Op {
				case wire.OpSnapshot:
					var s wire.Snapshot
					if err := f.Decode(&s); err != nil {
						t.Fatal(err)
					}
					ticks = append(ticks, s.Tick)
				case wire.OpDelta:
					var d wire.Delta
					if err := f.Decode(&d); err != nil {
						t.Fatal(err)
					}
					ticks = append(ticks, d.Tick)
				case wire.OpPong:
					var p wire.Pong
					if err := f.Decode(&p); err != nil {
						t.Fatal(err)
					}
					if pongs++; p.ClientTime != uint32(pongs) {
						t.Fatalf("pong %d answers ping %d: reliable frames out of order or lost", pongs, p.ClientTime)
					}
					rtt := time.Since(time.Unix(0, sent[p.ClientTime].Load()))
					if rtt < least || rtt > most {
						t.Errorf("ping %d: round trip %v, want %v to %v", p.ClientTime, rtt, least, most)
					}
				case wire.OpRoster:
					var r wire.Roster
					if err := f.Decode(&r); err != nil {
						t.Fatal(err)
					}
					bothInRoster = len(r.Players) == 2
				default:
					t.Fatalf("unexpected %s", f.Op)
				}
			}
			if !bothInRoster {
				t.Error("no roster with both players arrived")
			}
			if !slices.IsSorted(ticks) || len(slices.Compact(slices.Clone(ticks))) != len(ticks) {
				t.Fatalf("snapshot ticks out of order: %v", ticks)
			}
			// The snapshot interval is the smallest step between ticks; a larger one skips a snapshot.
			step, skipped := ticks[len(ticks)-1], 0
			for i := 1; i < len(ticks); i++ {
				step = min(step, ticks[i]-ticks[i-1])
			}
			for i := 1; i < len(ticks); i++ {
				skipped += int((ticks[i]-ticks[i-1])/step) - 1
			}
			if tt.p.Loss >= 0.2 && skipped == 0 {
				t.Errorf("loss %v: no snapshot went missing in %d", tt.p.Loss, len(ticks))
			}
			if skipped > 2*len(ticks) { // 20% loss skips about one in four received; a starved test client, more
				t.Errorf("loss %v: %d snapshots skipped, %d received", tt.p.Loss, skipped, len(ticks))
			}
		})
	}
}

// TestNetSimFloodIsClosed checks that a client flooding frames into the simulated network is closed
// with 1008, and that the connection's goroutines end (the gateway counts it closed only then).
func TestNetSimFloodIsClosed(t *testing.T) {
	t.Parallel()
	srv := startServer(t, Config{NetSim: netsim.Profile{RTT: 200 * time.Millisecond}, MessageRate: 20, MessageBurst: 10})
	c := srv.dial(t)
	c.join("r", "mallory")
	ping, _ := wire.Encode(nil, &wire.Ping{ClientTime: 1})
	go func() {
		for range 500 {
			if c.ws.Write(t.Context(), websocket.MessageBinary, ping) != nil {
				return
			}
		}
	}()
	if code, reason, _ := c.closedWith(); code != websocket.StatusCode(wire.ClosePolicy) {
		t.Errorf("closed with %d %q, want 1008", code, reason)
	}
	waitUntil(t, func() bool { return srv.gw.Conns() == 0 })
}

// TestNetSimOutboundIsBounded fills a connection's outbound line without a socket: past
// netsim.DefaultHeld frames a snapshot is dropped and a reliable frame closes the client as too slow.
func TestNetSimOutboundIsBounded(t *testing.T) {
	t.Parallel()
	c := &conn{g: New(Config{NetSim: netsim.Profile{RTT: 10 * time.Second}}, nil), // nothing falls due
		out: newOutbox(64, nopObserver{}), done: make(chan struct{})}
	defer c.startNetSim()()
	closed := func() *closeReq {
		c.out.mu.Lock()
		defer c.out.mu.Unlock()
		return c.out.close
	}
	frame := func(op wire.Op) []byte { return []byte{0x92, byte(op), 0xc0} } // [op, nil]: never decoded
	for range netsim.DefaultHeld {
		if err := c.writeFrame(frame(wire.OpRoster)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.writeFrame(frame(wire.OpSnapshot)); err != nil || closed() != nil {
		t.Fatalf("a snapshot past a full line: %v, close %+v; want it dropped", err, closed())
	}
	if err := c.writeFrame(frame(wire.OpRoster)); err != nil {
		t.Fatal(err)
	}
	if req := closed(); req == nil || req.code != wire.CloseSlowClient {
		t.Fatalf("a reliable frame past a full line: close %+v, want 4010", req)
	}
}

func TestNetSimInLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    netsim.Profile
		want int
	}{
		{"latency", netsim.Profile{RTT: 200 * time.Millisecond}, 2*60 + 12 + 1},                     // 100 ms one way
		{"bad", netsim.Bad, 2*60 + 28 + 1},                                                          // 75+15+150 ms
		{"loss without latency", netsim.Profile{Loss: 0.1}, 2*60 + 1},                               // no delay at all
		{"jitter", netsim.Profile{RTT: 100 * time.Millisecond, Jitter: time.Second}, 2*60 + 66 + 1}, // 50+500 ms
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := netsimInLimit(tt.p, 120, 60); got != tt.want {
				t.Errorf("netsimInLimit(%v) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}
