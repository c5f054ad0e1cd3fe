package cluster

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/tickwire/tickwire/shared/wire"
)

// adopter is a fake lobby that adopts rooms: it records each adoption and, by mode, takes the
// room's entry over, refuses, or waits out its context, tries to take the entry over and answers
// too late.
type adopter struct {
	*seats
	mode    string // "take", "refuse", "block"
	node    atomic.Pointer[Node]
	got     chan Adoption
	lateErr chan error // block: what the late TakeOver answered
}

func newAdopter(mode string) *adopter {
	return &adopter{seats: newSeats(1), mode: mode, got: make(chan Adoption, 16), lateErr: make(chan error, 16)}
}

func (a *adopter) Adopt(ctx context.Context, ad Adoption) error {
	a.got <- ad
	info := RoomInfo{Game: ad.Game, Name: ad.Room, Seats: 2, Players: 1}
	switch a.mode {
	case "refuse":
		return wire.Closef(wire.CloseUnknownGame, "state version 2 of %s is not hosted here", ad.Game)
	case "block":
		<-ctx.Done()
		a.lateErr <- a.node.Load().TakeOver(context.Background(), info, ad.From)
		time.Sleep(time.Second) // answer after the asking node stopped waiting
		return ctx.Err()
	}
	return a.node.Load().TakeOver(ctx, info, ad.From)
}

func startAdopter(t *testing.T, id, url, mode string, tweak ...func(*Config)) (*Node, *adopter) {
	t.Helper()
	a := newAdopter(mode)
	n := startNode(t, id, url, a, tweak...)
	a.node.Store(n)
	return n, a
}

func entryNode(t *testing.T, n *Node, key string) string {
	t.Helper()
	e, err := n.rooms.Get(context.Background(), key)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(e.Value())
}

func TestHandoffMovesTheEntry(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	b, ad := startAdopter(t, "b", url, "take")
	ctx := context.Background()
	r := RoomInfo{Game: "pong", Name: "r", Seats: 2, Players: 2}
	if err := a.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	eventually(t, 3*time.Second, "b sees a's room", func() bool { got, ok := b.Owner("pong", "r"); return ok && got.Node == "a" })
	a.Checkpoint("pong", "r", []byte("old"))
	if err := a.Handoff(ctx, "b", "pong", "r", []byte("the capture")); err != nil {
		t.Fatal(err)
	}
	got := <-ad.got
	if got.Game != "pong" || got.Room != "r" || got.From != "a" || got.Recovered || string(got.Capture) != "the capture" {
		t.Fatalf("adoption %+v", got)
	}
	for _, n := range []*Node{a, b} {
		eventually(t, 2*time.Second, n.ID()+" sees b own the room", func() bool { got, ok := n.Owner("pong", "r"); return ok && got.Node == "b" })
	}
	if err := a.UpdateRoom(RoomInfo{Game: "pong", Name: "r", Seats: 2, Players: 1}); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("a updated the room it handed off: %v", err)
	}
	if err := a.Handoff(ctx, "b", "pong", "r", nil); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("a handed off a room it no longer owns: %v", err)
	}
	// a's loop does not write the entry back.
	time.Sleep(1200 * time.Millisecond)
	if e := entryNode(t, a, "pong.r"); !strings.Contains(e, `"node":"b"`) {
		t.Fatalf("entry after a second: %s", e)
	}
	if err := b.UpdateRoom(RoomInfo{Game: "pong", Name: "r", Seats: 2, Players: 1}); err != nil {
		t.Fatalf("b cannot update the room it adopted: %v", err)
	}
}

func TestHandoffFailuresKeepTheRoom(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1), func(c *Config) { c.RequestTimeout = 500 * time.Millisecond })
	startAdopter(t, "refuser", url, "refuse")
	_, slow := startAdopter(t, "slow", url, "block")
	startNode(t, "plain", url, newSeats(1)) // a Reserver that is no Adopter
	ctx := context.Background()
	r := RoomInfo{Game: "pong", Name: "r", Seats: 2}
	if err := a.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	keeps := func(what string) {
		t.Helper()
		if e := entryNode(t, a, "pong.r"); !strings.Contains(e, `"node":"a"`) {
			t.Fatalf("%s: entry %s, want a's", what, e)
		}
		r.Players++
		if err := a.UpdateRoom(r); err != nil {
			t.Fatalf("%s: a no longer owns the room: %v", what, err)
		}
		eventually(t, 2*time.Second, what+": a's update written", func() bool {
			return strings.Contains(entryNode(t, a, "pong.r"), `"players":`+string(rune('0'+r.Players)))
		})
	}
	for _, tc := range []struct {
		name, node string
		check      func(error) bool
	}{
		{"refused", "refuser", func(err error) bool { ce, ok := wire.AsCloseError(err); return ok && ce.Code == wire.CloseUnknownGame }},
		{"no adopter", "plain", func(err error) bool {
			ce, ok := wire.AsCloseError(err)
			return ok && ce.Code == wire.CloseServerError && strings.Contains(ce.Reason, "does not adopt")
		}},
		{"no such node", "nobody", func(err error) bool { return errors.Is(err, ErrNodeUnreachable) }},
		{"timeout", "slow", func(err error) bool { return errors.Is(err, ErrTimeout) }},
	} {
		start := time.Now()
		err := a.Handoff(ctx, tc.node, "pong", "r", []byte("c"))
		if !tc.check(err) {
			t.Fatalf("%s: Handoff = %v", tc.name, err)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Fatalf("%s: Handoff took %v", tc.name, d)
		}
		keeps(tc.name)
	}
	// The slow adopter's TakeOver, after its deadline, is refused: the room is not on two nodes.
	if err := <-slow.lateErr; err == nil {
		t.Fatal("a late TakeOver succeeded after the handoff gave up")
	}
	keeps("after the late TakeOver")
	// Refused before anything is sent.
	if err := a.Handoff(ctx, "refuser", "pong", "r", make([]byte, 2<<20)); !errors.Is(err, ErrCaptureTooBig) {
		t.Fatalf("a 2 MB capture: %v", err)
	}
	if err := a.Handoff(ctx, "a", "pong", "r", nil); err == nil {
		t.Fatal("a handed a room off to itself")
	}
	if err := a.Handoff(ctx, "refuser", "pong", "nope", nil); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("handoff of a room not owned: %v", err)
	}
	keeps("at the end")
}

func TestTakeOverRefusesAThirdNode(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	a := startNode(t, "a", url, newSeats(1))
	c := startNode(t, "c", url, newSeats(1))
	ctx := context.Background()
	r := RoomInfo{Game: "pong", Name: "r", Seats: 2}
	if err := a.Claim(ctx, r); err != nil {
		t.Fatal(err)
	}
	var ce *ClaimedError
	if err := c.TakeOver(ctx, r, "b"); !errors.As(err, &ce) || ce.Room.Node != "a" || !errors.Is(err, ErrClaimed) {
		t.Fatalf("take over from b a room a holds: %v", err)
	}
	if err := c.TakeOver(ctx, r, "a"); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Owner("pong", "r"); !ok || got.Node != "c" {
		t.Fatalf("c's view after its take-over: %+v %v", got, ok)
	}
	if err := c.UpdateRoom(RoomInfo{Game: "pong", Name: "r", Seats: 2, Players: 1}); err != nil {
		t.Fatal(err)
	}
	// An absent entry is taken whoever it was from.
	if err := c.TakeOver(ctx, RoomInfo{Game: "pong", Name: "fresh", Seats: 2}, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := c.Release(ctx, "pong", "fresh"); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpoints(t *testing.T) {
	t.Parallel()
	n := startNode(t, "solo", "", newSeats(1))
	ctx := context.Background()
	if _, err := n.LoadCheckpoint(ctx, "pong", "r"); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("no checkpoint yet: %v", err)
	}
	for i := range 50 {
		n.Checkpoint("pong", "r", []byte{byte(i)})
	}
	eventually(t, 2*time.Second, "the latest checkpoint written", func() bool {
		b, err := n.LoadCheckpoint(ctx, "pong", "r")
		return err == nil && bytes.Equal(b, []byte{49})
	})
	n.DropCheckpoint("pong", "r")
	eventually(t, 2*time.Second, "the checkpoint deleted", func() bool {
		_, err := n.LoadCheckpoint(ctx, "pong", "r")
		return errors.Is(err, ErrNoCheckpoint)
	})
	// A drop cancels a write not yet done, and a write after a drop is kept.
	n.Checkpoint("pong", "q", []byte("x"))
	n.DropCheckpoint("pong", "q")
	n.Checkpoint("pong", "p", []byte("x"))
	n.DropCheckpoint("pong", "p")
	n.Checkpoint("pong", "p", []byte("y"))
	eventually(t, 2*time.Second, "p written", func() bool { b, err := n.LoadCheckpoint(ctx, "pong", "p"); return err == nil && string(b) == "y" })
	if _, err := n.LoadCheckpoint(ctx, "pong", "q"); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("q after write and drop: %v", err)
	}
	if _, err := n.LoadCheckpoint(ctx, "pong", "bad.name"); err == nil || errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("bad room name: %v", err)
	}
}

// TestLeaveDropsTheCheckpointsOfItsRooms: a graceful stop ends the rooms it still owns, so their
// checkpoints go; a crash (Close) leaves them for recovery.
func TestLeaveDropsTheCheckpointsOfItsRooms(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	watcher := startNode(t, "w", url, newSeats(1))
	ctx := context.Background()
	for _, tc := range []struct {
		id    string
		leave bool
	}{{"leaver", true}, {"crasher", false}} {
		n := startNode(t, tc.id, url, newSeats(1))
		if err := n.Claim(ctx, RoomInfo{Game: "pong", Name: tc.id, Seats: 2}); err != nil {
			t.Fatal(err)
		}
		n.Checkpoint("pong", tc.id, []byte("state"))
		eventually(t, 2*time.Second, tc.id+"'s checkpoint written", func() bool { _, err := watcher.LoadCheckpoint(ctx, "pong", tc.id); return err == nil })
		if tc.leave {
			if err := n.Leave(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			n.Close()
		}
		_, err := watcher.LoadCheckpoint(ctx, "pong", tc.id)
		if tc.leave != errors.Is(err, ErrNoCheckpoint) {
			t.Fatalf("%s: checkpoint after stopping: %v", tc.id, err)
		}
	}
}

func TestStaleCheckpointsAreDeleted(t *testing.T) {
	t.Parallel()
	n := startNode(t, "solo", "", newSeats(1), func(c *Config) { c.StaleCheckpointAge = 2 * time.Second })
	ctx := context.Background()
	if err := n.Claim(ctx, RoomInfo{Game: "pong", Name: "open", Seats: 2}); err != nil {
		t.Fatal(err)
	}
	n.Checkpoint("pong", "open", []byte("live"))
	n.Checkpoint("pong", "closed", []byte("left over"))
	eventually(t, 2*time.Second, "both written", func() bool {
		_, err1 := n.LoadCheckpoint(ctx, "pong", "open")
		_, err2 := n.LoadCheckpoint(ctx, "pong", "closed")
		return err1 == nil && err2 == nil
	})
	written := time.Now()
	took := eventually(t, 6*time.Second, "the stale checkpoint deleted", func() bool {
		_, err := n.LoadCheckpoint(ctx, "pong", "closed")
		return errors.Is(err, ErrNoCheckpoint)
	})
	if took < 1500*time.Millisecond {
		t.Fatalf("stale checkpoint deleted after %v, before StaleCheckpointAge", took)
	}
	t.Logf("stale checkpoint deleted %v after it was written", time.Since(written).Round(10*time.Millisecond))
	if _, err := n.LoadCheckpoint(ctx, "pong", "open"); err != nil {
		t.Fatalf("the open room's checkpoint: %v", err)
	}
}

// TestCrashRecovery: node c dies (Close, no Leave) with three rooms: one with a checkpoint that a
// live node hosting its game at the same version adopts (the janitor a itself when it is the only
// one), one without a checkpoint (purged), and one whose game no live node hosts (purged, and its
// checkpoint dropped).
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		bVersion int // the state version of pong on b
		want     string
	}{
		{"to the least loaded other node", 3, "b"},
		{"to the janitor itself", 2, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := natsServer(t)
			fast := func(games map[string]int) func(*Config) {
				return func(c *Config) {
					c.NodeTTL, c.RefreshInterval, c.RoomUpdateInterval, c.Games = time.Second, 500*time.Millisecond, 100*time.Millisecond, games
				}
			}
			a, adA := startAdopter(t, "a", url, "take", fast(map[string]int{"pong": 3}))
			b, adB := startAdopter(t, "b", url, "take", fast(map[string]int{"pong": tc.bVersion}))
			c := startNode(t, "c", url, newSeats(1), fast(map[string]int{"pong": 3, "arena": 1}))
			ctx := context.Background()
			for _, r := range []RoomInfo{{Game: "pong", Name: "saved"}, {Game: "pong", Name: "unsaved"}, {Game: "arena", Name: "orphan"}} {
				r.Seats = 2
				if err := c.Claim(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			c.Checkpoint("pong", "saved", []byte("tick 42"))
			c.Checkpoint("arena", "orphan", []byte("tick 7"))
			eventually(t, 2*time.Second, "checkpoints written and c's rooms seen", func() bool {
				_, e1 := a.LoadCheckpoint(ctx, "pong", "saved")
				_, e2 := a.LoadCheckpoint(ctx, "arena", "orphan")
				_, seen := a.Owner("arena", "orphan")
				return e1 == nil && e2 == nil && seen
			})
			c.Close()
			died := time.Now()
			adopters := map[string]*adopter{"a": adA, "b": adB}
			select {
			case got := <-adopters[tc.want].got:
				if got.Game != "pong" || got.Room != "saved" || got.From != "c" || !got.Recovered || string(got.Capture) != "tick 42" {
					t.Fatalf("adoption %+v", got)
				}
			case <-time.After(4 * time.Second):
				t.Fatalf("%s adopted nothing within NodeTTL + 3s", tc.want)
			}
			t.Logf("recovered on %s %v after the crash", tc.want, time.Since(died).Round(10*time.Millisecond))
			for _, n := range []*Node{a, b} {
				eventually(t, 2*time.Second, n.ID()+" sees the room on "+tc.want, func() bool { r, ok := n.Owner("pong", "saved"); return ok && r.Node == tc.want })
			}
			eventually(t, 3*time.Second, "the other rooms purged, the unplaceable checkpoint dropped", func() bool {
				_, e1 := a.rooms.Get(ctx, "pong.unsaved")
				_, e2 := a.rooms.Get(ctx, "arena.orphan")
				_, e3 := a.LoadCheckpoint(ctx, "arena", "orphan")
				return errors.Is(e1, jetstream.ErrKeyNotFound) && errors.Is(e2, jetstream.ErrKeyNotFound) && errors.Is(e3, ErrNoCheckpoint)
			})
			if _, err := a.LoadCheckpoint(ctx, "pong", "saved"); err != nil {
				t.Fatalf("the recovered room's checkpoint: %v", err)
			}
			for id, ad := range adopters {
				select {
				case got := <-ad.got:
					t.Fatalf("%s was also asked to adopt %+v", id, got)
				default:
				}
			}
		})
	}
}

// TestRestartedNodeRestoresItsRooms: a node that crashed and came back under its id before its
// registry entry expired (no janitor saw it die) restores the rooms its previous run left with a
// checkpoint, through the recovery path (here on itself: the only node hosting the game), and drops
// those without one.
func TestRestartedNodeRestoresItsRooms(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	games := func(c *Config) { c.Games = map[string]int{"pong": 1} }
	a := startNode(t, "a", url, newSeats(1))
	b := startNode(t, "b", url, newSeats(1), games)
	ctx := context.Background()
	for _, name := range []string{"saved", "unsaved"} {
		if err := b.Claim(ctx, RoomInfo{Game: "pong", Name: name, Seats: 2}); err != nil {
			t.Fatal(err)
		}
	}
	b.Checkpoint("pong", "saved", []byte("tick 9"))
	eventually(t, 3*time.Second, "the checkpoint written and a seeing both rooms", func() bool {
		_, err := a.LoadCheckpoint(ctx, "pong", "saved")
		_, ok := a.Owner("pong", "unsaved")
		return err == nil && ok
	})
	b.Close() // crash, and come back at once with the same id
	b2, ad := startAdopter(t, "b", url, "take", games)
	select {
	case got := <-ad.got:
		if got.Room != "saved" || got.From != "b" || !got.Recovered || string(got.Capture) != "tick 9" {
			t.Fatalf("adoption %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the restarted node restored nothing")
	}
	eventually(t, 2*time.Second, "the restored room to be the restarted node's own", func() bool {
		return b2.UpdateRoom(RoomInfo{Game: "pong", Name: "saved", Seats: 2, Players: 1}) == nil
	})
	eventually(t, 2*time.Second, "a sees saved on b with a player, unsaved gone", func() bool {
		r, ok := a.Owner("pong", "saved")
		_, still := a.Owner("pong", "unsaved")
		return ok && r.Node == "b" && r.Players == 1 && !still
	})
}

// TestClaimWaitsForARoomBeingRestored: once a node has died, a name its room held is not free
// while the room has a checkpoint (it is being restored): Claim says ErrRestoring instead of
// opening it afresh. A room of the dead node without a checkpoint is free to claim.
func TestClaimWaitsForARoomBeingRestored(t *testing.T) {
	t.Parallel()
	url := natsServer(t)
	fast := func(c *Config) { c.NodeTTL, c.RefreshInterval = time.Second, 250*time.Millisecond }
	// Neither a nor b adopts rooms (their Reservers are no Adopters), so c's saved room waits for
	// a node that will, and its name stays taken meanwhile.
	a := startNode(t, "a", url, newSeats(1), fast)
	b := startNode(t, "b", url, newSeats(1), fast)
	c := startNode(t, "c", url, newSeats(1), fast, func(c *Config) { c.Games = map[string]int{"pong": 1} })
	ctx := context.Background()
	for _, name := range []string{"saved", "unsaved"} {
		if err := c.Claim(ctx, RoomInfo{Game: "pong", Name: name, Seats: 2}); err != nil {
			t.Fatal(err)
		}
	}
	c.Checkpoint("pong", "saved", []byte("tick 9"))
	eventually(t, 3*time.Second, "the checkpoint written", func() bool { _, err := b.LoadCheckpoint(ctx, "pong", "saved"); return err == nil })
	c.Close()
	eventually(t, 4*time.Second, "c's entry expired", func() bool { _, err := a.nodes.Get(ctx, "c"); return errors.Is(err, jetstream.ErrKeyNotFound) })
	err := b.Claim(ctx, RoomInfo{Game: "pong", Name: "saved", Seats: 2})
	if !errors.Is(err, ErrRestoring) {
		t.Errorf("claiming the dead node's saved room: %v; want ErrRestoring", err)
	}
	if !b.Restoring("pong", "saved") {
		t.Error("Restoring(pong, saved) is false on b")
	}
	if err := b.Claim(ctx, RoomInfo{Game: "pong", Name: "unsaved", Seats: 2}); err != nil {
		t.Errorf("claiming the dead node's unsaved room: %v; want it free", err)
	}
}
