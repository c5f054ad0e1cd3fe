//go:build !linux && !darwin

package metrics

// peakRSS returns -1: this platform's peak resident set size is not read.
func peakRSS() int64 { return -1 }
