// Package replaytest holds what the tests of replay playback share (the page's, in internal/e2e,
// and the app's, in wasmclient/app): the arena's state at a tick of a recording, as
// shared/replay's Replayer computes it, to compare with what the page draws.
package replaytest

import (
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/replay"
)

// ArenaPlayersAt replays the arena recording rec to tick and returns each player's field (for
// example arena.PlayerScore or arena.PlayerX) there, by player id.
func ArenaPlayersAt(t testing.TB, rec *replay.Recording, tick uint32, field int) map[uint32]int32 {
	t.Helper()
	p, err := replay.NewReplayer(replay.Game[arena.State, arena.Input](arena.Game{}), rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Seek(tick); err != nil {
		t.Fatal(err)
	}
	out := map[uint32]int32{}
	for _, e := range p.Entities(nil) {
		if e.Kind == arena.KindPlayer {
			out[uint32(e.ID)] = e.Field(field)
		}
	}
	return out
}
