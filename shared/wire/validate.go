package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxDepth is how deeply arrays and maps may nest in a frame. The deepest toolkit message nests three
// levels (frame, snapshot, entity); the rest is headroom for games.
const MaxDepth = 8

// ErrMalformed is wrapped by every error that means "these bytes are not a valid frame".
var ErrMalformed = errors.New("malformed frame")

// Validate checks that b holds exactly one well-formed msgpack value of the subset tickwire speaks,
// without decoding it and without allocating.
//
// It refuses:
//   - any declared array, map, string or binary length larger than the bytes that remain;
//   - nesting deeper than [MaxDepth];
//   - ext types and the never-used code 0xc1;
//   - trailing bytes after the value.
//
// Because every array element and map entry takes at least one byte, a validated frame of n bytes
// declares at most n elements in all. Decoders that allocate one Go value per declared element
// therefore allocate at most n times the size of their largest element: for a snapshot, whose
// entities are the largest, 48 bytes per frame byte (the size of sim.Entity). That is the bound on the
// allocation a frame can cause; the frame itself is capped by the server's read limit.
func Validate(b []byte) error {
	v := validator{b: b}
	if err := v.value(0); err != nil {
		return err
	}
	if v.i != len(b) {
		return malformed("%d trailing bytes after the frame", len(b)-v.i)
	}
	return nil
}

type validator struct {
	b []byte
	i int
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// skip advances over the next n bytes, or fails if fewer remain.
func (v *validator) skip(n int) error {
	if n < 0 || n > len(v.b)-v.i {
		return malformed("declares %d bytes at offset %d, only %d remain", n, v.i, len(v.b)-v.i)
	}
	v.i += n
	return nil
}

// length reads a big-endian length of size bytes.
func (v *validator) length(size int) (int, error) {
	if size > len(v.b)-v.i {
		return 0, malformed("declares %d bytes at offset %d, only %d remain", size, v.i, len(v.b)-v.i)
	}
	s := v.b[v.i : v.i+size]
	v.i += size
	switch size {
	case 1:
		return int(s[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(s)), nil
	default:
		n := binary.BigEndian.Uint32(s)
		if uint64(n) > uint64(len(v.b)) {
			return 0, malformed("declares length %d in a %d-byte frame", n, len(v.b))
		}
		return int(n), nil
	}
}

func (v *validator) value(depth int) error {
	if v.i >= len(v.b) {
		return malformed("frame ends at offset %d where a value should be", v.i)
	}
	code := v.b[v.i]
	v.i++
	switch {
	case code <= 0x7f || code >= 0xe0: // positive and negative fixint: the common case
		return nil
	case code >= 0xa0 && code <= 0xbf: // fixstr
		return v.skip(int(code & 0x1f))
	case code >= 0x90 && code <= 0x9f: // fixarray
		return v.elements(int(code&0x0f), depth)
	case code >= 0x80 && code <= 0x8f: // fixmap
		return v.elements(2*int(code&0x0f), depth)
	}
	switch code {
	case 0xc0, 0xc2, 0xc3: // nil, false, true
		return nil
	case 0xcc, 0xd0: // uint8, int8
		return v.skip(1)
	case 0xcd, 0xd1: // uint16, int16
		return v.skip(2)
	case 0xce, 0xd2, 0xca: // uint32, int32, float32
		return v.skip(4)
	case 0xcf, 0xd3, 0xcb: // uint64, int64, float64
		return v.skip(8)
	case 0xd9, 0xc4: // str8, bin8
		return v.skipSized(1)
	case 0xda, 0xc5: // str16, bin16
		return v.skipSized(2)
	case 0xdb, 0xc6: // str32, bin32
		return v.skipSized(4)
	case 0xdc, 0xdd: // array16, array32
		n, err := v.length(2 + 2*int(code-0xdc))
		if err != nil {
			return err
		}
		return v.elements(n, depth)
	case 0xde, 0xdf: // map16, map32
		n, err := v.length(2 + 2*int(code-0xde))
		if err != nil {
			return err
		}
		if n > (len(v.b)-v.i)/2 {
			return malformed("map declares %d entries at offset %d, only %d bytes remain", n, v.i, len(v.b)-v.i)
		}
		return v.elements(2*n, depth)
	}
	// ext types and 0xc1
	return malformed("msgpack type 0x%02x at offset %d is not used by the protocol", code, v.i-1)
}

func (v *validator) skipSized(size int) error {
	n, err := v.length(size)
	if err != nil {
		return err
	}
	return v.skip(n)
}

func (v *validator) elements(n, depth int) error {
	if depth+1 > MaxDepth {
		return malformed("nested deeper than %d at offset %d", MaxDepth, v.i)
	}
	if n > len(v.b)-v.i {
		return malformed("declares %d elements at offset %d, only %d bytes remain", n, v.i, len(v.b)-v.i)
	}
	for range n {
		if err := v.value(depth + 1); err != nil {
			return err
		}
	}
	return nil
}
