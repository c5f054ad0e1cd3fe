package netcode

import (
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func TestBaselinesKeepTheLast32(t *testing.T) {
	var b Baselines
	if _, ok := b.Find(0); ok {
		t.Fatal("tick 0 found in an empty ring")
	}
	for tick := uint32(1); tick <= 40; tick++ {
		b.Add(tick, []sim.Entity{{ID: sim.EntityID(tick)}})
	}
	for tick := uint32(1); tick <= 40; tick++ {
		ents, ok := b.Find(tick)
		if want := tick > 8; ok != want {
			t.Errorf("Find(%d) found %v, want %v (the last 32 of 40 are kept)", tick, ok, want)
		} else if ok && ents[0].ID != sim.EntityID(tick) {
			t.Errorf("Find(%d) = entity %d", tick, ents[0].ID)
		}
	}
}
