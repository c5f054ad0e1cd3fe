package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/vmihailenco/msgpack/v5"
)

// The hot paths (snapshot entities, deltas, the input header) spend their time on integers and array
// headers. msgpack's Decoder reads each through an io.Reader and its Encoder writes each through an
// io.Writer; when the decoder reads one of our pooled sliceReaders, or the encoder writes to an
// AppendWriter, the functions here work on the bytes directly, producing and accepting exactly
// what msgpack does. Any other reader or writer, and any unusual encoding (nil or a float where an
// integer belongs), goes through msgpack itself.

// sliceReader is the reader of the pooled decoders: msgpack's Decoder uses it as an io.ByteScanner
// without buffering, and the fast paths read its bytes in place.
type sliceReader struct {
	b []byte
	i int
}

func (r *sliceReader) Reset(b []byte) { r.b, r.i = b, 0 }
func (r *sliceReader) Len() int       { return len(r.b) - r.i }

func (r *sliceReader) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}

func (r *sliceReader) ReadByte() (byte, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	c := r.b[r.i]
	r.i++
	return c, nil
}

func (r *sliceReader) UnreadByte() error {
	if r.i == 0 {
		return errors.New("wire: UnreadByte at the start")
	}
	r.i--
	return nil
}

// int64 reads a msgpack integer; ok is false when the next value is something else, to leave to
// msgpack.
func (r *sliceReader) int64() (v int64, ok bool, err error) {
	if r.i >= len(r.b) {
		return 0, true, io.ErrUnexpectedEOF
	}
	c := r.b[r.i]
	var n int
	switch {
	case c <= 0x7f:
		r.i++
		return int64(c), true, nil
	case c >= 0xe0:
		r.i++
		return int64(int8(c)), true, nil
	case c == 0xcc || c == 0xd0:
		n = 1
	case c == 0xcd || c == 0xd1:
		n = 2
	case c == 0xce || c == 0xd2:
		n = 4
	case c == 0xcf || c == 0xd3:
		n = 8
	default:
		return 0, false, nil
	}
	if len(r.b)-r.i < 1+n {
		return 0, true, io.ErrUnexpectedEOF
	}
	p := r.b[r.i+1 : r.i+1+n]
	r.i += 1 + n
	switch c {
	case 0xcc:
		return int64(p[0]), true, nil
	case 0xd0:
		return int64(int8(p[0])), true, nil
	case 0xcd:
		return int64(binary.BigEndian.Uint16(p)), true, nil
	case 0xd1:
		return int64(int16(binary.BigEndian.Uint16(p))), true, nil
	case 0xce:
		return int64(binary.BigEndian.Uint32(p)), true, nil
	case 0xd2:
		return int64(int32(binary.BigEndian.Uint32(p))), true, nil
	case 0xd3:
		return int64(binary.BigEndian.Uint64(p)), true, nil
	default: // 0xcf
		u := binary.BigEndian.Uint64(p)
		if u > math.MaxInt64 {
			return 0, true, fmt.Errorf("uint64 %d out of range", u)
		}
		return int64(u), true, nil
	}
}

// arrayLen reads a msgpack array header; ok is false for anything else.
func (r *sliceReader) arrayLen() (n int, ok bool, err error) {
	if r.i >= len(r.b) {
		return 0, true, io.ErrUnexpectedEOF
	}
	c := r.b[r.i]
	switch {
	case c >= 0x90 && c <= 0x9f:
		r.i++
		return int(c & 0x0f), true, nil
	case c == 0xdc && len(r.b)-r.i >= 3:
		n = int(binary.BigEndian.Uint16(r.b[r.i+1:]))
		r.i += 3
		return n, true, nil
	case c == 0xdd && len(r.b)-r.i >= 5:
		n = int(binary.BigEndian.Uint32(r.b[r.i+1:]))
		r.i += 5
		return n, true, nil
	}
	return 0, false, nil
}

// decodeArrayLen is d.DecodeArrayLen, in place when it can be.
func decodeArrayLen(d *msgpack.Decoder) (int, error) {
	if r, isSlice := d.Buffered().(*sliceReader); isSlice {
		if n, ok, err := r.arrayLen(); ok {
			return n, err
		}
	}
	return d.DecodeArrayLen()
}

// PutUint writes n as msgpack's EncodeUint does: the smallest unsigned form. PutUint, PutInt and
// PutArrayLen are for games' own hot-path codecs (inputs, say): the same bytes as the Encoder's
// methods, written in place when e writes to a frame being built by this package.
func PutUint(e *msgpack.Encoder, n uint64) error {
	w, ok := e.Writer().(*AppendWriter)
	if !ok {
		return e.EncodeUint(n)
	}
	w.b = appendUint(w.b, n)
	return nil
}

// PutInt writes n as msgpack's EncodeInt does: non-negative as unsigned, negative in the smallest
// signed form.
func PutInt(e *msgpack.Encoder, n int64) error {
	w, ok := e.Writer().(*AppendWriter)
	if !ok {
		return e.EncodeInt(n)
	}
	w.b = appendInt(w.b, n)
	return nil
}

// PutArrayLen writes an array header as msgpack's EncodeArrayLen does.
func PutArrayLen(e *msgpack.Encoder, n int) error {
	w, ok := e.Writer().(*AppendWriter)
	if !ok {
		return e.EncodeArrayLen(n)
	}
	switch {
	case n < 16:
		w.b = append(w.b, 0x90|byte(n))
	case n <= math.MaxUint16:
		w.b = binary.BigEndian.AppendUint16(append(w.b, 0xdc), uint16(n))
	default:
		w.b = binary.BigEndian.AppendUint32(append(w.b, 0xdd), uint32(n))
	}
	return nil
}

func appendUint(b []byte, n uint64) []byte {
	switch {
	case n <= math.MaxInt8:
		return append(b, byte(n))
	case n <= math.MaxUint8:
		return append(b, 0xcc, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), n)
}

func appendInt(b []byte, n int64) []byte {
	switch {
	case n >= 0:
		return appendUint(b, uint64(n))
	case n >= -32:
		return append(b, byte(n))
	case n >= math.MinInt8:
		return append(b, 0xd0, byte(n))
	case n >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}
