package wire

import (
	"fmt"
	"math"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// Message is a body with an op: what [Encode] writes and [Frame.Decode] reads.
type Message interface {
	Op() Op
	// EncodeBody writes the body as one msgpack value.
	EncodeBody(e *msgpack.Encoder) error
	// DecodeBody reads the body; d is positioned on a value that passed [Validate].
	DecodeBody(d *msgpack.Decoder) error
}

// Frame is a validated frame: its op and the bytes of its body, which alias the frame.
type Frame struct {
	Op   Op
	Body []byte
}

// Encode appends m as a frame to dst and returns the extended slice.
func Encode(dst []byte, m Message) ([]byte, error) {
	return AppendFrame(dst, m.Op(), m.EncodeBody)
}

// AppendFrame appends a frame with the given op to dst; body writes the body as one msgpack value.
// It lets hot paths and games encode bodies without a [Message] value.
func AppendFrame(dst []byte, op Op, body func(e *msgpack.Encoder) error) ([]byte, error) {
	enc := getEncoder(dst)
	defer putEncoder(enc)
	e := enc.e
	if err := PutArrayLen(e, 2); err != nil {
		return dst, err
	}
	if err := PutUint(e, uint64(op)); err != nil {
		return dst, err
	}
	if err := body(e); err != nil {
		return dst, fmt.Errorf("encode %s: %w", op, err)
	}
	return enc.w.b, nil
}

// Decode validates frame and splits it into op and body. It does not copy: the body aliases frame.
func Decode(frame []byte) (Frame, error) {
	if err := Validate(frame); err != nil {
		return Frame{}, err
	}
	// A validated frame is one value; it must be a 2-array whose first element is a small uint.
	if len(frame) < 3 || frame[0] != 0x92 {
		return Frame{}, malformed("a frame must be a 2-element array [op, body]")
	}
	switch c := frame[1]; {
	case c <= 0x7f:
		return Frame{Op: Op(c), Body: frame[2:]}, nil
	case c == 0xcc && len(frame) >= 4:
		return Frame{Op: Op(frame[2]), Body: frame[3:]}, nil
	default:
		return Frame{}, malformed("op must be an integer from 0 to 255")
	}
}

// Decode reads the frame's body into m. It fails if m is not the message the frame's op says.
func (f Frame) Decode(m Message) error {
	if f.Op != m.Op() {
		return fmt.Errorf("%w: frame is %s, not %s", ErrMalformed, f.Op, m.Op())
	}
	return DecodeBody(f.Body, m.DecodeBody)
}

// DecodeBody runs fn on a decoder positioned at the start of body, which must come from a validated
// frame, and checks that fn consumed exactly the whole body.
func DecodeBody(body []byte, fn func(d *msgpack.Decoder) error) error {
	dec := getDecoder(body)
	defer putDecoder(dec)
	if err := fn(dec.d); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.r.Len() != 0 {
		return malformed("%d bytes left after the body", dec.r.Len())
	}
	return nil
}

// Fields reads a positional body: an array whose known fields come first. A body with fewer
// elements than the reader asks for yields zero values for the missing ones; elements beyond the ones
// read are skipped by Done. This is what lets a field be appended to a message compatibly.
type Fields struct {
	d    *msgpack.Decoder
	r    *sliceReader // d's reader when it is one of ours: integers are then read in place
	left int
	err  error
}

// ReadFields starts reading a positional body from d.
func ReadFields(d *msgpack.Decoder) Fields {
	n, err := decodeArrayLen(d)
	if err == nil && n < 0 {
		err = fmt.Errorf("body is nil, want an array")
	}
	r, _ := d.Buffered().(*sliceReader)
	return Fields{d: d, r: r, left: n, err: err}
}

// Err returns the first error the reader met.
func (f *Fields) Err() error { return f.err }

// Left reports how many fields remain unread.
func (f *Fields) Left() int { return f.left }

func (f *Fields) next() bool {
	if f.err != nil || f.left == 0 {
		return false
	}
	f.left--
	return true
}

// Int reads a signed integer field, which must lie within [lo, hi].
func (f *Fields) Int(name string, lo, hi int64) int64 {
	if !f.next() {
		return 0
	}
	var v int64
	var err error
	ok := false
	if r := f.r; r != nil {
		// One-byte integers (-32 to 127), the commonest, without a call.
		if r.i < len(r.b) && (r.b[r.i] <= 0x7f || r.b[r.i] >= 0xe0) {
			v, ok = int64(int8(r.b[r.i])), true
			if r.b[r.i] <= 0x7f {
				v = int64(r.b[r.i])
			}
			r.i++
		} else {
			v, ok, err = r.int64()
		}
	}
	if !ok {
		v, err = decodeInt64(f.d)
	}
	if err == nil && (v < lo || v > hi) {
		err = fmt.Errorf("%s = %d out of range [%d, %d]", name, v, lo, hi)
	}
	if err != nil {
		f.err = fmt.Errorf("%s: %w", name, err)
		return 0
	}
	return v
}

// decodeInt64 reads an integer. Unlike msgpack's DecodeInt64, which reads a uint64 above MaxInt64
// as a negative number (so that 2⁶⁴-1 would pass as -1), it refuses such a value.
func decodeInt64(d *msgpack.Decoder) (int64, error) {
	if r, isSlice := d.Buffered().(*sliceReader); isSlice {
		if v, ok, err := r.int64(); ok {
			return v, err
		}
	}
	if c, err := d.PeekCode(); err != nil || c != msgpcode.Uint64 {
		return d.DecodeInt64()
	}
	u, err := d.DecodeUint64()
	if err == nil && u > math.MaxInt64 {
		return 0, fmt.Errorf("%d does not fit in int64", u)
	}
	return int64(u), err
}

// Uint32 reads a field that must be an integer from 0 to 2³²-1.
func (f *Fields) Uint32(name string) uint32 {
	return uint32(f.Int(name, 0, math.MaxUint32))
}

// Bool reads a boolean field: msgpack true or false, nothing else.
func (f *Fields) Bool(name string) bool {
	if !f.next() {
		return false
	}
	v, err := decodeBool(f.d)
	if err != nil {
		f.err = fmt.Errorf("%s: %w", name, err)
		return false
	}
	return v
}

// decodeBool reads a bool. msgpack's DecodeBool would also take nil as false; the protocol does not.
func decodeBool(d *msgpack.Decoder) (bool, error) {
	c, err := d.PeekCode()
	if err != nil {
		return false, err
	}
	if c != msgpcode.True && c != msgpcode.False {
		return false, fmt.Errorf("msgpack code 0x%02x is not a boolean", c)
	}
	return d.DecodeBool()
}

// String reads a string field of at most maxBytes bytes.
func (f *Fields) String(name string, maxBytes int) string {
	if !f.next() {
		return ""
	}
	s, err := f.d.DecodeString()
	if err == nil && len(s) > maxBytes {
		err = fmt.Errorf("%d bytes, at most %d allowed", len(s), maxBytes)
	}
	if err != nil {
		f.err = fmt.Errorf("%s: %w", name, err)
		return ""
	}
	return s
}

// Array reads an array field's length; the caller then reads that many elements from the decoder.
func (f *Fields) Array(name string) int {
	if !f.next() {
		return 0
	}
	n, err := decodeArrayLen(f.d)
	if err != nil {
		f.err = fmt.Errorf("%s: %w", name, err)
		return 0
	}
	return max(n, 0)
}

// Fail records err as the reader's error unless it already has one.
func (f *Fields) Fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// Done skips the fields that were not read and returns the reader's error.
func (f *Fields) Done() error {
	for f.err == nil && f.left > 0 {
		f.left--
		f.err = f.d.Skip()
	}
	return f.err
}

// AppendWriter is an io.Writer that appends to a byte slice. A msgpack.Encoder writing to one
// takes this package's fast paths (PutUint, PutInt, PutArrayLen work on the bytes directly): give
// one to an encoder kept for a hot path, as shared/replay's InputEncoder does.
type AppendWriter struct{ b []byte }

// Reset makes w append to dst from now on.
func (w *AppendWriter) Reset(dst []byte) { w.b = dst }

// Bytes returns what w holds: the slice given to Reset, extended by what was written since.
func (w *AppendWriter) Bytes() []byte { return w.b }

func (w *AppendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *AppendWriter) WriteByte(c byte) error {
	w.b = append(w.b, c)
	return nil
}

func (w *AppendWriter) WriteString(s string) (int, error) {
	w.b = append(w.b, s...)
	return len(s), nil
}

type encoder struct {
	e *msgpack.Encoder
	w AppendWriter
}

type decoder struct {
	d *msgpack.Decoder
	r sliceReader
}

var (
	encoders = sync.Pool{New: func() any {
		enc := &encoder{}
		enc.e = msgpack.NewEncoder(&enc.w)
		return enc
	}}
	decoders = sync.Pool{New: func() any {
		dec := &decoder{}
		dec.d = msgpack.NewDecoder(&dec.r)
		return dec
	}}
)

func getEncoder(dst []byte) *encoder {
	enc := encoders.Get().(*encoder)
	enc.w.b = dst
	return enc
}

func putEncoder(enc *encoder) {
	enc.w.b = nil
	encoders.Put(enc)
}

func getDecoder(b []byte) *decoder {
	dec := decoders.Get().(*decoder)
	dec.r.Reset(b)
	dec.d.ResetReader(&dec.r)
	return dec
}

func putDecoder(dec *decoder) {
	dec.r.Reset(nil)
	decoders.Put(dec)
}
