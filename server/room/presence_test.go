package room

import (
	"testing"
	"time"

	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/replay"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// pongOvers returns the pong OverMsgs p received.
func pongOvers(t *testing.T, p *fakePeer) []pong.OverMsg {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []pong.OverMsg
	for _, f := range p.frames {
		if f.Op == pong.OpOver {
			m, err := pong.Messages.Decode(f, wire.ToClient)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, *m.(*pong.OverMsg))
		}
	}
	return out
}

// resumeSeat hands st's seat to a new connection p, as the gateway does with the seat's token.
func resumeSeat[S, I any](t *testing.T, r *room[S, I], st *seat[S, I], p Peer) {
	t.Helper()
	req := resumeRequest[S, I]{token: Token{Player: st.id, Secret: st.secret}, peer: p, reply: make(chan resumeReply[S, I], 1)}
	r.resume(&req)
	if rep := <-req.reply; rep.err != nil {
		t.Fatalf("resume: %v", rep.err)
	}
}

// TestPresence: a pong match pauses the tick after a player's connection drops (Away), plays on
// after the countdown once the player resumes (Back), and when the player drops again and the
// grace runs out the other wins by forfeit. The recording holds the presence changes and replays
// the room tick for tick.
func TestPresence(t *testing.T) {
	t.Parallel()
	var c replays
	g := pong.Game{}
	r := recordingRoom[pong.State, pong.Input](g, Config{Name: "duel", Seed: 7, ResumeGrace: time.Second}, &c)
	ents := func() []sim.Entity { return r.g.Entities(&r.state, nil) }
	st := states{0: ents()}
	var p1, p2, p2again fakePeer
	s1, s2 := r.Join(1, "ann", &p1), r.Join(2, "bob", &p2)
	st.step(r, ents)
	for _, s := range []Seat{s1, s2} {
		if err := s.Message(msgFrame(t, &pong.ReadyMsg{})); err != nil {
			t.Fatal(err)
		}
	}
	for r.state.Phase != pong.Playing {
		st.step(r, ents)
	}
	for range 10 {
		st.step(r, ents)
	}
	bob := s2.(*seat[pong.State, pong.Input])

	s2.Detach()
	st.step(r, ents)
	tick := r.Tick()
	if p := r.state.Paddle(2); !r.state.Paused() || p.Away != int32(tick)+59 {
		t.Fatalf("after bob's connection dropped at tick %d: paused %v, away until %d; want paused until %d",
			tick, r.state.Paused(), p.Away, tick+59)
	}
	ball := r.state.Ball
	for range 30 {
		st.step(r, ents)
	}
	if r.state.Ball != ball || !r.state.Paused() {
		t.Fatalf("the ball moved while bob was away: %+v, then %+v", ball, r.state.Ball)
	}

	resumeSeat(t, r, bob, &p2again)
	st.step(r, ents)
	if r.state.Paused() || r.state.Hold != pong.ResumeTicks-1 || r.state.Paddle(2).Away != 0 {
		t.Fatalf("bob back: paused %v, hold %d; want the resume countdown running", r.state.Paused(), r.state.Hold)
	}
	for range pong.ResumeTicks + 5 {
		st.step(r, ents)
	}
	if r.state.Ball == ball {
		t.Fatal("the ball stands still after the countdown")
	}

	// A drop and a resume between two steps tell the game nothing.
	s2 = bob
	bob.Detach()
	r.applyControl()
	resumeSeat(t, r, bob, &p2)
	st.step(r, ents)
	if r.state.Paddle(2).Away != 0 || r.state.Hold != 0 {
		t.Fatalf("a drop resumed within the tick: away %d, hold %d", r.state.Paddle(2).Away, r.state.Hold)
	}

	// Gone for good: the grace runs out, bob leaves the match he was in, ann wins by forfeit.
	bob.Detach()
	for range 61 {
		st.step(r, ents)
	}
	overs := pongOvers(t, &p1)
	if len(r.seats) != 1 || r.state.Phase != pong.Over || len(overs) != 1 || !overs[0].Forfeit || overs[0].Winner != r.state.Paddle(1).Side {
		t.Fatalf("after the grace: %d seats, phase %d, overs %+v; want ann alone, winning by forfeit", len(r.seats), r.state.Phase, overs)
	}
	for range 10 {
		st.step(r, ents)
	}

	r.recordClose(ReplayClosed)
	if len(c.files) != 1 {
		t.Fatalf("%d files, want 1", len(c.files))
	}
	rec := checkFile(t, g, c.files[0], st)
	var got []replay.Presence
	for _, tk := range rec.Ticks {
		got = append(got, tk.Presence...)
	}
	want := []replay.Presence{{Player: 2, Away: true, Grace: 59}, {Player: 2}, {Player: 2, Away: true, Grace: 59}}
	if len(got) != len(want) {
		t.Fatalf("presence recorded %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("presence recorded %+v, want %+v", got, want)
		}
	}
}

// TestPresenceAcrossACapture: a room restored from a capture (a handoff, a checkpoint) tells the
// game a seat that was away is back when it resumes, and does not call away a seat that was
// attached when captured while it waits for its player to reconnect to the new node.
func TestPresenceAcrossACapture(t *testing.T) {
	t.Parallel()
	g := pong.Game{}
	a := For[pong.State, pong.Input](g).New(Config{Name: "moving", Logger: quietLogger()}).(*room[pong.State, pong.Input])
	var p1, p2 fakePeer
	a.Join(1, "ann", &p1)
	s2 := a.Join(2, "bob", &p2)
	a.step()
	a.state.Phase = pong.Playing
	s2.Detach()
	a.step()
	c := throughTheWire(t, captureNow(t, a))

	rb, err := For[pong.State, pong.Input](g).Restore(Config{Logger: quietLogger()}, c)
	if err != nil {
		t.Fatal(err)
	}
	b := rb.(*room[pong.State, pong.Input])
	for range 5 {
		b.step()
	}
	if ann := b.state.Paddle(1); ann.Away != 0 {
		t.Fatalf("ann, attached when captured, is away (%d) on the new node before reconnecting", ann.Away)
	}
	if !b.state.Paused() {
		t.Fatal("bob, away when captured, is no longer away on the new node")
	}
	var q1, q2 fakePeer
	for _, s := range b.seats {
		if s.id == 1 {
			resumeSeat(t, b, s, &q1)
		} else {
			resumeSeat(t, b, s, &q2)
		}
	}
	b.step()
	if b.state.Paused() || b.state.Hold != pong.ResumeTicks-1 {
		t.Fatalf("both back on the new node: paused %v, hold %d; want the resume countdown", b.state.Paused(), b.state.Hold)
	}
}
