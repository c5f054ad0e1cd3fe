package loadtest

import (
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/sim"
)

func avatar(xPixels, yPixels, cooldown int32) *sim.Entity {
	e := sim.NewEntity(1, arena.KindPlayer, xPixels*arena.One, yPixels*arena.One, 0, 0, 0, 0, cooldown)
	return &e
}

func orb(id sim.EntityID, xPixels, yPixels int32) sim.Entity {
	return sim.NewEntity(1<<17+id, arena.KindOrb, xPixels*arena.One, yPixels*arena.One, 1)
}

func TestBrainHeadsForANearOrb(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		b := NewBrain(seed)
		me := avatar(1000, 1000, 10)
		ents := []sim.Entity{*me, orb(0, 1300, 1000), orb(1, 1000, 1900)} // one 300 px east, one out of reach
		in := b.Think(me, ents)
		if in.MoveX < 120 || in.MoveY < -10 || in.MoveY > 10 {
			t.Errorf("seed %d: input %+v, want about (127, 0) toward the orb east", seed, in)
		}
	}
}

func TestBrainTurnsBackFromWalls(t *testing.T) {
	t.Parallel()
	const w, h = arena.Width / arena.One, arena.Height / arena.One
	tests := []struct {
		name string
		x, y int32
		ok   func(arena.Input) bool
	}{
		{"left wall", 50, 1000, func(in arena.Input) bool { return in.MoveX >= 0 }},
		{"right wall", w - 50, 1000, func(in arena.Input) bool { return in.MoveX <= 0 }},
		{"top wall", 1600, 50, func(in arena.Input) bool { return in.MoveY >= 0 }},
		{"bottom right corner", w - 50, h - 50, func(in arena.Input) bool { return in.MoveX <= 0 && in.MoveY <= 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(50) { // every starting heading
				b := NewBrain(seed)
				if in := b.Think(avatar(tt.x, tt.y, 10), nil); !tt.ok(in) {
					t.Errorf("seed %d at (%d, %d): input %+v heads into the wall", seed, tt.x, tt.y, in)
				}
			}
		})
	}
}

func TestBrainWandersAndDashes(t *testing.T) {
	t.Parallel()
	b := NewBrain(7)
	headings := map[[2]int8]bool{}
	dashes := 0
	const thinks = 2000
	for i := range thinks {
		cooldown := int32(0)
		if i%2 == 1 {
			cooldown = 30 // the dash is not ready on every other think
		}
		in := b.Think(avatar(1600, 1000, cooldown), nil)
		if in.MoveX < -127 || in.MoveY < -127 {
			t.Fatalf("input %+v outside the stick's range", in)
		}
		if in.Dashing() {
			dashes++
			if cooldown != 0 {
				t.Fatalf("think %d: dashed with the dash cooling down", i)
			}
		}
		headings[[2]int8{in.MoveX, in.MoveY}] = true
	}
	if len(headings) < 50 {
		t.Errorf("%d distinct stick positions in %d thinks: the bot does not turn", len(headings), thinks)
	}
	// 1000 thinks with the dash ready, at odds of 1 in DashOdds: about 50.
	if dashes < 20 || dashes > 100 {
		t.Errorf("%d dashes in %d ready thinks, want about %d", dashes, thinks/2, thinks/2/DashOdds)
	}
	if nb := NewBrain(1); nb.Think(nil, nil).Dashing() {
		t.Error("a bot that cannot see itself dashed")
	}
}

func TestBrainIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := NewBrain(99), NewBrain(99)
	me := avatar(700, 900, 0)
	for i := range 100 {
		if x, y := a.Think(me, nil), b.Think(me, nil); x != y {
			t.Fatalf("think %d: %+v and %+v from one seed", i, x, y)
		}
	}
}
