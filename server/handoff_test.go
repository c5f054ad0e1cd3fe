package server_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/shared/wire"
)

// The in-process handoff tests: a room moves between two real servers, its players follow over real
// sockets. The multi-process ones (SIGTERM, kill -9, rolling restarts) are in internal/clustertest.

// roomNode returns the node that runs room name, from the lobbies themselves.
func roomNode(nodes []node, name string) (node, bool) {
	for _, n := range nodes {
		for _, r := range n.srv.Lobby().Rooms() {
			if r.Name == name {
				return n, true
			}
		}
	}
	return node{}, false
}

// readUntilClose reads ws until it closes and returns the redirect that came before the close, the
// close code, and the newest tick among the snapshots and deltas it read.
func readUntilClose(ctx context.Context, ws *websocket.Conn) (*wire.Redirect, wire.CloseCode, uint32, error) {
	var redirect *wire.Redirect
	var newest uint32
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return redirect, wire.CloseCode(websocket.CloseStatus(err)), newest, nil
		}
		f, err := wire.Decode(data)
		if err != nil {
			return nil, 0, 0, err
		}
		switch f.Op {
		case wire.OpRedirect:
			redirect = new(wire.Redirect)
			if err := f.Decode(redirect); err != nil {
				return nil, 0, 0, err
			}
		case wire.OpSnapshot, wire.OpDelta:
			var h struct{ Tick uint32 }
			if f.Op == wire.OpSnapshot {
				var s wire.Snapshot
				if err := f.Decode(&s); err != nil {
					return nil, 0, 0, err
				}
				h.Tick = s.Tick
			} else {
				var d wire.Delta
				if err := f.Decode(&d); err != nil {
					return nil, 0, 0, err
				}
				h.Tick = d.Tick
			}
			newest = max(newest, h.Tick)
		}
	}
}

// TestHandOffMovesTheRoomAndItsPlayers: two players in a room on one node; the node hands its rooms
// off (as on SIGTERM). Each player is sent a redirect to the other node and closed with 4018; there
// it resumes with its token and is welcomed as the same player, at the tick after the last one it
// was sent. The room is listed on the other node, the first runs none, and a new hello for the room
// through either node lands in it.
func TestHandOffMovesTheRoomAndItsPlayers(t *testing.T) {
	nodes := startCluster(t, "a", "b")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var welcomes []*wire.Welcome
	var conns []*websocket.Conn
	for _, name := range []string{"ann", "bob"} {
		steps, err := play(ctx, nodes[0].ws(), wire.Hello{Room: "moving", Name: name})
		if err != nil || last(steps).welcome == nil {
			t.Fatalf("%s: %+v, %v", name, steps, err)
		}
		welcomes, conns = append(welcomes, last(steps).welcome), append(conns, last(steps).ws)
	}
	from, ok := roomNode(nodes, "moving")
	if !ok {
		t.Fatal("no node runs the room")
	}
	to := nodes[0]
	if to.id == from.id {
		to = nodes[1]
	}
	waitUntil(t, "the other node to see both nodes live", func() bool { return len(from.srv.Lobby().Node().Nodes()) == 2 })
	time.Sleep(300 * time.Millisecond) // a few snapshots

	type ended struct {
		redirect *wire.Redirect
		code     wire.CloseCode
		newest   uint32
		err      error
	}
	ends := make([]chan ended, len(conns))
	for i, ws := range conns {
		ends[i] = make(chan ended, 1)
		go func() {
			r, code, newest, err := readUntilClose(ctx, ws)
			ends[i] <- ended{r, code, newest, err}
		}()
	}
	moved, err := from.srv.HandOff(ctx)
	if err != nil || moved != 1 {
		t.Fatalf("HandOff: %d moved, %v; want 1, nil", moved, err)
	}
	for i, w := range welcomes {
		e := <-ends[i]
		if e.err != nil || e.code != wire.CloseRedirect || e.redirect == nil || e.redirect.URL != to.ws() || e.redirect.Token != "" {
			t.Fatalf("player %d on the moving node: %+v; want a redirect to %s without a token, then 4018", w.Player, e, to.ws())
		}
		o, err := enter(ctx, e.redirect.URL, wire.Hello{Resume: w.Resume})
		if err != nil || o.welcome == nil {
			t.Fatalf("player %d resuming on %s: %+v, %v", w.Player, to.id, o, err)
		}
		defer o.ws.CloseNow()
		if o.welcome.Player != w.Player || o.welcome.Room != "moving" || o.welcome.Resume == "" || o.welcome.Resume == w.Resume {
			t.Errorf("player %d resumed as %+v; want the same player in moving, with a new token", w.Player, o.welcome)
		}
		if o.welcome.Tick <= e.newest || o.welcome.Tick > e.newest+30 {
			t.Errorf("player %d: welcomed at tick %d on %s after snapshot %d on %s; want the room's clock to go on", w.Player, o.welcome.Tick, to.id, e.newest, from.id)
		}
	}
	if _, rooms := from.srv.Lobby().Load(); rooms != 0 {
		t.Errorf("%s still runs %d rooms after the handoff", from.id, rooms)
	}
	if n, ok := roomNode(nodes, "moving"); !ok || n.id != to.id {
		t.Errorf("the room runs on %q after the handoff; want %s", n.id, to.id)
	}
	for _, n := range nodes {
		waitUntil(t, n.id+" to list the room on "+to.id, func() bool {
			r, ok := n.srv.Lobby().Node().Owner("line", "moving")
			return ok && r.Node == to.id && r.Players == 2
		})
	}
}

// TestHandOffWithNowhereToGo: a lone node has no other node to hand its room to; the room plays on
// there, and its player is not disturbed.
func TestHandOffWithNowhereToGo(t *testing.T) {
	nodes := startCluster(t, "a")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	steps, err := play(ctx, nodes[0].ws(), wire.Hello{Room: "stays", Name: "ann"})
	if err != nil || last(steps).welcome == nil {
		t.Fatalf("%+v, %v", steps, err)
	}
	ws := last(steps).ws
	defer ws.CloseNow()
	moved, err := nodes[0].srv.HandOff(ctx)
	if moved != 0 || !errors.Is(err, lobby.ErrNoTarget) {
		t.Fatalf("HandOff on a lone node: %d moved, %v; want 0 and ErrNoTarget", moved, err)
	}
	rctx, rcancel := context.WithTimeout(ctx, time.Second)
	defer rcancel()
	for { // the room still sends snapshots
		_, data, err := ws.Read(rctx)
		if err != nil {
			t.Fatalf("after a handoff with nowhere to go: %v; want the room to play on", err)
		}
		if f, err := wire.Decode(data); err == nil && (f.Op == wire.OpSnapshot || f.Op == wire.OpDelta) {
			break
		}
	}
}

// TestHandOffRefusedByAnotherVersion: the other node hosts the game at another state version, so it
// is no place for the room: the room stays.
func TestHandOffRefusedByAnotherVersion(t *testing.T) {
	i := 0
	nodes := startClusterWith(t, func(c *server.Config) {
		i++
		c.Cluster.Games = map[string]int{"line": i} // the nodes publish different versions
	}, "a", "b")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	steps, err := play(ctx, nodes[0].ws(), wire.Hello{Room: "versioned", Name: "ann"})
	if err != nil || last(steps).welcome == nil {
		t.Fatalf("%+v, %v", steps, err)
	}
	defer last(steps).ws.CloseNow()
	from, _ := roomNode(nodes, "versioned")
	_, err = from.srv.Lobby().Handoff(ctx, "line", "versioned")
	if !errors.Is(err, lobby.ErrNoTarget) || !strings.Contains(err.Error(), "version") {
		t.Fatalf("handoff to a node of another version: %v; want ErrNoTarget", err)
	}
	if n, ok := roomNode(nodes, "versioned"); !ok || n.id != from.id {
		t.Errorf("the room runs on %q; want it still on %s", n.id, from.id)
	}
}
