package netlab

import (
	"context"
	"testing"

	"github.com/tickwire/tickwire/shared/netsim"
)

// TestBadNetwork plays four players for ten seconds over the bad profile (150 ms RTT, 30 ms
// jitter, 5% snapshot loss), with the real server and real sockets, and checks what the
// deterministic sim guarantees whatever the machine's load: a player nobody touches is never
// corrected. Stalls, errors and delays depend on how busy the machine is; they are logged here and
// reported by `go tool mage netlab`. (The stall bound is asserted with generated time in
// netcode's TestSession.)
func TestBadNetwork(t *testing.T) {
	t.Parallel()
	r, err := Run(context.Background(), Options{Net: netsim.Bad, Players: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Uncontested != 0 {
		t.Errorf("%d corrections of uncontested players; the prediction must be exact. The first: %s", r.Uncontested, r.FirstUncontested)
	}
	if r.Unfaithful != 0 {
		t.Errorf("%d snapshots differ from the server's state; the first: %s", r.Unfaithful, r.FirstUnfaithful)
	}
	if r.Frames == 0 || r.MaxError == 0 || r.RTT < netsim.Bad.RTT/2 {
		t.Errorf("nothing measured: %d frames, max error %v, RTT %v", r.Frames, r.MaxError, r.RTT)
	}
}

// TestCleanLoopback is the same on a clean loopback.
func TestCleanLoopback(t *testing.T) {
	t.Parallel()
	r, err := Run(context.Background(), Options{Ticks: 150, Players: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Uncontested != 0 {
		t.Errorf("%d corrections of uncontested players on a clean loopback; want none. The first: %s", r.Uncontested, r.FirstUncontested)
	}
	if r.Unfaithful != 0 {
		t.Errorf("%d snapshots differ from the server's state; the first: %s", r.Unfaithful, r.FirstUnfaithful)
	}
}
