package room

import "github.com/tickwire/tickwire/shared/sim"

// historySize is how many recent snapshots serve as delta baselines (Quake 3 kept 32). At 20
// snapshots a second that is 1.6 s: a client whose acknowledgements lag more gets full snapshots.
const historySize = 32

// history holds the entity tables of the room's last historySize snapshots, shared by all clients.
type history struct {
	ticks [historySize]uint32
	ents  [historySize][]sim.Entity
	next  int
}

// add stores the table that fill appends for tick in the next slot, reusing its storage, and
// returns the slot.
func (h *history) add(tick uint32, fill func(dst []sim.Entity) []sim.Entity) int {
	slot := h.next
	h.next = (h.next + 1) % historySize
	h.ticks[slot] = tick
	h.ents[slot] = fill(h.ents[slot][:0])
	return slot
}

// table returns the entity table in slot.
func (h *history) table(slot int) []sim.Entity { return h.ents[slot] }

// find returns the slot holding tick, other than the current one.
func (h *history) find(tick uint32, current int) (int, bool) {
	if tick == 0 {
		return 0, false
	}
	for i, t := range h.ticks {
		if t == tick && i != current {
			return i, true
		}
	}
	return 0, false
}

// bracket returns the slots of the two consecutive snapshots whose ticks ta and tb bracket the
// point v, a time in 1/LerpOne ticks: ta*LerpOne <= v <= tb*LerpOne. A point at or after the newest
// snapshot gets the newest alone (a == b), one before the oldest kept the oldest alone. ok is false
// while the history is empty. (The rule is lag compensation's; see compensate.go.)
func (h *history) bracket(v int64) (a, b int, ok bool) {
	newest := (h.next + historySize - 1) % historySize
	if h.ticks[newest] == 0 { // the room never steps tick 0: the slot was never filled
		return 0, 0, false
	}
	b = newest
	if v >= int64(h.ticks[b])*sim.LerpOne {
		return b, b, true
	}
	for range historySize - 1 {
		a = (b + historySize - 1) % historySize
		if h.ticks[a] == 0 || h.ticks[a] >= h.ticks[b] {
			break // b is the oldest kept
		}
		if int64(h.ticks[a])*sim.LerpOne <= v {
			return a, b, true
		}
		b = a
	}
	return b, b, true
}

// sent remembers, per history slot, which tick a client was sent and, with interest management,
// which entities it saw; the baseline of a delta is the history's table cut down to those.
type sent struct {
	ticks [historySize]uint32
	ids   [historySize][]sim.EntityID
	some  [historySize]bool // false: the client saw the whole table
}

func (s *sent) record(slot int, tick uint32, vis []sim.Entity, filtered bool) {
	s.ticks[slot] = tick
	s.some[slot] = filtered
	s.ids[slot] = s.ids[slot][:0]
	if filtered {
		for i := range vis {
			s.ids[slot] = append(s.ids[slot], vis[i].ID)
		}
	}
}

// has reports whether the client was sent tick in slot (it may have joined after it).
func (s *sent) has(slot int, tick uint32) bool { return s.ticks[slot] == tick }

// filter appends to dst the entities of all (the table of slot) the client saw, and returns dst.
func (s *sent) filter(slot int, all []sim.Entity, dst []sim.Entity) []sim.Entity {
	if !s.some[slot] {
		return append(dst, all...)
	}
	ids := s.ids[slot]
	j := 0
	for i := range all {
		for j < len(ids) && ids[j] < all[i].ID {
			j++
		}
		if j == len(ids) {
			break
		}
		if ids[j] == all[i].ID {
			dst = append(dst, all[i])
		}
	}
	return dst
}
