package wire

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// InputCodec encodes and decodes a game's input type I as one msgpack value. A game implements it
// next to its [sim.Game]; the decoder must accept only values the game's step can take (clamp or
// refuse the rest).
type InputCodec[I any] interface {
	EncodeInput(e *msgpack.Encoder, in *I) error
	DecodeInput(d *msgpack.Decoder, in *I) error
}

// InputHeader is the toolkit's part of an input frame.
//
//	[seq, tick, ack, input, rewind]
type InputHeader struct {
	// Seq numbers the client's inputs from 1 upward; snapshots acknowledge the newest one applied.
	Seq uint32
	// Tick is the server tick the input is for: the server holds the input until it steps that
	// tick, and ignores it when that tick was already stepped. (In version 1 it was the tick the
	// client had seen, and the server applied the newest input at its next tick.)
	Tick uint32
	// Ack is the tick of the newest snapshot the client has received.
	Ack uint32
	// Rewind is how far behind Tick the client drew the other entities when it made the input, in
	// 1/256 ticks (sim.LerpOne); 0 means no rewind. A game that implements sim.Compensated judges
	// the input against that view, rewound at most the server's limit. It follows the game's input
	// in the body, the fifth element; absent (a four-element body) means 0.
	Rewind uint32
}

// EncodeInput appends an input frame carrying h and the game input in to dst.
func EncodeInput[I any](dst []byte, c InputCodec[I], h InputHeader, in *I) ([]byte, error) {
	enc := getEncoder(dst)
	defer putEncoder(enc)
	b := append(enc.w.b, 0x92, byte(OpInput), 0x95) // [op, [seq, tick, ack, input, rewind]]
	b = appendUint(b, uint64(h.Seq))
	b = appendUint(b, uint64(h.Tick))
	enc.w.b = appendUint(b, uint64(h.Ack))
	if err := c.EncodeInput(enc.e, in); err != nil {
		return dst, fmt.Errorf("encode input: %w", err)
	}
	return appendUint(enc.w.b, uint64(h.Rewind)), nil
}

// DecodeInput reads the body of an [OpInput] frame into h and in.
func DecodeInput[I any](body []byte, c InputCodec[I], h *InputHeader, in *I) error {
	dec := getDecoder(body)
	defer putDecoder(dec)
	return decodeInput(dec, c, h, in)
}

func decodeInput[I any](dec *decoder, c InputCodec[I], h *InputHeader, in *I) error {
	var zero I
	*in = zero
	f := ReadFields(dec.d)
	h.Seq = f.Uint32("seq")
	h.Tick = f.Uint32("tick")
	h.Ack = f.Uint32("ack")
	if f.next() {
		if err := c.DecodeInput(dec.d, in); err != nil {
			f.Fail(fmt.Errorf("input: %w", err))
		}
	}
	// Absent in a 4-element body (version 1's shape): no rewind.
	h.Rewind = f.Uint32("rewind")
	if err := f.Done(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.r.Len() != 0 {
		return malformed("%d bytes left after the body", dec.r.Len())
	}
	return nil
}

// InputEncoder encodes one client's inputs with an encoder of its own, saving the pool round trip
// of [EncodeInput] on every tick. It is not safe for concurrent use.
type InputEncoder[I any] struct {
	c   InputCodec[I]
	enc encoder
}

// NewInputEncoder returns an encoder of c's inputs.
func NewInputEncoder[I any](c InputCodec[I]) *InputEncoder[I] {
	x := &InputEncoder[I]{c: c}
	x.enc.e = msgpack.NewEncoder(&x.enc.w)
	return x
}

// Append appends an input frame carrying h and in to dst, like [EncodeInput].
func (x *InputEncoder[I]) Append(dst []byte, h InputHeader, in *I) ([]byte, error) {
	b := append(dst, 0x92, byte(OpInput), 0x95) // [op, [seq, tick, ack, input, rewind]]
	b = appendUint(b, uint64(h.Seq))
	b = appendUint(b, uint64(h.Tick))
	x.enc.w.b = appendUint(b, uint64(h.Ack))
	err := x.c.EncodeInput(x.enc.e, in)
	b, x.enc.w.b = x.enc.w.b, nil
	if err != nil {
		return dst, fmt.Errorf("encode input: %w", err)
	}
	return appendUint(b, uint64(h.Rewind)), nil
}

// InputDecoder decodes one connection's inputs with a decoder of its own, saving the pool round
// trip of [DecodeInput] on every input. It is not safe for concurrent use.
type InputDecoder[I any] struct {
	c   InputCodec[I]
	dec decoder
}

// NewInputDecoder returns a decoder of c's inputs.
func NewInputDecoder[I any](c InputCodec[I]) *InputDecoder[I] {
	x := &InputDecoder[I]{c: c}
	x.dec.d = msgpack.NewDecoder(&x.dec.r)
	return x
}

// Decode reads the body of an [OpInput] frame into h and in, like [DecodeInput].
func (x *InputDecoder[I]) Decode(body []byte, h *InputHeader, in *I) error {
	x.dec.r.Reset(body)
	x.dec.d.ResetReader(&x.dec.r)
	err := decodeInput(&x.dec, x.c, h, in)
	x.dec.r.Reset(nil)
	return err
}
