package room

import (
	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Spectators watch a room: they get the welcome (player 0, spectator), the roster, the game's events
// for everyone and the snapshots, but take no seat, are not in the game's state and may send nothing
// but pings. Their number is limited apart from the seats (Config.MaxSpectators).

// errSpectator refuses an input or a game message from a spectator. (The gateway refuses them before
// they reach the seat; this is the seat's own guard.)
var errSpectator = wire.Closef(wire.CloseSpectator, "spectators send no input and no game messages")

func (r *room[S, I]) Watch(name string, p Peer) Seat {
	s := &seat[S, I]{room: r, name: name, peer: p, spectator: true}
	r.control <- control[S, I]{join: true, seat: s}
	return s
}

func (r *room[S, I]) addWatcher(s *seat[S, I]) {
	if s.left.Load() {
		r.freeWatcher()
		return
	}
	r.watchers = append(r.watchers, s)
	s.joined = true
	r.roster = true // the newcomer needs the roster too
	s.peer.Send(r.welcome(s))
	r.cfg.Logger.Info("spectator joined", "name", s.name, "spectators", len(r.watchers))
}

func (r *room[S, I]) removeWatcher(s *seat[S, I]) {
	if !s.joined {
		return // its arrival is still queued; addWatcher will see it left
	}
	for i, x := range r.watchers {
		if x == s {
			r.watchers = append(r.watchers[:i], r.watchers[i+1:]...)
			break
		}
	}
	s.joined = false
	r.cfg.Logger.Info("spectator left", "name", s.name, "spectators", len(r.watchers))
	r.freeWatcher()
}

func (r *room[S, I]) freeWatcher() {
	if r.cfg.OnSpectatorLeave != nil {
		r.cfg.OnSpectatorLeave()
	}
}

// sendSpectatorSnapshot sends the tick's state to every spectator, acknowledging no input. It encodes
// the state itself rather than sharing the players' encoding, so the players' snapshot path can
// change (to deltas against what each player acknowledged) without touching this one.
func (r *room[S, I]) sendSpectatorSnapshot(tick uint32, all []sim.Entity) {
	if len(r.watchers) == 0 {
		return
	}
	var err error
	if r.watchRaw, err = wire.AppendEntities(r.watchRaw[:0], all); err != nil {
		panic(err)
	}
	for _, s := range r.watchers {
		s.peer.SendSnapshot(wire.AppendSnapshot(bufpool.Get(), tick, 0, r.watchRaw))
	}
}
