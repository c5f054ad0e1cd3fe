package ui

import (
	"image"
	"math"
	"testing"

	"github.com/tickwire/tickwire/wasmclient/netcode"
)

func TestNetGraphValueIsFormattedOncePerChange(t *testing.T) {
	var g NetGraph
	s := netcode.Series{Name: "bytes in", Unit: "B/s", Values: []float64{10, 1234}}
	if got := g.value(0, &s); got != "1.2 kB/s" {
		t.Fatalf("value = %q, want 1.2 kB/s", got)
	}
	if n := testing.AllocsPerRun(100, func() { g.value(0, &s) }); n != 0 {
		t.Errorf("an unchanged value allocates %v times", n)
	}
	s.Values[1] = 1190 // another value that reads the same
	if n := testing.AllocsPerRun(100, func() { g.value(0, &s) }); n != 0 {
		t.Errorf("a value that reads the same allocates %v times", n)
	}
	s.Values[1] = 2500
	if got := g.value(0, &s); got != "2.5 kB/s" {
		t.Errorf("after a change value = %q, want 2.5 kB/s", got)
	}
	nan := netcode.Series{Unit: "ms", Values: []float64{math.NaN()}}
	g.value(1, &nan)
	if n := testing.AllocsPerRun(100, func() { g.value(1, &nan) }); n != 0 {
		t.Errorf("NaN allocates %v times: it must be compared by its bits", n)
	}
	if got := g.value(2, &netcode.Series{Unit: "ms"}); got != "–" {
		t.Errorf("no values: %q, want a dash", got)
	}
}

func TestNetGraphSparkline(t *testing.T) {
	var g NetGraph
	box := image.Rect(100, 10, 220, 30)
	ping := netcode.Series{Name: "ping", Unit: "ms", Warn: 150, Values: []float64{40, 60, 190, 80, 0}}
	g.sparkline(&ping, box, 1.5, 1)
	// The zero line, the warn line (150 is within 0..200), and per segment an area and a line.
	segs := len(ping.Values) - 1
	if want := 4 * (2 + 2*segs); len(g.vs) != want || len(g.is) != len(g.vs)/4*6 {
		t.Fatalf("%d vertices and %d indices, want %d and %d", len(g.vs), len(g.is), want, want/4*6)
	}
	for _, v := range g.vs {
		// Lines stick out by at most their width.
		if v.DstX < 100-1.5 || v.DstX > 220+1.5 || v.DstY < 10-1.5 || v.DstY > 30+1.5 {
			t.Errorf("vertex (%v, %v) is outside the box %v", v.DstX, v.DstY, box)
		}
	}
	for _, i := range g.is {
		if int(i) >= len(g.vs) {
			t.Fatalf("index %d out of %d vertices", i, len(g.vs))
		}
	}
	// The lines: segments touching 190 are in the warning colour, the others not.
	warn := [3]float32{float32(Warn.R) / 255, float32(Warn.G) / 255, float32(Warn.B) / 255}
	for k := range segs {
		v := g.vs[4*(2+segs+k)]
		isWarn := [3]float32{v.ColorR, v.ColorG, v.ColorB} == warn
		if want := k == 1 || k == 2; isWarn != want || v.ColorA != 1 {
			t.Errorf("segment %d: warning colour %v (alpha %v), want %v and opaque", k, isWarn, v.ColorA, want)
		}
	}
	// The newest value, 0, ends the line at the bottom right.
	last := g.vs[len(g.vs)-4:]
	x, y := (last[2].DstX+last[3].DstX)/2, (last[2].DstY+last[3].DstY)/2
	if x < 220 || x > 220.75 || y < 30 || y > 30.75 {
		t.Errorf("line ends at (%v, %v), want the bottom right corner (220, 30) plus at most half a width", x, y)
	}

	// Redrawing into the kept buffers allocates nothing.
	if n := testing.AllocsPerRun(100, func() {
		g.vs, g.is = g.vs[:0], g.is[:0]
		g.sparkline(&ping, box, 1.5, 1)
	}); n != 0 {
		t.Errorf("a sparkline allocates %v times into kept buffers", n)
	}
}

func TestNetGraphSparklineEdgeCases(t *testing.T) {
	box := image.Rect(0, 0, 100, 20)
	for _, s := range []netcode.Series{
		{Name: "empty"},
		{Name: "one", Values: []float64{3}},
		{Name: "flat", Values: []float64{0, 0, 0}},
		{Name: "repeated", Values: []float64{5, 5}},
		{Name: "odd", Values: []float64{math.NaN(), math.Inf(1), -2}},
	} {
		var g NetGraph
		g.sparkline(&s, box, 1.5, 1)
		for _, v := range g.vs {
			if math.IsNaN(float64(v.DstX)) || math.IsNaN(float64(v.DstY)) || math.IsInf(float64(v.DstY), 0) {
				t.Errorf("%s: vertex (%v, %v) is not a number", s.Name, v.DstX, v.DstY)
			}
		}
		if len(g.is)%3 != 0 {
			t.Errorf("%s: %d indices, not whole triangles", s.Name, len(g.is))
		}
	}
}
