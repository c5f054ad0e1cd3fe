package wire

import (
	"errors"
	"fmt"

	"github.com/tickwire/tickwire/shared/sim"
)

// ErrUnknownOp is wrapped by the error of decoding a frame whose op a [MessageSet] does not declare
// for the direction it travelled in.
var ErrUnknownOp = errors.New("unknown op")

// Direction says which way a game's message travels.
type Direction uint8

const (
	// ToServer marks a message that clients send to the server.
	ToServer Direction = 1 << iota
	// ToClient marks a message that the server sends to clients.
	ToClient
)

func (d Direction) String() string {
	switch d {
	case ToServer:
		return "client → server"
	case ToClient:
		return "server → client"
	case ToServer | ToClient:
		return "either way"
	}
	return fmt.Sprintf("direction %d", uint8(d))
}

// MessageType declares one of a game's own messages.
type MessageType struct {
	// Op is the message's op, from [FirstGameOp] up.
	Op Op
	// Name names the message in logs and errors.
	Name string
	// Dir says who may send it: [ToServer], [ToClient] or both.
	Dir Direction
	// New returns an empty message to decode into; its Op must be Op.
	New func() Message
}

// MessageSet is a game's table of its own messages: the ops it declares, which way each travels and
// how to decode it. The toolkit decodes every game frame through it, so a game's messages get the
// same hostile-input safety as the toolkit's: [Validate] first, then the message's own DecodeBody,
// which must refuse values the game cannot take.
type MessageSet []MessageType

// Check reports whether the set is well formed: every op a game op, declared once, with a name, a
// direction and a New whose message has that op.
func (s MessageSet) Check() error {
	seen := map[Op]bool{}
	for _, t := range s {
		switch {
		case !t.Op.IsGameOp():
			return fmt.Errorf("wire: message %q: op %d is the toolkit's; games use %d and up", t.Name, uint8(t.Op), uint8(FirstGameOp))
		case seen[t.Op]:
			return fmt.Errorf("wire: op %d declared twice", uint8(t.Op))
		case t.Name == "":
			return fmt.Errorf("wire: op %d has no name", uint8(t.Op))
		case t.Dir == 0 || t.Dir&^(ToServer|ToClient) != 0:
			return fmt.Errorf("wire: message %q: bad direction %d", t.Name, uint8(t.Dir))
		case t.New == nil:
			return fmt.Errorf("wire: message %q has no New", t.Name)
		}
		if m := t.New(); m == nil || m.Op() != t.Op {
			return fmt.Errorf("wire: message %q: New returns a message whose op is not %d", t.Name, uint8(t.Op))
		}
		seen[t.Op] = true
	}
	return nil
}

// Lookup returns the declaration of op.
func (s MessageSet) Lookup(op Op) (MessageType, bool) {
	for _, t := range s {
		if t.Op == op {
			return t, true
		}
	}
	return MessageType{}, false
}

// Decode reads a validated frame (from [Decode]) that travelled in direction dir into a new message
// of the type the set declares for its op. It fails with an error wrapping [ErrUnknownOp] when the
// set declares no such op for that direction, and with one wrapping [ErrMalformed] when the body is
// not the message.
func (s MessageSet) Decode(f Frame, dir Direction) (Message, error) {
	t, ok := s.Lookup(f.Op)
	if !ok || t.Dir&dir == 0 {
		return nil, fmt.Errorf("%w %d (%s)", ErrUnknownOp, uint8(f.Op), dir)
	}
	m := t.New()
	if err := f.Decode(m); err != nil {
		return nil, fmt.Errorf("%s: %w", t.Name, err)
	}
	return m, nil
}

// Event is a game's message on its way from the server to clients.
type Event struct {
	// To is the only player who gets the message; 0 sends it to everyone in the room, spectators
	// included.
	To sim.PlayerID
	// Msg is the message; its op must be declared [ToClient] in the game's [MessageSet].
	Msg Message
}
