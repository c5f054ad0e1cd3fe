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

// need returns the next n bytes, or an error if fewer remain.
func (v *validator) need(n int) ([]byte, error) {
	if n < 0 || n > len(v.b)-v.i {
		return nil, malformed("declares %d bytes at offset %d, only %d remain", n, v.i, len(v.b)-v.i)
	}
	s := v.b[v.i : v.i+n]
	v.i += n
	return s, nil
}

// length reads a big-endian length of size bytes.
func (v *validator) length(size int) (int, error) {
	s, err := v.need(size)
	if err != nil {
		return 0, err
	}
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
	c, err := v.need(1)
	if err != nil {
		return err
	}
	code := c[0]
	switch {
	case code <= 0x7f || code >= 0xe0: // positive and negative fixint
		return nil
	case code >= 0xa0 && code <= 0xbf: // fixstr
		_, err = v.need(int(code & 0x1f))
		return err
	case code >= 0x90 && code <= 0x9f: // fixarray
		return v.elements(int(code&0x0f), depth)
	case code >= 0x80 && code <= 0x8f: // fixmap
		return v.elements(2*int(code&0x0f), depth)
	}
	switch code {
	case 0xc0, 0xc2, 0xc3: // nil, false, true
		return nil
	case 0xcc, 0xd0: // uint8, int8
		_, err = v.need(1)
	case 0xcd, 0xd1: // uint16, int16
		_, err = v.need(2)
	case 0xce, 0xd2, 0xca: // uint32, int32, float32
		_, err = v.need(4)
	case 0xcf, 0xd3, 0xcb: // uint64, int64, float64
		_, err = v.need(8)
	case 0xd9, 0xc4: // str8, bin8
		err = v.skipSized(1)
	case 0xda, 0xc5: // str16, bin16
		err = v.skipSized(2)
	case 0xdb, 0xc6: // str32, bin32
		err = v.skipSized(4)
	case 0xdc, 0xdd: // array16, array32
		n, lerr := v.length(2 + 2*int(code-0xdc))
		if lerr != nil {
			return lerr
		}
		return v.elements(n, depth)
	case 0xde, 0xdf: // map16, map32
		n, lerr := v.length(2 + 2*int(code-0xde))
		if lerr != nil {
			return lerr
		}
		if n > (len(v.b)-v.i)/2 {
			return malformed("map declares %d entries at offset %d, only %d bytes remain", n, v.i, len(v.b)-v.i)
		}
		return v.elements(2*n, depth)
	default: // ext types and 0xc1
		return malformed("msgpack type 0x%02x at offset %d is not used by the protocol", code, v.i-1)
	}
	return err
}

func (v *validator) skipSized(size int) error {
	n, err := v.length(size)
	if err != nil {
		return err
	}
	_, err = v.need(n)
	return err
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
