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
//
// The walk is a loop over the bytes with a stack of how many values each open array or map still
// holds, so a frame costs a few instructions per byte.
func Validate(b []byte) error {
	_, err := validate(b, true)
	return err
}

// ValidatePrefix is [Validate] for a stream of values (a replay file's records, say): it checks
// that b begins with one well-formed value, with Validate's rules, and returns the value's length;
// the bytes after it are left for the next call.
func ValidatePrefix(b []byte) (int, error) {
	return validate(b, false)
}

// validate checks the value at the start of b; whole refuses bytes after it.
func validate(b []byte, whole bool) (int, error) {
	var left [MaxDepth + 1]int // values still expected at each open level; level 0 is the frame
	depth := 0
	left[0] = 1
	i := 0
	for {
		for left[depth] == 0 {
			if depth == 0 {
				if whole && i != len(b) {
					return 0, malformed("%d trailing bytes after the frame", len(b)-i)
				}
				return i, nil
			}
			depth--
		}
		left[depth]--
		if i >= len(b) {
			return 0, malformed("frame ends at offset %d where a value should be", i)
		}
		code := b[i]
		i++
		n := 0 // values in the array or map that opens here
		switch {
		case code <= 0x7f || code >= 0xe0: // positive and negative fixint: the common case
			continue
		case code >= 0xa0 && code <= 0xbf: // fixstr
			if l := int(code & 0x1f); l > len(b)-i {
				return 0, malformed("declares %d bytes at offset %d, only %d remain", l, i, len(b)-i)
			} else {
				i += l
			}
			continue
		case code >= 0x90 && code <= 0x9f: // fixarray
			n = int(code & 0x0f)
		case code >= 0x80 && code <= 0x8f: // fixmap
			n = 2 * int(code&0x0f)
		default:
			var skip, size int
			switch code {
			case 0xc0, 0xc2, 0xc3: // nil, false, true
				continue
			case 0xcc, 0xd0: // uint8, int8
				skip = 1
			case 0xcd, 0xd1: // uint16, int16
				skip = 2
			case 0xce, 0xd2, 0xca: // uint32, int32, float32
				skip = 4
			case 0xcf, 0xd3, 0xcb: // uint64, int64, float64
				skip = 8
			case 0xd9, 0xc4: // str8, bin8
				size = 1
			case 0xda, 0xc5: // str16, bin16
				size = 2
			case 0xdb, 0xc6: // str32, bin32
				size = 4
			case 0xdc: // array16
				size = 2
			case 0xdd: // array32
				size = 4
			case 0xde: // map16
				size = 2
			case 0xdf: // map32
				size = 4
			default: // ext types and 0xc1
				return 0, malformed("msgpack type 0x%02x at offset %d is not used by the protocol", code, i-1)
			}
			if size > 0 {
				if size > len(b)-i {
					return 0, malformed("declares %d bytes at offset %d, only %d remain", size, i, len(b)-i)
				}
				var l uint64
				switch size {
				case 1:
					l = uint64(b[i])
				case 2:
					l = uint64(binary.BigEndian.Uint16(b[i:]))
				default:
					l = uint64(binary.BigEndian.Uint32(b[i:]))
				}
				i += size
				if l > uint64(len(b)) {
					return 0, malformed("declares length %d in a %d-byte frame", l, len(b))
				}
				switch code {
				case 0xdc, 0xdd:
					n = int(l)
				case 0xde, 0xdf:
					if int(l) > (len(b)-i)/2 {
						return 0, malformed("map declares %d entries at offset %d, only %d bytes remain", l, i, len(b)-i)
					}
					n = 2 * int(l)
				default: // a string or binary of l bytes
					skip = int(l)
				}
			}
			if code < 0xdc || code > 0xdf { // not a container: skip its bytes
				if skip > len(b)-i {
					return 0, malformed("declares %d bytes at offset %d, only %d remain", skip, i, len(b)-i)
				}
				i += skip
				continue
			}
		}
		// An array or map of n values opens here.
		if depth+1 > MaxDepth {
			return 0, malformed("nested deeper than %d at offset %d", MaxDepth, i)
		}
		if n > len(b)-i {
			return 0, malformed("declares %d elements at offset %d, only %d bytes remain", n, i, len(b)-i)
		}
		depth++
		left[depth] = n
	}
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}
