package pong

import (
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// One is one pixel in pong's fixed-point units.
const One = 256

// Timing, dimensions and tuning, in fixed-point units and ticks at [TickRate].
const (
	Name         = "pong"
	TickRate     = 60
	SnapshotRate = 30
	MaxPlayers   = 2

	Width  = 960 * One
	Height = 600 * One

	PaddleHalfH = 50 * One // half the paddle's height
	PaddleHalfW = 7 * One  // half its width
	PaddleInset = 40 * One // from the side wall to the paddle's centre
	PaddleSpeed = 9 * One  // per tick at full input
	BallRadius  = 9 * One

	ServeSpeed = 6 * One  // horizontal speed of a served ball
	SpeedUp    = One / 2  // added to the horizontal speed by every paddle hit
	MaxSpeed   = 15 * One // horizontal speed cap: less than the paddle's width plus the ball's, per tick
	// MaxSpin is the vertical speed of a ball that hits the paddle's very edge.
	MaxSpin = 8 * One

	WinScore       = 7
	CountdownTicks = 90 // before a serve, after both players are ready
	PointTicks     = 60 // the pause after a point
	EmoteCooldown  = 60 // ticks between two emotes of one player
	ResumeTicks    = 90 // the countdown before a paused match plays on, once the absent player is back
	NumEmotes      = 4
	maxInput       = 127

	// StateVersion numbers the meaning of pong's entities (sim.Info.StateVersion). 1: a paddle's
	// away deadline and the world's hold and forfeit fields (the presence hook).
	StateVersion = 1
)

// Phase is where a match is.
type Phase int32

const (
	Waiting   Phase = iota // fewer than two players
	Ready                  // two players; each must say ready
	Countdown              // both ready: the ball is served when Timer runs out
	Playing                // the ball is in play
	Point                  // a point was scored: the next serve comes when Timer runs out
	Over                   // someone reached WinScore, or the opponent left; both must say ready for a rematch
)

// Side is a paddle's side of the field.
type Side int32

const (
	Left Side = iota
	Right
)

// Input is what a player does in one tick: move the paddle up (negative) or down, −127 to 127.
type Input struct {
	Move int8
}

// Paddle is a player's paddle.
type Paddle struct {
	ID    sim.PlayerID
	Side  Side
	Y     int32 // centre
	VY    int32 // how far it moved in the last tick
	Ready bool
	// Emote counts the ticks until the player may emote again.
	Emote int32
	// Away is, while the player's connection is lost, the tick at which the seat's grace runs out
	// (the player then leaves); 0 while the player is here. See [Game.Away].
	Away int32
}

// Ball is the ball.
type Ball struct {
	X, Y, VX, VY int32
}

// State is a room of pong. Out holds the events for clients not yet handed to the room: it is not
// part of the entities, because the room takes it after every tick.
type State struct {
	Rng     sim.Rand
	Phase   Phase
	Timer   int32 // ticks left in Countdown or Point
	Score   [2]int32
	Serve   int32    // the direction of the next serve: -1 toward the left, 1 toward the right
	Paddles []Paddle // sorted by ID; at most two
	Ball    Ball
	// Hold counts down the ticks before a match that was paused for an absent player plays on
	// (ResumeTicks when the player is back); 0 when nothing holds the match.
	Hold int32
	// Forfeit says the match in phase Over ended because a player left it, not by the score.
	Forfeit bool
	Out     []wire.Event
}

// Game is pong's sim.Game, wire.InputCodec and room.Messenger.
type Game struct{}

// Info describes pong to the toolkit.
func (Game) Info() sim.Info {
	return sim.Info{Name: Name, TickRate: TickRate, SnapshotRate: SnapshotRate, MaxPlayers: MaxPlayers, Schema: Schema,
		StateVersion: StateVersion}
}

// NewState returns an empty field with the ball parked in the middle.
func (Game) NewState(seed uint64) State {
	s := State{Rng: sim.NewRand(seed), Serve: 1}
	s.park()
	return s
}

// Join gives a new player the free side. A third player (which the toolkit's two seats prevent)
// gets no paddle. A second player starts a new match.
func (Game) Join(s *State, id sim.PlayerID) {
	if len(s.Paddles) >= MaxPlayers || s.Paddle(id) != nil {
		return
	}
	side := Left
	if len(s.Paddles) == 1 && s.Paddles[0].Side == Left {
		side = Right
	}
	p := Paddle{ID: id, Side: side, Y: Height / 2}
	i := 0
	for i < len(s.Paddles) && s.Paddles[i].ID < id {
		i++
	}
	s.Paddles = append(s.Paddles, Paddle{})
	copy(s.Paddles[i+1:], s.Paddles[i:])
	s.Paddles[i] = p
	s.reset()
}

// Leave removes a player's paddle. A player who leaves a match under way (counting down, in play,
// after a point, or paused for them) forfeits it: the one who stays wins, the scores stand, and
// the match is Over with an [OverMsg] that says so. Outside a match the room starts afresh.
func (Game) Leave(s *State, id sim.PlayerID) {
	for i := range s.Paddles {
		if s.Paddles[i].ID != id {
			continue
		}
		side := s.Paddles[i].Side
		s.Paddles = append(s.Paddles[:i], s.Paddles[i+1:]...)
		if s.InMatch() && len(s.Paddles) == 1 {
			s.forfeit(1 - side)
			return
		}
		s.reset()
		return
	}
}

// InMatch reports whether a match is under way: counting down, in play or after a point.
func (s *State) InMatch() bool { return s.Phase == Countdown || s.Phase == Playing || s.Phase == Point }

// Paused reports whether a match under way stands still because a player is away.
func (s *State) Paused() bool {
	if !s.InMatch() {
		return false
	}
	for _, p := range s.Paddles {
		if p.Away != 0 {
			return true
		}
	}
	return false
}

// forfeit ends the match under way: winner wins because the other side left.
func (s *State) forfeit(winner Side) {
	s.Phase, s.Timer, s.Hold, s.Forfeit = Over, 0, 0, true
	for i := range s.Paddles {
		s.Paddles[i].Ready = false
	}
	s.park()
	s.Out = append(s.Out, wire.Event{Msg: &OverMsg{Winner: winner, Left: s.Score[Left], Right: s.Score[Right], Forfeit: true}})
}

// Away implements sim.Presence: the player's connection is lost and the seat is held until
// tick+grace. A match under way pauses at once (the ball and the clocks stand still; the other
// paddle may still move) until the player is back, or leaves and forfeits it.
func (Game) Away(s *State, tick uint32, id sim.PlayerID, grace uint32) {
	p := s.Paddle(id)
	if p == nil {
		return
	}
	p.Away = int32(min(uint64(tick)+uint64(max(grace, 1)), 1<<31-1))
}

// Back implements sim.Presence: the player is back. A paused match plays on after ResumeTicks,
// once nobody is away.
func (Game) Back(s *State, _ uint32, id sim.PlayerID) {
	p := s.Paddle(id)
	if p == nil || p.Away == 0 {
		return
	}
	p.Away = 0
	if s.InMatch() && !s.Paused() {
		s.Hold = ResumeTicks
	}
}

// Paddle returns the paddle of player id, or nil.
func (s *State) Paddle(id sim.PlayerID) *Paddle {
	for i := range s.Paddles {
		if s.Paddles[i].ID == id {
			return &s.Paddles[i]
		}
	}
	return nil
}

// PaddleOn returns the paddle on side, or nil.
func (s *State) PaddleOn(side Side) *Paddle {
	for i := range s.Paddles {
		if s.Paddles[i].Side == side {
			return &s.Paddles[i]
		}
	}
	return nil
}

// reset starts a new match: scores zero, nobody ready, the ball parked.
func (s *State) reset() {
	s.Score = [2]int32{}
	s.Timer, s.Hold, s.Forfeit = 0, 0, false
	for i := range s.Paddles {
		s.Paddles[i].Ready = false
	}
	s.Phase = Waiting
	if len(s.Paddles) == MaxPlayers {
		s.Phase = Ready
	}
	s.park()
}

// park puts the ball still in the middle.
func (s *State) park() { s.Ball = Ball{X: Width / 2, Y: Height / 2} }

// PaddleX returns the x of the centre of the paddle on side.
func PaddleX(side Side) int32 {
	if side == Left {
		return PaddleInset
	}
	return Width - PaddleInset
}
