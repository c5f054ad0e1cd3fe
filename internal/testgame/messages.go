package testgame

import (
	"math"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// The test game's own messages: a player may Jump (move by a few units at once, which every player
// hears about as Jumped) or Whisper a number to one other player (who alone gets Whispered).
const (
	OpJump      wire.Op = 64
	OpJumped    wire.Op = 65
	OpWhisper   wire.Op = 66
	OpWhispered wire.Op = 67
)

// Jump moves the sender by By: [by], -9 to 9.
type Jump struct{ By int8 }

// Jumped tells everyone where a player landed: [player, pos].
type Jumped struct {
	Player sim.PlayerID
	Pos    int32
}

// Whisper sends N to player To: [to, n].
type Whisper struct {
	To sim.PlayerID
	N  int32
}

// Whispered is what To gets: [from, n].
type Whispered struct {
	From sim.PlayerID
	N    int32
}

func (*Jump) Op() wire.Op      { return OpJump }
func (*Jumped) Op() wire.Op    { return OpJumped }
func (*Whisper) Op() wire.Op   { return OpWhisper }
func (*Whispered) Op() wire.Op { return OpWhispered }

func (m *Jump) EncodeBody(e *msgpack.Encoder) error { return wire.EncodeInts(e, int64(m.By)) }
func (m *Jump) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.By, "by", -9, 9))
}

func (m *Jumped) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.Player), int64(m.Pos))
}
func (m *Jumped) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.Player, "player", 0, math.MaxUint32), wire.Int(&m.Pos, "pos", math.MinInt32, math.MaxInt32))
}

func (m *Whisper) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.To), int64(m.N))
}
func (m *Whisper) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.To, "to", 0, math.MaxUint32), wire.Int(&m.N, "n", math.MinInt32, math.MaxInt32))
}

func (m *Whispered) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.From), int64(m.N))
}
func (m *Whispered) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.From, "from", 0, math.MaxUint32), wire.Int(&m.N, "n", math.MinInt32, math.MaxInt32))
}

// Messages declares the test game's messages.
func (Game) Messages() wire.MessageSet {
	return wire.MessageSet{
		{Op: OpJump, Name: "jump", Dir: wire.ToServer, New: func() wire.Message { return &Jump{} }},
		{Op: OpJumped, Name: "jumped", Dir: wire.ToClient, New: func() wire.Message { return &Jumped{} }},
		{Op: OpWhisper, Name: "whisper", Dir: wire.ToServer, New: func() wire.Message { return &Whisper{} }},
		{Op: OpWhispered, Name: "whispered", Dir: wire.ToClient, New: func() wire.Message { return &Whispered{} }},
	}
}

// Receive applies a jump or a whisper.
func (Game) Receive(s *State, _ uint32, from sim.PlayerID, m wire.Message) {
	switch m := m.(type) {
	case *Jump:
		s.Jumps++
		s.Pos[from] += int32(m.By)
		s.Out = append(s.Out, wire.Event{Msg: &Jumped{Player: from, Pos: s.Pos[from]}})
	case *Whisper:
		s.Out = append(s.Out, wire.Event{To: m.To, Msg: &Whispered{From: from, N: m.N}})
	}
}

// Events hands over the events of the last tick.
func (Game) Events(s *State, dst []wire.Event) []wire.Event {
	dst = append(dst, s.Out...)
	s.Out = s.Out[:0]
	return dst
}
