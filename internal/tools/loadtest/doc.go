// Package loadtest plays many bots against a tickwire server and measures what the server does
// while it holds them.
//
// Start with [Run]. Each bot is a real client: it uses netclient and the netcode's Driver, the same
// native client code as the game (the handshake, one input per tick stamped with the tick it is for,
// acknowledgements, every snapshot decoded and checked against the schema), and a [Bot] that plays
// the way a player does (the arena's [Brain]: wandering, turning, heading for orbs, dashing).
//
// With Config.Lean (the command's default against a server it starts) a bot plays over the load
// tester's own lean WebSocket client (leanclient.go, leanconn.go) instead of netclient's: the same
// netcode driver stamps its inputs and wire's encoder encodes them, every snapshot is decoded and
// checked, but each group of 64 bots is driven by one goroutine that reads and writes their
// sockets without waiting, so that a bot costs less than what the server spends on it. Lean bots
// do not reconnect nor follow a cluster's redirects.
//
// Bots dial at a given rate into a number of rooms, hold for a while, then leave;
// [Run] returns a [Summary] of what the bots saw (connections, snapshot rate, bytes each way, and
// the node each plays on: against a cluster, where placement and redirects put them) and,
// given a [Probe], what the server did (tick time, late and missed ticks, CPU, peak memory, CCU per
// core).
//
// [StartServer] runs a server binary as a separate process on loopback with its admin listener on,
// so that its CPU time and memory are read from its own /proc entry, apart from the bots'. The
// command internal/tools/cmd/loadtest, which `go tool mage loadtest` builds and runs, puts it together.
//
// Bots play any game registered with [Register] (from a file of its own, game_NAME.go, which `go
// tool mage new` writes), the default game (the arena) unless Config.Game names another. netlab
// plays the same declarations.
package loadtest
