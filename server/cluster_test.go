package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tickwire/tickwire/shared/netsim"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/server"
	"github.com/tickwire/tickwire/server/cluster"
	"github.com/tickwire/tickwire/server/room"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// The in-process cluster tests: three real servers on loopback sharing the NATS server embedded in
// the first (listening on a loopback port), players as plain WebSocket clients speaking the protocol.

var testKey = []byte("0123456789abcdef0123456789abcdef")

type node struct {
	id   string
	srv  *server.Server
	addr string // host:port
}

func (n node) ws() string { return "ws://" + n.addr + "/ws" }

// startCluster starts servers with ids a, b, c, …; the first runs the NATS server the others join.
// Refreshes are fast (250 ms) so that load and draining reach every view quickly.
func startCluster(t *testing.T, ids ...string) []node { return startClusterB(t, ids...) }

func startClusterB(t testing.TB, ids ...string) []node { return startClusterWith(t, nil, ids...) }

// startClusterWith is startCluster with each node's configuration changed by set (when not nil).
func startClusterWith(t testing.TB, set func(*server.Config), ids ...string) []node {
	t.Helper()
	var nodes []node
	natsURL := ""
	for _, id := range ids {
		cfg := server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		cfg.Cluster = cluster.Config{ID: id, TokenKey: testKey, RefreshInterval: 250 * time.Millisecond,
			NodeTTL: time.Second, RoomUpdateInterval: 50 * time.Millisecond}
		if set != nil {
			set(&cfg)
		}
		if natsURL == "" {
			cfg.Cluster.Embedded.Listen = "127.0.0.1:-1"
		} else {
			cfg.Cluster.URLs = []string{natsURL}
		}
		srv, err := server.New(cfg, room.For(testgame.Game{MaxPlayers: 4}))
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Start(ctx, ln.Addr())
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if natsURL == "" {
			natsURL = srv.Lobby().Node().NATSURL()
		}
		go srv.Serve(ln)
		t.Cleanup(func() { // in reverse order: the node running NATS stops last
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				t.Errorf("shutdown %s: %v", id, err)
			}
		})
		nodes = append(nodes, node{id: id, srv: srv, addr: ln.Addr().String()})
	}
	waitUntil(t, "every node to see every other", func() bool {
		for _, n := range nodes {
			if len(n.srv.Lobby().Node().Nodes()) != len(nodes) {
				return false
			}
		}
		return true
	})
	return nodes
}

func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outcome is how a hello ended: a welcome (the connection stays open), or a close, after a redirect
// when its code is 4018.
type outcome struct {
	url      string // where the hello was sent
	welcome  *wire.Welcome
	redirect *wire.Redirect
	code     wire.CloseCode
	reason   string
	ws       *websocket.Conn
}

// enter sends one hello to url and reads until a welcome or the close.
func enter(ctx context.Context, url string, h wire.Hello) (outcome, error) {
	o := outcome{url: url}
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return o, err
	}
	ws.SetReadLimit(1 << 20)
	h.Version = wire.ProtocolVersion
	b, _ := wire.Encode(nil, &h)
	if err := ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		ws.CloseNow()
		return o, err
	}
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			ws.CloseNow()
			if code := websocket.CloseStatus(err); code != -1 {
				o.code = wire.CloseCode(code)
				var ce websocket.CloseError
				if errors.As(err, &ce) {
					o.reason = ce.Reason
				}
				return o, nil
			}
			return o, err
		}
		f, err := wire.Decode(data)
		if err != nil {
			ws.CloseNow()
			return o, err
		}
		switch f.Op {
		case wire.OpWelcome:
			o.welcome = new(wire.Welcome)
			if err := f.Decode(o.welcome); err != nil {
				return o, err
			}
			o.ws = ws
			return o, nil
		case wire.OpRedirect:
			if o.redirect != nil {
				return o, errors.New("two redirects in one connection")
			}
			o.redirect = new(wire.Redirect)
			if err := f.Decode(o.redirect); err != nil {
				return o, err
			}
		}
	}
}

// play sends h to url and follows redirects, as PROTOCOL.md tells a client to (at most three in a
// row), returning every step.
func play(ctx context.Context, url string, h wire.Hello) ([]outcome, error) {
	var steps []outcome
	for range 4 {
		o, err := enter(ctx, url, h)
		steps = append(steps, o)
		if err != nil || o.code != wire.CloseRedirect {
			return steps, err
		}
		if o.redirect == nil {
			return steps, errors.New("closed with 4018 without a redirect frame")
		}
		url, h.Reservation = o.redirect.URL, o.redirect.Token
	}
	return steps, errors.New("more than three redirects in a row")
}

func last(steps []outcome) outcome { return steps[len(steps)-1] }

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

type roomList struct {
	Rooms []struct {
		Game, Name, Node    string
		Players, MaxPlayers int
	} `json:"rooms"`
}

// TestRoomsSpreadAndListedAlike: new rooms go to the least-loaded node, so rooms opened one after
// another (each node's load published between them) land on all three; /api/rooms on every node
// then lists the same rooms, each with its node.
func TestRoomsSpreadAndListedAlike(t *testing.T) {
	nodes := startCluster(t, "a", "b", "c")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, name := range []string{"r1", "r2", "r3"} {
		steps, err := play(ctx, nodes[0].ws(), wire.Hello{Room: name, Name: "p"})
		if err != nil || last(steps).welcome == nil {
			t.Fatalf("%s: %+v, %v", name, steps, err)
		}
		defer last(steps).ws.CloseNow()
		// Wait for the load to reach every view before the next room is placed.
		waitUntil(t, "the load to be published", func() bool {
			players := 0
			for _, ni := range nodes[0].srv.Lobby().Node().Nodes() {
				players += ni.Players
			}
			return players == i+1
		})
	}
	owners := map[string]string{}
	for _, n := range nodes {
		for _, r := range n.srv.Lobby().Rooms() {
			owners[r.Name] = n.id
		}
	}
	if len(owners) != 3 || owners["r1"] == owners["r2"] || owners["r2"] == owners["r3"] || owners["r1"] == owners["r3"] {
		t.Errorf("rooms by node %v, want one on each of the three", owners)
	}
	var first roomList
	waitUntil(t, "/api/rooms to agree on every node", func() bool {
		var lists []roomList
		for _, n := range nodes {
			var l roomList
			getJSON(t, "http://"+n.addr+"/api/rooms", &l)
			lists = append(lists, l)
		}
		first = lists[0]
		return len(first.Rooms) == 3 && reflect.DeepEqual(lists[0], lists[1]) && reflect.DeepEqual(lists[1], lists[2])
	})
	for _, r := range first.Rooms {
		if r.Node != owners[r.Name] || r.Players != 1 || r.MaxPlayers != 4 {
			t.Errorf("listed %+v, want node %s with 1 of 4 players", r, owners[r.Name])
		}
	}
	var c struct {
		Node  string
		Nodes []struct {
			ID, URL, State string
			Players        int
		}
	}
	getJSON(t, "http://"+nodes[1].addr+"/api/cluster", &c)
	if c.Node != "b" || len(c.Nodes) != 3 || c.Nodes[0].ID != "a" || c.Nodes[0].URL != nodes[0].ws() || c.Nodes[0].State != "live" {
		t.Errorf("/api/cluster on b: %+v", c)
	}
}

// TestNamedRoomThroughAnotherNode: a player asking node a for a room open on node b is sent to b
// with a reservation, plays there, and the reservation works once; forged and expired reservations
// are refused with 4019 and a reason that says why.
func TestNamedRoomThroughAnotherNode(t *testing.T) {
	nodes := startCluster(t, "a", "b")
	a, b := nodes[0], nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A private room opens on the node the hello reached: b.
	host, err := enter(ctx, b.ws(), wire.Hello{Room: "friends", Name: "host", Private: true})
	if err != nil || host.welcome == nil {
		t.Fatalf("host: %+v, %v", host, err)
	}
	defer host.ws.CloseNow()
	waitUntil(t, "a to see the room", func() bool { _, ok := a.srv.Lobby().Node().Owner("line", "friends"); return ok })

	first, err := enter(ctx, a.ws(), wire.Hello{Room: "friends", Name: "guest"})
	if err != nil || first.code != wire.CloseRedirect || first.redirect == nil || first.reason == "" {
		t.Fatalf("through a: %+v, %v; want a redirect, then 4018 with a reason", first, err)
	}
	if first.redirect.URL != b.ws() || first.redirect.Token == "" {
		t.Fatalf("redirect %+v, want b's URL %s and a token", first.redirect, b.ws())
	}
	guest, err := enter(ctx, first.redirect.URL, wire.Hello{Room: "friends", Name: "guest", Reservation: first.redirect.Token})
	if err != nil || guest.welcome == nil || guest.welcome.Room != "friends" || guest.welcome.Player == host.welcome.Player {
		t.Fatalf("on b with the reservation: %+v, %v", guest, err)
	}
	defer guest.ws.CloseNow()
	// The guest plays: snapshots come.
	for range 3 {
		_, data, err := guest.ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := wire.Decode(data); err != nil {
			t.Fatal(err)
		} else if f.Op == wire.OpSnapshot {
			break
		}
	}

	signer, _ := cluster.NewSigner(testKey)
	other, _ := cluster.NewSigner([]byte(strings.Repeat("x", 32)))
	claims := cluster.Claims{Kind: cluster.KindReservation, Node: "b", Game: "line", Room: "friends", Name: "eve",
		ID: cluster.NewID(), Expires: time.Now().Add(time.Minute)}
	forged, _ := other.Sign(claims)
	expiredClaims := claims
	expiredClaims.Expires = time.Now().Add(-time.Minute)
	expired, _ := signer.Sign(expiredClaims)
	unheld, _ := signer.Sign(claims) // signed with the right key, but b never held this seat
	for _, tc := range []struct{ name, token, reason string }{
		{"used twice", first.redirect.Token, "already used"},
		{"forged", forged, "signature"},
		{"expired", expired, "expired"},
		{"garbage", "not.a.token", "malformed"},
		{"never held", unheld, "lapsed"},
	} {
		o, err := enter(ctx, b.ws(), wire.Hello{Room: "friends", Name: "eve", Reservation: tc.token})
		if err != nil || o.code != wire.CloseBadReservation || !strings.Contains(o.reason, tc.reason) {
			t.Errorf("%s: %+v, %v; want 4019 with a reason saying %q", tc.name, o, err, tc.reason)
		}
	}
}

// TestRedirectSurvivesASimulatedNetwork: with -netsim on, the redirect still reaches the client
// before its close (it is written with the bye, straight to the socket; queued like other frames,
// the simulated network held it back and the close that followed discarded it).
func TestRedirectSurvivesASimulatedNetwork(t *testing.T) {
	bad, err := netsim.Parse("rtt=300ms,jitter=50ms")
	if err != nil {
		t.Fatal(err)
	}
	nodes := startClusterWith(t, func(c *server.Config) { c.Gateway.NetSim = bad }, "a", "b")
	a, b := nodes[0], nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host, err := enter(ctx, b.ws(), wire.Hello{Room: "slow", Name: "host", Private: true})
	if err != nil || host.welcome == nil {
		t.Fatalf("host: %+v, %v", host, err)
	}
	defer host.ws.CloseNow()
	waitUntil(t, "a to see the room", func() bool { _, ok := a.srv.Lobby().Node().Owner("line", "slow"); return ok })
	for i := range 3 { // the room's three other seats: each redirect holds one
		o, err := enter(ctx, a.ws(), wire.Hello{Room: "slow", Name: fmt.Sprintf("guest%d", i)})
		if err != nil || o.code != wire.CloseRedirect || o.redirect == nil || o.redirect.URL != b.ws() {
			t.Fatalf("guest %d through a: %+v, %v; want the redirect to b, then 4018", i, o, err)
		}
	}
}

// TestThirtyJoinsOfOneNameMakeOneRoom: 30 players ask three nodes at once for the same new room of
// four seats; one room opens in the whole cluster, four players get in, and every other is told the
// room is full (4005): reservations racing from every node never overfill it.
func TestThirtyJoinsOfOneNameMakeOneRoom(t *testing.T) {
	nodes := startCluster(t, "a", "b", "c")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var welcomed []outcome
	codes := map[wire.CloseCode]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 30 {
		wg.Go(func() {
			<-start
			steps, err := play(ctx, nodes[i%3].ws(), wire.Hello{Room: "crowd", Name: "p"})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("player %d: %v (%+v)", i, err, steps)
				return
			}
			if o := last(steps); o.welcome != nil {
				welcomed = append(welcomed, o)
			} else {
				codes[o.code]++
			}
		})
	}
	close(start)
	wg.Wait()
	defer func() {
		for _, o := range welcomed {
			o.ws.CloseNow()
		}
	}()
	if len(welcomed) != 4 || codes[wire.CloseRoomFull] != 26 {
		t.Errorf("%d welcomed, refusals by code %v; want 4 welcomed and 26 × 4005", len(welcomed), codes)
	}
	seen := map[string]bool{}
	for _, o := range welcomed {
		seen[o.url] = true
	}
	open := 0
	for _, n := range nodes {
		for _, r := range n.srv.Lobby().Rooms() {
			if r.Name == "crowd" {
				open++
				if r.Players > r.MaxPlayers {
					t.Errorf("node %s: crowd holds %d players in %d seats", n.id, r.Players, r.MaxPlayers)
				}
			}
		}
	}
	if open != 1 || len(seen) != 1 {
		t.Errorf("crowd is open on %d nodes and players play at %v; want one room, one node", open, seen)
	}
}

// TestResumeThroughAnotherNode: a player whose connection dropped presents its resume token to the
// wrong node, is sent (without a reservation) to the node that holds its seat, and gets it back.
func TestResumeThroughAnotherNode(t *testing.T) {
	nodes := startCluster(t, "a", "b")
	a, b := nodes[0], nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := enter(ctx, b.ws(), wire.Hello{Room: "keep", Name: "ann", Private: true})
	if err != nil || o.welcome == nil || o.welcome.Resume == "" {
		t.Fatalf("join: %+v, %v", o, err)
	}
	o.ws.CloseNow() // the network drops: the seat is held
	waitUntil(t, "a to see node b", func() bool { _, ok := a.srv.Lobby().Node().Node("b"); return ok })
	var steps []outcome
	waitUntil(t, "the seat to be resumable", func() bool {
		steps, err = play(ctx, a.ws(), wire.Hello{Resume: o.welcome.Resume})
		return err == nil && last(steps).code != wire.CloseResumeLater
	})
	if len(steps) != 2 || steps[0].redirect == nil || steps[0].redirect.URL != b.ws() || steps[0].redirect.Token != "" {
		t.Fatalf("steps %+v, want a redirect to b without a token, then the seat", steps)
	}
	w := last(steps).welcome
	if w == nil || w.Player != o.welcome.Player || w.Room != "keep" {
		t.Fatalf("resumed %+v, want player %d in keep", last(steps), o.welcome.Player)
	}
	last(steps).ws.CloseNow()

	// A resume token that was not signed with the cluster's key is refused with 4015.
	bad, err := enter(ctx, a.ws(), wire.Hello{Resume: "line.keep.1.00112233445566778899aabbccddeeff"})
	if err != nil || bad.code != wire.CloseResumeFailed || bad.reason == "" {
		t.Errorf("an unsigned token: %+v, %v; want 4015 with a reason", bad, err)
	}
}

// TestDrainingNodeGetsNoNewRoom: once a node drains, new rooms asked of it go to another node,
// while its own room plays on.
func TestDrainingNodeGetsNoNewRoom(t *testing.T) {
	nodes := startCluster(t, "a", "b")
	a, b := nodes[0], nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stay, err := enter(ctx, a.ws(), wire.Hello{Room: "old", Name: "p", Private: true})
	if err != nil || stay.welcome == nil {
		t.Fatalf("%+v, %v", stay, err)
	}
	defer stay.ws.CloseNow()
	dctx, dcancel := context.WithCancel(ctx)
	defer dcancel()
	drained := make(chan error, 1)
	go func() { drained <- a.srv.Drain(dctx) }()
	waitUntil(t, "b to see a draining", func() bool { ni, ok := b.srv.Lobby().Node().Node("a"); return ok && ni.Draining })
	for _, name := range []string{"n1", "n2", "n3"} {
		steps, err := play(ctx, a.ws(), wire.Hello{Room: name, Name: "p"})
		if err != nil || last(steps).welcome == nil || last(steps).url != b.ws() {
			t.Fatalf("%s through the draining node: %+v, %v; want it placed on b", name, steps, err)
		}
		last(steps).ws.CloseNow()
	}
	if o, err := enter(ctx, a.ws(), wire.Hello{Room: "secret", Name: "p", Private: true}); err != nil || o.code != wire.CloseServerFull {
		t.Errorf("a private room on the draining node: %+v, %v; want 4008", o, err)
	}
	select {
	case err := <-drained:
		t.Fatalf("the drain ended (%v) with a room still playing", err)
	default:
	}
	stay.ws.Close(websocket.StatusNormalClosure, "done") // leaves: the seat is not held for a resume
	select {
	case err := <-drained:
		if err != nil {
			t.Errorf("drain: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the drain did not end once the last room emptied")
	}
}

// BenchmarkJoin measures a join, hello to welcome and to first snapshot, on the node the hello reached and through
// a redirect to another node (two connections, a reservation over NATS, a claim on the owner), on
// loopback with the embedded NATS server; it reports the median and 99th percentile.
//
//	go test -run '^$' -bench BenchmarkJoin -benchtime 200x ./server/
func BenchmarkJoin(b *testing.B) {
	for _, tc := range []struct {
		name     string
		redirect bool
	}{{"same node", false}, {"redirected", true}} {
		b.Run(tc.name, func(b *testing.B) {
			nodes := startClusterB(b, "a", "b")
			ctx := context.Background()
			// A private room on b, joined through b or through a.
			host, err := enter(ctx, nodes[1].ws(), wire.Hello{Room: "bench", Name: "host", Private: true})
			if err != nil || host.welcome == nil {
				b.Fatal(host, err)
			}
			defer host.ws.CloseNow()
			for !func() bool { _, ok := nodes[0].srv.Lobby().Node().Owner("line", "bench"); return ok }() {
				time.Sleep(10 * time.Millisecond)
			}
			via := nodes[1]
			if tc.redirect {
				via = nodes[0]
			}
			var took, welcomed, redirected []time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				h := wire.Hello{Room: "bench", Name: "p"}
				url := via.ws()
				if tc.redirect { // the first hop alone: hello to the redirect's close
					o, err := enter(ctx, url, h)
					if err != nil || o.redirect == nil {
						b.Fatal(o, err)
					}
					redirected = append(redirected, time.Since(start))
					url, h.Reservation = o.redirect.URL, o.redirect.Token
				}
				steps, err := play(ctx, url, h)
				o := last(steps)
				if err != nil || o.welcome == nil || len(steps) != 1 {
					b.Fatal(steps, err)
				}
				welcomed = append(welcomed, time.Since(start))
				for {
					_, data, err := o.ws.Read(ctx)
					if err != nil {
						b.Fatal(err)
					}
					if f, _ := wire.Decode(data); f.Op == wire.OpSnapshot || f.Op == wire.OpDelta {
						break
					}
				}
				took = append(took, time.Since(start))
				o.ws.Close(websocket.StatusNormalClosure, "")
			}
			b.StopTimer()
			slices.Sort(took)
			slices.Sort(welcomed)
			b.ReportMetric(float64(welcomed[len(welcomed)/2].Microseconds()), "welcome-p50-µs")
			b.ReportMetric(float64(welcomed[len(welcomed)*99/100].Microseconds()), "welcome-p99-µs")
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "snapshot-p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "snapshot-p99-µs")
			if len(redirected) > 0 {
				slices.Sort(redirected)
				b.ReportMetric(float64(redirected[len(redirected)/2].Microseconds()), "redirect-p50-µs")
				b.ReportMetric(float64(redirected[len(redirected)*99/100].Microseconds()), "redirect-p99-µs")
			}
		})
	}
}

// TestGoClientPlaysOnTheRoomsNode: the Go client (wasmclient/netclient), whose page came from node
// a, asks for a room open on node b: it follows the real redirect with the real reservation, plays
// on b, and the host sees it in the roster.
func TestGoClientPlaysOnTheRoomsNode(t *testing.T) {
	nodes := startCluster(t, "a", "b")
	a, b := nodes[0], nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host, err := enter(ctx, b.ws(), wire.Hello{Room: "party", Name: "host", Private: true})
	if err != nil || host.welcome == nil {
		t.Fatalf("host: %+v, %v", host, err)
	}
	defer host.ws.CloseNow()
	waitUntil(t, "a to see the room", func() bool { _, ok := a.srv.Lobby().Node().Owner("line", "party"); return ok })

	c := netclient.Dial[int8](netclient.Config{URL: a.ws(), Room: "party", Name: "guest"}, testgame.Game{}, testgame.Schema)
	defer c.Close()
	waitUntil(t, "the client to play on b", func() bool {
		v := c.View()
		return v.Status == netclient.Connected && v.Snapshots > 0
	})
	v := c.View()
	if v.URL != b.ws() || v.Redirects != 1 || v.Welcome.Room != "party" || len(v.Roster) != 2 {
		t.Errorf("view: url %s, %d redirects, room %q, roster %v; want b's URL, 1 redirect, party, two players",
			v.URL, v.Redirects, v.Welcome.Room, v.Roster)
	}
	if rooms := b.srv.Lobby().Rooms(); len(rooms) != 1 || rooms[0].Players != 2 {
		t.Errorf("b's rooms %+v, want party with the host and the guest", rooms)
	}
}

// TestPagesOfAnotherNodeMayConnect: a page served by node a that is redirected to node b opens its
// WebSocket to b with a's host as Origin. b accepts it (the nodes of a cluster are one service),
// with no -origins set, and plays it in the room; an origin that is no node's host is still
// refused with 403. Once c has left the cluster its host is still accepted for a while (a page it
// served plays on in a room that moved away from it, and may lose its connection), then refused.
func TestPagesOfAnotherNodeMayConnect(t *testing.T) {
	nodes := startClusterWith(t, func(c *server.Config) { c.Cluster.DeadNodeMemory = 2 * time.Second }, "a", "b", "c")
	a, b, c := nodes[0], nodes[1], nodes[2]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func(url, origin string) (*websocket.Conn, int, error) {
		ws, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		return ws, code, err
	}
	for _, origin := range []string{"http://" + a.addr, "http://" + c.addr, "http://" + b.addr} {
		ws, code, err := dial(b.ws(), origin)
		if err != nil {
			t.Errorf("origin %s at b: %v (HTTP %d), want accepted", origin, err, code)
			continue
		}
		ws.CloseNow()
	}
	for _, origin := range []string{"http://evil.example.com", "http://127.0.0.1:1", "https://" + a.addr + ".evil.example.com"} {
		ws, code, err := dial(b.ws(), origin)
		if err == nil {
			ws.CloseNow()
		}
		if code != http.StatusForbidden {
			t.Errorf("origin %s at b: HTTP %d (%v), want 403", origin, code, err)
		}
	}

	// The whole path: the hello goes to a (the page's own node), the room is on b.
	host, err := enter(ctx, b.ws(), wire.Hello{Room: "party", Name: "host", Private: true})
	if err != nil || host.welcome == nil {
		t.Fatalf("host: %+v, %v", host, err)
	}
	defer host.ws.CloseNow()
	waitUntil(t, "a to see the room", func() bool { _, ok := a.srv.Lobby().Node().Owner("line", "party"); return ok })
	first, err := enter(ctx, a.ws(), wire.Hello{Room: "party", Name: "guest"})
	if err != nil || first.redirect == nil {
		t.Fatalf("hello at a: %+v, %v; want a redirect", first, err)
	}
	ws, code, err := dial(first.redirect.URL, "http://"+a.addr)
	if err != nil {
		t.Fatalf("the redirected page's WebSocket to %s: %v (HTTP %d)", first.redirect.URL, err, code)
	}
	defer ws.CloseNow()
	b2, _ := wire.Encode(nil, &wire.Hello{Version: wire.ProtocolVersion, Room: "party", Name: "guest", Reservation: first.redirect.Token})
	if err := ws.Write(ctx, websocket.MessageBinary, b2); err != nil {
		t.Fatal(err)
	}
	_, data, err := ws.Read(ctx)
	if err != nil {
		t.Fatalf("after the hello at b: %v", err)
	}
	if f, err := wire.Decode(data); err != nil || f.Op != wire.OpWelcome {
		t.Fatalf("after the hello at b: op %v, %v; want a welcome", f.Op, err)
	}

	// The view changes: once c has left (a runs the NATS server), its host is accepted for
	// DeadNodeMemory, then it is an origin like any other.
	ctxs, cancels := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancels()
	if err := c.srv.Shutdown(ctxs); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "b to see c leave", func() bool { _, ok := b.srv.Lobby().Node().Node("c"); return !ok })
	if ws, code, err := dial(b.ws(), "http://"+c.addr); err != nil {
		t.Errorf("origin of c, just gone, at b: HTTP %d (%v), want accepted", code, err)
	} else {
		ws.CloseNow()
	}
	waitUntil(t, "b to forget c", func() bool { return len(b.srv.Lobby().Node().Departed()) == 0 })
	if ws, code, err := dial(b.ws(), "http://"+c.addr); code != http.StatusForbidden {
		if err == nil {
			ws.CloseNow()
		}
		t.Errorf("origin of c, gone for longer than DeadNodeMemory, at b: HTTP %d (%v), want 403", code, err)
	}
}

// TestABurstOfRoomsSpreads: nine rooms opened at once through one node of three spread over all
// three, although no node's load report can show them yet: the placing node counts the rooms it
// has placed on each node until that node's reports include them.
func TestABurstOfRoomsSpreads(t *testing.T) {
	nodes := startCluster(t, "a", "b", "c")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const rooms = 9
	var wg sync.WaitGroup
	errs := make(chan error, rooms)
	conns := make(chan *websocket.Conn, rooms)
	for i := range rooms {
		wg.Go(func() {
			steps, err := play(ctx, nodes[0].ws(), wire.Hello{Room: fmt.Sprintf("burst-%d", i), Name: "p"})
			if err != nil || last(steps).welcome == nil {
				errs <- fmt.Errorf("room %d: %+v, %v", i, steps, err)
				return
			}
			conns <- last(steps).ws
		})
	}
	wg.Wait()
	close(errs)
	close(conns)
	for ws := range conns {
		defer ws.CloseNow()
	}
	for err := range errs {
		t.Fatal(err)
	}
	byNode := map[string]int{}
	for _, n := range nodes {
		byNode[n.id] = len(n.srv.Lobby().Rooms())
	}
	for _, n := range nodes {
		if byNode[n.id] < 2 {
			t.Errorf("rooms by node %v: want every node to get some (%d each, give or take one)", byNode, rooms/len(nodes))
			break
		}
	}
	t.Logf("rooms by node: %v", byNode)
}
