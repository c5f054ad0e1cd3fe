package room

import (
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
)

// Presence. A game that implements sim.Presence hears when a seat's connection drops and when its
// player is back: the room calls Away when a seat enters its grace (resume.go's detach) and Back
// when a new connection resumes it, so that the game can pause for the absent player instead of
// playing on against a paddle nobody holds. Leave follows Away if the grace runs out.
//
// The calls are made once per step, between the tick's arrivals and its messages, for the seats
// whose state changed since the last step, in player order: a seat that drops and is resumed
// within one tick changes nothing. They are recorded (a replay presence record) so that a replay
// makes them at the same point. What the game does with them is in its state, so a capture carries
// it: a seat restored from a capture is away to the game if it was detached when captured, and a
// seat that moved with its room (detached until its player reconnects to the new node) is not
// reported away while it waits for that first resume.

// presenceOf returns the game's sim.Presence, or nil.
func presenceOf[S, I any](g Game[S, I]) sim.Presence[S] {
	p, _ := any(g).(sim.Presence[S])
	return p
}

// syncPresence tells the game which seats went away or came back since the last step. tick is the
// tick about to be stepped.
func (r *room[S, I]) syncPresence(tick uint32) {
	if r.pres == nil {
		return
	}
	for _, s := range r.seats {
		if s.moved || s.detached == s.away {
			continue
		}
		s.away = s.detached
		c := replay.Presence{Player: s.id, Away: s.away}
		if s.away {
			// The seat is released at the step in which graceLeft, counted down once already this
			// step, reaches 0: graceLeft ticks from now.
			c.Grace = uint32(max(s.graceLeft, 1))
			r.pres.Away(&r.state, tick, s.id, c.Grace)
		} else {
			r.pres.Back(&r.state, tick, s.id)
		}
		if r.rec != nil && r.rec.w != nil {
			r.presLog = append(r.presLog, c)
		}
	}
}
