package netcode

import (
	"reflect"
	"testing"
	"time"
)

func TestGraphSamplesSteadily(t *testing.T) {
	t.Parallel()
	g := NewGraph(100*time.Millisecond, 3, Series{Name: "ping", Unit: "ms", Warn: 150}, Series{Name: "loss"})
	t0 := time.Unix(100, 0)
	steps := []struct {
		at   time.Duration
		ping float64
		want bool
	}{
		{0, 10, true}, {50 * time.Millisecond, 11, false}, {100 * time.Millisecond, 12, true},
		{210 * time.Millisecond, 13, true}, {5 * time.Second, 14, true}, {5*time.Second + 50*time.Millisecond, 15, false},
	}
	for _, s := range steps {
		g.Set("ping", s.ping)
		g.Set("unknown", 1)
		if got := g.Sample(t0.Add(s.at)); got != s.want {
			t.Errorf("Sample at %v = %v, want %v", s.at, got, s.want)
		}
	}
	got := g.Series(nil)
	if want := []float64{12, 13, 14}; !reflect.DeepEqual(got[0].Values, want) || got[0].Last() != 14 || got[0].Warn != 150 {
		t.Errorf("ping series = %+v, want values %v", got[0], want)
	}
	got[0].Values[0] = -1
	if g.Series(nil)[0].Values[0] != 12 {
		t.Error("Series shares storage with the graph")
	}
}
