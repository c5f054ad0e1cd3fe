package clustertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
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

// ballast opens a private room with one player on each of nodes (a private room opens on the node
// the hello reached), so that a room asked for next is placed on the least-loaded node left. It
// waits until watcher's view counts them.
func ballast(t *testing.T, ctx context.Context, watcher *server, nodes ...*server) {
	t.Helper()
	for _, s := range nodes {
		ws, url, err := join(ctx, s.ws(), wire.Hello{Room: "ballast-" + s.id, Name: "x", Private: true})
		if err != nil || url != s.ws() {
			t.Fatalf("ballast on %s: %v (at %s)", s.id, err, url)
		}
		t.Cleanup(func() { ws.CloseNow() })
	}
	waitUntil(t, "the ballast's load to reach "+watcher.id+"'s view", 5*time.Second, func() bool {
		l := loads(t, watcher)
		for _, s := range nodes {
			if l[s.id] != 1 {
				return false
			}
		}
		return true
	})
}

var movedRE = regexp.MustCompile(`moved to node (\S+) in (\d+) ms`)

// handoff asks s's admin listener to move room of game to another node (POST /handoff) and returns
// the node it went to and the time the server took, as its answer says.
func handoff(s *server, game, room string) (node string, took time.Duration, err error) {
	if s.admin == "" {
		return "", 0, fmt.Errorf("node %s has no admin listener", s.id)
	}
	u := "http://" + s.admin + "/handoff?game=" + url.QueryEscape(game) + "&room=" + url.QueryEscape(room)
	resp, err := http.Post(u, "", nil)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("POST %s: %s %s", u, resp.Status, body)
	}
	m := movedRE.FindSubmatch(body)
	if m == nil {
		return "", 0, fmt.Errorf("POST %s answered %q; want \"moved to node X in N ms\"", u, body)
	}
	ms, _ := strconv.Atoi(string(m[2]))
	return string(m[1]), time.Duration(ms) * time.Millisecond, nil
}

// nodeIDs maps each server's WebSocket URL to its id.
func nodeIDs(servers ...*server) map[string]string {
	m := map[string]string{}
	for _, s := range servers {
		m[s.ws()] = s.id
	}
	return m
}
