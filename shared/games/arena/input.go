package arena

import (
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// EncodeInput writes an input as [moveX, moveY, buttons].
func (Game) EncodeInput(e *msgpack.Encoder, in *Input) error {
	return encodeInput(e, in, 3)
}

// DecodeInput reads an input, refusing values outside the stick's range or unknown buttons.
func (Game) DecodeInput(d *msgpack.Decoder, in *Input) error {
	f := wire.ReadFields(d)
	readInput(&f, in)
	return f.Done()
}

// EncodeFullInput writes an input as Step gets it, [moveX, moveY, buttons, hit]: with the Hit that
// Judge set, which the wire never carries. A replay records inputs so (replay.FullInputCodec), so
// that a judged dash knocks its body back in the replay too.
func (Game) EncodeFullInput(e *msgpack.Encoder, in *Input) error {
	if err := encodeInput(e, in, 4); err != nil {
		return err
	}
	return wire.PutUint(e, uint64(in.Hit))
}

// DecodeFullInput reads what EncodeFullInput writes, refusing a hit that is not a player or a drone
// (a missing hit reads as none).
func (Game) DecodeFullInput(d *msgpack.Decoder, in *Input) error {
	f := wire.ReadFields(d)
	readInput(&f, in)
	in.Hit = sim.EntityID(f.Int("hit", 0, int64(droneBase+NumDrones-1)))
	return f.Done()
}

// encodeInput writes the array header of n elements and the wire's three fields.
func encodeInput(e *msgpack.Encoder, in *Input, n int) error {
	if err := wire.PutArrayLen(e, n); err != nil {
		return err
	}
	if err := wire.PutInt(e, int64(in.MoveX)); err != nil {
		return err
	}
	if err := wire.PutInt(e, int64(in.MoveY)); err != nil {
		return err
	}
	return wire.PutUint(e, uint64(in.Buttons))
}

// readInput reads the wire's three fields.
func readInput(f *wire.Fields, in *Input) {
	in.MoveX = int8(f.Int("moveX", -maxInput, maxInput))
	in.MoveY = int8(f.Int("moveY", -maxInput, maxInput))
	in.Buttons = uint8(f.Int("buttons", 0, int64(ButtonDash)))
}
