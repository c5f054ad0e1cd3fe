package loadtest

import (
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Pong declares pong: its bots follow the ball and say ready.
var Pong = Game[pong.State, pong.Input]{Shared: pong.Game{}, Messages: pong.Messages,
	Bot: func(uint64) Bot[pong.Input] { return &pongBot{} }}

func init() { Register(Pong) }

// pongBot follows the ball with its paddle and says ready whenever the match waits for it.
type pongBot struct{}

func (b *pongBot) Think(me *sim.Entity, ents []sim.Entity) (pong.Input, []wire.Message) {
	var in pong.Input
	var msgs []wire.Message
	ball, hasBall := find(ents, pong.BallID)
	world, hasWorld := find(ents, pong.WorldID)
	if me == nil || me.Kind != pong.KindPaddle {
		return in, nil
	}
	if hasBall {
		switch dy := ball.Field(pong.BallY) - me.Field(pong.PaddleY); {
		case dy > pong.PaddleSpeed:
			in.Move = 127
		case dy < -pong.PaddleSpeed:
			in.Move = -127
		}
	}
	if hasWorld && me.Field(pong.PaddleReady) == 0 {
		if ph := pong.Phase(world.Field(pong.WorldPhase)); ph == pong.Ready || ph == pong.Over {
			msgs = append(msgs, &pong.ReadyMsg{})
		}
	}
	return in, msgs
}
