package room

import "github.com/tickwire/tickwire/shared/wire"

// Peer is how a room reaches one client. Its methods must never block: a peer that cannot keep up
// drops snapshots or closes itself, it never makes the room wait. A peer may write a frame on the
// room's goroutine when its socket takes it at once (the gateway's does: no goroutine is woken per
// frame), so a room's step time includes handing its snapshots to the kernel.
type Peer interface {
	// Send queues a frame that must arrive, in order. The peer takes ownership of frame (and may return
	// it to bufpool once written).
	Send(frame []byte)
	// SendSnapshot queues a snapshot frame; a snapshot not yet written when the next one arrives is
	// replaced by it. The peer takes ownership of frame.
	SendSnapshot(frame []byte)
	// Close closes the connection as ce says: a bye with its code and reason, then the close frame.
	// When ce.Redirect is set (code 4018, see [wire.RedirectTo]) the redirect frame goes first, so
	// the client knows where to play on. The first close asked for wins.
	Close(ce *wire.CloseError)
}
