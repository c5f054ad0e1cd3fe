package pong

import (
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// EncodeInput writes an input as [move].
func (Game) EncodeInput(e *msgpack.Encoder, in *Input) error {
	if err := e.EncodeArrayLen(1); err != nil {
		return err
	}
	return e.EncodeInt(int64(in.Move))
}

// DecodeInput reads an input, refusing a move outside −127 to 127.
func (Game) DecodeInput(d *msgpack.Decoder, in *Input) error {
	f := wire.ReadFields(d)
	in.Move = int8(f.Int("move", -maxInput, maxInput))
	return f.Done()
}
