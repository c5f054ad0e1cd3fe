package netclient_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/arena"
	"github.com/tickwire/tickwire/shared/wire"
	"github.com/tickwire/tickwire/wasmclient/netclient"
	"github.com/tickwire/tickwire/wasmclient/netcode"
)

// TestMovedRoomIsFollowed: the room a client has been playing in for a while moves to another
// node (a handoff, issue 13): node a sends a redirect without a token and closes with 4018. The
// client resumes its seat at node b with its resume token and no reservation, and plays on as the
// same player: the status never shows closed or reconnecting, no rollback is counted, and the
// netcode driver carries its session over, its input clock running on (no reset), its inputs
// reaching b.
func TestMovedRoomIsFollowed(t *testing.T) {
	t.Parallel()
	var a *fakeNode
	b := startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 && h.Resume == "resume-a" && h.Reservation == "" {
			return reply{resume: "resume-b", tick: a.last.Load(), play: time.Minute} // the room goes on at the next tick
		}
		return refuse(wire.CloseResumeFailed)
	})
	a = startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 {
			return reply{resume: "resume-a", tick: 500, play: 1500 * time.Millisecond, moveTo: b.url}
		}
		return refuse(wire.CloseResumeFailed)
	})
	c := dialCluster(t, a.url)
	d := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{Predict: true})

	var (
		statuses   []netclient.Status
		session    *netcode.Session[arena.State, arena.Input]
		inputTick  float64 // the driver's input clock, at the last frame it was ready
		sentBefore uint32  // the newest tick sent on a
		sentAfter  uint32  // and on b
	)
	deadline := time.Now().Add(15 * time.Second)
	for frame := time.NewTicker(time.Second / 60); ; <-frame.C {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: view %+v, b got %d inputs", c.View(), b.inputs.Load())
		}
		v := c.View()
		if len(statuses) == 0 || statuses[len(statuses)-1] != v.Status {
			statuses = append(statuses, v.Status)
		}
		if err := d.Frame(time.Now(), arena.Input{}); err != nil {
			t.Fatal(err)
		}
		for _, o := range d.Sent() {
			if v.URL == b.url {
				sentAfter = max(sentAfter, o.Tick)
			} else {
				sentBefore = max(sentBefore, o.Tick)
			}
		}
		if !d.Ready() {
			continue
		}
		if session == nil {
			session = d.Session()
		}
		st := d.Session().Stats()
		if st.InputTick < inputTick-3 {
			t.Fatalf("the input clock went back from %.1f to %.1f (on %s)", inputTick, st.InputTick, v.URL)
		}
		inputTick = st.InputTick
		if v.URL == b.url && b.inputs.Load() >= 30 {
			break
		}
	}

	v := c.View()
	if v.Welcome.Player != 1 || v.Welcomes != 2 || v.Redirects != 1 || v.Welcome.Resume != "resume-b" {
		t.Errorf("after the move: player %d, %d welcomes, %d redirects, token %q; want 1, 2, 1, resume-b",
			v.Welcome.Player, v.Welcomes, v.Redirects, v.Welcome.Resume)
	}
	if v.Rollbacks != 0 || v.Notice(time.Now()) != "" || v.Code != 0 || v.Reason != "" || v.Attempt != 0 {
		t.Errorf("a move that lost nothing shows %d rollbacks, notice %q, code %d, reason %q, attempt %d",
			v.Rollbacks, v.Notice(time.Now()), v.Code, v.Reason, v.Attempt)
	}
	for _, s := range statuses {
		if s != netclient.Connecting && s != netclient.Connected {
			t.Errorf("the player saw status %v (all: %v); a move shows at most connecting", s, statuses)
		}
	}
	if hb := b.seen(); len(hb) != 1 || hb[0].Resume != "resume-a" || hb[0].Reservation != "" || hb[0].Name != "ann" {
		t.Errorf("b read %+v; want one hello resuming with a's token, without a reservation", hb)
	}
	if d.Session() != session || d.Session().Stats().Rollbacks != 0 {
		t.Errorf("the driver started a new session at the move, or counted a rollback")
	}
	if moved := a.last.Load(); sentBefore <= 500 || sentAfter <= moved || sentAfter <= sentBefore {
		t.Errorf("inputs sent up to tick %d on a, %d on b (the room moved at tick %d): want them to run on", sentBefore, sentAfter, moved)
	}
}

// TestNotice: the play screen's line after a rollback, for five seconds, in seconds (or
// milliseconds, for less than a tenth) at the room's tick rate.
func TestNotice(t *testing.T) {
	t.Parallel()
	at := time.Unix(1000, 0)
	for _, tc := range []struct {
		name      string
		rollbacks int
		ticks     uint32
		rate      uint32
		after     time.Duration
		want      string
	}{
		{"none", 0, 0, 30, 0, ""},
		{"0.7 s", 1, 21, 30, time.Second, "The server restarted — the game went back 0.7 s."},
		{"1.0 s at 60 Hz", 2, 60, 60, 0, "The server restarted — the game went back 1.0 s."},
		{"a tick", 1, 1, 60, 0, "The server restarted — the game went back 16 ms."},
		{"just before it fades", 1, 21, 30, netclient.NoticeFor - time.Millisecond, "The server restarted — the game went back 0.7 s."},
		{"faded", 1, 21, 30, netclient.NoticeFor, ""},
		{"clock went back", 1, 21, 30, -time.Second, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := netclient.View{Rollbacks: tc.rollbacks, RolledBack: tc.ticks, RolledBackAt: at, Welcome: wire.Welcome{TickRate: tc.rate}}
			if got := v.Notice(at.Add(tc.after)); got != tc.want {
				t.Errorf("Notice = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRollbackAfterACrash: the node a client plays on dies (kill -9); its room comes back on
// another node from a checkpoint 21 ticks (0.7 s) behind what the client saw. The client,
// reconnecting, cannot reach the dead node, goes home with its resume token, is sent to the new
// node, and is welcomed there behind its newest snapshot: it records the rollback (the view, the
// debug view, the notice), never closes, and its driver carries the session over, re-based at
// once: no input is stamped more than half a second ahead of the restored room.
func TestRollbackAfterACrash(t *testing.T) {
	t.Parallel()
	var a *fakeNode
	b := startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 && h.Resume == "resume-a" && h.Reservation == "" {
			return reply{resume: "resume-b", tick: a.last.Load() - 21, play: time.Minute}
		}
		return refuse(wire.CloseResumeFailed)
	})
	a = startNode(t, func(n int, h wire.Hello) reply {
		if n == 0 && h.Reservation == "tok" {
			return reply{resume: "resume-a", tick: 500, play: time.Minute}
		}
		return refuse(wire.CloseResumeFailed)
	})
	home := startNode(t, func(n int, h wire.Hello) reply {
		if h.Resume == "resume-a" {
			return redirectTo(b.url, "")
		}
		return redirectTo(a.url, "tok")
	})
	c := dialCluster(t, home.url)
	d := netcode.NewDriver[arena.State, arena.Input](arena.Game{}, c, netcode.DriverConfig{Predict: true})

	var (
		statuses []netclient.Status
		session  *netcode.Session[arena.State, arena.Input]
		killed   bool
		ahead    int32 // the furthest an input sent to b was ahead of b's newest snapshot
	)
	deadline := time.Now().Add(20 * time.Second)
	for frame := time.NewTicker(time.Second / 60); ; <-frame.C {
		if time.Now().After(deadline) {
			t.Fatalf("timed out: status %v, url %s, %d rollbacks; b got %d inputs", c.View().Status, c.View().URL, c.View().Rollbacks, b.inputs.Load())
		}
		v := c.View()
		if len(statuses) == 0 || statuses[len(statuses)-1] != v.Status {
			statuses = append(statuses, v.Status)
		}
		if err := d.Frame(time.Now(), arena.Input{}); err != nil {
			t.Fatal(err)
		}
		if v.URL == b.url {
			for _, o := range d.Sent() {
				ahead = max(ahead, int32(o.Tick-b.last.Load()))
			}
		}
		if d.Ready() && session == nil {
			session = d.Session()
		}
		if !killed && session != nil && a.last.Load() >= 540 {
			a.kill()
			killed = true
		}
		if v.URL == b.url && b.inputs.Load() >= 30 {
			break
		}
	}

	v := c.View()
	if v.Rollbacks != 1 || v.RolledBack < 15 || v.RolledBack > 21 || v.Welcome.Player != 1 || v.Welcomes != 2 {
		t.Errorf("after the crash: %d rollbacks of %d ticks, player %d, %d welcomes; want 1 of 15 to 21 ticks, player 1, 2 welcomes",
			v.Rollbacks, v.RolledBack, v.Welcome.Player, v.Welcomes)
	}
	if n := v.Notice(time.Now()); !strings.HasPrefix(n, "The server restarted — the game went back 0.") {
		t.Errorf("notice %q", n)
	}
	dv := netclient.Debug(v, arena.Schema)
	if dv.Rollbacks != 1 || dv.RolledBack != v.RolledBack || dv.RolledBackMillis != int64(v.RolledBack)*1000/30 || dv.Welcomes != 2 {
		t.Errorf("debug view: %s", dv.JSON())
	}
	for _, s := range statuses {
		if s == netclient.Closed {
			t.Errorf("the client closed on the way (statuses %v)", statuses)
		}
	}
	if d.Session() != session {
		t.Error("the driver started a new session: its clocks were reset")
	}
	if st := d.Session().Stats(); st.Rollbacks != 1 || st.RolledBack != v.RolledBack {
		t.Errorf("the driver's session counted %d rollbacks, the last of %d ticks; want 1 of %d", st.Rollbacks, st.RolledBack, v.RolledBack)
	}
	if ahead > 17 {
		t.Errorf("an input sent to the restored room was %d ticks ahead of it; want at most half a second", ahead)
	}
}
