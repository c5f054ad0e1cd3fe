//go:build !linux && !darwin

package server

import "time"

// cpuMeter reports 0: this platform's process CPU time is not read.
type cpuMeter struct{}

func newCPUMeter(time.Time) *cpuMeter     { return &cpuMeter{} }
func (*cpuMeter) cores(time.Time) float64 { return 0 }
