package pong

import (
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
)

// Entity kinds, in schema order.
const (
	KindWorld sim.Kind = iota
	KindPaddle
	KindBall
)

// World fields, in schema order.
const (
	WorldPhase = iota
	WorldTimer
	WorldLeft
	WorldRight
	WorldServe
	WorldRngLo
	WorldRngHi
	WorldHold    // ticks before a match paused for an absent player plays on (State.Hold)
	WorldForfeit // 1: the match Over was forfeited by a player who left
)

// Paddle fields, in schema order.
const (
	PaddleSide = iota
	PaddleY
	PaddleVY
	PaddleReady
	PaddleEmote
	PaddleAway // the tick the absent player's seat is given up at; 0: here (Paddle.Away)
)

// Ball fields, in schema order.
const (
	BallX = iota
	BallY
	BallVX
	BallVY
)

// Entity ids: a paddle's is its player's; the ball and the world have fixed ones.
const (
	BallID  sim.EntityID = 1 << 16
	WorldID sim.EntityID = 1<<24 - 1
)

// Schema describes pong's entities; the index is the kind.
var Schema = sim.Schema{
	KindWorld: {Name: "world", Fields: []sim.FieldSchema{
		{Name: "phase", Min: int32(Waiting), Max: int32(Over)},
		{Name: "timer", Min: 0, Max: max(CountdownTicks, PointTicks)},
		{Name: "left", Min: 0, Max: WinScore},
		{Name: "right", Min: 0, Max: WinScore},
		{Name: "serve", Min: -1, Max: 1},
		{Name: "rngLo", Min: -1 << 31, Max: 1<<31 - 1},
		{Name: "rngHi", Min: -1 << 31, Max: 1<<31 - 1},
		{Name: "hold", Min: 0, Max: ResumeTicks},
		{Name: "forfeit", Min: 0, Max: 1},
	}},
	KindPaddle: {Name: "paddle", Fields: []sim.FieldSchema{
		{Name: "side", Min: int32(Left), Max: int32(Right)},
		{Name: "y", Min: PaddleHalfH, Max: Height - PaddleHalfH, Interp: true},
		{Name: "vy", Min: -PaddleSpeed, Max: PaddleSpeed},
		{Name: "ready", Min: 0, Max: 1},
		{Name: "emote", Min: 0, Max: EmoteCooldown},
		{Name: "away", Min: 0, Max: 1<<31 - 1},
	}},
	KindBall: {Name: "ball", Fields: []sim.FieldSchema{
		{Name: "x", Min: -BallRadius, Max: Width + BallRadius, Interp: true},
		{Name: "y", Min: BallRadius, Max: Height - BallRadius, Interp: true},
		{Name: "vx", Min: -MaxSpeed, Max: MaxSpeed},
		{Name: "vy", Min: -MaxSpin, Max: MaxSpin},
	}},
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// Entities appends the whole state (but the events, which the room has taken) to dst, sorted by id.
func (Game) Entities(s *State, dst []sim.Entity) []sim.Entity {
	for _, p := range s.Paddles {
		dst = append(dst, sim.NewEntity(sim.EntityID(p.ID), KindPaddle, int32(p.Side), p.Y, p.VY, b2i(p.Ready), p.Emote, p.Away))
	}
	b := s.Ball
	dst = append(dst, sim.NewEntity(BallID, KindBall, b.X, b.Y, b.VX, b.VY))
	return append(dst, sim.NewEntity(WorldID, KindWorld, int32(s.Phase), s.Timer, s.Score[Left], s.Score[Right], s.Serve,
		int32(uint32(s.Rng.State)), int32(uint32(s.Rng.State>>32)), s.Hold, b2i(s.Forfeit)))
}

// Restore rebuilds s from entities produced by Entities (or received in a snapshot), checking each
// against the schema and the whole for a consistent match: at most two paddles on different sides,
// one ball, one world.
func (Game) Restore(s *State, ents []sim.Entity) error {
	s.Paddles = s.Paddles[:0]
	s.Out = s.Out[:0]
	var balls, worlds int
	for i := range ents {
		e := &ents[i]
		if err := Schema.Check(e); err != nil {
			return err
		}
		f := &e.Fields
		switch {
		case e.Kind == KindPaddle && e.ID > 0 && e.ID < BallID:
			if n := len(s.Paddles); n > 0 && s.Paddles[n-1].ID >= sim.PlayerID(e.ID) {
				return fmt.Errorf("paddle %d out of order", e.ID)
			}
			if len(s.Paddles) == MaxPlayers || len(s.Paddles) == 1 && s.Paddles[0].Side == Side(f[PaddleSide]) {
				return fmt.Errorf("paddle %d: a third paddle, or two on one side", e.ID)
			}
			s.Paddles = append(s.Paddles, Paddle{ID: sim.PlayerID(e.ID), Side: Side(f[PaddleSide]), Y: f[PaddleY],
				VY: f[PaddleVY], Ready: f[PaddleReady] == 1, Emote: f[PaddleEmote], Away: f[PaddleAway]})
		case e.Kind == KindBall && e.ID == BallID:
			s.Ball = Ball{X: f[BallX], Y: f[BallY], VX: f[BallVX], VY: f[BallVY]}
			balls++
		case e.Kind == KindWorld && e.ID == WorldID:
			s.Phase, s.Timer, s.Serve = Phase(f[WorldPhase]), f[WorldTimer], f[WorldServe]
			s.Score = [2]int32{f[WorldLeft], f[WorldRight]}
			s.Rng.State = uint64(uint32(f[WorldRngLo])) | uint64(uint32(f[WorldRngHi]))<<32
			s.Hold, s.Forfeit = f[WorldHold], f[WorldForfeit] == 1
			worlds++
		default:
			return fmt.Errorf("entity %d: id is not a %s id", e.ID, Schema[e.Kind].Name)
		}
	}
	if balls != 1 || worlds != 1 {
		return fmt.Errorf("incomplete state: %d balls, %d worlds", balls, worlds)
	}
	return nil
}
