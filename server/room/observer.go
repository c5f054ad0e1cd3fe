package room

import "time"

// Observer is told how a room's ticks go, for metrics (server/metrics implements it). Its methods are
// called from the room's goroutine, once per step, and must not block.
type Observer interface {
	// Tick reports one step and how long it took. late is true when the step ran as a catch-up, after
	// another step in the same wake: the room's goroutine woke more than half a period late.
	Tick(d time.Duration, late bool)
	// Missed reports steps skipped because the room fell more than MaxCatchUp steps behind: the game
	// ran slower than real time.
	Missed(n int)
	// InputsIgnored reports inputs received since the last step that were not applied: late ones,
	// for a tick already stepped, and duplicates, for a tick that already had an input. It is called
	// only when there were some.
	InputsIgnored(late, duplicate int)
}

type nopObserver struct{}

func (nopObserver) Tick(time.Duration, bool) {}
func (nopObserver) Missed(int)               {}
func (nopObserver) InputsIgnored(int, int)   {}
