//go:build !js

package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// onBoard reports whether the page's leaderboard (DebugView.Board) lists every one of ids.
func onBoard(v netclient.DebugView, ids ...uint32) bool {
	for _, id := range ids {
		if !slices.ContainsFunc(v.Board, func(p netclient.DebugPlayer) bool { return p.ID == id }) {
			return false
		}
	}
	return true
}

// TestArenaBoardListsPlayersOutOfView is issue 16's first broken item: with interest management
// on (as in production), two players at opposite walls do not see each other, and each page's
// leaderboard must still list both, from the room's standings rather than from the entities in
// view.
func TestArenaBoardListsPlayersOutOfView(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	_, base := startServer(t, www, func(cfg *server.Config) { cfg.Lobby.SeeEverything = false })
	browser := newBrowser(t)
	a := openPage(t, browser, "Ann's page", base+"/?name=Ann&room=far&mute=1")
	b := openPage(t, browser, "Bob's page", base+"/?name=Bob&room=far&mute=1")
	inGame := func(v netclient.DebugView) bool { return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 0 }
	va := a.waitView("Ann to reach the game", 90*time.Second, inGame)
	vb := b.waitView("Bob to reach the game", 60*time.Second, inGame)

	// Ann runs to the left wall and Bob to the right: 3200 px apart, more than a view (1800 px
	// and its margin) can hold.
	x := func(v netclient.DebugView, id uint32) int32 {
		if p := findPlayer(v, id); p != nil {
			return p.Fields["x"] / arena.One
		}
		return -1
	}
	va = a.holdUntil("ArrowLeft", 37, a, "Ann to reach the left wall", 40*time.Second, func(v netclient.DebugView) bool {
		return x(v, va.Player) >= 0 && x(v, va.Player) < 400
	})
	vb = b.holdUntil("ArrowRight", 39, b, "Bob to reach the right wall", 40*time.Second, func(v netclient.DebugView) bool {
		return x(v, vb.Player) > 2800
	})
	va, _ = a.view()
	if findPlayer(va, vb.Player) != nil || findPlayer(vb, va.Player) != nil {
		t.Fatalf("Ann at x=%d and Bob at x=%d see each other: the test needs them out of view", x(va, va.Player), x(vb, vb.Player))
	}
	t.Logf("Ann at x=%d px, Bob at x=%d px, out of each other's view", x(va, va.Player), x(vb, vb.Player))

	both := func(v netclient.DebugView) bool { return onBoard(v, va.Player, vb.Player) }
	va = a.waitView("Ann's board to list Ann and Bob", 10*time.Second, both)
	vb = b.waitView("Bob's board to list Ann and Bob", 10*time.Second, both)
	t.Logf("Ann's board %+v; Bob's board %+v", va.Board, vb.Board)
	// The scores on a board are the server's: Bob's own on Ann's board.
	a.waitView("Ann's board to show Bob's score", 10*time.Second, func(v netclient.DebugView) bool {
		i := slices.IndexFunc(v.Board, func(p netclient.DebugPlayer) bool { return p.ID == vb.Player })
		own, err := b.view()
		bob := findPlayer(own, vb.Player)
		return i >= 0 && err == nil && bob != nil && v.Board[i].Score == bob.Fields["score"] && v.Board[i].Name == "Bob"
	})
	for _, p := range []*page{a, b} {
		if probs := p.consoleProblems(); len(probs) > 0 {
			t.Errorf("%s: console problems %v", p.name, probs)
		}
	}
}
