package sim

import "testing"

func TestISqrt(t *testing.T) {
	t.Parallel()
	for _, x := range []uint64{0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 1 << 32, 1<<62 + 12345, ^uint64(0)} {
		r := ISqrt(x)
		if r*r > x || (r+1 < 1<<32 && (r+1)*(r+1) <= x) {
			t.Errorf("ISqrt(%d) = %d", x, r)
		}
	}
}

func TestScaleTo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		x, y, l      int32
		wantX, wantY int32
	}{
		{"zero vector", 0, 0, 100, 0, 0},
		{"axis", 5, 0, 100, 100, 0},
		{"diagonal", 127, 127, 127, 90, 90},
		{"negative", -3, -4, 10, -6, -8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if x, y := ScaleTo(tt.x, tt.y, tt.l); x != tt.wantX || y != tt.wantY {
				t.Errorf("ScaleTo(%d, %d, %d) = (%d, %d), want (%d, %d)", tt.x, tt.y, tt.l, x, y, tt.wantX, tt.wantY)
			}
		})
	}
}

func TestRandDeterministic(t *testing.T) {
	t.Parallel()
	a, b := NewRand(42), NewRand(42)
	for range 100 {
		if a.Uint64() != b.Uint64() {
			t.Fatal("two generators with one seed diverged")
		}
	}
	// Pinned so that a change to the generator, which would change every game's replays, fails here.
	r := NewRand(1)
	if got := r.Uint64(); got != 0x910a2dec89025cc1 {
		t.Errorf("first draw of seed 1 = %#x", got)
	}
}
