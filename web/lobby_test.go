package web

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// lobbyHarness loads lobby.js in Node.js without a DOM (so the lobby stays inactive) and prints
// what its rules say for the cases in argv[3].
const lobbyHarness = `
'use strict';
const fs = require('fs');
const vm = require('vm');
const [lobbyPath, casesJSON] = process.argv.slice(2);
const cases = JSON.parse(casesJSON);
const g = { location: { search: '' } };
g.window = g;
vm.createContext(g);
vm.runInContext(fs.readFileSync(lobbyPath, 'utf8'), g, { filename: 'lobby.js' });
const l = g.tickwireLobby;
let seed = 0;
const rand = () => { seed = (seed * 9301 + 49297) % 233280; return seed / 233280; };
process.stdout.write(JSON.stringify({
  active: l.active,
  names: cases.names.map((n) => l.validName(n)),
  rooms: cases.rooms.map((r) => l.validRoom(r)),
  wants: cases.searches.map((s) => l.wantsGame(s)),
  plays: cases.plays.map((o) => l.playURL(o)),
  share: l.shareURL('https://play.example', 'pong', 'p-x7'),
  random: [l.randomRoom(rand), l.randomRoom(rand)],
  lengths: cases.lengths.map((s) => l.formatLength(s)),
  replays: cases.replays.map((r) => l.replayRow(r)),
}));
`

func TestLobbyRules(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; lobby.js logic not tested")
	}
	t.Parallel()
	script := filepath.Join(t.TempDir(), "lobby-harness.js")
	if err := os.WriteFile(script, []byte(lobbyHarness), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]any{
		"names":    []string{"Ann", "  Zoë  ", "", "   ", "<b>", "a\tb", "Dr. Who?", "twenty-one characters", "日本", "x😀"},
		"rooms":    []string{"friends", "p-x7", "", "Friends", "two words", "a_b", "0123456789012345678901234567890123"},
		"searches": []string{"", "?", "?mute=1", "?game=pong", "?room=x&mute=1", "?name=Ann", "?spectate=1", "?play=1", "?gamer=1", "?replay=pong-duel-1-2"},
		"lengths":  []any{0, 59.4, 59.6, 65, 600, 3599, 3600, 3725, -3, "x", nil},
		"replays": []map[string]any{
			{"id": "pong-duel-mi8u2x1c-3fa91b", "game": "pong", "room": "duel", "players": []string{"ann", "Zoë"}, "seconds": 125.5},
			{"id": "arena-x-1-2", "game": "arena", "room": "x", "players": []string{}, "seconds": 4},
			{"id": "a&b", "game": "arena", "room": "<b>"},
		},
		"plays": []map[string]any{
			{"game": "pong"},
			{"game": "arena", "room": "friends", "name": "Zoë"},
			{"game": "pong", "room": "duel", "name": "Ann", "spectate": true},
			{"game": "pong", "room": "p-x7", "name": "Ann Lee", "private": true},
		},
	}
	arg, _ := json.Marshal(cases)
	out, err := exec.Command(node, script, "lobby.js", string(arg)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Active bool `json:"active"`
		Names  []struct {
			Name  string `json:"name"`
			Error string `json:"error"`
		} `json:"names"`
		Rooms   []string `json:"rooms"`
		Wants   []bool   `json:"wants"`
		Plays   []string `json:"plays"`
		Share   string   `json:"share"`
		Random  []string `json:"random"`
		Lengths []string `json:"lengths"`
		Replays []struct {
			Game, Room, Players, Length, Href string
		} `json:"replays"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Active {
		t.Error("the lobby is active without a DOM")
	}
	// The same rule as lobby.CheckPlayerName on the server.
	wantNames := []string{"Ann", "Zoë", "", "", "", "", "Dr. Who?", "", "日本", ""}
	for i, n := range got.Names {
		if n.Name != wantNames[i] || (n.Name == "") == (n.Error == "") {
			t.Errorf("validName(%q) = %+v, want name %q (or an error when empty)", cases["names"].([]string)[i], n, wantNames[i])
		}
	}
	wantRoomOK := []bool{true, true, false, false, false, false, false}
	for i, e := range got.Rooms {
		if (e == "") != wantRoomOK[i] {
			t.Errorf("validRoom(%q) = %q, want ok=%v", cases["rooms"].([]string)[i], e, wantRoomOK[i])
		}
	}
	wantWants := []bool{false, false, false, true, true, true, true, true, false, true} // ?replay= plays too
	for i, w := range got.Wants {
		if w != wantWants[i] {
			t.Errorf("wantsGame(%q) = %v, want %v", cases["searches"].([]string)[i], w, wantWants[i])
		}
	}
	wantPlays := []string{
		"?game=pong",
		"?game=arena&room=friends&name=Zo%C3%AB",
		"?game=pong&room=duel&spectate=1", // a spectator needs no name
		"?game=pong&room=p-x7&name=Ann%20Lee&private=1",
	}
	for i, p := range got.Plays {
		if p != wantPlays[i] {
			t.Errorf("playURL #%d = %q, want %q", i, p, wantPlays[i])
		}
	}
	if got.Share != "https://play.example/?game=pong&room=p-x7" {
		t.Errorf("shareURL = %q", got.Share)
	}
	for _, r := range got.Random {
		if len(r) != 10 || r[:2] != "p-" {
			t.Errorf("randomRoom = %q, want p- and 8 characters", r)
		}
	}
	if got.Random[0] == got.Random[1] {
		t.Errorf("two random rooms are both %q", got.Random[0])
	}
	wantLengths := []string{"0:00", "0:59", "1:00", "1:05", "10:00", "59:59", "1:00:00", "1:02:05", "0:00", "0:00", "0:00"}
	if fmt.Sprint(got.Lengths) != fmt.Sprint(wantLengths) {
		t.Errorf("formatLength = %q, want %q", got.Lengths, wantLengths)
	}
	wantReplays := []struct{ Game, Room, Players, Length, Href string }{
		{"Pong", "duel", "ann, Zoë", "2:06", "?replay=pong-duel-mi8u2x1c-3fa91b"},
		{"Arena", "x", "—", "0:04", "?replay=arena-x-1-2"},
		{"Arena", "<b>", "—", "0:00", "?replay=a%26b"}, // text, never HTML; the id escaped
	}
	if fmt.Sprint(got.Replays) != fmt.Sprint(wantReplays) {
		t.Errorf("replayRow:\n got %+v\nwant %+v", got.Replays, wantReplays)
	}
}
