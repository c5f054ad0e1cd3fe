package netclient

import (
	"strings"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/shared/wire"
)

// seatGone reports whether a connection that ended with code and reason lost the seat for good, so
// that the client joins afresh at once: a resume refused (4015), unless the refusal is passing
// ("try again": the server has not yet noticed that the old connection dropped and the seat is
// "in use" by it, or the room was too busy to answer). Then the token is tried again after the
// backoff. ("in use" alone is what servers before "try again" said.)
func seatGone(code int, reason string) bool {
	return code == int(wire.CloseResumeFailed) && !strings.Contains(reason, "try again") && !strings.Contains(reason, "in use")
}

// retryable reports whether a connection that ended with code is worth reconnecting: lost to the
// network (0, 1006), a server going away or restarting (1001), a failed room (1011), a client that
// fell behind or stopped answering pings (4010, 4014), a resume the server could not honour
// (4015: join afresh), or inputs aimed too far ahead (4016: the clock estimate went wrong, as
// after a long server stall; a new connection synchronises afresh). Refusals and protocol errors
// are final.
func retryable(code int) bool {
	switch code {
	case 0, int(websocket.StatusAbnormalClosure), int(wire.CloseGoingAway), int(wire.CloseServerError),
		int(wire.CloseSlowClient), int(wire.CloseNoPong), int(wire.CloseResumeFailed), int(wire.CloseInputAhead):
		return true
	}
	return false
}
