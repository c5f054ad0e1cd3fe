// Package sim is the contract between the toolkit and a game: a game is a pure, deterministic step
// function over a state it owns.
//
// Start with [Game]. The toolkit calls Step once per tick with every player's input for that tick; the
// game may not read the clock, do I/O or use global randomness (keep a [Rand] in the state). Anything the
// client predicts must use integer or fixed-point arithmetic, so the server (amd64) and the browser
// (wasm) compute bit-identical results.
//
// The game exposes its state to the network as a table of [Entity] values described once by a
// [Schema]: each entity is an id, a kind, and up to [MaxFields] int32 fields. The toolkit encodes,
// and later diffs and filters, that table without knowing the game.
//
// Optional interfaces a game may add: [Interest] (each player sees part of the state) and
// [Presence] (the game hears when a player's connection drops and comes back).
package sim
