package netcode

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
)

func walkerAt(id sim.EntityID, x, y, vx, vy int32) sim.Entity {
	kind := kindWalker
	if id >= droneBase {
		kind = kindDrone
	}
	return sim.NewEntity(id, kind, x, y, vx, vy)
}

// twoSnapshots returns an interpolator with the snapshots of ticks 10 and 12: walker 1 moves from
// (0, 0) to (100, 50), drone A from (100, -100) to (300, -300), walker 2 is only in the first and
// drone B only in the second.
func twoSnapshots(limit float64) *Interpolator {
	p := NewInterpolator(walkerSchema, limit)
	p.Add(10, []sim.Entity{walkerAt(1, 0, 0, 5, 1), walkerAt(2, 7, 7, 0, 0), walkerAt(droneBase, 100, -100, 9, 9)})
	p.Add(12, []sim.Entity{walkerAt(1, 100, 50, 7, 2), walkerAt(droneBase, 300, -300, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)})
	return p
}

func TestInterpolatorSample(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		render  float64
		want    []sim.Entity
		stalled bool
	}{
		{"at the older", 10, []sim.Entity{walkerAt(1, 0, 0, 5, 1), walkerAt(2, 7, 7, 0, 0), walkerAt(droneBase, 100, -100, 9, 9)}, false},
		{"a quarter: the older's other fields", 10.5,
			[]sim.Entity{walkerAt(1, 25, 12, 5, 1), walkerAt(2, 7, 7, 0, 0), walkerAt(droneBase, 150, -150, 9, 9)}, false},
		{"just before half way", 11 - 1.0/sim.LerpOne,
			[]sim.Entity{walkerAt(1, 49, 24, 5, 1), walkerAt(2, 7, 7, 0, 0), walkerAt(droneBase, 199, -199, 9, 9)}, false},
		{"half way: the midpoint, the newer's other fields and entities", 11,
			[]sim.Entity{walkerAt(1, 50, 25, 7, 2), walkerAt(droneBase, 200, -200, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, false},
		{"three quarters", 11.5,
			[]sim.Entity{walkerAt(1, 75, 37, 7, 2), walkerAt(droneBase, 250, -250, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, false},
		{"at the newest: no stall", 12,
			[]sim.Entity{walkerAt(1, 100, 50, 7, 2), walkerAt(droneBase, 300, -300, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, false},
		{"before the oldest: the oldest", 8, []sim.Entity{walkerAt(1, 0, 0, 5, 1), walkerAt(2, 7, 7, 0, 0), walkerAt(droneBase, 100, -100, 9, 9)}, false},
		{"a hair past the newest: a stall", 12 + 1e-9,
			[]sim.Entity{walkerAt(1, 100, 50, 7, 2), walkerAt(droneBase, 300, -300, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, true},
		{"a tick past: half the last motion on", 13,
			[]sim.Entity{walkerAt(1, 150, 75, 7, 2), walkerAt(droneBase, 400, -400, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, true},
		{"at the limit", 15,
			[]sim.Entity{walkerAt(1, 250, 125, 7, 2), walkerAt(droneBase, 600, -600, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, true},
		{"twice the limit: held at the limit", 18,
			[]sim.Entity{walkerAt(1, 250, 125, 7, 2), walkerAt(droneBase, 600, -600, 8, 8), walkerAt(droneBase+1, 1000, 0, 1, 1)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := twoSnapshots(3)
			prefix := []sim.Entity{walkerAt(99, 1, 2, 3, 4)}
			got, stalled := p.Sample(prefix, tt.render)
			if want := append(prefix[:1:1], tt.want...); !reflect.DeepEqual(got, want) || stalled != tt.stalled {
				t.Errorf("Sample(%v) =\n%v, %v\nwant\n%v, %v", tt.render, got, stalled, want, tt.stalled)
			}
		})
	}
}

func TestInterpolatorEdges(t *testing.T) {
	t.Parallel()
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		p := NewInterpolator(walkerSchema, 3)
		if got, stalled := p.Sample(nil, 5); len(got) != 0 || !stalled {
			t.Errorf("Sample of nothing = %v, %v; want nothing, stalled", got, stalled)
		}
		if got := p.Seen(nil, 5*sim.LerpOne); len(got) != 0 || p.Newest() != 0 || p.NewestEntities() != nil {
			t.Errorf("Seen of nothing = %v, Newest %d", got, p.Newest())
		}
	})
	t.Run("one snapshot holds", func(t *testing.T) {
		t.Parallel()
		p := NewInterpolator(walkerSchema, 3)
		one := []sim.Entity{walkerAt(1, 10, 20, 3, 4)}
		p.Add(5, one)
		if got, stalled := p.Sample(nil, 4.5); !reflect.DeepEqual(got, one) || stalled {
			t.Errorf("Sample before the only snapshot = %v, %v", got, stalled)
		}
		if got, stalled := p.Sample(nil, 6); !reflect.DeepEqual(got, one) || !stalled {
			t.Errorf("Sample past the only snapshot = %v, %v; want it held, stalled", got, stalled)
		}
	})
	t.Run("extrapolation stays within the schema", func(t *testing.T) {
		t.Parallel()
		p := NewInterpolator(walkerSchema, 10)
		p.Add(1, []sim.Entity{walkerAt(1, worldMax-500, -worldMax+500, 0, 0)})
		p.Add(2, []sim.Entity{walkerAt(1, worldMax-100, -worldMax+100, 0, 0)})
		got, _ := p.Sample(nil, 12)
		if want := []sim.Entity{walkerAt(1, worldMax, -worldMax, 0, 0)}; !reflect.DeepEqual(got, want) {
			t.Errorf("Sample far past = %v, want %v", got, want)
		}
	})
	t.Run("a kind change is not extrapolated", func(t *testing.T) {
		t.Parallel()
		p := NewInterpolator(walkerSchema, 10)
		p.Add(1, []sim.Entity{sim.NewEntity(5, kindWalker, 0, 0, 0, 0)})
		p.Add(2, []sim.Entity{sim.NewEntity(5, kindDrone, 50, 50, 0, 0)})
		if got, _ := p.Sample(nil, 4); !reflect.DeepEqual(got, []sim.Entity{sim.NewEntity(5, kindDrone, 50, 50, 0, 0)}) {
			t.Errorf("Sample = %v, want the newest held", got)
		}
	})
	t.Run("Add ignores old ticks", func(t *testing.T) {
		t.Parallel()
		p := twoSnapshots(3)
		newest := p.NewestEntities()
		p.Add(12, []sim.Entity{walkerAt(1, 5, 5, 5, 5)})
		p.Add(11, []sim.Entity{walkerAt(1, 5, 5, 5, 5)})
		p.Add(3, nil)
		if p.Len() != 2 || p.Newest() != 12 || !reflect.DeepEqual(p.NewestEntities(), newest) {
			t.Errorf("after old snapshots: Len %d, Newest %d, %v", p.Len(), p.Newest(), p.NewestEntities())
		}
		if got, _ := p.Sample(nil, 11.5); got[0] != walkerAt(1, 75, 37, 7, 2) {
			t.Errorf("Sample(11.5) = %v: an old snapshot got in", got)
		}
	})
	t.Run("the buffer is bounded", func(t *testing.T) {
		t.Parallel()
		p := NewInterpolator(walkerSchema, 3)
		for tick := uint32(1); tick <= 1000; tick++ {
			p.Add(tick, []sim.Entity{walkerAt(1, int32(tick), 0, 0, 0)})
			if p.Len() > maxBuffered {
				t.Fatalf("Len = %d after %d snapshots", p.Len(), tick)
			}
		}
		if p.Len() != maxBuffered || p.Newest() != 1000 {
			t.Errorf("Len %d, Newest %d; want %d, 1000", p.Len(), p.Newest(), maxBuffered)
		}
		// The oldest kept is the 32nd newest: before it, Seen clamps to it.
		if got := p.Seen(nil, 0); got[0].Fields[fx] != 1000-maxBuffered+1 {
			t.Errorf("oldest kept = %v, want x %d", got, 1000-maxBuffered+1)
		}
		if got, stalled := p.Sample(nil, 999.25); stalled || got[0].Fields[fx] != 999 {
			t.Errorf("Sample(999.25) = %v, %v", got, stalled)
		}
		p.Reset()
		if p.Len() != 0 || p.Newest() != 0 {
			t.Errorf("after Reset: Len %d, Newest %d", p.Len(), p.Newest())
		}
	})
}

// uneven returns an interpolator with snapshots at uneven ticks (a lost one, a slow one), in which
// walker 1 and the drone move along different lines and walker 2 comes and goes.
func uneven() (*Interpolator, []snap) {
	var snaps []snap
	for i, tick := range []uint32{10, 12, 13, 15, 18, 19} {
		v := int32(i)
		ents := []sim.Entity{walkerAt(1, 37*v*v-5, -11*v, v, 2*v)}
		if i%2 == 1 {
			ents = append(ents, walkerAt(2, 3*v, 3, 0, 0))
		}
		ents = append(ents, walkerAt(droneBase, 1000-333*v, 17*v*v, -v, v))
		snaps = append(snaps, snap{tick, ents})
	}
	p := NewInterpolator(walkerSchema, 3)
	for _, s := range snaps {
		p.Add(s.tick, s.ents)
	}
	return p, snaps
}

// TestInterpolatorSeenMatchesTheServer checks Seen against the rule the server rewinds by: the
// newest snapshot at or before the point and the next one, sim.Lerp at sim.LerpAt; before the
// oldest the oldest, at or after the newest the newest.
func TestInterpolatorSeenMatchesTheServer(t *testing.T) {
	t.Parallel()
	p, snaps := uneven()
	for point := int64(8 * sim.LerpOne); point <= 21*sim.LerpOne; point += 5 {
		a, b := 0, 0
		for i, s := range snaps {
			if int64(s.tick)*sim.LerpOne <= point {
				a, b = i, min(i+1, len(snaps)-1)
			}
		}
		if int64(snaps[len(snaps)-1].tick)*sim.LerpOne <= point {
			a = len(snaps) - 1
		}
		want := sim.Lerp(nil, snaps[a].ents, snaps[b].ents, sim.LerpAt(snaps[a].tick, snaps[b].tick, point), walkerSchema)
		if got := p.Seen(nil, point); !reflect.DeepEqual(got, want) {
			t.Fatalf("Seen(%d, tick %.3f) =\n%v\nwant (%d..%d)\n%v", point, float64(point)/sim.LerpOne, got, snaps[a].tick, snaps[b].tick, want)
		}
		// Sample draws what Seen says, up to the newest snapshot.
		if render := float64(point) / sim.LerpOne; render <= 19 {
			if got, stalled := p.Sample(nil, render); stalled || !reflect.DeepEqual(got, want) {
				t.Fatalf("Sample(%.4f) = %v, %v; want Seen's %v", render, got, stalled, want)
			}
		}
	}
}

// TestInterpolatorPrune prunes at a moving render time and checks that what is drawn at that time
// and after is the same as without pruning, and that the buffer only keeps what that needs.
func TestInterpolatorPrune(t *testing.T) {
	t.Parallel()
	for _, step := range []float64{0.37, 1, 2.5} {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			t.Parallel()
			full, _ := uneven()
			pruned, _ := uneven()
			for render := 8.0; render <= 25; render += step {
				pruned.Prune(render)
				for _, later := range []float64{render, render + 0.5, render + 1.7, render + 4} {
					want, wantStall := full.Sample(nil, later)
					got, stalled := pruned.Sample(nil, later)
					if !reflect.DeepEqual(got, want) || stalled != wantStall {
						t.Fatalf("after Prune(%.2f), Sample(%.2f) =\n%v, %v\nwant\n%v, %v", render, later, got, stalled, want, wantStall)
					}
				}
				// At most one snapshot at or before render is kept, but for extrapolation from
				// the newest, which needs the one before it.
				atOrBefore := 0
				for i := range pruned.Len() {
					if float64(pruned.snaps[i].tick) <= render {
						atOrBefore++
					}
				}
				if atOrBefore > 1 && !(render >= float64(pruned.Newest()) && pruned.Len() == 2) {
					t.Fatalf("after Prune(%.2f): %d snapshots at or before it kept (%d in all)", render, atOrBefore, pruned.Len())
				}
			}
		})
	}
}
