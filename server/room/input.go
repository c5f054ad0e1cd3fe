package room

import (
	"github.com/tickwire/tickwire/shared/wire"
)

// Inputs. A client stamps each input with the tick it is for, a little ahead of the room's, so that
// it arrives before the room steps that tick whatever the network's delay and jitter. The seat holds
// it until then in a ring with one slot per tick, and the room takes exactly that tick's input when
// it steps it: a player gets at most one input per tick however many it sends, and the ticks of a
// player's inputs are the ticks the client predicted them for.
//
// A client may send several consecutive ticks' inputs in one frame (wire.OpInputs, as many as
// the game's sim.Info.InputsPerMessage): the seat holds each in its own slot as if it had come
// alone, so a batch changes how many frames arrive, not how any input is judged.
//
// Bad timing costs the sender alone: an input for a tick already stepped is ignored (late), a second
// input for a tick already held is ignored (duplicate), and one for a tick more than
// Config.InputLead ahead closes the connection (4016): it would need a slot the ring does not have. A tick without an input repeats the last one for up to Config.InputRepeat ticks, then
// gives the zero input, so a lost input costs nothing and a vanished client stands still.

// heldInput is one slot of a seat's ring: an input waiting for its tick.
type heldInput[I any] struct {
	tick   uint32 // the tick it is for; 0 marks an empty slot (the room never steps tick 0)
	seq    uint32
	rewind uint32
	input  I
}

// newInputRing returns a ring for inputs up to lead ticks ahead. Slot tick%len holds tick's input:
// the ticks an input may be for at any moment, the lead ticks after the last one taken, all have
// slots of their own, so the ring never grows and never holds two inputs for one tick.
func newInputRing[I any](lead int) []heldInput[I] { return make([]heldInput[I], lead+1) }

// Input decodes the body of an input frame and holds it for the tick it is for. It runs on the
// connection's goroutine. A refusal is a *wire.CloseError: 4001 for a body that is not an input,
// 4009 for a sequence number that is not newer, 4016 for a tick too far ahead, 4012 from a
// spectator.
func (s *seat[S, I]) Input(body []byte) error {
	if s.spectator {
		return errSpectator
	}
	var h wire.InputHeader
	var in I
	if err := s.decoder.Decode(body, &h, &in); err != nil {
		return wire.Closef(wire.CloseMalformed, "bad input: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.admit(h.Seq, h.Tick); err != nil {
		return err
	}
	s.hold(h, &in)
	return nil
}

// Inputs decodes the body of an inputs frame (several consecutive ticks' inputs, see
// wire.InputBatch) and holds each for the tick it is for, exactly as Input holds one: each entry is
// late, a duplicate or held on its own, and keeps its own rewind. Its refusals are Input's, judged
// for the whole batch before any entry is held: its first sequence number must be newer than the
// last one, its last tick at most Config.InputLead ahead; more than wire.MaxInputsPerMessage
// entries are malformed (4001).
func (s *seat[S, I]) Inputs(body []byte) error {
	if s.spectator {
		return errSpectator
	}
	b := &s.batch
	if err := s.decoder.DecodeBatch(body, b); err != nil {
		return wire.Closef(wire.CloseMalformed, "bad inputs: %v", err)
	}
	defer clear(b.Entries) // hold nothing the inputs referred to past this call
	last := len(b.Entries) - 1
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.admit(b.Seq, b.Tick+uint32(last)); err != nil {
		return err
	}
	for i := range b.Entries {
		s.hold(b.Header(i), &b.Entries[i].Input)
	}
	return nil
}

// admit checks an input frame's first sequence number and last tick against what the seat took
// before (see Input for the closes). The caller holds s.mu.
func (s *seat[S, I]) admit(seq, tick uint32) error {
	if seq <= s.lastSeq {
		return wire.Closef(wire.CloseUnexpected, "input sequence number went backwards: %d after %d", seq, s.lastSeq)
	}
	// The room's tick is newer than taken while the room has not yet seated the player (its join
	// is queued).
	now := max(s.taken, s.room.tick.Load())
	if lead := s.room.cfg.InputLead; uint64(tick) > uint64(now)+uint64(lead) {
		return wire.Closef(wire.CloseInputAhead, "input for tick %d is %d ticks ahead of the server (at most %d)", tick, tick-now, lead)
	}
	return nil
}

// hold holds one admitted input for its tick: ignored as late when that tick was stepped, as a
// duplicate when the tick already holds one. The caller holds s.mu.
func (s *seat[S, I]) hold(h wire.InputHeader, in *I) {
	s.lastSeq = h.Seq
	s.snapAckIn = max(s.snapAckIn, h.Ack) // acknowledgements only move forward
	if now := max(s.taken, s.room.tick.Load()); h.Tick <= now {
		s.late++
		return
	}
	slot := &s.ring[h.Tick%uint32(len(s.ring))]
	if slot.tick == h.Tick {
		s.duplicate++ // the first one stands: a flood cannot replace what the client predicted
		return
	}
	*slot = heldInput[I]{tick: h.Tick, seq: h.Seq, rewind: h.Rewind, input: *in}
}

// takeInput sets the seat's input for tick, the tick the room is about to step: the input held for
// it, else the last one again for up to InputRepeat ticks, else the zero input. It returns the late
// and duplicate inputs counted since the last call. It runs on the room's goroutine.
func (s *seat[S, I]) takeInput(tick uint32) (late, duplicate int) {
	s.mu.Lock()
	s.taken = tick
	slot := &s.ring[tick%uint32(len(s.ring))]
	fresh := slot.tick == tick
	if fresh {
		s.input, s.ack, s.rewind = slot.input, slot.seq, slot.rewind
		*slot = heldInput[I]{} // empty, and holding nothing the input referred to
	}
	s.snapAck = s.snapAckIn
	late, duplicate = s.late, s.duplicate
	s.late, s.duplicate = 0, 0
	s.mu.Unlock()
	switch {
	case fresh:
		s.missing = 0
	case s.missing < s.room.cfg.InputRepeat:
		s.missing++ // the last input again: the next one is probably just late
	default:
		var zero I
		s.input, s.rewind = zero, 0
	}
	return late, duplicate
}

// clearInputs forgets every held input and the input in force, for a seat whose connection is gone
// or new. The caller holds s.mu; the room's goroutine calls it.
func (s *seat[S, I]) clearInputs() {
	clear(s.ring)
	var zero I
	s.input, s.rewind, s.missing = zero, 0, s.room.cfg.InputRepeat
}
