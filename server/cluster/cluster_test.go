package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/tickwire/tickwire/shared/wire"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// seats is a fake lobby: it counts the seats of each room under one lock, as the real one must.
type seats struct {
	mu    sync.Mutex
	max   int
	rooms map[string]map[string]Hold // room -> hold id -> hold
	delay time.Duration
}

func newSeats(max int, rooms ...string) *seats {
	s := &seats{max: max, rooms: map[string]map[string]Hold{}}
	for _, r := range rooms {
		s.rooms[r] = map[string]Hold{}
	}
	return s
}

func (s *seats) Reserve(ctx context.Context, h Hold) (Seat, error) {
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return Seat{}, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	held, ok := s.rooms[h.Room]
	if !ok {
		return Seat{}, wire.Closef(wire.CloseNoRoom, "room %q is not open here", h.Room)
	}
	if len(held) >= s.max {
		return Seat{}, wire.Closef(wire.CloseRoomFull, "room %q has no free seat", h.Room)
	}
	seat := len(held)
	held[h.ID] = h
	return Seat{Seat: seat, Player: uint32(seat + 1)}, nil
}

func (s *seats) held(room string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rooms[room])
}

// natsServer starts an embedded NATS server on a free loopback port for several nodes to share.
func natsServer(t *testing.T) string {
	t.Helper()
	e, err := startEmbedded("test", EmbeddedConfig{Listen: "127.0.0.1:-1", StoreDir: t.TempDir(), ReadyTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.close)
	return e.url()
}

func startNode(t *testing.T, id, url string, r Reserver, tweak ...func(*Config)) *Node {
	t.Helper()
	cfg := Config{ID: id, PublicURL: "ws://127.0.0.1/" + id, TokenKey: testKey, Log: quiet}
	if url != "" {
		cfg.URLs = []string{url}
	}
	for _, f := range tweak {
		f(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := Start(ctx, cfg, r)
	if err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
	t.Cleanup(n.Close)
	return n
}

// eventually polls cond every 20 ms until it holds or within passes, and returns how long it took.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

func ids(ns []NodeInfo) string {
	s := ""
	for _, n := range ns {
		s += n.ID + " "
	}
	return s
}

func roomNames(rs []RoomInfo) string {
	s := ""
	for _, r := range rs {
		s += r.Game + "/" + r.Name + "@" + r.Node + " "
	}
	return s
}

func TestSingleProcessEmbedded(t *testing.T) {
	t.Parallel()
	s := newSeats(2, "solo")
	n := startNode(t, "solo", "", s) // no URLs: its own NATS, no socket
	if n.NATSURL() != "" {
		t.Fatalf("embedded server listens at %s; it should listen nowhere", n.NATSURL())
	}
	if st := n.Status(); !st.Connected || st.State != "CONNECTED" {
		t.Fatalf("status %+v", st)
	}
	ctx := context.Background()
	if err := n.Claim(ctx, RoomInfo{Game: "pong", Name: "solo", Seats: 2, Auto: true}); err != nil {
		t.Fatal(err)
	}
	if got := roomNames(n.Rooms()); got != "pong/solo@solo " {
		t.Fatalf("rooms %q", got)
	}
	res, err := n.Reserve(ctx, n.ID(), SeatRequest{Game: "pong", Room: "solo", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != n.PublicURL() || res.Claims.Node != "solo" || res.Claims.Kind != KindReservation {
		t.Fatalf("reservation %+v", res)
	}
	if err := n.Leave(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestThreeNodesSeeEachOther(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	b := startNode(t, "b", url, newSeats(1))
	c := startNode(t, "c", url, newSeats(1))
	for _, n := range []*Node{a, b, c} {
		eventually(t, 3*time.Second, n.ID()+" sees a, b and c", func() bool { return ids(n.Nodes()) == "a b c " })
	}
	if ni, ok := a.Node("b"); !ok || ni.URL != "ws://127.0.0.1/b" {
		t.Fatalf("a's entry for b: %+v %v", ni, ok)
	}
	a.SetLoad(Load{Players: 30, Rooms: 3, CPU: 0.5})
	b.SetLoad(Load{Players: 10, Rooms: 1})
	c.SetLoad(Load{Players: 20, Rooms: 2})
	eventually(t, 3*time.Second, "c sees b's load", func() bool { ni, _ := c.Node("b"); return ni.Players == 10 })
	eventually(t, 3*time.Second, "a places on b", func() bool { ni, _ := a.LeastLoaded(); return ni.ID == "b" })
	// Draining is published at once, not at the next refresh.
	b.SetDraining(true)
	took := eventually(t, 500*time.Millisecond, "a stops placing on draining b", func() bool { ni, _ := a.LeastLoaded(); return ni.ID == "c" })
	t.Logf("draining seen in %v", took)
}

func TestDeadNodeLeavesEveryViewWithItsRooms(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	grace := func(c *Config) { c.OrphanGrace = time.Second } // the purge, not the views, waits for it
	a := startNode(t, "a", url, newSeats(1), grace)
	b := startNode(t, "b", url, newSeats(1), grace)
	c := startNode(t, "c", url, newSeats(1), grace)
	ctx := context.Background()
	for _, name := range []string{"b1", "b2"} {
		if err := b.Claim(ctx, RoomInfo{Game: "pong", Name: name, Seats: 2, Auto: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Claim(ctx, RoomInfo{Game: "pong", Name: "hidden", Seats: 2, Private: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.Claim(ctx, RoomInfo{Game: "pong", Name: "a1", Seats: 2, Auto: true}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{a, c} {
		eventually(t, 3*time.Second, n.ID()+" sees b's rooms", func() bool {
			_, ok := n.Owner("pong", "hidden")
			return roomNames(n.Rooms()) == "pong/a1@a pong/b1@b pong/b2@b " && ok
		})
	}
	b.Close() // as kill -9: no deregistration, the entry just stops being refreshed
	killed := time.Now()
	for _, n := range []*Node{a, c} {
		eventually(t, 5*time.Second-time.Since(killed), n.ID()+" drops b and its rooms", func() bool {
			_, hidden := n.Owner("pong", "hidden")
			_, live := n.Node("b")
			return !hidden && !live && roomNames(n.Rooms()) == "pong/a1@a " && ids(n.Nodes()) == "a c "
		})
		t.Logf("%s: b and its rooms gone %v after it died", n.ID(), time.Since(killed).Round(10*time.Millisecond))
	}
	// A name the dead node held is free at once for a live node.
	if err := c.Claim(ctx, RoomInfo{Game: "pong", Name: "hidden", Seats: 2}); err != nil {
		t.Fatalf("claim a dead node's name: %v", err)
	}
	// The janitor (a, the lowest id) purges the rest from the bucket.
	eventually(t, 4*time.Second, "b's rooms purged from the bucket", func() bool {
		for _, k := range []string{"pong.b1", "pong.b2"} {
			if _, err := a.rooms.Get(ctx, k); !errors.Is(err, jetstream.ErrKeyNotFound) {
				return false
			}
		}
		return true
	})
	if r, ok := a.Owner("pong", "hidden"); !ok || r.Node != "c" {
		t.Fatalf("hidden after the purge: %+v %v; c's claim must survive", r, ok)
	}
}

func TestLeaveRemovesAtOnce(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	b := startNode(t, "b", url, newSeats(1))
	if err := b.Claim(context.Background(), RoomInfo{Game: "pong", Name: "r", Seats: 2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "a sees b's room", func() bool { _, ok := a.Owner("pong", "r"); return ok })
	if err := b.Leave(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Well within the TTL: a clean stop does not wait for expiry.
	eventually(t, time.Second, "a drops b and its room", func() bool {
		_, ok := a.Owner("pong", "r")
		return !ok && ids(a.Nodes()) == "a "
	})
	if _, err := a.rooms.Get(context.Background(), "pong.r"); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Fatalf("b's room entry after Leave: %v", err)
	}
}

func TestConcurrentClaimsMakeOneOwner(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	nodes := []*Node{startNode(t, "a", url, newSeats(1)), startNode(t, "b", url, newSeats(1)), startNode(t, "c", url, newSeats(1))}
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Go(func() {
			errs[i] = nodes[i%3].Claim(context.Background(), RoomInfo{Game: "pong", Name: "friends", Seats: 4})
		})
	}
	wg.Wait()
	winners := map[string]int{}
	var owner string
	for i, err := range errs {
		var ce *ClaimedError
		switch {
		case err == nil:
			owner = nodes[i%3].ID()
			winners[owner]++
		case errors.As(err, &ce) && errors.Is(err, ErrClaimed):
		default:
			t.Fatalf("claim %d: %v", i, err)
		}
	}
	if len(winners) != 1 || winners[owner] != 1 {
		t.Fatalf("winners %v: want exactly one claim to succeed", winners)
	}
	for i, err := range errs {
		var ce *ClaimedError
		if errors.As(err, &ce) && ce.Room.Node != owner {
			t.Fatalf("claim %d lost to %s, but %s owns the room", i, ce.Room.Node, owner)
		}
	}
	for _, n := range nodes {
		eventually(t, 3*time.Second, n.ID()+" sees the owner", func() bool { r, ok := n.Owner("pong", "friends"); return ok && r.Node == owner })
	}
}

func TestReservationsNeverOverfill(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	owner := newSeats(10, "friends")
	nodes := []*Node{startNode(t, "a", url, newSeats(1)), startNode(t, "b", url, owner), startNode(t, "c", url, newSeats(1))}
	var wg sync.WaitGroup
	res := make([]Reservation, 30)
	errs := make([]error, 30)
	for i := range res {
		wg.Go(func() {
			res[i], errs[i] = nodes[i%3].Reserve(context.Background(), "b", SeatRequest{Game: "pong", Room: "friends", Name: fmt.Sprintf("p%d", i)})
		})
	}
	wg.Wait()
	seatsGiven := map[int]bool{}
	tokenIDs := map[string]bool{}
	var ledger Ledger
	full := 0
	for i, err := range errs {
		if ce, ok := wire.AsCloseError(err); ok && ce.Code == wire.CloseRoomFull {
			full++
			continue
		}
		if err != nil {
			t.Fatalf("reserve %d: %v", i, err)
		}
		c := res[i].Claims
		if c.Node != "b" || c.Room != "friends" || c.Name != fmt.Sprintf("p%d", i) || res[i].URL != "ws://127.0.0.1/b" {
			t.Fatalf("reservation %d: %+v", i, res[i])
		}
		if seatsGiven[c.Seat] || tokenIDs[c.ID] {
			t.Fatalf("seat %d or id %s given twice", c.Seat, c.ID)
		}
		seatsGiven[c.Seat], tokenIDs[c.ID] = true, true
		// Any node verifies the owner's token; the owner honours it once.
		if _, err := nodes[(i+1)%3].Signer().Verify(res[i].Token, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ledger.Use(c, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := ledger.Use(c, time.Now()); !errors.Is(err, ErrTokenUsed) {
			t.Fatalf("second use of reservation %d: %v", i, err)
		}
		if time.Until(c.Expires) > 15*time.Second || time.Until(c.Expires) < 13*time.Second {
			t.Fatalf("reservation expires in %v, want about 15s", time.Until(c.Expires))
		}
	}
	if len(seatsGiven) != 10 || full != 20 || owner.held("friends") != 10 {
		t.Fatalf("%d seats given, %d refused full, %d held; want 10, 20, 10", len(seatsGiven), full, owner.held("friends"))
	}
	// The owner's other refusals travel as they are.
	_, err := nodes[0].Reserve(context.Background(), "b", SeatRequest{Game: "pong", Room: "nope", Name: "x"})
	if ce, ok := wire.AsCloseError(err); !ok || ce.Code != wire.CloseNoRoom {
		t.Fatalf("reserve in a closed room: %v", err)
	}
}

func TestReserveFailures(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	slow := newSeats(1, "r")
	slow.delay = time.Second
	fast := func(c *Config) { c.RequestTimeout = 200 * time.Millisecond }
	a := startNode(t, "a", url, newSeats(1), fast)
	startNode(t, "b", url, slow)
	ctx := context.Background()
	start := time.Now()
	if _, err := a.Reserve(ctx, "b", SeatRequest{Game: "pong", Room: "r", Name: "x"}); !errors.Is(err, ErrTimeout) {
		t.Fatalf("slow owner: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the timeout took %v", d)
	}
	if _, err := a.Reserve(ctx, "nobody", SeatRequest{Game: "pong", Room: "r", Name: "x"}); !errors.Is(err, ErrNodeUnreachable) {
		t.Fatalf("unknown node: %v, want ErrNodeUnreachable", err)
	}
	if _, err := a.Reserve(ctx, "b", SeatRequest{Game: "pong", Room: "bad room", Name: "x"}); err == nil {
		t.Fatal("a bad room name was sent")
	}
	if _, err := a.Reserve(ctx, "b", SeatRequest{Game: "pong", Room: "r", Name: strings.Repeat("x", 65)}); err == nil {
		t.Fatal("a 65-byte player name was sent")
	}
	// The owner checks too, whoever sends the request.
	msg, err := a.nc.Request(a.subject("b", "reserve"), []byte(`{"game":"pong","room":"r.x","name":"x"}`), time.Second)
	if err != nil || !strings.Contains(string(msg.Data), `"code":4007`) {
		t.Fatalf("a bad request answered %v %v, want a refusal with CloseBadRoom", msg, err)
	}
	// A full node refuses at once rather than queueing.
	c := startNode(t, "c", url, slow, func(c *Config) { c.MaxInFlight = 1 })
	_ = c
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = a.Reserve(ctx, "c", SeatRequest{Game: "pong", Room: "r", Name: "x"}) })
	}
	wg.Wait()
	busy := 0
	for _, err := range errs {
		if ce, ok := wire.AsCloseError(err); ok && ce.Code == wire.CloseServerFull {
			busy++
		}
	}
	if busy != 1 {
		t.Fatalf("errors %v: want one refused as busy", errs)
	}
}

func TestRoomUpdatesAreCoalesced(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	b := startNode(t, "b", url, newSeats(1))
	ctx := context.Background()
	r := RoomInfo{Game: "pong", Name: "busy", Seats: 100, Auto: true}
	if err := a.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	e0, _ := a.rooms.Get(ctx, "pong.busy")
	for i := 1; i <= 50; i++ {
		r.Players = i
		if err := a.UpdateRoom(r); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	eventually(t, 2*time.Second, "b sees the last update", func() bool { got, _ := b.Owner("pong", "busy"); return got.Players == 50 })
	e1, _ := a.rooms.Get(ctx, "pong.busy")
	// 50 changes in ~100 ms at one write per 500 ms: the first at once, the rest coalesced.
	if writes := e1.Revision() - e0.Revision(); writes > 2 {
		t.Fatalf("%d writes for 50 changes in 100 ms", writes)
	}
	if err := b.UpdateRoom(r); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("b updated a's room: %v", err)
	}
	if err := a.Release(ctx, "pong", "busy"); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "b sees the release", func() bool { _, ok := b.Owner("pong", "busy"); return !ok })
}

func TestOwnerRewritesALostEntryAndGivesUpATakenOne(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	lost := make(chan string, 1)
	a := startNode(t, "a", url, newSeats(1), func(c *Config) {
		c.OnRoomLost = func(game, name, winner string) { lost <- game + "/" + name + " to " + winner }
	})
	ctx := context.Background()
	for _, name := range []string{"r1", "r2"} {
		if err := a.Claim(ctx, RoomInfo{Game: "pong", Name: name, Seats: 2}); err != nil {
			t.Fatal(err)
		}
	}
	// Someone removes r1's entry (as a janitor would after a's entry expired): a writes it again.
	if err := a.rooms.Purge(ctx, "pong.r1"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "r1 rewritten", func() bool {
		e, err := a.rooms.Get(ctx, "pong.r1")
		return err == nil && e.Operation() == jetstream.KeyValuePut
	})
	// Another node holds r2 now: a gives it up and says so.
	if _, err := a.rooms.Put(ctx, "pong.r2", []byte(`{"game":"pong","name":"r2","node":"x","seats":2}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-lost:
		if got != "pong/r2 to x" {
			t.Fatalf("lost %q", got)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("OnRoomLost not called")
	}
	if err := a.UpdateRoom(RoomInfo{Game: "pong", Name: "r2", Seats: 2, Players: 1}); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("update a lost room: %v", err)
	}
}

// TestIdleTraffic measures the cluster machinery's NATS messages per node per second at idle, with
// three nodes and a few rooms that do not change.
func TestIdleTraffic(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	nodes := []*Node{startNode(t, "a", url, newSeats(1)), startNode(t, "b", url, newSeats(1)), startNode(t, "c", url, newSeats(1))}
	for i, n := range nodes {
		if err := n.Claim(context.Background(), RoomInfo{Game: "pong", Name: fmt.Sprintf("r%d", i), Seats: 2}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 3*time.Second, "all see all", func() bool { return len(nodes[0].Rooms()) == 3 && len(nodes[2].Nodes()) == 3 })
	time.Sleep(500 * time.Millisecond)
	before := nodes[0].Status()
	const window = 3 * time.Second
	time.Sleep(window)
	after := nodes[0].Status()
	in := float64(after.InMsgs-before.InMsgs) / window.Seconds()
	out := float64(after.OutMsgs-before.OutMsgs) / window.Seconds()
	t.Logf("idle, 3 nodes, 3 rooms: %.1f messages/s in, %.1f out per node (%.0f B/s in, %.0f B/s out)",
		in, out, float64(after.InBytes-before.InBytes)/window.Seconds(), float64(after.OutBytes-before.OutBytes)/window.Seconds())
	// One registry write per second (and its ack), and each node's write from the watch: rooms that
	// do not change cost nothing.
	if out > 1.5 || in > 4.5 {
		t.Fatalf("idle traffic %.1f in, %.1f out per second; want about 4 in and 1 out", in, out)
	}
}

func TestRestartedNodeDropsItsPreviousRooms(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	b := startNode(t, "b", url, newSeats(1))
	if err := b.Claim(context.Background(), RoomInfo{Game: "pong", Name: "old", Seats: 2}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "a sees b's room", func() bool { _, ok := a.Owner("pong", "old"); return ok })
	b.Close() // crash, and come back at once with the same id, before the entry expires
	startNode(t, "b", url, newSeats(1))
	eventually(t, time.Second, "a drops the room b's previous run left", func() bool { _, ok := a.Owner("pong", "old"); return !ok })
	if _, ok := a.Node("b"); !ok {
		t.Fatal("a lost the restarted b")
	}
}

// TestBucketsCarryReplicas: the three buckets are configured with Config.Replicas (1 by default), and
// every node applies it, so a NATS cluster keeps that many copies of the registry and directory.
func TestBucketsCarryReplicas(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		replicas int
		want     int
	}{
		{"default", 0, 1},
		{"one", 1, 1},
		{"a NATS cluster of three", 3, 3},
		{"the maximum", 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Config{PublicURL: "ws://x", TokenKey: testKey, URLs: []string{"nats://127.0.0.1:4222"}, Replicas: tc.replicas}.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			nodes, rooms, ckpts := (&Node{cfg: cfg}).bucketConfigs()
			if nodes.Replicas != tc.want || rooms.Replicas != tc.want || ckpts.Replicas != tc.want {
				t.Errorf("replicas: nodes bucket %d, rooms bucket %d, checkpoints bucket %d; want %d", nodes.Replicas, rooms.Replicas, ckpts.Replicas, tc.want)
			}
			if ckpts.History != 1 || ckpts.Storage != jetstream.FileStorage || ckpts.Bucket != "tickwire_checkpoints" {
				t.Errorf("checkpoints bucket %+v: want tickwire_checkpoints, history 1, file storage", ckpts)
			}
		})
	}
}

// TestReplicasOnASingleServerFailClearly: a node asking a NATS server that is not in a cluster for
// three replicas fails at once (no retry makes a single server a cluster), saying what to change.
func TestReplicasOnASingleServerFailClearly(t *testing.T) {
	url := natsServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	n, err := Start(ctx, Config{ID: "a", PublicURL: "ws://127.0.0.1/a", TokenKey: testKey, Log: quiet, URLs: []string{url}, Replicas: 3}, newSeats(4))
	if err == nil {
		n.Close()
		t.Fatal("started with 3 replicas on a single NATS server")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("failed after %v: want at once, not at the context's deadline", took)
	}
	for _, want := range []string{"Replicas is 3", "not part of a NATS cluster", "replicas > 1 not supported", "set Replicas to 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The same server serves a node with one replica.
	startNode(t, "b", url, newSeats(4))
}
