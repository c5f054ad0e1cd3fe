package clustertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
)

// checkpointTicks is the most a restored room may be behind the last tick its players saw: one
// checkpoint interval (1 s, 30 ticks of the arena), plus 6 ticks (200 ms) for the checkpoint taken
// last before the kill still being on its way to the NATS bucket (a node writes them from a
// goroutine, the newest replacing any not yet written) — its predecessor is then the one restored.
const checkpointTicks = 30 + 6

// TestCrashRecovery: four bots whose pages came from node b play the arena in a room on node a,
// with checkpoints every second; kill -9 a. The room comes back from its checkpoint on b or c and
// every bot resumes its seat there (same player, one more welcome, never told 4015); the first tick
// each sees after the kill is at most one interval (plus checkpointTicks' slack) behind the last it
// saw before. The time from the kill to everyone playing is logged.
func TestCrashRecovery(t *testing.T) {
	bin := buildServer(t)
	natsURL := startNATS(t).url()
	var servers []*server
	for _, id := range []string{"a", "b", "c"} {
		servers = append(servers, startServer(t, bin, id, natsURL, "-checkpoint-interval", "1s"))
	}
	a, b, c := servers[0], servers[1], servers[2]
	byURL := nodeIDs(servers...)
	waitUntil(t, "a to see three nodes", 10*time.Second, func() bool { return len(loads(t, a)) == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ballast(t, ctx, a, b, c) // the room is placed on a

	const n = 4
	bots := []*bot[arena.State, arena.Input]{arenaBot(t, b.ws(), "crash", 0)}
	waitUntil(t, "the first bot to play", 10*time.Second, func() bool { return bots[0].playingSince(1) })
	for i := 1; i < n; i++ {
		bots = append(bots, arenaBot(t, b.ws(), "crash", i))
	}
	waitUntil(t, "every bot to play on a", 15*time.Second, func() bool {
		for _, p := range bots {
			if !p.playingSince(1) || p.c.View().URL != a.ws() {
				return false
			}
		}
		return true
	})
	time.Sleep(3500 * time.Millisecond) // the room plays, and checkpoints itself; the kill falls between two
	was := make([]before, n)
	for i, p := range bots {
		v := p.c.View()
		was[i] = before{player: v.Welcome.Player, welcomes: v.Welcomes, redirect: v.Redirects}
	}

	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	<-a.exited
	took := waitUntil(t, "every bot to play again on b or c, all in one room", 30*time.Second, func() bool {
		url := bots[0].c.View().URL
		for i, p := range bots {
			if v := p.c.View(); !p.playingSince(was[i].welcomes+1) || v.URL != url || v.URL == a.ws() {
				return false
			}
		}
		return true
	})
	owner := byURL[bots[0].c.View().URL]
	t.Logf("kill -9: every bot played again, on %s, %v after the kill", owner, took.Round(time.Millisecond))
	time.Sleep(time.Second)
	// The tick the room was restored at, from its new node's log: the checkpoint's.
	restored := -1
	for _, s := range servers[1:] {
		restored = max(restored, s.log.tick(`msg="room restored"`, "room=crash"))
	}
	if restored < 0 {
		t.Errorf("neither b nor c logged the room restored")
	}

	for i, p := range bots {
		v := p.c.View()
		checkResumed(t, p.name, was[i], v.Welcome.Player, v.Welcomes, p.closesSeen())
		h := p.history()
		last, ok := lastBefore(h, killed)
		var first seen
		for _, s := range h {
			if s.At.After(killed) {
				first = s
				break
			}
		}
		if !ok || first.Tick == 0 {
			t.Errorf("%s: no snapshot before the kill or none after it", p.name)
			continue
		}
		t.Logf("%s: last tick before the kill %d, room restored at tick %d, welcomed again at tick %d, first tick after %d; view: %d rollbacks, the last %d ticks; closes seen %q",
			p.name, last.Tick, restored, v.Welcome.Tick, first.Tick, v.Rollbacks, v.RolledBack, p.closesSeen())
		// The state restored is at most one interval older than what the bot saw.
		if restored >= 0 && restored+checkpointTicks < int(last.Tick) {
			t.Errorf("%s: the room was restored at tick %d, %d ticks behind the last it saw before the kill, %d; want at most %d",
				p.name, restored, int(last.Tick)-restored, last.Tick, checkpointTicks)
		}
		if first.Tick+checkpointTicks < last.Tick {
			t.Errorf("%s: the first tick after the restore, %d, is %d ticks behind the last seen before the kill, %d; want at most %d",
				p.name, first.Tick, last.Tick-first.Tick, last.Tick, checkpointTicks)
		}
		// The game went back to the checkpoint: the player is told (the client's view records it
		// and the page shows View.Notice), never silently.
		if v.Rollbacks != 1 {
			t.Errorf("%s: its view records %d rollbacks; want the one back to tick %d (it had seen %d) recorded, for the notice",
				p.name, v.Rollbacks, restored, last.Tick)
		}
		for _, cl := range p.closesSeen() {
			if strings.Contains(cl, "frame:") {
				t.Errorf("%s: %s", p.name, cl)
			}
		}
	}
	waitUntil(t, "b and c to list the room on its new node with every bot", 10*time.Second, func() bool {
		nb, pb := roomOn(t, b, "crash")
		nc, pc := roomOn(t, c, "crash")
		return nb == owner && nc == owner && pb == n && pc == n
	})
}
