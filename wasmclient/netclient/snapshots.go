package netclient

import (
	"time"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// maxQueued bounds the snapshots kept for TakeSnapshots: a page whose game loop stopped (a hidden
// tab) does not pile them up.
const maxQueued = 64

// TakeSnapshots implements [netcode.Link]: it appends the snapshots received since the last call
// (full ones, and deltas rebuilt on their baseline), oldest first, and returns dst. It keeps the
// newest 64; older ones not taken in time are counted in View.DroppedSnapshots.
func (c *Client[I]) TakeSnapshots(dst []netcode.Snapshot) []netcode.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	dst = append(dst, c.snaps...)
	clear(c.snaps)
	c.snaps = c.snaps[:0]
	return dst
}

// received makes a reconstructed snapshot the newest state, queues it for TakeSnapshots and keeps it
// as a possible baseline.
func (c *Client[I]) received(tables *netcode.Baselines, tick, ack uint32, ents []sim.Entity, check uint32, size int) {
	tables.Add(tick, ents)
	now := time.Now()
	c.mu.Lock()
	c.view.Tick, c.view.Ack, c.view.Entities = tick, ack, ents
	c.view.Snapshots++
	c.view.SnapshotBytes += int64(size)
	c.view.Received = now
	if len(c.snaps) == maxQueued {
		copy(c.snaps, c.snaps[1:])
		c.snaps = c.snaps[:maxQueued-1]
		c.view.DroppedSnapshots++
	}
	c.snaps = append(c.snaps, netcode.Snapshot{Tick: tick, Ack: ack, Entities: ents, At: now, Check: check})
	c.sampleGraph(now)
	c.mu.Unlock()
}
