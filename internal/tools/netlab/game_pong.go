package netlab

import (
	"github.com/tickwire/tickwire/internal/tools/loadtest"
	"github.com/tickwire/tickwire/shared/games/pong"
)

// Pong registers as its client does, without prediction: netlab measures its interpolation and
// input timing (its corrections are 0 by construction).
func init() { Register(Game[pong.State, pong.Input]{Game: loadtest.Pong, Unit: pong.One}) }
