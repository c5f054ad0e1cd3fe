package netlab

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/sim"
)

// Game declares a game to netlab (from a file of its own, game_NAME.go, as the server and the
// client register theirs): how its players play and how to tell a correction the world caused.
type Game[S, I any] struct {
	// Game is the game as the load tester declares it: its shared half (run by the server and
	// predicted by the players), its messages and its bot.
	loadtest.Game[S, I]
	// Predict says whether the players predict their own entity, as the game's client registers.
	Predict bool
	// Unit is how many position units make a pixel, for the report. Defaults to 1.
	Unit float64
	// Contested reports whether a correction of player me, predicted from tick from to tick to,
	// may be the world's doing: another body near, a pickup, a hit, as the server's history shows.
	// Such corrections count as contact; the others as uncontested, which a deterministic game
	// never has. nil: no correction is the world's.
	Contested func(h *History[I], me sim.EntityID, from, to uint32) bool
	// Struck reports whether an input, as the player's own prediction judged it, claims a hit
	// (lag compensation): a correction over it counts as contact. nil: none does.
	Struck func(in I) bool
	// Same reports whether the server stepped the input the player sent for a tick (sent as the
	// player judged it, applied as the server did): when not, the input came late. Defaults to
	// reflect.DeepEqual.
	Same func(sent, applied I) bool
}

var runners = map[string]func(context.Context, Options) (Report, error){}

// Register adds a game; it is called from init functions.
func Register[S, I any](g Game[S, I]) {
	name := g.Shared.Info().Name
	if _, dup := runners[name]; dup {
		panic("netlab: game " + name + " registered twice")
	}
	if g.Unit <= 0 {
		g.Unit = 1
	}
	if g.Same == nil {
		g.Same = func(a, b I) bool { return reflect.DeepEqual(a, b) }
	}
	runners[name] = func(ctx context.Context, opts Options) (Report, error) { return run(ctx, opts, g) }
}

// Games returns the names of the games registered, sorted.
func Games() []string { return slices.Sorted(maps.Keys(runners)) }

func runner(name string) (func(context.Context, Options) (Report, error), error) {
	r, ok := runners[name]
	if !ok {
		return nil, fmt.Errorf("netlab has no game %q (it has %v)", name, Games())
	}
	return r, nil
}
