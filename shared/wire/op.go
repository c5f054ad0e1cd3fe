package wire

import "fmt"

// Op is a frame's operation code: it says what the body is.
type Op uint8

// The toolkit's operation codes. Values up to [LastToolkitOp] are reserved for the toolkit; the ones
// not listed here are reserved for its future use.
const (
	// OpHello is the client's first frame: protocol version, game, room and player name.
	OpHello Op = 1
	// OpWelcome answers a hello that was accepted: the player's id and the room's timing.
	OpWelcome Op = 2
	// OpInput carries one tick's worth of a player's input, stamped with a sequence number.
	OpInput Op = 3
	// OpSnapshot carries the room's entities as of a tick, and the newest input the server applied.
	OpSnapshot Op = 4
	// OpRoster lists the players in the room with their names; sent whenever it changes.
	OpRoster Op = 5
	// OpBye tells the peer why the connection is about to close.
	OpBye Op = 6
	// OpPing asks the server to echo a client timestamp, for round-trip time.
	OpPing Op = 7
	// OpPong is the echo of a ping, with the server's current tick.
	OpPong Op = 8
	// OpDelta carries a snapshot as the difference from an earlier snapshot the client acknowledged
	// (see [Delta]).
	OpDelta Op = 9
	// OpRedirect tells a client that its hello is played on another node of the cluster: where to
	// connect, and the reservation to present there (see [Redirect]). A bye and a close with
	// [CloseRedirect] follow it.
	OpRedirect Op = 10
	// OpInputs carries the inputs of several consecutive ticks in one frame (see [InputBatch]): the
	// client sends sim.Info.InputsPerMessage ticks' inputs at a time.
	OpInputs Op = 11

	// LastToolkitOp is the highest op reserved for the toolkit.
	LastToolkitOp Op = 63
	// FirstGameOp is the first op a game may declare for its own messages.
	FirstGameOp Op = 64
)

var opNames = map[Op]string{
	OpHello: "hello", OpWelcome: "welcome", OpInput: "input", OpSnapshot: "snapshot",
	OpRoster: "roster", OpBye: "bye", OpPing: "ping", OpPong: "pong", OpDelta: "delta", OpRedirect: "redirect",
	OpInputs: "inputs",
}

func (op Op) String() string {
	if s, ok := opNames[op]; ok {
		return s
	}
	if op >= FirstGameOp {
		return fmt.Sprintf("game op %d", uint8(op))
	}
	return fmt.Sprintf("reserved op %d", uint8(op))
}

// IsGameOp reports whether op is in the range games may declare.
func (op Op) IsGameOp() bool { return op >= FirstGameOp }
