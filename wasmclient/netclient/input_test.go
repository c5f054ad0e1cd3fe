package netclient_test

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/netsim"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// TestSentBatchesMoveThePlayer: inputs sent with SendInputs, several a message, through the
// client's simulated bad network (its delay, jitter and held-back frames), reach the real server
// as inputs frames, one frame a batch, and each moves the player on its own tick: the server
// acknowledges the last of them.
func TestSentBatchesMoveThePlayer(t *testing.T) {
	t.Parallel()
	url := startArena(t, server.Config{})
	c := netclient.Dial[arena.Input](netclient.Config{URL: url, Room: "batched-move", Name: "bob",
		NetSim: netsim.Profile{RTT: 60 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.05}}, arena.Game{}, arena.Schema)
	t.Cleanup(c.Close)
	v := waitView(t, c, "a snapshot and a round trip", func(v netclient.View) bool { return v.Snapshots > 0 && v.Pongs > 0 })
	start := player(v, v.Welcome.Player).Fields[arena.PlayerX]
	dir := int8(127) // toward the middle, away from the nearer wall
	if start > arena.Width/2 {
		dir = -127
	}
	framesOut := v.FramesOut
	// Thirty inputs in ten messages of three, for the ticks from half a second ahead of the newest
	// snapshot; the last message is a single one, sent as an input frame.
	var batch []netcode.Outgoing[arena.Input]
	for i := range uint32(31) {
		batch = append(batch, netcode.Outgoing[arena.Input]{Seq: i + 1, Tick: v.Tick + 15 + i, Rewind: 256, Input: arena.Input{MoveX: dir}})
		if len(batch) == 3 || i == 30 {
			c.SendInputs(batch)
			batch = batch[:0]
		}
	}
	v = waitView(t, c, "the player to move", func(v netclient.View) bool {
		p := player(v, v.Welcome.Player)
		if p == nil || v.Ack != 31 {
			return false
		}
		moved := p.Fields[arena.PlayerX] - start
		return moved*int32(dir) > 10*arena.One*127
	})
	// Eleven frames of inputs, and the pings sent meanwhile (one a second).
	if sent := v.FramesOut - framesOut; sent < 11 || sent > 11+5 {
		t.Errorf("%d frames sent for 31 inputs in 11 messages", sent)
	}
	if v.DroppedInputs != 0 {
		t.Errorf("%d inputs dropped", v.DroppedInputs)
	}
}
