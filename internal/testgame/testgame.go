// Package testgame is the smallest tickwire game, for the toolkit's own tests: each player is a point
// on a line that moves by its input every tick, and may jump or whisper with the game's own messages. Reaching exactly [PanicAt] makes the step panic, so
// tests can check that a failing game is contained.
package testgame

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// PanicAt is the position at which Step panics.
const PanicAt = 1000

// Schema is the test game's one kind of entity: a player's dot at x.
var Schema = sim.Schema{{Name: "dot", Fields: []sim.FieldSchema{{Name: "x", Min: -1 << 20, Max: 1 << 20}}}}

// Game implements sim.Game and wire.InputCodec with int8 inputs.
type Game struct {
	// Name is the game's name; "line" when empty.
	Name string
	// MaxPlayers is the seats per room; 3 when zero.
	MaxPlayers int
	// TickRate is the game's steps per second; 30 when zero.
	TickRate int
	// SnapshotRate is the game's snapshots per second; zero leaves it to the server.
	SnapshotRate int
	// StateVersion is the game's sim.Info.StateVersion, for tests of captures of another version.
	StateVersion int
}

// State is the players' positions, the number of jumps made in the room, and the events for clients
// not yet handed to the room. Jumps is not in the entities: it is the test game's room state, kept
// across a capture by SaveRoomState and LoadRoomState (server/room's StateKeeper).
type State struct {
	Pos   map[sim.PlayerID]int32
	Jumps uint64
	Out   []wire.Event
}

func (g Game) Info() sim.Info {
	name := g.Name
	if name == "" {
		name = "line"
	}
	return sim.Info{Name: name, TickRate: cmp(g.TickRate, 30), SnapshotRate: g.SnapshotRate, MaxPlayers: cmp(g.MaxPlayers, 3),
		Schema: Schema, StateVersion: g.StateVersion}
}

func cmp(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func (Game) NewState(uint64) State                          { return State{Pos: map[sim.PlayerID]int32{}} }
func (Game) Join(s *State, p sim.PlayerID)                  { s.Pos[p] = 0 }
func (Game) Leave(s *State, p sim.PlayerID)                 { delete(s.Pos, p) }
func (Game) EncodeInput(e *msgpack.Encoder, in *int8) error { return e.EncodeInt(int64(*in)) }

func (Game) DecodeInput(d *msgpack.Decoder, in *int8) error {
	v, err := d.DecodeInt8()
	*in = v
	return err
}

func (Game) Step(s *State, _ uint32, ins []sim.Input[int8]) {
	for _, in := range ins {
		s.Pos[in.Player] += int32(in.Input)
		if s.Pos[in.Player] == PanicAt {
			panic("testgame reached PanicAt")
		}
	}
}

// Restore rebuilds the positions from the entities (the room state, Jumps, is left as it is).
func (Game) Restore(s *State, ents []sim.Entity) error {
	clear(s.Pos)
	if s.Pos == nil {
		s.Pos = map[sim.PlayerID]int32{}
	}
	s.Out = s.Out[:0]
	for i := range ents {
		e := &ents[i]
		if err := Schema.Check(e); err != nil {
			return err
		}
		if e.ID == 0 || e.ID >= 1<<16 {
			return fmt.Errorf("testgame: entity id %d is not a player's", e.ID)
		}
		s.Pos[sim.PlayerID(e.ID)] = e.Fields[0]
	}
	return nil
}

// SaveRoomState appends the room state (Jumps) to dst.
func (Game) SaveRoomState(s *State, dst []byte) []byte { return binary.AppendUvarint(dst, s.Jumps) }

// LoadRoomState reads what SaveRoomState wrote.
func (Game) LoadRoomState(s *State, data []byte) error {
	v, n := binary.Uvarint(data)
	if n <= 0 || n != len(data) {
		return errors.New("testgame: bad room state")
	}
	s.Jumps = v
	return nil
}

func (Game) Entities(s *State, dst []sim.Entity) []sim.Entity {
	for id := sim.PlayerID(1); id < 1<<16 && len(dst) < len(s.Pos); id++ {
		if x, ok := s.Pos[id]; ok {
			dst = append(dst, sim.NewEntity(sim.EntityID(id), 0, x))
		}
	}
	return dst
}
