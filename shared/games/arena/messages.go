package arena

import (
	"errors"
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The arena's own ops. The server sends the standings to everyone every StandingsEvery ticks: a
// player's snapshots hold only what it sees (interest management), so the leaderboard and the
// minimap need a room-wide, low-rate message of their own.
const (
	OpStandings wire.Op = wire.FirstGameOp + iota // server → client: [round, left, winner, winScore, [[player, score, x, y], ...]]
	OpSpawnNear                                   // client → server: [player]
	OpHit                                         // server → client: [by, victim, points]
)

// StandingsEvery is how often, in ticks, the room sends the standings (three times a second).
const StandingsEvery = 10

// Coarse is the unit of a standing's position: world pixels divided by Coarse, rounded. It is
// enough for a minimap or an edge arrow and too coarse to aim at someone out of view.
const Coarse = 100

// Largest coarse coordinates.
const (
	coarseW = (Width/One + Coarse/2) / Coarse
	coarseH = (Height/One + Coarse/2) / Coarse
)

// Standing is one player in a [StandingsMsg].
type Standing struct {
	Player sim.PlayerID
	Score  int32
	X, Y   int32 // coarse position: the disc's centre in pixels divided by Coarse, rounded
}

// MaxStandings is the most players a standings message lists. A room has the arena's MaxPlayers
// seats unless the server gives rooms more (tickwire -max-players, as the load tests' rooms of 50
// and 100 do), and the standings list every player; the bound only keeps a hostile message from
// making a client allocate without limit.
const MaxStandings = 1024

// StandingsMsg is the room's standings, sent to everyone: every player, whatever each receiver
// sees, with its score and coarse position, and the round.
//
//	[round, left, winner, winScore, [[player, score, x, y], ...]]
//
// Round counts from 1; Left is the ticks left in it. Winner won the round before (0: none yet, or
// nobody scored) with WinScore points. Players are sorted by id.
type StandingsMsg struct {
	Round, Left int32
	Winner      sim.PlayerID
	WinScore    int32
	Players     []Standing
}

// SpawnNearMsg asks the room to move the sender next to Player, a friend whose invite link it
// followed. It counts only in the sender's first SpawnNearTicks ticks, and only when Player is in
// the room; otherwise it is ignored.
//
//	[player]
type SpawnNearMsg struct {
	Player sim.PlayerID
}

// HitMsg says that By's dash struck Victim and knocked Points of its score loose (dropped as orbs
// near it), for the kill feed. It goes to everyone.
//
//	[by, victim, points]
type HitMsg struct {
	By, Victim sim.PlayerID
	Points     int32
}

func (*StandingsMsg) Op() wire.Op { return OpStandings }
func (*SpawnNearMsg) Op() wire.Op { return OpSpawnNear }
func (*HitMsg) Op() wire.Op       { return OpHit }

func (m *StandingsMsg) EncodeBody(e *msgpack.Encoder) error {
	if err := wire.PutArrayLen(e, 5); err != nil {
		return err
	}
	for _, v := range [...]int32{m.Round, m.Left, int32(m.Winner), m.WinScore} {
		if err := wire.PutInt(e, int64(v)); err != nil {
			return err
		}
	}
	if err := wire.PutArrayLen(e, len(m.Players)); err != nil {
		return err
	}
	for _, p := range m.Players {
		if err := wire.EncodeInts(e, int64(p.Player), int64(p.Score), int64(p.X), int64(p.Y)); err != nil {
			return err
		}
	}
	return nil
}

func (m *StandingsMsg) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.Round = int32(f.Int("round", 0, MaxRound))
	m.Left = int32(f.Int("left", 0, RoundTicks))
	m.Winner = sim.PlayerID(f.Int("winner", 0, maxPlayerID))
	m.WinScore = int32(f.Int("winScore", 0, MaxScore))
	if c, err := d.PeekCode(); f.Err() == nil && f.Left() > 0 && (err != nil || c == msgpcode.Nil) {
		f.Fail(errors.New("players: not an array")) // nil would read as no players
	}
	n := f.Array("players")
	if n > MaxStandings {
		f.Fail(fmt.Errorf("players: %d, at most %d", n, MaxStandings))
		n = 0
	}
	m.Players = m.Players[:0]
	for i := range n {
		var p Standing
		err := wire.DecodeInts(d, wire.Int(&p.Player, "player", 1, maxPlayerID), wire.Int(&p.Score, "score", 0, MaxScore),
			wire.Int(&p.X, "x", 0, coarseW), wire.Int(&p.Y, "y", 0, coarseH))
		switch {
		case err != nil:
			f.Fail(fmt.Errorf("players[%d]: %w", i, err))
		case p.Player == 0: // a missing id reads as 0
			f.Fail(fmt.Errorf("players[%d]: player: missing", i))
		case i > 0 && p.Player <= m.Players[i-1].Player:
			f.Fail(fmt.Errorf("players[%d]: player %d out of order", i, p.Player))
		}
		if f.Err() != nil {
			break
		}
		m.Players = append(m.Players, p)
	}
	return f.Done()
}

func (m *SpawnNearMsg) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.Player))
}
func (m *SpawnNearMsg) DecodeBody(d *msgpack.Decoder) error {
	if err := wire.DecodeInts(d, wire.Int(&m.Player, "player", 1, maxPlayerID)); err != nil {
		return err
	}
	if m.Player == 0 { // a missing field reads as zero, and 0 is never a player
		return errors.New("player: missing")
	}
	return nil
}

func (m *HitMsg) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.By), int64(m.Victim), int64(m.Points))
}
func (m *HitMsg) DecodeBody(d *msgpack.Decoder) error {
	err := wire.DecodeInts(d, wire.Int(&m.By, "by", 1, maxPlayerID), wire.Int(&m.Victim, "victim", 1, maxPlayerID),
		wire.Int(&m.Points, "points", 0, HitLoss))
	if err != nil {
		return err
	}
	if m.By == 0 || m.Victim == 0 {
		return errors.New("by, victim: missing")
	}
	return nil
}

// Messages declares the arena's messages.
func (Game) Messages() wire.MessageSet { return Messages }

// Messages is the arena's message set (also what the client decodes with).
var Messages = wire.MessageSet{
	{Op: OpStandings, Name: "standings", Dir: wire.ToClient, New: func() wire.Message { return &StandingsMsg{} }},
	{Op: OpSpawnNear, Name: "spawnnear", Dir: wire.ToServer, New: func() wire.Message { return &SpawnNearMsg{} }},
	{Op: OpHit, Name: "hit", Dir: wire.ToClient, New: func() wire.Message { return &HitMsg{} }},
}

// Receive applies a player's message: a spawn near a friend, honoured in the player's first ticks.
func (Game) Receive(s *State, _ uint32, from sim.PlayerID, m wire.Message) {
	switch m := m.(type) {
	case *SpawnNearMsg:
		s.spawnNear(from, m.Player)
	}
}

// Events hands the room the events of the last ticks.
func (Game) Events(s *State, dst []wire.Event) []wire.Event {
	dst = append(dst, s.Out...)
	clear(s.Out)
	s.Out = s.Out[:0]
	return dst
}

// Standings returns the room's standings now: every player in id order, with its score and coarse
// position, and the round.
func (s *State) Standings() *StandingsMsg {
	m := &StandingsMsg{Round: s.Round, Left: s.Clock, Winner: s.Winner, WinScore: s.WinScore,
		Players: make([]Standing, len(s.Players))}
	for i, p := range s.Players {
		m.Players[i] = Standing{Player: p.ID, Score: p.Score, X: coarse(p.X), Y: coarse(p.Y)}
	}
	return m
}

// coarse returns a position in fixed-point units as pixels divided by Coarse, rounded.
func coarse(v int32) int32 { return (v/One + Coarse/2) / Coarse }
