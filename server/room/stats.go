package room

import (
	"slices"
	"sync"
	"time"
)

// TickStats summarises how long a room's recent ticks took.
type TickStats struct {
	Ticks   uint64        // ticks recorded since the room opened
	Dropped uint64        // steps skipped because the room fell too far behind
	P50     time.Duration // over the most recent ticks (up to 4096)
	P99     time.Duration
	Max     time.Duration // over all ticks
}

const tickWindow = 4096

type tickRecorder struct {
	mu      sync.Mutex
	ring    [tickWindow]time.Duration
	n       uint64
	max     time.Duration
	dropped uint64
}

func newTickRecorder() *tickRecorder { return &tickRecorder{} }

func (t *tickRecorder) record(d time.Duration) {
	t.mu.Lock()
	t.ring[t.n%tickWindow] = d
	t.n++
	t.max = max(t.max, d)
	t.mu.Unlock()
}

func (t *tickRecorder) setDropped(n uint64) {
	t.mu.Lock()
	t.dropped = n
	t.mu.Unlock()
}

func (t *tickRecorder) stats() TickStats {
	t.mu.Lock()
	window := slices.Clone(t.ring[:min(t.n, tickWindow)])
	st := TickStats{Ticks: t.n, Dropped: t.dropped, Max: t.max}
	t.mu.Unlock()
	if len(window) == 0 {
		return st
	}
	slices.Sort(window)
	st.P50 = window[len(window)*50/100]
	st.P99 = window[min(len(window)*99/100, len(window)-1)]
	return st
}
