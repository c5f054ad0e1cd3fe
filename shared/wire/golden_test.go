package wire_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/vmihailenco/msgpack/v5"
)

// unhex decodes a hex string that may contain spaces (one byte per pair, grouped for reading).
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// newMessage returns a fresh, zero message for a toolkit op, or nil for ops without a [wire.Message]
// (input, reserved and game ops).
func newMessage(op wire.Op) wire.Message {
	switch op {
	case wire.OpHello:
		return &wire.Hello{}
	case wire.OpWelcome:
		return &wire.Welcome{}
	case wire.OpSnapshot:
		return &wire.Snapshot{}
	case wire.OpRoster:
		return &wire.Roster{}
	case wire.OpBye:
		return &wire.Bye{}
	case wire.OpPing:
		return &wire.Ping{}
	case wire.OpPong:
		return &wire.Pong{}
	case wire.OpRedirect:
		return &wire.Redirect{}
	case wire.OpDelta:
		return &wire.Delta{}
	}
	return nil
}

// goldenCase pins the exact bytes of one frame. Every expected hex string was written by hand from
// the msgpack spec; the comments spell out each element.
type goldenCase struct {
	name string
	msg  wire.Message
	hex  string
}

var (
	// 8 fields: 0, 127 (largest positive fixint), 128 (uint8), -1 and -32 (negative fixint),
	// -33 and -128 (int8), -129 (int16).
	entPlayer = sim.NewEntity(1, 1, 0, 127, 128, -1, -32, -33, -128, -129)
	// 10 fields (sim.MaxFields): the uint8/uint16/uint32/int16/int32 boundaries.
	entWorld = sim.NewEntity(1<<24-1, 0, 255, 256, 32767, 32768, 65535, 65536, -32768, -32769,
		1<<31-1, -1<<31)
	// no fields, kind 255, id needing uint32.
	entBare = sim.NewEntity(1<<16, 255)
)

var longReason = strings.Repeat("x", 32) // one byte past fixstr: str8

var goldenCases = []goldenCase{
	{
		name: "hello",
		msg:  &wire.Hello{Version: 1, Game: "arena", Room: "lobby", Name: "Ada"},
		// 92 [op, body]; 01 hello; 97 seven fields; 01 version;
		// a5 "arena"; a5 "lobby"; a3 "Ada"; c2 spectate false; c2 private false; a0 no resume token
		hex: "92 01 97 01 a5 6172656e61 a5 6c6f626279 a3 416461 c2 c2 a0",
	},
	{
		name: "hello resuming",
		msg:  &wire.Hello{Version: 1, Game: "arena", Room: "r1", Name: "Ada", Resume: "arena.r1.7.ab"},
		// ad the 13-byte token "arena.r1.7.ab"
		hex: "92 01 97 01 a5 6172656e61 a2 7231 a3 416461 c2 c2 ad 6172656e612e72312e372e6162",
	},
	{
		name: "hello empty strings",
		msg:  &wire.Hello{Version: wire.ProtocolVersion},
		hex:  "92 01 97 02 a0 a0 a0 c2 c2 a0",
	},
	{
		name: "hello spectator",
		msg:  &wire.Hello{Version: 1, Room: "cup", Spectate: true},
		// a0 default game; a3 "cup"; a0 no name; c3 spectate true; c2 private false; a0 no token
		hex: "92 01 97 01 a0 a3 637570 a0 c3 c2 a0",
	},
	{
		name: "hello private",
		msg:  &wire.Hello{Version: 1, Game: "pong", Room: "p-x7", Name: "Ann", Private: true},
		// a4 "pong"; a4 "p-x7"; a3 "Ann"; c2 spectate false; c3 private true
		hex: "92 01 97 01 a4 706f6e67 a4 702d7837 a3 416e6e c2 c3 a0",
	},
	{
		name: "hello with a reservation",
		msg:  &wire.Hello{Version: 2, Game: "arena", Room: "r1", Name: "Ada", Reservation: "a.b.c"},
		// 98 eight fields: the reservation is written only when there is one; 02 version;
		// a5 "arena"; a2 "r1"; a3 "Ada"; c2 c2 not spectating, not private; a0 no resume token;
		// a5 the reservation "a.b.c"
		hex: "92 01 98 02 a5 6172656e61 a2 7231 a3 416461 c2 c2 a0 a5 612e622e63",
	},
	{
		name: "hello with an auth token",
		msg:  &wire.Hello{Version: 2, Name: "Ada", Auth: "xyz"},
		// 99 nine fields: an auth token needs the reservation before it (a0, empty); a3 "xyz"
		hex: "92 01 99 02 a0 a0 a3 416461 c2 c2 a0 a0 a3 78797a",
	},
	{
		name: "redirect",
		msg:  &wire.Redirect{URL: "ws://b:8080/ws", Token: "a.b.c"},
		// 0a redirect; 92 two fields; ae the 14-byte URL "ws://b:8080/ws"; a5 the token "a.b.c"
		hex: "92 0a 92 ae 77733a2f2f623a383038302f7773 a5 612e622e63",
	},
	{
		name: "redirect without a token",
		msg:  &wire.Redirect{URL: "wss://eu1.example.com/ws"},
		// b8 the 24-byte URL; a0 no token (a resume or a spectator keeps its hello as it is)
		hex: "92 0a 92 b8 7773733a2f2f6575312e6578616d706c652e636f6d2f7773 a0",
	},
	{
		name: "welcome",
		msg: &wire.Welcome{Player: 300, Game: "arena", Room: "r1", TickRate: 30, SnapshotRate: 20,
			Tick: 70000, MaxPlayers: 16},
		// 9a ten fields; cd 012c player 300 (uint16); a5 "arena"; a2 "r1"; 1e 30; 14 20;
		// ce 00011170 tick 70000 (uint32); 10 16; c2 not a spectator; c2 not private; a0 no token
		hex: "92 02 9a cd 012c a5 6172656e61 a2 7231 1e 14 ce 00011170 10 c2 c2 a0",
	},
	{
		name: "welcome restored",
		msg: &wire.Welcome{Player: 3, Game: "pong", Room: "cup", TickRate: 60, SnapshotRate: 30, Tick: 400, MaxPlayers: 2,
			Resume: "t", Restored: 300},
		// 9b eleven fields: the ten, then cd 012c restored at tick 300 (only written when not 0)
		hex: "92 02 9b 03 a4 706f6e67 a3 637570 3c 1e cd 0190 02 c2 c2 a1 74 cd 012c",
	},
	{
		name: "welcome renamed",
		msg: &wire.Welcome{Player: 2, Game: "pong", Room: "cup", TickRate: 60, SnapshotRate: 30, Tick: 5, MaxPlayers: 2,
			Resume: "t", Name: "Ann 2"},
		// 9c twelve fields: the ten, 00 restored (written as 0 to reach the name), then a5 "Ann 2",
		// the name the room gave: another seat holds "Ann"
		hex: "92 02 9c 02 a4 706f6e67 a3 637570 3c 1e 05 02 c2 c2 a1 74 00 a5 416e6e2032",
	},
	{
		name: "welcome spectator",
		msg:  &wire.Welcome{Game: "pong", Room: "cup", TickRate: 60, SnapshotRate: 30, Tick: 5, MaxPlayers: 2, Spectator: true, Private: true},
		// 00 player 0; a4 "pong"; a3 "cup"; 3c 60; 1e 30; 05; 02; c3 spectator; c3 private; a0
		hex: "92 02 9a 00 a4 706f6e67 a3 637570 3c 1e 05 02 c3 c3 a0",
	},
	{
		name: "snapshot no entities",
		msg:  &wire.Snapshot{Tick: 128, Ack: 255},
		// 93 three fields; cc 80 tick 128 (uint8); cc ff ack 255; 90 empty entity array
		hex: "92 04 93 cc80 ccff 90",
	},
	{
		name: "snapshot two entities",
		msg: &wire.Snapshot{Tick: 1<<32 - 1, Ack: 65535,
			Entities: []sim.Entity{entPlayer, entWorld}},
		hex: "92 04 93 ce ffffffff cd ffff 92" +
			// 9a: 2+8 elements; id 1; kind 1;
			// 00, 7f, cc 80, ff (-1), e0 (-32), d0 df (-33), d0 80 (-128), d1 ff7f (-129)
			" 9a 01 01 00 7f cc80 ff e0 d0df d080 d1ff7f" +
			// 9c: 2+10 elements; ce 00ffffff id 2^24-1; kind 0;
			// cc ff (255), cd 0100 (256), cd 7fff (32767), cd 8000 (32768), cd ffff (65535),
			// ce 00010000 (65536), d1 8000 (-32768), d2 ffff7fff (-32769),
			// ce 7fffffff (2^31-1), d2 80000000 (-2^31)
			" 9c ce00ffffff 00 ccff cd0100 cd7fff cd8000 cdffff ce00010000 d18000 d2ffff7fff" +
			" ce7fffffff d280000000",
	},
	{
		name: "snapshot with a check",
		msg:  &wire.Snapshot{Tick: 128, Ack: 255, Check: 0x9d106a5d},
		// 94 four fields: the check is written only when not 0; cc 80; cc ff; 90 no entities;
		// ce 9d106a5d the check (uint32)
		hex: "92 04 94 cc80 ccff 90 ce9d106a5d",
	},
	{
		name: "snapshot with a small check",
		msg:  &wire.Snapshot{Tick: 1, Check: 1},
		// a check below 128 is a fixint, as any integer: 01
		hex: "92 04 94 01 00 90 01",
	},
	{
		name: "snapshot entity without fields",
		msg:  &wire.Snapshot{Entities: []sim.Entity{entBare}},
		// 91 one entity; 92 id and kind only; ce 00010000 id 65536; cc ff kind 255
		hex: "92 04 93 00 00 91 92 ce00010000 ccff",
	},
	{
		name: "roster empty",
		msg:  &wire.Roster{},
		hex:  "92 05 90",
	},
	{
		name: "roster two players",
		msg:  &wire.Roster{Players: []wire.RosterEntry{{1, "Ada"}, {65535, "Grace Hopper"}}},
		// 92 two entries; 92 01 a3 "Ada"; 92 cd ffff ac "Grace Hopper" (12 bytes)
		hex: "92 05 92 92 01 a3416461 92 cdffff ac 4772616365 20 486f70706572",
	},
	{
		name: "bye",
		msg:  &wire.Bye{Code: wire.CloseMalformed, Reason: "bad frame"},
		// cd 0fa1 code 4001; a9 "bad frame"
		hex: "92 06 92 cd0fa1 a9 626164206672616d65",
	},
	{
		name: "bye str8 reason",
		msg:  &wire.Bye{Code: wire.CloseNormal, Reason: longReason},
		// cd 03e8 code 1000; d9 20 str8 of 32 bytes
		hex: "92 06 92 cd03e8 d9 20" + strings.Repeat("78", 32),
	},
	{
		name: "ping",
		msg:  &wire.Ping{ClientTime: 123456789},
		// 91 one field; ce 075bcd15
		hex: "92 07 91 ce075bcd15",
	},
	{
		name: "pong",
		msg:  &wire.Pong{ClientTime: 0, Tick: 200},
		hex:  "92 08 92 00 ccc8",
	},
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := unhex(t, tc.hex)

			got, err := wire.Encode(nil, tc.msg)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Encode:\n got % x\nwant % x", got, want)
			}

			// Encode appends: a prefix in dst is kept.
			prefixed, err := wire.Encode([]byte{0xaa}, tc.msg)
			if err != nil || !bytes.Equal(prefixed, append([]byte{0xaa}, want...)) {
				t.Fatalf("Encode with prefix: % x, %v", prefixed, err)
			}

			if err := wire.Validate(want); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			fr, err := wire.Decode(want)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if fr.Op != tc.msg.Op() {
				t.Fatalf("Decode: op %v, want %v", fr.Op, tc.msg.Op())
			}
			if !bytes.Equal(fr.Body, want[2:]) {
				t.Fatalf("Decode: body % x, want % x", fr.Body, want[2:])
			}
			m := newMessage(fr.Op)
			if err := fr.Decode(m); err != nil {
				t.Fatalf("Frame.Decode: %v", err)
			}
			if !reflect.DeepEqual(m, tc.msg) {
				t.Fatalf("Frame.Decode:\n got %+v\nwant %+v", m, tc.msg)
			}
		})
	}
}

// TestAppendSnapshot checks that the room's fast path, which encodes the entity array once and
// shares it, yields the same bytes as encoding a Snapshot.
func TestAppendSnapshot(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		snap wire.Snapshot
	}{
		{"empty", wire.Snapshot{}},
		{"nil vs empty entities", wire.Snapshot{Tick: 5, Ack: 3, Entities: []sim.Entity{}}},
		{"two entities", wire.Snapshot{Tick: 1<<32 - 1, Ack: 65535, Entities: []sim.Entity{entPlayer, entWorld}}},
		{"three entities", wire.Snapshot{Tick: 300, Ack: 70000, Entities: []sim.Entity{entBare, entPlayer, entWorld}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want, err := wire.Encode(nil, &tc.snap)
			if err != nil {
				t.Fatal(err)
			}
			ents, err := wire.AppendEntities(nil, tc.snap.Entities)
			if err != nil {
				t.Fatal(err)
			}
			got := wire.AppendSnapshot(nil, tc.snap.Tick, tc.snap.Ack, ents)
			if !bytes.Equal(got, want) {
				t.Fatalf("AppendSnapshot:\n got % x\nwant % x", got, want)
			}
			// With a prefix in dst, and with the entities appended after a prefix too.
			ents2, err := wire.AppendEntities([]byte{1, 2, 3}, tc.snap.Entities)
			if err != nil {
				t.Fatal(err)
			}
			got = wire.AppendSnapshot([]byte{0xaa}, tc.snap.Tick, tc.snap.Ack, ents2[3:])
			if !bytes.Equal(got, append([]byte{0xaa}, want...)) {
				t.Fatalf("AppendSnapshot with prefix:\n got % x\nwant aa % x", got, want)
			}
		})
	}
	// The golden snapshot, through the fast path.
	ents, err := wire.AppendEntities(nil, []sim.Entity{entPlayer, entWorld})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldenCases {
		if g.name == "snapshot two entities" {
			if got := wire.AppendSnapshot(nil, 1<<32-1, 65535, ents); !bytes.Equal(got, unhex(t, g.hex)) {
				t.Fatalf("AppendSnapshot golden:\n got % x\nwant %s", got, g.hex)
			}
		}
	}
}

// TestGameOpFrame checks a game's own op above 127, which msgpack writes as uint8 (cc).
func TestGameOpFrame(t *testing.T) {
	t.Parallel()
	got, err := wire.AppendFrame(nil, 200, func(e *msgpack.Encoder) error { return e.EncodeString("hi") })
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "92 ccc8 a2 6869")
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendFrame: got % x, want % x", got, want)
	}
	fr, err := wire.Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	if fr.Op != 200 || !fr.Op.IsGameOp() || !bytes.Equal(fr.Body, want[3:]) {
		t.Fatalf("Decode: %+v", fr)
	}
	if s := fr.Op.String(); s != "game op 200" {
		t.Fatalf("String: %q", s)
	}
}

func TestCompatibility(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		frame string
		want  wire.Message
	}{
		// Extra trailing fields are skipped, whatever their type.
		{"hello extra scalar", "92 01 9a 01 a1 61 a1 72 a1 6e c2 c3 a0 a0 a0 2a", &wire.Hello{Version: 1, Game: "a", Room: "r", Name: "n", Private: true}},
		{"hello extra nested", "92 01 9b 01 a0 a0 a1 6e c3 c2 a0 a0 a0 92 91 01 81 01 a1 78 c3", &wire.Hello{Version: 1, Name: "n", Spectate: true}},
		{"redirect extra", "92 0a 93 a1 75 a1 74 c3", &wire.Redirect{URL: "u", Token: "t"}},
		{"welcome extra", "92 02 9d 01 a0 a0 1e 14 00 10 c2 c2 a0 00 a0 cb 3ff0000000000000", &wire.Welcome{Player: 1, TickRate: 30, SnapshotRate: 20, MaxPlayers: 16}},
		{"snapshot extra", "92 04 95 05 06 91 93 01 02 03 07 d9 01 78", &wire.Snapshot{Tick: 5, Ack: 6, Entities: []sim.Entity{sim.NewEntity(1, 2, 3)}, Check: 7}},
		{"delta extra", "92 09 98 05 06 04 90 90 90 cd 0102 a1 78", &wire.Delta{Tick: 5, Ack: 6, BaseTick: 4, Check: 258}},
		{"roster entry extra", "92 05 91 93 01 a1 61 90", &wire.Roster{Players: []wire.RosterEntry{{1, "a"}}}},
		{"bye extra", "92 06 93 cd03e8 a0 c0", &wire.Bye{Code: 1000}},
		{"ping extra", "92 07 92 05 06", &wire.Ping{ClientTime: 5}},
		{"pong extra", "92 08 93 05 06 07", &wire.Pong{ClientTime: 5, Tick: 6}},
		// Missing trailing fields are zero.
		{"hello version only", "92 01 91 01", &wire.Hello{Version: 1}},
		{"hello before spectate", "92 01 94 01 a0 a2 7231 a1 6e", &wire.Hello{Version: 1, Room: "r1", Name: "n"}},
		{"hello before private", "92 01 95 01 a0 a0 a0 c3", &wire.Hello{Version: 1, Spectate: true}},
		{"welcome before spectator", "92 02 97 01 a0 a0 1e 14 00 10", &wire.Welcome{Player: 1, TickRate: 30, SnapshotRate: 20, MaxPlayers: 16}},
		{"hello empty", "92 01 90", &wire.Hello{}},
		{"welcome two fields", "92 02 92 07 a1 61", &wire.Welcome{Player: 7, Game: "a"}},
		{"snapshot tick only", "92 04 91 05", &wire.Snapshot{Tick: 5}},
		{"snapshot empty", "92 04 90", &wire.Snapshot{}},
		{"snapshot before check", "92 04 93 05 06 90", &wire.Snapshot{Tick: 5, Ack: 6}},
		{"roster entry id only", "92 05 91 91 09", &wire.Roster{Players: []wire.RosterEntry{{Player: 9}}}},
		{"roster entry empty", "92 05 91 90", &wire.Roster{Players: []wire.RosterEntry{{}}}},
		{"bye empty", "92 06 90", &wire.Bye{}},
		{"ping empty", "92 07 90", &wire.Ping{}},
		{"pong one field", "92 08 91 05", &wire.Pong{ClientTime: 5}},
		{"hello before reservation", "92 01 97 01 a0 a0 a0 c2 c2 a1 72", &wire.Hello{Version: 1, Resume: "r"}},
		{"redirect url only", "92 0a 91 a1 75", &wire.Redirect{URL: "u"}},
		// Wider encodings than the encoder writes are accepted.
		{"ping uint64", "92 07 91 cf 00000000075bcd15", &wire.Ping{ClientTime: 123456789}},
		{"ping int8 positive", "92 07 91 d0 05", &wire.Ping{ClientTime: 5}},
		{"hello str8 and array16", "92 01 dc 0002 cc01 d9 01 61", &wire.Hello{Version: 1, Game: "a"}},
		{"op as uint8", "92 cc07 91 05", &wire.Ping{ClientTime: 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.frame))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			m := newMessage(tc.want.Op())
			if err := fr.Decode(m); err != nil {
				t.Fatalf("Frame.Decode: %v", err)
			}
			if !reflect.DeepEqual(m, tc.want) {
				t.Fatalf("got %+v, want %+v", m, tc.want)
			}
		})
	}
}

// TestDecodeReuses checks that decoding into a used message overwrites all of it.
func TestDecodeReuses(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A message already holding the largest golden value of its type.
			m := newMessage(tc.msg.Op())
			for _, other := range goldenCases {
				if other.msg.Op() == tc.msg.Op() && len(other.hex) > len(tc.hex) {
					fr, _ := wire.Decode(unhex(t, other.hex))
					if err := fr.Decode(m); err != nil {
						t.Fatal(err)
					}
				}
			}
			fr, err := wire.Decode(unhex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			if err := fr.Decode(m); err != nil {
				t.Fatal(err)
			}
			// Reused slices keep their capacity, so compare by re-encoding.
			got, _ := wire.Encode(nil, m)
			if want := unhex(t, tc.hex); !bytes.Equal(got, want) {
				t.Fatalf("reused decode re-encodes as % x, want % x", got, want)
			}
		})
	}
}

func TestMalformedBody(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		frame string
		op    wire.Op
	}{
		{"hello body map", "92 01 81 01 02", wire.OpHello},
		{"hello body nil", "92 01 c0", wire.OpHello},
		{"hello body int", "92 01 01", wire.OpHello},
		{"hello version string", "92 01 91 a1 31", wire.OpHello},
		{"hello version negative", "92 01 91 ff", wire.OpHello},
		{"hello version too big", "92 01 91 cf 0000000100000000", wire.OpHello},
		{"hello game int", "92 01 92 01 05", wire.OpHello},
		{"hello game array", "92 01 92 01 90", wire.OpHello},
		{"hello version float", "92 01 91 cb 3ff0000000000000", wire.OpHello},
		{"hello version bool", "92 01 91 c3", wire.OpHello},
		{"hello name too long", "92 01 94 01 a0 a0 d9 41" + strings.Repeat("61", 65), wire.OpHello},
		{"hello game too long", "92 01 92 01 d9 21" + strings.Repeat("61", 33), wire.OpHello},
		{"hello spectate int", "92 01 95 01 a0 a0 a0 01", wire.OpHello},
		{"hello spectate nil", "92 01 95 01 a0 a0 a0 c0", wire.OpHello},
		{"hello spectate string", "92 01 95 01 a0 a0 a0 a4 74727565", wire.OpHello},
		{"welcome spectator int", "92 02 98 00 a0 a0 1e 14 00 10 01", wire.OpWelcome},
		{"hello private int", "92 01 96 01 a0 a0 a0 c2 01", wire.OpHello},
		{"welcome private string", "92 02 99 00 a0 a0 1e 14 00 10 c2 a1 78", wire.OpWelcome},
		{"welcome body map", "92 02 80", wire.OpWelcome},
		{"welcome tick string", "92 02 96 01 a0 a0 1e 14 a1 31", wire.OpWelcome},
		{"snapshot body map", "92 04 81 01 02", wire.OpSnapshot},
		{"snapshot tick string", "92 04 93 a1 31 00 90", wire.OpSnapshot},
		{"snapshot entities map", "92 04 93 00 00 80", wire.OpSnapshot},
		{"snapshot entities int", "92 04 93 00 00 05", wire.OpSnapshot},
		{"snapshot entity int", "92 04 93 00 00 91 05", wire.OpSnapshot},
		{"snapshot entity map", "92 04 93 00 00 91 81 01 02", wire.OpSnapshot},
		{"snapshot entity nil", "92 04 93 00 00 91 c0", wire.OpSnapshot},
		{"snapshot entity one element", "92 04 93 00 00 91 91 01", wire.OpSnapshot},
		{"snapshot entity too many fields", "92 04 93 00 00 91 9d 01 01" + strings.Repeat(" 00", 11), wire.OpSnapshot},
		{"snapshot entity kind 256", "92 04 93 00 00 91 92 01 cd0100", wire.OpSnapshot},
		{"snapshot entity kind negative", "92 04 93 00 00 91 92 01 ff", wire.OpSnapshot},
		{"snapshot entity id negative", "92 04 93 00 00 91 92 ff 01", wire.OpSnapshot},
		// Found by FuzzSnapshot: a bad id in an entity of 2+MaxFields elements indexed past Fields.
		{"snapshot full entity id negative", "92 04 93 00 00 91 9c ff 01" + strings.Repeat(" 00", 10), wire.OpSnapshot},
		{"snapshot full entity id string", "92 04 93 00 00 91 9c a1 31 01" + strings.Repeat(" 00", 10), wire.OpSnapshot},
		{"snapshot full entity kind negative", "92 04 93 00 00 91 9c 01 ff" + strings.Repeat(" 00", 10), wire.OpSnapshot},
		{"snapshot field above int32", "92 04 93 00 00 91 93 01 01 ce80000000", wire.OpSnapshot},
		{"snapshot field below int32", "92 04 93 00 00 91 93 01 01 d3ffffffff7fffffff", wire.OpSnapshot},
		{"snapshot field string", "92 04 93 00 00 91 93 01 01 a1 31", wire.OpSnapshot},
		{"snapshot second entity bad", "92 04 93 00 00 92 92 01 01 92 01 a0", wire.OpSnapshot},
		{"roster body map", "92 05 80", wire.OpRoster},
		{"roster body int", "92 05 00", wire.OpRoster},
		{"roster entry int", "92 05 91 01", wire.OpRoster},
		{"roster entry map", "92 05 91 81 01 a1 61", wire.OpRoster},
		{"roster name int", "92 05 91 92 01 02", wire.OpRoster},
		{"roster name too long", "92 05 91 92 01 d9 41" + strings.Repeat("61", 65), wire.OpRoster},
		{"bye code too big", "92 06 92 cd1388 a0", wire.OpBye},
		{"bye reason too long", "92 06 92 00 d9 7c" + strings.Repeat("61", 124), wire.OpBye},
		{"bye body string", "92 06 a1 61", wire.OpBye},
		{"hello reservation int", "92 01 98 02 a0 a0 a0 c2 c2 a0 05", wire.OpHello},
		{"hello auth map", "92 01 99 02 a0 a0 a0 c2 c2 a0 a0 80", wire.OpHello},
		{"hello reservation too long", "92 01 98 02 a0 a0 a0 c2 c2 a0 da 0201" + strings.Repeat("61", 513), wire.OpHello},
		{"redirect url int", "92 0a 92 05 a0", wire.OpRedirect},
		{"redirect url too long", "92 0a 91 da 0101" + strings.Repeat("61", 257), wire.OpRedirect},
		{"redirect token array", "92 0a 92 a1 75 90", wire.OpRedirect},
		{"redirect body string", "92 0a a1 75", wire.OpRedirect},
		{"ping string", "92 07 91 a1 78", wire.OpPing},
		{"ping body map", "92 07 81 01 02", wire.OpPing},
		{"ping negative", "92 07 91 d0 80", wire.OpPing},
		{"ping int64 negative", "92 07 91 d3 ffffffffffffffff", wire.OpPing},
		{"pong body nil", "92 08 c0", wire.OpPong},
		// msgpack's DecodeInt64 reads a uint64 above MaxInt64 as a negative number; the range check
		// must still see the value that was sent.
		{"snapshot field uint64 max", "92 04 93 00 00 91 93 01 01 cf ffffffffffffffff", wire.OpSnapshot},
		{"snapshot field uint64 2^63", "92 04 93 00 00 91 93 01 01 cf 8000000000000000", wire.OpSnapshot},
		{"snapshot entity id uint64", "92 04 93 00 00 91 92 cf ffffffffffffffff 01", wire.OpSnapshot},
		{"pong tick float", "92 08 92 00 ca 3f800000", wire.OpPong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := unhex(t, tc.frame)
			if err := wire.Validate(b); err != nil {
				t.Fatalf("test frame must be valid msgpack: %v", err)
			}
			fr, err := wire.Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if fr.Op != tc.op {
				t.Fatalf("op %v, want %v", fr.Op, tc.op)
			}
			m := newMessage(fr.Op)
			err = fr.Decode(m)
			if err == nil {
				t.Fatalf("Frame.Decode succeeded: %+v", m)
			}
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
		})
	}
}

func TestFrameDecodeWrongType(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.hex))
			if err != nil {
				t.Fatal(err)
			}
			for op := wire.OpHello; op <= wire.OpPong; op++ {
				m := newMessage(op)
				if m == nil || op == fr.Op {
					continue
				}
				if err := fr.Decode(m); !errors.Is(err, wire.ErrMalformed) {
					t.Errorf("decoding a %v frame as %v: err = %v, want ErrMalformed", fr.Op, op, err)
				}
				if !reflect.DeepEqual(m, newMessage(op)) {
					t.Errorf("decoding a %v frame as %v changed the message: %+v", fr.Op, op, m)
				}
			}
		})
	}
}

func TestDecodeEnvelope(t *testing.T) {
	t.Parallel()
	ok := []struct {
		name  string
		frame string
		op    wire.Op
		body  string
	}{
		{"op 0", "92 00 c0", 0, "c0"},
		{"op 127 fixint", "92 7f 90", 127, "90"},
		{"op 200 uint8", "92 ccc8 91 01", 200, "91 01"},
		{"op 255 uint8", "92 ccff 90", 255, "90"},
		{"op 5 as uint8", "92 cc05 91 05", 5, "91 05"},
		{"reserved op", "92 09 90", 9, "90"},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.frame))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if fr.Op != tc.op || !bytes.Equal(fr.Body, unhex(t, tc.body)) {
				t.Fatalf("Decode = {%d % x}, want {%d %s}", fr.Op, fr.Body, tc.op, tc.body)
			}
		})
	}
	bad := []struct {
		name  string
		frame string
	}{
		{"negative fixint op", "92 ff 90"},
		{"negative fixint op -32", "92 e0 90"},
		{"int8 op", "92 d0ff 90"},
		{"int8 positive op", "92 d005 90"},
		{"string op", "92 a1 31 90"},
		{"nil op", "92 c0 90"},
		{"bool op", "92 c3 90"},
		{"uint16 op", "92 cd0001 90"},
		{"uint16 op above 255", "92 cd0100 90"},
		{"float op", "92 ca3f800000 90"},
		{"array op", "92 91 01 90"},
		{"one-element frame", "91 01"},
		{"three-element frame", "93 01 90 90"},
		{"empty array frame", "90"},
		{"array16 frame", "dc 0002 01 90"},
		{"map frame", "81 01 90"},
		{"int frame", "01"},
		{"string frame", "a2 6869"},
		{"nil frame", "c0"},
		{"empty", ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fr, err := wire.Decode(unhex(t, tc.frame))
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", fr)
			}
			if !errors.Is(err, wire.ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
		})
	}
}
