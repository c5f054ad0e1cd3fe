package room

import (
	"time"

	"github.com/tickwire/tickwire/shared/sim"
)

// Lag compensation. A client draws the other entities a little in the past, interpolated between
// two snapshots, and says how far in the input's rewind. For a game that implements
// sim.Compensated, the room rebuilds that view from its own snapshot history and lets the game judge
// the input against it, before the step, so that a hit that looked certain on the player's screen
// is a hit on the server. The client computes the same table from the same two snapshots with the
// same functions (sim.LerpAt, sim.Lerp) to predict the outcome, so the rule below is part of the
// protocol (docs/PROTOCOL.md, "Lag compensation") and must not change without it:
//
//	V  = tick*256 - min(rewind, maxRewindTicks*256), maxRewindTicks = MaxRewind*TickRate (whole ticks)
//	ta, tb = the ticks of two consecutive snapshots the room keeps with ta*256 <= V <= tb*256;
//	         the newest alone when V is at or after it, the oldest alone when V is before it
//	seen = sim.Lerp(table(ta), table(tb), sim.LerpAt(ta, tb, V), schema)
//
// An input with rewind 0 is not judged. A repeated input keeps its rewind and is judged again, at
// its new tick. The history holds the last 32 snapshots, which bounds the rewind too.

// compensator judges rewound inputs for a game that implements sim.Compensated.
type compensator[S, I any] struct {
	game sim.Compensated[S, I]
	// limit is the most rewind, in 1/LerpOne ticks: MaxRewind in whole ticks.
	limit  int64
	schema sim.Schema
	seen   []sim.Entity // reused every tick: no allocation once it has grown
}

// newCompensator returns the compensator of game g, or nil when g judges nothing.
func newCompensator[S, I any](g Game[S, I], cfg Config, schema sim.Schema) *compensator[S, I] {
	c, ok := g.(sim.Compensated[S, I])
	if !ok {
		return nil
	}
	ticks := int64(cfg.MaxRewind * time.Duration(cfg.TickRate) / time.Second)
	return &compensator[S, I]{game: c, limit: ticks * sim.LerpOne, schema: schema}
}

// judge lets the game judge, before the step of tick, every input in inputs (one per seat, in the
// seats' order) that carries a rewind, against the view its player had.
func (c *compensator[S, I]) judge(state *S, tick uint32, seats []*seat[S, I], inputs []sim.Input[I], h *history) {
	for i, s := range seats {
		if s.rewind == 0 {
			continue
		}
		v := int64(tick)*sim.LerpOne - min(int64(s.rewind), c.limit)
		a, b, ok := h.bracket(v)
		if !ok {
			continue // no snapshot yet: nothing was drawn
		}
		ta, tb := h.ticks[a], h.ticks[b]
		c.seen = sim.Lerp(c.seen[:0], h.table(a), h.table(b), sim.LerpAt(ta, tb, v), c.schema)
		c.game.Judge(state, s.id, &inputs[i].Input, c.seen)
	}
}
