package room

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tickwire/tickwire/shared/wire"
)

// Freezing and checkpoints. A room moves to another server in three steps, all through its own
// goroutine: Freeze stops it at the next tick boundary and returns its capture, and the room then
// steps nothing (its clients see no snapshot) until it hears what became of the capture. Thaw says
// the move failed: the room plays on from where it stopped, its clock restarted so that it does not
// run the frozen time's steps in a burst. Moved says another server restored it: every player and
// spectator is sent there (a redirect, then close 4018; clients resume their seats with their
// tokens) and Run returns. While frozen the room still ends on ctx or Stop, as it does when running.
//
// A room with Config.CheckpointEvery captures itself every that many ticks' worth, after the step,
// and hands the encoded capture to Config.OnCheckpoint, so that it can be restored if its server
// dies without handing it off.

// ErrStopped is returned by Freeze for a room that stopped, or stopped before it froze.
var ErrStopped = errors.New("room: the room has stopped")

// movedReason is what a player of a room that moved reads, in the close after the redirect.
const movedReason = "this room moved to another server"

type freezeRequest struct {
	ctx   context.Context  // the caller gives up when it is done: the room then plays on
	reply chan freezeReply // unbuffered: the reply is taken, or the caller gave up, never both
}

type freezeReply struct {
	c   *Capture
	err error
}

// unfreeze ends a freeze: the room plays on (Thaw) or has moved to url (Moved).
type unfreeze struct {
	moved bool
	url   string
}

// Freeze stops the room at its next tick boundary, after applying the arrivals and departures
// already queued, and returns its capture. The room then steps nothing until Thaw or Moved. ctx
// bounds the wait for the boundary; when it ends first the room does not freeze. A room that stopped
// (or stops before the boundary) returns an error matching ErrStopped.
func (r *room[S, I]) Freeze(ctx context.Context) (*Capture, error) {
	req := &freezeRequest{ctx: ctx, reply: make(chan freezeReply)}
	select {
	case r.freezes <- req:
	case <-r.done:
		return nil, ErrStopped
	case <-ctx.Done():
		return nil, fmt.Errorf("room: freeze: %w", ctx.Err())
	}
	select {
	case rep := <-req.reply:
		return rep.c, rep.err
	case <-r.done:
		return nil, ErrStopped
	case <-ctx.Done():
		return nil, fmt.Errorf("room: freeze: %w", ctx.Err())
	}
}

// Thaw ends a freeze: the room plays on from the tick it stopped at. It does nothing to a room
// that is not frozen.
func (r *room[S, I]) Thaw() { r.unfreezeWith(unfreeze{}) }

// Moved ends a freeze for good: every player and spectator is sent to url (a redirect with no
// token, then close 4018), those still arriving too, and Run returns nil. It does nothing to a
// room that is not frozen.
func (r *room[S, I]) Moved(url string) { r.unfreezeWith(unfreeze{moved: true, url: url}) }

func (r *room[S, I]) unfreezeWith(u unfreeze) {
	if !r.frozen.Load() {
		return
	}
	select {
	case r.unfreezes <- u:
	default: // Thaw or Moved was already said: the first one stands
	}
}

// freeze runs on the room's goroutine: it captures the room, hands the capture over and waits for
// the freeze to end. It reports whether the room is over (moved or stopped).
func (r *room[S, I]) freeze(ctx context.Context, req *freezeRequest) (over bool) {
	reply := func(rep freezeReply) bool {
		select {
		case req.reply <- rep:
			return true
		case <-req.ctx.Done():
			return false
		}
	}
	select {
	case ce := <-r.stop: // stopping already: the stop wins
		reply(freezeReply{err: ErrStopped})
		r.closeAll(ce)
		return true
	default:
	}
	r.applyControl()
	c, err := r.capture()
	if err != nil {
		r.cfg.Logger.Error("room capture failed", "error", err)
		reply(freezeReply{err: err})
		return false
	}
	select {
	case <-r.unfreezes: // a Thaw or Moved said to no freeze
	default:
	}
	r.frozen.Store(true)
	defer r.frozen.Store(false)
	if !reply(freezeReply{c: c}) {
		return false // the caller gave up: nobody will thaw the room, so it plays on
	}
	r.cfg.Logger.Info("room frozen", "tick", c.Tick)
	select {
	case <-ctx.Done():
		r.closeAll(&wire.CloseError{Code: wire.CloseGoingAway, Reason: "server shutting down"})
		return true
	case ce := <-r.stop:
		r.closeAll(ce)
		return true
	case u := <-r.unfreezes:
		if !u.moved {
			r.cfg.Logger.Info("room thawed", "tick", c.Tick)
			return false
		}
		r.cfg.Logger.Info("room moved", "tick", c.Tick, "to", u.url)
		r.recordEnd(ReplayMoved) // the room restored there records from here in a file of its own
		r.closeMoved(wire.RedirectTo(u.url, "", movedReason))
		return true
	}
}

// closeMoved sends every player and spectator of a room that moved where it went: those seated,
// those still arriving (who join there with the same hello) and those asking to resume (who resume
// there). Departures still queued need nothing: the room is gone.
func (r *room[S, I]) closeMoved(ce *wire.CloseError) {
drain:
	for {
		select {
		case c := <-r.control:
			switch {
			case c.resume != nil:
				c.resume.reply <- resumeReply[S, I]{err: ce}
			case c.join && !c.seat.left.Load():
				c.seat.peer.Close(ce)
			}
		default:
			break drain
		}
	}
	for _, s := range r.seats {
		s.peer.Close(ce)
	}
	for _, s := range r.watchers {
		s.peer.Close(ce)
	}
}

// checkpointTicks returns the ticks between two checkpoints for cfg, 0 for none.
func checkpointTicks(cfg Config) int {
	if cfg.CheckpointEvery <= 0 || cfg.OnCheckpoint == nil {
		return 0
	}
	return max(1, int((cfg.CheckpointEvery*time.Duration(cfg.TickRate)+time.Second/2)/time.Second))
}

// checkpoint captures the room after the step of tick, when a checkpoint is due, and hands the
// encoded capture to Config.OnCheckpoint. A capture that fails is logged and skipped: the last
// checkpoint stands.
func (r *room[S, I]) checkpoint(tick uint32) {
	if r.checkpointEvery == 0 || tick%uint32(r.checkpointEvery) != 0 {
		return
	}
	c, err := r.capture()
	var data []byte
	if err == nil {
		data, err = c.Marshal()
	}
	if err != nil {
		r.cfg.Logger.Error("room checkpoint failed", "tick", tick, "error", err)
		return
	}
	r.cfg.OnCheckpoint(data)
}
