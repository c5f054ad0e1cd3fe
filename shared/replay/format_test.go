package replay

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/tickwire/tickwire/shared/sim"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func compress(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		tb.Fatal(err)
	}
	return zw.EncodeAll(raw, nil)
}

// The golden recording: a pong room's header, its first keyframe, one tick in which player 1
// (ann) joins, sends a ready and moves, the keyframe after it, and the end.
var (
	goldenHeader = Header{Format: Format, Game: "pong", Room: "r1", TickRate: 60,
		Started: time.UnixMilli(1_700_000_000_000).UTC(), KeyframeEvery: 1, Node: "n1"}
	goldenFirst = Keyframe{Tick: 0, Entities: []sim.Entity{sim.NewEntity(5, 1, 100, -3)}, Players: []Arrival{}}
	goldenTick  = Tick{Tick: 1, Arrivals: []Arrival{{Player: 1, Name: "ann"}},
		Messages: []Message{{Player: 1, Op: 64, Body: []byte{0x90}}},
		Inputs:   []Input{{Player: 1, Input: []byte{0x91, 0x7f}}}}
	goldenSecond = Keyframe{Tick: 1, Entities: []sim.Entity{sim.NewEntity(5, 1, 101, -3)}, Players: []Arrival{{Player: 1, Name: "ann"}}}
	goldenEnd    = End{Tick: 1, Reason: "closed"}
)

const goldenHex = `
	92 01 98 01 a4706f6e67 00 a27231 3c cf0000018bcfe56800 01 a26e31
	92 02 94 00 91 94 05 01 64 fd c0 90
	92 03 94 01 91 93 01 a3616e6e c2 91 93 01 40 c401 90 91 92 01 c402 917f
	92 02 94 01 91 94 05 01 65 fd c0 91 92 01 a3616e6e
	92 04 92 01 a6636c6f736564`

// The records, one per line above:
//   - header: [kind 1, [format 1, "pong", stateVersion 0, "r1", tickRate 60, started
//     1700000000000 (uint64), keyframeEvery 1, "n1"]]
//   - keyframe: [kind 2, [tick 0, [[id 5, kind 1, 100, -3]], roomState nil, players []]]
//   - tick: [kind 3, [tick 1, arrivals [[1, "ann", false]], messages [[1, op 64, bin [] ]],
//     inputs [[1, bin [127] ]]]]
//   - keyframe: [kind 2, [tick 1, [[5, 1, 101, -3]], nil, [[1, "ann"]]]]
//   - end: [kind 4, [lastTick 1, "closed"]]

func TestGolden(t *testing.T) {
	t.Parallel()
	w, err := NewWriter(goldenHeader, goldenFirst)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Tick(&goldenTick); err != nil {
		t.Fatal(err)
	}
	if err := w.Keyframe(&goldenSecond); err != nil {
		t.Fatal(err)
	}
	file, err := w.Close(goldenEnd)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := decompress(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, goldenHex); !bytes.Equal(raw, want) {
		t.Fatalf("records:\n got % x\nwant % x", raw, want)
	}
	rec, err := Read(file)
	if err != nil {
		t.Fatal(err)
	}
	want := &Recording{Header: goldenHeader, Keyframes: []Keyframe{goldenFirst, goldenSecond},
		Ticks: []Tick{goldenTick}, End: goldenEnd, Players: []Arrival{{Player: 1, Name: "ann"}}}
	if !reflect.DeepEqual(rec, want) {
		t.Fatalf("Read:\n got %+v\nwant %+v", rec, want)
	}
}

// TestGoldenPresence writes and reads the presence records of two ticks: player 1's connection
// drops at tick 1 (its seat held 1800 ticks), and it is back at tick 2.
func TestGoldenPresence(t *testing.T) {
	t.Parallel()
	h := goldenHeader
	h.Started = time.UnixMilli(0).UTC()
	first := Keyframe{Tick: 0, Entities: []sim.Entity{}, Players: []Arrival{}}
	ticks := []Tick{
		{Tick: 1, Arrivals: []Arrival{}, Presence: []Presence{{Player: 1, Away: true, Grace: 1800}}},
		{Tick: 2, Arrivals: []Arrival{}, Presence: []Presence{{Player: 1}}},
	}
	w, err := NewWriter(h, first)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ticks {
		if err := w.Tick(&ticks[i]); err != nil {
			t.Fatal(err)
		}
	}
	file, err := w.Close(End{Tick: 2})
	if err != nil {
		t.Fatal(err)
	}
	// header; keyframe [0, [], nil, []];
	// presence: [kind 5, [tick 1, [[player 1, away true, grace 1800 (cd 0708)]]]]; tick 1 with nothing else;
	// presence: [kind 5, [tick 2, [[1, false, 0]]]]; tick 2; end [2, ""].
	const want = `
		92 01 98 01 a4706f6e67 00 a27231 3c 00 01 a26e31
		92 02 94 00 90 c0 90
		92 05 92 01 91 93 01 c3 cd0708
		92 03 94 01 90 90 90
		92 05 92 02 91 93 01 c2 00
		92 03 94 02 90 90 90
		92 04 92 02 a0`
	raw, err := decompress(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, unhex(t, want)) {
		t.Fatalf("records:\n got % x\nwant % x", raw, unhex(t, want))
	}
	rec, err := Read(file)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ticks {
		ticks[i].Messages, ticks[i].Inputs = nil, nil
	}
	if !reflect.DeepEqual(rec.Ticks, ticks) {
		t.Fatalf("Read:\n got %+v\nwant %+v", rec.Ticks, ticks)
	}
	if again, err := Write(rec); err != nil || !bytes.Equal(mustDecompress(t, again), raw) {
		t.Fatalf("Write of what Read read: %v, or other records", err)
	}
}

func mustDecompress(tb testing.TB, file []byte) []byte {
	tb.Helper()
	raw, err := decompress(file)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

func TestReadCompatible(t *testing.T) {
	t.Parallel()
	// Every record with a field appended (a newer writer's), and a keyframe without players (an
	// older one's).
	rec, err := Read(compress(t, unhex(t, `
		92 01 99 01 a4706f6e67 00 a27231 3c 00 01 a26e31 a178
		92 02 93 00 91 94 05 01 64 fd c0
		92 03 95 01 91 94 01 a3616e6e c2 07 91 94 01 40 c401 90 07 91 93 01 c402 917f 07 07
		92 04 93 01 a6636c6f736564 07`)))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Keyframes[0].Players != nil || len(rec.Ticks) != 1 || rec.Ticks[0].Inputs[0].Input[1] != 0x7f || rec.End.Reason != "closed" {
		t.Fatalf("read %+v", rec)
	}
}

func TestReadRefuses(t *testing.T) {
	t.Parallel()
	const (
		header = "92 01 98 01 a4706f6e67 00 a27231 3c 00 01 a26e31 "
		first  = "92 02 94 00 90 c0 90 "
		end0   = "92 04 92 00 a0"
	)
	for _, tc := range []struct {
		name, hex, want string
	}{
		{"empty", "", "empty file"},
		{"format 2", "92 01 98 02 a4706f6e67 00 a27231 3c 00 01 a26e31 92 07 90", "format 2, this reader reads format 1"},
		{"unknown kind", header + first + "92 07 90 " + end0, "unknown record kind 7"},
		{"no header", first + end0, "starts with its header"},
		{"no keyframe", header + end0, "first keyframe"},
		{"no end", header + first, "no end record"},
		{"tick skipped", header + first + "92 03 94 02 90 90 90 92 04 92 02 a0", "tick 2 after tick 0"},
		{"end early", header + first + "92 03 94 01 90 90 90 " + end0, "end at tick 0 after tick 1"},
		{"after the end", header + first + end0 + " 92 04 92 00 a0", "bytes after the end"},
		{"second header", header + first + header + end0, "a second header"},
		{"keyframe out of place", header + first + "92 02 94 05 90 c0 90 " + end0, "keyframe of tick 5 after tick 0"},
		{"inputs unsorted", header + first + "92 03 94 01 90 90 92 92 02 c401 90 92 01 c401 90 92 04 92 01 a0", "not sorted by player"},
		{"input not msgpack", header + first + "92 03 94 01 90 90 91 92 01 c401 c1 92 04 92 01 a0", "player 1's input"},
		{"player 0", header + first + "92 03 94 01 91 93 00 a0 c2 90 90 92 04 92 01 a0", "player"},
		{"toolkit op", header + first + "92 03 94 01 90 91 93 01 01 c401 90 90 92 04 92 01 a0", "op"},
		{"entities unsorted", header + "92 02 94 00 92 92 05 01 92 04 01 c0 90 " + end0, "not sorted by id"},
		{"truncated record", header + first + "92 03 94 01", "record 2"},
		{"hostile array", header + first + "92 03 94 01 dd ffffffff", "record 2"},
		{"map body", header + "92 02 81 00 00 " + end0, "record 1"},
		{"presence without its tick", header + first + "92 05 92 01 91 93 01 c3 00 " + end0, "not followed by its tick"},
		{"presence of another tick", header + first + "92 05 92 03 91 93 01 c3 00 92 03 94 01 90 90 90 92 04 92 01 a0", "presence of tick 3 after tick 0"},
		{"presence of nothing", header + first + "92 05 92 01 90 92 03 94 01 90 90 90 92 04 92 01 a0", "without any"},
		{"presence of player 0", header + first + "92 05 92 01 91 93 00 c3 00 92 03 94 01 90 90 90 92 04 92 01 a0", "player"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Read(compress(t, unhex(t, tc.hex)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Read = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Read(compress(t, unhex(t, "92 01 98 02 a4706f6e67 00 a27231 3c 00 01 a26e31"))); !errors.Is(err, ErrFormat) {
		t.Errorf("format 2: %v, want ErrFormat", err)
	}
	if _, err := Read([]byte("not zstd at all")); err == nil {
		t.Error("Read took bytes that are not zstd")
	}
}

// TestReadBoundsDecompression feeds a small file that decompresses to more than MaxDecompressed.
func TestReadBoundsDecompression(t *testing.T) {
	t.Parallel()
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw.Reset(&buf)
	zero := make([]byte, 1<<20)
	for range MaxDecompressed>>20 + 1 {
		zw.Write(zero)
	}
	zw.Close()
	_, err = Read(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("Read of %d bytes decompressing past the bound = %v", buf.Len(), err)
	}
}

// TestReadRefusesHostileCounts: a file of a few kilobytes that declares tens of millions of
// entities (one byte each, so wire.Validate passes), or piles up keyframes at one tick, or holds
// more entries than MaxEntries, is refused without allocating what it declares.
func TestReadRefusesHostileCounts(t *testing.T) {
	const (
		header = "92 01 98 01 a4706f6e67 00 a27231 3c 00 01 a26e31 "
		first  = "92 02 94 00 90 c0 90 "
	)
	// A keyframe whose entities array declares 60M one-byte elements (0x00): 60 MB of records.
	n := 60 << 20
	huge := append(unhex(t, header+"92 02 94 00 dd"), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	huge = append(huge, make([]byte, n)...)
	huge = append(huge, unhex(t, "c0 90 92 04 92 00 a0")...)
	// Ticks, each with 64 inputs of one byte: past MaxEntries long before MaxDecompressed.
	many := unhex(t, header+first)
	for tick := 1; tick <= MaxEntries/64+1; tick++ {
		rec := []byte{0x92, 0x03, 0x94, 0xce, byte(tick >> 24), byte(tick >> 16), byte(tick >> 8), byte(tick), 0x90, 0x90, 0xdc, 0, 64}
		for p := 1; p <= 64; p++ {
			rec = append(rec, 0x92, byte(p), 0xc4, 0x01, 0x00)
		}
		many = append(many, rec...)
		if len(many) > MaxDecompressed-1024 {
			break
		}
	}
	many = append(many, unhex(t, "92 04 92 00 a0")...) // never reached
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"60M entities declared", huge, "at most"},
		{"keyframes piled at one tick", unhex(t, header+first+"92 02 94 00 90 c0 90 92 04 92 00 a0"), "a second keyframe of tick 0"},
		{"more entries than MaxEntries", many, "entries in all"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := compress(t, tc.raw)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Read(file)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Read = %v, want an error containing %q", err, tc.want)
			}
			// The decompressed bytes themselves (up to 64 MiB) and the entries read are allowed;
			// what the file declares (60M × 48-byte entities: 2.9 GB) is not.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<30 {
				t.Errorf("Read allocated %d MB for a %d-byte file", grew>>20, len(file))
			}
		})
	}
}
