// Package testserver runs the real server with the test game (internal/testgame) on a loopback
// port, for the tests of packages that play against a server: the client's, the tools'.
package testserver

import (
	"testing"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
)

// Start runs the real server hosting testgame.Game until the test ends and returns its /ws URL.
func Start(t testing.TB) string {
	t.Helper()
	_, addr := servertest.Start(t, server.Config{}, room.For[testgame.State, int8](testgame.Game{}))
	return "ws://" + addr + "/ws"
}
