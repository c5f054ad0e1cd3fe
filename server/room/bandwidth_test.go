package room

import (
	"fmt"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// The arena scenario of issue 4: 10 players whose inputs change every ~0.4 s, the arena's 20 drones
// and 48 orbs, 30 ticks and 20 snapshots per second, players spread over the arena where they join.

// countingClient reconstructs what it receives, like netclient, counts bytes and acknowledges.
type countingClient struct {
	b      testing.TB
	tables map[uint32][]sim.Entity
	newest uint32
	down   int
}

func (c *countingClient) Send(b []byte)          { c.down += len(b) }
func (c *countingClient) Close(*wire.CloseError) { c.b.Fatal("the room closed a client") }

func (c *countingClient) SendSnapshot(b []byte) {
	c.down += len(b)
	f, err := wire.Decode(b)
	if err != nil {
		c.b.Fatal(err)
	}
	switch f.Op {
	case wire.OpSnapshot:
		var s wire.Snapshot
		if err := f.Decode(&s); err != nil {
			c.b.Fatal(err)
		}
		c.tables[s.Tick], c.newest = s.Entities, s.Tick
	case wire.OpDelta:
		var d wire.Delta
		if err := f.Decode(&d); err != nil {
			c.b.Fatal(err)
		}
		ents, err := d.Apply(c.tables[d.BaseTick], arena.Schema, nil)
		if err != nil {
			c.b.Fatal(err)
		}
		c.tables[d.Tick], c.newest = ents, d.Tick
	}
	delete(c.tables, c.newest-64) // keep the map small; baselines are recent
}

// scriptedInput is player p's input at tick t: a direction that changes every 13 ticks, and a dash
// now and then.
func scriptedInput(p sim.PlayerID, t int) arena.Input {
	dirs := [...][2]int8{{127, 0}, {90, 90}, {0, 127}, {-90, 90}, {-127, 0}, {-90, -90}, {0, -127}, {90, -90}}
	d := dirs[(int(p)*5+t/13)%len(dirs)]
	in := arena.Input{MoveX: d[0], MoveY: d[1]}
	if (t+int(p)*7)%45 == 0 {
		in.Buttons = arena.ButtonDash
	}
	return in
}

type bandwidth struct{ downPerClient, upPerClient float64 }

// runArena plays the scenario for seconds of game time and returns the bytes per second per client.
func runArena(tb testing.TB, cfg Config, players, seconds int) bandwidth {
	cfg.TickRate, cfg.SnapshotRate, cfg.MaxPlayers, cfg.Seed, cfg.Logger = 30, 20, players, 1, quietLogger()
	r := For[arena.State, arena.Input](arena.Game{}).New(cfg).(*room[arena.State, arena.Input])
	var clients []*countingClient
	var seats []Seat
	for p := 1; p <= players; p++ {
		c := &countingClient{b: tb, tables: map[uint32][]sim.Entity{}}
		clients = append(clients, c)
		seats = append(seats, r.Join(sim.PlayerID(p), fmt.Sprintf("p%d", p), c))
	}
	up := 0
	var frame []byte
	for t := 1; t <= seconds*30; t++ {
		for i, s := range seats {
			in := scriptedInput(sim.PlayerID(i+1), t)
			var err error
			frame, err = wire.EncodeInput(frame[:0], arena.Game{}, wire.InputHeader{Seq: uint32(t), Tick: uint32(t), Ack: clients[i].newest}, &in)
			if err != nil {
				tb.Fatal(err)
			}
			up += len(frame)
			f, _ := wire.Decode(frame)
			if err := s.Input(f.Body); err != nil {
				tb.Fatal(err)
			}
		}
		r.step()
	}
	down := 0
	for _, c := range clients {
		down += c.down
	}
	n := float64(players * seconds)
	return bandwidth{float64(down) / n, float64(up) / n}
}

// BenchmarkArenaBandwidth reports the bytes per second per client of the arena scenario with full
// snapshots, with deltas, and with deltas and interest management:
//
//	go test -run '^$' -bench ArenaBandwidth -benchtime 1x ./server/room/
func BenchmarkArenaBandwidth(b *testing.B) {
	for _, mode := range []struct {
		name string
		cfg  Config
	}{
		{"full", Config{FullSnapshots: true, SeeEverything: true}},
		{"deltas", Config{SeeEverything: true}},
		{"deltas+interest", Config{}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var bw bandwidth
			for range b.N {
				bw = runArena(b, mode.cfg, 10, 30)
			}
			b.ReportMetric(bw.downPerClient, "down-B/s/client")
			b.ReportMetric(bw.upPerClient, "up-B/s/client")
		})
	}
}

// BenchmarkSnapshotCost measures the server's cost per client per snapshot (interest, diff and
// encode) with deltas and interest on, at 10 and 100 clients in one arena room:
//
//	go test -run '^$' -bench SnapshotCost ./server/room/
func BenchmarkSnapshotCost(b *testing.B) {
	for _, players := range []int{10, 100} {
		b.Run(fmt.Sprintf("%dclients", players), func(b *testing.B) {
			r := For[arena.State, arena.Input](arena.Game{}).New(Config{TickRate: 30, SnapshotRate: 30, MaxPlayers: players, Seed: 1, Logger: quietLogger()}).(*room[arena.State, arena.Input])
			for p := 1; p <= players; p++ {
				r.Join(sim.PlayerID(p), "p", discard{})
			}
			// Every client acknowledges each snapshot at once: the steady state of deltas.
			step := func(t int) {
				for _, s := range r.seats {
					// In force as if it had just arrived: takeInput repeats it.
					s.input, s.missing = scriptedInput(s.id, t), 0
					s.snapAckIn = r.tick.Load()
				}
				r.step()
			}
			for t := 1; t <= 60; t++ {
				step(t)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				r.applyControl()
				for _, s := range r.seats {
					s.input = scriptedInput(s.id, 60+i)
					s.snapAck = r.tick.Load()
				}
				tick := r.tick.Add(1)
				r.g.Step(&r.state, tick, r.inputs)
				slot := r.history.add(tick, func(dst []sim.Entity) []sim.Entity { return r.g.Entities(&r.state, dst) })
				b.StartTimer()
				r.sendSnapshot(tick, slot)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*players), "ns/client/snapshot")
		})
	}
}

// discard is a peer that drops what it is sent, returning the buffers to the pool.
type discard struct{}

func (discard) Send(b []byte)          { bufpoolPut(b) }
func (discard) SendSnapshot(b []byte)  { bufpoolPut(b) }
func (discard) Close(*wire.CloseError) {}
