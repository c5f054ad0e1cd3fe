package clustertest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// TestNATSRestartedUnderLoad: players play in a room on each of three nodes when the NATS server
// is killed and, 5 s later, started again on the same port with the same store. No tickwire process
// is restarted. Game traffic does not pass through NATS, so every player plays on without a
// reconnect; meanwhile each node keeps its last view. Within 20 s of the restart every node lists
// the same rooms as before with their players (and one who joined after the restart), a join
// through one node is again redirected to the node of its room, and a new room is placed and
// listed everywhere.
func TestNATSRestartedUnderLoad(t *testing.T) {
	bin := buildServer(t)
	ns := startNATS(t)
	servers := []*server{startServer(t, bin, "a", ns.url()), startServer(t, bin, "b", ns.url()), startServer(t, bin, "c", ns.url())}
	byID := map[string]*server{}
	for _, s := range servers {
		byID[s.id] = s
	}
	a := servers[0]
	waitUntil(t, "a to see three nodes", 10*time.Second, func() bool { return len(loads(t, a)) == 3 })

	// Two players homed at each node, in a room of their own: one room after another, each placed
	// once the load before it has reached a's view, so the three land on the three nodes.
	var players []*player
	for i, s := range servers {
		room := "r" + s.id
		for j := range 2 {
			players = append(players, startPlayer(t, s.ws(), room, 2*i+j))
		}
		waitUntil(t, room+" to be played and the load seen", 10*time.Second, func() bool {
			total := 0
			for _, p := range loads(t, a) {
				total += p
			}
			return total == 2*(i+1) && players[2*i].playing(0) && players[2*i+1].playing(0)
		})
	}
	lists := func() []roomList {
		var out []roomList
		for _, s := range servers {
			var l roomList
			_ = getJSON(t, "http://"+s.addr+"/api/rooms", &l)
			out = append(out, l)
		}
		return out
	}
	same := func(l []roomList) bool { return reflect.DeepEqual(l[0], l[1]) && reflect.DeepEqual(l[1], l[2]) }
	var before roomList
	waitUntil(t, "every node to list the three rooms alike", 5*time.Second, func() bool {
		l := lists()
		before = l[0]
		return len(before.Rooms) == 3 && same(l)
	})
	nodes := map[string]bool{}
	for _, r := range before.Rooms {
		nodes[r.Node] = true
		if r.Players != 2 {
			t.Fatalf("listed %+v before the restart, want 2 players", r)
		}
	}
	if len(nodes) != 3 {
		t.Fatalf("rooms before the restart %+v, want one on each node", before.Rooms)
	}

	// Down for longer than a node's entry lives (3 s): when NATS is back, every entry it holds has
	// expired, and each node must write its own again.
	ns.stop()
	stopped := time.Now()
	time.Sleep(5 * time.Second)
	if l := lists(); !same(l) || !reflect.DeepEqual(l[0], before) {
		t.Errorf("while NATS was down the nodes listed %+v; want their last view, %+v", l, before)
	}
	ns.start(t)
	restarted := time.Now()
	// A seventh player joins the room on c. Only when c writes the directory again and a and b watch
	// it again do all three list three players there: the lists agreeing is not just the old view.
	want := before
	want.Rooms = append(want.Rooms[:0:0], before.Rooms...)
	for i, r := range want.Rooms {
		if r.Node == "c" {
			want.Rooms[i].Players++
			players = append(players, startPlayer(t, byID["c"].ws(), r.Name, len(players)))
		}
	}
	took := waitUntil(t, "every node to see three live nodes and list the rooms with the new player", 20*time.Second, func() bool {
		for _, s := range servers {
			var l clusterList
			if getJSON(t, "http://"+s.addr+"/api/cluster", &l) != nil || len(l.Nodes) != 3 {
				return false
			}
			for _, n := range l.Nodes {
				if n.State != "live" {
					return false
				}
			}
		}
		l := lists()
		return same(l) && reflect.DeepEqual(l[0], want)
	})
	t.Logf("NATS down for %v; the directory was whole again %v after it restarted",
		restarted.Sub(stopped).Round(time.Millisecond), took.Round(time.Millisecond))

	for i, p := range players {
		v := p.c.View()
		if !p.playing(0) || v.Welcomes != 1 { // the seventh too: it joined while the directory recovered
			t.Errorf("player %d: %v after %d welcomes (last told %d %q); want one welcome, still playing", i, v.Status, v.Welcomes, v.Code, v.Reason)
		}
	}

	// A join through a for the room on another node is redirected there again; a new room is placed.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, r := range before.Rooms {
		if r.Node == "a" {
			continue
		}
		ws, url, err := join(ctx, a.ws(), wire.Hello{Room: r.Name, Name: "late"})
		if err != nil || url != byID[r.Node].ws() {
			t.Fatalf("joining %s (on %s) through a after the restart: %v, at %s", r.Name, r.Node, err, url)
		}
		defer ws.CloseNow()
	}
	ws, url, err := join(ctx, a.ws(), wire.Hello{Room: "after", Name: "late"})
	if err != nil {
		t.Fatalf("a new room through a after the restart: %v", err)
	}
	defer ws.CloseNow()
	waitUntil(t, "every node to list the new room", 5*time.Second, func() bool {
		l := lists()
		if !same(l) || len(l[0].Rooms) != len(before.Rooms)+1 {
			return false
		}
		for _, r := range l[0].Rooms {
			if r.Name == "after" {
				return byID[r.Node] != nil && byID[r.Node].ws() == url
			}
		}
		return false
	})
}
