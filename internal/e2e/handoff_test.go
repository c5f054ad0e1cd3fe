//go:build !js

package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/wasmclient/netclient"
)

// The browser tests of a room moving between nodes (issue 13): a node is stopped the way SIGTERM
// stops it, and the pages playing on it follow their room to another node without going back to
// the title screen.

// followBudget is how long a page may take, from the stop of its node, to play on the next one.
const followBudget = 10 * time.Second

// followed is what stopAndFollow saw of one page.
type followed struct {
	before, after netclient.DebugView // the last view before the stop, the first playing on the new node
	statuses      []string            // the statuses seen, in order, each once per run
	longestGap    time.Duration       // the longest time between two samples that brought new snapshots
	took          time.Duration       // from the stop to the first sample playing on the new node
}

// stopAndFollow stops node from the way SIGTERM does (HandOff, then Shutdown) while it samples every
// page's view about every 50 ms, from before the stop until each page plays on node to (connected
// there, welcomed once more, with a new snapshot), and returns what it saw. It fails the test when
// the handoff moves no room or fails, or a page is not playing on to within followBudget.
func stopAndFollow(t *testing.T, from, to clusterNode, pages ...*page) []followed {
	t.Helper()
	seen := make([]followed, len(pages))
	last := make([]netclient.DebugView, len(pages))
	newAt := make([]time.Duration, len(pages)) // when each page last got new snapshots
	done := make([]bool, len(pages))
	start := time.Now()
	sample := func(i int) netclient.DebugView {
		v, err := pages[i].view()
		if err != nil {
			t.Fatalf("%s: reading its view: %v", pages[i].name, err)
		}
		f := &seen[i]
		if n := len(f.statuses); n == 0 || f.statuses[n-1] != v.Status {
			f.statuses = append(f.statuses, v.Status)
		}
		now := time.Since(start)
		if v.Snapshots > last[i].Snapshots {
			if last[i].Snapshots > 0 {
				f.longestGap = max(f.longestGap, now-newAt[i])
			}
			newAt[i] = now
		}
		last[i] = v
		return v
	}
	for range 5 { // the views before the stop
		for i := range pages {
			seen[i].before = sample(i)
		}
		time.Sleep(50 * time.Millisecond)
	}

	type stopped struct {
		moved         int
		handOff, stop time.Duration
		err           error
	}
	stopDone := make(chan stopped, 1)
	stopAt := time.Since(start)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		begin := time.Now()
		moved, err := from.srv.HandOff(ctx)
		handOff := time.Since(begin)
		if err != nil {
			err = fmt.Errorf("HandOff: %w", err)
		}
		if serr := from.srv.Shutdown(ctx); serr != nil {
			err = errors.Join(err, fmt.Errorf("Shutdown: %w", serr))
		}
		stopDone <- stopped{moved, handOff, time.Since(begin), err}
	}()

	deadline := time.Now().Add(followBudget)
	for slices.Contains(done, false) {
		if time.Now().After(deadline) {
			for i, p := range pages {
				if !done[i] {
					t.Errorf("%s: not playing on %s %s after the stop of %s; statuses seen %v; view %+v",
						p.name, to.id, followBudget, from.id, seen[i].statuses, last[i])
				}
			}
			t.FailNow()
		}
		for i := range pages {
			if done[i] {
				continue
			}
			before := seen[i].before
			if v := sample(i); v.Status == "connected" && v.URL == to.ws() && v.Welcomes > before.Welcomes && v.Snapshots > before.Snapshots && newAt[i] > stopAt {
				seen[i].after, seen[i].took, done[i] = v, time.Since(start)-stopAt, true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s := <-stopDone
	if s.err != nil || s.moved != 1 {
		t.Fatalf("stopping %s: %d rooms moved, %v; want 1 and no error", from.id, s.moved, s.err)
	}
	t.Logf("%s stopped: HandOff took %s, HandOff and Shutdown %s", from.id, s.handOff.Round(time.Millisecond), s.stop.Round(time.Millisecond))
	for i, p := range pages {
		f := seen[i]
		t.Logf("%s: playing on %s %s after the stop; longest time without a new snapshot %s (samples every ~50 ms); statuses %v",
			p.name, to.id, f.took.Round(time.Millisecond), f.longestGap.Round(time.Millisecond), f.statuses)
	}
	return seen
}

// checkFollowed fails the test unless the page followed its room as a player should: it never
// showed the title screen or a closed connection, it is the same player in the same room, welcomed
// once more (a resumed seat), without a rollback, having followed a redirect.
func checkFollowed(t *testing.T, name string, f followed) {
	t.Helper()
	for _, s := range f.statuses {
		if s == "title" || s == "closed" {
			t.Errorf("%s showed status %q while its room moved (statuses seen %v); want it to play on", name, s, f.statuses)
		}
	}
	b, a := f.before, f.after
	if a.Player != b.Player || a.Room != b.Room || a.Game != b.Game {
		t.Errorf("%s: player %d in %s %q after the move, want player %d in %s %q", name, a.Player, a.Game, a.Room, b.Player, b.Game, b.Room)
	}
	if a.Welcomes != b.Welcomes+1 || a.Rollbacks != 0 || a.Notice != "" {
		t.Errorf("%s: %d welcomes, %d rollbacks, notice %q after the move (%d welcomes before); want one welcome more, no rollback and no notice",
			name, a.Welcomes, a.Rollbacks, a.Notice, b.Welcomes)
	}
	if a.Redirects <= b.Redirects {
		t.Errorf("%s: %d redirects followed after the move, %d before; want one more", name, a.Redirects, b.Redirects)
	}
	if a.Tick <= b.Tick {
		t.Errorf("%s: newest tick %d after the move, %d before; want the room's clock to go on", name, a.Tick, b.Tick)
	}
}

// checkRoomMoved fails the test unless room name runs on node to with players players, and node
// from runs nothing.
func checkRoomMoved(t *testing.T, from, to clusterNode, name string, players int) {
	t.Helper()
	if _, rooms := from.srv.Lobby().Load(); rooms != 0 {
		t.Errorf("%s still runs %d rooms after it stopped", from.id, rooms)
	}
	var found bool
	for _, r := range to.srv.Lobby().Rooms() {
		if r.Name == name {
			found = true
			if r.Players != players {
				t.Errorf("room %s on %s has %d players, want %d", name, to.id, r.Players, players)
			}
		}
	}
	if !found {
		t.Errorf("%s does not run room %s after the move", to.id, name)
	}
}

// startHandoff starts Chromium and two nodes, a (to be stopped) and b; b runs the NATS server, so
// that a can stop while the service lives on.
func startHandoff(t *testing.T) (a, b clusterNode, browser context.Context) {
	t.Helper()
	findChromium(t)
	nodes := startClusterNodes(t, wwwDir(t), "b", "a")
	return nodes[1], nodes[0], newBrowser(t)
}

// TestPageFollowsItsMovingRoom: a page served by node a plays the arena in a private room, which
// opens on a; its avatar moves (it collects an orb when it can, so the score is not just zero),
// then comes to rest. Node a is stopped as SIGTERM stops it. The page follows the room to node b
// within followBudget, and is there the same player with the same score and position, welcomed
// once more without a rollback; its status never went to the title screen or closed. Its avatar
// then moves on b.
func TestPageFollowsItsMovingRoom(t *testing.T) {
	a, b, browser := startHandoff(t)

	// A private room opens on the node the page asks: a.
	p := openPage(t, browser, "Ann's page (from a)", "http://"+a.addr+"/?name=Ann&room=moving&private=1&mute=1")
	v := p.waitView("the page to play", 90*time.Second, func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && v.Snapshots > 0 && findPlayer(v, v.Player) != nil
	})
	if v.URL != a.ws() || v.Room != "moving" {
		t.Fatalf("the page plays in %q at %s; want room moving on a (%s)", v.Room, v.URL, a.ws())
	}
	id := v.Player

	// Move: toward an orb, to score; failing that, toward the middle. Then rest, so that the
	// position and score read before the stop are the ones the room is captured with.
	if v = p.collectOrb(id, 3); findPlayer(v, id).Fields["score"] == 0 {
		t.Logf("no orb collected in 3 tries: the score carried over is 0")
		v = p.moveTowardMiddle(p, "Ann to move toward the middle", findPlayer(v, id), id)
	}
	v = p.waitRest(id)
	me := findPlayer(v, id)
	t.Logf("before the stop: %s, score %d, tick %d", describe(me), me.Fields["score"], v.Tick)

	f := stopAndFollow(t, a, b, p)[0]
	checkFollowed(t, p.name, f)
	was, is := findPlayer(f.before, id), findPlayer(f.after, id)
	if is == nil {
		t.Fatalf("the page's player %d is not in its first snapshot on b: %+v", id, f.after.Entities["player"])
	}
	if is.Fields["score"] != was.Fields["score"] || is.Name != "Ann" {
		t.Errorf("after the move: %s with score %d; want Ann with score %d", is.Name, is.Fields["score"], was.Fields["score"])
	}
	// At rest, the avatar stays where it was (only a drone bumping it in those few ticks would move
	// it).
	if dx, dy := is.Fields["x"]-was.Fields["x"], is.Fields["y"]-was.Fields["y"]; abs(dx) > 4*arena.One || abs(dy) > 4*arena.One {
		t.Errorf("after the move the avatar is at %s, before at %s; want the same place", describe(is), describe(was))
	}
	checkRoomMoved(t, a, b, "moving", 1)

	// It plays on at b: its keys move its avatar there.
	p.moveTowardMiddle(p, "Ann to move on b", is, id)
	if v, err := p.view(); err != nil || v.URL != b.ws() || v.Status != "connected" {
		t.Errorf("after moving on b the page is %q at %s (%v); want connected to b", v.Status, v.URL, err)
	}
	if problems := p.consoleProblems(); len(problems) > 0 {
		t.Errorf("%s: %v", p.name, problems)
	}
}

// TestPongMatchFollowsItsMovingRoom: two pages served by node a play pong in a private room on a
// until a point is scored; node a is stopped as SIGTERM stops it. Both pages follow the room to b
// and the match goes on there: the same players, the same score, still under way.
func TestPongMatchFollowsItsMovingRoom(t *testing.T) {
	a, b, browser := startHandoff(t)

	room := "http://" + a.addr + "/?game=pong&room=moving-pong&mute=1"
	ann := openPage(t, browser, "Ann's page (from a)", room+"&private=1&name=Ann")
	inGame := func(v netclient.DebugView) bool {
		return v.Status == "connected" && v.Frames > 0 && len(v.Entities["paddle"]) == 2
	}
	ann.waitView("Ann to play", 90*time.Second, func(v netclient.DebugView) bool { return v.Status == "connected" && v.Frames > 0 })
	bob := openPage(t, browser, "Bob's page (from a)", room+"&name=Bob")
	va := ann.waitView("Ann to see two paddles", 60*time.Second, inGame)
	vb := bob.waitView("Bob to see two paddles", 60*time.Second, inGame)
	if va.URL != a.ws() || vb.URL != a.ws() {
		t.Fatalf("Ann plays at %s, Bob at %s; want both on a (%s)", va.URL, vb.URL, a.ws())
	}
	ann.holdKey(" ", "Space", 32, 300*time.Millisecond)
	bob.holdKey(" ", "Space", 32, 300*time.Millisecond)
	// Nobody moves: the ball gets past a paddle soon after the serve.
	score := func(v netclient.DebugView) (int32, int32) {
		l, _ := field(v, "world", "left")
		r, _ := field(v, "world", "right")
		return l, r
	}
	ann.waitView("a point to be scored", 60*time.Second, func(v netclient.DebugView) bool {
		l, r := score(v)
		return l+r > 0
	})

	fs := stopAndFollow(t, a, b, ann, bob)
	for i, p := range []*page{ann, bob} {
		f := fs[i]
		checkFollowed(t, p.name, f)
		l0, r0 := score(f.before)
		l1, r1 := score(f.after)
		phase, _ := field(f.after, "world", "phase")
		s0, _ := field(f.before, "world", "serve")
		s1, _ := field(f.after, "world", "serve")
		if l1 != l0 || r1 != r0 || s1 != s0 || phase < 3 || len(f.after.Entities["paddle"]) != 2 {
			t.Errorf("%s after the move: score %d:%d, serve %d, phase %d, %d paddles; want %d:%d, serve %d, the match under way (phase 3 or later) with two paddles",
				p.name, l1, r1, s1, phase, len(f.after.Entities["paddle"]), l0, r0, s0)
		}
		if i == 0 {
			t.Logf("score %d:%d and serve %d carried over; phase %d on b", l1, r1, s1, phase)
		}
	}
	checkRoomMoved(t, a, b, "moving-pong", 2)
	for _, p := range []*page{ann, bob} {
		if problems := p.consoleProblems(); len(problems) > 0 {
			t.Errorf("%s: %v", p.name, problems)
		}
	}
}

func abs(v int32) int32 { return max(v, -v) }

// arrow returns the arrow key (its DOM name and virtual key code) that moves along axis ("x" or
// "y") in the direction of sign.
func arrow(axis string, sign int32) (string, int64) {
	switch {
	case axis == "x" && sign > 0:
		return "ArrowRight", 39
	case axis == "x":
		return "ArrowLeft", 37
	case sign > 0:
		return "ArrowDown", 40
	default:
		return "ArrowUp", 38
	}
}

// waitRest waits until player id's avatar stands still in the page's snapshots and returns the view.
func (p *page) waitRest(id uint32) netclient.DebugView {
	p.t.Helper()
	return p.waitView("the avatar to come to rest", 10*time.Second, func(v netclient.DebugView) bool {
		e := findPlayer(v, id)
		return e != nil && e.Fields["vx"] == 0 && e.Fields["vy"] == 0
	})
}

// lineUp taps the arrow keys of axis until player id's avatar rests within 20 px of target on that
// axis (at most 4 taps), and returns the view then. Each tap is released ahead of the target: the
// avatar glides about seven times its speed after a release (friction takes an eighth a tick), and
// the page sees its position late.
func (p *page) lineUp(id uint32, axis string, target int32) netclient.DebugView {
	p.t.Helper()
	v := p.waitRest(id)
	for range 4 {
		d := target - findPlayer(v, id).Fields[axis]
		if abs(d) <= 20*arena.One {
			break
		}
		sign := d / abs(d)
		key, vk := arrow(axis, sign)
		v = p.holdUntil(key, vk, p, "the avatar to near its target", 30*time.Second, func(v netclient.DebugView) bool {
			e := findPlayer(v, id)
			return e != nil && (target-e.Fields[axis])*sign <= 11*abs(e.Fields["v"+axis])+5*arena.One
		})
		v = p.waitRest(id)
	}
	return v
}

// collectOrb steers player id's avatar through the nearest orb (lined up with it across y, then
// sweeping along x), up to tries times, until its score rises; it returns the last view.
func (p *page) collectOrb(id uint32, tries int) netclient.DebugView {
	p.t.Helper()
	v := p.waitRest(id)
	for range tries {
		me := findPlayer(v, id)
		score := me.Fields["score"]
		orbs := v.Entities["orb"]
		if len(orbs) == 0 {
			return v
		}
		orb := slices.MinFunc(orbs, func(o1, o2 netclient.DebugEntity) int {
			dist := func(o netclient.DebugEntity) int64 {
				return int64(abs(o.Fields["x"]-me.Fields["x"])) + int64(abs(o.Fields["y"]-me.Fields["y"]))
			}
			return int(dist(o1) - dist(o2))
		})
		v = p.lineUp(id, "y", orb.Fields["y"])
		if me = findPlayer(v, id); me.Fields["score"] > score {
			return v // picked up on the way
		}
		d := orb.Fields["x"] - me.Fields["x"]
		if d == 0 {
			d = 1
		}
		sign := d / abs(d)
		key, vk := arrow("x", sign)
		wall := int32(arena.PlayerRadius + arena.One)
		v = p.holdUntil(key, vk, p, "the avatar to reach the orb's column", 30*time.Second, func(v netclient.DebugView) bool {
			e := findPlayer(v, id)
			return e != nil && (e.Fields["score"] > score || (e.Fields["x"]-orb.Fields["x"])*sign > 60*arena.One ||
				e.Fields["x"] <= wall || e.Fields["x"] >= arena.Width-wall)
		})
		if findPlayer(v, id).Fields["score"] > score {
			return v
		}
		v = p.waitRest(id)
	}
	return v
}
