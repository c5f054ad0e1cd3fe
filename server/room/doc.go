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
//
// A room can leave its server whole. [Room.Freeze] stops it between two ticks and returns its
// [Capture]; [Capture.Marshal] and [UnmarshalCapture] carry it to another server, where
// [Factory.Restore] makes a room that steps on from the next tick, its seats held for their players
// to resume with the tokens they hold; then [Room.Moved] redirects the old room's clients there (or
// [Room.Thaw] lets it play on). With Config.CheckpointEvery a room also captures itself regularly
// for Config.OnCheckpoint, to come back after a crash. See capture.go, restore.go and freeze.go; a
// game keeps state outside its entities with a [StateKeeper], and says what its captures mean with
// sim.Info.StateVersion.
//
// With Config.Record a room records what it applies, tick by tick, into replay files
// (shared/replay's format) that it hands to Config.OnReplay; see record.go.
package room
