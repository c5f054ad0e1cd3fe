package room

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// goldenCapture is a small capture of every kind of field, and goldenCaptureHex its encoding,
// written out by hand: with positional encoding the order of the fields is the format, and this is
// what catches a reorder.
func goldenCapture() *Capture {
	return &Capture{
		Game: "line", StateVersion: 2, Room: "r", Private: true,
		TickRate: 30, SnapshotRate: 15, MaxPlayers: 3, MaxSpectators: 32,
		Tick: 300, Snapshots: 150,
		Entities:   []sim.Entity{sim.NewEntity(1, 0, -5)},
		RoomState:  []byte{7},
		Spectators: 1,
		Seats: []SeatCapture{{
			Player: 1, Name: "ann", Secret: [16]byte{1}, Kept: [16]byte{2},
			Input: []byte{0x03}, Missing: 1,
			Held:     []HeldInput{{Tick: 301, Seq: 9, Rewind: 128, Input: []byte{0xff}}},
			Messages: []HeldMessage{{Op: 64, Body: []byte{0x91, 0x04}}},
		}},
		Departed: []DepartedSeat{{Player: 2, Secret: [16]byte{3}, Kept: [16]byte{3}, Expired: true}},
	}
}

var goldenCaptureHex = strings.Join([]string{
	"9f",         // 15 fields
	"01",         // format 1
	"a46c696e65", // game "line"
	"02",         // state version 2
	"a172",       // room "r"
	"c3",         // private
	"1e", "0f",   // tick rate 30, snapshot rate 15
	"03", "20", // 3 players, 32 spectators at most
	"cc96",                      // 150 snapshots sent
	"01",                        // 1 spectator
	"93cd012c00" + "91930100fb", // state: [tick 300, 0, [[id 1, kind 0, x -5]]]
	"c40107",                    // room state: bin [7]
	"91",                        // one seat:
	"9b",                        //   11 fields
	"01", "a3616e6e",            //   player 1, "ann"
	"c410" + "01000000000000000000000000000000", // secret
	"c410" + "02000000000000000000000000000000", // kept
	"c2", "00", // connected, no grace counted
	"c40103",   // input in force: bin [3]
	"00", "01", // rewind 0, 1 tick without input
	"91" + "94cd012d09cc80c401ff",               // held: [[tick 301, seq 9, rewind 128, bin [0xff]]]
	"91" + "9240c4029104",                       // messages: [[op 64, bin [0x91 0x04]]]
	"91" + "9402",                               // departed: [[player 2,
	"c410" + "03000000000000000000000000000000", //   secret,
	"c410" + "03000000000000000000000000000000", //   kept,
	"c3", //   expired]]
}, "")

func TestCaptureGolden(t *testing.T) {
	t.Parallel()
	got, err := goldenCapture().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != goldenCaptureHex {
		t.Fatalf("encoding\n got %x\nwant %s", got, goldenCaptureHex)
	}
	c, err := UnmarshalCapture(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, goldenCapture()) {
		t.Fatalf("decoded %+v, want %+v", c, goldenCapture())
	}
}

// TestCaptureSkipsFieldsAppended: a reader skips elements past those it knows, so a field can be
// appended to the capture, a seat or a held input within a format.
func TestCaptureSkipsFieldsAppended(t *testing.T) {
	t.Parallel()
	b, _ := hex.DecodeString(goldenCaptureHex)
	// One more field at the end of the capture: an array16 of 16 elements, the last nil.
	longer := append(append([]byte{0xdc, 0x00, 0x10}, b[1:]...), 0xc0)
	c, err := UnmarshalCapture(longer)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, goldenCapture()) {
		t.Fatalf("decoded %+v, want %+v", c, goldenCapture())
	}
}

func TestUnmarshalCaptureRefuses(t *testing.T) {
	t.Parallel()
	golden, _ := hex.DecodeString(goldenCaptureHex)
	patched := func(i int, v byte) []byte {
		b := append([]byte(nil), golden...)
		b[i] = v
		return b
	}
	encoded := func(spoil func(c *Capture)) []byte {
		c := goldenCapture()
		spoil(c)
		b, err := c.encode()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name    string
		data    []byte
		version bool // refused as another version, not as malformed
		want    string
	}{
		{"format 2", patched(1, 0x02), true, "capture format 2, this server reads format 1"},
		{"format 0", patched(1, 0x00), true, "capture format 0"},
		{"nothing", nil, false, "malformed"},
		{"not an array", []byte{0x01}, false, "malformed"},
		{"truncated", golden[:len(golden)-1], false, "malformed"},
		{"trailing byte", append(append([]byte(nil), golden...), 0), false, "trailing"},
		{"too few fields", append([]byte{0x9e}, golden[1:len(golden)-40]...), false, "want at least 15"}, // no departed (40 bytes)
		{"private not a boolean", patched(10, 0x01), false, "private"},
		{"no tick rate", encoded(func(c *Capture) { c.TickRate = 0 }), false, "tick rate 0"},
		{"snapshots faster than ticks", encoded(func(c *Capture) { c.SnapshotRate = 31 }), false, "snapshot rate 31"},
		{"more seats than the room has", encoded(func(c *Capture) { c.MaxPlayers = 0 }), false, "1 seats of 0"},
		{"seats out of order", encoded(func(c *Capture) {
			c.Seats = append(c.Seats, c.Seats[0])
		}), false, "sorted by player"},
		{"player 0", encoded(func(c *Capture) { c.Seats[0].Player = 0 }), false, "player 0"},
		{"an input held for a tick stepped", encoded(func(c *Capture) { c.Seats[0].Held[0].Tick = 300 }), false, "already stepped"},
		{"held inputs out of order", encoded(func(c *Capture) {
			c.Seats[0].Held = append(c.Seats[0].Held, c.Seats[0].Held[0])
		}), false, "not sorted"},
		{"no input in force", encoded(func(c *Capture) { c.Seats[0].Input = nil }), false, "input in force of 0 bytes"},
		{"a toolkit op as a message", encoded(func(c *Capture) { c.Seats[0].Messages[0].Op = wire.OpInput }), false, "message with op"},
		{"detached without grace", encoded(func(c *Capture) { c.Seats[0].Detached = true }), false, "grace of 0"},
		{"more snapshots than ticks", encoded(func(c *Capture) { c.Snapshots = 301 }), false, "301 snapshots"},
		{"a name too long", encoded(func(c *Capture) { c.Seats[0].Name = strings.Repeat("n", wire.MaxNameBytes+1) }), false, "name"},
		{"too many departed", encoded(func(c *Capture) {
			for range 32 {
				c.Departed = append(c.Departed, c.Departed[0])
			}
		}), false, "33 elements"},
		// The state is a full snapshot's body: its ack must be 0.
		{"an acknowledged state", patched(strings.Index(goldenCaptureHex, "93cd012c00")/2+4, 0x01), false, "ack 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := UnmarshalCapture(tc.data)
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			if errors.Is(err, ErrCaptureVersion) != tc.version || errors.Is(err, wire.ErrMalformed) == tc.version {
				t.Errorf("%v: ErrCaptureVersion %v, wire.ErrMalformed %v; want a version error %v", err,
					errors.Is(err, ErrCaptureVersion), errors.Is(err, wire.ErrMalformed), tc.version)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v: want it to say %q", err, tc.want)
			}
		})
	}
	if _, err := (&Capture{Game: "line"}).Marshal(); err == nil {
		t.Error("Marshal of a capture with no tick rate succeeded")
	}
}

// FuzzUnmarshalCapture: whatever the bytes, UnmarshalCapture returns a capture or an error saying
// why (never panics); a capture it returns encodes and decodes to itself, and restoring it gives a
// room or an error, never a panic.
func FuzzUnmarshalCapture(f *testing.F) {
	golden, _ := hex.DecodeString(goldenCaptureHex)
	f.Add(golden)
	r := newLineRoom(Config{Name: "seed"})
	r.Join(1, "ann", &fakePeer{})
	r.Join(2, "bob", &fakePeer{})
	r.step()
	c, err := r.capture()
	if err != nil {
		f.Fatal(err)
	}
	live, err := c.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(live)
	f.Add(golden[:len(golden)/2])
	f.Add([]byte{0x91, 0x02})
	factory := For[testgame.State, int8](testgame.Game{StateVersion: 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := UnmarshalCapture(data)
		if err != nil {
			if !errors.Is(err, wire.ErrMalformed) && !errors.Is(err, ErrCaptureVersion) {
				t.Fatalf("error %v is neither malformed nor another version", err)
			}
			return
		}
		again, err := c.Marshal()
		if err != nil {
			t.Fatalf("a capture UnmarshalCapture accepted does not marshal: %v", err)
		}
		c2, err := UnmarshalCapture(again)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, c2, c)
		}
		c.Game, c.StateVersion = "line", 2
		_, _ = factory.Restore(Config{Logger: quietLogger()}, c)
	})
}
