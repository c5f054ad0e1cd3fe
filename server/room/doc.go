// Package room runs game rooms: each room is one goroutine that owns the game state and steps it at a
// fixed rate.
//
// Start with [For], which turns a game into a [Factory], and [Factory.New], which makes a [Room] to
// Run. Everything reaches a room through bounded buffers that are drained once per tick: joins and
// leaves through a control channel sized so it never blocks, inputs through a ring per seat that holds
// each input until the tick it is for (one per tick, at most Config.InputLead ticks ahead; see
// input.go). Everything leaves through the [Peer] interface, which must never
// block, so a slow client cannot delay the tick or anyone else. Time reaches the room as an argument
// ([Stepper.Advance]); only Run reads the clock.
package room
