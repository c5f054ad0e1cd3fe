package loadtest

import (
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Arena declares the arena: its bots wander, seek orbs and dash, with a [Brain].
var Arena = Game[arena.State, arena.Input]{Shared: arena.Game{}, Messages: arena.Messages,
	Bot: func(seed uint64) Bot[arena.Input] { return &arenaBot{NewBrain(seed)} }}

func init() { Register(Arena) }

type arenaBot struct{ brain Brain }

func (b *arenaBot) Think(me *sim.Entity, ents []sim.Entity) (arena.Input, []wire.Message) {
	return b.brain.Think(me, ents), nil
}
