// Package arena is the shared half of tickwire's demo game: a top-down arena where players steer
// discs, dash into each other and collect orbs while drones wander.
//
// Everything here is pure and deterministic (fixed-point positions in 1/256 pixel, integer maths,
// randomness from a seeded generator in the state), so the server and the browser step it
// identically. [Game] implements sim.Game and wire.InputCodec; the client half that draws it lives in
// wasmclient/games/arena.
//
// Start with step.go ([Game.Step]): movement, contacts, orbs, and the round's clock (a round of
// [RoundTicks]; the top score wins it and every score restarts). A dash that strikes a player
// knocks up to [HitLoss] of its points loose as orbs beside it (hit, in step.go; compensate.go
// judges a dash where its player saw the others). messages.go holds the arena's own messages: the
// room-wide [StandingsMsg] every [StandingsEvery] ticks (the leaderboard and minimap, which a
// player's snapshots cannot give: they hold only what it sees, interest.go), the kill feed's
// [HitMsg], and [SpawnNearMsg] for a player who followed a friend's invite link.
package arena
