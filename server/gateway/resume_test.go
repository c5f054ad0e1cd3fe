package gateway

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tickwire/tickwire/server/lobby"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// moveTo moves c's dot by d in one tick (inputs seq and seq+1: d, then standing still, for two
// ticks a little after the newest snapshot's), and waits until a snapshot shows the dot at want.
func moveTo(t *testing.T, c *client, player sim.PlayerID, seq uint32, d int8, want int32) {
	t.Helper()
	// The input d, then 0, for the two ticks just after the newest snapshot's. A test client on a
	// busy machine can read a snapshot late, and inputs for ticks the server has stepped are
	// ignored: when those ticks pass without the server acknowledging the inputs, send them
	// again for later ticks, with new sequence numbers.
	var target uint32
	sent := false
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.Op != wire.OpSnapshot {
			continue
		}
		var s wire.Snapshot
		if err := f.Decode(&s); err != nil {
			t.Fatal(err)
		}
		late := sent && s.Ack < seq+1 && int32(s.Tick-(target+1)) > 0
		if late {
			seq += 2
		}
		if !sent || late {
			target = s.Tick + 3
			c.input(seq, target, d)
			c.input(seq+1, target+1, 0)
			sent = true
		}
		if pos, ok := dotOf(t, f, player); ok && s.Ack >= seq+1 && pos >= want {
			return
		}
	}
	t.Fatalf("the dot did not reach %d", want)
}

// dotOf returns player's position from a full snapshot frame.
func dotOf(t *testing.T, f wire.Frame, player sim.PlayerID) (int32, bool) {
	if f.Op != wire.OpSnapshot {
		return 0, false
	}
	var s wire.Snapshot
	if err := f.Decode(&s); err != nil {
		t.Fatal(err)
	}
	for _, e := range s.Entities {
		if e.ID == sim.EntityID(player) {
			return e.Fields[0], true
		}
	}
	return 0, false
}

// rosterNames waits for the next roster c receives and returns its names, sorted.
func rosterNames(t *testing.T, c *client) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.Op == wire.OpRoster {
			var r wire.Roster
			_ = f.Decode(&r)
			var names []string
			for _, p := range r.Players {
				names = append(names, p.Name)
			}
			slices.Sort(names)
			return names
		}
	}
	t.Fatal("no roster within 10 s")
	return nil
}

// waitRoster reads c's rosters until one names exactly want (comma-separated, sorted).
func waitRoster(t *testing.T, c *client, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Join(rosterNames(t, c), ",") == want {
			return
		}
	}
	t.Fatalf("no roster of %s within 10 s", want)
}

// helloResume sends a resume hello. Its game, room and name are ones the server would refuse in a
// join: a resume hello need not repeat them, and whatever they say is not looked at (PROTOCOL.md,
// "Resuming a seat").
func helloResume(c *client, token string) {
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Game: "no-such-game", Room: "Not A Room!", Name: "", Resume: token})
}

func TestResumeGivesTheSeatBackWithItsState(t *testing.T) {
	t.Parallel()
	srv := startServerWith(t, Config{}, lobby.Config{ResumeGrace: 10 * time.Second})
	a := srv.dial(t)
	w := a.join("keep", "ann")
	moveTo(t, a, w.Player, 1, 5, 5)
	// The network drops: no close frame, as when a phone changes networks.
	a.ws.CloseNow()

	b := srv.dial(t)
	b.send(&wire.Hello{Version: wire.ProtocolVersion, Room: "keep", Name: "bob"})
	if names := rosterNames(t, b); strings.Join(names, ",") != "ann,bob" {
		t.Errorf("roster while ann's seat is held: %v, want ann still there", names)
	}

	a2, w2 := resumeSeat(t, srv, w.Resume)
	if w2.Player != w.Player || w2.Room != "keep" || w2.Resume == "" || w2.Resume == w.Resume {
		t.Fatalf("resumed welcome %+v: want player %d in room keep with a new token", w2, w.Player)
	}
	for {
		f, err := a2.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if pos, ok := dotOf(t, f, w.Player); ok {
			if pos != 5 {
				t.Errorf("resumed at position %d, want 5: the state was not kept", pos)
			}
			break
		}
	}

	// The old token was retired by the new welcome once the new connection was heard from (here
	// an input): presenting it again is refused.
	moveTo(t, a2, w.Player, 1, 1, 6)
	thief := srv.dial(t)
	helloResume(thief, w.Resume)
	if code, reason, _ := thief.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "not this seat's current") {
		t.Errorf("old token: closed with %d %q, want 4015 'not this seat's current one'", code, reason)
	}
	// The current token of a seat that is attached: the server has not seen its connection drop,
	// and refuses for now (its owner may be reconnecting faster than the server notices).
	thief2 := srv.dial(t)
	helloResume(thief2, w2.Resume)
	if code, reason, bye := thief2.closedWith(); code != websocket.StatusCode(wire.CloseResumeLater) || !strings.Contains(reason, "not yet seen drop") || bye == nil || bye.Code != wire.CloseResumeLater {
		t.Errorf("live seat's token: closed with %d %q after bye %+v, want 4017 'not yet seen drop' after a bye with 4017", code, reason, bye)
	}
}

// resumeSeat resumes the seat token names on a new connection and returns it with its welcome.
// The server notices a dropped connection a moment after the client does; until then the seat is
// still attached, and a resume is refused with 4017. Try again, as netclient does.
func resumeSeat(t *testing.T, srv *testServer, token string) (*client, wire.Welcome) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c := srv.dial(t)
		helloResume(c, token)
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var bye wire.Bye
		if f.Op == wire.OpBye && f.Decode(&bye) == nil && bye.Code == wire.CloseResumeLater && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		var w wire.Welcome
		if err := f.Decode(&w); err != nil {
			t.Fatalf("resume answered with %s %+v: %v", f.Op, bye, err)
		}
		return c, w
	}
}

// TestResumeSurvivesALostWelcome: a resume's welcome (with the new token) is lost with its
// connection. The client still holds the token before it, and gets its seat back with it.
func TestResumeSurvivesALostWelcome(t *testing.T) {
	t.Parallel()
	srv := startServerWith(t, Config{}, lobby.Config{ResumeGrace: 10 * time.Second})
	a := srv.dial(t)
	w := a.join("lost", "ann")
	moveTo(t, a, w.Player, 1, 5, 5)
	a.ws.CloseNow()

	a2, w2 := resumeSeat(t, srv, w.Resume)
	a2.ws.CloseNow() // before the client read the welcome or sent anything
	a3, w3 := resumeSeat(t, srv, w.Resume)
	if w3.Player != w.Player {
		t.Fatalf("resumed with the token before the lost welcome as player %d, want %d", w3.Player, w.Player)
	}
	// Heard from on this connection: the tokens before this welcome's are retired, the lost
	// welcome's too.
	moveTo(t, a3, w.Player, 1, 1, 6)
	a3.ws.CloseNow()
	for _, old := range []string{w.Resume, w2.Resume} {
		for deadline := time.Now().Add(10 * time.Second); ; {
			c := srv.dial(t)
			helloResume(c, old)
			code, reason, _ := c.closedWith()
			if code == websocket.StatusCode(wire.CloseResumeLater) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "not this seat's current") {
				t.Errorf("retired token: closed with %d %q, want 4015 'not this seat's current one'", code, reason)
			}
			break
		}
	}
	if _, w4 := resumeSeat(t, srv, w3.Resume); w4.Player != w.Player {
		t.Errorf("resumed with the current token as player %d, want %d", w4.Player, w.Player)
	}
}

func TestHeldSeatIsReleasedAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	srv := startServerWith(t, Config{}, lobby.Config{ResumeGrace: 300 * time.Millisecond})
	b := srv.dial(t)
	b.join("brief", "bob")
	a := srv.dial(t)
	w := a.join("brief", "ann")
	waitRoster(t, b, "ann,bob")
	a.ws.CloseNow()
	waitRoster(t, b, "bob") // the grace period ran out and the seat was freed
	late := srv.dial(t)
	helloResume(late, w.Resume)
	if code, reason, _ := late.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "grace period ran out") {
		t.Errorf("late resume: closed with %d %q, want 4015 'grace period ran out'", code, reason)
	}
}

func TestGoodbyeFreesTheSeatAtOnce(t *testing.T) {
	t.Parallel()
	srv := startServerWith(t, Config{}, lobby.Config{ResumeGrace: time.Hour})
	b := srv.dial(t)
	b.join("bye", "bob")
	a := srv.dial(t)
	w := a.join("bye", "ann")
	waitRoster(t, b, "ann,bob")
	a.ws.Close(websocket.StatusNormalClosure, "leaving")
	if names := rosterNames(t, b); strings.Join(names, ",") != "bob" {
		t.Errorf("roster after ann said goodbye: %v, want only bob (no seat held)", names)
	}
	// Her token is refused for what happened: she left; no grace period ran out.
	late := srv.dial(t)
	helloResume(late, w.Resume)
	if code, reason, _ := late.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "its player left") {
		t.Errorf("resume after the goodbye: closed with %d %q, want 4015 'its player left'", code, reason)
	}
}
