// Package replay records a room's match and plays it back with the game's own code: a file holds
// the room's starting state, a keyframe of the whole state every few seconds, and per tick exactly
// what the room applied (joins and leaves, game messages, the inputs Step got), so that replaying
// it reproduces every tick bit for bit. docs/REPLAY.md documents the file format.
//
// Start with [NewWriter]: a room writes a [Header] and its first [Keyframe], then one [Tick] per
// step and a keyframe every [Header.KeyframeEvery] ticks, and [Writer.Close] returns the file, one
// zstd frame. [Read] turns a file back into a [Recording], refusing anything malformed, another
// format, or more than [MaxDecompressed] bytes. [NewReplayer] steps a recording with the game
// (play, pause, [Replayer.Seek] to any tick from the nearest keyframe), and [Check] replays it whole
// and compares the state with every keyframe: the determinism guard, and what
// `go tool mage replay-check FILE` runs on a bug report.
//
// The package is pure Go with no server and no Ebiten import: the browser plays replays with it,
// and its tests also run as js/wasm under Node.
package replay
