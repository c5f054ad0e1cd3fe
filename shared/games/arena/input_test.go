package arena_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// decodeInput decodes an input frame with the arena's codec.
func decodeInput(frame []byte) (wire.InputHeader, arena.Input, error) {
	var h wire.InputHeader
	var in arena.Input
	fr, err := wire.Decode(frame)
	if err != nil {
		return h, in, err
	}
	if fr.Op != wire.OpInput {
		return h, in, errors.New("not an input frame")
	}
	return h, in, wire.DecodeInput(fr.Body, arena.Game{}, &h, &in)
}

var goldenInputs = []struct {
	name string
	h    wire.InputHeader
	in   arena.Input
	hex  string
}{
	{
		name: "full stick and dash",
		h:    wire.InputHeader{Seq: 1, Tick: 300, Ack: 299},
		in:   arena.Input{MoveX: -127, MoveY: 127, Buttons: arena.ButtonDash},
		// 92 [op, body]; 03 input; 95 [seq, tick, ack, input, rewind]; 01; cd 012c 300; cd 012b 299;
		// 93 [moveX, moveY, buttons]; d0 81 -127 (int8); 7f 127; 01 dash; 00 no rewind
		hex: "92 03 95 01 cd012c cd012b 93 d081 7f 01 00",
	},
	{
		name: "zero",
		hex:  "92 03 95 00 00 00 93 00 00 00 00",
	},
	{
		name: "fixint boundaries",
		h:    wire.InputHeader{Seq: 70000, Tick: 65535, Ack: 255, Rewind: 384},
		in:   arena.Input{MoveX: -32, MoveY: -33},
		// ce 00011170 70000; cd ffff; cc ff; e0 -32 (negative fixint); d0 df -33 (int8);
		// cd 0180 rewind 384 (1.5 ticks)
		hex: "92 03 95 ce00011170 cdffff ccff 93 e0 d0df 00 cd0180",
	},
	{
		name: "largest header",
		h:    wire.InputHeader{Seq: 1<<32 - 1, Tick: 1<<32 - 1, Ack: 128, Rewind: 1<<32 - 1},
		in:   arena.Input{MoveX: 127, MoveY: -1},
		hex:  "92 03 95 ceffffffff ceffffffff cc80 93 7f ff 00 ceffffffff",
	},
}

func TestInputGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenInputs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)
			got, err := wire.EncodeInput(nil, arena.Game{}, tc.h, &tc.in)
			if err != nil {
				t.Fatalf("EncodeInput: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("EncodeInput:\n got % x\nwant % x", got, want)
			}
			h, in, err := decodeInput(want)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if h != tc.h || in != tc.in {
				t.Fatalf("decode: %+v %+v, want %+v %+v", h, in, tc.h, tc.in)
			}
		})
	}
}

func TestInputCompatibility(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		hex  string
		h    wire.InputHeader
		in   arena.Input
	}{
		{"input extra field", "92 03 94 01 02 03 94 05 06 01 a1 78", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{MoveX: 5, MoveY: 6, Buttons: 1}},
		{"header extra field", "92 03 96 01 02 03 93 05 06 01 cd0180 92 01 02", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3, Rewind: 384}, arena.Input{MoveX: 5, MoveY: 6, Buttons: 1}},
		// Version 1's body, without rewind.
		{"no rewind", "92 03 94 01 02 03 93 05 06 01", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{MoveX: 5, MoveY: 6, Buttons: 1}},
		{"input moveX only", "92 03 94 01 02 03 91 7f", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{MoveX: 127}},
		{"input empty", "92 03 94 01 02 03 90", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{}},
		{"no input", "92 03 93 01 02 03", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{}},
		{"empty body", "92 03 90", wire.InputHeader{}, arena.Input{}},
		{"wide encodings", "92 03 94 cf0000000000000001 d10002 03 93 d3ffffffffffffff81 cd007f cc01", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}, arena.Input{MoveX: -127, MoveY: 127, Buttons: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, in, err := decodeInput(unhex(t, tc.hex))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if h != tc.h || in != tc.in {
				t.Fatalf("decode: %+v %+v, want %+v %+v", h, in, tc.h, tc.in)
			}
		})
	}
}

func TestInputRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		hex  string
	}{
		{"moveX 128", "92 03 94 01 02 03 93 cc80 00 00"},
		{"moveX -128", "92 03 94 01 02 03 93 d080 00 00"},
		{"moveY 128", "92 03 94 01 02 03 93 00 cc80 00"},
		{"moveY -128", "92 03 94 01 02 03 93 00 d080 00"},
		{"moveY 300", "92 03 94 01 02 03 93 00 cd012c 00"},
		{"moveX int32 min", "92 03 94 01 02 03 93 d280000000 00 00"},
		{"moveX 2^63", "92 03 94 01 02 03 93 cf8000000000000000 00 00"},
		// 2⁶⁴-1 must not pass as -1.
		{"moveX uint64 max", "92 03 94 01 02 03 93 cfffffffffffffffff 00 00"},
		{"buttons 2", "92 03 94 01 02 03 93 00 00 02"},
		{"buttons 255", "92 03 94 01 02 03 93 00 00 ccff"},
		{"buttons -1", "92 03 94 01 02 03 93 00 00 ff"},
		{"buttons uint64 max", "92 03 94 01 02 03 93 00 00 cfffffffffffffffff"},
		{"moveX string", "92 03 94 01 02 03 93 a1 31 00 00"},
		{"moveX float", "92 03 94 01 02 03 93 ca3f800000 00 00"},
		{"moveX bool", "92 03 94 01 02 03 93 c3 00 00"},
		{"input map", "92 03 94 01 02 03 81 00 00"},
		{"input int", "92 03 94 01 02 03 05"},
		{"input nil", "92 03 94 01 02 03 c0"},
		{"input string", "92 03 94 01 02 03 a1 78"},
		{"seq negative", "92 03 94 ff 02 03 93 00 00 00"},
		{"tick too big", "92 03 94 01 cf0000000100000000 03 93 00 00 00"},
		{"body map", "92 03 81 01 02"},
		{"rewind negative", "92 03 95 01 02 03 93 00 00 00 ff"},
		{"rewind too big", "92 03 95 01 02 03 93 00 00 00 cf0000000100000000"},
		{"rewind string", "92 03 95 01 02 03 93 00 00 00 a1 31"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, in, err := decodeInput(unhex(t, tc.hex))
			if err == nil {
				t.Fatalf("decode succeeded: %+v %+v", h, in)
			}
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
		})
	}
}

// TestDecodeInputResets checks that a failed or short decode does not leave a previous input behind.
func TestDecodeInputResets(t *testing.T) {
	t.Parallel()
	fr, err := wire.Decode(unhex(t, "92 03 93 01 02 03"))
	if err != nil {
		t.Fatal(err)
	}
	h := wire.InputHeader{Seq: 9, Tick: 9, Ack: 9, Rewind: 9}
	in := arena.Input{MoveX: 9, MoveY: 9, Buttons: 1}
	if err := wire.DecodeInput(fr.Body, arena.Game{}, &h, &in); err != nil {
		t.Fatal(err)
	}
	if h != (wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}) || in != (arena.Input{}) {
		t.Fatalf("got %+v %+v", h, in)
	}
}

func FuzzInput(f *testing.F) {
	for _, g := range goldenInputs {
		f.Add(unhex(f, g.hex)[2:])
	}
	for _, s := range []string{"", "90", "c0", "94 01 02 03 93 cc80 00 00", "94 01 02 03 93 00 00 02",
		"95 01 02 03 93 00 00 00 ff", "95 01 02 03 93 00 00 00 cf0000000100000000", "94 01 02 03 93 00 00 00",
		"94 01 02 03 dd ffffffff", "dd ffffffff", "94 01 02 03 93 cfffffffffffffffff 00 00"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		// The body is framed here so that it passes through Validate, as on the server.
		h, in, err := decodeInput(append([]byte{0x92, byte(wire.OpInput)}, body...))
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		if in.MoveX < -127 || in.MoveY < -127 || in.Buttons&^arena.ButtonDash != 0 {
			t.Fatalf("decoded an input the game must not see: %+v", in)
		}
		enc, err := wire.EncodeInput(nil, arena.Game{}, h, &in)
		if err != nil {
			t.Fatalf("re-encoding %+v %+v: %v", h, in, err)
		}
		h2, in2, err := decodeInput(enc)
		if err != nil {
			t.Fatalf("re-encoded frame % x does not decode: %v", enc, err)
		}
		if h2 != h || in2 != in {
			t.Fatalf("round trip changed the input: %+v %+v, now %+v %+v", h, in, h2, in2)
		}
	})
}

// encodeFull encodes in with the arena's FullInputCodec, as a replay records it.
func encodeFull(tb testing.TB, in *arena.Input) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := (arena.Game{}).EncodeFullInput(msgpack.NewEncoder(&buf), in); err != nil {
		tb.Fatalf("EncodeFullInput: %v", err)
	}
	return buf.Bytes()
}

// decodeFull validates b and decodes it with the arena's FullInputCodec.
func decodeFull(b []byte) (arena.Input, error) {
	var in arena.Input
	if err := wire.Validate(b); err != nil {
		return in, err
	}
	return in, wire.DecodeBody(b, func(d *msgpack.Decoder) error { return (arena.Game{}).DecodeFullInput(d, &in) })
}

func TestFullInputGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   arena.Input
		hex  string
	}{
		// 94 [moveX, moveY, buttons, hit]
		{"zero", arena.Input{}, "94 00 00 00 00"},
		// d0 81 -127; 7f 127; 01 dash; 07 hit player 7
		{"dash striking a player", arena.Input{MoveX: -127, MoveY: 127, Buttons: arena.ButtonDash, Hit: 7}, "94 d081 7f 01 07"},
		// ce 00010013 the last drone (1<<16 + 19)
		{"dash striking the last drone", arena.Input{MoveX: 1, Buttons: arena.ButtonDash, Hit: 1<<16 + arena.NumDrones - 1}, "94 01 00 01 ce00010013"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)
			if got := encodeFull(t, &tc.in); !bytes.Equal(got, want) {
				t.Fatalf("EncodeFullInput:\n got % x\nwant % x", got, want)
			}
			in, err := decodeFull(want)
			if err != nil || in != tc.in {
				t.Fatalf("DecodeFullInput = %+v, %v; want %+v", in, err, tc.in)
			}
		})
	}
}

func TestFullInputCompatibilityAndRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		hex  string
		want arena.Input
		ok   bool
	}{
		{"wire input: no hit", "93 05 06 01", arena.Input{MoveX: 5, MoveY: 6, Buttons: 1}, true},
		{"extra field skipped", "95 05 06 01 07 a1 78", arena.Input{MoveX: 5, MoveY: 6, Buttons: 1, Hit: 7}, true},
		{"hit past the drones", "94 00 00 01 ce00010014", arena.Input{}, false},
		{"hit negative", "94 00 00 01 ff", arena.Input{}, false},
		{"hit string", "94 00 00 01 a1 31", arena.Input{}, false},
		{"moveX 128", "94 cc80 00 00 00", arena.Input{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in, err := decodeFull(unhex(t, tc.hex))
			if tc.ok && (err != nil || in != tc.want) {
				t.Fatalf("DecodeFullInput = %+v, %v; want %+v", in, err, tc.want)
			}
			if !tc.ok && err == nil {
				t.Fatalf("DecodeFullInput accepted %+v", in)
			}
		})
	}
}
