package netcode

import "github.com/tickwire/tickwire/shared/sim"

// Baselines keeps the last snapshots a client received, by tick, for the deltas to come: the server
// encodes a delta against the newest snapshot the client acknowledged, which is never older than
// the server's own history of 32. The zero value is ready; tick 0 is never a baseline.
type Baselines struct {
	ticks [32]uint32
	ents  [32][]sim.Entity
	next  int
}

// Add keeps ents as the snapshot of tick, in place of the oldest kept. ents then belongs to b.
func (b *Baselines) Add(tick uint32, ents []sim.Entity) {
	b.ticks[b.next], b.ents[b.next] = tick, ents
	b.next = (b.next + 1) % len(b.ticks)
}

// Find returns the snapshot of tick, if it is still kept.
func (b *Baselines) Find(tick uint32) ([]sim.Entity, bool) {
	for i, t := range b.ticks {
		if t == tick && tick != 0 {
			return b.ents[i], true
		}
	}
	return nil, false
}
