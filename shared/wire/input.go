package wire

import "github.com/vmihailenco/msgpack/v5"

// InputCodec encodes and decodes a game's input type I as one msgpack value. A game implements it
// next to its [sim.Game]; the decoder must accept only values the game's step can take (clamp or
// refuse the rest).
type InputCodec[I any] interface {
	EncodeInput(e *msgpack.Encoder, in *I) error
	DecodeInput(d *msgpack.Decoder, in *I) error
}

// InputHeader is the toolkit's part of an input frame.
//
//	[seq, tick, ack, input]
type InputHeader struct {
	// Seq numbers the client's inputs from 1 upward; snapshots acknowledge the newest one applied.
	Seq uint32
	// Tick is the server tick the client meant the input for.
	Tick uint32
	// Ack is the tick of the newest snapshot the client has received.
	Ack uint32
}

// EncodeInput appends an input frame carrying h and the game input in to dst.
func EncodeInput[I any](dst []byte, c InputCodec[I], h InputHeader, in *I) ([]byte, error) {
	return AppendFrame(dst, OpInput, func(e *msgpack.Encoder) error {
		if err := encodeAll(e, 4, func() error { return e.EncodeUint(uint64(h.Seq)) },
			func() error { return e.EncodeUint(uint64(h.Tick)) },
			func() error { return e.EncodeUint(uint64(h.Ack)) }); err != nil {
			return err
		}
		return c.EncodeInput(e, in)
	})
}

// DecodeInput reads the body of an [OpInput] frame into h and in.
func DecodeInput[I any](body []byte, c InputCodec[I], h *InputHeader, in *I) error {
	var zero I
	*in = zero
	return DecodeBody(body, func(d *msgpack.Decoder) error {
		f := ReadFields(d)
		h.Seq = f.Uint32("seq")
		h.Tick = f.Uint32("tick")
		h.Ack = f.Uint32("ack")
		f.Value("input", func(d *msgpack.Decoder) error { return c.DecodeInput(d, in) })
		return f.Done()
	})
}
