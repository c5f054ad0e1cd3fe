package arena

import (
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// EncodeInput writes an input as [moveX, moveY, buttons].
func (Game) EncodeInput(e *msgpack.Encoder, in *Input) error {
	if err := wire.PutArrayLen(e, 3); err != nil {
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

// DecodeInput reads an input, refusing values outside the stick's range or unknown buttons.
func (Game) DecodeInput(d *msgpack.Decoder, in *Input) error {
	f := wire.ReadFields(d)
	in.MoveX = int8(f.Int("moveX", -maxInput, maxInput))
	in.MoveY = int8(f.Int("moveY", -maxInput, maxInput))
	in.Buttons = uint8(f.Int("buttons", 0, int64(ButtonDash)))
	return f.Done()
}
