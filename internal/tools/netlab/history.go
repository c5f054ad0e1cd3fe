package netlab

import (
	"math"
	"sync"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/sim"
)

// recorder is a game as the server runs it, keeping every tick's state for the comparison.
type recorder[S, I any] struct {
	room.Game[S, I]
	hist *History[I]
}

// recording returns g as the server runs it for netlab: recording every step, and still the
// sim.Interest, sim.Compensated and room.Messenger that g is, so that the room runs the game as the
// real server does (interest management, lag compensation, its messages).
func recording[S, I any](g room.Game[S, I], hist *History[I]) room.Game[S, I] {
	r := recorder[S, I]{Game: g, hist: hist}
	in, isIn := g.(sim.Interest[S])
	co, isCo := g.(sim.Compensated[S, I])
	ms, isMs := any(g).(room.Messenger[S])
	switch {
	case isIn && isCo && isMs:
		return struct {
			recorder[S, I]
			sim.Interest[S]
			sim.Compensated[S, I]
			room.Messenger[S]
		}{r, in, co, ms}
	case isIn && isCo:
		return struct {
			recorder[S, I]
			sim.Interest[S]
			sim.Compensated[S, I]
		}{r, in, co}
	case isIn && isMs:
		return struct {
			recorder[S, I]
			sim.Interest[S]
			room.Messenger[S]
		}{r, in, ms}
	case isCo && isMs:
		return struct {
			recorder[S, I]
			sim.Compensated[S, I]
			room.Messenger[S]
		}{r, co, ms}
	case isIn:
		return struct {
			recorder[S, I]
			sim.Interest[S]
		}{r, in}
	case isCo:
		return struct {
			recorder[S, I]
			sim.Compensated[S, I]
		}{r, co}
	case isMs:
		return struct {
			recorder[S, I]
			room.Messenger[S]
		}{r, ms}
	}
	return r
}

func (g recorder[S, I]) Step(s *S, tick uint32, inputs []sim.Input[I]) {
	g.Game.Step(s, tick, inputs)
	g.hist.add(tick, g.Game.Entities(s, nil), append([]sim.Input[I](nil), inputs...))
}

// History is the server's states by tick, and the inputs it stepped them with, for the last
// historyLen ticks: what a game's Contested rule reads. It is safe for concurrent use.
type History[I any] struct {
	mu     sync.Mutex
	schema sim.Schema
	ticks  [historyLen]uint32
	ents   [historyLen][]sim.Entity
	inputs [historyLen][]sim.Input[I]
	last   uint32
}

const historyLen = 1024

func newHistory[I any](schema sim.Schema) *History[I] { return &History[I]{schema: schema} }

func (h *History[I]) add(tick uint32, ents []sim.Entity, inputs []sim.Input[I]) {
	h.mu.Lock()
	h.ticks[tick%historyLen], h.ents[tick%historyLen], h.inputs[tick%historyLen], h.last = tick, ents, inputs, tick
	h.mu.Unlock()
}

// Applied returns the input the server stepped player p with at tick.
func (h *History[I]) Applied(p sim.PlayerID, tick uint32) (I, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var zero I
	if h.ticks[tick%historyLen] != tick {
		return zero, false
	}
	for _, in := range h.inputs[tick%historyLen] {
		if in.Player == p {
			return in.Input, true
		}
	}
	return zero, false
}

// Inputs returns the inputs the server stepped tick with, or false when the tick is not kept.
// The slice must not be modified.
func (h *History[I]) Inputs(tick uint32) ([]sim.Input[I], bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ticks[tick%historyLen] != tick || tick == 0 {
		return nil, false
	}
	return h.inputs[tick%historyLen], true
}

func (h *History[I]) newest() uint32 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// At returns the server's entities after tick, sorted by id, or false when the tick is not kept.
// The slice must not be modified.
func (h *History[I]) At(tick uint32) ([]sim.Entity, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ticks[tick%historyLen] != tick || tick == 0 {
		return nil, false
	}
	return h.ents[tick%historyLen], true
}

// distance returns how far entity e, as drawn, was from where the server had it at a fractional
// tick (between the two ticks around it), over the fields its kind interpolates.
func (h *History[I]) distance(e sim.Entity, tick float64) (float64, bool) {
	t := uint32(math.Floor(tick))
	a, ok1 := h.At(t)
	b, ok2 := h.At(t + 1)
	if !ok1 || !ok2 || int(e.Kind) >= len(h.schema) {
		return 0, false
	}
	ea, ok1 := Find(a, e.ID)
	eb, ok2 := Find(b, e.ID)
	if !ok1 || !ok2 {
		return 0, false
	}
	f := tick - float64(t)
	d, any := 0.0, false
	for k, fs := range h.schema[e.Kind].Fields {
		if fs.Interp {
			x := float64(e.Fields[k]) - lerp(ea.Fields[k], eb.Fields[k], f)
			d += x * x
			any = true
		}
	}
	return math.Sqrt(d), any
}

func lerp(a, b int32, f float64) float64 { return float64(a) + (float64(b)-float64(a))*f }

// Find returns the entity with id in ents.
func Find(ents []sim.Entity, id sim.EntityID) (sim.Entity, bool) {
	for _, e := range ents {
		if e.ID == id {
			return e, true
		}
	}
	return sim.Entity{}, false
}
