package pong

import (
	"errors"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// Pong's own ops. Clients send ready and emote; the server sends point, emoted and over.
const (
	OpReady  wire.Op = wire.FirstGameOp + iota // client → server: []
	OpEmote                                    // client → server: [emote]
	OpPoint                                    // server → client: [side, left, right]
	OpEmoted                                   // server → client: [player, emote]
	OpOver                                     // server → client: [winner, left, right, forfeit]
)

// ReadyMsg says the player is ready to start, or for a rematch. It counts only while the match waits
// for it (phases Ready and Over); saying it twice changes nothing.
//
//	[]
type ReadyMsg struct{}

// EmoteMsg shows one of the NumEmotes canned emotes to everyone in the room, at most once per
// EmoteCooldown ticks; one sent sooner is ignored.
//
//	[emote]
type EmoteMsg struct {
	Emote int32 // 0 to NumEmotes-1
}

// PointMsg says side scored; Left and Right are the new scores.
//
//	[side, left, right]
type PointMsg struct {
	Side        Side
	Left, Right int32
}

// EmotedMsg says Player emoted.
//
//	[player, emote]
type EmotedMsg struct {
	Player sim.PlayerID
	Emote  int32
}

// OverMsg says the match is over: Winner reached WinScore, or (Forfeit) the other player left
// the match under way. Left and Right are the final scores. Forfeit was appended to the message
// (0 or 1); a frame without it (an older server's) is a win by the score.
//
//	[winner, left, right, forfeit]
type OverMsg struct {
	Winner      Side
	Left, Right int32
	Forfeit     bool
}

func (*ReadyMsg) Op() wire.Op  { return OpReady }
func (*EmoteMsg) Op() wire.Op  { return OpEmote }
func (*PointMsg) Op() wire.Op  { return OpPoint }
func (*EmotedMsg) Op() wire.Op { return OpEmoted }
func (*OverMsg) Op() wire.Op   { return OpOver }

func (*ReadyMsg) EncodeBody(e *msgpack.Encoder) error { return wire.EncodeInts(e) }
func (*ReadyMsg) DecodeBody(d *msgpack.Decoder) error { return wire.DecodeInts(d) }

func (m *EmoteMsg) EncodeBody(e *msgpack.Encoder) error { return wire.EncodeInts(e, int64(m.Emote)) }
func (m *EmoteMsg) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.Emote, "emote", 0, NumEmotes-1))
}

func (m *PointMsg) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.Side), int64(m.Left), int64(m.Right))
}
func (m *PointMsg) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.Side, "side", int64(Left), int64(Right)),
		wire.Int(&m.Left, "left", 0, WinScore), wire.Int(&m.Right, "right", 0, WinScore))
}

func (m *EmotedMsg) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.Player), int64(m.Emote))
}
func (m *EmotedMsg) DecodeBody(d *msgpack.Decoder) error {
	err := wire.DecodeInts(d, wire.Int(&m.Player, "player", 1, 1<<16-1), wire.Int(&m.Emote, "emote", 0, NumEmotes-1))
	if err != nil {
		return err
	}
	// A missing field reads as zero, and 0 is never a player: the field is required.
	if m.Player == 0 {
		return errors.New("player: missing")
	}
	return nil
}

func (m *OverMsg) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.Winner), int64(m.Left), int64(m.Right), int64(b2i(m.Forfeit)))
}
func (m *OverMsg) DecodeBody(d *msgpack.Decoder) error {
	var forfeit int32
	err := wire.DecodeInts(d, wire.Int(&m.Winner, "winner", int64(Left), int64(Right)),
		wire.Int(&m.Left, "left", 0, WinScore), wire.Int(&m.Right, "right", 0, WinScore),
		wire.Int(&forfeit, "forfeit", 0, 1))
	m.Forfeit = forfeit == 1
	return err
}

// Messages declares pong's messages.
func (Game) Messages() wire.MessageSet { return Messages }

// Messages is pong's message set (also what the client decodes with).
var Messages = wire.MessageSet{
	{Op: OpReady, Name: "ready", Dir: wire.ToServer, New: func() wire.Message { return &ReadyMsg{} }},
	{Op: OpEmote, Name: "emote", Dir: wire.ToServer, New: func() wire.Message { return &EmoteMsg{} }},
	{Op: OpPoint, Name: "point", Dir: wire.ToClient, New: func() wire.Message { return &PointMsg{} }},
	{Op: OpEmoted, Name: "emoted", Dir: wire.ToClient, New: func() wire.Message { return &EmotedMsg{} }},
	{Op: OpOver, Name: "over", Dir: wire.ToClient, New: func() wire.Message { return &OverMsg{} }},
}

// Receive applies a player's message: ready counts while the match waits for it; an emote goes to
// everyone unless the player emoted too recently.
func (Game) Receive(s *State, _ uint32, from sim.PlayerID, m wire.Message) {
	p := s.Paddle(from)
	if p == nil {
		return
	}
	switch m := m.(type) {
	case *ReadyMsg:
		if s.Phase == Ready || s.Phase == Over {
			p.Ready = true
			s.startIfReady()
		}
	case *EmoteMsg:
		if p.Emote == 0 {
			p.Emote = EmoteCooldown
			s.Out = append(s.Out, wire.Event{Msg: &EmotedMsg{Player: from, Emote: m.Emote}})
		}
	}
}

// Events hands the room the events of the last tick.
func (Game) Events(s *State, dst []wire.Event) []wire.Event {
	dst = append(dst, s.Out...)
	clear(s.Out)
	s.Out = s.Out[:0]
	return dst
}
