package replay

import (
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// FullInputCodec is implemented by a game whose input holds more than the wire carries (the
// arena's Input.Hit, set by Judge): a recording stores inputs as Step got them, with it, so that
// the replay steps exactly as the room did. A game without it is recorded with its
// wire.InputCodec.
type FullInputCodec[I any] interface {
	EncodeFullInput(e *msgpack.Encoder, in *I) error
	DecodeFullInput(d *msgpack.Decoder, in *I) error
}

// inputCodec is the pair of functions a recording's inputs are encoded and decoded with.
type inputCodec[I any] struct {
	encode func(e *msgpack.Encoder, in *I) error
	decode func(d *msgpack.Decoder, in *I) error
}

// codecOf returns c's full input codec if it has one, else c's wire codec.
func codecOf[I any](c wire.InputCodec[I]) inputCodec[I] {
	if f, ok := c.(FullInputCodec[I]); ok {
		return inputCodec[I]{encode: f.EncodeFullInput, decode: f.DecodeFullInput}
	}
	return inputCodec[I]{encode: c.EncodeInput, decode: c.DecodeInput}
}
