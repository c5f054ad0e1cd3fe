package wire_test

import (
	"encoding/hex"
	"os"
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
	doc, err := os.ReadFile("../../docs/PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
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
	var d wire.Delta
	d.Tick, d.Ack, d.BaseTick = 300, 12, 296
	d.Diff([]sim.Entity{sim.NewEntity(3, 0, 100, 5), sim.NewEntity(7, 1, 9), sim.NewEntity(70000, 0, -1, 0)},
		[]sim.Entity{sim.NewEntity(3, 0, 110, 5), sim.NewEntity(5, 1, 1), sim.NewEntity(70000, 0, -1, -3)})
	want := map[string][]byte{
		"delta":   encode(&d),
		"hello":   encode(&wire.Hello{Version: wire.ProtocolVersion, Game: "arena", Room: "friends", Name: "Ann"}),
		"watch":   encode(&wire.Hello{Version: wire.ProtocolVersion, Game: "arena", Room: "friends", Spectate: true}),
		"welcome": encode(&wire.Welcome{Player: 3, Game: "arena", Room: "friends", TickRate: 30, SnapshotRate: 20, Tick: 1200, MaxPlayers: 16}),
		"input":   input,
		"snapshot": encode(&wire.Snapshot{Tick: 1201, Ack: 57, Entities: []sim.Entity{
			sim.NewEntity(3, arena.KindPlayer, 256000, 128000, -300, 0, 12, 0, 0)}}),
		"roster": encode(&wire.Roster{Players: []wire.RosterEntry{{Player: 3, Name: "Ann"}, {Player: 4, Name: "Bob"}}}),
		"bye":    encode(&wire.Bye{Code: wire.CloseRoomFull, Reason: "room full"}),
		"ping":   encode(&wire.Ping{ClientTime: 5000}),
		"pong":   encode(&wire.Pong{ClientTime: 5000, Tick: 1203}),
		// Pong's own messages, the example of game ops.
		"ready":  encode(&pong.ReadyMsg{}),
		"emote":  encode(&pong.EmoteMsg{Emote: 2}),
		"point":  encode(&pong.PointMsg{Side: pong.Right, Left: 3, Right: 5}),
		"emoted": encode(&pong.EmotedMsg{Player: 3, Emote: 2}),
		"over":   encode(&pong.OverMsg{Winner: pong.Right, Left: 4, Right: 7}),
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
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("the doc has no example of %s", name)
		}
	}
}
