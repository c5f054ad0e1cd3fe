package ui

import "testing"

func TestTheme(t *testing.T) {
	t.Parallel()
	th := NewTheme() // panics if an embedded font is broken
	f := th.Bold(Large)
	if th.Bold(Large) != f {
		t.Error("the same face is made twice")
	}
	if f.Size != float64(Large) {
		t.Errorf("size %v at scale 1, want %v", f.Size, Large)
	}
	th.setScale(2)
	if g := th.Bold(Large); g == f || g.Size != 2*float64(Large) {
		t.Errorf("after scaling to 2: size %v, want a new face of size %v", g.Size, 2*float64(Large))
	}
	if th.Face(Large) == th.Bold(Large) {
		t.Error("regular and bold share a face")
	}
}
