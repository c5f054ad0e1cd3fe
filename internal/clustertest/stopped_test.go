package clustertest

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// loads returns the players of every node in s's view of the cluster.
func loads(t *testing.T, s *server) map[string]int {
	var l clusterList
	if getJSON(t, "http://"+s.addr+"/api/cluster", &l) != nil {
		return nil
	}
	m := map[string]int{}
	for _, n := range l.Nodes {
		m[n.ID] = n.Players
	}
	return m
}

// listsNode reports whether s's lobby or cluster view still names node id (true when s cannot answer).
func listsNode(t *testing.T, s *server, id string) bool {
	var rooms roomList
	if getJSON(t, "http://"+s.addr+"/api/rooms", &rooms) != nil {
		return true
	}
	for _, r := range rooms.Rooms {
		if r.Node == id {
			return true
		}
	}
	_, ok := loads(t, s)[id]
	return ok
}

// roomOn returns the node and players /api/rooms on s lists for room name.
func roomOn(t *testing.T, s *server, name string) (node string, players int) {
	var rooms roomList
	_ = getJSON(t, "http://"+s.addr+"/api/rooms", &rooms)
	for _, r := range rooms.Rooms {
		if r.Name == name {
			return r.Node, r.Players
		}
	}
	return "", 0
}

// TestStoppedNodesPlayersPlayAgain: four Go clients whose page came from node a play in a room
// that was placed on node b; then b stops, killed with SIGKILL or drained with SIGTERM.
//
//   - kill -9: within 5 s no lobby lists b or its room (its entry's TTL is 3 s).
//   - SIGTERM: b drains; its room plays on (the players stay) until -drain-timeout (2 s here), then
//     b closes it with 1001 and "join again through the lobby", leaves the cluster and exits cleanly.
//
// Either way, within 20 s every client plays again, all four in one fresh room of the same name on
// a live node. Nothing of the old room survives (b's state is gone with the process): each client
// was told that the node holding its seat is gone (4015) and joined afresh, and the new room's
// clock started over.
func TestStoppedNodesPlayersPlayAgain(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
	}{{"kill -9", syscall.SIGKILL}, {"SIGTERM", syscall.SIGTERM}} {
		t.Run(tc.name, func(t *testing.T) { stopNodeUnderPlayers(t, tc.name, tc.sig) })
	}
}

func stopNodeUnderPlayers(t *testing.T, name string, sig syscall.Signal) {
	bin := buildServer(t)
	natsURL := startNATS(t).url()
	a := startServer(t, bin, "a", natsURL)
	b := startServer(t, bin, "b", natsURL)
	c := startServer(t, bin, "c", natsURL)
	byURL := map[string]string{a.ws(): "a", b.ws(): "b", c.ws(): "c"}
	waitUntil(t, "a to see three nodes", 10*time.Second, func() bool { return len(loads(t, a)) == 3 })

	// A private room with one player on a and on c (it opens on the node the hello reached) makes
	// b the least-loaded node, where a new room asked of a is placed.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, s := range []*server{a, c} {
		ws, url, err := join(ctx, s.ws(), wire.Hello{Room: "ballast-" + s.id, Name: "x", Private: true})
		if err != nil || url != s.ws() {
			t.Fatalf("ballast on %s: %v (at %s)", s.id, err, url)
		}
		defer ws.CloseNow()
	}
	waitUntil(t, "a to see the ballast's load", 5*time.Second, func() bool {
		l := loads(t, a)
		return l["a"] == 1 && l["b"] == 0 && l["c"] == 1
	})

	const n = 4
	players := []*player{startPlayer(t, a.ws(), "match", 0)}
	waitUntil(t, "the first player to play", 10*time.Second, func() bool { return players[0].playing(0) })
	for i := 1; i < n; i++ {
		players = append(players, startPlayer(t, a.ws(), "match", i))
	}
	waitUntil(t, "every player to play on b", 15*time.Second, func() bool {
		for _, p := range players {
			if !p.playing(0) || p.c.View().URL != b.ws() {
				return false
			}
		}
		return true
	})
	waitUntil(t, "a and c to list match on b with every player", 5*time.Second, func() bool {
		na, pa := roomOn(t, a, "match")
		nc, pc := roomOn(t, c, "match")
		return na == "b" && nc == "b" && pa == n && pc == n
	})
	time.Sleep(3 * time.Second) // the room plays on b for a while: its clock runs
	var oldTick uint32
	snaps := make([]int, n)
	for i, p := range players {
		v := p.c.View()
		if v.Welcomes != 1 || v.Redirects != 1 || v.Status != netclient.Connected {
			t.Fatalf("player %d before the stop: %d welcomes, %d redirects, %v; want 1, 1, connected", i, v.Welcomes, v.Redirects, v.Status)
		}
		oldTick, snaps[i] = max(oldTick, v.Tick), v.Snapshots
	}

	if err := b.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	if sig == syscall.SIGTERM {
		// Draining, the room plays on: a second later every player is still there, with new snapshots.
		time.Sleep(time.Second)
		for i, p := range players {
			if v := p.c.View(); !p.playing(snaps[i]) || v.Welcomes != 1 || v.URL != b.ws() {
				t.Errorf("player %d a second into b's drain: %v on %s after %d welcomes; want still playing on b", i, v.Status, v.URL, v.Welcomes)
			}
		}
	}
	waitUntil(t, "b and its room to leave the lobbies of a and c", 5*time.Second, func() bool {
		return !listsNode(t, a, "b") && !listsNode(t, c, "b")
	})
	t.Logf("%s: b and its room left the lobbies of a and c %v after the signal", name, time.Since(stopped).Round(time.Millisecond))
	if sig == syscall.SIGTERM {
		select {
		case <-b.exited:
			if b.err != nil {
				t.Errorf("b exited with %v after SIGTERM, want a clean exit", b.err)
			}
			t.Logf("SIGTERM: b exited %v after the signal (drain timeout 2 s)", time.Since(stopped).Round(time.Millisecond))
		case <-time.After(10 * time.Second):
			t.Fatal("b did not exit within 10 s of SIGTERM")
		}
	}

	// Every player comes back: a second welcome, then snapshots after it. Meanwhile each view's
	// close codes are noted: what the players were told.
	rejoined := make([]int, n)     // View.Snapshots when the second welcome was first seen; -1 before
	firstTick := make([]uint32, n) // the new room's tick the player first saw
	told := make([]map[int]bool, n)
	for i := range rejoined {
		rejoined[i], told[i] = -1, map[int]bool{}
	}
	waitUntil(t, "every player to play again", 20*time.Second, func() bool {
		all := true
		for i, p := range players {
			v := p.c.View()
			told[i][v.Code] = true
			if rejoined[i] < 0 && v.Welcomes == 2 && v.Status == netclient.Connected {
				rejoined[i] = v.Snapshots
			}
			if rejoined[i] >= 0 && firstTick[i] == 0 && v.Snapshots > rejoined[i] {
				firstTick[i] = v.Tick
			}
			all = all && rejoined[i] >= 0 && p.playing(rejoined[i]+10)
		}
		return all
	})
	t.Logf("%s: every player played again %v after the signal", name, time.Since(stopped).Round(time.Millisecond))

	url := players[0].c.View().URL
	minTick := firstTick[0]
	for i, p := range players {
		v := p.c.View()
		if v.URL != url || byURL[v.URL] == "" || byURL[v.URL] == "b" || v.Welcome.Room != "match" {
			t.Errorf("player %d plays in %q at %s (node %q); want every player in match on one live node", i, v.Welcome.Room, v.URL, byURL[v.URL])
		}
		if v.Code != int(wire.CloseResumeFailed) || !strings.Contains(v.Reason, "(b) is gone") {
			t.Errorf("player %d was last told %d %q; want 4015 saying b is gone", i, v.Code, v.Reason)
		}
		if sig == syscall.SIGTERM && !told[i][int(wire.CloseGoingAway)] {
			t.Errorf("player %d was told %v on the way; want 1001 from the drained room among them", i, told[i])
		}
		minTick = min(minTick, firstTick[i])
	}
	if minTick >= oldTick {
		t.Errorf("the new room's first tick seen is %d, the stopped room's was %d: want a fresh room", minTick, oldTick)
	}
	owner := byURL[url]
	waitUntil(t, "a and c to list the new match with every player", 5*time.Second, func() bool {
		na, pa := roomOn(t, a, "match")
		nc, pc := roomOn(t, c, "match")
		return na == owner && nc == owner && pa == n && pc == n
	})
	t.Logf("%s: a fresh room on %s (the stopped room was at tick %d, the new one at %d): b's state is gone", name, owner, oldTick, minTick)
}
