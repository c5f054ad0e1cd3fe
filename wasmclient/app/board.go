package app

import (
	"slices"
	"sync/atomic"

	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// boardView keeps the scores a game shows while playing ([Scorer]: its leaderboard) for
// DebugJSON, which runs on another goroutine: the game loop notes them after each Update, and
// publishes a copy only when they changed.
type boardView struct {
	scores []Score
	last   []Score
	shown  atomic.Pointer[[]netclient.DebugPlayer]
}

// note takes the game's scores, if it keeps any.
func (b *boardView) note(game any) {
	s, ok := game.(Scorer)
	if !ok {
		return
	}
	b.scores = s.Scores(b.scores[:0])
	if slices.Equal(b.scores, b.last) && b.shown.Load() != nil {
		return
	}
	b.last = append(b.last[:0], b.scores...)
	board := make([]netclient.DebugPlayer, len(b.scores))
	for i, s := range b.scores {
		board[i] = netclient.DebugPlayer{ID: uint32(s.Player), Name: s.Name, Score: s.Score}
	}
	b.shown.Store(&board)
}

// load returns the scores last noted, or nil.
func (b *boardView) load() []netclient.DebugPlayer {
	if p := b.shown.Load(); p != nil {
		return *p
	}
	return nil
}
