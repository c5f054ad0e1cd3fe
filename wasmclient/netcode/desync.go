package netcode

import (
	"reflect"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Desync detection. Some snapshots carry the server's checksum of the player's own entity at their
// tick (wire.Snapshot.Check, every 10th by default). The game's Step is the same code on both
// sides, so when nothing but the player's own inputs acted on what the client predicted, its
// prediction of that tick hashes the same; a difference means Step gave another result in the
// browser than on the server: a desync, the bug every predicted or lockstep game fears most.
//
// A check is compared only when the prediction of its tick T was uncontested, which the client
// tells from what it has, without the game's help:
//
//   - T was predicted in one run from the snapshot the prediction is based on, B, at most
//     InputRepeat ticks before (no resynchronisation, no restart between);
//   - the server stepped every tick in (B, T] with the input the client predicted it with: B's and
//     T's own inputs were applied in time (the acks of B and T are those inputs' sequence numbers),
//     and each tick between had the same input as the tick before it, so that a late one, which
//     the server replaces by repeating the last, changed nothing;
//   - every other entity the client sees at T is exactly as it predicted it: nothing it could not
//     foresee (another player's inputs, a pickup drawn from the world's random state, an entity
//     coming into view, a hit judged otherwise) was anywhere near.
//
// The last rule is strict: in a crowded view most checks are contested and skipped (Stats counts
// both). What it leaves is sound: a mismatch it counts is not the world's doing. A game message
// that changes the own entity (Receive, which the prediction never runs) is not seen by it: a game
// that does that should not predict that entity.

// checkTick compares the server's check of the own entity at tick with the prediction of that
// tick, before Reconcile replaces it, and counts the outcome in the stats.
func (s *Session[S, I]) checkTick(tick, ack uint32, auth []sim.Entity, check uint32) {
	p := s.pred
	if !s.uncontested(tick, ack, auth) {
		s.stats.ChecksSkipped++
		return
	}
	pred, _ := p.predictedAt(tick)
	own, _ := find(pred, sim.EntityID(s.cfg.Player))
	s.stats.Checks++
	if wire.Checksum([]sim.Entity{own}) != check {
		s.stats.Desyncs++
		if s.stats.FirstDesync == 0 {
			s.stats.FirstDesync = tick
		}
	}
}

// uncontested reports whether the prediction of tick was the client's own inputs' doing alone, by
// the rules above.
func (s *Session[S, I]) uncontested(tick, ack uint32, auth []sim.Entity) bool {
	p := s.pred
	base := p.Base()
	if int32(tick-base) <= 0 || tick-base > uint32(s.cfg.InputRepeat) {
		return false
	}
	pred, ok := p.predictedAt(tick)
	if !ok {
		return false
	}
	// The inputs: B's and T's applied in time, the ones between the same as the one before.
	if !s.appliedInTime(base, s.ackOf(base)) || !s.appliedInTime(tick, ack) {
		return false
	}
	prev, ok := p.inputAt(base)
	if !ok {
		return false
	}
	for t := base + 1; t != tick; t++ {
		in, ok := p.inputAt(t)
		if !ok || s.seqOf(t) == 0 || !reflect.DeepEqual(in, prev) {
			return false
		}
		prev = in
	}
	// The world: everything else as predicted.
	me := sim.EntityID(s.cfg.Player)
	if len(pred) != len(auth) {
		return false
	}
	mine := false
	for i := range pred {
		switch {
		case pred[i].ID != auth[i].ID:
			return false
		case pred[i].ID == me:
			mine = true
		case pred[i] != auth[i]:
			return false
		}
	}
	return mine
}

// appliedInTime reports whether the input sent for tick is the one the server acknowledged as its
// newest applied by that tick: it reached the server in time, and was stepped.
func (s *Session[S, I]) appliedInTime(tick, ack uint32) bool {
	seq := s.seqOf(tick)
	return seq != 0 && ack == seq
}

// seqOf returns the sequence number of the input sent for tick, or 0 (none sent, or forgotten).
func (s *Session[S, I]) seqOf(tick uint32) uint32 {
	if e := s.seqs[tick%predictRing]; e.tick == tick {
		return e.seq
	}
	return 0
}

// ackOf returns the ack of the snapshot of tick, or 0 if it is not kept.
func (s *Session[S, I]) ackOf(tick uint32) uint32 {
	if e := s.acks[tick%predictRing]; e.tick == tick {
		return e.ack
	}
	return 0
}
