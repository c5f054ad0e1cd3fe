package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ErrNoCheckpoint is what LoadCheckpoint returns for a room with no checkpoint in the bucket.
var ErrNoCheckpoint = errors.New("cluster: no checkpoint for this room")

// checkpointOp is the latest thing to do with one room's checkpoint: write data, or delete it.
// A newer op replaces an older one not yet done, so only the latest capture is ever written.
type checkpointOp struct {
	data []byte
	drop bool
}

// Checkpoint records data as the latest capture of room of game, for crash recovery: the node's
// checkpoint writer puts it in the <prefix>_checkpoints bucket as soon as it can. It never blocks
// (the room's goroutine calls it): a capture not yet written is replaced by the newer one, each
// room has at most one write in flight, and while NATS is unreachable nothing is written and only
// the latest capture of each room is kept. data is kept, not copied: do not change it afterwards.
// A capture larger than the NATS server's MaxPayload is not written (and logged).
func (n *Node) Checkpoint(game, room string, data []byte) {
	if err := checkRoom(game, room); err != nil {
		n.log.Warn("cluster: checkpoint refused", "err", err)
		return
	}
	if mp := n.nc.MaxPayload(); mp > 0 && int64(len(data)) > mp {
		n.log.Warn("cluster: checkpoint larger than NATS allows in one message: not written",
			"room", roomKey(game, room), "bytes", len(data), "max_payload", mp)
		return
	}
	n.queueCheckpoint(roomKey(game, room), checkpointOp{data: data})
}

// DropCheckpoint deletes the checkpoint of room of game (the room closed for good), without
// blocking: a write of it not yet done is cancelled, and the delete follows any write in flight.
// Do not call it for a room handed off: its key is the room's, now written by its new owner.
func (n *Node) DropCheckpoint(game, room string) {
	if checkRoom(game, room) != nil {
		return // no such key can exist
	}
	n.queueCheckpoint(roomKey(game, room), checkpointOp{drop: true})
}

// LoadCheckpoint returns the latest checkpoint of room of game in the bucket, or ErrNoCheckpoint.
// It waits at most Config.RequestTimeout (or ctx's earlier deadline).
func (n *Node) LoadCheckpoint(ctx context.Context, game, room string) ([]byte, error) {
	if err := checkRoom(game, room); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.RequestTimeout)
	defer cancel()
	e, err := n.ckpts.Get(ctx, roomKey(game, room))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, fmt.Errorf("%w: %s", ErrNoCheckpoint, roomKey(game, room))
	}
	if err != nil {
		return nil, fmt.Errorf("cluster: load checkpoint %s: %w", roomKey(game, room), err)
	}
	return e.Value(), nil
}

// cancelCheckpoint forgets a write of key's checkpoint not yet done (the room moved: its new owner
// writes the key from now on).
func (n *Node) cancelCheckpoint(key string) {
	n.ckMu.Lock()
	delete(n.ckPending, key)
	n.ckMu.Unlock()
}

func (n *Node) queueCheckpoint(key string, op checkpointOp) {
	n.ckMu.Lock()
	n.ckPending[key] = op
	n.ckMu.Unlock()
	select {
	case n.ckKick <- struct{}{}:
	default:
	}
}

// nextCheckpoint takes one pending op off the map.
func (n *Node) nextCheckpoint() (string, checkpointOp, bool) {
	n.ckMu.Lock()
	defer n.ckMu.Unlock()
	for k, op := range n.ckPending {
		delete(n.ckPending, k)
		return k, op, true
	}
	return "", checkpointOp{}, false
}

// requeueCheckpoint puts back an op that failed, unless a newer one for its key came meanwhile.
func (n *Node) requeueCheckpoint(key string, op checkpointOp) {
	n.ckMu.Lock()
	if _, newer := n.ckPending[key]; !newer {
		n.ckPending[key] = op
	}
	n.ckMu.Unlock()
}

// writeCheckpoints is the checkpoint writer: one goroutine, so each room has at most one write in
// flight and a delete never overtakes a write. It writes whatever is pending when woken, one op at
// a time; while NATS is unreachable it waits for the reconnect (which wakes it), and an op that
// failed for want of NATS stays pending (unless replaced) and is tried again a RefreshInterval later.
func (n *Node) writeCheckpoints() {
	defer n.wg.Done()
	var retry <-chan time.Time
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.ckKick:
		case <-retry:
		}
		retry = nil
		for n.ctx.Err() == nil {
			if !n.nc.IsConnected() {
				retry = time.After(n.cfg.RefreshInterval)
				break
			}
			key, op, ok := n.nextCheckpoint()
			if !ok {
				break
			}
			ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
			var err error
			if op.drop {
				err = n.ckpts.Purge(ctx, key, jetstream.PurgeTTL(roomMarkerTTL))
			} else {
				_, err = n.ckpts.Put(ctx, key, op.data)
			}
			cancel()
			if err == nil || n.ctx.Err() != nil {
				continue
			}
			if !n.nc.IsConnected() || errors.Is(err, context.DeadlineExceeded) {
				n.requeueCheckpoint(key, op)
				retry = time.After(n.cfg.RefreshInterval)
				break
			}
			n.log.Warn("cluster: write checkpoint", "room", key, "drop", op.drop, "err", err)
		}
	}
}

// sweepCheckpoints deletes the checkpoints that have had no room in the directory for
// StaleCheckpointAge (the janitor runs it every quarter of that): a room that closed while its
// last write was in flight, or a dead node's room whose recovery did not happen, would otherwise
// stay in the bucket forever. Listing the keys reads their metadata only, one message per key.
func (n *Node) sweepCheckpoints(now time.Time) {
	defer n.wg.Done()
	defer func() {
		n.mu.Lock()
		n.staleRunning = false
		n.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	defer cancel()
	kl, err := n.ckpts.ListKeys(ctx)
	if err != nil {
		if n.ctx.Err() == nil {
			n.log.Warn("cluster: list checkpoints", "err", err)
		}
		return
	}
	var keys []string
	for k := range kl.Keys() {
		keys = append(keys, k)
	}
	if ctx.Err() != nil {
		return // a partial list: a missing key would wrongly count as fresh
	}
	n.mu.Lock()
	seen := make(map[string]bool, len(keys))
	var stale []string
	for _, k := range keys {
		seen[k] = true
		_, listed := n.v.rooms[k]
		_, recovering := n.recovering[k]
		since, ok := n.staleSince[k]
		switch {
		case listed || recovering:
			delete(n.staleSince, k)
		case !ok:
			n.staleSince[k] = now
		case now.Sub(since) >= n.cfg.StaleCheckpointAge:
			stale = append(stale, k)
			delete(n.staleSince, k)
		}
	}
	for k := range n.staleSince {
		if !seen[k] {
			delete(n.staleSince, k)
		}
	}
	n.mu.Unlock()
	for _, k := range stale {
		if err := n.ckpts.Purge(ctx, k, jetstream.PurgeTTL(roomMarkerTTL)); err != nil && n.ctx.Err() == nil {
			n.log.Warn("cluster: delete a stale checkpoint", "room", k, "err", err)
			return
		}
		n.log.Info("cluster: deleted a stale checkpoint", "room", k)
	}
}
