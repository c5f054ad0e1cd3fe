package wire

import (
	"fmt"
	"math"
)

// MaxInputsPerMessage is the most inputs one [OpInputs] frame may carry: half a second at 30 ticks
// a second. A longer batch is malformed (4001). It bounds what one frame can make the server hold,
// and sim.Info.InputsPerMessage may not exceed it.
const MaxInputsPerMessage = 16

// InputEntry is one tick's input in an [InputBatch]: the game's input and its rewind (see
// [InputHeader.Rewind]).
type InputEntry[I any] struct {
	Input  I
	Rewind uint32
}

// InputBatch is the body of an [OpInputs] frame: the inputs of consecutive ticks, numbered by
// consecutive sequence numbers, oldest first.
//
//	[seq, tick, ack, [[input, rewind], ...]]
//
// Entry i is for tick Tick+i with sequence number Seq+i and is judged exactly as an [OpInput]
// frame with that header would be ([InputBatch.Header]). A batch holds 1 to
// [MaxInputsPerMessage] entries; its last sequence number and tick must fit in 32 bits. An entry's
// rewind may be left off ([input]), meaning 0, as an input frame's may.
type InputBatch[I any] struct {
	// Seq and Tick are the first entry's sequence number and tick.
	Seq, Tick uint32
	// Ack is the tick of the newest snapshot the client has received, as in [InputHeader].
	Ack     uint32
	Entries []InputEntry[I]
}

// Header returns entry i's header: the one an [OpInput] frame carrying it alone would have.
func (b *InputBatch[I]) Header(i int) InputHeader {
	return InputHeader{Seq: b.Seq + uint32(i), Tick: b.Tick + uint32(i), Ack: b.Ack, Rewind: b.Entries[i].Rewind}
}

// check refuses a batch that is not one a server accepts: empty, too long, or running past the
// 32-bit sequence numbers or ticks.
func (b *InputBatch[I]) check() error {
	n := len(b.Entries)
	switch {
	case n == 0:
		return fmt.Errorf("a batch of no inputs")
	case n > MaxInputsPerMessage:
		return fmt.Errorf("a batch of %d inputs, at most %d", n, MaxInputsPerMessage)
	case uint64(b.Seq)+uint64(n-1) > math.MaxUint32:
		return fmt.Errorf("a batch of %d inputs from seq %d runs past 2³²-1", n, b.Seq)
	case uint64(b.Tick)+uint64(n-1) > math.MaxUint32:
		return fmt.Errorf("a batch of %d inputs from tick %d runs past 2³²-1", n, b.Tick)
	}
	return nil
}

// EncodeInputs appends an [OpInputs] frame carrying b to dst.
func EncodeInputs[I any](dst []byte, c InputCodec[I], b *InputBatch[I]) ([]byte, error) {
	enc := getEncoder(dst)
	defer putEncoder(enc)
	return appendInputs(enc, c, dst, b)
}

// AppendBatch appends an [OpInputs] frame carrying b to dst, like [EncodeInputs].
func (x *InputEncoder[I]) AppendBatch(dst []byte, b *InputBatch[I]) ([]byte, error) {
	return appendInputs(&x.enc, x.c, dst, b)
}

func appendInputs[I any](enc *encoder, c InputCodec[I], dst []byte, b *InputBatch[I]) ([]byte, error) {
	if err := b.check(); err != nil {
		return dst, fmt.Errorf("encode inputs: %w", err)
	}
	w := append(dst, 0x92, byte(OpInputs), 0x94) // [op, [seq, tick, ack, entries]]
	w = appendUint(w, uint64(b.Seq))
	w = appendUint(w, uint64(b.Tick))
	w = appendUint(w, uint64(b.Ack))
	if n := len(b.Entries); n <= 15 {
		w = append(w, 0x90|byte(n))
	} else {
		w = append(w, 0xdc, byte(n>>8), byte(n))
	}
	for i := range b.Entries {
		e := &b.Entries[i]
		enc.w.b = append(w, 0x92) // [input, rewind]
		err := c.EncodeInput(enc.e, &e.Input)
		w, enc.w.b = enc.w.b, nil
		if err != nil {
			return dst, fmt.Errorf("encode inputs: entry %d: %w", i, err)
		}
		w = appendUint(w, uint64(e.Rewind))
	}
	return w, nil
}

// DecodeInputs reads the body of an [OpInputs] frame into b, reusing b.Entries' storage. The body
// must come from a validated frame ([Decode]).
func DecodeInputs[I any](body []byte, c InputCodec[I], b *InputBatch[I]) error {
	dec := getDecoder(body)
	defer putDecoder(dec)
	return decodeInputs(dec, c, b)
}

// DecodeBatch reads the body of an [OpInputs] frame into b, like [DecodeInputs].
func (x *InputDecoder[I]) DecodeBatch(body []byte, b *InputBatch[I]) error {
	x.dec.r.Reset(body)
	x.dec.d.ResetReader(&x.dec.r)
	err := decodeInputs(&x.dec, x.c, b)
	x.dec.r.Reset(nil)
	return err
}

func decodeInputs[I any](dec *decoder, c InputCodec[I], b *InputBatch[I]) error {
	clear(b.Entries) // nothing a previous batch's inputs referred to stays reachable
	b.Entries = b.Entries[:0]
	f := ReadFields(dec.d)
	b.Seq = f.Uint32("seq")
	b.Tick = f.Uint32("tick")
	b.Ack = f.Uint32("ack")
	n := f.Array("inputs")
	if f.Err() == nil && n > MaxInputsPerMessage {
		// Refused before reading any: the frame's size already bounds n (see Validate), this
		// bounds what the server holds.
		f.Fail(fmt.Errorf("a batch of %d inputs, at most %d", n, MaxInputsPerMessage))
	}
	for i := 0; i < n && f.Err() == nil; i++ {
		b.Entries = append(b.Entries, InputEntry[I]{})
		e := &b.Entries[i]
		g := ReadFields(dec.d)
		if g.next() {
			if err := c.DecodeInput(dec.d, &e.Input); err != nil {
				g.Fail(fmt.Errorf("input: %w", err))
			}
		}
		e.Rewind = g.Uint32("rewind") // absent: no rewind, as in an input frame
		if err := g.Done(); err != nil {
			f.Fail(fmt.Errorf("inputs[%d]: %w", i, err))
		}
	}
	if err := f.Done(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := b.check(); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.r.Len() != 0 {
		return malformed("%d bytes left after the body", dec.r.Len())
	}
	return nil
}
