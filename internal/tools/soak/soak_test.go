package soak

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestSoak runs a short soak in the test suite (12 bots, 6 s, a cut every 500 ms). `go tool mage
// soak` runs a long one by setting TICKWIRE_SOAK_DURATION (and TICKWIRE_SOAK_BOTS).
func TestSoak(t *testing.T) {
	cfg := Config{Bots: 12, Duration: 6 * time.Second, CutEvery: 500 * time.Millisecond, Seed: 1, Logf: t.Logf}
	if d, err := time.ParseDuration(os.Getenv("TICKWIRE_SOAK_DURATION")); err == nil {
		cfg.Duration, cfg.CutEvery = d, 2*time.Second
	}
	if n, err := strconv.Atoi(os.Getenv("TICKWIRE_SOAK_BOTS")); err == nil {
		cfg.Bots = n
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if err := rep.Check(); err != nil {
		t.Error(err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	good := Report{Bots: 2, ServerPlayers: 2, Cuts: 3, Resumed: 3,
		Goroutines: Growth{Start: 10, End: 12}, HeapInuse: Growth{Start: 4 << 20, End: 9 << 20}}
	if err := good.Check(); err != nil {
		t.Errorf("a healthy run failed: %v", err)
	}
	for name, bad := range map[string]func(r *Report){
		"a lost seat":         func(r *Report) { r.SeatsLost = 1 },
		"no resume":           func(r *Report) { r.Resumed = 0 },
		"leaked goroutines":   func(r *Report) { r.Goroutines.End = 50 },
		"growing heap":        func(r *Report) { r.HeapInuse.End = 100 << 20 },
		"players not counted": func(r *Report) { r.ServerPlayers = 1 },
	} {
		r := good
		bad(&r)
		if r.Check() == nil {
			t.Errorf("%s passed the check", name)
		}
	}
}
