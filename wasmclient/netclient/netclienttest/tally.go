// Package netclienttest helps test game clients: Tally, a game of messages only, and Start, which runs
// the real server with it on a loopback port.
package netclienttest

import (
	"testing"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Tally is a game of messages only: a player adds to a shared total with Add; everyone hears the new
// total as Total. Its input (an int8) is ignored; its one entity holds the total.
type Tally struct{}

// State is the total and the events not yet handed to the room.
type State struct {
	Sum int32
	Out []wire.Event
}

// Add is sent by a player: [n], 1 to 9.
type Add struct{ N int32 }

// Total is what everyone hears: [n].
type Total struct{ N int32 }

func (*Add) Op() wire.Op   { return 64 }
func (*Total) Op() wire.Op { return 65 }
func (m *Add) EncodeBody(e *msgpack.Encoder) error {
	_ = e.EncodeArrayLen(1)
	return e.EncodeInt(int64(m.N))
}
func (m *Add) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.N = int32(f.Int("n", 1, 9))
	return f.Done()
}
func (m *Total) EncodeBody(e *msgpack.Encoder) error {
	_ = e.EncodeArrayLen(1)
	return e.EncodeInt(int64(m.N))
}
func (m *Total) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.N = int32(f.Int("n", 0, 1<<30))
	return f.Done()
}

// Schema is the tally's one kind of entity.
var Schema = sim.Schema{{Name: "total", Fields: []sim.FieldSchema{{Name: "n", Min: 0, Max: 1 << 30}}}}

func (Tally) Info() sim.Info {
	return sim.Info{Name: "tally", TickRate: 30, MaxPlayers: 4, Schema: Schema}
}
func (Tally) NewState(uint64) State                          { return State{} }
func (Tally) Join(*State, sim.PlayerID)                      {}
func (Tally) Leave(*State, sim.PlayerID)                     {}
func (Tally) Step(*State, uint32, []sim.Input[int8])         {}
func (Tally) Restore(*State, []sim.Entity) error             { return nil }
func (Tally) EncodeInput(e *msgpack.Encoder, in *int8) error { return e.EncodeInt(int64(*in)) }
func (Tally) DecodeInput(d *msgpack.Decoder, in *int8) (err error) {
	*in, err = d.DecodeInt8()
	return err
}
func (Tally) Entities(s *State, dst []sim.Entity) []sim.Entity {
	return append(dst, sim.NewEntity(1<<16, 0, s.Sum))
}
func (Tally) Messages() wire.MessageSet {
	return wire.MessageSet{
		{Op: 64, Name: "add", Dir: wire.ToServer, New: func() wire.Message { return &Add{} }},
		{Op: 65, Name: "total", Dir: wire.ToClient, New: func() wire.Message { return &Total{} }},
	}
}
func (Tally) Receive(s *State, _ uint32, _ sim.PlayerID, m wire.Message) {
	if a, ok := m.(*Add); ok {
		s.Sum += a.N
		s.Out = append(s.Out, wire.Event{Msg: &Total{N: s.Sum}})
	}
}
func (Tally) Events(s *State, dst []wire.Event) []wire.Event {
	dst = append(dst, s.Out...)
	s.Out = s.Out[:0]
	return dst
}

// Start runs the real server with the tally on a loopback port until the test ends and returns its
// /ws URL.
func Start(t testing.TB) string {
	t.Helper()
	_, addr := servertest.Start(t, server.Config{}, room.For[State, int8](Tally{}))
	return "ws://" + addr + "/ws"
}
