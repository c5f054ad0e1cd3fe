package wire_test

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// nested returns depth arrays of one element nested in each other around a 0.
func nested(depth int) []byte {
	return append(bytes.Repeat([]byte{0x91}, depth), 0x00)
}

// hostileValues are msgpack values, and frames, that Validate must refuse.
var hostileValues = []struct {
	name string
	hex  string
}{
	{"empty", ""},
	{"array32 of 4e9", "dd ffffffff"},
	{"array32 of 4e9 in a snapshot frame", "92 04 dd ffffffff"},
	{"array32 of 4e9 as entities", "92 04 93 00 00 dd ffffffff"},
	{"array32 of 2^31", "dd 80000000 00"},
	{"array32 one short", "dd 00000003 01 02"},
	{"array32 header truncated", "dd ffff"},
	{"map32 of 4e9", "df ffffffff"},
	{"map32 of 4e9 in a frame", "92 01 df ffffffff"},
	{"map32 of 2^31", "df 80000000 00 00"},
	{"map32 values missing", "df 00000002 01 02 03"},
	{"str32 of 4e9", "db ffffffff"},
	{"str32 of 4e9 in a hello", "92 01 94 01 db ffffffff"},
	{"bin32 of 4e9", "c6 ffffffff"},
	{"bin32 one short", "c6 00000004 010203"},
	{"str16 huge", "da ffff 61"},
	{"bin16 huge", "c5 ffff"},
	{"str8 short", "d9 05 61"},
	{"bin8 short", "c4 05 61"},
	{"fixstr short", "a5 6162"},
	{"array16 too few elements", "dc 0003 01 02"},
	{"array16 of 65535", "dc ffff 00"},
	{"map16 too few entries", "de 0002 01 02 03"},
	{"fixarray too few elements", "93 01 02"},
	{"fixmap value missing", "82 01 02 03"},
	{"frame missing body", "92 01"},
	{"nested 1000 deep", strings.Repeat("91", 1000) + "00"},
	{"nested MaxDepth+1", strings.Repeat("91", wire.MaxDepth+1) + "00"},
	{"nested MaxDepth+1 empty", strings.Repeat("91", wire.MaxDepth) + "90"},
	{"nested maps", strings.Repeat("81 00", wire.MaxDepth+1) + "00"},
	{"nested array16", strings.Repeat("dc0001", wire.MaxDepth+1) + "00"},
	{"fixext1", "d4 01 00"},
	{"fixext2", "d5 01 0000"},
	{"fixext4", "d6 01 00000000"},
	{"fixext8", "d7 01 0000000000000000"},
	{"fixext16", "d8 01 00000000000000000000000000000000"},
	{"timestamp ext", "d6 ff 00000000"},
	{"ext8", "c7 01 01 00"},
	{"ext16", "c8 0001 01 00"},
	{"ext32", "c9 00000001 01 00"},
	{"ext32 huge", "c9 ffffffff 01"},
	{"ext in a frame", "92 07 91 d4 01 00"},
	{"never used 0xc1", "c1"},
	{"0xc1 in a frame", "92 07 91 c1"},
	{"trailing byte", "00 00"},
	{"frame trailing byte", "92 07 91 01 00"},
	{"two frames", "92 07 91 01 92 07 91 01"},
	{"truncated uint8", "cc"},
	{"truncated uint16", "cd 00"},
	{"truncated uint32", "ce 000000"},
	{"truncated uint64", "cf 00000000000000"},
	{"truncated int8", "d0"},
	{"truncated int16", "d1 00"},
	{"truncated int32", "d2 0000"},
	{"truncated int64", "d3 00"},
	{"truncated float32", "ca 0000"},
	{"truncated float64", "cb 00000000000000"},
	{"truncated uint32 in a ping", "92 07 91 ce 0000"},
	{"truncated float64 in a pong", "92 08 92 00 cb 3ff0"},
}

func TestValidateHostile(t *testing.T) {
	t.Parallel()
	for _, tc := range hostileValues {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := unhex(t, tc.hex)
			err := wire.Validate(b)
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("Validate(% x) = %v, want an error wrapping ErrMalformed", b, err)
			}
			if fr, err := wire.Decode(b); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("Decode(% x) = %+v, %v; want an error wrapping ErrMalformed", b, fr, err)
			}
		})
	}
}

func TestValidateValid(t *testing.T) {
	t.Parallel()
	valid := []struct {
		name string
		hex  string
	}{
		{"nil", "c0"},
		{"false", "c2"},
		{"true", "c3"},
		{"positive fixint", "7f"},
		{"negative fixint", "e0"},
		{"uint64", "cf ffffffffffffffff"},
		{"int64", "d3 8000000000000000"},
		{"float32", "ca 3f800000"},
		{"float64", "cb 3ff0000000000000"},
		{"empty fixstr", "a0"},
		{"fixstr 31", "bf" + strings.Repeat("61", 31)},
		{"str8", "d9 02 6161"},
		{"str16", "da 0001 61"},
		{"str32", "db 00000001 61"},
		{"bin8", "c4 01 ff"},
		{"bin16", "c5 0000"},
		{"bin32", "c6 00000002 ffff"},
		{"array16", "dc 0002 01 02"},
		{"array32", "dd 00000002 01 02"},
		{"empty array32", "dd 00000000"},
		{"map16", "de 0001 01 02"},
		{"map32", "df 00000001 a1 61 90"},
		{"empty map32", "df 00000000"},
		{"fixmap", "82 01 02 03 04"},
		{"nested MaxDepth", strings.Repeat("91", wire.MaxDepth) + "00"},
		{"nested MaxDepth empty", strings.Repeat("91", wire.MaxDepth-1) + "90"},
		{"nested maps MaxDepth", strings.Repeat("81 00", wire.MaxDepth) + "00"},
		{"wide and shallow", "dc 0100" + strings.Repeat("90", 256)},
	}
	for _, g := range goldenCases {
		valid = append(valid, struct{ name, hex string }{"golden " + g.name, g.hex})
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := unhex(t, tc.hex)
			if err := wire.Validate(b); err != nil {
				t.Fatalf("Validate(% x): %v", b, err)
			}
		})
	}
}

// TestValidatePrefix splits a stream of values, and refuses what Validate refuses in each.
func TestValidatePrefix(t *testing.T) {
	t.Parallel()
	stream := unhex(t, "92 01 90  c4 02 ffff  7f")
	var lens []int
	for b := stream; len(b) > 0; {
		n, err := wire.ValidatePrefix(b)
		if err != nil {
			t.Fatalf("ValidatePrefix(% x): %v", b, err)
		}
		lens = append(lens, n)
		b = b[n:]
	}
	if want := []int{3, 4, 1}; !slices.Equal(lens, want) {
		t.Errorf("value lengths %v, want %v", lens, want)
	}
	for _, tc := range hostileValues {
		b := unhex(t, tc.hex)
		if n, err := wire.ValidatePrefix(b); err == nil && n == len(b) {
			t.Errorf("%s: ValidatePrefix(% x) = %d, nil: accepted the whole hostile value", tc.name, b, n)
		}
	}
}

// TestValidateDoesNotAllocate checks the promise in Validate's doc.
func TestValidateDoesNotAllocate(t *testing.T) {
	deep := nested(wire.MaxDepth)
	for _, g := range goldenCases {
		b := unhex(t, g.hex)
		if n := testing.AllocsPerRun(100, func() { _ = wire.Validate(b) }); n != 0 {
			t.Errorf("Validate(%s) allocates %v times", g.name, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = wire.Validate(deep) }); n != 0 {
		t.Errorf("Validate(nested) allocates %v times", n)
	}
}

// allocBytes returns the bytes f allocates per call, on average over runs calls. Callers must not run
// in parallel with other tests.
func allocBytes(runs int, f func()) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f() // warm the pools
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}

// decodeAny decodes frame as the message its op says, and returns the first error.
func decodeAny(frame []byte) error {
	fr, err := wire.Decode(frame)
	if err != nil {
		return err
	}
	m := newMessage(fr.Op)
	if m == nil {
		return nil
	}
	return fr.Decode(m)
}

// TestHostileFrameAllocations checks that frames declaring huge lengths are refused before anything
// sized by the declaration is allocated: the cost is the error's, under 1 KiB.
func TestHostileFrameAllocations(t *testing.T) {
	const limit = 1024
	frames := []struct {
		name string
		hex  string
	}{
		{"snapshot body array32 of 4e9", "92 04 dd ffffffff"},
		{"snapshot entities array32 of 4e9", "92 04 93 00 00 dd ffffffff"},
		{"snapshot entities array32 of 4e9 with data", "92 04 93 00 00 dd ffffffff 92 01 01 92 02 02"},
		{"roster array32 of 4e9", "92 05 dd ffffffff"},
		{"hello map32 of 4e9", "92 01 df ffffffff"},
		{"hello str32 of 4e9", "92 01 94 01 db ffffffff"},
		{"hello bin32 of 4e9", "92 01 94 01 c6 ffffffff"},
		{"bye str16 of 65535", "92 06 92 00 da ffff"},
		{"nested 1000 deep", "92 04 " + strings.Repeat("91", 1000) + "00"},
		{"ext32 of 4e9", "92 07 91 c9 ffffffff 01"},
	}
	for _, tc := range frames {
		b := unhex(t, tc.hex)
		if err := decodeAny(b); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("%s: decode error %v, want ErrMalformed", tc.name, err)
		}
		n := allocBytes(1000, func() { _ = decodeAny(b) })
		allocs := testing.AllocsPerRun(1000, func() { _ = decodeAny(b) })
		t.Logf("%s (%d bytes): %.0f bytes in %.0f allocations", tc.name, len(b), n, allocs)
		if n >= limit {
			t.Errorf("%s: decoding allocates %.0f bytes, want < %d", tc.name, n, limit)
		}
	}
}

// arr32 returns an array32 header declaring n elements.
func arr32(n int) []byte {
	return []byte{0xdd, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

// bin32 returns a bin32 value of n bytes.
func bin32(n int) []byte {
	return append([]byte{0xc6, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, make([]byte, n)...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestValidFrameAllocations checks the bound in Validate's doc: decoding a validated frame of n
// bytes allocates at most 48 bytes per frame byte (the size of sim.Entity), plus a constant. The frames are the worst shapes
// for each decoder: the most elements per byte, each decoded into the largest Go value.
func TestValidFrameAllocations(t *testing.T) {
	const perByte, constant = 48, 4096
	worst := 0.0
	for _, k := range []int{1, 10, 100, 1000, 10000, 100000} {
		frames := []struct {
			name  string
			frame []byte
			ok    bool // whether the frame decodes
		}{
			// 3-byte entities, each a 48-byte sim.Entity.
			{"snapshot of minimal entities", cat([]byte{0x92, 0x04, 0x93, 0, 0}, arr32(k), bytes.Repeat([]byte{0x92, 0, 0}, k)), true},
			// 1-byte elements where entities are declared: refused, but only after the slice is sized.
			{"snapshot of fixints", cat([]byte{0x92, 0x04, 0x93, 0, 0}, arr32(k), make([]byte, k)), false},
			{"snapshot of full entities", cat([]byte{0x92, 0x04, 0x93, 0, 0}, arr32(k),
				bytes.Repeat(unhex(t, "9c ce00ffffff 00 d280000000 d280000000 d280000000 d280000000 d280000000 d280000000 d280000000 d280000000 d280000000 d280000000"), k)), true},
			// 1-byte roster entries, each a 24-byte RosterEntry.
			{"roster of empty entries", cat([]byte{0x92, 0x05}, arr32(k), bytes.Repeat([]byte{0x90}, k)), true},
			{"roster of 2-byte names", cat([]byte{0x92, 0x05}, arr32(k), bytes.Repeat([]byte{0x92, 0x01, 0xa2, 'a', 'b'}, k)), true},
			{"roster of fixints", cat([]byte{0x92, 0x05}, arr32(k), make([]byte, k)), false},
			// Trailing fields the decoder skips.
			{"hello skipping a bin32", cat([]byte{0x92, 0x01, 0x9a, 1, 0xa0, 0xa0, 0xa0, 0xc2, 0xc2, 0xa0, 0xa0, 0xa0}, bin32(k)), true},
			{"ping skipping an array", cat([]byte{0x92, 0x07, 0x92, 1}, arr32(k), make([]byte, k)), true},
			{"entity of 13 elements", cat([]byte{0x92, 0x04, 0x93, 0, 0, 0x91, 0xdd, 0, 0, 0, 13, 1, 1}, make([]byte, 10), arr32(k), make([]byte, k)), false},
		}
		for _, tc := range frames {
			if err := decodeAny(tc.frame); (err == nil) != tc.ok {
				t.Fatalf("%s k=%d: decode error %v, want ok=%v", tc.name, k, err, tc.ok)
			}
			n := len(tc.frame)
			got := allocBytes(max(1, 100000/n), func() { _ = decodeAny(tc.frame) })
			if k == 100000 {
				t.Logf("%s: %d-byte frame allocates %.0f bytes, %.1f per frame byte", tc.name, n, got, got/float64(n))
			}
			if n > 1000 {
				worst = max(worst, got/float64(n))
			}
			if bound := float64(perByte*n + constant); got > bound {
				t.Errorf("%s k=%d: %d-byte frame allocates %.0f bytes, want at most %.0f", tc.name, k, n, got, bound)
			}
		}
	}
	t.Logf("worst: %.1f bytes allocated per frame byte", worst)
}
