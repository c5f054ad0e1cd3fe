package room

import (
	"cmp"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestSnapshotsCarryTheOwnEntitysCheck: every CheckEvery-th snapshot (full or delta) carries the
// checksum of the receiving player's own entity at its tick; the others none.
func TestSnapshotsCarryTheOwnEntitysCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		every  int
		deltas bool
		want   int // checked snapshots of the 60 sent
	}{
		{"default, full snapshots", 0, false, 6},
		{"default, deltas", 0, true, 6},
		{"every 4th", 4, true, 15},
		{"none", -1, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newLineRoom(Config{SnapshotRate: 30, CheckEvery: tc.every})
			var ann, bob fakePeer
			sa := r.Join(1, "ann", &ann)
			r.Join(2, "bob", &bob)
			checked, deltas := 0, 0
			for i := range 60 {
				// Ann moves by 1 each tick, and acknowledges the newest snapshot for deltas.
				ack := uint32(0)
				if tc.deltas {
					ack = r.Tick()
				}
				if err := sa.Input(inputBody(t, wire.InputHeader{Seq: uint32(i + 1), Tick: r.Tick() + 1, Ack: ack}, 1)); err != nil {
					t.Fatal(err)
				}
				r.step()
				tick, check, isDelta := lastCheck(t, &ann)
				if isDelta {
					deltas++
				}
				if check == 0 {
					continue
				}
				checked++
				if want := wire.Checksum([]sim.Entity{sim.NewEntity(1, 0, int32(tick))}); check != want {
					t.Errorf("tick %d: check %#x, want %#x (ann at %d)", tick, check, want, tick)
				}
				if every := max(tc.every, 0); tick%uint32(cmp.Or(every, 10)) != 0 {
					t.Errorf("tick %d checked: snapshot k is at tick k here, and every %d-th is checked", tick, cmp.Or(every, 10))
				}
			}
			if checked != tc.want {
				t.Errorf("%d snapshots checked of 60, want %d", checked, tc.want)
			}
			if tc.deltas && deltas < 50 {
				t.Errorf("only %d deltas", deltas)
			}
			// Bob is checked on the same snapshots, with his own entity (standing at 0).
			_, check, _ := lastCheck(t, &bob)
			if tc.want > 0 && check != wire.Checksum([]sim.Entity{sim.NewEntity(2, 0, 0)}) {
				t.Errorf("bob's last check %#x", check)
			}
		})
	}
}

// lastCheck decodes the newest snapshot or delta p got.
func lastCheck(t *testing.T, p *fakePeer) (tick, check uint32, delta bool) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.frames) - 1; i >= 0; i-- {
		switch f := p.frames[i]; f.Op {
		case wire.OpSnapshot:
			var s wire.Snapshot
			if err := f.Decode(&s); err != nil {
				t.Fatal(err)
			}
			return s.Tick, s.Check, false
		case wire.OpDelta:
			var d wire.Delta
			if err := f.Decode(&d); err != nil {
				t.Fatal(err)
			}
			return d.Tick, d.Check, true
		}
	}
	t.Fatal("no snapshot")
	return 0, 0, false
}

// TestCheckCost measures what the check adds to a frame: 5 bytes (a uint32) but for the rare hash
// below 65536, in the same array header.
func TestCheckCost(t *testing.T) {
	t.Parallel()
	ents := []sim.Entity{sim.NewEntity(1, 0, 12)}
	plain, _ := wire.Encode(nil, &wire.Snapshot{Tick: 300, Ack: 9, Entities: ents})
	checked, _ := wire.Encode(nil, &wire.Snapshot{Tick: 300, Ack: 9, Entities: ents, Check: wire.Checksum(ents)})
	if d := len(checked) - len(plain); d != 5 {
		t.Errorf("the check adds %d bytes, want 5", d)
	}
}
