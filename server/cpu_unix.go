//go:build linux || darwin

package server

import (
	"syscall"
	"time"
)

// cpuMeter measures the process's CPU use (user and system) between two readings, in cores.
type cpuMeter struct {
	last    time.Duration
	lastAt  time.Time
	working bool
}

func newCPUMeter(now time.Time) *cpuMeter {
	used, ok := cpuUsed()
	return &cpuMeter{last: used, lastAt: now, working: ok}
}

// cores returns the CPU the process used since the last reading, divided by the time since: 1.5 is
// one and a half cores busy. 0 where it cannot be read.
func (m *cpuMeter) cores(now time.Time) float64 {
	used, ok := cpuUsed()
	if !ok || !m.working {
		return 0
	}
	dt := now.Sub(m.lastAt)
	c := 0.0
	if dt > 0 {
		c = float64(used-m.last) / float64(dt)
	}
	m.last, m.lastAt = used, now
	return c
}

func cpuUsed() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
