package room

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// churnGame spawns, moves and despawns entities at random, and shows each player a window of the
// line that slides with time, so entities keep entering and leaving view.
type churnGame struct{}

type churnState struct {
	Rng  sim.Rand
	Next sim.EntityID
	Ents []sim.Entity // sorted by id; kind 0: [x, hp]
	Tick uint32
}

var churnSchema = sim.Schema{{Name: "thing", Fields: []sim.FieldSchema{{Name: "x", Min: 0, Max: 1000}, {Name: "hp", Min: 0, Max: 9}}}}

func (churnGame) Info() sim.Info {
	return sim.Info{Name: "churn", TickRate: 20, MaxPlayers: 8, Schema: churnSchema}
}
func (churnGame) NewState(seed uint64) churnState {
	return churnState{Rng: sim.NewRand(seed), Next: 100}
}
func (churnGame) Join(*churnState, sim.PlayerID)                 {}
func (churnGame) Leave(*churnState, sim.PlayerID)                {}
func (churnGame) Restore(*churnState, []sim.Entity) error        { return nil }
func (churnGame) EncodeInput(e *msgpack.Encoder, _ *uint8) error { return e.EncodeUint(0) }
func (churnGame) DecodeInput(d *msgpack.Decoder, in *uint8) error {
	v, err := d.DecodeUint8()
	*in = v
	return err
}

func (churnGame) Step(s *churnState, tick uint32, _ []sim.Input[uint8]) {
	s.Tick = tick
	r := &s.Rng
	out := s.Ents[:0]
	for _, e := range s.Ents {
		switch r.Intn(10) {
		case 0: // despawn
			continue
		case 1, 2, 3: // move
			e.Fields[0] = sim.Clamp(e.Fields[0]+r.Range(-40, 40), 0, 1000)
		case 4: // change hp
			e.Fields[1] = r.Range(0, 9)
		}
		out = append(out, e)
	}
	s.Ents = out
	for range r.Intn(4) { // spawn; ids only grow, so the list stays sorted
		s.Ents = append(s.Ents, sim.NewEntity(s.Next, 0, r.Range(0, 1000), r.Range(0, 9)))
		s.Next += sim.EntityID(1 + r.Intn(3))
	}
}

func (churnGame) Entities(s *churnState, dst []sim.Entity) []sim.Entity {
	return append(dst, s.Ents...)
}

// Visible shows player p the 400-wide window of the line starting at (tick*7 + p*150) mod 600.
func (churnGame) Visible(s *churnState, p sim.PlayerID, all []sim.Entity, dst []sim.Entity) []sim.Entity {
	lo := int32((s.Tick*7 + uint32(p)*150) % 600)
	for _, e := range all {
		if e.Fields[0] >= lo && e.Fields[0] < lo+400 {
			dst = append(dst, e)
		}
	}
	return dst
}

// lossyClient receives what the room sends, drops some snapshots, reconstructs the rest, and checks
// each against what the server meant it to see.
type lossyClient struct {
	t        *testing.T
	r        *rand.Rand
	loss     float64
	expect   func() []sim.Entity
	tables   map[uint32][]sim.Entity
	order    []uint32 // ticks in tables, oldest first (the client keeps 32, like netclient)
	newest   uint32
	deltas   int
	fulls    int
	dropped  int
	verified int
}

func (c *lossyClient) Send(b []byte) {}
func (c *lossyClient) Close(*wire.CloseError) {
	c.t.Error("the room closed a client")
}

func (c *lossyClient) SendSnapshot(b []byte) {
	want := c.expect() // what the server sends this client now
	if c.r.Float64() < c.loss {
		c.dropped++
		return
	}
	f, err := wire.Decode(b)
	if err != nil {
		c.t.Fatal(err)
	}
	var tick uint32
	var got []sim.Entity
	switch f.Op {
	case wire.OpSnapshot:
		var s wire.Snapshot
		if err := f.Decode(&s); err != nil {
			c.t.Fatal(err)
		}
		tick, got = s.Tick, s.Entities
		c.fulls++
	case wire.OpDelta:
		var d wire.Delta
		if err := f.Decode(&d); err != nil {
			c.t.Fatal(err)
		}
		base, ok := c.tables[d.BaseTick]
		if !ok {
			c.t.Fatalf("tick %d: delta against %d, which this client never had or has forgotten", d.Tick, d.BaseTick)
		}
		if got, err = d.Apply(base, churnSchema, nil); err != nil {
			c.t.Fatalf("tick %d: %v", d.Tick, err)
		}
		tick = d.Tick
		c.deltas++
	default:
		c.t.Fatalf("unexpected %s", f.Op)
	}
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		c.t.Fatalf("tick %d: client reconstructed\n%v\nserver state for this client\n%v", tick, got, want)
	}
	c.verified++
	c.tables[tick] = got
	c.order = append(c.order, tick)
	if len(c.order) > 32 {
		delete(c.tables, c.order[0])
		c.order = c.order[1:]
	}
	c.newest = tick
}

func TestDeltasReconstructTheServerStateUnderChurnLossAndLateAcks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		loss     float64
		ackDelay int // most ticks an acknowledgement takes to arrive
		interest bool
	}{
		{"clean", 0, 1, true},
		{"10% loss, acks up to 5 ticks late", 0.1, 5, true},
		{"40% loss, acks up to 40 ticks late (ring overruns)", 0.4, 40, true},
		{"no interest management, 20% loss", 0.2, 8, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := For[churnState, uint8](churnGame{}).New(Config{SnapshotRate: 20, SeeEverything: !tc.interest, Logger: quietLogger()}).(*room[churnState, uint8])
			rng := rand.New(rand.NewPCG(7, uint64(tc.ackDelay)))
			type pendingAck struct {
				at  int
				ack uint32
			}
			var clients []*lossyClient
			var seats []Seat
			var pending [][]pendingAck
			for p := sim.PlayerID(1); p <= 3; p++ {
				c := &lossyClient{t: t, r: rng, loss: tc.loss, tables: map[uint32][]sim.Entity{}}
				c.expect = func() []sim.Entity {
					all := churnGame{}.Entities(&r.state, nil)
					if !tc.interest {
						return all
					}
					return churnGame{}.Visible(&r.state, p, all, nil)
				}
				clients = append(clients, c)
				seats = append(seats, r.Join(p, fmt.Sprint(p), c))
				pending = append(pending, nil)
			}
			seq := uint32(0)
			for tick := 1; tick <= 600; tick++ {
				r.step()
				for i, c := range clients {
					// The client acknowledges its newest table; the acknowledgement arrives after a
					// random delay, so they reach the server late and out of order.
					if c.newest != 0 {
						pending[i] = append(pending[i], pendingAck{tick + rng.IntN(tc.ackDelay+1), c.newest})
					}
					keep := pending[i][:0]
					for _, a := range pending[i] {
						if a.at > tick {
							keep = append(keep, a)
							continue
						}
						seq++
						var in uint8
						// For tick 0, so ignored as late: its acknowledgement counts all the same.
						frame, _ := wire.EncodeInput(nil, churnGame{}, wire.InputHeader{Seq: seq, Ack: a.ack}, &in)
						fr, _ := wire.Decode(frame)
						if err := seats[i].Input(fr.Body); err != nil {
							t.Fatal(err)
						}
					}
					pending[i] = keep
				}
			}
			for i, c := range clients {
				if c.verified < 100 || c.deltas == 0 {
					t.Errorf("client %d: %d snapshots verified (%d deltas, %d full, %d dropped): the scenario tests too little",
						i+1, c.verified, c.deltas, c.fulls, c.dropped)
				}
				t.Logf("client %d: %d verified, %d deltas, %d full, %d dropped", i+1, c.verified, c.deltas, c.fulls, c.dropped)
			}
		})
	}
}
