package wire_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// goldenInputs pin the bytes of input frames, written by hand from the msgpack spec. The body is
// [seq, tick, ack, input, rewind]; testCodec's input is [x, s].
var goldenInputs = []struct {
	name string
	h    wire.InputHeader
	in   testInput
	hex  string
}{
	{
		name: "no rewind",
		h:    wire.InputHeader{Seq: 1, Tick: 300, Ack: 299},
		in:   testInput{X: -5, S: "hi"},
		// 95 five fields; 01 seq; cd 012c tick 300; cd 012b ack 299; 92 fb a2 6869 [-5, "hi"];
		// 00 rewind 0
		hex: "92 03 95 01 cd012c cd012b 92 fb a26869 00",
	},
	{
		name: "rewind one and a half ticks",
		h:    wire.InputHeader{Seq: 57, Tick: 1205, Ack: 1201, Rewind: 384},
		// 39 seq 57; cd 04b5; cd 04b1; 92 00 a0 [0, ""]; cd 0180 rewind 384 (1.5 × 256)
		hex: "92 03 95 39 cd04b5 cd04b1 92 00 a0 cd0180",
	},
	{
		name: "largest rewind",
		h:    wire.InputHeader{Seq: 2, Tick: 3, Ack: 0, Rewind: 1<<32 - 1},
		hex:  "92 03 95 02 03 00 92 00 a0 ceffffffff",
	},
}

func TestInputGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenInputs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)
			got, err := wire.EncodeInput(nil, testCodec{}, tc.h, &tc.in)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("EncodeInput:\n got % x (%v)\nwant % x", got, err, want)
			}
			// The per-client encoder writes the same bytes, after a prefix it keeps.
			got, err = wire.NewInputEncoder[testInput](testCodec{}).Append([]byte{0xaa}, tc.h, &tc.in)
			if err != nil || !bytes.Equal(got, append([]byte{0xaa}, want...)) {
				t.Fatalf("InputEncoder.Append:\n got % x (%v)\nwant aa % x", got, err, want)
			}
			fr, err := wire.Decode(want)
			if err != nil || fr.Op != wire.OpInput {
				t.Fatalf("Decode: %+v, %v", fr, err)
			}
			var h wire.InputHeader
			var in testInput
			if err := wire.DecodeInput(fr.Body, testCodec{}, &h, &in); err != nil || h != tc.h || in != tc.in {
				t.Fatalf("DecodeInput: %+v %+v (%v), want %+v %+v", h, in, err, tc.h, tc.in)
			}
			h, in = wire.InputHeader{}, testInput{}
			if err := wire.NewInputDecoder[testInput](testCodec{}).Decode(fr.Body, &h, &in); err != nil || h != tc.h || in != tc.in {
				t.Fatalf("InputDecoder.Decode: %+v %+v (%v), want %+v %+v", h, in, err, tc.h, tc.in)
			}
		})
	}
}

func TestInputShapes(t *testing.T) {
	t.Parallel()
	ok := []struct {
		name string
		hex  string
		want wire.InputHeader
	}{
		// Version 1's four elements: no rewind.
		{"without rewind", "92 03 94 01 02 03 92 00 a0", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3}},
		{"with rewind", "92 03 95 01 02 03 92 00 a0 cd0100", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3, Rewind: 256}},
		// A field appended after rewind by a later version is skipped.
		{"appended field", "92 03 96 01 02 03 92 00 a0 05 92 01 02", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3, Rewind: 5}},
		{"rewind as uint64", "92 03 95 01 02 03 92 00 a0 cf0000000000000100", wire.InputHeader{Seq: 1, Tick: 2, Ack: 3, Rewind: 256}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			h := wire.InputHeader{Rewind: 99} // a decode must overwrite what was there
			var in testInput
			if err := wire.DecodeInput(fr.Body, testCodec{}, &h, &in); err != nil || h != tc.want {
				t.Fatalf("DecodeInput: %+v (%v), want %+v", h, err, tc.want)
			}
		})
	}
	bad := []struct {
		name string
		hex  string
	}{
		{"rewind negative", "92 03 95 01 02 03 92 00 a0 ff"},
		{"rewind above uint32", "92 03 95 01 02 03 92 00 a0 cf0000000100000000"},
		{"rewind string", "92 03 95 01 02 03 92 00 a0 a1 31"},
		{"rewind float", "92 03 95 01 02 03 92 00 a0 ca3f800000"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			var h wire.InputHeader
			var in testInput
			if err := wire.DecodeInput(fr.Body, testCodec{}, &h, &in); !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("DecodeInput: %+v, err %v; want ErrMalformed", h, err)
			}
		})
	}
}
