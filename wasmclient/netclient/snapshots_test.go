package netclient_test

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// TestQueuesSnapshotsBounded: the client queues every snapshot with its arrival time for
// TakeSnapshots, in order, and keeps only the newest 64 when nobody takes them (a hidden tab).
func TestQueuesSnapshotsBounded(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "manual", Name: "ann"}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	waitView(t, c, "a few snapshots", func(v netclient.View) bool { return v.Snapshots >= 5 })
	got := c.TakeSnapshots(nil)
	if len(got) < 5 {
		t.Fatalf("took %d snapshots, want at least 5", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Tick <= got[i-1].Tick || got[i].At.Before(got[i-1].At) || len(got[i].Entities) == 0 {
			t.Fatalf("snapshot %d: tick %d at %v after tick %d at %v (%d entities)", i, got[i].Tick, got[i].At, got[i-1].Tick, got[i-1].At, len(got[i].Entities))
		}
	}
	if again := c.TakeSnapshots(nil); len(again) > 2 {
		t.Errorf("a second take right after the first returned %d snapshots: the queue was not drained", len(again))
	}
	// Nobody takes them for more than 64 snapshots' time (3.2 s at 20 Hz).
	v := waitView(t, c, "the queue to overflow", func(v netclient.View) bool { return v.DroppedSnapshots > 0 })
	if n := len(c.TakeSnapshots(nil)); n > 64 {
		t.Errorf("%d snapshots queued, want at most 64", n)
	}
	if v.BytesIn == 0 || v.BytesOut == 0 {
		t.Errorf("bytes in %d, out %d: not counted", v.BytesIn, v.BytesOut)
	}
}

// TestSentInputsMoveThePlayer: inputs sent with SendInput, stamped with ticks ahead of the
// server, move the player; and the client's simulated network delays the round trip.
func TestSentInputsMoveThePlayer(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "manual-move", Name: "bob",
		NetSim: netsim.Profile{RTT: 60 * time.Millisecond}}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitView(t, c, "a snapshot and a round trip", func(v netclient.View) bool { return v.Snapshots > 0 && v.Pongs > 0 })
	if v.RTT < 60*time.Millisecond {
		t.Errorf("RTT %v through a simulated 60 ms round trip", v.RTT)
	}
	start := player(v, v.Welcome.Player).Fields[arena.PlayerX]
	dir := int8(127) // toward the middle, away from the nearer wall
	if start > arena.Width/2 {
		dir = -127
	}
	// Thirty inputs, for the ticks from half a second ahead of the newest snapshot.
	for i := range uint32(30) {
		c.SendInput(wire.InputHeader{Seq: i + 1, Tick: v.Tick + 15 + i}, arena.Input{MoveX: dir})
	}
	waitView(t, c, "the player to move", func(v netclient.View) bool {
		p := player(v, v.Welcome.Player)
		if p == nil || v.Ack != 30 {
			return false
		}
		moved := p.Fields[arena.PlayerX] - start
		return moved*int32(dir) > 10*arena.One*127
	})
}
