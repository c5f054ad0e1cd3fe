package app

import (
	"image"
	"reflect"
	"testing"

	"github.com/tickwire/tickwire/wasmclient/netcode"
	"github.com/tickwire/tickwire/wasmclient/ui"
)

func TestNetGraphInputToggles(t *testing.T) {
	t.Parallel()
	button := image.Rect(12, 48, 58, 70)
	tests := []struct {
		name string
		in   netGraphInput
		want bool
	}{
		{"nothing", netGraphInput{}, false},
		{"F3", netGraphInput{Key: true}, true},
		{"a press on the button", netGraphInput{Presses: []image.Point{{30, 60}}}, true},
		{"a press on its corner", netGraphInput{Presses: []image.Point{{12, 48}}}, true},
		{"a press just past it", netGraphInput{Presses: []image.Point{{58, 60}}}, false},
		{"a press elsewhere", netGraphInput{Presses: []image.Point{{600, 400}}}, false},
		{"a finger elsewhere and one on it", netGraphInput{Presses: []image.Point{{600, 400}, {20, 50}}}, true},
		{"F3 and a press toggle once", netGraphInput{Key: true, Presses: []image.Point{{30, 60}}}, true},
	}
	for _, tt := range tests {
		if got := tt.in.toggles(button); got != tt.want {
			t.Errorf("%s: toggles = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDropTaps(t *testing.T) {
	t.Parallel()
	button := image.Rect(12, 48, 58, 70)
	tests := []struct {
		taps, want []image.Point
	}{
		{nil, nil},
		{[]image.Point{{30, 60}}, []image.Point{}},
		{[]image.Point{{600, 400}}, []image.Point{{600, 400}}},
		{[]image.Point{{1, 1}, {30, 60}, {600, 400}}, []image.Point{{1, 1}, {600, 400}}},
	}
	for _, tt := range tests {
		in := append([]image.Point(nil), tt.taps...)
		if got := dropTaps(in, button); len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("dropTaps(%v) = %v, want %v", tt.taps, got, tt.want)
		}
	}
}

// measured is a connection that measures itself for the net graph.
type measured struct{ reads int }

func (m *measured) NetGraph(dst []netcode.Series) []netcode.Series {
	m.reads++
	return append(dst, netcode.Series{Name: "ping", Unit: "ms", Values: []float64{float64(m.reads)}, Warn: 150})
}

func TestNetGraphUpdate(t *testing.T) {
	t.Parallel()
	ctx := &ui.Context{Scale: 1, W: 1280, H: 720}
	button := ui.NetGraphButton(ctx.Scale)
	on := image.Pt(button.Min.X+2, button.Min.Y+2)
	var g netGraph
	src := &measured{}
	tick := func(in netGraphInput, taps ...image.Point) {
		ctx.Taps = append(ctx.Taps[:0], taps...)
		g.update(ctx, in, src)
	}

	tick(netGraphInput{})
	if g.shown.Load() || src.reads != 0 {
		t.Fatalf("hidden at first: shown %v, %d reads; want hidden and none", g.shown.Load(), src.reads)
	}
	tick(netGraphInput{Key: true})
	if !g.shown.Load() || src.reads != 1 || len(g.series) != 1 || g.series[0].Last() != 1 {
		t.Fatalf("after F3: shown %v, %d reads, series %+v; want shown and read at once", g.shown.Load(), src.reads, g.series)
	}
	for range 2 * netGraphEvery {
		tick(netGraphInput{})
	}
	if src.reads != 3 || len(g.series) != 1 {
		t.Errorf("after %d more ticks: %d reads of %d series, want 3 reads (one every %d ticks), one series", 2*netGraphEvery, src.reads, len(g.series), netGraphEvery)
	}

	// The release of the press that toggles it is not the game's; other taps are.
	tick(netGraphInput{Presses: []image.Point{on}}, on, image.Pt(900, 500))
	if g.shown.Load() {
		t.Error("a press on the button did not hide the graph")
	}
	if want := []image.Point{{900, 500}}; !reflect.DeepEqual(ctx.Taps, want) {
		t.Errorf("taps left for the game: %v, want %v", ctx.Taps, want)
	}
	reads := src.reads
	for range 2 * netGraphEvery {
		tick(netGraphInput{Presses: []image.Point{{900, 500}}})
	}
	if g.shown.Load() || src.reads != reads {
		t.Errorf("hidden, presses elsewhere: shown %v, %d reads; want hidden, still %d", g.shown.Load(), src.reads, reads)
	}

	// A connection that does not measure itself shows no data.
	g.update(ctx, netGraphInput{Presses: []image.Point{on}}, struct{}{})
	if !g.shown.Load() || len(g.series) != 0 {
		t.Errorf("with a connection that does not measure: shown %v, series %+v; want shown, none", g.shown.Load(), g.series)
	}
}

func TestNetGraphOutlivesConnections(t *testing.T) {
	t.Parallel()
	a := New(Config{URL: "ws://127.0.0.1:1/ws"}, fakeSpec(&fakeGame{}), nil)
	defer a.Close()
	if a.net.shown.Load() {
		t.Fatal("the net graph is shown by default")
	}
	a.SetNetGraph(true)
	a.connect("Ann")
	a.connect("Bob")
	if !a.net.shown.Load() {
		t.Error("the net graph was hidden by a new connection")
	}
	a.SetNetGraph(false)
	if a.net.shown.Load() {
		t.Error("SetNetGraph(false) left it shown")
	}
}
