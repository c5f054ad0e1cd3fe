package web

import (
	"encoding/json"
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
		"searches": []string{"", "?", "?mute=1", "?game=pong", "?room=x&mute=1", "?name=Ann", "?spectate=1", "?play=1", "?gamer=1", "?replay=arena-r1-1"},
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
		Rooms  []string `json:"rooms"`
		Wants  []bool   `json:"wants"`
		Plays  []string `json:"plays"`
		Share  string   `json:"share"`
		Random []string `json:"random"`
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
	wantWants := []bool{false, false, false, true, true, true, true, true, false, true}
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
}
