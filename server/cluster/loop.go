package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/tickwire/tickwire/shared/wire"
)

// watch keeps one bucket's part of the view current. It loads every entry into a fresh map, swaps
// it in when the initial values are all in (the watcher's nil entry), then applies each change as it
// comes. After a reconnect (rewatch) or a broken watch it starts over, so entries that expired or
// were lost while the node was away do not linger. ready receives once, after the first load.
func (n *Node) watch(kv jetstream.KeyValue, slot int, apply func(fresh bool, e jetstream.KeyValueEntry), ready chan<- struct{}) {
	defer n.wg.Done()
	first := true
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			select {
			case <-n.ctx.Done():
				return
			case <-time.After(backoff(attempt-1, n.cfg.ReconnectWait, n.cfg.MaxReconnectWait)):
			}
		}
		w, err := kv.WatchAll(n.ctx)
		if err != nil {
			if n.ctx.Err() == nil {
				n.log.Warn("cluster: watch", "bucket", kv.Bucket(), "err", err)
			}
			continue
		}
		attempt = 0
		loaded := false
		apply(true, nil) // start a fresh map
	entries:
		for {
			select {
			case <-n.ctx.Done():
				w.Stop()
				return
			case <-n.rewatch[slot]:
				break entries
			case e, ok := <-w.Updates():
				if !ok {
					break entries
				}
				if e == nil {
					if !loaded {
						loaded = true
						apply(false, nil) // swap the fresh map in
						if first {
							first = false
							ready <- struct{}{}
						}
					}
					continue
				}
				apply(!loaded, e)
			}
		}
		w.Stop()
	}
}

// applyNode applies a registry entry. With fresh it goes to the map being loaded (a nil entry starts
// that map); a nil entry without fresh swaps the loaded map in.
func (n *Node) applyNode(fresh bool, e jetstream.KeyValueEntry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case e == nil && fresh:
		n.loadingNodes = map[string]NodeInfo{}
		return
	case e == nil:
		now := time.Now()
		for id, ni := range n.v.nodes {
			if _, ok := n.loadingNodes[id]; !ok {
				n.v.left(ni, now) // expired while the watch was away
			}
		}
		n.v.nodes, n.loadingNodes = n.loadingNodes, nil
		n.v.forget()
		return
	}
	m := n.v.nodes
	if fresh {
		m = n.loadingNodes
	}
	var ni NodeInfo
	if e.Operation() != jetstream.KeyValuePut {
		if old, ok := m[e.Key()]; ok && !fresh {
			n.v.left(old, time.Now())
		}
		delete(m, e.Key())
		if !fresh {
			n.v.forget()
		}
		return
	}
	if err := json.Unmarshal(e.Value(), &ni); err != nil || ni.ID != e.Key() {
		n.log.Warn("cluster: ignoring a bad node entry", "key", e.Key(), "err", err)
		delete(m, e.Key())
		return
	}
	m[e.Key()] = ni
	delete(n.v.gone, ni.ID)
	n.v.reported(ni.ID)
}

// applyRoom applies a directory entry, as applyNode does. A change to a room this node owns that it
// did not write (a purge by another node, another owner) makes the loop check that room.
func (n *Node) applyRoom(fresh bool, e jetstream.KeyValueEntry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case e == nil && fresh:
		n.loadingRooms, n.loadingRevs = map[string]RoomInfo{}, map[string]uint64{}
		return
	case e == nil:
		n.v.rooms, n.roomRevs = n.loadingRooms, n.loadingRevs
		n.loadingRooms, n.loadingRevs = nil, nil
		// Rooms this node owns are in the view whatever the bucket said: a missing or foreign entry
		// is for the loop to check and rewrite.
		for k, o := range n.owned {
			if r, ok := n.v.rooms[k]; !ok || r.Node != n.cfg.ID {
				o.check = true
				n.wake()
			}
			n.v.rooms[k] = o.info
		}
		return
	}
	rooms, revs := n.v.rooms, n.roomRevs
	if fresh {
		rooms, revs = n.loadingRooms, n.loadingRevs
	}
	key := e.Key()
	var r RoomInfo
	ok := e.Operation() == jetstream.KeyValuePut
	if ok {
		if err := json.Unmarshal(e.Value(), &r); err != nil || roomKey(r.Game, r.Name) != key || r.Node == "" {
			n.log.Warn("cluster: ignoring a bad room entry", "key", key, "err", err)
			ok = false
		}
	}
	if o, mine := n.owned[key]; mine && !fresh && e.Revision() > o.rev && (!ok || r.Node != n.cfg.ID) {
		o.check = true
		n.wake()
		return // keep showing this node's room until the loop has settled it
	}
	if !ok {
		delete(rooms, key)
		delete(revs, key)
		return
	}
	if o, mine := n.owned[key]; mine && !fresh && r.Node == n.cfg.ID {
		// The echo of this node's own write: the view keeps the newest info (UpdateRoom's), which
		// the echo of an earlier write would otherwise replace until the next write.
		r = o.info
	}
	rooms[key], revs[key] = r, e.Revision()
}

// loop publishes this node's entry every RefreshInterval (and at once when it starts draining),
// writes changed rooms at most once per RoomUpdateInterval each, settles rooms whose entry may not be
// theirs any more, and purges the rooms of dead nodes if this node is the janitor.
func (n *Node) loop() {
	defer n.wg.Done()
	refresh := time.NewTicker(n.cfg.RefreshInterval)
	defer refresh.Stop()
	rooms := time.NewTicker(n.cfg.RoomUpdateInterval)
	defer rooms.Stop()
	lastDraining := false
	needBuckets := false
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-refresh.C:
			n.restorePrevious()
			if needBuckets {
				needBuckets = n.ensureBucketsLogged()
			}
			n.putNodeLogged()
			n.sweep(time.Now())
		case <-n.resync:
			needBuckets = n.ensureBucketsLogged()
			n.putNodeLogged()
			n.mu.Lock()
			for _, o := range n.owned {
				o.check = true
			}
			n.mu.Unlock()
			n.writeRooms(time.Now())
		case <-n.kick:
			n.mu.Lock()
			d := n.draining
			n.mu.Unlock()
			if d != lastDraining {
				lastDraining = d
				n.putNodeLogged()
			}
			n.writeRooms(time.Now())
		case now := <-rooms.C:
			n.writeRooms(now)
		}
	}
}

// ensureBucketsLogged makes sure the buckets exist and reports whether it must be tried again.
func (n *Node) ensureBucketsLogged() bool {
	err := n.ensureBuckets()
	if err != nil && n.ctx.Err() == nil {
		n.log.Warn("cluster: recreate buckets", "err", err)
	}
	return err != nil
}

func (n *Node) putNodeLogged() {
	if !n.nc.IsConnected() {
		return // the reconnect writes it at once
	}
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	defer cancel()
	if err := n.putNode(ctx); err != nil && n.ctx.Err() == nil {
		n.log.Warn("cluster: refresh node entry", "err", err)
	}
}

// putNode writes this node's registry entry; each write starts its TTL again.
func (n *Node) putNode(ctx context.Context) error {
	n.mu.Lock()
	ni := NodeInfo{ID: n.cfg.ID, URL: n.cfg.PublicURL, Load: n.load, Draining: n.draining,
		Protocol: n.cfg.Protocol, Games: n.cfg.Games}
	n.mu.Unlock()
	data, _ := json.Marshal(ni)
	_, err := n.nodes.Put(ctx, n.cfg.ID, data)
	return err
}

// writeRooms writes each owned room that changed and was not written within RoomUpdateInterval, and
// settles each room marked for a check. While NATS is unreachable it writes nothing, and the first
// write that fails for want of NATS ends the round: every write would wait RequestTimeout in vain,
// and the loop would stop refreshing the node's own entry meanwhile.
func (n *Node) writeRooms(now time.Time) {
	if !n.nc.IsConnected() {
		return
	}
	type job struct {
		key   string
		info  RoomInfo
		rev   uint64
		check bool
	}
	var jobs []job
	n.mu.Lock()
	for k, o := range n.owned {
		if o.check || o.dirty && now.Sub(o.lastWrite) >= n.cfg.RoomUpdateInterval {
			jobs = append(jobs, job{k, o.info, o.rev, o.check})
			o.dirty, o.check, o.lastWrite = false, false, now
		}
	}
	n.mu.Unlock()
	for i, j := range jobs {
		ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
		var rev uint64
		var err error
		if j.check {
			rev, err = n.settle(ctx, j.key, j.info)
		} else {
			data, _ := json.Marshal(j.info)
			rev, err = n.rooms.Update(ctx, j.key, data, j.rev)
		}
		cancel()
		n.mu.Lock()
		o, still := n.owned[j.key]
		switch {
		case !still:
			// released meanwhile
		case errors.Is(err, errLost):
			delete(n.owned, j.key)
			// The view shows the winner's entry from now on: it kept this node's until the loop
			// settled the room, and the watcher sends nothing new for an entry it already applied.
			var l *lostError
			if errors.As(err, &l) && l.room.Node != "" {
				n.v.rooms[j.key], n.roomRevs[j.key] = l.room, l.rev
			}
			n.mu.Unlock()
			n.log.Warn("cluster: room taken over by another node while this one was away", "room", j.key)
			if n.cfg.OnRoomLost != nil {
				n.cfg.OnRoomLost(j.info.Game, j.info.Name, lostTo(err))
			}
			continue
		case errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyNotFound):
			o.check = true // someone else wrote it: read it on the next round
		case err != nil:
			// NATS, not the entry, failed: put this job and the rest back for the next round.
			for _, r := range jobs[i:] {
				if o, ok := n.owned[r.key]; ok {
					o.check = o.check || r.check
					o.dirty = o.dirty || !r.check
				}
			}
			n.mu.Unlock()
			if n.ctx.Err() == nil {
				n.log.Warn("cluster: write room entry", "room", j.key, "err", err)
			}
			return
		default:
			o.rev = rev
		}
		n.mu.Unlock()
	}
}

var errLost = errors.New("cluster: room lost")

type lostError struct {
	winner string
	room   RoomInfo // the winner's entry, and its revision (when read)
	rev    uint64
}

func (e *lostError) Error() string        { return "cluster: room lost to node " + e.winner }
func (e *lostError) Is(target error) bool { return target == errLost }

func lostTo(err error) string {
	var l *lostError
	if errors.As(err, &l) {
		return l.winner
	}
	return ""
}

// settle makes key's entry say info again when it is gone or still this node's, and returns its new
// revision; when another live claim holds it, it returns a *lostError.
func (n *Node) settle(ctx context.Context, key string, info RoomInfo) (uint64, error) {
	data, _ := json.Marshal(info)
	for range 3 {
		e, err := n.rooms.Get(ctx, key)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			rev, err := n.rooms.Create(ctx, key, data)
			if errors.Is(err, jetstream.ErrKeyExists) {
				continue
			}
			return rev, err
		}
		if err != nil {
			return 0, err
		}
		var held RoomInfo
		if json.Unmarshal(e.Value(), &held) == nil && held.Node != n.cfg.ID {
			return 0, &lostError{winner: held.Node, room: held, rev: e.Revision()}
		}
		rev, err := n.rooms.Update(ctx, key, data, e.Revision())
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue
		}
		return rev, err
	}
	return 0, errors.New("cluster: room entry keeps changing")
}

// settleTime is how long after this node (re)connects to NATS it judges no node dead: a live node
// cut off with it re-registers within its reconnect wait and a refresh, and an entry that expired
// meanwhile takes NodeTTL to show.
func (n *Node) settleTime() time.Duration {
	return n.cfg.NodeTTL + n.cfg.MaxReconnectWait + n.cfg.RefreshInterval
}

// sweep handles the rooms of nodes missing from the view, when this node is the janitor: the live
// node with the lowest id, connected to NATS for settleTime at least. A room of a node this view saw leave is handled at once, one of a node
// never seen once it has been orphaned for OrphanGrace. Each goes to a goroutine (recoverRoom), at
// most MaxInFlight/2 at once, so that a slow recovery holds up neither the others nor the loop (which
// must keep refreshing this node's entry); the rest wait for the next sweep. Views can disagree for
// a moment, so two nodes may handle the same room; each purge names the revision it saw and each
// take-over is conditional, so the second is refused and a newer claim of the name is never removed.
// Every quarter of StaleCheckpointAge the janitor also looks for stale checkpoints.
func (n *Node) sweep(now time.Time) {
	type job struct {
		r     RoomInfo
		rev   uint64
		dead  NodeInfo
		known bool
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.v.forgetGone(now, n.cfg.DeadNodeMemory)
	orphans := n.v.orphans(now, n.cfg.OrphanGrace)
	if now.Sub(n.connectedSince) < n.settleTime() {
		// Just (re)connected: every node missing from the view may be a live node still on its way
		// back (after a NATS restart, all of them are), so nobody is judged dead until a live node
		// has had the time to register again.
		orphans = nil
	}
	for k, rev := range n.recovering {
		if cur, ok := n.roomRevs[k]; !ok || cur != rev {
			delete(n.recovering, k) // the entry changed: the mark has done its work
		}
	}
	janitor := true
	for id := range n.v.nodes {
		if id < n.cfg.ID {
			janitor = false
		}
	}
	var jobs []job
	for _, r := range orphans {
		if r.Node == n.cfg.ID {
			// This node's own entry expired while it was away: its rooms are its to rewrite.
			janitor = false
		}
		key := roomKey(r.Game, r.Name)
		rev := n.roomRevs[key]
		if done, ok := n.recovering[key]; ok && done == rev {
			continue
		}
		g, known := n.v.gone[r.Node]
		jobs = append(jobs, job{r, rev, g.info, known})
	}
	if !janitor {
		return
	}
	for _, j := range jobs {
		select {
		case n.recoverSlots <- struct{}{}:
		default:
			return // the rest at the next sweep
		}
		n.recovering[roomKey(j.r.Game, j.r.Name)] = j.rev
		n.wg.Add(1)
		go n.recoverRoom(j.r, j.rev, j.dead, j.known)
	}
	if !n.staleRunning && now.Sub(n.lastStaleCheck) >= n.cfg.StaleCheckpointAge/4 {
		n.staleRunning, n.lastStaleCheck = true, now
		n.wg.Add(1)
		go n.sweepCheckpoints(now)
	}
}

// recoverRoom brings back room r of a dead node (dead, its last entry, when known): from its
// checkpoint, through an adopt request (From the dead node, Recovered) to PlaceAdoption's node, or
// to this node when no other is eligible (through NATS too: one path). A room without a checkpoint,
// or that no node adopts, is purged (at the revision the sweep saw) with its checkpoint. A failure
// to read the checkpoint is left for the next sweep. Each call is bounded by RequestTimeout.
func (n *Node) recoverRoom(r RoomInfo, rev uint64, dead NodeInfo, known bool) {
	defer n.wg.Done()
	defer func() { <-n.recoverSlots }()
	key := roomKey(r.Game, r.Name)
	data, err := n.LoadCheckpoint(n.ctx, r.Game, r.Name)
	switch {
	case errors.Is(err, ErrNoCheckpoint):
		n.purgeOrphan(r, rev, false)
		return
	case err != nil:
		n.retryRecovery(key, rev, "cluster: read a dead node's checkpoint", r.Node, err)
		return
	}
	target, why := n.recoveryTarget(r.Game, dead, known)
	if target != "" {
		err := n.adopt(n.ctx, target, Adoption{Game: r.Game, Room: r.Name, From: r.Node, Recovered: true, Capture: data, Revision: rev})
		if err == nil {
			n.mu.Lock()
			delete(n.recoverTries, key)
			n.mu.Unlock()
			n.log.Info("cluster: a dead node's room recovered", "room", key, "dead", r.Node, "node", target)
			return
		}
		why = fmt.Sprintf("node %s did not adopt it: %v", target, err)
		if passing(err) && n.tryAgain(key) {
			// Busy, starting, draining since the view saw it, or slow: the next sweep tries again,
			// perhaps elsewhere (a few times: then the room is given up as below).
			n.retryRecovery(key, rev, "cluster: a dead node's room not adopted yet", r.Node, err)
			return
		}
	}
	if n.ctx.Err() == nil {
		n.log.Warn("cluster: a dead node's room is not recovered", "room", key, "dead", r.Node, "why", why)
	}
	n.purgeOrphan(r, rev, true)
}

// recoveryTarget returns the node to adopt a dead node's room of game, or "" and why there is none.
func (n *Node) recoveryTarget(game string, dead NodeInfo, known bool) (string, string) {
	if !known {
		return "", "its node was never seen live here, so its state version is unknown"
	}
	version, ok := dead.Games[game]
	if !ok {
		return "", fmt.Sprintf("its node %s did not publish a state version of %s", dead.ID, game)
	}
	if ni, ok := n.PlaceAdoption(game, version); ok {
		return ni.ID, ""
	}
	n.mu.Lock()
	draining := n.draining
	n.mu.Unlock()
	if v, ok := n.cfg.Games[game]; ok && v == version && !draining {
		return n.cfg.ID, ""
	}
	return "", fmt.Sprintf("no live node hosts %s at state version %d", game, version)
}

// purgeOrphan removes a dead node's room entry, at the revision rev the sweep saw, and with
// dropCheckpoint its checkpoint too, unless the entry changed (a newer claim, or an adoption that
// went through late): then both stay.
func (n *Node) purgeOrphan(r RoomInfo, rev uint64, dropCheckpoint bool) {
	key := roomKey(r.Game, r.Name)
	ctx, cancel := context.WithTimeout(n.ctx, n.cfg.RequestTimeout)
	defer cancel()
	err := n.rooms.Purge(ctx, key, jetstream.LastRevision(rev), jetstream.PurgeTTL(roomMarkerTTL))
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || isWrongLastSeq(err) {
		return
	}
	if err != nil {
		n.retryRecovery(key, rev, "cluster: purge a dead node's room", r.Node, err)
		return
	}
	if dropCheckpoint {
		if err := n.ckpts.Purge(ctx, key, jetstream.PurgeTTL(roomMarkerTTL)); err != nil && n.ctx.Err() == nil {
			n.log.Warn("cluster: drop a dead node's checkpoint", "room", key, "err", err)
		}
	}
}

// retryRecovery logs a failure to recover or purge room key (at revision rev) of node, for want of
// NATS, and unmarks it so that the next sweep tries again.
// recoveryTries is how many sweeps in a row may find no node adopting a dead node's room for a
// passing reason before the room is given up.
const recoveryTries = 10

// passing reports whether an adoption failed for a reason that may pass: a busy, starting or
// draining node, or no answer in time.
func passing(err error) bool {
	if ce, ok := wire.AsCloseError(err); ok {
		return ce.Code == wire.CloseServerFull || ce.Code == wire.CloseServerError
	}
	return errors.Is(err, ErrTimeout) || errors.Is(err, ErrNodeUnreachable)
}

// tryAgain counts a passing failure to recover key and reports whether another sweep may try.
func (n *Node) tryAgain(key string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.recoverTries[key]++
	if n.recoverTries[key] > recoveryTries {
		delete(n.recoverTries, key)
		return false
	}
	return true
}

func (n *Node) retryRecovery(key string, rev uint64, msg, node string, err error) {
	if n.ctx.Err() == nil {
		n.log.Warn(msg, "room", key, "node", node, "err", err)
	}
	n.mu.Lock()
	if n.recovering[key] == rev {
		delete(n.recovering, key)
	}
	n.mu.Unlock()
}
