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
	sent := false
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f, err := c.next(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.Op == wire.OpSnapshot && !sent {
			var s wire.Snapshot
			if err := f.Decode(&s); err != nil {
				t.Fatal(err)
			}
			c.input(seq, s.Tick+3, d)
			c.input(seq+1, s.Tick+4, 0)
			sent = true
		}
		if pos, ok := dotOf(t, f, player); ok && sent && pos >= want {
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

func helloResume(c *client, token string) {
	c.send(&wire.Hello{Version: wire.ProtocolVersion, Resume: token})
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

	// The server notices the dropped connection a moment after the client does; until then the
	// seat is still attached, and a resume is refused as "in use". Try again, as netclient does.
	var a2 *client
	var f wire.Frame
	for deadline := time.Now().Add(5 * time.Second); ; {
		a2 = srv.dial(t)
		helloResume(a2, w.Resume)
		var err error
		if f, err = a2.next(5 * time.Second); err != nil {
			t.Fatal(err)
		}
		var bye wire.Bye
		if f.Op != wire.OpBye || f.Decode(&bye) != nil || !strings.Contains(bye.Reason, "in use") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var w2 wire.Welcome
	if err := f.Decode(&w2); err != nil {
		t.Fatalf("resume answered with %s: %v", f.Op, err)
	}
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

	// The old token was retired by the new welcome: presenting it again is refused.
	thief := srv.dial(t)
	helloResume(thief, w.Resume)
	if code, reason, _ := thief.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "not this seat's current") {
		t.Errorf("old token: closed with %d %q, want 4015 'not this seat's current one'", code, reason)
	}
	// The current token of a seat that is attached looks stolen: refused.
	thief2 := srv.dial(t)
	helloResume(thief2, w2.Resume)
	if code, reason, _ := thief2.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "in use by another connection") {
		t.Errorf("live seat's token: closed with %d %q, want 4015 'in use by another connection'", code, reason)
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
	if code, reason, _ := late.closedWith(); code != websocket.StatusCode(wire.CloseResumeFailed) || !strings.Contains(reason, "gone") {
		t.Errorf("late resume: closed with %d %q, want 4015 'gone'", code, reason)
	}
}

func TestGoodbyeFreesTheSeatAtOnce(t *testing.T) {
	t.Parallel()
	srv := startServerWith(t, Config{}, lobby.Config{ResumeGrace: time.Hour})
	b := srv.dial(t)
	b.join("bye", "bob")
	a := srv.dial(t)
	a.join("bye", "ann")
	waitRoster(t, b, "ann,bob")
	a.ws.Close(websocket.StatusNormalClosure, "leaving")
	if names := rosterNames(t, b); strings.Join(names, ",") != "bob" {
		t.Errorf("roster after ann said goodbye: %v, want only bob (no seat held)", names)
	}
}
