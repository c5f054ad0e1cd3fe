package netlab

import (
	"context"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/sim"
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
	if r.Desyncs != 0 {
		t.Errorf("%d desyncs in %d checks; the arena's Step is the same on both sides. The first: %s", r.Desyncs, r.Checks, r.FirstDesync)
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

// TestOtherGame plays pong, registered beside the arena: netlab is generic over the game, so a new
// game's netcode is measured the same way. Pong predicts nothing, so nothing is corrected.
func TestOtherGame(t *testing.T) {
	t.Parallel()
	r, err := Run(context.Background(), Options{Game: "pong", Ticks: 240})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	if r.Players != 2 || r.Game != "pong" {
		t.Errorf("%d players of %q; want pong's two seats", r.Players, r.Game)
	}
	if r.Unfaithful != 0 || r.Uncontested+r.Contact+r.LateInput+r.Resync != 0 {
		t.Errorf("%d snapshots unfaithful, %d corrections; want none", r.Unfaithful, r.Uncontested+r.Contact+r.LateInput+r.Resync)
	}
	// Pong predicts nothing, so there is no prediction to check: none compared, none skipped.
	if r.Desyncs+r.Checks+r.ChecksSkipped != 0 {
		t.Errorf("pong: %d desyncs in %d checks (%d skipped); a game that does not predict compares none", r.Desyncs, r.Checks, r.ChecksSkipped)
	}
	if r.Frames == 0 || r.MaxError == 0 {
		t.Errorf("nothing measured: %d frames, max error %v", r.Frames, r.MaxError)
	}
	if _, err := Run(context.Background(), Options{Game: "chess"}); err == nil || !strings.Contains(err.Error(), "arena") {
		t.Errorf("an unknown game: %v, want an error listing the games", err)
	}
}

// TestRecordingKeepsWhatTheGameIs: the server runs the recorded game as the game itself: with
// interest management, lag compensation and its messages (the standings) for the arena, with its
// messages for pong.
func TestRecordingKeepsWhatTheGameIs(t *testing.T) {
	t.Parallel()
	a := recording[arena.State, arena.Input](arena.Game{}, newHistory[arena.Input](arena.Schema))
	if _, ok := a.(sim.Interest[arena.State]); !ok {
		t.Error("the recorded arena lost its interest management")
	}
	if _, ok := a.(sim.Compensated[arena.State, arena.Input]); !ok {
		t.Error("the recorded arena lost its lag compensation")
	}
	if _, ok := a.(room.Messenger[arena.State]); !ok {
		t.Error("the recorded arena lost its messages")
	}
	p := recording[pong.State, pong.Input](pong.Game{}, newHistory[pong.Input](pong.Schema))
	if _, ok := p.(room.Messenger[pong.State]); !ok {
		t.Error("the recorded pong lost its messages")
	}
}
