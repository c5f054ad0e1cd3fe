package pong_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/wire"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// Golden bytes of pong's frames, written by hand from the msgpack spec.
var goldenMessages = []struct {
	name string
	msg  wire.Message
	hex  string
}{
	// 92 [op, body]; 40 op 64; 90 no fields
	{"ready", &pong.ReadyMsg{}, "92 40 90"},
	// 41 op 65; 91 one field; 03 emote 3
	{"emote", &pong.EmoteMsg{Emote: 3}, "92 41 91 03"},
	// 42 op 66; 93 [side, left, right]; 01 right; 02; 05
	{"point", &pong.PointMsg{Side: pong.Right, Left: 2, Right: 5}, "92 42 93 01 02 05"},
	// 43 op 67; 92 [player, emote]; cd 0100 player 256; 00
	{"emoted", &pong.EmotedMsg{Player: 256, Emote: 0}, "92 43 92 cd0100 00"},
	// 44 op 68; 94 [winner, left, right, forfeit]; 00 left; 07; 06; 00 by the score
	{"over", &pong.OverMsg{Winner: pong.Left, Left: 7, Right: 6}, "92 44 94 00 07 06 00"},
	// 94; 01 right; 03; 01; 01 forfeit: the left player left
	{"over by forfeit", &pong.OverMsg{Winner: pong.Right, Left: 3, Right: 1, Forfeit: true}, "92 44 94 01 03 01 01"},
}

func TestMessagesGolden(t *testing.T) {
	t.Parallel()
	if err := pong.Messages.Check(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range goldenMessages {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)
			got, err := wire.Encode(nil, tc.msg)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Encode:\n got % x (%v)\nwant % x", got, err, want)
			}
			fr, err := wire.Decode(want)
			if err != nil {
				t.Fatal(err)
			}
			typ, _ := pong.Messages.Lookup(fr.Op)
			m, err := pong.Messages.Decode(fr, typ.Dir)
			if err != nil || !reflect.DeepEqual(m, tc.msg) {
				t.Fatalf("Decode = %+v, %v; want %+v", m, err, tc.msg)
			}
		})
	}
}

func TestMessagesRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		frame string
		dir   wire.Direction
		want  error
	}{
		{"emote 4", "92 41 91 04", wire.ToServer, wire.ErrMalformed},
		{"emote -1", "92 41 91 ff", wire.ToServer, wire.ErrMalformed},
		{"emote string", "92 41 91 a1 31", wire.ToServer, wire.ErrMalformed},
		{"ready not an array", "92 40 c0", wire.ToServer, wire.ErrMalformed},
		{"point from a client", "92 42 93 01 02 05", wire.ToServer, wire.ErrUnknownOp},
		{"ready from the server", "92 40 90", wire.ToClient, wire.ErrUnknownOp},
		{"point side 2", "92 42 93 02 00 00", wire.ToClient, wire.ErrMalformed},
		{"point score 8", "92 42 93 00 08 00", wire.ToClient, wire.ErrMalformed},
		{"emoted player 0", "92 43 92 00 00", wire.ToClient, wire.ErrMalformed},
		// Found by FuzzFrames: a missing player read as zero, which re-encoded as a refused 0.
		{"emoted without fields", "92 43 90", wire.ToClient, wire.ErrMalformed},
		{"over winner -1", "92 44 93 ff 07 00", wire.ToClient, wire.ErrMalformed},
		{"over forfeit 2", "92 44 94 00 07 00 02", wire.ToClient, wire.ErrMalformed},
		{"op 69", "92 45 90", wire.ToClient, wire.ErrUnknownOp},
	}
	for _, tc := range cases {
		fr, err := wire.Decode(unhex(t, tc.frame))
		if err != nil {
			t.Fatal(err)
		}
		if m, err := pong.Messages.Decode(fr, tc.dir); !errors.Is(err, tc.want) {
			t.Errorf("%s: %+v, %v; want an error wrapping %v", tc.name, m, err, tc.want)
		}
	}
	// An appended field is skipped: a newer client's ready still counts.
	fr, _ := wire.Decode(unhex(t, "92 40 91 c3"))
	if _, err := pong.Messages.Decode(fr, wire.ToServer); err != nil {
		t.Errorf("ready with an appended field: %v", err)
	}
	// An older server's over, without the forfeit it gained, is a win by the score.
	fr, _ = wire.Decode(unhex(t, "92 44 93 00 07 06"))
	if m, err := pong.Messages.Decode(fr, wire.ToClient); err != nil || !reflect.DeepEqual(m, &pong.OverMsg{Winner: pong.Left, Left: 7, Right: 6}) {
		t.Errorf("over of three fields: %+v, %v", m, err)
	}
}

func decodeInput(frame []byte) (wire.InputHeader, pong.Input, error) {
	var h wire.InputHeader
	var in pong.Input
	fr, err := wire.Decode(frame)
	if err != nil {
		return h, in, err
	}
	if fr.Op != wire.OpInput {
		return h, in, errors.New("not an input frame")
	}
	return h, in, wire.DecodeInput(fr.Body, pong.Game{}, &h, &in)
}

func TestInput(t *testing.T) {
	t.Parallel()
	// 03 input; 95 [seq, tick, ack, input, rewind]; 07; cd 0258 600; cd 0257 599; 91 [move];
	// d0 81 -127; 00 no rewind
	const golden = "92 03 95 07 cd0258 cd0257 91 d081 00"
	in := pong.Input{Move: -127}
	got, err := wire.EncodeInput(nil, pong.Game{}, wire.InputHeader{Seq: 7, Tick: 600, Ack: 599}, &in)
	if err != nil || !bytes.Equal(got, unhex(t, golden)) {
		t.Fatalf("EncodeInput: % x (%v), want %s", got, err, golden)
	}
	if _, in2, err := decodeInput(got); err != nil || in2 != in {
		t.Fatalf("decode: %+v, %v", in2, err)
	}
	for _, bad := range []string{"92 03 94 01 02 03 91 cc80", "92 03 94 01 02 03 91 d080", "92 03 94 01 02 03 91 a1 31", "92 03 94 01 02 03 c0"} {
		if _, in, err := decodeInput(unhex(t, bad)); !errors.Is(err, wire.ErrMalformed) {
			t.Errorf("%s: %+v, %v; want ErrMalformed", bad, in, err)
		}
	}
}

// FuzzFrames decodes any frame as pong's server and client would: an input with pong's codec, a game
// op through pong's message set in both directions. Nothing may panic, every error must be
// ErrMalformed or ErrUnknownOp, and what decodes must stay in range and round-trip.
func FuzzFrames(f *testing.F) {
	for _, g := range goldenMessages {
		f.Add(unhex(f, g.hex))
	}
	f.Add(unhex(f, "92 03 95 07 cd0258 cd0257 91 d081 00"))
	f.Fuzz(func(t *testing.T, frame []byte) {
		fr, err := wire.Decode(frame)
		if err != nil {
			return
		}
		if fr.Op == wire.OpInput {
			h, in, err := decodeInput(frame)
			if err != nil {
				if !errors.Is(err, wire.ErrMalformed) {
					t.Fatalf("input error does not wrap ErrMalformed: %v", err)
				}
				return
			}
			if in.Move < -127 {
				t.Fatalf("decoded a move the game must not see: %d", in.Move)
			}
			enc, _ := wire.EncodeInput(nil, pong.Game{}, h, &in)
			if h2, in2, err := decodeInput(enc); err != nil || h2 != h || in2 != in {
				t.Fatalf("input round trip: %+v %+v became %+v %+v (%v)", h, in, h2, in2, err)
			}
			return
		}
		for _, dir := range []wire.Direction{wire.ToServer, wire.ToClient} {
			m, err := pong.Messages.Decode(fr, dir)
			if err != nil {
				if !errors.Is(err, wire.ErrMalformed) && !errors.Is(err, wire.ErrUnknownOp) {
					t.Fatalf("error wraps neither ErrMalformed nor ErrUnknownOp: %v", err)
				}
				continue
			}
			enc, err := wire.Encode(nil, m)
			if err != nil {
				t.Fatal(err)
			}
			fr2, _ := wire.Decode(enc)
			if m2, err := pong.Messages.Decode(fr2, dir); err != nil || !reflect.DeepEqual(m, m2) {
				t.Fatalf("round trip: %+v became %+v (%v)", m, m2, err)
			}
		}
	})
}
