package pong

import (
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Step advances pong by one tick: paddles follow their players' inputs, the countdown and the pause
// after a point run down, and a ball in play moves, bounces off the top and bottom walls and the
// paddles, or leaves the field and scores. inputs is sorted by player; a player without an entry
// keeps still. A match paused for an absent player (see [Game.Away]), and the countdown after the
// player is back, hold the ball and the clocks still; the paddles still move.
func (Game) Step(s *State, _ uint32, inputs []sim.Input[Input]) {
	j := 0
	for i := range s.Paddles {
		p := &s.Paddles[i]
		for j < len(inputs) && inputs[j].Player < p.ID {
			j++
		}
		var in Input
		if j < len(inputs) && inputs[j].Player == p.ID {
			in = inputs[j].Input
		}
		movePaddle(p, in)
		if p.Emote > 0 {
			p.Emote--
		}
	}
	switch {
	case s.Paused():
		return
	case s.Hold > 0:
		s.Hold--
		return
	}
	switch s.Phase {
	case Countdown, Point:
		if s.Timer--; s.Timer <= 0 {
			s.serve()
		}
	case Playing:
		s.moveBall()
	}
}

// movePaddle moves a paddle at a speed proportional to the input, keeping it on the field.
func movePaddle(p *Paddle, in Input) {
	v := sim.Clamp(int32(in.Move), -maxInput, maxInput) * PaddleSpeed / maxInput
	y := sim.Clamp(p.Y+v, PaddleHalfH, Height-PaddleHalfH)
	p.VY, p.Y = y-p.Y, y
}

// startIfReady starts the countdown once both players are ready; after a finished match that is a
// rematch from 0–0. The first serve goes to a random side.
func (s *State) startIfReady() {
	if len(s.Paddles) < MaxPlayers {
		return
	}
	for _, p := range s.Paddles {
		if !p.Ready {
			return
		}
	}
	for i := range s.Paddles {
		s.Paddles[i].Ready = false
	}
	s.Score, s.Forfeit = [2]int32{}, false
	s.Phase, s.Timer = Countdown, CountdownTicks
	s.Serve = 1
	if s.Rng.Intn(2) == 0 {
		s.Serve = -1
	}
	s.park()
}

// serve puts the ball in play from the middle, toward the side Serve says, at a random angle.
func (s *State) serve() {
	s.Phase, s.Timer = Playing, 0
	s.Ball = Ball{X: Width / 2, Y: Height / 2, VX: s.Serve * ServeSpeed, VY: s.Rng.Range(-ServeSpeed/2, ServeSpeed/2)}
}

func (s *State) moveBall() {
	b := &s.Ball
	prevX := b.X
	b.X += b.VX
	b.Y += b.VY
	switch {
	case b.Y < BallRadius:
		b.Y, b.VY = 2*BallRadius-b.Y, -b.VY
	case b.Y > Height-BallRadius:
		b.Y, b.VY = 2*(Height-BallRadius)-b.Y, -b.VY
	}
	if b.VX < 0 {
		s.hit(Left, prevX)
	} else {
		s.hit(Right, prevX)
	}
	switch {
	case b.X < -BallRadius:
		s.score(Right)
	case b.X > Width+BallRadius:
		s.score(Left)
	}
}

// hit returns the ball from the paddle on side if, in this tick, the ball's leading edge crossed
// the paddle's face within the paddle's reach. The further from the paddle's centre it hits, the
// steeper it leaves; every hit makes it faster, up to MaxSpeed.
func (s *State) hit(side Side, prevX int32) {
	p := s.PaddleOn(side)
	if p == nil {
		return
	}
	b := &s.Ball
	var crossed bool
	face := PaddleX(side)
	if side == Left {
		face += PaddleHalfW
		crossed = prevX-BallRadius >= face && b.X-BallRadius < face
	} else {
		face -= PaddleHalfW
		crossed = prevX+BallRadius <= face && b.X+BallRadius > face
	}
	const reach = PaddleHalfH + BallRadius
	dy := b.Y - p.Y
	if !crossed || dy < -reach || dy > reach {
		return
	}
	speed := min(abs(b.VX)+SpeedUp, MaxSpeed)
	if side == Left {
		b.X, b.VX = face+BallRadius, speed
	} else {
		b.X, b.VX = face-BallRadius, -speed
	}
	// The paddle's own movement adds a little spin.
	b.VY = sim.Clamp(dy*MaxSpin/reach+p.VY/4, -MaxSpin, MaxSpin)
}

// score gives side a point: a pause and a serve toward the side that conceded, or the end of the
// match.
func (s *State) score(side Side) {
	s.Score[side]++
	s.Out = append(s.Out, wire.Event{Msg: &PointMsg{Side: side, Left: s.Score[Left], Right: s.Score[Right]}})
	s.park()
	s.Serve = 1
	if side == Right {
		s.Serve = -1
	}
	if s.Score[side] >= WinScore {
		s.Phase, s.Timer = Over, 0
		s.Out = append(s.Out, wire.Event{Msg: &OverMsg{Winner: side, Left: s.Score[Left], Right: s.Score[Right]}})
		return
	}
	s.Phase, s.Timer = Point, PointTicks
}

func abs(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
