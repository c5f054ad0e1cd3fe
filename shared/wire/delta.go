package wire

import (
	"fmt"
	"math/bits"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/vmihailenco/msgpack/v5"
)

// Delta is a snapshot encoded against a baseline: the snapshot of BaseTick that the client said it
// has (Quake 3's delta compression). Only what changed travels: entities that appeared in full,
// entities that changed as a field mask and the differences of those fields, and the ids of
// entities that disappeared (left the game or the client's view).
//
//	[tick, ack, baseTick, [[idGap, kind, field...]...], [[idGap, mask, diff...]...], [idGap...], check]
//
// Ids in each list are sorted and sent as the gap from the previous id in the list (the first from
// 0), so they encode in a byte or two. A diff is new - old in wrapping 32-bit arithmetic; small
// changes, the common case, encode small.
type Delta struct {
	Tick, Ack, BaseTick uint32
	Created             []sim.Entity
	Updated             []EntityUpdate
	Removed             []sim.EntityID
	// Check is the desync check of the receiving player's own entity at Tick, as in
	// [Snapshot.Check]: 0 for none, and then not written (six fields as before).
	Check uint32
}

// EntityUpdate is the change of one entity: bit i of Mask set means field i changed by Diffs[k],
// where k counts the set bits below i.
type EntityUpdate struct {
	ID    sim.EntityID
	Mask  uint16
	N     uint8 // diffs in use: the number of bits set in Mask
	Diffs [sim.MaxFields]int32
}

func (*Delta) Op() Op { return OpDelta }

// Diff fills d with the changes from base to cur, both sorted by id, reusing d's slices. Tick, Ack
// and BaseTick are left for the caller.
func (d *Delta) Diff(base, cur []sim.Entity) {
	d.Created, d.Updated, d.Removed = d.Created[:0], d.Updated[:0], d.Removed[:0]
	i, j := 0, 0
	for i < len(base) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(base) && base[i].ID < cur[j].ID:
			d.Removed = append(d.Removed, base[i].ID)
			i++
		case i == len(base) || cur[j].ID < base[i].ID:
			d.Created = append(d.Created, cur[j])
			j++
		default: // the same id in both
			b, c := &base[i], &cur[j]
			if b.Kind != c.Kind || b.N != c.N { // a different entity under a reused id
				d.Removed = append(d.Removed, b.ID)
				d.Created = append(d.Created, *c)
			} else {
				u := EntityUpdate{ID: c.ID}
				for f := range int(c.N) {
					if c.Fields[f] != b.Fields[f] {
						u.Mask |= 1 << f
						u.Diffs[u.N] = int32(uint32(c.Fields[f]) - uint32(b.Fields[f]))
						u.N++
					}
				}
				if u.Mask != 0 {
					d.Updated = append(d.Updated, u)
				}
			}
			i++
			j++
		}
	}
}

// Apply appends to dst the entities that result from applying d to base (sorted by id), checks each
// new or changed entity against schema, and returns dst. It refuses a delta that updates or removes
// an entity the baseline lacks or creates one it already has; on error dst holds garbage.
func (d *Delta) Apply(base []sim.Entity, schema sim.Schema, dst []sim.Entity) ([]sim.Entity, error) {
	i, c, u, r := 0, 0, 0, 0
	for i < len(base) || c < len(d.Created) || u < len(d.Updated) || r < len(d.Removed) {
		// The smallest id among the four lists' heads decides what happens next.
		id := sim.EntityID(1<<32 - 1)
		if i < len(base) {
			id = min(id, base[i].ID)
		}
		if c < len(d.Created) {
			id = min(id, d.Created[c].ID)
		}
		if u < len(d.Updated) {
			id = min(id, d.Updated[u].ID)
		}
		if r < len(d.Removed) {
			id = min(id, d.Removed[r])
		}
		inBase := i < len(base) && base[i].ID == id
		removed := r < len(d.Removed) && d.Removed[r] == id
		created := c < len(d.Created) && d.Created[c].ID == id
		updated := u < len(d.Updated) && d.Updated[u].ID == id
		switch {
		case removed && !inBase:
			return dst, fmt.Errorf("%w: delta removes entity %d, which the baseline lacks", ErrMalformed, id)
		case updated && (!inBase || removed || created):
			return dst, fmt.Errorf("%w: delta updates entity %d, which the baseline lacks", ErrMalformed, id)
		case created && inBase && !removed:
			return dst, fmt.Errorf("%w: delta creates entity %d, which the baseline has", ErrMalformed, id)
		}
		switch {
		case created:
			dst = append(dst, d.Created[c])
		case updated:
			e := base[i]
			if err := d.Updated[u].applyTo(&e); err != nil {
				return dst, err
			}
			dst = append(dst, e)
		case inBase && !removed:
			dst = append(dst, base[i])
		}
		if created || updated {
			if err := schema.Check(&dst[len(dst)-1]); err != nil {
				return dst, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
		}
		if inBase {
			i++
		}
		if removed {
			r++
		}
		if created {
			c++
		}
		if updated {
			u++
		}
	}
	return dst, nil
}

func (u *EntityUpdate) applyTo(e *sim.Entity) error {
	if u.Mask>>e.N != 0 {
		return fmt.Errorf("%w: update of entity %d changes field %d of %d", ErrMalformed, e.ID, bits.Len16(u.Mask)-1, e.N)
	}
	k := 0
	for f := range int(e.N) {
		if u.Mask&(1<<f) != 0 {
			e.Fields[f] = int32(uint32(e.Fields[f]) + uint32(u.Diffs[k]))
			k++
		}
	}
	return nil
}

func (d *Delta) EncodeBody(e *msgpack.Encoder) error {
	n := 6
	if d.Check != 0 {
		n = 7
	}
	if err := encodeAll(e, n, func() error { return PutUint(e, uint64(d.Tick)) },
		func() error { return PutUint(e, uint64(d.Ack)) },
		func() error { return PutUint(e, uint64(d.BaseTick)) }); err != nil {
		return err
	}
	if err := PutArrayLen(e, len(d.Created)); err != nil {
		return err
	}
	prev := sim.EntityID(0)
	for k := range d.Created {
		ent := &d.Created[k]
		if err := encodeEntity(e, ent, uint64(ent.ID-prev)); err != nil {
			return err
		}
		prev = ent.ID
	}
	if err := PutArrayLen(e, len(d.Updated)); err != nil {
		return err
	}
	prev = 0
	for k := range d.Updated {
		up := &d.Updated[k]
		if err := PutArrayLen(e, 2+int(up.N)); err != nil {
			return err
		}
		if err := PutUint(e, uint64(up.ID-prev)); err != nil {
			return err
		}
		if err := PutUint(e, uint64(up.Mask)); err != nil {
			return err
		}
		for _, v := range up.Diffs[:up.N] {
			if err := PutInt(e, int64(v)); err != nil {
				return err
			}
		}
		prev = up.ID
	}
	if err := PutArrayLen(e, len(d.Removed)); err != nil {
		return err
	}
	prev = 0
	for _, id := range d.Removed {
		if err := PutUint(e, uint64(id-prev)); err != nil {
			return err
		}
		prev = id
	}
	if n == 6 {
		return nil
	}
	return PutUint(e, uint64(d.Check))
}

// DecodeBody reads a delta, reusing d's slices. It checks the message's shape (sorted, distinct ids
// in each list; masks that fit the fields sent); Apply checks it against the baseline and schema.
func (d *Delta) DecodeBody(dec *msgpack.Decoder) error {
	f := ReadFields(dec)
	d.Tick = f.Uint32("tick")
	d.Ack = f.Uint32("ack")
	d.BaseTick = f.Uint32("baseTick")
	d.Created, d.Updated, d.Removed = d.Created[:0], d.Updated[:0], d.Removed[:0]

	n := f.Array("created")
	if cap(d.Created) < n {
		d.Created = make([]sim.Entity, 0, n)
	}
	var id uint64
	for k := 0; k < n && f.Err() == nil; k++ {
		var ent sim.Entity
		f.Fail(decodeEntity(dec, &ent))
		id, ent.ID = nextID(&f, id, uint64(ent.ID), k)
		d.Created = append(d.Created, ent)
	}

	n = f.Array("updated")
	if cap(d.Updated) < n {
		d.Updated = make([]EntityUpdate, 0, n)
	}
	id = 0
	for k := 0; k < n && f.Err() == nil; k++ {
		var up EntityUpdate
		uf := ReadFields(dec)
		count := uf.Left()
		if count < 3 || count > 2+sim.MaxFields {
			f.Fail(fmt.Errorf("update has %d elements, want 3 to %d", count, 2+sim.MaxFields))
			break
		}
		gap := uint64(uf.Uint32("idGap"))
		up.Mask = uint16(uf.Int("mask", 1, 1<<sim.MaxFields-1))
		up.N = uint8(count - 2)
		if uf.Err() == nil && bits.OnesCount16(up.Mask) != int(up.N) {
			uf.Fail(fmt.Errorf("mask %b has %d bits set but %d diffs follow", up.Mask, bits.OnesCount16(up.Mask), up.N))
		}
		for x := range int(up.N) {
			up.Diffs[x] = int32(uf.Int("diff", -1<<31, 1<<31-1))
		}
		f.Fail(uf.Done())
		id, up.ID = nextID(&f, id, gap, k)
		d.Updated = append(d.Updated, up)
	}

	n = f.Array("removed")
	if cap(d.Removed) < n {
		d.Removed = make([]sim.EntityID, 0, n)
	}
	id = 0
	for k := 0; k < n && f.Err() == nil; k++ {
		gap, err := decodeInt64(dec)
		if err == nil && (gap < 0 || gap > 1<<32-1) {
			err = fmt.Errorf("id gap %d out of range", gap)
		}
		if err != nil {
			f.Fail(fmt.Errorf("removed: %w", err))
			break
		}
		var rid sim.EntityID
		id, rid = nextID(&f, id, uint64(gap), k)
		d.Removed = append(d.Removed, rid)
	}
	d.Check = f.Uint32("check")
	return f.Done()
}

// nextID adds an id gap to the previous id, requiring ids to grow strictly (a gap of 0 is allowed
// only for the first element, id 0) and to fit 32 bits.
func nextID(f *Fields, prev, gap uint64, k int) (uint64, sim.EntityID) {
	id := prev + gap
	if k > 0 && gap == 0 {
		f.Fail(fmt.Errorf("entity ids not strictly increasing"))
	}
	if id > 1<<32-1 {
		f.Fail(fmt.Errorf("entity id %d out of range", id))
	}
	return id, sim.EntityID(id)
}

// encodeEntity writes an entity as [id, kind, field...] with id given explicitly: the entity's own in
// a snapshot, the gap from the previous one in a delta.
func encodeEntity(e *msgpack.Encoder, ent *sim.Entity, id uint64) error {
	if err := PutArrayLen(e, 2+int(ent.N)); err != nil {
		return err
	}
	if err := PutUint(e, id); err != nil {
		return err
	}
	if err := PutUint(e, uint64(ent.Kind)); err != nil {
		return err
	}
	for _, v := range ent.Fields[:ent.N] {
		if err := PutInt(e, int64(v)); err != nil {
			return err
		}
	}
	return nil
}
