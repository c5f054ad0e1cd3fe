package clustertest

import (
	"context"
	"strings"
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

// TestKilledNodesPlayersPlayAgain: four Go clients whose page came from node a play in a room that
// was placed on node b; b is killed with SIGKILL. Within 5 s no lobby lists b or its room, and
// within 20 s every client plays again, all four in one fresh room of the same name on a live node.
// Nothing of the old room survives (b's state died with it): each client was told that the node
// holding its seat is gone (4015), joined afresh, and the new room's clock started over.
func TestKilledNodesPlayersPlayAgain(t *testing.T) {
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
	for i, p := range players {
		v := p.c.View()
		if v.Welcomes != 1 || v.Redirects != 1 || v.Status != netclient.Connected {
			t.Fatalf("player %d before the kill: %d welcomes, %d redirects, %v; want 1, 1, connected", i, v.Welcomes, v.Redirects, v.Status)
		}
		oldTick = max(oldTick, v.Tick)
	}

	if err := b.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	gone := waitUntil(t, "b and its room to leave the lobbies of a and c", 5*time.Second, func() bool {
		return !listsNode(t, a, "b") && !listsNode(t, c, "b")
	})
	t.Logf("kill -9: b and its room left the lobbies of a and c after %v", gone.Round(time.Millisecond))

	// Every player comes back: a second welcome, then snapshots after it.
	rejoined := make([]int, n)     // View.Snapshots when the second welcome was first seen; -1 before
	firstTick := make([]uint32, n) // the new room's tick the player first saw
	for i := range rejoined {
		rejoined[i] = -1
	}
	waitUntil(t, "every player to play again", 20*time.Second, func() bool {
		all := true
		for i, p := range players {
			v := p.c.View()
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
	t.Logf("kill -9: every player played again %v after the kill", time.Since(killed).Round(time.Millisecond))

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
		minTick = min(minTick, firstTick[i])
	}
	if minTick >= oldTick {
		t.Errorf("the new room's first tick seen is %d, the dead room's was %d: want a fresh room", minTick, oldTick)
	}
	owner := byURL[url]
	waitUntil(t, "a and c to list the new match with every player", 5*time.Second, func() bool {
		na, pa := roomOn(t, a, "match")
		nc, pc := roomOn(t, c, "match")
		return na == owner && nc == owner && pa == n && pc == n
	})
	t.Logf("a fresh room on %s (the dead room was at tick %d, the new one at %d): b's state is gone", owner, oldTick, minTick)
}
