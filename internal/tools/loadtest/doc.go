// Package loadtest plays many bots against a tickwire server and measures what the server does
// while it holds them.
//
// Start with [Run]. Each bot is a real client: it uses netclient, the same native client code as the
// game (the handshake, one input per tick with acknowledgements, every snapshot decoded and checked
// against the schema), and a [Brain] that moves it the way a player does: wandering, turning, heading
// for orbs, dashing. Bots dial at a given rate into a number of rooms, hold for a while, then leave;
// [Run] returns a [Summary] of what the bots saw (connections, snapshot rate, bytes each way) and,
// given a [Probe], what the server did (tick time, late and missed ticks, CPU, peak memory, CCU per
// core).
//
// [StartServer] runs a server binary as a separate process on loopback with its admin listener on,
// so that its CPU time and memory are read from its own /proc entry, apart from the bots'. The
// command internal/tools/cmd/loadtest, which `go tool mage loadtest` builds and runs, puts it together.
//
// The package knows the arena: bots play it, the demo game.
package loadtest
