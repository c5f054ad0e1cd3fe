package room

import (
	"slices"
	"testing"
	"time"
)

// recordingObserver records what a room reports; the room calls it from one goroutine.
type recordingObserver struct {
	late            []bool
	missed          []int
	lateInputs, dup int
}

func (o *recordingObserver) Tick(d time.Duration, late bool) {
	if d < 0 {
		panic("negative tick duration")
	}
	o.late = append(o.late, late)
}
func (o *recordingObserver) Missed(n int) { o.missed = append(o.missed, n) }
func (o *recordingObserver) InputsIgnored(late, duplicate int) {
	if late+duplicate == 0 {
		panic("InputsIgnored called with nothing ignored")
	}
	o.lateInputs += late
	o.dup += duplicate
}

func TestObserverSeesEveryStepLateStepsAndMissedSteps(t *testing.T) {
	t.Parallel()
	var obs recordingObserver
	r := newLineRoom(Config{TickRate: 100, MaxCatchUp: 4, Observer: &obs})
	var p fakePeer
	r.Join(1, "a", &p)
	st := NewStepper(10*time.Millisecond, 4)
	t0 := time.Unix(1000, 0)
	st.Start(t0)

	r.advance(st, t0.Add(10*time.Millisecond))   // on time: one step
	r.advance(st, t0.Add(40*time.Millisecond))   // woke two periods late: three steps, two of them late
	r.advance(st, t0.Add(1040*time.Millisecond)) // a one-second stall: four steps, 96 missed
	r.advance(st, t0.Add(1045*time.Millisecond)) // too early: nothing

	want := []bool{false, false, true, true, false, true, true, true}
	if !slices.Equal(obs.late, want) {
		t.Errorf("late flags %v, want %v", obs.late, want)
	}
	if !slices.Equal(obs.missed, []int{96}) {
		t.Errorf("missed %v, want [96]", obs.missed)
	}
	if s := r.Stats(); s.Ticks != 8 || s.Dropped != 96 {
		t.Errorf("stats: %d ticks, %d dropped; want 8 and 96", s.Ticks, s.Dropped)
	}
	if r.Tick() != 8 {
		t.Errorf("tick %d, want 8", r.Tick())
	}
}

func TestNilObserverIsSafe(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{TickRate: 100})
	st := NewStepper(10*time.Millisecond, 4)
	t0 := time.Unix(1000, 0)
	st.Start(t0)
	r.advance(st, t0.Add(time.Second))
	if r.Tick() != 4 {
		t.Errorf("tick %d, want 4", r.Tick())
	}
}
