package netlab

import (
	"context"
	"testing"

	"github.com/tickwire/tickwire/shared/netsim"
)

// TestBadNetwork plays six players for ten seconds over the bad profile (150 ms RTT, 30 ms jitter,
// 5% snapshot loss) and checks what the deterministic sim guarantees: a player nobody touches is
// never corrected, and remote entities never stall longer than the extrapolation bound. The
// figures are logged (and reported by `go tool mage netlab`), not asserted.
func TestBadNetwork(t *testing.T) {
	t.Parallel()
	r, err := Run(context.Background(), Options{Net: netsim.Bad})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Uncontested != 0 {
		t.Errorf("%d corrections of uncontested players; the prediction must be exact", r.Uncontested)
	}
	if r.LongestStall > r.ExtrapolationBound {
		t.Errorf("longest stall %v, beyond the extrapolation bound %v", r.LongestStall, r.ExtrapolationBound)
	}
	if r.Frames == 0 || r.MaxError == 0 {
		t.Errorf("nothing measured: %d frames, max error %v", r.Frames, r.MaxError)
	}
}

// TestCleanLoopback is the same on a clean loopback, where nothing should go wrong at all.
func TestCleanLoopback(t *testing.T) {
	t.Parallel()
	r, err := Run(context.Background(), Options{Ticks: 150})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Uncontested != 0 || r.LateInputs != 0 {
		t.Errorf("%d uncontested corrections and %d late inputs on a clean loopback; want none", r.Uncontested, r.LateInputs)
	}
}
