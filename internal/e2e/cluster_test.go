//go:build !js

package e2e

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/server/servertest"
	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// clusterNode is one server of a cluster: its id and address (host:port).
type clusterNode struct {
	id, addr string
	srv      *server.Server
}

// ws is the node's WebSocket URL, as a page that plays there reports it.
func (n clusterNode) ws() string { return "ws://" + n.addr + "/ws" }

// startClusterNodes runs one real server per id on loopback as one service; the first runs the
// NATS server the others join, so any node but the first can be stopped while the service lives
// on. Each serves the page. A page served by one node plays on another, so its WebSocket is
// cross-origin there: no -origins is set, since a node accepts pages from the hosts of the
// cluster's live nodes.
func startClusterNodes(t *testing.T, www string, ids ...string) []clusterNode {
	t.Helper()
	var cfgs []server.Config
	for _, id := range ids {
		cfg := server.Config{WWW: www}
		cfg.Lobby.SeeEverything = true
		cfg.Gateway.HandshakeTimeout = 30 * time.Second // see startServer
		cfg.Cluster = cluster.Config{ID: id, TokenKey: []byte("e2e-cluster-key-0123456789abcdef")}
		cfgs = append(cfgs, cfg)
	}
	srvs, addrs := servertest.StartCluster(t, cfgs, room.For(arena.Game{}), room.For(pong.Game{}))
	var nodes []clusterNode
	for i, id := range ids {
		nodes = append(nodes, clusterNode{id: id, addr: addrs[i], srv: srvs[i]})
	}
	return nodes
}

// TestPagesOfTwoNodesPlayInOneRoom: page 1 is served by node a, page 2 by node b, and both open
// ?room=shared. The room exists once in the service, on one node: both pages play there, the page
// served by the other node after following the redirect in the browser, and each sees the other.
func TestPagesOfTwoNodesPlayInOneRoom(t *testing.T) {
	findChromium(t)
	www := wwwDir(t)
	nodes := startClusterNodes(t, www, "a", "b")
	browser := newBrowser(t)

	playing := func(v netclient.DebugView) bool { return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 0 }
	p1 := openPage(t, browser, "page 1 (from a)", "http://"+nodes[0].addr+"/?name=Ann&room=shared")
	v1 := p1.waitView("page 1 to play", 90*time.Second, playing)
	p2 := openPage(t, browser, "page 2 (from b)", "http://"+nodes[1].addr+"/?name=Ben&room=shared")
	v2 := p2.waitView("page 2 to play", 60*time.Second, playing)

	// The owner, as the directory says.
	info, ok := nodes[0].srv.Lobby().Node().Owner(arena.Name, "shared")
	if !ok {
		t.Fatal("a's directory has no room shared")
	}
	owner := info.Node
	var ownerURL string
	for _, n := range nodes {
		if n.id == owner {
			ownerURL = n.ws()
		}
	}
	if v1.Room != "shared" || v2.Room != "shared" || v1.URL != ownerURL || v2.URL != ownerURL || v1.Player == v2.Player {
		t.Fatalf("page 1 is player %d in %q at %s, page 2 player %d in %q at %s; want two players in shared at the owner %s (%s)",
			v1.Player, v1.Room, v1.URL, v2.Player, v2.Room, v2.URL, owner, ownerURL)
	}
	// The page served by the node that does not run the room got there by a redirect.
	other := v2
	if owner == "b" {
		other = v1
	}
	if other.Redirects < 1 {
		t.Errorf("the page served by the other node followed %d redirects, want at least 1", other.Redirects)
	}
	t.Logf("room shared on %s: page 1 followed %d redirects, page 2 %d", owner, v1.Redirects, v2.Redirects)

	// Each sees both players by name (from the room's roster): one room, two players.
	both := func(v netclient.DebugView) bool {
		a, b := findPlayer(v, v1.Player), findPlayer(v, v2.Player)
		return len(v.Entities["player"]) == 2 && a != nil && a.Name == "Ann" && b != nil && b.Name == "Ben"
	}
	p1.waitView("page 1 to see Ann and Ben", 20*time.Second, both)
	p2.waitView("page 2 to see Ann and Ben", 20*time.Second, both)
	for _, n := range nodes {
		for _, r := range n.srv.Lobby().Rooms() {
			if r.Name == "shared" && (n.id != owner || r.Players != 2) {
				t.Errorf("node %s runs shared with %d players; want it on %s alone, with 2", n.id, r.Players, owner)
			}
		}
	}
	for _, p := range []*page{p1, p2} {
		if problems := p.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s: %v", p.name, problems)
		}
	}
}
