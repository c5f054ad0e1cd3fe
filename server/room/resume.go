package room

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tickwire/tickwire/server/internal/bufpool"
	"github.com/tickwire/tickwire/shared/sim"
	"github.com/tickwire/tickwire/shared/wire"
)

// Seat resume. A connection that is lost without a goodbye detaches its seat instead of leaving: the
// room keeps the player (standing still) for Config.ResumeGrace, and a new connection that presents
// the seat's token gets it back: same player, same state. Every welcome carries a new token and
// retires the last, so a token works for one connection; presenting the token of a seat that is
// still attached is refused, as a token reused by someone else would look.
//
// A refusal says whether to try again: 4017 (wire.CloseResumeLater) when the seat is there but
// cannot be taken this instant (still attached to a connection the server has not yet seen drop, or
// the room did not answer), 4015 (wire.CloseResumeFailed) when it is gone for good. The reason says
// why, for a person; for the last seats removed the room remembers whether their player left (a
// goodbye, or a close for breaking the protocol) or the grace period ran out.
//
// A welcome can be lost with its connection, and then the client holds only the token before it.
// So the room keeps the newest token the client is known to hold (its connection sent an input or
// acknowledged a snapshot after that welcome, or the client presented it) and honours it too, as
// long as no connection has been heard from since: a lost welcome does not lose the seat.

// Token is what a resume token says: where the seat is and the secret that proves it is yours.
type Token struct {
	Game, Room string
	Player     sim.PlayerID
	Secret     [16]byte
}

// String renders the token as it travels: game.room.player.secret (names hold no dots).
func (t Token) String() string {
	return fmt.Sprintf("%s.%s.%d.%s", t.Game, t.Room, t.Player, hex.EncodeToString(t.Secret[:]))
}

// ParseToken reads a token from its string form.
func ParseToken(s string) (Token, error) {
	var t Token
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return t, errors.New("malformed token")
	}
	id, err := strconv.ParseUint(parts[2], 10, 32)
	secret, herr := hex.DecodeString(parts[3])
	if err != nil || herr != nil || len(secret) != len(t.Secret) || id == 0 {
		return t, errors.New("malformed token")
	}
	t.Game, t.Room, t.Player = parts[0], parts[1], sim.PlayerID(id)
	copy(t.Secret[:], secret)
	return t, nil
}

// newToken gives s a fresh secret and returns its token.
func (r *room[S, I]) newToken(s *seat[S, I]) string {
	if _, err := rand.Read(s.secret[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	if s.kept == ([16]byte{}) { // the first token: the join's welcome
		s.kept = s.secret
	}
	t := Token{Game: r.info.Name, Room: r.cfg.Name, Player: s.id, Secret: s.secret}
	if r.cfg.SignToken != nil {
		return r.cfg.SignToken(t)
	}
	return t.String()
}

type resumeRequest[S, I any] struct {
	token Token
	peer  Peer
	reply chan resumeReply[S, I]
}

type resumeReply[S, I any] struct {
	seat *seat[S, I]
	err  *wire.CloseError
}

// Resume gives the seat that token names back to a new connection p: the room sends p the welcome
// (with a new token), the roster and a full snapshot. It waits for the room's next tick.
func (r *room[S, I]) Resume(t Token, p Peer) (Seat, *wire.CloseError) {
	req := resumeRequest[S, I]{token: t, peer: p, reply: make(chan resumeReply[S, I], 1)}
	select {
	case r.control <- control[S, I]{resume: &req}:
	default:
		return nil, wire.Closef(wire.CloseResumeLater, "cannot resume: the room is busy")
	}
	select {
	case rep := <-req.reply:
		if rep.err != nil {
			return nil, rep.err
		}
		return rep.seat, nil
	case <-time.After(5 * time.Second): // the room stopped, or is stalled, before it answered
		return nil, wire.Closef(wire.CloseResumeLater, "cannot resume: the room did not answer")
	}
}

// Detach holds the seat for its player, who lost the connection without saying goodbye.
func (s *seat[S, I]) Detach() {
	if s.spectator {
		s.Leave()
		return
	}
	if s.left.Swap(true) {
		return
	}
	s.room.control <- control[S, I]{detach: true, seat: s}
}

// detach runs in the room: the player stands still and nothing is sent until a resume or the end of
// the grace period.
func (r *room[S, I]) detach(s *seat[S, I]) {
	if !s.joined {
		r.freeSeat(s.id) // lost before the room saw it arrive: nothing to hold
		return
	}
	s.detached, s.peer = true, detachedPeer{}
	s.graceLeft = max(1, int(r.cfg.ResumeGrace*time.Duration(r.cfg.TickRate)/time.Second))
	s.mu.Lock()
	s.clearInputs()
	s.mu.Unlock()
	r.cfg.Logger.Info("player disconnected, seat held", "player", s.id, "name", s.name, "grace", r.cfg.ResumeGrace)
}

// expireDetached counts down the held seats and frees those whose grace ran out.
func (r *room[S, I]) expireDetached() {
	for i := 0; i < len(r.seats); i++ {
		s := r.seats[i]
		if !s.detached {
			continue
		}
		if s.graceLeft--; s.graceLeft > 0 {
			continue
		}
		r.cfg.Logger.Info("seat released", "player", s.id, "name", s.name, "cause", "not resumed in time")
		r.removeSeat(s, departExpired)
		i-- // removeSeat shifted the rest down
	}
}

// resume runs in the room: check the token and hand the seat to the new connection.
func (r *room[S, I]) resume(req *resumeRequest[S, I]) {
	var s *seat[S, I]
	for _, x := range r.seats {
		if x.id == req.token.Player {
			s = x
		}
	}
	var err *wire.CloseError
	switch {
	case s == nil:
		err = wire.Closef(wire.CloseResumeFailed, "cannot resume: %s; join again", r.departed.why(req.token))
	case !s.holds(req.token.Secret):
		err = wire.Closef(wire.CloseResumeFailed, "cannot resume: the token is not this seat's current one")
	case !s.detached:
		err = wire.Closef(wire.CloseResumeLater, "cannot resume: the seat is still held by a connection the server has not yet seen drop")
	}
	if err != nil {
		req.reply <- resumeReply[S, I]{err: err}
		return
	}
	// The new connection starts afresh: input sequence from 1, no snapshot baselines. But a seat
	// restored from a capture keeps the inputs its player sent before the room moved: the client
	// carries on where it was, and those inputs are what it predicted.
	s.mu.Lock()
	if !s.moved {
		s.clearInputs()
	}
	s.lastSeq, s.snapAckIn = 0, 0
	s.mu.Unlock()
	s.detached, s.moved, s.graceLeft, s.peer, s.ack, s.snapAck, s.sent = false, false, 0, req.peer, 0, 0, sent{}
	s.left.Store(false)
	r.sendWelcome(s)
	r.roster = true
	r.cfg.Logger.Info("player resumed", "player", s.id, "name", s.name)
	req.reply <- resumeReply[S, I]{seat: s}
}

// detachedPeer stands in for a detached seat's connection: what the room sends it goes nowhere.
type detachedPeer struct{}

func (detachedPeer) Send(b []byte)          { bufpool.Put(b) }
func (detachedPeer) SendSnapshot(b []byte)  { bufpool.Put(b) }
func (detachedPeer) Close(*wire.CloseError) {}

// holds reports whether secret is the seat's current token's, or the one its client is known to
// hold while the welcome carrying the current one may have been lost (nothing heard from the
// connection it went to). Room goroutine only.
func (s *seat[S, I]) holds(secret [16]byte) bool {
	s.mu.Lock()
	heard := s.lastSeq > 0 || s.snapAckIn > 0
	s.mu.Unlock()
	current := subtle.ConstantTimeCompare(s.secret[:], secret[:]) == 1
	if heard || current {
		s.kept = s.secret // the client got the current token
	}
	return current || subtle.ConstantTimeCompare(s.kept[:], secret[:]) == 1
}

// departure is why a seat was removed.
type departure uint8

const (
	departLeft    departure = iota + 1 // its player said goodbye, or was closed for breaking the protocol
	departExpired                      // its connection was lost and the grace period ran out
)

// departures remembers the last seats removed from the room (a fixed number, the oldest forgotten
// first), so that a resume naming one of them is told why it is gone. Room goroutine only.
type departures struct {
	last [32]departed
	next int
}

type departed struct {
	player       sim.PlayerID
	secret, kept [16]byte
	why          departure
}

func (d *departures) add(x departed) {
	d.last[d.next] = x
	d.next = (d.next + 1) % len(d.last)
}

// why says why the seat t names is gone, as a reason a person can read. Only the holder of one of
// the seat's tokens learns more than that it is gone.
func (d *departures) why(t Token) string {
	for _, x := range d.last {
		if x.why == 0 || x.player != t.Player ||
			subtle.ConstantTimeCompare(x.secret[:], t.Secret[:]) != 1 && subtle.ConstantTimeCompare(x.kept[:], t.Secret[:]) != 1 {
			continue
		}
		if x.why == departLeft {
			return "the seat was given up (its player left, or was closed for breaking the protocol)"
		}
		return "the seat is gone (the grace period ran out)"
	}
	return "the seat is gone"
}
