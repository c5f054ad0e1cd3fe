package loadtest

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Bot plays one player of a game, deterministically for its seed.
type Bot[I any] interface {
	// Think returns the input to hold until the bot next thinks, and any game messages to send now.
	// me is the bot's own entity, or nil before a snapshot holds it; ents is everything it sees.
	Think(me *sim.Entity, ents []sim.Entity) (I, []wire.Message)
}

// Game declares a game to the load tester (from a file of its own, game_NAME.go, as the server
// and the client register theirs; `go tool mage new` writes one): its shared half and its bot.
// netlab plays the same declarations.
type Game[S, I any] struct {
	// Shared is the game's shared half: the rules and its input's codec, as a room runs it.
	Shared room.Game[S, I]
	// Messages declares the game's own messages; nil for a game without any.
	Messages wire.MessageSet
	// Bot returns the bot of a player, from its seed.
	Bot func(seed uint64) Bot[I]
}

var runners = map[string]func(context.Context, Config) (Summary, error){}

// Register adds a game; it is called from init functions.
func Register[S, I any](g Game[S, I]) {
	name := g.Shared.Info().Name
	if _, dup := runners[name]; dup {
		panic("loadtest: game " + name + " registered twice")
	}
	runners[name] = func(ctx context.Context, cfg Config) (Summary, error) { return run(ctx, cfg, g) }
}

// Games returns the names of the games registered, sorted.
func Games() []string { return slices.Sorted(maps.Keys(runners)) }

func runner(name string) (func(context.Context, Config) (Summary, error), error) {
	r, ok := runners[name]
	if !ok {
		return nil, fmt.Errorf("loadtest has no game %q (it has %v)", name, Games())
	}
	return r, nil
}

// find returns the entity with id in ents.
func find(ents []sim.Entity, id sim.EntityID) (sim.Entity, bool) {
	for _, e := range ents {
		if e.ID == id {
			return e, true
		}
	}
	return sim.Entity{}, false
}

// toward is a bot's full-stick move along one axis toward a target d position units away: none
// within a few units, so that a bot on its target does not jitter.
func toward(d int32) int8 {
	switch {
	case d > 4*256:
		return 127
	case d < -4*256:
		return -127
	}
	return 0
}
