package main

import (
	"cmp"
	"slices"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games"
)

// Each game registers itself from a file of its own (game_NAME.go), so adding a game to the server
// adds a file and edits none.

// defaultGame is the game a hello without a game name plays: declared once, in shared/games,
// for the server and the client.
const defaultGame = games.Default

var registered []room.Factory

// register adds a game; it is called from init functions.
func register(f room.Factory) { registered = append(registered, f) }

// hostedGames returns the registered games, the default first, then by name.
func hostedGames() []room.Factory {
	games := slices.Clone(registered)
	slices.SortFunc(games, func(a, b room.Factory) int {
		an, bn := a.Info().Name, b.Info().Name
		if (an == defaultGame) != (bn == defaultGame) {
			if an == defaultGame {
				return -1
			}
			return 1
		}
		return cmp.Compare(an, bn)
	})
	return games
}
