package clustertest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// before is what a test notes of a bot's view before its node stops.
type before struct {
	player             sim.PlayerID
	welcomes, redirect int
}

// checkResumed reports how a bot's seat fared across a move: the same player, exactly one more
// welcome (a resume, not a fresh join after a lost seat), and never told 4015 (resume failed).
func checkResumed(t *testing.T, name string, b before, player sim.PlayerID, welcomes int, closes []string) {
	t.Helper()
	if player != b.player {
		t.Errorf("%s plays as player %d after the move, was %d: it lost its seat", name, player, b.player)
	}
	if welcomes != b.welcomes+1 {
		t.Errorf("%s had %d welcomes after the move, %d before; want exactly one more", name, welcomes, b.welcomes)
	}
	for _, c := range closes {
		if strings.HasPrefix(c, fmt.Sprint(int(wire.CloseResumeFailed))+" ") {
			t.Errorf("%s was told %q (closes seen: %q); want its seat resumed", name, c, closes)
		}
	}
}

// twoNodes starts a NATS server and nodes a and b, b with a ballast player, so that the room asked
// for next is placed on a.
func twoNodes(t *testing.T) (a, b *server) {
	t.Helper()
	bin := buildServer(t)
	natsURL := startNATS(t).url()
	a = startServer(t, bin, "a", natsURL)
	b = startServer(t, bin, "b", natsURL)
	waitUntil(t, "a to see two nodes", 10*time.Second, func() bool { return len(loads(t, a)) == 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ballast(t, ctx, a, b)
	return a, b
}

// sigtermUnder notes each bot's view, sends SIGTERM to a and waits until every bot plays on b
// under one more welcome, then a second more (for the records after the move). It returns what it
// noted and when the signal was sent.
func sigtermUnder[S, I any](t *testing.T, a, b *server, bots []*bot[S, I]) ([]before, time.Time) {
	t.Helper()
	was := make([]before, len(bots))
	for i, p := range bots {
		v := p.c.View()
		was[i] = before{player: v.Welcome.Player, welcomes: v.Welcomes, redirect: v.Redirects}
	}
	sent := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	took := waitUntil(t, "every bot to play on "+b.id, 15*time.Second, func() bool {
		for i, p := range bots {
			if !p.playingSince(was[i].welcomes+1) || p.c.View().URL != b.ws() {
				return false
			}
		}
		return true
	})
	t.Logf("SIGTERM: every bot played on %s %v after the signal", b.id, took.Round(time.Millisecond))
	time.Sleep(time.Second)
	return was, sent
}

// TestHandoffOnSIGTERM: ten bots play the arena in one room on node a (their pages came from a or
// b); SIGTERM a. The room moves to b whole: every bot plays on b as the same player after one more
// welcome (a resume: no 4015, no fresh join), its avatar where it was (no farther at its first
// snapshot on b than the arena's top speed allows in the ticks between plus one) with its score,
// the room's clock going on; and a exits cleanly. The longest gap between two snapshots each bot
// saw across the move is logged.
func TestHandoffOnSIGTERM(t *testing.T) {
	a, b := twoNodes(t)

	const n = 10
	bots := []*bot[arena.State, arena.Input]{arenaBot(t, a.ws(), "match", 0)}
	waitUntil(t, "the first bot to play", 10*time.Second, func() bool { return bots[0].playingSince(1) })
	for i := 1; i < n; i++ {
		home := a
		if i%2 == 1 {
			home = b
		}
		bots = append(bots, arenaBot(t, home.ws(), "match", i))
	}
	waitUntil(t, "every bot to play on a", 15*time.Second, func() bool {
		for _, p := range bots {
			if !p.playingSince(1) || p.c.View().URL != a.ws() {
				return false
			}
		}
		return true
	})
	time.Sleep(3 * time.Second) // they play: they move, and some score
	was, sent := sigtermUnder(t, a, b, bots)
	frozen := a.log.tick(`msg="room frozen"`)
	if frozen < 0 {
		t.Fatal("a did not log the room frozen")
	}

	var gaps []string
	for i, p := range bots {
		v := p.c.View()
		checkResumed(t, p.name, was[i], v.Welcome.Player, v.Welcomes, p.closesSeen())
		if v.Redirects != was[i].redirect+1 {
			t.Errorf("%s followed %d redirects, %d before the move; want one more", p.name, v.Redirects, was[i].redirect)
		}
		h := p.history()
		gap, _, _ := longestGap(h, sent)
		gaps = append(gaps, gap.Round(time.Millisecond).String())
		last, first, ok := across(h, frozen)
		if !ok {
			t.Errorf("%s: no two snapshots in a row either side of tick %d, where the room froze on a", p.name, frozen)
		}
		// Every two snapshots in a row from a second before the signal on, the move's among them:
		// the clock goes on, and the avatar moves no farther than the ticks between allow.
		for j := 1; j < len(h); j++ {
			if h[j].At.Before(sent.Add(-time.Second)) {
				continue
			}
			if err := continuous(h[j-1], h[j]); err != nil {
				t.Errorf("%s: %v", p.name, err)
				break
			}
		}
		if last.Me != nil && first.Me != nil {
			s0, s1 := last.Me.Field(arena.PlayerScore), first.Me.Field(arena.PlayerScore)
			// An orb taken in the ticks between is the only way a score changes.
			if s1 < s0 || s1 > s0+arena.GoldenValue*int32(first.Tick-last.Tick) {
				t.Errorf("%s's score was %d at tick %d on a and %d at tick %d on b", p.name, s0, last.Tick, s1, first.Tick)
			}
		}
	}
	t.Logf("the longest gap between two snapshots each bot saw across the move: %s", strings.Join(gaps, " "))

	select {
	case <-a.exited:
		if a.err != nil {
			t.Errorf("a exited with %v after SIGTERM, want a clean exit", a.err)
		}
	case <-time.After(10 * time.Second):
		t.Error("a did not exit within 10 s of SIGTERM")
	}
	waitUntil(t, "b to list match on b with every bot", 5*time.Second, func() bool {
		node, players := roomOn(t, b, "match")
		return node == "b" && players == n
	})
}

// continuous checks two snapshots in a row of an arena bot: the later is at a later tick, and the
// bot's avatar moved at most the arena's top speed per tick for the ticks between, plus one tick.
func continuous(s0, s1 seen) error {
	if s1.Tick <= s0.Tick {
		return fmt.Errorf("a snapshot of tick %d came after one of tick %d", s1.Tick, s0.Tick)
	}
	if s0.Me == nil || s1.Me == nil || s0.Player != s1.Player {
		return fmt.Errorf("ticks %d and %d: own avatar %v and %v (players %d and %d)", s0.Tick, s1.Tick, s0.Me != nil, s1.Me != nil, s0.Player, s1.Player)
	}
	reach := int64(s1.Tick-s0.Tick+1) * arena.MaxSpeed
	dx := int64(s1.Me.Field(arena.PlayerX) - s0.Me.Field(arena.PlayerX))
	dy := int64(s1.Me.Field(arena.PlayerY) - s0.Me.Field(arena.PlayerY))
	if dx > reach || -dx > reach || dy > reach || -dy > reach {
		return fmt.Errorf("the avatar moved (%.0f, %.0f) px from tick %d to %d (%.1f s apart); at most %d px a way",
			float64(dx)/arena.One, float64(dy)/arena.One, s0.Tick, s1.Tick, s1.At.Sub(s0.At).Seconds(), reach/arena.One)
	}
	return nil
}

// TestHandoffPongMidRally: two pong bots on node a, one following the ball and one idle, so that
// points are scored; once the score is not 0-0 and a rally is under way, SIGTERM a. On b the
// match is the same (score, serve, phase, each paddle's ready flag, from the snapshots either side
// of the move) and the rally goes on: the ball keeps moving.
func TestHandoffPongMidRally(t *testing.T) {
	a, b := twoNodes(t)

	left := pongBot(t, a.ws(), "rally", "follower", true)
	waitUntil(t, "the first bot to play", 10*time.Second, func() bool { return left.playingSince(1) })
	right := pongBot(t, b.ws(), "rally", "idle", false)
	bots := []*bot[pong.State, pong.Input]{left, right}
	world := func(p *bot[pong.State, pong.Input]) (sim.Entity, bool) {
		h := p.history()
		if len(h) == 0 {
			return sim.Entity{}, false
		}
		return h[len(h)-1].kept(pong.WorldID)
	}
	waitUntil(t, "a point scored and the next rally under way, on a", 40*time.Second, func() bool {
		w, ok := world(left)
		return ok && left.c.View().URL == a.ws() && right.c.View().URL == a.ws() &&
			w.Field(pong.WorldLeft)+w.Field(pong.WorldRight) > 0 && pong.Phase(w.Field(pong.WorldPhase)) == pong.Playing
	})
	was, _ := sigtermUnder(t, a, b, bots)
	frozen := a.log.tick(`msg="room frozen"`)
	if frozen < 0 {
		t.Fatal("a did not log the room frozen")
	}

	for i, p := range bots {
		v := p.c.View()
		checkResumed(t, p.name, was[i], v.Welcome.Player, v.Welcomes, p.closesSeen())
		h := p.history()
		s0, s1, _ := across(h, frozen)
		gap := s1.At.Sub(s0.At)
		w0, ok0 := s0.kept(pong.WorldID)
		w1, ok1 := s1.kept(pong.WorldID)
		if !ok0 || !ok1 || s0.Me == nil || s1.Me == nil {
			t.Errorf("%s: no world or paddle in the snapshots either side of the move (ticks %d and %d)", p.name, s0.Tick, s1.Tick)
			continue
		}
		t.Logf("%s: %v between tick %d on a (phase %d, %d-%d, serve %d) and tick %d on b (phase %d, %d-%d, serve %d)", p.name,
			gap.Round(time.Millisecond), s0.Tick, w0.Field(pong.WorldPhase), w0.Field(pong.WorldLeft), w0.Field(pong.WorldRight), w0.Field(pong.WorldServe),
			s1.Tick, w1.Field(pong.WorldPhase), w1.Field(pong.WorldLeft), w1.Field(pong.WorldRight), w1.Field(pong.WorldServe))
		if s1.Tick <= s0.Tick {
			t.Errorf("%s: the first snapshot on b is of tick %d, the last on a of %d: want the match's clock to go on", p.name, s1.Tick, s0.Tick)
		}
		same := w0.Field(pong.WorldLeft) == w1.Field(pong.WorldLeft) && w0.Field(pong.WorldRight) == w1.Field(pong.WorldRight) &&
			w0.Field(pong.WorldPhase) == w1.Field(pong.WorldPhase)
		// The one change a few ticks may bring: the rally's point is scored in them.
		scored := pong.Phase(w1.Field(pong.WorldPhase)) == pong.Point &&
			w1.Field(pong.WorldLeft)+w1.Field(pong.WorldRight) == w0.Field(pong.WorldLeft)+w0.Field(pong.WorldRight)+1
		if !same && !scored || w0.Field(pong.WorldServe) != w1.Field(pong.WorldServe) && !scored {
			t.Errorf("%s: the match was %v on a and %v on b; want the same score, phase and serve", p.name, w0.Fields, w1.Fields)
		}
		if r0, r1 := s0.Me.Field(pong.PaddleReady), s1.Me.Field(pong.PaddleReady); r0 != r1 {
			t.Errorf("%s: its paddle's ready flag was %d on a and %d on b", p.name, r0, r1)
		}
		if sd0, sd1 := s0.Me.Field(pong.PaddleSide), s1.Me.Field(pong.PaddleSide); sd0 != sd1 {
			t.Errorf("%s: its paddle was on side %d on a and %d on b", p.name, sd0, sd1)
		}
		// The rally goes on: in the second after the move the ball moves (or the point is scored).
		var xs []int32
		for _, s := range h {
			if s.At.After(s1.At) {
				if ball, ok := s.kept(pong.BallID); ok {
					xs = append(xs, ball.Field(pong.BallX))
				}
			}
		}
		if len(xs) < 2 || slices.Min(xs) == slices.Max(xs) && !scored {
			t.Errorf("%s: the ball's x in the second after the move: %v; want it moving", p.name, xs)
		}
	}
}
