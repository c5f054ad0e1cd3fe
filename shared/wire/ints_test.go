package wire_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// tagged is a game message with an integer body: [by, player, score].
type tagged struct {
	By     int8
	Player uint32
	Score  int32
}

func (*tagged) Op() wire.Op { return wire.FirstGameOp }
func (m *tagged) EncodeBody(e *msgpack.Encoder) error {
	return wire.EncodeInts(e, int64(m.By), int64(m.Player), int64(m.Score))
}
func (m *tagged) DecodeBody(d *msgpack.Decoder) error {
	return wire.DecodeInts(d, wire.Int(&m.By, "by", -9, 9), wire.Int(&m.Player, "player", 0, math.MaxUint32),
		wire.Int(&m.Score, "score", math.MinInt32, math.MaxInt32))
}

// TestIntsGolden pins the bytes EncodeInts writes (by hand, from the msgpack spec) and checks that
// DecodeInts reads them back.
func TestIntsGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		msg  tagged
		hex  string
	}{
		// 92 = [op, body]; 40 = op 64; 93 = a 3-array.
		{"zeros", tagged{}, "92 40 93 00 00 00"},
		{"fixints", tagged{By: -9, Player: 127, Score: -32}, "92 40 93 f7 7f e0"},
		{"wider", tagged{By: 9, Player: 128, Score: -33}, "92 40 93 09 cc80 d0df"},
		{"extremes", tagged{Player: math.MaxUint32, Score: math.MinInt32}, "92 40 93 00 ceffffffff d280000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := wire.Encode(nil, &tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.hex); !bytes.Equal(got, want) {
				t.Fatalf("Encode(%+v) = % x, want % x", tt.msg, got, want)
			}
			f, err := wire.Decode(got)
			if err != nil {
				t.Fatal(err)
			}
			var back tagged
			if err := f.Decode(&back); err != nil || back != tt.msg {
				t.Errorf("decoded %+v, %v; want %+v", back, err, tt.msg)
			}
		})
	}
}

func TestDecodeIntsRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		hex  string
		want tagged
		err  string // "" for none
	}{
		{"out of range", "92 40 93 0a 00 00", tagged{}, "by:"},
		{"negative into unsigned", "92 40 93 00 ff 00", tagged{}, "player:"},
		{"past int32", "92 40 93 00 00 ce80000000", tagged{}, "score:"},
		{"not an integer", "92 40 93 00 a178 00", tagged{}, "player:"},
		{"nil body", "92 40 c0", tagged{}, "nil"},
		{"left off reads as zero", "92 40 91 03", tagged{By: 3}, ""},
		{"extra skipped", "92 40 94 01 02 03 a178", tagged{By: 1, Player: 2, Score: 3}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := wire.Decode(unhex(t, tt.hex))
			if err != nil {
				t.Fatal(err)
			}
			var got tagged
			err = f.Decode(&got)
			switch {
			case tt.err == "" && (err != nil || got != tt.want):
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want one naming %q", err, tt.err)
			}
			checkErr(t, "DecodeInts", err)
		})
	}
}

func TestIntPanicsOnARangeThatDoesNotFit(t *testing.T) {
	t.Parallel()
	var i8 int8
	var u16 uint16
	tests := []struct {
		name   string
		field  func()
		panics bool
	}{
		{"fits", func() { wire.Int(&i8, "a", -128, 127) }, false},
		{"past int8", func() { wire.Int(&i8, "a", 0, 128) }, true},
		{"negative into unsigned", func() { wire.Int(&u16, "b", -1, 5) }, true},
		{"empty", func() { wire.Int(&u16, "b", 5, 4) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if r := recover(); (r != nil) != tt.panics {
					t.Errorf("panic %v, want a panic: %v", r, tt.panics)
				}
			}()
			tt.field()
		})
	}
}

func FuzzDecodeInts(f *testing.F) {
	for _, s := range []string{"92 40 93 00 00 00", "92 40 93 f7 7f e0", "92 40 93 00 ceffffffff d280000000",
		"92 40 91 03", "92 40 94 01 02 03 a178", "92 40 93 0a 00 00", "92 40 c0"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fr, err := wire.Decode(frame)
		if err != nil || fr.Op != wire.FirstGameOp {
			return
		}
		var m tagged
		err = fr.Decode(&m)
		checkErr(t, "DecodeInts", err)
		if err != nil {
			return
		}
		if m.By < -9 || m.By > 9 {
			t.Fatalf("decoded by = %d, outside [-9, 9]", m.By)
		}
		// What was accepted encodes to bytes that decode to the same message.
		enc, err := wire.Encode(nil, &m)
		if err != nil {
			t.Fatalf("re-encoding %+v: %v", m, err)
		}
		back, _ := wire.Decode(enc)
		var again tagged
		if err := back.Decode(&again); err != nil || again != m {
			t.Fatalf("%+v re-encoded as % x decodes to %+v, %v", m, enc, again, err)
		}
	})
}
