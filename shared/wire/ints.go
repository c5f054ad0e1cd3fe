package wire

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// A game message whose body is a few integers (a player, a score, an emote) is the commonest kind.
// EncodeInts and DecodeInts write and read such a body, so that a game declares each field once per
// direction:
//
//	func (m *Jump) EncodeBody(e *msgpack.Encoder) error { return wire.EncodeInts(e, int64(m.By)) }
//	func (m *Jump) DecodeBody(d *msgpack.Decoder) error {
//		return wire.DecodeInts(d, wire.Int(&m.By, "by", -9, 9))
//	}

// EncodeInts writes a body that is the array of vs, each in its smallest msgpack form.
func EncodeInts(e *msgpack.Encoder, vs ...int64) error {
	if err := PutArrayLen(e, len(vs)); err != nil {
		return err
	}
	for _, v := range vs {
		if err := PutInt(e, v); err != nil {
			return err
		}
	}
	return nil
}

// IntField is one field of an integer body for DecodeInts: where to store it, its name (for the
// error), and the range it must lie in. Make one with [Int].
type IntField struct {
	name   string
	lo, hi int64
	set    func(int64)
}

// Integer is the integer types a field of an integer body may be stored in.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Int describes a field stored in *p that must lie within [lo, hi]. The range must fit p's type:
// Int panics otherwise, as that is a mistake in the program, not in the input.
func Int[T Integer](p *T, name string, lo, hi int64) IntField {
	if lo > hi || int64(T(lo)) != lo || int64(T(hi)) != hi || (T(lo) < 0) != (lo < 0) || (T(hi) < 0) != (hi < 0) {
		panic(fmt.Sprintf("wire.Int: field %q: range [%d, %d] is empty or does not fit %T", name, lo, hi, *p))
	}
	return IntField{name: name, lo: lo, hi: hi, set: func(v int64) { *p = T(v) }}
}

// DecodeInts reads a body that is an array of integers into fields, in order, through
// [ReadFields]: a value outside its field's range fails, naming the field; a field the body leaves
// off reads as 0, and elements past the fields are skipped (so fields can be appended compatibly).
func DecodeInts(d *msgpack.Decoder, fields ...IntField) error {
	f := ReadFields(d)
	for _, fd := range fields {
		fd.set(f.Int(fd.name, fd.lo, fd.hi))
	}
	return f.Done()
}
