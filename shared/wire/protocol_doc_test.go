package wire_test

import (
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestProtocolDocExamples checks that every hex example in docs/PROTOCOL.md is what the encoder
// writes for the values the document gives, so the document cannot drift from the code.
func TestProtocolDocExamples(t *testing.T) {
	doc := protocolDoc(t)
	_, block, ok := strings.Cut(string(doc), "<!-- examples: checked by shared/wire/protocol_doc_test.go -->\n```\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/PROTOCOL.md has no examples block")
	}
	encode := func(m wire.Message) []byte {
		b, err := wire.Encode(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	in := arena.Input{MoveX: 127, MoveY: -127, Buttons: arena.ButtonDash}
	input, err := wire.EncodeInput(nil, arena.Game{}, wire.InputHeader{Seq: 57, Tick: 1205, Ack: 1201, Rewind: 384}, &in)
	if err != nil {
		t.Fatal(err)
	}
	// Two ticks' inputs in one frame: the first dashing, each with its own rewind.
	inputs, err := wire.EncodeInputs(nil, arena.Game{}, &wire.InputBatch[arena.Input]{Seq: 57, Tick: 1205, Ack: 1201,
		Entries: []wire.InputEntry[arena.Input]{{Input: in, Rewind: 384}, {Input: arena.Input{MoveX: 127, MoveY: -127}, Rewind: 640}}})
	if err != nil {
		t.Fatal(err)
	}
	var d wire.Delta
	d.Tick, d.Ack, d.BaseTick = 300, 12, 296
	d.Diff([]sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9), sim.NewEntity(70000, 0, -1, 0)},
		[]sim.Entity{sim.NewEntity(3, 0, 110, 5), sim.NewEntity(5, 1, 1), sim.NewEntity(70000, 0, -1, -3)})
	// The next delta, checked: player 3's entity moved on by 1, and the check of it as it now is.
	var checked wire.Delta
	now := []sim.Entity{sim.NewEntity(3, 0, 111, 5), sim.NewEntity(5, 1, 1), sim.NewEntity(70000, 0, -1, -3)}
	checked.Diff([]sim.Entity{sim.NewEntity(3, 0, 110, 5), sim.NewEntity(5, 1, 1), sim.NewEntity(70000, 0, -1, -3)}, now)
	checked.Tick, checked.Ack, checked.BaseTick, checked.Check = 301, 13, 300, wire.Checksum(now[:1])
	if checked.Check != 0xae6e45aa {
		t.Errorf("the doc's check of [3, 0, 111, 5] is 0xae6e45aa, Checksum gives %#x", checked.Check)
	}
	want := map[string][]byte{
		"delta":    encode(&d),
		"checked":  encode(&checked),
		"hello":    encode(&wire.Hello{Version: wire.ProtocolVersion, Game: "arena", Room: "friends", Name: "Ann"}),
		"watch":    encode(&wire.Hello{Version: wire.ProtocolVersion, Game: "arena", Room: "friends", Spectate: true}),
		"welcome":  encode(&wire.Welcome{Player: 3, Game: "arena", Room: "friends", TickRate: 30, SnapshotRate: 20, Tick: 1200, MaxPlayers: 16}),
		"input":    input,
		"inputs":   inputs,
		"snapshot": encode(arenaSnapshot),
		"pongsnap": encode(pongSnapshot),
		"roster":   encode(&wire.Roster{Players: []wire.RosterEntry{{Player: 3, Name: "Ann"}, {Player: 4, Name: "Bob"}}}),
		"bye":      encode(&wire.Bye{Code: wire.CloseRoomFull, Reason: "room full"}),
		"ping":     encode(&wire.Ping{ClientTime: 5000}),
		"pong":     encode(&wire.Pong{ClientTime: 5000, Tick: 1203}),
		"redirect": encode(&wire.Redirect{URL: "wss://b.example.com/ws", Token: "t0k"}),
		"hellores": encode(&wire.Hello{Version: wire.ProtocolVersion, Game: "arena", Room: "friends", Name: "Ann", Reservation: "t0k"}),
		// Pong's own messages, the example of game ops.
		"ready":  encode(&pong.ReadyMsg{}),
		"emote":  encode(&pong.EmoteMsg{Emote: 2}),
		"point":  encode(&pong.PointMsg{Side: pong.Right, Left: 3, Right: 5}),
		"emoted": encode(&pong.EmotedMsg{Player: 3, Emote: 2}),
		"over":   encode(&pong.OverMsg{Winner: pong.Right, Left: 4, Right: 7}),
		// The arena's scoreboard message.
		"standings": encode(&arena.StandingsMsg{Round: 2, Left: 5400, Winner: 3, WinScore: 42,
			Players: []arena.Standing{{Player: 3, Score: 17, X: 5, Y: 12}, {Player: 4, Score: 0, X: 30, Y: 2}}}),
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		name, hexText, _ := strings.Cut(line, " ")
		got, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(hexText), " ", ""))
		if err != nil {
			t.Errorf("%s: bad hex in the doc: %v", name, err)
			continue
		}
		w, ok := want[name]
		if !ok {
			t.Errorf("the doc has an example %q this test does not know", name)
			continue
		}
		seen[name] = true
		if !strings.EqualFold(hex.EncodeToString(got), hex.EncodeToString(w)) {
			t.Errorf("%s: the doc says\n  %x\nthe encoder writes\n  %x", name, got, w)
		}
		if _, err := wire.Decode(got); err != nil {
			t.Errorf("%s: the doc's example does not decode: %v", name, err)
		}
		if name == "snapshot" || name == "pongsnap" {
			checkSnapshot(t, name, got)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("the doc has no example of %s", name)
		}
	}
}

func protocolDoc(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// The snapshots of the doc's examples: one entity of each kind of each game.
var (
	arenaSnapshot = &wire.Snapshot{Tick: 1201, Ack: 57, Entities: []sim.Entity{
		sim.NewEntity(3, arena.KindPlayer, 256000, 128000, -300, 0, 12, 0, 0, 0, 0),
		sim.NewEntity(65536, arena.KindDrone, 51200, 76800, 256, -256, 102400, 76800),
		sim.NewEntity(131119, arena.KindOrb, 12800, 25600, 5),
		sim.NewEntity(16777215, arena.KindWorld, 12345, -2, 1, 4000, 0, 0, 0),
	}}
	pongSnapshot = &wire.Snapshot{Tick: 600, Ack: 10, Entities: []sim.Entity{
		sim.NewEntity(3, pong.KindPaddle, 0, 76800, 0, 1, 0, 0),
		sim.NewEntity(4, pong.KindPaddle, 1, 76800, -2304, 1, 0, 0),
		sim.NewEntity(pong.BallID, pong.KindBall, 122880, 76800, 3840, 0),
		sim.NewEntity(pong.WorldID, pong.KindWorld, 3, 0, 1, 2, 1, 7, 0, 0, 0),
	}}
)

// checkSnapshot decodes an example snapshot and restores its game's state from it, as a client
// that applies the document's rules would: every entity must fit the schema (its number of fields
// and their ranges), and the game must accept every id.
func checkSnapshot(t *testing.T, name string, frame []byte) {
	t.Helper()
	f, err := wire.Decode(frame)
	var snap wire.Snapshot
	if err == nil {
		err = f.Decode(&snap)
	}
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if name == "snapshot" {
		var s arena.State
		err = arena.Game{}.Restore(&s, snap.Entities)
	} else {
		var s pong.State
		err = pong.Game{}.Restore(&s, snap.Entities)
	}
	if err != nil {
		t.Errorf("%s: the game refuses the doc's example: %v", name, err)
	}
}

// TestProtocolDocSchemas checks each game's schema table in docs/PROTOCOL.md against the game's
// sim.Schema, kind by kind and field by field: names, order, ranges and interpolation. A client
// written from the document applies exactly these tables ("a field outside the schema fails").
func TestProtocolDocSchemas(t *testing.T) {
	doc := protocolDoc(t)
	for game, schema := range map[string]sim.Schema{"arena": arena.Schema, "pong": pong.Schema} {
		t.Run(game, func(t *testing.T) {
			_, table, ok := strings.Cut(doc, "<!-- schema "+game+": checked by shared/wire/protocol_doc_test.go -->\n")
			if !ok {
				t.Fatalf("docs/PROTOCOL.md has no schema table for %s", game)
			}
			var rows [][]string
			for _, line := range strings.Split(table, "\n") {
				if !strings.HasPrefix(line, "|") {
					break
				}
				var cells []string
				for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
					cells = append(cells, strings.TrimSpace(c))
				}
				rows = append(rows, cells)
			}
			if len(rows) < 2 || strings.Join(rows[0], ",") != "kind,entity,field,min,max,interpolated" {
				t.Fatalf("the %s table's header is %v", game, rows)
			}
			rows = rows[2:] // the header and its rule
			want := 0
			for k, ks := range schema {
				for i, fs := range ks.Fields {
					if want >= len(rows) {
						t.Fatalf("the doc's table stops before %s field %d (%s)", ks.Name, i, fs.Name)
					}
					interp := "no"
					if fs.Interp {
						interp = "yes"
					}
					row := rows[want]
					exp := []string{strconv.Itoa(k), ks.Name, fs.Name, strconv.Itoa(int(fs.Min)), strconv.Itoa(int(fs.Max)), interp}
					if strings.Join(row, "|") != strings.Join(exp, "|") {
						t.Errorf("row %d: the doc says %v, the schema %v", want+1, row, exp)
					}
					want++
				}
			}
			if len(rows) != want {
				t.Errorf("the doc's table has %d rows, the schema %d fields", len(rows), want)
			}
		})
	}
}

// TestProtocolDocArenaIDs checks the arena's entity ids as PROTOCOL.md gives them ("Game schemas"):
// drones 65536–65555, orbs 131072–131119, the world 16777215, a player's its player id.
func TestProtocolDocArenaIDs(t *testing.T) {
	g := arena.Game{}
	s := g.NewState(1)
	g.Join(&s, 1)
	g.Join(&s, 65535)
	ranges := map[sim.Kind][2]sim.EntityID{
		arena.KindPlayer: {1, 65535}, arena.KindDrone: {65536, 65555},
		arena.KindOrb: {131072, 131119}, arena.KindWorld: {16777215, 16777215},
	}
	seen := map[sim.Kind][2]sim.EntityID{}
	for _, e := range g.Entities(&s, nil) {
		r, ok := seen[e.Kind]
		if !ok {
			r = [2]sim.EntityID{e.ID, e.ID}
		}
		seen[e.Kind] = [2]sim.EntityID{min(r[0], e.ID), max(r[1], e.ID)}
	}
	for kind, want := range ranges {
		if seen[kind] != want {
			t.Errorf("kind %d (%s): ids %v, the doc says %v", kind, arena.Schema[kind].Name, seen[kind], want)
		}
	}
	if len(seen) != len(ranges) {
		t.Errorf("kinds seen %v, want %v", seen, ranges)
	}
}
