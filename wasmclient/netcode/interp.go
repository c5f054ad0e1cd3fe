package netcode

import (
	"math"

	"github.com/tickwire/tickwire/shared/sim"
)

// Interpolator keeps the snapshots that drawing needs and samples the entities between them at a
// render time behind the newest (entity interpolation). Fields the schema marks Interp move
// linearly between two snapshots; past the newest snapshot they go on along their last motion for
// at most the extrapolation limit, then hold.
type Interpolator struct {
	schema sim.Schema
	limit  float64 // ticks of extrapolation at most
	snaps  []snap  // oldest first, at most maxBuffered
}

type snap struct {
	tick uint32
	ents []sim.Entity
}

// maxBuffered bounds the snapshots kept: far more than an interpolation delay spans (a second and
// a half at 20 Hz), so a hidden tab cannot pile them up.
const maxBuffered = 32

// NewInterpolator returns an interpolator for entities described by schema, extrapolating at most
// limit ticks past the newest snapshot.
func NewInterpolator(schema sim.Schema, limit float64) *Interpolator {
	return &Interpolator{schema: schema, limit: limit}
}

// Add keeps the snapshot of tick. Its entities must not be modified afterwards. A snapshot not
// newer than the newest kept is ignored.
func (p *Interpolator) Add(tick uint32, ents []sim.Entity) {
	if n := len(p.snaps); n > 0 && int32(tick-p.snaps[n-1].tick) <= 0 {
		return
	}
	if len(p.snaps) == maxBuffered {
		copy(p.snaps, p.snaps[1:])
		p.snaps = p.snaps[:maxBuffered-1]
	}
	p.snaps = append(p.snaps, snap{tick, ents})
}

// Reset forgets every snapshot.
func (p *Interpolator) Reset() { clear(p.snaps); p.snaps = p.snaps[:0] }

// DropAfter forgets the snapshots newer than tick: after a rollback (a room restored from an older
// checkpoint) they describe a past that did not happen, and the newer snapshots of the new one
// must not be refused as old.
func (p *Interpolator) DropAfter(tick uint32) {
	n := len(p.snaps)
	for n > 0 && int32(p.snaps[n-1].tick-tick) > 0 {
		n--
	}
	clear(p.snaps[n:])
	p.snaps = p.snaps[:n]
}

// Len returns the number of snapshots kept.
func (p *Interpolator) Len() int { return len(p.snaps) }

// Newest returns the tick of the newest snapshot, or 0.
func (p *Interpolator) Newest() uint32 {
	if len(p.snaps) == 0 {
		return 0
	}
	return p.snaps[len(p.snaps)-1].tick
}

// Newest returns the entities of the newest snapshot, or nil.
func (p *Interpolator) NewestEntities() []sim.Entity {
	if len(p.snaps) == 0 {
		return nil
	}
	return p.snaps[len(p.snaps)-1].ents
}

// Prune drops the snapshots that no render time at or after render needs: all but the newest one
// at or before it, and never the last two, whose motion Sample extrapolates past the newest.
func (p *Interpolator) Prune(render float64) {
	i := 0
	for i+2 < len(p.snaps) && float64(p.snaps[i+1].tick) <= render {
		i++
	}
	if i > 0 {
		n := copy(p.snaps, p.snaps[i:])
		clear(p.snaps[n:])
		p.snaps = p.snaps[:n]
	}
}

// bracket returns the indices of the two snapshots around point (in 1/LerpOne ticks): the newest
// at or before it and the next. At or after the newest, both are the newest; before the oldest,
// both are the oldest. The server uses the same rule to rewind for lag compensation.
func (p *Interpolator) bracket(point int64) (a, b int) {
	n := len(p.snaps)
	if point >= int64(p.snaps[n-1].tick)*sim.LerpOne {
		return n - 1, n - 1
	}
	if point <= int64(p.snaps[0].tick)*sim.LerpOne {
		return 0, 0
	}
	for a = n - 2; a > 0 && int64(p.snaps[a].tick)*sim.LerpOne > point; a-- {
	}
	return a, a + 1
}

// Seen appends to dst the entities at point (a tick in 1/LerpOne units) exactly as the server
// rebuilds them when it judges a hit (see sim.Compensated): interpolated in integers between the
// two snapshots around it, never extrapolated.
func (p *Interpolator) Seen(dst []sim.Entity, point int64) []sim.Entity {
	if len(p.snaps) == 0 {
		return dst
	}
	a, b := p.bracket(point)
	sa, sb := &p.snaps[a], &p.snaps[b]
	return sim.Lerp(dst, sa.ents, sb.ents, sim.LerpAt(sa.tick, sb.tick, point), p.schema)
}

// Sample appends to dst the entities as they are at render (a tick, fractional), and reports
// whether render is past the newest snapshot (a stall: nothing to interpolate toward).
func (p *Interpolator) Sample(dst []sim.Entity, render float64) ([]sim.Entity, bool) {
	n := len(p.snaps)
	if n == 0 {
		return dst, true
	}
	newest := &p.snaps[n-1]
	over := render - float64(newest.tick)
	if over <= 0 {
		return p.Seen(dst, int64(math.Floor(render*sim.LerpOne))), false
	}
	if n == 1 {
		return append(dst, newest.ents...), true
	}
	// Extrapolate along the motion between the last two snapshots, for a bounded time.
	prev := &p.snaps[n-2]
	f := min(over, p.limit) / float64(newest.tick-prev.tick)
	start := len(dst)
	dst = append(dst, newest.ents...)
	j := 0
	for i := start; i < len(dst); i++ {
		e := &dst[i]
		for j < len(prev.ents) && prev.ents[j].ID < e.ID {
			j++
		}
		if j == len(prev.ents) || prev.ents[j].ID != e.ID || prev.ents[j].Kind != e.Kind || int(e.Kind) >= len(p.schema) {
			continue
		}
		for k, fs := range p.schema[e.Kind].Fields {
			if fs.Interp && k < int(e.N) {
				v := float64(e.Fields[k]) + float64(e.Fields[k]-prev.ents[j].Fields[k])*f
				e.Fields[k] = int32(min(max(v, float64(fs.Min)), float64(fs.Max)))
			}
		}
	}
	return dst, true
}
