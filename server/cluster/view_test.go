package cluster

import (
	"slices"
	"testing"
	"time"
)

func viewOf(nodes []NodeInfo, rooms []RoomInfo) *view {
	v := newView()
	for _, n := range nodes {
		v.nodes[n.ID] = n
	}
	for _, r := range rooms {
		v.rooms[roomKey(r.Game, r.Name)] = r
	}
	return v
}

func node(id string, players, rooms int, cpu float64, draining bool) NodeInfo {
	return NodeInfo{ID: id, Load: Load{Players: players, Rooms: rooms, CPU: cpu}, Draining: draining}
}

func TestLeastLoaded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		nodes []NodeInfo
		want  string // "" for none
	}{
		{"none", nil, ""},
		{"fewest players", []NodeInfo{node("a", 10, 1, 0, false), node("b", 3, 5, 0.9, false), node("c", 7, 0, 0, false)}, "b"},
		{"players tie: fewest rooms", []NodeInfo{node("a", 4, 2, 0, false), node("b", 4, 1, 0.5, false)}, "b"},
		{"rooms tie: lowest CPU", []NodeInfo{node("a", 4, 1, 0.7, false), node("b", 4, 1, 0.2, false)}, "b"},
		{"all tie: lowest id", []NodeInfo{node("c", 0, 0, 0, false), node("a", 0, 0, 0, false), node("b", 0, 0, 0, false)}, "a"},
		{"draining skipped", []NodeInfo{node("a", 0, 0, 0, true), node("b", 50, 9, 1, false)}, "b"},
		{"all draining", []NodeInfo{node("a", 0, 0, 0, true), node("b", 0, 0, 0, true)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := viewOf(tc.nodes, nil).leastLoaded()
			if ok != (tc.want != "") || got.ID != tc.want {
				t.Fatalf("leastLoaded = %q, %v; want %q", got.ID, ok, tc.want)
			}
		})
	}
}

func room(name, nodeID string, players, seats int, auto, private bool) RoomInfo {
	return RoomInfo{Game: "pong", Name: name, Node: nodeID, Players: players, Seats: seats, Auto: auto, Private: private}
}

func TestBusiest(t *testing.T) {
	t.Parallel()
	live := []NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, false), node("d", 0, 0, 0, true)}
	for _, tc := range []struct {
		name  string
		rooms []RoomInfo
		want  string
	}{
		{"none", nil, ""},
		{"most players with space", []RoomInfo{room("p1", "a", 3, 10, true, false), room("p2", "b", 8, 10, true, false), room("p3", "a", 1, 10, true, false)}, "p2"},
		{"full rooms skipped", []RoomInfo{room("p1", "a", 10, 10, true, false), room("p2", "b", 2, 10, true, false)}, "p2"},
		{"named rooms skipped", []RoomInfo{room("friends", "a", 5, 10, false, false), room("p2", "b", 2, 10, true, false)}, "p2"},
		{"private rooms skipped", []RoomInfo{room("p1", "a", 5, 10, true, true), room("p2", "b", 2, 10, true, false)}, "p2"},
		{"dead node's rooms skipped", []RoomInfo{room("p1", "zz", 5, 10, true, false), room("p2", "b", 2, 10, true, false)}, "p2"},
		{"draining node's rooms skipped", []RoomInfo{room("p1", "d", 5, 10, true, false), room("p2", "b", 2, 10, true, false)}, "p2"},
		{"other game skipped", []RoomInfo{{Game: "arena", Name: "x", Node: "a", Players: 5, Seats: 10, Auto: true}}, ""},
		{"tie: lowest name", []RoomInfo{room("p9", "a", 4, 10, true, false), room("p2", "b", 4, 10, true, false)}, "p2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := viewOf(live, tc.rooms).busiest("pong")
			if ok != (tc.want != "") || got.Name != tc.want {
				t.Fatalf("busiest = %q, %v; want %q", got.Name, ok, tc.want)
			}
		})
	}
}

func TestPublicRoomsAndOwner(t *testing.T) {
	t.Parallel()
	v := viewOf([]NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, true)}, []RoomInfo{
		room("z", "a", 1, 2, true, false), room("secret", "a", 1, 2, false, true), room("gone", "dead", 1, 2, false, false),
		room("drain", "b", 1, 2, false, false), {Game: "arena", Name: "a1", Node: "a"},
	})
	var names []string
	for _, r := range v.publicRooms() {
		names = append(names, r.Game+"/"+r.Name)
	}
	// Private and dead rooms are out; a draining node's rooms are still listed (they still play).
	if want := []string{"arena/a1", "pong/drain", "pong/z"}; !slices.Equal(names, want) {
		t.Fatalf("publicRooms = %v, want %v", names, want)
	}
	if r, ok := v.owner("pong", "secret"); !ok || r.Node != "a" {
		t.Fatalf("owner(secret) = %+v, %v: private rooms are found by name", r, ok)
	}
	if _, ok := v.owner("pong", "gone"); ok {
		t.Fatal("owner(gone) found a dead node's room")
	}
	if _, ok := v.owner("pong", "nope"); ok {
		t.Fatal("owner(nope) found a room that does not exist")
	}
}

func TestOrphansWaitForGrace(t *testing.T) {
	t.Parallel()
	v := viewOf([]NodeInfo{node("a", 0, 0, 0, false)}, []RoomInfo{room("r1", "a", 1, 2, true, false), room("r2", "dead", 1, 2, true, false)})
	grace := 3 * time.Second
	if got := v.orphans(t0, grace); len(got) != 0 {
		t.Fatalf("orphans at first sight = %v, want none yet", got)
	}
	if got := v.orphans(t0.Add(2*time.Second), grace); len(got) != 0 {
		t.Fatalf("orphans before grace = %v, want none", got)
	}
	got := v.orphans(t0.Add(3*time.Second), grace)
	if len(got) != 1 || got[0].Name != "r2" {
		t.Fatalf("orphans after grace = %v, want r2", got)
	}
	// The node comes back (its entry reached us late): its rooms are not orphans, and the clock of
	// its absence restarts if it goes again.
	v.nodes["dead"] = node("dead", 0, 0, 0, false)
	if got := v.orphans(t0.Add(4*time.Second), grace); len(got) != 0 {
		t.Fatalf("orphans after the node came back = %v", got)
	}
	delete(v.nodes, "dead")
	if got := v.orphans(t0.Add(5*time.Second), grace); len(got) != 0 {
		t.Fatalf("orphans right after the node left again = %v", got)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	first, max := 100*time.Millisecond, 2*time.Second
	for _, tc := range []struct {
		n      int
		lo, hi time.Duration
	}{{1, 75 * time.Millisecond, 100 * time.Millisecond}, {2, 150 * time.Millisecond, 200 * time.Millisecond},
		{5, 1200 * time.Millisecond, 1600 * time.Millisecond}, {6, 1500 * time.Millisecond, max}, {1000, 1500 * time.Millisecond, max}} {
		for range 20 {
			if d := backoff(tc.n, first, max); d < tc.lo || d > tc.hi {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", tc.n, d, tc.lo, tc.hi)
			}
		}
	}
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	c, err := Config{PublicURL: "ws://127.0.0.1:8080/ws"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if !idRe.MatchString(c.ID) || len(c.TokenKey) != 32 || c.NodeTTL != 3*time.Second || c.RefreshInterval != time.Second ||
		c.RoomUpdateInterval != 500*time.Millisecond || c.OrphanGrace != c.NodeTTL || c.RequestTimeout != 2*time.Second ||
		c.ReservationTTL != 15*time.Second || c.MaxInFlight != 64 || c.PingInterval != 5*time.Second || c.Prefix != "tickwire" || c.Replicas != 1 || c.Log == nil ||
		c.DeadNodeMemory != 10*time.Minute || c.StaleCheckpointAge != time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"no public url", Config{}},
		{"public url not a websocket", Config{PublicURL: "https://eu1.example.com/ws"}},
		{"public url with no host", Config{PublicURL: "ws:///ws"}},
		{"bad id", Config{PublicURL: "ws://x", ID: "a.b"}},
		{"external without key", Config{PublicURL: "ws://x", URLs: []string{"nats://127.0.0.1:4222"}}},
		{"short key", Config{PublicURL: "ws://x", TokenKey: []byte("short")}},
		{"ttl below two refreshes", Config{PublicURL: "ws://x", NodeTTL: 3 * time.Second, RefreshInterval: 2 * time.Second}},
		{"ttl below a second", Config{PublicURL: "ws://x", NodeTTL: 800 * time.Millisecond, RefreshInterval: 100 * time.Millisecond}},
		{"negative timeout", Config{PublicURL: "ws://x", RequestTimeout: -time.Second}},
		{"negative stale checkpoint age", Config{PublicURL: "ws://x", StaleCheckpointAge: -time.Second}},
		{"bad prefix", Config{PublicURL: "ws://x", Prefix: "a b"}},
		{"negative replicas", Config{PublicURL: "ws://x", Replicas: -1}},
		{"more replicas than JetStream allows", Config{PublicURL: "ws://x", TokenKey: testKey, URLs: []string{"nats://127.0.0.1:4222"}, Replicas: 6}},
		{"replicas on the embedded server", Config{PublicURL: "ws://x", Replicas: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := tc.c.withDefaults(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestPlaceSpreadsABurst: placement counts the rooms this node placed on each node until the node's
// second report after them, so rooms placed between two reports spread over the nodes. Each step is
// a placement (the node it should choose) or a report of a node (its load as it says).
func TestPlaceSpreadsABurst(t *testing.T) {
	t.Parallel()
	type step struct {
		place  string   // the node the next room should go to ("" for none), or
		report NodeInfo // a new registry entry
	}
	placeOn := func(ids ...string) []step {
		var s []step
		for _, id := range ids {
			s = append(s, step{place: id})
		}
		return s
	}
	steps := func(parts ...[]step) []step { return slices.Concat(parts...) }
	for _, tc := range []struct {
		name  string
		nodes []NodeInfo
		steps []step
	}{
		{"a burst on idle nodes goes round", []NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, false), node("c", 0, 0, 0, false)},
			placeOn("a", "b", "c", "a", "b", "c", "a", "b", "c")},
		{"a burst fills the least-loaded node up to the others first",
			[]NodeInfo{node("a", 4, 1, 0, false), node("b", 1, 1, 0, false), node("c", 3, 1, 0, false)},
			placeOn("b", "b", "c", "b", "a", "c")},
		{"draining nodes get none", []NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, true), node("c", 5, 0, 0, false)},
			placeOn("a", "a", "a", "a", "a", "c", "a")}, // a 5 players and 5 rooms, c 5 and 0: c
		{"no live node", []NodeInfo{node("a", 0, 0, 0, true)}, placeOn("", "")},
		{"a placement counts until the second report after it",
			[]NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, false)},
			steps(placeOn("a", "b", "a"), // a has 2 pending, b 1
				[]step{{report: node("a", 0, 0, 0, false)}}, // measured before the rooms: both still count
				placeOn("b"), // a 2, b 2
				// a's second report shows its two rooms, which no longer count on top: a 2, b 2 (placed),
				// a tie that the lowest id breaks; then a 3, b 2.
				[]step{{report: node("a", 2, 2, 0, false)}},
				placeOn("a", "b"),
			)},
		{"a report that still lacks the rooms leaves them counted once",
			[]NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, false)},
			steps(placeOn("a", "b", "a", "b"),
				[]step{{report: node("a", 0, 0, 0, false)}, {report: node("b", 0, 0, 0, false)}},
				placeOn("a", "b"), // cur 1 + prev 2 each
				[]step{{report: node("a", 2, 2, 0, false)}, {report: node("b", 2, 2, 0, false)}},
				// a and b: report 2 + 1 placed since the last report but one
				placeOn("a", "b"),
				[]step{{report: node("a", 4, 4, 0, false)}, {report: node("b", 1, 1, 0, false)}},
				placeOn("b", "b", "b", "a"),
			)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := viewOf(tc.nodes, nil)
			for i, s := range tc.steps {
				if s.report.ID != "" {
					v.nodes[s.report.ID] = s.report
					v.reported(s.report.ID)
					continue
				}
				got, ok := v.place()
				if ok != (s.place != "") || got.ID != s.place {
					t.Fatalf("step %d: placed on %q (%v), want %q; pending %v", i, got.ID, ok, s.place, v.placed)
				}
			}
		})
	}
}

// TestPlacementsOfGoneNodesAreForgotten: a node that leaves the view takes its count with it, so
// that a node coming back with the same id starts from its report alone.
func TestPlacementsOfGoneNodesAreForgotten(t *testing.T) {
	t.Parallel()
	v := viewOf([]NodeInfo{node("a", 0, 0, 0, false), node("b", 0, 0, 0, false)}, nil)
	v.place()
	v.place()
	delete(v.nodes, "a")
	v.forget()
	if _, ok := v.placed["a"]; ok || v.placed["b"].pending() != 1 {
		t.Fatalf("placed %v, want only b's one", v.placed)
	}
	v.nodes["a"] = node("a", 0, 0, 0, false)
	if got, _ := v.leastLoaded(); got.ID != "a" || got.Players != 0 {
		t.Fatalf("leastLoaded = %+v, want a with its report's load", got)
	}
}

func TestPlaceAdoption(t *testing.T) {
	t.Parallel()
	hosts := func(n NodeInfo, version int) NodeInfo {
		n.Games = map[string]int{"pong": version, "arena": 1}
		return n
	}
	for _, tc := range []struct {
		name  string
		nodes []NodeInfo
		want  string // "" for none
	}{
		{"least loaded other node", []NodeInfo{hosts(node("self", 0, 0, 0, false), 3), hosts(node("b", 9, 1, 0, false), 3), hosts(node("c", 4, 1, 0, false), 3)}, "c"},
		{"never self", []NodeInfo{hosts(node("self", 0, 0, 0, false), 3)}, ""},
		{"same version only", []NodeInfo{hosts(node("b", 0, 0, 0, false), 2), hosts(node("c", 50, 5, 0, false), 3)}, "c"},
		{"game not hosted", []NodeInfo{node("b", 0, 0, 0, false)}, ""},
		{"draining skipped", []NodeInfo{hosts(node("b", 0, 0, 0, true), 3), hosts(node("c", 50, 5, 0, false), 3)}, "c"},
		{"none eligible", []NodeInfo{hosts(node("b", 0, 0, 0, true), 3), hosts(node("c", 0, 0, 0, false), 4)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := viewOf(tc.nodes, nil).placeAdoption("self", "pong", 3)
			if ok != (tc.want != "") || got.ID != tc.want {
				t.Fatalf("placeAdoption = %q, %v; want %q", got.ID, ok, tc.want)
			}
		})
	}
	// Placements count, as PlaceRoom's do: a burst of adoptions spreads.
	v := viewOf([]NodeInfo{hosts(node("b", 0, 0, 0, false), 3), hosts(node("c", 0, 0, 0, false), 3)}, nil)
	first, _ := v.placeAdoption("self", "pong", 3)
	second, _ := v.placeAdoption("self", "pong", 3)
	if first.ID != "b" || second.ID != "c" {
		t.Fatalf("two adoptions went to %s and %s; want b then c", first.ID, second.ID)
	}
}

func TestOrphansOfANodeSeenToDieNeedNoGrace(t *testing.T) {
	t.Parallel()
	v := viewOf([]NodeInfo{node("a", 0, 0, 0, false)}, []RoomInfo{room("r1", "dead", 1, 2, true, false), room("r2", "never", 1, 2, true, false)})
	v.left(node("dead", 0, 0, 0, false), t0)
	got := v.orphans(t0, time.Minute)
	if len(got) != 1 || got[0].Name != "r1" {
		t.Fatalf("orphans at once = %v, want r1 only (its node was seen to die)", got)
	}
	v.forgetGone(t0.Add(2*time.Minute), time.Minute)
	if _, ok := v.gone["dead"]; ok {
		t.Fatal("a node gone longer than the memory is still remembered")
	}
}
