package wire_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
)

// goldenBatches pin the bytes of inputs frames, written by hand from the msgpack spec. The body is
// [seq, tick, ack, [[input, rewind], ...]]; testCodec's input is [x, s].
var goldenBatches = []struct {
	name string
	b    wire.InputBatch[testInput]
	hex  string
}{
	{
		name: "two ticks",
		b: wire.InputBatch[testInput]{Seq: 1, Tick: 300, Ack: 299, Entries: []wire.InputEntry[testInput]{
			{Input: testInput{X: -5, S: "hi"}, Rewind: 384}, {Rewind: 640}}},
		// 0b op inputs; 94 four fields; 01 seq; cd 012c tick 300; cd 012b ack 299; 92 two entries:
		// 92 [92 fb a26869] cd0180 = [[-5, "hi"], 384]; 92 [92 00 a0] cd0280 = [[0, ""], 640]
		hex: "92 0b 94 01 cd012c cd012b 92 92 92fba26869 cd0180 92 9200a0 cd0280",
	},
	{
		name: "one tick, no rewind",
		b: wire.InputBatch[testInput]{Seq: 57, Tick: 1205, Ack: 1201, Entries: []wire.InputEntry[testInput]{
			{Input: testInput{X: 127}}}},
		hex: "92 0b 94 39 cd04b5 cd04b1 91 92 927fa0 00",
	},
	{
		name: "the longest batch",
		b: wire.InputBatch[testInput]{Seq: 70000, Tick: 5, Ack: 0,
			Entries: make([]wire.InputEntry[testInput], wire.MaxInputsPerMessage)},
		// ce 00011170 seq 70000; 05 tick; 00 ack; dc 0010 an array16 of 16 entries [[0, ""], 0]
		hex: "92 0b 94 ce00011170 05 00 dc0010" + strings.Repeat(" 92 9200a0 00", 16),
	},
}

func TestInputsGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenBatches {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)
			got, err := wire.EncodeInputs(nil, testCodec{}, &tc.b)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("EncodeInputs:\n got % x (%v)\nwant % x", got, err, want)
			}
			got, err = wire.NewInputEncoder[testInput](testCodec{}).AppendBatch([]byte{0xaa}, &tc.b)
			if err != nil || !bytes.Equal(got, append([]byte{0xaa}, want...)) {
				t.Fatalf("InputEncoder.AppendBatch:\n got % x (%v)\nwant aa % x", got, err, want)
			}
			fr, err := wire.Decode(want)
			if err != nil || fr.Op != wire.OpInputs {
				t.Fatalf("Decode: %+v, %v", fr, err)
			}
			var b wire.InputBatch[testInput]
			if err := wire.DecodeInputs(fr.Body, testCodec{}, &b); err != nil || !reflect.DeepEqual(b, tc.b) {
				t.Fatalf("DecodeInputs: %+v (%v), want %+v", b, err, tc.b)
			}
			// A decoder reused for a shorter batch keeps nothing of the longer one.
			dec := wire.NewInputDecoder[testInput](testCodec{})
			b = wire.InputBatch[testInput]{Entries: make([]wire.InputEntry[testInput], 20)}
			b.Entries[0].Input.S = "old"
			if err := dec.DecodeBatch(fr.Body, &b); err != nil || !reflect.DeepEqual(b, tc.b) {
				t.Fatalf("InputDecoder.DecodeBatch: %+v (%v), want %+v", b, err, tc.b)
			}
			for i := range b.Entries {
				if h := b.Header(i); h.Seq != tc.b.Seq+uint32(i) || h.Tick != tc.b.Tick+uint32(i) || h.Ack != tc.b.Ack || h.Rewind != tc.b.Entries[i].Rewind {
					t.Fatalf("Header(%d) = %+v", i, h)
				}
			}
		})
	}
}

func TestInputsShapes(t *testing.T) {
	t.Parallel()
	ok := []struct {
		name string
		hex  string
		want wire.InputBatch[testInput]
	}{
		{"entry without rewind", "92 0b 94 01 02 03 91 91 9201a0",
			wire.InputBatch[testInput]{Seq: 1, Tick: 2, Ack: 3, Entries: []wire.InputEntry[testInput]{{Input: testInput{X: 1}}}}},
		{"empty entry: the zero input", "92 0b 94 01 02 03 91 90",
			wire.InputBatch[testInput]{Seq: 1, Tick: 2, Ack: 3, Entries: []wire.InputEntry[testInput]{{}}}},
		{"appended fields skipped", "92 0b 95 01 02 03 91 93 9201a0 05 a1 78 c3",
			wire.InputBatch[testInput]{Seq: 1, Tick: 2, Ack: 3, Entries: []wire.InputEntry[testInput]{{Input: testInput{X: 1}, Rewind: 5}}}},
		{"last seq and tick at 2³²-1", "92 0b 94 cefffffffe cefffffffe 00 92 90 90",
			wire.InputBatch[testInput]{Seq: 1<<32 - 2, Tick: 1<<32 - 2, Entries: []wire.InputEntry[testInput]{{}, {}}}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			var b wire.InputBatch[testInput]
			if err := wire.DecodeInputs(fr.Body, testCodec{}, &b); err != nil || !reflect.DeepEqual(b, tc.want) {
				t.Fatalf("DecodeInputs: %+v (%v), want %+v", b, err, tc.want)
			}
		})
	}
	bad := []struct {
		name, hex, reason string
	}{
		{"no entries", "92 0b 94 01 02 03 90", "no inputs"},
		{"no entries field", "92 0b 93 01 02 03", "no inputs"},
		{"too many entries", "92 0b 94 01 02 03 dc0011" + strings.Repeat(" 90", 17), "17 inputs, at most 16"},
		{"seq runs past 2³²-1", "92 0b 94 ceffffffff 02 03 92 90 90", "from seq"},
		{"tick runs past 2³²-1", "92 0b 94 01 ceffffffff 03 92 90 90", "from tick"},
		{"entry not an array", "92 0b 94 01 02 03 91 05", "inputs[0]"},
		{"bad input", "92 0b 94 01 02 03 92 90 91 92 cd0fa0 a0", "inputs[1]: input"},
		{"negative rewind", "92 0b 94 01 02 03 91 92 90 ff", "rewind"},
		{"trailing bytes", "92 0b 94 01 02 03 91 90", ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			frame := unhex(t, tc.hex)
			fr, err := wire.Decode(frame)
			if err != nil {
				t.Fatal(err)
			}
			body := fr.Body
			if tc.reason == "" {
				body = append(body[:len(body):len(body)], 0x00)
			}
			var b wire.InputBatch[testInput]
			err = wire.DecodeInputs(body, testCodec{}, &b)
			if !errors.Is(err, wire.ErrMalformed) || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("DecodeInputs: %+v, err %v; want ErrMalformed saying %q", b, err, tc.reason)
			}
		})
	}
}

func TestInputsEncodeRefuses(t *testing.T) {
	t.Parallel()
	for _, b := range []wire.InputBatch[testInput]{
		{Seq: 1, Tick: 1},
		{Seq: 1, Tick: 1, Entries: make([]wire.InputEntry[testInput], wire.MaxInputsPerMessage+1)},
		{Seq: 1<<32 - 1, Tick: 1, Entries: make([]wire.InputEntry[testInput], 2)},
	} {
		if got, err := wire.EncodeInputs([]byte{1}, testCodec{}, &b); err == nil || !bytes.Equal(got, []byte{1}) {
			t.Errorf("EncodeInputs(%d entries from seq %d) = % x, %v; want an error and dst untouched", len(b.Entries), b.Seq, got, err)
		}
	}
}
