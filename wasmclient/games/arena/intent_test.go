package arena

import (
	"math"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
)

func TestIntentInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   Intent
		want arena.Input
	}{
		{"idle", Intent{}, arena.Input{}},
		{"right", Intent{X: 1}, arena.Input{MoveX: 127}},
		{"up left", Intent{X: -1, Y: -1}, arena.Input{MoveX: -127, MoveY: -127}},
		{"half", Intent{X: 0.5, Y: -0.25}, arena.Input{MoveX: 64, MoveY: -32}},
		{"clamped", Intent{X: 2, Y: -3}, arena.Input{MoveX: 127, MoveY: -127}},
		{"NaN", Intent{X: math.NaN(), Y: 1}, arena.Input{MoveY: 127}},
		{"dash", Intent{Y: 1, Dash: true}, arena.Input{MoveY: 127, Buttons: arena.ButtonDash}},
		{"keys and stick add", Intent{X: 1}.Add(Intent{X: 0.5, Y: 0.5, Dash: true}), arena.Input{MoveX: 127, MoveY: 64, Buttons: arena.ButtonDash}},
		{"opposite keys cancel", Intent{X: 1}.Add(Intent{X: -1}), arena.Input{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.in.Input(); got != tc.want {
				t.Errorf("%+v.Input() = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestStick(t *testing.T) {
	t.Parallel()
	const radius, dead = 100, 0.1
	cases := []struct {
		name   string
		dx, dy float64
		want   arena.Input // through Intent.Input, to see what the server gets
	}{
		{"centre", 0, 0, arena.Input{}},
		{"inside dead zone", 6, -8, arena.Input{}},
		{"just past dead zone", 11, 0, arena.Input{MoveX: 1}},
		{"half way", 0, 55, arena.Input{MoveY: 64}},
		{"rim", -100, 0, arena.Input{MoveX: -127}},
		{"beyond rim", 0, -300, arena.Input{MoveY: -127}},
		{"diagonal beyond rim", 300, 300, arena.Input{MoveX: 90, MoveY: 90}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, y := Stick(tc.dx, tc.dy, radius, dead)
			if got := (Intent{X: x, Y: y}).Input(); got != tc.want {
				t.Errorf("Stick(%v, %v) = (%.3f, %.3f) → %+v, want %+v", tc.dx, tc.dy, x, y, got, tc.want)
			}
			if m := math.Hypot(x, y); m > 1+1e-9 {
				t.Errorf("magnitude %v > 1", m)
			}
		})
	}
	if x, y := Stick(5, 5, 0, dead); x != 0 || y != 0 {
		t.Errorf("zero radius: (%v, %v)", x, y)
	}
}

func TestDragOrigin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		ox, oy, px, py float64
		wantX, wantY   float64
	}{
		{"inside stays", 100, 100, 150, 100, 100, 100},
		{"on rim stays", 100, 100, 100, 160, 100, 100},
		{"pulled along x", 100, 100, 260, 100, 200, 100},
		{"pulled along diagonal", 0, 0, 90, 120, 54, 72}, // the finger is 150 away: the origin moves 90 toward it
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, y := DragOrigin(tc.ox, tc.oy, tc.px, tc.py, 60)
			if math.Abs(x-tc.wantX) > 1e-9 || math.Abs(y-tc.wantY) > 1e-9 {
				t.Errorf("got (%v, %v), want (%v, %v)", x, y, tc.wantX, tc.wantY)
			}
			if d := math.Hypot(tc.px-x, tc.py-y); d > 60+1e-9 {
				t.Errorf("finger %v from origin", d)
			}
		})
	}
}

func TestLatch(t *testing.T) {
	t.Parallel()
	l := Latch{Hold: 2}
	// A one-tick tap is held for two more ticks; a long press for as long as it lasts, then two.
	presses := []bool{false, true, false, false, false, true, true, true, false, false, false}
	want := []bool{false, true, true, true, false, true, true, true, true, true, false}
	for i, p := range presses {
		if got := l.Update(p); got != want[i] {
			t.Fatalf("tick %d: pressed %v → %v, want %v", i, p, got, want[i])
		}
	}
}
