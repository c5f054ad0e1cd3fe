package gateway

import (
	"errors"

	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
)

// messageClose says how to close a connection whose game message the room refused.
func messageClose(err error) error {
	switch {
	case errors.Is(err, wire.ErrUnknownOp):
		return closeWith(wire.CloseUnknownOp, "%v", err)
	case errors.Is(err, room.ErrSpectator):
		return closeWith(wire.CloseSpectator, "%v", err)
	case errors.Is(err, room.ErrMessageFlood):
		return closeWith(wire.ClosePolicy, "%v", err)
	default:
		return closeWith(wire.CloseMalformed, "bad game message: %v", err)
	}
}
