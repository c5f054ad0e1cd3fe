package ui

import (
	"math"
	"testing"
)

func TestTheme(t *testing.T) {
	t.Parallel()
	th := NewTheme() // panics if an embedded font is broken
	f := th.Bold(Large)
	if th.Bold(Large) != f {
		t.Error("the same face is made twice")
	}
	// Go Bold's line (ascent plus descent) is about 1.17 em; its "M" is 0.91 em wide.
	if m := f.Metrics(); m.HAscent+m.HDescent < float64(Large) || m.HAscent+m.HDescent > 1.3*float64(Large) {
		t.Errorf("line height %v at scale 1, want about %v", m.HAscent+m.HDescent, 1.17*float64(Large))
	}
	w := Measure("MM", f)
	if w < 1.6*float64(Large) || w > 2*float64(Large) {
		t.Errorf(`"MM" measures %v at size %v`, w, Large)
	}
	th.setScale(2)
	if g := th.Bold(Large); g == f || math.Abs(Measure("MM", g)-2*w) > 0.1 { // 26.6 fixed point
		t.Errorf("after scaling to 2: %q measures %v, want a new face where it measures %v", "MM", Measure("MM", g), 2*w)
	}
	if th.Face(Large) == th.Bold(Large) {
		t.Error("regular and bold share a face")
	}
}
