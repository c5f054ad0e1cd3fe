package room

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/games/pong"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// captureNow captures r between two ticks the way Freeze does, without its goroutine.
func captureNow[S, I any](t *testing.T, r *room[S, I]) *Capture {
	t.Helper()
	r.applyControl()
	c, err := r.capture()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// throughTheWire marshals c and unmarshals it, failing the test unless the result equals c.
func throughTheWire(t *testing.T, c *Capture) *Capture {
	t.Helper()
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalCapture(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("capture changed on the wire:\n got %+v\nwant %+v", got, c)
	}
	return got
}

// resumeNow resumes the seat tok names in r, which must accept it, without r's goroutine.
func resumeNow[S, I any](t *testing.T, r *room[S, I], tok Token, p Peer) Seat {
	t.Helper()
	req := resumeRequest[S, I]{token: tok, peer: p, reply: make(chan resumeReply[S, I], 1)}
	r.resume(&req)
	rep := <-req.reply
	if rep.err != nil {
		t.Fatalf("resume of player %d refused: %v", tok.Player, rep.err)
	}
	return rep.seat
}

func entities[S, I any](r *room[S, I]) []sim.Entity { return r.g.Entities(&r.state, nil) }

// msgFrame returns the frame a client sends m in.
func msgFrame(t *testing.T, m wire.Message) wire.Frame {
	t.Helper()
	b, err := wire.Encode(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wire.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRestoredRoomStepsLikeTheOriginal captures a room mid-play (a player with inputs held for
// later ticks and a message queued, a detached player, a player whose last welcome may have been
// lost), sends the capture through the wire, restores it, resumes the seats with the tokens their
// clients hold, and steps the original and the restored room on the same inputs: their states
// agree tick by tick.
func TestRestoredRoomStepsLikeTheOriginal(t *testing.T) {
	t.Parallel()
	a := newLineRoom(Config{Name: "r", Private: true, SnapshotRate: 10, ResumeGrace: time.Second})
	var p1, p2, p3, p3b fakePeer
	s1 := a.Join(1, "ann", &p1)
	s2 := a.Join(2, "bob", &p2)
	s3 := a.Join(3, "cy", &p3)
	a.step()
	seq := map[Seat]uint32{}
	send := func(s Seat, tick uint32, v int8) {
		t.Helper()
		seq[s]++
		if err := s.Input(inputBody(t, wire.InputHeader{Seq: seq[s], Tick: tick}, v)); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		send(s1, a.Tick()+1, 2)
		send(s2, a.Tick()+1, -1)
		send(s3, a.Tick()+1, 1)
		a.step()
	}
	// Player 2's connection drops: its seat is held for the grace period.
	s2.Detach()
	a.step()
	// Player 3 reconnects: its new welcome (and token) may not have reached it, so it is
	// resumable with the token before too.
	old3 := a.seats[2].secret
	s3.Detach()
	a.step()
	s3 = resumeNow(t, a, Token{Game: "line", Room: "r", Player: 3, Secret: old3}, &p3b)
	seq[s3] = 0
	a.step()
	// Player 1 sends inputs for the next five ticks and a jump, none yet applied.
	tick := a.Tick()
	for k := uint32(1); k <= 5; k++ {
		send(s1, tick+k, int8(k))
	}
	if err := s1.Message(msgFrame(t, &testgame.Jump{By: 4})); err != nil {
		t.Fatal(err)
	}

	c := captureNow(t, a)
	if c.Tick != tick || c.Game != "line" || c.Room != "r" || !c.Private || len(c.Seats) != 3 {
		t.Fatalf("capture %+v", c)
	}
	if sc := c.Seats[0]; len(sc.Held) != 5 || sc.Held[0].Tick != tick+1 || sc.Held[4].Seq != seq[s1] || len(sc.Messages) != 1 {
		t.Errorf("player 1's seat %+v: want five held inputs from tick %d and a message", sc, tick+1)
	}
	if sc := c.Seats[1]; !sc.Detached || sc.GraceLeft != a.seats[1].graceLeft {
		t.Errorf("player 2's seat %+v: want detached with %d ticks of grace", sc, a.seats[1].graceLeft)
	}
	if sc := c.Seats[2]; sc.Secret == sc.Kept || sc.Kept != old3 {
		t.Errorf("player 3's seat: secret %x, kept %x; want kept = the token before the last welcome", sc.Secret, sc.Kept)
	}
	c = throughTheWire(t, c)

	rb, err := For[testgame.State, int8](testgame.Game{}).Restore(Config{Logger: quietLogger(), ResumeGrace: 2 * time.Second}, c)
	if err != nil {
		t.Fatal(err)
	}
	b := rb.(*room[testgame.State, int8])
	if got := b.Config(); got.Name != "r" || !got.Private || got.SnapshotRate != 10 || b.Tick() != tick {
		t.Fatalf("restored room %q private %v snapshot rate %d at tick %d", got.Name, got.Private, got.SnapshotRate, b.Tick())
	}
	if !reflect.DeepEqual(entities(b), entities(a)) {
		t.Fatalf("restored entities %v, want %v", entities(b), entities(a))
	}
	for i, s := range b.seats {
		want := 60 // a connected seat gets the whole grace: 2 s at 30 ticks a second
		if i == 1 {
			want = a.seats[1].graceLeft
		}
		if !s.detached || s.graceLeft != want {
			t.Errorf("restored seat %d: detached %v, grace %d; want held for %d ticks", s.id, s.detached, s.graceLeft, want)
		}
	}

	// The clients come back: player 1 with its current token, player 3 with the one it kept.
	var q1, q3 fakePeer
	r1 := resumeNow(t, b, Token{Game: "line", Room: "r", Player: 1, Secret: c.Seats[0].Secret}, &q1)
	r3 := resumeNow(t, b, Token{Game: "line", Room: "r", Player: 3, Secret: c.Seats[2].Kept}, &q3)
	var w wire.Welcome
	if err := q1.frames[0].Decode(&w); err != nil || w.Tick != tick || w.Player != 1 || w.Resume == "" {
		t.Fatalf("welcome after the move %+v (%v)", w, err)
	}

	// Both rooms step on the same inputs; the held ones apply in both.
	for i := range 40 {
		next := a.Tick() + 1
		if i >= 5 && i%3 != 0 {
			v := int8(i%5 - 2)
			send(s1, next, v)
			seq[r1] = seq[s1] - 1
			send(r1, next, v)
		}
		if i%2 == 0 {
			send(s3, next, 1)
			seq[r3] = seq[s3] - 1
			send(r3, next, 1)
		}
		a.step()
		b.step()
		if b.Tick() != a.Tick() {
			t.Fatalf("restored room at tick %d, original at %d", b.Tick(), a.Tick())
		}
		if ea, eb := entities(a), entities(b); !reflect.DeepEqual(ea, eb) {
			t.Fatalf("tick %d: restored room's entities %v, original's %v", a.Tick(), eb, ea)
		}
		if a.state.Jumps != b.state.Jumps {
			t.Fatalf("tick %d: %d jumps in the restored room, %d in the original", a.Tick(), b.state.Jumps, a.state.Jumps)
		}
	}
	if a.state.Jumps != 1 {
		t.Errorf("%d jumps, want the one queued at the capture", a.state.Jumps)
	}
	if _, held := a.state.Pos[2]; held {
		t.Error("player 2's grace did not run out in the original")
	}
	if len(b.seats) != 2 {
		t.Errorf("%d seats in the restored room, want 2 (player 2's grace ran out there too)", len(b.seats))
	}
	// The first snapshot after the resume was full: no baseline crossed the move.
	for _, f := range q1.frames {
		if f.Op == wire.OpDelta {
			t.Fatal("a delta before any full snapshot")
		}
		if f.Op == wire.OpSnapshot {
			break
		}
	}
}

// TestRestoredSeatRefusals: a restored seat is resumable only with a token its client holds, and a
// seat that departed before the capture is refused for the right reason.
func TestRestoredSeatRefusals(t *testing.T) {
	t.Parallel()
	a := newLineRoom(Config{Name: "r"})
	var p1, p2 fakePeer
	a.Join(1, "ann", &p1)
	s2 := a.Join(2, "bob", &p2)
	a.step()
	gone := a.seats[1].secret
	s2.Leave()
	a.step()
	c := throughTheWire(t, captureNow(t, a))
	rb, err := For[testgame.State, int8](testgame.Game{}).Restore(Config{Logger: quietLogger()}, c)
	if err != nil {
		t.Fatal(err)
	}
	b := rb.(*room[testgame.State, int8])
	for _, tc := range []struct {
		name   string
		tok    Token
		reason string
	}{
		{"forged secret", Token{Player: 1, Secret: [16]byte{7}}, "not this seat's current one"},
		{"departed before the move", Token{Player: 2, Secret: gone}, "its player left"},
	} {
		req := resumeRequest[testgame.State, int8]{token: tc.tok, peer: &fakePeer{}, reply: make(chan resumeReply[testgame.State, int8], 1)}
		b.resume(&req)
		if rep := <-req.reply; rep.err == nil || rep.err.Code != wire.CloseResumeFailed || !strings.Contains(rep.err.Reason, tc.reason) {
			t.Errorf("%s: refused with %v, want 4015 saying %q", tc.name, rep.err, tc.reason)
		}
	}
}

// TestRestoreRefusesAnotherVersion: a capture of another game, or of another state version of the
// game, is refused, saying both versions.
func TestRestoreRefusesAnotherVersion(t *testing.T) {
	t.Parallel()
	a := For[testgame.State, int8](testgame.Game{StateVersion: 3}).New(Config{Logger: quietLogger()}).(*room[testgame.State, int8])
	c := captureNow(t, a)
	for _, tc := range []struct {
		name string
		game testgame.Game
		want string
	}{
		{"newer state", testgame.Game{StateVersion: 4}, "a capture of line version 3, this server runs line version 4"},
		{"older state", testgame.Game{StateVersion: 2}, "a capture of line version 3, this server runs line version 2"},
		{"another game", testgame.Game{Name: "dots", StateVersion: 3}, "a capture of line version 3, this server runs dots version 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := For[testgame.State, int8](tc.game).Restore(Config{Logger: quietLogger()}, c)
			if !errors.Is(err, ErrCaptureVersion) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v, want ErrCaptureVersion saying %q", err, tc.want)
			}
		})
	}
	if _, err := For[testgame.State, int8](testgame.Game{StateVersion: 3}).Restore(Config{Logger: quietLogger()}, c); err != nil {
		t.Fatalf("same version refused: %v", err)
	}
}

// TestRestoreRefusesWhatTheGameCannotTake: a capture that is well formed but holds what this game
// cannot read (an entity outside its schema, an input its codec refuses, room state it does not
// keep) is refused, not half restored.
func TestRestoreRefusesWhatTheGameCannotTake(t *testing.T) {
	t.Parallel()
	a := newLineRoom(Config{})
	a.Join(1, "ann", &fakePeer{})
	a.step()
	for _, tc := range []struct {
		name  string
		spoil func(c *Capture)
		want  string
	}{
		{"entity out of its schema", func(c *Capture) { c.Entities[0].Fields[0] = 1 << 21 }, "out of range"},
		{"input the codec refuses", func(c *Capture) { c.Seats[0].Input = []byte{0xc3} }, "input in force"},
		{"two values as an input", func(c *Capture) { c.Seats[0].Input = []byte{0x01, 0x02} }, "input in force"},
		{"room state missing", func(c *Capture) { c.RoomState = nil }, "room state"},
		{"a message the game does not take", func(c *Capture) {
			c.Seats[0].Messages = []HeldMessage{{Op: testgame.OpJumped, Body: []byte{0x92, 1, 1}}}
		}, "unknown op"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := captureNow(t, a)
			tc.spoil(c)
			_, err := For[testgame.State, int8](testgame.Game{}).Restore(Config{Logger: quietLogger()}, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("restore: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestPongMidRallySurvivesTheMove: a pong match captured while one player is ready, and again
// mid-rally after a point, restores with its score, serve, ready flags, phase and timer, and plays
// on exactly as the original.
func TestPongMidRallySurvivesTheMove(t *testing.T) {
	t.Parallel()
	f := For[pong.State, pong.Input](pong.Game{})
	a := f.New(Config{Name: "p", Logger: quietLogger(), Seed: 7}).(*room[pong.State, pong.Input])
	var p1, p2 fakePeer
	s1, s2 := a.Join(1, "ann", &p1), a.Join(2, "bob", &p2)
	a.step()
	move := func() *room[pong.State, pong.Input] {
		t.Helper()
		want := a.state
		c := throughTheWire(t, captureNow(t, a))
		rb, err := f.Restore(Config{Logger: quietLogger()}, c)
		if err != nil {
			t.Fatal(err)
		}
		b := rb.(*room[pong.State, pong.Input])
		got := b.state
		if got.Phase != want.Phase || got.Timer != want.Timer || got.Score != want.Score || got.Serve != want.Serve ||
			got.Ball != want.Ball || got.Rng != want.Rng || !reflect.DeepEqual(got.Paddles, want.Paddles) {
			t.Fatalf("restored pong %+v, want %+v", got, want)
		}
		spoilt := *c
		spoilt.RoomState = []byte{1}
		if _, err := f.Restore(Config{Logger: quietLogger()}, &spoilt); err == nil || !strings.Contains(err.Error(), "does not keep") {
			t.Errorf("restore of pong with room state: %v, want a refusal", err)
		}
		return b
	}
	ready := func(s Seat) {
		if err := s.Message(msgFrame(t, &pong.ReadyMsg{})); err != nil {
			t.Fatal(err)
		}
	}
	ready(s1)
	a.step()
	b := move()
	if a.state.Phase != pong.Ready || !b.state.Paddle(1).Ready || b.state.Paddle(2).Ready {
		t.Fatalf("phase %d, paddles %+v: want player 1 alone ready", b.state.Phase, b.state.Paddles)
	}
	ready(s2)
	// Play until a point was scored and the next serve is in play; player 1 keeps its paddle at
	// the top, so that the ball gets past it.
	var seq uint32
	up := func() {
		seq++
		b, err := wire.EncodeInput(nil, pong.Game{}, wire.InputHeader{Seq: seq, Tick: a.Tick() + 1}, &pong.Input{Move: -127})
		if err != nil {
			t.Fatal(err)
		}
		fr, _ := wire.Decode(b)
		if err := s1.Input(fr.Body); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; a.state.Phase != pong.Playing || a.state.Score == [2]int32{}; i++ {
		if i > 2000 {
			t.Fatalf("no rally after a point in 2000 ticks: phase %d, score %v", a.state.Phase, a.state.Score)
		}
		up()
		a.step()
	}
	for range 10 {
		up()
		a.step()
	}
	b = move()
	for range 300 {
		a.step()
		b.step()
		if ea, eb := entities(a), entities(b); !reflect.DeepEqual(ea, eb) {
			t.Fatalf("tick %d: restored pong %v, original %v", a.Tick(), eb, ea)
		}
	}
}

// welcomes returns the welcomes p was sent.
func welcomes(t *testing.T, p *fakePeer) []wire.Welcome {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []wire.Welcome
	for _, f := range p.frames {
		if f.Op == wire.OpWelcome {
			var w wire.Welcome
			if err := f.Decode(&w); err != nil {
				t.Fatal(err)
			}
			out = append(out, w)
		}
	}
	return out
}

// TestRecoveredRoomWaitsForItsPlayers: a room restored from a checkpoint after its server died
// (Config.Recovered) stands still until its first player is back, so the game does not play on
// with nobody there; that player, and one who comes back after the room played on, are each told
// once, in their first welcome, the tick the room went back to. A room nobody comes back to plays
// on after RecoveryWait. A handoff's restore (not Recovered) neither waits nor says so.
func TestRecoveredRoomWaitsForItsPlayers(t *testing.T) {
	t.Parallel()
	a := newLineRoom(Config{Name: "r", ResumeGrace: time.Second})
	var p1, p2 fakePeer
	a.Join(1, "ann", &p1)
	a.Join(2, "bob", &p2)
	for range 10 {
		a.step()
	}
	c := throughTheWire(t, captureNow(t, a))
	secret := func(i int) [16]byte { return c.Seats[i].Secret }

	restore := func(recovered bool, wait time.Duration) *room[testgame.State, int8] {
		t.Helper()
		r, err := For[testgame.State, int8](testgame.Game{}).Restore(Config{Logger: quietLogger(), Recovered: recovered, RecoveryWait: wait}, c)
		if err != nil {
			t.Fatal(err)
		}
		return r.(*room[testgame.State, int8])
	}

	b := restore(true, 10*time.Second)
	for range 30 {
		b.step()
	}
	if b.Tick() != c.Tick {
		t.Fatalf("a recovered room nobody is back to stepped to tick %d from %d; want it standing still", b.Tick(), c.Tick)
	}
	var q1, q2 fakePeer
	resumeNow(t, b, Token{Game: "line", Room: "r", Player: 1, Secret: secret(0)}, &q1)
	b.step()
	if b.Tick() != c.Tick+1 {
		t.Fatalf("with a player back the room is at tick %d; want %d", b.Tick(), c.Tick+1)
	}
	for range 5 {
		b.step()
	}
	resumeNow(t, b, Token{Game: "line", Room: "r", Player: 2, Secret: secret(1)}, &q2)
	w1, w2 := welcomes(t, &q1), welcomes(t, &q2)
	if len(w1) != 1 || w1[0].Restored != c.Tick || w1[0].Tick != c.Tick {
		t.Errorf("first back: welcomes %+v; want one at tick %d saying restored at %d", w1, c.Tick, c.Tick)
	}
	if len(w2) != 1 || w2[0].Restored != c.Tick || w2[0].Tick != c.Tick+6 {
		t.Errorf("second back: welcomes %+v; want one at tick %d saying restored at %d", w2, c.Tick+6, c.Tick)
	}
	// A later welcome of the same seat (another reconnect) says nothing of it.
	b.detach(b.seats[0])
	var q1b fakePeer
	resumeNow(t, b, Token{Game: "line", Room: "r", Player: 1, Secret: b.seats[0].secret}, &q1b)
	if w := welcomes(t, &q1b); len(w) != 1 || w[0].Restored != 0 {
		t.Errorf("a later reconnect's welcomes %+v; want restored 0", w)
	}

	// Nobody comes back: the room plays on after RecoveryWait (a second: 30 ticks).
	d := restore(true, time.Second)
	for range 31 {
		d.step()
	}
	if d.Tick() != c.Tick+1 {
		t.Errorf("after RecoveryWait with nobody back the room is at tick %d; want %d", d.Tick(), c.Tick+1)
	}

	// A handoff: no wait, no word of a rollback.
	h := restore(false, 0)
	h.step()
	var q3 fakePeer
	resumeNow(t, h, Token{Game: "line", Room: "r", Player: 1, Secret: secret(0)}, &q3)
	if h.Tick() != c.Tick+1 {
		t.Errorf("a handed-off room is at tick %d after one step; want %d", h.Tick(), c.Tick+1)
	}
	if w := welcomes(t, &q3); len(w) != 1 || w[0].Restored != 0 {
		t.Errorf("a handed-off room's welcomes %+v; want restored 0", w)
	}
}
