package netcode

import (
	"math"

	"github.com/tickwire/tickwire/shared/sim"
)

// Predictor runs the player's own inputs through the game's shared step function the moment they
// are made (client-side prediction), and on each authoritative snapshot rewinds to it and replays
// the inputs the server has not yet applied (reconciliation). The game is deterministic, so a
// player nobody touches is predicted exactly: the predicted state at a snapshot's tick equals the
// snapshot, and nothing is corrected.
//
// It predicts with what the player sees (under interest management, a part of the world): the
// own entity exactly, the rest only as well as it can without the others' inputs, which is why
// everyone else is drawn interpolated instead.
type Predictor[S, I any] struct {
	g      sim.Game[S, I]
	schema sim.Schema
	judge  sim.Compensated[S, I] // nil: the game has no lag-compensated hits
	me     sim.PlayerID
	state  S
	in     [1]sim.Input[I]

	// ring[t%len] is tick t's input and the entities predicted after stepping it, for ticks
	// base+1..last; base is the newest authoritative tick, whose entities are baseEnts.
	ring     [predictRing]predicted[I]
	base     uint32
	baseEnts []sim.Entity
	last     uint32
	started  bool
	provis   []sim.Entity // tick last+1 stepped with the current input, for drawing
	seen     []sim.Entity // scratch for Judge
	scratch  []sim.Entity

	Corrections    int     // snapshots that disagreed with the prediction
	CorrectionSize float64 // the last correction's size: how far the own entity moved, in field units
	MaxCorrection  float64 // the largest correction's size
	CorrectedFrom  uint32  // the last correction: the snapshot tick the corrected prediction started from
}

// predictRing is the most ticks predicted ahead of the newest snapshot: four seconds at 30 Hz.
// Further ahead than that the session resynchronises instead.
const predictRing = 128

type predicted[I any] struct {
	tick  uint32
	input I            // as judged: what the step used
	ents  []sim.Entity // after the step
}

// NewPredictor returns a predictor of player me in game g.
func NewPredictor[S, I any](g sim.Game[S, I], me sim.PlayerID) *Predictor[S, I] {
	p := &Predictor[S, I]{g: g, me: me, schema: g.Info().Schema}
	p.judge, _ = g.(sim.Compensated[S, I])
	p.in[0].Player = me
	return p
}

// Started reports whether the predictor has a snapshot to predict from.
func (p *Predictor[S, I]) Started() bool { return p.started }

// Last returns the newest predicted tick.
func (p *Predictor[S, I]) Last() uint32 { return p.last }

// Base returns the tick of the newest authoritative snapshot.
func (p *Predictor[S, I]) Base() uint32 { return p.base }

// Reset starts predicting afresh from the authoritative entities of tick, forgetting every input.
func (p *Predictor[S, I]) Reset(tick uint32, ents []sim.Entity) {
	p.base, p.last, p.started = tick, tick, true
	p.baseEnts = append(p.baseEnts[:0], ents...)
	p.provis = p.provis[:0]
}

// Forget drops every prediction and the snapshot they started from, after a rollback: the next
// Reset starts afresh. Until then Started is false.
func (p *Predictor[S, I]) Forget() {
	p.base, p.last, p.started = 0, 0, false
	p.baseEnts = p.baseEnts[:0]
	p.provis = p.provis[:0]
}

// Step predicts tick (the tick after Last) with the player's input, judging any hit against seen
// (what the player draws now; see sim.Compensated), and returns the input as judged: what the
// server will step with if it gets the input in time.
func (p *Predictor[S, I]) Step(tick uint32, in I, seen []sim.Entity) (I, error) {
	if p.judge != nil {
		if err := p.restore(p.last); err != nil {
			return in, err
		}
		p.judge.Judge(&p.state, p.me, &in, seen)
	}
	return in, p.Replay(tick, in)
}

// Replay predicts tick (the tick after Last) with an input judged already, as Step returned it:
// an input in flight, stepped again after a resynchronisation, whose hit was judged against what
// the player saw when it was made.
func (p *Predictor[S, I]) Replay(tick uint32, judged I) error {
	if err := p.advance(p.last, tick, judged); err != nil {
		return err
	}
	p.last = tick
	p.provis = p.provis[:0]
	return nil
}

// restore sets the scratch state to the prediction after tick.
func (p *Predictor[S, I]) restore(tick uint32) error {
	return p.g.Restore(&p.state, p.entities(tick))
}

// entities returns the predicted (or, for the base, authoritative) entities after tick.
func (p *Predictor[S, I]) entities(tick uint32) []sim.Entity {
	if tick == p.base {
		return p.baseEnts
	}
	return p.ring[tick%predictRing].ents
}

// advance steps the state after from with in and keeps the result as tick's prediction.
func (p *Predictor[S, I]) advance(from, tick uint32, in I) error {
	if err := p.restore(from); err != nil {
		return err
	}
	p.in[0].Input = in
	p.g.Step(&p.state, tick, p.in[:])
	r := &p.ring[tick%predictRing]
	r.tick, r.input = tick, in
	r.ents = p.g.Entities(&p.state, r.ents[:0])
	return nil
}

// Reconcile takes the authoritative entities of tick. When the prediction for that tick differs
// for the own entity in a field the schema marks Interp (its position: what prediction moves and
// the player sees jump), it counts a correction; a difference in other fields (a score, a
// cooldown set by a game message the prediction never sees) is taken silently. either way it rebases on the snapshot and replays
// the inputs after it, so that the other entities the prediction bumps into are fresh too. It
// reports the correction's size (0: none).
func (p *Predictor[S, I]) Reconcile(tick uint32, auth []sim.Entity) (float64, error) {
	if !p.started || int32(tick-p.base) <= 0 {
		return 0, nil
	}
	if int32(tick-p.last) >= 0 || p.last-tick >= predictRing {
		// The snapshot is at or past everything predicted (the input clock fell behind): start
		// over from it.
		p.Reset(tick, auth)
		return 0, nil
	}
	size := 0.0
	if want, ok := find(auth, sim.EntityID(p.me)); ok {
		got, had := find(p.ring[tick%predictRing].ents, sim.EntityID(p.me))
		if !had || moved(p.schema, got, want) {
			size = 1
			if had {
				size = distance(p.schema, got, want)
			}
			p.Corrections++
			p.CorrectedFrom = p.base
			p.CorrectionSize = size
			p.MaxCorrection = max(p.MaxCorrection, size)
		}
	}
	last := p.last
	p.base = tick
	p.baseEnts = append(p.baseEnts[:0], auth...)
	for t := tick + 1; int32(t-last) <= 0; t++ {
		if err := p.advance(t-1, t, p.ring[t%predictRing].input); err != nil {
			return size, err
		}
	}
	p.provis = p.provis[:0]
	return size, nil
}

// Input returns the judged input predicted for tick, if it is still kept.
func (p *Predictor[S, I]) Input(tick uint32) (I, bool) {
	r := &p.ring[tick%predictRing]
	if r.tick != tick || int32(tick-p.base) <= 0 || int32(tick-p.last) > 0 {
		var zero I
		return zero, false
	}
	return r.input, true
}

// inputAt returns the judged input tick was predicted with, if the ring still holds it: for the
// base too, when the base was itself predicted before a snapshot confirmed it.
func (p *Predictor[S, I]) inputAt(tick uint32) (I, bool) {
	r := &p.ring[tick%predictRing]
	if r.tick != tick || int32(tick-p.last) > 0 || p.last-tick >= predictRing {
		var zero I
		return zero, false
	}
	return r.input, true
}

// predictedAt returns the entities predicted after tick, a tick after the base, if any.
func (p *Predictor[S, I]) predictedAt(tick uint32) ([]sim.Entity, bool) {
	r := &p.ring[tick%predictRing]
	if r.tick != tick || int32(tick-p.base) <= 0 || int32(tick-p.last) > 0 {
		return nil, false
	}
	return r.ents, true
}

// Own returns the own entity as predicted after tick (Last or Last+1 with Provisional), if any.
func (p *Predictor[S, I]) Own(tick uint32) (sim.Entity, bool) {
	switch {
	case tick == p.last+1 && len(p.provis) > 0:
		return find(p.provis, sim.EntityID(p.me))
	case int32(tick-p.base) < 0 || int32(tick-p.last) > 0:
		return sim.Entity{}, false
	}
	return find(p.entities(tick), sim.EntityID(p.me))
}

// Provisional steps the tick after Last with the input the player holds now, without keeping it:
// drawing between Last and this shows a key press in the very frame it happens, before its tick.
func (p *Predictor[S, I]) Provisional(in I, seen []sim.Entity) error {
	if err := p.restore(p.last); err != nil {
		return err
	}
	if p.judge != nil {
		p.judge.Judge(&p.state, p.me, &in, seen)
	}
	p.in[0].Input = in
	p.g.Step(&p.state, p.last+1, p.in[:])
	p.provis = p.g.Entities(&p.state, p.provis[:0])
	return nil
}

// find returns the entity with id in ents, sorted by id.
func find(ents []sim.Entity, id sim.EntityID) (sim.Entity, bool) {
	if i, ok := index(ents, id); ok {
		return ents[i], true
	}
	return sim.Entity{}, false
}

// moved reports whether two versions of an entity differ in a field the schema interpolates, or
// in any field for a kind that interpolates none.
func moved(sc sim.Schema, a, b sim.Entity) bool {
	if a.Kind != b.Kind || a.N != b.N || int(a.Kind) >= len(sc) {
		return a.Kind != b.Kind || a.N != b.N || a.Fields != b.Fields
	}
	any := false
	for k, f := range sc[a.Kind].Fields {
		if f.Interp {
			any = true
			if a.Fields[k] != b.Fields[k] {
				return true
			}
		}
	}
	return !any && a.Fields != b.Fields
}

// distance is how far apart two versions of an entity are over the fields the schema interpolates
// (its position), at least 1 when they differ at all.
func distance(sc sim.Schema, a, b sim.Entity) float64 {
	d := 0.0
	if int(a.Kind) < len(sc) {
		for k, f := range sc[a.Kind].Fields {
			if f.Interp {
				x := float64(a.Fields[k]) - float64(b.Fields[k])
				d += x * x
			}
		}
	}
	return max(math.Sqrt(d), 1)
}
