package gateway

import "github.com/tickwire/tickwire/shared/wire"

// ConnState is where a connection is in its life, as an [Observer] sees it.
type ConnState int

const (
	ConnNone      ConnState = iota // not open: before it was accepted, after it ended
	ConnHandshake                  // accepted, waiting for the hello and a seat
	ConnPlaying                    // seated in a room
)

func (s ConnState) String() string {
	switch s {
	case ConnHandshake:
		return "handshake"
	case ConnPlaying:
		return "playing"
	}
	return "none"
}

// Observer is told about connections and the frames they carry, for metrics (server/metrics
// implements it). Its methods are called from every connection's goroutines at once, for every frame:
// they must be quick, safe for concurrent use and must not block.
type Observer interface {
	// ConnState reports a connection moving from one state to another.
	ConnState(from, to ConnState)
	// FrameIn reports a valid frame read from a client: its op and its size in bytes.
	FrameIn(op wire.Op, bytes int)
	// FrameOut reports a frame written to a client.
	FrameOut(op wire.Op, bytes int)
	// SnapshotDropped reports a snapshot replaced by a newer one before it was written: the client or
	// its network is slower than the snapshot rate.
	SnapshotDropped()
	// Closed reports the code the server closed a connection with: a refusal, a frame it could not
	// accept, a slow client, a shutdown, or 1000 once the client left.
	Closed(code wire.CloseCode)
	// WriteFailed reports a connection dropped because a write failed; timedOut when it took longer
	// than WriteTimeout (a stuck client), otherwise the network failed it (a reset). A connection
	// closed while a write was under way (the client's close frame answered by the library before the
	// reader returned it) is not a failed write: Closed reports it, with the reader's code.
	WriteFailed(timedOut bool)
}

type nopObserver struct{}

func (nopObserver) ConnState(ConnState, ConnState) {}
func (nopObserver) FrameIn(wire.Op, int)           {}
func (nopObserver) FrameOut(wire.Op, int)          {}
func (nopObserver) SnapshotDropped()               {}
func (nopObserver) Closed(wire.CloseCode)          {}
func (nopObserver) WriteFailed(bool)               {}

// frameOp returns the op of a frame the server encoded: 92 <op> or 92 cc <op>.
func frameOp(frame []byte) wire.Op {
	switch {
	case len(frame) >= 2 && frame[1] <= 0x7f:
		return wire.Op(frame[1])
	case len(frame) >= 3 && frame[1] == 0xcc:
		return wire.Op(frame[2])
	}
	return 0
}
