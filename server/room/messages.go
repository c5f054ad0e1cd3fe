package room

import (
	"errors"
	"fmt"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Messenger is implemented by a game that has messages of its own besides the per-tick input: one-off
// commands from players (ready, serve, chat) and events for clients (a point was scored). The room
// finds it on the game with a type assertion; a game without it takes no game ops.
//
// Delivery is deterministic: the room applies messages at the start of a tick, before Step, players
// in id order and each player's messages in the order they arrived, so a room's history is a pure
// function of its joins, inputs and messages.
type Messenger[S any] interface {
	// Messages declares the game's messages (see [wire.MessageSet]).
	Messages() wire.MessageSet
	// Receive applies a message that player from sent, one declared [wire.ToServer]. Like Step it
	// must be deterministic and must not block.
	Receive(s *S, tick uint32, from sim.PlayerID, m wire.Message)
	// Events appends the events that Receive and Step produced since the last call to dst, and
	// forgets them. The room calls it after every step and sends each event, reliably and in order,
	// before the tick's snapshot. Every event's op must be declared [wire.ToClient].
	Events(s *S, dst []wire.Event) []wire.Event
}

// messenger returns the game's Messenger, or nil. It panics if the game declares its messages
// badly: that is a bug in the game, found when the game is registered.
func messenger[S, I any](g Game[S, I]) Messenger[S] {
	m, ok := any(g).(Messenger[S])
	if !ok {
		return nil
	}
	if err := m.Messages().Check(); err != nil {
		panic(fmt.Sprintf("room: game %q: %v", g.Info().Name, err))
	}
	return m
}

// Message decodes a game message from the seat's player and queues it for the next tick. A refusal
// is a *wire.CloseError: 4002 for an op the game does not take from clients, 4001 for a body that is
// not the message, 1008 for more than Config.MessageQueue messages between two ticks, 4012 from a
// spectator.
func (s *seat[S, I]) Message(f wire.Frame) error {
	if s.spectator {
		return errSpectator
	}
	r := s.room
	if r.msgr == nil {
		return wire.Closef(wire.CloseUnknownOp, "unknown op %d: game %s has no messages of its own", uint8(f.Op), r.info.Name)
	}
	m, err := r.msgs.Decode(f, wire.ToServer)
	if errors.Is(err, wire.ErrUnknownOp) {
		return wire.Closef(wire.CloseUnknownOp, "%v", err)
	} else if err != nil {
		return wire.Closef(wire.CloseMalformed, "bad game message: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.messages) >= r.cfg.MessageQueue {
		return wire.Closef(wire.ClosePolicy, "too many game messages in one tick (more than %d)", r.cfg.MessageQueue)
	}
	s.messages = append(s.messages, m)
	return nil
}

// receive hands every queued message to the game, in player order, then arrival order.
func (r *room[S, I]) receive(tick uint32) {
	if r.msgr == nil {
		return
	}
	for _, s := range r.seats {
		s.mu.Lock()
		r.inbox = append(r.inbox[:0], s.messages...)
		clear(s.messages)
		s.messages = s.messages[:0]
		s.mu.Unlock()
		for _, m := range r.inbox {
			r.recordMessage(s.id, m)
			r.msgr.Receive(&r.state, tick, s.id, m)
		}
	}
	clear(r.inbox)
}

// sendEvents sends the events the game produced this tick.
func (r *room[S, I]) sendEvents() {
	if r.msgr == nil {
		return
	}
	r.events = r.msgr.Events(&r.state, r.events[:0])
	for _, ev := range r.events {
		if t, ok := r.msgs.Lookup(ev.Msg.Op()); !ok || t.Dir&wire.ToClient == 0 {
			panic(fmt.Sprintf("game event with op %d, which the game does not declare as server → client", uint8(ev.Msg.Op())))
		}
		frame, err := wire.Encode(bufpool.Get(), ev.Msg)
		if err != nil {
			panic(fmt.Sprintf("encoding game event %s: %v", ev.Msg.Op(), err))
		}
		r.deliver(frame, ev.To)
	}
	clear(r.events)
}

// deliver sends a reliable frame to player to, or to everyone in the room, spectators included, when
// to is 0. It takes ownership of frame.
func (r *room[S, I]) deliver(frame []byte, to sim.PlayerID) {
	peers := r.peers[:0]
	for _, s := range r.seats {
		if to == 0 || s.id == to {
			peers = append(peers, s.peer)
		}
	}
	if to == 0 {
		for _, s := range r.watchers {
			peers = append(peers, s.peer)
		}
	}
	r.peers = peers
	defer clear(r.peers)
	if len(peers) == 0 {
		bufpool.Put(frame)
		return
	}
	for i, p := range peers {
		b := frame
		if i < len(peers)-1 {
			b = append(bufpool.Get(), frame...)
		}
		p.Send(b)
	}
}
