package netclient

import (
	"math"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient/internal/websocket"
)

// seatGone reports whether a connection that ended with code lost the seat for good, so that the
// client joins afresh at once: a resume refused with 4015. A passing refusal (4017: the server has
// not yet seen the old connection drop, or the room was busy) keeps the token, which is tried again
// after the backoff. The code alone decides; the reason is for people.
func seatGone(code int) bool { return code == int(wire.CloseResumeFailed) }

// retryable reports whether a connection that ended with code is worth reconnecting: lost to the
// network (0, 1006), a server going away or restarting (1001), a failed room (1011), a client that
// fell behind or stopped answering pings (4010, 4014), a resume the server could not honour
// (4015: join afresh; 4017: try the token again), or inputs aimed too far ahead (4016: the clock
// estimate went wrong, as after a long server stall; a new connection synchronises afresh).
// Refusals and protocol errors are final.
func retryable(code int) bool {
	switch code {
	case 0, int(websocket.StatusAbnormalClosure), int(wire.CloseGoingAway), int(wire.CloseServerError),
		int(wire.CloseSlowClient), int(wire.CloseNoPong), int(wire.CloseResumeFailed), int(wire.CloseInputAhead),
		int(wire.CloseResumeLater):
		return true
	}
	return false
}

// ReconnectForever, as Config.MaxReconnects, never gives up a lost connection: the client tries
// again every few seconds (backoff's cap) for as long as it runs.
const ReconnectForever = math.MaxInt

// rejoined notes, under c.mu, a fresh welcome after an earlier one that was not resumed: the seat
// was lost meanwhile, and the player starts again with nothing.
func (c *Client[I]) rejoined(now time.Time) {
	c.view.Rejoins++
	c.view.RejoinedAt = now
}
