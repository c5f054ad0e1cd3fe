package room

import (
	"testing"
	"time"
)

func TestStepper(t *testing.T) {
	t.Parallel()
	const period = 33 * time.Millisecond
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name        string
		at          []time.Duration // offsets from t0 of successive Advance calls
		want        []int
		wantDropped uint64
	}{
		{"on time", []time.Duration{33, 66, 99}, []int{1, 1, 1}, 0},
		{"early wake runs nothing then catches up", []time.Duration{20, 40, 66}, []int{0, 1, 1}, 0},
		{"remainders accumulate", []time.Duration{50, 100, 150, 200}, []int{1, 2, 1, 2}, 0},
		{"short stall catches up", []time.Duration{33, 132}, []int{1, 3}, 0},
		{"long stall is capped", []time.Duration{33, 1033, 1066}, []int{1, 4, 1}, 26},
		{"time going backwards runs nothing", []time.Duration{33, 10, 43}, []int{1, 0, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewStepper(period, 4)
			s.Start(t0)
			for i, ms := range tt.at {
				if got := s.Advance(t0.Add(ms * time.Millisecond)); got != tt.want[i] {
					t.Errorf("Advance(+%dms) = %d, want %d", ms, got, tt.want[i])
				}
			}
			if s.Dropped() != tt.wantDropped {
				t.Errorf("Dropped() = %d, want %d", s.Dropped(), tt.wantDropped)
			}
		})
	}
}

func TestStepperKeepsRateOverALongRun(t *testing.T) {
	t.Parallel()
	s := NewStepper(time.Second/30, 4)
	t0 := time.Unix(0, 0)
	s.Start(t0)
	steps := 0
	// Wake at an irregular 7–23 ms cadence for 60 simulated seconds.
	for at := time.Duration(0); at < 60*time.Second; at += time.Duration(7+(at/time.Millisecond)%17) * time.Millisecond {
		steps += s.Advance(t0.Add(at))
	}
	if steps < 1799 || steps > 1800 {
		t.Errorf("%d steps in 60 s at 30 Hz, want 1800", steps)
	}
}

// TestStepperPhaseAbsorbsJitter is why Run starts its stepper half a period back: with wakes on a
// ticker jittering by up to a few milliseconds, a stepper counted from the ticker's start sits on the
// edge of a period and turns jitter into wakes with no step followed by wakes with two, while one
// counted from half a period earlier runs exactly one step per wake.
func TestStepperPhaseAbsorbsJitter(t *testing.T) {
	t.Parallel()
	const period = time.Second / 30
	t0 := time.Unix(0, 0)
	wake := func(k int) time.Time { // the k-th tick, up to 3 ms early or late
		jitter := time.Duration((k*7919)%7-3) * time.Millisecond
		return t0.Add(time.Duration(k)*period + jitter)
	}
	count := func(start time.Time) (single, other int) {
		s := NewStepper(period, 4)
		s.Start(start)
		for k := 1; k <= 300; k++ {
			if s.Advance(wake(k)) == 1 {
				single++
			} else {
				other++
			}
		}
		return single, other
	}
	if single, other := count(t0.Add(-period / 2)); other != 0 {
		t.Errorf("counted from half a period back: %d wakes with one step, %d with none or two; want every wake one step", single, other)
	}
	if _, other := count(t0); other == 0 {
		t.Error("counted from the ticker's start, jitter never skipped a step: the phase no longer matters and Run's comment is stale")
	}
}

func TestPhaseStart(t *testing.T) {
	t.Parallel()
	for _, period := range []time.Duration{time.Second / 30, time.Second / 20, time.Second / 60, 50 * time.Millisecond} {
		base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		first := PhaseStart(base, period)
		for _, off := range []time.Duration{0, time.Millisecond, 7 * time.Millisecond, 3 * time.Second, time.Hour + 123*time.Microsecond} {
			now := base.Add(off)
			got := PhaseStart(now, period)
			if !got.After(now) || got.Sub(now) > period {
				t.Errorf("period %v, now +%v: start %v is not within one period after now", period, off, got.Sub(now))
			}
			// Any two starts are a whole number of periods apart: the rooms tick in phase.
			if d := got.Sub(first); d%period != 0 {
				t.Errorf("period %v, now +%v: start %v after the first, not a multiple of the period", period, off, d)
			}
		}
	}
}
