package gateway

import (
	"errors"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// inputClose says how to close a connection whose input the seat refused. Late and duplicate
// inputs are not refused: the seat ignores them, and the connection stays open.
func inputClose(err error) error {
	switch {
	case errors.Is(err, room.ErrStaleInput):
		return closeWith(wire.CloseUnexpected, "%v", err)
	case errors.Is(err, room.ErrInputAhead):
		// The error reads "input for tick N is M ticks ahead of the server (at most L)".
		return closeWith(wire.CloseInputAhead, "%v", err)
	case errors.Is(err, room.ErrSpectator):
		return closeWith(wire.CloseSpectator, "%v", err)
	default:
		return closeWith(wire.CloseMalformed, "bad input: %v", err)
	}
}
