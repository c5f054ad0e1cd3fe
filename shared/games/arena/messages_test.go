package arena_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
)

// Golden bytes of the arena's frames, written by hand from the msgpack spec.
var goldenMessages = []struct {
	name string
	msg  wire.Message
	hex  string
}{
	// 92 [op, body]; 40 op 64; 95 [round, left, winner, winScore, players]; 02 round 2;
	// cd 1518 left 5400; 03 winner 3; 2a winScore 42; 92 two players: 94 [3, 17, 5, 12], 94 [4, 0, 30, 2]
	{"standings", &arena.StandingsMsg{Round: 2, Left: 5400, Winner: 3, WinScore: 42,
		Players: []arena.Standing{{Player: 3, Score: 17, X: 5, Y: 12}, {Player: 4, Score: 0, X: 30, Y: 2}}},
		"92 40 95 02 cd1518 03 2a 92 94 03 11 05 0c 94 04 00 1e 02"},
	// an empty room: 90 no players
	{"standings empty", &arena.StandingsMsg{Round: 1, Left: 10}, "92 40 95 01 0a 00 00 90"},
	// 41 op 65; 91 [player]; cd 012c player 300
	{"spawnnear", &arena.SpawnNearMsg{Player: 300}, "92 41 91 cd012c"},
	// 42 op 66; 93 [by, victim, points]; 03; 04; 06
	{"hit", &arena.HitMsg{By: 3, Victim: 4, Points: 6}, "92 42 93 03 04 06"},
}

func TestMessagesGolden(t *testing.T) {
	t.Parallel()
	if err := arena.Messages.Check(); err != nil {
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
			typ, _ := arena.Messages.Lookup(fr.Op)
			m, err := arena.Messages.Decode(fr, typ.Dir)
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
		{"standings from a client", "92 40 95 01 0a 00 00 90", wire.ToServer, wire.ErrUnknownOp},
		{"spawnnear from the server", "92 41 91 03", wire.ToClient, wire.ErrUnknownOp},
		{"standings round -1", "92 40 95 ff 0a 00 00 90", wire.ToClient, wire.ErrMalformed},
		{"standings left past a round", "92 40 95 01 cd1519 00 00 90", wire.ToClient, wire.ErrMalformed},
		{"standings players not an array", "92 40 95 01 0a 00 00 c0", wire.ToClient, wire.ErrMalformed},
		{"standings player 0", "92 40 95 01 0a 00 00 91 94 00 00 00 00", wire.ToClient, wire.ErrMalformed},
		{"standings player missing", "92 40 95 01 0a 00 00 91 90", wire.ToClient, wire.ErrMalformed},
		{"standings x past the arena", "92 40 95 01 0a 00 00 91 94 01 00 21 00", wire.ToClient, wire.ErrMalformed},
		{"standings y past the arena", "92 40 95 01 0a 00 00 91 94 01 00 00 15", wire.ToClient, wire.ErrMalformed},
		{"standings score -1", "92 40 95 01 0a 00 00 91 94 01 ff 00 00", wire.ToClient, wire.ErrMalformed},
		{"standings out of order", "92 40 95 01 0a 00 00 92 94 02 00 00 00 94 02 00 00 00", wire.ToClient, wire.ErrMalformed},
		{"standings 1025 players", "92 40 95 01 0a 00 00 dc0401" + standingsOf(1025), wire.ToClient, wire.ErrMalformed},
		{"spawnnear player 0", "92 41 91 00", wire.ToServer, wire.ErrMalformed},
		{"spawnnear without fields", "92 41 90", wire.ToServer, wire.ErrMalformed},
		{"spawnnear player 65536", "92 41 91 ce00010000", wire.ToServer, wire.ErrMalformed},
		{"hit points 9", "92 42 93 01 02 09", wire.ToClient, wire.ErrMalformed},
		{"hit without victim", "92 42 91 01", wire.ToClient, wire.ErrMalformed},
		{"op 67", "92 43 90", wire.ToClient, wire.ErrUnknownOp},
	}
	for _, tc := range cases {
		fr, err := wire.Decode(unhex(t, tc.frame))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m, err := arena.Messages.Decode(fr, tc.dir); !errors.Is(err, tc.want) {
			t.Errorf("%s: %+v, %v; want an error wrapping %v", tc.name, m, err, tc.want)
		}
	}
	// A room given more seats than the arena's 16 (tickwire -max-players 50) lists all its players.
	fr50, _ := wire.Decode(unhex(t, "92 40 95 01 0a 00 00 dc0032"+standingsOf(50)))
	if m, err := arena.Messages.Decode(fr50, wire.ToClient); err != nil || len(m.(*arena.StandingsMsg).Players) != 50 {
		t.Errorf("standings of 50 players: %+v, %v; want all 50", m, err)
	}
	// Appended fields are skipped, in the body and in a player's entry: a newer server's standings
	// still read.
	fr, _ := wire.Decode(unhex(t, "92 40 96 01 0a 00 00 91 95 01 02 03 04 c3 c3"))
	m, err := arena.Messages.Decode(fr, wire.ToClient)
	want := &arena.StandingsMsg{Round: 1, Left: 10, Players: []arena.Standing{{Player: 1, Score: 2, X: 3, Y: 4}}}
	if err != nil || !reflect.DeepEqual(m, want) {
		t.Errorf("standings with appended fields: %+v, %v; want %+v", m, err, want)
	}
}

// FuzzFrames decodes any frame through the arena's message set in both directions, as its server
// and client would. Nothing may panic, every error must be ErrMalformed or ErrUnknownOp, and what
// decodes must round-trip.
func FuzzFrames(f *testing.F) {
	for _, g := range goldenMessages {
		f.Add(unhex(f, g.hex))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		fr, err := wire.Decode(frame)
		if err != nil {
			return
		}
		for _, dir := range []wire.Direction{wire.ToServer, wire.ToClient} {
			m, err := arena.Messages.Decode(fr, dir)
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
			if m2, err := arena.Messages.Decode(fr2, dir); err != nil || !reflect.DeepEqual(m, m2) {
				t.Fatalf("round trip: %+v became %+v (%v)", m, m2, err)
			}
		}
	})
}

// standingsOf returns the hex of n standings entries, players 1 to n in order.
func standingsOf(n int) string {
	var b strings.Builder
	for id := 1; id <= n; id++ {
		fmt.Fprintf(&b, " 94 cd%04x 00 00 00", id)
	}
	return b.String()
}
