// Package games names the game a server plays and a client shows when a hello or the page's
// address names none: the one declaration that the server's registration
// (server/cmd/tickwire/games.go) and the client's (wasmclient/games.go) both read.
package games

import "github.com/tickwire/tickwire/shared/games/arena"

// Default is the game played when none is named: the arena demo.
const Default = arena.Name
