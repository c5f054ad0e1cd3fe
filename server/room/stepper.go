package room

import "time"

// Stepper turns wall-clock time into a whole number of fixed steps (Glenn Fiedler's "Fix Your
// Timestep" accumulator). The caller passes the current time in; Stepper never reads the clock.
type Stepper struct {
	period     time.Duration
	maxCatchUp int
	last       time.Time
	acc        time.Duration
	dropped    uint64
}

// NewStepper returns a stepper for the given step period that runs at most maxCatchUp steps per call
// to Advance.
func NewStepper(period time.Duration, maxCatchUp int) *Stepper {
	return &Stepper{period: period, maxCatchUp: max(maxCatchUp, 1)}
}

// Start sets the time from which steps are counted.
func (s *Stepper) Start(now time.Time) {
	s.last = now
	s.acc = 0
}

// Advance returns how many steps are due at now. After a stall (a paused process, a slow tick) it runs
// at most maxCatchUp steps and forgets the rest of the backlog, so a room that fell behind recovers
// instead of trying ever harder to catch up (the spiral of death). Time going backwards runs no step.
func (s *Stepper) Advance(now time.Time) int {
	elapsed := now.Sub(s.last)
	s.last = now
	if elapsed <= 0 {
		return 0
	}
	s.acc += elapsed
	n := int(s.acc / s.period)
	s.acc -= time.Duration(n) * s.period
	if n > s.maxCatchUp {
		s.dropped += uint64(n - s.maxCatchUp)
		n = s.maxCatchUp
	}
	return n
}

// Dropped reports how many steps were skipped because they were too far behind.
func (s *Stepper) Dropped() uint64 { return s.dropped }

// PhaseStart returns the first multiple of period (counted from the zero time) after now: when
// rooms of one tick rate start their tickers there, they all tick in phase.
func PhaseStart(now time.Time, period time.Duration) time.Time {
	return now.Truncate(period).Add(period)
}
