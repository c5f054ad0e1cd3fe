package lobby

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Rooms that move. A room is not tied to the node that opened it:
//
//   - Handoff (a node draining, or an operator naming a room): the room stops at a tick boundary
//     (room.Freeze), its capture goes to the least-loaded live node hosting the game at the same
//     state version (cluster.Node.Handoff, NATS request/reply), which restores it and takes its
//     directory entry over (Adopt, below); then every client of the room is redirected there
//     (room.Moved) and resumes its seat with its token. If anything fails the room plays on here
//     (room.Thaw) and drains the old way.
//   - Recovery (a node that died): every room checkpoints itself (Config.CheckpointInterval) into
//     the cluster's checkpoint bucket; when its node's registry entry expires, the janitor node
//     sends each checkpoint to a live node the same way, marked Recovered. The room rolls back at
//     most one interval; its clients, failing to reach the dead node, come home, present their
//     tokens, and are sent to the new owner (resume, in cluster.go, answers 4017 "try again"
//     while a checkpoint waits to be restored).
//
// A resume token names the node that signed it, but the room's new owner honours it: a room open
// here is resumed here whatever node the token names.

// handoffParallel is how many rooms one node hands off at once.
const handoffParallel = 8

// ErrNoTarget is returned by Handoff when no live node hosts the room's game at this node's state
// version and is not draining: the room stays here.
var ErrNoTarget = errors.New("lobby: no other node can take the room (none live, not draining, with the same game version)")

// ErrNotOpen is returned by Handoff for a room that is not open on this node.
var ErrNotOpen = errors.New("lobby: the room is not open on this node")

// Handoff moves the named room to another node and returns that node's id. The room plays on here
// when it fails.
func (l *Lobby) Handoff(ctx context.Context, game, name string) (string, error) {
	n := l.node.Load()
	if n == nil {
		return "", errors.New("lobby: not started")
	}
	l.mu.Lock()
	e := l.open[roomKey{game, name}]
	l.mu.Unlock()
	if e == nil {
		return "", fmt.Errorf("%w: room %q of %q", ErrNotOpen, name, game)
	}
	return l.handoff(ctx, n, e)
}

// HandoffAll moves every room of this node to other nodes, a few at a time, and returns how many
// moved and the errors of those that did not (they play on here).
func (l *Lobby) HandoffAll(ctx context.Context) (moved int, err error) {
	n := l.node.Load()
	if n == nil {
		return 0, errors.New("lobby: not started")
	}
	l.mu.Lock()
	rooms := make([]*entry, 0, len(l.open))
	for _, e := range l.open {
		rooms = append(rooms, e)
	}
	l.mu.Unlock()
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	slots := make(chan struct{}, handoffParallel)
	for _, e := range rooms {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			_, err := l.handoff(ctx, n, e)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("room %s/%s: %w", e.key.game, e.key.name, err))
			} else {
				moved++
			}
		})
	}
	wg.Wait()
	return moved, errors.Join(errs...)
}

// handoff moves e to the least-loaded node that can take it.
func (l *Lobby) handoff(ctx context.Context, n *cluster.Node, e *entry) (string, error) {
	start := time.Now()
	target, ok := n.PlaceAdoption(e.key.game, l.games[e.key.game].Info().StateVersion)
	if !ok {
		return "", ErrNoTarget
	}
	c, err := e.room.Freeze(ctx)
	if err != nil {
		return "", err
	}
	data, err := c.Marshal()
	if err != nil {
		e.room.Thaw()
		return "", fmt.Errorf("lobby: capture room %q: %w", e.key.name, err)
	}
	if err := n.Handoff(ctx, target.ID, e.key.game, e.key.name, data); err != nil {
		e.room.Thaw()
		return "", err
	}
	l.mu.Lock()
	e.moved = true    // its checkpoint is the new owner's now
	e.released = true // and so is its directory entry
	l.mu.Unlock()
	e.room.Moved(target.URL)
	// Wait for the room to have sent its clients there: a shutdown that follows must not close
	// them first (with 1001, which sends them back to a lobby instead of to their room).
	select {
	case <-e.ended:
	case <-ctx.Done():
	}
	l.cfg.Logger.Info("room handed off", "game", e.key.game, "room", e.key.name, "to", target.ID,
		"players", len(c.Seats), "tick", c.Tick, "bytes", len(data), "took", time.Since(start))
	return target.ID, nil
}

// Adopt implements cluster.Adopter: it restores the room a capture describes, takes its directory
// entry over from the node it comes from, and runs it here. A refusal is a *wire.CloseError.
func (l *Lobby) Adopt(ctx context.Context, a cluster.Adoption) error {
	n := l.node.Load()
	if n == nil {
		return wire.Closef(wire.CloseServerFull, "the server is starting; try again")
	}
	c, err := room.UnmarshalCapture(a.Capture)
	if err != nil {
		return wire.Closef(wire.CloseMalformed, "bad capture: %v", err)
	}
	if c.Game != a.Game || c.Room != a.Room {
		return wire.Closef(wire.CloseMalformed, "the capture is of %s/%s, not %s/%s", c.Game, c.Room, a.Game, a.Room)
	}
	f, ok := l.games[c.Game]
	if !ok {
		return wire.Closef(wire.CloseUnknownGame, "no game %q on this server", truncate(c.Game, 32))
	}
	key := roomKey{c.Game, c.Room}
	l.mu.Lock()
	switch {
	case l.stopped || l.draining:
		l.mu.Unlock()
		return wire.Closef(wire.CloseServerFull, "this server is shutting down: it takes no room")
	case l.open[key] != nil || l.opening[key] != nil:
		l.mu.Unlock()
		return wire.Closef(wire.CloseServerError, "room %q is already open on this server", truncate(c.Room, 32))
	case len(l.open)+len(l.opening) >= l.cfg.MaxRooms:
		l.mu.Unlock()
		return wire.Closef(wire.CloseServerFull, "the server has its maximum of %d rooms open", l.cfg.MaxRooms)
	}
	done := make(chan struct{})
	l.opening[key] = done
	l.adopting.Add(1) // Wait waits for it: once the entry is taken over, the room must run
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.opening, key)
		close(done)
		l.mu.Unlock()
		l.adopting.Done()
	}()

	e := l.newEntry(key, c.Private)
	l.mu.Lock()
	cfg := e.config(l, n) // counts the room as opened
	l.mu.Unlock()
	cfg.Recovered = a.Recovered // its players are told how far it went back; it waits for them
	fail := func(ce *wire.CloseError) error {
		l.mu.Lock()
		l.cfg.Observer.RoomClosed(key.game)
		l.mu.Unlock()
		return ce
	}
	r, err := f.Restore(cfg, c)
	if errors.Is(err, room.ErrCaptureVersion) {
		return fail(wire.Closef(wire.CloseBadVersion, "%v", err))
	} else if err != nil {
		return fail(wire.Closef(wire.CloseMalformed, "cannot restore room %q: %v", truncate(c.Room, 32), err))
	}
	e.room, e.max, e.maxWatch = r, r.Config().MaxPlayers, r.Config().MaxSpectators
	for _, s := range c.Seats {
		e.taken[s.Player] = true
		e.nextID = max(e.nextID, s.Player+1)
	}
	err = n.TakeOver(ctx, cluster.RoomInfo{Game: c.Game, Name: c.Room, Players: len(e.taken), Seats: e.max,
		MaxSpectators: e.maxWatch, Private: c.Private, Auto: !c.Private}, a.From)
	if err != nil {
		var claimed *cluster.ClaimedError
		if errors.As(err, &claimed) {
			return fail(wire.Closef(wire.CloseServerError, "cannot take room %q over: node %s holds it", truncate(c.Room, 32), claimed.Room.Node))
		}
		return fail(wire.Closef(wire.CloseServerError, "cannot take room %q over: %v", truncate(c.Room, 32), err))
	}
	// The entry is this node's: the room runs here, whatever happens now (Adopter's contract). A
	// Wait that began meanwhile waits for this adoption before it waits for the rooms, so the room
	// joins them and stops with them.
	l.mu.Lock()
	defer l.mu.Unlock()
	l.start(e)
	l.cfg.Observer.Seats(key.game, len(e.taken))
	how := "handed off"
	if a.Recovered {
		how = "recovered from its checkpoint"
	}
	l.cfg.Logger.Info("room adopted: "+how, "game", c.Game, "room", c.Room, "from", a.From, "players", len(c.Seats), "tick", c.Tick)
	return nil
}

// newEntry returns the lobby's record of a room key about to open here (its room not yet made).
func (l *Lobby) newEntry(key roomKey, private bool) *entry {
	return &entry{key: key, private: private, taken: map[sim.PlayerID]bool{}, nextID: 1, holds: map[string]time.Time{},
		ended: make(chan struct{})}
}

// config is the configuration of e's room: the lobby's, with the callbacks that keep the lobby's
// count, the directory and the checkpoints current. It counts the room as opened for the observer.
// l.mu is held.
func (e *entry) config(l *Lobby, n *cluster.Node) room.Config {
	key := e.key
	cfg := l.roomConfig()
	cfg.Name, cfg.Private = key.name, e.private
	cfg.Record = l.records(key.game)
	cfg.SignToken = l.signToken(n)
	if n != nil {
		cfg.Node = n.ID()
	}
	cfg.OnLeave = func(id sim.PlayerID) { l.leave(key, e, id) }
	cfg.OnSpectatorLeave = func() { l.unwatch(e) }
	cfg.OnClose = func(error) { l.closed(key, e) }
	cfg.Observer = l.cfg.Observer.RoomOpened(key.game)
	if l.cfg.CheckpointInterval > 0 {
		cfg.CheckpointEvery = l.cfg.CheckpointInterval
		cfg.OnCheckpoint = func(data []byte) {
			l.mu.Lock()
			over := e.dropped || e.moved // its last player left in this very step, or it moved
			l.mu.Unlock()
			if !over {
				n.Checkpoint(key.game, key.name, data)
			}
		}
	}
	return cfg
}

// records reports whether rooms of game record their matches (Config.Record, RecordGames).
func (l *Lobby) records(game string) bool {
	return l.cfg.Record && (len(l.cfg.RecordGames) == 0 || slices.Contains(l.cfg.RecordGames, game))
}

// start records e, whose room is made, as open and runs it. l.mu is held.
func (l *Lobby) start(e *entry) {
	l.open[e.key] = e
	l.wg.Go(func() { _ = e.room.Run(l.ctx) })
	l.publish(e)
}

// dropCheckpoint forgets the checkpoint of a room that ended here for good (not one that moved to
// another node, whose owner writes it now). l.mu is held.
func (l *Lobby) dropCheckpoint(e *entry) {
	if n := l.node.Load(); n != nil && !e.moved && !e.dropped {
		e.dropped = true
		n.DropCheckpoint(e.key.game, e.key.name)
	}
}
