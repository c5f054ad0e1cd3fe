//go:build !js

package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/cutter"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// TestTwoPlayersInChromium opens two pages in one room: both reach the game, each sees the other, and
// keys pressed in page A move A's player on the server, which page B observes. A third page then
// watches the room as a spectator.
func TestTwoPlayersInChromium(t *testing.T) {
	findChromium(t) // skip early, before building anything, when there is no browser
	www := wwwDir(t)
	srv, base := startServer(t, www)
	browser := newBrowser(t)

	// Page A reaches the server through a proxy that can cut its connections, as a network change
	// would: the page must then reconnect by itself and resume its seat.
	cutter, err := cutter.New(strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cutter.Close)
	start := time.Now()
	a := openPage(t, browser, "page A", "http://"+cutter.Addr()+"/?name=Alice&room=e2e")
	b := openPage(t, browser, "page B", base+"/?name=Bob&room=e2e")

	firstFrame := func(v netclient.DebugView) bool { return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 0 }
	va := a.waitView("A to reach the game", 90*time.Second, firstFrame)
	t.Logf("navigation to first game frame with a snapshot, page A: %s (poll resolution 20 ms)", time.Since(start).Round(10*time.Millisecond))
	vb := b.waitView("B to reach the game", 30*time.Second, firstFrame)
	if loader, err := a.eval(`window.tickwireLoader && window.tickwireLoader.state`); err != nil || loader != "running" {
		t.Errorf("page A's loader state %q (%v), want running", loader, err)
	}
	if va.Player == vb.Player || va.Room != "e2e" || vb.Room != "e2e" {
		t.Fatalf("A is player %d in %q, B is player %d in %q: want two players in room e2e", va.Player, va.Room, vb.Player, vb.Room)
	}

	// Each sees the other, by name, from the server's snapshots and roster.
	vb = b.waitView("B to see Alice", 10*time.Second, func(v netclient.DebugView) bool {
		p := findPlayer(v, va.Player)
		return p != nil && p.Name == "Alice"
	})
	a.waitView("A to see Bob", 10*time.Second, func(v netclient.DebugView) bool {
		p := findPlayer(v, vb.Player)
		return p != nil && p.Name == "Bob"
	})
	if n := len(vb.Entities["drone"]); n == 0 {
		t.Error("B sees no drones")
	}

	// A holds the arrow toward the middle of the arena (the server may have placed Alice by a wall);
	// B must see A's x change that way, in snapshots B received.
	before := findPlayer(vb, va.Player)
	after := a.moveTowardMiddle(b, "B to see Alice move toward the middle", before, va.Player)
	t.Logf("B saw Alice move from %s to %s", describe(before), describe(findPlayer(after, va.Player)))
	if bob := findPlayer(after, vb.Player); bob == nil {
		t.Error("B lost its own player")
	}
	av, err := a.view()
	if err != nil || av.Ack == 0 {
		t.Errorf("A's inputs were never acknowledged (ack %d, %v)", av.Ack, err)
	}
	// The arena's netcode runs in the page: remote entities are drawn at an interpolation delay.
	if av.Net["delay"] <= 0 || av.NetGraph {
		t.Errorf("page A: interpolation delay %v ms, net graph shown %v; want a delay and the graph hidden", av.Net["delay"], av.NetGraph)
	}

	// A spectator watches the same room: it sees both players, takes no seat and is not in the
	// snapshot as a player.
	c := openPage(t, browser, "the spectator's page", base+"/?room=e2e&spectate=1&mute=1")
	vc := c.waitView("the spectator to see both players", 60*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["player"]) == 2
	})
	if !vc.Spectator || vc.Player != 0 || vc.Ack != 0 {
		t.Errorf("spectator's view: spectator %v, player %d, ack %d", vc.Spectator, vc.Player, vc.Ack)
	}
	for _, r := range srv.Lobby().Rooms() {
		if r.Name == "e2e" && (r.Players != 2 || r.Spectators != 1) {
			t.Errorf("room e2e has %d players and %d spectators, want 2 and 1", r.Players, r.Spectators)
		}
	}

	// Cut page A's connection (the socket dies without a close frame): it must come back by itself,
	// in the same seat, and play on. A resumed connection numbers its inputs from 1 again, so A's
	// acknowledged input falling below what it was, then climbing, shows that A resumed and that its
	// inputs (one for every tick, sent by the page's netcode whatever its frame rate) reach the
	// server again.
	preCut, err := a.view()
	if err != nil {
		t.Fatal(err)
	}
	if n := cutter.Cut(1, nil); n == 0 {
		t.Fatal("page A had no connection to cut")
	}
	back := a.waitView("A to resume after its connection was cut", 30*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Ack > 0 && v.Ack < preCut.Ack && findPlayer(v, va.Player) != nil
	})
	if back.Player != va.Player {
		t.Errorf("after the cut A is player %d, want its seat back as player %d", back.Player, va.Player)
	}
	a.waitView("A's inputs to flow on the new connection", 10*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Ack >= back.Ack+30
	})
	b.waitView("B to still see Alice", 10*time.Second, func(v netclient.DebugView) bool {
		p := findPlayer(v, va.Player)
		return p != nil && p.Name == "Alice"
	})
	t.Logf("page A's connection was cut at ack %d; it resumed as player %d (ack restarted at %d) and played on",
		preCut.Ack, back.Player, back.Ack)

	dir := artifactDir(t, www)
	a.screenshot(filepath.Join(dir, "page-a.png"))
	b.screenshot(filepath.Join(dir, "page-b.png"))
	c.screenshot(filepath.Join(dir, "page-spectator.png"))

	for _, p := range []*page{a, b, c} {
		if problems := p.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s logged errors: %v", p.name, problems)
		}
	}
	for _, r := range srv.Lobby().Rooms() {
		t.Logf("room %s: %d players, %d ticks, tick time p50 %s p99 %s max %s, %d dropped steps",
			r.Name, r.Players, r.Stats.Ticks, r.Stats.P50, r.Stats.P99, r.Stats.Max, r.Stats.Dropped)
	}
}
