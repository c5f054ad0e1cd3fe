package arena

import (
	"math"
	"testing"
)

func TestClampAxis(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name                        string
		target, view, world, margin float64
		want                        float64
	}{
		{"middle follows", 1600, 1000, 3200, 0, 1600},
		{"left edge", 100, 1000, 3200, 0, 500},
		{"right edge", 3150, 1000, 3200, 0, 2700},
		{"margin shows the wall", 0, 1000, 3200, 80, 420},
		{"margin right", 3200, 1000, 3200, 80, 2780},
		{"view wider than world", 100, 4000, 3200, 80, 1600},
		{"view exactly world plus margins", 0, 3360, 3200, 80, 1600},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ClampAxis(tc.target, tc.view, tc.world, tc.margin); got != tc.want {
				t.Errorf("ClampAxis(%v, %v, %v, %v) = %v, want %v", tc.target, tc.view, tc.world, tc.margin, got, tc.want)
			}
		})
	}
}

func TestCamera(t *testing.T) {
	t.Parallel()
	c := Camera{X: 1000, Y: 500, Zoom: 2, W: 800, H: 600}
	if x, y := c.ToScreen(1000, 500); x != 400 || y != 300 {
		t.Errorf("centre at (%v, %v), want (400, 300)", x, y)
	}
	if x, y := c.ToScreen(1010, 490); x != 420 || y != 280 {
		t.Errorf("offset point at (%v, %v), want (420, 280)", x, y)
	}
	visible := []struct {
		x, y, r float64
		want    bool
	}{
		{1000, 500, 1, true},
		{1000 - 200 - 5, 500, 4, false}, // just off the left edge
		{1000 - 200 - 5, 500, 6, true},  // its rim pokes in
		{1000, 500 + 150 + 30, 20, false},
	}
	for _, v := range visible {
		if got := c.Visible(v.x, v.y, v.r); got != v.want {
			t.Errorf("Visible(%v, %v, %v) = %v, want %v", v.x, v.y, v.r, got, v.want)
		}
	}
}

func TestZoom(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		w, h, scale float64
		want        float64
	}{
		{"desktop", 1280, 720, 1, 1},
		{"small window", 1280, 600, 1, 600.0 / 720},
		{"hidpi laptop", 2560, 1200, 2, 2 * 600.0 / 720},
		// A tall phone would show 1534 arena px top to bottom at 0.55: it zooms in to show no more
		// than the server's view box holds.
		{"phone portrait", 390 * 3, 844 * 3, 3, 844 * 3 / (2 * viewHalfH)},
		// Likewise a 4K screen zooms in to show the box's width across.
		{"big screen", 3840, 2160, 1, 3840 / (2 * viewHalfW)},
		{"no scale", 1280, 720, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Zoom(tc.w, tc.h, tc.scale); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Zoom = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestZoomNeverShowsMoreThanTheServerSends(t *testing.T) {
	t.Parallel()
	for _, s := range []struct{ w, h, scale float64 }{
		{1280, 720, 1}, {3440, 1440, 1}, {7680, 2160, 2}, {1170, 2532, 3}, {390, 844, 1}, {5000, 500, 1}, {500, 5000, 1},
	} {
		z := Zoom(s.w, s.h, s.scale)
		if vw, vh := s.w/z, s.h/z; vw > 2*viewHalfW+1e-9 || vh > 2*viewHalfH+1e-9 {
			t.Errorf("%gx%g at scale %g shows %.0fx%.0f arena px, more than the %gx%g the server sends",
				s.w, s.h, s.scale, vw, vh, 2*viewHalfW, 2*viewHalfH)
		}
	}
}
