// Package arena is the shared half of tickwire's demo game: a top-down arena where players steer
// discs, dash into each other and collect orbs while drones wander.
//
// Everything here is pure and deterministic (fixed-point positions in 1/256 pixel, integer maths,
// randomness from a seeded generator in the state), so the server and the browser step it
// identically. [Game] implements sim.Game and wire.InputCodec; the client half that draws it lives in
// wasmclient/games/arena.
package arena
