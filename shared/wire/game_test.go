package wire_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// A game's own messages, as a game would declare them, for testing MessageSet without a game.

// chat is sent by a client: [text].
type chat struct{ Text string }

func (*chat) Op() wire.Op { return 64 }
func (m *chat) EncodeBody(e *msgpack.Encoder) error {
	if err := e.EncodeArrayLen(1); err != nil {
		return err
	}
	return e.EncodeString(m.Text)
}
func (m *chat) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.Text = f.String("text", 40)
	return f.Done()
}

// said is sent by the server: [player, text].
type said struct {
	Player sim.PlayerID
	Text   string
}

func (*said) Op() wire.Op { return 65 }
func (m *said) EncodeBody(e *msgpack.Encoder) error {
	if err := e.EncodeArrayLen(2); err != nil {
		return err
	}
	if err := e.EncodeUint(uint64(m.Player)); err != nil {
		return err
	}
	return e.EncodeString(m.Text)
}
func (m *said) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.Player = sim.PlayerID(f.Int("player", 0, 1<<16-1))
	m.Text = f.String("text", 40)
	return f.Done()
}

// nudge travels either way: [n] with n in [-5, 5].
type nudge struct{ N int8 }

func (*nudge) Op() wire.Op { return 200 }
func (m *nudge) EncodeBody(e *msgpack.Encoder) error {
	if err := e.EncodeArrayLen(1); err != nil {
		return err
	}
	return e.EncodeInt(int64(m.N))
}
func (m *nudge) DecodeBody(d *msgpack.Decoder) error {
	f := wire.ReadFields(d)
	m.N = int8(f.Int("n", -5, 5))
	return f.Done()
}

var testMessages = wire.MessageSet{
	{Op: 64, Name: "chat", Dir: wire.ToServer, New: func() wire.Message { return &chat{} }},
	{Op: 65, Name: "said", Dir: wire.ToClient, New: func() wire.Message { return &said{} }},
	{Op: 200, Name: "nudge", Dir: wire.ToServer | wire.ToClient, New: func() wire.Message { return &nudge{} }},
}

var goldenGameMessages = []goldenCase{
	// 92 [op, body]; 40 op 64; 91 one field; a2 "hi"
	{name: "game chat", msg: &chat{Text: "hi"}, hex: "92 40 91 a2 6869"},
	// 41 op 65; 92 two fields; cd ffff player 65535; a0 ""
	{name: "game said", msg: &said{Player: 65535}, hex: "92 41 92 cdffff a0"},
	// cc c8 op 200 (uint8); 91; fb -5 (negative fixint)
	{name: "game nudge", msg: &nudge{N: -5}, hex: "92 ccc8 91 fb"},
}

func TestMessageSetCheck(t *testing.T) {
	t.Parallel()
	if err := testMessages.Check(); err != nil {
		t.Fatalf("a good set: %v", err)
	}
	newChat := func() wire.Message { return &chat{} }
	bad := []struct {
		name string
		set  wire.MessageSet
		want string
	}{
		{"toolkit op", wire.MessageSet{{Op: wire.OpInput, Name: "x", Dir: wire.ToServer, New: newChat}}, "toolkit"},
		{"op 63", wire.MessageSet{{Op: 63, Name: "x", Dir: wire.ToServer, New: newChat}}, "toolkit"},
		{"twice", wire.MessageSet{testMessages[0], testMessages[0]}, "twice"},
		{"no name", wire.MessageSet{{Op: 64, Dir: wire.ToServer, New: newChat}}, "no name"},
		{"no direction", wire.MessageSet{{Op: 64, Name: "chat", New: newChat}}, "direction"},
		{"unknown direction bit", wire.MessageSet{{Op: 64, Name: "chat", Dir: 4, New: newChat}}, "direction"},
		{"no New", wire.MessageSet{{Op: 64, Name: "chat", Dir: wire.ToServer}}, "no New"},
		{"New of another op", wire.MessageSet{{Op: 66, Name: "chat", Dir: wire.ToServer, New: newChat}}, "op is not 66"},
		{"New returns nil", wire.MessageSet{{Op: 64, Name: "chat", Dir: wire.ToServer, New: func() wire.Message { return nil }}}, "op is not 64"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if err := tc.set.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestGameMessageGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenGameMessages {
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
			typ, ok := testMessages.Lookup(fr.Op)
			if !ok {
				t.Fatalf("Lookup(%d) found nothing", fr.Op)
			}
			m, err := testMessages.Decode(fr, typ.Dir)
			if err != nil {
				t.Fatalf("MessageSet.Decode: %v", err)
			}
			if !reflect.DeepEqual(m, tc.msg) {
				t.Fatalf("decoded %+v, want %+v", m, tc.msg)
			}
		})
	}
}

func TestMessageSetDecodeRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		frame string
		dir   wire.Direction
		want  error
	}{
		{"undeclared op", "92 42 90", wire.ToServer, wire.ErrUnknownOp},
		{"toolkit op", "92 07 91 05", wire.ToServer, wire.ErrUnknownOp},
		{"server's message from a client", "92 41 92 01 a0", wire.ToServer, wire.ErrUnknownOp},
		{"client's message from the server", "92 40 91 a0", wire.ToClient, wire.ErrUnknownOp},
		{"field out of range", "92 ccc8 91 06", wire.ToServer, wire.ErrMalformed},
		{"field of the wrong type", "92 40 91 05", wire.ToServer, wire.ErrMalformed},
		{"text too long", "92 40 91 d9 29" + strings.Repeat("61", 41), wire.ToServer, wire.ErrMalformed},
		{"body a map", "92 40 81 01 02", wire.ToServer, wire.ErrMalformed},
		{"player negative", "92 41 92 ff a0", wire.ToClient, wire.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.frame))
			if err != nil {
				t.Fatal(err)
			}
			m, err := testMessages.Decode(fr, tc.dir)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode = %+v, %v; want an error wrapping %v", m, err, tc.want)
			}
		})
	}
	// Appended fields are skipped, missing ones are zero: game messages follow the toolkit's rules.
	fr, _ := wire.Decode(unhex(t, "92 41 93 07 a1 78 c3"))
	if m, err := testMessages.Decode(fr, wire.ToClient); err != nil || *m.(*said) != (said{7, "x"}) {
		t.Errorf("extra field: %+v, %v", m, err)
	}
	fr, _ = wire.Decode(unhex(t, "92 41 90"))
	if m, err := testMessages.Decode(fr, wire.ToClient); err != nil || *m.(*said) != (said{}) {
		t.Errorf("no fields: %+v, %v", m, err)
	}
}

// FuzzGameMessage decodes any frame through a game's message set, both ways: it must never panic,
// fail only with ErrUnknownOp or ErrMalformed, and what it accepts must round-trip.
func FuzzGameMessage(f *testing.F) {
	for _, g := range goldenGameMessages {
		f.Add(unhex(f, g.hex))
	}
	for _, s := range seedFrames(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fr, err := wire.Decode(frame)
		checkErr(t, "Decode", err)
		if err != nil {
			return
		}
		for _, dir := range []wire.Direction{wire.ToServer, wire.ToClient} {
			m, err := testMessages.Decode(fr, dir)
			if err != nil {
				if !errors.Is(err, wire.ErrUnknownOp) && !errors.Is(err, wire.ErrMalformed) {
					t.Fatalf("Decode: error wraps neither ErrUnknownOp nor ErrMalformed: %v", err)
				}
				continue
			}
			enc, err := wire.Encode(nil, m)
			if err != nil {
				t.Fatalf("re-encoding %+v: %v", m, err)
			}
			fr2, err := wire.Decode(enc)
			if err != nil {
				t.Fatalf("re-encoded % x: %v", enc, err)
			}
			m2, err := testMessages.Decode(fr2, dir)
			if err != nil || !reflect.DeepEqual(m, m2) {
				t.Fatalf("round trip: %+v became %+v (%v)", m, m2, err)
			}
		}
	})
}
