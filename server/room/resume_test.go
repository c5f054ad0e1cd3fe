package room

import (
	"strings"
	"testing"
	"time"

	"github.com/tickwire/tickwire/internal/testgame"
	"github.com/tickwire/tickwire/shared/wire"
)

// TestResumeRefusals: a refusal says by its code whether to try the token again (4017) or to join
// afresh (4015), and its reason says why, truthfully: a seat its player gave up is not said to have
// timed out.
func TestResumeRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		before func(r *room[testgame.State, int8], s Seat) // what happens to seat 1 first
		token  func(st *seat[testgame.State, int8]) Token
		code   wire.CloseCode
		reason string
	}{
		{name: "still attached", before: func(*room[testgame.State, int8], Seat) {},
			code: wire.CloseResumeLater, reason: "not yet seen drop"},
		{name: "another seat's secret", before: func(_ *room[testgame.State, int8], s Seat) { s.Detach() },
			token: func(*seat[testgame.State, int8]) Token { return Token{Player: 1, Secret: [16]byte{9}} },
			code:  wire.CloseResumeFailed, reason: "not this seat's current one"},
		{name: "the player said goodbye", before: func(_ *room[testgame.State, int8], s Seat) { s.Leave() },
			code: wire.CloseResumeFailed, reason: "its player left"},
		{name: "the grace period ran out", before: func(r *room[testgame.State, int8], s Seat) {
			s.Detach()
			for range 4 {
				r.step()
			}
		}, code: wire.CloseResumeFailed, reason: "the grace period ran out"},
		{name: "a seat the room never had", before: func(*room[testgame.State, int8], Seat) {},
			token: func(*seat[testgame.State, int8]) Token { return Token{Player: 2, Secret: [16]byte{9}} },
			code:  wire.CloseResumeFailed, reason: "the seat is gone; join again"},
		{name: "a departed seat's id with a forged secret", before: func(_ *room[testgame.State, int8], s Seat) { s.Leave() },
			token: func(*seat[testgame.State, int8]) Token { return Token{Player: 1, Secret: [16]byte{9}} },
			code:  wire.CloseResumeFailed, reason: "the seat is gone; join again"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newLineRoom(Config{ResumeGrace: 100 * time.Millisecond}) // 3 ticks at 30 a second
			var p, p2 fakePeer
			s := r.Join(1, "a", &p)
			r.step()
			st := s.(*seat[testgame.State, int8])
			tok := Token{Game: r.info.Name, Room: r.cfg.Name, Player: 1, Secret: st.secret}
			if tc.token != nil {
				tok = tc.token(st)
			}
			tc.before(r, s)
			r.step()
			req := resumeRequest[testgame.State, int8]{token: tok, peer: &p2, reply: make(chan resumeReply[testgame.State, int8], 1)}
			r.resume(&req)
			rep := <-req.reply
			if rep.err == nil || rep.err.Code != tc.code || !strings.Contains(rep.err.Reason, tc.reason) {
				t.Fatalf("refused with %v, want %d with a reason containing %q", rep.err, tc.code, tc.reason)
			}
		})
	}
}

// TestResumeOfABusyRoomIsPassing: a room whose control queue is full refuses at once, with 4017.
func TestResumeOfABusyRoomIsPassing(t *testing.T) {
	t.Parallel()
	r := newLineRoom(Config{})
	for len(r.control) < cap(r.control) {
		r.control <- control[testgame.State, int8]{}
	}
	var p fakePeer
	if _, err := r.Resume(Token{Player: 1}, &p); err == nil || err.Code != wire.CloseResumeLater {
		t.Fatalf("refused with %v, want 4017", err)
	}
}
